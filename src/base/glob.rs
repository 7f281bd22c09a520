//! Shell patterns on bytes, for one path component at a time (as
//! `fnmatch` with no flags): `*`, `?`, `[abc]`, `[a-z]`, `[[:digit:]]` and
//! the other POSIX classes, `[!…]` / `[^…]` (a `]` right after the opening
//! bracket or `!` is literal, an unclosed `[` is a literal `[`), and `\`
//! quoting the next byte outside brackets.

/// Does the component `p` need matching against a directory listing (it
/// has a special byte), rather than being a plain name?
pub fn is_pattern(p: &[u8]) -> bool {
    p.iter().any(|c| matches!(c, b'*' | b'?' | b'[' | b'\\'))
}

/// `name` matches `pat`, and a name starting with `.` is matched only by a
/// pattern that starts with `.` (as the shell's globbing).
pub fn matches_name(pat: &[u8], name: &[u8]) -> bool {
    matches_name_with(pat, name, 0)
}

/// [`matches_name`] with `fnmatch` flags (`NOESCAPE`).
pub fn matches_name_with(pat: &[u8], name: &[u8], flags: u8) -> bool {
    (name.first() != Some(&b'.') || pat.first() == Some(&b'.')) && matches_with(pat, name, flags)
}

/// `fnmatch`'s `FNM_NOESCAPE`: a backslash is an ordinary byte.
pub const NOESCAPE: u8 = 1;
/// `FNM_PERIOD`: a leading `.` (first byte, or after a `/` with
/// [`PATHNAME`]) is matched only by a `.` in the pattern.
pub const PERIOD: u8 = 2;
/// `FNM_PATHNAME`: a `/` is matched only by a `/` in the pattern.
pub const PATHNAME: u8 = 4;

/// `name` matches `pat` as a whole.
pub fn matches(pat: &[u8], name: &[u8]) -> bool {
    matches_with(pat, name, 0)
}

