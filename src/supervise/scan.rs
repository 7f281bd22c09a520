//! s6-svscan's part of supervision: the scan directory `/run/service`,
//! `services.d` copied into it, rescans (`s6-svscanctl -a`), the
//! `.s6-svscan/control` fifo, loggers and their pipes, and s6-rc's
//! longruns and pipelines.
//!
//! Each `/etc/services.d/NAME` (a symlink to a directory is followed) is
//! copied to the live scan directory `/run/service/NAME` (also
//! `/var/run/s6/services/NAME`): physically `/run/s6/services/NAME` in the
//! v2 layout, `/run/s6/legacy-services/NAME` linked from there in the v3
//! layout (see `init::runtime::prepare`). Every service directory gets s6's
//! `supervise/` (`control` fifo, `status`, `lock` held with an fcntl lock,
//! `death_tally`) and `event/` fifodir, so s6's own clients drive it.
//! `NAME/log/` is a logger service fed by a pipe that PID 1 holds for the
//! container's life.
use super::machine::{Event, Phase, State};
use super::service::{DIRF, NAME_MAX, REVIVE_MS, Supervisor, Svc, Watch};
use crate::base::diag;
use crate::base::fs::{for_each_entry, for_each_new, mkdir_ok};
use crate::base::tai::Tai;
use crate::base::time::Instant;
use crate::s6::svdir;
use crate::sys::arena;
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use rustix::pipe::{PipeFlags, pipe_with};

/// What the scan directory's control fifo asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScanCmd {
    None,
    /// `t`, `i`, `q` or `b`: which one came first.
    Shutdown(u8),
    /// Scan (`a`, `h`), then prune (`n`, `h`: loggers end on EOF; `N`:
    /// loggers are brought down too), in that order, as s6-svscan does.
    Update {
        scan: bool,
        prune: Option<Prune>,
    },
}

/// How `s6-svscanctl -n`/`-N` takes out a service that left the scan
/// directory: s6-svscan sends its supervisor SIGTERM (down, then exit)
/// and its logger's supervisor SIGHUP (exit once the logger has ended on
/// EOF), or SIGTERM to both with `-N`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Prune {
    Soft,
    Hard,
}

/// The entries of `dir`, sorted bytewise, dotfiles skipped; empty when the
/// directory does not exist. `None` when it does not exist at all.
pub fn list(dir: &[u8]) -> Option<&'static [&'static [u8]]> {
    let path = arena::cstr(&[dir]).ok()?;
    let fd = fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut n = 0;
    each(&fd, |_| n += 1);
    let names = arena::alloc_slice::<&'static [u8]>(n, b"").ok()?;
    let mut i = 0;
    each(&fd, |name| {
        if i < n
            && let Ok(copy) = arena::alloc_bytes(name.len(), 1)
        {
            copy.copy_from_slice(name);
            names[i] = copy;
            i += 1;
        }
    });
    let names = &mut names[..i];
    insertion_sort(names);
    Some(names)
}

/// [`list`], and when `dir` is there but cannot be listed (a file, a
/// dangling link, no permission), said: the image meant something by it.
pub fn list_said(dir: &[u8]) -> Option<&'static [&'static [u8]]> {
    let l = list(dir);
    if l.is_none()
        && let Ok(path) = arena::cstr(&[dir])
        && fs::lstat(path).is_ok()
        && let Err(e) = fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
    {
        diag::warn_sys(e, &[b"unable to open ", dir]);
    }
    l
}

