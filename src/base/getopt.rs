//! Command-line options the way skalibs' `subgetopt` reads them: options
//! come first; `-abc` is three flags; an option that takes an argument
//! takes the rest of its word (`-t500`) or the next word (`-t 500`); `--`
//! ends the options and is skipped; `-` alone or a word not starting with
//! `-` is the first operand. Also flags the way skalibs' newer `gol` reads
//! them (long names, its own messages).
use crate::rt::Args;

/// Where the words come from: the process's `Args` (or a list, in tests).
pub trait Words {
    fn word(&self, i: usize) -> Option<&'static [u8]>;
}

impl Words for Args {
    fn word(&self, i: usize) -> Option<&'static [u8]> {
        self.get_arg(i).map(|a| a.to_bytes())
    }
}

impl Words for &[&'static [u8]] {
    fn word(&self, i: usize) -> Option<&'static [u8]> {
        self.get(i).copied()
    }
}

pub struct Getopt<W: Words> {
    args: W,
    /// Index of the word being read; after `next` returns `None`, the
    /// index of the first operand.
    pub ind: usize,
    pos: usize,
    opts: &'static [u8],
}

/// An option that is not in the list, or lacks its argument.
pub const BAD: u8 = b'?';

impl<W: Words> Getopt<W> {
    /// `opts` lists the option letters; a letter followed by `:` takes an
    /// argument. Reading starts after `args[0]`.
    pub fn new(args: W, opts: &'static [u8]) -> Getopt<W> {
        Getopt { args, ind: 1, pos: 0, opts }
    }

    /// Word `i` of the arguments.
    pub fn word_at(&self, i: usize) -> Option<&'static [u8]> {
        self.args.word(i)
    }

    /// The next option and its argument (empty for a flag), `(BAD, b"")`
    /// for a bad one, `None` at the first operand.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<(u8, &'static [u8])> {
        let mut word = self.args.word(self.ind)?;
        if self.pos == 0 {
            if word.len() < 2 || word[0] != b'-' {
                return None;
            }
            if word == b"--" {
                self.ind += 1;
                return None;
            }
            self.pos = 1;
        }
        let c = word[self.pos];
        self.pos += 1;
        let spec = self.opts.iter().position(|&o| o == c && o != b':');
        let takes_arg = spec.is_some_and(|i| self.opts.get(i + 1) == Some(&b':'));
        let mut arg: &'static [u8] = b"";
        if takes_arg {
            if self.pos < word.len() {
                arg = &word[self.pos..];
            } else {
                self.ind += 1;
                match self.args.word(self.ind) {
                    Some(a) => arg = a,
                    None => {
                        self.pos = 0;
                        return Some((BAD, b""));
                    }
                }
                word = b"";
            }
            self.pos = word.len();
        }
        if self.pos >= word.len() {
            self.ind += 1;
            self.pos = 0;
        }
        Some((if spec.is_some() { c } else { BAD }, arg))
    }
}

/// A word skalibs' `gol` refuses, named as its `gol_argv` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GolBad {
    /// `-x`: a letter that is not an option.
    Short(u8),
    /// `--=value`: no name.
    Invalid,
    /// `--name`: not a flag's long name.
    Boolean,
    /// `--name=value`: no option takes an argument.
    WithArg,
}

/// Flags as skalibs' newer parser (`gol`, in its tools since skalibs 2.14)
/// reads them, for a tool whose options are all flags: `-ab` is two,
/// `--name` is one by its long name; `--` ends them and is skipped; `-` or a
/// word not starting with `-` is the first operand. Flag `i` of `flags`
/// (`(letter, long name)`) is bit `1 << i` of the result. Reading starts
/// after `args[0]`; returns the bits and the index of the first operand, or
/// what is wrong and the index of its word.
pub fn gol<W: Words>(args: &W, flags: &[(u8, &[u8])]) -> Result<(u64, usize), (GolBad, usize)> {
    let mut bits = 0u64;
    let mut i = 1;
    while let Some(w) = args.word(i) {
        if w.len() < 2 || w[0] != b'-' {
            break;
        }
        if let Some(long) = w.strip_prefix(b"--") {
            if long.is_empty() {
                return Ok((bits, i + 1));
            }
            let bad = match long.iter().position(|&c| c == b'=') {
                Some(0) => Some(GolBad::Invalid),
                Some(_) => Some(GolBad::WithArg),
                None => match flags.iter().position(|f| f.1 == long) {
                    Some(k) => {
                        bits |= 1 << k;
                        None
                    }
                    None => Some(GolBad::Boolean),
                },
            };
            if let Some(b) = bad {
                return Err((b, i));
            }
        } else {
            for &c in &w[1..] {
                let k = flags.iter().position(|f| f.0 == c).ok_or((GolBad::Short(c), i))?;
                bits |= 1 << k;
            }
        }
        i += 1;
    }
    Ok((bits, i))
}

