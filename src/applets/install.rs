//! `rs6 --install [--bin-links] DIR`: make DIR an overlay root.
//!
//! - `DIR/package/admin/rs6/command/rs6`: the binary, mode 04755 when root
//!   installs it (setuid: see `sys::ids`), else 0755, the path
//!   every applet link leads to (images move `/init` and rename things in
//!   `/usr/bin`; nothing has a reason to touch this path);
//! - `DIR/init`: the same file, a hard link to it (an image holds the
//!   binary once; a copy where no link can be made). Both are made under a
//!   temporary name and renamed into place, so a running `/init` is never
//!   truncated and a symlink at `DIR/init` is replaced, not written through;
//! - `DIR/command/NAME -> /package/admin/rs6/command/rs6` for every applet
//!   (s6-overlay v3's place);
//! - `DIR/usr/bin/NAME -> /command/NAME` for the applets whose v1/v2 paths
//!   scripts hard-code (`/usr/bin/with-contenv`, `/usr/bin/execlineb`, …),
//!   only where the image has no such file;
//! - `DIR/package/admin/s6-overlay/command/NAME -> /command/NAME`, where v3
//!   scripts call s6-overlay's commands, only where the image has no such file;
//! - `DIR/package/admin/rs6/basedir/bin/halt -> /package/admin/rs6/command/rs6`
//!   and `{poweroff,reboot,shutdown} -> halt` beside it: what `/init` links
//!   `/run/s6/basedir` to at every start (one link to make, not a tree);
//! - `DIR/package/admin/s6-overlay/libexec/{preinit,stage0}` (Links::Libexec)
//!   `-> /package/admin/rs6/command/rs6`, only where the image has no such file;
//! - `DIR/package/admin/{s6,s6-rc,execline,s6-portable-utils,s6-linux-utils,
//!   s6-linux-init}/command -> /command` (the paths of s6-overlay's packages),
//!   only where the image has no such file;
//! - with `--bin-links`, `DIR/bin/NAME -> /command/NAME` for the execline
//!   commands (v2 scripts call `/bin/export`), only where the image has no
//!   such file.
//!
//! Every link keeps the applet's name along its chain, so a renamed link
//! still finds its applet (see the dispatch). "Where the image has no such
//! file": an existing entry is replaced only when it is a symlink that an
//! install made (its target is `/command/…`, `/package/admin/rs6/…`, or
//! `../init` from older versions); in `DIR/command`, which is ours, any
//! symlink is replaced and anything else is left alone with a warning.
//!
//! It never replaces `DIR/bin` or `DIR/sbin` (s6-overlay's tarballs
//! replaced a `/bin -> usr/bin` symlink with a real directory and broke
//! images). Paths inside DIR are resolved with `openat2(RESOLVE_IN_ROOT)`,
//! as if DIR were `/`, so no symlink in the image can lead outside it.
//! Running it twice gives the same tree.
use super::{APPLETS, Links};
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

const USAGE: &[u8] = b"rs6 --install [--bin-links] DIR";
const DIR_FLAGS: OFlags = OFlags::DIRECTORY.union(OFlags::RDONLY).union(OFlags::CLOEXEC);
/// Where the binary lives; every applet link leads there.
pub const BINARY: &[u8] = b"/package/admin/rs6/command/rs6";

