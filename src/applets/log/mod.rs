//! `s6-log`, and s6-overlay's `logutil-service` and `logutil-newfifo`
//! (in `util`), which run it.
//!
//! The loop reads stdin in large chunks, runs the script on each complete
//! line and writes every logdir's buffer out before it reads again, so a
//! logdir that cannot be written stops the reading (the writer blocks on
//! the full pipe) and nothing read is ever dropped. A line is run through
//! the script only once every logdir has room for it, so no action runs
//! twice for the same line.
pub mod util;

use crate::base::getopt::Getopt;
use crate::base::io::BufOut;
use crate::base::regex::Regex;
use crate::base::tai::Tai;
use crate::base::tz::Zone;
use crate::base::{diag, exit, num::parse_u64};
use crate::rt::Args;
use crate::s6::logdir::{Logdir, OpenErr, Settings};
use crate::sys::argv::{Argv, Vec0};
use crate::sys::signal::{SIGALRM, SIGHUP, SIGPIPE, SIGTERM, SignalFd};
use crate::sys::{arena, fd, raw};
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::AsFd;
use rustix::io::Errno;
use rustix::time::Timespec;

const USAGE: &[u8] =
    b"s6-log [ -d notif ] [ -q | -v ] [ -b ] [ -p ] [ -l linelimit ] [ -t lastlinetimeout ] [ -- ] logging_script";

enum What {
    Out,
    Err,
    File(&'static CStr, &'static CStr, u32),
    Dir(usize),
}

struct Act {
    what: What,
    /// 1: TAI64N, 2: local time.
    stamps: u8,
    prefix: &'static [u8],
    e: u32,
}

enum Item {
    Plus(Regex),
    Minus(Regex),
    F,
    Act(Act),
}

/// Buffered stdout (or stderr); once a write fails, `1` is off for good.
type Out = BufOut<'static>;

fn out(err: bool) -> Out {
    BufOut::new(if err { fd::stderr() } else { fd::stdout() }, stage(arena::alloc_bytes(64 << 10, 1)))
}

struct Clock {
    zone: Zone,
    /// The last second formatted, and its text.
    cache: (i64, [u8; 19]),
}

struct Log {
    items: &'static mut [Item],
    dirs: &'static mut [Logdir],
    clock: Clock,
    out: Out,
    /// `logutil-service`'s console copy: the service's name and stderr.
    console: Option<(&'static [u8], Out)>,
    /// Longest line accepted, and the room a rendered line may need.
    limit: usize,
    room: usize,
    /// The last line was cut at the limit.
    cut: bool,
    /// stdout failed (said once).
    out_closed: bool,
    /// Warnings are said (not `-q`).
    verbose: bool,
}

/// `s6-log: alert: PARTS` on stderr, whole however long.
fn alert(parts: &[&[u8]]) {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    if n < 1800 {
        return diag::line_as(&[b"s6-log"], b"alert: ", parts, None);
    }
    let _ = fd::write_all(fd::stderr(), b"s6-log: alert: ");
    for p in parts {
        let _ = fd::write_all(fd::stderr(), p);
    }
    let _ = fd::write_all(fd::stderr(), b"\n");
}

/// The number after a directive's letter; a bad one is remembered in
/// `bad` (s6-log reports it after checking that there is an action).
fn num(w: &'static [u8], bad: &mut Option<&'static [u8]>) -> u32 {
    match parse_u64(&w[1..]) {
        Some(v) if v <= u32::MAX as u64 => v as u32,
        _ => {
            *bad = bad.or(Some(w));
            0
        }
    }
}

fn stage<T>(r: Result<T, Errno>) -> T {
    r.unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]))
}

