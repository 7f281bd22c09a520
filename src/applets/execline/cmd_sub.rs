//! Substitution commands: define, importas, import, multisubstitute,
//! multidefine, elglob, elgetpositionals, and the positional helpers
//! dollarat, shift, elgetopt.
use super::subst::{apply, one, split, Split, Sub, NOSPLIT};
use super::{b, exec, need_block, num, words, Env, List, Ws, W};
use crate::base::{diag, exit, getopt::Getopt};
use crate::rt::Args;

const U_DEFINE: &[u8] = b"define [ -N | -n ] [ -s ] [ -C | -c ] [ -d delim ] key value prog...";
const U_IMPORTAS: &[u8] = b"importas [ -i | -D default ] [ -u ] [ -N | -n ] [ -s ] [ -C | -c ] [ -d delim ] key var prog...";
const U_MULTIDEFINE: &[u8] = b"multidefine [ -0 ] [ -r ] [ -N | -n ] [ -C | -c ] [ -d delim ] value { vars... } prog...";
const U_MULTISUB: &[u8] = b"see http://skarnet.org/software/execline/multisubstitute.html";
const U_ELGLOB: &[u8] = b"elglob [ -v ] [ -w ] [ -s ] [ -m ] [ -e ] [ -0 ] key pattern prog...";

/// One substitution directive at `w[0..]` (its name first); the subs go to
/// `subs`, the index after its last word is returned. `usage` is the text
/// to die with (the multisubstitute one inside multisubstitute).
fn directive(w: &'static [W], env: &mut Env, subs: &mut List<Sub>, inner: bool) -> usize {
    let name = b(w.first());
    let name = crate::base::path::basename(name);
    let us = |u: &'static [u8]| -> &'static [u8] { if inner { U_MULTISUB } else { u } };
    match name {
        b"define" | b"importas" | b"import" => {
            let imp = name != b"define";
            let u = us(if imp { U_IMPORTAS } else { U_DEFINE });
            let mut g = Getopt::new(Ws(w), if imp { b"iD:usCcNnd:S" } else { b"sCcNnd:" });
            let mut o = NOSPLIT;
            let (mut insist, mut def, mut unset, mut same) = (false, None, false, false);
            while let Some((c, arg)) = g.next() {
                if !o.opt(c, arg) {
                    match c {
                        b'i' => insist = true,
                        b'D' => def = Some(arg),
                        b'u' => unset = true,
                        b'S' => same = true,
                        _ => diag::usage(u),
                    }
                }
            }
            let i = g.ind;
            let one_arg = same || name == b"import";
            let key = b(w.get(i));
            let var = if one_arg { key } else { b(w.get(i + 1)) };
            let end = i + if one_arg { 1 } else { 2 };
            if w.len() < end {
                diag::usage(u);
            }
            if key.is_empty() {
                diag::fatal(exit::SYSCALL, &[b"bad substitution key"]);
            }
            let vals = if imp {
                match env.get(var).or(def) {
                    Some(v) => split(v, &o),
                    None if insist => diag::fatal(exit::USAGE, &[var, b" not set"]),
                    None => &[],
                }
            } else {
                split(var, &o)
            };
            if imp && unset {
                env.unset(var);
            }
            subs.push(Sub { key, vals });
            end
        }
        b"multidefine" => {
            let mut g = Getopt::new(Ws(w), b"0rCcNnd:");
            let mut o = Split { split: true, ..NOSPLIT };
            let (mut zero, mut rest) = (false, false);
            while let Some((c, arg)) = g.next() {
                if !o.opt(c, arg) {
                    match c {
                        b'0' => zero = true,
                        b'r' => rest = true,
                        _ => diag::usage(us(U_MULTIDEFINE)),
                    }
                }
            }
            let Some(v) = w.get(g.ind) else { diag::usage(us(U_MULTIDEFINE)) };
            let vals = split(v.to_bytes(), &o);
            let (vars, next) = super::block(w, g.ind + 1).unwrap_or_else(|| diag::usage(us(U_MULTIDEFINE)));
            for (k, var) in vars.iter().enumerate() {
                let key = var.to_bytes();
                let vs: &'static [&'static [u8]] = if rest && k + 1 == vars.len() {
                    vals.get(k..).unwrap_or(&[])
                } else {
                    match vals.get(k) {
                        Some(x) => one(x),
                        None if zero => &[],
                        None => one(b""),
                    }
                };
                if !key.is_empty() {
                    subs.push(Sub { key, vals: vs });
                }
            }
            next
        }
        b"elglob" => {
            let mut g = Getopt::new(Ws(w), b"vwsme0nd:");
            let (mut sort, mut mark, mut zero, mut noesc) = (false, false, false, false);
            while let Some((c, _)) = g.next() {
                match c {
                    b's' => sort = true,
                    b'm' => mark = true,
                    b'0' => zero = true,
                    b'e' => noesc = true,
                    b'v' | b'w' | b'n' | b'd' => {}
                    _ => diag::usage(us(U_ELGLOB)),
                }
            }
            let i = g.ind;
            if w.len() < i + 2 {
                diag::usage(us(U_ELGLOB));
            }
            let pat = w[i + 1].to_bytes();
            let mut r = List::new();
            glob(if pat.starts_with(b"/") { b"/" } else { b"" }, pat, mark, noesc, &mut r);
            if sort {
                // Insertion sort: results are few, and it is small.
                let v = r.get_mut();
                for i in 1..v.len() {
                    let mut j = i;
                    while j > 0 && v[j - 1] > v[j] {
                        v.swap(j - 1, j);
                        j -= 1;
                    }
                }
            }
            let vals = r.done();
            let vals: &'static [&'static [u8]] = if vals.is_empty() && !zero { one(pat) } else { vals };
            subs.push(Sub { key: w[i].to_bytes(), vals });
            i + 2
        }
        b"elgetpositionals" => {
            let mut g = Getopt::new(Ws(w), b"P:");
            let mut min = 0;
            while let Some((c, arg)) = g.next() {
                match c {
                    b'P' => min = super::unum(arg, b"elgetpositionals [ -P num ] prog...") as usize,
                    _ => diag::usage(us(b"elgetpositionals [ -P num ] prog...")),
                }
            }
            positionals(env, min, subs);
            g.ind
        }
        _ => diag::usage(U_MULTISUB),
    }
}

