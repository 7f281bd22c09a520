//! Stage 1's filesystem work: the runtime directories and the container
//! environment snapshot.
//!
//! `/run` is the runtime root. v2's paths (`/var/run/s6/…`) and v3's
//! (`/run/s6/…`) reach the same objects: when `/var/run` is missing it
//! becomes a symlink to `/run`; when it is a real directory of the image it
//! is kept (v3 deletes it; we don't) and `/var/run/s6` becomes a symlink to
//! `/run/s6`. With `S6_READ_ONLY_ROOT`, nothing outside `/run` is written.
use crate::base::diag;
use crate::base::fs::{remove_entries, remove_tree};
use crate::rt::Env;
use crate::s6::envdir;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

const DIR: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);
pub const RESULTS: &core::ffi::CStr = c"/run/s6-linux-init-container-results";
pub const EXITCODE: &core::ffi::CStr = c"/run/s6-linux-init-container-results/exitcode";

fn mkdir(path: &core::ffi::CStr, mode: u32) -> Result<(), Errno> {
    crate::base::fs::mkdir_ok(fs::CWD, path, mode)
}

/// Remove every entry of `dir` except those named in `keep`.
fn prune(dir: BorrowedFd<'_>, keep: &[&[u8]]) -> Result<(), Errno> {
    crate::base::fs::remove_entries(dir, 32, |n| keep.contains(&n))
}

/// `path` as a real directory (a symlink there, from another layout, is
/// removed first), and whether it was just made.
fn real_dir(path: &core::ffi::CStr) -> Result<(OwnedFd, bool), Errno> {
    match open_dir(path, 0o755) {
        Err(Errno::LOOP | Errno::NOTDIR)
            if fs::lstat(path).is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Symlink) =>
        {
            fs::unlink(path)?;
            open_dir(path, 0o755)
        }
        r => r,
    }
}

/// [`real_dir`], emptied but for the entries named in `keep` (one just
/// made is empty: it is not listed).
fn clean_dir(path: &core::ffi::CStr, keep: &[&[u8]]) -> Result<OwnedFd, Errno> {
    let (d, fresh) = real_dir(path)?;
    if !fresh {
        prune(d.as_fd(), keep)?;
    }
    Ok(d)
}

/// `path` as a symlink to `target` (whatever else is there is removed).
fn ensure_link(path: &core::ffi::CStr, target: &core::ffi::CStr) -> Result<(), Errno> {
    let mut cur = [0u8; 512];
    match fs::readlinkat_raw(fs::CWD, path, &mut cur[..]) {
        // A target that filled the buffer may be longer: not the same.
        Ok(n) if n < cur.len() && cur.get(..n) == Some(target.to_bytes()) => return Ok(()),
        Ok(_) => fs::unlink(path)?,
        Err(Errno::NOENT) => {}
        Err(_) => {
            let (dir, name) = (c"/run", &path.to_bytes()[5..]);
            let d = fs::open(dir, DIR, Mode::empty())?;
            remove_tree(d.as_fd(), name, 32)?;
        }
    }
    fs::symlink(target, path)
}

/// `path` as a directory, open, and whether it was just made (then it is
/// empty, and nothing in it needs a look).
fn open_dir(path: &core::ffi::CStr, mode: u32) -> Result<(OwnedFd, bool), Errno> {
    let fresh = match fs::mkdir(path, Mode::from_raw_mode(mode)) {
        Ok(()) => true,
        Err(Errno::EXIST) => false,
        Err(e) => return Err(e),
    };
    Ok((fs::open(path, DIR | OFlags::NOFOLLOW, Mode::empty())?, fresh))
}

