//! `s6-svscan [ -d notif ] [ -X consoleholder ] [ -C services_max ]
//! [ -L name_max ] [ -t rescan ] dir` (s6 2.15): supervise every service
//! directory of `dir`, as images that run `exec s6-svscan /etc/s6` do,
//! with the supervisor PID 1 uses (`supervise`), in this one process.
//!
//! Set-up: `chdir(dir)`, `.s6-svscan/` (0700), its `lock` taken (held:
//! exit 100, as s6), its `control` fifo; symlinks in `dir` that point
//! nowhere are removed; `-d`: a newline to fd `notif` (3 or more), which
//! is then closed; then the first scan. Every entry that is a directory
//! (symlinks followed), dotfiles aside, is a service, `NAME/log` its
//! logger, fed by a pipe held for the scanner's life; each gets s6's
//! `supervise/` and `event/`, so s6's clients drive it.
//!
//! Then it never exits on its own error. `s6-svscanctl` bytes and signals,
//! as s6-svscan's:
//! - `a`, SIGALRM: scan (new directories are supervised; `-t`: also every
//!   `rescan` ms, 0 = never, the default);
//! - `h`, SIGHUP: scan, then prune (what left `dir` stops for good);
//!   `n`/`N`: prune (`N`: loggers are brought down too);
//! - `t`, `i`, SIGTERM, SIGINT: every service is brought down, each
//!   logger once its service is down and its pipe empty (`q`, SIGQUIT:
//!   loggers at once too); once all are down, `.s6-svscan/finish` is
//!   executed (exit 0 without one);
//! - `b`, SIGABRT: `.s6-svscan/finish` at once, nothing stopped;
//! - SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2, SIGPWR, SIGWINCH:
//!   when `.s6-svscan/SIGNAME` is executable, it is spawned instead.
//!
//! Deviations: the services are supervised by this process, not by one
//! `s6-supervise` child each (`ps` shows no supervisors); at most 256
//! entries (loggers count) and names of at most 196 bytes (`-C` and `-L`
//! can only lower those); `-X` is taken and ignored (no `s6-svscan-log`
//! service is special); a service's `supervise/lock` and `death_tally` are
//! links to `.s6-svscan/lock` (mode 0644), as under rs6's PID 1.
use crate::base::getopt::Getopt;
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::{Args, Env};
use crate::supervise::{Prune, ScanCmd, Supervisor, Watch};
use crate::sys::argv::Fixed;
use crate::sys::signal::{self, SignalFd};
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::event::epoll;
use rustix::fd::AsFd;
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::WaitOptions;

const USAGE: &[u8] =
    b"s6-svscan [ -d notif ] [ -X consoleholder ] [ -C services_max ] [ -L name_max ] [ -t rescan ] dir";

/// The signals s6-svscan takes, and their handler files' names.
const SIGNALS: [(u32, &CStr); 11] = [
    (signal::SIGCHLD, c""),
    (signal::SIGALRM, c""),
    (signal::SIGABRT, c""),
    (signal::SIGHUP, c".s6-svscan/SIGHUP"),
    (signal::SIGINT, c".s6-svscan/SIGINT"),
    (signal::SIGTERM, c".s6-svscan/SIGTERM"),
    (signal::SIGQUIT, c".s6-svscan/SIGQUIT"),
    (signal::SIGUSR1, c".s6-svscan/SIGUSR1"),
    (signal::SIGUSR2, c".s6-svscan/SIGUSR2"),
    (signal::SIGPWR, c".s6-svscan/SIGPWR"),
    (signal::SIGWINCH, c".s6-svscan/SIGWINCH"),
];

/// How the scanner ends: services stopped (`hard`: loggers too), or at
/// once (`b`, SIGABRT).
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Stop { hard: bool },
    Abort,
}

struct Scanner {
    sup: Supervisor,
    /// `-t`: the periodic scan, and when the next one is due.
    every_ms: u64,
    next_scan: Option<Instant>,
    end: Option<End>,
}

