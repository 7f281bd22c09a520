//! Tools that wrap a program in a session, a lock or a time limit:
//! `s6-setsid`, `s6-setlock`, `s6-maximumtime` and s6-overlay's
//! `with-retries` (which runs its program as `s6-maximumtime -t` would,
//! up to N times).
use crate::base::chain::{self, opts, uint};
use crate::base::child::{Ended, Reaper};
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::{self, Args};
use crate::sys::{raw, signal};
use rustix::fd::AsRawFd;
use rustix::fs::{self, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

/// `s6-setsid [-s|-b|-f|-g] [-i|-I|-q] [-d ctty] prog…`
pub fn setsid(args: Args) -> u8 {
    const U: &[u8] = b"s6-setsid [ -s | -b | -f | -g ] [ -i | -I | -q ] [ -d ctty ] prog...";
    let (mut what, mut insist, mut ctty) = (0u8, 1u8, 0u32);
    let rest = opts(args, b"sbfgiIqd:", U, &mut |c, a| {
        match c {
            b's' => what = 0,
            b'b' => what = 1,
            b'f' => what = 2,
            b'g' => what = 3,
            b'i' => insist = 2,
            b'I' => insist = 1,
            b'q' => insist = 0,
            b'd' => ctty = uint(a).unwrap_or_else(|| diag::usage(U)),
            _ => return false,
        }
        true
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    let check = |r: Result<(), Errno>, what: &[u8]| match (r, insist) {
        (Err(e), 2) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", what]),
        (Err(e), 1) => diag::warn_sys(e, &[b"unable to ", what]),
        _ => {}
    };
    if what == 0 {
        check(rustix::process::setsid().map(|_| ()), b"setsid");
    } else {
        check(rustix::process::setpgid(None, None), b"setpgid");
        if what >= 2 {
            if what == 3 {
                let _ = raw::sigaction_set(signal::SIGTTOU, true);
            }
            // SAFETY-free: a descriptor number given by the user, borrowed
            // for one call; tcsetpgrp fails cleanly on a bad one.
            let r = crate::sys::fd::borrow_checked(ctty as i32)
                .and_then(|fd| rustix::termios::tcsetpgrp(fd, rustix::process::getpid()));
            check(r, b"tcsetpgrp");
            if what == 3 {
                let _ = raw::sigaction_set(signal::SIGTTOU, false);
            }
        }
    }
    chain::exec_here(rest)
}

/// How often `s6-setlock -t` tries the lock again.
const LOCK_RETRY_MS: u64 = 10;

/// `s6-setlock [-r|-w] [-n|-N] [-t timeout] [-d fd] lockfile prog…`: a
/// POSIX lock on the whole file, kept across the exec (the descriptor stays
/// open, as `fd` with `-d`). `-t` gives up after `timeout` ms (0: never):
/// `lock FILE: timed out`, 1. As s6 2.15's.
pub fn setlock(args: Args) -> u8 {
    const U: &[u8] = b"s6-setlock [ -r | -w ] [ -n | -N ] [ -t timeout ] [ -d fd ] lockfile prog...";
    let (mut nb, mut ex, mut timeout, mut dest) = (false, true, 0u32, None);
    let rest = opts(args, b"nNrwt:d:", U, &mut |c, a| {
        match c {
            b'n' => nb = true,
            b'N' => nb = false,
            b'r' => ex = false,
            b'w' => ex = true,
            b't' => timeout = uint(a).unwrap_or_else(|| diag::usage(U)),
            b'd' => dest = Some(uint(a).filter(|&d| d <= i32::MAX as u32).unwrap_or_else(|| diag::usage(U)) as i32),
            _ => return false,
        }
        true
    });
    if rest.len() < 2 {
        diag::usage(U);
    }
    let file = rest.get_arg(0).unwrap_or(c"");
    let name = file.to_bytes();
    // Not close-on-exec: the program holds the lock. An exclusive lock
    // needs write access; a shared one only read access (a read-only file
    // will do): open for reading, and when there is no such file, create
    // it first.
    let nbf = OFlags::NONBLOCK;
    let fd = if ex {
        fs::open(file, OFlags::WRONLY | OFlags::CREATE | nbf, Mode::from_raw_mode(0o666))
            .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", name, b" for writing"]))
    } else {
        let read = || fs::open(file, OFlags::RDONLY | nbf, Mode::empty());
        match read() {
            Err(Errno::NOENT) => {
                if let Err(e) = fs::open(file, OFlags::WRONLY | OFlags::CREATE | nbf, Mode::from_raw_mode(0o666)) {
                    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create ", name])
                }
                read()
            }
            r => r,
        }
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", name, b" for reading"]))
    };
    // -d: the lock is taken on that descriptor. A POSIX lock goes with
    // any close of the file in the process, so the move comes first.
    let fd = match dest.filter(|&d| d != fd.as_raw_fd()) {
        Some(d) => {
            if let Err(e) = crate::sys::fd::dup_to(fd.as_raw_fd(), d) {
                diag::fatal_sys(exit::SYSCALL, e, &[b"unable to move lock descriptor"]);
            }
            drop(fd);
            crate::sys::fd::own(d)
        }
        None => fd,
    };
    use FlockOperation::*;
    // With a time limit the lock is tried again until the deadline.
    let try_only = nb || timeout != 0;
    let op = match (ex, try_only) {
        (true, false) => LockExclusive,
        (false, false) => LockShared,
        (true, true) => NonBlockingLockExclusive,
        (false, true) => NonBlockingLockShared,
    };
    let deadline = Instant::now().after_ms(timeout as u64);
    loop {
        match fs::fcntl_lock(&fd, op) {
            Ok(()) => break,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN | Errno::ACCESS) if !nb && timeout != 0 => {
                if Instant::now() >= deadline {
                    diag::fatal(exit::FALSE, &[b"lock ", name, b": timed out"]);
                }
                crate::base::child::sleep_until(Instant::now().after_ms(LOCK_RETRY_MS).min(deadline));
            }
            // A conflict reads as EBUSY, as skalibs' lock functions say it.
            Err(e) => diag::fatal_sys(
                exit::FALSE,
                if matches!(e, Errno::ACCESS | Errno::AGAIN) { Errno::BUSY } else { e },
                &[b"unable to lock ", name],
            ),
        }
    }
    core::mem::forget(fd);
    chain::exec_here(rest.skip(1))
}

/// Run `prog` for at most `ms` (0: no limit), sending `sig` at the end.
/// `Ok(code)` when it exited, `Err(code)` with s6-maximumtime's code when
/// it crashed (111) or ran out of time (99), after saying so.
fn limited(r: &Reaper, prog: Args, ms: u32, sig: u32) -> Result<u8, u8> {
    let file = prog.get_arg(0).unwrap_or(c"");
    // A program that cannot be run ends s6-maximumtime (111), as upstream's
    // posix_spawn reports it; with-retries counts it as a failed attempt.
    let pid = r.spawn_checked(file, prog.argv()).map_err(|e| {
        diag::warn_sys_fatal(e, &[b"unable to spawn ", file.to_bytes()]);
        exit::SYSCALL
    })?;
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms as u64));
    match r.wait(pid, deadline, None) {
        Ended::Exited(st) => match st.exit_status() {
            Some(c) => Ok(c as u8),
            None => {
                diag::warn(&[b"child process crashed"]);
                Err(exit::SYSCALL)
            }
        },
        _ => {
            if sig != 0 {
                let _ = raw::kill_pid(pid, sig);
            }
            diag::warn_sys(Errno::TIMEDOUT, &[b"unable to wait for child process"]);
            Err(exit::TIMEOUT)
        }
    }
}