/// As root, for the real user of a PID 1 started through the binary's
/// setuid bit (`docker run --user` with the image's root-owned `/run`), as
/// s6-overlay's preinit: a missing `/run` is made (0755), and one owned by
/// someone else is given to the user and its group, mode 0755; a missing
/// `/var/run` is made a link to `/run` (the user could not). Nothing is
/// followed: a symlink at `/run` or `/var` is left alone, and every change
/// goes through a descriptor opened with `O_NOFOLLOW`. A failure is a
/// warning: `check_run`, as the user, then says whether `/run` can serve.
pub fn take_run(read_only_root: bool) {
    let uid = rustix::process::getuid();
    let gid = rustix::process::getgid();
    let root = match fs::open(c"/", DIR, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return diag::warn_sys(e, &[b"unable to open /"]),
    };
    match fs::mkdirat(&root, c"run", Mode::from_raw_mode(0o755)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => diag::warn_sys(e, &[b"unable to mkdir /run"]),
    }
    // A symlink (ELOOP, ENOTDIR) is not opened: not ours to change.
    if let Ok(run) = fs::openat(&root, c"run", DIR | OFlags::NOFOLLOW, Mode::empty()) {
        let r = fs::fstat(&run).and_then(|st| {
            if st.st_uid == uid.as_raw() {
                return Ok(());
            }
            fs::fchown(&run, Some(uid), Some(gid))?;
            fs::fchmod(&run, Mode::from_raw_mode(0o755))
        });
        if let Err(e) = r {
            diag::warn_sys(e, &[b"unable to give /run to the container's user"]);
        }
    }
    if read_only_root || fs::statat(&root, c"var/run", AtFlags::SYMLINK_NOFOLLOW).is_ok() {
        return;
    }
    let _ = fs::mkdirat(&root, c"var", Mode::from_raw_mode(0o755));
    if let Ok(var) = fs::openat(&root, c"var", DIR | OFlags::NOFOLLOW, Mode::empty()) {
        match fs::symlinkat(c"/run", &var, c"run") {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => diag::warn_sys(e, &[b"unable to symlink /var/run to /run"]),
        }
    }
}

/// Whether this (non-root) user may use `/run`, by s6-overlay v3's rules:
/// its owner, or its group with group rwx and not world-writable; a `/run`
/// writable by everyone is accepted with a warning when it has the sticky
/// bit, or without it only with
/// `S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES` (Kubernetes
/// mounts it so). Root may use any `/run`.
pub fn check_run(kube: bool) -> Result<(), &'static [u8]> {
    let euid = rustix::process::geteuid();
    if euid.is_root() {
        return Ok(());
    }
    let st = fs::stat(c"/run").map_err(|_| &b"it does not exist and this user cannot create it"[..])?;
    let m = st.st_mode;
    if st.st_uid == euid.as_raw() {
        return Ok(());
    }
    let group = st.st_gid == rustix::process::getegid().as_raw() && m & 0o070 == 0o070;
    if group && m & 0o002 == 0 {
        return Ok(());
    }
    if m & 0o002 == 0 {
        return Err(b"it is not writable by the container's user");
    }
    if m & 0o1000 != 0 {
        diag::warn(&[
            b"/run is not owned by the container's user but writable by everyone (with the sticky bit): using it",
        ]);
        return Ok(());
    }
    if kube {
        diag::warn(&[b"/run is writable by everyone without the sticky bit: using it because S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES is set"]);
        return Ok(());
    }
    Err(b"it is writable by everyone without the sticky bit; set S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES=1 to accept that")
}

