//! Supervision of `/etc/services.d` inside PID 1's loop: s6-supervise's
//! contract for every service (and its logger), without a process per
//! service.
//!
//! Each `/etc/services.d/NAME` (a symlink to a directory is followed) is
//! copied to the live scan directory `/run/service/NAME` (also
//! `/var/run/s6/services/NAME`): physically `/run/s6/services/NAME` in the
//! v2 layout, `/run/s6/legacy-services/NAME` linked from there in the v3
//! layout (see `runtime::prepare`). Every service
//! directory gets s6's `supervise/` (`control` fifo, `status` in s6's
//! 35-byte layout written atomically, `lock` held with an fcntl lock,
//! `death_tally`) and `event/` fifodir, so s6's own clients drive it.
//! `NAME/log/` is a logger service fed by a pipe that PID 1 holds for the
//! container's life: a restart of either side loses nothing.
//!
//! Restarts happen no sooner than 1 s after the previous start. `run` gets
//! `["./run", NAME]` in a new session, cwd = the service directory, the
//! global environment and PID 1's original signal state; `finish` gets
//! `["./finish", CODE|256, SIG, NAME, PGID]` (s6 2.15), at most
//! `timeout-finish` ms (default 5000), and exiting 125 keeps the service down.
//!
//! Capacity is fixed: `MAX_SERVICES` entries (a logger counts as one),
//! names of at most `NAME_MAX` bytes. Nothing here allocates after
//! `setup`: the steady state reuses the table.
use super::stage;
use crate::base::diag::{self, Line};
use crate::base::svstatus::Status;
use crate::base::tai::Tai;
use crate::base::{num::parse_u64, time::Instant};
use crate::s6::control;
use crate::s6::tally::{self, Death};
use crate::sys::signal::{self, Original};
use crate::sys::spawn::{Spawn, spawn};
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::event::epoll;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, FlockOperation, Mode, OFlags, RawDir};
use rustix::io::Errno;
use rustix::pipe::{PipeFlags, pipe_with};
use rustix::process::{Pid, WaitStatus};

/// Most supervised entries (services plus loggers).
pub const MAX_SERVICES: usize = 256;
/// Longest service name (`NAME/log` included).
pub const NAME_MAX: usize = 200;
pub const SCANDIR: &CStr = c"/run/service";
const DIRF: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Not running; `restart_at` says when to start if wanted up.
    Down,
    Up,
    /// `finish` runs.
    Finishing,
}

pub struct Svc {
    pub name: &'static [u8],
    /// `name` and `/run/service/name`, NUL-terminated (made once at setup).
    name_c: &'static CStr,
    path_c: &'static CStr,
    dir: OwnedFd,
    control: OwnedFd,
    _lock: OwnedFd,
    is_log: bool,
    /// Index of the logger (for a service) or of the service (for a logger).
    peer: Option<usize>,
    /// PID 1's copy of the log pipe end this entry's process gets.
    pipe: Option<OwnedFd>,
    state: State,
    pid: Option<Pid>,
    pub want_up: bool,
    paused: bool,
    ready: bool,
    stamp: Tai,
    ready_stamp: Tai,
    wstat: u16,
    last_start: Option<Instant>,
    restart_at: Option<Instant>,
    kill_at: Option<Instant>,
    notify: Option<OwnedFd>,
    has_notification: bool,
}

/// The service table: arena slots, allocated when the first service is
/// found (a container without services pays nothing for it).
#[derive(Default)]
pub struct Table {
    slots: &'static mut [Option<Svc>],
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
    fn reserve(&mut self, n: usize) {
        if self.slots.is_empty()
            && n > 0
            && let Ok(s) = arena::alloc_with(n.min(MAX_SERVICES), |_| None)
        {
            self.slots = s;
        }
    }
    /// Add `s`; false (and `s` dropped) when the table is full.
    fn push(&mut self, s: Svc) -> bool {
        if self.len == self.slots.len() {
            return false;
        }
        self.slots[self.len] = Some(s);
        self.len += 1;
        true
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
    scan_control: Option<OwnedFd>,
    env: &'static [*const u8],
    path: &'static [u8],
    /// Stop requested (container shutdown): nothing restarts.
    pub stopping: bool,
    /// v3 layout: services.d copies live in `/run/s6/legacy-services/NAME`,
    /// linked from `/run/service/NAME` (else they are copied into the scan
    /// directory, which is physically `/run/s6/services`).
    pub legacy: bool,
}

/// What the scan directory's control fifo asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScanCmd {
    None,
    Shutdown,
    Rescan,
}

