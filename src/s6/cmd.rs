//! `/run/s6/cmd`: where the CMD stands, written by PID 1 for readers that
//! must not talk to it (`rs6-health`). One line, replaced atomically
//! (written into `cmd.new`, then exchanged with `cmd`, as `supervise/status`
//! is), mode 0644:
//!
//! - `starting`: a container started again with `/run` kept (`docker
//!   restart`); the CMD has not started yet (as with no file). Written
//!   before stage 2 runs anything; when the CMD is the first thing to run,
//!   `up` replaces the previous start's state directly;
//! - `up`: the CMD runs (written just before it is spawned, so that it
//!   sees it at once);
//! - `none`: the container has no CMD (written when it would start);
//! - `exited CODE`: it ended (written when it is reaped; CODE is the
//!   container's convention, 128+signal when killed; 111 when it could
//!   not be spawned).
//!
//! No file: the CMD has not started yet (stage 2 still runs, or a failure
//! stopped the container before it).
//!
//! `cmd.new` stays once made, holding the state before the last: the two
//! inodes are rewritten in turn, none is freed (see `base::fs::swap_in`).
//! In a fresh `/run`, the first state is written into `cmd` directly
//! ([`absent`]) and `cmd.new` is made empty while the CMD runs
//! ([`prime`]).
use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, Ordering};
use rustix::fs::{self, Mode, OFlags};

pub const PATH: &CStr = c"/run/s6/cmd";
/// v3's `/run/s6/cmdpid`: the CMD's PID (decimal + newline) while it runs,
/// written only with `S6_CMD_RECEIVE_SIGNALS`, where signals go to it.
pub const PID: &CStr = c"/run/s6/cmdpid";
const NEW: &CStr = c"/run/s6/cmd.new";

/// `/run/s6` was just made: no `cmd` exists yet (see [`write`]).
static ABSENT: AtomicBool = AtomicBool::new(false);

/// Say that `/run/s6` was just made (stage 1, before any state is written).
pub fn absent() {
    ABSENT.store(true, Ordering::Relaxed);
}

/// Replace the file with `WORD[ N]\n`. The first state written in a
/// `/run/s6` just made goes into `cmd` in place, with no `cmd.new` to
/// exchange (a reader that finds it still empty reads "not started", as
/// with no file).
pub fn write(word: &[u8], n: Option<u64>) -> Result<(), rustix::io::Errno> {
    let mut buf = [0u8; 40];
    let mut k = word.len().min(16);
    buf[..k].copy_from_slice(&word[..k]);
    if let Some(n) = n {
        let mut b = itoa::Buffer::new();
        let s = b.format(n).as_bytes();
        buf[k] = b' ';
        buf[k + 1..k + 1 + s.len()].copy_from_slice(s);
        k += 1 + s.len();
    }
    buf[k] = b'\n';
    let line = &buf[..k + 1];
    if ABSENT.swap(false, Ordering::Relaxed) {
        match crate::base::fs::create_new(fs::CWD, PATH, &[line], 0o644) {
            Err(rustix::io::Errno::EXIST) => {}
            r => return r,
        }
    }
    crate::base::fs::replace_atomic(fs::CWD, NEW, PATH, &[line], 0o644)
}

/// Make `cmd.new` if it is missing (a first start in a fresh `/run`), so
/// that the state written at the CMD's exit goes into a file that exists.
/// Called once the CMD runs: the inode is made while it runs, not between
/// its exit and the container's.
pub fn prime() {
    let _ = crate::base::fs::create_new(fs::CWD, NEW, &[], 0o644);
}

/// Record the CMD's PID in [`PID`] (`Some`), or remove the file (`None`).
pub fn write_pid(pid: Option<u32>) {
    let Some(pid) = pid else {
        let _ = fs::unlink(PID);
        return;
    };
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    if let Ok(f) = fs::open(PID, flags, Mode::from_raw_mode(0o644)) {
        let mut b = itoa::Buffer::new();
        let d = b.format(pid).as_bytes();
        let mut line = [0u8; 12];
        line[..d.len()].copy_from_slice(d);
        line[d.len()] = b'\n';
        let _ = crate::sys::fd::write_all(rustix::fd::AsFd::as_fd(&f), &line[..d.len() + 1]);
    }
}

/// What the file says.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    NotStarted,
    Up,
    None,
    Exited(u64),
}

pub fn parse(text: &[u8]) -> State {
    let line = text.split(|&c| c == b'\n').next().unwrap_or(b"");
    let mut w = line.splitn(2, |&c| c == b' ');
    let (word, n) = (w.next().unwrap_or(b""), w.next().and_then(crate::base::num::parse_u64));
    match (word, n) {
        (b"up", _) => State::Up,
        (b"exited", Some(c)) => State::Exited(c),
        (b"none", _) => State::None,
        (b"starting", _) => State::NotStarted,
        _ => State::NotStarted,
    }
}

/// Read the file (a missing or unreadable one: not started).
pub fn read() -> State {
    let Ok(f) = fs::open(PATH, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) else {
        return State::NotStarted;
    };
    let mut buf = [0u8; 40];
    let n = rustix::io::read(&f, &mut buf).unwrap_or(0);
    parse(&buf[..n])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn lines() {
        assert_eq!(parse(b"up\n"), State::Up);
        assert_eq!(parse(b"exited 143\n"), State::Exited(143));
        assert_eq!(parse(b"none\n"), State::None);
        assert_eq!(parse(b""), State::NotStarted);
        assert_eq!(parse(b"starting\n"), State::NotStarted);
        assert_eq!(parse(b"upx\n"), State::NotStarted);
    }
}
