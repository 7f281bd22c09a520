//! The I/O side of supervision: the service table, and `handle`, which
//! feeds an event to `machine::step` and runs the actions it returns
//! (spawn, signal, tally, `./down`, and `announce`: the one place that
//! writes `supervise/status` and sends `event/` bytes).
//!
//! `run` gets `["./run", NAME]` in a new session, cwd = the service
//! directory, the global environment and PID 1's original signal state;
//! `finish` gets `s6::finish`'s arguments. A service's logger is fed by a
//! pipe that PID 1 holds for the container's life: a restart of either
//! side loses nothing.
//!
//! Capacity is fixed: `MAX_SERVICES` entries (a logger counts as one),
//! names of at most `NAME_MAX` bytes. Nothing here allocates after set-up:
//! the steady state reuses the table.
use super::machine::{self, Action, Event, Phase, State};
use super::script;
use crate::base::diag;
use crate::base::num::parse_u64;
use crate::base::tai::Tai;
use crate::base::time::Instant;
use crate::s6::tally::{self, Death};
use crate::s6::{control, finish, ftrig, svdir};
use crate::sys::argv::{Argv, Envp, Fixed};
use crate::sys::signal::{self, Original};
use crate::sys::spawn::{Cwd, Spawn, spawn_newpid, spawn_nowait};
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::event::epoll;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::pipe::{PipeFlags, pipe_with};
use rustix::process::{Pid, WaitStatus};

/// Most supervised entries (services plus loggers).
pub const MAX_SERVICES: usize = 256;
/// Longest service name (`NAME/log` included).
pub const NAME_MAX: usize = 200;
pub const SCANDIR: &CStr = c"/run/service";
/// A supervisor that exited while its directory stays is started anew
/// this long after, as s6-svscan does.
pub(super) const REVIVE_MS: u64 = 1000;
pub(super) const DIRF: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

pub struct Svc {
    pub name: &'static [u8],
    /// `name` and `/run/service/name`, NUL-terminated (made once at setup).
    pub(super) name_c: &'static CStr,
    pub(super) path_c: &'static CStr,
    pub(super) dir: OwnedFd,
    /// `supervise/control`, read while the supervisor lives (see `exited`).
    pub(super) control: Option<OwnedFd>,
    /// The service's own locked `supervise/lock`, when it could not be a
    /// link to the scan lock (see `Supervisor::scan_lock`).
    pub(super) _lock: Option<OwnedFd>,
    /// Index of the logger (for a service) or of the service (for a logger).
    pub(super) peer: Option<usize>,
    /// PID 1's copy of the log pipe end this entry's process gets.
    pub(super) pipe: Option<OwnedFd>,
    /// s6-rc: the write end of the pipe to its consumer, for a consumer
    /// that produces for another in turn (a chain's middle; `pipe` is then
    /// its stdin).
    pub(super) pipe_out: Option<OwnedFd>,
    pub(super) notify: Option<OwnedFd>,
    pub(super) st: State,
    /// `supervise/status` is behind `st`: `announce` only marks it, and
    /// `flush` writes it, then sends `events` (in order).
    pub(super) dirty: bool,
    pub(super) events: heapless::Vec<u8, 8>,
    /// `supervise/status` may exist (false only while a `supervise/` made
    /// at set-up has had no status written).
    pub(super) status_made: bool,
    /// `supervise/status` is a link to the scan directory's first status
    /// (see `scan::FIRST_STATUS`): the first write replaces the link.
    pub(super) status_linked: bool,
    /// What PID 1, their only writer, knows of the sizes of `status` and
    /// `status.new` (a rewrite of one it wrote needs no `fstat`).
    pub(super) sizes: crate::base::fs::Sizes,
    /// `event/` was made at set-up, with `supervise/`: until the first
    /// status is written, no client can wait on it (s6-svwait and
    /// s6-svlisten subscribe, then read the status, and give up when there
    /// is none), so the events that status already shows go to nobody.
    pub(super) quiet_first: bool,
    /// The copy just made of the directory has no `notification-fd`: the
    /// first start does not look for it again.
    pub(super) no_notify_file: bool,
    /// `supervise/status.new` or `death_tally.new` may be missing: made
    /// at the next quiet moment (see `Supervisor::make_spares`).
    pub(super) spare: bool,
    /// The last status write failed (said once): written again later.
    pub(super) status_failed: bool,
    /// Being taken out of supervision (s6-rc's `legacy-services` down):
    /// it stops for good and lets go of its log pipe, as at shutdown.
    pub(super) leaving: bool,
    /// The last scan found its directory (see `Supervisor::prune`).
    pub(super) active: bool,
    /// Pruned: down for good, out of the scan directory; its place in the
    /// table serves the next service added.
    pub(super) gone: bool,
    /// Just set up by a scan: started by its `kick_from`.
    pub(super) fresh: bool,
    /// s6-rc's (a longrun, or services.d's in the v3 layout): never
    /// pruned, its index is s6-rc's.
    pub(super) pinned: bool,
    /// Its supervisor is to exit once the service is down (`s6-svc -x`,
    /// or pruned), as s6-supervise does.
    pub(super) exiting: bool,
    /// Its supervisor has exited: event `x` sent, `supervise/control`
    /// closed and `supervise/lock` no longer locked, so that s6's clients
    /// (`s6-svunlink`, `s6-svok`, `s6-svc`) see no supervisor. The next
    /// scan that finds its directory supervises it anew, as s6-svscan
    /// restarts a supervisor that exited (see `Supervisor::rescan`): when.
    pub(super) exited: Option<Instant>,
}

/// The service table: arena slots, allocated when the first service is
/// found (a container without services pays nothing for it).
#[derive(Default)]
pub struct Table {
    pub(super) slots: &'static mut [Option<Svc>],
    len: usize,
}