/// Bytewise order. Directory listings are short, and core's sort costs
/// kilobytes of code.
fn insertion_sort(v: &mut [&[u8]]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn each(fd: &OwnedFd, mut f: impl FnMut(&[u8])) {
    let _ = for_each_entry(fd.as_fd(), &mut |name, _| {
        let name = name.to_bytes();
        if name[0] != b'.' {
            f(name);
        }
        Ok(())
    });
}

/// Copy the tree `src/name` into `dst/name` (files, directories, symlinks,
/// modes), never following symlinks except, with `follow`, `name` itself
/// and its `log` (images link a service directory from elsewhere).
pub fn copy_tree(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, name: &[u8], depth: u32, follow: bool) -> Result<(), Errno> {
    copy_tree_but(src, dst, name, depth, follow, &[])
}

/// The files of an s6-rc source directory that only s6-rc-compile reads:
/// they are not part of the service directory it makes.
const RC_SOURCE_ONLY: [&[u8]; 9] = [
    b"type",
    b"dependencies.d",
    b"dependencies",
    b"timeout-up",
    b"timeout-down",
    b"producer-for",
    b"consumer-for",
    b"pipeline-name",
    b"flag-essential",
];

/// Whether a file or directory made with `mode` gets exactly `mode`: no
/// set-id or sticky bit, none that PID 1's umask clears. The umask is read
/// once: PID 1 changes it only for a moment (see `prepare`).
fn created_as(mode: Mode) -> bool {
    use core::sync::atomic::{AtomicU32, Ordering};
    static UMASK: AtomicU32 = AtomicU32::new(u32::MAX);
    let mut um = UMASK.load(Ordering::Relaxed);
    if um == u32::MAX {
        let old = rustix::process::umask(Mode::empty());
        rustix::process::umask(old);
        um = old.as_raw_mode();
        UMASK.store(um, Ordering::Relaxed);
    }
    mode.as_raw_mode() & (0o7000 | um) == 0
}

/// What the copy of a service directory found in it, so that setting it
/// up does not look again: whether `log` is a directory and whether `down`
/// exists (`None`: not known, a symlink), and whether `notification-fd`
/// may exist.
#[derive(Default)]
pub(super) struct Listing {
    log: Option<bool>,
    down: Option<bool>,
    notify: bool,
    /// What a helper already made of its supervision files, and of its
    /// logger's (see [`Supervisor::setup`]).
    made: Option<Premade>,
    log_made: Option<Premade>,
}

/// The supervision files that [`premake`] made in a service directory
/// for [`prepare`], which then only opens them: whether `supervise/` and
/// `event/` were new, and `supervise/status` linked to the first status.
#[derive(Clone, Copy, Default)]
pub(super) struct Premade {
    fresh_sup: bool,
    fresh_event: bool,
    status_linked: bool,
}

impl Premade {
    fn pack(m: Option<Premade>) -> u8 {
        m.map_or(0, |m| 1 | (m.fresh_sup as u8) << 1 | (m.fresh_event as u8) << 2 | (m.status_linked as u8) << 3)
    }
    fn unpack(b: u8) -> Option<Premade> {
        (b & 1 != 0).then_some(Premade { fresh_sup: b & 2 != 0, fresh_event: b & 4 != 0, status_linked: b & 8 != 0 })
    }
}

impl Listing {
    /// Two bytes for the helper's pipe (see [`Supervisor::setup`]).
    fn pack(&self) -> [u8; 2] {
        let tri = |v: Option<bool>| v.map_or(0u8, |b| 1 + b as u8);
        [
            1 | tri(self.log) << 1 | tri(self.down) << 3 | (self.notify as u8) << 5,
            Premade::pack(self.made) | Premade::pack(self.log_made) << 4,
        ]
    }
    /// `None`: the helper did not copy the directory.
    fn unpack(b: [u8; 2]) -> Option<Listing> {
        let tri = |v: u8| match v & 3 {
            0 => None,
            v => Some(v == 2),
        };
        (b[0] & 1 != 0).then(|| Listing {
            log: tri(b[0] >> 1),
            down: tri(b[0] >> 3),
            notify: b[0] & 32 != 0,
            made: Premade::unpack(b[1] & 15),
            log_made: Premade::unpack(b[1] >> 4),
        })
    }
}

/// Copy the directory `src/name`, of mode `mode` (its `stat` is the
/// caller's), into `dst/name`, leaving out the entries named in `skip`;
/// what it holds goes into `seen`. Returns the copy, open.
#[inline(never)]
fn copy_dir(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    (name, mode): (&[u8], Mode),
    depth: u32,
    follow: bool,
    skip: &[&[u8]],
    mut seen: Option<&mut Listing>,
) -> Result<OwnedFd, Errno> {
    if depth == 0 {
        return Err(Errno::LOOP);
    }
    let nofollow = if follow { OFlags::empty() } else { OFlags::NOFOLLOW };
    // Made writable for its owner until filled; its mode is then set when
    // mkdir could not give it.
    let made = Mode::from_raw_mode(mode.as_raw_mode() | 0o700);
    let new = match fs::mkdirat(dst, name, made) {
        Ok(()) => true,
        Err(Errno::EXIST) => false,
        Err(e) => return Err(e),
    };
    let s = fs::openat(src, name, DIRF | nofollow, Mode::empty())?;
    let d = fs::openat(dst, name, DIRF | OFlags::NOFOLLOW, Mode::empty())?;
    // Both just opened: at their start already.
    if let Some(l) = seen.as_deref_mut() {
        (l.log, l.down) = (Some(false), Some(false));
    }
    for_each_new(s.as_fd(), &mut |n, t| {
        let n = n.to_bytes();
        if skip.contains(&n) {
            return Ok(());
        }
        if let Some(l) = seen.as_deref_mut() {
            let known = t != FileType::Symlink && t != FileType::Unknown;
            match n {
                b"log" => l.log = known.then_some(t == FileType::Directory),
                b"down" => l.down = known.then_some(true),
                b"notification-fd" => l.notify = true,
                _ => {}
            }
        }
        copy_tree(s.as_fd(), d.as_fd(), n, depth - 1, follow && n == b"log")
    })?;
    if !(new && made == mode && created_as(mode)) {
        fs::fchmod(&d, mode)?;
    }
    Ok(d)
}

/// `copy_tree`, leaving out the entries of `name` itself named in `skip`.
fn copy_tree_but(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    name: &[u8],
    depth: u32,
    follow: bool,
    skip: &[&[u8]],
) -> Result<(), Errno> {
    let st = fs::statat(src, name, if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW })?;
    let mode = Mode::from_raw_mode(st.st_mode & 0o7777);
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => copy_dir(src, dst, (name, mode), depth, follow, skip, None).map(drop),
        FileType::Symlink => {
            let mut t = [0u8; 1024];
            let n = fs::readlinkat_raw(src, name, &mut t)?;
            let target = arena::cstr(&[&t[..n.min(t.len())]])?;
            let _ = fs::unlinkat(dst, name, AtFlags::empty());
            fs::symlinkat(target, dst, name)
        }
        FileType::RegularFile => {
            let s = fs::openat(
                src,
                name,
                OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW,
                Mode::empty(),
            )?;
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC | OFlags::NOFOLLOW;
            // A new file gets its mode from open (unless the umask takes
            // bits from it); an existing one keeps its own: set it then.
            let (d, new) = match fs::openat(dst, name, flags | OFlags::EXCL, mode) {
                Ok(d) => (d, true),
                Err(Errno::EXIST) => (fs::openat(dst, name, flags | OFlags::TRUNC, mode)?, false),
                Err(e) => return Err(e),
            };
            crate::base::fs::copy_data(s.as_fd(), d.as_fd())?;
            if new && created_as(mode) { Ok(()) } else { fs::fchmod(&d, mode) }
        }
        // A fifo or device in a service directory: recreate fifos, skip others.
        FileType::Fifo => {
            let _ = fs::unlinkat(dst, name, AtFlags::empty());
            fs::mkfifoat(dst, name, mode)
        }
        _ => Ok(()),
    }
}

impl Supervisor {
    /// The scan directory's `.s6-svscan/control` (for s6-svscanctl and
    /// halt, from stage 1 on) and v2's path to it, `/var/run/s6/services`.
    pub fn open_scandir(&mut self) {
        let sd = self.scandir.to_bytes();
        let scan = match fs::open(self.scandir, DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", sd]),
        };
        let _ = mkdir_ok(scan.as_fd(), c".s6-svscan", 0o700);
        let dot = match fs::openat(&scan, c".s6-svscan", DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", sd, b"/.s6-svscan"]),
        };
        match open_control(dot.as_fd()) {
            Ok(c) => {
                self.watch(c.as_fd(), Watch::Scan);
                self.scan_control = Some(c);
            }
            Err(e) => diag::warn_sys(e, &[b"unable to create ", sd, b"/.s6-svscan/control"]),
        }
        // Held from now on, as s6-svscan does: s6-svlink checks it before
        // it links a service into a container that has none yet.
        if self.scan_lock.is_none() && !self.scan_lock_tried {
            self.scan_lock_tried = true;
            self.scan_lock = ScanLock::take(dot, sd);
        }
    }

