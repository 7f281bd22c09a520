//! The substitution engine (`el_substitute`) and value splitting.
use super::{cstr, List, W};
use crate::base::{diag, exit};

/// One key and the words it stands for (none: the word disappears).
#[derive(Clone, Copy)]
pub struct Sub {
    pub key: &'static [u8],
    pub vals: &'static [&'static [u8]],
}

/// How a value becomes words.
#[derive(Clone, Copy)]
pub struct Split {
    pub split: bool,
    pub crunch: bool,
    pub chomp: bool,
    pub delim: &'static [u8],
}

pub const NOSPLIT: Split = Split { split: false, crunch: false, chomp: false, delim: b" \n\r\t" };

impl Split {
    /// From options `-s -C -c -N -n -d X` (`split` forces splitting).
    pub fn from(o: &super::Opts, split: bool) -> Split {
        Split {
            split: split || o.has(b's'),
            crunch: o.last(b"Cc") == b'C',
            chomp: o.last(b"Nn") == b'n',
            delim: o.arg(b'd').unwrap_or(NOSPLIT.delim),
        }
    }
}

/// The words of `v` under `o`.
pub fn split(v: &'static [u8], o: &Split) -> &'static [&'static [u8]] {
    let mut l = List::new();
    if o.delim.is_empty() && o.split {
        let mut r = v;
        while !r.is_empty() {
            let i = r.iter().position(|&c| c == b':').unwrap_or(r.len());
            let n = super::u(&r[..i]).unwrap_or(u64::MAX) as usize;
            if i == r.len() || n > r.len() - i - 2 || r[i + 1 + n] != b',' {
                diag::fatal(exit::SYSCALL, &[b"unable to complete exlsn function: Invalid argument"]);
            }
            l.push(&r[i + 1..i + 1 + n]);
            r = &r[i + 2 + n..];
        }
        return l.done();
    }
    let d = |c: &u8| o.delim.contains(c);
    let mut b = List::new();
    for (k, c) in v.iter().enumerate() {
        if !(o.crunch && d(c) && k > 0 && d(&v[k - 1])) {
            b.push(*c);
        }
    }
    let mut s = b.done();
    if o.chomp && s.last().is_some_and(d) {
        s = &s[..s.len() - 1];
    }
    if !o.split {
        l.push(s);
        return l.done();
    }
    let mut start = 0;
    for (k, c) in s.iter().enumerate() {
        if d(c) {
            l.push(&s[start..k]);
            start = k + 1;
        }
    }
    if start < s.len() {
        l.push(&s[start..]);
    }
    l.done()
}

/// The first substitutable `$` at or after `from`: (index of `$`,
/// backslashes before it, key index, end of the reference).
fn find(w: &[u8], from: usize, subs: &[Sub]) -> Option<(usize, usize, usize, usize)> {
    let mut i = from;
    while i < w.len() {
        if w[i] == b'$' {
            let (name, end) = if w.get(i + 1) == Some(&b'{') {
                match w[i + 2..].iter().position(|&c| c == b'}') {
                    Some(j) => (&w[i + 2..i + 2 + j], i + 3 + j),
                    None => (b"" as &[u8], 0),
                }
            } else {
                let j = w[i + 1..].iter().position(|c| b"\\${}".contains(c)).unwrap_or(w.len() - i - 1);
                (&w[i + 1..i + 1 + j], i + 1 + j)
            };
            if let Some(k) = subs.iter().position(|s| !name.is_empty() && s.key == name) {
                let mut b = 0;
                while b < i - from && w[i - 1 - b] == b'\\' {
                    b += 1;
                }
                return Some((i, b, k, end));
            }
        }
        i += 1;
    }
    None
}

fn expand(w: &'static [u8], from: usize, subs: &[Sub], parts: &mut List<&'static [u8]>, out: &mut List<W>) {
    let mark = parts.n;
    match find(w, from, subs) {
        None => {
            parts.push(&w[from..]);
            out.push(cstr(parts.get()));
        }
        Some((i, b, k, end)) => {
            parts.push(&w[from..i - b + b / 2]);
            if b % 2 == 1 {
                parts.push(&w[i..end]);
                expand(w, end, subs, parts, out);
            } else {
                for v in subs[k].vals {
                    parts.push(v);
                    expand(w, end, subs, parts, out);
                    parts.n -= 1;
                }
            }
        }
    }
    parts.n = mark;
}

/// Substitute `subs` in every word of `argv`.
pub fn apply(argv: &[W], subs: &[Sub]) -> &'static [W] {
    let mut out = List::new();
    let mut parts = List::new();
    for w in argv {
        expand(w.to_bytes(), 0, subs, &mut parts, &mut out);
    }
    out.done()
}

/// A one-word value.
pub fn one(v: &'static [u8]) -> &'static [&'static [u8]] {
    let mut l = List::new();
    l.push(v);
    l.done()
}
