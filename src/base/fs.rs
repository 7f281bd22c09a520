//! Files and directories, written once (skalibs' djbunix part): whole-file
//! readers into the arena, a full read into a buffer, the first line of a
//! small file, mkdir-if-missing, a directory walk, recursive removal, a
//! data copy, and atomic replacement (a file written aside, then put in
//! place of the old one in one step, as s6 writes its files).
use crate::sys::arena;
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags, RawDir};
use rustix::io::Errno;

/// Read `f` to its end, at most `max` bytes, into the arena. The buffer
/// starts at the file's size (64 bytes for a pipe) and doubles when the
/// file grows while it is read.
pub fn read_fd(f: BorrowedFd<'_>, max: usize) -> Result<&'static mut [u8], Errno> {
    read_sized(f, fs::fstat(f)?.st_size as usize, max)
}

/// `read_fd` when the caller knows the file's size already.
pub fn read_sized(f: BorrowedFd<'_>, size: usize, max: usize) -> Result<&'static mut [u8], Errno> {
    let mut cap = size.max(64).min(max) + 1;
    let mut buf = arena::alloc_bytes(cap, 1)?;
    let mut len = 0;
    loop {
        if len == max {
            return Ok(&mut buf[..len]);
        }
        if len == cap {
            let bigger = arena::alloc_bytes(cap * 2, 1)?;
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
            cap *= 2;
        }
        let end = cap.min(max);
        match rustix::io::read(f, &mut buf[len..end]) {
            Ok(0) => return Ok(&mut buf[..len]),
            Ok(n) => len += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `dir/name` (or `name` itself when `dir` is None) whole, at most `max`
/// bytes, in the arena.
pub fn read_at(dir: Option<BorrowedFd<'_>>, name: &CStr, max: usize) -> Result<&'static [u8], Errno> {
    let fl = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let f = match dir {
        Some(d) => fs::openat(d, name, fl, Mode::empty())?,
        None => fs::open(name, fl, Mode::empty())?,
    };
    read_fd(f.as_fd(), max).map(|b| &*b)
}

/// A whole small file (up to 256 KiB), or `None` when unreadable.
pub fn read_small(path: &CStr) -> Option<&'static [u8]> {
    read_at(None, path, 1 << 18).ok()
}

/// A whole small system file (`/etc/passwd`); empty when unreadable.
pub fn read_or_empty(path: &CStr) -> &'static [u8] {
    read_at(None, path, usize::MAX).unwrap_or(b"")
}

/// Read as much of `buf` as the file gives (stops at EOF).
pub fn read_full(f: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut n = 0;
    while n < buf.len() {
        match rustix::io::read(f, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The first line of `dir/name` (at most `buf`'s size), or `None` when the
/// file cannot be read.
pub fn first_line<'b>(dir: BorrowedFd<'_>, name: &CStr, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let n = rustix::io::read(&f, &mut *buf).ok()?;
    buf[..n].split(|&c| c == b'\n').next()
}

/// `mkdir dir/name`; an entry already there is fine (`fs::CWD` for a
/// path).
pub fn mkdir_ok<P: rustix::path::Arg>(dir: BorrowedFd<'_>, name: P, mode: u32) -> Result<(), Errno> {
    match fs::mkdirat(dir, name, Mode::from_raw_mode(mode)) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Call `f` with the name and type (as `getdents` says it, maybe
/// `Unknown`) of every entry of `dir` but `.` and `..`, from the start of
/// the directory, until `f` or the walk fails.
pub fn for_each_entry(
    dir: BorrowedFd<'_>,
    f: &mut dyn FnMut(&CStr, FileType) -> Result<(), Errno>,
) -> Result<(), Errno> {
    fs::seek(dir, fs::SeekFrom::Start(0))?;
    for_each_new(dir, f)
}

/// [`for_each_entry`] on a descriptor just opened, which is at the start
/// of the directory already (no `lseek`).
pub fn for_each_new(dir: BorrowedFd<'_>, f: &mut dyn FnMut(&CStr, FileType) -> Result<(), Errno>) -> Result<(), Errno> {
    for_each_raw(dir, &mut |name, t| if name == c"." || name == c".." { Ok(()) } else { f(name, t) })
}

/// Every entry of a directory just opened, `.` and `..` included, in the
/// order `getdents` gives them (what `readdir` sees: s6-ls).
pub fn for_each_raw(dir: BorrowedFd<'_>, f: &mut dyn FnMut(&CStr, FileType) -> Result<(), Errno>) -> Result<(), Errno> {
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
    let mut it = RawDir::new(dir, &mut buf);
    while let Some(ent) = it.next() {
        let ent = ent?;
        f(ent.file_name(), ent.file_type())?;
    }
    Ok(())
}

/// Remove `name` in `dir` recursively, never following a symlink, at
/// most `depth` directories deep (`ELOOP` beyond). A name that cannot be
/// unlinked and is not a directory keeps the unlink's error.
pub fn remove_tree(dir: BorrowedFd<'_>, name: &[u8], depth: u32) -> Result<(), Errno> {
    let e = match fs::unlinkat(dir, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => return Ok(()),
        Err(e @ (Errno::ISDIR | Errno::PERM)) => e,
        Err(e) => return Err(e),
    };
    if depth == 0 {
        return Err(Errno::LOOP);
    }
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let sub = match fs::openat(dir, name, flags, Mode::empty()) {
        Err(Errno::NOTDIR) => return Err(e),
        r => r?,
    };
    remove_entries(sub.as_fd(), depth - 1, |_| false)?;
    fs::unlinkat(dir, name, AtFlags::REMOVEDIR)
}

/// Remove every entry of `dir` that `keep` does not name (recursively, as
/// `remove_tree`).
pub fn remove_entries(dir: BorrowedFd<'_>, depth: u32, keep: impl Fn(&[u8]) -> bool) -> Result<(), Errno> {
    // Re-list after each pass that removed something: entries removed while
    // getdents walks the directory may make it skip others.
    loop {
        let mut removed = 0;
        for_each_entry(dir, &mut |n, _| {
            let n = n.to_bytes();
            if !keep(n) {
                remove_tree(dir, n, depth)?;
                removed += 1;
            }
            Ok(())
        })?;
        if removed == 0 {
            return Ok(());
        }
    }
}

/// Copy what is left to read of `src` to `dst`.
pub fn copy_data(src: BorrowedFd<'_>, dst: BorrowedFd<'_>) -> Result<(), Errno> {
    let mut buf = [0u8; 4096];
    loop {
        match rustix::io::read(src, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => crate::sys::fd::write_all(dst, &buf[..n])?,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Replace `dir/name` by `parts` atomically, through `dir/tmp`: `tmp` is
/// written (made with `mode` when missing, else rewritten in place and cut
/// to its new length), then put in place by [`swap_in`]. A reader sees the
/// old file or the new one, whole.
pub fn replace_atomic(dir: BorrowedFd<'_>, tmp: &CStr, name: &CStr, parts: &[&[u8]], mode: u32) -> Result<(), Errno> {
    let mut sz = Sizes::UNKNOWN;
    replace_sized(dir, tmp, name, parts, mode, &mut sz)
}

/// What a writer that alone replaces `name` through `tmp` knows of the
/// two files: at most how many bytes each holds (`Some(0)`: missing or
/// empty; `None`: not known). When `tmp` is known to be no longer than
/// what is written, no `fstat` is needed to tell whether to cut it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Sizes {
    pub name: Option<u64>,
    pub tmp: Option<u64>,
}

impl Sizes {
    pub const UNKNOWN: Sizes = Sizes { name: None, tmp: None };
    /// Neither file exists yet.
    pub const NONE: Sizes = Sizes { name: Some(0), tmp: Some(0) };
}

/// [`replace_atomic`], keeping `sz` up to date.
pub fn replace_sized(
    dir: BorrowedFd<'_>,
    tmp: &CStr,
    name: &CStr,
    parts: &[&[u8]],
    mode: u32,
    sz: &mut Sizes,
) -> Result<(), Errno> {
    let was = sz.tmp.take();
    let f = open_rewrite(dir, tmp, mode)?;
    let mut len = 0;
    for p in parts {
        crate::sys::fd::write_all(f.as_fd(), p)?;
        len += p.len() as u64;
    }
    match was {
        Some(w) => cut_from(f.as_fd(), w, len)?,
        None => cut(f.as_fd(), len)?,
    }
    drop(f);
    sz.tmp = match swap_in_how(dir, tmp, name)? {
        Swapped::Exchanged => sz.name,
        Swapped::Renamed => Some(0),
    };
    sz.name = Some(len);
    Ok(())
}

/// [`replace_atomic`] where `name` is known not to exist yet (a file in a
/// directory just made): `tmp` is made (`O_EXCL`: `EEXIST` when it is
/// there, and the caller falls back to `replace_atomic`), written and
/// renamed to `name`, with no exchange to try and nothing to cut.
pub fn create_atomic(dir: BorrowedFd<'_>, tmp: &CStr, name: &CStr, parts: &[&[u8]], mode: u32) -> Result<(), Errno> {
    create_new(dir, tmp, parts, mode)?;
    fs::renameat(dir, tmp, dir, name)
}

/// Make `dir/name` (`O_EXCL`: `EEXIST` when it is there) holding `parts`.
pub fn create_new(dir: BorrowedFd<'_>, name: &CStr, parts: &[&[u8]], mode: u32) -> Result<(), Errno> {
    create_new_fd(dir, name, parts, mode).map(drop)
}

/// Whether `p` (followed if a symlink) is a directory.
pub fn is_dir(p: &CStr) -> Result<bool, Errno> {
    fs::stat(p).map(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory)
}

/// [`create_new`], keeping the file open.
pub fn create_new_fd(
    dir: BorrowedFd<'_>,
    name: &CStr,
    parts: &[&[u8]],
    mode: u32,
) -> Result<rustix::fd::OwnedFd, Errno> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let f = fs::openat(dir, name, flags, Mode::from_raw_mode(mode))?;
    parts.iter().try_for_each(|p| crate::sys::fd::write_all(f.as_fd(), p))?;
    Ok(f)
}

/// Open `dir/tmp` to be written from its start (made with `mode` when
/// missing). Never truncated on open: the writer cuts it to its new length
/// once written ([`cut`]), so a block it has is kept, not freed and
/// allocated again.
pub fn open_rewrite(dir: BorrowedFd<'_>, tmp: &CStr, mode: u32) -> Result<rustix::fd::OwnedFd, Errno> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    fs::openat(dir, tmp, flags, Mode::from_raw_mode(mode))
}

/// Cut a file written from its start by [`open_rewrite`] to the `len`
/// bytes written, when it was longer: an `ftruncate` only then, as ext4
/// truncates (a journal handle, the orphan list) even to the same size.
pub fn cut(f: BorrowedFd<'_>, len: u64) -> Result<(), Errno> {
    cut_from(f, fs::fstat(f)?.st_size as u64, len)
}

/// [`cut`] for a file known to have had `was` bytes when opened.
pub fn cut_from(f: BorrowedFd<'_>, was: u64, len: u64) -> Result<(), Errno> {
    if was > len { fs::ftruncate(f, len) } else { Ok(()) }
}

/// Put `dir/tmp` in place of `dir/name` atomically. The two are exchanged
/// (`renameat2(RENAME_EXCHANGE)`), so that `tmp` keeps the previous content
/// and is the next change's file: nothing is freed. On a disk, freeing a
/// file's block can cost a synchronous discard (ext4 `-o discard`: about
/// 0.3 ms a file here, against 0.03 ms for an exchange), and making inodes
/// right after frees is slow on ext4. When `name` does not exist yet, or
/// the filesystem cannot exchange, `tmp` is renamed over it, as s6 does.
pub fn swap_in(dir: BorrowedFd<'_>, tmp: &CStr, name: &CStr) -> Result<(), Errno> {
    swap_in_how(dir, tmp, name).map(drop)
}

/// How [`swap_in`] put the file in place.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Swapped {
    /// `tmp` now holds what `name` held.
    Exchanged,
    /// `tmp` is gone.
    Renamed,
}

/// [`swap_in`], saying how.
pub fn swap_in_how(dir: BorrowedFd<'_>, tmp: &CStr, name: &CStr) -> Result<Swapped, Errno> {
    match fs::renameat_with(dir, tmp, dir, name, fs::RenameFlags::EXCHANGE) {
        Err(Errno::NOENT | Errno::INVAL | Errno::NOSYS) => fs::renameat(dir, tmp, dir, name).map(|()| Swapped::Renamed),
        r => r.map(|()| Swapped::Exchanged),
    }
}

/// Put `dir/tmp` in place of `dir/name` atomically, where `name` is one of
/// several links to a file that stays (the scan lock): the two are
/// exchanged, then `tmp`, now that link, is removed (no inode or block is
/// freed). A rename over `name` would do the same in one call, but ext4
/// (`auto_da_alloc`) then writes `tmp`'s data out at once, which costs
/// several exchanges. Where the exchange cannot be made, `tmp` is renamed
/// over `name`; where the link cannot be removed, the exchange is undone
/// and `tmp` renamed over. If that fails too (or the process is killed
/// between the two calls), `tmp` stays a name of the shared file: its
/// writer must check the link count before writing into it.
pub fn replace_link(dir: BorrowedFd<'_>, tmp: &CStr, name: &CStr) -> Result<(), Errno> {
    if fs::renameat_with(dir, tmp, dir, name, fs::RenameFlags::EXCHANGE).is_ok() {
        if fs::unlinkat(dir, tmp, fs::AtFlags::empty()).is_ok() {
            return Ok(());
        }
        fs::renameat_with(dir, tmp, dir, name, fs::RenameFlags::EXCHANGE)?;
    }
    fs::renameat(dir, tmp, dir, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::CWD;

    fn tmp(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("rs6-fs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn c(p: &std::path::Path) -> std::ffi::CString {
        std::ffi::CString::new(p.to_str().unwrap()).unwrap()
    }

    #[test]
    fn readers() {
        let d = tmp("read");
        let big: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(d.join("big"), &big).unwrap();
        std::fs::write(d.join("small"), b"first\nsecond\n").unwrap();
        assert_eq!(read_at(None, &c(&d.join("big")), usize::MAX).unwrap(), &big[..]);
        assert_eq!(read_at(None, &c(&d.join("big")), 10).unwrap(), &big[..10]);
        assert_eq!(read_or_empty(&c(&d.join("missing"))), b"");
        assert_eq!(read_small(&c(&d.join("small"))).unwrap(), b"first\nsecond\n");
        let dir = fs::open(c(&d).as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let mut b = [0u8; 32];
        assert_eq!(first_line(dir.as_fd(), c"small", &mut b), Some(&b"first"[..]));
        assert_eq!(first_line(dir.as_fd(), c"missing", &mut b), None);
        // A pipe: no size to start from, the buffer grows.
        let (r, w) = rustix::pipe::pipe().unwrap();
        crate::sys::fd::write_all(w.as_fd(), &big[..3000]).unwrap();
        drop(w);
        assert_eq!(read_fd(r.as_fd(), usize::MAX).unwrap(), &big[..3000]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn dirs_and_replace() {
        let d = tmp("dir");
        let p = c(&d.join("sub"));
        mkdir_ok(CWD, &*p, 0o700).unwrap();
        mkdir_ok(CWD, &*p, 0o700).unwrap();
        assert_eq!(mkdir_ok(CWD, c"/nonexistent-rs6/x", 0o700), Err(Errno::NOENT));
        let dir = fs::open(c(&d).as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        replace_atomic(dir.as_fd(), c"f.new", c"f", &[b"a", b"bc\n"], 0o644).unwrap();
        assert_eq!(std::fs::read(d.join("f")).unwrap(), b"abc\n");
        assert!(!d.join("f.new").exists());
        // The second replacement exchanges: the old content stays in
        // `f.new`, the same two inodes keep being used.
        replace_atomic(dir.as_fd(), c"f.new", c"f", &[b"xyz\n"], 0o644).unwrap();
        assert_eq!(std::fs::read(d.join("f")).unwrap(), b"xyz\n");
        assert_eq!(std::fs::read(d.join("f.new")).unwrap(), b"abc\n");
        let ino = |n: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(d.join(n)).unwrap());
        let (a, b) = (ino("f"), ino("f.new"));
        replace_atomic(dir.as_fd(), c"f.new", c"f", &[b"a longer line\n"], 0o644).unwrap();
        replace_atomic(dir.as_fd(), c"f.new", c"f", &[b"s\n"], 0o644).unwrap();
        assert_eq!(std::fs::read(d.join("f")).unwrap(), b"s\n");
        assert_eq!(std::fs::read(d.join("f.new")).unwrap(), b"a longer line\n");
        assert_eq!((ino("f"), ino("f.new")), (a, b));
        std::fs::remove_file(d.join("f.new")).unwrap();
        // create_atomic: a new name through a new tmp; EEXIST (the caller's
        // cue to replace instead) when tmp is there, nothing changed.
        create_atomic(dir.as_fd(), c"g.new", c"g", &[b"1\n"], 0o644).unwrap();
        assert_eq!(std::fs::read(d.join("g")).unwrap(), b"1\n");
        std::fs::write(d.join("g.new"), b"old").unwrap();
        assert_eq!(create_atomic(dir.as_fd(), c"g.new", c"g", &[b"2\n"], 0o644), Err(Errno::EXIST));
        assert_eq!(std::fs::read(d.join("g")).unwrap(), b"1\n");
        std::fs::remove_file(d.join("g.new")).unwrap();
        std::fs::remove_file(d.join("g")).unwrap();
        // replace_sized: what the writer knows of the two files' sizes
        // follows the exchanges; a file it did not write is cut after an
        // fstat, one it knows to be longer without.
        std::fs::write(d.join("h"), b"somebody else's long content\n").unwrap();
        let mut sz = Sizes::UNKNOWN;
        replace_sized(dir.as_fd(), c"h.new", c"h", &[b"abc\n"], 0o644, &mut sz).unwrap();
        assert_eq!(sz, Sizes { name: Some(4), tmp: None });
        replace_sized(dir.as_fd(), c"h.new", c"h", &[b"xyz\n"], 0o644, &mut sz).unwrap();
        assert_eq!(std::fs::read(d.join("h")).unwrap(), b"xyz\n");
        assert_eq!(sz, Sizes { name: Some(4), tmp: Some(4) });
        replace_sized(dir.as_fd(), c"h.new", c"h", &[b"1\n"], 0o644, &mut sz).unwrap();
        assert_eq!(std::fs::read(d.join("h")).unwrap(), b"1\n");
        assert_eq!(std::fs::read(d.join("h.new")).unwrap(), b"xyz\n");
        std::fs::remove_file(d.join("h.new")).unwrap();
        std::fs::remove_file(d.join("h")).unwrap();
        replace_sized(dir.as_fd(), c"h.new", c"h", &[b"22\n"], 0o644, &mut sz).unwrap();
        assert_eq!(sz, Sizes { name: Some(3), tmp: Some(0) });
        std::fs::remove_file(d.join("h")).unwrap();
        let mut names = Vec::new();
        // Twice: each walk starts from the beginning.
        for _ in 0..2 {
            names.clear();
            for_each_entry(dir.as_fd(), &mut |n, _| {
                names.push(n.to_bytes().to_vec());
                Ok(())
            })
            .unwrap();
        }
        names.sort();
        assert_eq!(names, [b"f".to_vec(), b"sub".to_vec()]);
        let stop = for_each_entry(dir.as_fd(), &mut |_, _| Err(Errno::INTR));
        assert_eq!(stop, Err(Errno::INTR));
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// `replace_link`: the new file takes the name, the shared file keeps
    /// its content and loses that link only, and `tmp` is gone.
    #[test]
    fn replace_a_link() {
        use std::os::unix::fs::MetadataExt;
        let d = tmp("link");
        std::fs::write(d.join("lock"), b"").unwrap();
        std::fs::hard_link(d.join("lock"), d.join("t")).unwrap();
        std::fs::write(d.join("t.new"), b"rec\n").unwrap();
        let dir = fs::open(c(&d).as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        replace_link(dir.as_fd(), c"t.new", c"t").unwrap();
        assert_eq!(std::fs::read(d.join("t")).unwrap(), b"rec\n");
        assert!(!d.join("t.new").exists());
        let lock = std::fs::metadata(d.join("lock")).unwrap();
        assert_eq!((lock.nlink(), lock.len()), (1, 0));
        // No `name` yet: a rename.
        std::fs::write(d.join("u.new"), b"x").unwrap();
        replace_link(dir.as_fd(), c"u.new", c"u").unwrap();
        assert_eq!(std::fs::read(d.join("u")).unwrap(), b"x");
        assert!(!d.join("u.new").exists());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn remove_and_copy() {
        let d = tmp("rm");
        std::fs::create_dir_all(d.join("t/a/b/c")).unwrap();
        std::fs::write(d.join("t/a/b/c/f"), b"x").unwrap();
        std::fs::write(d.join("t/keep"), b"k").unwrap();
        std::fs::write(d.join("t/g"), b"g").unwrap();
        std::os::unix::fs::symlink(&d, d.join("t/a/up")).unwrap();
        std::fs::create_dir_all(d.join("deep/a/b")).unwrap();
        let dir = fs::open(c(&d).as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        // Too deep: refused.
        assert_eq!(remove_tree(dir.as_fd(), b"deep", 1), Err(Errno::LOOP));
        assert!(d.join("deep/a/b").exists());
        let t = fs::open(c(&d.join("t")).as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        remove_entries(t.as_fd(), 8, |n| n == b"keep").unwrap();
        let left: Vec<_> = std::fs::read_dir(d.join("t")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["keep"]);
        assert!(d.exists());
        // copy_data copies what is left to read.
        let src = fs::open(c(&d.join("t/keep")).as_c_str(), OFlags::RDONLY, Mode::empty()).unwrap();
        let flags = OFlags::WRONLY | OFlags::CREATE;
        let dst = fs::open(c(&d.join("t/copy")).as_c_str(), flags, Mode::from_raw_mode(0o600)).unwrap();
        copy_data(src.as_fd(), dst.as_fd()).unwrap();
        assert_eq!(std::fs::read(d.join("t/copy")).unwrap(), b"k");
        remove_tree(dir.as_fd(), b"t", 8).unwrap();
        remove_tree(dir.as_fd(), b"t", 8).unwrap();
        assert!(!d.join("t").exists());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