impl Table {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = &Svc> {
        self.slots[..self.len].iter().flatten()
    }
    pub(super) fn reserve(&mut self, n: usize) {
        if self.slots.is_empty()
            && n > 0
            && let Ok(s) = arena::alloc_with(n.min(MAX_SERVICES), |_| None)
        {
            self.slots = s;
        }
    }
    /// Add `s`; false (and `s` dropped) when the table is full.
    pub(super) fn push(&mut self, s: Svc) -> bool {
        if self.len == self.slots.len() {
            return false;
        }
        self.slots[self.len] = Some(s);
        self.len += 1;
        true
    }
    /// Put `s` at `i`: in place of a pruned entry, or added at the end.
    pub(super) fn put(&mut self, i: usize, s: Svc) -> bool {
        if i < self.len {
            self.slots[i] = Some(s);
            return true;
        }
        self.push(s)
    }
}

impl core::ops::Index<usize> for Table {
    type Output = Svc;
    fn index(&self, i: usize) -> &Svc {
        match &self.slots[i] {
            Some(s) => s,
            None => crate::base::diag::fatal(crate::base::exit::BUG, &[b"service table"]),
        }
    }
}

impl core::ops::IndexMut<usize> for Table {
    fn index_mut(&mut self, i: usize) -> &mut Svc {
        match &mut self.slots[i] {
            Some(s) => s,
            None => crate::base::diag::fatal(crate::base::exit::BUG, &[b"service table"]),
        }
    }
}

pub struct Supervisor {
    pub svcs: Table,
    /// Every descriptor PID 1 waits on, with what it is (see `Watch`).
    pub ep: OwnedFd,
    /// The scan directory (absolute): `/run/service` for PID 1.
    pub scandir: &'static CStr,
    pub(super) scan_control: Option<OwnedFd>,
    /// `.s6-svscan/lock`, locked from the first service on (as s6-svscan
    /// holds it): every service's `supervise/lock`, and its `death_tally`
    /// until its first death, is a hard link to it (see `scan::ScanLock`).
    pub(super) scan_lock: Option<super::scan::ScanLock>,
    pub(super) scan_lock_tried: bool,
    pub(super) env: Envp<'static>,
    pub(super) path: &'static [u8],
    pub(super) orig: Original,
    /// Stop requested (container shutdown): nothing restarts.
    pub stopping: bool,
    /// A service with `exit-container` ended the container with this
    /// code; `/init` takes it and stops as `halt` does.
    pub ended: Option<u8>,
    /// v3 layout: services.d copies live in `/run/s6/legacy-services/NAME`,
    /// linked from `/run/service/NAME` (else they are copied into the scan
    /// directory, which is physically `/run/s6/services`).
    pub legacy: bool,
    /// After a stop: until then, a service still up keeps its "want down"
    /// status unwritten, so that one that dies at once gets one file
    /// (down) instead of two (see `flush`).
    hold_until: Option<Instant>,
    /// When the spare files are made (see `make_spares`).
    spare_at: Option<Instant>,
    /// When status files that could not be written are tried again.
    retry_at: Option<Instant>,
    /// A supervisor exited while its service is still in the scan
    /// directory: the scan that supervises it anew is due then, a second
    /// later, as s6-svscan's (see `exit_supervisor`).
    pub(super) rescan_at: Option<Instant>,
}

const TALLY_NEW: &CStr = c"supervise/death_tally.new";

/// How long after a failed wait for events the next is tried.
const WAIT_RETRY_MS: u64 = 100;

/// How long a stop holds back the "want down" status of a service still up.
const HOLD_MS: u64 = 50;

/// How long after the last status write the spare files are made: once
/// the services have started, or between two restarts of one.
const SPARE_MS: u64 = 100;
/// How long a status file that could not be written waits for another try.
const RETRY_MS: u64 = 1000;
/// Services given their spare files at a time: PID 1 serves what became
/// ready meanwhile before the next ones.
const SPARE_BATCH: usize = 8;

/// What a descriptor in the epoll set is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watch {
    Signals,
    Scan,
    Control(usize),
    Notify(usize),
    /// s6-rc's control fifo.
    Rc,
    /// The reply pipe of the current s6-rc client (it reports an error
    /// once the client has closed its end).
    RcClient,
}

impl Watch {
    pub(super) fn encode(self) -> u64 {
        match self {
            Watch::Signals => 0,
            Watch::Scan => 1,
            Watch::Control(i) => 2 + 2 * i as u64,
            Watch::Notify(i) => 3 + 2 * i as u64,
            Watch::Rc => u64::MAX,
            Watch::RcClient => u64::MAX - 1,
        }
    }
    pub fn decode(v: u64) -> Watch {
        match v {
            0 => Watch::Signals,
            1 => Watch::Scan,
            u64::MAX => Watch::Rc,
            v if v == u64::MAX - 1 => Watch::RcClient,
            v if v % 2 == 0 => Watch::Control((v - 2) as usize / 2),
            v => Watch::Notify((v - 3) as usize / 2),
        }
    }
}

/// The machine's questions, answered from the service directory (read
/// when asked, as s6-supervise does) and the clocks.
struct Live<'a> {
    svc: &'a Svc,
    dir: BorrowedFd<'a>,
    now: Instant,
    stopping: bool,
}

impl Live<'_> {
    /// The first line of `name`, `None` when there is no such file.
    fn line<'b>(&self, name: &CStr, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
        crate::base::fs::first_line(self.dir, name, buf)
    }
    /// "invalid NAME: DEFAULT" (the file is then ignored).
    fn invalid(&self, name: &CStr, default: &[u8]) {
        self.svc.warn(None, &[b"invalid ", name.to_bytes(), b": ", default]);
    }
    /// A signal file (`down-signal`, `reload-signal`): `default` when it
    /// is missing, and, with s6-supervise's warning, when its first line
    /// is not a signal (an empty file included; `0`, which would send
    /// nothing, too).
    /// A number file (`timeout-kill`, `timeout-finish`): `default` when it
    /// is missing, and, with s6-supervise's warning, when it is not a
    /// number.
    fn number(&self, name: &CStr, default: u64) -> u64 {
        match svdir::read_number(self.dir, name) {
            Ok(Some(n)) => n,
            Ok(None) => default,
            Err(()) => {
                self.svc.warn(None, &[b"invalid ", name.to_bytes()]);
                default
            }
        }
    }
    fn signal(&self, name: &CStr, default: u32) -> u32 {
        let mut buf = [0u8; 64];
        match self.line(name, &mut buf) {
            None => default,
            Some(l) => crate::base::signame::number(l).filter(|&n| n != 0).unwrap_or_else(|| {
                self.svc.warn(None, &[b"invalid ", name.to_bytes()]);
                default
            }),
        }
    }
}

