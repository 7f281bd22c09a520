//! s6-portable-utils' text tools: `s6-grep`, `s6-head`, `s6-tail`,
//! `s6-cut`, `s6-sort` and `s6-seq`. Usage strings, messages, output
//! formats and exit codes are upstream's; where upstream's code loses or
//! garbles output (see each tool), the tool does what upstream's
//! documentation says instead.
//!
//! grep, head and cut stream: they hold one line (or one block) at a time.
//! tail and sort keep what they must in the arena, which grows as needed;
//! when it cannot, they fail as upstream does when `malloc` fails
//! (`unable to …: Cannot allocate memory`).
use crate::base::chain::{opts, uint};
use crate::base::io::BufOut;
use crate::base::regex::Regex;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::{arena, fd};
use core::cmp::Ordering;
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

/// How much is read at a time.
const CHUNK: usize = 8192;

/// One `read`, retried when a signal interrupts it.
fn read(f: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    loop {
        match rustix::io::read(f, &mut *buf) {
            Err(Errno::INTR) => {}
            r => return r,
        }
    }
}

/// Open `f` for reading as skalibs' `open_readb` does (without blocking on
/// a FIFO no writer holds, then in blocking mode), or die.
fn open_read(f: &CStr) -> OwnedFd {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    fs::open(f, flags, Mode::empty())
        .and_then(|d| fs::fcntl_setfl(&d, OFlags::RDONLY).map(|_| d))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", f.to_bytes(), b" for reading"]))
}

/// Bytes read from a descriptor and kept, in an arena buffer that grows
/// as more must be kept; the room of what the caller lets go of is used
/// again.
struct Window {
    buf: &'static mut [u8],
    start: usize,
    end: usize,
}

impl Window {
    fn new() -> Window {
        Window { buf: &mut [], start: 0, end: 0 }
    }
    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }
    /// What is kept, for the rest of the process.
    fn into_data(self) -> &'static [u8] {
        &self.buf[self.start..self.end]
    }
    /// Let go of the first `n` bytes kept.
    fn forget(&mut self, n: usize) {
        self.start += n;
    }
    /// Let go of the first `k` lines kept (of everything, if fewer).
    fn forget_lines(&mut self, k: usize) {
        let d = self.data();
        let n = d.iter().enumerate().filter(|&(_, &c)| c == b'\n').nth(k - 1).map_or(d.len(), |(i, _)| i + 1);
        self.forget(n);
    }
    /// Make room for `more` bytes after what is kept: what is kept moves
    /// to the front when more bytes were let go of than it holds (so each
    /// byte moves a bounded number of times), else the buffer grows.
    fn room(&mut self, more: usize) -> Result<(), Errno> {
        if self.buf.len() - self.end >= more {
            return Ok(());
        }
        let live = self.end - self.start;
        if self.start >= live && live + more <= self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
        } else {
            let cap = (2 * self.buf.len()).max(live + more);
            let new = arena::alloc_bytes(cap, 1)?;
            new[..live].copy_from_slice(self.data());
            self.buf = new;
        }
        (self.start, self.end) = (0, live);
        Ok(())
    }
    /// Read once more after what is kept: how many bytes came (0: the end).
    fn fill(&mut self, f: BorrowedFd<'_>) -> Result<usize, Errno> {
        self.room(CHUNK)?;
        let n = read(f, &mut self.buf[self.end..])?;
        self.end += n;
        Ok(n)
    }
    /// Add one byte at the end.
    fn push(&mut self, c: u8) -> Result<(), Errno> {
        self.room(1)?;
        self.buf[self.end] = c;
        self.end += 1;
        Ok(())
    }
}

/// A failed read or a failed write (each tool words them its own way).
enum Fail {
    Read(Errno),
    Write(Errno),
}

/// The lines of a descriptor, each with its `\n` (the last may have none),
/// however long: the buffer grows to the longest one.
struct Lines<'f> {
    f: BorrowedFd<'f>,
    w: Window,
    /// How many bytes kept are known to hold no `\n`.
    scan: usize,
    eof: bool,
}

