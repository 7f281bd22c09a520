//! `s6-svlink` and `s6-svunlink` (s6 2.15): add a service directory to a
//! running scan directory, or take one out, and wait until its supervisor
//! has started or exited.
//!
//! - `s6-svlink [ -d | -D ] [ -f ] [ -P ] [ -t timeout ] scandir
//!   servicedir [ name ]`: checks that a scanner holds
//!   `scandir/.s6-svscan/lock` (else exit 1), and `servicedir/run` (and
//!   `log/run`) executable (else 100); subscribes to the `event/` fifodir
//!   of the service (and of its logger), made first if missing (`-f`: its
//!   mode set even if it exists; `-P`: public, 01733, instead of owned by
//!   the effective group, 03730); links `scandir/name` (default: the
//!   basename of servicedir) to servicedir's absolute path; tells the
//!   scanner (`s6-svscanctl -a`) and waits for each supervisor's `s`.
//!   `-D`: a `down` file is made in servicedir (and in its `log/`) first;
//!   `-d`: the same, and the service's own is removed once supervised.
//!   A failure after the link removes it again (exit 111; 99 on the
//!   timeout, `-t` ms, 0 = none).
//! - `s6-svunlink [ -X ] [ -t timeout ] scandir servicename`: subscribes
//!   to the events of the supervised service (and its logger), removes
//!   `scandir/name`, tells the scanner (`s6-svscanctl -an`), which brings
//!   the service down and lets its supervisor exit, and waits for each
//!   supervisor's `x` (`-X`: does not wait; at the timeout it exits 0).
use crate::base::getopt::{BAD, Getopt};
use crate::base::path::{PATH_MAX, basename, realpath};
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::ftrig::{self, Listener};
use crate::s6::svdir::{self, SVSCAN, supervised};
use crate::supervise::wait::parse_ms;
use crate::sys::arena;
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::AsFd;
use rustix::fs::{self, AtFlags, CWD, Mode, OFlags};
use rustix::io::Errno;

const LINK_USAGE: &[u8] = b"s6-svlink [ -d | -D ] [ -f ] [ -P ] [ -t timeout ] scandir servicedir [ name ]";
const UNLINK_USAGE: &[u8] = b"s6-svunlink [ -X ] [ -t timeout ] scandir servicename";

/// `-D`/`-d`: a `down` file before the supervisor starts.
const DOWN: u32 = 4;
/// `-d`: the service's `down` file removed once it is supervised.
const UNDOWN: u32 = 8;
/// `-f`: the fifodir's mode set even when it exists.
const FORCE: u32 = 1;
/// `-P`: a public fifodir.
const PUBLIC: u32 = 2;

fn path(parts: &[&[u8]]) -> &'static CStr {
    arena::cstr(parts).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]))
}

/// `p/run` must exist and be executable by its owner.
fn check_run(dir: &[u8]) {
    let run = path(&[dir, b"/run"]);
    match fs::stat(run) {
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to stat ", run.to_bytes()]),
        Ok(st) if st.st_mode & 0o100 == 0 => diag::fatal(exit::USAGE, &[run.to_bytes(), b" is not executable"]),
        Ok(_) => {}
    }
    match supervised(path(&[dir])) {
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to check supervision status of ", dir]),
        Ok(true) => diag::warn(&[b"supervisor already running on ", dir]),
        Ok(false) => {}
    }
}

/// Whether `dir` is supervised and whether it has a `log/` directory,
/// which must be supervised alike (skalibs' checks before a link or an
/// unlink; an error is the operation's failure).
fn survey(dir: &[u8]) -> Result<(bool, bool), Errno> {
    let h = supervised(path(&[dir]))?;
    match crate::base::fs::is_dir(path(&[dir, b"/log"])) {
        Err(Errno::NOENT) => Ok((h, false)),
        Err(e) => Err(e),
        Ok(false) => Err(Errno::NOTDIR),
        Ok(true) if supervised(path(&[dir, b"/log"]))? != h => Err(Errno::INVAL),
        Ok(true) => Ok((h, true)),
    }
}

/// Subscribe to `dir/event`.
fn subscribe(dir: &[u8]) -> Result<Listener, Errno> {
    let d = svdir::open(path(&[dir]))?;
    Listener::new(d.as_fd(), ftrig::EVENT)
}