impl machine::Facts for Live<'_> {
    fn now(&self) -> Instant {
        self.now
    }
    fn tai(&self) -> Tai {
        Tai::now()
    }
    fn stopping(&self) -> bool {
        self.stopping
    }
    fn down_signal(&self) -> u32 {
        self.signal(c"down-signal", signal::SIGTERM)
    }
    fn reload_signal(&self) -> u32 {
        self.signal(c"reload-signal", signal::SIGHUP)
    }
    fn timeout_kill(&self) -> u64 {
        self.number(c"timeout-kill", 0)
    }
    fn timeout_finish(&self) -> u64 {
        self.number(c"timeout-finish", finish::TIMEOUT_MS)
    }
    fn killpg(&self) -> bool {
        svdir::exists(self.dir, c"flag-timeout-killpg")
    }
    fn exit_container(&self) -> Option<bool> {
        let mut b = [0u8; 64];
        match self.line(c"exit-container", &mut b)? {
            b"" => Some(false),
            b"on-failure" => Some(true),
            _ => {
                self.invalid(c"exit-container", b"ending the container on any exit");
                Some(false)
            }
        }
    }
    fn backoff(&self) -> Option<(u64, u64)> {
        let mut b = [0u8; 64];
        let l = self.line(c"restart-backoff", &mut b)?;
        let mut w = l.split(|&c| c == b' ' || c == b'\t').filter(|w| !w.is_empty()).map(parse_u64);
        match (w.next(), w.next(), w.next()) {
            (Some(Some(min)), Some(Some(max)), None) if min > 0 && min <= max => Some((min, max)),
            _ => {
                self.invalid(c"restart-backoff", b"restarting without backoff");
                None
            }
        }
    }
    fn restart_limit(&self) -> u32 {
        let mut b = [0u8; 64];
        let Some(l) = self.line(c"restart-limit", &mut b) else { return 0 };
        match parse_u64(l) {
            Some(n) if n > 0 && n <= u32::MAX as u64 => n as u32,
            _ => {
                self.invalid(c"restart-limit", b"restarting without limit");
                0
            }
        }
    }
}

impl Svc {
    /// The state changed: `supervise/status` is to be rewritten, then `ev`
    /// sent to `event/`. Both wait for `Supervisor::flush` (PID 1 idle,
    /// or before it spawns a script), so that a burst of changes (50
    /// services started, or stopped and reaped) is not slowed by a file
    /// per step, and one file carries several steps of one service.
    pub(super) fn announce(&mut self, ev: &[u8]) {
        if self.events.len() + ev.len() > self.events.capacity() {
            self.flush();
        }
        self.dirty = true;
        let _ = self.events.extend_from_slice(ev);
    }

    /// Write the status file (through `status.new`, see `svdir`), then
    /// send the events held since the last flush. False when there was
    /// nothing to write, or it could not be written.
    pub(super) fn flush(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.dirty = false;
        let quiet = self.quiet_first && !self.status_made;
        let st = self.st.status();
        let written = if self.status_linked {
            svdir::write_status_over_link(self.dir.as_fd(), &st, &mut self.sizes)
        } else {
            svdir::write_status(self.dir.as_fd(), &st, !self.status_made, &mut self.sizes)
        };
        match written {
            Ok(()) => {
                self.status_made = true;
                self.status_linked = false;
                self.spare = true;
                self.status_failed = false;
            }
            // A full or read-only /run: said once, kept to be written
            // again (`Supervisor::flush`), as a reader must not see a
            // state that is no more.
            Err(e) => {
                if !core::mem::replace(&mut self.status_failed, true) {
                    self.warn(Some(e), &[b"unable to write status file"]);
                }
                self.dirty = true;
            }
        }
        if quiet {
            // Nobody can be subscribed yet (see `quiet_first`): no scan of
            // `event/` for the first events.
            self.events.clear();
        } else if !self.events.is_empty() {
            let _ = ftrig::send(self.dir.as_fd(), ftrig::EVENT, &self.events);
            self.events.clear();
        }
        !self.status_failed
    }

    /// Start `./run` or `./finish` as s6-supervise does: a new session, cwd
    /// = the service directory, the log pipe on stdin (a logger) or stdout
    /// (a logged service), then `extra` (the notification-fd).
    fn spawn_script(
        &self,
        file: &CStr,
        argv: Argv<'_>,
        sup: &Supervisor,
        extra: Option<(i32, i32)>,
        newpid: bool,
    ) -> Result<Pid, Errno> {
        let mut moves: heapless::Vec<(i32, i32), 3> = heapless::Vec::new();
        if let Some(p) = &self.pipe {
            let _ = moves.push((p.as_raw_fd(), if self.st.log { 0 } else { 1 }));
        }
        if let Some(p) = &self.pipe_out {
            let _ = moves.push((p.as_raw_fd(), 1));
        }
        if let Some(m) = extra {
            let _ = moves.push(m);
        }
        // The child speaks as s6-supervise's does: `s6-supervise NAME (child)`.
        let mut who = [0u8; 256];
        let mut n = 0;
        for part in [&b"s6-supervise "[..], self.name, b" (child)"] {
            let k = part.len().min(who.len() - n);
            who[n..n + k].copy_from_slice(&part[..k]);
            n += k;
        }
        let sp = Spawn {
            file,
            argv,
            envp: sup.env,
            path: sup.path,
            signals: &sup.orig,
            new_pgrp: false,
            take_tty: false,
            setsid: true,
            moves: &moves,
            chdir: Some(Cwd::Fd(self.dir.as_raw_fd(), self.path_c)),
            report: crate::base::diag::child_fatal,
            who: &who[..n],
        };
        // Not waited for: services start (and end) together, without
        // waiting for each exec (see `sys::spawn::spawn_nowait`).
        if newpid { spawn_newpid(&sp) } else { spawn_nowait(&sp) }
    }

