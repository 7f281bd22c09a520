//! The rest of the small tools execline scripts call where an image has no
//! shell or coreutils: s6-portable-utils' `s6-basename`, `s6-dirname`,
//! `s6-cat`, `s6-env`, `s6-printenv`, `s6-touch`, `s6-mkfifo`, `s6-rename`,
//! `s6-linkname`, `s6-sync` and `s6-nice`; s6-linux-utils' `s6-hostname`
//! and `s6-chroot`; s6's `s6-fghack`. Usage strings, messages and exit
//! codes are upstream's.
use crate::base::chain::{self, DEFAULT_PATH, Mod, opts};
use crate::base::io::{BufOut, print};
use crate::base::path::PATH_MAX;
use crate::base::{diag, exit};
use crate::rt::{Args, Env};
use crate::sys::spawn::{Spawn, spawn};
use crate::sys::{arena, fd, signal};
use core::ffi::CStr;
use rustix::fd::AsFd;
use rustix::fs::{self, CWD, Mode, OFlags};
use rustix::io::Errno;

/// A path with its trailing slashes taken off; `None` for "" (skalibs
/// answers `.`), `Some(b"")` for slashes only (`/`).
fn trimmed(s: &[u8]) -> Option<&[u8]> {
    if s.is_empty() {
        return None;
    }
    let end = s.iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1);
    Some(&s[..end])
}

/// skalibs' `sabasename`.
pub fn basename_of(s: &[u8]) -> &[u8] {
    match trimmed(s) {
        None => b".",
        Some([]) => b"/",
        Some(t) => &t[t.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1)..],
    }
}

/// skalibs' `sadirname`.
pub fn dirname_of(s: &[u8]) -> &[u8] {
    match trimmed(s) {
        None => b".",
        Some([]) => b"/",
        Some(t) => match t.iter().rposition(|&c| c == b'/') {
            None => b".",
            Some(0) => b"/",
            Some(i) => &t[..i],
        },
    }
}

/// Options `-n` only; returns (newline, operands).
fn n_only(args: Args, usage: &[u8]) -> (bool, Args) {
    let mut nl = true;
    let rest = opts(args, b"n", usage, &mut |c, _| {
        nl = false;
        c == b'n'
    });
    (nl, rest)
}

/// `s6-basename [-n] file [suffix]`: the suffix is taken off when it is
/// shorter than the name and ends it.
pub fn basename(args: Args) -> u8 {
    const U: &[u8] = b"s6-basename [ -n ] file [ suffix ]";
    let (nl, rest) = n_only(args, U);
    let Some(file) = rest.get_arg(0) else { diag::usage(U) };
    let mut name = basename_of(file.to_bytes());
    if let Some(suffix) = rest.get_arg(1).map(CStr::to_bytes)
        && suffix.len() < name.len()
        && name.ends_with(suffix)
    {
        name = &name[..name.len() - suffix.len()];
    }
    print(&[name, if nl { b"\n" } else { b"" }]);
    exit::OK
}

/// `s6-dirname [-n] file`
pub fn dirname(args: Args) -> u8 {
    const U: &[u8] = b"s6-dirname [ -n ] file";
    let (nl, rest) = n_only(args, U);
    let Some(file) = rest.get_arg(0) else { diag::usage(U) };
    print(&[dirname_of(file.to_bytes()), if nl { b"\n" } else { b"" }]);
    exit::OK
}

/// `s6-cat`: copy stdin to stdout (arguments are ignored).
pub fn cat(_: Args) -> u8 {
    if let Err(e) = crate::base::fs::copy_data(fd::stdin(), fd::stdout()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to fd_cat"]);
    }
    exit::OK
}

/// `s6-env [-i] [name=value…] [prog…]`: run prog with the environment
/// changed (`-i`: emptied first); with no prog, print it (`s6-printenv`).
pub fn env(args: Args) -> u8 {
    const U: &[u8] = b"s6-env [ -i ] [ name=value... ] prog...";
    let mut keep = true;
    let rest = opts(args, b"i", U, &mut |c, _| {
        keep = false;
        c == b'i'
    });
    let n = rest.iter().take_while(|a| a.to_bytes().contains(&b'=')).count();
    let Ok(mods) = arena::alloc_with(n, |i| {
        let a = rest.get_arg(i).map_or(&b""[..], CStr::to_bytes);
        let eq = a.iter().position(|&c| c == b'=').unwrap_or(a.len());
        (&a[..eq], Some(&a[eq + 1..])) as Mod
    }) else {
        diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to stralloc_cats"])
    };
    let envp = chain::merge(if keep { Env::get().envp() } else { crate::sys::argv::Vec0::empty() }, mods);
    let prog = rest.skip(n);
    if prog.is_empty() {
        // Upstream execs s6-printenv here.
        crate::rt::set_prog(b"s6-printenv");
        print_entries(envp, Some(b'\n'), true);
        return exit::OK;
    }
    chain::exec(prog, envp)
}

