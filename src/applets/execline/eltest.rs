//! `eltest` (also `s6-test`): test(1) with any number of arguments, where
//! a word that looks like an operator always is one and a leading `\`
//! makes a word data.
use crate::base::{diag, exit, num::parse_u64, packed, regex::Regex};
use crate::rt::Args;
use rustix::fs::Stat;

/// The unary operators: `-` and one of these.
const UNARY: &[u8] = b"nzefdbcpShLkgurwxstOUGNv";
/// The binary operators, packed (`base::packed`; the tags are unused).
#[rustfmt::skip]
const BINARY: &[packed::Entry<'_>] = &[
    (0, b"="), (0, b"!="), (0, b"<"), (0, b"<="), (0, b">"), (0, b">="), (0, b"-eq"), (0, b"-ne"), (0, b"-lt"),
    (0, b"-le"), (0, b"-gt"), (0, b"-ge"), (0, b"-nt"), (0, b"-ot"), (0, b"-ef"), (0, b"=~"),
];
static BINARY_PACKED: [u8; packed::size(BINARY)] = packed::pack(BINARY);

fn is_unary(w: &[u8]) -> bool {
    matches!(w, [b'-', c] if UNARY.contains(c))
}

fn is_binary(w: &[u8]) -> bool {
    packed::iter(&BINARY_PACKED).any(|(_, op)| op == w)
}

struct P {
    w: &'static [&'static [u8]],
    i: usize,
    /// Inside an operand whose value cannot change the result (the right
    /// of `-o` after true, of `-a` after false): parsed, not evaluated,
    /// so that its errors do not count, as upstream.
    lazy: u32,
}

fn is_op(w: &[u8]) -> bool {
    is_unary(w) || is_binary(w) || matches!(w, b"!" | b"(" | b")" | b"-a" | b"-o")
}

fn perr(i: usize) -> ! {
    let mut b = itoa::Buffer::new();
    diag::fatal(exit::USAGE, &[b"parse error at argument ", b.format(i).as_bytes()])
}

impl P {
    fn peek(&self) -> Option<&'static [u8]> {
        self.w.get(self.i).copied()
    }
    fn data(&mut self) -> &'static [u8] {
        match self.peek() {
            Some(w) if !is_op(w) => {
                self.i += 1;
                w.strip_prefix(b"\\").unwrap_or(w)
            }
            _ => perr(self.i),
        }
    }
    fn or(&mut self) -> bool {
        let mut v = self.and();
        while self.peek() == Some(b"-o") {
            self.i += 1;
            self.lazy += v as u32;
            v |= self.and();
            self.lazy -= v as u32;
        }
        v
    }
    fn and(&mut self) -> bool {
        let mut v = self.not();
        while self.peek() == Some(b"-a") {
            self.i += 1;
            let skip = !v as u32;
            self.lazy += skip;
            v &= self.not();
            self.lazy -= skip;
        }
        v
    }
    fn not(&mut self) -> bool {
        match self.peek() {
            Some(b"!") => {
                self.i += 1;
                !self.not()
            }
            Some(b"(") => {
                self.i += 1;
                let v = self.or();
                match self.peek() {
                    Some(b")") => self.i += 1,
                    None => diag::fatal(exit::USAGE, &[b"parse error: too many left parentheses"]),
                    _ => perr(self.i),
                }
                v
            }
            Some(op) if is_unary(op) => {
                self.i += 1;
                let a = self.data();
                self.lazy == 0 && unary(op[1], a)
            }
            _ => {
                let a = self.data();
                match self.peek() {
                    Some(op) if is_binary(op) => {
                        self.i += 1;
                        let b = self.data();
                        self.lazy == 0 && binary(op, a, b)
                    }
                    _ => !a.is_empty(),
                }
            }
        }
    }
}

/// `-t`'s descriptor.
fn fd_arg(a: &[u8]) -> i32 {
    match parse_u64(a) {
        Some(f) if f <= i32::MAX as u64 => f as i32,
        _ => diag::fatal(exit::USAGE, &[b"-t requires an integer argument"]),
    }
}

fn st(p: &[u8], follow: bool) -> Option<Stat> {
    let c = crate::sys::arena::cstr(&[p]).ok()?;
    if follow { rustix::fs::stat(c) } else { rustix::fs::lstat(c) }.ok()
}