    /// `./run NAME`, after `words` (its `#!` line's, from `plan`); with
    /// `lock` (lock-fd), through `s6-setlock -d LOCK -- supervise/service-lock`,
    /// as s6-supervise runs it (this binary's applet).
    fn spawn(
        &self,
        file: &CStr,
        words: &[&CStr],
        sup: &Supervisor,
        extra: Option<(i32, i32)>,
        lock: Option<u32>,
    ) -> Result<Pid, Errno> {
        let mut fd = [0u8; 12];
        let (file, mut argv) = match lock {
            Some(n) => {
                let mut argv = Fixed::new(&[c"s6-setlock", c"-d", num_cstr(&mut fd, n), c"--", SERVICE_LOCK]);
                for w in words {
                    argv.push(w);
                }
                (c"/proc/self/exe", argv)
            }
            None => (file, Fixed::new(words)),
        };
        argv.push(c"./run");
        argv.push(self.name_c);
        // flag-newpidns (s6 2.13.1): ./run is PID 1 of a namespace of its own.
        let newpid = svdir::exists(self.dir.as_fd(), c"flag-newpidns");
        self.spawn_script(file, argv.get(), sup, extra, newpid)
    }

    /// How to run `./run`, looked at: `Err` (said) when it cannot be.
    fn plan<'b>(&self, buf: &'b mut [u8; 512]) -> Result<(&'b CStr, heapless::Vec<&'b CStr, 2>), Event> {
        if !self.interpreter_ok(c"run") {
            return Err(Event::SpawnFailed);
        }
        script::resolve(&self.dir, c"run", c"./run", buf).map_err(|e| {
            self.warn(Some(e), &[b"unable to spawn ./run (waiting 60 seconds)"]);
            Event::SpawnFailed
        })
    }

    /// False (with a warning naming it) when `name`'s `#!` interpreter
    /// cannot be run.
    fn interpreter_ok(&self, name: &CStr) -> bool {
        let mut hb = [0u8; 256];
        match script::bad_interpreter(self.dir.as_fd(), name, &mut hb) {
            Some((interp, e)) => {
                self.warn(Some(e), &[b"unable to spawn ./", name.to_bytes(), b": interpreter ", interp]);
                false
            }
            None => true,
        }
    }

    pub(super) fn warn(&self, e: Option<Errno>, parts: &[&[u8]]) {
        diag::warn_as(&[b"s6-supervise ", self.name], parts, e);
    }

    /// Append to `supervise/death_tally`, keeping `max-death-tally` records.
    fn record_death(&mut self, wstat: u16) {
        let max = match svdir::read_number(self.dir.as_fd(), c"max-death-tally") {
            Ok(Some(n)) => n.min(tally::MAX as u64) as usize,
            Ok(None) => tally::DEFAULT_MAX,
            Err(()) => {
                self.warn(None, &[b"invalid max-death-tally"]);
                tally::DEFAULT_MAX
            }
        };
        if max == 0 {
            return;
        }
        let rec = Death::from_wstat(Tai::now(), wstat).pack();
        // Looked at by name: a first death (an empty link to the scan
        // lock) has nothing to copy, and the file is opened only when it
        // has. Only PID 1 writes it, so it cannot change in between.
        let st = fs::statat(&self.dir, svdir::DEATH_TALLY, AtFlags::empty()).ok();
        // A size that is not a whole number of records reads as empty (as
        // s6's `s6_dtally_read`): the file is made anew.
        let have = st.as_ref().map_or(0, |s| {
            let n = s.st_size as usize;
            if n.is_multiple_of(tally::RECORD) { n / tally::RECORD } else { 0 }
        });
        // Linked to the scan lock (no death yet): replaced so that
        // `death_tally.new` never stays a name of that shared file.
        let shared = st.as_ref().is_some_and(|s| s.st_nlink > 1);
        let keep = tally::keep(have, max);
        // A file with the records kept and the new one, put in place of
        // the old (as s6's `s6_dtally_write`, with `base::fs::swap_in`).
        let Ok(mut new) = crate::base::fs::open_rewrite(self.dir.as_fd(), TALLY_NEW, 0o644) else { return };
        // Never written while it is a name of the scan lock (a replacement
        // cut short, see `base::fs::replace_link`): made anew.
        let was = match fs::fstat(&new) {
            Ok(s) if s.st_nlink <= 1 => s.st_size as u64,
            _ => {
                drop(new);
                let _ = fs::unlinkat(&self.dir, TALLY_NEW, fs::AtFlags::empty());
                let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                let Ok(f) = fs::openat(&self.dir, TALLY_NEW, flags, Mode::from_raw_mode(0o644)) else { return };
                new = f;
                0
            }
        };
        self.spare = true;
        let start = ((have - keep) * tally::RECORD) as u64;
        let mut off = start;
        if keep > 0 {
            let Ok(f) = fs::openat(
                &self.dir,
                svdir::DEATH_TALLY,
                OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
                Mode::empty(),
            ) else {
                return;
            };
            let mut buf = [0u8; tally::RECORD * 64];
            loop {
                match rustix::io::pread(&f, &mut buf, off) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if crate::sys::fd::write_all(new.as_fd(), &buf[..n]).is_err() {
                            return;
                        }
                        off += n as u64;
                    }
                }
            }
        }
        let len = off - start + tally::RECORD as u64;
        if crate::sys::fd::write_all(new.as_fd(), &rec).is_ok()
            && crate::base::fs::cut_from(new.as_fd(), was, len).is_ok()
        {
            let _ = if shared {
                crate::base::fs::replace_link(self.dir.as_fd(), TALLY_NEW, svdir::DEATH_TALLY)
            } else {
                crate::base::fs::swap_in(self.dir.as_fd(), TALLY_NEW, svdir::DEATH_TALLY)
            };
        }
    }

    /// Create (`true`) or remove the `down` file.
    fn down_file(&self, create: bool) {
        let r = if create {
            fs::openat(
                &self.dir,
                c"down",
                OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o644),
            )
            .map(drop)
        } else {
            match fs::unlinkat(&self.dir, c"down", AtFlags::empty()) {
                Err(Errno::NOENT) => Ok(()),
                r => r,
            }
        };
        if let Err(e) = r {
            self.warn(Some(e), &[b"unable to ", if create { b"create" } else { b"unlink" }, b" down file"]);
        }
    }
}

