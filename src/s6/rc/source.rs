//! Reading s6-rc source directories (`s6-rc-compile`'s rules, §1 of the
//! s6-rc spec): one directory per service, `type`, lists in `NAME.d/` or
//! list files, the number files checked as s6-rc-compile checks them.
use super::{error, Error, Internal, Kind, Svc, MAX};
use crate::sys::arena;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags, RawDir};
use rustix::io::Errno;

const DIRF: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

/// The sources of one boot, in order; services named `user`/`user2` with
/// no `type` file are bundles (v3 ships them that way).
pub struct Tree {
    pub svcs: heapless::Vec<Svc, MAX>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree { svcs: heapless::Vec::new() }
    }
}

fn too_many() -> Error {
    error(1, &[b"too many services (the limit is 1024)"])
}

impl Tree {
    fn push(&mut self, s: Svc) -> Result<(), Error> {
        if let Some(o) = self.svcs.iter().find(|o| o.name == s.name) {
            let src: &[u8] = if s.src.is_empty() { b"s6-overlay" } else { s.src };
            return Err(error(1, &[b"duplicate service definition: ", s.name, b" defined in ", src, b" is already defined and has type ", o.kind.name()]));
        }
        self.svcs.push(s).map_err(|_| too_many())
    }

    /// Read every service directory of `src` (entries not starting with
    /// `.`, sorted bytewise; symlinks followed; anything else skipped).
    /// `only` restricts it to those names.
    pub fn read(&mut self, src: &[u8], only: Option<&[&[u8]]>) -> Result<(), Error> {
        let src: &'static [u8] = arena::cstr(&[src]).map_err(|_| oom())?.to_bytes();
        let dir = fs::open(src, DIRF, Mode::empty()).map_err(|e| sys(e, &[b"unable to opendir ", src]))?;
        let first = self.svcs.len();
        let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
        let mut it = RawDir::new(dir.as_fd(), &mut buf);
        while let Some(ent) = it.next() {
            let ent = ent.map_err(|e| sys(e, &[b"unable to readdir ", src]))?;
            let name = ent.file_name().to_bytes();
            if name.is_empty() || name[0] == b'.' || only.is_some_and(|o| !o.contains(&name)) {
                continue;
            }
            let is_dir = match ent.file_type() {
                FileType::Directory => true,
                FileType::Symlink | FileType::Unknown => fs::statat(&dir, name, AtFlags::empty()).is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory),
                _ => false,
            };
            if !is_dir {
                continue;
            }
            let name: &'static [u8] = arena::cstr(&[name]).map_err(|_| oom())?.to_bytes();
            let mut s = Svc::new(name, Kind::Bundle);
            s.src = src;
            self.svcs.push(s).map_err(|_| too_many())?;
        }
        // Bytewise order within a source (a short insertion sort: core's
        // sort costs kilobytes).
        let v = &mut self.svcs[first..];
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && v[j - 1].name > v[j].name {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        for i in first..self.svcs.len() {
            let s = self.svcs[i];
            if self.svcs[..first].iter().any(|o| o.name == s.name) {
                let o = self.svcs[..first].iter().find(|o| o.name == s.name).map_or(Kind::Bundle, |o| o.kind);
                return Err(error(1, &[b"duplicate service definition: ", s.name, b" defined in ", src, b" is already defined and has type ", o.name()]));
            }
            let d = fs::openat(&dir, s.name, DIRF, Mode::empty()).map_err(|e| sys(e, &[b"unable to open ", src, b"/", s.name]))?;
            self.svcs[i] = service(d.as_fd(), s)?;
        }
        Ok(())
    }

    /// s6-overlay's own services: `fix-attrs`, `legacy-cont-init`,
    /// `legacy-services`, `base`, `top`, and empty `user`/`user2` bundles
    /// when the image defines none.
    pub fn add_overlay(&mut self) -> Result<(), Error> {
        for b in [&b"user"[..], b"user2"] {
            if !self.svcs.iter().any(|s| s.name == b) {
                self.push(Svc::new(b, Kind::Bundle))?;
            }
        }
        let one = |name: &'static [u8], internal, deps: &'static [u8]| {
            let mut s = Svc::new(name, Kind::Oneshot);
            s.internal = internal;
            s.raw = deps;
            s.raw_file = b"dependencies";
            s
        };
        self.push(one(b"fix-attrs", Internal::FixAttrs, b""))?;
        self.push(one(b"legacy-cont-init", Internal::ContInit, b"fix-attrs"))?;
        self.push(one(b"legacy-services", Internal::LegacyServices, b"base\nuser"))?;
        let mut base = Svc::new(b"base", Kind::Bundle);
        base.raw = b"fix-attrs\nlegacy-cont-init";
        self.push(base)?;
        let mut top = Svc::new(b"top", Kind::Bundle);
        top.raw = b"base\nuser\nlegacy-services\nuser2";
        self.push(top)
    }