    /// Copy `services_d/*` into the scan directory and prepare each
    /// service, then start them (each logger before its service).
    ///
    /// Making inodes is most of the cost on a disk (on ext4, tens to
    /// hundreds of microseconds each, five per service), and one process
    /// makes them one at a time: with enough services, a second CPU and a
    /// scan directory that is not a tmpfs, a helper process copies and
    /// makes the supervision files of the second half of them meanwhile
    /// ([`premake`]); PID 1 then only opens those. The files, their
    /// contents and the order of the table are the same either way.
    pub fn setup(&mut self, services_d: &[u8]) {
        let scan = match fs::open(self.scandir, DIRF, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", self.scandir.to_bytes()]),
        };
        let Some(names) = list_said(services_d) else { return };
        let src = match arena::cstr(&[services_d]).and_then(|p| fs::open(p, DIRF, Mode::empty())) {
            Ok(d) => d,
            Err(e) => return diag::warn_sys(e, &[b"unable to open ", services_d]),
        };
        let legacy = if self.legacy { fs::open(c"/run/s6/legacy-services", DIRF, Mode::empty()).ok() } else { None };
        // Room for each service and its logger, and some for `-a` rescans.
        self.svcs.reserve(2 * names.len() + 32);
        let before = self.svcs.len();
        self.new_batch();
        let from = (src.as_fd(), services_d, legacy.as_ref().map(|l| l.as_fd()));
        let helper = self.start_helper(scan.as_fd(), from, names);
        let mine = helper.as_ref().map_or(names.len(), |h| h.first);
        for name in &names[..mine] {
            if self.room_for(name, false)
                && let Some(copy) = copy_one(from, scan.as_fd(), name)
            {
                self.add(scan.as_fd(), name, Some(copy));
            }
        }
        if let Some(h) = helper {
            let first = h.first;
            let mut got = [[0u8; 2]; HELPER_MAX];
            let n = h.collect(&mut got);
            for (k, name) in names[first..].iter().enumerate() {
                if !self.room_for(name, false) {
                    continue;
                }
                // Not reported (the helper died): done here.
                let copy = if k >= n {
                    copy_one(from, scan.as_fd(), name)
                } else {
                    // Not copied: the helper said why.
                    let Some(seen) = Listing::unpack(got[k]) else { continue };
                    match fs::openat(&scan, *name, DIRF, Mode::empty()) {
                        Ok(d) => Some((d, seen)),
                        Err(e) => {
                            diag::warn_sys(e, &[b"unable to supervise ", name]);
                            None
                        }
                    }
                };
                if let Some(copy) = copy {
                    self.add(scan.as_fd(), name, Some(copy));
                }
            }
        }
        // v3 layout: s6-rc's `legacy-services` takes them in and out.
        for i in before..self.svcs.len() {
            self.svcs[i].pinned = self.legacy;
        }
        // Every service is in place, supervised and with a status before
        // the first one starts, as s6-overlay copies them all before
        // s6-svscan starts their supervisors: a `run` that waits for
        // another service (`s6-svwait -u ../other`) finds it, whatever
        // their order.
        self.kick_from(before);
    }

