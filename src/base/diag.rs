//! Diagnostics in skalibs' grammar, one `write` per line:
//! `PROG: fatal: unable to …: No such file or directory`,
//! `PROG: warning: …`. No `core::fmt`.
use super::errno::strerror;
use crate::rt::prog;
use crate::sys::{fd, raw};
use core::sync::atomic::{AtomicI32, Ordering::Relaxed};
use rustix::io::Errno;

/// Where lines go: stderr, unless PID 1 points them at the catch-all
/// logger's fifo (`TO`, non-blocking); a line it cannot take at once goes to
/// `OR` (the console), so none is lost and none blocks.
static TO: AtomicI32 = AtomicI32::new(2);
static OR: AtomicI32 = AtomicI32::new(2);

/// Send this process's lines to `to`, or to `or` when `to` refuses them.
pub fn redirect(to: i32, or: i32) {
    TO.store(to, Relaxed);
    OR.store(or, Relaxed);
}

/// Longest diagnostic line; longer ones are cut (and still end in `\n`).
pub const LINE_MAX: usize = 2048;

/// A fixed-size line buffer that silently truncates.
pub struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
}

impl Default for Line {
    fn default() -> Self {
        Self::new()
    }
}

impl Line {
    pub const fn new() -> Line {
        Line { buf: [0; LINE_MAX], len: 0 }
    }
    pub fn push(&mut self, s: &[u8]) -> &mut Line {
        let room = LINE_MAX - 1 - self.len; // keep one byte for '\n'
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s[..n]);
        self.len += n;
        self
    }
    /// Each of `parts`, in order.
    #[inline(never)]
    pub fn push_all(&mut self, parts: &[&[u8]]) -> &mut Line {
        for p in parts {
            self.push(p);
        }
        self
    }
    pub fn push_u64(&mut self, v: u64) -> &mut Line {
        let mut b = itoa::Buffer::new();
        self.push(b.format(v).as_bytes())
    }
    pub fn push_i64(&mut self, v: i64) -> &mut Line {
        let mut b = itoa::Buffer::new();
        self.push(b.format(v).as_bytes())
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    /// Append `\n` and write the line to stderr in one call.
    pub fn emit(&mut self) {
        self.send(false)
    }
    /// A last line (fatal, usage) goes straight to `OR`: no logger will
    /// read it after we exit.
    fn send(&mut self, last: bool) {
        self.buf[self.len] = b'\n';
        let b = &self.buf[..self.len + 1];
        let (to, or) = (TO.load(Relaxed), OR.load(Relaxed));
        if last || fd::write_all(fd::borrow(to), b).is_err() && to != or {
            let _ = fd::write_all(fd::borrow(or), b);
        }
    }
}

/// The one place a diagnostic line is built: `WHO: KIND PARTS…[: ERRNO
/// TEXT]`. `who` is the program's name, or an instance of it as s6 names
/// one (`s6-supervise NAME`).
pub fn line_as(who: &[&[u8]], kind: &[u8], parts: &[&[u8]], err: Option<Errno>) {
    let mut l = Line::new();
    l.push_all(who).push(b": ").push(kind).push_all(parts);
    if let Some(e) = err {
        l.push(b": ");
        push_errno(&mut l, e);
    }
    l.send(kind == FATAL || kind == b"usage: ");
}

const FATAL: &[u8] = b"fatal: ";
const WARNING: &[u8] = b"warning: ";

fn line(kind: &[u8], parts: &[&[u8]], err: Option<Errno>) {
    line_as(&[prog()], kind, parts, err)
}

/// `WHO: warning: PARTS…[: ERRNO TEXT]` (see `line_as`).
pub fn warn_as(who: &[&[u8]], parts: &[&[u8]], err: Option<Errno>) {
    line_as(who, WARNING, parts, err)
}

/// A spawned child's report (`sys::spawn::Spawn::report`): `WHO: fatal:
/// PARTS: ERRNO TEXT`, or as this program when `who` is empty (the child
/// exits).
pub fn child_fatal(who: &[u8], e: Errno, parts: &[&[u8]]) {
    if who.is_empty() { line(FATAL, parts, Some(e)) } else { line_as(&[who], FATAL, parts, Some(e)) }
}

/// The text of `e`, or `errno N` for one the table does not know.
pub fn push_errno(l: &mut Line, e: Errno) {
    match strerror(e) {
        Some(s) => {
            l.push(s);
        }
        None => {
            l.push(b"errno ").push_i64(e.raw_os_error() as i64);
        }
    }
}

pub fn warn(parts: &[&[u8]]) {
    line(WARNING, parts, None);
}
pub fn warn_sys(e: Errno, parts: &[&[u8]]) {
    line(WARNING, parts, Some(e));
}
pub fn info(parts: &[&[u8]]) {
    line(b"info: ", parts, None);
}
/// Print a `fatal:` line without exiting (for a forked child that exits itself).
pub fn warn_sys_fatal(e: Errno, parts: &[&[u8]]) {
    line(FATAL, parts, Some(e));
}

/// `PROG: fatal: PARTS`, then exit with `code`.
pub fn fatal(code: u8, parts: &[&[u8]]) -> ! {
    line(FATAL, parts, None);
    raw::exit_group(code as i32)
}

/// `PROG: fatal: PARTS: ERRNO TEXT`, then exit with `code`.
pub fn fatal_sys(code: u8, e: Errno, parts: &[&[u8]]) -> ! {
    line(FATAL, parts, Some(e));
    raw::exit_group(code as i32)
}

/// `PROG: usage: USAGE`, exit 100 (as skalibs' strerr_dieusage).
pub fn usage(text: &[u8]) -> ! {
    line(b"usage: ", &[text], None);
    raw::exit_group(super::exit::USAGE as i32)
}
