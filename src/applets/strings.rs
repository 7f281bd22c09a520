//! s6-portable-utils' string tools (2.3.1): `s6-quote`, `s6-unquote`,
//! `s6-quote-filter`, `s6-unquote-filter`, `s6-format-filter` and
//! `s6-expr`. Usage strings, messages, exit codes and output are
//! upstream's; the quoting rules are skalibs' (`base::quote`).
//!
//! Deliberate deviations:
//! - s6-unquote-filter `-v` quotes the line it warns about with the byte
//!   after it, as upstream does (its newline, so the warning spans two
//!   lines); for a last line without a newline upstream shows a stale byte
//!   of its buffer there, we show nothing.
//! - s6-expr: a division or remainder by zero, or of the lowest number by
//!   -1, kills s6-expr with SIGFPE on every architecture, as upstream's
//!   does on x86_64 (on aarch64 upstream's would print a quotient of 0).
use crate::base::chain::{num, opts};
use crate::base::io::{BufOut, filter_lines, print};
use crate::base::num::scan_i64;
use crate::base::quote;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::arena::Vec;
use core::ffi::CStr;
use rustix::io::Errno;

/// `"`: the default delimiter.
const QUOTE: &[u8] = b"\"";

/// The line without its `\n`, and whether it had one.
fn body(line: &[u8]) -> (&[u8], bool) {
    match line.strip_suffix(b"\n") {
        Some(b) => (b, true),
        None => (line, false),
    }
}

/// `s6-quote [-n] [-u] [-d delim] string`: the string quoted, between the
/// first delimiter (`-u`: as it is), every delimiter escaped.
pub fn quote(args: Args) -> u8 {
    const U: &[u8] = b"s6-quote [ -n ] [ -u ] [ -d delim ] string";
    let (mut nl, mut enclose, mut delim) = (true, true, QUOTE);
    let rest = opts(args, b"nud:", U, &mut |c, a| {
        match c {
            b'n' => nl = false,
            b'u' => enclose = false,
            b'd' => delim = a,
            _ => return false,
        }
        true
    });
    let Some(s) = rest.get_arg(0) else { diag::usage(U) };
    let mut out = Vec::new();
    if enclose {
        let Some(&q) = delim.first() else { diag::fatal(exit::USAGE, &[b"no character to quote with!"]) };
        out.push(q);
    }
    if let Err(e) = quote::quote(&mut out, s.to_bytes(), delim) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to quote"]);
    }
    if enclose {
        out.push(delim[0]);
    }
    if nl {
        out.push(b'\n');
    }
    print(&[out.get()]);
    exit::OK
}

/// `s6-unquote [-n] [-d delim] string`: the string unquoted; it must start
/// with a delimiter and end with one (`-d ''`: no delimiters). What follows
/// the closing delimiter is ignored, with a warning.
pub fn unquote(args: Args) -> u8 {
    const U: &[u8] = b"s6-unquote [ -n ] [ -d delim ] string";
    let (mut nl, mut delim) = (true, QUOTE);
    let rest = opts(args, b"nd:", U, &mut |c, a| {
        match c {
            b'n' => nl = false,
            b'd' => delim = a,
            _ => return false,
        }
        true
    });
    let Some(s) = rest.get_arg(0).map(CStr::to_bytes) else { diag::usage(U) };
    let quoted = !delim.is_empty();
    let inner = if quoted {
        let Some((first, inner)) = s.split_first() else {
            diag::fatal(exit::USAGE, &[b"the empty string isn't a quoted string"])
        };
        if !delim.contains(first) {
            diag::fatal(exit::USAGE, &[b"invalid starting quote character"]);
        }
        inner
    } else {
        s
    };
    let mut out = Vec::new();
    let r = quote::unquote(&mut out, inner, delim).unwrap_or_else(|(r, e)| {
        let at = num((r + quoted as usize) as u32);
        diag::fatal_sys(exit::USAGE, e, &[b"unable to unquote at character ", at])
    });
    if quoted && r == inner.len() {
        diag::fatal(exit::USAGE, &[b"no ending quote character"]);
    }
    if quoted && r + 1 < inner.len() {
        let (at, of) = (num(r as u32 + 1), num(inner.len() as u32));
        diag::warn(&[b"found ending quote character at position ", at, b"/", of, b"; ignoring remainder"]);
    }
    if nl {
        out.push(b'\n');
    }
    print(&[out.get()]);
    exit::OK
}

