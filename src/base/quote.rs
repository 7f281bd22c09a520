//! skalibs' string quoting, byte for byte: `string_quote_nodelim_mustquote`
//! (C-like escapes, what s6-quote writes), `string_unquote_withdelim` (its
//! inverse, which stops at a closing delimiter: s6-unquote) and
//! `string_format` (`%x` variables: s6-format-filter).
//!
//! Quoting escapes `\a`…`\r` (bytes 7 to 13), a backslash and every
//! delimiter as `\` + the byte, and other control or non-ASCII bytes as
//! `\0x` + two lowercase hex digits. A delimiter must be a byte that can
//! stand for itself and is not part of an escape (not a digit, `a`-`f`,
//! `n`, `r`, `t`, `v`, `x`, a backslash or a control byte): any other is
//! `EINVAL`, as in skalibs.
use crate::sys::arena::Vec;
use rustix::io::Errno;

/// The escape letters of bytes 7 to 13, in order.
const LETTERS: &[u8; 7] = b"abtnvfr";

/// How quoting writes a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoted {
    /// `\a`…`\r`.
    Letter,
    /// `\0x` and two hex digits.
    Hex,
    /// A backslash before it.
    Escaped,
    /// As it is; it may be a delimiter.
    Plain,
    /// As it is; it may not be a delimiter (it could read as an escape).
    Reserved,
}

fn quoted(c: u8) -> Quoted {
    match c {
        7..=13 => Quoted::Letter,
        0..=31 | 127..=255 => Quoted::Hex,
        b'\\' => Quoted::Escaped,
        b'0'..=b'9' | b'a'..=b'f' | b'n' | b'r' | b't' | b'v' | b'x' => Quoted::Reserved,
        _ => Quoted::Plain,
    }
}

fn put(dst: &mut Vec<u8>, s: &[u8]) {
    for &c in s {
        dst.push(c);
    }
}

