//! POSIX regular expressions, as glibc's `regcomp` reads them in the C
//! locale (extended, or basic without `REG_EXTENDED`), matched in linear
//! time: the pattern becomes a Thompson NFA whose states are simulated as
//! a set, one byte at a time (no backtracking, so no blow-up).
//!
//! Supported: `|`, `( )`, `.`, `^`, `$`, `\c`, `* + ? {m} {m,} {m,n}`,
//! bracket expressions with ranges, `[:class:]`, `[=c=]` and `[.c.]`; in
//! a BRE, `\| \( \) \+ \? \{ \}` are the operators (glibc's extensions
//! included), `^` is an anchor only where a branch starts, `$` only where
//! one ends, and a `*` that starts an expression is literal.
//! `.` and `[^…]` match a newline, and `^`/`$` match only at the ends of
//! the string (no `REG_NEWLINE`). Back-references are not supported (`\1`
//! is a literal `1`). glibc's GNU operators are: `\w \W` (a word byte:
//! alphanumeric or `_`, or not), `\s \S` (a blank or not), and the
//! anchors `\b \B` (a word boundary or not), `\< \>` (a word's start,
//! end), `` \` `` and `\'` (the subject's start and end, whatever
//! `REG_NOTBOL`/`REG_NOTEOL`). A refused pattern gets glibc's error code,
//! so the caller can print its text.
//!
//! [`Regex::captures`] gives what glibc's `regexec` gives for the
//! subexpressions: the overall match is the leftmost, then longest one;
//! inside it glibc follows the first path that ends there, preferring the
//! left alternative and one more loop iteration (so `(a|ab)(c|bcd)` on
//! `abcd` gives `a` and `bcd`), and keeps a subexpression's last value when
//! a later iteration does not pass through it. The program is laid out as
//! glibc's tree: `x+` is `x x*`, `x{2,4}` is `x x ((x? x)?)`, and
//! only the copies made optional are marked for glibc's rule on empty
//! iterations. Both passes are set simulations: linear in the subject.
//!
//! Jumps are relative, so a compiled fragment can be moved or copied as is
//! (which is how repetitions and insertions are done).
use crate::sys::arena;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Inst {
    Byte(u8),
    Any,
    Set(u16),
    Bol,
    Eol,
    /// A GNU anchor, looking at the bytes around the position.
    Word(WordAt),
    /// Two ways on, relative to this instruction; the first is preferred.
    Split(i16, i16),
    Jmp(i16),
    /// Subexpression k (from 1) starts here.
    Open(u16),
    /// Subexpression k ends here; the flag marks a copy made optional.
    Close(u16, bool),
    Match,
}

/// Where a GNU anchor matches.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordAt {
    /// `\b`, `\B`
    Edge,
    NotEdge,
    /// `\<`, `\>`
    Start,
    End,
    /// `` \` ``, `\'`
    First,
    Last,
}

fn word_byte(c: Option<&u8>) -> bool {
    c.is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Largest program, in instructions.
const MAX: usize = 4096;
const MAX_SETS: usize = 256;
/// glibc's RE_DUP_MAX: a larger bound is "too big".
const DUP_MAX: u32 = 0x7fff;

/// Why a pattern is refused: glibc's `REG_E*` code for it (this matcher's
/// own size limits are [`Bad::Size`] too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bad {
    Collate,
    Ctype,
    Escape,
    Brack,
    Paren,
    Brace,
    BadBr,
    Range,
    Space,
    BadRpt,
    Size,
    Subreg,
}

impl Bad {
    /// What glibc's `regerror` says.
    pub fn text(self) -> &'static [u8] {
        match self {
            Bad::Collate => b"Invalid collation character",
            Bad::Ctype => b"Invalid character class name",
            Bad::Escape => b"Trailing backslash",
            Bad::Brack => b"Unmatched [, [^, [:, [., or [=",
            Bad::Paren => b"Unmatched ( or \\(",
            Bad::Brace => b"Unmatched \\{",
            Bad::BadBr => b"Invalid content of \\{\\}",
            Bad::Range => b"Invalid range end",
            Bad::Space => b"Memory exhausted",
            Bad::BadRpt => b"Invalid preceding regular expression",
            Bad::Size => b"Regular expression too big",
            Bad::Subreg => b"Invalid back reference",
        }
    }
}

/// An operator, as the syntax in use spells it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Alt,
    Open,
    Close,
    Star,
    Plus,
    Quest,
    Brace,
}

/// What came just before the atom being read: a BRE's `^` is an anchor
/// only at a branch's start, and a repetition with nothing to repeat (at
/// the start, or after an anchor) is an error in an ERE, literal in a BRE.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Begin,
    Anchor,
    Other,
}

