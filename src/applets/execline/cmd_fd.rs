//! Descriptor commands: redirfd, fdmove, fdclose, fdswap, fdreserve,
//! fdblock, piperw, pipeline, heredoc.
use super::{Env, W, exec_env, fd_move, fdnum, keep, need_block, num, words};
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::fd::{borrow, dup_to, own};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

fn sys(e: Errno, parts: &[&[u8]]) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, parts)
}

pub fn redirfd(a: Args) -> u8 {
    const U: &[u8] = b"redirfd -[ r | w | u | a | x ] [ -N | -n ] [ -b ] [ -f ] [ -E | -e ] fd|var file prog...";
    let (o, w) = super::opts(a, b"rwuaxnNbfE", U);
    let (nb, flip) = (o.last(b"nN") == b'n', o.has(b'b'));
    const W: OFlags = OFlags::WRONLY.union(OFlags::CREATE);
    let fl = match o.last(b"rwuax") {
        b'r' => OFlags::RDONLY,
        b'w' => W.union(OFlags::TRUNC),
        b'u' => OFlags::RDWR,
        b'a' => W.union(OFlags::APPEND),
        b'x' => W.union(OFlags::EXCL),
        _ => diag::usage(U),
    };
    // fd, file and a program.
    if w.len() < 3 {
        diag::usage(U);
    }
    let path = w[1];
    // -f VAR: leave the new descriptor where it is and name it in VAR
    // (-E: substitute ${VAR} instead of setting it).
    let var = o.has(b'f').then(|| w[0].to_bytes());
    let to = if var.is_some() { 0 } else { fdnum(w[0].to_bytes(), U) };
    let flags = fl | if nb { OFlags::NONBLOCK } else { OFlags::empty() };
    let m = Mode::from_raw_mode(0o666);
    let f = match rustix::fs::open(path, flags, m) {
        Err(Errno::NXIO) if fl.contains(OFlags::WRONLY) => {
            let r = rustix::fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, m);
            let f = rustix::fs::open(path, flags, m);
            drop(r);
            f
        }
        x => x,
    }
    .unwrap_or_else(|e| sys(e, &[b"unable to open ", path.to_bytes()]));
    if flip {
        let fl = rustix::fs::fcntl_getfl(&f).unwrap_or(OFlags::empty());
        let _ = rustix::fs::fcntl_setfl(&f, fl ^ OFlags::NONBLOCK);
    }
    let from = keep(f);
    if let Some(v) = var {
        let n = num(from as u64);
        if o.has(b'E') {
            let rest = super::subst::apply(&w[2..], &[super::subst::Sub { key: v, vals: super::subst::one(n) }]);
            super::exec_env(rest)
        }
        let mut env = Env::load();
        env.set(v, n);
        super::exec(&w[2..], env.list())
    }
    if let Err(e) = fd_move(to, from) {
        sys(e, &[b"unable to move fd ", num(from as u64), b" to fd ", w[0].to_bytes()]);
    }
    exec_env(&w[2..])
}

pub fn fdmove(a: Args) -> u8 {
    const U: &[u8] = b"fdmove [ -c ] to from prog...";
    let (o, w) = super::opts(a, b"c", U);
    let copy = o.has(b'c');
    if w.len() < 3 {
        diag::usage(U);
    }
    let (to, from) = (fdnum(w[0].to_bytes(), U), fdnum(w[1].to_bytes(), U));
    let r = if copy { if to == from { Err(Errno::INVAL) } else { dup_to(from, to) } } else { fd_move(to, from) };
    if let Err(e) = r {
        sys(e, &[b"unable to move fd ", w[1].to_bytes(), b" to fd ", w[0].to_bytes()]);
    }
    exec_env(&w[2..])
}

/// The words of a command that takes `n` numbers then a program, and no
/// options (as execline's: `--` is not a number either).
fn n_args(a: Args, n: usize, u: &[u8]) -> &'static [W] {
    let w = words(a, 0);
    if w.len() < n + 2 {
        diag::usage(u);
    }
    w
}

pub fn fdclose(a: Args) -> u8 {
    const U: &[u8] = b"fdclose fd prog...";
    let w = n_args(a, 1, U);
    drop(own(fdnum(w[1].to_bytes(), U)));
    exec_env(&w[2..])
}

pub fn fdswap(a: Args) -> u8 {
    const U: &[u8] = b"fdswap fd1 fd2 prog...";
    let w = n_args(a, 2, U);
    let (x, y) = (fdnum(w[1].to_bytes(), U), fdnum(w[2].to_bytes(), U));
    let t = rustix::io::fcntl_dupfd_cloexec(borrow(x), 0).unwrap_or_else(|e| sys(e, &[b"unable to swap fds"]));
    if let Err(e) = dup_to(y, x).and_then(|_| dup_to(rustix::fd::AsRawFd::as_raw_fd(&t), y)) {
        sys(e, &[b"unable to swap fds"]);
    }
    drop(t);
    exec_env(&w[3..])
}