fn glob(prefix: &'static [u8], pat: &[u8], mark: bool, noesc: bool, out: &mut List<&'static [u8]>) {
    let pat = pat.strip_prefix(b"/").map_or(pat, |p| {
        let mut p = p;
        while let Some(q) = p.strip_prefix(b"/") {
            p = q;
        }
        p
    });
    let (comp, rest) = match pat.iter().position(|&c| c == b'/') {
        Some(k) => (&pat[..k], Some(&pat[k + 1..])),
        None => (pat, None),
    };
    let dir = if prefix.is_empty() { c"." } else { super::cstr(&[prefix]) };
    let mut found = List::new();
    if crate::base::glob::is_pattern(comp) && !(noesc && !comp.iter().any(|c| b"*?[".contains(c))) {
        let Ok(fd) = rustix::fs::open(dir, rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::empty()) else { return };
        let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
        let mut it = rustix::fs::RawDir::new(&fd, &mut buf);
        while let Some(Ok(e)) = it.next() {
            let n = e.file_name().to_bytes();
            if n != b"." && n != b".." && crate::base::glob::matches_name(comp, n) {
                found.push(super::cstr(&[n]).to_bytes());
            }
        }
    } else {
        let mut l = List::new();
        let mut k = 0;
        while k < comp.len() {
            if comp[k] == b'\\' && !noesc && k + 1 < comp.len() {
                k += 1;
            }
            l.push(comp[k]);
            k += 1;
        }
        found.push(l.done());
    }
    for n in found.get() {
        let p = super::cstr(&[prefix, n]).to_bytes();
        let st = rustix::fs::stat(super::cstr(&[p]));
        let isdir = st.as_ref().is_ok_and(|s| rustix::fs::FileType::from_raw_mode(s.st_mode) == rustix::fs::FileType::Directory);
        match rest {
            Some(r) if !r.is_empty() => {
                if isdir {
                    glob(super::cstr(&[p, b"/"]).to_bytes(), r, mark, noesc, out);
                }
            }
            _ => {
                if st.is_ok() || rustix::fs::lstat(super::cstr(&[p])).is_ok() {
                    out.push(if (mark && isdir) || rest.is_some() { super::cstr(&[p, b"/"]).to_bytes() } else { p });
                }
            }
        }
    }
}

/// `#`, `0`…`max(min,#)` and `@` from the environment (100 when missing).
fn positionals(env: &Env, min: usize, subs: &mut List<Sub>) {
    let get = |k: &[u8]| env.get(k).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"$", k, b" not set"]));
    let n = super::u(get(b"#")).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"$# is not a number"])) as usize;
    subs.push(Sub { key: b"#", vals: one(num(n as u64)) });
    let mut at = List::new();
    for k in 0..=n.max(min) {
        let key = num(k as u64);
        let v = if k <= n { get(key) } else { b"" };
        if k > 0 && k <= n {
            at.push(v);
        }
        subs.push(Sub { key, vals: one(v) });
    }
    subs.push(Sub { key: b"@", vals: at.done() });
}

/// define, importas, import, multidefine, elglob, elgetpositionals.
pub fn single(a: Args) -> u8 {
    let w = words(a, 0);
    let mut env = Env::load();
    let mut subs = List::new();
    let i = directive(w, &mut env, &mut subs, false);
    exec(apply(&w[i..], subs.get()), env.list())
}

pub fn multisubstitute(a: Args) -> u8 {
    let w = words(a, 0);
    let mut env = Env::load();
    let mut subs = List::new();
    let (blk, next) = block(w);
    let mut i = 0;
    while i < blk.len() {
        i += directive(&blk[i..], &mut env, &mut subs, true);
    }
    exec(apply(&w[next..], subs.get()), env.list())
}

