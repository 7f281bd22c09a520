//! `s6-svok servicedir` (s6 2.15): exit 0 if a supervisor holds the
//! directory's `supervise/lock`, 1 if not (no lock file, no directory),
//! 100 without an argument, 111 on an error.
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::svdir::supervised;

pub fn main(args: Args) -> u8 {
    let Some(dir) = args.get_arg(1) else { diag::usage(b"s6-svok servicedir") };
    match supervised(dir) {
        Ok(true) => exit::OK,
        Ok(false) => exit::FALSE,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to check ", dir.to_bytes()]),
    }
}