/// Set up `/run`, clean what a previous start of this container left, and
/// make `/var/run` reach it.
///
/// Clean means: nothing of the previous start's state survives (its
/// services, its exit code, its variables: `snapshot` rewrites the
/// environment directory). The directories themselves, the control fifo and
/// the links are kept when they are already right, so that a restart does
/// not delete and recreate inodes for nothing (slow on ext4, which skips
/// recently freed inodes).
///
/// The scan directory is where s6-overlay had it, because services look at
/// their working directory (`pwd -P`): v2 layout, `/run/s6/services` with
/// `/run/service -> s6/services`; v3 layout (`v3`), `/run/service` with
/// `/run/s6/services -> ../service` and `/run/s6/legacy-services/` for the
/// copies of `services.d`.
///
/// `Ok(true)`: `/run/s6/cmd` still says how the previous start's CMD
/// ended; the caller says `starting` in it before anything of stage 2
/// runs (`Pid1::cmd_starting`), or `up` when the CMD is the first thing.
pub fn prepare(read_only_root: bool, v3: bool) -> Result<bool, (Errno, &'static [u8])> {
    if !read_only_root {
        mkdir(c"/run", 0o755).map_err(|e| (e, &b"unable to mkdir /run"[..]))?;
    }
    let clean = |e| (e, &b"unable to clean /run"[..]);
    let (s6, fresh) = open_dir(c"/run/s6", 0o755).map_err(clean)?;
    let mut stale = false;
    if fresh {
        crate::s6::cmd::absent();
    } else {
        let keep: &[&[u8]] = &[
            b"container_environment",
            b"basedir",
            b"services",
            b"legacy-services",
            b"workdir",
            b"cmd",
            b"cmd.new",
            b"etc",
        ];
        prune(s6.as_fd(), keep).map_err(clean)?;
        // The previous start's `cmd` and `cmd.new` are kept (no inode freed
        // and made again, see `s6::cmd`); `cmd` is rewritten by the caller.
        for name in [c"cmd.new", c"cmd"] {
            match fs::statat(&s6, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => stale |= name == c"cmd",
                Ok(_) => remove_tree(s6.as_fd(), name.to_bytes(), 32).map_err(clean)?,
                Err(_) => {}
            }
        }
    }
    let (real, link, target) = if v3 {
        (c"/run/service", c"/run/s6/services", c"../service")
    } else {
        (c"/run/s6/services", c"/run/service", c"s6/services")
    };
    ensure_link(link, target).map_err(clean)?;
    clean_dir(real, &[b".s6-svscan"]).map_err(clean)?;
    if v3 {
        clean_dir(c"/run/s6/legacy-services", &[]).map_err(clean)?;
        if !fresh {
            let _ = remove_tree(s6.as_fd(), b"etc", 32);
        }
    } else {
        if !fresh {
            let _ = remove_tree(s6.as_fd(), b"legacy-services", 32);
        }
    }
    let (results, fresh_results) = real_dir(RESULTS).map_err(clean)?;
    if !fresh_results {
        prune(results.as_fd(), &[b"exitcode"]).map_err(clean)?;
    }
    // The exitcode file says 0 from the start, as s6-linux-init's: finish
    // scripts read it (`[ "$(cat …/exitcode)" -eq 0 ]`) before they write
    // their own code. A previous start's code is overwritten in place (one
    // write, cut to its length, never to zero: a file truncated to zero
    // and written again is flushed to the disk at close on ext4).
    let f = match fs::openat(&results, c"exitcode", OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())
    {
        Ok(f) => rustix::io::pwrite(&f, b"0\n", 0).and_then(|_| crate::base::fs::cut(f.as_fd(), 2)).map(|_| f),
        Err(_) => crate::base::fs::create_new_fd(results.as_fd(), c"exitcode", &[b"0\n"], 0o644),
    };
    if let Ok(f) = f {
        mark_exitcode(f.as_fd());
    }
    link_var_run(read_only_root);
    basedir();
    workdir(fresh);
    PREPARED.store(true, core::sync::atomic::Ordering::Relaxed);
    Ok(stale)
}

