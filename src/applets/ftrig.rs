//! s6's fifodir tools, on the fifodirs of `s6::ftrig` (the `event/`
//! directory of a service is one):
//!
//! - `s6-mkfifodir [ -f ] [ -g gid ] fifodir`: make a fifodir, public
//!   (01733) or, with `-g`, restricted to a group (03730); `-f` sets the
//!   mode and group of one that exists.
//! - `s6-cleanfifodir fifodir`: remove the fifos of dead listeners.
//! - `s6-ftrig-notify fifodir message`: send each byte of `message` as
//!   an event to every listener.
//! - `s6-ftrig-wait [ -t timeout ] fifodir regexp`: listen until the
//!   events received match the extended regexp, then print the event that
//!   completed the match.
//! - `s6-ftrig-listen1 [ -t timeout ] fifodir regexp prog...`: listen,
//!   start `prog`, wait as `s6-ftrig-wait`: no event `prog` causes is lost.
//! - `s6-ftrig-listen [ -a | -o ] [ -t timeout ] fifodir1 regexp1 ... ""
//!   prog...`: the same for several fifodirs, given as an execline block;
//!   all of them match (`-a`, the default) or one (`-o`); nothing printed.
//!
//! A timeout (`-t` ms, 0 = none) ends the wait with `unable to get
//! expected event` (`unable to match regexp on R` for `s6-ftrig-wait`),
//! exit 1; a system call that fails, 111; bad usage, 100. As s6-ftrigrd,
//! the regexp is matched against everything received since the
//! subscription, as a part of a longer text (`^` and `$` match nowhere),
//! after each read; the event printed is the last one of the match. As s6, `s6-cleanfifodir` removes a fifo named as a
//! listener's only when nobody reads it; it recognises the names
//! listeners use today (s6 2.11's only matched an older, longer form,
//! and so removed nothing).
use crate::base::getopt::Getopt;
use crate::base::regex::Regex;
use crate::base::time::Instant;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::ftrig::{self, Listener};
use crate::supervise::wait::parse_ms;
use core::ffi::CStr;
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fs;
use rustix::io::Errno;

const MK_USAGE: &[u8] = b"s6-mkfifodir [ -f ] [ -g gid ] fifodir";

pub fn mkfifodir(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"fg:");
    let (mut force, mut gid) = (false, None);
    while let Some((c, arg)) = g.next() {
        match c {
            b'f' => force = true,
            b'g' => gid = Some(crate::base::chain::uint(arg).unwrap_or_else(|| diag::usage(MK_USAGE))),
            _ => diag::usage(MK_USAGE),
        }
    }
    let Some(p) = args.skip(g.ind).get_arg(0) else { diag::usage(MK_USAGE) };
    if let Err(e) = ftrig::fifodir_make(p, gid, force) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create fifodir at ", p.to_bytes()]);
    }
    exit::OK
}

pub fn cleanfifodir(args: Args) -> u8 {
    let Some(p) = args.get_arg(1) else { diag::usage(b"s6-cleanfifodir fifodir") };
    if let Err(e) = ftrig::clean(p) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to clean up fifodir at ", p.to_bytes()]);
    }
    exit::OK
}

pub fn notify(args: Args) -> u8 {
    let (Some(p), Some(m)) = (args.get_arg(1), args.get_arg(2)) else {
        diag::usage(b"s6-ftrig-notify fifodir message")
    };
    // The events go to fifos whose reader may be gone.
    let _ = crate::sys::raw::sigaction_set(crate::sys::signal::SIGPIPE, true);
    if let Err(e) = ftrig::send(fs::CWD, p, m.to_bytes()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to notify ", p.to_bytes()]);
    }
    exit::OK
}

/// One subscription: its fifo, its regexp, and what it received.
struct Sub {
    l: Listener,
    re: Regex,
    got: heapless::Vec<u8, 512>,
    done: bool,
}

/// Subscribe to `dir` with the extended regexp `re` (the fifodir is not
/// made).
fn subscribe(dir: &CStr, re: &CStr) -> Result<Sub, Errno> {
    let r = Regex::new(re.to_bytes()).map_err(|_| Errno::INVAL)?;
    Ok(Sub { l: Listener::open(fs::CWD, dir)?, re: r, got: heapless::Vec::new(), done: false })
}

/// Up to this many fifodirs for `s6-ftrig-listen`.
const MAX: usize = 32;
type Subs = heapless::Vec<Sub, MAX>;

/// Subscribe to each (fifodir, regexp), or remove the fifos made so far
/// and die as s6 does.
fn subscribe_all(pairs: impl Iterator<Item = (&'static CStr, &'static CStr)>) -> Subs {
    let mut subs = Subs::new();
    for (dir, re) in pairs {
        match subscribe(dir, re) {
            Ok(s) => {
                let _ = subs.push(s);
            }
            Err(e) => {
                drop(subs);
                let what: &[&[u8]] = &[b"unable to subscribe to ", dir.to_bytes(), b" with regexp ", re.to_bytes()];
                diag::fatal_sys(exit::SYSCALL, e, what)
            }
        }
    }
    subs
}

impl Sub {
    /// Read what arrived; the event that ends the first match, if one
    /// does. As s6-ftrigrd, each read is added whole, then matched as a
    /// part of a longer text (`^` and `$` match nowhere).
    fn update(&mut self) -> Result<Option<u8>, Errno> {
        let mut buf = [0u8; 16];
        loop {
            let n = self.l.read(&mut buf)?;
            if n == 0 {
                return Ok(None);
            }
            if self.got.len() + n > self.got.capacity() {
                // Keep the latest half.
                let half = self.got.len() / 2;
                self.got.copy_within(half.., 0);
                self.got.truncate(self.got.len() - half);
            }
            let _ = self.got.extend_from_slice(&buf[..n]);
            if let Some((_, e @ 1..)) = self.re.find_inside(&self.got) {
                self.done = true;
                return Ok(Some(self.got[e - 1]));
            }
        }
    }
}