/// One per process: it blocks SIGCHLD and remembers the mask to give back
/// to every child.
fn reaper() -> Reaper {
    Reaper::new().unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to selfpipe_init"]))
}

/// `s6-maximumtime [-0|-a|-b|-i|-k|-q|-t|-x|-1|-2] milliseconds prog…`
pub fn maximumtime(args: Args) -> u8 {
    const U: &[u8] = b"s6-maximumtime [ -0 | -a | -b | -i | -k | -q | -t | -x | -1 | -2 ] milliseconds prog...";
    let mut sig = signal::SIGTERM;
    let rest = opts(args, b"0abikqtx12", U, &mut |c, _| {
        let i = b"0abikqtx12".iter().position(|&o| o == c);
        sig = match i {
            Some(i) => [
                0,
                signal::SIGALRM,
                signal::SIGABRT,
                signal::SIGINT,
                signal::SIGKILL,
                signal::SIGQUIT,
                signal::SIGTERM,
                24,
                signal::SIGUSR1,
                signal::SIGUSR2,
            ][i],
            None => return false,
        };
        true
    });
    let ms = rest.get_arg(0).and_then(|s| uint(s.to_bytes()));
    let (Some(ms), true) = (ms, rest.len() >= 2) else { diag::usage(U) };
    limited(&reaper(), rest.skip(1), ms, sig).unwrap_or_else(|c| c)
}

/// `with-retries [-n tries] [-t ms] prog…`: run prog, each attempt limited
/// to `ms` (SIGTERM at the end, default 500; 0: no limit), until it exits 0
/// (exit 0) or `tries` attempts (default 3) failed (exit 1).
pub fn with_retries(args: Args) -> u8 {
    const U: &[u8] = b"with-retries [ -n numretries ] [ -t millisecs ] prog...";
    let (mut n, mut t) = (3u32, 500u32);
    let rest = opts(args, b"n:t:", U, &mut |c, a| {
        let v = uint(a).unwrap_or_else(|| diag::usage(U));
        match c {
            b'n' => n = v,
            b't' => t = v,
            _ => return false,
        }
        true
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    let reaper = reaper();
    for _ in 0..n {
        rt::set_prog(b"s6-maximumtime");
        let r = limited(&reaper, rest, t, signal::SIGTERM);
        rt::set_prog(b"with-retries");
        if r == Ok(0) {
            return exit::OK;
        }
        // Reap what a previous attempt left (killed at its deadline).
        while let Ok(Some(_)) = rustix::process::waitpid(None, rustix::process::WaitOptions::NOHANG) {}
    }
    1
}
