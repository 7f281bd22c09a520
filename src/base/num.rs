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
}
