//! posix-cd and posix-umask: execline's versions of the two POSIX
//! utilities, for scripts written for `--enable-pedantic-posix` builds.
use super::{Env, List, Opts, cstr, exec};
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::fs::Mode;
use rustix::io::Errno;

fn sys(e: Errno, parts: &[&[u8]]) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, parts)
}

fn is_dir(p: &[u8]) -> Result<bool, Errno> {
    crate::base::fs::is_dir(cstr(&[p]))
}

/// POSIX cd's step 8: `.` and extra slashes dropped, each `..` removed
/// with the component before it, once that names a directory.
fn canonical(path: &'static [u8]) -> &'static [u8] {
    let rel = usize::from(path.first() != Some(&b'/'));
    // Each component with a slash before it (the first one dropped at the
    // end for a relative path).
    let mut out: List<u8> = List::new();
    for c in path.split(|&b| b == b'/') {
        let o = out.get();
        match c {
            b"" | b"." => {}
            b".." if !o.is_empty() && !o.ends_with(b"/..") => {
                if let Err(e) = is_dir(&o[rel..]).and_then(|d| if d { Ok(()) } else { Err(Errno::NOTDIR) }) {
                    sys(e, &[b"unable to canonicalize ", path, b": problem with ", &o[rel..]]);
                }
                out.n = o.iter().rposition(|&b| b == b'/').unwrap_or(0);
            }
            b".." if rel == 0 => {}
            c => {
                out.push(b'/');
                super::extend(&mut out, c);
            }
        }
    }
    match out.get() {
        [] if rel == 0 => b"/",
        [] => b".",
        o => cstr(&[&o[rel..]]).to_bytes(),
    }
}

pub fn posix_cd(a: Args) -> u8 {
    const U: &[u8] = b"posix-cd [ -L | -P ] [ - | path ] [ prog... ]";
    let w = super::words(a, 0);
    let o = Opts::parse(w, b"LP", U);
    let physical = o.last(b"LP") == b'P';
    let rest = &w[o.ind..];
    let mut env = Env::load();
    let nonempty = |v: Option<&'static [u8]>| v.filter(|v| !v.is_empty());
    let (dir, mut show, prog) = match rest.first().map(|d| d.to_bytes()) {
        None => (nonempty(env.get(b"HOME")).unwrap_or_else(|| diag::usage(U)), false, &rest[..0]),
        Some(b"") => diag::usage(U),
        Some(b"-") => (nonempty(env.get(b"OLDPWD")).unwrap_or_else(|| diag::usage(U)), true, &rest[1..]),
        Some(d) => (d, false, &rest[1..]),
    };
    // Steps 3 to 6: CDPATH, for a relative path that does not start
    // with `.` or `..`.
    let mut cur = dir;
    let dotted = dir == b"." || dir == b".." || dir.starts_with(b"./") || dir.starts_with(b"../");
    if dir[0] != b'/'
        && !dotted
        && let Some(cdpath) = nonempty(env.get(b"CDPATH"))
    {
        for p in cdpath.split(|&c| c == b':') {
            let sep: &[u8] = if p.ends_with(b"/") { b"" } else { b"/" };
            let cand = cstr(&[if p.is_empty() { b"." } else { p }, sep, dir]).to_bytes();
            if is_dir(cand).unwrap_or(false) {
                cur = cand;
                show |= !p.is_empty();
                break;
            }
        }
    }
    let old = super::cmd_env::cwd();
    let new = if physical {
        if let Err(e) = rustix::process::chdir(cstr(&[cur])) {
            sys(e, &[b"unable to chdir to ", dir]);
        }
        super::cmd_env::cwd()
    } else {
        // Steps 7 and 8: from $PWD, then lexically.
        if cur[0] != b'/'
            && let Some(pwd) = nonempty(env.get(b"PWD"))
        {
            cur = cstr(&[pwd, if pwd.ends_with(b"/") { b"" } else { b"/" }, cur]).to_bytes();
        }
        let c = canonical(cur);
        if let Err(e) = rustix::process::chdir(cstr(&[c])) {
            sys(e, &[b"unable to chdir to ", dir]);
        }
        c
    };
    if show && let Err(e) = super::out(cstr(&[new, b"\n"]).to_bytes()) {
        sys(e, &[b"unable to write to stdout"]);
    }
    env.set(b"OLDPWD", old);
    env.set(b"PWD", new);
    exec(prog, env.list())
}

/// A symbolic mode applied to the permissions `keep` (o, g, u: what the
/// umask lets through), as upstream's grammar: clauses `[ugoa]*` then
/// actions `[+-=]` with `[rwxXst]*` or one of `ugo`; empty clauses and a
/// who-only last clause do nothing. Unlike upstream, an `=` with no
/// permissions clears them (`o=` in `u=rwx,g=rx,o=`), as POSIX says.
fn symbolic(s: &[u8], mut keep: [u8; 3]) -> Option<[u8; 3]> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let find = |set: &[u8], i: usize| set.iter().position(|&c| c == at(i));
    let mut i = 0;
    loop {
        let (start, mut who) = (i, 0u8);
        while let Some(k) = find(b"ogua", i) {
            who |= [1, 2, 4, 7][k];
            i += 1;
        }
        let who = if who == 0 { 7 } else { who };
        let mut acted = false;
        while let op @ (b'+' | b'-' | b'=') = at(i) {
            i += 1;
            let mut perm = 0;
            if let Some(k) = find(b"ogu", i) {
                perm = keep[k];
                i += 1;
            } else {
                while let Some(p) = find(b"stxXwr", i) {
                    perm |= [0, 0, 1, 1, 2, 4][p];
                    i += 1;
                }
            }
            for (k, m) in keep.iter_mut().enumerate() {
                if who >> k & 1 != 0 {
                    *m = match op {
                        b'+' => *m | perm,
                        b'-' => *m & !perm,
                        _ => perm,
                    };
                }
            }
            acted = true;
        }
        match at(i) {
            // `u` alone ends a mode, `u,g=r` is refused.
            0 => return Some(keep),
            b',' if acted || i == start => i += 1,
            _ => return None,
        }
    }
}