impl Clock {
    /// Stamps for `a` into `b` (the prefix follows them); returns their
    /// length.
    fn head(&mut self, a: &Act, now: Tai, b: &mut [u8; 128]) -> usize {
        let mut n = 0;
        if a.stamps & 1 != 0 {
            b[..25].copy_from_slice(&now.to_text());
            b[25] = b' ';
            n = 26;
        }
        if a.stamps & 2 != 0 {
            let s = now.unix_secs() as i64;
            if self.cache.0 != s {
                self.zone.format(s, &mut self.cache.1);
                self.cache.0 = s;
            }
            b[n..n + 19].copy_from_slice(&self.cache.1);
            b[n + 19] = b'.';
            let mut v = now.nanos;
            for k in (0..9).rev() {
                b[n + 20 + k] = b'0' + (v % 10) as u8;
                v /= 10;
            }
            b[n + 29..n + 31].copy_from_slice(b"  ");
            n += 31;
        }
        n
    }
}

impl Log {
    fn act(&mut self, k: usize, line: &[u8], now: Tai) {
        let mut h = [0u8; 128];
        let Item::Act(a) = &self.items[k] else { return };
        let hn = self.clock.head(a, now, &mut h);
        let (p, sp): (&[u8], &[u8]) = if a.prefix.is_empty() { (b"", b"") } else { (a.prefix, b" ") };
        let h = &h[..hn];
        match a.what {
            What::Dir(d) => {
                let d = &mut self.dirs[d];
                for part in [h, p, sp, line, b"\n"] {
                    d.buf[d.len..d.len + part.len()].copy_from_slice(part);
                    d.len += part.len();
                }
            }
            What::Out => {
                let r = self.out.put_all(&[h, p, sp, line, b"\n"]);
                self.out_failed(r);
            }
            What::Err => {
                // Cut only when that saves more than the dots take.
                let (text, dots): (&[u8], &[u8]) = if a.e > 0 && line.len() > a.e as usize + 3 {
                    (&line[..a.e as usize], b"...")
                } else {
                    (line, b"")
                };
                alert(&[h, p, sp, text, dots]);
            }
            What::File(name, tmp, size) => {
                if let Err(e) = replace(name, tmp, size, &[h, p, sp, line])
                    && self.verbose
                {
                    diag::warn_sys(e, &[b"unable to write status file ", name.to_bytes()]);
                }
            }
        }
    }

    /// Run the script on one line.
    fn line(&mut self, line: &[u8]) {
        let now = Tai::now();
        if let Some((name, o)) = &mut self.console {
            let _ = o.put_all(&[name, b" | ", line, b"\n"]);
        }
        let (mut sel, mut acted) = (true, false);
        for k in 0..self.items.len() {
            match &mut self.items[k] {
                Item::Plus(r) => sel = sel || r.is_match(line),
                Item::Minus(r) => sel = sel && !r.is_match(line),
                Item::F => sel = !acted,
                Item::Act(_) => {
                    if sel {
                        self.act(k, line, now);
                        acted = true;
                    }
                }
            }
        }
    }

    /// Whether every logdir has room for one more line.
    fn room(&self) -> bool {
        self.dirs.iter().all(|d| d.buf.len() - d.len >= self.room)
    }

    /// stdout failed: s6-log says so once and writes no more there.
    fn out_failed(&mut self, r: Result<(), Errno>) {
        if let Err(e) = r
            && !core::mem::replace(&mut self.out_closed, true)
        {
            let mut l = diag::Line::new();
            l.push(b"s6-log: warning: unable to write to stdout, closing the stream - error was: ");
            diag::push_errno(&mut l, e);
            l.emit();
        }
    }

    /// Write every logdir out; the first error stops.
    fn flush(&mut self) -> Result<(), (usize, Errno)> {
        let r = self.out.flush();
        self.out_failed(r);
        if let Some((_, o)) = &mut self.console {
            let _ = o.flush();
        }
        for (k, d) in self.dirs.iter_mut().enumerate() {
            d.flush().map_err(|e| (k, e))?;
        }
        Ok(())
    }

