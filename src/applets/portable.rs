//! s6-portable-utils' small file and output tools: `s6-echo`, `s6-sleep`,
//! `s6-mkdir`, `s6-chown`, `s6-chmod`, `s6-rmrf`, `s6-ln`, `s6-hiercopy`,
//! `s6-dumpenv`. Usage strings, messages and exit codes are upstream's.
use crate::base::chain::{self, opts, uint};
use crate::base::child::sleep_until;
use crate::base::fs::{copy_data, for_each_entry, mkdir_ok, remove_tree};
use crate::base::num::octal;
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::{Args, Env};
use crate::sys::{arena, fd};
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{self, AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

fn arg(a: Args, i: usize) -> &'static CStr {
    a.get_arg(i).unwrap_or(c"")
}

/// `s6-echo [-n] [-s sep] args…`
pub fn echo(args: Args) -> u8 {
    let (mut nl, mut sep) = (true, b' ');
    let rest = opts(args, b"ns:", b"s6-echo [ -n ] [ -s sep ] args...", &mut |c, a| {
        match c {
            b'n' => nl = false,
            b's' => sep = a.first().copied().unwrap_or(0),
            _ => return false,
        }
        true
    });
    // Buffered, as s6-echo's buffer_1: a line is one write (lines of
    // programs writing at once do not interleave).
    let mut buf = [0u8; 4096];
    let mut out = crate::base::io::BufOut::new(fd::stdout(), &mut buf);
    let mut r = Ok(());
    for (i, a) in rest.iter().enumerate() {
        let s: &[u8] = if i > 0 { core::slice::from_ref(&sep) } else { b"" };
        r = r.and(out.put_all(&[s, a.to_bytes()]));
    }
    if nl {
        r = r.and(out.put_all(&[b"\n"]));
    }
    if let Err(e) = r.and(out.flush()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
    exit::OK
}

/// `s6-sleep [-m] duration [prog…]`: whole seconds (ms with `-m`).
pub fn sleep(args: Args) -> u8 {
    const U: &[u8] = b"s6-sleep [ -m ] duration prog...";
    let mut ms = 1000;
    let rest = opts(args, b"m", U, &mut |c, _| {
        ms = 1;
        c == b'm'
    });
    let Some(n) = rest.get_arg(0).and_then(|s| uint(s.to_bytes())) else { diag::usage(U) };
    sleep_until(Instant::now().after_ms(n as u64 * ms));
    chain::exec_here(rest.skip(1))
}

/// `s6-pause [-t] [-h] [-a] [-q] [-b] [-i] [-p signals]`: block until a
/// signal kills it; each option ignores a signal (`-p`: a comma-separated
/// list of numbers).
pub fn pause(args: Args) -> u8 {
    use crate::sys::signal::{SIGABRT, SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    const U: &[u8] = b"s6-pause [ -t ] [ -h ] [ -a ] [ -q ] [ -b ] [ -i ] [ -p signals ]";
    let mut ignore = crate::sys::signal::Set::EMPTY;
    opts(args, b"thaqbip:", U, &mut |c, a| {
        match c {
            b't' => ignore = ignore.with(SIGTERM),
            b'h' => ignore = ignore.with(SIGHUP),
            b'a' => ignore = ignore.with(SIGALRM),
            b'q' => ignore = ignore.with(SIGQUIT),
            b'b' => ignore = ignore.with(SIGABRT),
            b'i' => ignore = ignore.with(SIGINT),
            _ => {
                for n in a.split(|&b| b == b',') {
                    match uint(n) {
                        Some(0) => {}
                        Some(sig @ 1..=64) => ignore = ignore.with(sig),
                        _ => return false,
                    }
                }
            }
        }
        true
    });
    // As upstream, a signal that cannot be ignored (KILL, STOP) is not an
    // error: it just keeps its effect.
    for sig in (1..=64).filter(|&s| ignore.has(s)) {
        let _ = crate::sys::raw::sigaction_set(sig, true);
    }
    loop {
        let _ = rustix::event::poll(&mut [], None);
    }
}

/// `s6-mkdir [-p] [-v] [-m mode] dir…`
pub fn mkdir(args: Args) -> u8 {
    const U: &[u8] = b"s6-mkdir [ -p ] [ -v ] [ -m mode ] dir";
    let (mut parents, mut verbose, mut mode) = (false, false, None);
    let rest = opts(args, b"pvm:", U, &mut |c, a| {
        match c {
            b'p' => parents = true,
            b'v' => verbose = true,
            b'm' => match octal(a) {
                Some(m) => mode = Some(m),
                None => diag::usage(U),
            },
            _ => return false,
        }
        true
    });
    if mode.is_some() {
        rustix::process::umask(Mode::empty());
    }
    let m = Mode::from_raw_mode(mode.unwrap_or(0o777));
    let one = |p: &[u8], exist_ok: bool| -> u8 {
        match fs::mkdir(p, m) {
            Ok(()) => {
                if verbose {
                    diag::line_as(&[crate::rt::prog()], b"created directory ", &[p], None);
                }
                0
            }
            Err(Errno::EXIST) if exist_ok => 0,
            Err(e) => {
                diag::warn_sys(e, &[b"unable to mkdir ", p]);
                exit::SYSCALL
            }
        }
    };
    let mut code = 0;
    for d in rest.iter() {
        let d = d.to_bytes();
        if parents {
            let mut r = 0;
            for (i, _) in d.iter().enumerate().filter(|&(i, &c)| c == b'/' && i > 0) {
                r = one(&d[..i], true);
                if r != 0 {
                    break;
                }
            }
            code |= if r != 0 { r } else { one(d, true) };
        } else {
            code |= one(d, false);
        }
    }
    code
}

/// `s6-chown [-U] [-u uid] [-g gid] file`
pub fn chown(args: Args) -> u8 {
    const U: &[u8] = b"s6-chown [ -U ] [ -u uid ] [ -g gid ] file";
    let (mut uid, mut gid) = (None, None);
    let env = Env::get();
    let rest = opts(args, b"Uu:g:", U, &mut |c, a| {
        match c {
            b'u' => uid = Some(uint(a).unwrap_or_else(|| diag::usage(U))),
            b'g' => gid = Some(uint(a).unwrap_or_else(|| diag::usage(U))),
            b'U' => {
                for (name, dst) in [(&b"UID"[..], &mut uid), (b"GID", &mut gid)] {
                    let Some(v) = env.var(name) else { diag::fatal(exit::USAGE, &[name, b" not set"]) };
                    *dst = Some(uint(v).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"invalid $", name])));
                }
            }
            _ => return false,
        }
        true
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    let f = arg(rest, 0);
    let id = |v: Option<u32>| v.filter(|&v| v != u32::MAX);
    // SAFETY-free: the ids are plain numbers.
    let (u, g) = (id(uid).map(rustix::fs::Uid::from_raw), id(gid).map(rustix::fs::Gid::from_raw));
    if let Err(e) = fs::chown(f, u, g) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chown ", f.to_bytes()]);
    }
    exit::OK
}