/// `gol` on the process's arguments; a bad word ends the program as
/// `gol_argv` does (`PROG: fatal: unrecognized short option: x`, 100).
/// Returns the bits and the operands.
pub fn gol_flags(args: Args, flags: &[(u8, &[u8])]) -> (u64, Args) {
    match gol(&args, flags) {
        Ok((bits, ind)) => (bits, args.skip(ind)),
        Err((bad, i)) => {
            let w = args.word(i).unwrap_or(b"");
            let (what, w): (&[u8], &[u8]) = match bad {
                GolBad::Short(ref c) => (b"unrecognized short option: ", core::slice::from_ref(c)),
                GolBad::Invalid => (b"invalid option: ", w),
                GolBad::Boolean => (b"unrecognized boolean option: ", w),
                GolBad::WithArg => (b"unrecognized option with argument: ", w),
            };
            super::diag::fatal(super::exit::USAGE, &[what, w])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(words: &[&'static [u8]], opts: &'static [u8]) -> (Vec<(u8, &'static [u8])>, usize) {
        let mut g = Getopt::new(words, opts);
        let mut v = Vec::new();
        while let Some(o) = g.next() {
            v.push(o);
        }
        (v, g.ind)
    }

    #[test]
    fn subgetopt_rules() {
        let (v, ind) = all(&[b"p", b"-ab", b"-t500", b"-t", b"7", b"-a", b"dir", b"-b"], b"abt:");
        assert_eq!(v, [(b'a', &b""[..]), (b'b', b""), (b't', b"500"), (b't', b"7"), (b'a', b"")]);
        assert_eq!(ind, 6);
        let (v, ind) = all(&[b"p", b"-a", b"--", b"-b"], b"ab");
        assert_eq!((v.len(), ind), (1, 3));
        let (v, ind) = all(&[b"p", b"-", b"x"], b"ab");
        assert_eq!((v.len(), ind), (0, 1));
        let (v, _) = all(&[b"p", b"-ax"], b"ab");
        assert_eq!(v, [(b'a', &b""[..]), (BAD, b"")]);
        let (v, _) = all(&[b"p", b"-t"], b"t:");
        assert_eq!(v, [(BAD, &b""[..])]);
        let (v, ind) = all(&[b"p", b"-wu", b"-T", b"", b"d"], b"w:T:");
        assert_eq!(v, [(b'w', &b"u"[..]), (b'T', b"")]);
        assert_eq!(ind, 4);
        let (v, _) = all(&[b"p", b"-:"], b"t:");
        assert_eq!(v, [(BAD, &b""[..])]);
    }

    #[test]
    fn gol_rules() {
        const F: &[(u8, &[u8])] = &[(b'a', b"all"), (b'v', b"verbose")];
        let g = |w: &[&'static [u8]]| gol(&w, F);
        assert_eq!(g(&[b"p"]), Ok((0, 1)));
        assert_eq!(g(&[b"p", b"-av", b"x", b"-a"]), Ok((3, 2)));
        assert_eq!(g(&[b"p", b"--verbose", b"--", b"-a"]), Ok((2, 3)));
        assert_eq!(g(&[b"p", b"-", b"-a"]), Ok((0, 1)));
        assert_eq!(g(&[b"p", b"-a", b"-ax"]), Err((GolBad::Short(b'x'), 2)));
        assert_eq!(g(&[b"p", b"--al"]), Err((GolBad::Boolean, 1)));
        assert_eq!(g(&[b"p", b"--all=1"]), Err((GolBad::WithArg, 1)));
        assert_eq!(g(&[b"p", b"--=1"]), Err((GolBad::Invalid, 1)));
    }
}
