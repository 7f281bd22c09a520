//! Signals as a descriptor: block them, read them from a signalfd.
use super::raw::{self, SigSet};
use rustix::fd::{AsFd, OwnedFd};
use rustix::io::Errno;

pub use linux_raw_sys::general::{
    SIGABRT, SIGALRM, SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGKILL, SIGPIPE, SIGPWR, SIGQUIT,
    SIGSEGV, SIGSTOP, SIGSYS, SIGTERM, SIGTRAP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, SIGWINCH,
};
pub use raw::{Disposition, SigSet as Set};

/// Synchronous signals that are never blocked (as tini): blocking a fault
/// signal does not stop the kernel from killing us with it. SIGTTOU and
/// SIGTTIN stay blocked: a child about to take the terminal's foreground
/// calls `tcsetpgrp` from a background group, which would stop it otherwise.
const NEVER_BLOCK: SigSet =
    SigSet::EMPTY.with(SIGFPE).with(SIGILL).with(SIGSEGV).with(SIGBUS).with(SIGABRT).with(SIGTRAP).with(SIGSYS);

/// What the process looked like before we touched its signals; children get
/// it back before `execve`.
#[derive(Clone, Copy, Debug)]
pub struct Original {
    pub mask: SigSet,
    /// SIGCHLD was ignored at start (we set it back to default, or the kernel
    /// would reap our children for us and lose their exit codes).
    pub chld_ignored: bool,
}

/// Block every signal rs6 may block and make sure SIGCHLD is not ignored.
pub fn block_all() -> Result<Original, Errno> {
    let chld_ignored = raw::sigaction_get(SIGCHLD)? == Disposition::Ignore;
    if chld_ignored {
        raw::sigaction_set(SIGCHLD, false)?;
    }
    let mut set = SigSet::FULL;
    set.0 &= !NEVER_BLOCK.0;
    let mask = raw::sigprocmask_set(set)?;
    Ok(Original { mask, chld_ignored })
}

/// The signal state as it is, to give a child unchanged.
pub fn current() -> Result<Original, Errno> {
    Ok(Original { mask: raw::sigprocmask_get()?, chld_ignored: false })
}

/// Put the original signal state back (in a child, before exec).
pub fn restore(orig: &Original) -> Result<(), Errno> {
    if orig.chld_ignored {
        raw::sigaction_set(SIGCHLD, true)?;
    }
    raw::sigprocmask_set(orig.mask).map(|_| ())
}

/// A non-blocking, close-on-exec signalfd.
pub struct SignalFd {
    fd: OwnedFd,
}

impl SignalFd {
    pub fn new(set: SigSet) -> Result<SignalFd, Errno> {
        raw::signalfd(set).map(|fd| SignalFd { fd })
    }
    /// The next pending signal, or `None` when there is none left.
    pub fn read(&self) -> Option<u32> {
        // struct signalfd_siginfo is 128 bytes; ssi_signo is its first u32.
        let mut buf = [0u8; 128];
        loop {
            match rustix::io::read(&self.fd, &mut buf) {
                Ok(128) => return Some(u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]])),
                Err(Errno::INTR) => continue,
                _ => return None,
            }
        }
    }
}

impl AsFd for SignalFd {
    fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
