//! The `supervise/control` protocol: one byte per command, written by
//! `s6-svc` (and s6-rc), read by the supervisor. This table is the only
//! place the letters are written: `s6-svc`'s getopt string and usage text
//! come from it, and the supervisor takes its signal letters from it (s6 once lost `Q` between
//! such parallel lists).
//!
//! | letters | command |
//! |---|---|
//! | `abqhkti12pcy` | send SIGALRM ABRT QUIT HUP KILL TERM INT USR1 USR2 STOP CONT WINCH to the process |
//! | `r` `l` | send the `down-signal` / `reload-signal` (default TERM / HUP) to the process |
//! | `P` `C` `K` | send STOP / CONT / KILL to the process group |
//! | `o` | run once: do not restart |
//! | `d` `D` | want down (`D`: and create `./down`) |
//! | `u` `U` | want up (`U`: and remove `./down`) |
//! | `O` `Q` | want down once it dies, without stopping it (`Q`: and create `./down`) |
//! | `x` | the supervisor exits after the next death (PID 1: no more restarts) |
use crate::sys::signal::{
    SIGABRT, SIGALRM, SIGCONT, SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGSTOP, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
};

/// A decoded command byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cmd {
    /// Send this signal to the process.
    Signal(u32),
    /// `r`: the `down-signal`.
    DownSignal,
    /// `l`: the `reload-signal`.
    ReloadSignal,
    /// Send this signal to the process group (`P`, `C`, `K`).
    Group(u32),
    /// `o`.
    Once,
    /// `d`, `D` (true: create `./down`).
    Down(bool),
    /// `u`, `U` (true: remove `./down`).
    Up(bool),
    /// `O`, `Q` (true: create `./down`).
    Stay(bool),
    /// `x`.
    Exit,
}

/// The user-available signals, with their letters, in s6-svc's order.
pub const SIGNALS: [(u8, u32); 12] = [
    (b'a', SIGALRM),
    (b'b', SIGABRT),
    (b'q', SIGQUIT),
    (b'h', SIGHUP),
    (b'k', SIGKILL),
    (b't', SIGTERM),
    (b'i', SIGINT),
    (b'1', SIGUSR1),
    (b'2', SIGUSR2),
    (b'p', SIGSTOP),
    (b'c', SIGCONT),
    (b'y', SIGWINCH),
];

/// The letters of `SIGNALS`, then the other signal-sending commands.
pub const SIGNAL_LETTERS: &[u8] = b"abqhkti12pcyrlPCK";
/// The commands that change what is wanted.
pub const STATE_LETTERS: &[u8] = b"oduDUxOQ";

/// Decode one control byte; `None` for a byte that is no command.
pub fn decode(b: u8) -> Option<Cmd> {
    if let Some(&(_, s)) = SIGNALS.iter().find(|x| x.0 == b) {
        return Some(Cmd::Signal(s));
    }
    Some(match b {
        b'r' => Cmd::DownSignal,
        b'l' => Cmd::ReloadSignal,
        b'P' => Cmd::Group(SIGSTOP),
        b'C' => Cmd::Group(SIGCONT),
        b'K' => Cmd::Group(SIGKILL),
        b'o' => Cmd::Once,
        b'd' => Cmd::Down(false),
        b'D' => Cmd::Down(true),
        b'u' => Cmd::Up(false),
        b'U' => Cmd::Up(true),
        b'O' => Cmd::Stay(false),
        b'Q' => Cmd::Stay(true),
        b'x' => Cmd::Exit,
        _ => return None,
    })
}

/// The letter that sends `sig`, if it is user-available.
pub fn letter_of(sig: u32) -> Option<u8> {
    SIGNALS.iter().find(|x| x.1 == sig).map(|x| x.0)
}

const fn total(parts: &[&[u8]]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

const fn cat<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut k, mut i) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N);
    out
}

const SVC_OPTS_PARTS: &[&[u8]] = &[b"s:", SIGNAL_LETTERS, STATE_LETTERS, b"T:w:"];
/// `s6-svc`'s getopt string.
pub const SVC_OPTS: [u8; total(SVC_OPTS_PARTS)] = cat(SVC_OPTS_PARTS);

const SVC_USAGE_PARTS: &[&[u8]] = &[
    b"s6-svc [ -wu | -wU | -wd | -wD | -wr | -wR ] [ -T timeout ] [ -s signal | -",
    SIGNAL_LETTERS,
    b" ] [ -",
    STATE_LETTERS,
    b" ] servicedirs...",
];
/// `s6-svc`'s usage text.
pub const SVC_USAGE: [u8; total(SVC_USAGE_PARTS)] = cat(SVC_USAGE_PARTS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_is_one_command() {
        let mut seen = heapless::Vec::<Cmd, 32>::new();
        for &l in SIGNAL_LETTERS.iter().chain(STATE_LETTERS) {
            let c = decode(l).unwrap_or_else(|| panic!("letter {} decodes to nothing", l as char));
            assert!(!seen.contains(&c), "two letters for {c:?}");
            seen.push(c).unwrap();
        }
        assert_eq!(seen.len(), 25);
        // Nothing else is a command: every other byte is ignored.
        for b in 0..=255u8 {
            if !SIGNAL_LETTERS.contains(&b) && !STATE_LETTERS.contains(&b) {
                assert_eq!(decode(b), None, "byte {b}");
            }
        }
        for (l, sig) in SIGNALS {
            assert_eq!(decode(l), Some(Cmd::Signal(sig)));
            assert_eq!(letter_of(sig), Some(l));
        }
        assert_eq!(letter_of(crate::sys::signal::SIGPIPE), None);
    }

    /// s6 2.15's s6-svc, byte for byte.
    #[test]
    fn svc_usage_and_options() {
        assert_eq!(
            &SVC_USAGE[..],
            b"s6-svc [ -wu | -wU | -wd | -wD | -wr | -wR ] [ -T timeout ] [ -s signal | -abqhkti12pcyrlPCK ] [ -oduDUxOQ ] servicedirs..."
        );
        assert_eq!(&SVC_OPTS[..], b"s:abqhkti12pcyrlPCKoduDUxOQT:w:");
    }
}