fn mkdir_at(d: BorrowedFd<'_>, name: &CStr, mode: u32) -> Result<(), Errno> {
    match fs::mkdirat(d, name, Mode::from_raw_mode(mode)) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Copy the tree `src/name` into `dst/name` (files, directories, symlinks,
/// modes), never following symlinks except, with `follow`, `name` itself
/// and its `log` (images link a service directory from elsewhere).
fn copy_tree(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, name: &[u8], depth: u32, follow: bool) -> Result<(), Errno> {
    let nofollow = if follow { OFlags::empty() } else { OFlags::NOFOLLOW };
    let st = fs::statat(src, name, if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW })?;
    let mode = Mode::from_raw_mode(st.st_mode & 0o7777);
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => {
            if depth == 0 {
                return Err(Errno::LOOP);
            }
            match fs::mkdirat(dst, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(e),
            }
            let s = fs::openat(src, name, DIRF | nofollow, Mode::empty())?;
            let d = fs::openat(dst, name, DIRF | OFlags::NOFOLLOW, Mode::empty())?;
            let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 1024];
            let mut it = RawDir::new(s.as_fd(), &mut buf);
            while let Some(ent) = it.next() {
                let ent = ent?;
                let n = ent.file_name().to_bytes();
                if n != b"." && n != b".." {
                    copy_tree(s.as_fd(), d.as_fd(), n, depth - 1, follow && n == b"log")?;
                }
            }
            fs::fchmod(&d, mode)
        }
        FileType::Symlink => {
            let mut t = [0u8; 1024];
            let n = fs::readlinkat_raw(src, name, &mut t)?;
            let target = arena::cstr(&[&t[..n.min(t.len())]])?;
            let _ = fs::unlinkat(dst, name, AtFlags::empty());
            fs::symlinkat(target, dst, name)
        }
        FileType::RegularFile => {
            let s = fs::openat(src, name, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW, Mode::empty())?;
            let d = fs::openat(
                dst,
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC | OFlags::NOFOLLOW,
                mode,
            )?;
            let mut buf = [0u8; 4096];
            loop {
                match rustix::io::read(&s, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => crate::sys::fd::write_all(d.as_fd(), &buf[..n])?,
                    Err(Errno::INTR) => {}
                    Err(e) => return Err(e),
                }
            }
            fs::fchmod(&d, mode)
        }
        // A fifo or device in a service directory: recreate fifos, skip others.
        FileType::Fifo => {
            let _ = fs::unlinkat(dst, name, AtFlags::empty());
            fs::mkfifoat(dst, name, mode)
        }
        _ => Ok(()),
    }
}

/// Read the first line of `dir/name` as a number: `Ok(None)` when the file
/// does not exist, `Err` when it is not a number.
fn read_number(dir: BorrowedFd<'_>, name: &CStr) -> Result<Option<u64>, ()> {
    let Ok(f) = fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else { return Ok(None) };
    let mut buf = [0u8; 32];
    let n = rustix::io::read(&f, &mut buf).map_err(|_| ())?;
    let line = buf[..n].split(|&c| c == b'\n').next().unwrap_or(b"");
    parse_u64(line).map(Some).ok_or(())
}

fn exists(dir: BorrowedFd<'_>, name: &CStr) -> bool {
    fs::statat(dir, name, AtFlags::empty()).is_ok()
}

/// The down-signal: a name (`TERM`, `SIGTERM`, any case) or a number.
fn down_signal(dir: BorrowedFd<'_>) -> u32 {
    let Ok(f) = fs::openat(dir, c"down-signal", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return signal::SIGTERM;
    };
    let mut buf = [0u8; 32];
    let n = rustix::io::read(&f, &mut buf).unwrap_or(0);
    let line = buf[..n].split(|&c| c == b'\n').next().unwrap_or(b"");
    signal_by_name(line).unwrap_or(signal::SIGTERM)
}

/// A signal number from its name (any case, with or without `SIG`) or number.
fn signal_by_name(s: &[u8]) -> Option<u32> {
    crate::base::signame::number(s).filter(|&n| n != 0)
}

/// Atomically replace `dir/name` by `dir/tmp`. A plain rename over an
/// existing file makes ext4 flush the new file's data first (its
/// `auto_da_alloc` safeguard): milliseconds per status update, which would
/// dominate a start or a stop of many services. Exchanging the two names
/// and unlinking the old one is just as atomic for readers and skips that.
fn replace(dir: &OwnedFd, tmp: &CStr, name: &CStr) {
    match fs::renameat_with(dir, tmp, dir, name, fs::RenameFlags::EXCHANGE) {
        Ok(()) => {
            let _ = fs::unlinkat(dir, tmp, AtFlags::empty());
        }
        Err(_) => {
            let _ = fs::renameat(dir, tmp, dir, name);
        }
    }
}

impl Svc {
    fn status(&self) -> Status {
        Status {
            stamp: self.stamp,
            ready_stamp: self.ready_stamp,
            pid: self.pid.map_or(0, |p| p.as_raw_nonzero().get() as u64),
            wstat: self.wstat,
            paused: self.paused,
            finishing: self.state == State::Finishing,
            want_up: self.want_up,
            ready: self.ready,
        }
    }

    /// Write `supervise/status` atomically (`status.new`, then rename).
    fn write_status(&self) {
        let Ok(sup) = fs::openat(&self.dir, c"supervise", DIRF, Mode::empty()) else { return };
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        if let Ok(f) = fs::openat(&sup, c"status.new", flags, Mode::from_raw_mode(0o644))
            && crate::sys::fd::write_all(f.as_fd(), &self.status().pack()).is_ok()
        {
            replace(&sup, c"status.new", c"status");
        }
    }

    fn event(&self, ev: &[u8]) {
        let _ = crate::base::ftrig::send(self.dir.as_fd(), crate::base::ftrig::EVENT, ev);
    }

    /// Start `./run` or `./finish` as s6-supervise does: a new session, cwd
    /// = the service directory, the log pipe on stdin (a logger) or stdout
    /// (a logged service), then `extra` (the notification-fd).
    fn spawn(
        &self,
        file: &CStr,
        argv: &[*const u8],
        env: &[*const u8],
        path: &[u8],
        orig: &Original,
        extra: Option<(i32, i32)>,
    ) -> Result<Pid, Errno> {
        let mut moves: heapless::Vec<(i32, i32), 2> = heapless::Vec::new();
        if let Some(p) = &self.pipe {
            let _ = moves.push((p.as_raw_fd(), if self.is_log { 0 } else { 1 }));
        }
        if let Some(m) = extra {
            let _ = moves.push(m);
        }
        spawn(&Spawn {
            file,
            argv: argv.as_ptr(),
            envp: env.as_ptr(),
            path,
            signals: orig,
            new_pgrp: false,
            take_tty: false,
            setsid: true,
            moves: &moves,
            chdir: Some(self.path_c),
            report: crate::base::diag::warn_sys_fatal,
        })
    }