impl<'f> Lines<'f> {
    fn new(f: BorrowedFd<'f>) -> Lines<'f> {
        Lines { f, w: Window::new(), scan: 0, eof: false }
    }
    /// The next line, or `None` at the end. `out` is flushed before each
    /// read that may block, so that what was selected so far goes out
    /// (skalibs' `buffer_0f1`).
    fn next(&mut self, out: &mut BufOut<'_>) -> Result<Option<&[u8]>, Fail> {
        loop {
            let d = self.w.data();
            let n = match d[self.scan..].iter().position(|&c| c == b'\n') {
                Some(i) => self.scan + i + 1,
                None if self.eof && !d.is_empty() => d.len(),
                None if self.eof => return Ok(None),
                None => {
                    self.scan = d.len();
                    out.flush().map_err(Fail::Write)?;
                    self.eof = self.w.fill(self.f).map_err(Fail::Read)? == 0;
                    continue;
                }
            };
            let at = self.w.start;
            self.w.forget(n);
            self.scan = 0;
            return Ok(Some(&self.w.buf[at..at + n]));
        }
    }
}

/// A line without its `\n`, and whether it had one.
fn body(line: &[u8]) -> (&[u8], bool) {
    match line.split_last() {
        Some((b'\n', b)) => (b, true),
        _ => (line, false),
    }
}

/// `PROG: fatal: unable to write to stdout: …`, exit 111.
fn stdout_failed(e: Errno) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"])
}

/// What s6-grep looks for in a line.
enum Pattern {
    Re(Regex),
    /// `-F`: a string, in either case when the flag is set.
    Fixed(&'static [u8], bool),
}

impl Pattern {
    fn found(&mut self, s: &[u8]) -> bool {
        match self {
            Pattern::Re(r) => r.is_match(s),
            Pattern::Fixed(p, fold) => {
                p.is_empty() || s.windows(p.len()).any(|w| if *fold { w.eq_ignore_ascii_case(p) } else { w == *p })
            }
        }
    }
}

/// `s6-grep [-E|-F] [-i] [-c] [-n] [-q] [-v] pattern`: the lines of stdin
/// that match pattern (a BRE; `-E` an ERE, `-F` a string), as `regexec`
/// sees them (up to a NUL; a last line without `\n` gets one). Exit 0 when
/// some line was selected, else 1.
///
/// Unlike upstream: `-c` prints its count (upstream's stays in its buffer
/// and is lost at exit), and `-F -i` selects the lines holding the string
/// in any case (upstream tests where `case_str` found it against the
/// string's length, so it selects the lines shorter than the string).
pub fn grep(args: Args) -> u8 {
    const U: &[u8] = b"s6-grep [ -E | -F ] [ -i ] [ -c ] [ -n ] [ -q ] [ -v ] pattern";
    let (mut ere, mut fixed, mut fold, mut count, mut num, mut quiet, mut invert) = Default::default();
    let rest = opts(args, b"EFicnqv", U, &mut |c, _| {
        *match c {
            b'E' => &mut ere,
            b'F' => &mut fixed,
            b'i' => &mut fold,
            b'c' => &mut count,
            b'n' => &mut num,
            b'q' => &mut quiet,
            b'v' => &mut invert,
            _ => return false,
        } = true;
        true
    });
    let Some(pat) = rest.get_arg(0).map(CStr::to_bytes) else { diag::usage(U) };
    let mut pattern = match (fixed, ere) {
        (true, _) => Pattern::Fixed(pat, fold),
        (false, e) => Pattern::Re(
            if e { Regex::with(pat, fold) } else { Regex::basic(pat, fold) }
                .unwrap_or_else(|e| diag::fatal(exit::SYSCALL, &[b"unable to compile regular expression: ", e.text()])),
        ),
    };
    let mut space = [0u8; CHUNK];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    let mut lines = Lines::new(fd::stdin());
    let (mut n, mut selected) = (0u32, 0u32);
    loop {
        let line = match lines.next(&mut out) {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(Fail::Read(e)) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read from stdin"]),
            Err(Fail::Write(e)) => stdout_failed(e),
        };
        n = n.wrapping_add(1);
        let (text, _) = body(line);
        let subject = &text[..text.iter().position(|&c| c == 0).unwrap_or(text.len())];
        if pattern.found(subject) == invert {
            continue;
        }
        selected = selected.wrapping_add(1);
        if quiet || count {
            continue;
        }
        let mut b = itoa::Buffer::new();
        let r = match num {
            true => out.write(b.format(n).as_bytes()).and_then(|_| out.write(b":")),
            false => Ok(()),
        };
        if let Err(e) = r.and_then(|_| out.write(text)).and_then(|_| out.write(b"\n")) {
            stdout_failed(e);
        }
    }
    let mut b = itoa::Buffer::new();
    let r = match count && !quiet {
        true => out.write(b.format(selected).as_bytes()).and_then(|_| out.write(b"\n")),
        false => Ok(()),
    };
    if let Err(e) = r.and_then(|_| out.flush()) {
        stdout_failed(e);
    }
    (selected == 0) as u8
}

/// How s6-head counts what it copies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    Lines,
    /// `-S`: lines, never reading past the last one wanted.
    SafeLines,
    Chars,
}