    /// Fork the helper of [`setup`](Self::setup) for the second half of
    /// `names`, where it pays (see there).
    fn start_helper(&mut self, scan: BorrowedFd<'_>, from: From<'_>, names: &[&[u8]]) -> Option<Helper> {
        const TMPFS_MAGIC: u64 = 0x0102_1994;
        if names.len() < HELPER_MIN
            || 2 * names.len() + self.svcs.len() > self.svcs.slots.len()
            || fs::fstatfs(scan).is_ok_and(|f| f.f_type as u64 == TMPFS_MAGIC)
            || crate::sys::raw::cpus() < 2
        {
            return None;
        }
        self.take_scan_lock();
        let shared = self.scan_lock.as_ref()?;
        // Made now, so that both processes link the same one.
        if !shared.first_status_made() {
            return None;
        }
        let first = names.len() - names.len().min(2 * HELPER_MAX) / 2;
        let (rd, wr) = pipe_with(PipeFlags::CLOEXEC).ok()?;
        match crate::sys::fork::fork() {
            Ok(Some(pid)) => Some(Helper { pid, rd, first }),
            Ok(None) => {
                drop(rd);
                for name in &names[first..] {
                    let mut out = [0u8; 2];
                    if let Some((dir, mut seen)) = copy_one(from, scan, name) {
                        let down = seen.down.unwrap_or_else(|| svdir::exists(dir.as_fd(), c"down"));
                        seen.made = premake(dir.as_fd(), shared, !down);
                        let has_log = seen.log.unwrap_or_else(|| {
                            fs::statat(&dir, c"log", AtFlags::empty())
                                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory)
                        });
                        if has_log && let Ok(l) = fs::openat(&dir, c"log", DIRF, Mode::empty()) {
                            seen.log_made = premake(l.as_fd(), shared, !svdir::exists(l.as_fd(), c"down"));
                        }
                        out = seen.pack();
                    }
                    if crate::sys::fd::write_all(wr.as_fd(), &out).is_err() {
                        break;
                    }
                }
                crate::sys::raw::exit_group(0)
            }
            Err(_) => None,
        }
    }

    /// Start the services set up from `first` on, each logger before its
    /// service; then write their first statuses and send their events. A
    /// service's "up" is thus seen once every service of the batch has
    /// been spawned, not before its own spawn: the spawns follow one
    /// another, and a status and its events cost PID 1 more than a spawn.
    fn kick_from(&mut self, first: usize) {
        for log in [true, false] {
            for i in first..self.svcs.len() {
                if self.svcs[i].fresh && self.svcs[i].st.log == log {
                    self.handle(i, Event::Kick);
                }
            }
        }
        for i in first..self.svcs.len() {
            if core::mem::take(&mut self.svcs[i].fresh) {
                self.first_status(i);
            }
        }
    }

    /// `s6-svscanctl -a`: supervise the directories that appeared in the
    /// scan directory since (v2 scripts copy a service there and rescan).
    pub fn rescan(&mut self) {
        let Ok(scan) = fs::open(self.scandir, DIRF, Mode::empty()) else { return };
        // The table is made once (here when services.d had none): room for
        // what is there now with loggers, and some for later rescans.
        if self.svcs.slots.is_empty() {
            let mut n = 0;
            let _ = for_each_entry(scan.as_fd(), &mut |_, _| {
                n += 1;
                Ok(())
            });
            self.svcs.reserve(2 * n + 32);
        }
        self.new_batch();
        // What this scan does not find is inactive: `-n` prunes it.
        for i in 0..self.svcs.len() {
            self.svcs[i].active = false;
        }
        let _ = for_each_entry(scan.as_fd(), &mut |name, _| {
            let name = name.to_bytes();
            if name[0] == b'.' || name.len() + 4 > NAME_MAX {
                return Ok(());
            }
            let Some(st) = fs::statat(&scan, name, AtFlags::empty())
                .ok()
                .filter(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory)
            else {
                return Ok(());
            };
            // A service is its directory (device and inode), whatever its
            // name, as for s6-svscan: the entry still supervising that
            // directory (one pruned whose supervisors have not both
            // exited yet is back: it is supervised anew once they have);
            // a link pointed elsewhere is a new service, a renamed or
            // second link to a supervised one is that one. (A logger is
            // its service's `log/`, never an entry, except an s6-rc
            // consumer, which is a service of its own.)
            let same = |i: usize| {
                let s = &self.svcs[i];
                let freed = s.gone && s.exited.is_some() && s.peer.is_none_or(|l| self.svcs[l].exited.is_some());
                (!s.st.log || s.pinned)
                    && !freed
                    && fs::fstat(&s.dir).is_ok_and(|d| d.st_dev == st.st_dev && d.st_ino == st.st_ino)
            };
            if let Some(i) = (0..self.svcs.len()).find(|&i| same(i)) {
                let peer = self.svcs[i].peer;
                for j in core::iter::once(i).chain(peer) {
                    self.svcs[j].active = true;
                    self.svcs[j].gone = false;
                }
            } else if self.room_for(name, false) {
                self.add(scan.as_fd(), name, None);
            }
            Ok(())
        });
        let now = Instant::now();
        for i in 0..self.svcs.len() {
            let s = &self.svcs[i];
            let Some(at) = s.exited.filter(|_| !s.gone) else { continue };
            let due = at.after_ms(REVIVE_MS);
            if s.st.log {
                // A logger's alone, while its service's supervisor lives.
                if s.peer.is_some_and(|p| self.svcs[p].active && self.svcs[p].exited.is_none()) {
                    if now < due {
                        self.rescan_soon(due);
                    } else {
                        self.revive(i);
                    }
                }
                continue;
            }
            let log_exited = s.peer.map(|l| self.svcs[l].exited.is_some());
            if !s.active {
                if s.pinned {
                    continue;
                }
                // Its directory left: its place is free once its logger's
                // supervisor has exited too.
                if log_exited != Some(false) {
                    for j in core::iter::once(i).chain(s.peer) {
                        self.svcs[j].gone = true;
                        self.svcs[j].pipe = None;
                    }
                }
                continue;
            }
            // A supervisor that exited (`s6-svc -x`) while its directory
            // stays is started anew a second after, as s6-svscan does; a
            // logger's with its service, and one that let go of its log
            // pipe gets a new one, when its logger's has exited too.
            if now < due {
                self.rescan_soon(due);
                continue;
            }
            let l = s.peer;
            if s.pipe.is_none()
                && let Some(l) = l
            {
                if log_exited != Some(true) {
                    continue;
                }
                match pipe_with(PipeFlags::CLOEXEC) {
                    Ok((r, w)) => {
                        self.svcs[i].pipe = Some(w);
                        self.svcs[l].pipe = Some(r);
                    }
                    Err(e) => self.svcs[i].warn(Some(e), &[b"unable to create the log pipe"]),
                }
            }
            for j in l.into_iter().chain(core::iter::once(i)) {
                if self.svcs[j].exited.is_some() {
                    self.revive(j);
                }
            }
        }
        self.kick_from(0);
    }

    /// Supervise anew entry `i`, whose supervisor exited: its directory
    /// set up again (`prepare`), in the same place, with the same log pipe.
    fn revive(&mut self, i: usize) {
        let old = &self.svcs[i];
        let Ok(dir) = rustix::io::fcntl_dupfd_cloexec(&old.dir, 0) else { return };
        let names = Some((old.name_c, old.path_c));
        let Some(mut svc) =
            prepare(dir, (old.name, self.scandir), old.st.log, None, self.scan_lock.as_ref(), None, names)
        else {
            return;
        };
        let old = &mut self.svcs[i];
        svc.pipe = old.pipe.take();
        svc.pipe_out = old.pipe_out.take();
        svc.peer = old.peer;
        svc.pinned = old.pinned;
        svc.fresh = true;
        if let Some(c) = &svc.control {
            self.watch(c.as_fd(), Watch::Control(i));
        }
        self.svcs.put(i, svc);
    }

    /// `s6-svscanctl -n`, `-N`, `-h`: the services the last scan did not
    /// find stop for good and leave the table, each with its logger (see
    /// [`Prune`]); their places serve services added later. Those that
    /// s6-rc started (in the v3 layout services.d's too, which
    /// `legacy-services` takes in and out) are not pruned.
    pub fn prune(&mut self, how: Prune) {
        for i in 0..self.svcs.len() {
            let peer = self.svcs[i].peer;
            // `-N` after `-n`: a logger left to end on EOF is brought down.
            if self.svcs[i].gone
                && !self.svcs[i].st.log
                && how == Prune::Hard
                && let Some(l) = peer.filter(|&l| self.svcs[l].gone && self.svcs[l].st.phase == Phase::Up)
            {
                self.send(l, b'd');
            }
            let s = &self.svcs[i];
            if s.st.log || s.gone || s.active || s.leaving || s.pinned {
                continue;
            }
            // Each supervisor exits once its service is down (see
            // `exit_supervisor`); until then it obeys s6-svc.
            for j in core::iter::once(i).chain(peer) {
                let e = &mut self.svcs[j];
                e.gone = true;
                e.leaving = true;
                e.exiting = true;
            }
            self.stop_range(i, i + 1);
            if let Some(l) = peer {
                self.handle(l, Event::Stop);
                if how == Prune::Hard {
                    self.send(l, b'd');
                }
            }
        }
    }

    /// A place for a new service (and the one after it for its logger):
    /// that of a pruned one of the same shape, now down for good.
    fn free_place(&self, with_log: bool) -> Option<usize> {
        let done = |i: usize| self.svcs[i].gone && self.svcs[i].st.phase == Phase::Down;
        (0..self.svcs.len()).find(|&i| {
            !self.svcs[i].st.log
                && done(i)
                && match self.svcs[i].peer {
                    None => !with_log,
                    Some(l) => with_log && l == i + 1 && done(l),
                }
        })
    }

    /// Entry `i`'s `name_c` and `path_c`, if its name is `name`.
    fn names_of(&self, i: usize, name: &[u8]) -> Option<(&'static CStr, &'static CStr)> {
        let s = &self.svcs[i];
        (s.name == name).then_some((s.name_c, s.path_c))
    }

    /// Services set up from here on link to a first status stamped now
    /// (every one linked before has been started since).
    fn new_batch(&self) {
        if let Some(l) = &self.scan_lock {
            l.first_status.set(None);
        }
    }

    /// Room in the table for `name`, and for its logger when `with_log`;
    /// else said.
    fn room_for(&self, name: &[u8], with_log: bool) -> bool {
        let cap = self.svcs.slots.len();
        let need = 1 + with_log as usize;
        // The places `add` takes: a pruned pair for a service with a
        // logger, a pruned lone service's for one without.
        if self.svcs.len() + need <= cap || self.free_place(with_log).is_some() {
            return true;
        }
        let mut b = itoa::Buffer::new();
        let n = b.format(cap).as_bytes();
        diag::warn(&[b"too many services (the limit is ", n, b" with loggers): not supervising ", name]);
        false
    }

    /// The first status of a service just started (`kick_from`). One
    /// wanted up had as its status the first status (or none, where it
    /// could not be linked): its own first one is the "up" of its spawn,
    /// or, when the spawn failed, the start-up status written here.
    fn first_status(&mut self, i: usize) {
        let svc = &mut self.svcs[i];
        svc.flush();
        if svc.st.want_up && svc.st.pid == 0 {
            svc.st.paused = true;
            svc.announce(b"");
            svc.flush();
            svc.st.paused = false;
        }
    }

    /// Take [`ScanLock`] before the first service is set up, if the scan
    /// directory's set-up has not.
    fn take_scan_lock(&mut self) {
        if self.scan_lock.is_none() && !self.scan_lock_tried {
            self.scan_lock_tried = true;
            let sd = self.scandir.to_bytes();
            self.scan_lock =
                fs::openat(fs::CWD, arena::cstr(&[sd, b"/.s6-svscan"]).unwrap_or(c""), DIRF, Mode::empty())
                    .map_err(|e| diag::warn_sys(e, &[b"unable to open ", sd, b"/.s6-svscan"]))
                    .ok()
                    .and_then(|d| ScanLock::take(d, sd));
        }
    }

    /// Set up `scan/name` (and `scan/name/log` when it is a directory);
    /// `copy` is that directory when the caller has just copied it, open,
    /// and what the copy found in it.
    fn add(&mut self, scan: BorrowedFd<'_>, name: &[u8], copy: Option<(OwnedFd, Listing)>) {
        self.take_scan_lock();
        // Scan directory entries may be symlinks (v3 layout, s6's way).
        let (dir, seen) = match copy {
            Some((d, l)) => (d, Some(l)),
            None => match fs::openat(scan, name, DIRF, Mode::empty()) {
                Ok(d) => (d, None),
                Err(e) => return diag::warn_sys(e, &[b"unable to supervise ", name]),
            },
        };
        let has_log = seen.as_ref().and_then(|l| l.log).unwrap_or_else(|| {
            fs::statat(&dir, c"log", AtFlags::empty())
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory)
        });
        if has_log && !self.room_for(name, true) {
            return;
        }
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
        // A pruned service's place (with its logger's when this one has
        // a logger too), else the end of the table. The same name coming
        // back takes the names made for it then.
        let pair = rd.is_some().then(|| self.free_place(true)).flatten();
        let place = pair.or_else(|| self.free_place(false));
        let names = place.and_then(|i| self.names_of(i, name));
        let Some(mut svc) =
            prepare(dir, (name, self.scandir), false, wr, self.scan_lock.as_ref(), seen.as_ref(), names)
        else {
            return;
        };
        svc.fresh = true;
        let idx = match place {
            Some(i) => {
                // The pruned logger after it is nobody's now.
                if let Some(l) = self.svcs[i].peer {
                    self.svcs[l].peer = None;
                }
                i
            }
            None => self.svcs.len(),
        };
        if let Some(c) = &svc.control {
            self.watch(c.as_fd(), Watch::Control(idx));
        }
        if !self.svcs.put(idx, svc) {
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
            // In the pruned logger's place after a reused pair, else at
            // the end of the table.
            let li = if pair.is_some() { idx + 1 } else { self.svcs.len() };
            let names = pair.and_then(|_| self.names_of(li, &lname));
            // What the helper made of it, if it did (nothing else known).
            let made = seen.as_ref().and_then(|l| l.log_made);
            let lseen = made.map(|m| Listing { notify: true, made: Some(m), ..Listing::default() });
            if let Some(mut log) =
                prepare(ldir, (&lname, self.scandir), true, Some(rd), self.scan_lock.as_ref(), lseen.as_ref(), names)
            {
                log.fresh = true;
                if let Some(c) = &log.control {
                    self.watch(c.as_fd(), Watch::Control(li));
                }
                if self.svcs.put(li, log) {
                    self.svcs[li].peer = Some(idx);
                    self.svcs[idx].peer = Some(li);
                }
            }
        }
    }

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
                let (scan, prune) = match cmd {
                    ScanCmd::Update { scan, prune } => (scan, prune),
                    _ => (false, None),
                };
                // `-N` wins over `-n` in one batch.
                let soft = Some(prune.unwrap_or(Prune::Soft));
                match b {
                    _ if matches!(cmd, ScanCmd::Shutdown(_)) => {}
                    b't' | b'i' | b'q' | b'b' => cmd = ScanCmd::Shutdown(b),
                    b'a' => cmd = ScanCmd::Update { scan: true, prune },
                    b'h' => cmd = ScanCmd::Update { scan: true, prune: soft },
                    b'n' => cmd = ScanCmd::Update { scan, prune: soft },
                    b'N' => cmd = ScanCmd::Update { scan, prune: Some(Prune::Hard) },
                    b'z' => {}
                    _ => diag::warn(&[b"received unknown control command: ", &[b]]),
                }
            }
        }
        cmd
    }

    /// Copy `src/name` into the scan directory with a `down` file (as
    /// s6-rc-init leaves a longrun) and supervise it, without a logger.
    /// `room`: table size to reserve (services.d included).
    pub fn add_rc(&mut self, src: &[u8], name: &[u8], room: usize) -> Option<usize> {
        self.svcs.reserve(room);
        let scan = fs::open(self.scandir, DIRF, Mode::empty()).ok()?;
        let from = arena::cstr(&[src]).ok().and_then(|p| fs::open(p, DIRF, Mode::empty()).ok())?;
        if let Err(e) = copy_tree_but(from.as_fd(), scan.as_fd(), name, 16, true, &RC_SOURCE_ONLY) {
            diag::warn_sys(e, &[b"unable to copy service ", name]);
            return None;
        }
        let dir = fs::openat(&scan, name, DIRF | OFlags::NOFOLLOW, Mode::empty()).ok()?;
        let _ =
            fs::openat(&dir, c"down", OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC, Mode::from_raw_mode(0o644));
        self.take_scan_lock();
        let mut svc = prepare(dir, (name, self.scandir), false, None, self.scan_lock.as_ref(), None, None)?;
        svc.pinned = true;
        let idx = self.svcs.len();
        if let Some(c) = &svc.control {
            self.watch(c.as_fd(), Watch::Control(idx));
        }
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
        // A chain's middle is both: its stdin is `pipe` (as a consumer's),
        // its stdout `pipe_out`, whichever link is made first.
        for &p in producers {
            let w = rustix::io::fcntl_dupfd_cloexec(&w, 3).ok();
            let p = &mut self.svcs[p];
            if p.st.log {
                p.pipe_out = w;
            } else {
                p.pipe = w;
                p.peer = Some(consumer);
            }
        }
        let c = &mut self.svcs[consumer];
        if !c.st.log {
            c.pipe_out = c.pipe.take();
        }
        c.pipe = Some(r);
        c.st.log = true;
        c.peer = producers.last().copied();
    }
}