    /// False (with a warning naming it) when `name`'s `#!` interpreter
    /// cannot be run.
    fn interpreter_ok(&self, name: &CStr) -> bool {
        let mut hb = [0u8; 256];
        match stage::bad_interpreter(self.dir.as_fd(), name, &mut hb) {
            Some((interp, e)) => {
                self.warn(Some(e), &[b"unable to spawn ./", name.to_bytes(), b": interpreter ", interp]);
                false
            }
            None => true,
        }
    }

    fn warn(&self, e: Option<Errno>, parts: &[&[u8]]) {
        let mut l = Line::new();
        l.push(b"s6-supervise ").push(self.name).push(b": warning: ");
        for p in parts {
            l.push(p);
        }
        if let Some(e) = e {
            l.push(b": ");
            diag::push_errno(&mut l, e);
        }
        l.emit();
    }

    /// Append to `supervise/death_tally`, keeping `max-death-tally` records.
    fn record_death(&self, code: u8, sig: u8) {
        let max = match read_number(self.dir.as_fd(), c"max-death-tally") {
            Ok(Some(n)) => n.min(tally::MAX as u64) as usize,
            _ => tally::DEFAULT_MAX,
        };
        if max == 0 {
            return;
        }
        let Ok(sup) = fs::openat(&self.dir, c"supervise", DIRF, Mode::empty()) else { return };
        let rec = Death { when: Tai::now(), code, sig }.pack();
        let old = fs::openat(&sup, c"death_tally", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok();
        let have = old.as_ref().and_then(|f| fs::fstat(f).ok()).map_or(0, |s| s.st_size as usize / tally::RECORD);
        let keep = tally::keep(have, max);
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let Ok(new) = fs::openat(&sup, c"death_tally.new", flags, Mode::from_raw_mode(0o644)) else { return };
        if let Some(f) = old {
            let mut off = ((have - keep) * tally::RECORD) as u64;
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
        if crate::sys::fd::write_all(new.as_fd(), &rec).is_ok() {
            replace(&sup, c"death_tally.new", c"death_tally");
        }
    }
}

impl Supervisor {
    pub fn new(env: &'static [*const u8], path: &'static [u8]) -> Result<Supervisor, Errno> {
        let ep = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        Ok(Supervisor { svcs: Table::default(), ep, scan_control: None, env, path, stopping: false, legacy: false })
    }

    /// Wait on `fd` for input; `w` says what it is when it wakes us.
    pub fn watch(&self, fd: BorrowedFd<'_>, w: Watch) {
        if let Err(e) = epoll::add(&self.ep, fd, epoll::EventData::new_u64(w.encode()), epoll::EventFlags::IN) {
            diag::warn_sys(e, &[b"unable to watch a descriptor"]);
        }
    }

    /// The scan directory's `.s6-svscan/control` (for s6-svscanctl and
    /// halt, from stage 1 on) and v2's path to it, `/var/run/s6/services`.
    pub fn open_scandir(&mut self) {
        let scan = match fs::open(SCANDIR, DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", SCANDIR.to_bytes()]),
        };
        let _ = mkdir_at(scan.as_fd(), c".s6-svscan", 0o700);
        match fs::openat(&scan, c".s6-svscan", DIRF, Mode::empty()).and_then(|d| open_control(d.as_fd())) {
            Ok(c) => {
                self.watch(c.as_fd(), Watch::Scan);
                self.scan_control = Some(c);
            }
            Err(e) => diag::warn_sys(e, &[b"unable to create /run/service/.s6-svscan/control"]),
        }
    }

    /// Copy `services_d/*` into the scan directory, prepare each service
    /// and start it at once (so that services start while the next ones are
    /// being prepared).
    pub fn setup(&mut self, services_d: &[u8], orig: &Original) {
        let scan = match fs::open(SCANDIR, DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", SCANDIR.to_bytes()]),
        };
        let Some(names) = stage::list(services_d) else { return };
        let src = match arena::cstr(&[services_d]).and_then(|p| fs::open(p, DIRF, Mode::empty())) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", services_d]),
        };
        let legacy = if self.legacy { fs::open(c"/run/s6/legacy-services", DIRF, Mode::empty()).ok() } else { None };
        // Room for each service and its logger, and some for `-a` rescans.
        self.svcs.reserve(2 * names.len() + 32);
        for name in names {
            // A symlink to a directory is followed; anything else is said.
            let st = fs::statat(&src, *name, AtFlags::empty()).and_then(|st| {
                if FileType::from_raw_mode(st.st_mode) == FileType::Directory { Ok(()) } else { Err(Errno::NOTDIR) }
            });
            if let Err(e) = st {
                diag::warn_sys(e, &[b"not supervising ", services_d, b"/", name]);
                continue;
            }
            if name.len() + 4 > NAME_MAX {
                diag::warn(&[b"service name too long (the limit is 196 bytes): ", name]);
                continue;
            }
            if self.svcs.len() + 2 > self.svcs.slots.len() {
                diag::warn(&[b"too many services (the limit is 256 with loggers): not supervising ", name]);
                continue;
            }
            let copied = match &legacy {
                Some(l) => copy_tree(src.as_fd(), l.as_fd(), name, 16, true).and_then(|_| {
                    let t = arena::cstr(&[b"../s6/legacy-services/", name])?;
                    let _ = fs::unlinkat(&scan, *name, AtFlags::empty());
                    fs::symlinkat(t, &scan, *name)
                }),
                None => copy_tree(src.as_fd(), scan.as_fd(), name, 16, true),
            };
            if let Err(e) = copied {
                diag::warn_sys(e, &[b"unable to copy service ", name]);
                continue;
            }
            let first = self.svcs.len();
            self.add(scan.as_fd(), name);
            // The logger (added second) first, then the service.
            for i in (first..self.svcs.len()).rev() {
                if self.svcs[i].want_up && self.svcs[i].state == State::Down {
                    self.start(i, orig);
                }
            }
        }
    }

    /// `s6-svscanctl -a`: supervise the directories that appeared in the
    /// scan directory since (v2 scripts copy a service there and rescan).
    pub fn rescan(&mut self, orig: &Original) {
        let Ok(scan) = fs::open(SCANDIR, DIRF, Mode::empty()) else { return };
        self.svcs.reserve(32);
        let before = self.svcs.len();
        let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
        let mut it = RawDir::new(scan.as_fd(), &mut buf);
        while let Some(Ok(ent)) = it.next() {
            let name = ent.file_name().to_bytes();
            if name.is_empty() || name[0] == b'.' || name.len() + 4 > NAME_MAX || self.svcs.len() + 2 > MAX_SERVICES {
                continue;
            }
            if self.svcs.iter().any(|s| s.name == name) {
                continue;
            }
            let is_dir = fs::statat(&scan, name, AtFlags::empty())
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
            if is_dir {
                self.add(scan.as_fd(), name);
            }
        }
        for i in before..self.svcs.len() {
            if self.svcs[i].want_up && self.svcs[i].state == State::Down {
                self.start(i, orig);
            }
        }
    }

    /// Set up `scan/name` (and `scan/name/log` when it is a directory).
    fn add(&mut self, scan: BorrowedFd<'_>, name: &[u8]) {
        // Scan directory entries may be symlinks (v3 layout, s6's way).
        let dir = match fs::openat(scan, name, DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to supervise ", name]),
        };
        let has_log = fs::statat(&dir, c"log", AtFlags::empty())
            .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
        let pipe = if has_log {
            match pipe_with(PipeFlags::CLOEXEC) {
                Ok(p) => Some(p),
                Err(e) => {
                    diag::warn_sys(e, &[b"unable to create the log pipe for ", name]);
                    None
                }
            }
        } else {
            None
        };
        let (rd, wr) = match pipe {
            Some((r, w)) => (Some(r), Some(w)),
            None => (None, None),
        };
        let Some(svc) = prepare(dir, name, false, wr) else { return };
        let idx = self.svcs.len();
        self.watch(svc.control.as_fd(), Watch::Control(idx));
        if !self.svcs.push(svc) {
            return;
        }
        if let Some(rd) = rd {
            let mut lname = heapless::Vec::<u8, NAME_MAX>::new();
            let _ = lname.extend_from_slice(name);
            let _ = lname.extend_from_slice(b"/log");
            let ldir = match fs::openat(scan, &lname[..], DIRF, Mode::empty()) {
                Ok(d) => d,
                Err(e) => return diag::warn_sys(e, &[b"unable to supervise ", &lname]),
            };
            if let Some(log) = prepare(ldir, &lname, true, Some(rd)) {
                self.watch(log.control.as_fd(), Watch::Control(idx + 1));
                if self.svcs.push(log) {
                    let li = self.svcs.len() - 1;
                    self.svcs[li].peer = Some(idx);
                    self.svcs[idx].peer = Some(li);
                }
            }
        }
    }

    fn start(&mut self, i: usize, orig: &Original) {
        if self.stopping {
            return;
        }
        let now = Instant::now();
        let svc = &mut self.svcs[i];
        svc.restart_at = None;
        if !svc.interpreter_ok(c"run") {
            svc.restart_at = Some(now.after_ms(60_000));
            return;
        }
        let mut buf = [0u8; 512];
        let (file, words) = match script(&svc.dir, c"run", c"./run", &mut buf) {
            Ok(r) => r,
            Err(e) => {
                svc.warn(Some(e), &[b"unable to spawn ./run (waiting 60 seconds)"]);
                svc.restart_at = Some(now.after_ms(60_000));
                return;
            }
        };
        let mut argv: heapless::Vec<*const u8, 5> = heapless::Vec::new();
        for w in &words {
            let _ = argv.push(w.as_ptr().cast());
        }
        let _ = argv.push(c"./run".as_ptr().cast());
        let _ = argv.push(svc.name_c.as_ptr().cast());
        let _ = argv.push(core::ptr::null());
        // notification-fd: a fresh pipe, its write end at fd N in the child.
        svc.has_notification = false;
        svc.notify = None;
        let mut notify_w: Option<OwnedFd> = None;
        match read_number(svc.dir.as_fd(), c"notification-fd") {
            Ok(Some(n)) if n > 0 && n < 1024 => match pipe_with(PipeFlags::CLOEXEC | PipeFlags::NONBLOCK) {
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
                    notify_w = Some(w);
                    svc.has_notification = true;
                }
                Err(e) => svc.warn(Some(e), &[b"unable to create a notification pipe"]),
            },
            Ok(None) => {}
            _ => svc.warn(None, &[b"invalid notification-fd: ignoring it"]),
        }
        let notif_n = read_number(svc.dir.as_fd(), c"notification-fd").ok().flatten().unwrap_or(0) as i32;
        let notify = notify_w.as_ref().map(|w| (w.as_raw_fd(), notif_n));
        match svc.spawn(file, &argv, self.env, self.path, orig, notify) {
            Ok(pid) => {
                svc.pid = Some(pid);
                svc.state = State::Up;
                svc.ready = false;
                svc.stamp = Tai::now();
                svc.last_start = Some(now);
                svc.kill_at = None;
                svc.write_status();
                svc.event(b"u");
            }
            Err(e) => {
                svc.notify = None;
                svc.warn(Some(e), &[b"unable to spawn ./run (waiting 60 seconds)"]);
                svc.restart_at = Some(now.after_ms(60_000));
            }
        }
    }
}

