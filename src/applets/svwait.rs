//! `s6-svwait [ -U | -u | -d | -D | -r | -R ] [ -a | -o ] [ -t timeout ] servicedir...`
//! (s6 2.15), and the wait that `s6-svc -w?` runs (s6 hands it to
//! `s6-svwait` or `s6-svlisten`; we run it in the same process, under
//! those names so that the messages are the same).
//!
//! It subscribes to the `event/` fifodir of every directory first, then
//! reads each status: no transition can slip between the two. It exits 0
//! as soon as the wanted state holds for all the directories (`-a`, the
//! default) or for one (`-o`), reading events until then:
//! `u` up, `U` up and ready, `d` down, `D` down and ready (finish done).
//! `O` (the service will not be restarted) while waiting for up, and `x`
//! (its supervisor exited) while not in the wanted state, count as
//! failures: the directory is then taken as done, and the exit code is
//! the number of failures. `-r`/`-R`: first down, then up (and ready).
//! A timeout (`-t` ms, 0 = none) exits 99. No directory: exit 0.
//!
//! As in s6, a supervisor that is already dead when the wait starts is not
//! noticed: the wait then lasts until the timeout.
use crate::base::getopt::{BAD, Getopt};
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::supervise::wait::{Goal, Waiter, parse_ms};

const USAGE: &[u8] = b"s6-svwait [ -U | -u | -d | -D | -r | -R ] [ -a | -o ] [ -t timeout ] servicedir...";

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"UudDrRaot:");
    let (mut goal, mut or, mut ms) = (Goal { up: true, ready: false, restart: false }, false, 0);
    while let Some((c, arg)) = g.next() {
        match c {
            b'a' => or = false,
            b'o' => or = true,
            b't' => ms = parse_ms(arg).unwrap_or_else(|| diag::usage(USAGE)),
            BAD => diag::usage(USAGE),
            c => goal = Goal::from_letter(c).unwrap_or_else(|| diag::usage(USAGE)),
        }
    }
    let dirs = args.skip(g.ind);
    if dirs.is_empty() {
        return exit::OK;
    }
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    Waiter::new(dirs, deadline).run(goal, or, false)
}

const LISTEN1_USAGE: &[u8] = b"s6-svlisten1 [ -U | -u | -d | -D | -r | -R ] [ -t timeout ] servicedir prog...";

/// `s6-svlisten1 [ -U | -u | -d | -D | -r | -R ] [ -t timeout ] servicedir
/// prog...`: subscribe to the service's events, start `prog` (as a child,
/// not waited for), then wait as `s6-svwait` for the state (`-r`/`-R`:
/// down and ready, then up): no transition that `prog` causes is missed.
pub fn listen1(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"UudDrRt:");
    let (mut goal, mut ms) = (Goal { up: true, ready: false, restart: false }, 0);
    while let Some((c, arg)) = g.next() {
        match c {
            b't' => ms = parse_ms(arg).unwrap_or_else(|| diag::usage(LISTEN1_USAGE)),
            BAD => diag::usage(LISTEN1_USAGE),
            c => goal = Goal::from_letter(c).unwrap_or_else(|| diag::usage(LISTEN1_USAGE)),
        }
    }
    let rest = args.skip(g.ind);
    if rest.len() < 2 {
        diag::usage(LISTEN1_USAGE);
    }
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    let mut w = Waiter::new(rest.take(1), deadline);
    let prog = rest.skip(1);
    let file = prog.get_arg(0).unwrap_or(c"");
    let spawned = crate::base::child::Reaper::new().and_then(|r| r.spawn(file, prog.argv()));
    if let Err(e) = spawned {
        w.close();
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]);
    }
    w.run(goal, false, true)
}
