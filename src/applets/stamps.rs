//! s6-portable-utils' TAI64N tools (2.3.1): `s6-clock` (print or set the
//! system clock as a label), `s6-tai64ndiff` (time between stamped lines)
//! and `s6-uniquename` (a name no other process makes: the time, the pid,
//! the host and random characters). Usage strings, messages, exit codes and
//! output are upstream's.
use crate::base::chain::{opts, uint};
use crate::base::io::{filter_lines, print};
use crate::base::random::unique_name;
use crate::base::tai::Tai;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::arena::Vec;

/// `s6-clock [tai64nlabel]`: print the system clock as a TAI64N label, or
/// set it to the label given (`@` and 24 hex digits).
pub fn clock(args: Args) -> u8 {
    let Some(label) = args.get_arg(1) else {
        print(&[&Tai::now().to_text(), b"\n"]);
        return exit::OK;
    };
    let Some(t) = Tai::scan(label.to_bytes()) else { diag::usage(b"s6-clock [ tai64nlabel ]") };
    if let Err(e) = t.set_clock() {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to taia_setnow"]);
    }
    exit::OK
}

/// A blank prefix: the first line of a run of stamped lines gets it.
const BLANK: [u8; 23] = *b"[          .          ]";

/// s6-tai64ndiff's `[  seconds.nanoseconds ]`, laid out as upstream: up to
/// 10 characters of seconds right-aligned before the dot and the
/// nanoseconds after it; longer seconds start at the left and push the
/// nanoseconds out.
fn prefix((secs, nanos): (i64, u32)) -> [u8; 23] {
    let mut p = BLANK;
    let mut s = itoa::Buffer::new();
    let s = s.format(secs).as_bytes();
    // The nanoseconds, at least 9 digits (10 for a label's invalid ones).
    let mut n = itoa::Buffer::new();
    let n = n.format(nanos).as_bytes();
    let mut digits = [b'0'; 10];
    let dlen = n.len().max(9);
    digits[dlen - n.len()..dlen].copy_from_slice(n);
    let digits = &digits[..dlen];
    if s.len() <= 10 {
        p[11 - s.len()..11].copy_from_slice(s);
        p[12..12 + dlen].copy_from_slice(digits);
    } else {
        let mut m = 1 + (s.len() < 20) as usize;
        p[m..m + s.len()].copy_from_slice(s);
        m += s.len();
        p[m] = b'.';
        m += 1;
        p[m..22].copy_from_slice(&digits[..22 - m]);
    }
    p
}

/// `s6-tai64ndiff`: each line of stdin that starts with a TAI64N label has
/// it replaced by the time since the previous line's label (blank for the
/// first of a run of such lines); other lines are copied as they are.
pub fn tai64ndiff(_: Args) -> u8 {
    let mut prev: Option<Tai> = None;
    filter_lines(&mut |line, out| {
        let Some(cur) = Tai::scan(line).filter(|_| line.len() > 25) else {
            prev = None;
            return out.put_all(&[line]);
        };
        let p = prev.map_or(BLANK, |p| prefix(cur.minus(p)));
        prev = Some(cur);
        out.put_all(&[&p, &line[25..]])
    })
}

/// `s6-uniquename [-n randomlen] prefix`: `prefix:@TAI64N:PID:HOST:RANDOM`,
/// with `randomlen` random characters (8 by default; 0: no `:RANDOM`).
pub fn uniquename(args: Args) -> u8 {
    const U: &[u8] = b"s6-uniquename [ -n randomlen ] prefix";
    let mut random = 8;
    let rest = opts(args, b"n:", U, &mut |c, a| {
        match uint(a) {
            Some(n) if c == b'n' => random = n as usize,
            _ => return false,
        }
        true
    });
    let Some(prefix) = rest.get_arg(0) else { diag::usage(U) };
    let mut name = Vec::new();
    prefix.to_bytes().iter().for_each(|&c| name.push(c));
    unique_name(&mut name, random);
    name.push(b'\n');
    print(&[name.get()]);
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_as_upstream() {
        assert_eq!(&prefix((1, 500_000_000)), b"[         1.500000000 ]");
        assert_eq!(&prefix((-2, 5)), b"[        -2.000000005 ]");
        assert_eq!(&prefix((1234567890, 0)), b"[1234567890.000000000 ]");
        assert_eq!(&prefix((12345678901, 123_456_789)), b"[ 12345678901.12345678]");
        assert_eq!(&prefix((i64::MIN, 1)), b"[-9223372036854775808.]");
        assert_eq!(&prefix((-123456789012345678, 1)), b"[ -123456789012345678.]");
        assert_eq!(&prefix((0, u32::MAX)), b"[         0.4294967295]");
    }
}
