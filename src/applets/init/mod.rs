//! `/init`: PID 1 of a container, s6-overlay's contract.
//!
//! Stage 1 blocks signals and reads them from a signalfd, then starts the
//! CMD (with `S6_CMD_ARG0` prepended) in its own process group, giving it the
//! terminal's foreground when stdin is a terminal. The loop is one blocking
//! `poll` on the signalfd with the earliest deadline as its timeout; after
//! it, signals are drained, every child is reaped (including orphans), and
//! the kill deadline is checked. No periodic wake-ups.
//!
//! Shutdown starts when the CMD exits or on SIGTERM, SIGINT, SIGUSR1,
//! SIGUSR2 or SIGPWR (as v3's container mode; with `S6_CMD_RECEIVE_SIGNALS`
//! those are forwarded to the CMD and the shutdown follows its exit). It
//! sends TERM and CONT to everything, waits until nothing is left or
//! `S6_KILL_GRACETIME` ms have passed, sends KILL, reaps and exits with the
//! CMD's code (128+N when a signal N killed it; 0 when there was no CMD).
//! Unlike s6-overlay, no wait is unconditional, and a CMD that exits during
//! the grace period still gives the container its exit code.
//!
//! When rs6 is not PID 1 (under `docker run --init`), it makes itself a
//! child subreaper and signals only its own descendants: `kill(-1)` is
//! reachable only through `sys::raw::kill_everything`, which refuses unless
//! `getpid() == 1`.
//!
//! After the loop has started PID 1 does not die of an error: a failed
//! `poll` or `read` is retried.
mod settings;
pub mod tree;

use crate::base::{diag, exit, time::Instant};
use crate::rt::{Args, Env};
use crate::sys::signal::{self, Original, SignalFd};
use crate::sys::spawn::{Spawn, spawn};
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions};
pub use settings::{DEFAULT_PATH, Settings};

/// Signals that start the shutdown (s6-linux-init's container-mode handlers:
/// TERM halt, INT reboot, USR1 poweroff, USR2 halt, PWR poweroff).
const SHUTDOWN: [u32; 5] = [signal::SIGTERM, signal::SIGINT, signal::SIGUSR1, signal::SIGUSR2, signal::SIGPWR];
/// Signals read but not acted on (forwarded with `S6_CMD_RECEIVE_SIGNALS`).
const OTHER: [u32; 3] = [signal::SIGHUP, signal::SIGQUIT, signal::SIGWINCH];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Running,
    /// TERM sent; KILL at `kill_at` unless everything is gone before.
    Stopping { kill_at: Instant },
}

struct Pid1 {
    settings: Settings,
    /// We are PID 1 of our namespace (else: a subreaper).
    pid1: bool,
    me: Pid,
    /// The CMD while it runs.
    cmd: Option<Pid>,
    /// The CMD's exit code (128+N for signal N) once reaped.
    cmd_code: Option<u8>,
    phase: Phase,
    /// Set when `waitpid` said we have no children at all.
    no_children: bool,
}

pub fn main(args: Args) -> u8 {
    let env = Env::get();
    let settings = Settings::read(&env);
    let me = rustix::process::getpid();
    let pid1 = me == Pid::INIT;
    if !pid1 {
        if let Err(e) = rustix::process::set_child_subreaper(Some(me)) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to become a subreaper"]);
        }
    }
    let orig = match signal::block_all() {
        Ok(o) => o,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to block signals"]),
    };
    let mut set = signal::Set::EMPTY.with(signal::SIGCHLD);
    for s in SHUTDOWN.iter().chain(OTHER.iter()) {
        set = set.with(*s);
    }
    let sigfd = match SignalFd::new(set) {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create a signalfd"]),
    };
    let mut st = Pid1 { settings, pid1, me, cmd: None, cmd_code: None, phase: Phase::Running, no_children: false };
    let cmd = args.skip(1);
    if !cmd.is_empty() {
        st.cmd = Some(start_cmd(&env, &settings, cmd, &orig));
    }
    st.run(&sigfd)
}

