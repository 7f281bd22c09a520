//! An s6-log logdir: `lock`, `current`, `state`, archives `@<tai64n>.s`
//! (complete) and `.u` (left by an unclean exit), and `previous`,
//! `processed`, `newstate` while a rotation is under way.
//!
//! Every step is resumable: an operation that fails (disk full, read-only,
//! permissions) returns the error and leaves the logdir in a state from
//! which the same call, retried later, carries on. Nothing is dropped and
//! nothing written twice: pending bytes stay in the buffer until `write`
//! has taken them.
use crate::base::tai::Tai;
use crate::sys::argv::{Argv, Vec0};
use crate::sys::{arena, raw, signal, spawn};
use core::ffi::CStr;
use rustix::fd::OwnedFd;
use rustix::fs::{self, AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

pub struct Settings {
    /// Archives kept (`n`), rotation size (`s`), total archive size (`S`),
    /// tolerance (`l`), retry cooldown in ms (`r`), periodic rotation in
    /// seconds (`R`).
    pub n: u32,
    pub s: u32,
    pub big_s: u64,
    pub l: u32,
    pub r: u32,
    pub big_r: u32,
    /// The processor: program and its `-c` argument vector.
    pub proc: Option<(&'static CStr, Argv<'static>)>,
    /// Run the processor with an empty environment.
    pub clean: bool,
}

pub struct Logdir {
    pub path: &'static [u8],
    cpath: &'static CStr,
    pub set: Settings,
    dir: OwnedFd,
    _lock: OwnedFd,
    cur: Option<OwnedFd>,
    size: u64,
    /// `previous` still waits to be archived.
    prev: bool,
    /// The last byte given to `current` was not a newline.
    mid: bool,
    pub buf: &'static mut [u8],
    pub len: usize,
    /// When the last rotation happened, for `R`.
    pub rotated: Tai,
    /// How the processor's last run went wrong (`failed`, `crashed`),
    /// when the last error was its.
    pub proc_err: Option<&'static [u8]>,
}

/// Why opening a logdir failed: what was being done, on which file.
pub struct OpenErr(pub &'static [u8], pub &'static CStr, pub Errno);

fn retry<T>(mut f: impl FnMut() -> Result<T, Errno>) -> Result<T, Errno> {
    loop {
        match f() {
            Err(Errno::INTR) => {}
            r => return r,
        }
    }
}

impl Logdir {
    /// Create or take over the logdir at `path`, lock it, recover what an
    /// unclean exit left, and open `current`.
    pub fn open(path: &'static [u8], set: Settings, bufsize: usize) -> Result<Logdir, OpenErr> {
        let cpath = arena::cstr(&[path]).map_err(|e| OpenErr(b"allocate", c"", e))?;
        crate::base::fs::mkdir_ok(fs::CWD, cpath, 0o2700).map_err(|e| OpenErr(b"mkdir ", cpath, e))?;
        let lpath = arena::cstr(&[path, b"/lock"]).map_err(|e| OpenErr(b"allocate", c"", e))?;
        let lock = fs::open(
            lpath,
            OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC | OFlags::NONBLOCK,
            Mode::from_raw_mode(0o666),
        )
        .map_err(|e| OpenErr(b"open ", lpath, e))?;
        fs::fcntl_lock(&lock, FlockOperation::NonBlockingLockExclusive).map_err(|e| {
            OpenErr(b"lock ", lpath, if matches!(e, Errno::AGAIN | Errno::ACCESS) { Errno::BUSY } else { e })
        })?;
        let dir = fs::open(cpath, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| OpenErr(b"open ", cpath, e))?;
        let buf = arena::alloc_bytes(bufsize, 1).map_err(|e| OpenErr(b"allocate", c"", e))?;
        let mut d = Logdir {
            path,
            cpath,
            set,
            dir,
            _lock: lock,
            cur: None,
            size: 0,
            prev: false,
            mid: false,
            buf,
            len: 0,
            rotated: Tai::now(),
            proc_err: None,
        };
        let fail = |e, w: &'static [u8]| OpenErr(w, cpath, e);
        match fs::statat(&d.dir, c"current", AtFlags::empty()) {
            Ok(st) if st.st_mode & 0o100 != 0 => {
                let f =
                    fs::openat(&d.dir, c"current", OFlags::WRONLY | OFlags::APPEND | OFlags::CLOEXEC, Mode::empty())
                        .map_err(|e| fail(e, b"open current in "))?;
                fs::fchmod(&f, Mode::from_raw_mode(st.st_mode & 0o7677)).map_err(|e| fail(e, b"chmod current in "))?;
                d.size = st.st_size as u64;
                d.cur = Some(f);
            }
            _ => {
                let _ = fs::unlinkat(&d.dir, c"state", AtFlags::empty());
                let _ = fs::unlinkat(&d.dir, c"newstate", AtFlags::empty());
                let processed_done =
                    fs::statat(&d.dir, c"processed", AtFlags::empty()).is_ok_and(|st| st.st_mode & 0o100 != 0);
                if processed_done {
                    let _ = fs::unlinkat(&d.dir, c"previous", AtFlags::empty());
                    d.archive(c"processed", b's').map_err(|e| fail(e, b"archive processed in "))?;
                } else {
                    let _ = fs::unlinkat(&d.dir, c"processed", AtFlags::empty());
                    d.archive(c"previous", b'u').map_err(|e| fail(e, b"archive previous in "))?;
                }
                d.archive(c"current", b'u').map_err(|e| fail(e, b"archive current in "))?;
                fs::openat(
                    &d.dir,
                    c"state",
                    OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
                    Mode::from_raw_mode(0o666),
                )
                .map_err(|e| fail(e, b"create state in "))?;
                d.ensure().map_err(|e| fail(e, b"open current in "))?;
            }
        }
        Ok(d)
    }

    /// Link `name` to a new archive name (when it has data and no other
    /// link), unlink it, and trim the archives.
    fn archive(&mut self, name: &CStr, kind: u8) -> Result<(), Errno> {
        let st = match fs::statat(&self.dir, name, AtFlags::empty()) {
            Ok(st) => st,
            Err(Errno::NOENT) => return Ok(()),
            Err(e) => return Err(e),
        };
        if st.st_nlink == 1 && st.st_size > 0 {
            let mut nm = [0u8; 28];
            nm[..25].copy_from_slice(&Tai::now().to_text());
            nm[25] = b'.';
            nm[26] = kind;
            let nm = CStr::from_bytes_with_nul(&nm).map_err(|_| Errno::INVAL)?;
            fs::linkat(&self.dir, name, &self.dir, nm, AtFlags::empty())?;
        }
        retry(|| fs::unlinkat(&self.dir, name, AtFlags::empty()))?;
        self.trim()
    }

    /// Delete the oldest archives while there are more than `n` or, with
    /// `S`, while they take more than `S` bytes.
    fn trim(&mut self) -> Result<(), Errno> {
        loop {
            let (mut count, mut total) = (0u32, 0u64);
            let mut oldest = [0u8; 28];
            let d = fs::openat(&self.dir, c".", OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
            crate::base::fs::for_each_entry(rustix::fd::AsFd::as_fd(&d), &mut |name, _| {
                let nm = name.to_bytes();
                if nm.len() != 27
                    || nm[0] != b'@'
                    || nm[25] != b'.'
                    || !matches!(nm[26], b's' | b'u')
                    || !nm[1..25].iter().all(|c| c.is_ascii_hexdigit())
                {
                    return Ok(());
                }
                count += 1;
                if self.set.big_s > 0 {
                    total += fs::statat(&self.dir, name, AtFlags::empty()).map(|s| s.st_size as u64).unwrap_or(0);
                }
                if oldest[0] == 0 || nm < &oldest[..27] {
                    oldest[..27].copy_from_slice(nm);
                }
                Ok(())
            })?;
            if count == 0 || (count <= self.set.n && (self.set.big_s == 0 || total <= self.set.big_s)) {
                return Ok(());
            }
            let nm = CStr::from_bytes_with_nul(&oldest).map_err(|_| Errno::INVAL)?;
            fs::unlinkat(&self.dir, nm, AtFlags::empty())?;
        }
    }

    /// Make sure `current` is open and no rotation is half done.
    fn ensure(&mut self) -> Result<(), Errno> {
        if self.cur.is_none() {
            let f = retry(|| {
                fs::openat(
                    &self.dir,
                    c"current",
                    OFlags::WRONLY | OFlags::APPEND | OFlags::CREATE | OFlags::CLOEXEC,
                    Mode::from_raw_mode(0o666),
                )
            })?;
            self.size = fs::fstat(&f)?.st_size as u64;
            self.mid = false;
            self.cur = Some(f);
        }
        if self.prev {
            let st = match fs::statat(&self.dir, c"previous", AtFlags::empty()) {
                Err(Errno::NOENT) => {
                    // Gone (removed from outside): nothing left to archive.
                    self.prev = false;
                    return Ok(());
                }
                r => r?,
            };
            fs::chmodat(&self.dir, c"previous", Mode::from_raw_mode((st.st_mode & 0o7777) | 0o100), AtFlags::empty())?;
            match self.set.proc {
                None => self.archive(c"previous", b's')?,
                Some(p) => self.process(p)?,
            }
            self.prev = false;
        }
        Ok(())
    }

    /// Run the processor on `previous`; on success archive its output.
    fn process(&mut self, (file, argv): (&'static CStr, Argv<'static>)) -> Result<(), Errno> {
        let o = |n: &CStr, fl: OFlags| fs::openat(&self.dir, n, fl | OFlags::CLOEXEC, Mode::from_raw_mode(0o666));
        let wr = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC;
        let (i, out, st, ns) = (
            o(c"previous", OFlags::RDONLY)?,
            o(c"processed", wr)?,
            o(c"state", OFlags::RDONLY | OFlags::CREATE)?,
            o(c"newstate", wr)?,
        );
        let raw_of = |f: &OwnedFd| rustix::fd::AsRawFd::as_raw_fd(f);
        let moves = [(raw_of(&i), 0), (raw_of(&out), 1), (raw_of(&st), 4), (raw_of(&ns), 5)];
        let orig = signal::Original { mask: raw::SigSet::EMPTY, chld_ignored: false };
        let env = crate::rt::Env::get();
        let envp = if self.set.clean { Vec0::empty() } else { env.envp() };
        let path = if self.set.clean { None } else { env.var(b"PATH") }.unwrap_or(b"/usr/bin:/bin");
        let pid = spawn::spawn(&spawn::Spawn {
            file,
            argv,
            envp,
            path,
            signals: &orig,
            new_pgrp: false,
            take_tty: false,
            setsid: false,
            moves: &moves,
            chdir: Some(spawn::Cwd::Path(self.cpath)),
            report: crate::base::diag::child_fatal,
            who: b"",
        })?;
        let st = retry(|| rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty()))?;
        match st.map(|(_, s)| (s.exit_status(), s.terminating_signal())) {
            Some((Some(0), _)) => self.proc_err = None,
            Some((_, Some(_))) => self.proc_err = Some(b"crashed"),
            _ => self.proc_err = Some(b"failed"),
        }
        if self.proc_err.is_some() {
            return Err(Errno::CHILD);
        }
        fs::fsync(&out)?;
        // As s6-log: the file's mode (0666 less the umask) and u+x, the
        // mark of an archive that is complete.
        let m = fs::fstat(&out)?.st_mode;
        fs::fchmod(&out, Mode::from_raw_mode((m & 0o7777) | 0o100))?;
        fs::fsync(&ns)?;
        fs::unlinkat(&self.dir, c"previous", AtFlags::empty())?;
        fs::renameat(&self.dir, c"newstate", &self.dir, c"state")?;
        self.archive(c"processed", b's')
    }

    /// [`rotate`](Self::rotate) when `current` holds something (a
    /// SIGALRM, `R`): an empty one is not archived, nor given to the
    /// processor.
    pub fn rotate_written(&mut self) -> Result<(), Errno> {
        if self.size == 0 && self.len == 0 && !self.prev {
            self.rotated = Tai::now();
            return Ok(());
        }
        self.rotate()
    }

    /// Close `current` as an archive and open a new one.
    pub fn rotate(&mut self) -> Result<(), Errno> {
        if !self.prev
            && let Some(f) = &self.cur
        {
            retry(|| fs::fsync(f))?;
            fs::renameat(&self.dir, c"current", &self.dir, c"previous")?;
            self.prev = true;
            self.cur = None;
        }
        self.rotated = Tai::now();
        self.ensure()
    }

    /// Write the buffer out, rotating as s6-log does when lines arrive one
    /// at a time: a line is written while `size + l < s` before it, and
    /// after a line that brings `size + l` to `s` or more, `current` is
    /// rotated. So archives come out the same whatever the input's chunking.
    pub fn flush(&mut self) -> Result<(), Errno> {
        loop {
            self.ensure()?;
            if self.len == 0 {
                return Ok(());
            }
            let (s, l) = (self.set.s as u64, self.set.l as u64);
            let lim = s.saturating_sub(l).saturating_sub(self.size) as usize;
            let b = &self.buf[..self.len];
            let end = if lim == 0 && !self.mid {
                0
            } else {
                let from = lim.saturating_sub(1).min(b.len() - 1);
                b[from..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| from + p + 1)
            };
            if end == 0 {
                self.rotate()?;
                continue;
            }
            let Some(f) = &self.cur else { continue };
            let n = retry(|| rustix::io::write(f, &b[..end]))?;
            // Start the write-back early (every 256 KiB), so that the fsync
            // at rotation has little left to wait for.
            if (self.size ^ (self.size + n as u64)) >> 18 != 0 {
                let _ = raw::start_writeback(rustix::fd::AsFd::as_fd(f));
            }
            self.size += n as u64;
            self.mid = b[n - 1] != b'\n';
            self.buf.copy_within(n..self.len, 0);
            self.len -= n;
            if !self.mid && self.size + l >= s {
                self.rotate()?;
            }
        }
    }

    /// Clean exit: `current` synced and marked complete with u+x.
    pub fn finish(&mut self) -> Result<(), Errno> {
        self.flush()?;
        if let Some(f) = &self.cur {
            retry(|| fs::fsync(f))?;
            let m = fs::fstat(f)?.st_mode;
            fs::fchmod(f, Mode::from_raw_mode((m & 0o7777) | 0o100))?;
        }
        Ok(())
    }
}
