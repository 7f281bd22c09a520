//! `./finish`'s contract: its arguments, its time limit, and the exit code
//! that keeps a service down. The supervisor runs it after each death of
//! `./run` as
//!
//! ```text
//! ./finish CODE SIG NAME PGID
//! ```
//!
//! | argument | value |
//! |---|---|
//! | `CODE` | `./run`'s exit code, or `256` when a signal killed it |
//! | `SIG` | the signal that killed it, or `0` when it exited |
//! | `NAME` | the name `./run` got (`foo`, `foo/log`) |
//! | `PGID` | the dead `./run`'s pid, which was also its process group (s6 2.13+; 2.11 passes only the first three) |
//!
//! It may run `timeout-finish` ms (first line of the file; default 5000,
//! `0` = no limit), then gets SIGKILL. Exiting `125` marks the service
//! wanted down: it is not restarted (events `OD` instead of `D`).
use super::status::{wstat_exitcode, wstat_termsig};

/// `CODE` of a run that a signal killed.
pub const KILLED: u16 = 256;
/// Exit code of `./finish` that keeps the service down.
pub const STAY_DOWN: u8 = 125;
/// `timeout-finish` when the file is missing or not a number.
pub const TIMEOUT_MS: u64 = 5000;

/// `CODE` and `SIG` for a run that ended with the raw wait status `wstat`.
pub fn encode(wstat: u16) -> (u16, u8) {
    match wstat_termsig(wstat) {
        Some(s) => (KILLED, s),
        None => (wstat_exitcode(wstat).unwrap_or(0) as u16, 0),
    }
}

/// The raw wait status that `CODE` and `SIG` describe (`None`: none does).
pub fn decode(code: u16, sig: u8) -> Option<u16> {
    match (code, sig) {
        (KILLED, 1..=0x7e) => Some(sig as u16),
        (0..=255, 0) => Some(code << 8),
        _ => None,
    }
}

/// Whether a `./finish` that ended with `wstat` asks to stay down.
pub fn stays_down(wstat: u16) -> bool {
    wstat_exitcode(wstat) == Some(STAY_DOWN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s6::status::{wstat_exited, wstat_signaled};

    /// The arguments real s6 passed (skarnet.md §1.2: `finish args: 256 15
    /// sv1/a 32677`, `3 0 sv1/a 333`) and the wait statuses behind them.
    #[test]
    fn golden_arguments() {
        assert_eq!(encode(0x000f), (256, 15));
        assert_eq!(encode(0x0300), (3, 0));
        assert_eq!(encode(wstat_exited(0)), (0, 0));
        assert_eq!(encode(wstat_exited(255)), (255, 0));
        assert_eq!(encode(wstat_signaled(9)), (256, 9));
        for w in [0x000f, 0x0300, 0, 0xff00, 0x0009, 0x7d00] {
            let (c, s) = encode(w);
            assert_eq!(decode(c, s), Some(w));
        }
        assert_eq!(decode(256, 0), None);
        assert_eq!(decode(3, 15), None);
        assert_eq!(decode(300, 0), None);
    }

    #[test]
    fn exit_125_stays_down() {
        assert!(stays_down(wstat_exited(125)));
        assert!(!stays_down(wstat_exited(0)));
        assert!(!stays_down(wstat_exited(126)));
        // Killed by signal 125 - 128 cannot be, nor by any signal.
        assert!(!stays_down(wstat_signaled(125 & 0x7f)));
    }
}
