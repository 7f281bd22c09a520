//! Substitution commands: define, importas, import, multisubstitute,
//! multidefine, elglob, elgetpositionals, and the positional helpers
//! dollarat, shift, elgetopt.
use super::subst::{Split, Sub, apply, one, split};
use super::{Env, List, Opts, W, b, exec, need_block, num, words};
use crate::base::{diag, exit};
use crate::rt::Args;

const U_DEFINE: &[u8] = b"define [ -N | -n ] [ -s ] [ -C | -c ] [ -d delim ] key value prog...";
const U_IMPORTAS: &[u8] =
    b"importas [ -i | -D default ] [ -u ] [ -N | -n ] [ -s ] [ -C | -c ] [ -d delim ] key var prog...";
const U_MULTIDEFINE: &[u8] =
    b"multidefine [ -0 ] [ -r ] [ -N | -n ] [ -C | -c ] [ -d delim ] value { vars... } prog...";
const U_MULTISUB: &[u8] = b"see http://skarnet.org/software/execline/multisubstitute.html";
const U_ELGLOB: &[u8] = b"elglob [ -v ] [ -w ] [ -s ] [ -m ] [ -e ] [ -0 ] [ -n ] [ -d delim ] key pattern prog...";
const U_ELGETPOS: &[u8] = b"elgetpositionals [ -P num ] prog...";

/// One substitution directive at `w[0..]` (its name first); the subs go to
/// `subs`, the index after its last word is returned. Inside
/// multisubstitute, bad options and arguments are multisubstitute's
/// "syntax error at directive NAME", and an empty key its "wrong key for
/// directive NAME" (100), as upstream's.
fn directive(w: &'static [W], env: &mut Env, subs: &mut List<Sub>, inner: bool) -> usize {
    let name = crate::base::path::basename(b(w.first()));
    let (spec, u): (&'static [u8], &[u8]) = match name {
        b"define" => (b"sCcNnd:", U_DEFINE),
        b"importas" | b"import" => (b"iD:usCcNnd:S", U_IMPORTAS),
        b"multidefine" => (b"0rCcNnd:", U_MULTIDEFINE),
        b"elglob" => (b"vwsme0nd:", U_ELGLOB),
        b"elgetpositionals" => (b"P:", U_ELGETPOS),
        _ => diag::fatal(exit::USAGE, &[b"syntax error: unrecognized directive ", name]),
    };
    let o = Opts::try_parse(w, spec).unwrap_or_else(|| bad_directive(inner, name, u));
    let i = o.ind;
    let arg = |k: usize| w.get(i + k).map(|x| x.to_bytes()).unwrap_or_else(|| bad_directive(inner, name, u));
    let key = |k: &'static [u8]| {
        if k.is_empty() {
            if inner {
                diag::fatal(exit::USAGE, &[b"wrong key for directive ", name])
            }
            diag::fatal(exit::SYSCALL, &[b"bad substitution key"])
        }
        k
    };
    match name[0] {
        b'd' | b'i' => {
            let imp = name[0] == b'i';
            let one_arg = o.has(b'S') || name == b"import";
            let k = arg(0);
            let var = if one_arg { k } else { arg(1) };
            let so = Split::from(&o, false);
            let vals = if imp {
                // `-i` wins over `-D`, in either order.
                match env.get(var) {
                    Some(v) => split(v, &so),
                    None if o.has(b'i') => diag::fatal(exit::USAGE, &[var, b" not set"]),
                    None => o.arg(b'D').map_or(&[][..], |d| split(d, &so)),
                }
            } else {
                split(var, &so)
            };
            if o.has(b'u') {
                env.unset(var);
            }
            add(subs, Sub { key: key(k), vals }, inner, name);
            i + 2 - one_arg as usize
        }
        b'm' => {
            let vals = split(arg(0), &Split::from(&o, true));
            let (vars, next) = super::block(w, i + 1).unwrap_or_else(|| bad_directive(inner, name, u));
            if vars.is_empty() {
                diag::fatal(exit::USAGE, &[b"empty block"]);
            }
            for (k, var) in vars.iter().enumerate() {
                let vs: &'static [&'static [u8]] = if o.has(b'r') && k + 1 == vars.len() {
                    vals.get(k..).unwrap_or(&[])
                } else {
                    match vals.get(k) {
                        Some(x) => one(x),
                        None if o.has(b'0') => &[],
                        None => one(b""),
                    }
                };
                if !var.is_empty() {
                    add(subs, Sub { key: var.to_bytes(), vals: vs }, inner, name);
                }
            }
            next
        }
        b'e' if name == b"elglob" => {
            let (k, pat) = (arg(0), arg(1));
            let mut r = List::new();
            let flags = [o.has(b'm'), o.has(b'e'), o.has(b'v'), o.has(b'w')];
            glob(if pat.starts_with(b"/") { b"/" } else { b"" }, pat, flags, &mut r);
            if o.has(b's') {
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
            let vals: &'static [&'static [u8]] = if vals.is_empty() && !o.has(b'0') { one(pat) } else { vals };
            add(subs, Sub { key: key(k), vals }, inner, name);
            i + 2
        }
        _ => {
            let min = o.arg(b'P').map_or(0, |p| super::u(p).unwrap_or_else(|| bad_directive(inner, name, u)) as usize);
            positionals(env, min, subs);
            i
        }
    }
}