    /// Run every complete line in `b`; returns how much was used. Stops
    /// early when a logdir's buffer is full and cannot be written.
    fn lines(&mut self, b: &[u8], last: bool) -> (usize, Result<(), (usize, Errno)>) {
        let mut pos = 0;
        while pos < b.len() {
            let rest = &b[pos..];
            let scan = &rest[..rest.len().min(self.limit)];
            let (end, skip) = match scan.iter().position(|&c| c == b'\n' || c == 0) {
                Some(e) => (e, 1),
                None if scan.len() == self.limit || last => (scan.len(), 0),
                None => break,
            };
            // The end of a line just cut at the limit: not a line of its own.
            let cut = core::mem::replace(&mut self.cut, skip == 0);
            if cut && end == 0 && skip == 1 {
                pos += 1;
                continue;
            }
            if !self.room()
                && let Err(e) = self.flush()
            {
                self.cut = cut;
                return (pos, Err(e));
            }
            self.line(&rest[..end]);
            pos += end + skip;
        }
        (pos, Ok(()))
    }
}

/// Atomically replace `name` with `parts`, padded with newlines to `size`
/// (or cut to it); `size` 0 = as is. On failure, no `tmp` is left.
fn replace(name: &CStr, tmp: &CStr, size: u32, parts: &[&[u8]]) -> Result<(), Errno> {
    use rustix::fs::{self, Mode, OFlags};
    let f =
        fs::open(tmp, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC, Mode::from_raw_mode(0o666))?;
    let r = write_status(f, name, tmp, size, parts);
    if r.is_err() {
        let _ = fs::unlink(tmp);
    }
    r
}

fn write_status(f: rustix::fd::OwnedFd, name: &CStr, tmp: &CStr, size: u32, parts: &[&[u8]]) -> Result<(), Errno> {
    use rustix::fs;
    let mut left = if size == 0 { usize::MAX } else { size as usize };
    for p in parts {
        let n = p.len().min(left);
        fd::write_all(f.as_fd(), &p[..n])?;
        left -= n;
    }
    let nl = [b'\n'; 64];
    if size == 0 {
        fd::write_all(f.as_fd(), b"\n")?;
    }
    while size > 0 && left > 0 {
        let n = left.min(64);
        fd::write_all(f.as_fd(), &nl[..n])?;
        left -= n;
    }
    fs::fsync(&f)?;
    fs::rename(tmp, name)
}

pub fn main(args: Args) -> u8 {
    let mut it = args.iter();
    let words = stage(arena::alloc_with(args.len(), |_| it.next().map_or(&b""[..], |a| a.to_bytes())));
    run(words, None, false)
}

pub use util::{newfifo, service};

