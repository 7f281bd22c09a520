//! The catch-all logger, `S6_LOGGING`: what has no logger of its own goes
//! to one logdir.
//!
//! With `S6_LOGGING` 1 or 2, PID 1 makes a fifo (v2 layout:
//! `/var/run/s6/uncaught-logs-fifo`; v3 layout, `/etc/s6-overlay` present:
//! `/run/service/s6-svscan-log/fifo`), keeps its read end for the
//! container's life, and puts a blocking write end on its own stdout and
//! stderr, which every child inherits: stage-2 steps, services without
//! `log/`, loggers' stderr, and (v2's 2, v3's 1 and 2) the CMD. The logger
//! is this binary's s6-log, `s6-log -bp -- [1] $S6_LOGGING_SCRIPT LOGDIR`
//! (v3's 1 adds `1`: an unstamped copy of each line on the console), run
//! as `S6_CATCHALL_USER` (default: v2 `nobody`, v3 root) on the held read
//! end: when it dies it is restarted (no sooner than 1 s after its last
//! start) and its lines wait in the pipe meanwhile.
//!
//! PID 1's own lines go through a non-blocking write end of its own, to
//! the console when the logger is down or the pipe is full: PID 1 never
//! blocks on the fifo and never drops a line. A logger that exits by
//! itself with an error twice in a row (a logdir it cannot write, a bad
//! script) is replaced by `s6-log -bp -- 1` (stdout: the console's stderr): its input goes on to the
//! console, so nothing waits on a fifo nobody reads.
//!
//! At the end, PID 1 closes its write ends when it sends the final TERM
//! (the logger ignores it, `-p`), spares the logger from the final KILL,
//! and waits for it to read the pipe to its end: it stops last, after
//! everything that could write to it.
use super::settings;
use crate::base::fs::read_or_empty;
use crate::base::time::Instant;
use crate::base::{diag, exit, passwd};
use crate::rt::Env;
use crate::sys::argv::{Argv, Builder, Envp};
use crate::sys::signal::Original;
use crate::sys::spawn::{Cwd, Spawn, spawn_as};
use crate::sys::{arena, fd};
use core::ffi::CStr;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::Pid;

/// Consecutive failed starts before the console takes over.
const GIVE_UP: u8 = 2;
/// The least time between two starts of the logger ("waiting 1 second").
const RESTART_MS: u64 = 1000;

pub struct CatchAll {
    /// The fifo's read end, held for the container's life.
    rd: OwnedFd,
    /// PID 1's own non-blocking write end (its diagnostics).
    own: Option<OwnedFd>,
    /// The console: the original stdout and stderr.
    out: OwnedFd,
    err: OwnedFd,
    argv: Argv<'static>,
    /// `s6-log -bp -- 1`, when the logger keeps failing.
    fallback: Argv<'static>,
    envp: Envp<'static>,
    ids: Option<(u32, u32)>,
    pub pid: Option<Pid>,
    started: Instant,
    pub restart_at: Option<Instant>,
    failures: u8,
    /// PID 1 closed its write ends (final stage).
    released: bool,
    /// The CMD's descriptor moves: none, or the console on its stdout and
    /// stderr (v2's 1, or `S6_CMD_USE_TERMINAL` on a terminal).
    moves: [(i32, i32); 2],
    moves_n: usize,
}