/// How to run `dir/NAME` (`run` or `finish`): an executable file runs as
/// `./NAME`; one without its execute bit through its `#!` line. Returns the
/// program and the words before `./NAME` (interpreter and its argument),
/// NUL-terminated inside `buf` (no allocation: a crash-looping service
/// must not grow PID 1).
fn script<'b>(
    dir: &OwnedFd,
    name: &CStr,
    dot: &'static CStr,
    buf: &'b mut [u8; 512],
) -> Result<(&'b CStr, heapless::Vec<&'b CStr, 2>), Errno> {
    let st = fs::statat(dir, name, AtFlags::empty())?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Errno::ISDIR);
    }
    if fs::accessat(dir, name, fs::Access::EXEC_OK, AtFlags::empty()).is_ok() {
        return Ok((dot, heapless::Vec::new()));
    }
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let mut head = [0u8; 254];
    let n = rustix::io::read(&f, &mut head)?;
    let (interp, arg) = stage::parse_shebang(&head[..n]).ok_or(Errno::ACCESS)?;
    // buf = interp NUL [arg NUL]
    buf[..interp.len()].copy_from_slice(interp);
    buf[interp.len()] = 0;
    let mut end = interp.len() + 1;
    if let Some(a) = arg {
        buf[end..end + a.len()].copy_from_slice(a);
        buf[end + a.len()] = 0;
        end += a.len() + 1;
    }
    let (first, rest) = buf[..end].split_at(interp.len() + 1);
    let interp = CStr::from_bytes_with_nul(first).map_err(|_| Errno::INVAL)?;
    let mut words = heapless::Vec::new();
    let _ = words.push(interp);
    if !rest.is_empty() {
        let _ = words.push(CStr::from_bytes_with_nul(rest).map_err(|_| Errno::INVAL)?);
    }
    Ok((interp, words))
}

