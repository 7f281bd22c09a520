//! `rs6 --install DIR`: make DIR an overlay root.
//!
//! - `DIR/init`: a copy of this binary, mode 0755, written to a temporary
//!   name and renamed into place (so a running `/init` is never truncated
//!   and a symlink at `DIR/init` is replaced, not written through);
//! - `DIR/command/NAME -> ../init` for every applet (s6-overlay v3's place);
//! - `DIR/usr/bin/NAME -> /command/NAME` for the applets whose v1/v2 paths
//!   scripts hard-code (`/usr/bin/with-contenv`, `/usr/bin/execlineb`, …).
//!
//! It never creates, replaces or writes through `DIR/bin` or `DIR/sbin`
//! (s6-overlay's tarballs replaced a `/bin -> usr/bin` symlink with a real
//! directory and broke images). Paths inside DIR are resolved with
//! `openat2(RESOLVE_IN_ROOT)`, as if DIR were `/`, so no symlink in the image
//! can lead outside it. An entry that exists and is not a symlink is left
//! alone with a warning. Running it twice gives the same tree.
use super::{APPLETS, Links};
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

const USAGE: &[u8] = b"rs6 --install DIR";
const DIR_FLAGS: OFlags = OFlags::DIRECTORY.union(OFlags::RDONLY).union(OFlags::CLOEXEC);

pub fn main(args: Args) -> u8 {
    let Some(dir) = args.get_arg(1) else { diag::usage(USAGE) };
    if args.len() != 2 {
        diag::usage(USAGE);
    }
    let root = match fs::open(dir, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", dir.to_bytes()]),
    };
    if let Err(e) = copy_self(root.as_fd()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to install ", dir.to_bytes(), b"/init"]);
    }
    let mut ok = true;
    let command = ensure_dir(root.as_fd(), &[b"command"]);
    let usr_bin = if APPLETS.iter().any(|a| a.links == Links::CommandAndUsrBin) {
        Some(ensure_dir(root.as_fd(), &[b"usr", b"bin"]))
    } else {
        None
    };
    let command = match command {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create ", dir.to_bytes(), b"/command"]),
    };
    let usr_bin = match usr_bin {
        None => None,
        Some(Ok(fd)) => Some(fd),
        Some(Err(e)) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create ", dir.to_bytes(), b"/usr/bin"]),
    };
    for a in APPLETS {
        if a.links == Links::Init {
            continue;
        }
        let name = a.name.as_bytes();
        ok &= link(command.as_fd(), name, &[b"../init"], b"command/");
        if let (Links::CommandAndUsrBin, Some(ub)) = (a.links, &usr_bin) {
            ok &= link(ub.as_fd(), name, &[b"/command/", name], b"usr/bin/");
        }
    }
    if ok { exit::OK } else { exit::SYSCALL }
}

/// Copy /proc/self/exe to `root/init` through a temporary file.
fn copy_self(root: BorrowedFd<'_>) -> Result<(), Errno> {
    let src = fs::open(c"/proc/self/exe", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let tmp = c"init.rs6-install";
    let _ = fs::unlinkat(root, tmp, AtFlags::empty());
    let dst = fs::openat(
        root,
        tmp,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o700),
    )?;
    let r = copy_fd(&src, &dst)
        .and_then(|_| fs::fchmod(&dst, Mode::from_raw_mode(0o755)))
        .and_then(|_| fs::renameat(root, tmp, root, c"init"));
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
        if !prefix.is_empty() && prefix != b"/" {
            if let Err(Errno::NOENT) = open_in_root(root, prefix) {
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
                    Err(_) => match fs::mkdirat(&pfd, name, Mode::from_raw_mode(0o755)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(e),
                    },
                }
            }
        }
        if next >= path.len() {
            return open_in_root(root, path);
        }
        end = next + 1;
    }
}

fn open_in_root(root: BorrowedFd<'_>, path: &[u8]) -> Result<OwnedFd, Errno> {
    match fs::openat2(root, path, DIR_FLAGS, Mode::empty(), ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS) {
        Err(Errno::NOSYS) => open_no_symlinks(root, path),
        r => r,
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

/// Make `dir/name` a symlink to the concatenation of `target`; replace an
/// existing symlink, leave anything else alone (with a warning).
fn link(dir: BorrowedFd<'_>, name: &[u8], target: &[&[u8]], shown: &[u8]) -> bool {
    let mut t = heapless::Vec::<u8, 256>::new();
    for p in target {
        let _ = t.extend_from_slice(p);
    }
    match fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) != FileType::Symlink => {
            diag::warn(&[b"not replacing ", shown, name, b": it exists and is not a symlink"]);
            return true;
        }
        Ok(_) => {
            let mut buf = [0u8; 256];
            if let Ok(n) = fs::readlinkat_raw(dir, name, &mut buf) {
                if &buf[..n] == &t[..] {
                    return true;
                }
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