/// A bound that is not a number (glibc's -2 from `fetch_number`).
const NAN: u32 = u32::MAX;

struct Comp<'p> {
    p: &'p [u8],
    i: usize,
    prog: heapless::Vec<Inst, MAX>,
    sets: heapless::Vec<[u8; 32], MAX_SETS>,
    /// Open groups: outside any, an ERE's `)` is an ordinary character (as glibc).
    depth: u32,
    groups: u16,
    /// `REG_ICASE`: the pattern is lowercased, and a set holding a capital
    /// (`[:upper:]`) holds its lowercase too.
    icase: bool,
    /// A BRE (no `REG_EXTENDED`).
    basic: bool,
    ctx: Ctx,
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
    /// The operator at the read position, and its length: an ERE's are
    /// bare, a BRE's are escaped but for `*`.
    fn op(&self) -> Option<(Op, usize)> {
        let (esc, c) = match (self.peek()?, self.p.get(self.i + 1)) {
            (b'\\', Some(&c)) => (true, c),
            (c, _) => (false, c),
        };
        let op = match c {
            b'|' => Op::Alt,
            b'(' => Op::Open,
            b')' => Op::Close,
            b'*' => Op::Star,
            b'+' => Op::Plus,
            b'?' => Op::Quest,
            b'{' => Op::Brace,
            _ => return None,
        };
        let ours = if self.basic { esc != (op == Op::Star) } else { !esc };
        ours.then_some((op, 1 + esc as usize))
    }
    /// Read operator `o` if it comes next.
    fn eat_op(&mut self, o: Op) -> bool {
        match self.op() {
            Some((x, n)) if x == o => {
                self.i += n;
                true
            }
            _ => false,
        }
    }
    fn push(&mut self, x: Inst) -> R<()> {
        self.prog.push(x).map_err(|_| Bad::Size)
    }
    fn insert(&mut self, at: usize, x: Inst) -> R<()> {
        self.prog.insert(at, x).map_err(|_| Bad::Size)
    }
    fn alt(&mut self) -> R<()> {
        let s = self.prog.len();
        self.concat()?;
        while self.eat_op(Op::Alt) {
            let j = self.prog.len();
            self.push(Inst::Jmp(0))?;
            // glibc prefers the right side of an empty first branch.
            let r = (j + 2 - s) as i16;
            self.insert(s, if j == s { Inst::Split(r, 1) } else { Inst::Split(1, r) })?;
            self.concat()?;
            self.prog[j + 1] = Inst::Jmp((self.prog.len() - j - 1) as i16);
        }
        Ok(())
    }
    fn concat(&mut self) -> R<()> {
        self.ctx = Ctx::Begin;
        while self.peek().is_some() {
            match self.op() {
                Some((Op::Alt, _)) => break,
                Some((Op::Close, _)) if self.depth > 0 => break,
                _ => self.piece()?,
            }
        }
        Ok(())
    }
    /// glibc's `fetch_number`: the decimal up to `,` or the closing brace
    /// (`None`: no digits; [`NAN`]: something else), saturated past
    /// [`DUP_MAX`]. The pattern's end is `Brace`.
    fn number(&mut self) -> R<Option<u32>> {
        let mut v = None;
        loop {
            if self.at_close_brace() || self.peek() == Some(b',') {
                return Ok(v);
            }
            let c = self.peek().ok_or(Bad::Brace)?;
            self.i += 1;
            v = Some(match (c, v) {
                (b'0'..=b'9', None) => (c - b'0') as u32,
                (b'0'..=b'9', Some(n)) if n != NAN => (n * 10 + (c - b'0') as u32).min(DUP_MAX + 1),
                _ => NAN,
            });
        }
    }
    fn at_close_brace(&self) -> bool {
        match self.basic {
            true => self.p[self.i..].starts_with(b"\\}"),
            false => self.peek() == Some(b'}'),
        }
    }
    /// The bounds after `{`, to the closing brace: (m, n), `None` for no
    /// upper bound (glibc's `parse_dup_op`).
    fn interval(&mut self) -> R<(u32, Option<u32>)> {
        let m = self.number()?;
        let comma = self.eat(b',');
        let m = match m {
            Some(m) => m,
            None if comma => 0,
            None => return Err(Bad::BadBr),
        };
        let n = if comma { self.number()? } else { Some(m) };
        if m == NAN || n == Some(NAN) || n.is_some_and(|n| n < m) || !self.at_close_brace() {
            return Err(Bad::BadBr);
        }
        self.i += 1 + self.basic as usize;
        if m.max(n.unwrap_or(0)) > DUP_MAX {
            return Err(Bad::Size);
        }
        Ok((m, n))
    }
    /// Make the fragment `[cs, len)` optional (`?`) or a loop (`*`). A
    /// loop goes back through a second split: as glibc, an iteration that
    /// read nothing still counts, and then the loop is left.
    fn opt(&mut self, cs: usize, star: bool) -> R<()> {
        let l = (self.prog.len() - cs) as i16;
        if star {
            self.push(Inst::Split(-l, 1))?;
        }
        self.insert(cs, Inst::Split(1, l + 1 + star as i16))
    }
    /// Append a copy of `[cs, cs + l)`, marked optional when `grp` (the
    /// fragment is one subexpression); returns where it starts.
    fn copy(&mut self, cs: usize, l: usize, grp: bool) -> R<usize> {
        let at = self.prog.len();
        for x in cs..cs + l {
            self.push(self.prog[x])?;
        }
        if let (true, Some(Inst::Close(k, _))) = (grp, self.prog.last().copied()) {
            *self.prog.last_mut().ok_or(Bad::Size)? = Inst::Close(k, true);
        }
        Ok(at)
    }
    fn piece(&mut self) -> R<()> {
        let cs = self.prog.len();
        let mut grp = matches!(self.op(), Some((Op::Open, _)));
        // An anchor takes no repetition: what follows starts anew (glibc
        // refuses `^*` in an ERE, and reads it as `^\*` in a BRE).
        if self.atom()? {
            self.ctx = Ctx::Anchor;
            return Ok(());
        }
        self.ctx = Ctx::Other;
        let mut first = true;
        loop {
            let l = self.prog.len() - cs;
            let (o, k) = match self.op() {
                Some((o @ (Op::Star | Op::Plus | Op::Quest | Op::Brace), k)) => (o, k),
                _ => return Ok(()),
            };
            // A BRE takes no `*` or `\{` right after a repetition.
            if self.basic && !first && matches!(o, Op::Star | Op::Brace) {
                return Err(Bad::BadRpt);
            }
            self.i += k;
            let (m, n) = match o {
                Op::Star => (0, None),
                Op::Quest => (0, Some(1)),
                Op::Plus => (1, None),
                _ => self.interval()?,
            };
            first = false;
            if l == 0 {
                continue;
            }
            // As glibc: m plain copies, then `x*` or `((x? x)? x)?…` of
            // copies marked optional; the original goes.
            for _ in 0..m {
                self.copy(cs, l, false)?;
            }
            if n != Some(m) {
                let o = self.copy(cs, l, grp)?;
                self.opt(o, n.is_none())?;
                for _ in m + 1..n.unwrap_or(0) {
                    self.copy(cs, l, grp)?;
                    self.opt(o, false)?;
                }
            }
            self.prog.copy_within(cs + l.., cs);
            self.prog.truncate(self.prog.len() - l);
            grp = false;
        }
    }
    /// Whether a `$` here is an anchor: always in an ERE; in a BRE, at
    /// the pattern's end or before `\)` or `\|`.
    fn dollar_anchors(&self) -> bool {
        let rest = &self.p[self.i..];
        !self.basic || rest.is_empty() || rest.starts_with(b"\\)") || rest.starts_with(b"\\|")
    }
    /// Read one atom; true if it is an anchor.
    fn atom(&mut self) -> R<bool> {
        let c = self.peek().ok_or(Bad::Paren)?;
        if let Some((o, k)) = self.op() {
            self.i += k;
            let x = match o {
                Op::Open => {
                    self.groups += 1;
                    let k = self.groups;
                    self.push(Inst::Open(k))?;
                    self.depth += 1;
                    self.alt()?;
                    self.depth -= 1;
                    if !self.eat_op(Op::Close) {
                        return Err(Bad::Paren);
                    }
                    Inst::Close(k, false)
                }
                // Outside a group: an ERE's `)` is itself, a BRE's `\)` unmatched.
                Op::Close if !self.basic => Inst::Byte(c),
                Op::Close => return Err(Bad::Paren),
                // Nothing to repeat: a BRE's `*`, `\+` and `\?` are literal.
                Op::Star | Op::Plus | Op::Quest if self.basic => Inst::Byte(self.p[self.i - 1]),
                _ => return Err(Bad::BadRpt),
            };
            self.push(x)?;
            return Ok(false);
        }
        self.i += 1;
        let x = match c {
            b'.' => Inst::Any,
            b'^' if !self.basic || self.ctx == Ctx::Begin => Inst::Bol,
            b'$' if self.dollar_anchors() => Inst::Eol,
            b'[' => return self.bracket().map(|_| false),
            b'\\' => {
                let e = self.peek().ok_or(Bad::Escape)?;
                self.i += 1;
                match e {
                    b'w' | b'W' | b's' | b'S' => {
                        let mut set = [0u8; 32];
                        for b in 0..=255u8 {
                            let yes = match e {
                                b'w' | b'W' => word_byte(Some(&b)),
                                _ => b" \t\n\x0b\x0c\r".contains(&b),
                            };
                            if yes != e.is_ascii_uppercase() {
                                add(&mut set, b, b);
                            }
                        }
                        let k = self.sets.len();
                        self.sets.push(set).map_err(|_| Bad::Space)?;
                        Inst::Set(k as u16)
                    }
                    b'b' => Inst::Word(WordAt::Edge),
                    b'B' => Inst::Word(WordAt::NotEdge),
                    b'<' => Inst::Word(WordAt::Start),
                    b'>' => Inst::Word(WordAt::End),
                    b'`' => Inst::Word(WordAt::First),
                    b'\'' => Inst::Word(WordAt::Last),
                    // A back reference to a group that does not exist
                    // (yet): glibc refuses the pattern.
                    b'1'..=b'9' if u16::from(e - b'0') > self.groups => return Err(Bad::Subreg),
                    e => Inst::Byte(e),
                }
            }
            c => Inst::Byte(c),
        };
        self.push(x)?;
        Ok(matches!(x, Inst::Bol | Inst::Eol | Inst::Word(_)))
    }
    /// `[:name:]`, `[=c=]` or `[.c.]` after the `[`: the bytes it stands for.
    fn special(&mut self, set: &mut [u8; 32]) -> R<Option<u8>> {
        let d = self.peek().ok_or(Bad::Brack)?;
        let start = self.i + 1;
        let end = self.p[start..].windows(2).position(|w| w[0] == d && w[1] == b']').ok_or(Bad::Brack)? + start;
        let name = &self.p[start..end];
        self.i = end + 2;
        if d != b':' {
            return if name.len() == 1 { Ok(Some(name[0])) } else { Err(Bad::Collate) };
        }
        // Each class: its name's length, the name, how many ranges, the
        // ranges (C locale).
        let mut t: &[u8] = b"\x05alpha\x02AZaz\x05digit\x0109\x05alnum\x0309AZaz\x05upper\x01AZ\x05lower\x01az\
            \x05space\x02\t\r  \x05blank\x02\t\t  \x05punct\x04!/:@[`{~\x05print\x01 ~\x05graph\x01!~\
            \x05cntrl\x02\0\x1f\x7f\x7f\x06xdigit\x0309AFaf";
        loop {
            let (&n, r) = t.split_first().ok_or(Bad::Ctype)?;
            let (nm, r) = r.split_at(n as usize);
            let (ranges, r) = r[1..].split_at(2 * r[0] as usize);
            if nm == name {
                for p in ranges.chunks(2) {
                    add(set, p[0], p[1]);
                }
                break;
            }
            t = r;
        }
        Ok(None)
    }
    /// Whether a range's `-` comes next (not the `-` that ends the set).
    fn at_range(&self) -> bool {
        self.peek() == Some(b'-') && self.p.get(self.i + 1).is_some_and(|&n| n != b']')
    }
    fn bracket(&mut self) -> R<()> {
        let mut set = [0u8; 32];
        let neg = self.eat(b'^');
        let mut first = true;
        loop {
            let c = self.peek().ok_or(Bad::Brack)?;
            self.i += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let lo = if c == b'[' && matches!(self.peek(), Some(b':' | b'=' | b'.')) {
                match self.special(&mut set)? {
                    Some(b) => b,
                    // A class cannot start a range.
                    None if self.at_range() => return Err(Bad::Range),
                    None => continue,
                }
            } else {
                c
            };
            let mut hi = lo;
            if self.at_range() {
                self.i += 1;
                let e = self.peek().ok_or(Bad::Brack)?;
                self.i += 1;
                hi = e;
                if e == b'[' && matches!(self.peek(), Some(b':' | b'=' | b'.')) {
                    hi = self.special(&mut set)?.ok_or(Bad::Range)?;
                }
                // As glibc: a range cannot start where one ends (`[a-c-e]`).
                if hi < lo || self.at_range() {
                    return Err(Bad::Range);
                }
            }
            add(&mut set, lo, hi);
        }
        for c in b'A'..=b'Z' {
            let has = |c: u8| set[c as usize >> 3] & (1 << (c & 7)) != 0;
            if self.icase && (has(c) || has(c | 0x20)) {
                add(&mut set, c, c);
                add(&mut set, c | 0x20, c | 0x20);
            }
        }
        if neg {
            for b in set.iter_mut() {
                *b = !*b;
            }
        }
        let idx = self.sets.len() as u16;
        self.sets.push(set).map_err(|_| Bad::Size)?;
        self.push(Inst::Set(idx))
    }
}