/// Open a control fifo for reading and writing (so it never reports EOF).
fn open_control(dir: BorrowedFd<'_>) -> Result<OwnedFd, Errno> {
    match fs::mkfifoat(dir, c"control", Mode::from_raw_mode(0o600)) {
        Ok(()) => {}
        // Something was there: it must be a fifo.
        Err(Errno::EXIST) => {
            let st = fs::statat(dir, c"control", AtFlags::SYMLINK_NOFOLLOW)?;
            if FileType::from_raw_mode(st.st_mode) != FileType::Fifo {
                return Err(Errno::EXIST);
            }
        }
        Err(e) => return Err(e),
    }
    fs::openat(dir, c"control", OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
}

/// The scan directory's `.s6-svscan/lock`, which PID 1 holds write-locked
/// from its first service on, as s6-svscan does for its whole life (an open-file-description lock:
/// closing another descriptor of the file never drops it).
///
/// Every service's `supervise/lock` is a hard link to it, and so is its
/// `death_tally` until its first death (an empty file either way, mode
/// 0644): s6's clients see each service supervised (`F_GETLK`) and its
/// tally empty, and a service costs two inodes fewer to set up, which on
/// a disk is most of its cost (making an inode on ext4 right after others
/// were freed is slow). The lock is never written; a death replaces the
/// tally by a rename, as s6 does. Where a link cannot be made, the service
/// gets its own files, as before. Deviation: a service directory moved out
/// of the scan directory still looks supervised while PID 1 lives.
pub(super) struct ScanLock {
    _fd: OwnedFd,
    /// `.s6-svscan`, where the lock and [`FIRST_STATUS`] are.
    dot: OwnedFd,
    dev: u64,
    ino: u64,
    /// [`FIRST_STATUS`]: not tried yet (`None`), made or not.
    first_status: core::cell::Cell<Option<bool>>,
}

/// [`ScanLock`]'s name in `.s6-svscan`.
const SCAN_LOCK: &CStr = c"lock";

/// The status of a service wanted up that has not been started yet (down,
/// want up, paused: what s6-supervise writes before its first start),
/// made anew for each set-up or rescan. A service set up in a new
/// `supervise/` gets it as a hard link for `status`, so that a client sees
/// it supervised from its set-up on, and it costs no inode; its first
/// status write replaces the link (`base::fs::replace_link`). No
/// `supervise/` is kept from a previous PID 1 (stage 1 empties the scan
/// directory), so none holds a `status.new` left a name of this file.
/// Its name in `.s6-svscan`.
const FIRST_STATUS: &CStr = c"first-status";

impl ScanLock {
    /// Lock `.s6-svscan/lock` of the scan directory `sd` (`dot`: its
    /// `.s6-svscan`), or say why not.
    fn take(dot: OwnedFd, sd: &[u8]) -> Option<ScanLock> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd = fs::openat(&dot, SCAN_LOCK, flags, Mode::from_raw_mode(0o644))
            .map_err(|e| diag::warn_sys(e, &[b"unable to open ", sd, b"/.s6-svscan/lock"]))
            .ok()?;
        if let Err(e) = crate::sys::raw::ofd_lock_exclusive(fd.as_fd()) {
            diag::warn_sys(e, &[b"unable to lock ", sd, b"/.s6-svscan/lock"]);
            return None;
        }
        let st = fs::fstat(&fd).ok()?;
        Some(ScanLock { _fd: fd, dot, dev: st.st_dev, ino: st.st_ino, first_status: core::cell::Cell::new(None) })
    }

    /// Link `sup/status` to [`FIRST_STATUS`], made at the first call
    /// (anew: never rewritten, as links to a previous one may remain).
    fn link_first_status(&self, sup: BorrowedFd<'_>) -> bool {
        self.first_status_made() && fs::linkat(&self.dot, FIRST_STATUS, sup, c"status", AtFlags::empty()).is_ok()
    }

    /// [`FIRST_STATUS`] of this batch, made at the first call.
    fn first_status_made(&self) -> bool {
        self.first_status.get().unwrap_or_else(|| {
            let _ = fs::unlinkat(&self.dot, FIRST_STATUS, AtFlags::empty());
            let b = State::new(true, Tai::now()).status().pack();
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let made = fs::openat(&self.dot, FIRST_STATUS, flags, Mode::from_raw_mode(0o644))
                .is_ok_and(|f| crate::sys::fd::write_all(f.as_fd(), &b).is_ok());
            self.first_status.set(Some(made));
            made
        })
    }

    /// Remove `dir/supervise/lock` if it is a link to the lock: the
    /// service is seen unsupervised (s6's clients take a missing lock file
    /// so). A service's own lock file is left, as s6-supervise leaves it.
    pub(super) fn unlink_from(&self, dir: BorrowedFd<'_>) {
        const LOCK: &CStr = c"supervise/lock";
        if fs::statat(dir, LOCK, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|st| st.st_dev == self.dev && st.st_ino == self.ino)
        {
            let _ = fs::unlinkat(dir, LOCK, AtFlags::empty());
        }
    }

    /// Make `dir/name` a link to the lock (`true`), or say that the caller
    /// must make its own file (`false`): a link cannot be made, or a
    /// different file is there.
    fn link(&self, dir: BorrowedFd<'_>, name: &CStr) -> bool {
        match fs::linkat(&self.dot, SCAN_LOCK, dir, name, AtFlags::empty()) {
            Ok(()) => true,
            Err(Errno::EXIST) => fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|st| st.st_dev == self.dev && st.st_ino == self.ino),
            Err(_) => false,
        }
    }
}

