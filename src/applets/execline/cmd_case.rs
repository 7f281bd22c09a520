//! case: run the block of the first pattern the value matches. Regexes
//! are POSIX EREs (`-e`: BREs, turned into EREs here), matched by
//! `base::regex`; `-s` uses shell patterns (`fnmatch` without flags).
use super::{Env, List, Opts, block, exec, exec_env, words};
use crate::base::{diag, exit, glob, regex::Regex};
use crate::rt::Args;

const U: &[u8] =
    b"case [ -s | -S ] [ -e | -E ] [ -n | -N ] [ -i ] value { re1 { prog1... } re2 { prog2... } ... } progdefault... ";

/// The index of the `]` that closes the bracket expression whose first
/// byte (after `[`) is at `from` (or the end).
fn bracket_end(p: &[u8], from: usize) -> usize {
    let mut i = from + (p.get(from) == Some(&b'^')) as usize;
    i += (p.get(i) == Some(&b']')) as usize;
    while i < p.len() && p[i] != b']' {
        if p[i] == b'[' && i + 1 < p.len() && b":.=".contains(&p[i + 1]) {
            let d = p[i + 1];
            i += 2;
            while i < p.len() && !(p[i] == d && p.get(i + 1) == Some(&b']')) {
                i += 1;
            }
            i += 1;
        }
        i += 1;
    }
    i.min(p.len())
}

/// A BRE as the same ERE: `\( \) \{ \} \| \+ \?` lose their backslash,
/// the bare ones gain one, and a leading `*` is literal.
fn bre(p: &[u8], out: &mut List<u8>) {
    let mut i = 0;
    let mut start = true;
    while i < p.len() {
        let c = p[i];
        i += 1;
        match c {
            b'\\' if i < p.len() && b"(){}|+?".contains(&p[i]) => {
                out.push(p[i]);
                start = p[i] == b'(' || p[i] == b'|';
                i += 1;
                continue;
            }
            b'\\' if i < p.len() => {
                out.push(c);
                out.push(p[i]);
                i += 1;
            }
            b'(' | b')' | b'{' | b'}' | b'|' | b'+' | b'?' => {
                out.push(b'\\');
                out.push(c);
            }
            b'^' if !start => {
                out.push(b'\\');
                out.push(c);
            }
            b'$' if !(i == p.len() || p[i..].starts_with(b"\\)") || p[i..].starts_with(b"\\|")) => {
                out.push(b'\\');
                out.push(c);
            }
            b'*' if start => {
                out.push(b'\\');
                out.push(c);
            }
            b'[' => {
                // Copy a bracket expression whole.
                let e = bracket_end(p, i);
                super::extend(out, &p[i - 1..e]);
                i = e;
                start = false;
                continue;
            }
            _ => out.push(c),
        }
        start = c == b'^' && start;
    }
}

/// Case-insensitive matching on a lowercased subject: letters outside
/// brackets become lowercase, and a bracket expression gains the lowercase
/// of its capitals (`[:upper:]` gains `[:lower:]`).
fn icase(p: &[u8], out: &mut List<u8>) {
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        if c == b'\\' && i < p.len() {
            out.push(c);
            out.push(p[i].to_ascii_lowercase());
            i += 1;
        } else if c == b'[' {
            let e = bracket_end(p, i);
            super::extend(out, &p[i - 1..e]);
            // Before the `]`, so that a leading `^` or `]` keeps its place.
            if p[i..e].windows(9).any(|x| x == b"[:upper:]") {
                super::extend(out, b"[:lower:]");
            }
            for k in i..e {
                if p[k].is_ascii_uppercase() {
                    if p[k - 1] == b'-' && k >= i + 2 && p[k - 2].is_ascii_uppercase() {
                        out.push(b'-');
                    }
                    out.push(p[k].to_ascii_lowercase());
                }
            }
            i = e;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
}

/// Without REG_NEWLINE, `.` and `[^…]` match a newline too; this matcher
/// never lets them, so they become `(.|\n)` and `([^…]|\n)`.
fn newline(p: &[u8], out: &mut List<u8>) {
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        match c {
            b'\\' if i < p.len() => {
                out.push(c);
                out.push(p[i]);
                i += 1;
            }
            b'.' => super::extend(out, b"(.|\n)"),
            b'[' => {
                let e = (bracket_end(p, i) + 1).min(p.len());
                let neg = p.get(i) == Some(&b'^') && !p[i..e].contains(&b'\n');
                if neg {
                    out.push(b'(');
                }
                super::extend(out, &p[i - 1..e]);
                if neg {
                    super::extend(out, b"|\n)");
                }
                i = e;
            }
            _ => out.push(c),
        }
    }
}

