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
        self.secs.wrapping_sub(1 << 62).saturating_sub(10 + self.leaps())
    }
    /// The leap seconds between 1970 and this label.
    fn leaps(self) -> u64 {
        let tai = self.secs.wrapping_sub(1 << 62);
        LEAPS.iter().enumerate().filter(|&(i, &l)| tai >= l as u64 + 11 + i as u64).count() as u64
    }
    /// Set the system clock to this label, as skalibs' `tain_setnow`: the
    /// leap seconds taken off and 500 ns added. A label below 10 is
    /// `EINVAL`; one before 1970 or too far on is the kernel's to refuse.
    pub fn set_clock(self) -> Result<(), rustix::io::Errno> {
        let Some(secs) = self.secs.checked_sub(10 + self.leaps()) else { return Err(rustix::io::Errno::INVAL) };
        let (mut secs, mut nanos) = (secs.wrapping_sub(1 << 62) as i64, self.nanos.wrapping_add(500));
        if nanos > 999_999_999 {
            secs = secs.wrapping_add(1);
            nanos -= 1_000_000_000;
        }
        rustix::time::clock_settime(ClockId::Realtime, rustix::time::Timespec { tv_sec: secs, tv_nsec: nanos as i64 })
    }
    /// `self - earlier` as skalibs' `tain_sub`: seconds and nanoseconds,
    /// the seconds wrapping (an earlier `self` gives negative seconds and
    /// nanoseconds counted up from them).
    pub fn minus(self, earlier: Tai) -> (i64, u32) {
        let secs = self.secs.wrapping_sub(earlier.secs);
        let nanos = self.nanos.wrapping_sub(earlier.nanos);
        if nanos > self.nanos {
            (secs.wrapping_sub(1) as i64, nanos.wrapping_add(1_000_000_000))
        } else {
            (secs as i64, nanos)
        }
    }
    /// The label at the start of `s`: `@` and 24 hex digits, either case
    /// (what follows is not looked at), as skalibs' `timestamp_scan`.
    pub fn scan(s: &[u8]) -> Option<Tai> {
        let (b'@', hex) = (*s.first()?, s.get(1..25)?) else { return None };
        let mut b = [0u8; 12];
        for (i, pair) in hex.chunks(2).enumerate() {
            let d = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
            b[i] = d(pair[0])? << 4 | d(pair[1])?;
        }
        Some(Tai::unpack(&b))
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
    fn scan_and_subtract_as_skalibs() {
        let t = Tai::scan(b"@400000006b0adf5A2ADB86A1 rest").unwrap();
        assert_eq!(t, Tai { secs: 0x400000006b0adf5a, nanos: 0x2adb86a1 });
        assert_eq!(Tai::scan(b"@400000006b0adf5a2adb86a"), None);
        assert_eq!(Tai::scan(b"400000006b0adf5a2adb86a10"), None);
        assert_eq!(Tai::scan(b"@400000006b0adf5a2adb86ag"), None);
        let t = |secs, nanos| Tai { secs, nanos };
        assert_eq!(t(12, 5).minus(t(10, 500_000_000)), (1, 500_000_005));
        assert_eq!(t(9, 0).minus(t(10, 500_000_000)), (-2, 500_000_000));
        assert_eq!(t(10, 7).minus(t(10, 7)), (0, 0));
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
