//! s6's account and environment rewriters: `s6-setuidgid`,
//! `s6-envuidgid`, `s6-applyuidgid` and `s6-envdir`. Each changes its own
//! process (ids or environment), then execs the rest of its command line.
//!
//! Accounts come from the image's `/etc/passwd` and `/etc/group`. The
//! privilege drop is supplementary groups (the primary gid plus every group
//! listing the user, as s6's `setgroups_and_gid`), then gid, then uid, and
//! fails closed: the first step that fails ends the program with 111 and
//! nothing is run. `s6-setuidgid` does in one process what s6 does by
//! chaining `s6-envuidgid` and `s6-applyuidgid -Uz`; its messages carry
//! those names, as s6's do.
use crate::base::chain::{self, Mod, num, uint};
use crate::base::fs::{for_each_entry, read_at, read_or_empty};
use crate::base::{diag, exit, passwd};
use crate::rt::{self, Args, Env};
use crate::sys::{arena, ids};
use rustix::fd::AsFd;
use rustix::fs::{self, Mode, OFlags};

const ENVUIDGID: &[u8] =
    b"s6-envuidgid [ -i | -D defaultuid:defaultgid:defaultgidlist ] [ -u | -g | -B ] [ -n ] account prog...";
const APPLY: &[u8] = b"s6-applyuidgid [ -z ] [ -u uid ] [ -g gid ] [ -G gidlist ] [ -U ] prog...";
const IDS: [&[u8]; 3] = [b"UID", b"GID", b"GIDLIST"];

fn arg(a: Args, i: usize) -> &'static [u8] {
    a.get_arg(i).map_or(b"", |s| s.to_bytes())
}

/// `name`'s uid, primary gid and the groups listing it.
fn account(name: &[u8]) -> Option<(u32, u32, &'static [u32])> {
    let (uid, gid) = passwd::user(read_or_empty(c"/etc/passwd"), name)?;
    let grp = read_or_empty(c"/etc/group");
    let v = arena::alloc_slice(passwd::member_of(grp, name).count(), 0u32).ok()?;
    for (d, g) in v.iter_mut().zip(passwd::member_of(grp, name)) {
        *d = g;
    }
    Some((uid, gid, v))
}

/// Drop to `uid`/`gid` (0 keeps the current one, as s6) with `groups` plus
/// the gid as supplementary groups; dies 111 at the first failure.
fn apply(uid: u32, gid: u32, groups: Option<&[u32]>) {
    let g = if gid != 0 { gid } else { rustix::process::getegid().as_raw() };
    let u = if uid != 0 { uid } else { rustix::process::geteuid().as_raw() };
    let list = groups.map(|l| {
        if l.contains(&g) {
            return l;
        }
        let Ok(v) = arena::alloc_slice(l.len() + 1, g) else { diag::fatal(exit::SYSCALL, &[b"out of memory"]) };
        v[1..].copy_from_slice(l);
        &*v
    });
    if let Err((step, e)) = ids::drop_to(u, g, list) {
        let what: &[u8] = match step {
            ids::Step::Setgroups => b"set supplementary group list",
            ids::Step::Setgid => b"setgid",
            ids::Step::Setuid => b"setuid",
        };
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", what]);
    }
}

fn fmt_list(l: &[u32]) -> &'static [u8] {
    let Ok(out) = arena::alloc_bytes(l.len() * 11, 1) else { return b"" };
    let mut n = 0;
    for (i, g) in l.iter().enumerate() {
        if i > 0 {
            out[n] = b',';
            n += 1;
        }
        let s = num(*g);
        out[n..n + s.len()].copy_from_slice(s);
        n += s.len();
    }
    &out[..n]
}

/// `s6-setuidgid ACCOUNT PROG…`: `user` or `uid:gid`; `""` changes nothing.
pub fn setuidgid(args: Args) -> u8 {
    if args.len() < 3 {
        diag::usage(b"s6-setuidgid username prog...");
    }
    let acct = arg(args, 1);
    let prog = args.skip(2);
    if acct.is_empty() {
        chain::exec_here(prog);
    }
    if let Some(i) = acct.iter().position(|&c| c == b':') {
        rt::set_prog(b"s6-applyuidgid");
        let (Some(u), Some(g)) = (uint(&acct[..i]), uint(&acct[i + 1..])) else { diag::usage(APPLY) };
        apply(u, g, Some(&[]));
        chain::exec_here(prog);
    }
    rt::set_prog(b"s6-envuidgid");
    // s6-setuidgid hands the account to s6-envuidgid as its first
    // argument: one that looks like an option it does not take is its
    // usage error.
    if acct.len() > 1 && acct[0] == b'-' && acct[1..].iter().any(|c| !b"ugBniD-".contains(c)) {
        diag::usage(ENVUIDGID);
    }
    let Some((u, g, list)) = account(acct) else { diag::fatal(exit::FALSE, &[b"unknown user: ", acct]) };
    rt::set_prog(b"s6-applyuidgid");
    apply(u, g, Some(list));
    chain::exec(prog, chain::env_with(&[(IDS[0], None), (IDS[1], None), (IDS[2], None)]))
}