/// `/run` was set up (see [`prime_exit_files`]).
static PREPARED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// `/run/s6/workdir`: the container's working directory (where the CMD
/// runs), as v3's stage 0 records it with `pwd`, for scripts that go back
/// to it. Kept from a previous start when it says the same (a file
/// deleted and made again costs a freed and a new inode on a disk).
fn workdir(fresh: bool) {
    let mut buf = [0u8; 4096];
    let Ok(n) = crate::sys::raw::getcwd(&mut buf[..4095]) else { return };
    buf[n] = b'\n';
    let mut old = [0u8; 4097];
    if !fresh
        && let Ok(f) = fs::open(
            c"/run/s6/workdir",
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        && crate::base::fs::read_full(f.as_fd(), &mut old).ok() == Some(n + 1)
        && old[..n + 1] == buf[..n + 1]
    {
        return;
    }
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    if let Ok(f) = fs::open(c"/run/s6/workdir", flags, Mode::from_raw_mode(0o644)) {
        let _ = crate::sys::fd::write_all(f.as_fd(), &buf[..n + 1]);
    }
}

/// `/run/s6/basedir/bin/halt`, where v3 scripts find it, with `poweroff`,
/// `reboot` and `shutdown` beside it (links to `halt`; in a container they
/// all stop it, with the exit code in the `exitcode` file). An installed
/// tree has them in [`BASEDIR`]: `/run/s6/basedir` is a link there, one
/// inode to make instead of six. Without one (the binary copied alone as
/// `/init`), they are made in `/run`, `halt` a link to this binary (its
/// name selects the `halt` applet).
fn basedir() {
    if fs::stat(c"/package/admin/rs6/basedir/bin/halt").is_ok() {
        if let Err(e) = ensure_link(c"/run/s6/basedir", BASEDIR) {
            diag::warn_sys(e, &[b"unable to symlink /run/s6/basedir to ", BASEDIR.to_bytes()]);
        }
        return;
    }
    let _ = real_dir(c"/run/s6/basedir");
    let _ = mkdir(c"/run/s6/basedir/bin", 0o755);
    for name in [c"/run/s6/basedir/bin/poweroff", c"/run/s6/basedir/bin/reboot", c"/run/s6/basedir/bin/shutdown"] {
        let _ = fs::symlink(c"halt", name);
    }
    let mut buf = [0u8; 512];
    let n = fs::readlinkat_raw(fs::CWD, c"/proc/self/exe", &mut buf[..511]).unwrap_or(0);
    let target = if n > 0 && n < 511 { &buf[..n] } else { &b"/init"[..] };
    let mut cur = [0u8; 512];
    if let Ok(k) = fs::readlinkat_raw(fs::CWD, c"/run/s6/basedir/bin/halt", &mut cur[..]) {
        if &cur[..k] == target {
            return;
        }
        let _ = fs::unlink(c"/run/s6/basedir/bin/halt");
    }
    if let Ok(t) = crate::sys::arena::cstr(&[target])
        && let Err(e) = fs::symlink(t, c"/run/s6/basedir/bin/halt")
    {
        diag::warn_sys(e, &[b"unable to create /run/s6/basedir/bin/halt"]);
    }
}

/// Where `rs6 --install` puts `basedir/bin` (see `applets::install`).
const BASEDIR: &core::ffi::CStr = c"/package/admin/rs6/basedir";

/// Make `/var/run/s6/…` reach `/run/s6/…`.
fn link_var_run(read_only_root: bool) {
    match fs::lstat(c"/var/run") {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
            // Usually `/var/run -> /run` (or `../run`): nothing to do. A link
            // elsewhere is the image's business; say so.
            if fs::stat(c"/var/run/s6").is_err() {
                diag::warn(&[b"/var/run is a symlink that does not lead to /run: /var/run/s6 paths will not work"]);
            }
        }
        Ok(_) => {
            // A real directory: keep it, link only our part.
            if read_only_root {
                if fs::stat(c"/var/run/s6/container_environment").is_err() {
                    diag::warn(&[b"read-only root with a real /var/run directory: /var/run/s6 paths will not work"]);
                }
                return;
            }
            if let Ok(st) = fs::lstat(c"/var/run/s6") {
                if FileType::from_raw_mode(st.st_mode) == FileType::Symlink {
                    let _ = fs::unlink(c"/var/run/s6");
                } else {
                    diag::warn(&[b"/var/run/s6 exists and is not a symlink: leaving it alone"]);
                    return;
                }
            }
            if let Err(e) = fs::symlink(c"/run/s6", c"/var/run/s6") {
                diag::warn_sys(e, &[b"unable to symlink /var/run/s6 to /run/s6"]);
            }
        }
        Err(_) if !read_only_root => {
            let _ = mkdir(c"/var", 0o755);
            if let Err(e) = fs::symlink(c"/run", c"/var/run") {
                diag::warn_sys(e, &[b"unable to symlink /var/run to /run"]);
            }
        }
        Err(_) => {}
    }
}