fn number(arg: &[u8]) -> u64 {
    crate::base::num::parse_u64(arg).unwrap_or_else(|| diag::usage(USAGE))
}

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"d:X:C:c:L:t:");
    let (mut notif, mut every_ms) = (None, 0);
    while let Some((c, arg)) = g.next() {
        match c {
            b'd' => notif = Some(number(arg)),
            b't' => every_ms = number(arg),
            b'X' | b'C' | b'c' | b'L' => {
                number(arg);
            }
            _ => diag::usage(USAGE),
        }
    }
    let Some(dir) = args.skip(g.ind).get_arg(0) else { diag::usage(USAGE) };
    if let Some(n) = notif {
        if n < 3 {
            diag::fatal(exit::USAGE, &[b"notification fd must be 3 or more"]);
        }
        if let Err(e) = i32::try_from(n).map_err(|_| Errno::BADF).and_then(crate::sys::fd::borrow_checked) {
            diag::fatal_sys(exit::USAGE, e, &[b"invalid notification fd"]);
        }
    }
    if let Err(e) = rustix::process::chdir(dir) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chdir"]);
    }
    let mut cwd = [0u8; crate::base::path::PATH_MAX];
    let scandir = raw::getcwd(&mut cwd)
        .and_then(|n| arena::cstr(&[&cwd[..n]]))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to getcwd"]));
    let orig = signal::block_all().unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to block signals"]));
    // SIGABRT is read too (`b`); the rest keep their blocked state.
    let mut set = signal::Set::EMPTY;
    for (sig, _) in SIGNALS {
        set = set.with(sig);
    }
    let blocked = raw::sigprocmask_get().map(|m| m.with(signal::SIGABRT));
    let sigfd = blocked
        .and_then(raw::sigprocmask_set)
        .and_then(|_| SignalFd::new(set))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to set up the signals"]));
    let _ = raw::sigaction_set(signal::SIGPIPE, true);
    let env = Env::get();
    let path = env.var(b"PATH").unwrap_or(b"/usr/bin:/bin");
    let mut sup = Supervisor::new(env.envp(), path, orig)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create an epoll instance"]));
    sup.scandir = scandir;
    if lock_held() {
        diag::fatal(exit::USAGE, &[b"another instance of s6-svscan is already running on the same directory"]);
    }
    sup.open_scandir();
    if !sup.scan_locked() {
        diag::fatal(exit::SYSCALL, &[b"unable to lock .s6-svscan/lock"]);
    }
    sup.watch(sigfd.as_fd(), Watch::Signals);
    remove_dangling();
    if let Some(fd) = notif
        && let Err(e) = crate::sys::fd::write_close(fd as i32, b"\n")
    {
        diag::warn_sys(e, &[b"unable to notify readiness"]);
    }
    let mut s = Scanner { sup, every_ms, next_scan: None, end: None };
    s.scan();
    s.run(&sigfd);
    s.sup.flush_all();
    finish(&orig)
}

/// Whether another scanner holds `.s6-svscan/lock` (the supervisor takes
/// it next, see `Supervisor::open_scandir`).
fn lock_held() -> bool {
    let _ = fs::mkdir(c".s6-svscan", Mode::from_raw_mode(0o700));
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
    fs::open(c".s6-svscan/lock", flags, Mode::from_raw_mode(0o644))
        .is_ok_and(|f| raw::ofd_lock_exclusive(f.as_fd()) == Err(Errno::AGAIN))
}

/// Remove the symlinks of the scan directory that point nowhere.
fn remove_dangling() {
    let Ok(d) = fs::open(c".", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) else { return };
    let _ = crate::base::fs::for_each_entry(d.as_fd(), &mut |name, t| {
        if !name.to_bytes().starts_with(b".")
            && matches!(t, FileType::Symlink | FileType::Unknown)
            && fs::statat(&d, name, AtFlags::empty()).err() == Some(Errno::NOENT)
        {
            let _ = fs::unlinkat(&d, name, AtFlags::empty());
        }
        Ok(())
    });
}

/// Exec `.s6-svscan/finish` as s6-svscan does; exit 0 without one.
fn finish(orig: &signal::Original) -> u8 {
    let _ = signal::restore(orig);
    let _ = raw::sigaction_set(signal::SIGPIPE, false);
    let prog = c".s6-svscan/finish";
    let argv = Fixed::new(&[prog]);
    match crate::sys::chain::execve(prog, argv.get(), Env::get().envp()) {
        Errno::NOENT => exit::OK,
        e => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to exec ", prog.to_bytes()]),
    }
}