impl Supervisor {
    pub fn new(env: Envp<'static>, path: &'static [u8], orig: Original) -> Result<Supervisor, Errno> {
        let ep = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        Ok(Supervisor {
            svcs: Table::default(),
            ep,
            scandir: SCANDIR,
            scan_control: None,
            scan_lock: None,
            scan_lock_tried: false,
            env,
            path,
            orig,
            stopping: false,
            ended: None,
            legacy: false,
            hold_until: None,
            spare_at: None,
            retry_at: None,
            rescan_at: None,
        })
    }

    /// Wait on `fd` for input; `w` says what it is when it wakes us.
    pub fn watch(&self, fd: BorrowedFd<'_>, w: Watch) {
        // The client's reply pipe is watched for its error (hang-up) alone.
        let flags = if w == Watch::RcClient { epoll::EventFlags::empty() } else { epoll::EventFlags::IN };
        if let Err(e) = epoll::add(&self.ep, fd, epoll::EventData::new_u64(w.encode()), flags) {
            diag::warn_sys(e, &[b"unable to watch a descriptor"]);
        }
    }

    /// Feed `ev` to entry `i`'s machine and run its actions; a spawn's
    /// outcome is the next event.
    pub(super) fn handle(&mut self, i: usize, ev: Event) {
        let mut next = Some(ev);
        while let Some(ev) = next.take() {
            let svc = &self.svcs[i];
            let stopping = self.stopping || svc.leaving;
            let facts = Live { svc, dir: svc.dir.as_fd(), now: Instant::now(), stopping };
            let (st, actions) = machine::step(svc.st, ev, &facts);
            let svc = &mut self.svcs[i];
            svc.st = st;
            if !st.notify {
                drop_notify(&self.ep, svc);
            }
            for a in actions {
                if let Some(e) = self.act(i, a) {
                    next = Some(e);
                }
            }
        }
        let svc = &self.svcs[i];
        if svc.exiting && svc.exited.is_none() && svc.st.phase == Phase::Down {
            self.exit_supervisor(i);
        }
    }

    /// The service is down and its supervisor was told to exit: it does,
    /// as s6-supervise's last steps (its status as it is, then event `x`).
    /// Its control fifo is closed and its `supervise/lock` no longer
    /// locked (the link to the scan lock removed, or its own lock
    /// dropped): s6-svunlink, which waits for the `x`, returns; s6-svok
    /// and s6-svc see no supervisor. One still in the scan directory is
    /// supervised anew by the scan a second later, as s6-svscan restarts
    /// a supervisor that exited (see `rescan`).
    fn exit_supervisor(&mut self, i: usize) {
        let svc = &mut self.svcs[i];
        svc.flush();
        let now = Instant::now();
        svc.exited = Some(now);
        svc.control = None;
        if svc._lock.take().is_none()
            && let Some(l) = &self.scan_lock
        {
            l.unlink_from(svc.dir.as_fd());
        }
        let _ = ftrig::send(svc.dir.as_fd(), ftrig::EVENT, b"x");
        if !svc.gone && !self.stopping {
            self.rescan_soon(now.after_ms(REVIVE_MS));
        }
    }

    /// A scan at `t` at the latest.
    pub(super) fn rescan_soon(&mut self, t: Instant) {
        self.rescan_at = Some(self.rescan_at.map_or(t, |r| r.min(t)));
    }

    fn act(&mut self, i: usize, a: Action) -> Option<Event> {
        let svc = &mut self.svcs[i];
        match a {
            Action::Kill { pid, sig, group } => {
                if let Some(p) = Pid::from_raw(pid as i32) {
                    let _ = if group {
                        // A child that has not made its session yet (one
                        // still on its way to setsid) has no group of its
                        // own: it gets the signal itself, held until it
                        // unblocks its signals, just before the exec.
                        raw::kill_group(p, sig)
                            .or_else(|e| if e == Errno::SRCH { raw::kill_pid(p, sig) } else { Err(e) })
                    } else {
                        raw::kill_pid(p, sig)
                    };
                }
            }
            Action::SpawnRun => return Some(self.spawn_run(i)),
            Action::SpawnFinish { wstat, pgid } => return Some(self.spawn_finish(i, wstat, pgid)),
            Action::RecordDeath(w) => svc.record_death(w),
            Action::DownFile(create) => svc.down_file(create),
            Action::Announce(ev) => svc.announce(ev),
            Action::WarnFinishTimeout => {
                svc.warn(None, &[b"finish script lifetime reached maximum value - sending it a SIGKILL"])
            }
            Action::WarnFailed(n) => {
                let mut b = itoa::Buffer::new();
                svc.warn(None, &[b.format(n).as_bytes(), b" quick deaths in a row: not restarting it (restart-limit)"]);
            }
            Action::EndContainer(code) => {
                self.ended.get_or_insert(code);
            }
            Action::ClosePipes => {
                svc.pipe = None;
                svc.pipe_out = None;
                if let Some(l) = svc.peer {
                    self.svcs[l].pipe = None;
                }
            }
        }
        None
    }