/// Add a substitution; a key already given (two of multidefine's, or two
/// directives of one multisubstitute) is an error, as upstream's.
fn add(subs: &mut List<Sub>, s: Sub, inner: bool, name: &[u8]) {
    if subs.get().iter().any(|x| x.key == s.key) {
        if inner {
            diag::fatal(exit::USAGE, &[b"wrong key for directive ", name])
        }
        diag::fatal(exit::SYSCALL, &[b"bad substitution key"])
    }
    subs.push(s);
}

/// A directive's bad option or argument: its usage, or multisubstitute's
/// syntax error.
fn bad_directive(inner: bool, name: &[u8], usage: &[u8]) -> ! {
    if inner {
        diag::fatal(exit::USAGE, &[b"syntax error at directive ", name])
    }
    diag::usage(usage)
}

/// glob(3) of `pat` under `prefix`, with elglob's flags: GLOB_MARK,
/// GLOB_NOESCAPE, a warning for each directory that cannot be read, and
/// GLOB_ERR (such a directory ends the command, 111).
fn glob(prefix: &'static [u8], pat: &[u8], flags: [bool; 4], out: &mut List<&'static [u8]>) {
    let [mark, noesc, verbose, abort] = flags;
    let mut pat = pat;
    while let Some(q) = pat.strip_prefix(b"/") {
        pat = q;
    }
    let (comp, rest) = match pat.iter().position(|&c| c == b'/') {
        Some(k) => (&pat[..k], Some(&pat[k + 1..])),
        None => (pat, None),
    };
    let dir = if prefix.is_empty() { c"." } else { super::cstr(&[prefix]) };
    let mut found = List::new();
    if comp.iter().any(|c| b"*?[".contains(c)) {
        let fd = match rustix::fs::open(
            dir,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(e) => {
                if verbose {
                    let d = dir.to_bytes();
                    diag::warn_sys(e, &[b"while globbing, error reading ", d.strip_suffix(b"/").unwrap_or(d)]);
                }
                if abort {
                    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to complete exlsn function"]);
                }
                return;
            }
        };
        // `.` and `..` too, as readdir gives them to glob(3): `.*` matches them.
        let _ = crate::base::fs::for_each_raw(rustix::fd::AsFd::as_fd(&fd), &mut |n, _| {
            let n = n.to_bytes();
            let flags = if noesc { crate::base::glob::NOESCAPE } else { 0 };
            if crate::base::glob::matches_name_with(comp, n, flags) {
                found.push(super::cstr(&[n]).to_bytes());
            }
            Ok(())
        });
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
        let p = super::cstr(&[prefix, n]);
        let st = rustix::fs::stat(p);
        let isdir = st
            .as_ref()
            .is_ok_and(|s| rustix::fs::FileType::from_raw_mode(s.st_mode) == rustix::fs::FileType::Directory);
        let p = p.to_bytes();
        match rest {
            Some(r) if !r.is_empty() => glob(super::cstr(&[p, b"/"]).to_bytes(), r, flags, out),
            // A trailing `/`: directories only, as glob(3).
            Some(_) if !isdir => {}
            _ => {
                if st.is_ok() || rustix::fs::lstat(super::cstr(&[p])).is_ok() {
                    out.push(if (mark && isdir) || rest.is_some() { super::cstr(&[p, b"/"]).to_bytes() } else { p });
                }
            }
        }
    }
}