/// `s6-quote-filter [-u] [-d delim]`: each line of stdin quoted as
/// s6-quote does.
pub fn quote_filter(args: Args) -> u8 {
    const U: &[u8] = b"s6-quote-filter [ -u ] [ -d delim ]";
    let (mut enclose, mut delim) = (true, QUOTE);
    opts(args, b"ud:", U, &mut |c, a| {
        match c {
            b'u' => enclose = false,
            b'd' => delim = a,
            _ => return false,
        }
        true
    });
    let q = match delim.first() {
        Some(&q) if enclose => Some(q),
        None if enclose => diag::fatal(exit::USAGE, &[b"no character to quote with!"]),
        _ => None,
    };
    let mut dst = Vec::new();
    filter_lines(&mut |line, out| {
        let (s, nl) = body(line);
        dst.n = 0;
        q.into_iter().for_each(|q| dst.push(q));
        if let Err(e) = quote::quote(&mut dst, s, delim) {
            let _ = out.flush();
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to quote"]);
        }
        q.into_iter().for_each(|q| dst.push(q));
        out.put_all(&[dst.get(), if nl { b"\n" } else { b"" }])
    })
}

/// What s6-unquote-filter says about lines it cannot unquote (`-q`, `-Q`,
/// `-v`, `-w`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strictness {
    Quiet,
    Warn,
    Verbose,
    Fatal,
}

/// What becomes of a line.
enum Fate {
    /// Its unquoted bytes are written.
    Unquoted,
    /// It is written as it is.
    Raw,
    /// Nothing is written (an empty line).
    Nothing,
}

/// How s6-unquote-filter handles one line.
struct Unquoter<'a> {
    how: Strictness,
    delim: &'a [u8],
    /// The unquoted line.
    dst: Vec<u8>,
}

impl Unquoter<'_> {
    /// `line` (its newline taken off: `s`) unquoted into `dst`, or why not,
    /// said as `how` wants. `-w` exits on the first bad line, with stdout
    /// flushed.
    fn line(&mut self, line: &[u8], s: &[u8], out: &mut BufOut<'_>) -> Fate {
        // Upstream's excerpt: up to 38 bytes and the byte after them, else
        // 36 and "...", a C string (a NUL ends it).
        let (e1, e2): (&[u8], &[u8]) =
            if s.len() >= 39 { (&s[..36], b"...") } else { (&line[..line.len().min(s.len() + 1)], b"") };
        let (e1, e2) = match e1.iter().position(|&c| c == 0) {
            Some(i) => (&e1[..i], &b""[..]),
            None => (e1, e2),
        };
        let quoted = !self.delim.is_empty();
        if quoted {
            let Some(first) = s.first() else {
                const W: &[u8] = b"empty line";
                self.bad(out, None, &[W], &[W]);
                return Fate::Nothing;
            };
            if !self.delim.contains(first) {
                const W: &[u8] = b"invalid starting quote character";
                self.bad(out, None, &[W], &[W, b" in line: ", e1, e2]);
                return Fate::Raw;
            }
        }
        let inner = &s[quoted as usize..];
        self.dst.n = 0;
        let r = match quote::unquote(&mut self.dst, inner, self.delim) {
            Ok(r) => r,
            Err((_, e)) => {
                self.bad(out, Some(e), &[b"unable to unquote"], &[b"unable to unquote", b" line: ", e1, e2]);
                return Fate::Raw;
            }
        };
        if quoted && r == inner.len() {
            const W: &[u8] = b"unable to unquote: no ending quote character";
            self.bad(out, None, &[W], &[W, b" in line: ", e1, e2]);
            return Fate::Raw;
        }
        if quoted && r + 1 < inner.len() && self.how >= Strictness::Verbose {
            let (at, of) = (num(r as u32 + 1), num(inner.len() as u32));
            let w: [&[u8]; 8] = [
                b"found ending quote character at position ",
                at,
                b"/",
                of,
                b", ignoring remainder of ",
                b"line: ",
                e1,
                e2,
            ];
            diag::warn(&w);
        }
        Fate::Unquoted
    }

    /// Report a bad line: `short` with `-Q`, `long` with `-v`; with `-w`,
    /// flush stdout and exit 100 saying `short`.
    fn bad(&self, out: &mut BufOut<'_>, e: Option<Errno>, short: &[&[u8]], long: &[&[u8]]) {
        match self.how {
            Strictness::Quiet => {}
            Strictness::Warn => diag::warn_as(&[crate::rt::prog()], short, e),
            Strictness::Verbose => diag::warn_as(&[crate::rt::prog()], long, e),
            Strictness::Fatal => {
                let _ = out.flush();
                match e {
                    Some(e) => diag::fatal_sys(exit::USAGE, e, short),
                    None => diag::fatal(exit::USAGE, short),
                }
            }
        }
    }
}