/// Append `s` quoted to `dst`, every byte of `delim` escaped (nothing is
/// appended around it). `EINVAL`, with nothing appended, when a delimiter
/// cannot be one.
pub fn quote(dst: &mut Vec<u8>, s: &[u8], delim: &[u8]) -> Result<(), Errno> {
    if delim.iter().any(|&d| quoted(d) != Quoted::Plain) {
        return Err(Errno::INVAL);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &c in s {
        match quoted(c) {
            Quoted::Letter => put(dst, &[b'\\', LETTERS[(c - 7) as usize]]),
            Quoted::Hex => put(dst, &[b'\\', b'0', b'x', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            Quoted::Plain if delim.contains(&c) => put(dst, &[b'\\', c]),
            Quoted::Escaped => put(dst, &[b'\\', c]),
            Quoted::Plain | Quoted::Reserved => dst.push(c),
        }
    }
    Ok(())
}

/// What an input byte is to the unquoting machine (skalibs' classes 0 to
/// 8, in its order).
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Backslash,
    Delim,
    Zero,
    X,
    /// `a`, `b`, `f`: a letter escape that is also a hex digit.
    LetterHex,
    /// `1`-`9`, `c`, `d`, `e`.
    Hex,
    /// `n`, `r`, `t`, `v`.
    Letter,
    Other,
    End,
}

fn class(c: u8) -> In {
    match c {
        b'\\' => In::Backslash,
        b'0' => In::Zero,
        b'x' => In::X,
        b'a' | b'b' | b'f' => In::LetterHex,
        b'1'..=b'9' | b'c' | b'd' | b'e' => In::Hex,
        b'n' | b'r' | b't' | b'v' => In::Letter,
        _ => In::Other,
    }
}

/// Where the unquoting machine is.
#[derive(Clone, Copy)]
enum State {
    Plain,
    /// After `\`.
    Escape,
    /// After `\0`.
    Zero,
    /// After `\0x`.
    Hex,
    /// After `\0x` and one digit (its value, shifted).
    Hex2(u8),
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// Unquote `s` into `dst` up to the first unescaped byte of `delim` (or
/// the end). `Ok(r)`: where it stopped (the delimiter's index, or
/// `s.len()`). `Err((r, e))`: an escape that does not end (`EPIPE`) or is
/// not one (`EPROTO`) at `r`, or a delimiter that cannot be one
/// (`EINVAL`, `r` = 0); `dst` then holds what came before.
pub fn unquote(dst: &mut Vec<u8>, s: &[u8], delim: &[u8]) -> Result<usize, (usize, Errno)> {
    if delim.iter().any(|&d| class(d) != In::Other) {
        return Err((0, Errno::INVAL));
    }
    let mut state = State::Plain;
    for i in 0..=s.len() {
        let (c, k) = match s.get(i) {
            Some(&c) if delim.contains(&c) => (c, In::Delim),
            Some(&c) => (c, class(c)),
            None => (0, In::End),
        };
        state = match (state, k) {
            (State::Plain, In::Backslash) => State::Escape,
            (State::Plain, In::Delim | In::End) => return Ok(i),
            (State::Plain, _) => {
                dst.push(c);
                State::Plain
            }
            (State::Escape, In::End) => return Err((i, Errno::PIPE)),
            (State::Escape, In::Zero) => State::Zero,
            (State::Escape, In::LetterHex | In::Letter) => {
                dst.push(7 + LETTERS.iter().position(|&l| l == c).unwrap_or(0) as u8);
                State::Plain
            }
            (State::Escape, _) => {
                dst.push(c);
                State::Plain
            }
            (State::Zero, In::Backslash) => {
                dst.push(0);
                State::Escape
            }
            (State::Zero, In::Delim | In::End) => {
                dst.push(0);
                return Ok(i);
            }
            (State::Zero, In::X) => State::Hex,
            (State::Zero, _) => {
                put(dst, &[0, c]);
                State::Plain
            }
            (State::Hex, In::Zero | In::LetterHex | In::Hex) => State::Hex2(hex_value(c) << 4),
            (State::Hex2(high), In::Zero | In::LetterHex | In::Hex) => {
                dst.push(high | hex_value(c));
                State::Plain
            }
            (State::Hex | State::Hex2(_), In::End) => return Err((i, Errno::PIPE)),
            (State::Hex | State::Hex2(_), _) => return Err((i, Errno::PROTO)),
        };
    }
    // The loop always returns at the end of the input.
    Err((s.len(), Errno::PIPE))
}

/// Append `format` to `dst` with `%v` replaced by `args[i]` for the `i`th
/// byte `v` of `vars` (up to its first NUL) and `%%` by `%`; `EINVAL` for
/// any other `%` or a `%` at the end (`dst` may then hold a part).
pub fn format(dst: &mut Vec<u8>, vars: &[u8], format: &[u8], args: &[&[u8]]) -> Result<(), Errno> {
    let mut bytes = format.iter();
    while let Some(&c) = bytes.next() {
        if c != b'%' {
            dst.push(c);
            continue;
        }
        match bytes.next() {
            Some(b'%') => dst.push(b'%'),
            Some(v) => {
                let i = vars.iter().position(|x| x == v).ok_or(Errno::INVAL)?;
                let a = args.get(i).copied().unwrap_or(b"");
                put(dst, a.split(|&b| b == 0).next().unwrap_or(b""));
            }
            None => return Err(Errno::INVAL),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &[u8], delim: &[u8]) -> Result<std::vec::Vec<u8>, Errno> {
        let mut v = Vec::new();
        quote(&mut v, s, delim).map(|()| v.get().to_vec())
    }

    fn u(s: &[u8], delim: &[u8]) -> (std::vec::Vec<u8>, Result<usize, (usize, Errno)>) {
        let mut v = Vec::new();
        let r = unquote(&mut v, s, delim);
        (v.get().to_vec(), r)
    }

    #[test]
    fn quoting() {
        assert_eq!(q(b"a\x01\x1f\x7f\xffb\t\\\"x", b"\"").unwrap(), b"a\\0x01\\0x1f\\0x7f\\0xffb\\t\\\\\\\"x");
        assert_eq!(q(b"it's \"q\"", b"'").unwrap(), b"it\\'s \"q\"");
        assert_eq!(q(b"\x07\x0d", b"").unwrap(), b"\\a\\r");
        assert_eq!(q(b"x", b"0"), Err(Errno::INVAL));
        assert_eq!(q(b"x", b"\\"), Err(Errno::INVAL));
    }

    #[test]
    fn unquoting() {
        assert_eq!(u(b"ab\\n\\\"c\"rest", b"\""), (b"ab\n\"c".to_vec(), Ok(7)));
        assert_eq!(u(b"\\0x41\\0\\0y\\q", b""), (b"A\0\0yq".to_vec(), Ok(12)));
        assert_eq!(u(b"\\0\"", b"\""), (vec![0], Ok(2)));
        assert_eq!(u(b"no end", b"\""), (b"no end".to_vec(), Ok(6)));
        assert_eq!(u(b"a\\", b"\"").1, Err((2, Errno::PIPE)));
        assert_eq!(u(b"\\0x4g", b"\"").1, Err((4, Errno::PROTO)));
        assert_eq!(u(b"\\0xA", b"\"").1, Err((3, Errno::PROTO)));
        assert_eq!(u(b"x", b"a").1, Err((0, Errno::INVAL)));
    }

    #[test]
    fn round_trip() {
        let all: std::vec::Vec<u8> = (0..=255).collect();
        let quoted = q(&all, b"\"'").unwrap();
        assert_eq!(u(&quoted, b"\"'"), (all.clone(), Ok(quoted.len())));
    }

    #[test]
    fn formats() {
        let f = |fmt: &[u8]| {
            let mut v = Vec::new();
            format(&mut v, b"s0", fmt, &[b"line\0cut", b"prog"]).map(|()| v.get().to_vec())
        };
        assert_eq!(f(b"<%s> %0 %%s"), Ok(b"<line> prog %s".to_vec()));
        assert_eq!(f(b"%1"), Err(Errno::INVAL));
        assert_eq!(f(b"50%"), Err(Errno::INVAL));
    }
}