/// Where [`Supervisor::setup`] copies from: `services.d` open, its path,
/// and v3's `legacy-services` (the copies go there, linked from the scan
/// directory).
type From<'a> = (BorrowedFd<'a>, &'a [u8], Option<BorrowedFd<'a>>);

/// Fewest services for which [`Supervisor::setup`] starts a helper.
const HELPER_MIN: usize = 8;
/// Most services the helper takes (the rest of its half stays PID 1's).
const HELPER_MAX: usize = 512;

/// The helper process of [`Supervisor::setup`]: its pid, the read end of
/// its pipe (two bytes per service, [`Listing::pack`]), and the first of
/// the names it took.
struct Helper {
    pid: rustix::process::Pid,
    rd: OwnedFd,
    first: usize,
}

impl Helper {
    /// What the helper reported, once it has exited; how many services.
    fn collect(self, got: &mut [[u8; 2]; HELPER_MAX]) -> usize {
        let mut buf = [0u8; 2 * HELPER_MAX];
        let n = crate::base::fs::read_full(self.rd.as_fd(), &mut buf).unwrap_or(0);
        let _ = rustix::process::waitpid(Some(self.pid), rustix::process::WaitOptions::empty());
        for (k, pair) in buf[..n].chunks_exact(2).enumerate() {
            got[k] = [pair[0], pair[1]];
        }
        n / 2
    }
}