/// Open a control fifo for reading and writing (so it never reports EOF).
fn open_control(dir: BorrowedFd<'_>) -> Result<OwnedFd, Errno> {
    match fs::mkfifoat(dir, c"control", Mode::from_raw_mode(0o600)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => return Err(e),
    }
    let st = fs::statat(dir, c"control", AtFlags::SYMLINK_NOFOLLOW)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Fifo {
        return Err(Errno::EXIST);
    }
    fs::openat(dir, c"control", OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
}

/// Make `dir` a supervised service directory: `supervise/` (lock, control,
/// status), `event/`, wanted up unless `down` exists.
fn prepare(dir: OwnedFd, name: &[u8], is_log: bool, pipe: Option<OwnedFd>) -> Option<Svc> {
    let fail = |e: Errno, what: &[u8]| {
        diag::warn_sys(e, &[b"unable to supervise ", name, what]);
    };
    let old = rustix::process::umask(Mode::empty());
    let made = mkdir_at(dir.as_fd(), c"supervise", 0o711).and_then(|_| mkdir_at(dir.as_fd(), c"event", 0o3730));
    rustix::process::umask(old);
    if let Err(e) = made {
        fail(e, b": mkdir supervise");
        return None;
    }
    let sup = fs::openat(&dir, c"supervise", DIRF, Mode::empty()).ok()?;
    let lock = match fs::openat(
        &sup,
        c"lock",
        OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::from_raw_mode(0o644),
    ) {
        Ok(l) => l,
        Err(e) => {
            fail(e, b": lock");
            return None;
        }
    };
    if let Err(e) = fs::fcntl_lock(&lock, FlockOperation::NonBlockingLockExclusive) {
        fail(e, b": another supervisor holds the lock");
        return None;
    }
    let control = match open_control(sup.as_fd()) {
        Ok(c) => c,
        Err(e) => {
            fail(e, b": control fifo");
            return None;
        }
    };
    let _ = fs::openat(
        &sup,
        c"death_tally",
        OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    );
    let want_up = !exists(dir.as_fd(), c"down");
    let name_c = arena::cstr(&[name]).ok()?;
    let path_c = arena::cstr(&[SCANDIR.to_bytes(), b"/", name]).ok()?;
    let svc = Svc {
        name: name_c.to_bytes(),
        name_c,
        path_c,
        dir,
        control,
        _lock: lock,
        is_log,
        peer: None,
        pipe,
        state: State::Down,
        pid: None,
        want_up,
        paused: true,
        ready: !want_up,
        stamp: Tai::now(),
        ready_stamp: Tai::now(),
        wstat: 0,
        last_start: None,
        restart_at: None,
        kill_at: None,
        notify: None,
        has_notification: false,
    };
    // "Not started yet": the paused flag (s6-supervise's start-up marker).
    svc.write_status();
    svc.event(b"s");
    Some(Svc { paused: false, ..svc })
}

/// What a descriptor in the epoll set is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watch {
    Signals,
    Scan,
    Control(usize),
    Notify(usize),
    /// s6-rc's control fifo.
    Rc,
}

impl Watch {
    fn encode(self) -> u64 {
        match self {
            Watch::Signals => 0,
            Watch::Scan => 1,
            Watch::Control(i) => 2 + 2 * i as u64,
            Watch::Notify(i) => 3 + 2 * i as u64,
            Watch::Rc => u64::MAX,
        }
    }
    pub fn decode(v: u64) -> Watch {
        match v {
            0 => Watch::Signals,
            1 => Watch::Scan,
            u64::MAX => Watch::Rc,
            v if v % 2 == 0 => Watch::Control((v - 2) as usize / 2),
            v => Watch::Notify((v - 3) as usize / 2),
        }
    }
}