/// Add the bytes `lo..=hi` to a set.
fn add(set: &mut [u8; 32], lo: u8, hi: u8) {
    for b in lo..=hi {
        set[b as usize >> 3] |= 1 << (b & 7);
    }
}

/// A saved slot value, or a state still to explore, on `add`'s stack.
#[derive(Clone, Copy)]
enum Frame {
    /// A state, and whether an anchor was passed since the last byte.
    Go(u16, bool),
    Put(u32, i32),
}

/// One simulation over a program: per-state generation marks, and `w`
/// slots per thread (its start in a search; glibc's `pmatch` and saved
/// `pmatch` for groups 1.. when capturing).
struct Vm<'a> {
    prog: &'a [Inst],
    sets: &'a [[u8; 32]],
    icase: bool,
    mark: &'a mut [u16],
    g: u16,
    stack: &'a mut [Frame],
    w: usize,
    len: usize,
    /// The subject (for the GNU anchors).
    subj: &'a [u8],
    /// Capturing: a match counts only when it ends here.
    end: Option<usize>,
    /// Search: the best (start, end) so far. Capture: the slots of the
    /// first match at `end` (in `hit`).
    best: Option<(i32, usize)>,
    /// Capture: whether that match came through an anchor since its last
    /// byte. glibc stops at an end state copied for the anchor then, and
    /// prefers the plain one: `(a$)|(a)` on `a` sets group 2.
    anch: bool,
    /// `REG_NOTBOL | REG_NOTEOL`: `^` and `$` match nowhere.
    no_ends: bool,
    hit: &'a mut [i32],
}