pub fn main(args: Args) -> u8 {
    let bin_links = args.get_arg(1).is_some_and(|a| a.to_bytes() == b"--bin-links");
    let args = if bin_links { args.skip(1) } else { args };
    let Some(dir) = args.get_arg(1) else { diag::usage(USAGE) };
    if args.len() != 2 {
        diag::usage(USAGE);
    }
    let d = dir.to_bytes();
    let root = match fs::open(dir, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", d]),
    };
    let open = |comps: &[&[u8]], shown: &[u8]| match ensure_dir(root.as_fd(), comps) {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create ", d, b"/", shown]),
    };
    let pkg = open(&[b"package", b"admin", b"rs6", b"command"], b"package/admin/rs6/command");
    if let Err(e) = copy_self(pkg.as_fd(), c"rs6") {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to install ", d, BINARY]);
    }
    if let Err(e) = link_self(pkg.as_fd(), root.as_fd(), c"init") {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to install ", d, b"/init"]);
    }
    let mut ok = true;
    let basedir = open(&[b"package", b"admin", b"rs6", b"basedir", b"bin"], b"package/admin/rs6/basedir/bin");
    ok &= link(basedir.as_fd(), b"halt", &[BINARY], b"package/admin/rs6/basedir/bin/", true);
    for name in [&b"poweroff"[..], b"reboot", b"shutdown"] {
        ok &= link(basedir.as_fd(), name, &[b"halt"], b"package/admin/rs6/basedir/bin/", true);
    }
    let command = open(&[b"command"], b"command");
    let usr_bin = open(&[b"usr", b"bin"], b"usr/bin");
    let s6o = open(&[b"package", b"admin", b"s6-overlay", b"command"], b"package/admin/s6-overlay/command");
    let bin = if bin_links { Some(open(&[b"bin"], b"bin")) } else { None };
    let libexec = open(&[b"package", b"admin", b"s6-overlay", b"libexec"], b"package/admin/s6-overlay/libexec");
    // The paths of s6-overlay's packages (`/package/admin/s6/command/s6-svc`
    // in healthchecks): each package's `command` leads to `/command`.
    for pkg in [&b"s6"[..], b"s6-rc", b"execline", b"s6-portable-utils", b"s6-linux-utils", b"s6-linux-init"] {
        let shown = crate::sys::arena::cstr(&[b"package/admin/", pkg, b"/"]).map_or(&b""[..], |c| c.to_bytes());
        let d = match ensure_dir(root.as_fd(), &[b"package", b"admin", pkg]) {
            Ok(d) => d,
            // The image's own package, a symlink to its versioned
            // directory, on a kernel without openat2: left alone.
            Err(Errno::NOTDIR | Errno::LOOP) => continue,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create ", d, b"/", shown]),
        };
        ok &= link(d.as_fd(), b"command", &[b"/command"], shown, false);
    }
    for a in &APPLETS {
        let name = a.name();
        if a.links == Links::Libexec {
            ok &= link(libexec.as_fd(), name, &[BINARY], b"package/admin/s6-overlay/libexec/", false);
        }
        if matches!(a.links, Links::Init | Links::Libexec) {
            continue;
        }
        let to_cmd: &[&[u8]] = &[b"/command/", name];
        ok &= link(command.as_fd(), name, &[BINARY], b"command/", true);
        ok &= link(s6o.as_fd(), name, to_cmd, b"package/admin/s6-overlay/command/", false);
        if matches!(a.links, Links::CommandAndUsrBin | Links::Execline) {
            ok &= link(usr_bin.as_fd(), name, to_cmd, b"usr/bin/", false);
        }
        if let (Links::Execline, Some(b)) = (a.links, &bin) {
            ok &= link(b.as_fd(), name, to_cmd, b"bin/", false);
        }
    }
    if ok { exit::OK } else { exit::SYSCALL }
}

/// Make `root/name` a hard link to `pkg/rs6` (just installed), through a
/// temporary name; a copy where the link cannot be made (another
/// filesystem, one without hard links).
fn link_self(pkg: BorrowedFd<'_>, root: BorrowedFd<'_>, name: &core::ffi::CStr) -> Result<(), Errno> {
    let tmp = c".rs6-install.new";
    let _ = fs::unlinkat(root, tmp, AtFlags::empty());
    if fs::linkat(pkg, c"rs6", root, tmp, AtFlags::empty()).is_err() {
        return copy_self(root, name);
    }
    let r = fs::renameat(root, tmp, root, name);
    // A rename between two names of one file does nothing: `tmp` stays.
    let _ = fs::unlinkat(root, tmp, AtFlags::empty());
    r
}

/// Copy /proc/self/exe to `root/name` through a temporary file.
fn copy_self(root: BorrowedFd<'_>, name: &core::ffi::CStr) -> Result<(), Errno> {
    let src = fs::open(c"/proc/self/exe", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let tmp = c".rs6-install.new";
    let _ = fs::unlinkat(root, tmp, AtFlags::empty());
    let dst = fs::openat(
        root,
        tmp,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o700),
    )?;
    // Owned by root, it is setuid (as s6-overlay's s6-overlay-suexec): a
    // non-root container's PID 1 makes /run its user's first; every other
    // use drops to the real ids at once (`sys::ids`).
    let mode = if rustix::process::geteuid().is_root() { 0o4755 } else { 0o755 };
    let r = copy_fd(&src, &dst)
        .and_then(|_| fs::fchmod(&dst, Mode::from_raw_mode(mode)))
        .and_then(|_| fs::renameat(root, tmp, root, name));
    if r.is_err() {
        let _ = fs::unlinkat(root, tmp, AtFlags::empty());
    }
    r
}

fn copy_fd(src: &OwnedFd, dst: &OwnedFd) -> Result<(), Errno> {
    let mut buf = [0u8; 16384];
    loop {
        let n = match rustix::io::read(src, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e),
        };
        crate::sys::fd::write_all(dst.as_fd(), &buf[..n])?;
    }
}

/// Open (creating as needed, mode 0755) the directory `root/c1/c2/…`,
/// resolving every component inside `root`.
fn ensure_dir(root: BorrowedFd<'_>, comps: &[&[u8]]) -> Result<OwnedFd, Errno> {
    let mut path = heapless::Vec::<u8, 256>::new();
    for c in comps {
        if !path.is_empty() {
            path.push(b'/').map_err(|_| Errno::NAMETOOLONG)?;
        }
        path.extend_from_slice(c).map_err(|_| Errno::NAMETOOLONG)?;
    }
    ensure_path(root, &path, 8)
}

