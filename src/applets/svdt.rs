//! `s6-svdt [ -S | -s ] [ -n maxentries ] servicedir` (s6 2.15): the
//! death tally, oldest first, one line per death of `./run`:
//! `@<TAI64N> exitcode C` or `@<TAI64N> signal SIGTERM` (`-s`: the
//! number, `-S`: the name, the default). `-n N`: only the newest N (at
//! most 4096, s6's cap; 0 prints nothing).
//!
//! Deviation: s6 creates a missing `death_tally`, and empties one whose
//! size is not a whole number of records, from this reader; we only read
//! (and print nothing for either).
use crate::base::getopt::Getopt;
use crate::base::io::BufOut;
use crate::base::num::parse_u64;
use crate::base::{diag, exit, signame};
use crate::rt::Args;
use crate::s6::svdir;
use crate::s6::tally::{self, Death, RECORD};
use crate::sys::{arena, fd};
use rustix::fd::AsFd;
use rustix::fs::{AtFlags, statat};
use rustix::io::Errno;

const USAGE: &[u8] = b"s6-svdt [ -S | -s ] [ -n maxentries ] servicedir";

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"Ssn:");
    let (mut numbers, mut max) = (false, tally::MAX as u64);
    while let Some((c, arg)) = g.next() {
        match c {
            b'S' => numbers = false,
            b's' => numbers = true,
            b'n' => max = parse_u64(arg).filter(|&n| n <= u32::MAX as u64).unwrap_or_else(|| diag::usage(USAGE)),
            _ => diag::usage(USAGE),
        }
    }
    let Some(dir) = args.get_arg(g.ind) else { diag::usage(USAGE) };
    let max = max.min(tally::MAX as u64) as usize;
    if max == 0 {
        return exit::OK;
    }
    let die =
        |e| -> ! { diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read death tally for service ", dir.to_bytes()]) };
    let sv = svdir::open(dir).unwrap_or_else(|e| die(e));
    let buf = arena::alloc_bytes(max * RECORD, 1).unwrap_or_else(|e| die(e));
    let n = match tally::read(sv.as_fd(), buf) {
        Ok(n) => n,
        Err(Errno::NOENT) if statat(&sv, svdir::SUPERVISE.dir, AtFlags::empty()).is_ok() => 0,
        Err(e) => die(e),
    };
    let mut space = [0u8; 4096];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    for r in buf[..n * RECORD].chunks_exact(RECORD) {
        let d = Death::unpack(r.try_into().unwrap_or(&[0; RECORD]));
        let mut num = itoa::Buffer::new();
        let (what, n): (&[u8], &[u8]) = if d.sig == 0 {
            (b" exitcode ", num.format(d.code).as_bytes())
        } else if numbers {
            (b" signal ", num.format(d.sig).as_bytes())
        } else {
            (b" signal SIG", signame::name(d.sig as u32))
        };
        out.put(&[&d.when.to_text(), what, n, b"\n"]);
    }
    if let Err(e) = out.flush() {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
    exit::OK
}

/// `s6-svdt-clear servicedir`: empty the service's death tally (in place:
/// a tally still linked to the scan lock has no death in it).
pub fn clear(args: Args) -> u8 {
    const U: &[u8] = b"s6-svdt-clear servicedir";
    let Some(dir) = args.get_arg(1) else { diag::usage(U) };
    let r = svdir::open(dir).and_then(|sv| {
        let flags = rustix::fs::OFlags::WRONLY | rustix::fs::OFlags::CREATE | rustix::fs::OFlags::CLOEXEC;
        let f = rustix::fs::openat(&sv, tally::FILE, flags, rustix::fs::Mode::from_raw_mode(0o644))?;
        if rustix::fs::fstat(&f)?.st_nlink > 1 { Ok(()) } else { rustix::fs::ftruncate(&f, 0) }
    });
    if let Err(e) = r {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to clear death tally for service ", dir.to_bytes()]);
    }
    exit::OK
}

/// `s6-permafailon seconds deathcount statuslist prog...`, from a service's
/// `finish`: exit 125 (the supervisor then stops restarting the service)
/// when `./run` died at least `deathcount` times in the last `seconds`
/// seconds with an exit code or signal in `statuslist` (`1-255,SIGSEGV`);
/// else exec `prog` (exit 0 without one).
pub fn permafailon(args: Args) -> u8 {
    const U: &[u8] = b"s6-permafailon seconds deathcount statuslist prog...";
    let arg = |i| args.get_arg(i).map(|a| a.to_bytes());
    let (Some(secs), Some(n), Some(list)) = (arg(1).and_then(parse_u64), arg(2).and_then(parse_u64), arg(3)) else {
        diag::usage(U)
    };
    if n == 0 || n > u32::MAX as u64 || secs > u32::MAX as u64 {
        diag::usage(U);
    }
    let n = (n as usize).min(tally::MAX);
    let (codes, sigs) = status_list(list);
    let buf = arena::alloc_bytes(tally::MAX * RECORD, 1).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[]));
    match tally::read(rustix::fs::CWD, buf) {
        Err(e) => diag::warn_sys(e, &[b"unable to stat ", tally::FILE.to_bytes()]),
        Ok(have) if have >= n => {
            let now = crate::base::tai::Tai::now();
            let since = crate::base::tai::Tai { secs: now.secs.saturating_sub(secs), nanos: now.nanos };
            let mut matches = 0;
            for r in buf[..have * RECORD].chunks_exact(RECORD) {
                let d = Death::unpack(r.try_into().unwrap_or(&[0; RECORD]));
                let hit =
                    (d.sig != 0 && sigs.has(d.sig as u32)) || codes[d.code as usize / 64] >> (d.code % 64) & 1 != 0;
                if d.when >= since && hit {
                    matches += 1;
                    if matches >= n {
                        let (mut a, mut b, mut c) = (itoa::Buffer::new(), itoa::Buffer::new(), itoa::Buffer::new());
                        let (what, ev) =
                            if d.sig != 0 { (&b"signal "[..], d.sig) } else { (&b"exit code "[..], d.code) };
                        diag::info(&[
                            b"PERMANENT FAILURE triggered after ",
                            a.format(n).as_bytes(),
                            b" events involving ",
                            what,
                            b.format(ev).as_bytes(),
                            b" in the last ",
                            c.format(secs).as_bytes(),
                            b" seconds",
                        ]);
                        return 125;
                    }
                }
            }
        }
        Ok(_) => {}
    }
    crate::base::chain::exec_here(args.skip(4))
}