/// Copy the first `n` lines or bytes of `f` to stdout.
fn head_of(f: BorrowedFd<'_>, mut n: usize, how: Count) -> Result<(), Errno> {
    let mut buf = [0u8; CHUNK];
    while n > 0 {
        // Reading at most n bytes cannot read past the n-th newline.
        let want = if how == Count::Lines { CHUNK } else { n.min(CHUNK) };
        let got = read(f, &mut buf[..want])?;
        if got == 0 {
            break;
        }
        let mut take = got;
        match how {
            Count::Chars => n -= got,
            Count::SafeLines => n -= buf[..got].iter().filter(|&&c| c == b'\n').count(),
            Count::Lines => {
                for (i, _) in buf[..got].iter().enumerate().filter(|&(_, &c)| c == b'\n') {
                    n -= 1;
                    if n == 0 {
                        take = i + 1;
                        break;
                    }
                }
            }
        }
        fd::write_all(fd::stdout(), &buf[..take])?;
    }
    Ok(())
}

/// `s6-head [-S] [-1..9 | -n lines | -c chars] [file…]`: the first lines
/// (10 by default) or bytes of each file (`-`: stdin), or of stdin; with
/// several files, each after a `==> file <==` line. `-S` (stdin only)
/// reads no further than the lines it prints.
///
/// Unlike upstream: input shorter than `-c chars` is not an error, and
/// `-S` stops at the end of its input (upstream loops there forever).
pub fn head(args: Args) -> u8 {
    const U: &[u8] = b"s6-head [ -S ] [ -1..9 | -n lines | -c chars ] [ file... ]";
    let (mut n, mut how, mut safe, mut done) = (10u32, Count::Lines, false, false);
    let files = opts(args, b"S123456789n:c:", U, &mut |c, a| {
        match c {
            b'S' => safe = true,
            _ if done => return false,
            b'1'..=b'9' => (n, how) = ((c - b'0') as u32, Count::Lines),
            b'n' | b'c' => match uint(a) {
                Some(v) => (n, how) = (v, if c == b'n' { Count::Lines } else { Count::Chars }),
                None => return false,
            },
            _ => return false,
        }
        done |= c != b'S';
        true
    });
    if files.is_empty() {
        let how = if safe && how == Count::Lines { Count::SafeLines } else { how };
        if let Err(e) = head_of(fd::stdin(), n as usize, how) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to head stdin"]);
        }
        return exit::OK;
    }
    for (i, f) in files.iter().enumerate() {
        let name = f.to_bytes();
        if files.len() >= 2 {
            let sep: &[u8] = if i > 0 { b"\n" } else { b"" };
            for part in [sep, b"==> ", name, b" <==\n"] {
                if let Err(e) = fd::write_all(fd::stdout(), part) {
                    stdout_failed(e);
                }
            }
        }
        let own = (name != b"-").then(|| open_read(f));
        if let Err(e) = head_of(own.as_ref().map_or(fd::stdin(), |d| d.as_fd()), n as usize, how) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to head ", name]);
        }
    }
    exit::OK
}

