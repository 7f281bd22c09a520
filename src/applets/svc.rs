//! `s6-svc [ -wu | -wU | -wd | -wD | -wr | -wR ] [ -T timeout ]
//! [ -s signal | -abqhkti12pcyrlPCK ] [ -oduDUxOQ ] servicedirs...` (s6 2.15).
//!
//! Every command letter, in command-line order, goes to each directory's
//! `supervise/control` in one `write` (the letters' meanings are the
//! supervisor's: skarnet.md §1.4). `-s SIG` sends the letter of one of the
//! twelve signals that have one. A directory nobody supervises gets a
//! warning and exit 102, and the next directory is still done; the exit
//! code is that of the last failure (111 system error, 1 a broken
//! `supervise/`).
//!
//! `-w?` waits for the state `?` (as `s6-svwait -?`), subscribing before the
//! commands are written so that no transition is missed; `-T` ms bounds the
//! wait (exit 99). s6 runs that wait in `s6-svlisten` (or `s6-svwait`
//! without commands), whose names its messages then carry: so do ours.
//! `-wU`/`-wR` on a service without `notification-fd` (only the first
//! directory is checked, as in s6) warn and wait for `-wu`/`-wr`.
use crate::base::getopt::{BAD, Getopt};
use crate::base::time::Instant;
use crate::base::{diag, exit, signame};
use crate::rt::{self, Args};
use crate::s6::control;
use crate::s6::svdir::{self, CtlError};
use crate::supervise::wait::{Goal, Waiter, parse_ms};
use crate::sys::arena;
use rustix::fd::AsFd;
use rustix::fs::{Access, AtFlags, CWD};
use rustix::io::Errno;

const USAGE: &[u8] = &control::SVC_USAGE;

/// At most this many command letters (s6's buffer).
const MAX_COMMANDS: usize = 62;

/// Write `data` to every directory; warn for each failure; the exit code
/// of the last one.
fn control(dirs: Args, data: &[u8]) -> u8 {
    let mut code = exit::OK;
    for dir in dirs.iter() {
        let d = dir.to_bytes();
        let r = svdir::open(dir).map_err(CtlError::Sys);
        match r.and_then(|fd| svdir::write_control(fd.as_fd(), &svdir::SUPERVISE, data)) {
            Ok(()) => {}
            Err(CtlError::NotListening) => {
                diag::warn(&[b"unable to control ", d, b": supervisor not listening"]);
                code = exit::NOT_SUPERVISED;
            }
            Err(CtlError::Sys(e)) => {
                diag::warn_sys(e, &[b"unable to control ", d]);
                code = exit::SYSCALL;
            }
            Err(CtlError::BadDir(e)) => {
                diag::warn_sys(e, &[b"something is wrong with the ", d, b"/supervise directory"]);
                code = exit::FALSE;
            }
        }
    }
    code
}

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, &control::SVC_OPTS);
    let mut data = heapless::Vec::<u8, MAX_COMMANDS>::new();
    let (mut ms, mut wait) = (0, 0u8);
    while let Some((c, arg)) = g.next() {
        let letter = match c {
            b's' => {
                let Some(sig) = signame::number(arg) else { diag::fatal(exit::USAGE, &[b"invalid signal: ", arg]) };
                match control::letter_of(sig) {
                    Some(l) => l,
                    None => diag::fatal(exit::USAGE, &[arg, b" is not in the list of user-available signals"]),
                }
            }
            b'T' => {
                ms = parse_ms(arg).unwrap_or_else(|| diag::usage(USAGE));
                continue;
            }
            b'w' => {
                match arg.first() {
                    Some(&w) if b"dDuUrR".contains(&w) => wait = w,
                    _ => diag::usage(USAGE),
                }
                continue;
            }
            BAD => diag::usage(USAGE),
            c => c,
        };
        if data.push(letter).is_err() {
            diag::fatal(exit::USAGE, &[b"too many commands"]);
        }
    }
    let dirs = args.skip(g.ind);
    let Some(first) = dirs.get_arg(0) else { diag::usage(USAGE) };
    if first.is_empty() {
        diag::fatal(exit::USAGE, &[b"invalid service path"]);
    }
    if wait == b'U' || wait == b'R' {
        let path = arena::cstr(&[first.to_bytes(), b"/notification-fd"])
            .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]));
        match rustix::fs::accessat(CWD, path, Access::EXISTS, AtFlags::empty()) {
            Ok(()) => {}
            Err(Errno::NOENT) => {
                wait = wait.to_ascii_lowercase();
                diag::warn(&[path.to_bytes(), b" not present - ignoring request for readiness notification"]);
            }
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to access ", path.to_bytes()]),
        }
    }
    let Some(goal) = Goal::from_letter(wait) else { return control(dirs, &data) };
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    if data.is_empty() {
        rt::set_prog(b"s6-svwait");
        return Waiter::new(dirs, deadline).run(goal, false, false);
    }
    rt::set_prog(b"s6-svlisten");
    let mut w = Waiter::new(dirs, deadline);
    rt::set_prog(b"s6-svc");
    control(dirs, &data);
    rt::set_prog(b"s6-svlisten");
    w.run(goal, false, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn signal_letters_are_command_letters() {
        for (l, sig) in control::SIGNALS {
            assert!(b"abqhkti12pcy".contains(&l));
            assert_ne!(signame::name(sig), b"???");
        }
        assert_eq!(signame::number(b"WINCH").and_then(control::letter_of), Some(b'y'));
    }
}
