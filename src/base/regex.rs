//! POSIX extended regular expressions, as `regcomp(REG_EXTENDED|REG_NOSUB)`
//! in the C locale reads them, matched in linear time: the pattern becomes
//! a Thompson NFA whose states are simulated as a set, one byte at a time
//! (no backtracking, so no blow-up). Only "does it match somewhere" is
//! answered, which is all s6-log asks.
//!
//! Supported: `|`, `( )`, `.`, `^`, `$`, `\c`, `* + ? {m} {m,} {m,n}`,
//! bracket expressions with ranges, `[:class:]`, `[=c=]` and `[.c.]`.
//! Jumps are relative, so a compiled fragment can be moved or copied as is
//! (which is how `{m,n}` and insertions are done).
use crate::sys::arena;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Inst {
    Byte(u8),
    Any,
    Set(u16),
    Bol,
    Eol,
    /// Two ways on, relative to this instruction.
    Split(i16, i16),
    Jmp(i16),
    Match,
}

/// Largest program, in instructions.
const MAX: usize = 4096;
const MAX_SETS: usize = 256;
/// POSIX's RE_DUP_MAX, as glibc.
const DUP_MAX: u32 = 255;

/// A compiled pattern.
pub struct Regex {
    prog: &'static [Inst],
    sets: &'static [[u8; 32]],
    /// Two state lists and a generation mark per state.
    scratch: &'static mut [u16],
}

/// The pattern is not a valid ERE (or too big).
#[derive(Debug, PartialEq, Eq)]
pub struct Bad;

struct Comp<'p> {
    p: &'p [u8],
    i: usize,
    prog: heapless::Vec<Inst, MAX>,
    sets: heapless::Vec<[u8; 32], MAX_SETS>,
    /// Open groups: outside any, `)` is an ordinary character (as glibc).
    depth: u32,
}

type R<T> = Result<T, Bad>;