pub fn fdreserve(a: Args) -> u8 {
    const U: &[u8] = b"fdreserve n prog...";
    let w = n_args(a, 1, U);
    let n = fdnum(w[1].to_bytes(), U) as u64;
    // Never more than the process may open.
    let max = rustix::process::getrlimit(rustix::process::Resource::Nofile).current.unwrap_or(u64::MAX);
    if n > max {
        diag::fatal(crate::base::exit::USAGE, &[b"too many requested fds"]);
    }
    let mut env = Env::load();
    // The n lowest free descriptors (closed numbers answer EBADF).
    let (mut k, mut fd) = (0, 0);
    while k < n {
        if fd as u64 >= max {
            diag::fatal(crate::base::exit::USAGE, &[b"too many requested fds"]);
        }
        if rustix::io::fcntl_getfd(borrow(fd)) == Err(Errno::BADF) {
            env.set(super::cstr(&[b"FD", num(k)]).to_bytes(), num(fd as u64));
            k += 1;
        }
        fd += 1;
    }
    super::exec(&w[2..], env.list())
}

pub fn fdblock(a: Args) -> u8 {
    const U: &[u8] = b"fdblock [ -n ] fd prog...";
    let (o, w) = super::opts(a, b"n", U);
    let nb = o.has(b'n');
    let (Some(f), true) = (w.first(), w.len() >= 2) else { diag::usage(U) };
    let f = borrow(fdnum(f.to_bytes(), U));
    let fl = rustix::fs::fcntl_getfl(f).unwrap_or_else(|e| sys(e, &[b"unable to fcntl"]));
    let fl = if nb { fl | OFlags::NONBLOCK } else { fl - OFlags::NONBLOCK };
    if let Err(e) = rustix::fs::fcntl_setfl(f, fl) {
        sys(e, &[b"unable to fcntl"]);
    }
    exec_env(&w[1..])
}

fn pipe() -> (i32, i32) {
    let (r, w) = rustix::pipe::pipe().unwrap_or_else(|e| sys(e, &[b"unable to create pipe"]));
    (keep(r), keep(w))
}

pub fn piperw(a: Args) -> u8 {
    const U: &[u8] = b"piperw fdr fdw prog...";
    let w = n_args(a, 2, U);
    let (fr, fw) = (fdnum(w[1].to_bytes(), U), fdnum(w[2].to_bytes(), U));
    if fr == fw {
        diag::usage(U);
    }
    let (r, wr) = pipe();
    // Move the write end out of the way first in case r == fw.
    let wr2 = if wr == fr { rustix::io::fcntl_dupfd_cloexec(borrow(wr), 0).map(keep).unwrap_or(wr) } else { wr };
    if wr2 != wr {
        drop(own(wr));
    }
    if let Err(e) = fd_move(fr, r).and_then(|_| fd_move(fw, wr2)) {
        sys(e, &[b"unable to move fds"]);
    }
    let _ = crate::sys::fd::set_cloexec(borrow(fw), false);
    exec_env(&w[3..])
}

pub fn pipeline(a: Args) -> u8 {
    const U: &[u8] = b"pipeline [ -d ] [ -r | -w ] { command... } command...";
    let w = words(a, 0);
    let o = super::Opts::parse(w, b"drw", U);
    let wmode = o.last(b"rw") == b'w';
    let (blk, next) = need_block(w, o.ind, b"");
    if next >= w.len() {
        diag::fatal(crate::base::exit::USAGE, &[b"empty remainder"]);
    }
    let (r, wr) = pipe();
    let (mine, theirs, cfd, pfd) = if wmode { (wr, r, 0, 1) } else { (r, wr, 1, 0) };
    let mut env = Env::load();
    let spawn = || {
        super::spawn_with(blk, Env::load().list(), || {
            drop(own(mine));
            let _ = fd_move(cfd, theirs);
        })
        .unwrap_or_else(|e| sys(e, &[b"unable to spawn ", super::b(blk.first())]))
        .as_raw_nonzero()
        .get()
    };
    // -d: the command is not a child of what runs next.
    let pid = if o.has(b'd') { super::detached(spawn) } else { spawn() };
    drop(own(theirs));
    if let Err(e) = fd_move(pfd, mine) {
        sys(e, &[b"unable to move fd"]);
    }
    env.set_num(b"!", pid as u64);
    super::exec(&w[next..], env.list())
}

pub fn heredoc(a: Args) -> u8 {
    const U: &[u8] = b"heredoc [ -d ] fd string command...";
    let (o, w) = super::opts(a, b"d", U);
    if w.len() < 3 {
        diag::usage(U);
    }
    let fd = fdnum(w[0].to_bytes(), U);
    let text = w[1].to_bytes();
    let (r, wr) = pipe();
    let writer = || match crate::sys::chain::fork() {
        Ok(None) => {
            drop(own(r));
            let _ = crate::sys::fd::write_all(borrow(wr), text);
            crate::sys::raw::exit_group(0)
        }
        Ok(Some(p)) => p.as_raw_nonzero().get(),
        Err(e) => sys(e, &[b"unable to fork"]),
    };
    // -d: the writer is not a child of what runs next.
    if o.has(b'd') {
        super::detached(writer);
    } else {
        writer();
    }
    drop(own(wr));
    if let Err(e) = fd_move(fd, r) {
        sys(e, &[b"unable to move fd"]);
    }
    exec_env(&w[2..])
}
