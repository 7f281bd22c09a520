//! Waiting on service directories: what `s6-svwait`, `s6-svc -w?` and
//! (later) s6-rc's client share.
//!
//!
//! It subscribes to the `event/` fifodir of every directory first, then
//! reads each status: no transition can slip between the two. It exits 0
//! as soon as the wanted state holds for all the directories (`-a`, the
//! default) or for one (`-o`), reading events until then:
//! `u` up, `U` up and ready, `d` down, `D` down and ready (finish done).
//! `O` (the service will not be restarted) while waiting for up, and `x`
//! (its supervisor exited) while not in the wanted state, count as
//! failures: the directory is then taken as done, and the exit code is
//! the number of failures. `-r`/`-R`: first down, then up (and ready).
//! A timeout (`-t` ms, 0 = none) exits 99. No directory: exit 0.
//!
//! As in s6, a supervisor that is already dead when the wait starts is not
//! noticed: the wait then lasts until the timeout.
use crate::base::num::parse_u64;
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::ftrig::{EVENT, Listener};
use crate::s6::svdir;
use crate::sys::arena;
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::AsFd;
use rustix::io::Errno;

/// What to wait for.
#[derive(Clone, Copy)]
pub struct Goal {
    pub up: bool,
    pub ready: bool,
    /// Down first, then `up`/`ready`.
    pub restart: bool,
}

impl Goal {
    /// From s6's option letters `u U d D r R`.
    pub fn from_letter(c: u8) -> Option<Goal> {
        let i = b"udrUDR".iter().position(|&x| x == c)?;
        Some(Goal { up: i % 3 != 1, ready: i >= 3, restart: i % 3 == 2 })
    }
}

/// A decimal that fits skalibs' `unsigned int` (milliseconds).
pub fn parse_ms(s: &[u8]) -> Option<u64> {
    parse_u64(s).filter(|&v| v <= u32::MAX as u64)
}

/// Subscriptions to a set of service directories and what is known of
/// each one's state.
pub struct Waiter {
    ls: &'static [Option<Listener>],
    up: &'static mut [bool],
    ready: &'static mut [bool],
    deadline: Option<Instant>,
}

impl Waiter {
    /// Subscribe to every directory's events, then read its status. Dies
    /// (111) on an error, as s6 does.
    pub fn new(dirs: Args, deadline: Option<Instant>) -> Waiter {
        let Ok(list) = arena::alloc_with(dirs.len(), |i| dirs.get_arg(i).unwrap_or(c"")) else {
            diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to allocate"])
        };
        Waiter::of(list, deadline)
    }