/// `name` matches `pat` as a whole, as `fnmatch(pat, name, flags)`.
pub fn matches_with(pat: &[u8], name: &[u8], flags: u8) -> bool {
    let slash = flags & PATHNAME != 0;
    // A `.` that only a `.` in the pattern may match.
    let leading =
        |n: usize| flags & PERIOD != 0 && name.get(n) == Some(&b'.') && (n == 0 || slash && name[n - 1] == b'/');
    let (mut p, mut n) = (0, 0);
    // Where to resume after the last `*`: (pattern index, name index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pat.len() {
            if pat[p] == b'*' {
                if leading(n) {
                    return false;
                }
                p += 1;
                star = Some((p, n));
                continue;
            }
            if n < name.len() {
                let c = name[n];
                let wild = !(slash && c == b'/' || leading(n));
                let step = match pat[p] {
                    b'?' => wild.then_some(1),
                    b'[' => match class(&pat[p..], c) {
                        Some((hit, len)) => (hit && wild).then_some(len),
                        None => (c == b'[').then_some(1),
                    },
                    b'\\' if p + 1 < pat.len() && flags & NOESCAPE == 0 => (pat[p + 1] == c).then_some(2),
                    x => (x == c).then_some(1),
                };
                if let Some(len) = step {
                    p += len;
                    n += 1;
                    continue;
                }
            }
        } else if n == name.len() {
            return true;
        }
        match star {
            // A `*` does not take a `/` under PATHNAME.
            Some((_, sn)) if slash && name.get(sn) == Some(&b'/') => return false,
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// The bracket expression that starts `pat` against `c`: whether it
/// matches and its length, or `None` when it is not closed.
fn class(pat: &[u8], c: u8) -> Option<(bool, usize)> {
    let neg = matches!(pat.get(1), Some(b'!' | b'^'));
    let start = if neg { 2 } else { 1 };
    let mut i = start;
    let mut hit = false;
    loop {
        let lo = *pat.get(i)?;
        if lo == b']' && i > start {
            return Some((hit != neg, i + 1));
        }
        // `[:name:]`: one of the C locale's classes.
        if lo == b'['
            && pat.get(i + 1) == Some(&b':')
            && let Some(k) = pat[i + 2..].windows(2).position(|w| w == b":]")
        {
            let is: fn(&u8) -> bool = match &pat[i + 2..i + 2 + k] {
                b"alnum" => u8::is_ascii_alphanumeric,
                b"alpha" => u8::is_ascii_alphabetic,
                b"blank" => |c| *c == b' ' || *c == b'\t',
                b"cntrl" => u8::is_ascii_control,
                b"digit" => u8::is_ascii_digit,
                b"graph" => u8::is_ascii_graphic,
                b"lower" => u8::is_ascii_lowercase,
                b"print" => |c| c.is_ascii_graphic() || *c == b' ',
                b"punct" => u8::is_ascii_punctuation,
                b"space" => |c| b" \t\n\x0b\x0c\r".contains(c),
                b"upper" => u8::is_ascii_uppercase,
                b"xdigit" => u8::is_ascii_hexdigit,
                // An unknown class: the pattern is invalid, nothing matches.
                _ => return Some((false, pat.len())),
            };
            hit |= is(&c);
            i += k + 4;
            continue;
        }
        match (pat.get(i + 1), pat.get(i + 2)) {
            (Some(b'-'), Some(&hi)) if hi != b']' => {
                hit |= lo <= c && c <= hi;
                i += 3;
            }
            _ => {
                hit |= lo == c;
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_questions() {
        assert!(matches(b"*", b"abc"));
        assert!(matches(b"*", b""));
        assert!(matches(b"a*", b"abc"));
        assert!(matches(b"*c", b"abc"));
        assert!(matches(b"a*c", b"ac"));
        assert!(matches(b"a*b*c", b"axxbyyc"));
        assert!(matches(b"a*b*c", b"abcbc"));
        assert!(!matches(b"a*b*c", b"abcb"));
        assert!(matches(b"???", b"abc"));
        assert!(!matches(b"??", b"abc"));
        assert!(!matches(b"????", b"abc"));
        assert!(matches(b"*.log", b"app.log"));
        assert!(!matches(b"*.log", b"app.log.1"));
        assert!(matches(b"**", b"x"));
        assert!(!matches(b"abc", b"abd"));
        assert!(matches(b"abc", b"abc"));
        assert!(!matches(b"abc", b"ab"));
    }

    #[test]
    fn classes() {
        assert!(matches(b"c[[:digit:]]", b"c1"));
        assert!(!matches(b"c[[:digit:]]", b"cx"));
        assert!(matches(b"[[:alpha:]_]x", b"_x"));
        assert!(matches(b"[![:space:]]", b"a"));
        assert!(!matches(b"[![:space:]]", b" "));
        assert!(!matches(b"[[:nosuch:]]", b"a"));
    }

    #[test]
    fn brackets() {
        assert!(matches(b"[abc]", b"b"));
        assert!(!matches(b"[abc]", b"d"));
        assert!(matches(b"log[0-9]", b"log7"));
        assert!(!matches(b"log[0-9]", b"logx"));
        assert!(matches(b"[!0-9]x", b"ax"));
        assert!(!matches(b"[!0-9]x", b"5x"));
        assert!(matches(b"[^a]", b"b"));
        assert!(matches(b"[]]", b"]"));
        assert!(matches(b"[!]]", b"a"));
        assert!(!matches(b"[!]]", b"]"));
        assert!(matches(b"[a-]", b"-"));
        // Unclosed: a literal '['.
        assert!(matches(b"[ab", b"[ab"));
        assert!(!matches(b"[ab", b"a"));
    }

    #[test]
    fn quoting() {
        assert!(matches(b"\\*", b"*"));
        assert!(!matches(b"\\*", b"a"));
        assert!(matches(b"a\\?", b"a?"));
        assert!(matches(b"a\\", b"a\\"));
        assert!(is_pattern(b"a\\b"));
        assert!(is_pattern(b"x[12]"));
        assert!(!is_pattern(b"mysql"));
    }

    #[test]
    fn fnmatch_flags() {
        assert!(matches_with(b"a\\b", b"a\\b", NOESCAPE));
        assert!(!matches_with(b"a\\b", b"ab", NOESCAPE));
        assert!(matches_with(b"a\\b", b"ab", 0));
        assert!(!matches_with(b"*", b".x", PERIOD));
        assert!(!matches_with(b"?x", b".x", PERIOD));
        assert!(!matches_with(b"[.]x", b".x", PERIOD));
        assert!(matches_with(b".*", b".x", PERIOD));
        assert!(matches_with(b"a*", b"a.x", PERIOD));
        assert!(matches_with(b"a/*", b"a/.x", PERIOD));
        assert!(!matches_with(b"a/*", b"a/.x", PERIOD | PATHNAME));
        assert!(!matches_with(b"a*c", b"a/c", PATHNAME));
        assert!(!matches_with(b"a?c", b"a/c", PATHNAME));
        assert!(!matches_with(b"a[/]c", b"a/c", PATHNAME));
        assert!(matches_with(b"a/c", b"a/c", PATHNAME));
        assert!(matches_with(b"*/*", b"ab/cd", PATHNAME));
        assert!(!matches_with(b"*", b"ab/cd", PATHNAME));
        assert!(matches_with(b"a*c", b"a/c", 0));
    }

    #[test]
    fn dot_files() {
        assert!(!matches_name(b"*", b".hidden"));
        assert!(!matches_name(b"?hidden", b".hidden"));
        assert!(!matches_name(b"[.]hidden", b".hidden"));
        assert!(matches_name(b".*", b".hidden"));
        assert!(matches_name(b"*", b"visible"));
        assert!(matches_name(b"*e*", b"a.e"));
    }
}