impl Scanner {
    fn scan(&mut self) {
        self.sup.rescan();
        self.next_scan = (self.every_ms != 0).then(|| Instant::now().after_ms(self.every_ms));
    }

    fn update(&mut self, scan: bool, prune: Option<Prune>) {
        if self.end.is_some() {
            return;
        }
        if scan {
            self.scan();
        }
        if let Some(how) = prune {
            self.sup.prune(how);
        }
    }

    /// `t`, `i`, `q`: bring everything down, then end; `b`: end now.
    fn stop(&mut self, end: End) {
        if self.end.is_some() && end != End::Abort {
            return;
        }
        self.end = Some(end);
        if let End::Stop { hard } = end {
            self.sup.exit_all(hard);
        }
    }

    /// A signal: its `.s6-svscan/SIGNAME` if there is one, else its
    /// default.
    fn on_signal(&mut self, sig: u32) {
        let Some(&(_, file)) = SIGNALS.iter().find(|(s, _)| *s == sig) else { return };
        if !file.is_empty() && fs::access(file, fs::Access::EXEC_OK).is_ok() {
            let argv = Fixed::new(&[file]);
            let sp = crate::sys::spawn::Spawn {
                file,
                argv: argv.get(),
                envp: self.sup.env(),
                path: b"",
                signals: &self.sup.orig(),
                new_pgrp: false,
                take_tty: false,
                setsid: false,
                moves: &[],
                chdir: None,
                report: diag::child_fatal,
                who: b"",
            };
            if let Err(e) = crate::sys::spawn::spawn_nowait(&sp) {
                diag::warn_sys(e, &[b"unable to spawn ", file.to_bytes()]);
            }
            return;
        }
        match sig {
            signal::SIGALRM => self.update(true, None),
            signal::SIGABRT => self.stop(End::Abort),
            signal::SIGHUP => self.update(true, Some(Prune::Soft)),
            signal::SIGINT | signal::SIGTERM => self.stop(End::Stop { hard: false }),
            signal::SIGQUIT => self.stop(End::Stop { hard: true }),
            _ => {}
        }
    }

    /// Reap every child that has exited (services' and any other).
    fn reap(&mut self) {
        loop {
            match rustix::process::wait(WaitOptions::NOHANG) {
                Ok(Some((pid, status))) => {
                    crate::sys::spawn::reaped(pid);
                    self.sup.on_exit(pid, status);
                }
                Err(Errno::INTR) => {}
                Ok(None) | Err(_) => return,
            }
        }
    }

    fn done(&self) -> bool {
        match self.end {
            Some(End::Abort) => true,
            Some(End::Stop { .. }) => self.sup.all_down(),
            None => false,
        }
    }

    fn run(&mut self, sigfd: &SignalFd) {
        while !self.done() {
            let now = Instant::now();
            let mut events =
                [epoll::Event { flags: epoll::EventFlags::empty(), data: epoll::EventData::new_u64(0) }; 32];
            let n = self.sup.wait_events(&mut events, self.next_scan, now);
            while let Some(sig) = sigfd.read() {
                self.on_signal(sig);
            }
            self.reap();
            // `exit-container` means nothing here.
            self.sup.ended = None;
            for ev in &events[..n] {
                match Watch::decode(ev.data.u64()) {
                    Watch::Scan => match self.sup.on_scan_control() {
                        ScanCmd::Shutdown(b'b') => self.stop(End::Abort),
                        ScanCmd::Shutdown(b) => self.stop(End::Stop { hard: b == b'q' }),
                        ScanCmd::Update { scan, prune } => self.update(scan, prune),
                        ScanCmd::None => {}
                    },
                    Watch::Control(i) => self.sup.on_control(i),
                    Watch::Notify(i) => self.sup.on_notify(i),
                    _ => {}
                }
            }
            let now = Instant::now();
            self.sup.on_time(now);
            if self.end.is_none() && self.next_scan.is_some_and(|t| now >= t) {
                self.scan();
            }
        }
    }
}