/// Wait until every subscription (`any`: one) matched; the last event
/// that completed a match. `Err(TIMEDOUT)` at `deadline`.
fn wait(subs: &mut [Sub], any: bool, deadline: Option<Instant>) -> Result<u8, Errno> {
    let mut last = 0;
    loop {
        for s in subs.iter_mut().filter(|s| !s.done) {
            if let Some(b) = s.update()? {
                last = b;
                if any {
                    return Ok(b);
                }
            }
        }
        if subs.iter().all(|s| s.done) {
            return Ok(last);
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return Err(Errno::TIMEDOUT);
        }
        let mut fds: heapless::Vec<PollFd<'_>, MAX> =
            subs.iter().filter(|s| !s.done).map(|s| PollFd::from_borrowed_fd(s.l.fd(), PollFlags::IN)).collect();
        match poll(&mut fds, deadline.map(|d| d.until(now)).as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `-t` (and `-a`/`-o` where `spec` has them) and the operands.
fn options(args: Args, spec: &'static [u8], usage: &[u8]) -> (Option<Instant>, bool, Args) {
    let mut g = Getopt::new(args, spec);
    let (mut ms, mut any) = (0, false);
    while let Some((c, arg)) = g.next() {
        match c {
            b't' => ms = parse_ms(arg).unwrap_or_else(|| diag::usage(usage)),
            b'a' => any = false,
            b'o' => any = true,
            _ => diag::usage(usage),
        }
    }
    ((ms != 0).then(|| Instant::now().after_ms(ms)), any, args.skip(g.ind))
}

/// Start `prog`, not waited for, then wait; print the event that ended
/// the wait (`print`), or die as s6 does, the fifos removed first.
fn run(mut subs: Subs, prog: Args, any: bool, deadline: Option<Instant>, print: bool, what: &[&[u8]]) -> u8 {
    if !prog.is_empty() {
        let file = prog.get_arg(0).unwrap_or(c"");
        if let Err(e) = crate::base::child::Reaper::new().and_then(|r| r.spawn_checked(file, prog.argv())) {
            drop(subs);
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", file.to_bytes()]);
        }
    }
    let r = wait(&mut subs, any, deadline);
    drop(subs);
    match r {
        Ok(b) if print => match crate::sys::fd::write_all(crate::sys::fd::stdout(), &[b, b'\n']) {
            Ok(()) => exit::OK,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]),
        },
        Ok(_) => exit::OK,
        Err(Errno::TIMEDOUT) => diag::fatal_sys(1, Errno::TIMEDOUT, what),
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read events"]),
    }
}

const WAIT_USAGE: &[u8] = b"s6-ftrig-wait [ -t timeout ] fifodir regexp";

pub fn wait_main(args: Args) -> u8 {
    let (deadline, _, rest) = options(args, b"t:", WAIT_USAGE);
    let (Some(dir), Some(re)) = (rest.get_arg(0), rest.get_arg(1)) else { diag::usage(WAIT_USAGE) };
    let subs = subscribe_all([(dir, re)].into_iter());
    run(subs, rest.skip(rest.len()), true, deadline, true, &[b"unable to match regexp on ", re.to_bytes()])
}

const LISTEN1_USAGE: &[u8] = b"s6-ftrig-listen1 [ -t timeout ] fifodir regexp prog...";

pub fn listen1(args: Args) -> u8 {
    let (deadline, _, rest) = options(args, b"t:", LISTEN1_USAGE);
    let (Some(dir), Some(re), true) = (rest.get_arg(0), rest.get_arg(1), rest.len() >= 3) else {
        diag::usage(LISTEN1_USAGE)
    };
    let subs = subscribe_all([(dir, re)].into_iter());
    run(subs, rest.skip(2), true, deadline, true, &[b"unable to get expected event"])
}

const LISTEN_USAGE: &[u8] = b"s6-ftrig-listen [ -a | -o ] [ -t timeout ] fifodir1 regexp1 ... \"\" prog...";

pub fn listen(args: Args) -> u8 {
    let (deadline, any, rest) = options(args, b"aot:", LISTEN_USAGE);
    let end = rest.iter().position(|a| a.to_bytes().is_empty());
    // No `""`: pairs then a program, but no end to the pairs.
    if end.is_none() && rest.len() >= 4 && rest.len() % 2 == 1 {
        diag::fatal(exit::USAGE, &[b"unterminated fifodir+regex block"]);
    }
    let end = end.unwrap_or(rest.len());
    if end == 0 || end % 2 == 1 || end + 1 >= rest.len() {
        diag::usage(LISTEN_USAGE);
    }
    if end / 2 > MAX {
        diag::fatal(exit::USAGE, &[b"too many fifodirs (the limit is 32)"]);
    }
    // The block's words, without the space execline quotes them with.
    let word = |i: usize| {
        let w = rest.get_arg(i).unwrap_or(c"");
        let b = w.to_bytes_with_nul();
        if b.first() == Some(&b' ') { CStr::from_bytes_with_nul(&b[1..]).unwrap_or(w) } else { w }
    };
    let subs = subscribe_all((0..end / 2).map(|i| (word(2 * i), word(2 * i + 1))));
    run(subs, rest.skip(end + 1), any, deadline, false, &[b"unable to get expected event"])
}