/// Compile `pat`, a BRE when `basic`, matching case-insensitively (on a
/// lowercased subject) when `fold`.
pub fn compile(pat: &'static [u8], basic: bool, fold: bool) -> Option<Regex> {
    let mut e = List::new();
    let mut src = pat;
    if basic {
        bre(pat, &mut e);
        src = e.done();
        e = List::new();
    }
    if fold {
        icase(src, &mut e);
        src = e.done();
        e = List::new();
    }
    newline(src, &mut e);
    Regex::new(e.get()).ok()
}

/// glibc's text for a pattern it refuses (it has one per error; this
/// matcher only knows that the pattern is bad).
pub const BAD_RE: &[u8] = b"Invalid regular expression";

pub fn case(a: Args) -> u8 {
    let w = words(a, 0);
    let o = Opts::parse(w, b"sSeEnNi", U);
    let w = &w[o.ind..];
    if w.len() < 2 {
        diag::usage(U)
    }
    let shell = o.last(b"sS") == b's';
    let basic = o.last(b"eE") == b'e';
    let sub = o.last(b"nN") == b'N';
    let fold = o.has(b'i');
    let s = w[0].to_bytes();
    let Some((blk, next)) = block(w, 1) else { diag::fatal(exit::USAGE, &[b"unterminated case block"]) };
    let mut lower = List::new();
    for c in s {
        lower.push(c.to_ascii_lowercase());
    }
    let mut i = 0;
    while i < blk.len() {
        let expr = blk[i].to_bytes();
        i += 1;
        if i == blk.len() {
            diag::fatal(exit::USAGE, &[b"malformed case block"])
        }
        let Some((prog, n)) = block(blk, i) else { diag::fatal(exit::USAGE, &[b"unterminated regex block"]) };
        i = n;
        let hit = if shell {
            glob::matches(expr, s)
        } else {
            let pat = super::cstr(&[b"^", expr, b"$"]).to_bytes();
            let Some(mut re) = compile(pat, basic, fold) else {
                diag::fatal(exit::USAGE, &[b"unable to regcomp \"", pat, b"\": ", BAD_RE])
            };
            re.is_match(if fold { lower.get() } else { s })
        };
        if !hit {
            continue;
        }
        if !sub || shell {
            exec_env(prog)
        }
        // -N: `#` and `0`; this matcher does not extract subexpressions.
        if groups(expr, basic) > 0 {
            diag::fatal(exit::USAGE, &[b"-N with subexpressions is not supported: ", expr])
        }
        let mut env = Env::load();
        env.set(b"#", b"0");
        env.set(b"0", expr);
        exec(prog, env.list())
    }
    exec_env(&w[next..])
}

/// How many subexpressions `expr` opens.
fn groups(expr: &[u8], basic: bool) -> usize {
    let mut n = 0;
    let mut k = 0;
    while k < expr.len() {
        match expr[k] {
            b'\\' => {
                n += (basic && expr.get(k + 1) == Some(&b'(')) as usize;
                k += 1;
            }
            b'(' => n += !basic as usize,
            _ => {}
        }
        k += 1;
    }
    n
}