/// Copy `services_d/name` into the scan directory (through `legacy` in
/// the v3 layout): the copy, open, and what it holds; `None` when it is
/// not a service directory or cannot be copied (said).
fn copy_one((src, services_d, legacy): From<'_>, scan: BorrowedFd<'_>, name: &[u8]) -> Option<(OwnedFd, Listing)> {
    // A symlink to a directory is followed; anything else is said.
    let st = fs::statat(src, name, AtFlags::empty()).and_then(|st| {
        if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
            Ok(Mode::from_raw_mode(st.st_mode & 0o7777))
        } else {
            Err(Errno::NOTDIR)
        }
    });
    let mode = match st {
        Ok(m) => m,
        Err(e) => {
            diag::warn_sys(e, &[b"not supervising ", services_d, b"/", name]);
            return None;
        }
    };
    if name.len() + 4 > NAME_MAX {
        diag::warn(&[b"service name too long (the limit is 196 bytes): ", name]);
        return None;
    }
    let mut seen = Listing::default();
    let copied = match legacy {
        Some(l) => copy_dir(src, l, (name, mode), 16, true, &[], Some(&mut seen)).and_then(|d| {
            let t = arena::cstr(&[b"../s6/legacy-services/", name])?;
            let _ = fs::unlinkat(scan, name, AtFlags::empty());
            fs::symlinkat(t, scan, name).map(|_| d)
        }),
        None => copy_dir(src, scan, (name, mode), 16, true, &[], Some(&mut seen)),
    };
    match copied {
        Ok(d) => Some((d, seen)),
        Err(e) => {
            diag::warn_sys(e, &[b"unable to copy service ", name]);
            None
        }
    }
}

/// `supervise/` (mode 0711) and `event/` (03730) in `dir`, made where
/// missing: whether each was made.
fn make_dirs(dir: BorrowedFd<'_>) -> Result<(bool, bool), Errno> {
    let old = rustix::process::umask(Mode::empty());
    let mut fresh = (false, false);
    let made = match fs::mkdirat(dir, c"supervise", Mode::from_raw_mode(0o711)) {
        Ok(()) => {
            fresh.0 = true;
            Ok(())
        }
        Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e),
    }
    .and_then(|_| match fs::mkdirat(dir, c"event", Mode::from_raw_mode(0o3730)) {
        // mkdir does not set the setgid bit: s6's 03730 takes a chmod.
        Ok(()) => {
            fresh.1 = true;
            fs::chmodat(dir, c"event", Mode::from_raw_mode(0o3730), AtFlags::empty())
        }
        Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e),
    });
    rustix::process::umask(old);
    made.map(|_| fresh)
}

