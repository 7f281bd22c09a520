//! `s6-notifyoncheck [-d] [-3 fd] [-s initialsleep] [-T globaltimeout]
//! [-t localtimeout] [-w waitingtime] [-n tries] [-c "checkprog"] prog…`:
//! readiness by polling. Run from a service directory (cwd) whose
//! supervisor runs. A child (a grandchild with `-d`) subscribes to the
//! service's `event` fifodir, tells the parent, which closes the
//! notification fd and execs prog; the child then runs `./data/check` (or
//! `execlineb -Pc checkprog`) after `-s` ms and every `-w` ms, each run for
//! at most `-t` ms. The first check that exits 0 makes the child write
//! `\n` to the notification fd (the service is ready) and exit 0. It gives
//! up after `-n` tries (exit 1; 0 means no limit), at `-T` (exit 3), or
//! when the service dies (`d` event: exit 2).
use crate::base::chain::{self, uint};
use crate::base::child::{Ended, Reaper, poll_until};
use crate::base::fs::read_at;
use crate::base::getopt::Getopt;
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::{self, Args};
use crate::s6::ftrig::{EVENT, Listener};
use crate::s6::svdir;
use crate::sys::argv::Fixed;
use crate::sys::{arena, fd, fork::fork, raw};
use rustix::fd::AsFd;
use rustix::fs::CWD;

/// Exit codes: the service died before it was ready; `-T` passed.
const DIED: u8 = 2;
const GAVE_UP: u8 = 3;
/// Defaults of -3 -s -T -t -w -n, in that order (u32::MAX: -3 not given).
const DEFAULTS: [u32; 6] = [u32::MAX, 10, 0, 0, 1000, 7];

const USAGE: &[u8] = b"s6-notifyoncheck [ -d ] [ -3 fd ] [ -s initialsleep ] [ -T globaltimeout ] [ -t localtimeout ] [ -w waitingtime ] [ -n tries ] [ -c \"checkprog...\" ] prog...";

pub fn main(args: Args) -> u8 {
    let mut v = DEFAULTS;
    let (mut df, mut check) = (false, None);
    let mut o = Getopt::new(args, b"d3:s:T:t:w:n:c:");
    while let Some((c, a)) = o.next() {
        match c {
            b'd' => df = true,
            b'c' => check = arena::cstr(&[a]).ok(),
            _ => match b"3sTtwn".iter().position(|&x| x == c).zip(uint(a)) {
                Some((i, n)) => v[i] = n,
                None => diag::usage(USAGE),
            },
        }
    }
    let [nfd, sleep, global, local, wait, tries] = v;
    let prog = args.skip(o.ind);
    if prog.is_empty() {
        diag::usage(USAGE);
    }
    match svdir::is_supervised(CWD) {
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to sanity-check current service directory"]),
        Ok(false) => diag::fatal(exit::USAGE, &[b"s6-supervise not running."]),
        Ok(true) => {}
    }
    let nfd = if nfd != u32::MAX {
        nfd
    } else {
        let raw = read_at(None, c"notification-fd", 10)
            .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read ./notification-fd"]));
        let line = raw.split(|&c| c == b'\n').next().unwrap_or(b"");
        uint(line).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"invalid ./notification-fd"]))
    };
    let notify = fd::borrow_checked(nfd as i32)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"notification-fd sanity check failed"]));
    let start = Instant::now();
    let global_at = (global != 0).then(|| start.after_ms(global as u64));
    let (rd, wr) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to pipe"]));
    let forked = fork().and_then(|p| match (p, df) {
        // Double fork: the middle process exits at once.
        (None, true) => fork().map(|q| if q.is_some() { raw::exit_group(0) } else { None }),
        (p, _) => Ok(p),
    });
    match forked {
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", if df { b"doublefork" } else { b"fork" }]),
        Ok(Some(pid)) => {
            fd::close_number(nfd as i32);
            drop(wr);
            let mut c = [0u8];
            if !matches!(rustix::io::read(&rd, &mut c), Ok(1)) {
                diag::fatal(exit::SYSCALL, &[b"unable to synchronize with child"]);
            }
            drop(rd);
            if df {
                // The middle process of the double fork has exited.
                let _ = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty());
            }
            chain::exec_here(prog);
        }
        Ok(None) => {}
    }
    rt::set_prog(b"s6-notifyoncheck (child)");
    drop(rd);
    let ls = Listener::new(CWD, EVENT)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ftrigr_subscribe to event fifodir"]));
    let reaper = Reaper::new().unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to selfpipe_init"]));
    if fd::write_all(wr.as_fd(), b"\0").is_err() {
        diag::fatal(2, &[b"unable to synchronize with parent"]);
    }
    drop(wr);
    let died = || {
        let mut buf = [0u8; 64];
        while let Ok(n @ 1..) = ls.read(&mut buf) {
            if buf[..n].contains(&b'd') {
                return true;
            }
        }
        false
    };
    let (file, argv) = match check {
        Some(c) => (c"execlineb", Fixed::new(&[c"execlineb", c"-Pc", c])),
        None => (c"./data/check", Fixed::new(&[c"./data/check"])),
    };
    let min = |a: Instant| global_at.map_or(a, |g| g.min(a));
    let mut pause = sleep;
    let mut n = 0u32;
    while tries == 0 || n < tries {
        n += 1;
        // Sleep, watching for the service's death.
        let until = min(Instant::now().after_ms(pause as u64));
        pause = wait;
        while Instant::now() < until {
            if poll_until(ls.fd(), Some(until)) && died() {
                return DIED;
            }
        }
        if global_at.is_some_and(|g| Instant::now() >= g) {
            return GAVE_UP;
        }
        let pid = match reaper.spawn_checked(file, argv.get()) {
            Ok(p) => p,
            Err(e) => {
                diag::warn_sys(e, &[b"unable to spawn ", file.to_bytes()]);
                continue;
            }
        };
        let until = if local != 0 { Some(min(Instant::now().after_ms(local as u64))) } else { global_at };
        loop {
            match reaper.wait(pid, until, Some(ls.fd())) {
                Ended::Exited(st) => {
                    if st.exit_status() == Some(0) {
                        let _ = fd::write_all(notify, b"\n");
                        return exit::OK;
                    }
                    break;
                }
                Ended::Extra => {
                    if died() {
                        let _ = raw::kill_pid(pid, crate::sys::signal::SIGTERM);
                        return DIED;
                    }
                }
                Ended::Timeout => {
                    let _ = raw::kill_pid(pid, crate::sys::signal::SIGTERM);
                    if global_at.is_some_and(|g| Instant::now() >= g) {
                        return GAVE_UP;
                    }
                    break;
                }
            }
        }
    }
    exit::FALSE
}