/// Write every variable of `env` into the snapshot directory.
pub fn snapshot(env: &Env, path_default: Option<&[u8]>) -> Result<(), Errno> {
    // Just made: it is empty, and each file is new.
    let (dir, fresh) = real_dir(envdir::DIR)?;
    // A variable that cannot be written does not stop the others: the
    // first error is returned at the end.
    let mut err = Ok(());
    let mut keep = |r: Result<(), Errno>| {
        if err.is_ok() {
            err = r;
        }
    };
    for e in env.iter() {
        let e = e.to_bytes();
        let Some(eq) = e.iter().position(|&c| c == b'=') else { continue };
        let (name, value) = (&e[..eq], &e[eq + 1..]);
        if !envdir::valid_name(name) {
            diag::warn(&[b"not saving variable with an unusable name: ", name]);
            continue;
        }
        // A name given twice: the last value stays, as s6-dumpenv leaves it.
        let r = match envdir::write_var(&dir, name, value, fresh) {
            Err(Errno::EXIST) if fresh => envdir::write_var(&dir, name, value, false),
            r => r,
        };
        keep(r);
    }
    if let Some(p) = path_default {
        keep(envdir::write_var(&dir, b"PATH", p, fresh && env.var(b"PATH").is_none()));
    }
    if !fresh {
        // What a previous start left and this environment does not have.
        keep(remove_entries(dir.as_fd(), 32, |n| {
            (env.var(n).is_some() || (n == b"PATH" && path_default.is_some())) && envdir::valid_name(n)
        }));
    }
    err
}

/// `S6_KEEP_ENV`: no snapshot, and none left from a previous start.
pub fn no_snapshot() {
    if let Ok(s6) = fs::open(c"/run/s6", DIR, Mode::empty()) {
        let _ = remove_tree(s6.as_fd(), b"container_environment", 32);
    }
}

/// Record the container's exit code where v3 keeps it (decimal + newline).
///
/// Written in place, never truncated to zero: on ext4 a file truncated to
/// zero and written again is flushed to the disk at close (`auto_da_alloc`),
/// which would make every container's exit wait for a disk write. Cut only
/// when it was longer (see `base::fs::cut`).
pub fn write_exitcode(code: u8) {
    // Non-blocking: a fifo put there (with no reader) cannot hold PID 1.
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let Ok(f) = fs::open(EXITCODE, flags, Mode::from_raw_mode(0o644)) else {
        return;
    };
    let mut b = itoa::Buffer::new();
    let d = b.format(code).as_bytes();
    let mut line = [0u8; 4];
    line[..d.len()].copy_from_slice(d);
    line[d.len()] = b'\n';
    if crate::sys::fd::write_all(f.as_fd(), &line[..d.len() + 1]).is_ok() {
        let _ = crate::base::fs::cut(f.as_fd(), d.len() as u64 + 1);
    }
}

/// v2's `/var/run/s6/env-stage3/S6_STAGE2_EXITED`, where v2 services'
/// `finish` scripts write the container's exit code before `s6-svscanctl
/// -t`: a link to the exitcode file, so that either way of writing the
/// code sets the same file.
pub fn v2_stage3_env() {
    let _ = fs::mkdir(c"/run/s6/env-stage3", Mode::from_raw_mode(0o755));
    let _ = fs::symlink(c"../../s6-linux-init-container-results/exitcode", STAGE3_EXITED);
    STAGE3_ENV.store(true, core::sync::atomic::Ordering::Relaxed);
}