pub fn posix_umask(a: Args) -> u8 {
    const U: &[u8] = b"posix-umask [ -S ] [ mask ] [ prog... ]";
    let w = super::words(a, 0);
    let o = Opts::parse(w, b"S", U);
    let rest = &w[o.ind..];
    let cur = rustix::process::umask(Mode::empty()).bits();
    let Some(mask) = rest.first().map(|m| m.to_bytes()) else {
        let mut l: List<u8> = List::new();
        if o.has(b'S') {
            for (i, who) in b"ugo".iter().enumerate() {
                let allowed = !cur >> (6 - 3 * i);
                super::extend(&mut l, &[*who, b'=']);
                for (bit, c) in [(4, b'r'), (2, b'w'), (1, b'x')] {
                    if allowed & bit != 0 {
                        l.push(c);
                    }
                }
                l.push(if i < 2 { b',' } else { b'\n' });
            }
        } else {
            for i in 0..4 {
                l.push(b'0' + (cur >> (9 - 3 * i) & 7) as u8);
            }
            l.push(b'\n');
        }
        if let Err(e) = super::out(l.get()) {
            sys(e, &[b"unable to write to stdout"]);
        }
        return 0;
    };
    // All octal digits and within an unsigned int, else symbolic.
    let octal = (!mask.is_empty() && mask.iter().all(|c| (b'0'..=b'7').contains(c)))
        .then(|| mask.iter().try_fold(0u32, |v, &c| v.checked_mul(8).map(|v| v | (c - b'0') as u32)))
        .flatten();
    let new = match octal {
        Some(m) => m & 0o777,
        None => {
            let keep = [!cur as u8 & 7, !(cur >> 3) as u8 & 7, !(cur >> 6) as u8 & 7];
            let Some(k) = symbolic(mask, keep) else { diag::fatal(1, &[b"invalid mode string"]) };
            !((k[2] as u32) << 6 | (k[1] as u32) << 3 | k[0] as u32) & 0o777
        }
    };
    rustix::process::umask(Mode::from_raw_mode(new));
    exec(&rest[1..], Env::load().list())
}

#[cfg(test)]
mod tests {
    use super::symbolic;

    fn umask(s: &[u8], from: u32) -> Option<u32> {
        let keep = [!from as u8 & 7, !(from >> 3) as u8 & 7, !(from >> 6) as u8 & 7];
        symbolic(s, keep).map(|k| !((k[2] as u32) << 6 | (k[1] as u32) << 3 | k[0] as u32) & 0o777)
    }

    #[test]
    fn symbolic_modes() {
        for (s, want) in [
            (&b"g-w,o-rwx"[..], Some(0o027)),
            (b"a+x,u=g", Some(0o222)),
            (b"=", Some(0o777)),
            (b"u=rw,,g=r", Some(0o132)),
            (b"", Some(0o022)),
            (b"+", Some(0o022)),
            (b"u", Some(0o022)),
            (b"o=u", Some(0o020)),
            (b"ug=rw", Some(0o112)),
            (b"u=X", Some(0o622)),
            (b"u=r,go=", Some(0o377)),
            (b"u=rwx,g=rx,o=", Some(0o027)),
            (b"u=rw+x", Some(0o022)),
            (b"u+rw,", Some(0o022)),
            (b"r", None),
            (b"u=r g=r", None),
            (b"u,g=r", None),
            (b"u=a", None),
            (b"u=gr", None),
            (b"08", None),
        ] {
            assert_eq!(umask(s, 0o022), want, "{}", core::str::from_utf8(s).unwrap());
        }
    }
}