/// Build the CMD's argv and environment and start it. Fatal (exit 111)
/// only when it cannot even be forked: there is nothing to run then.
fn start_cmd(env: &Env, s: &Settings, cmd: Args, orig: &Original) -> Pid {
    let words = s.cmd_arg0.map(|v| settings::arg0_words(v).count()).unwrap_or(0);
    let argc = words + cmd.len();
    let argv = arena_or_die(arena::alloc_slice::<*const u8>(argc + 1, core::ptr::null()));
    let mut i = 0;
    let mut file: Option<&CStr> = None;
    let words = s.cmd_arg0.into_iter().flat_map(settings::arg0_words);
    let words = words.map(|w| arena_or_die(arena::cstr(&[w])));
    for a in words.chain(cmd.iter()) {
        file.get_or_insert(a);
        argv[i] = a.as_ptr().cast();
        i += 1;
    }
    let Some(file) = file else { diag::fatal(exit::BUG, &[b"empty command"]) };
    // PATH defaults as s6-overlay's /init sets it when the image has none.
    let (envp, path) = match env.var(b"PATH") {
        Some(p) => (env.as_ptr(), p),
        None => {
            let n = env.iter().count();
            let e = arena_or_die(arena::alloc_slice::<*const u8>(n + 2, core::ptr::null()));
            for (k, v) in env.iter().enumerate() {
                e[k] = v.as_ptr().cast();
            }
            e[n] = arena_or_die(arena::cstr(&[b"PATH=", DEFAULT_PATH])).as_ptr().cast();
            (e.as_ptr(), DEFAULT_PATH)
        }
    };
    let stdin_tty = rustix::termios::isatty(crate::sys::fd::stdin());
    let sp = Spawn {
        file,
        argv: argv.as_ptr(),
        envp,
        path,
        signals: orig,
        new_pgrp: true,
        take_tty: stdin_tty,
        setsid: false,
        moves: &[],
        chdir: None,
    };
    match spawn(&sp) {
        Ok(pid) => pid,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]),
    }
}

fn arena_or_die<T>(r: Result<T, Errno>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]),
    }
}

impl Pid1 {
    fn run(&mut self, sigfd: &SignalFd) -> u8 {
        loop {
            let timeout = match self.phase {
                Phase::Running => None,
                Phase::Stopping { kill_at } => Some(kill_at.until(Instant::now())),
            };
            let mut fds = [PollFd::new(sigfd, PollFlags::IN)];
            match poll(&mut fds, timeout.as_ref()) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => {
                    // Not fatal: PID 1 must not die. Retry shortly.
                    diag::warn_sys(e, &[b"unable to poll (retrying)"]);
                    let _ = poll(&mut [], Some(&Instant::now().after_ms(100).until(Instant::now())));
                }
            }
            while let Some(sig) = sigfd.read() {
                self.on_signal(sig);
            }
            self.reap();
            if let Phase::Stopping { kill_at } = self.phase {
                if self.no_children {
                    break;
                }
                if Instant::now() >= kill_at {
                    self.kill_all(signal::SIGKILL);
                    self.reap_until_none();
                    break;
                }
            }
        }
        self.cmd_code.unwrap_or(exit::OK)
    }

    fn on_signal(&mut self, sig: u32) {
        if sig == signal::SIGCHLD {
            return; // reaping follows every wake-up
        }
        if self.settings.receive_signals {
            if let Some(cmd) = self.cmd {
                let _ = raw::kill_pid(cmd, sig);
                return;
            }
        }
        if SHUTDOWN.contains(&sig) {
            self.begin_shutdown();
        }
    }

    /// Reap every child that has exited, without blocking. SIGCHLDs
    /// coalesce, so this drains until the kernel says nothing is left.
    fn reap(&mut self) {
        loop {
            match rustix::process::wait(WaitOptions::NOHANG) {
                Ok(Some((pid, status))) => {
                    if Some(pid) == self.cmd {
                        self.cmd = None;
                        self.cmd_code = Some(exit::from_wait(status));
                        self.begin_shutdown();
                    }
                }
                Ok(None) => {
                    self.no_children = false;
                    return;
                }
                Err(Errno::INTR) => {}
                Err(Errno::CHILD) => {
                    self.no_children = true;
                    return;
                }
                Err(_) => return,
            }
        }
    }

    /// After the final KILL: wait for every child, blocking.
    fn reap_until_none(&mut self) {
        loop {
            match rustix::process::wait(WaitOptions::empty()) {
                Ok(Some((pid, status))) => {
                    if Some(pid) == self.cmd {
                        self.cmd = None;
                        self.cmd_code = Some(exit::from_wait(status));
                    }
                }
                Err(Errno::INTR) => {}
                Ok(None) | Err(_) => return,
            }
            // As a subreaper, grandchildren re-parented to us after the
            // KILL round were not signalled yet.
            if !self.pid1 {
                tree::signal_descendants(self.me, signal::SIGKILL);
            }
        }
    }

    fn begin_shutdown(&mut self) {
        if self.phase != Phase::Running {
            return;
        }
        let kill_at = Instant::now().after_ms(self.settings.kill_grace_ms);
        self.phase = Phase::Stopping { kill_at };
        self.kill_all(signal::SIGTERM);
        self.kill_all(signal::SIGCONT);
    }

    /// Signal everything: the whole namespace when we are PID 1, only our
    /// descendants otherwise.
    fn kill_all(&self, sig: u32) {
        if self.pid1 {
            let _ = raw::kill_everything(sig);
        } else {
            tree::signal_descendants(self.me, sig);
        }
    }
}