/// Copy `f` to stdout from its `n`-th line or byte on (the first for 0).
fn tail_from(f: BorrowedFd<'_>, n: usize, lines: bool) -> Result<(), Errno> {
    let mut skip = n.saturating_sub(1);
    let mut buf = [0u8; CHUNK];
    loop {
        let got = read(f, &mut buf)?;
        if got == 0 {
            return Ok(());
        }
        let mut at = 0;
        if skip > 0 && lines {
            at = got;
            for (i, _) in buf[..got].iter().enumerate().filter(|&(_, &c)| c == b'\n') {
                skip -= 1;
                if skip == 0 {
                    at = i + 1;
                    break;
                }
            }
        } else if skip > 0 {
            at = skip.min(got);
            skip -= at;
        }
        fd::write_all(fd::stdout(), &buf[at..got])?;
    }
}

/// Copy the last `n` lines or bytes of `f` to stdout; a last line without
/// `\n` counts as a line.
fn tail_last(f: BorrowedFd<'_>, n: usize, lines: bool) -> Result<(), Errno> {
    let mut w = Window::new();
    // Newlines in what is kept.
    let mut kept = 0;
    loop {
        let got = w.fill(f)?;
        if got == 0 {
            break;
        }
        let len = w.data().len();
        if !lines {
            w.forget(len.saturating_sub(n));
            continue;
        }
        kept += w.data()[len - got..].iter().filter(|&&c| c == b'\n').count();
        if kept > n {
            w.forget_lines(kept - n);
            kept = n;
        }
    }
    if lines && kept == n && w.data().last().is_some_and(|&c| c != b'\n') {
        w.forget_lines(1);
    }
    fd::write_all(fd::stdout(), w.data())
}

/// `s6-tail [-c chars | -n lines | -1..9] [file]`: the last lines (10 by
/// default) or bytes of file (only the first is read; `-` is a file
/// name) or of stdin; `+N` starts at the N-th one instead.
///
/// Unlike upstream: a last line without `\n` is a line (upstream drops
/// it), `-c N` on fewer than N bytes prints them (upstream prints as many
/// bytes of its buffer before them), and `-c +N` on empty input is not an
/// error.
pub fn tail(args: Args) -> u8 {
    const U: &[u8] = b"s6-tail [ -c chars | -n lines | -1..9 ] [ file ]";
    let (mut n, mut lines, mut from, mut done) = (10u32, true, false, false);
    let rest = opts(args, b"123456789n:c:", U, &mut |c, a| {
        if done {
            return false;
        }
        done = true;
        match c {
            b'1'..=b'9' => (n, lines, from) = ((c - b'0') as u32, true, false),
            b'n' | b'c' => {
                let (plus, digits) = match a.first() {
                    Some(b'+') => (true, &a[1..]),
                    Some(b'-') => (false, &a[1..]),
                    _ => (false, a),
                };
                let Some(v) = uint(digits) else { return false };
                (n, lines, from) = (v, c == b'n', plus);
            }
            _ => return false,
        }
        true
    });
    let file = rest.get_arg(0);
    let own = file.map(open_read);
    let f = own.as_ref().map_or(fd::stdin(), |d| d.as_fd());
    let r = if from { tail_from(f, n as usize, lines) } else { tail_last(f, n as usize, lines) };
    if let Err(e) = r {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to tail ", file.map_or(&b"stdin"[..], CStr::to_bytes)]);
    }
    exit::OK
}

/// A range of a cut list: first and last position (from 1), `usize::MAX`
/// for "to the end".
type Span = (usize, usize);

