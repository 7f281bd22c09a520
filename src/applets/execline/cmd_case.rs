//! case: run the block of the first pattern the value matches. Regexes
//! are POSIX EREs (`-e`: BREs), matched by
//! `base::regex`; `-s` uses shell patterns (`fnmatch`, where `-e`, `-i` and `-N` mean
//! `FNM_NOESCAPE`, `FNM_PERIOD` and `FNM_PATHNAME`, as execline's).
use super::{Env, List, Opts, block, exec, exec_env, words};
use crate::base::{diag, exit, glob, regex::Regex};
use crate::rt::Args;

const U: &[u8] =
    b"case [ -s | -S ] [ -e | -E ] [ -n | -N ] [ -i ] value { re1 { prog1... } re2 { prog2... } ... } progdefault... ";

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
        let re = if basic { Regex::basic(pat, fold) } else { Regex::with(pat, fold) };
        let mut re =
            re.unwrap_or_else(|e| diag::fatal(exit::USAGE, &[b"unable to regcomp \"", pat, b"\": ", e.text()]));
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