/// `/run/s6/env-stage3/S6_STAGE2_EXITED`.
const STAGE3_EXITED: &core::ffi::CStr = c"/run/s6/env-stage3/S6_STAGE2_EXITED";
/// [`v2_stage3_env`] made the link.
static STAGE3_ENV: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// [`v2_etc`] without a copy: `/run/s6/etc/SUB -> base/SUB` for each
/// that exists (`any`), or no `/run/s6/etc` at all.
fn v2_links(base: &[u8], any: bool) -> Result<(), Errno> {
    let s6 = fs::open(c"/run/s6", DIR, Mode::empty())?;
    let gone = |r: Result<(), Errno>| match r {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(e),
    };
    if !any {
        return gone(remove_tree(s6.as_fd(), b"etc", 32));
    }
    let d = match fs::openat(&s6, c"etc", DIR | OFlags::NOFOLLOW, Mode::empty()) {
        Ok(d) => d,
        Err(_) => {
            gone(remove_tree(s6.as_fd(), b"etc", 32))?;
            fs::mkdirat(&s6, c"etc", Mode::from_raw_mode(0o755))?;
            fs::openat(&s6, c"etc", DIR | OFlags::NOFOLLOW, Mode::empty())?
        }
    };
    for sub in V2_SUBS {
        let path = crate::sys::arena::cstr(&[base, b"/", sub])?;
        if fs::stat(path).is_err() {
            gone(remove_tree(d.as_fd(), sub, 32))?;
            continue;
        }
        let mut cur = [0u8; 512];
        match fs::readlinkat_raw(&d, sub, &mut cur[..]) {
            Ok(n) if n < cur.len() && cur.get(..n) == Some(path.to_bytes()) => continue,
            Err(Errno::NOENT) => {}
            _ => gone(remove_tree(d.as_fd(), sub, 32))?,
        }
        fs::symlinkat(path, &d, sub)?;
    }
    Ok(())
}

/// Stage 3 begins: v2 read `S6_STAGE2_EXITED` then, so a code that a
/// `finish` script writes there while the services stop is not the
/// container's (a service that exits 143 on TERM does not replace the
/// CMD's 0). The link goes; such a write makes a file nobody reads.
pub fn v2_stage3_freeze() {
    if STAGE3_ENV.swap(false, core::sync::atomic::Ordering::Relaxed) {
        let _ = fs::unlink(STAGE3_EXITED);
    }
}

/// Make the file that the CMD's exit writes, where it is missing:
/// `/run/s6/cmd.new` (`s6::cmd::prime`). Called once the CMD runs, so that
/// its inode is made while it runs, not between its exit and the
/// container's. Nothing is made in a `/run` that could not be set up.
pub fn prime_exit_files() {
    if PREPARED.load(core::sync::atomic::Ordering::Relaxed) {
        crate::s6::cmd::prime();
    }
}

/// The exitcode file as [`prepare`] left it (its inode and change time,
/// seconds and nanoseconds; 0: not made): what says nobody wrote it since.
static EXIT_MARK: [core::sync::atomic::AtomicU64; 3] = [const { core::sync::atomic::AtomicU64::new(0) }; 3];

/// Remember the exitcode file that [`prepare`] just wrote. (An inotify
/// watch would tell writes apart exactly, but closing one at the exit
/// waits for an RCU grace period: milliseconds on every container's end.)
#[allow(clippy::unnecessary_cast)] // the stat field types differ by architecture
fn mark_exitcode(f: rustix::fd::BorrowedFd<'_>) {
    use core::sync::atomic::Ordering::Relaxed;
    if let Ok(st) = fs::fstat(f) {
        EXIT_MARK[0].store(st.st_ino as u64, Relaxed);
        EXIT_MARK[1].store(st.st_ctime as u64, Relaxed);
        EXIT_MARK[2].store(st.st_ctime_nsec as u64, Relaxed);
    }
}

/// Someone wrote the exitcode file since it was set to 0: another inode,
/// another change time, or other content. (A `0` written again within the
/// kernel's timestamp granularity, a few ms, is not seen; from Linux 6.13
/// the change time after our `fstat` is fine-grained.)
#[allow(clippy::unnecessary_cast)] // as in `mark_exitcode`
fn exitcode_written(f: rustix::fd::BorrowedFd<'_>, content: &[u8]) -> bool {
    use core::sync::atomic::Ordering::Relaxed;
    let Ok(st) = fs::fstat(f) else { return true };
    content != b"0\n"
        || EXIT_MARK[0].load(Relaxed) != st.st_ino as u64
        || EXIT_MARK[1].load(Relaxed) != st.st_ctime as u64
        || EXIT_MARK[2].load(Relaxed) != st.st_ctime_nsec as u64
}