    /// Resolve into the graph (see `super::resolve`).
    pub fn resolve(self) -> Result<super::Db, Error> {
        let n = self.svcs.len();
        let mut i = 0;
        let svcs = arena::alloc_with(n, |_| {
            i += 1;
            self.svcs[i - 1]
        })
        .map_err(|_| oom())?;
        super::resolve(svcs)
    }
}

fn oom() -> Error {
    error(111, &[b"out of memory"])
}

fn sys(e: Errno, parts: &[&[u8]]) -> Error {
    let mut l = crate::base::diag::Line::new();
    for p in parts {
        l.push(p);
    }
    l.push(b": ");
    crate::base::diag::push_errno(&mut l, e);
    error(111, &[l.as_bytes()])
}

/// The whole content of `dir/name`, or `None` when it does not exist.
fn read(dir: BorrowedFd<'_>, name: &[u8]) -> Result<Option<&'static [u8]>, Errno> {
    let f = match fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) {
        Ok(f) => f,
        Err(Errno::NOENT) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut small = [0u8; 1024];
    let mut k = 0;
    while k < small.len() {
        match rustix::io::read(&f, &mut small[k..])? {
            0 => return Ok(Some(arena::cstr(&[&small[..k]])?.to_bytes())),
            r => k += r,
        }
    }
    let size = fs::fstat(&f)?.st_size.clamp(0, 1 << 20) as usize;
    let buf = arena::alloc_bytes(size.max(k), 1)?;
    buf[..k].copy_from_slice(&small[..k]);
    while k < buf.len() {
        match rustix::io::read(&f, &mut buf[k..])? {
            0 => break,
            r => k += r,
        }
    }
    Ok(Some(&buf[..k]))
}

/// A list: the names in `dir/NAME.d/` (joined by newlines), else the list
/// file `dir/NAME`; `None` when neither exists.
fn list(dir: BorrowedFd<'_>, dname: &'static [u8], fname: &'static [u8]) -> Result<Option<(&'static [u8], &'static [u8])>, Errno> {
    let d = match fs::openat(dir, dname, DIRF, Mode::empty()) {
        Ok(d) => d,
        Err(Errno::NOENT) | Err(Errno::NOTDIR) => return Ok(read(dir, fname)?.map(|r| (r, fname))),
        Err(e) => return Err(e),
    };
    Ok(Some((entries(&d)?, dname)))
}

fn entries(d: &OwnedFd) -> Result<&'static [u8], Errno> {
    let mut out: heapless::Vec<u8, 8192> = heapless::Vec::new();
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 1024];
    let mut it = RawDir::new(d.as_fd(), &mut buf);
    while let Some(ent) = it.next() {
        let ent = ent?;
        let n = ent.file_name().to_bytes();
        if !n.is_empty() && n[0] != b'.' {
            out.extend_from_slice(n).map_err(|_| Errno::NOMEM)?;
            out.push(b'\n').map_err(|_| Errno::NOMEM)?;
        }
    }
    Ok(arena::cstr(&[&out])?.to_bytes())
}

/// The files a service directory may hold; one listing tells which exist,
/// so that absent ones cost no `open`.
const FILES: [&[u8]; 18] = [
    b"type", b"flag-essential", b"dependencies.d", b"dependencies", b"contents.d", b"contents", b"timeout-up",
    b"timeout-down", b"up", b"down", b"run", b"notification-fd", b"lock-fd", b"timeout-kill", b"timeout-finish",
    b"max-death-tally", b"producer-for", b"consumer-for",
];

fn present(d: BorrowedFd<'_>) -> Result<u32, Errno> {
    let mut mask = 0;
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 1024];
    let mut it = RawDir::new(d, &mut buf);
    while let Some(ent) = it.next() {
        let ent = ent?;
        if let Some(k) = FILES.iter().position(|f| *f == ent.file_name().to_bytes()) {
            mask |= 1 << k;
        }
    }
    Ok(mask)
}