    /// As `new`, for a list of directories.
    pub fn of(dirs: &[&'static CStr], deadline: Option<Instant>) -> Waiter {
        let n = dirs.len();
        let (Ok(ls), Ok(up), Ok(ready)) =
            (arena::alloc_with(n, |_| None), arena::alloc_slice(n, false), arena::alloc_slice(n, false))
        else {
            diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to allocate"])
        };
        for (i, &dir) in dirs.iter().enumerate() {
            let sv = match svdir::open(dir) {
                Ok(fd) => fd,
                Err(e) => die_sys(ls, e, &[b"unable to subscribe to events for ", dir.to_bytes()]),
            };
            match Listener::new(sv.as_fd(), EVENT) {
                Ok(l) => ls[i] = Some(l),
                Err(e) => die_sys(ls, e, &[b"unable to subscribe to events for ", dir.to_bytes()]),
            }
            match svdir::read_status(sv.as_fd()) {
                Ok(st) => (up[i], ready[i]) = (st.is_up(), st.ready),
                Err(e) => die_sys(ls, e, &[b"unable to s6_svstatus_read"]),
            }
        }
        Waiter { ls, up, ready, deadline }
    }

    /// Remove the subscriptions.
    pub fn close(&self) {
        self.ls.iter().flatten().for_each(Listener::unsubscribe);
    }

    /// Does every (`or`: some) directory hold the state?
    fn got(&self, up: bool, ready: bool, or: bool) -> bool {
        let mut ok = self.up.iter().zip(self.ready.iter()).map(|(&u, &r)| u == up && (r || !ready));
        if or { ok.any(|x| x) } else { ok.all(|x| x) }
    }

    /// Wait until the state holds; returns the number of failures seen.
    /// Dies with 99 at the deadline.
    pub fn wait(&mut self, up: bool, ready: bool, or: bool) -> u32 {
        let mut failures = 0u32;
        if self.got(up, ready, or) {
            return 0;
        }
        let ls = self.ls;
        let fds = arena::alloc_with(ls.len(), |i| {
            let fd = ls[i].as_ref().map(Listener::fd);
            PollFd::from_borrowed_fd(fd.unwrap_or(crate::sys::fd::stdin()), PollFlags::IN)
        });
        let Ok(fds) = fds else { die_sys(ls, Errno::NOMEM, &[b"unable to allocate"]) };
        loop {
            let timeout = self.deadline.map(|d| d.until(Instant::now()));
            match poll(fds, timeout.as_ref()) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => die_sys(ls, e, &[b"unable to iopause"]),
            }
            for (i, pfd) in fds.iter().enumerate() {
                if !pfd.revents().contains(PollFlags::IN) {
                    continue;
                }
                let Some(l) = &ls[i] else { continue };
                let mut buf = [0u8; 64];
                loop {
                    let n = match l.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) => die_sys(ls, e, &[b"unable to ftrigr_update"]),
                    };
                    for &ev in &buf[..n] {
                        match ev {
                            b'x' => {
                                if self.up[i] != up || self.ready[i] != ready {
                                    failures += 1;
                                }
                                (self.up[i], self.ready[i]) = (up, ready);
                            }
                            b'O' if up => {
                                (self.up[i], self.ready[i]) = (up, ready);
                                failures += 1;
                            }
                            b'd' | b'D' | b'u' | b'U' => {
                                (self.up[i], self.ready[i]) = (ev.eq_ignore_ascii_case(&b'u'), ev.is_ascii_uppercase());
                            }
                            _ => continue,
                        }
                        if self.got(up, ready, or) {
                            return failures;
                        }
                    }
                }
            }
            // Checked after the events (they count until the deadline),
            // and whatever poll returned (a descriptor in error must not
            // keep us spinning past it).
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                self.close();
                diag::fatal(exit::TIMEOUT, &[b"timed out"]);
            }
        }
    }

    /// The whole wait for `goal`; `listen` is s6-svlisten's variant of the
    /// first half of `-r`/`-R` (down and ready, where s6-svwait waits for
    /// down). Returns the exit code, after unsubscribing.
    pub fn run(&mut self, goal: Goal, or: bool, listen: bool) -> u8 {
        if goal.restart {
            let e = if listen { self.wait(false, true, or) } else { self.wait(false, false, false) };
            self.fail_if(e);
        }
        let e = self.wait(goal.up, goal.ready, or);
        self.fail_if(e);
        self.close();
        exit::OK
    }

    fn fail_if(&self, failures: u32) {
        if failures != 0 {
            self.close();
            diag::fatal(failures as u8, &[b"some services reported permanent failure or their supervisor died"]);
        }
    }
}

fn die_sys(ls: &[Option<Listener>], e: Errno, parts: &[&[u8]]) -> ! {
    ls.iter().flatten().for_each(Listener::unsubscribe);
    diag::fatal_sys(exit::SYSCALL, e, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn goals() {
        let g = |c| Goal::from_letter(c).map(|g| (g.up, g.ready, g.restart));
        assert_eq!(g(b'u'), Some((true, false, false)));
        assert_eq!(g(b'U'), Some((true, true, false)));
        assert_eq!(g(b'd'), Some((false, false, false)));
        assert_eq!(g(b'D'), Some((false, true, false)));
        assert_eq!(g(b'r'), Some((true, false, true)));
        assert_eq!(g(b'R'), Some((true, true, true)));
        assert_eq!(g(b'x'), None);
    }
}