/// What the exitcode file says, if someone (we, a finish script, `halt`)
/// wrote it since it was set to 0: `Some(Err(()))` for no exit code
/// (not a number from 0 to 255).
fn exitcode_now() -> Option<Result<u8, ()>> {
    let f = fs::open(EXITCODE, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut buf = [0u8; 16];
    let n = rustix::io::read(&f, &mut buf).ok()?;
    if !exitcode_written(f.as_fd(), &buf[..n]) {
        return None;
    }
    let v = buf[..n].trim_ascii();
    Some(crate::base::num::parse_u64(v).filter(|&c| c <= 255).map(|c| c as u8).ok_or(()))
}

/// The exit code in the v3 file, if someone wrote a valid one since it
/// was set to 0.
pub fn read_exitcode() -> Option<u8> {
    exitcode_now()?.ok()
}

/// The code the container exits with: the exitcode file's, if someone
/// wrote one there, else `code`. A file that holds no exit code is said,
/// and `code` kept.
pub fn final_exitcode(code: u8) -> u8 {
    match exitcode_now() {
        Some(Ok(c)) => c,
        Some(Err(())) => {
            let mut b = itoa::Buffer::new();
            diag::warn(&[b"invalid exit code in ", EXITCODE.to_bytes(), b": exiting with ", b.format(code).as_bytes()]);
            code
        }
        None => code,
    }
}

/// v2's subdirectories of `/var/run/s6/etc`.
const V2_SUBS: [&[u8]; 4] = [b"fix-attrs.d", b"cont-init.d", b"cont-finish.d", b"services.d"];

/// v2's `/var/run/s6/etc/{fix-attrs.d,cont-init.d,cont-finish.d,services.d}`:
/// for each of the image's (the profile's, `base`) that exists, a link to
/// it, or with a read-only root a copy of it, as v2 made them. Scripts
/// address them there (`s6-rmrf /var/run/s6/etc/services.d/NAME/down` in
/// a cont-init script starts a service that ships down). Links already
/// right are kept from one start to the next (no inode freed and made
/// again); nothing is made when `base` has none of them. Returns where
/// the stages read them from: `/run/s6/etc` once copied (a script's
/// change to a copy counts), else `base`.
pub fn v2_etc(base: &'static [u8], copy: bool) -> &'static [u8] {
    let etc = c"/run/s6/etc";
    let any = V2_SUBS.iter().any(|sub| crate::sys::arena::cstr(&[base, b"/", sub]).is_ok_and(|p| fs::stat(p).is_ok()));
    if !copy || !any {
        if let Err(e) = v2_links(base, any) {
            diag::warn_sys(e, &[b"unable to symlink ", base, b"'s directories into ", etc.to_bytes()]);
        }
        return base;
    }
    let made = fs::open(c"/run/s6", DIR, Mode::empty()).and_then(|s6| {
        match remove_tree(s6.as_fd(), b"etc", 32) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(e),
        }
        fs::mkdirat(&s6, c"etc", Mode::from_raw_mode(0o755))?;
        fs::openat(&s6, c"etc", DIR | OFlags::NOFOLLOW, Mode::empty())
    });
    let d = match made {
        Ok(d) => d,
        Err(e) => {
            diag::warn_sys(e, &[b"unable to make ", etc.to_bytes()]);
            return base;
        }
    };
    let Ok(src) = fs::open(crate::sys::arena::cstr(&[base]).unwrap_or(c"/etc"), DIR, Mode::empty()) else {
        return base;
    };
    let mut copied = true;
    for sub in V2_SUBS {
        let Ok(path) = crate::sys::arena::cstr(&[base, b"/", sub]) else { continue };
        if fs::stat(path).is_err() {
            continue;
        }
        if let Err(e) = crate::supervise::scan::copy_tree(src.as_fd(), d.as_fd(), sub, 32, true) {
            diag::warn_sys(e, &[b"unable to copy ", path.to_bytes(), b" to /run/s6/etc"]);
            copied = false;
        }
    }
    if copied { etc.to_bytes() } else { base }
}