/// Set up the catch-all logger when `S6_LOGGING` asks for it; `None` (and
/// everything on the console) when it is off or cannot be set up (said).
pub fn setup(env: &Env, v3: bool, orig: &Original) -> Option<CatchAll> {
    let level = settings::number(env, b"S6_LOGGING", 0);
    if level == 0 {
        return None;
    }
    let (fifo, dir, mode): (&CStr, &CStr, u32) = if v3 {
        (c"/run/service/s6-svscan-log/fifo", c"/run/uncaught-logs", 0o2750)
    } else {
        (c"/var/run/s6/uncaught-logs-fifo", c"/var/log/s6-uncaught-logs", 0o2700)
    };
    let pw = read_or_empty(c"/etc/passwd");
    // As s6-setuidgid: a name from /etc/passwd (or `user:group`); an
    // unknown one stops the boot, as v3's s6-linux-init-maker does.
    let ids = match env.var(b"S6_CATCHALL_USER").filter(|u| !u.is_empty()) {
        Some(u) => passwd::resolve(u, pw, read_or_empty(c"/etc/group"))
            .unwrap_or_else(|_| diag::fatal(exit::USAGE, &[b"unknown user in S6_CATCHALL_USER: ", u])),
        None if v3 => (0, 0),
        None => passwd::user(pw, b"nobody").unwrap_or((32768, 32768)),
    };
    // Not root: the logger runs as we do.
    let ids = rustix::process::geteuid().is_root().then_some(ids);
    // S6_LOGGING_SCRIPT, whole, v3 included (v3 only looks for t and T, and
    // misses even those when it is unset); v3's 1 adds a console copy.
    let script = env.var(b"S6_LOGGING_SCRIPT").unwrap_or(b"n20 s1000000 T");
    let one: &[u8] = if v3 && level == 1 { b"1 " } else { b"" };
    let tz = env.var(b"TZ");
    let alloc = || -> Result<_, Errno> {
        let mut envp = Builder::alloc(1)?;
        if let Some(tz) = tz {
            envp.push(arena::cstr(&[b"TZ=", tz])?);
        }
        Ok((
            words(&[b"s6-log -bp -- ", one, script, b" ", dir.to_bytes()])?,
            words(&[b"s6-log -bp -- 1"])?,
            envp.done(),
        ))
    };
    let (argv, fallback, envp) =
        alloc().unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]));
    let (rd, own, out, err) = match make(fifo, dir, mode, ids, v3) {
        Ok(m) => m,
        Err((e, p)) => {
            diag::warn_sys(e, &[b"no catch-all logger (S6_LOGGING): unable to set up ", p.to_bytes()]);
            return None;
        }
    };
    let terminal = settings::number(env, b"S6_CMD_USE_TERMINAL", 0) != 0 && rustix::termios::isatty(fd::stdin());
    let (out_n, err_n) = (out.as_raw_fd(), err.as_raw_fd());
    let mut c = CatchAll {
        rd,
        own: Some(own),
        out,
        err,
        argv,
        fallback,
        envp,
        ids,
        pid: None,
        started: Instant::now(),
        restart_at: None,
        failures: 0,
        released: false,
        moves: [(out_n, 1), (err_n, 2)],
        moves_n: if (!v3 && level == 1) || terminal { 2 } else { 0 },
    };
    c.start(orig);
    Some(c)
}

/// The words of `parts` joined (split on spaces and tabs), as an argv.
fn words(parts: &[&[u8]]) -> Result<Argv<'static>, Errno> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let buf = arena::alloc_bytes(n + 1, 1)?;
    let mut k = 0;
    for p in parts {
        buf[k..k + p.len()].copy_from_slice(p);
        k += p.len();
    }
    buf[n] = 0;
    for c in buf.iter_mut() {
        if *c == b' ' || *c == b'\t' {
            *c = 0;
        }
    }
    let buf: &'static [u8] = buf;
    let mut argv = Builder::alloc(n / 2 + 1)?;
    let mut i = 0;
    while let Ok(w) = CStr::from_bytes_until_nul(&buf[i..]) {
        if !w.is_empty() {
            argv.push(w);
        }
        i += w.count_bytes() + 1;
    }
    Ok(argv.done())
}

/// The logdir and the fifo; then the fifo on stdout and stderr. Returns the
/// read end, PID 1's own write end, and the console's stdout and stderr.
/// Nothing changed on failure.
fn make(
    fifo: &'static CStr,
    dir: &'static CStr,
    mode: u32,
    ids: Option<(u32, u32)>,
    v3: bool,
) -> Result<(OwnedFd, OwnedFd, OwnedFd, OwnedFd), (Errno, &'static CStr)> {
    let open = |f: OFlags| fs::open(fifo, f | OFlags::CLOEXEC, Mode::from_raw_mode(0o644)).map_err(|e| (e, fifo));
    if v3 {
        // Not a service of the scan directory: s6-svscanctl -a leaves it down.
        let _ = fs::mkdir(c"/run/service/s6-svscan-log", Mode::from_raw_mode(0o755));
        let f = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
        let _ = fs::open(c"/run/service/s6-svscan-log/down", f, Mode::from_raw_mode(0o644));
    } else {
        let _ = fs::mkdir(c"/var/log", Mode::from_raw_mode(0o755));
    }
    let d = |e| (e, dir);
    let own = |at: BorrowedFd<'_>, name: &CStr| match ids {
        Some((u, g)) => {
            fs::chownat(at, name, Some(fs::Uid::from_raw(u)), Some(fs::Gid::from_raw(g)), AtFlags::SYMLINK_NOFOLLOW)
        }
        None => Ok(()),
    };
    match fs::mkdir(dir, Mode::from_raw_mode(0o700)) {
        Ok(()) => {}
        // A previous boot's: v3 starts it afresh (s6-overlay removes it);
        // v2's is on /var/log, kept, its files given to this boot's
        // logger (S6_CATCHALL_USER may have changed).
        // Not a directory: left for the logger to fail on (PID 1 falls back).
        Err(Errno::EXIST) => {
            let fl = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match fs::open(dir, fl, Mode::empty()) {
                Err(Errno::NOTDIR | Errno::LOOP) => {}
                Err(e) => return Err(d(e)),
                Ok(f) if v3 => crate::base::fs::remove_entries(f.as_fd(), 32, |_| false).map_err(d)?,
                Ok(f) => crate::base::fs::for_each_new(f.as_fd(), &mut |n, _| own(f.as_fd(), n)).map_err(d)?,
            }
        }
        Err(e) => return Err(d(e)),
    }
    own(fs::CWD, dir).map_err(d)?;
    fs::chmod(dir, Mode::from_raw_mode(mode)).map_err(d)?;
    let _ = fs::unlink(fifo);
    fs::mknodat(fs::CWD, fifo, fs::FileType::Fifo, Mode::from_raw_mode(0o600), 0).map_err(|e| (e, fifo))?;
    let rd = open(OFlags::RDONLY | OFlags::NONBLOCK)?;
    fs::fcntl_setfl(&rd, OFlags::empty()).map_err(|e| (e, fifo))?;
    let own = open(OFlags::WRONLY | OFlags::NONBLOCK)?;
    let w = open(OFlags::WRONLY)?;
    // Room for a restart's worth of lines (the default is 64 KiB).
    let _ = rustix::pipe::fcntl_setpipe_size(&w, 1 << 20);
    let dupe = |n: i32| rustix::io::fcntl_dupfd_cloexec(fd::borrow(n), 3).map_err(|e| (e, fifo));
    let (out, err) = (dupe(1)?, dupe(2)?);
    // From here on, every child writes to the fifo.
    let _ = fd::dup_to(w.as_raw_fd(), 1);
    let _ = fd::dup_to(w.as_raw_fd(), 2);
    Ok((rd, own, out, err))
}