fn getv(env: &Env, k: &[u8]) -> &'static [u8] {
    env.get(k).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"$", k, b" not set"]))
}

/// The positional count from the environment.
fn count(env: &Env) -> usize {
    super::u(getv(env, b"#")).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"$# is not a number"])) as usize
}

/// `#`, `0`…`max(min,#)` and `@` from the environment (100 when missing).
fn positionals(env: &Env, min: usize, subs: &mut List<Sub>) {
    let n = count(env);
    subs.push(Sub { key: b"#", vals: one(num(n as u64)) });
    let mut at = List::new();
    for k in 0..=n.max(min) {
        let key = num(k as u64);
        let v = if k <= n { getv(env, key) } else { b"" };
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
    if w.len() < 2 {
        diag::usage(U_MULTISUB);
    }
    let (blk, next) = need_block(w, 1, b"");
    if next >= w.len() {
        diag::usage(U_MULTISUB);
    }
    let mut i = 0;
    while i < blk.len() {
        i += directive(&blk[i..], &mut env, &mut subs, true);
    }
    exec(apply(&w[next..], subs.get()), env.list())
}

/// `#` from the environment, as dollarat, shift and elgetopt read it.
fn nargs(env: &Env) -> usize {
    let Some(n) = env.get(b"#") else { diag::fatal(exit::USAGE, &[b"# not set"]) };
    super::u(n).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"invalid $#"])) as usize
}

/// The positional parameters $1…$# from the environment.
fn positional_list(env: &Env) -> &'static [&'static [u8]] {
    let n = nargs(env);
    let mut l = List::new();
    for k in 1..=n {
        l.push(env.get(num(k as u64)).unwrap_or_else(|| diag::fatal(exit::USAGE, &[num(k as u64), b" not set"])));
    }
    l.done()
}

/// Replace the positional parameters with `v`.
fn set_positionals(env: &mut Env, old: usize, v: &[&[u8]]) {
    for j in 1..=old {
        env.unset(num(j as u64));
    }
    env.set_num(b"#", v.len() as u64);
    for (j, x) in v.iter().enumerate() {
        env.set(num(j as u64 + 1), x);
    }
}

pub fn dollarat(a: Args) -> u8 {
    const U: &[u8] = b"dollarat [ -n ] [ -0 | -d delimchar ]";
    let o = Opts::parse(words(a, 0), b"n0d:", U);
    let d = match o.last(b"0d") {
        b'0' => Some(0),
        b'd' => match o.arg(b'd') {
            Some([c, ..]) => Some(*c),
            // `-d ""`: netstrings.
            _ => None,
        },
        _ => Some(b'\n'),
    };
    let v = positional_list(&Env::load());
    let mut l = List::new();
    for (k, x) in v.iter().enumerate() {
        match d {
            None => {
                super::extend(&mut l, num(x.len() as u64));
                l.push(b':');
                super::extend(&mut l, x);
                l.push(b',');
            }
            Some(d) => {
                super::extend(&mut l, x);
                if !(o.has(b'n') && k + 1 == v.len()) {
                    l.push(d);
                }
            }
        }
    }
    match super::out(l.get()) {
        Ok(()) => 0,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]),
    }
}

pub fn shift(a: Args) -> u8 {
    const U: &[u8] = b"shift [ -n arg# ] [ -b block# ] prog...";
    let w = words(a, 0);
    let o = Opts::parse(w, b"n:b:", U);
    let sh = o.arg(b'n').map_or(!o.has(b'b') as usize, |x| super::unum(x, U) as usize);
    let blocks = o.arg(b'b').map_or(0, |x| super::unum(x, U) as usize);
    if o.ind >= w.len() {
        diag::usage(U);
    }
    let mut env = Env::load();
    let n = nargs(&env);
    let v = positional_list(&env);
    let mut k = sh.min(v.len());
    // Then whole blocks: each ends at an empty positional.
    for _ in 0..blocks {
        while k < v.len() {
            k += 1;
            if v[k - 1].is_empty() {
                break;
            }
        }
    }
    set_positionals(&mut env, n, &v[k..]);
    exec(&w[o.ind..], env.list())
}

