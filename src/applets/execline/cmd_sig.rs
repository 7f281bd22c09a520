//! trap: run a program, and a handler block for each signal that comes.
use super::{Env, Opts, W, block, estatus, fdown, need_block, spawn_with, words};
use crate::base::{diag, exit, signame};
use crate::rt::Args;
use crate::sys::raw::{SigSet, sigprocmask_set};
use crate::sys::signal::{SIGCHLD, SIGKILL, SIGSTOP, SignalFd};
use rustix::fd::{AsFd, AsRawFd};
use rustix::process::{Pid, WaitOptions};

const U: &[u8] = b"trap [ -x ] { signal { cmdline } ... } prog...";

fn bad(what: &[u8], d: &[u8]) -> ! {
    diag::fatal(exit::USAGE, &[what, d])
}

/// Start `argv` with `env`, the signal mask given back and the signalfd
/// closed (it is not close-on-exec for a program run in-process).
fn start(argv: &[W], env: &[W], mask: SigSet, sfd: i32) -> Pid {
    spawn_with(argv, env, || {
        drop(fdown(sfd));
        let _ = sigprocmask_set(mask);
    })
    .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", super::b(argv.first())]))
}

pub fn trap(a: Args) -> u8 {
    let w = words(a, 0);
    let o = Opts::parse(w, b"x", U);
    if o.ind >= w.len() {
        diag::usage(U)
    }
    let (dirs, next) = need_block(w, o.ind, b"");
    if dirs.is_empty() {
        diag::fatal(exit::USAGE, &[b"empty block"])
    }
    if next >= w.len() {
        diag::usage(U)
    }
    // Handlers by signal; 0 is `default`.
    let mut h: [Option<&[W]>; 65] = [None; 65];
    let mut j = 0;
    while j < dirs.len() {
        let d = dirs[j].to_bytes();
        let sig = if d.eq_ignore_ascii_case(b"default") { Some(0) } else { signame::number(d) };
        let Some(sig) = sig else { bad(b"unrecognized directive: ", d) };
        if matches!(sig, SIGKILL | SIGSTOP | SIGCHLD) {
            let mut n = itoa::Buffer::new();
            diag::fatal(
                exit::USAGE,
                &[b"SIG", signame::name(sig), b" (", n.format(sig).as_bytes(), b") cannot be trapped"],
            );
        }
        let Some((blk, n)) = block(dirs, j + 1) else { bad(b"unterminated internal block for directive ", d) };
        if h[sig as usize].replace(blk).is_some() {
            bad(b"duplicate directive: ", d)
        }
        j = n;
    }
    // `default` or -x: every signal that can be caught.
    let mut set = SigSet::EMPTY.with(SIGCHLD);
    for s in 1..=signame::MAX {
        if h[s as usize].is_some() || ((h[0].is_some() || o.has(b'x')) && !matches!(s, SIGKILL | SIGSTOP | 32 | 33)) {
            set = set.with(s);
        }
    }
    let old = sigprocmask_set(SigSet::FULL).unwrap_or(SigSet::EMPTY);
    let _ = sigprocmask_set(SigSet(old.0 | set.0));
    let sfd = SignalFd::new(set).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", b"signalfd"]));
    let raw = sfd.as_fd().as_raw_fd();
    let mut env = Env::load();
    let prog = start(&w[next..], env.list(), old, raw);
    env.set_num(b"!", prog.as_raw_nonzero().get() as u64);
    let mut pids = [0i32; 65];
    loop {
        let _ = rustix::event::poll(&mut [rustix::event::PollFd::new(&sfd, rustix::event::PollFlags::IN)], None);
        while let Some(s) = sfd.read() {
            if s == SIGCHLD {
                while let Ok(Some((p, st))) = rustix::process::waitpid(None, WaitOptions::NOHANG) {
                    if p == prog {
                        return estatus(st);
                    }
                    for x in pids.iter_mut().filter(|x| **x == p.as_raw_nonzero().get()) {
                        *x = 0;
                    }
                }
                // Not trappable: no handler.
                continue;
            }
            // One handler at a time per signal (not per directive: two
            // signals that `default` handles may each have theirs).
            let k = if h[s as usize].is_some() { s as usize } else { 0 };
            match h[k] {
                Some(blk) if pids[s as usize] == 0 => {
                    env.set_num(b"SIGNAL", s as u64);
                    pids[s as usize] = start(blk, env.list(), old, raw).as_raw_nonzero().get();
                }
                Some(_) => {}
                None => {
                    let _ = crate::sys::raw::kill_pid(prog, s);
                }
            }
        }
    }
}