fn unary(op: u8, a: &'static [u8]) -> bool {
    use rustix::fs::Access;
    let fst = st(a, op != b'h' && op != b'L');
    let m = fst.as_ref().map_or(0, |s| s.st_mode);
    // File types by their S_IFMT value.
    if let Some(k) = b"fdbcpShL".iter().position(|&c| c == op) {
        return fst.is_some() && m & 0o170000 == [0o10, 0o4, 0o6, 0o2, 0o1, 0o14, 0o12, 0o12][k] << 12;
    }
    if let Some(k) = b"kgu".iter().position(|&c| c == op) {
        return m & (0o1000 << k) != 0;
    }
    if let Some(k) = b"rwx".iter().position(|&c| c == op) {
        let m = [Access::READ_OK, Access::WRITE_OK, Access::EXEC_OK][k];
        return crate::sys::arena::cstr(&[a]).is_ok_and(|c| rustix::fs::access(c, m).is_ok());
    }
    let Some(s) = fst else {
        return match op {
            b'n' => !a.is_empty(),
            b'z' => a.is_empty(),
            b't' => rustix::termios::isatty(crate::sys::fd::borrow(fd_arg(a))),
            b'v' => crate::rt::Env::get().var(a).is_some(),
            _ => false,
        };
    };
    match op {
        b'n' => !a.is_empty(),
        b'z' => a.is_empty(),
        b'e' => true,
        b's' => s.st_size > 0,
        b't' => rustix::termios::isatty(crate::sys::fd::borrow(fd_arg(a))),
        b'O' | b'U' => s.st_uid == rustix::process::geteuid().as_raw(),
        b'G' => s.st_gid == rustix::process::getegid().as_raw(),
        b'N' => (s.st_mtime, s.st_mtime_nsec) > (s.st_atime, s.st_atime_nsec),
        _ => crate::rt::Env::get().var(a).is_some(),
    }
}

fn int(op: &[u8], s: &[u8]) -> i64 {
    let (neg, d) = match s.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, s.strip_prefix(b"+").unwrap_or(s)),
    };
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        diag::fatal(exit::USAGE, &[op, b" requires integer arguments"])
    }
    // Saturating, as strtoll.
    let v = parse_u64(d).unwrap_or(u64::MAX).min(i64::MAX as u64) as i64;
    if neg { -v } else { v }
}

fn binary(op: &[u8], a: &[u8], b: &[u8]) -> bool {
    use core::cmp::Ordering::*;
    let o = if op.starts_with(b"-") && op.len() == 3 && !matches!(op, b"-nt" | b"-ot" | b"-ef") {
        int(op, a).cmp(&int(op, b))
    } else {
        a.cmp(b)
    };
    let mt = |p| st(p, true).map(|s| (s.st_mtime, s.st_mtime_nsec));
    match op {
        b"=" | b"-eq" => o == Equal,
        b"!=" | b"-ne" => o != Equal,
        b"<" | b"-lt" => o == Less,
        b"<=" | b"-le" => o != Greater,
        b">" | b"-gt" => o == Greater,
        b">=" | b"-ge" => o != Less,
        b"-nt" => mt(a).is_some_and(|x| mt(b).is_none_or(|y| x > y)),
        b"-ot" => mt(b).is_some_and(|y| mt(a).is_none_or(|x| x < y)),
        b"-ef" => match (st(a, true), st(b, true)) {
            (Some(x), Some(y)) => x.st_dev == y.st_dev && x.st_ino == y.st_ino,
            _ => false,
        },
        _ => {
            // `=~`: an unanchored POSIX ERE.
            let b: &'static [u8] = super::cstr(&[b]).to_bytes();
            let mut re = Regex::new(b).unwrap_or_else(|e| {
                diag::fatal(exit::USAGE, &[b"unable to compile ", b, b" into a regular expression: ", e.text()])
            });
            re.is_match(a)
        }
    }
}

pub fn main(a: Args) -> u8 {
    let w = super::words(a, 1);
    let mut l = super::List::new();
    for x in w {
        l.push(x.to_bytes());
    }
    let w = l.done();
    if w.is_empty() {
        return exit::FALSE;
    }
    let mut p = P { w, i: 0, lazy: 0 };
    let v = p.or();
    if p.i < w.len() {
        perr(p.i)
    }
    !v as u8
}