    fn spawn_run(&mut self, i: usize) -> Event {
        // `./run` is looked at first (its `#!` interpreter, or run through
        // its `#!` line when not executable): the child is not waited
        // for, and its exec error would come too late to say why.
        let mut buf = [0u8; 512];
        let (file, words) = match self.svcs[i].plan(&mut buf) {
            Ok(p) => p,
            Err(ev) => return ev,
        };
        let svc = &mut self.svcs[i];
        // notification-fd: a fresh pipe, its write end at fd N in the child.
        drop_notify(&self.ep, svc);
        let mut notify_w: Option<(OwnedFd, i32)> = None;
        let listed_none = core::mem::replace(&mut svc.no_notify_file, false);
        match if listed_none { Ok(None) } else { svdir::read_number(svc.dir.as_fd(), c"notification-fd") } {
            Ok(Some(n)) if n > 0 && n <= svdir::NOTIFICATION_FD_MAX => {
                // Only PID 1's end is non-blocking: the service's blocks,
                // as under s6-supervise (a writer gets no EAGAIN).
                let p = pipe_with(PipeFlags::CLOEXEC)
                    .and_then(|(r, w)| rustix::fs::fcntl_setfl(&r, OFlags::NONBLOCK).map(|_| (r, w)));
                match p {
                    Ok((r, w)) => {
                        if let Err(e) = epoll::add(
                            &self.ep,
                            &r,
                            epoll::EventData::new_u64(Watch::Notify(i).encode()),
                            epoll::EventFlags::IN,
                        ) {
                            svc.warn(Some(e), &[b"unable to watch the notification pipe"]);
                        }
                        svc.notify = Some(r);
                        notify_w = Some((w, n as i32));
                    }
                    Err(e) => svc.warn(Some(e), &[b"unable to create a notification pipe"]),
                }
            }
            Ok(None) => {}
            _ => svc.warn(None, &[b"invalid notification-fd"]),
        }
        let notify = notify_w.as_ref().map(|(w, n)| (w.as_raw_fd(), *n));
        let svc = &self.svcs[i];
        // lock-fd (s6 2.13): `./run` starts under `s6-setlock -d N`, which
        // holds `supervise/service-lock` at fd N for the run process's
        // life, so that a new instance waits for an old one still alive.
        let lock = match svdir::read_number(svc.dir.as_fd(), c"lock-fd") {
            Ok(None) => None,
            Ok(Some(n)) if n > 0 && n <= svdir::NOTIFICATION_FD_MAX && notify.is_none_or(|(_, m)| m as u64 != n) => {
                Some(n as u32)
            }
            _ => {
                svc.warn(None, &[b"invalid lock-fd"]);
                None
            }
        };
        if lock.is_some() && svdir::held(svc.dir.as_fd(), SERVICE_LOCK) {
            svc.warn(None, &[b"supervise/service-lock is held: ./run waits for it"]);
        }
        match svc.spawn(file, &words, self, notify, lock) {
            Ok(pid) => Event::Spawned(pid.as_raw_nonzero().get() as u32, notify.is_some()),
            Err(e) => {
                svc.warn(Some(e), &[b"unable to spawn ./run (waiting 60 seconds)"]);
                Event::SpawnFailed
            }
        }
    }

    fn spawn_finish(&mut self, i: usize, wstat: u16, pgid: u32) -> Event {
        let svc = &self.svcs[i];
        let mut buf = [0u8; 512];
        let Ok((file, words)) = script::resolve(&svc.dir, c"finish", c"./finish", &mut buf) else {
            return Event::NoFinish;
        };
        if !svc.interpreter_ok(c"finish") {
            return Event::NoFinish;
        }
        let (code, sig) = finish::encode(wstat);
        let [mut c, mut g, mut p] = [[0u8; 12]; 3];
        let (code_s, sig_s, pgid_s) =
            (num_cstr(&mut c, code as u32), num_cstr(&mut g, sig as u32), num_cstr(&mut p, pgid));
        let mut argv = Fixed::new(&words);
        for a in [c"./finish", code_s, sig_s, svc.name_c, pgid_s] {
            argv.push(a);
        }
        match svc.spawn_script(file, argv.get(), self, None, false) {
            Ok(fpid) => Event::FinishSpawned(fpid.as_raw_nonzero().get() as u32),
            Err(e) => {
                svc.warn(Some(e), &[b"unable to spawn ./finish"]);
                Event::NoFinish
            }
        }
    }

