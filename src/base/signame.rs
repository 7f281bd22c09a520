//! Signal names as skalibs prints and reads them (`sig_name`, `sig0_scan`):
//! without the `SIG` prefix, the first name of its table for each number
//! (so 6 is `ABRT`, 17 `CHLD`, 29 `POLL`), `???` for a number it has no
//! name for.
use super::packed;

/// Linux signals 1 to 31.
const NAMES: [&[u8]; 31] = [
    b"HUP", b"INT", b"QUIT", b"ILL", b"TRAP", b"ABRT", b"BUS", b"FPE", b"KILL", b"USR1", b"SEGV", b"USR2", b"PIPE",
    b"ALRM", b"TERM", b"STKFLT", b"CHLD", b"CONT", b"STOP", b"TSTP", b"TTIN", b"TTOU", b"URG", b"XCPU", b"XFSZ",
    b"VTALRM", b"PROF", b"WINCH", b"POLL", b"PWR", b"SYS",
];
/// Other names skalibs reads.
const ALIASES: [(&[u8], u8); 3] = [(b"IOT", 6), (b"CLD", 17), (b"IO", 29)];

const fn entries<const N: usize>() -> [packed::Entry<'static>; N] {
    let mut out: [packed::Entry<'static>; N] = [(0, b""); N];
    let mut i = 0;
    while i < NAMES.len() {
        out[i] = (i as u8 + 1, NAMES[i]);
        i += 1;
    }
    while i < N {
        let (n, v) = ALIASES[i - NAMES.len()];
        out[i] = (v, n);
        i += 1;
    }
    out
}
/// `NAMES` then `ALIASES`, tagged with their numbers: the first entry
/// with a number is its name.
const ENTRIES: [packed::Entry<'static>; NAMES.len() + ALIASES.len()] = entries();
static PACKED: [u8; packed::size(&ENTRIES)] = packed::pack(&ENTRIES);

/// The highest signal number accepted as a number (Linux's `_NSIG - 1`).
pub const MAX: u32 = 64;

/// The name of `sig`, without `SIG` (`???` when unknown).
pub fn name(sig: u32) -> &'static [u8] {
    packed::iter(&PACKED).find(|&(n, _)| n as u32 == sig).map_or(b"???", |(_, s)| s)
}

/// A signal from a number (0 to `MAX`) or a name in any case, with or
/// without `SIG` (`SIG11` too).
pub fn number(s: &[u8]) -> Option<u32> {
    if let Some(n) = super::num::parse_u64(s) {
        return (n <= MAX as u64).then_some(n as u32);
    }
    let s = match s.get(..3) {
        Some(p) if p.eq_ignore_ascii_case(b"SIG") => &s[3..],
        _ => s,
    };
    if let Some(n) = super::num::parse_u64(s) {
        return (n <= MAX as u64).then_some(n as u32);
    }
    packed::iter(&PACKED).find(|(_, n)| n.eq_ignore_ascii_case(s)).map(|(v, _)| v as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_and_numbers() {
        assert_eq!(name(15), b"TERM");
        assert_eq!(name(6), b"ABRT");
        assert_eq!(name(29), b"POLL");
        assert_eq!(name(0), b"???");
        assert_eq!(name(40), b"???");
        assert_eq!(number(b"TERM"), Some(15));
        assert_eq!(number(b"sigwinch"), Some(28));
        assert_eq!(number(b"SigUsr1"), Some(10));
        assert_eq!(number(b"iot"), Some(6));
        assert_eq!(number(b"10"), Some(10));
        assert_eq!(number(b"sig11"), Some(11));
        assert_eq!(number(b"65"), None);
        assert_eq!(number(b"SIG"), None);
        assert_eq!(number(b"NOPE"), None);
        for i in 1..=31 {
            assert_eq!(number(name(i)), Some(i));
        }
    }
}