impl Supervisor {
    /// Read `.s6-svscan/control`.
    pub fn on_scan_control(&mut self) -> ScanCmd {
        let Some(c) = &self.scan_control else { return ScanCmd::None };
        let mut buf = [0u8; 64];
        let mut cmd = ScanCmd::None;
        while let Ok(n) = rustix::io::read(c, &mut buf) {
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                match b {
                    b't' | b'i' | b'q' | b'b' => cmd = ScanCmd::Shutdown,
                    b'a' | b'h' if cmd == ScanCmd::None => cmd = ScanCmd::Rescan,
                    b'a' | b'h' | b'z' | b'n' | b'N' => {}
                    _ => diag::warn(&[b"received unknown control command: ", &[b]]),
                }
            }
        }
        cmd
    }

    /// Read a service's `supervise/control` and obey each byte.
    pub fn on_control(&mut self, i: usize, orig: &Original) {
        let mut buf = [0u8; 64];
        loop {
            let n = match rustix::io::read(&self.svcs[i].control, &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            for &b in &buf[..n] {
                self.command(i, b, orig);
            }
        }
    }

    fn command(&mut self, i: usize, b: u8, orig: &Original) {
        // The letters and their signals: s6::control, the one table.
        use control::SIGNALS;
        let svc = &mut self.svcs[i];
        let up = svc.state == State::Up;
        if let Some(&(_, sig)) = SIGNALS.iter().find(|(c, _)| *c == b) {
            if let (true, Some(pid)) = (up, svc.pid) {
                let _ = raw::kill_pid(pid, sig);
                match b {
                    b'p' => svc.paused = true,
                    b'c' => svc.paused = false,
                    _ => {}
                }
                svc.write_status();
            }
            return;
        }
        match b {
            b'r' | b'l' | b'P' | b'C' | b'K' => {
                let (Some(pid), true) = (svc.pid, up) else { return };
                let _ = match b {
                    b'r' => raw::kill_pid(pid, down_signal(svc.dir.as_fd())),
                    b'l' => raw::kill_pid(pid, reload_signal(svc.dir.as_fd())),
                    b'P' => raw::kill_group(pid, signal::SIGSTOP),
                    b'C' => raw::kill_group(pid, signal::SIGCONT),
                    _ => raw::kill_group(pid, signal::SIGKILL),
                };
                match b {
                    b'P' => svc.paused = true,
                    b'C' => svc.paused = false,
                    _ => {}
                }
                svc.write_status();
            }
            b'o' => {
                svc.want_up = false;
                svc.write_status();
                if svc.state == State::Down {
                    self.start(i, orig);
                }
            }
            b'd' | b'D' => {
                if b == b'D' {
                    touch_down(svc, true);
                }
                svc.want_up = false;
                svc.restart_at = None;
                svc.write_status();
                if up {
                    self.send_down(i);
                }
            }
            b'u' | b'U' => {
                if b == b'U' {
                    touch_down(svc, false);
                }
                svc.want_up = true;
                svc.write_status();
                if svc.state == State::Down {
                    self.start(i, orig);
                }
            }
            b'O' | b'Q' => {
                if b == b'Q' {
                    touch_down(svc, true);
                }
                svc.want_up = false;
                svc.restart_at = None;
                svc.write_status();
            }
            // `x`: s6-supervise would exit after the next death; PID 1
            // supervises until the container stops, so it only means that
            // the service is not restarted any more.
            b'x' => {
                svc.want_up = false;
                svc.restart_at = None;
            }
            _ => {}
        }
    }

    /// The down-signal then SIGCONT, and arm `timeout-kill`.
    fn send_down(&mut self, i: usize) {
        let svc = &mut self.svcs[i];
        let Some(pid) = svc.pid else { return };
        if svc.state != State::Up {
            return;
        }
        let _ = raw::kill_pid(pid, down_signal(svc.dir.as_fd()));
        let _ = raw::kill_pid(pid, signal::SIGCONT);
        svc.kill_at = match read_number(svc.dir.as_fd(), c"timeout-kill") {
            Ok(Some(ms)) if ms > 0 => Some(Instant::now().after_ms(ms)),
            _ => None,
        };
    }

    /// A readiness descriptor is readable.
    pub fn on_notify(&mut self, i: usize) {
        let svc = &mut self.svcs[i];
        let Some(n) = &svc.notify else { return };
        let mut buf = [0u8; 256];
        loop {
            match rustix::io::read(n, &mut buf) {
                Ok(0) => {
                    // Closed without a newline: never ready.
                    svc.notify = None;
                    return;
                }
                Ok(k) if buf[..k].contains(&b'\n') => {
                    svc.notify = None;
                    svc.ready = true;
                    svc.ready_stamp = Tai::now();
                    svc.write_status();
                    svc.event(b"U");
                    return;
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    }

    /// A child exited: is it one of ours? Handles run and finish deaths.
    pub fn on_exit(&mut self, pid: Pid, st: WaitStatus, orig: &Original) -> bool {
        let Some(i) = self.svcs.iter().position(|s| s.pid == Some(pid)) else { return false };
        let raw_status = st.as_raw() as u16;
        let (code, sig) = match (st.exit_status(), st.terminating_signal()) {
            (Some(c), _) => (c as u8, 0u8),
            (_, Some(s)) => ((128 + s) as u8, s as u8),
            _ => (0, 0),
        };
        match self.svcs[i].state {
            State::Up => self.run_died(i, raw_status, code, sig, orig),
            State::Finishing => self.finish_done(i, code),
            State::Down => {}
        }
        true
    }

    fn run_died(&mut self, i: usize, wstat: u16, code: u8, sig: u8, orig: &Original) {
        let now = Instant::now();
        let svc = &mut self.svcs[i];
        let pgid = svc.pid;
        svc.pid = None;
        svc.notify = None;
        svc.kill_at = None;
        svc.wstat = wstat;
        svc.ready = false;
        svc.stamp = Tai::now();
        svc.record_death(code, sig);
        let mut buf = [0u8; 512];
        let Ok((file, words)) = script(&svc.dir, c"finish", c"./finish", &mut buf) else {
            return self.down_and_ready(i, b"dD", now);
        };
        if !svc.interpreter_ok(c"finish") {
            return self.down_and_ready(i, b"dD", now);
        }
        let mut c = itoa::Buffer::new();
        let mut s = itoa::Buffer::new();
        let mut g = itoa::Buffer::new();
        let mut cbuf = [0u8; 8];
        let mut sbuf = [0u8; 8];
        let mut gbuf = [0u8; 16];
        let code_s = cstr_in(&mut cbuf, c.format(if sig != 0 { 256 } else { code as u32 }).as_bytes());
        let sig_s = cstr_in(&mut sbuf, s.format(sig).as_bytes());
        let pgid_s = cstr_in(&mut gbuf, g.format(pgid.map_or(0, |p| p.as_raw_nonzero().get())).as_bytes());
        let mut argv: heapless::Vec<*const u8, 8> = heapless::Vec::new();
        for w in &words {
            let _ = argv.push(w.as_ptr().cast());
        }
        for a in [c"./finish", code_s, sig_s, svc.name_c, pgid_s] {
            let _ = argv.push(a.as_ptr().cast());
        }
        let _ = argv.push(core::ptr::null());
        match svc.spawn(file, &argv, self.env, self.path, orig, None) {
            Ok(fpid) => {
                svc.pid = Some(fpid);
                svc.state = State::Finishing;
                svc.kill_at = match read_number(svc.dir.as_fd(), c"timeout-finish") {
                    Ok(Some(0)) => None,
                    Ok(Some(ms)) => Some(now.after_ms(ms)),
                    _ => Some(now.after_ms(5000)),
                };
                svc.write_status();
                svc.event(b"d");
            }
            Err(e) => {
                svc.warn(Some(e), &[b"unable to spawn ./finish"]);
                self.down_and_ready(i, b"dD", now);
            }
        }
    }

    fn finish_done(&mut self, i: usize, code: u8) {
        let svc = &mut self.svcs[i];
        svc.pid = None;
        svc.kill_at = None;
        if code == 125 {
            svc.want_up = false;
            self.down_and_ready(i, b"OD", Instant::now());
        } else {
            self.down_and_ready(i, b"D", Instant::now());
        }
    }

    fn down_and_ready(&mut self, i: usize, events: &[u8], now: Instant) {
        let stopping = self.stopping;
        let svc = &mut self.svcs[i];
        svc.state = State::Down;
        svc.pid = None;
        svc.ready = true;
        svc.ready_stamp = Tai::now();
        svc.write_status();
        svc.event(events);
        if svc.want_up && !stopping {
            // No sooner than 1 s after the previous start.
            let at = svc.last_start.map_or(now, |t| t.after_ms(1000));
            svc.restart_at = Some(if at > now { at } else { now });
        }
        // At shutdown a logged service that is down lets go of its log
        // pipe: the logger reads what is left, sees EOF and exits.
        if stopping && !svc.is_log {
            svc.pipe = None;
            if let Some(l) = svc.peer {
                self.svcs[l].pipe = None;
            }
        }
    }

    /// The earliest deadline among the services.
    pub fn deadline(&self) -> Option<Instant> {
        self.svcs.iter().flat_map(|s| [s.restart_at, s.kill_at]).flatten().min()
    }

    pub fn on_time(&mut self, now: Instant, orig: &Original) {
        for i in 0..self.svcs.len() {
            let svc = &mut self.svcs[i];
            if let (Some(t), Some(pid)) = (svc.kill_at, svc.pid)
                && now >= t
            {
                svc.kill_at = None;
                if svc.state == State::Finishing {
                    svc.warn(None, &[b"finish script lifetime reached maximum value - sending it a SIGKILL"]);
                    let _ = raw::kill_pid(pid, signal::SIGKILL);
                    let _ = raw::kill_pid(pid, signal::SIGCONT);
                } else {
                    let group = exists(svc.dir.as_fd(), c"flag-timeout-killpg");
                    let f = if group { raw::kill_group } else { raw::kill_pid };
                    let _ = f(pid, signal::SIGKILL);
                    let _ = f(pid, signal::SIGCONT);
                }
            }
            if let Some(t) = self.svcs[i].restart_at {
                if now >= t && self.svcs[i].state == State::Down && self.svcs[i].want_up {
                    self.start(i, orig);
                } else if now >= t {
                    self.svcs[i].restart_at = None;
                }
            }
        }
    }

    /// Container shutdown: every service gets its down-signal; loggers are
    /// left to end on EOF once their service is down.
    pub fn stop_all(&mut self) {
        self.stopping = true;
        self.stop_from(0);
    }

    /// Stop the entries from `first` on (loggers end on EOF at shutdown).
    pub fn stop_from(&mut self, first: usize) {
        for i in first..self.svcs.len() {
            let svc = &mut self.svcs[i];
            svc.want_up = false;
            svc.restart_at = None;
            if svc.is_log {
                continue;
            }
            match svc.state {
                State::Up => self.send_down(i),
                State::Finishing => {}
                State::Down if self.stopping => {
                    svc.pipe = None;
                    if let Some(l) = svc.peer {
                        self.svcs[l].pipe = None;
                    }
                }
                State::Down => {}
            }
        }
        // Every service has its signal first; the status files ("want
        // down") follow, so that the last service is not signalled only
        // after the others' files are written.
        for i in first..self.svcs.len() {
            if self.svcs[i].state == State::Up {
                self.svcs[i].write_status();
            }
        }
    }

    /// The entries from `first` on are all down.
    pub fn down_from(&self, first: usize) -> bool {
        self.svcs.iter().skip(first).all(|s| s.state == State::Down)
    }

    pub fn all_down(&self) -> bool {
        self.svcs.iter().all(|s| s.state == State::Down)
    }

    /// For `S6_CMD_WAIT_FOR_SERVICES`: every service without a `down` file
    /// is up, or ready when it has a notification-fd.
    pub fn all_up(&self) -> bool {
        self.svcs
            .iter()
            .filter(|s| !s.is_log && !exists(s.dir.as_fd(), c"down"))
            .all(|s| s.state == State::Up && (!s.has_notification || s.ready))
    }
}

/// What s6-rc (`super::rc`) needs: its longruns, supervised down from
/// the start, driven on demand, and their pipelines.
impl Supervisor {
    /// Copy `src/name` into the scan directory with a `down` file (as
    /// s6-rc-init leaves a longrun) and supervise it, without a logger.
    /// `room`: table size to reserve (services.d included).
    pub fn add_rc(&mut self, src: &[u8], name: &[u8], room: usize) -> Option<usize> {
        self.svcs.reserve(room);
        let scan = fs::open(SCANDIR, DIRF, Mode::empty()).ok()?;
        let from = arena::cstr(&[src]).ok().and_then(|p| fs::open(p, DIRF, Mode::empty()).ok())?;
        if let Err(e) = copy_tree(from.as_fd(), scan.as_fd(), name, 16, true) {
            diag::warn_sys(e, &[b"unable to copy service ", name]);
            return None;
        }
        let dir = fs::openat(&scan, name, DIRF | OFlags::NOFOLLOW, Mode::empty()).ok()?;
        let _ =
            fs::openat(&dir, c"down", OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC, Mode::from_raw_mode(0o644));
        let svc = prepare(dir, name, false, None)?;
        let idx = self.svcs.len();
        self.watch(svc.control.as_fd(), Watch::Control(idx));
        self.svcs.push(svc).then_some(())?;
        Some(idx)
    }

    /// One pipe from the producers' stdout to the consumer's stdin, held
    /// by PID 1 for the container's life (a restart loses nothing).
    pub fn link(&mut self, consumer: usize, producers: &[usize]) {
        let (r, w) = match pipe_with(PipeFlags::CLOEXEC) {
            Ok(p) => p,
            Err(e) => return diag::warn_sys(e, &[b"unable to create the pipe for ", self.svcs[consumer].name]),
        };
        for &p in producers {
            self.svcs[p].pipe = rustix::io::fcntl_dupfd_cloexec(&w, 3).ok();
            self.svcs[p].peer = Some(consumer);
        }
        let c = &mut self.svcs[consumer];
        c.pipe = Some(r);
        c.is_log = true;
        c.peer = producers.last().copied();
    }

    /// An s6-svc command letter, as from the control fifo.
    pub fn send(&mut self, i: usize, b: u8, orig: &Original) {
        self.command(i, b, orig);
    }

    /// Up for s6-rc: spawned, and ready when it has a notification-fd.
    pub fn is_up(&self, i: usize) -> bool {
        let s = &self.svcs[i];
        s.state == State::Up && (s.ready || !s.has_notification)
    }

    /// Down for good: `finish` done.
    pub fn is_down(&self, i: usize) -> bool {
        self.svcs[i].state == State::Down
    }

    /// Down and not to be restarted (its `finish` exited 125).
    pub fn gave_up(&self, i: usize) -> bool {
        self.svcs[i].state == State::Down && !self.svcs[i].want_up
    }
}

fn reload_signal(dir: BorrowedFd<'_>) -> u32 {
    let Ok(f) = fs::openat(dir, c"reload-signal", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return signal::SIGHUP;
    };
    let mut buf = [0u8; 32];
    let n = rustix::io::read(&f, &mut buf).unwrap_or(0);
    signal_by_name(buf[..n].split(|&c| c == b'\n').next().unwrap_or(b"")).unwrap_or(signal::SIGHUP)
}

/// Create (`true`) or remove the `down` file.
fn touch_down(svc: &Svc, create: bool) {
    let r = if create {
        fs::openat(&svc.dir, c"down", OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC, Mode::from_raw_mode(0o644))
            .map(drop)
    } else {
        match fs::unlinkat(&svc.dir, c"down", AtFlags::empty()) {
            Err(Errno::NOENT) => Ok(()),
            r => r,
        }
    };
    if let Err(e) = r {
        svc.warn(Some(e), &[b"unable to ", if create { b"create" } else { b"unlink" }, b" down file"]);
    }
}

/// `s` NUL-terminated in `buf`.
fn cstr_in<'b>(buf: &'b mut [u8], s: &[u8]) -> &'b CStr {
    let n = s.len().min(buf.len() - 1);
    buf[..n].copy_from_slice(&s[..n]);
    buf[n] = 0;
    CStr::from_bytes_with_nul(&buf[..=n]).unwrap_or(c"")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn signal_names() {
        assert_eq!(signal_by_name(b"TERM"), Some(15));
        assert_eq!(signal_by_name(b"sigusr1"), Some(10));
        assert_eq!(signal_by_name(b"SIGWINCH"), Some(28));
        assert_eq!(signal_by_name(b"9"), Some(9));
        assert_eq!(signal_by_name(b"NOPE"), None);
        assert_eq!(signal_by_name(b"0"), None);
    }
}