    /// Read a service's `supervise/control` and obey each byte.
    pub fn on_control(&mut self, i: usize) {
        let mut buf = [0u8; 64];
        loop {
            let Some(c) = &self.svcs[i].control else { return };
            let n = match rustix::io::read(c, &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            for &b in &buf[..n] {
                self.send(i, b);
            }
        }
    }

    /// An s6-svc command letter, as from the control fifo.
    /// Create (`true`) or remove `./down` in entry `i`'s directory (s6-rc
    /// does it once a transition succeeded).
    pub fn set_down_file(&self, i: usize, create: bool) {
        self.svcs[i].down_file(create);
    }

    pub fn send(&mut self, i: usize, b: u8) {
        let svc = &mut self.svcs[i];
        // Once told to exit, s6-supervise ignores `u`; once exited, all.
        if svc.exited.is_some() || (svc.exiting && b == b'u') {
            return;
        }
        svc.exiting |= b == b'x';
        if let Some(c) = control::decode(b) {
            self.handle(i, Event::Command(c));
        }
    }

    /// A readiness descriptor is readable.
    pub fn on_notify(&mut self, i: usize) {
        let Some(n) = &self.svcs[i].notify else { return };
        let mut buf = [0u8; 256];
        let ev = loop {
            match rustix::io::read(n, &mut buf) {
                // Closed without a newline: never ready.
                Ok(0) => break Event::NotifyEof,
                Ok(k) if buf[..k].contains(&b'\n') => break Event::Ready,
                Ok(_) => {}
                Err(_) => return,
            }
        };
        self.handle(i, ev);
    }

    /// A child exited: is it one of ours? Handles run and finish deaths.
    pub fn on_exit(&mut self, pid: Pid, st: WaitStatus) -> bool {
        let pid = pid.as_raw_nonzero().get() as u32;
        let Some(i) = self.svcs.iter().position(|s| s.st.pid == pid) else { return false };
        self.handle(i, Event::Died(st.as_raw() as u16));
        true
    }

    /// The earliest deadline among the services.
    pub fn deadline(&self) -> Option<Instant> {
        let at = self.svcs.iter().filter_map(|s| s.st.deadline()).chain(self.hold_until).chain(self.spare_at);
        at.chain(self.rescan_at).chain(self.retry_at).min()
    }

    /// When `make_spares` is due, if it is.
    pub fn spare_at(&self) -> Option<Instant> {
        self.spare_at
    }

    /// Make the spare files that the next status write and the next death
    /// of each service will write into: `supervise/status.new` and
    /// `supervise/death_tally.new`, empty, when missing (the first status
    /// of a `supervise/` made at set-up is renamed from `status.new`; a
    /// first death renames `death_tally.new` over the link to the scan
    /// lock). `base::fs::replace_atomic` then makes no inode: a new inode
    /// costs 15-300 us on ext4, so the stop of 50 services would make 100
    /// of them, when the container is to end fast. Done at a quiet moment
    /// instead, `SPARE_MS` after the last status write, `SPARE_BATCH`
    /// services at a time; never while stopping.
    pub fn make_spares(&mut self, now: Instant) {
        self.spare_at = None;
        if self.stopping {
            return;
        }
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut done = 0;
        for i in 0..self.svcs.len() {
            let s = &mut self.svcs[i];
            if !s.spare {
                continue;
            }
            if done == SPARE_BATCH {
                // The next ones once what is ready has been served.
                self.spare_at = Some(now);
                return;
            }
            s.spare = false;
            done += 1;
            for name in [svdir::STATUS_NEW, TALLY_NEW] {
                // EEXIST: there already, from an exchange.
                let _ = fs::openat(&s.dir, name, flags, Mode::from_raw_mode(0o644));
            }
        }
    }

    /// Write the status files (and send the events) that changed since the
    /// last flush: PID 1 calls this when nothing else is ready. Within
    /// `HOLD_MS` of a stop, a service still up is left for later: it is
    /// usually reaped by then, and its one status says down.
    pub fn flush(&mut self, now: Instant) {
        let hold = self.hold_until.is_some_and(|t| now < t);
        let mut wrote = false;
        for i in 0..self.svcs.len() {
            let s = &mut self.svcs[i];
            // One that could not be written waits for its retry (`on_time`).
            if !(s.status_failed || hold && s.st.phase == Phase::Up) {
                wrote |= s.flush();
            }
        }
        // Unwritten statuses: tried again a second later (not at every
        // wake-up of the loop).
        if self.retry_at.is_none() && self.svcs.iter().any(|s| s.status_failed && !s.gone) {
            self.retry_at = Some(now.after_ms(RETRY_MS));
        }
        // Spare files wait for a quiet moment: each write puts them off.
        if !self.stopping && (wrote || self.spare_at.is_none()) && self.svcs.iter().any(|s| s.spare) {
            self.spare_at = Some(now.after_ms(SPARE_MS));
        }
    }

    /// Write every pending status now (before a script or the CMD is
    /// spawned, and before PID 1 exits: they may read them).
    pub fn flush_all(&mut self) {
        self.hold_until = None;
        for i in 0..self.svcs.len() {
            self.svcs[i].flush();
        }
    }

    pub fn on_time(&mut self, now: Instant) {
        if self.hold_until.is_some_and(|t| now >= t) {
            self.hold_until = None;
        }
        if self.retry_at.is_some_and(|t| now >= t) {
            self.retry_at = None;
            for i in 0..self.svcs.len() {
                let s = &mut self.svcs[i];
                if s.status_failed && !s.gone {
                    s.flush();
                }
            }
            if self.svcs.iter().any(|s| s.status_failed && !s.gone) {
                self.retry_at = Some(now.after_ms(RETRY_MS));
            }
        }
        if self.spare_at.is_some_and(|t| now >= t) {
            self.make_spares(now);
        }
        for i in 0..self.svcs.len() {
            if self.svcs[i].st.deadline().is_some_and(|t| now >= t) {
                self.handle(i, Event::Tick);
            }
        }
        if self.rescan_at.is_some_and(|t| now >= t) {
            self.rescan_at = None;
            if !self.stopping {
                self.rescan();
            }
        }
    }

    /// Wait for the next events (into `events`; how many came) until
    /// `deadline` at the latest (the services' own deadlines are added).
    /// When nothing is ready at once, the status files changed since are
    /// written first (one file per service for a burst of changes), and a
    /// wait with no deadline at all is made in the idle segment, which
    /// gives back the pages of code that start-up used. An error is never
    /// fatal: said, then retried shortly.
    pub fn wait_events(&mut self, events: &mut [epoll::Event], deadline: Option<Instant>, now: Instant) -> usize {
        let zero = rustix::time::Timespec { tv_sec: 0, tv_nsec: 0 };
        let n = match epoll::wait(&self.ep, &mut *events, Some(&zero)) {
            Ok(0) => {
                self.flush(now);
                // The flush may have set when the spare files are made; a
                // child that still shares our memory (waiting for a CPU
                // before its exec) is looked at again soon.
                let settle = crate::sys::spawn::settle(now.0).map(|ms| now.after_ms(ms));
                let deadline = [deadline, self.deadline(), self.spare_at, settle].into_iter().flatten().min();
                match deadline.map(|d| d.until(now)) {
                    None => raw::idle_wait(self.ep.as_fd(), events),
                    t => epoll::wait(&self.ep, events, t.as_ref()),
                }
            }
            r => r,
        };
        match n {
            Ok(n) => n,
            Err(Errno::INTR) => 0,
            Err(e) => {
                diag::warn_sys(e, &[b"unable to wait for events (retrying)"]);
                crate::base::child::sleep_until(Instant::now().after_ms(WAIT_RETRY_MS));
                0
            }
        }
    }

    /// The scan lock is held (see `scan::ScanLock`).
    pub fn scan_locked(&self) -> bool {
        self.scan_lock.is_some()
    }

    /// The environment and the signal state services are started with.
    pub fn env(&self) -> Envp<'static> {
        self.env
    }
    pub fn orig(&self) -> Original {
        self.orig
    }

    /// s6-svscan's end (`s6-svscanctl -t`, `-q`): every supervisor exits
    /// once its service is down, as `stop_all` brings them down; `hard`:
    /// loggers are brought down at once too (`-q`).
    pub fn exit_all(&mut self, hard: bool) {
        for i in 0..self.svcs.len() {
            self.svcs[i].exiting = true;
        }
        self.stop_all();
        if hard {
            for i in 0..self.svcs.len() {
                if self.svcs[i].st.log {
                    self.send(i, b'd');
                }
            }
        }
    }

    /// Container shutdown: every service gets its down-signal; loggers are
    /// left to end on EOF once their service is down.
    pub fn stop_all(&mut self) {
        self.stopping = true;
        self.stop_range(0, self.svcs.len());
    }

