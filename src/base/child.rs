//! Run one child at a time with a deadline, as s6's `s6-maximumtime` and
//! `s6-notifyoncheck` do: SIGCHLD is blocked and read from a signalfd; the
//! child gets the signal mask the process had.
use super::time::Instant;
use crate::sys::argv::Argv;
use crate::sys::raw::{self, SigSet};
use crate::sys::signal::{Original, SIGCHLD, SignalFd};
use crate::sys::spawn::{Spawn, spawn};
use core::ffi::CStr;
use core::sync::atomic::{AtomicI32, Ordering};
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::{AsFd, AsRawFd, BorrowedFd};
use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions, WaitStatus, waitpid};

pub struct Reaper {
    sfd: SignalFd,
    orig: Original,
}

/// What ended a wait.
pub enum Ended {
    Exited(WaitStatus),
    /// The deadline passed (the child still runs).
    Timeout,
    /// `extra` became readable.
    Extra,
}

impl Reaper {
    pub fn new() -> Result<Reaper, Errno> {
        let mask = raw::sigprocmask_set(SigSet::FULL)?;
        raw::sigprocmask_set(mask.with(SIGCHLD))?;
        Ok(Reaper { sfd: SignalFd::new(SigSet::EMPTY.with(SIGCHLD))?, orig: Original { mask, chld_ignored: false } })
    }

    /// Start `file` with `argv` and the process's environment.
    pub fn spawn(&self, file: &CStr, argv: Argv<'_>) -> Result<Pid, Errno> {
        self.spawn_reporting(file, argv, crate::base::diag::child_fatal)
    }

    /// As `spawn`, but a program that cannot be run is this call's error
    /// (as skalibs' `cspawn`), not the child's exit code: the child writes
    /// why to a close-on-exec pipe, which its exec closes unread.
    pub fn spawn_checked(&self, file: &CStr, argv: Argv<'_>) -> Result<Pid, Errno> {
        let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
        EXEC_ERR_FD.store(w.as_raw_fd(), Ordering::Relaxed);
        let pid = self.spawn_reporting(file, argv, tell_parent);
        drop(w);
        let pid = pid?;
        let mut b = [0u8; 4];
        match crate::base::fs::read_full(r.as_fd(), &mut b) {
            Ok(4) => {
                // It exited at once: reaped here, not left to the wait.
                let _ = waitpid(Some(pid), WaitOptions::empty());
                Err(Errno::from_raw_os_error(i32::from_ne_bytes(b)))
            }
            _ => Ok(pid),
        }
    }

    fn spawn_reporting(&self, file: &CStr, argv: Argv<'_>, report: fn(&[u8], Errno, &[&[u8]])) -> Result<Pid, Errno> {
        let env = crate::rt::Env::get();
        spawn(&Spawn {
            file,
            argv,
            envp: env.envp(),
            path: env.var(b"PATH").unwrap_or(super::chain::DEFAULT_PATH),
            signals: &self.orig,
            new_pgrp: false,
            take_tty: false,
            setsid: false,
            moves: &[],
            chdir: None,
            report,
            who: b"",
        })
    }

    /// Wait for `pid` to end, until `deadline`, or until `extra` is readable.
    /// A wait error (the child is gone) reads as a timeout.
    pub fn wait(&self, pid: Pid, deadline: Option<Instant>, extra: Option<BorrowedFd<'_>>) -> Ended {
        loop {
            match waitpid(Some(pid), WaitOptions::NOHANG) {
                Ok(Some((_, st))) => return Ended::Exited(st),
                Ok(None) => {}
                Err(_) => return Ended::Timeout,
            }
            if deadline.is_some_and(|d| d <= Instant::now()) {
                return Ended::Timeout;
            }
            let mut fds = [
                PollFd::new(&self.sfd, PollFlags::IN),
                PollFd::from_borrowed_fd(extra.unwrap_or(self.sfd.as_fd()), PollFlags::IN),
            ];
            poll_fds(&mut fds, deadline);
            while self.sfd.read().is_some() {}
            if extra.is_some() && fds[1].revents().contains(PollFlags::IN) {
                return Ended::Extra;
            }
        }
    }
}

/// The pipe end a child of `spawn_checked` reports an exec failure on.
static EXEC_ERR_FD: AtomicI32 = AtomicI32::new(-1);

/// In the child, before its exit: the errno, to the parent, and nothing
/// on stderr (the parent says it).
fn tell_parent(_: &[u8], e: Errno, _: &[&[u8]]) {
    let fd = crate::sys::fd::borrow(EXEC_ERR_FD.load(Ordering::Relaxed));
    let _ = crate::sys::fd::write_all(fd, &e.raw_os_error().to_ne_bytes());
}

/// Poll `fds` until one is ready or `until` (errors count as a wake-up:
/// callers re-check their state).
#[inline(never)]
fn poll_fds(fds: &mut [PollFd<'_>], until: Option<Instant>) {
    let t = until.map(|d| d.until(Instant::now()));
    let _ = poll(fds, t.as_ref());
}

/// Wait until `fd` is readable (true) or `until` passes (false).
pub fn poll_until(fd: BorrowedFd<'_>, until: Option<Instant>) -> bool {
    let mut fds = [PollFd::from_borrowed_fd(fd, PollFlags::IN)];
    poll_fds(&mut fds, until);
    fds[0].revents().contains(PollFlags::IN)
}

/// Sleep until `at`, through signals.
pub fn sleep_until(at: Instant) {
    while Instant::now() < at {
        poll_fds(&mut [], Some(at));
    }
}
