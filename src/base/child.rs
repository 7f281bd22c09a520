//! Run one child at a time with a deadline, as s6's `s6-maximumtime` and
//! `s6-notifyoncheck` do: SIGCHLD is blocked and read from a signalfd; the
//! child gets the signal mask the process had.
use super::time::Instant;
use crate::sys::argv::Argv;
use crate::sys::raw::{self, SigSet};
use crate::sys::signal::{Original, SIGCHLD, SignalFd};
use crate::sys::spawn::{Spawn, spawn};
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::{AsFd, BorrowedFd};
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
            report: crate::base::diag::warn_sys_fatal,
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
