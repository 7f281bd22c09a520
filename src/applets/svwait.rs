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

/// The options the three share (`spec`: which of them): the goal, `-o`,
/// `-t` in ms, and the operands.
fn options(args: Args, spec: &'static [u8], usage: &[u8]) -> (Goal, bool, u64, Args) {
    let mut g = Getopt::new(args, spec);
    let (mut goal, mut or, mut ms) = (Goal { up: true, ready: false, restart: false }, false, 0);
    while let Some((c, arg)) = g.next() {
        match c {
            b'a' => or = false,
            b'o' => or = true,
            b't' => ms = parse_ms(arg).unwrap_or_else(|| diag::usage(usage)),
            BAD => diag::usage(usage),
            c => goal = Goal::from_letter(c).unwrap_or_else(|| diag::usage(usage)),
        }
    }
    (goal, or, ms, args.skip(g.ind))
}

pub fn main(args: Args) -> u8 {
    let (goal, or, ms, dirs) = options(args, b"UudDrRaot:", USAGE);
    if dirs.is_empty() {
        return exit::OK;
    }
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    Waiter::new(dirs, deadline).run(goal, or, false)
}

const LISTEN_USAGE: &[u8] =
    b"s6-svlisten [ -U | -u | -d | -D | -r | -R ] [ -a | -o ] [ -t timeout ] servicedir... \"\" prog...";

/// `s6-svlisten [ -U | -u | -d | -D | -r | -R ] [ -a | -o ] [ -t timeout ]
/// servicedir... "" prog...`: as `s6-svlisten1` for several directories,
/// given as an execline block (words up to an empty one; a leading space,
/// execline's quoting, is taken off). `-a` (default): all reach the
/// state; `-o`: one does (not with `-r`/`-R`: a warning, then `-a`). An
/// empty block execs prog at once.
pub fn listen(args: Args) -> u8 {
    let (goal, mut or, ms, rest) = options(args, b"UudDrRaot:", LISTEN_USAGE);
    if rest.len() < 3 {
        diag::usage(LISTEN_USAGE);
    }
    let end = rest.iter().position(|a| a.to_bytes().is_empty()).unwrap_or(rest.len());
    if rest.len() == end + 1 {
        diag::usage(LISTEN_USAGE);
    }
    if end >= rest.len() {
        diag::fatal(exit::USAGE, &[b"unterminated servicedir block"]);
    }
    let prog = rest.skip(end + 1);
    if end == 0 {
        crate::base::chain::exec_here(prog);
    }
    if goal.restart && or {
        or = false;
        let l: &[u8] = if goal.ready { b"R" } else { b"r" };
        diag::warn(&[b"-o is unsupported when combined with -", l, b"- using -a instead"]);
    }
    let Ok(dirs) = crate::sys::arena::alloc_with(end, |i| {
        let w = rest.get_arg(i).unwrap_or(c"");
        let b = w.to_bytes_with_nul();
        if b.first() == Some(&b' ') { core::ffi::CStr::from_bytes_with_nul(&b[1..]).unwrap_or(w) } else { w }
    }) else {
        diag::fatal_sys(exit::SYSCALL, rustix::io::Errno::NOMEM, &[b"unable to allocate"])
    };
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    let mut w = Waiter::of(dirs, deadline);
    spawn_or_die(&w, prog);
    w.run(goal, or, true)
}

/// Start `prog` as a child, not waited for; on failure, unsubscribe and
/// die as upstream (111).
fn spawn_or_die(w: &Waiter, prog: Args) {
    let file = prog.get_arg(0).unwrap_or(c"");
    let spawned = crate::base::child::Reaper::new().and_then(|r| r.spawn_checked(file, prog.argv()));
    if let Err(e) = spawned {
        w.close();
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]);
    }
}

const LISTEN1_USAGE: &[u8] = b"s6-svlisten1 [ -U | -u | -d | -D | -r | -R ] [ -t timeout ] servicedir prog...";

/// `s6-svlisten1 [ -U | -u | -d | -D | -r | -R ] [ -t timeout ] servicedir
/// prog...`: subscribe to the service's events, start `prog` (as a child,
/// not waited for), then wait as `s6-svwait` for the state (`-r`/`-R`:
/// down and ready, then up): no transition that `prog` causes is missed.
pub fn listen1(args: Args) -> u8 {
    let (goal, _, ms, rest) = options(args, b"UudDrRt:", LISTEN1_USAGE);
    if rest.len() < 2 {
        diag::usage(LISTEN1_USAGE);
    }
    let deadline = (ms != 0).then(|| Instant::now().after_ms(ms));
    let mut w = Waiter::new(rest.take(1), deadline);
    spawn_or_die(&w, rest.skip(1));
    w.run(goal, false, true)
}
