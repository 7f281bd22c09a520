//! Short strings packed at compile time into one byte string, each as
//! `[length, tag, bytes…]`: a table of `&[u8]` costs 16 bytes of pointer and
//! length per string (24 with a tag), this 2.

/// A string and its tag (an errno, a signal number).
pub type Entry<'a> = (u8, &'a [u8]);

/// The packed size of `t`.
pub const fn size(t: &[Entry<'_>]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < t.len() {
        n += 2 + t[i].1.len();
        i += 1;
    }
    n
}

/// `t` packed (`N` is `size(t)`).
pub const fn pack<const N: usize>(t: &[Entry<'_>]) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut i, mut at) = (0, 0);
    while i < t.len() {
        let (tag, s) = t[i];
        assert!(s.len() <= u8::MAX as usize);
        out[at] = s.len() as u8;
        out[at + 1] = tag;
        let mut j = 0;
        while j < s.len() {
            out[at + 2 + j] = s[j];
            j += 1;
        }
        at += 2 + s.len();
        i += 1;
    }
    assert!(at == N);
    out
}

/// The entries of a packed string, in order.
pub fn iter(mut p: &'static [u8]) -> impl Iterator<Item = (u8, &'static [u8])> {
    core::iter::from_fn(move || {
        let ([n, tag], rest) = p.split_first_chunk::<2>()?;
        let (s, rest) = rest.split_at_checked(*n as usize)?;
        p = rest;
        Some((*tag, s))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    const T: &[Entry<'_>] = &[(3, b"abc"), (0, b""), (255, b"z")];
    static P: [u8; size(T)] = pack(T);
    #[test]
    fn round_trip() {
        assert_eq!(P.len(), 2 + 3 + 2 + 2 + 1);
        assert!(iter(&P).eq(T.iter().copied()));
    }
}