/// `s6-envuidgid [-i|-D u:g:list] [-u|-g|-B] [-n] ACCOUNT PROG…`: set UID,
/// GID and GIDLIST from the account database.
pub fn envuidgid(args: Args) -> u8 {
    let (mut what, mut numeric, mut insist) = (7u8, false, true);
    let (mut uid, mut gid, mut list): (u32, u32, &'static [u8]) = (0, 0, b"");
    let rest = chain::opts(args, b"ugBniD:", ENVUIDGID, &mut |c, a| {
        match c {
            b'u' => what = 1,
            b'g' => what = 2,
            b'B' => what = 3,
            b'n' => {
                what &= 3;
                numeric = true
            }
            b'i' => insist = true,
            b'D' => {
                // uid[:gid[:gidlist]], each id a number ending at `:` or
                // the end (an empty one is 0), the list read as skalibs.
                let field = |s: &'static [u8]| -> Option<(u32, &'static [u8])> {
                    let (v, n) = if s.is_empty() || s[0] == b':' { (0, 0) } else { passwd::id_prefix(s)? };
                    match s.get(n) {
                        None => Some((v, b"")),
                        Some(b':') => Some((v, &s[n + 1..])),
                        Some(_) => None,
                    }
                };
                let Some(((u, rest), true)) = field(a).map(|f| (f, !a.is_empty())) else { return false };
                let Some((g, rest)) = field(rest) else { return false };
                let Some(l) = passwd::gid_list(rest) else { return false };
                (uid, gid, list, insist) = (u, g, fmt_list(l), false);
            }
            _ => return false,
        }
        true
    });
    if rest.len() < 2 {
        diag::usage(ENVUIDGID);
    }
    let acct = arg(rest, 0);
    let (user, group) = match what {
        2 => (None, Some(acct)),
        3 => match acct.iter().position(|&c| c == b':') {
            Some(i) => ((i > 0).then(|| &acct[..i]), (i + 1 < acct.len()).then(|| &acct[i + 1..])),
            None => (Some(acct), None),
        },
        _ => (Some(acct), None),
    };
    // -n: a name not found may be a number (its leading digits, as s6).
    let numeric_id = |s: &[u8]| numeric.then(|| passwd::id_prefix(s).map(|x| x.0)).flatten();
    if let Some(g) = group {
        match passwd::group(read_or_empty(c"/etc/group"), g).or_else(|| numeric_id(g)) {
            Some(x) => gid = x,
            None if insist => diag::fatal(exit::FALSE, &[b"unknown group: ", g]),
            None => {}
        }
    }
    if let Some(u) = user {
        match account(u) {
            Some((a, b, l)) => {
                uid = a;
                if what == 7 {
                    (gid, list) = (b, fmt_list(l));
                }
            }
            None => match numeric_id(u) {
                Some(a) => uid = a,
                None if insist => diag::fatal(exit::FALSE, &[b"unknown user: ", u]),
                None => {}
            },
        }
    }
    let mut mods: [Mod; 3] = [(b"", None); 3];
    let mut n = 0;
    for (bit, (name, v)) in [(1, (IDS[0], num(uid))), (2, (IDS[1], num(gid))), (4, (IDS[2], list))] {
        if what & bit != 0 {
            mods[n] = (name, Some(v));
            n += 1;
        }
    }
    chain::exec(rest.skip(1), chain::env_with(&mods[..n]))
}

/// `s6-applyuidgid [-z] [-u uid] [-g gid] [-G list] [-U] PROG…`.
pub fn applyuidgid(args: Args) -> u8 {
    let env = Env::get();
    let (mut uid, mut gid, mut groups, mut unexport) = (0u32, 0u32, None, false);
    let prog = chain::opts(args, b"zUu:g:G:", APPLY, &mut |c, a| {
        match c {
            b'z' => unexport = true,
            b'u' => uid = uint(a).unwrap_or_else(|| diag::usage(APPLY)),
            b'g' => gid = uint(a).unwrap_or_else(|| diag::usage(APPLY)),
            b'G' => groups = Some(passwd::gid_list(a).unwrap_or_else(|| diag::usage(APPLY))),
            b'U' => {
                let get = |name: &[u8]| {
                    let Some(v) = env.var(name) else { diag::fatal(exit::USAGE, &[name, b" not set"]) };
                    v
                };
                // Each read and checked in turn, as s6.
                let bad = |name: &[u8]| -> ! { diag::fatal(exit::USAGE, &[b"invalid $", name]) };
                uid = uint(get(IDS[0])).unwrap_or_else(|| bad(IDS[0]));
                gid = uint(get(IDS[1])).unwrap_or_else(|| bad(IDS[1]));
                groups = Some(passwd::gid_list(get(IDS[2])).unwrap_or_else(|| bad(IDS[2])));
            }
            _ => return false,
        }
        true
    });
    if prog.is_empty() {
        diag::usage(APPLY);
    }
    apply(uid, gid, groups);
    if unexport {
        chain::exec(prog, chain::env_with(&[(IDS[0], None), (IDS[1], None), (IDS[2], None)]));
    }
    chain::exec_here(prog)
}