/// Print each entry followed by `delim` (not after the last without `nl`);
/// no `delim`: as netstrings (`LEN:ENTRY,`), upstream's `-d ''`.
fn print_entries(entries: crate::sys::argv::Envp<'_>, delim: Option<u8>, nl: bool) {
    let mut space = [0u8; 4096];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    let total = entries.len();
    let delims = [delim.unwrap_or(0)];
    for (i, e) in entries.iter().map(CStr::to_bytes).enumerate() {
        let mut len = itoa::Buffer::new();
        let (head, colon): (&[u8], &[u8]) = match delim {
            None => (len.format(e.len()).as_bytes(), b":"),
            Some(_) => (b"", b""),
        };
        let end: &[u8] = match delim {
            None => b",",
            Some(_) if nl || i + 1 < total => &delims[..],
            Some(_) => b"",
        };
        if let Err(err) = out.put_all(&[head, colon, e, end]) {
            diag::fatal_sys(exit::SYSCALL, err, &[b"unable to write to stdout"]);
        }
    }
    if let Err(e) = out.flush() {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
}

/// `s6-printenv [-n] [-0 | -d delimchar]`: the environment, one entry per
/// line (or after each `delimchar`; `-d ''`: as netstrings).
pub fn printenv(args: Args) -> u8 {
    const U: &[u8] = b"s6-printenv [ -n ] [ -0 | -d delimchar ]";
    let (mut nl, mut delim, mut zero) = (true, b'\n', false);
    opts(args, b"nd:0", U, &mut |c, a| {
        match c {
            b'n' => nl = false,
            b'd' => delim = a.first().copied().unwrap_or(0),
            b'0' => zero = true,
            _ => return false,
        }
        true
    });
    if zero {
        delim = 0;
    }
    print_entries(Env::get().envp(), (delim != 0 || zero).then_some(delim), nl);
    exit::OK
}

/// `s6-touch file…`: open each (made if missing, mode 0666 less the
/// umask) and set its times to now.
pub fn touch(args: Args) -> u8 {
    let files = args.skip(1);
    if files.is_empty() {
        diag::usage(b"s6-touch file ...");
    }
    for f in files.iter() {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let r = fs::open(f, flags, Mode::from_raw_mode(0o666)).and_then(|fd| {
            let now = fs::Timestamps {
                last_access: fs::Timespec { tv_sec: 0, tv_nsec: fs::UTIME_NOW },
                last_modification: fs::Timespec { tv_sec: 0, tv_nsec: fs::UTIME_NOW },
            };
            fs::futimens(&fd, &now)
        });
        if let Err(e) = r {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to touch ", f.to_bytes()]);
        }
    }
    exit::OK
}

/// `s6-mkfifo [-m mode] fifo…` (default mode 0666; never executable).
pub fn mkfifo(args: Args) -> u8 {
    const U: &[u8] = b"s6-mkfifo [ -m mode ] fifo...";
    let mut mode = 0o666u32;
    let rest = opts(args, b"m:", U, &mut |c, a| {
        mode = match crate::base::num::octal(a) {
            Some(m) if c == b'm' => m,
            _ => return false,
        };
        true
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    rustix::process::umask(Mode::from_raw_mode(0o111));
    for f in rest.iter() {
        if let Err(e) = fs::mknodat(CWD, f, fs::FileType::Fifo, Mode::from_raw_mode(mode), 0) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to mkfifo ", f.to_bytes()]);
        }
    }
    exit::OK
}

/// `s6-rename old new`
pub fn rename(args: Args) -> u8 {
    let (Some(old), Some(new)) = (args.get_arg(1), args.get_arg(2)) else { diag::usage(b"s6-rename old new") };
    if let Err(e) = fs::rename(old, new) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to rename ", old.to_bytes(), b" to ", new.to_bytes()]);
    }
    exit::OK
}

/// `s6-linkname [-n] [-f] link`: what a symlink holds; `-f`: the path
/// fully resolved (it need not be a link).
pub fn linkname(args: Args) -> u8 {
    const U: &[u8] = b"s6-linkname [ -n ] [ -f ] link";
    let (mut nl, mut full) = (true, false);
    let rest = opts(args, b"nf", U, &mut |c, _| {
        match c {
            b'n' => nl = false,
            b'f' => full = true,
            _ => return false,
        }
        true
    });
    let Some(link) = rest.get_arg(0) else { diag::usage(U) };
    let mut buf = [0u8; PATH_MAX];
    let r = if full {
        crate::base::path::realpath(link.to_bytes(), &mut buf)
    } else {
        fs::readlinkat_raw(CWD, link, &mut buf[..])
    };
    let n = r.unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to resolve ", link.to_bytes()]));
    print(&[&buf[..n], if nl { b"\n" } else { b"" }]);
    exit::OK
}

/// `s6-sync`: flush every filesystem's buffers.
pub fn sync(_: Args) -> u8 {
    fs::sync();
    exit::OK
}

/// `s6-nice [-I|-i] [-n value] prog…`: add `value` (default 10) to the
/// nice value, then exec prog; a failure is a warning (`-i`: fatal).
pub fn nice(args: Args) -> u8 {
    const U: &[u8] = b"s6-nice [ -I | -i ] [ -n value ] prog...";
    let (mut incr, mut strict) = (10i32, false);
    let rest = opts(args, b"Iin:", U, &mut |c, a| {
        match c {
            b'I' => strict = false,
            b'i' => strict = true,
            b'n' => match int(a) {
                Some(v) => incr = v,
                None => return false,
            },
            _ => return false,
        }
        true
    });
    if rest.is_empty() {
        diag::usage(U);
    }
    if let Err(e) = rustix::process::nice(incr) {
        // As libc's nice(): a refused raise of the priority is EPERM.
        let e = if e == Errno::ACCESS { Errno::PERM } else { e };
        let mut b = itoa::Buffer::new();
        let v = b.format(incr).as_bytes();
        if strict {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to nice to ", v]);
        }
        diag::warn_sys(e, &[b"unable to nice to ", v]);
    }
    chain::exec_here(rest)
}

/// A signed decimal (skalibs' `int_scan`: an optional sign, then digits).
fn int(s: &[u8]) -> Option<i32> {
    let (neg, d) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = crate::base::num::parse_u64(d).filter(|&v| v <= i32::MAX as u64)? as i32;
    Some(if neg { -v } else { v })
}

/// `s6-hostname [hostname]`: print the host name, or set it.
pub fn hostname(args: Args) -> u8 {
    match args.get_arg(1) {
        Some(h) => {
            if let Err(e) = rustix::system::sethostname(h.to_bytes()) {
                diag::fatal_sys(exit::SYSCALL, e, &[b"unable to set hostname"]);
            }
        }
        None => print(&[rustix::system::uname().nodename().to_bytes(), b"\n"]),
    }
    exit::OK
}

/// `s6-chroot dir prog…`
pub fn chroot(args: Args) -> u8 {
    let Some(dir) = args.get_arg(1).filter(|_| args.len() >= 3) else { diag::usage(b"s6-chroot dir prog...") };
    if let Err(e) = rustix::process::chdir(dir) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chdir to ", dir.to_bytes()]);
    }
    if let Err(e) = rustix::process::chroot(c".") {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chroot in ", dir.to_bytes()]);
    }
    chain::exec_here(args.skip(2))
}

