//! Reading s6-rc source directories (`s6-rc-compile`'s rules, §1 of the
//! s6-rc spec): one directory per service, `type`, lists in `NAME.d/` or
//! list files, the number files checked as s6-rc-compile checks them.
use super::{E, Error, Internal, Kind, MAX, Svc, err, oom};
use crate::base::diag;
use crate::sys::arena;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags, RawDir};
use rustix::io::Errno;

const DIRF: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

/// The sources of one boot, in order: arena slots, as many as the
/// sources have entries (plus s6-overlay's), so that a big tree costs no
/// stack.
pub struct Tree {
    slots: &'static mut [Svc],
    len: usize,
    /// Say what s6-rc-compile warns about (PID 1's boot does; clients
    /// reading the same tree again do not).
    warn: bool,
}

fn rd(e: Errno, s: &Svc, file: &'static [u8]) -> Error {
    Error { errno: Some(e), ..err(E::Read, s, b"", file) }
}

impl Tree {
    fn svcs(&self) -> &[Svc] {
        &self.slots[..self.len]
    }

    fn push(&mut self, s: Svc) -> Result<(), Error> {
        if let Some(o) = self.svcs().iter().find(|o| o.name == s.name) {
            // One of s6-overlay's own names: the image's definition is
            // the one to point at.
            let at = if s.src.is_empty() { o } else { &s };
            return Err(err(E::Duplicate, at, b"", b"type"));
        }
        if self.len == self.slots.len() || self.len == MAX {
            return Err(err(E::TooMany, &Svc::new(b"", Kind::Bundle), b"", b""));
        }
        self.slots[self.len] = s;
        self.len += 1;
        Ok(())
    }