/// `s6-envdir [-I|-i] [-n] [-f] [-L] [-c nullchar] DIR PROG…`: one variable
/// per file (names with a `=` skipped). An empty file unsets; otherwise the
/// first line without trailing spaces, tabs and CRs (`-n` keeps them), or
/// with `-f` the whole file minus one final newline (`-fn` keeps it); NULs
/// become newlines (or `-c`'s first byte); at most 4095 bytes per file
/// unless `-L`, as skalibs' `envdir_internal`.
pub fn envdir(args: Args) -> u8 {
    const USAGE: &[u8] = b"s6-envdir [ -I | -i ] [ -n ] [ -f ] [ -L ] [ -c nullchar ] dir prog...";
    let (mut insist, mut chomp, mut whole, mut max, mut nullis) = (true, true, false, 4095, b'\n');
    let rest = chain::opts(args, b"IinfLc:", USAGE, &mut |c, a| {
        match c {
            b'I' => insist = false,
            b'i' => insist = true,
            b'n' => chomp = false,
            b'f' => whole = true,
            b'L' => max = usize::MAX,
            b'c' => nullis = a.first().copied().unwrap_or(0),
            _ => return false,
        }
        true
    });
    if rest.len() < 2 {
        diag::usage(USAGE);
    }
    let dirname = rest.get_arg(0).unwrap_or(c"");
    let fail = |e| -> ! { diag::fatal_sys(exit::SYSCALL, e, &[b"unable to envdir ", dirname.to_bytes()]) };
    // skalibs' envdir refuses NUL as the replacement of NUL (`-c ''`).
    if nullis == 0 {
        fail(rustix::io::Errno::INVAL);
    }
    let dir = match fs::open(dirname, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
        Ok(d) => d,
        Err(rustix::io::Errno::NOENT) if !insist => chain::exec_here(rest.skip(1)),
        Err(e) => fail(e),
    };
    let mut mods: &mut [Mod] = &mut [];
    let mut n = 0;
    let walked = for_each_entry(dir.as_fd(), &mut |name, _| {
        if name.to_bytes()[0] == b'.' || name.to_bytes().contains(&b'=') {
            return Ok(());
        }
        // A name that went away (a dangling link): skalibs says EIDRM.
        let raw = read_at(Some(dir.as_fd()), name, max)
            .unwrap_or_else(|e| fail(if e == rustix::io::Errno::NOENT { rustix::io::Errno::IDRM } else { e }));
        let value = if raw.is_empty() {
            None
        } else {
            let mut v = raw;
            if whole {
                if chomp {
                    v = v.strip_suffix(b"\n").unwrap_or(v);
                }
            } else if chomp && max == usize::MAX && !v.contains(&b'\n') {
                // skalibs' unclamped reader (-L) drops a first line that
                // has no newline when it chomps: an empty value.
                v = b"";
            } else {
                v = v.split(|&c| c == b'\n').next().unwrap_or(v);
                while chomp && matches!(v.last(), Some(b' ' | b'\t' | b'\r')) {
                    v = &v[..v.len() - 1];
                }
            }
            let Ok(out) = arena::alloc_bytes(v.len(), 1) else { fail(rustix::io::Errno::NOMEM) };
            for (d, &s) in out.iter_mut().zip(v) {
                *d = if s == 0 { nullis } else { s };
            }
            Some(&*out)
        };
        if n == mods.len() {
            let Ok(bigger) = arena::alloc_slice::<Mod>(n * 2 + 8, (b"", None)) else { fail(rustix::io::Errno::NOMEM) };
            bigger[..n].copy_from_slice(mods);
            mods = bigger;
        }
        let Ok(nm) = arena::cstr(&[name.to_bytes()]) else { fail(rustix::io::Errno::NOMEM) };
        mods[n] = (nm.to_bytes(), value);
        n += 1;
        Ok(())
    });
    walked.unwrap_or_else(|e| fail(e));
    chain::exec(rest.skip(1), chain::env_with(&mods[..n]))
}
