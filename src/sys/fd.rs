//! Standard descriptors.
//!
//! # Safety
//!
//! `sanitize_stdio` runs first thing at start-up and guarantees that
//! descriptors 0, 1 and 2 are open for the rest of the process's life (we
//! never close them, only `dup2` over them in a child before `execve`), which
//! is what makes the `'static` borrows below sound.
#![allow(unsafe_code)]

use rustix::fd::BorrowedFd;
use rustix::fs::{Mode, OFlags};
use rustix::io::{Errno, FdFlags};

/// Open `/dev/null` on any of 0, 1, 2 that is closed (as skalibs' fd_sanitize).
pub fn sanitize_stdio() {
    for fd in 0..3 {
        // SAFETY: fcntl(F_GETFD) on a raw number only tests it.
        let raw = unsafe { BorrowedFd::borrow_raw(fd) };
        if let Err(Errno::BADF) = rustix::io::fcntl_getfd(raw) {
            // open returns the lowest free descriptor: this one.
            if let Ok(nul) = rustix::fs::open(c"/dev/null", OFlags::RDWR, Mode::empty()) {
                core::mem::forget(nul);
            }
        }
    }
}

pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: see the module docs: 0 is open for the process's life.
    unsafe { BorrowedFd::borrow_raw(0) }
}
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: see the module docs.
    unsafe { BorrowedFd::borrow_raw(1) }
}
pub fn stderr() -> BorrowedFd<'static> {
    // SAFETY: see the module docs.
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// Write all of `buf`, retrying on EINTR and short writes.
pub fn write_all(fd: BorrowedFd<'_>, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match rustix::io::write(fd, buf) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => buf = &buf[n..],
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Set or clear FD_CLOEXEC.
pub fn set_cloexec(fd: BorrowedFd<'_>, on: bool) -> Result<(), Errno> {
    let flags = rustix::io::fcntl_getfd(fd)?;
    let flags = if on { flags | FdFlags::CLOEXEC } else { flags - FdFlags::CLOEXEC };
    rustix::io::fcntl_setfd(fd, flags)
}

/// Write `buf` to descriptor number `fd` (one the caller was given, such
/// as s6's notification descriptor), then close it.
pub fn write_close(fd: i32, buf: &[u8]) -> Result<(), Errno> {
    // SAFETY: the number came from the command line; fcntl tells whether it
    // is open before anything else is done with it, and we close it after.
    let b = unsafe { BorrowedFd::borrow_raw(fd) };
    rustix::io::fcntl_getfd(b)?;
    let r = write_all(b, buf);
    // SAFETY: the descriptor is open (checked above) and ours to close.
    drop(unsafe { <rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(fd) });
    r
}

/// Make descriptor 0 a copy of `fd`.
pub fn dup_to_stdin(fd: &impl rustix::fd::AsFd) -> Result<(), Errno> {
    // SAFETY: 0 is open for the process's life (module docs); dup2 replaces
    // it atomically and we forget the OwnedFd so nothing closes it.
    let mut zero = unsafe { <rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(0) };
    let r = rustix::io::dup2(fd, &mut zero);
    core::mem::forget(zero);
    r
}