fn block(w: &'static [W]) -> (&'static [W], usize) {
    if w.len() < 2 {
        diag::usage(U_MULTISUB);
    }
    need_block(w, 1, b"")
}

/// The positional count from the environment.
fn count(env: &Env) -> usize {
    env.get(b"#").and_then(super::u).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"$# not set"])) as usize
}

pub fn dollarat(a: Args) -> u8 {
    const U: &[u8] = b"dollarat [ -n ] [ -0 | -d delimchar ]";
    let mut g = Getopt::new(a, b"n0d:");
    let (mut chomp, mut d) = (false, b'\n');
    while let Some((c, arg)) = g.next() {
        match c {
            b'n' => chomp = true,
            b'0' => d = 0,
            b'd' if arg.len() == 1 => d = arg[0],
            _ => diag::usage(U),
        }
    }
    let env = Env::load();
    let n = env.get(b"#").and_then(super::u).unwrap_or(0) as usize;
    let mut l = List::new();
    for k in 1..=n {
        let key = num(k as u64);
        let v = env.get(key).unwrap_or_else(|| diag::fatal(exit::USAGE, &[key, b" not set"]));
        super::extend(&mut l, v);
        if !(chomp && k == n) {
            l.push(d);
        }
    }
    match super::out(l.get()) {
        Ok(()) => 0,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]),
    }
}

pub fn shift(a: Args) -> u8 {
    const U: &[u8] = b"shift [ -n arg# ] [ -b block# ] prog...";
    let mut g = Getopt::new(a, b"n:b:");
    let (mut sh, mut blocks) = (1usize, 0usize);
    while let Some((c, arg)) = g.next() {
        match c {
            b'n' => sh = super::unum(arg, U) as usize,
            b'b' => blocks = super::unum(arg, U) as usize,
            _ => diag::usage(U),
        }
    }
    let mut env = Env::load();
    let n = count(&env);
    let mut k = 1;
    // Skip whole blocks first: each starts at the next positional.
    for _ in 0..blocks {
        while k <= n {
            let v = env.get(num(k as u64)).unwrap_or(b"");
            k += 1;
            if v.is_empty() {
                break;
            }
        }
    }
    let sh = (k - 1 + sh).min(n);
    let vals: List<&'static [u8]> = {
        let mut l = List::new();
        for j in sh + 1..=n {
            l.push(env.get(num(j as u64)).unwrap_or_else(|| diag::fatal(exit::USAGE, &[num(j as u64), b" not set"])));
        }
        l
    };
    for j in 1..=n {
        env.unset(num(j as u64));
    }
    env.set_num(b"#", (n - sh) as u64);
    for (j, v) in vals.get().iter().enumerate() {
        env.set(num(j as u64 + 1), v);
    }
    exec(words(a, g.ind), env.list())
}

pub fn elgetopt(a: Args) -> u8 {
    const U: &[u8] = b"elgetopt [ -D default ] optstring prog...";
    let mut g = Getopt::new(a, b"D:");
    let mut def: &[u8] = b"1";
    while let Some((c, arg)) = g.next() {
        match c {
            b'D' => def = arg,
            _ => diag::usage(U),
        }
    }
    let Some(opts) = a.get_arg(g.ind) else { diag::usage(U) };
    let opts = opts.to_bytes();
    let mut env = Env::load();
    let n = count(&env);
    let mut pos = List::new();
    for k in 1..=n {
        pos.push(env.get(num(k as u64)).unwrap_or(b""));
    }
    let pos = pos.done();
    let mut i = 0;
    'outer: while i < pos.len() {
        let w = pos[i];
        if w.len() < 2 || w[0] != b'-' {
            break;
        }
        i += 1;
        if w == b"--" {
            break;
        }
        let mut j = 1;
        while j < w.len() {
            let c = w[j];
            let Some(p) = opts.iter().position(|&o| o == c && o != b':') else {
                diag::fatal(exit::USAGE, &[b"unrecognized option: ", &w[j..j + 1]]);
            };
            let name = super::cstr(&[b"ELGETOPT_", &w[j..j + 1]]).to_bytes();
            if opts.get(p + 1) == Some(&b':') {
                let v = if j + 1 < w.len() {
                    &w[j + 1..]
                } else if i < pos.len() {
                    i += 1;
                    pos[i - 1]
                } else {
                    diag::fatal(exit::USAGE, &[b"missing argument for option: ", &w[j..j + 1]]);
                };
                env.set(name, v);
                continue 'outer;
            }
            env.set(name, def);
            j += 1;
        }
    }
    for k in 1..=n {
        env.unset(num(k as u64));
    }
    env.set_num(b"#", (n - i) as u64);
    for (k, v) in pos[i..].iter().enumerate() {
        env.set(num(k as u64 + 1), v);
    }
    exec(words(a, g.ind + 1), env.list())
}