/// `s6-unquote-filter [-q|-Q|-v|-w] [-d delim]`: each line of stdin
/// unquoted as s6-unquote does; a line that cannot be is copied as it is,
/// with a warning (`-Q`, the default), none (`-q`), a longer one (`-v`), or
/// exit 100 (`-w`).
pub fn unquote_filter(args: Args) -> u8 {
    const U: &[u8] = b"s6-unquote-filter [ -q | -Q | -v | -w ] [ -d delim ]";
    let mut u = Unquoter { how: Strictness::Warn, delim: QUOTE, dst: Vec::new() };
    opts(args, b"qQvwd:", U, &mut |c, a| {
        match c {
            b'q' => u.how = Strictness::Quiet,
            b'Q' => u.how = Strictness::Warn,
            b'v' => u.how = Strictness::Verbose,
            b'w' => u.how = Strictness::Fatal,
            b'd' => u.delim = a,
            _ => return false,
        }
        true
    });
    filter_lines(&mut |line, out| {
        let (s, nl) = body(line);
        match u.line(line, s, out) {
            Fate::Unquoted => out.put_all(&[u.dst.get()])?,
            Fate::Raw => out.put_all(&[s])?,
            Fate::Nothing => {}
        }
        out.put_all(&[if nl { b"\n" } else { b"" }])
    })
}

/// `s6-format-filter format [args…]`: each line of stdin written as
/// `format`, where `%s` is the line, `%0` this program's name, `%1`…`%9`
/// the args and `%%` a `%`.
pub fn format_filter(args: Args) -> u8 {
    let Some(format) = args.get_arg(1).map(CStr::to_bytes) else { diag::usage(b"s6-format-filter format [ args... ]") };
    let extra = args.skip(2);
    let n = extra.len().min(9);
    let vars = &b"s0123456789"[..n + 2];
    let mut values: [&[u8]; 11] = [b""; 11];
    values[1] = args.get_arg(0).map_or(b"", CStr::to_bytes);
    for (v, a) in values[2..2 + n].iter_mut().zip(extra.iter()) {
        *v = a.to_bytes();
    }
    let mut dst = Vec::new();
    if let Err(e) = quote::format(&mut dst, vars, format, &values) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to compile format"]);
    }
    filter_lines(&mut |line, out| {
        let (s, nl) = body(line);
        let mut with_line = values;
        with_line[0] = s;
        dst.n = 0;
        if let Err(e) = quote::format(&mut dst, vars, format, &with_line) {
            let _ = out.flush();
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to format"]);
        }
        out.put_all(&[dst.get(), if nl { b"\n" } else { b"" }])
    })
}

/// s6-expr's operators.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Times,
    Div,
    Mod,
}

/// The words s6-expr knows: the operator (none for a parenthesis) and the
/// class the parser's table is indexed by.
const TOKENS: [(&[u8], Option<Op>, u8); 15] = [
    (b"+", Some(Op::Plus), ADD),
    (b"-", Some(Op::Minus), ADD),
    (b"*", Some(Op::Times), MUL),
    (b"/", Some(Op::Div), MUL),
    (b"%", Some(Op::Mod), MUL),
    (b"(", None, OPEN),
    (b")", None, CLOSE),
    (b"=", Some(Op::Eq), CMP),
    (b"!=", Some(Op::Ne), CMP),
    (b"<", Some(Op::Lt), CMP),
    (b"<=", Some(Op::Le), CMP),
    (b">", Some(Op::Gt), CMP),
    (b">=", Some(Op::Ge), CMP),
    (b"|", Some(Op::Or), OR),
    (b"&", Some(Op::And), AND),
];

/// Node classes: a number, the end, the operators from the tightest, the
/// parentheses; a reduced expression is its operator's class + 7 (9 to
/// 13), one closed by `)` is 14.
const NUMBER: u8 = 0;
const END: u8 = 1;
const MUL: u8 = 2;
const ADD: u8 = 3;
const CMP: u8 = 4;
const AND: u8 = 5;
const OR: u8 = 6;
const OPEN: u8 = 7;
const CLOSE: u8 = 8;
const CLOSED: u8 = 14;

/// Upstream's operator-precedence table: the action for the next word's
/// class (row) and the class on top of the stack (column): `s` shift, `m`
/// `a` `c` `A` `O` reduce the `*`, `+`, comparison, `&`, `|` levels, `M`
/// drop a pair of parentheses then reduce, `E` close, `!` accept, `x` an
/// invalid expression, `z` a parser bug.
const TABLE: [&[u8; 15]; 9] = [
    b"xsssssssxzzzzzz",
    b"xxxxxxxx!zzzzzz",
    b"mxxxxxxxMszzzzz",
    b"mxxxxxxxMaszzzz",
    b"mxxxxxxxMacszzz",
    b"mxxxxxxxMacAszz",
    b"mxxxxxxxMacAOsz",
    b"xsssssssxzzzzzz",
    b"mxxxxxxxMacAOEs",
];

#[derive(Clone, Copy)]
struct Node {
    class: u8,
    op: Option<Op>,
    value: i64,
    left: usize,
    right: usize,
}

fn invalid() -> ! {
    diag::fatal(2, &[b"invalid expression"])
}

