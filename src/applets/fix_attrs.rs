//! `fix-attrs [FILE...]`: the ownership and permission fixes of
//! s6-overlay's `fix-attrs.d`, read from each FILE in turn, or from stdin
//! (named `-` in messages) when there is none.
//!
//! One rule per line, fields separated by spaces or tabs:
//! `path recurse account fmode dmode`. Blank lines and lines starting with
//! `#` are skipped. `path` is an absolute pattern (`*`, `?`, `[…]` in any
//! component; names starting with `.` only match a component that starts
//! with `.`); `recurse` is `true` or `false`; `account` is
//! `user[:group][,uid:gid]` (see `base::passwd::resolve`); `fmode` and
//! `dmode` are octal modes for non-directories and directories, or `-` to
//! leave modes alone.
//!
//! Each match is chowned, then chmodded (a symlink matched by the pattern is
//! followed). With `recurse`, a directory's entries follow, but nothing
//! found below a match is ever followed through a symlink: entries are
//! opened relative to their directory's descriptor with `O_NOFOLLOW`, a
//! symlink gets its own owner changed and never a mode, and only real
//! directories are entered (at most `MAX_DEPTH` levels). Entries starting
//! with `.` are skipped unless `S6_FIX_ATTRS_HIDDEN` is a non-zero number,
//! read from the environment or else from the container environment.
//!
//! Every problem is a `fix-attrs: warning: FILE:LINE: …` line and the other
//! rules still run. A pattern matching nothing is reported but is no
//! failure; a bad line, an unknown account without a fallback, a missing
//! plain path or a failed chown/chmod make the exit code 1. A line with a
//! NUL byte ends its file (binary data). A FILE that cannot be read makes it
//! 111, once the other files are done; bad usage is 100.
use crate::base::diag;
use crate::base::fs::read_or_empty;
use crate::base::io::LineReader;
use crate::base::passwd::{self, Unresolved};
use crate::base::{exit, glob, num::parse_u64};
use crate::rt::{Args, Env, prog};
use crate::s6::envdir;
use crate::sys::{arena, fd};
use core::ffi::CStr;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, CWD, FileType, Gid, Mode, OFlags, Uid};
use rustix::io::Errno;

const USAGE: &[u8] = b"fix-attrs [FILE...]";
/// Longest line, newline excluded.
pub const LINE_MAX: usize = 4096;
/// Directory levels entered below a match.
pub const MAX_DEPTH: usize = 64;
/// A matched path (at most PATH_MAX) and MAX_DEPTH names below it.
const PATH_CAP: usize = 4096 + MAX_DEPTH * 256 + 2;
const HIDDEN: &[u8] = b"S6_FIX_ATTRS_HIDDEN";
const HIDDEN_FILE: &CStr = c"/run/s6/container_environment/S6_FIX_ATTRS_HIDDEN";

/// One parsed line.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub struct Rule<'a> {
    pub path: &'a [u8],
    pub recurse: bool,
    pub account: &'a [u8],
    pub fmode: Option<u32>,
    pub dmode: Option<u32>,
}

/// An octal mode of 1 to 4 digits, or `-` (`Some(None)`: leave it).
pub fn parse_mode(s: &[u8]) -> Option<Option<u32>> {
    if s == b"-" {
        return Some(None);
    }
    if s.is_empty() || s.len() > 4 || !s.iter().all(|c| (b'0'..=b'7').contains(c)) {
        return None;
    }
    Some(Some(s.iter().fold(0, |m, &c| m * 8 + (c - b'0') as u32)))
}