impl Comp<'_> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        let y = self.peek() == Some(c);
        self.i += y as usize;
        y
    }
    fn push(&mut self, x: Inst) -> R<()> {
        self.prog.push(x).map_err(|_| Bad)
    }
    fn insert(&mut self, at: usize, x: Inst) -> R<()> {
        self.prog.insert(at, x).map_err(|_| Bad)
    }
    fn alt(&mut self) -> R<()> {
        let s = self.prog.len();
        self.concat()?;
        while self.eat(b'|') {
            let j = self.prog.len();
            self.push(Inst::Jmp(0))?;
            self.insert(s, Inst::Split(1, (j + 2 - s) as i16))?;
            self.concat()?;
            self.prog[j + 1] = Inst::Jmp((self.prog.len() - j - 1) as i16);
        }
        Ok(())
    }
    fn concat(&mut self) -> R<()> {
        while let Some(c) = self.peek() {
            if c == b'|' || (c == b')' && self.depth > 0) {
                break;
            }
            self.piece()?;
        }
        Ok(())
    }
    fn num(&mut self) -> Option<u32> {
        let s = self.i;
        let mut v = 0u32;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            v = (v * 10 + (c - b'0') as u32).min(DUP_MAX + 1);
            self.i += 1;
        }
        (self.i > s).then_some(v)
    }
    /// Make the fragment `[cs, len)` optional (`?`) or a loop (`*`).
    fn opt(&mut self, cs: usize, star: bool) -> R<()> {
        let l = (self.prog.len() - cs) as i16;
        if star {
            self.push(Inst::Jmp(-(l + 1)))?;
        }
        self.insert(cs, Inst::Split(1, l + 1 + star as i16))
    }
    fn piece(&mut self) -> R<()> {
        let cs = self.prog.len();
        self.atom()?;
        loop {
            let l = self.prog.len() - cs;
            match self.peek() {
                Some(b'*') => self.opt(cs, true)?,
                Some(b'?') => self.opt(cs, false)?,
                Some(b'+') => self.push(Inst::Split(-(l as i16), 1))?,
                Some(b'{') => {
                    self.i += 1;
                    // glibc reads `{,n}` as `{0,n}`.
                    let m = match self.num() {
                        Some(m) => m,
                        None if self.peek() == Some(b',') => 0,
                        None => return Err(Bad),
                    };
                    let n = if self.eat(b',') { self.num() } else { Some(m) };
                    if !self.eat(b'}') || n.is_some_and(|n| n < m) || m.max(n.unwrap_or(0)) > DUP_MAX {
                        return Err(Bad);
                    }
                    // Copies of the fragment, then drop the original.
                    for k in 0..n.unwrap_or(m + 1) {
                        let at = self.prog.len();
                        for x in cs..cs + l {
                            self.push(self.prog[x])?;
                        }
                        if k >= m {
                            self.opt(at, n.is_none())?;
                        }
                    }
                    self.prog.copy_within(cs + l.., cs);
                    self.prog.truncate(self.prog.len() - l);
                    continue;
                }
                _ => return Ok(()),
            }
            self.i += 1;
        }
    }
    fn atom(&mut self) -> R<()> {
        let c = self.peek().ok_or(Bad)?;
        self.i += 1;
        let x = match c {
            b'(' => {
                self.depth += 1;
                self.alt()?;
                self.depth -= 1;
                if !self.eat(b')') {
                    return Err(Bad);
                }
                return Ok(());
            }
            b'.' => Inst::Any,
            b'^' => Inst::Bol,
            b'$' => Inst::Eol,
            b'[' => return self.bracket(),
            b'\\' => Inst::Byte(self.peek().ok_or(Bad).inspect(|_| self.i += 1)?),
            b'*' | b'+' | b'?' | b'{' => return Err(Bad),
            c => Inst::Byte(c),
        };
        self.push(x)
    }
    /// `[:name:]`, `[=c=]` or `[.c.]` after the `[`: the bytes it stands for.
    fn special(&mut self, set: &mut [u8; 32]) -> R<Option<u8>> {
        let d = self.peek().ok_or(Bad)?;
        let start = self.i + 1;
        let end = self.p[start..].windows(2).position(|w| w[0] == d && w[1] == b']').ok_or(Bad)? + start;
        let name = &self.p[start..end];
        self.i = end + 2;
        if d != b':' {
            return if name.len() == 1 { Ok(Some(name[0])) } else { Err(Bad) };
        }
        let f: fn(u8) -> bool = match name {
            b"alpha" => |c| c.is_ascii_alphabetic(),
            b"digit" => |c| c.is_ascii_digit(),
            b"alnum" => |c| c.is_ascii_alphanumeric(),
            b"upper" => |c| c.is_ascii_uppercase(),
            b"lower" => |c| c.is_ascii_lowercase(),
            b"space" => |c| matches!(c, b' ' | 9..=13),
            b"blank" => |c| c == b' ' || c == 9,
            b"punct" => |c| c.is_ascii_punctuation(),
            b"print" => |c| (32..127).contains(&c),
            b"graph" => |c| (33..127).contains(&c),
            b"cntrl" => |c| c < 32 || c == 127,
            b"xdigit" => |c| c.is_ascii_hexdigit(),
            _ => return Err(Bad),
        };
        for c in 0..=255u8 {
            if f(c) {
                set[c as usize >> 3] |= 1 << (c & 7);
            }
        }
        Ok(None)
    }
    fn bracket(&mut self) -> R<()> {
        let mut set = [0u8; 32];
        let neg = self.eat(b'^');
        let mut first = true;
        loop {
            let c = self.peek().ok_or(Bad)?;
            self.i += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let lo = if c == b'[' && matches!(self.peek(), Some(b':' | b'=' | b'.')) {
                match self.special(&mut set)? {
                    Some(b) => b,
                    None => continue,
                }
            } else {
                c
            };
            let mut hi = lo;
            if self.peek() == Some(b'-') && self.p.get(self.i + 1).is_some_and(|&n| n != b']') {
                self.i += 1;
                let e = self.peek().ok_or(Bad)?;
                self.i += 1;
                hi = e;
                if e == b'[' && matches!(self.peek(), Some(b'=' | b'.')) {
                    hi = self.special(&mut set)?.ok_or(Bad)?;
                }
                if hi < lo {
                    return Err(Bad);
                }
            }
            for b in lo..=hi {
                set[b as usize >> 3] |= 1 << (b & 7);
            }
        }
        if neg {
            for (k, b) in set.iter_mut().enumerate() {
                *b = !*b;
                if k == 1 {
                    *b &= !(1 << 2); // REG_NEWLINE: never `\n`
                }
            }
        }
        let idx = self.sets.len() as u16;
        self.sets.push(set).map_err(|_| Bad)?;
        self.push(Inst::Set(idx))
    }
}