/// The leading decimal of `s` and its length (0: none; an overflow is as
/// bad as no number).
fn decimal(s: &[u8]) -> (usize, usize) {
    let k = s.iter().take_while(|c| c.is_ascii_digit()).count();
    match core::str::from_utf8(&s[..k]).ok().and_then(|d| d.parse().ok()) {
        Some(v) => (v, k),
        None => (0, 0),
    }
}

/// A cut list (`N`, `N-`, `N-M`, `-M`, separated by `,`, space or tab) as
/// its spans in order, overlapping ones joined.
fn cut_list(s: &'static [u8]) -> &'static [Span] {
    let bad = || diag::fatal(exit::USAGE, &[b"invalid list argument: ", s]);
    let mut v = arena::Vec::<Span>::new();
    let mut i = 0;
    while i < s.len() {
        let mut left = 1;
        if s[i] != b'-' {
            let (l, k) = decimal(&s[i..]);
            if l == 0 || k == 0 {
                bad();
            }
            (left, i) = (l, i + k);
        }
        let mut right = left;
        if s.get(i) == Some(&b'-') {
            let (r, k) = decimal(&s[i + 1..]);
            if k > 0 && r < left {
                bad();
            }
            right = if k == 0 { usize::MAX } else { r };
            i += 1 + k;
        }
        match s.get(i) {
            Some(b',' | b' ' | b'\t') => i += 1,
            None => {}
            Some(_) => bad(),
        }
        v.push((left, right));
    }
    v.get_mut().sort_unstable();
    let all = v.get_mut();
    let mut n = 0;
    for k in 0..all.len() {
        match n {
            0 => n = 1,
            _ if all[k].0 > all[n - 1].1 => {
                all[n] = all[k];
                n += 1;
            }
            _ => all[n - 1].1 = all[n - 1].1.max(all[k].1),
        }
    }
    &v.done()[..n]
}

/// What s6-cut selects from each line.
struct Cut {
    spans: &'static [Span],
    /// `-f`: fields split by this byte; else bytes.
    fields: Option<u8>,
    /// `-s` not given: a line without the delimiter is printed whole.
    whole: bool,
}

impl Cut {
    /// Write what is selected of `text` (a line without its `\n`).
    fn line(&self, text: &[u8], out: &mut BufOut<'_>) -> Result<(), Errno> {
        let Some(d) = self.fields else {
            for &(l, r) in self.spans.iter().take_while(|&&(l, _)| l <= text.len()) {
                out.write(&text[l - 1..r.min(text.len())])?;
            }
            return Ok(());
        };
        if !text.contains(&d) {
            return out.write(text);
        }
        let (mut span, mut first) = (0, true);
        for (k, field) in text.split(|&c| c == d).enumerate().map(|(k, f)| (k + 1, f)) {
            while self.spans.get(span).is_some_and(|&(_, r)| r < k) {
                span += 1;
            }
            let Some(&(l, _)) = self.spans.get(span) else { break };
            if l <= k {
                if !first {
                    out.write(&[d])?;
                }
                out.write(field)?;
                first = false;
            }
        }
        Ok(())
    }
    /// Cut every line of `f`; a line ends with `\n` when it had one.
    fn run(&self, f: BorrowedFd<'_>, out: &mut BufOut<'_>) -> Result<(), Errno> {
        let mut lines = Lines::new(f);
        let fail = |e| match e {
            Fail::Read(e) | Fail::Write(e) => e,
        };
        while let Some(line) = lines.next(out).map_err(fail)? {
            let (text, nl) = body(line);
            // -s: a line without the delimiter leaves nothing, not even `\n`.
            if self.fields.is_some_and(|d| !text.contains(&d)) && !self.whole {
                continue;
            }
            self.line(text, out)?;
            if nl {
                out.write(b"\n")?;
            }
        }
        out.flush()
    }
}

/// `s6-cut [-b list | -c list | -f list] [-d delim] [-n] [-s] [file…]`:
/// POSIX cut (`-c` counts bytes; `-n` is ignored), on each file (`-`:
/// stdin) or on stdin. A last line without `\n` is cut without one.
///
/// Unlike upstream: overlapping spans are joined whatever their order
/// (upstream loses an open end, `1-3,2-` gives fields 1 to 3), `-s`
/// drops a line without the delimiter also when the list starts at 1,
/// `-c` never doubles the `\n` (upstream prints `abc\n\n` for `-c 1-4` on
/// `abc`), and it selects the last byte of a last line without `\n`.
pub fn cut(args: Args) -> u8 {
    const U: &[u8] = b"s6-cut [ -b list | -c list | -f list ] [ -d delim ] [ -n ] [ -s ] [ file... ]";
    let (mut delim, mut fields, mut whole) = (b'\t', None, true);
    let mut spans: &[Span] = &[];
    let files = opts(args, b"nsb:c:f:d:", U, &mut |c, a| {
        match c {
            b'n' => {}
            b's' => whole = false,
            b'd' => delim = a.first().copied().unwrap_or(0),
            b'b' | b'c' | b'f' if fields.is_none() => {
                fields = Some(c == b'f');
                spans = cut_list(a);
            }
            _ => return false,
        }
        true
    });
    if spans.is_empty() {
        diag::usage(U);
    }
    let cut = Cut { spans, fields: fields.and_then(|f| f.then_some(delim)), whole };
    let mut space = [0u8; CHUNK];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    if files.is_empty()
        && let Err(e) = cut.run(fd::stdin(), &mut out)
    {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to cut stdin"]);
    }
    for f in files.iter() {
        let name = f.to_bytes();
        let (r, what): (_, &[&[u8]]) = match name {
            b"-" => (cut.run(fd::stdin(), &mut out), &[b"unable to process stdin"]),
            _ => (cut.run(open_read(f).as_fd(), &mut out), &[b"unable to cut ", name]),
        };
        if let Err(e) = r {
            diag::fatal_sys(exit::SYSCALL, e, what);
        }
    }
    exit::OK
}

/// How s6-sort compares two lines (without their separator).
struct Order {
    /// `-b`: leading spaces and tabs do not count.
    blanks: bool,
    /// `-f`: letters in either case are equal.
    fold: bool,
    /// `-r`
    reverse: bool,
}

impl Order {
    /// As upstream: `strncmp` (or `strncasecmp`) over the shorter length,
    /// so a NUL ends the comparison, then the shorter line first.
    fn cmp<'a>(&self, a: &'a [u8], b: &'a [u8]) -> Ordering {
        let trim = |s: &'a [u8]| if self.blanks { unblank(s) } else { s };
        let (a, b) = (trim(a), trim(b));
        let key = |c: u8| if self.fold { c.to_ascii_lowercase() } else { c };
        let mut r = a.len().cmp(&b.len());
        for (&x, &y) in a.iter().zip(b) {
            if key(x) != key(y) {
                r = key(x).cmp(&key(y));
                break;
            }
            if x == 0 {
                break;
            }
        }
        if self.reverse { r.reverse() } else { r }
    }
}

