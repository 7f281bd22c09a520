//! `execlineb`: read a script (a file or `-c`), lex it, apply the
//! positional parameters, run it.
use super::subst::{NOSPLIT, Sub, apply, one, split};
use super::{Env, List, cstr, exec, num};
use crate::base::{diag, exit, getopt::Getopt, lex};
use crate::rt::Args;
use rustix::fs::{Mode, OFlags};

const USAGE: &[u8] = b"execlineb [ -p | -P | -S nmin | -s nmin ] [ -q | -w | -W ] [ -c commandline ] script args";

pub fn main(a: Args) -> u8 {
    let mut g = Getopt::new(a, b"pPS:s:qwWec:");
    let (mut mode, mut min, mut strict, mut script) = (0u8, 0usize, 0u8, None);
    while let Some((c, arg)) = g.next() {
        match c {
            b'p' | b'P' => mode = c,
            b'S' | b's' => {
                mode = c;
                min = super::unum(arg, USAGE) as usize;
            }
            b'q' | b'w' | b'W' => strict = c,
            b'e' => {}
            b'c' => script = Some(arg),
            _ => diag::usage(USAGE),
        }
    }
    let mut i = g.ind;
    let (text, name) = match script {
        Some(s) => (s, a.get_arg(0).map_or(b"" as &[u8], |w| w.to_bytes())),
        None => {
            let Some(f) = a.get_arg(i) else { diag::usage(USAGE) };
            i += 1;
            let fd = rustix::fs::open(f, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap_or_else(|e| {
                diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", f.to_bytes(), b" for reading"])
            });
            let t = super::slurp(rustix::fd::AsFd::as_fd(&fd))
                .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read ", f.to_bytes()]));
            (t, f.to_bytes())
        }
    };
    let mut words = List::new();
    if let Err(m) = lex::lex(text, &mut words) {
        if script.is_some() {
            diag::fatal(exit::USAGE, &[m])
        }
        diag::fatal(exit::USAGE, &[m, b" in file ", name])
    }
    let args = super::words(a, i);
    let mut env = Env::load();
    // The level of execlineb's own checks: the flag's, else the
    // environment's, else 1 (warnings).
    let level = match strict {
        b'q' => {
            env.unset(b"EXECLINE_STRICT");
            0
        }
        b'w' => {
            env.set(b"EXECLINE_STRICT", b"1");
            1
        }
        b'W' => {
            env.set(b"EXECLINE_STRICT", b"2");
            2
        }
        _ => match env.get(b"EXECLINE_STRICT").map(super::u) {
            Some(Some(v)) => v,
            Some(None) => {
                diag::warn(&[b"invalid EXECLINE_STRICT value, unsetting it"]);
                env.unset(b"EXECLINE_STRICT");
                1
            }
            None => 1,
        },
    };
    let n = args.len();
    let mut argv = words.done();
    match mode {
        b'P' => {}
        b'S' | b's' => {
            if n < min && level > 0 {
                let why: &[&[u8]] =
                    &[b"too few arguments: expecting at least ", num(min as u64), b" but got ", num(n as u64)];
                if level >= 2 {
                    diag::fatal(exit::USAGE, why);
                }
                diag::warn(why);
            }
            let mut subs = List::new();
            subs.push(Sub { key: b"#", vals: one(num(n as u64)) });
            subs.push(Sub { key: b"0", vals: one(name) });
            for k in 1..=n.max(min) {
                subs.push(Sub {
                    key: num(k as u64),
                    vals: one(args.get(k - 1).map_or(b"" as &[u8], |w| w.to_bytes())),
                });
            }
            let mut at = List::new();
            for w in &args[if mode == b's' { min.min(n) } else { 0 }..] {
                at.push(w.to_bytes());
            }
            subs.push(Sub { key: b"@", vals: at.done() });
            argv = apply(argv, subs.get());
            let _ = (split, NOSPLIT);
        }
        _ => {
            if mode != b'p' {
                push(&mut env);
            }
            env.set_num(b"#", n as u64);
            env.set(b"0", name);
            for (k, w) in args.iter().enumerate() {
                env.set(num(k as u64 + 1), w.to_bytes());
            }
        }
    }
    exec(argv, env.list())
}

/// Is `name` a positional name (`#` or digits), possibly with `:n`?
fn positional(e: &[u8]) -> Option<(usize, Option<u64>)> {
    let eq = e.iter().position(|&c| c == b'=')?;
    let name = &e[..eq];
    let (base, depth) = match name.iter().position(|&c| c == b':') {
        Some(c) => (&name[..c], Some(super::u(&name[c + 1..])?)),
        None => (name, None),
    };
    (base == b"#" || (!base.is_empty() && base.iter().all(u8::is_ascii_digit))).then_some((base.len(), depth))
}

/// Rename every positional `X` to `X:1` and `X:n` to `X:n+1`, in place.
pub fn push(env: &mut Env) {
    for e in env.0.get_mut().iter_mut() {
        let b = e.to_bytes();
        if let Some((bl, d)) = positional(b) {
            let eq = b.iter().position(|&c| c == b'=').unwrap_or(0);
            *e = cstr(&[&b[..bl], b":", num(d.unwrap_or(0) + 1), &b[eq..]]);
        }
    }
}

/// The reverse of `push` for names accepted by `sel`: drop `X`, `X:1`
/// becomes `X`, `X:n` becomes `X:n-1`.
pub fn pop(env: &mut Env, sel: fn(&[u8]) -> Option<usize>) {
    let mut l = List::new();
    for &e in env.list() {
        let b = e.to_bytes();
        let Some(bl) = sel(b) else {
            l.push(e);
            continue;
        };
        let eq = b.iter().position(|&c| c == b'=').unwrap_or(0);
        let d = if bl == eq { 0 } else { super::u(&b[bl + 1..eq]).unwrap_or(1) };
        if d == 0 {
            continue;
        }
        l.push(if d == 1 { cstr(&[&b[..bl], &b[eq..]]) } else { cstr(&[&b[..bl], b":", num(d - 1), &b[eq..]]) });
    }
    env.0 = l;
}

pub fn sel_positional(e: &[u8]) -> Option<usize> {
    positional(e).map(|p| p.0)
}