/// A list of threads: states in priority order and their slots.
struct List<'a> {
    pc: &'a mut [u16],
    slot: &'a mut [i32],
    n: usize,
}

impl Vm<'_> {
    /// Add state `pc` with slots `t`, and every state it reaches without
    /// reading a byte at `pos`, to `l` (once per state and position: the
    /// first thread there has priority).
    fn add(&mut self, l: &mut List, pc: usize, pos: usize, t: &mut [i32]) {
        let ng = if self.end.is_some() { self.w / 4 } else { 0 };
        self.stack[0] = Frame::Go(pc as u16, false);
        let mut sp = 1;
        while sp > 0 {
            sp -= 1;
            let (mut pc, mut anch) = match self.stack[sp] {
                Frame::Put(k, v) => {
                    t[k as usize] = v;
                    continue;
                }
                Frame::Go(pc, a) => (pc as usize, a),
            };
            while self.mark[2 * pc + anch as usize] != self.g {
                self.mark[2 * pc + anch as usize] = self.g;
                let at = pc;
                pc += 1;
                // Set slot k, to be restored when this path is done.
                let mut put = |t: &mut [i32], k: usize, v: i32| {
                    self.stack[sp] = Frame::Put(k as u32, t[k]);
                    sp += 1;
                    t[k] = v;
                };
                match self.prog[at] {
                    Inst::Jmp(d) => pc = (at as isize + d as isize) as usize,
                    Inst::Split(a, b) => {
                        self.stack[sp] = Frame::Go((at as isize + b as isize) as u16, anch);
                        sp += 1;
                        pc = (at as isize + a as isize) as usize;
                    }
                    Inst::Bol if pos != 0 || self.no_ends => break,
                    Inst::Eol if pos != self.len || self.no_ends => break,
                    Inst::Word(w) => {
                        let (before, after) =
                            (word_byte(self.subj.get(pos.wrapping_sub(1))), word_byte(self.subj.get(pos)));
                        let ok = match w {
                            WordAt::Edge => before != after,
                            WordAt::NotEdge => before == after,
                            WordAt::Start => !before && after,
                            WordAt::End => before && !after,
                            WordAt::First => pos == 0,
                            WordAt::Last => pos == self.len,
                        };
                        if !ok {
                            break;
                        }
                        anch = true;
                    }
                    Inst::Bol | Inst::Eol => anch = true,
                    Inst::Open(_) | Inst::Close(..) if ng == 0 => {}
                    // glibc's update_regs.
                    Inst::Open(k) => {
                        let k = 2 * k as usize - 2;
                        put(t, k, pos as i32);
                        put(t, k + 1, -1);
                    }
                    Inst::Close(k, opt) => {
                        let k = 2 * k as usize - 2;
                        let (from, to) = if t[k] < pos as i32 {
                            put(t, k + 1, pos as i32);
                            (0, 2 * ng)
                        } else if opt && t[2 * ng + k] != -1 {
                            (2 * ng, 0)
                        } else {
                            put(t, k + 1, pos as i32);
                            (0, 0)
                        };
                        if from != to {
                            for j in 0..2 * ng {
                                put(t, to + j, t[from + j]);
                            }
                        }
                    }
                    x => {
                        if x == Inst::Match {
                            match self.end {
                                Some(e) => {
                                    if e == pos && (self.best.is_none() || (self.anch && !anch)) {
                                        self.best = Some((0, pos));
                                        self.anch = anch;
                                        self.hit.copy_from_slice(t);
                                    }
                                }
                                None => {
                                    if self.best.is_none_or(|(s, e)| t[0] < s || (t[0] == s && pos > e)) {
                                        self.best = Some((t[0], pos));
                                    }
                                }
                            }
                        }
                        l.pc[l.n] = at as u16;
                        l.slot[l.n * self.w..][..self.w].copy_from_slice(t);
                        l.n += 1;
                        break;
                    }
                }
            }
        }
    }

    /// Run from `start` (a search starts a thread at every position until
    /// something matches); the result is in `best` and `hit`.
    fn run(&mut self, s: &[u8], start: usize, lists: &mut [List; 2], t: &mut [i32]) {
        let search = self.end.is_none();
        lists[0].n = 0;
        for pos in start..=s.len() {
            self.g = self.g.wrapping_add(1);
            if self.g == 0 {
                self.mark.fill(0);
                self.g = 1;
            }
            let [cur, next] = lists;
            if pos > start {
                next.n = 0;
                // Under `icase` the program knows only lowercase letters.
                let b = if self.icase { s[pos - 1].to_ascii_lowercase() } else { s[pos - 1] };
                for k in 0..cur.n {
                    t.copy_from_slice(&cur.slot[k * self.w..][..self.w]);
                    let ok = match self.prog[cur.pc[k] as usize] {
                        Inst::Byte(c) => c == b,
                        Inst::Any => true,
                        Inst::Set(i) => self.sets[i as usize][b as usize >> 3] & (1 << (b & 7)) != 0,
                        _ => false,
                    };
                    // A search drops the threads that started after a match.
                    if ok && !(search && self.best.is_some_and(|(s, _)| t[0] > s)) {
                        self.add(next, cur.pc[k] as usize + 1, pos, t);
                    }
                }
                lists.swap(0, 1);
            }
            let [cur, _] = lists;
            if pos == start || (search && self.best.is_none()) {
                // A new attempt here, after those already running.
                if search {
                    t[0] = pos as i32;
                } else {
                    t.fill(-1);
                }
                self.add(cur, 0, pos, t);
            }
            if lists[0].n == 0 && (self.best.is_some() || !search) {
                break;
            }
            if self.end == Some(pos) {
                break;
            }
        }
    }
}