impl Regex {
    pub fn new(p: &[u8]) -> Result<Regex, Bad> {
        let mut c = Comp { p, i: 0, prog: heapless::Vec::new(), sets: heapless::Vec::new(), depth: 0 };
        c.alt()?;
        if c.i != p.len() {
            return Err(Bad);
        }
        c.push(Inst::Match)?;
        let n = c.prog.len();
        let prog = arena::alloc_slice(n, Inst::Match).map_err(|_| Bad)?;
        prog.copy_from_slice(&c.prog);
        let sets = arena::alloc_slice(c.sets.len(), [0u8; 32]).map_err(|_| Bad)?;
        sets.copy_from_slice(&c.sets);
        let scratch = arena::alloc_slice(3 * n, 0u16).map_err(|_| Bad)?;
        Ok(Regex { prog, sets, scratch })
    }

    /// Whether the pattern matches anywhere in `s`.
    pub fn is_match(&mut self, s: &[u8]) -> bool {
        let n = self.prog.len();
        let (lists, mark) = self.scratch.split_at_mut(2 * n);
        mark.fill(0);
        let (mut cur, mut next) = lists.split_at_mut(n);
        let mut ncur = 0;
        let mut g = 1u16;
        for pos in 0..=s.len() {
            // Start a new attempt here, after those already running.
            if add(self.prog, mark, g, cur, &mut ncur, 0, pos, s.len()) {
                return true;
            }
            let mut nnext = 0;
            g = g.wrapping_add(1);
            if g == 0 {
                mark.fill(0);
                g = 1;
            }
            let Some(&b) = s.get(pos) else { break };
            for k in 0..ncur {
                let pc = cur[k] as usize;
                let ok = match self.prog[pc] {
                    Inst::Byte(c) => c == b,
                    Inst::Any => b != b'\n',
                    Inst::Set(i) => self.sets[i as usize][b as usize >> 3] & (1 << (b & 7)) != 0,
                    _ => false,
                };
                if ok && add(self.prog, mark, g, next, &mut nnext, pc + 1, pos + 1, s.len()) {
                    return true;
                }
            }
            core::mem::swap(&mut cur, &mut next);
            ncur = nnext;
        }
        false
    }
}

/// Add `pc` and what it reaches without reading a byte at `pos`; true when
/// that reaches `Match`.
#[allow(clippy::too_many_arguments)]
fn add(prog: &[Inst], mark: &mut [u16], g: u16, list: &mut [u16], n: &mut usize, pc: usize, pos: usize, len: usize) -> bool {
    if mark[pc] == g {
        return false;
    }
    mark[pc] = g;
    let go = |d: i16| (pc as isize + d as isize) as usize;
    match prog[pc] {
        Inst::Match => true,
        Inst::Jmp(d) => add(prog, mark, g, list, n, go(d), pos, len),
        Inst::Split(a, b) => add(prog, mark, g, list, n, go(a), pos, len) || add(prog, mark, g, list, n, go(b), pos, len),
        Inst::Bol => pos == 0 && add(prog, mark, g, list, n, pc + 1, pos, len),
        Inst::Eol => pos == len && add(prog, mark, g, list, n, pc + 1, pos, len),
        _ => {
            list[*n] = pc as u16;
            *n += 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn m(p: &str, s: &str) -> bool {
        Regex::new(p.as_bytes()).unwrap().is_match(s.as_bytes())
    }
    #[test]
    fn basics() {
        assert!(m("", "anything"));
        assert!(m("fatal:", "x fatal: y"));
        assert!(!m("^fatal", "x fatal"));
        assert!(m("a|b", "b"));
        assert!(m("^(ab|cd)+$", "abcdab"));
        assert!(!m("^(ab|cd)+$", "abc"));
        assert!(m("^a{2,3}$", "aaa"));
        assert!(!m("^a{2,3}$", "aaaa"));
        assert!(!m("^a{2,3}$", "a"));
        assert!(m("^a{2,}$", "aaaaa"));
        assert!(m("^(a|b){0,2}c$", "abc"));
        assert!(m("^[[:digit:]]+$", "123"));
        assert!(!m("^[^[:digit:]]", "1"));
        assert!(m("^[]a-]+$", "]-a"));
        assert!(m("x\\.y", "x.y"));
        assert!(!m("x\\.y", "xzy"));
        assert!(m("^$", ""));
        assert!(m("a?b*c+", "cc"));
        assert!(m("(^a|b$)", "xb"));
    }
    #[test]
    fn errors() {
        for p in ["a(", "[a", "a{2,1}", "*a", "a{", "[[:nope:]]", "\\", "[z-a]"] {
            assert!(Regex::new(p.as_bytes()).is_err(), "{p}");
        }
    }
    #[test]
    fn linear() {
        let s = "a".repeat(5000);
        assert!(!m("^(a|aa)*(a*)*b$", &s));
        assert!(!m("(a?){30}a{30}b", &s));
    }
}
