//! execlineb's lexer (execline 2.9.9 `el_parse`): words separated by space
//! and control bytes, `#` comments at the start of a word, double quotes
//! joining mid-word with C-like escapes, `\` quoting one byte, and braces
//! turned into execline's block encoding (a prefix of one space per level,
//! a word of level spaces for `}`). Shared by `execlineb` and s6-rc's
//! `up`/`down` command lines.
use crate::sys::arena::{self, Vec as List};
use core::ffi::CStr;

type W = &'static CStr;

fn cstr(w: &[u8]) -> W {
    arena::cstr(&[w]).unwrap_or_else(|e| super::diag::fatal_sys(super::exit::SYSCALL, e, &[b"unable to allocate"]))
}

fn ws(c: u8) -> bool {
    c != 0 && c <= b' '
}

/// The words of `s`, or the error text ("syntax error", "unmatched {",
/// "unmatched }").
pub fn lex(s: &[u8], out: &mut List<W>) -> Result<(), &'static [u8]> {
    const SYN: &[u8] = b"syntax error";
    let s = match s.iter().position(|&c| c == 0) {
        Some(i) => &s[..i],
        None => s,
    };
    let mut w = List::new();
    let mut level = 0usize;
    let mut i = 0;
    let at = |i: usize| s.get(i).copied();
    loop {
        while at(i).is_some_and(ws) {
            i += 1;
        }
        let Some(c) = at(i) else { break };
        if c == b'#' {
            while at(i).is_some_and(|c| c != b'\n') {
                i += 1;
            }
            continue;
        }
        if c == b'\\' && (at(i + 1) == Some(b'\n') || at(i + 1).is_none()) {
            i += 2;
            continue;
        }
        w.n = 0;
        for _ in 0..level {
            w.push(b' ');
        }
        let mut plain = true;
        while let Some(c) = at(i) {
            if ws(c) {
                break;
            }
            i += 1;
            match c {
                b'"' => {
                    plain = false;
                    loop {
                        let c = at(i).ok_or(SYN)?;
                        i += 1;
                        if c == b'"' {
                            break;
                        }
                        if c != b'\\' {
                            w.push(c);
                            continue;
                        }
                        let d = at(i).ok_or(SYN)?;
                        i += 1;
                        let (base, max, mut v) = match d {
                            b'\n' => continue,
                            b'0' => match at(i) {
                                Some(b'x') => {
                                    i += 1;
                                    (16, 2, 0)
                                }
                                _ => (8, 3, 0),
                            },
                            b'1'..=b'9' => (10, 2, (d - b'0') as u32),
                            _ => {
                                let k = b"abtnvfr".iter().position(|&x| x == d);
                                w.push(k.map_or(d, |k| b"\x07\x08\t\n\x0b\x0c\r"[k]));
                                continue;
                            }
                        };
                        let mut n = 0;
                        while n < max {
                            let Some(x) = at(i).and_then(|x| (x as char).to_digit(base)) else { break };
                            v = v * base + x;
                            i += 1;
                            n += 1;
                        }
                        if (base != 10 && n == 0) || v == 0 || v > 255 {
                            return Err(SYN);
                        }
                        w.push(v as u8);
                    }
                }
                b'\\' => {
                    plain = false;
                    w.push(at(i).ok_or(SYN)?);
                    i += 1;
                }
                _ => w.push(c),
            }
        }
        let word = &w.get()[level..];
        if plain && word == b"{" {
            if at(i).is_none() {
                return Err(SYN);
            }
            level += 1;
        } else if plain && word == b"}" {
            if level == 0 {
                return Err(b"unmatched }");
            }
            level -= 1;
            out.push(cstr(&w.get()[..level]));
        } else {
            out.push(cstr(w.get()));
        }
    }
    if level > 0 {
        return Err(b"unmatched {");
    }
    Ok(())
}