/// s6-log with its arguments (the first one is the program name); with
/// `console`, every line is also copied to stderr after that name; with
/// `clean`, the program runs with an empty environment.
pub fn run(args: &'static [&'static [u8]], console: Option<&'static [u8]>, clean: bool) -> u8 {
    let mut g = Getopt::new(args, b"d:qvbpl:t:");
    // Verbosity: 1 by default, `-q` one less, `-v` one more; warnings at 1.
    let (mut notif, mut level, mut ignore_term, mut limit, mut lastline) = (None, 1u32, false, 8192usize, 2000u64);
    while let Some((c, a)) = g.next() {
        match c {
            b'd' => notif = Some(parse_u64(a).filter(|&n| n <= u32::MAX as u64).unwrap_or_else(|| diag::usage(USAGE))),
            b'q' => level = level.saturating_sub(1),
            b'v' => level += 1,
            b'b' => {}
            b'p' => ignore_term = true,
            b'l' => limit = parse_u64(a).unwrap_or_else(|| diag::usage(USAGE)) as usize,
            b't' => lastline = parse_u64(a).unwrap_or_else(|| diag::usage(USAGE)),
            _ => diag::usage(USAGE),
        }
    }
    let verbose = level >= 1;
    if let Some(n) = notif {
        if n < 3 {
            diag::fatal(exit::USAGE, &[b"notification fd must be 3 or more"]);
        }
        if let Err(e) = i32::try_from(n).map_err(|_| Errno::BADF).and_then(fd::borrow_checked) {
            diag::fatal_sys(exit::USAGE, e, &[b"invalid notification fd"]);
        }
    }
    // 0, no limit: as long as 16 MiB (reserved, not touched until used).
    let limit = match limit {
        0 => 16 << 20,
        l => l.clamp(48, 16 << 20),
    };
    let mut words = 0;
    while g_word(&g, words).is_some() {
        words += 1;
    }
    if words == 0 {
        diag::usage(USAGE);
    }
    let env = crate::rt::Env::get();
    let var = |n: &[u8]| if clean { None } else { env.var(n) };
    let items = stage(arena::alloc_with(words, |_| Item::F));
    let mut set = Settings { n: 10, s: 99999, big_s: 0, l: 2000, r: 2000, big_r: 0, proc: None, clean };
    let (mut stamps, mut prefix, mut e, mut size): (u8, &'static [u8], u32, u32) = (0, b"", 200, 1001);
    let (mut nitems, mut last_act, mut ndirs, mut maxprefix) = (0, 0, 0, 0);
    let mut bad_re = None;
    let dirpaths = stage(arena::alloc_slice::<(
        &'static [u8],
        u32,
        u32,
        u64,
        u32,
        u32,
        u32,
        Option<(&'static CStr, Argv<'static>)>,
    )>(words, (b"", 0, 0, 0, 0, 0, 0, None)));
    for k in 0..words {
        let w = g_word(&g, k).unwrap_or(b"");
        let syntax = || diag::fatal(exit::USAGE, &[b"syntax error at directive: ", w]);
        let rest = w.get(1..).unwrap_or(b"");
        let mut act = None;
        match w.first().copied().unwrap_or(0) {
            b'+' | b'-' => {
                // A bad one is reported after the check for actions, as s6-log.
                let r = Regex::new(rest).unwrap_or_else(|_| {
                    bad_re = bad_re.or(Some(w));
                    stage(Regex::new(b"").map_err(|_| Errno::NOMEM))
                });
                items[nitems] = if w[0] == b'+' { Item::Plus(r) } else { Item::Minus(r) };
                nitems += 1;
            }
            b'f' if rest.is_empty() => {
                items[nitems] = Item::F;
                nitems += 1;
            }
            b'n' => set.n = num(w, &mut bad_re),
            b's' => set.s = num(w, &mut bad_re).clamp(4096, 268435455),
            b'S' => {
                set.big_s = match parse_u64(&w[1..]) {
                    Some(v) => v,
                    None => {
                        bad_re = bad_re.or(Some(w));
                        0
                    }
                }
            }
            b'l' => {
                set.l = num(w, &mut bad_re);
                if set.l > set.s / 2 {
                    diag::fatal(exit::USAGE, &[b"directive ", w, b" conflicts with previous s directive"]);
                }
            }
            b'r' => set.r = num(w, &mut bad_re),
            b'R' => set.big_r = num(w, &mut bad_re),
            b'E' => e = num(w, &mut bad_re),
            b'^' => size = num(w, &mut bad_re),
            b'p' => prefix = rest,
            b'!' | b'?' => {
                set.proc = if rest.is_empty() {
                    None
                } else {
                    let (file, a0, a1): (&CStr, &CStr, &CStr) = if w[0] == b'!' {
                        (c"execlineb", c"execlineb", c"-Pc")
                    } else {
                        (c"/bin/sh", c"/bin/sh", c"-c")
                    };
                    let cmd = stage(arena::cstr(&[rest]));
                    Some((file, stage(Vec0::of(&[a0, a1, cmd]))))
                }
            }
            b't' if rest.is_empty() => stamps |= 1,
            b'T' if rest.is_empty() => stamps |= 2,
            b'1' if rest.is_empty() => act = Some(What::Out),
            b'2' if rest.is_empty() => act = Some(What::Err),
            b'=' if !rest.is_empty() => {
                act = Some(What::File(stage(arena::cstr(&[rest])), stage(arena::cstr(&[rest, b".new"])), size))
            }
            b'/' | b'.' => {
                dirpaths[ndirs] = (w, set.n, set.s, set.big_s, set.l, set.r, set.big_r, set.proc);
                act = Some(What::Dir(ndirs));
                ndirs += 1;
            }
            b't' | b'T' | b'f' | b'1' | b'2' | b'=' => syntax(),
            _ => diag::fatal(exit::USAGE, &[b"unrecognized directive: ", w]),
        }
        if let Some(what) = act {
            maxprefix = maxprefix.max(prefix.len());
            items[nitems] = Item::Act(Act { what, stamps, prefix, e });
            nitems += 1;
            last_act = nitems;
            stamps = 0;
        }
    }
    if last_act == 0 {
        diag::fatal(exit::USAGE, &[b"no action directive specified"]);
    }
    if let Some(w) = bad_re {
        diag::fatal(exit::USAGE, &[b"unrecognized directive: ", w]);
    }
    if last_act < nitems && verbose {
        diag::warn(&[b"ignoring extraneous non-action directives"]);
    }
    let room = limit + 26 + 31 + maxprefix + 2;
    let dirs = stage(arena::alloc_with(ndirs, |k| {
        let (p, n, s, big_s, l, r, big_r, proc) = dirpaths[k];
        let st = Settings { n, s, big_s, l, r, big_r, proc, clean };
        match Logdir::open(p, st, room + (64 << 10)) {
            Ok(d) => d,
            Err(OpenErr(what, f, e)) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ", what, f.to_bytes()]),
        }
    }));
    let mut log = Log {
        items: &mut items[..last_act],
        dirs,
        clock: Clock { zone: Zone::load(var(b"TZ")), cache: (-1, [0; 19]) },
        out: out(false),
        console: console.map(|n| (n, out(true))),
        limit,
        room,
        cut: false,
        out_closed: false,
        verbose,
    };
    let mask = raw::SigSet::EMPTY.with(SIGTERM).with(SIGHUP).with(SIGALRM).with(SIGPIPE);
    let sigs = raw::sigprocmask_set(mask)
        .and_then(|_| SignalFd::new(mask))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to set up signals"]));
    if let Some(n) = notif {
        let _ = fd::write_close(n as i32, b"\n");
    }
    let inbuf = stage(arena::alloc_bytes(limit + (128 << 10), 1));
    let (mut ilen, mut eof, mut stop) = (0usize, false, None::<crate::base::time::Instant>);
    let mut stalled: Option<crate::base::time::Instant>;
    loop {
        // Run what is buffered; write it all out. After a stop, the end of
        // the input ends the last line.
        let (used, mut r) = log.lines(&inbuf[..ilen], eof && stop.is_some());
        inbuf.copy_within(used..ilen, 0);
        ilen -= used;
        if r.is_ok() {
            r = log.flush();
        }
        match r {
            Ok(()) => stalled = None,
            // As s6-log: a warning at each try, every `r` ms.
            Err((k, e)) => {
                let d = &log.dirs[k];
                match d.proc_err {
                    Some(how) if e == Errno::CHILD && verbose => diag::warn(&[b"processor ", how, b" in ", d.path]),
                    _ if verbose => diag::warn_sys(e, &[b"unable to write to ", d.path, b"/current"]),
                    _ => {}
                }
                stalled = Some(crate::base::time::Instant::now().after_ms(d.set.r as u64));
            }
        }
        if stalled.is_none() && (eof || (stop.is_some() && ilen == 0)) {
            break;
        }
        // Periodic rotation.
        let now = Tai::now();
        let mut due: Option<u64> = None;
        for d in log.dirs.iter_mut() {
            if d.set.big_r > 0 {
                let age = now.secs_since(d.rotated);
                if age >= d.set.big_r as u64 {
                    let _ = d.flush().and_then(|_| d.rotate_written());
                    d.rotated = now;
                }
                let left = (d.set.big_r as u64).saturating_sub(now.secs_since(d.rotated)).max(1) * 1000;
                due = Some(due.map_or(left, |x| x.min(left)));
            }
        }
        let mono = crate::base::time::Instant::now();
        let mut wait_ms = due;
        if let Some(t) = stalled {
            let ms = t.0.saturating_sub(mono.0) / 1_000_000;
            wait_ms = Some(wait_ms.map_or(ms, |x| x.min(ms)));
        }
        if let Some(t) = stop
            && lastline > 0
        {
            let ms = t.0.saturating_sub(mono.0) / 1_000_000;
            if ms == 0 && stalled.is_none() && ilen > 0 {
                // The last line never ended: end it.
                let (used, _) = log.lines(&inbuf[..ilen], true);
                inbuf.copy_within(used..ilen, 0);
                ilen -= used;
                continue;
            }
            if ms > 0 {
                wait_ms = Some(wait_ms.map_or(ms, |x| x.min(ms)));
            }
        }
        let reading = stalled.is_none() && !eof && ilen < inbuf.len();
        let mut fds = [PollFd::new(&sigs, PollFlags::IN), PollFd::from_borrowed_fd(fd::stdin(), PollFlags::IN)];
        let nf = if reading { 2 } else { 1 };
        let ts = wait_ms.map(|ms| Timespec { tv_sec: (ms / 1000) as i64, tv_nsec: ((ms % 1000) * 1_000_000) as i64 });
        match poll(&mut fds[..nf], ts.as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to poll"]),
        }
        let readable = nf == 2 && !fds[1].revents().is_empty();
        if !fds[0].revents().is_empty() {
            while let Some(sig) = sigs.read() {
                match sig {
                    SIGALRM => {
                        for d in log.dirs.iter_mut() {
                            let _ = d.flush().and_then(|_| d.rotate_written());
                        }
                    }
                    SIGTERM if ignore_term => {}
                    SIGTERM | SIGHUP if stop.is_none() => {
                        stop = Some(crate::base::time::Instant::now().after_ms(lastline));
                    }
                    _ => {}
                }
            }
        }
        if stop.is_some() && ilen == 0 && stalled.is_none() {
            // Nothing pending: exit now.
            break;
        }
        if readable {
            // After a stop, only up to the end of the pending line, one byte
            // at a time.
            let want = if stop.is_some() { 1 } else { inbuf.len() - ilen };
            match rustix::io::read(fd::stdin(), &mut inbuf[ilen..ilen + want]) {
                Ok(0) => eof = true,
                Ok(n) => ilen += n,
                Err(Errno::INTR | Errno::AGAIN) => {}
                Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read stdin"]),
            }
        }
    }
    // A partial last line at EOF is dropped, as s6-log does (unless a
    // stop came first: see the top of the loop).
    let r = log.out.flush();
    log.out_failed(r);
    for d in log.dirs.iter_mut() {
        loop {
            match d.finish() {
                Ok(()) => break,
                Err(e) => {
                    if verbose {
                        diag::warn_sys(e, &[b"unable to finish ", d.path, b"/current"]);
                    }
                    let ms = d.set.r.max(10) as u64;
                    let ts = Timespec { tv_sec: (ms / 1000) as i64, tv_nsec: ((ms % 1000) * 1_000_000) as i64 };
                    let _ = poll(&mut [], Some(&ts));
                }
            }
        }
    }
    exit::OK
}

fn g_word(g: &Getopt<&'static [&'static [u8]]>, k: usize) -> Option<&'static [u8]> {
    g.word_at(g.ind + k)
}