/// The helper's part of [`prepare`] (see [`Supervisor::setup`]): every
/// inode that `prepare` would make in `dir`, none of what PID 1 holds
/// (descriptors, the lock). `None` when `supervise/` or `event/` could not
/// be made: `prepare` tries again, and says why.
fn premake(dir: BorrowedFd<'_>, shared: &ScanLock, want_up: bool) -> Option<Premade> {
    let (fresh_sup, fresh_event) = make_dirs(dir).ok()?;
    let mut m = Premade { fresh_sup, fresh_event, status_linked: false };
    if let Ok(sup) = fs::openat(dir, c"supervise", DIRF, Mode::empty()) {
        // What fails here, prepare does again (and says).
        let _ = shared.link(sup.as_fd(), c"lock") && open_control(sup.as_fd()).is_ok();
        let _ = shared.link(sup.as_fd(), c"death_tally");
        m.status_linked = want_up && fresh_sup && shared.link_first_status(sup.as_fd());
    }
    Some(m)
}

/// Make `dir` a supervised service directory: `supervise/` (lock, control,
/// status), `event/`, wanted up unless `down` exists (`seen`: what its
/// copy just found in it; `names`: its `name_c` and `path_c`, when it had
/// them already).
fn prepare(
    dir: OwnedFd,
    (name, scandir): (&[u8], &CStr),
    is_log: bool,
    pipe: Option<OwnedFd>,
    shared: Option<&ScanLock>,
    seen: Option<&Listing>,
    names: Option<(&'static CStr, &'static CStr)>,
) -> Option<Svc> {
    let fail = |e: Errno, what: &[u8]| {
        diag::warn_sys(e, &[b"unable to supervise ", name, what]);
    };
    // `event/` made now has no subscriber yet: its first event ("s") is
    // sent only to one that was there before.
    let made = seen.and_then(|l| l.made);
    let (fresh_sup, fresh_event) = match made {
        Some(m) => (m.fresh_sup, m.fresh_event),
        None => match make_dirs(dir.as_fd()) {
            Ok(f) => f,
            Err(e) => {
                fail(e, b": mkdir supervise");
                return None;
            }
        },
    };
    let sup = match fs::openat(&dir, c"supervise", DIRF, Mode::empty()) {
        Ok(s) => s,
        Err(e) => {
            fail(e, b": open supervise");
            return None;
        }
    };
    let lock = if shared.is_some_and(|s| s.link(sup.as_fd(), c"lock")) {
        None
    } else {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let lock = match fs::openat(&sup, c"lock", flags, Mode::from_raw_mode(0o644)) {
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
        Some(lock)
    };
    // A failure from here on leaves the directory unsupervised, as found:
    // no link to the scan lock to make it look supervised.
    let undo = |lock: &Option<OwnedFd>| {
        if let (None, Some(s)) = (lock, shared) {
            s.unlink_from(dir.as_fd());
        }
    };
    // A premade fifo only needs opening.
    let premade_control = made.and_then(|_| {
        fs::openat(&sup, c"control", OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()).ok()
    });
    let control = match premade_control.map_or_else(|| open_control(sup.as_fd()), Ok) {
        Ok(c) => c,
        Err(e) => {
            fail(e, b": control fifo");
            undo(&lock);
            return None;
        }
    };
    if !shared.is_some_and(|s| s.link(sup.as_fd(), c"death_tally")) {
        let _ = fs::openat(
            &sup,
            c"death_tally",
            OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        );
    }
    let want_up = !seen.and_then(|l| l.down).unwrap_or_else(|| svdir::exists(dir.as_fd(), c"down"));
    let status_linked = made.is_some_and(|m| m.status_linked)
        || want_up && fresh_sup && shared.is_some_and(|s| s.link_first_status(sup.as_fd()));
    let names =
        names.or_else(|| Some((arena::cstr(&[name]).ok()?, arena::cstr(&[scandir.to_bytes(), b"/", name]).ok()?)));
    let Some((name_c, path_c)) = names else {
        undo(&lock);
        return None;
    };
    let mut st = State::new(want_up, Tai::now());
    st.log = is_log;
    let mut svc = Svc {
        name: name_c.to_bytes(),
        name_c,
        path_c,
        dir,
        control: Some(control),
        _lock: lock,
        peer: None,
        pipe,
        pipe_out: None,
        notify: None,
        st,
        dirty: false,
        events: heapless::Vec::new(),
        status_made: !fresh_sup || status_linked,
        status_linked,
        sizes: if fresh_sup { crate::base::fs::Sizes::NONE } else { crate::base::fs::Sizes::UNKNOWN },
        // With a status, a client may be waiting.
        quiet_first: fresh_sup && fresh_event && !status_linked,
        no_notify_file: seen.is_some_and(|l| !l.notify),
        spare: false,
        status_failed: false,
        leaving: false,
        active: true,
        gone: false,
        fresh: false,
        pinned: false,
        exiting: false,
        exited: None,
    };
    // "Not started yet": the paused flag (s6-supervise's start-up marker).
    // A service wanted up is started soon (`kick`), and its own status
    // file is first written then (until then its status is a link to
    // FIRST_STATUS): one file created per service, not two, and none
    // deleted (a status replaced is an inode freed, and on ext4 the next
    // ones created skip the inodes freed recently). One whose first status
    // could not be a link writes its own now, as one wanted down does: a
    // service started before its spawn finds a status.
    if want_up && (status_linked || !fresh_sup) {
        if !fresh_event {
            let _ = crate::s6::ftrig::send(svc.dir.as_fd(), crate::s6::ftrig::EVENT, b"s");
        }
    } else {
        svc.announce(b"s");
        svc.flush();
    }
    svc.st.paused = false;
    Some(svc)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sorted_bytewise() {
        let mut v: Vec<&[u8]> = vec![b"b", b"10-x", b"B", b"01", b"a"];
        insertion_sort(&mut v);
        assert_eq!(v, vec![&b"01"[..], b"10-x", b"B", b"a", b"b"]);
    }
}