/// The memory one simulation needs, for `w` slots per thread.
struct Scratch {
    pc: [&'static mut [u16]; 2],
    slot: [&'static mut [i32]; 2],
    mark: &'static mut [u16],
    stack: &'static mut [Frame],
    t: &'static mut [i32],
    w: usize,
}

impl Scratch {
    fn new(n: usize, w: usize) -> Option<Scratch> {
        let (pc0, r) = arena::alloc_slice(4 * n, 0u16).ok()?.split_at_mut(n);
        let (pc1, mark) = r.split_at_mut(n);
        let (s0, r) = arena::alloc_slice(2 * n * w + w, 0i32).ok()?.split_at_mut(n * w);
        let (s1, t) = r.split_at_mut(n * w);
        let stack = arena::alloc_slice(n * (2 * w + 1) + 1, Frame::Go(0, false)).ok()?;
        Some(Scratch { pc: [pc0, pc1], slot: [s0, s1], mark, stack, t, w })
    }
}

/// A compiled program: its instructions, its sets, and whether the
/// subject is read lowercased (`REG_ICASE`).
#[derive(Clone, Copy)]
struct Code {
    prog: &'static [Inst],
    sets: &'static [[u8; 32]],
    icase: bool,
}

/// A compiled pattern, with the memory a search needs.
pub struct Regex {
    code: Code,
    /// How many subexpressions the pattern has (`re_nsub`).
    pub groups: usize,
    scratch: Scratch,
}

/// Run `prog` over `s` from `start`; `end`: capture, else search.
fn sim(
    code: Code,
    sc: &mut Scratch,
    s: &[u8],
    start: usize,
    end: Option<usize>,
    hit: &mut [i32],
    no_ends: bool,
) -> Option<(i32, usize)> {
    let [p0, p1] = &mut sc.pc;
    let [s0, s1] = &mut sc.slot;
    let mut lists = [List { pc: p0, slot: s0, n: 0 }, List { pc: p1, slot: s1, n: 0 }];
    sc.mark.fill(0);
    let mut vm = Vm {
        prog: code.prog,
        sets: code.sets,
        icase: code.icase,
        mark: sc.mark,
        g: 0,
        stack: sc.stack,
        w: sc.w,
        len: s.len(),
        subj: s,
        end,
        best: None,
        anch: false,
        no_ends,
        hit,
    };
    vm.run(s, start, &mut lists, sc.t);
    vm.best
}

impl Regex {
    /// Compile `p` as an ERE.
    pub fn new(p: &[u8]) -> Result<Regex, Bad> {
        Regex::compile(p, false, false)
    }

    /// Compile `p` as an ERE, matching letters in either case when `icase`.
    pub fn with(p: &[u8], icase: bool) -> Result<Regex, Bad> {
        Regex::compile(p, false, icase)
    }

    /// Compile `p` as a BRE, matching letters in either case when `icase`.
    pub fn basic(p: &[u8], icase: bool) -> Result<Regex, Bad> {
        Regex::compile(p, true, icase)
    }

    fn compile(p: &[u8], basic: bool, icase: bool) -> Result<Regex, Bad> {
        // As glibc, which reads the pattern through its lowercasing table.
        let p = match icase {
            true => &*arena::alloc_with(p.len(), |i| p[i].to_ascii_lowercase()).map_err(|_| Bad::Space)?,
            false => p,
        };
        let (prog, sets) = (heapless::Vec::new(), heapless::Vec::new());
        let mut c = Comp { p, i: 0, prog, sets, depth: 0, groups: 0, icase, basic, ctx: Ctx::Begin };
        c.alt()?;
        if c.i != p.len() {
            return Err(Bad::Paren);
        }
        c.push(Inst::Match)?;
        let prog = arena::alloc_slice(c.prog.len(), Inst::Match).map_err(|_| Bad::Space)?;
        prog.copy_from_slice(&c.prog);
        let sets = arena::alloc_slice(c.sets.len(), [0u8; 32]).map_err(|_| Bad::Space)?;
        sets.copy_from_slice(&c.sets);
        let scratch = Scratch::new(prog.len(), 1).ok_or(Bad::Space)?;
        Ok(Regex { code: Code { prog, sets, icase }, groups: c.groups as usize, scratch })
    }

    /// The leftmost, then longest match in `s`: (start, end).
    pub fn find(&mut self, s: &[u8]) -> Option<(usize, usize)> {
        let (a, e) = sim(self.code, &mut self.scratch, s, 0, None, &mut [], false)?;
        Some((a as usize, e))
    }

    /// `find` as `regexec` with `REG_NOTBOL | REG_NOTEOL`: `s` is a part
    /// of a longer text, so `^` and `$` match nowhere in it.
    pub fn find_inside(&mut self, s: &[u8]) -> Option<(usize, usize)> {
        let (a, e) = sim(self.code, &mut self.scratch, s, 0, None, &mut [], true)?;
        Some((a as usize, e))
    }

    /// Whether the pattern matches anywhere in `s`.
    pub fn is_match(&mut self, s: &[u8]) -> bool {
        self.find(s).is_some()
    }

    /// Match `s` as glibc's `regexec` does: `m` gets the start and end of
    /// the match, then of each subexpression (-1, -1 where it took no
    /// part); `m.len()` is `2 * (groups + 1)`. False: no match (or no
    /// memory for the second pass).
    pub fn captures(&mut self, s: &[u8], m: &mut [i32]) -> bool {
        let Some((a, e)) = self.find(s) else { return false };
        let w = 4 * self.groups;
        let (Some(mut sc), Ok(hit)) = (Scratch::new(self.code.prog.len(), w), arena::alloc_slice(w, 0i32)) else {
            return false;
        };
        if sim(self.code, &mut sc, s, a, Some(e), hit, false).is_none() {
            return false;
        }
        m[0] = a as i32;
        m[1] = e as i32;
        m[2..].copy_from_slice(&hit[..2 * self.groups]);
        true
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
    /// The code glibc's `regcomp` gives each refused pattern (checked
    /// against it), extended and basic.
    #[test]
    fn error_codes() {
        use Bad::*;
        let ere: &[(&str, Bad)] = &[
            ("a(", Paren),
            ("[a", Brack),
            ("[[:alpha:]", Brack),
            ("[]", Brack),
            ("a{2,1}", BadBr),
            ("a{x}", BadBr),
            ("a{}", BadBr),
            ("a{1,2,3}", BadBr),
            ("a{", Brace),
            ("a{1,", Brace),
            ("*a", BadRpt),
            ("^*", BadRpt),
            ("a|*b", BadRpt),
            ("{1}", BadRpt),
            ("[[:nope:]]", Ctype),
            ("a\\", Escape),
            ("[z-a]", Range),
            ("[[:alpha:]-z]", Range),
            ("[[.ab.]]", Collate),
            ("a{32768}", Size),
        ];
        for &(p, e) in ere {
            assert_eq!(Regex::new(p.as_bytes()).err(), Some(e), "{p}");
        }
        let bre: &[(&str, Bad)] = &[
            ("a\\(", Paren),
            ("a\\)", Paren),
            ("a\\{2,1\\}", BadBr),
            ("a\\{1,2}", Brace),
            ("\\{1\\}", BadRpt),
            ("a**", BadRpt),
            ("a\\{1\\}\\{2\\}", BadRpt),
            ("^\\{1\\}", BadRpt),
        ];
        for &(p, e) in bre {
            assert_eq!(Regex::basic(p.as_bytes(), false).err(), Some(e), "{p}");
        }
        for p in ["a{1000}", "a)", "a**", "a{1}{2}", "a{,2}", "[a-]", "()"] {
            assert!(Regex::new(p.as_bytes()).is_ok(), "{p}");
        }
    }
    fn b(p: &str, s: &str) -> bool {
        Regex::basic(p.as_bytes(), false).unwrap().is_match(s.as_bytes())
    }
    /// BREs as glibc reads them: escaped operators, context-dependent
    /// anchors, a leading `*` literal.
    #[test]
    fn basic() {
        assert!(b("a\\(b\\)*c", "abbc"));
        assert!(b("a+", "a+") && !b("a+", "aa"));
        assert!(b("a\\+$", "caa") && !b("^a\\+$", "a+"));
        assert!(b("(a)", "(a)") && !b("(a)", "a"));
        assert!(b("a\\|b", "b") && b("a|b", "a|b") && !b("a|b", "a"));
        assert!(b("*a", "*a") && !b("*a", "a"));
        assert!(b("\\(*a\\)", "*a") && b("x\\|*a", "*a"));
        assert!(b("^*a", "*a") && !b("^*a", "a"));
        assert!(b("a^", "a^") && b("a$b", "a$b") && b("^$", ""));
        assert!(b("\\(^a\\)", "ab") && !b("\\(^a\\)", "ba"));
        assert!(b("a\\{2\\}", "aa") && !b("^a\\{2\\}$", "a"));
        assert!(b("a{2}", "a{2}") && b("a\\?b", "b"));
        assert!(b("a*\\?", "x"));
    }
    #[test]
    fn icase() {
        let mut r = Regex::with(b"^ab[c-d]$", true).unwrap();
        assert!(r.is_match(b"ABD") && r.is_match(b"aBc") && !r.is_match(b"ABE"));
        let mut r = Regex::with(b"X[[:upper:]]", true).unwrap();
        assert!(r.is_match(b"xy") && r.is_match(b"XY"));
    }
    fn caps(p: &str, s: &str) -> Vec<i32> {
        let mut r = Regex::new(p.as_bytes()).unwrap();
        let mut m = vec![0; 2 * (r.groups + 1)];
        assert!(r.captures(s.as_bytes(), &mut m));
        m
    }
    #[test]
    fn captures() {
        assert_eq!(caps("([fo]+)bar(baz)", "foooobarbaz"), [0, 11, 0, 5, 8, 11]);
        assert_eq!(caps("(a|ab)(c|bcd)(d*)", "abcd"), [0, 4, 0, 1, 1, 4, 4, 4]);
        assert_eq!(caps("((a)|b)*", "ab"), [0, 2, 1, 2, 0, 1]);
        assert_eq!(caps("(a$)|(a)", "a"), [0, 1, -1, -1, 0, 1]);
        assert_eq!(caps("()*", ""), [0, 0, 0, 0]);
        assert_eq!(caps("x(a)?", "zx"), [1, 2, -1, -1]);
    }
    #[test]
    fn linear() {
        let s = "a".repeat(5000);
        assert!(!m("^(a|aa)*(a*)*b$", &s));
        assert!(!m("(a?){30}a{30}b", &s));
        let mut r = Regex::new(b"^((a|aa)*)*(a*)*(a)$").unwrap();
        let mut c = [0; 10];
        assert!(r.captures(s.as_bytes(), &mut c));
        assert_eq!(c[8..], [4999, 5000]);
    }
}