    /// Stop the entries `a..b` (loggers end on EOF at shutdown).
    pub fn stop_range(&mut self, a: usize, b: usize) {
        for i in a..b {
            self.handle(i, Event::Stop);
        }
        // Every service has its signal first; the status files ("want
        // down") follow, held back for a while (see `flush`).
        for i in a..b {
            if self.svcs[i].st.phase == Phase::Up {
                self.svcs[i].announce(b"");
            }
        }
        self.hold_until = Some(Instant::now().after_ms(HOLD_MS));
    }

    /// s6-rc's `legacy-services` down, as s6-overlay's: the entries
    /// `a..b` (services.d's) stop for good, each logger ending on EOF once
    /// its service is down, and leave `/run/service` (see `rejoin`).
    pub fn leave(&mut self, a: usize, b: usize) {
        let scan = fs::open(self.scandir, DIRF, Mode::empty()).ok();
        for i in a..b {
            let svc = &mut self.svcs[i];
            svc.leaving = true;
            if let Some(scan) = &scan
                && !svc.st.log
                && fs::statat(scan, svc.name_c, AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|st| fs::FileType::from_raw_mode(st.st_mode) == fs::FileType::Symlink)
            {
                let _ = fs::unlinkat(scan, svc.name_c, AtFlags::empty());
            }
        }
        self.stop_range(a, b);
    }

    /// The entries `a..b` that still run (past `S6_SERVICES_GRACETIME`
    /// in a `legacy-services` down) get SIGKILL: a service that ignores
    /// its down-signal, a logger kept from EOF by a process its service
    /// left behind.
    pub fn kill_range(&mut self, a: usize, b: usize) {
        for i in a..b {
            if let Some(p) = Pid::from_raw(self.svcs[i].st.pid as i32) {
                let _ = raw::kill_group(p, signal::SIGKILL);
                let _ = raw::kill_pid(p, signal::SIGKILL);
            }
        }
    }

    /// `legacy-services` up again: the entries `a..b` are wanted up again
    /// (a service with a `down` file stays down), each back in
    /// `/run/service` (v3 layout) and with a new log pipe where it let go
    /// of its own.
    pub fn rejoin(&mut self, a: usize, b: usize) {
        let scan = fs::open(self.scandir, DIRF, Mode::empty()).ok();
        for i in a..b {
            self.svcs[i].leaving = false;
            self.svcs[i].active = true;
        }
        for i in a..b {
            if self.svcs[i].st.log {
                continue;
            }
            if let (true, Some(scan)) = (self.legacy, &scan) {
                let mut t = heapless::Vec::<u8, { NAME_MAX + 32 }>::new();
                let _ = t.extend_from_slice(b"../s6/legacy-services/");
                let _ = t.extend_from_slice(self.svcs[i].name);
                let _ = t.push(0);
                if let Ok(t) = CStr::from_bytes_with_nul(&t) {
                    let _ = fs::symlinkat(t, scan, self.svcs[i].name_c);
                }
            }
            if let Some(l) = self.svcs[i].peer {
                if self.svcs[i].pipe.is_none() {
                    match pipe_with(PipeFlags::CLOEXEC) {
                        Ok((r, w)) => {
                            self.svcs[i].pipe = Some(w);
                            self.svcs[l].pipe = Some(r);
                        }
                        Err(e) => self.svcs[i].warn(Some(e), &[b"unable to create the log pipe"]),
                    }
                }
                self.send(l, b'u');
            }
            if !svdir::exists(self.svcs[i].dir.as_fd(), c"down") {
                self.send(i, b'u');
            }
        }
    }

    /// The entries `a..b` are all down.
    pub fn down_range(&self, a: usize, b: usize) -> bool {
        (a..b).all(|i| self.svcs[i].st.phase == Phase::Down)
    }

    pub fn all_down(&self) -> bool {
        self.down_range(0, self.svcs.len())
    }

    /// For `S6_CMD_WAIT_FOR_SERVICES`: every service without a `down` file
    /// is up, or ready when it has a notification-fd.
    pub fn all_up(&self) -> bool {
        self.up_range(0, self.svcs.len())
    }

    /// [`all_up`](Self::all_up) for the entries `a..b`.
    pub fn up_range(&self, a: usize, b: usize) -> bool {
        (a..b)
            .map(|i| &self.svcs[i])
            .filter(|s| !s.st.log && !s.gone && !svdir::exists(s.dir.as_fd(), c"down"))
            .all(|s| s.st.phase == Phase::Up && (!s.st.has_notification || s.st.ready))
    }

    /// Entry `i`'s name and whether it has a notification-fd, unless it is
    /// a logger.
    pub fn service(&self, i: usize) -> Option<(&'static [u8], bool)> {
        let s = &self.svcs[i];
        (!s.st.log).then_some((s.name, s.st.has_notification))
    }

    /// Up for s6-rc: spawned, and ready when it has a notification-fd.
    pub fn is_up(&self, i: usize) -> bool {
        let s = &self.svcs[i].st;
        s.phase == Phase::Up && (s.ready || !s.has_notification)
    }

    /// Down for good: `finish` done.
    pub fn is_down(&self, i: usize) -> bool {
        self.svcs[i].st.phase == Phase::Down
    }

    /// Down and not to be restarted (its `finish` exited 125).
    pub fn gave_up(&self, i: usize) -> bool {
        self.is_down(i) && !self.svcs[i].st.want_up
    }
}

/// Close `svc`'s notification pipe, out of the epoll set first: a child
/// that has not exec'd yet holds a copy of it, which would keep it
/// in the set, reporting a hang-up, until that child's exec.
fn drop_notify(ep: &OwnedFd, svc: &mut Svc) {
    if let Some(r) = svc.notify.take() {
        let _ = epoll::delete(ep, &r);
    }
}

/// `n` in decimal, NUL-terminated in `buf`.
/// What a service with `lock-fd` holds while its `./run` lives.
const SERVICE_LOCK: &CStr = c"supervise/service-lock";

fn num_cstr(buf: &mut [u8; 12], n: u32) -> &CStr {
    let mut f = itoa::Buffer::new();
    let s = f.format(n).as_bytes();
    buf[..s.len()].copy_from_slice(s);
    CStr::from_bytes_with_nul(&buf[..=s.len()]).unwrap_or(c"")
}