/// `ensure_dir` on a slash-separated path. A component that is a dangling
/// symlink gets its target created (inside the root), as `mkdir -p` through
/// the link would once the root is `/`; `depth` bounds symlink chains.
fn ensure_path(root: BorrowedFd<'_>, path: &[u8], depth: u32) -> Result<OwnedFd, Errno> {
    let mut end = 0;
    loop {
        let next = path[end..].iter().position(|&c| c == b'/').map(|i| end + i).unwrap_or(path.len());
        let prefix = &path[..next];
        if !prefix.is_empty()
            && prefix != b"/"
            && let Err(Errno::NOENT) = open_in_root(root, prefix)
        {
            let split = prefix.iter().rposition(|&c| c == b'/');
            let (parent, name) = match split {
                Some(i) => (&prefix[..i], &prefix[i + 1..]),
                None => (&b""[..], prefix),
            };
            let pfd = open_in_root(root, if parent.is_empty() { b"." } else { parent })?;
            let mut link = [0u8; 256];
            match fs::readlinkat_raw(&pfd, name, &mut link) {
                Ok(n) if depth > 0 => {
                    let target = &link[..n.min(link.len())];
                    let mut t = heapless::Vec::<u8, 512>::new();
                    if target.first() != Some(&b'/') {
                        t.extend_from_slice(parent).map_err(|_| Errno::NAMETOOLONG)?;
                        t.push(b'/').map_err(|_| Errno::NAMETOOLONG)?;
                    }
                    t.extend_from_slice(target).map_err(|_| Errno::NAMETOOLONG)?;
                    drop(ensure_path(root, &t, depth - 1)?);
                }
                Ok(_) => return Err(Errno::LOOP),
                Err(_) => crate::base::fs::mkdir_ok(pfd.as_fd(), name, 0o755)?,
            }
        }
        if next >= path.len() {
            return open_in_root(root, path);
        }
        end = next + 1;
    }
}

fn open_in_root(root: BorrowedFd<'_>, path: &[u8]) -> Result<OwnedFd, Errno> {
    // With a `..` in the path, the kernel answers EAGAIN when a rename or a
    // mount anywhere on the system raced with the lookup: try again.
    let mut tries = 64;
    loop {
        match fs::openat2(root, path, DIR_FLAGS, Mode::empty(), ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS) {
            Err(Errno::NOSYS) => return open_no_symlinks(root, path),
            Err(Errno::AGAIN) if tries > 0 => tries -= 1,
            r => return r,
        }
    }
}

/// For kernels without openat2 (before 5.6): walk the path refusing every
/// symlink (ELOOP), which is stricter but equally safe.
fn open_no_symlinks(root: BorrowedFd<'_>, path: &[u8]) -> Result<OwnedFd, Errno> {
    let mut cur = fs::openat(root, c".", DIR_FLAGS, Mode::empty())?;
    for c in path.split(|&b| b == b'/').filter(|c| !c.is_empty() && *c != b".") {
        if c == b".." {
            return Err(Errno::ACCESS);
        }
        cur = fs::openat(&cur, c, DIR_FLAGS | OFlags::NOFOLLOW, Mode::empty())?;
    }
    Ok(cur)
}

/// Whether an existing link was made by an install (and may be updated).
fn ours(target: &[u8]) -> bool {
    target.starts_with(b"/command/") || target.starts_with(b"/package/admin/rs6/") || target == b"../init"
}

/// Make `dir/name` a symlink to the concatenation of `target`. With `own`
/// (our directory), replace any symlink and leave anything else alone with
/// a warning; else replace only a link an install made, silently leaving
/// the image's own file.
fn link(dir: BorrowedFd<'_>, name: &[u8], target: &[&[u8]], shown: &[u8], own: bool) -> bool {
    let mut t = heapless::Vec::<u8, 256>::new();
    for p in target {
        let _ = t.extend_from_slice(p);
    }
    match fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) != FileType::Symlink => {
            if own {
                diag::warn(&[b"not replacing ", shown, name, b": it exists and is not a symlink"]);
            }
            return true;
        }
        Ok(_) => {
            let mut buf = [0u8; 256];
            let n = fs::readlinkat_raw(dir, name, &mut buf).unwrap_or(0).min(buf.len());
            if buf[..n] == t[..] || !(own || ours(&buf[..n])) {
                return true;
            }
        }
        Err(_) => {}
    }
    let mut tmp = heapless::Vec::<u8, 256>::new();
    let _ = tmp.extend_from_slice(b".rs6-new.");
    let _ = tmp.extend_from_slice(name);
    let _ = fs::unlinkat(dir, &tmp[..], AtFlags::empty());
    let r = fs::symlinkat(&t[..], dir, &tmp[..]).and_then(|_| fs::renameat(dir, &tmp[..], dir, name));
    match r {
        Ok(()) => true,
        Err(e) => {
            let _ = fs::unlinkat(dir, &tmp[..], AtFlags::empty());
            diag::warn_sys(e, &[b"unable to create ", shown, name]);
            false
        }
    }
}
