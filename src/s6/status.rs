//! s6's on-disk supervision formats, byte for byte (s6 2.11 to 2.15):
//! `supervise/status` (35 bytes) and `supervise/death_tally` records (14 bytes).
//!
//! status, all big-endian: TAI64N stamp (last up/down transition), TAI64N
//! readystamp, u64 pid (run's while up, finish's while it runs, else 0),
//! u16 wstat (raw wait status of the last death), flags (bit0 paused, bit1
//! finishing, bit2 wantup, bit3 ready).
use crate::base::tai::Tai;

pub const STATUS_SIZE: usize = 35;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Status {
    pub stamp: Tai,
    pub ready_stamp: Tai,
    pub pid: u64,
    pub wstat: u16,
    pub paused: bool,
    pub finishing: bool,
    pub want_up: bool,
    pub ready: bool,
}

impl Status {
    pub fn pack(&self) -> [u8; STATUS_SIZE] {
        let mut b = [0u8; STATUS_SIZE];
        b[0..12].copy_from_slice(&self.stamp.pack());
        b[12..24].copy_from_slice(&self.ready_stamp.pack());
        b[24..32].copy_from_slice(&self.pid.to_be_bytes());
        b[32..34].copy_from_slice(&self.wstat.to_be_bytes());
        b[34] = self.paused as u8 | (self.finishing as u8) << 1 | (self.want_up as u8) << 2 | (self.ready as u8) << 3;
        b
    }

    pub fn unpack(b: &[u8; STATUS_SIZE]) -> Status {
        let tai = |o: usize| {
            let mut t = [0u8; 12];
            t.copy_from_slice(&b[o..o + 12]);
            Tai::unpack(&t)
        };
        let mut pid = [0u8; 8];
        pid.copy_from_slice(&b[24..32]);
        Status {
            stamp: tai(0),
            ready_stamp: tai(12),
            pid: u64::from_be_bytes(pid),
            wstat: u16::from_be_bytes([b[32], b[33]]),
            paused: b[34] & 1 != 0,
            finishing: b[34] & 2 != 0,
            want_up: b[34] & 4 != 0,
            ready: b[34] & 8 != 0,
        }
    }

    /// Up: a live run process (not finish).
    pub fn is_up(&self) -> bool {
        self.pid != 0 && !self.finishing
    }

    /// Never started since the supervisor started (s6 2.13+ marks that
    /// state with the paused flag on a down service).
    pub fn never_started(&self) -> bool {
        self.pid == 0 && !self.finishing && self.paused
    }
}

/// The signal that killed the process (`WIFSIGNALED`, `WTERMSIG`).
pub fn wstat_termsig(w: u16) -> Option<u8> {
    let s = (w & 0x7f) as u8;
    (s != 0 && s != 0x7f).then_some(s)
}

/// The exit code, if the process exited (`WIFEXITED`, `WEXITSTATUS`).
pub fn wstat_exitcode(w: u16) -> Option<u8> {
    (w & 0x7f == 0).then_some((w >> 8) as u8)
}

/// Build a raw wait status (as `waitpid` gives it) from an exit code or a
/// signal: `code << 8`, or the signal number.
pub fn wstat_exited(code: u8) -> u16 {
    (code as u16) << 8
}
pub fn wstat_signaled(sig: u8) -> u16 {
    sig as u16 & 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_bytes() {
        // "after s6-svc -d": pid 0, killed by TERM, ready.
        let s = Status {
            stamp: Tai { secs: 0x400000006b0adf5a, nanos: 0x2adb86a1 },
            ready_stamp: Tai { secs: 0x400000006b0adf5a, nanos: 0x2ae1b0b1 },
            pid: 0,
            wstat: wstat_signaled(15),
            paused: false,
            finishing: false,
            want_up: false,
            ready: true,
        };
        let b = s.pack();
        assert_eq!(&b[..12], &[0x40, 0, 0, 0, 0x6b, 0x0a, 0xdf, 0x5a, 0x2a, 0xdb, 0x86, 0xa1]);
        assert_eq!(&b[32..], &[0x00, 0x0f, 0x08]);
        assert_eq!(Status::unpack(&b), s);
        // "finish running": pid 350, exit 3, finishing + wantup.
        let f = Status { pid: 350, wstat: wstat_exited(3), finishing: true, want_up: true, ..Status::default() };
        let b = f.pack();
        assert_eq!(&b[24..], &[0, 0, 0, 0, 0, 0, 0x01, 0x5e, 0x03, 0x00, 0x06]);
        assert!(!f.is_up());
        assert_eq!((wstat_termsig(wstat_signaled(15)), wstat_exitcode(wstat_signaled(15))), (Some(15), None));
        assert_eq!((wstat_termsig(wstat_exited(3)), wstat_exitcode(wstat_exited(3))), (None, Some(3)));
        assert_eq!((wstat_termsig(0x137f), wstat_exitcode(0x137f)), (None, None)); // stopped
        let fresh = Status { paused: true, ready: true, ..Status::default() };
        assert!(fresh.never_started() && !fresh.is_up());
        assert!(!Status { pid: 5, paused: true, ..Status::default() }.never_started());
    }
}