/// `s` without its leading spaces and tabs.
fn unblank(s: &[u8]) -> &[u8] {
    &s[s.iter().take_while(|&&c| c == b' ' || c == b'\t').count()..]
}

/// `s6-sort [-bcfru0]`: the lines of stdin (`-0`: NUL-terminated), sorted
/// by bytes; `-c`: exit 0 if they are sorted already, else 1; `-u`: one of
/// each run of equal lines (the last). A last line without its separator
/// gets one. Equal lines keep their order (upstream's `qsort` gives no
/// order: glibc's keeps it too).
pub fn sort(args: Args) -> u8 {
    let (mut order, mut check, mut uniq, mut sep) =
        (Order { blanks: false, fold: false, reverse: false }, false, false, b'\n');
    opts(args, b"bcfru0", b"s6-sort [ -bcfru0 ]", &mut |c, _| {
        match c {
            b'b' => order.blanks = true,
            b'c' => check = true,
            b'f' => order.fold = true,
            b'r' => order.reverse = true,
            b'u' => uniq = true,
            b'0' => sep = 0,
            _ => return false,
        }
        true
    });
    let lines = slurp(sep).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read from stdin"]));
    // -u: each line must come strictly before the next.
    let most = if uniq { Ordering::Less } else { Ordering::Equal };
    if check {
        return lines.windows(2).any(|p| order.cmp(key(p[0]), key(p[1])) > most) as u8;
    }
    // Equal lines keep their order: they lie in the buffer in input order.
    lines.sort_unstable_by(|a, b| order.cmp(key(a), key(b)).then((a.as_ptr() as usize).cmp(&(b.as_ptr() as usize))));
    let mut space = [0u8; CHUNK];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    let mut r = Ok(());
    for (i, l) in lines.iter().enumerate() {
        if uniq && lines.get(i + 1).is_some_and(|n| order.cmp(key(l), key(n)) == Ordering::Equal) {
            continue;
        }
        r = r.and_then(|_| out.write(l));
    }
    if let Err(e) = r.and_then(|_| out.flush()) {
        stdout_failed(e);
    }
    exit::OK
}

