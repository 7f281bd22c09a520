//! `supervise/death_tally`: the supervisor's record of the service's deaths,
//! oldest first, at most `max-death-tally` records (default 100, at most
//! 4096). The supervisor appends one record per death of `./run`;
//! `s6-svdt` prints them. Each record is 14 bytes:
//!
//! | bytes | field |
//! |---|---|
//! | 0..12 | TAI64N label of the death (as in `status`) |
//! | 12 | the exit code, or 128 + the signal when killed |
//! | 13 | the signal, or 0 when it exited |
//!
//! A file whose size is not a whole number of records reads as empty, as in s6.
use crate::base::fs::read_full;
use crate::base::tai::Tai;
use crate::s6::status::{wstat_exitcode, wstat_termsig};
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

/// The file, relative to the service directory.
pub const FILE: &CStr = c"supervise/death_tally";
/// One record's size.
pub const RECORD: usize = 14;
/// Records kept without `max-death-tally`.
pub const DEFAULT_MAX: usize = 100;
/// The most records kept (s6's `S6_MAX_DEATH_TALLY`).
pub const MAX: usize = 4096;

/// One death.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Death {
    pub when: Tai,
    /// The exit code, or 128 + `sig`.
    pub code: u8,
    /// The signal that killed it, or 0.
    pub sig: u8,
}

impl Death {
    pub fn pack(&self) -> [u8; RECORD] {
        let mut r = [0u8; RECORD];
        r[..12].copy_from_slice(&self.when.pack());
        r[12] = self.code;
        r[13] = self.sig;
        r
    }
    /// The record of a death with the raw wait status `wstat`.
    pub fn from_wstat(when: Tai, wstat: u16) -> Death {
        match (wstat_termsig(wstat), wstat_exitcode(wstat)) {
            (Some(s), _) => Death { when, code: 128 + s, sig: s },
            (None, c) => Death { when, code: c.unwrap_or(0), sig: 0 },
        }
    }
    pub fn unpack(r: &[u8; RECORD]) -> Death {
        let mut stamp = [0u8; 12];
        stamp.copy_from_slice(&r[..12]);
        Death { when: Tai::unpack(&stamp), code: r[12], sig: r[13] }
    }
}

/// How many of the `have` old records stay when one more is added and at
/// most `max` (≥ 1) are kept: the newest ones.
pub fn keep(have: usize, max: usize) -> usize {
    have.min(max.saturating_sub(1))
}

/// The newest records of the service directory `dir`'s tally, oldest
/// first, into `buf` (as many whole records as it holds); returns how many.
pub fn read(dir: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    let f = fs::openat(dir, FILE, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    let size = fs::fstat(&f)?.st_size as u64;
    if !size.is_multiple_of(RECORD as u64) {
        return Ok(0);
    }
    let n = ((size / RECORD as u64) as usize).min(buf.len() / RECORD);
    let want = n * RECORD;
    fs::seek(&f, fs::SeekFrom::End(-(want as i64)))?;
    if read_full(f.as_fd(), &mut buf[..want])? < want {
        return Err(Errno::PIPE);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A death by TERM, laid out as s6-supervise writes it (the stamp is from
    /// a real s6 `status` file).
    #[test]
    fn golden_bytes() {
        let b = [0x40, 0, 0, 0, 0x6b, 0x0a, 0xdf, 0x5a, 0x2a, 0xdb, 0x86, 0xa1, 0x8f, 0x0f];
        let d = Death { when: Tai { secs: 0x400000006b0adf5a, nanos: 0x2adb86a1 }, code: 143, sig: 15 };
        assert_eq!(Death::unpack(&b), d);
        assert_eq!(d.pack(), b);
        let e = Death { when: Tai::default(), code: 3, sig: 0 };
        assert_eq!(Death::unpack(&e.pack()), e);
        assert_eq!(e.pack()[12..], [3, 0]);
        assert_eq!(Death::from_wstat(d.when, 0x000f), d);
        assert_eq!(Death::from_wstat(Tai::default(), 0x0300), e);
    }

    #[test]
    fn keep_the_newest() {
        assert_eq!(keep(0, 100), 0);
        assert_eq!(keep(5, 100), 5);
        assert_eq!(keep(100, 100), 99);
        assert_eq!(keep(7, 2), 1);
        assert_eq!(keep(7, 1), 0);
        assert_eq!(keep(7, 0), 0);
    }
}
