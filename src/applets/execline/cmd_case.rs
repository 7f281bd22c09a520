//! case: run the block of the first pattern the value matches. Regexes
//! are POSIX EREs (`-e`: BREs, turned into EREs here), matched by
//! `base::regex`; `-s` uses shell patterns (`fnmatch`, where `-e`, `-i` and `-N` mean
//! `FNM_NOESCAPE`, `FNM_PERIOD` and `FNM_PATHNAME`, as execline's).
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

/// Compile `pat`, a BRE when `basic`, matching case-insensitively when
/// `fold`.
pub fn compile(pat: &'static [u8], basic: bool, fold: bool) -> Option<Regex> {
    let mut e = List::new();
    let mut src = pat;
    if basic {
        bre(pat, &mut e);
        src = e.done();
    }
    Regex::with(src, fold).ok()
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
    let mut i = 0;
    while i < blk.len() {
        let expr = blk[i].to_bytes();
        i += 1;
        if i == blk.len() {
            diag::fatal(exit::USAGE, &[b"malformed case block"])
        }
        let Some((prog, n)) = block(blk, i) else { diag::fatal(exit::USAGE, &[b"unterminated regex block"]) };
        i = n;
        if shell {
            // As execline: -e, -i and -N are fnmatch's NOESCAPE, PERIOD and PATHNAME here.
            let flags = if basic { glob::NOESCAPE } else { 0 }
                | if fold { glob::PERIOD } else { 0 }
                | if sub { glob::PATHNAME } else { 0 };
            if glob::matches_with(expr, s, flags) {
                exec_env(prog)
            }
            continue;
        }
        let pat = super::cstr(&[b"^", expr, b"$"]).to_bytes();
        let Some(mut re) = compile(pat, basic, fold) else {
            diag::fatal(exit::USAGE, &[b"unable to regcomp \"", pat, b"\": ", BAD_RE])
        };
        if !re.is_match(s) {
            continue;
        }
        if !sub || shell {
            exec_env(prog)
        }
        // -N: `#` the number of subexpressions, `0` the regex, then what
        // each matched (empty where it took no part).
        let mut m = List::new();
        for _ in 0..2 * (re.groups + 1) {
            m.push(-1i32);
        }
        re.captures(s, m.get_mut());
        let m = m.get();
        let mut env = Env::load();
        env.set_num(b"#", re.groups as u64);
        env.set(b"0", expr);
        for k in 1..=re.groups {
            let (a, e) = (m[2 * k], m[2 * k + 1]);
            env.set(super::num(k as u64), if a < 0 || e < a { b"" } else { &s[a as usize..e as usize] });
        }
        exec(prog, env.list())
    }
    exec_env(&w[next..])
}
