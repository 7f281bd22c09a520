//! s6-portable-utils' directory and file tools (2.3.1): `s6-ls` (a
//! directory's names), `s6-update-symlinks` (one tree of symlinks merging
//! several trees, replaced atomically where the filesystem allows) and
//! `seekablepipe` (stdin copied to an unlinked file the program then reads).
//! Usage strings, messages, exit codes and output are upstream's.
use crate::base::chain::{self, opts};
use crate::base::fs::{for_each_new, for_each_raw, remove_tree};
use crate::base::io::BufOut;
use crate::base::random::unique_name;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::arena::Vec;
use crate::sys::fd;
use core::ffi::CStr;
use rustix::fd::AsFd;
use rustix::fs::{self, CWD, Mode, OFlags};
use rustix::io::Errno;

fn open_dir(path: &CStr) -> Result<rustix::fd::OwnedFd, Errno> {
    fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
}

fn die_write(e: Errno) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"])
}

/// `s6-ls [-0] [-a|-A] [-x exclude] dir`: the names in `dir`, one a line
/// (`-0`: each followed by a NUL), in the directory's order; names
/// starting with `.` only with `-a` (not `.` and `..`) or `-A` (those too);
/// never `exclude`.
pub fn ls(args: Args) -> u8 {
    const U: &[u8] = b"s6-ls [ -0 ] [ -a | -A ] [ -x exclude ] dir";
    let (mut delim, mut all, mut exclude) = (b'\n', 0, None);
    let rest = opts(args, b"0aAx:", U, &mut |c, a| {
        match c {
            b'0' => delim = 0,
            b'a' => all = 1,
            b'A' => all = 2,
            b'x' => exclude = Some(a),
            _ => return false,
        }
        true
    });
    let Some(path) = rest.get_arg(0) else { diag::usage(U) };
    let dir = open_dir(path)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open directory ", path.to_bytes()]));
    let mut space = [0u8; 8192];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    // As readdir's: an error reading the directory ends the list.
    let _ = for_each_raw(dir.as_fd(), &mut |name, _| {
        let n = name.to_bytes();
        let hidden = match n {
            b"." | b".." => all < 2,
            [b'.', ..] => all < 1,
            _ => false,
        };
        if !hidden && exclude != Some(n) {
            out.put_all(&[n, &[delim]]).unwrap_or_else(|e| die_write(e));
        }
        Ok(())
    });
    out.flush().unwrap_or_else(|e| die_write(e));
    exit::OK
}

/// A path being built, kept NUL-terminated.
struct Path(Vec<u8>);

impl Path {
    fn of(parts: &[&[u8]]) -> Path {
        let mut p = Path(Vec::new());
        p.0.push(0);
        for part in parts {
            p.add(part);
        }
        p
    }
    fn bytes(&self) -> &[u8] {
        &self.0.get()[..self.0.n - 1]
    }
    fn c(&self) -> &CStr {
        CStr::from_bytes_until_nul(self.0.get()).unwrap_or(c"")
    }
    /// Append `s`; returns the length to go back to.
    fn add(&mut self, s: &[u8]) -> usize {
        let was = self.0.n - 1;
        self.0.n -= 1;
        s.iter().for_each(|&c| self.0.push(c));
        self.0.push(0);
        was
    }
    fn cut(&mut self, len: usize) {
        self.0.n = len + 1;
        self.0.get_mut()[len] = 0;
    }
}

/// How deep a tree s6-update-symlinks removes goes.
const MAX_DEPTH: u32 = 256;

/// Why a source could not be added.
enum Failed {
    Sys(Errno),
    /// The destination so far has a directory where the source has a file:
    /// these two paths.
    Conflict(&'static [u8], &'static [u8]),
}

impl From<Errno> for Failed {
    fn from(e: Errno) -> Failed {
        Failed::Sys(e)
    }
}

/// What adding a source did to the destination.
#[derive(PartialEq, Eq)]
enum Added {
    /// Something was added to it.
    Modified,
    /// It was replaced by a link to the source.
    Overridden,
}

fn copy(s: &[u8]) -> &'static [u8] {
    let mut v = Vec::new();
    s.iter().for_each(|&c| v.push(c));
    v.done()
}