/// Reduce the top of the stack at `level`: when the operator below it is
/// of that level, make the three one node.
fn reduce(nodes: &mut [Node], stack: &mut Vec<usize>, level: u8) {
    let s = stack.get_mut();
    let top = s.len() - 1;
    if top >= 2 && nodes[s[top - 1]].class == level {
        let op = s[top - 1];
        nodes[op].left = s[top - 2];
        nodes[op].right = s[top];
        s[top - 2] = op;
        stack.n -= 2;
    }
    let top = stack.get()[stack.n - 1];
    nodes[top].class = level + 7;
}

/// Parse `nodes` (the words, then `)` and the end); the root.
fn parse(nodes: &mut [Node]) -> usize {
    let mut stack = Vec::new();
    stack.push(nodes.len() - 1);
    let mut pos = 0;
    loop {
        let top = stack.get()[stack.n - 1];
        match TABLE[nodes[pos].class as usize][nodes[top].class as usize] {
            b'x' => invalid(),
            b'!' => break,
            b's' => {
                stack.push(pos);
                pos += 1;
            }
            b'M' => {
                let s = stack.get_mut();
                match s.len().checked_sub(3).map(|i| (i, s[i])) {
                    Some((i, open)) if nodes[open].class == OPEN => s[i] = s[i + 1],
                    _ => invalid(),
                }
                stack.n -= 2;
                reduce(nodes, &mut stack, MUL);
            }
            b'm' => reduce(nodes, &mut stack, MUL),
            b'a' => reduce(nodes, &mut stack, ADD),
            b'c' => reduce(nodes, &mut stack, CMP),
            b'A' => reduce(nodes, &mut stack, AND),
            b'O' => reduce(nodes, &mut stack, OR),
            b'E' => nodes[top].class = CLOSED,
            _ => diag::fatal(exit::BUG, &[b"internal error in parse, please submit a bug-report."]),
        }
    }
    match stack.get() {
        [_, root, _] => *root,
        _ => invalid(),
    }
}

/// What an operation cannot give: upstream's division traps.
fn trap() -> ! {
    let _ = crate::sys::raw::kill_pid(rustix::process::getpid(), crate::sys::signal::SIGFPE);
    crate::sys::raw::exit_group((exit::SIGNALED + crate::sys::signal::SIGFPE as u8) as i32)
}

/// The value of the tree at `n` (`|` and `&` do not evaluate their right
/// side when the left one decides).
fn eval(nodes: &[Node], n: usize) -> i64 {
    let node = nodes[n];
    let Some(op) = node.op else { return node.value };
    let (l, r) = (|| eval(nodes, node.left), || eval(nodes, node.right));
    match op {
        Op::Or => match l() {
            0 => r(),
            v => v,
        },
        Op::And => match l() {
            0 => 0,
            v if r() != 0 => v,
            _ => 0,
        },
        Op::Eq => (l() == r()) as i64,
        Op::Ne => (l() != r()) as i64,
        Op::Lt => (l() < r()) as i64,
        Op::Le => (l() <= r()) as i64,
        Op::Gt => (l() > r()) as i64,
        Op::Ge => (l() >= r()) as i64,
        Op::Plus => l().wrapping_add(r()),
        Op::Minus => l().wrapping_sub(r()),
        Op::Times => l().wrapping_mul(r()),
        Op::Div => l().checked_div(r()).unwrap_or_else(|| trap()),
        Op::Mod => l().checked_rem(r()).unwrap_or_else(|| trap()),
    }
}

/// `s6-expr expression...`: the value of an expr(1) expression of integers
/// (no `:`), one operator or operand per argument; exit 1 when it is 0, 2
/// for an invalid expression (or no arguments, silently).
pub fn expr(args: Args) -> u8 {
    let words = args.skip(1);
    if words.is_empty() {
        return 2;
    }
    let blank = Node { class: NUMBER, op: None, value: 0, left: 0, right: 0 };
    let Ok(nodes) = crate::sys::arena::alloc_slice(words.len() + 2, blank) else {
        diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to allocate"])
    };
    for (node, w) in nodes.iter_mut().zip(words.iter().map(CStr::to_bytes)) {
        match TOKENS.iter().find(|t| t.0 == w) {
            Some(&(_, op, class)) => (node.op, node.class) = (op, class),
            None => node.value = scan_i64(w).unwrap_or_else(|| invalid()),
        }
    }
    let n = nodes.len();
    nodes[n - 2].class = CLOSE;
    nodes[n - 1].class = END;
    let root = parse(nodes);
    let v = eval(nodes, root);
    let mut b = itoa::Buffer::new();
    let mut line = Vec::new();
    b.format(v).bytes().chain([b'\n']).for_each(|c| line.push(c));
    print(&[line.get()]);
    (v == 0) as u8
}