/// `statuslist`: exit codes (`N` or `N-M`, 0 to 255) and signals (a name
/// or `SIG` and a number), separated by commas, semicolons or blanks.
fn status_list(s: &[u8]) -> ([u64; 4], crate::sys::signal::Set) {
    let bad = |why: &[u8]| -> ! { diag::fatal(exit::USAGE, &[why]) };
    let mut codes = [0u64; 4];
    let mut sigs = crate::sys::signal::Set::EMPTY;
    let code = |w: &[u8]| parse_u64(w).map(|v| if v > 255 { bad(b"invalid exit code") } else { v as usize });
    for w in s.split(|c| b",; \n\r\t".contains(c)).filter(|w| !w.is_empty()) {
        if w[0].is_ascii_digit() {
            let (lo, hi) = match w.iter().position(|&c| c == b'-') {
                None => (code(w), code(w)),
                Some(i) => (code(&w[..i]), code(&w[i + 1..]).or_else(|| bad(b"invalid interval specification"))),
            };
            let (Some(lo), Some(hi)) = (lo, hi) else { bad(b"invalid status list specification") };
            if hi < lo {
                bad(b"invalid interval");
            }
            for c in lo..=hi {
                codes[c / 64] |= 1 << (c % 64);
            }
        } else {
            match signame::number(w) {
                Some(sig @ 1..=64) => sigs = sigs.with(sig),
                Some(_) => bad(b"invalid signal"),
                None => bad(b"invalid status list specification"),
            }
        }
    }
    (codes, sigs)
}
