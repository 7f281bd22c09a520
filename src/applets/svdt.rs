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