impl CatchAll {
    /// Where PID 1's lines go: the fifo while the logger runs, else the
    /// console.
    fn point(&self) {
        let err = self.err.as_raw_fd();
        match &self.own {
            Some(o) if self.pid.is_some() => diag::redirect(o.as_raw_fd(), err),
            _ if self.released => diag::redirect(2, 2),
            _ => diag::redirect(err, err),
        }
    }

    fn start(&mut self, orig: &Original) {
        let (argv, ids) = if self.failures >= GIVE_UP { (self.fallback, None) } else { (self.argv, self.ids) };
        let e = self.err.as_raw_fd();
        let moves = [(self.rd.as_raw_fd(), 0), (e, 1), (e, 2)];
        let sp = Spawn {
            file: c"/proc/self/exe",
            argv,
            envp: self.envp,
            path: b"",
            signals: orig,
            new_pgrp: false,
            take_tty: false,
            setsid: true,
            moves: &moves,
            chdir: Some(Cwd::Path(c"/")),
            report: diag::child_fatal,
            who: b"",
        };
        self.restart_at = None;
        self.started = Instant::now();
        match spawn_as(&sp, ids) {
            Ok(pid) => self.pid = Some(pid),
            Err(e) => {
                diag::warn_sys(e, &[b"unable to spawn the catch-all logger (waiting 1 second)"]);
                self.restart_at = Some(self.started.after_ms(RESTART_MS));
            }
        }
        self.point();
    }

    /// The logger ended: restart it (at once at the end, else no sooner
    /// than 1 s after its last start). False when `pid` is not the logger.
    pub fn on_exit(&mut self, pid: Pid, code: u8) -> bool {
        if self.pid != Some(pid) {
            return false;
        }
        self.pid = None;
        self.point();
        if self.released && code == 0 {
            return true; // read to the end
        }
        if (1..128).contains(&code) {
            self.failures = self.failures.saturating_add(1);
            if self.failures == GIVE_UP {
                diag::warn(&[b"the catch-all logger keeps failing: its input goes to the console"]);
            }
        } else {
            self.failures = self.failures.min(GIVE_UP);
        }
        let now = Instant::now();
        let next = self.started.after_ms(RESTART_MS);
        self.restart_at = Some(if self.released || now >= next { now } else { next });
        true
    }

    /// Start the logger when its time has come; true when it started.
    pub fn on_time(&mut self, now: Instant, orig: &Original) -> bool {
        if self.restart_at.is_none_or(|t| now < t) {
            return false;
        }
        self.start(orig);
        self.pid.is_some()
    }

    /// The CMD's descriptor moves: onto the console, or none (the fifo).
    pub fn cmd_moves(&self) -> &[(i32, i32)] {
        &self.moves[..self.moves_n]
    }

    /// Final stage: PID 1 writes no more to the fifo, so that the logger
    /// sees its end once everything else has gone.
    pub fn release(&mut self) {
        self.released = true;
        let _ = fd::dup_to(self.out.as_raw_fd(), 1);
        let _ = fd::dup_to(self.err.as_raw_fd(), 2);
        self.own = None;
        self.point();
    }
}