/// Parse a line: `Ok(None)` for a blank line or a comment, else the rule or
/// what is wrong (a message and the field it is about).
pub fn parse(line: &[u8]) -> Result<Option<Rule<'_>>, (&'static [u8], &[u8])> {
    let mut f: [&[u8]; 5] = [b""; 5];
    let mut n = 0;
    for w in line.split(|c| matches!(c, b' ' | b'\t' | b'\r')).filter(|w| !w.is_empty()) {
        if n == 0 && w[0] == b'#' {
            return Ok(None);
        }
        if n == 5 {
            return Err((b"too many fields (expected: path recurse account fmode dmode)", b""));
        }
        f[n] = w;
        n += 1;
    }
    match n {
        0 => return Ok(None),
        5 => {}
        _ => return Err((b"missing fields (expected: path recurse account fmode dmode)", b"")),
    }
    if f[0][0] != b'/' {
        return Err((b"path is not absolute: ", f[0]));
    }
    let recurse = match f[1] {
        b"true" => true,
        b"false" => false,
        r => return Err((b"invalid recurse value (expected true or false): ", r)),
    };
    let fmode = parse_mode(f[3]).ok_or((&b"invalid file mode: "[..], f[3]))?;
    let dmode = parse_mode(f[4]).ok_or((&b"invalid directory mode: "[..], f[4]))?;
    Ok(Some(Rule { path: f[0], recurse, account: f[2], fmode, dmode }))
}

/// Lines of a descriptor, at most `LINE_MAX` bytes each.
type Reader<'f> = LineReader<'f, { LINE_MAX + 1 }>;

/// The run's state: where we are (for messages) and the rule being applied.
struct Fix {
    code: u8,
    hidden: bool,
    db: Option<(&'static [u8], &'static [u8])>,
    file: &'static [u8],
    line: u64,
    /// The current path, NUL-terminated at `len`.
    path: &'static mut [u8],
    len: usize,
    uid: u32,
    gid: u32,
    fmode: Option<u32>,
    dmode: Option<u32>,
    recurse: bool,
    matched: bool,
}

impl Fix {
    /// `PROG: warning: FILE:LINE: PARTS…[: ERRNO TEXT]`.
    fn say(&self, parts: &[&[u8]], e: Option<Errno>) {
        let mut b = itoa::Buffer::new();
        let mut all: [&[u8]; 8] = [self.file, b":", b.format(self.line).as_bytes(), b": ", b"", b"", b"", b""];
        let n = parts.len().min(4);
        all[4..4 + n].copy_from_slice(&parts[..n]);
        diag::warn_as(&[prog()], &all[..4 + n], e);
    }

    fn bad(&mut self, parts: &[&[u8]]) {
        self.say(parts, None);
        self.code = self.code.max(1);
    }

    /// `unable to WHAT PATH: ERRNO`, a failure.
    fn sys(&mut self, what: &[u8], e: Errno) {
        self.say(&[b"unable to ", what, b" ", &self.path[..self.len]], Some(e));
        self.code = self.code.max(1);
    }