/// Wait until each listener has seen `ev`; `Err(TIMEDOUT)` at `deadline`.
fn wait_all(ls: &[Listener], ev: u8, deadline: Option<Instant>) -> Result<(), Errno> {
    let mut seen = [false; 2];
    let mut fds: heapless::Vec<PollFd<'_>, 2> =
        ls.iter().map(|l| PollFd::from_borrowed_fd(l.fd(), PollFlags::IN)).collect();
    loop {
        for (i, l) in ls.iter().enumerate() {
            let mut buf = [0u8; 64];
            while let Ok(n @ 1..) = l.read(&mut buf) {
                seen[i] |= buf[..n].contains(&ev);
            }
        }
        if seen[..ls.len()].iter().all(|&s| s) {
            return Ok(());
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Errno::TIMEDOUT);
        }
        let timeout = deadline.map(|d| d.until(Instant::now()));
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `-t` and the operands, for the option letters `spec` (`t:` among them).
fn options(args: Args, spec: &'static [u8], usage: &[u8], mut f: impl FnMut(u8)) -> (Option<Instant>, Args) {
    let mut g = Getopt::new(args, spec);
    let mut ms = 0;
    while let Some((c, arg)) = g.next() {
        match c {
            b't' => ms = parse_ms(arg).unwrap_or_else(|| diag::usage(usage)),
            BAD => diag::usage(usage),
            c => f(c),
        }
    }
    ((ms != 0).then(|| Instant::now().after_ms(ms)), args.skip(g.ind))
}

/// Open `p` and write `cmd` to it without blocking (skalibs' `open_write`
/// then `fd_write`), ignoring failures.
fn tell(p: &CStr, cmd: &[u8]) {
    if let Ok(f) = fs::open(p, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) {
        let _ = rustix::io::write(&f, cmd);
    }
}

pub fn link(args: Args) -> u8 {
    let mut opts = 0u32;
    let (deadline, rest) = options(args, b"dDfPt:", LINK_USAGE, |c| match c {
        b'd' => opts |= DOWN | UNDOWN,
        b'D' => opts = (opts | DOWN) & !UNDOWN,
        b'f' => opts |= FORCE,
        b'P' => opts |= PUBLIC,
        _ => diag::usage(LINK_USAGE),
    });
    let (Some(scan), Some(dir)) = (rest.get_arg(0), rest.get_arg(1)) else { diag::usage(LINK_USAGE) };
    let (scan, dir) = (scan.to_bytes(), dir.to_bytes());
    let name = match rest.get_arg(2) {
        Some(n) => n.to_bytes(),
        None if dir.is_empty() => b".",
        None => basename(dir),
    };
    if scan.is_empty() {
        diag::fatal(exit::USAGE, &[b"invalid scandir"]);
    }
    if dir.is_empty() {
        diag::fatal(exit::USAGE, &[b"invalid servicedir"]);
    }
    if name.is_empty() || name[0] == b'.' || name[0] == b'/' {
        diag::fatal(exit::USAGE, &[b"invalid name"]);
    }
    // A scanner runs on scandir.
    let lock = path(&[scan, b"/.s6-svscan/lock"]);
    let f = fs::open(lock, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", lock.to_bytes()]));
    let held = rustix::process::fcntl_getlk(&f, &rustix::process::Flock::from(rustix::process::FlockType::ReadLock))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to check lock on ", lock.to_bytes()]));
    if held.is_none() {
        diag::fatal(exit::FALSE, &[b"s6-svscan not running on ", scan]);
    }
    drop(f);
    check_run(dir);
    let log = path(&[dir, b"/log"]);
    match crate::base::fs::is_dir(log) {
        Err(Errno::NOENT) => {}
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to stat ", log.to_bytes()]),
        Ok(false) => diag::fatal(exit::USAGE, &[log.to_bytes(), b" is not a directory"]),
        Ok(true) => check_run(log.to_bytes()),
    }
    if let Err(e) = link_one(scan, dir, name, opts, deadline) {
        let code = if e == Errno::TIMEDOUT { exit::TIMEOUT } else { exit::SYSCALL };
        diag::fatal_sys(code, e, &[b"unable to link servicedir ", dir, b" into scandir ", scan, b" with name ", name]);
    }
    exit::OK
}

/// s6's `s6_supervise_link_names` for one service.
fn link_one(scan: &[u8], dir: &[u8], name: &[u8], opts: u32, deadline: Option<Instant>) -> Result<(), Errno> {
    let (held, logged) = survey(dir)?;
    let gid = (opts & PUBLIC == 0).then(|| rustix::process::getegid().as_raw());
    let mut ls: heapless::Vec<Listener, 2> = heapless::Vec::new();
    if !held {
        let log = path(&[dir, b"/log"]);
        for d in core::iter::once(dir).chain(logged.then_some(log.to_bytes())) {
            if opts & DOWN != 0 {
                let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
                fs::open(path(&[d, b"/down"]), flags, Mode::from_raw_mode(0o666))?;
            }
            ftrig::fifodir_make(path(&[d, b"/event"]), gid, opts & FORCE != 0)?;
            let _ = ls.push(subscribe(d)?);
        }
    }
    let mut buf = [0u8; PATH_MAX];
    let src = if dir[0] == b'/' {
        path(&[dir])
    } else {
        let n = realpath(dir, &mut buf)?;
        path(&[&buf[..n]])
    };
    let lname = path(&[scan, b"/", name]);
    match fs::symlink(src, lname) {
        Err(Errno::EXIST) if held => {}
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    let told = match svdir::open(path(&[scan])).map_err(svdir::CtlError::Sys) {
        Ok(s) => svdir::write_control(s.as_fd(), &SVSCAN, b"a"),
        Err(e) => Err(e),
    };
    let done = match told {
        Ok(()) => wait_all(&ls, b's', deadline),
        Err(svdir::CtlError::NotListening) => Err(Errno::NXIO),
        Err(svdir::CtlError::Sys(e) | svdir::CtlError::BadDir(e)) => Err(e),
    };
    drop(ls);
    if let Err(e) = done {
        // Undone: the link removed (and the supervisors, once told, asked
        // to bring the service down and exit), as s6_supervise_unlink.
        if opts & DOWN != 0 {
            let _ = fs::unlink(path(&[lname.to_bytes(), b"/down"]));
        }
        let told = told.is_ok();
        let sup = |sub: &[u8]| path(&[lname.to_bytes(), sub, b"/supervise/control"]);
        let ctl = told.then(|| fs::open(sup(b""), OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()));
        let lctl =
            told.then(|| fs::open(sup(b"/log"), OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()));
        let _ = fs::unlink(lname);
        for (f, cmd) in [(ctl, b"xd"), (lctl, b"xo")] {
            if let Some(Ok(f)) = f {
                let _ = rustix::io::write(&f, cmd);
            }
        }
        return Err(e);
    }
    if opts & UNDOWN != 0 {
        let _ = fs::unlink(path(&[lname.to_bytes(), b"/down"]));
    }
    Ok(())
}

pub fn unlink(args: Args) -> u8 {
    let mut wait = true;
    let (deadline, rest) = options(args, b"Xt:", UNLINK_USAGE, |c| match c {
        b'X' => wait = false,
        _ => diag::usage(UNLINK_USAGE),
    });
    let (Some(scan), Some(name)) = (rest.get_arg(0), rest.get_arg(1)) else { diag::usage(UNLINK_USAGE) };
    let (scan, name) = (scan.to_bytes(), name.to_bytes());
    if name.is_empty() || name[0] == b'.' || name[0] == b'/' {
        diag::fatal(exit::USAGE, &[b"invalid service name"]);
    }
    let dir = path(&[scan, b"/", name]);
    let mut ls: heapless::Vec<Listener, 2> = heapless::Vec::new();
    if wait {
        let (held, logged) = survey(dir.to_bytes()).unwrap_or_else(|e| {
            diag::fatal_sys(
                exit::SYSCALL,
                e,
                &[b"unable to prepare unlinking of service ", name, b" in scandir ", scan],
            )
        });
        if held {
            let log = path(&[dir.to_bytes(), b"/log"]);
            for d in core::iter::once(dir.to_bytes()).chain(logged.then_some(log.to_bytes())) {
                if let Ok(l) = subscribe(d) {
                    let _ = ls.push(l);
                }
            }
        }
    }
    let _ = fs::unlinkat(CWD, dir, AtFlags::empty());
    tell(path(&[scan, b"/.s6-svscan/control"]), b"an");
    if wait {
        let _ = wait_all(&ls, b'x', deadline);
    }
    exit::OK
}