/// The names in a directory but `.` and `..`, each followed by a NUL.
fn names(dir: rustix::fd::BorrowedFd<'_>) -> Result<Vec<u8>, Errno> {
    let mut v = Vec::new();
    for_each_new(dir, &mut |n, _| {
        n.to_bytes_with_nul().iter().for_each(|&c| v.push(c));
        Ok(())
    })?;
    Ok(v)
}

/// Make the symlink `dst` a real directory of links to what its target
/// holds (`dir`, open on it); minus the number of entries.
fn expand(dir: rustix::fd::BorrowedFd<'_>, dst: &mut Path) -> Result<i64, Errno> {
    let mut buf = [0u8; 4096];
    let n = fs::readlinkat_raw(CWD, dst.c(), &mut buf[..])?;
    let mut link = Path::of(&[&buf[..n], b"/"]);
    let base = link.bytes().len();
    fs::unlink(dst.c())?;
    fs::mkdir(dst.c(), Mode::from_raw_mode(0o777))?;
    let mark = dst.add(b"/");
    let mut diff = 0;
    let r = for_each_new(dir, &mut |name, _| {
        diff -= 1;
        link.cut(base);
        link.add(name.to_bytes());
        let at = dst.add(name.to_bytes());
        let r = fs::symlink(link.c(), dst.c());
        dst.cut(at);
        r
    });
    dst.cut(mark);
    r.map(|()| diff)
}

/// Link what `src` holds into `dst`, as upstream's `addlink`: a missing
/// `dst` becomes a link to `src`; a `dst` that is not a directory is
/// replaced by one; a link to a directory is made a real directory of
/// links (expanded) and `src`'s entries are added in it, recursively. A
/// directory whose every entry the source overrides becomes a link to it.
fn add(dst: &mut Path, src: &mut Path) -> Result<Added, Failed> {
    match fs::symlink(src.c(), dst.c()) {
        Ok(()) => return Ok(Added::Modified),
        Err(Errno::EXIST) => {}
        Err(e) => return Err(e.into()),
    }
    let dir = match open_dir(dst.c()) {
        Ok(d) => d,
        Err(Errno::NOTDIR) => {
            fs::unlink(dst.c())?;
            fs::symlink(src.c(), dst.c())?;
            return Ok(Added::Overridden);
        }
        Err(e) => return Err(e.into()),
    };
    // Entries the source has, minus those the destination had.
    let mut diff = match fs::readlinkat_raw(CWD, dst.c(), &mut [0u8; 1][..]) {
        Err(Errno::INVAL) => -(names(dir.as_fd())?.get().iter().filter(|&&c| c == 0).count() as i64),
        Err(e) => return Err(e.into()),
        Ok(_) => expand(dir.as_fd(), dst)?,
    };
    drop(dir);
    let entries = match open_dir(src.c()) {
        Ok(d) => names(d.as_fd())?,
        Err(Errno::NOTDIR) => return Err(Failed::Conflict(copy(dst.bytes()), copy(src.bytes()))),
        Err(e) => return Err(e.into()),
    };
    let mut collect = true;
    for name in entries.get().split(|&c| c == 0).filter(|n| !n.is_empty()) {
        diff += 1;
        let (d, s) = (dst.add(b"/"), src.add(b"/"));
        dst.add(name);
        src.add(name);
        let r = add(dst, src);
        dst.cut(d);
        src.cut(s);
        collect &= r? == Added::Overridden;
    }
    if collect && diff == 0 {
        remove_tree(CWD, dst.bytes(), MAX_DEPTH)?;
        fs::symlink(src.c(), dst.c())?;
        return Ok(Added::Overridden);
    }
    Ok(Added::Modified)
}

