//! `s6-svscanctl [ -zabhitqnN ] svscandir` (s6 2.15): the letters, verbatim
//! and in order, in one `write` to `svscandir/.s6-svscan/control` (their
//! meanings are the scanner's: skarnet.md §3.3). No scanner listening
//! exits 100, as in s6.
use crate::base::getopt::{BAD, Getopt};
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::svdir::{self, CtlError};
use rustix::fd::AsFd;

const USAGE: &[u8] = b"s6-svscanctl [ -zabhitqnN ] svscandir";

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"zabhitqnN");
    let mut data = heapless::Vec::<u8, 64>::new();
    while let Some((c, _)) = g.next() {
        if c == BAD {
            diag::usage(USAGE);
        }
        if data.push(c).is_err() {
            diag::fatal(exit::USAGE, &[b"too many commands"]);
        }
    }
    let Some(dir) = args.get_arg(g.ind) else { diag::usage(USAGE) };
    let d = dir.to_bytes();
    let r = svdir::open(dir).map_err(CtlError::Sys);
    match r.and_then(|fd| svdir::write_control(fd.as_fd(), &svdir::SVSCAN, &data)) {
        Ok(()) => exit::OK,
        Err(CtlError::NotListening) => {
            diag::fatal(exit::USAGE, &[b"unable to control ", d, b": supervisor not listening"])
        }
        Err(CtlError::Sys(e)) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to control ", d]),
        Err(CtlError::BadDir(e)) => diag::fatal_sys(
            exit::USAGE,
            e,
            &[b"something is wrong with the ", d, b"/.s6-svscan directory. errno reported"],
        ),
    }
}