    fn cpath(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.path[..=self.len]).unwrap_or(c"")
    }

    /// Append `/name`; false when it does not fit.
    fn push(&mut self, name: &[u8]) -> bool {
        let slash = self.path[self.len - 1] != b'/';
        let end = self.len + slash as usize + name.len();
        if end >= self.path.len() {
            return false;
        }
        self.path[self.len] = b'/';
        self.path[end - name.len()..end].copy_from_slice(name);
        self.truncate(end);
        true
    }

    fn truncate(&mut self, len: usize) {
        self.len = len;
        self.path[len] = 0;
    }

    fn file(&mut self, name: &'static [u8], f: BorrowedFd<'_>) {
        let mut r = Reader::new(f);
        self.file = name;
        self.line = 0;
        loop {
            self.line += 1;
            match r.next_line() {
                Ok(None) => return,
                Ok(Some(None)) => self.bad(&[b"line longer than 4096 bytes"]),
                Ok(Some(Some(l))) if l.contains(&0) => {
                    return self.bad(&[b"binary data (NUL byte), ignoring the rest of the file"]);
                }
                Ok(Some(Some(l))) => self.rule(l),
                Err(e) => {
                    diag::warn_sys(e, &[b"unable to read ", name]);
                    self.code = exit::SYSCALL;
                    return;
                }
            }
        }
    }

    fn rule(&mut self, line: &[u8]) {
        let r = match parse(line) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err((what, field)) => return self.bad(&[what, field]),
        };
        let (pw, gr) = *self.db.get_or_insert_with(|| (read_or_empty(c"/etc/passwd"), read_or_empty(c"/etc/group")));
        (self.uid, self.gid) = match passwd::resolve(r.account, pw, gr) {
            Ok(ids) => ids,
            Err(Unresolved::Invalid) => return self.bad(&[b"invalid account: ", r.account]),
            Err(Unresolved::UnknownUser(u)) => return self.bad(&[b"unknown user: ", u]),
            Err(Unresolved::UnknownGroup(g)) => return self.bad(&[b"unknown group: ", g]),
        };
        (self.fmode, self.dmode, self.recurse, self.matched) = (r.fmode, r.dmode, r.recurse, false);
        self.path[0] = b'/';
        self.truncate(1);
        self.expand(r.path, false, 0);
        if !self.matched {
            self.say(&[b"no match for ", r.path], None);
        }
    }

    /// Apply the rule to what `pat` (the rest of the pattern) matches below
    /// the current path.
    fn expand(&mut self, mut pat: &[u8], globbed: bool, depth: usize) {
        let mark = self.len;
        loop {
            while let [b'/', rest @ ..] = pat {
                pat = rest;
            }
            if pat.is_empty() {
                self.top(globbed);
                break;
            }
            let (comp, rest) = pat.split_at(pat.iter().position(|&c| c == b'/').unwrap_or(pat.len()));
            if !glob::is_pattern(comp) {
                if !self.push(comp) {
                    self.matched = true;
                    self.sys(b"use", Errno::NAMETOOLONG);
                    break;
                }
                pat = rest;
                continue;
            }
            let Ok(dir) = fs::open(self.cpath(), OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            else {
                break;
            };
            let _ = crate::base::fs::for_each_entry(dir.as_fd(), &mut |n, _| {
                let n = n.to_bytes();
                if glob::matches_name(comp, n) && depth < MAX_DEPTH {
                    let m = self.len;
                    if self.push(n) {
                        self.expand(rest, true, depth + 1);
                    }
                    self.truncate(m);
                }
                Ok(())
            });
            break;
        }
        self.truncate(mark);
    }

    /// A complete path: fix it, following a symlink. When it came out of a
    /// pattern, a path that does not exist is simply not a match.
    fn top(&mut self, globbed: bool) {
        let r = fs::stat(self.cpath()).and_then(|st| open(CWD, self.cpath(), kind(st.st_mode), OFlags::empty()));
        match r {
            Err(Errno::NOENT | Errno::NOTDIR) if globbed => {}
            Err(e) => {
                self.matched = true;
                self.sys(b"access", e);
            }
            Ok(f) => {
                self.matched = true;
                self.apply(f, 0);
            }
        }
    }

    /// chown, chmod and maybe recurse on what `f` refers to.
    fn apply(&mut self, f: OwnedFd, depth: usize) {
        let st = match fs::fstat(&f) {
            Ok(st) => st,
            Err(e) => return self.sys(b"stat", e),
        };
        let k = kind(st.st_mode);
        let chown = st.st_uid != self.uid || st.st_gid != self.gid;
        if chown {
            let (u, g) = (Uid::from_raw(self.uid), Gid::from_raw(self.gid));
            if let Err(e) = fs::chownat(&f, c"", Some(u), Some(g), AtFlags::EMPTY_PATH) {
                self.sys(b"chown", e);
            }
        }
        let mode = if k == FileType::Directory { self.dmode } else { self.fmode };
        let mode = mode.filter(|&m| k != FileType::Symlink && (chown || st.st_mode & 0o7777 != m));
        if let Some(Err(e)) = mode.map(|m| chmod(&f, m)) {
            self.sys(b"chmod", e);
        }
        if k == FileType::Directory && self.recurse {
            self.walk(&f, depth);
        }
    }

    /// Apply the rule to each entry of the directory `f`, never following a
    /// symlink.
    fn walk(&mut self, f: &OwnedFd, depth: usize) {
        if depth >= MAX_DEPTH {
            self.say(&[b"not entering ", &self.path[..self.len], b": more than 64 levels deep"], None);
            self.code = self.code.max(1);
            return;
        }
        // "." of an O_PATH descriptor is the same directory, readable.
        let dir = match fs::openat(f, c".", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
            Ok(d) => d,
            Err(e) => return self.sys(b"open", e),
        };
        let walked = crate::base::fs::for_each_entry(dir.as_fd(), &mut |name, t| {
            let n = name.to_bytes();
            if n[0] == b'.' && !self.hidden {
                return Ok(());
            }
            let mark = self.len;
            if !self.push(n) {
                self.sys(b"enter", Errno::NAMETOOLONG);
                return Ok(());
            }
            match open(dir.as_fd(), name, t, OFlags::NOFOLLOW) {
                Ok(f) => self.apply(f, depth + 1),
                Err(e) => self.sys(b"open", e),
            }
            self.truncate(mark);
            Ok(())
        });
        if let Err(e) = walked {
            self.sys(b"read directory", e);
        }
    }
}

