//! `halt`: stop the container from inside, s6-overlay v3's way: write the
//! wanted exit code to `/run/s6-linux-init-container-results/exitcode`,
//! then run `/run/s6/basedir/bin/halt` (or `/command/halt`).
//!
//! It asks PID 1 through the scan directory's control fifo, exactly as
//! `s6-svscanctl -t /run/service` does, so it works whether or not rs6 is
//! PID 1. Options of s6-linux-init-hpr (`-f`, `-w`, …) are accepted and
//! have no effect: a container has no hardware to halt.
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

pub const CONTROL: &core::ffi::CStr = c"/run/service/.s6-svscan/control";

pub fn main(_args: Args) -> u8 {
    let r = fs::open(CONTROL, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
        .and_then(|f| rustix::io::write(&f, b"t"));
    match r {
        Ok(_) => exit::OK,
        Err(Errno::NXIO) | Err(Errno::NOENT) => {
            diag::fatal(exit::SYSCALL, &[b"unable to control /run/service: supervisor not listening"])
        }
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to ", CONTROL.to_bytes()]),
    }
}