fn service(d: BorrowedFd<'_>, mut s: Svc) -> Result<Svc, Error> {
    let (src, name) = (s.src, s.name);
    let mask = present(d).map_err(|e| sys(e, &[b"unable to readdir ", src, b"/", name]))?;
    let has = |f: &[u8]| FILES.iter().position(|x| *x == f).is_some_and(|k| mask & (1 << k) != 0);
    let read = |d: BorrowedFd<'_>, f: &[u8]| if has(f) { read(d, f) } else { Ok(None) };
    let list = |d: BorrowedFd<'_>, dn: &'static [u8], f: &'static [u8]| if has(dn) || has(f) { list(d, dn, f) } else { Ok(None) };
    let e111 = |e: Errno, f: &[u8]| sys(e, &[b"unable to read ", src, b"/", name, b"/", f]);
    let bad = |what: &[u8]| error(1, &[b"invalid ", src, b"/", name, b"/", what]);
    let ty = read(d, b"type").map_err(|e| e111(e, b"type"))?;
    s.kind = match ty {
        None if name == b"user" || name == b"user2" => Kind::Bundle,
        None => return Err(e111(Errno::NOENT, b"type")),
        Some(t) => {
            let t = &t[..t.len().min(8)];
            let t = t.strip_suffix(b"\n").unwrap_or(t);
            match t {
                b"oneshot" => Kind::Oneshot,
                b"longrun" => Kind::Longrun,
                b"bundle" => Kind::Bundle,
                _ => return Err(error(1, &[b"invalid ", src, b"/", name, b"/type: must be oneshot, longrun, or bundle"])),
            }
        }
    };
    s.essential = has(b"flag-essential");
    if s.kind == Kind::Bundle {
        let (raw, f) = list(d, b"contents.d", b"contents").map_err(|e| e111(e, b"contents"))?.ok_or_else(|| sys(Errno::NOENT, &[b"unable to open ", src, b"/", name, b"/contents"]))?;
        s.raw = raw;
        s.raw_file = f;
        return Ok(s);
    }
    if let Some((raw, f)) = list(d, b"dependencies.d", b"dependencies").map_err(|e| e111(e, b"dependencies"))? {
        s.raw = raw;
        s.raw_file = f;
    }
    for (f, slot) in [(&b"timeout-up"[..], &mut s.timeout_up), (b"timeout-down", &mut s.timeout_down)] {
        if let Some(v) = read(d, f).map_err(|e| e111(e, f))? {
            let v = &v[..v.len().min(63)];
            let k = v.iter().rposition(|&c| c != b'\n').map_or(0, |k| k + 1);
            match crate::base::num::parse_u64(&v[..k]) {
                Some(n) if n <= u32::MAX as u64 => *slot = n as u32,
                _ => return Err(bad(f)),
            }
        }
    }
    if s.kind == Kind::Oneshot {
        let up = read(d, b"up").map_err(|e| e111(e, b"up"))?.ok_or_else(|| sys(Errno::NOENT, &[b"unable to open ", src, b"/", name, b"/up"]))?;
        let down = read(d, b"down").map_err(|e| e111(e, b"down"))?.unwrap_or(b"");
        s.up = arena::cstr(&[up]).map_err(|_| oom())?;
        s.down = arena::cstr(&[down]).map_err(|_| oom())?;
        return Ok(s);
    }
    match if has(b"run") { fs::statat(d, "run", AtFlags::empty()) } else { Err(Errno::NOENT) } {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => {}
        Ok(_) => return Err(error(1, &[src, b"/", name, b"/run is not a regular file"])),
        Err(_) => return Err(error(1, &[b"unable to find a run script in ", src, b"/", name, b"/run"])),
    }
    for f in [&b"notification-fd"[..], b"lock-fd", b"timeout-kill", b"timeout-finish", b"max-death-tally"] {
        if let Some(v) = read(d, f).map_err(|e| e111(e, f))? {
            let line = v.split(|&c| c == b'\n').next().unwrap_or(b"");
            if crate::base::num::parse_u64(line).is_none() {
                return Err(e111(Errno::INVAL, f));
            }
        }
    }
    s.producer_for = read(d, b"producer-for").map_err(|e| e111(e, b"producer-for"))?.unwrap_or(b"");
    if s.producer_for.is_empty() && has(b"producer-for") {
        return Err(error(1, &[src, b"/", name, b"/producer-for should only contain one service name"]));
    }
    s.consumer_for = read(d, b"consumer-for").map_err(|e| e111(e, b"consumer-for"))?.unwrap_or(b"");
    Ok(s)
}