    /// Read every service directory of `src` (entries not starting with
    /// `.`, sorted bytewise, symlinks followed, anything else skipped).
    /// Services named `user`/`user2` without a `type` are bundles (v3
    /// ships them so).
    pub fn read(&mut self, src: &[u8]) -> Result<(), Error> {
        let src: &'static [u8] = arena::cstr(&[src]).map_err(|_| oom())?.to_bytes();
        let at = Svc { src, ..Svc::new(b".", Kind::Bundle) };
        let dir = fs::open(src, DIRF, Mode::empty()).map_err(|e| rd(e, &at, b""))?;
        let first = self.len;
        // The names first, sorted bytewise (a short insertion sort of
        // slices: core's sort costs kilobytes, and moving whole `Svc`s
        // costs time).
        let names = arena::alloc_slice(self.slots.len() - first, &b""[..]).map_err(|_| oom())?;
        let mut n = 0;
        let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
        let mut it = RawDir::new(dir.as_fd(), &mut buf);
        while let Some(ent) = it.next() {
            let ent = ent.map_err(|e| rd(e, &at, b""))?;
            let name = ent.file_name().to_bytes();
            if name.is_empty() || name[0] == b'.' {
                continue;
            }
            let t = match ent.file_type() {
                FileType::Symlink | FileType::Unknown => fs::statat(&dir, name, AtFlags::empty())
                    .map_or(FileType::Unknown, |st| FileType::from_raw_mode(st.st_mode)),
                t => t,
            };
            if t == FileType::Directory {
                if name.contains(&b'\n') {
                    return Err(err(E::Newline, &Svc::new(src, Kind::Bundle), b"", b""));
                }
                let name: &'static [u8] = arena::cstr(&[name]).map_err(|_| oom())?.to_bytes();
                let Some(slot) = names.get_mut(n) else {
                    return Err(err(E::TooMany, &Svc::new(b"", Kind::Bundle), b"", b""));
                };
                *slot = name;
                n += 1;
                let mut j = n - 1;
                while j > 0 && names[j - 1] > names[j] {
                    names.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
        for &name in &names[..n] {
            self.push(Svc { src, ..Svc::new(name, Kind::Bundle) })?;
        }
        for i in first..self.len {
            let d =
                fs::openat(&dir, self.slots[i].name, DIRF, Mode::empty()).map_err(|e| rd(e, &self.slots[i], b""))?;
            service(d.as_fd(), &mut self.slots[i], self.warn)?;
        }
        Ok(())
    }

    /// s6-overlay's own services: `fix-attrs`, `legacy-cont-init`,
    /// `legacy-services`, `base`, `top`, and empty `user`/`user2` bundles
    /// when the image defines none.
    pub fn add_overlay(&mut self) -> Result<(), Error> {
        for b in [&b"user"[..], b"user2"] {
            if !self.svcs().iter().any(|s| s.name == b) {
                self.push(Svc::new(b, Kind::Bundle))?;
            }
        }
        const ADD: [(&[u8], Kind, Internal, &[u8]); 5] = [
            (b"fix-attrs", Kind::Oneshot, Internal::FixAttrs, b""),
            (b"legacy-cont-init", Kind::Oneshot, Internal::ContInit, b"fix-attrs"),
            (b"legacy-services", Kind::Oneshot, Internal::LegacyServices, b"base\nuser"),
            (b"base", Kind::Bundle, Internal::No, b"fix-attrs\nlegacy-cont-init"),
            (b"top", Kind::Bundle, Internal::No, b"base\nuser\nlegacy-services\nuser2"),
        ];
        for (name, kind, internal, raw) in ADD {
            self.push(Svc { internal, raw, raw_file: b"", ..Svc::new(name, kind) })?;
        }
        Ok(())
    }

    /// Resolve into the graph (see `super::resolve`).
    pub fn resolve(self) -> Result<super::Db, Error> {
        super::resolve(self.slots.split_at_mut(self.len).0)
    }
}

/// Entries of `dir` (an upper bound on its services).
fn count(dir: &[u8]) -> usize {
    let Ok(d) = arena::cstr(&[dir]).and_then(|p| fs::open(p, DIRF, Mode::empty())) else { return 0 };
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
    let mut it = RawDir::new(d.as_fd(), &mut buf);
    let mut n = 0;
    while let Some(Ok(_)) = it.next() {
        n += 1;
    }
    n
}

/// Read `srcs` in order, add s6-overlay's services, resolve.
#[inline(never)]
pub fn load(srcs: &[&[u8]], warn: bool) -> Result<super::Db, Error> {
    let n = srcs.iter().map(|s| count(s)).sum::<usize>() + 7;
    let slots = arena::alloc_with(n.min(MAX), |_| Svc::new(b"", Kind::Bundle)).map_err(|_| oom())?;
    let mut t = Tree { slots, len: 0, warn };
    for s in srcs {
        t.read(s)?;
    }
    // `pipeline-name`: a bundle of the last consumer and, transitively,
    // every producer that feeds it.
    for i in 0..t.len {
        let c = t.slots[i];
        if c.pipeline.is_empty() {
            continue;
        }
        let mut raw: heapless::Vec<u8, 4096> = heapless::Vec::new();
        for j in 0..t.len {
            // Follow producer-for links from j: does the chain end at c?
            let mut x = j;
            for _ in 0..64 {
                let next = super::names(t.slots[x].producer_for).next();
                match next.and_then(|n| t.svcs().iter().position(|s| s.name == n)) {
                    Some(y) => x = y,
                    None => break,
                }
            }
            if x == i {
                let _ = raw.extend_from_slice(t.slots[j].name);
                let _ = raw.push(b'\n');
            }
        }
        let raw = arena::cstr(&[&raw]).map_err(|_| oom())?.to_bytes();
        t.push(Svc { src: c.src, raw, raw_file: b"", ..Svc::new(c.pipeline, Kind::Bundle) })?;
    }
    t.add_overlay()?;
    t.resolve()
}

/// The whole content of `dir/name`.
fn read(dir: BorrowedFd<'_>, name: &[u8]) -> Result<&'static [u8], Errno> {
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    // Most files are short: one read, no fstat.
    let mut small = [0u8; 256];
    let mut k = rustix::io::read(&f, &mut small)?;
    let size = if k < small.len() { k } else { fs::fstat(&f)?.st_size.clamp(0, 1 << 20) as usize };
    let buf = arena::alloc_bytes(size.max(k) + 1, 1)?;
    buf[..k].copy_from_slice(&small[..k]);
    while k < size {
        match rustix::io::read(&f, &mut buf[k..size])? {
            0 => break,
            r => k += r,
        }
    }
    Ok(&buf[..k])
}

/// The names in `dir/NAME.d/`, joined by newlines (a list file's format).
fn entries(dir: BorrowedFd<'_>, name: &[u8]) -> Result<&'static [u8], Errno> {
    let d = fs::openat(dir, name, DIRF, Mode::empty())?;
    let mut out: heapless::Vec<u8, 8192> = heapless::Vec::new();
    crate::base::fs::for_each_entry(d.as_fd(), &mut |n, _| {
        let n = n.to_bytes();
        if n[0] != b'.' {
            out.extend_from_slice(n).map_err(|_| Errno::NOMEM)?;
            out.push(b'\n').map_err(|_| Errno::NOMEM)?;
        }
        Ok(())
    })?;
    Ok(arena::cstr(&[&out])?.to_bytes())
}

/// The files a service directory may hold; one listing tells which exist,
/// so that absent ones cost no `open`.
const FILES: [&[u8]; 18] = [
    b"type",
    b"dependencies.d",
    b"dependencies",
    b"contents.d",
    b"contents",
    b"timeout-up",
    b"timeout-down",
    b"up",
    b"down",
    b"run",
    b"notification-fd",
    b"lock-fd",
    b"timeout-kill",
    b"timeout-finish",
    b"max-death-tally",
    b"producer-for",
    b"consumer-for",
    b"pipeline-name",
];
const ESSENTIAL: u32 = 1 << 18;
const RUN_FILE: u32 = 1 << 19;

/// Read the service `s` from `d`; `warn`: say what s6-rc-compile warns about.
#[inline(never)]
fn service(d: BorrowedFd<'_>, s: &mut Svc, warn: bool) -> Result<(), Error> {
    let mut mask = 0u32;
    crate::base::fs::for_each_entry(d, &mut |n, t| {
        let n = n.to_bytes();
        if let Some(k) = FILES.iter().position(|f| *f == n) {
            mask |= 1 << k;
        }
        if n == b"flag-essential" {
            mask |= ESSENTIAL;
        }
        // `run` listed as a regular file needs no stat (a symlink does).
        if n == b"run" && t == FileType::RegularFile {
            mask |= RUN_FILE;
        }
        Ok(())
    })
    .map_err(|e| rd(e, s, b""))?;
    s.essential = mask & ESSENTIAL != 0;
    // A file that exists: its content (`None`: absent).
    let get = |s: &Svc, k: usize| -> Result<Option<&'static [u8]>, Error> {
        if mask & (1 << k) == 0 {
            return Ok(None);
        }
        read(d, FILES[k]).map(Some).map_err(|e| rd(e, s, FILES[k]))
    };
    // A list: `NAME.d/` when it exists, else the list file.
    let list = |s: &mut Svc, k: usize| -> Result<bool, Error> {
        s.raw_file = FILES[k + (mask & (1 << k) == 0) as usize];
        if mask & (1 << k) != 0 {
            s.raw = entries(d, FILES[k]).map_err(|e| rd(e, s, FILES[k]))?;
        } else if let Some(r) = get(s, k + 1)? {
            s.raw = r;
        } else {
            return Ok(false);
        }
        Ok(true)
    };
    s.kind = match get(s, 0)? {
        None if s.name == b"user" || s.name == b"user2" => Kind::Bundle,
        None => return Err(rd(Errno::NOENT, s, b"type")),
        Some(t) => {
            let t = &t[..t.len().min(8)];
            match t.strip_suffix(b"\n").unwrap_or(t) {
                b"oneshot" => Kind::Oneshot,
                b"longrun" => Kind::Longrun,
                b"bundle" => Kind::Bundle,
                _ => return Err(err(E::BadType, s, b"", b"type")),
            }
        }
    };
    if s.kind == Kind::Bundle {
        if !list(s, 3)? {
            return Err(rd(Errno::NOENT, s, b"contents"));
        }
        return Ok(());
    }
    list(s, 1)?;
    for k in [5, 6] {
        if let Some(v) = get(s, k)? {
            let v = &v[..v.len().min(63)];
            let e = v.iter().rposition(|&c| c != b'\n').map_or(0, |e| e + 1);
            let n = crate::base::num::parse_u64(&v[..e]).filter(|&n| n <= u32::MAX as u64);
            let n = n.ok_or_else(|| err(E::BadValue, s, b"", FILES[k]))? as u32;
            if k == 5 { s.timeout_up = n } else { s.timeout_down = n }
        }
    }
    if s.kind == Kind::Oneshot {
        let up = get(s, 7)?.ok_or_else(|| rd(Errno::NOENT, s, b"up"))?;
        let down = get(s, 8)?.unwrap_or(b"");
        s.up = arena::cstr(&[up]).map_err(|_| oom())?;
        s.down = arena::cstr(&[down]).map_err(|_| oom())?;
        // Lexed now, as s6-rc-compile does: a syntax error is a source
        // error before anything starts, not a failure found at run time.
        for (text, file) in [(up, &b"up"[..]), (down, b"down")] {
            let mut words = arena::Vec::new();
            crate::base::lex::lex(text, &mut words).map_err(|m| err(E::Syntax, s, m, file))?;
        }
        return Ok(());
    }
    let run = mask & RUN_FILE != 0
        || mask & (1 << 9) != 0
            && fs::statat(d, "run", AtFlags::empty())
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile);
    if !run {
        return Err(err(E::NoRun, s, b"", b"run"));
    }
    // An index loop: `get` takes the index too (and the iterator form is larger).
    let mut fds = [None; 2];
    #[allow(clippy::needless_range_loop)]
    for k in 10..15 {
        if let Some(v) = get(s, k)? {
            let line = v.split(|&c| c == b'\n').next().unwrap_or(b"");
            let Some(n) = crate::base::num::parse_u64(line) else {
                return Err(Error { errno: Some(Errno::INVAL), ..err(E::Read, s, b"", FILES[k]) });
            };
            // notification-fd and lock-fd: below 3 only warns, as s6-rc-compile.
            if k < 12 {
                fds[k - 10] = Some(n);
                if n < 3 && warn {
                    diag::warn(&[
                        b"longrun ",
                        s.name,
                        b" has a ",
                        FILES[k],
                        b" of ",
                        itoa::Buffer::new().format(n).as_bytes(),
                    ]);
                }
            }
        }
    }
    if fds[0].is_some() && fds[0] == fds[1] {
        return Err(err(E::SameFd, s, b"", b""));
    }
    s.producer_for = get(s, 15)?.unwrap_or(b"");
    if mask & (1 << 15) != 0 && s.producer_for.is_empty() {
        return Err(err(E::Producer, s, b"", b"producer-for"));
    }
    s.consumer_for = get(s, 16)?.unwrap_or(b"");
    // Only a last consumer's counts (elsewhere s6-rc ignores it, and says so).
    if s.producer_for.is_empty() && !s.consumer_for.is_empty() {
        s.pipeline = get(s, 17)?.and_then(|p| super::names(p).next()).unwrap_or(b"");
    } else if mask & (1 << 17) != 0 && warn {
        diag::warn(&[
            s.src,
            b"/",
            s.name,
            b" contains a pipeline-name file despite not being a last consumer; this file will be ignored",
        ]);
    }
    Ok(())
}