/// How many descriptors to the hack pipe the program gets.
const HACK_FDS: usize = 30;

/// The child's report when prog cannot be run: s6-fghack's own words and
/// code (the child is s6-fghack until its exec).
fn unable_to_spawn(_: &[u8], e: Errno, parts: &[&[u8]]) {
    let what = parts.get(1).copied().unwrap_or(b"");
    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", what])
}

/// `s6-fghack prog…`: run prog, which forks into the background, and
/// stay until every process it left behind has closed the 30 copies of a
/// pipe it got (so a supervisor sees a daemon that will not stay in the
/// foreground as running); exit with prog's code (128+N for signal N).
/// Something written on the pipe: exit 102.
pub fn fghack(args: Args) -> u8 {
    let prog = args.skip(1);
    let Some(file) = prog.get_arg(0) else { diag::usage(b"s6-fghack prog...") };
    // The write end and its copies are what prog and its children inherit.
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::empty())
        .and_then(|(r, w)| fd::set_cloexec(r.as_fd(), true).map(|_| (r, w)))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create hackpipe"]));
    let mut copies = heapless::Vec::<rustix::fd::OwnedFd, HACK_FDS>::new();
    for _ in 0..HACK_FDS {
        if let Ok(d) = rustix::io::dup(&w) {
            let _ = copies.push(d);
        }
    }
    let signals = signal::current()
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]));
    let env = Env::get();
    let pid = spawn(&Spawn {
        file,
        argv: prog.argv(),
        envp: env.envp(),
        path: env.var(b"PATH").unwrap_or(DEFAULT_PATH),
        signals: &signals,
        new_pgrp: false,
        take_tty: false,
        setsid: false,
        moves: &[],
        chdir: None,
        report: unable_to_spawn,
        who: b"",
    })
    .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]));
    drop(w);
    drop(copies);
    let mut c = [0u8; 1];
    let got = loop {
        match rustix::io::read(&r, &mut c) {
            Err(Errno::INTR) => {}
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read on hackpipe"]),
            Ok(n) => break n,
        }
    };
    if got != 0 {
        // 102: upstream's code for this case.
        diag::fatal(102, &[file.to_bytes(), b" wrote on hackpipe"]);
    }
    loop {
        match rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty()) {
            Ok(Some((_, st))) => return exit::from_wait(st),
            Err(Errno::INTR) | Ok(None) => {}
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to wait_pid"]),
        }
    }
}