fn kind(mode: u32) -> FileType {
    FileType::from_raw_mode(mode)
}

/// Open `name` to work on it: regular files and directories for reading
/// (so `fchmod` works without /proc), anything else (devices, fifos,
/// sockets, symlinks, unknown) with `O_PATH`, so that nothing is opened for
/// real; `O_PATH` is also the fallback.
fn open(dir: BorrowedFd<'_>, name: &CStr, k: FileType, extra: OFlags) -> Result<OwnedFd, Errno> {
    let extra = extra | OFlags::CLOEXEC;
    let first = match k {
        FileType::RegularFile | FileType::Directory => OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY,
        _ => OFlags::PATH,
    };
    fs::openat(dir, name, first | extra, Mode::empty())
        .or_else(|_| fs::openat(dir, name, OFlags::PATH | extra, Mode::empty()))
}

/// chmod what `f` refers to; an `O_PATH` descriptor goes through its
/// /proc/self/fd link, which names that very inode.
fn chmod(f: &OwnedFd, m: u32) -> Result<(), Errno> {
    let mode = Mode::from_raw_mode(m);
    match fs::fchmod(f, mode) {
        Err(Errno::BADF) => {
            let mut b = itoa::Buffer::new();
            let mut p = heapless::Vec::<u8, 32>::new();
            let _ = p.extend_from_slice(b"/proc/self/fd/");
            let _ = p.extend_from_slice(b.format(f.as_raw_fd()).as_bytes());
            let _ = p.push(0);
            fs::chmod(CStr::from_bytes_until_nul(&p).unwrap_or(c""), mode)
        }
        r => r,
    }
}

