//! Path helpers.

/// The last component of `p` (`basename`, without trailing-slash handling
/// beyond ignoring them).
pub fn basename(p: &[u8]) -> &[u8] {
    let mut end = p.len();
    while end > 1 && p[end - 1] == b'/' {
        end -= 1;
    }
    let p = &p[..end];
    match p.iter().rposition(|&c| c == b'/') {
        Some(i) if p.len() > 1 => &p[i + 1..],
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names() {
        assert_eq!(basename(b"/init"), b"init");
        assert_eq!(basename(b"init"), b"init");
        assert_eq!(basename(b"/usr/bin/with-contenv"), b"with-contenv");
        assert_eq!(basename(b"a/b/"), b"b");
        assert_eq!(basename(b"/"), b"/");
    }
}