/// `s6-update-symlinks /destdir /srcdir…`: make `destdir` a tree of
/// symlinks to what the sources hold, a later source winning a name. The
/// tree is built aside (`destdir:s6-update-symlinks-new:…`), then renamed
/// over `destdir` in one step; when the rename cannot replace it (a
/// directory), the old one is renamed away first, then removed. A source
/// file where the tree has a directory is a conflict: 100.
pub fn update_symlinks(args: Args) -> u8 {
    const U: &[u8] = b"s6-update-symlinks /destdir /srcdir [ /srcdir ... ]";
    if args.len() < 3 || args.skip(1).iter().any(|a| a.to_bytes().first() != Some(&b'/')) {
        diag::usage(U);
    }
    let given = args.get_arg(1).map_or(&b""[..], CStr::to_bytes);
    let target = &given[..given.iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1)];
    if target.is_empty() {
        diag::fatal(exit::USAGE, &[b"unable to replace root directory"]);
    }
    let aside = |magic: &[u8]| {
        let mut p = Path::of(&[target, magic]);
        p.0.n -= 1;
        unique_name(&mut p.0, 8);
        p.0.push(0);
        p
    };
    let mut new = aside(b":s6-update-symlinks-new");
    let cleanup = |p: &Path| {
        let _ = remove_tree(CWD, p.bytes(), MAX_DEPTH);
    };
    match fs::unlink(new.c()) {
        Ok(()) | Err(Errno::NOENT) => {}
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to unlink ", new.bytes()]),
    }
    for s in args.skip(2).iter() {
        match add(&mut new, &mut Path::of(&[s.to_bytes()])) {
            Ok(_) => {}
            Err(Failed::Sys(e)) => {
                cleanup(&new);
                diag::fatal_sys(exit::SYSCALL, e, &[b"error processing ", s.to_bytes()]);
            }
            Err(Failed::Conflict(d, s)) => {
                cleanup(&new);
                diag::fatal(exit::USAGE, &[b"destination ", d, b" conflicts with source ", s]);
            }
        }
    }
    let target = Path::of(&[target]);
    if fs::rename(new.c(), target.c()).is_ok() {
        return exit::OK;
    }
    let old = aside(b":s6-update-symlinks-old");
    if let Err(e) = fs::rename(target.c(), old.c()) {
        cleanup(&new);
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to rename ", target.bytes(), b" to ", old.bytes()]);
    }
    // Until the next rename, there is no destdir: upstream's race too.
    if let Err(e) = fs::rename(new.c(), target.c()) {
        let _ = fs::rename(old.c(), target.c());
        cleanup(&new);
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to rename ", new.bytes(), b" to ", target.bytes()]);
    }
    if let Err(e) = remove_tree(CWD, old.bytes(), MAX_DEPTH) {
        diag::warn_sys(e, &[b"unable to remove old directory ", old.bytes()]);
    }
    exit::OK
}

/// `seekablepipe tempfile prog…`: copy stdin to `tempfile`, unlinked at
/// once, then exec prog reading it from its start (a seekable stdin).
pub fn seekablepipe(args: Args) -> u8 {
    let (Some(tmp), true) = (args.get_arg(1), args.len() >= 3) else { diag::usage(b"seekablepipe tempfile prog...") };
    let t = tmp.to_bytes();
    let die = |e, parts: &[&[u8]]| -> ! { diag::fatal_sys(exit::SYSCALL, e, parts) };
    let flags = OFlags::WRONLY | OFlags::NONBLOCK | OFlags::TRUNC | OFlags::CREATE;
    let w = fs::open(tmp, flags, Mode::from_raw_mode(0o666))
        .unwrap_or_else(|e| die(e, &[b"unable to create temporary ", t]));
    let r = fs::open(tmp, OFlags::RDONLY, Mode::empty())
        .unwrap_or_else(|e| die(e, &[b"unable to open ", t, b" for reading"]));
    let _ = fs::unlink(tmp);
    if let Err(e) = fs::fcntl_getfl(&w).and_then(|fl| fs::fcntl_setfl(&w, fl - OFlags::NONBLOCK)) {
        die(e, &[b"unable to set fdw blocking"]);
    }
    if let Err(e) = crate::base::fs::copy_data(fd::stdin(), w.as_fd()) {
        die(e, &[b"unable to read from stdin"]);
    }
    drop(w);
    if let Err(e) = fd::dup_to_stdin(&r) {
        die(e, &[b"unable to move temporary file descriptor"]);
    }
    drop(r);
    chain::exec_here(args.skip(2))
}
