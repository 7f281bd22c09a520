//! Parsing of the decimal numbers found in variables and files.

/// Parse an unsigned decimal: ASCII digits only, no sign, no spaces.
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(v)
}

/// An octal number that fits in 32 bits, leading zeros allowed (skalibs'
/// `uint0_oscan`).
pub fn octal(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u32, |v, &c| {
        if !(b'0'..=b'7').contains(&c) || v >> 29 != 0 {
            return None;
        }
        Some(v << 3 | (c - b'0') as u32)
    })
}

/// The signed decimal at the start of `s`, as skalibs' `int64_scan` reads
/// it (what follows is not looked at): an optional `+` or `-`, then digits,
/// the reading stopping before a digit that would overflow 64 bits; a
/// value that does not fit in an `i64` loses its last digit. `None` when
/// no digit comes.
pub fn scan_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: u64 = 0;
    let mut any = false;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        let d = (c - b'0') as u64;
        if v > (u64::MAX - d) / 10 {
            break;
        }
        v = v * 10 + d;
        any = true;
    }
    if !any {
        return None;
    }
    let max = if neg { 1 << 63 } else { i64::MAX as u64 };
    if v > max {
        v /= 10;
    }
    Some(if neg { (v as i64).wrapping_neg() } else { v as i64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"3000"), Some(3000));
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b"1 "), None);
        assert_eq!(parse_u64(b"99999999999999999999999"), None);
    }
    #[test]
    fn scan_as_int64_scan() {
        assert_eq!(scan_i64(b"12abc"), Some(12));
        assert_eq!(scan_i64(b"+7"), Some(7));
        assert_eq!(scan_i64(b"-0"), Some(0));
        assert_eq!(scan_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(scan_i64(b"-9223372036854775809"), Some(-922337203685477580));
        assert_eq!(scan_i64(b"9223372036854775808"), Some(922337203685477580));
        assert_eq!(scan_i64(b"99999999999999999999"), Some(999999999999999999));
        for bad in [&b""[..], b"-", b"+", b"+-1", b" 1", b"x"] {
            assert_eq!(scan_i64(bad), None);
        }
    }
}