/// A line without its separator.
fn key(l: &[u8]) -> &[u8] {
    &l[..l.len() - 1]
}

/// All of stdin as lines, each ending with `sep` (added to a last line
/// that lacks it).
fn slurp(sep: u8) -> Result<&'static mut [&'static [u8]], Errno> {
    let mut w = Window::new();
    while w.fill(fd::stdin())? > 0 {}
    if w.data().last().is_some_and(|&c| c != sep) {
        w.push(sep)?;
    }
    let all = w.into_data();
    let lines = arena::alloc_slice(all.iter().filter(|&&c| c == sep).count(), &b""[..])?;
    let mut rest = all;
    for l in lines.iter_mut() {
        let n = rest.iter().position(|&c| c == sep).map_or(rest.len(), |i| i + 1);
        (*l, rest) = rest.split_at(n);
    }
    Ok(lines)
}

/// `s6-seq [-w] [-s separator] limits`: the numbers from first to last
/// by increment (`last`, `first last` or `first increment last`; first
/// and increment default to 1), each followed by the separator (`\n`; an
/// empty one is a NUL); `-w`: all as wide as the last, with leading zeros.
///
/// Unlike upstream: the sequence ends where the next number would pass
/// 2^32-1 (upstream wraps around and never ends), and `-w` with a zero
/// increment pads to the first number (upstream divides by zero).
pub fn seq(args: Args) -> u8 {
    const U: &[u8] = b"s6-seq [ -w ] [ -s separator ] limits";
    let (mut wide, mut sep): (bool, &[u8]) = (false, b"\n");
    let rest = opts(args, b"ws:", U, &mut |c, a| {
        match c {
            b'w' => wide = true,
            b's' => sep = if a.is_empty() { b"\0" } else { a },
            _ => return false,
        }
        true
    });
    let arg = |i| rest.get_arg(i).and_then(|a| uint(a.to_bytes())).unwrap_or_else(|| diag::usage(U));
    let (mut i, step, last) = match rest.len() {
        1 => (1, 1, arg(0)),
        2 => (arg(0), 1, arg(1)),
        3 => (arg(0), arg(1), arg(2)),
        _ => diag::usage(U),
    };
    let mut b = itoa::Buffer::new();
    let width = match (wide, step) {
        (false, _) => 0,
        (true, 0) => b.format(i).len(),
        (true, s) => b.format(i.wrapping_add(s.wrapping_mul(last.wrapping_sub(i) / s))).len(),
    };
    let mut space = [0u8; CHUNK];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    let mut r = Ok(());
    while i <= last && r.is_ok() {
        let digits = b.format(i).as_bytes();
        for _ in digits.len()..width {
            r = r.and_then(|_| out.write(b"0"));
        }
        r = r.and_then(|_| out.write(digits)).and_then(|_| out.write(sep));
        let Some(next) = i.checked_add(step) else { break };
        i = next;
    }
    if let Err(e) = r.and_then(|_| out.flush()) {
        stdout_failed(e);
    }
    exit::OK
}
