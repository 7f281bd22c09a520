//! TAI64N timestamps as skalibs writes them: 8 bytes big-endian label
//! (`2^62 + unix seconds + 37`: skalibs' 10 s plus the 27 leap seconds of
//! its table) and 4 bytes big-endian nanoseconds. Text form: `@` and 24
//! lowercase hex digits.
use rustix::time::{ClockId, clock_gettime};

/// Seconds added to a Unix time to make a TAI64 label.
pub const TAI_OFFSET: u64 = (1u64 << 62) + 37;

/// The Unix times at which the 27 leap seconds so far ended (the first
/// second after each 23:59:60).
const LEAPS: [u32; 27] = [
    78796800, 94694400, 126230400, 157766400, 189302400, 220924800, 252460800, 283996800, 315532800, 362793600,
    394329600, 425865600, 489024000, 567993600, 631152000, 662688000, 709948800, 741484800, 773020800, 820454400,
    867715200, 915148800, 1136073600, 1230768000, 1341100800, 1435708800, 1483228800,
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
pub struct Tai {
    /// The TAI64 label.
    pub secs: u64,
    pub nanos: u32,
}

impl Tai {
    pub fn now() -> Tai {
        let t = clock_gettime(ClockId::Realtime);
        Tai::from_unix(t.tv_sec as u64, t.tv_nsec as u32)
    }
    pub const fn from_unix(secs: u64, nanos: u32) -> Tai {
        Tai { secs: secs + TAI_OFFSET, nanos }
    }
    pub fn unix_secs(self) -> u64 {
        self.secs.saturating_sub(TAI_OFFSET)
    }
    pub fn pack(self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[..8].copy_from_slice(&self.secs.to_be_bytes());
        b[8..].copy_from_slice(&self.nanos.to_be_bytes());
        b
    }
    pub fn unpack(b: &[u8; 12]) -> Tai {
        let mut s = [0u8; 8];
        s.copy_from_slice(&b[..8]);
        let mut n = [0u8; 4];
        n.copy_from_slice(&b[8..]);
        Tai { secs: u64::from_be_bytes(s), nanos: u32::from_be_bytes(n) }
    }
    /// The Unix time of this label with the leap seconds of its date (as
    /// skalibs' `tai_to_utc`; [`Tai::unix_secs`] assumes today's 37 s).
    pub fn utc_secs(self) -> u64 {
        let tai = self.secs.wrapping_sub(1 << 62);
        let leaps = LEAPS.iter().enumerate().filter(|&(i, &l)| tai >= l as u64 + 11 + i as u64).count() as u64;
        tai.saturating_sub(10 + leaps)
    }
    /// Whole seconds from `earlier` to `self` (0 when `earlier` is later).
    pub fn secs_since(self, earlier: Tai) -> u64 {
        if self <= earlier {
            return 0;
        }
        let s = self.secs - earlier.secs;
        if self.nanos < earlier.nanos { s - 1 } else { s }
    }
    /// `@` + 24 lowercase hex digits.
    pub fn to_text(self) -> [u8; 25] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 25];
        out[0] = b'@';
        for (i, byte) in self.pack().iter().enumerate() {
            out[1 + 2 * i] = HEX[(byte >> 4) as usize];
            out[2 + 2 * i] = HEX[(byte & 15) as usize];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn label_matches_skalibs() {
        // Written by s6 when `date +%s` was 1795872779.
        assert_eq!(Tai::from_unix(1795872779, 0).secs, 0x400000006b0ad830);
        let t = Tai { secs: 0x400000006b0adf5a, nanos: 0x2adb86a1 };
        assert_eq!(&t.to_text(), b"@400000006b0adf5a2adb86a1");
        assert_eq!(Tai::unpack(&t.pack()), t);
    }
    #[test]
    fn utc_with_the_leap_seconds_of_the_date() {
        // Today's labels: 37 s; 2009: 34 s; 1971: 10 s.
        assert_eq!(Tai::from_unix(1795872779, 0).utc_secs(), 1795872779);
        assert_eq!(Tai { secs: (1 << 62) + 1259003738 + 34, nanos: 0 }.utc_secs(), 1259003738);
        assert_eq!(Tai { secs: (1 << 62) + 40000000 + 10, nanos: 0 }.utc_secs(), 40000000);
        // Either side of the last leap second.
        assert_eq!(Tai { secs: (1 << 62) + 1483228800 + 37, nanos: 0 }.utc_secs(), 1483228800);
        assert_eq!(Tai { secs: (1 << 62) + 1483228799 + 36, nanos: 0 }.utc_secs(), 1483228799);
    }
    #[test]
    fn seconds_between() {
        let t = |secs, nanos| Tai { secs, nanos };
        assert_eq!(t(10, 5).secs_since(t(8, 6)), 1);
        assert_eq!(t(10, 6).secs_since(t(8, 6)), 2);
        assert_eq!(t(10, 6).secs_since(t(10, 5)), 0);
        assert_eq!(t(8, 6).secs_since(t(10, 6)), 0);
    }
}