pub fn elgetopt(a: Args) -> u8 {
    const U: &[u8] = b"elgetopt [ -D default ] optstring prog...";
    let w = words(a, 0);
    let o = Opts::parse(w, b"D:", U);
    let def = o.arg(b'D').unwrap_or(b"1");
    let (Some(opts), true) = (w.get(o.ind), w.len() > o.ind + 1) else { diag::usage(U) };
    let opts = opts.to_bytes();
    let mut env = Env::load();
    let n = nargs(&env);
    let pos = positional_list(&env);
    let Some(zero) = env.get(b"0") else { diag::fatal(exit::USAGE, &[b"0 not set"]) };
    // A bad option is the script's error, told under its name as skalibs'
    // sgetopt does: `$0: illegal option`, exit 1.
    let bad = |what: &[u8]| -> ! {
        let _ =
            crate::sys::fd::write_all(crate::sys::fd::stderr(), super::cstr(&[zero, b": ", what, b"\n"]).to_bytes());
        crate::sys::raw::exit_group(1)
    };
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
        for j in 1..w.len() {
            let c = &w[j..j + 1];
            let Some(p) = opts.iter().position(|&o| o == c[0] && o != b':') else { bad(b"illegal option") };
            let name = super::cstr(&[b"ELGETOPT_", c]).to_bytes();
            if opts.get(p + 1) == Some(&b':') {
                let v = if j + 1 < w.len() {
                    &w[j + 1..]
                } else if i < pos.len() {
                    i += 1;
                    pos[i - 1]
                } else {
                    bad(b"option requires an argument")
                };
                env.set(name, v);
                continue 'outer;
            }
            env.set(name, def);
        }
    }
    // Upstream's order: each old position in turn (the new value, or
    // unset), then `#`.
    let rest = &pos[i..];
    for j in 0..n {
        match rest.get(j) {
            Some(x) => env.set(num(j as u64 + 1), x),
            None => env.unset(num(j as u64 + 1)),
        }
    }
    env.set_num(b"#", rest.len() as u64);
    exec(&w[o.ind + 1..], env.list())
}

/// `runblock [ -P ] [ -n argshift ] [ -r ] n cmd...`: run the nth block of
/// the positional parameters (`-r`: everything after it), after `cmd...`.
pub fn runblock(a: Args) -> u8 {
    const U: &[u8] = b"runblock [ -P ] [ -n argshift ] [ -r ] n cmd...";
    let w = words(a, 0);
    let o = Opts::parse(w, b"Prn:", U);
    let r = o.has(b'r') as usize;
    let mut m = o.arg(b'n').map_or(0, |s| super::unum(s, U)) as usize;
    let n = super::unum(b(w.get(o.ind)), U) as usize;
    if n == 0 && r == 0 {
        diag::usage(U)
    }
    let mut env = Env::load();
    let get = |k: &'static [u8]| env.get(k).unwrap_or_else(|| diag::fatal(exit::USAGE, &[k, b" not set"]));
    let sharp = super::u(get(b"#")).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"invalid $#"])) as usize;
    let strict = env.get(b"EXECLINE_STRICT").and_then(super::u).unwrap_or(0);
    let mut v = List::new();
    super::extend(&mut v, &w[o.ind + 1..]);
    // Walk the blocks up to the nth (taking it unless -r).
    for i in 1..=n {
        let base = m;
        loop {
            m += 1;
            if m > sharp {
                diag::fatal(exit::USAGE, &[b"too few arguments"])
            }
            let x = get(num(m as u64));
            if x.is_empty() {
                break;
            }
            if x[0] != b' ' && strict > 0 {
                let msg: [&[u8]; 6] =
                    [b"unquoted positional ", x, b" at block ", num(i as u64), b" position ", num((m - base) as u64)];
                if strict > 1 {
                    diag::fatal(exit::USAGE, &msg)
                }
                diag::warn(&msg);
            }
            if i == n && r == 0 {
                v.push(super::cstr(&[x.strip_prefix(b" ").unwrap_or(x)]));
            }
        }
    }
    if r == 1 {
        if m >= sharp {
            return 0;
        }
        for k in m + 1..=sharp {
            v.push(super::cstr(&[get(num(k as u64))]));
        }
    }
    if !o.has(b'P') {
        super::execlineb::pop(&mut env, super::execlineb::sel_positional);
    }
    exec(v.get(), env.list())
}