/// S6_FIX_ATTRS_HIDDEN from the environment, else the container's.
fn hidden() -> bool {
    let v = match Env::get().var(HIDDEN) {
        Some(v) => parse_u64(v),
        None => fs::open(HIDDEN_FILE, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok().and_then(|f| {
            let mut b = [0u8; 32];
            let n = rustix::io::read(&f, &mut b).ok()?;
            parse_u64(envdir::value_of(&b[..n]))
        }),
    };
    v.is_some_and(|n| n != 0)
}

pub fn main(args: Args) -> u8 {
    let files = args.skip(1);
    if files.iter().any(|a| a.to_bytes().len() > 1 && a.to_bytes()[0] == b'-') {
        diag::usage(USAGE);
    }
    let path = match arena::alloc_bytes(PATH_CAP, 1) {
        Ok(p) => p,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]),
    };
    let mut st = Fix {
        code: exit::OK,
        hidden: hidden(),
        db: None,
        file: b"-",
        line: 0,
        path,
        len: 0,
        uid: 0,
        gid: 0,
        fmode: None,
        dmode: None,
        recurse: false,
        matched: false,
    };
    if files.is_empty() {
        st.file(b"-", fd::stdin());
    }
    for a in files.iter() {
        let name = a.to_bytes();
        if name == b"-" {
            st.file(b"-", fd::stdin());
            continue;
        }
        match fs::open(a, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) {
            Ok(f) => st.file(name, f.as_fd()),
            Err(e) => {
                diag::warn_sys(e, &[b"unable to open ", name]);
                st.code = exit::SYSCALL;
            }
        }
    }
    st.code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(path: &'static str, recurse: bool, account: &'static str, f: Option<u32>, d: Option<u32>) -> Rule<'static> {
        Rule { path: path.as_bytes(), recurse, account: account.as_bytes(), fmode: f, dmode: d }
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode(b"0644"), Some(Some(0o644)));
        assert_eq!(parse_mode(b"2700"), Some(Some(0o2700)));
        assert_eq!(parse_mode(b"755"), Some(Some(0o755)));
        assert_eq!(parse_mode(b"7"), Some(Some(7)));
        assert_eq!(parse_mode(b"7777"), Some(Some(0o7777)));
        assert_eq!(parse_mode(b"-"), Some(None));
        for bad in ["", "0999", "08", "12345", "0o644", "+x", "--", "-1", "64 4"] {
            assert_eq!(parse_mode(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn lines() {
        assert_eq!(parse(b""), Ok(None));
        assert_eq!(parse(b"  \t \r"), Ok(None));
        assert_eq!(parse(b"# a comment"), Ok(None));
        assert_eq!(parse(b"   #/x true root 0644 0755"), Ok(None));
        assert_eq!(
            parse(b"/var/lib/mysql true mysql 0600 0700"),
            Ok(Some(rule("/var/lib/mysql", true, "mysql", Some(0o600), Some(0o700))))
        );
        assert_eq!(
            parse(b" \t/var/log/my-app\t\ttrue   nobody,32768:32768 0644 0700\r"),
            Ok(Some(rule("/var/log/my-app", true, "nobody,32768:32768", Some(0o644), Some(0o700))))
        );
        assert_eq!(parse(b"/x/* false 1:2 - -"), Ok(Some(rule("/x/*", false, "1:2", None, None))));
        assert_eq!(parse(b"/x false root 0644 0999"), Err((&b"invalid directory mode: "[..], &b"0999"[..])));
        assert_eq!(parse(b"/x false root 0999 0755"), Err((&b"invalid file mode: "[..], &b"0999"[..])));
        assert_eq!(
            parse(b"/x yes root 0644 0755"),
            Err((&b"invalid recurse value (expected true or false): "[..], &b"yes"[..]))
        );
        assert_eq!(parse(b"x false root 0644 0755"), Err((&b"path is not absolute: "[..], &b"x"[..])));
        assert!(parse(b"/x false root 0644").is_err());
        assert!(parse(b"/x false root 0644 0755 # trailing").is_err());
        assert!(parse(b"/x").is_err());
    }

    fn read_all(input: &[u8]) -> Vec<Option<Vec<u8>>> {
        let (r, w) = rustix::pipe::pipe().unwrap();
        let data = input.to_vec();
        let t = std::thread::spawn(move || {
            crate::sys::fd::write_all(w.as_fd(), &data).unwrap();
        });
        let mut rd = Reader::new(r.as_fd());
        let mut out = vec![];
        while let Some(l) = rd.next_line().unwrap() {
            out.push(l.map(|l| l.to_vec()));
        }
        t.join().unwrap();
        out
    }

    #[test]
    fn reader_splits_and_bounds_lines() {
        let s = |x: &str| Some(x.as_bytes().to_vec());
        assert_eq!(read_all(b"a\nbb\n\nc"), vec![s("a"), s("bb"), s(""), s("c")]);
        assert_eq!(read_all(b"a\n"), vec![s("a")]);
        assert_eq!(read_all(b""), Vec::<Option<Vec<u8>>>::new());
        let exact = vec![b'x'; LINE_MAX];
        let long = vec![b'y'; LINE_MAX + 1];
        let huge = vec![b'z'; LINE_MAX * 5 + 17];
        let mut input = exact.clone();
        input.push(b'\n');
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\nok\n");
        input.extend_from_slice(&huge);
        input.extend_from_slice(b"\nlast\n");
        input.extend_from_slice(&huge);
        assert_eq!(read_all(&input), vec![Some(exact), None, s("ok"), None, s("last"), None]);
    }
}