/// `s6-chmod mode file`
pub fn chmod(args: Args) -> u8 {
    const U: &[u8] = b"s6-chmod mode file";
    if args.len() < 3 {
        diag::usage(U);
    }
    let Some(m) = octal(arg(args, 1).to_bytes()) else { diag::usage(U) };
    let f = arg(args, 2);
    if let Err(e) = fs::chmod(f, Mode::from_raw_mode(m & 0o7777)) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to change mode of ", f.to_bytes()]);
    }
    exit::OK
}

/// How deep `s6-rmrf` goes (ELOOP beyond: a walk's buffer is on the stack).
const RMRF_DEPTH: u32 = 256;

/// `s6-rmrf file…`
pub fn rmrf(args: Args) -> u8 {
    if args.len() < 2 {
        diag::usage(b"s6-rmrf file ...");
    }
    for f in args.skip(1).iter() {
        if let Err(e) = remove_tree(CWD, f.to_bytes(), RMRF_DEPTH) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to remove ", f.to_bytes()]);
        }
    }
    exit::OK
}

/// `s6-ln [-s] [-f] [-L] [-P] src… dest`
pub fn ln(args: Args) -> u8 {
    const U: &[u8] = b"s6-ln [ -n ] [ -s ] [ -f ] [ -L ] [ -P ] src... dest";
    let (mut sym, mut force, mut follow, mut nodir) = (false, false, AtFlags::empty(), AtFlags::empty());
    let rest = opts(args, b"nsfLP", U, &mut |c, _| {
        match c {
            // A `dest` that is a symlink to a directory is replaced, not
            // linked into (`s6-ln -nsf new cur`: switch a link).
            b'n' => nodir = AtFlags::SYMLINK_NOFOLLOW,
            b's' => sym = true,
            b'f' => force = true,
            b'L' => follow = AtFlags::SYMLINK_FOLLOW,
            b'P' => follow = AtFlags::empty(),
            _ => return false,
        }
        true
    });
    let n = rest.len();
    if n < 2 {
        diag::usage(U);
    }
    let dest = arg(rest, n - 1).to_bytes();
    let into_dir = n > 2
        || fs::statat(CWD, dest, nodir).is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
    let make =
        |old: &CStr, new: &CStr| if sym { fs::symlink(old, new) } else { fs::linkat(CWD, old, CWD, new, follow) };
    for src in rest.iter().take(n - 1) {
        let new = if into_dir {
            arena::cstr(&[dest, b"/", crate::base::path::basename(src.to_bytes())])
        } else {
            arena::cstr(&[dest])
        };
        let Ok(new) = new else { diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to stralloc_catb"]) };
        let die = |e| -> ! {
            diag::fatal_sys(
                exit::SYSCALL,
                e,
                &[b"unable to make a link from ", new.to_bytes(), b" to ", src.to_bytes()],
            )
        };
        match make(src, new) {
            Ok(()) => {}
            Err(Errno::EXIST) if force => {
                // Make it under a unique name, then rename it over `new`.
                let pid = chain::num(rustix::process::getpid().as_raw_nonzero().get() as u32);
                let Ok(tmp) = arena::cstr(&[new.to_bytes(), b":s6-ln:", pid]) else { die(Errno::NOMEM) };
                if let Err(e) = make(src, tmp) {
                    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to make a link to ", src.to_bytes()]);
                }
                if let Err(e) = fs::rename(tmp, new) {
                    let _ = fs::unlink(tmp);
                    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to atomically replace ", new.to_bytes()]);
                }
            }
            Err(e) => die(e),
        }
    }
    exit::OK
}

/// Copy `sname` in `sdir` to `dname` in `ddir`: directories recursively,
/// regular files, symlinks, fifos and device nodes, with their modes and
/// (where allowed) owners.
fn copy(sdir: BorrowedFd<'_>, sname: &CStr, ddir: BorrowedFd<'_>, dname: &CStr) -> Result<(), Errno> {
    let st = fs::statat(sdir, sname, AtFlags::SYMLINK_NOFOLLOW)?;
    let mode = Mode::from_raw_mode(st.st_mode & 0o7777);
    let ft = FileType::from_raw_mode(st.st_mode);
    match ft {
        FileType::Directory => {
            mkdir_ok(ddir, dname, 0o700)?;
            let s = fs::openat(sdir, sname, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
            let d = fs::openat(ddir, dname, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
            for_each_entry(s.as_fd(), &mut |n, _| copy(s.as_fd(), n, d.as_fd(), n))?;
        }
        FileType::RegularFile => {
            let s = fs::openat(sdir, sname, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
            let d = fs::openat(ddir, dname, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC, mode)?;
            copy_data(s.as_fd(), d.as_fd())?;
        }
        FileType::Symlink => {
            let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 4096];
            let (t, _) = fs::readlinkat_raw(sdir, sname, &mut buf)?;
            let Ok(t) = arena::cstr(&[t]) else { return Err(Errno::NOMEM) };
            fs::symlinkat(t, ddir, dname)?;
        }
        _ => fs::mknodat(ddir, dname, ft, mode, st.st_rdev)?,
    }
    let (u, g) = (Some(fs::Uid::from_raw(st.st_uid)), Some(fs::Gid::from_raw(st.st_gid)));
    match fs::chownat(ddir, dname, u, g, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(()) | Err(Errno::PERM) => {}
        Err(e) => return Err(e),
    }
    if ft != FileType::Symlink {
        fs::chmodat(ddir, dname, mode, AtFlags::empty())?;
    }
    Ok(())
}

/// `s6-hiercopy src dst`
pub fn hiercopy(args: Args) -> u8 {
    if args.len() < 3 {
        diag::usage(b"s6-hiercopy src dst");
    }
    rustix::process::umask(Mode::empty());
    let (s, d) = (arg(args, 1), arg(args, 2));
    if let Err(e) = copy(CWD, s, CWD, d) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to copy hierarchy from ", s.to_bytes(), b" to ", d.to_bytes()]);
    }
    exit::OK
}

/// `s6-dumpenv [-m mode] envdir`: one file per variable, holding its value.
pub fn dumpenv(args: Args) -> u8 {
    const U: &[u8] = b"s6-dumpenv [ -m mode ] envdir";
    let mut mode = 0o755;
    let rest = opts(args, b"m:", U, &mut |c, a| {
        mode = octal(a).unwrap_or_else(|| diag::usage(U));
        c == b'm'
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    let dir = arg(rest, 0);
    let die = |e, what: &[u8], f: &[u8]| -> ! { diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", what, f]) };
    if let Err(e) = mkdir_ok(fs::CWD, dir, mode) {
        die(e, b"mkdir ", dir.to_bytes())
    }
    let d = fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
        .unwrap_or_else(|e| die(e, b"mkdir ", dir.to_bytes()));
    for e in Env::get().iter() {
        let e = e.to_bytes();
        let i = e.iter().position(|&c| c == b'=').unwrap_or(e.len());
        let (name, value) = (&e[..i], e.get(i + 1..).unwrap_or(b""));
        // Written to NAME=.tmp, then renamed: readers never see half a value.
        let (Ok(f), Ok(tmp)) = (arena::cstr(&[name]), arena::cstr(&[name, b"=.tmp"])) else {
            die(Errno::NOMEM, b"open ", name)
        };
        let r = fs::openat(
            &d,
            tmp,
            OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o666),
        )
        .and_then(|fd| fd::write_all(fd.as_fd(), value).and_then(|_| fs::fsync(&fd)))
        .and_then(|_| fs::renameat(&d, tmp, &d, f));
        if let Err(e) = r {
            let _ = fs::unlinkat(&d, tmp, AtFlags::empty());
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", dir.to_bytes(), b"/", name]);
        }
    }
    exit::OK
}
