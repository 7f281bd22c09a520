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

/// A descriptor number the user named (`-3 fd`, `-d ctty`), checked to be
/// open (EBADF otherwise).
pub fn borrow_checked(fd: i32) -> Result<BorrowedFd<'static>, Errno> {
    if fd < 0 {
        return Err(Errno::BADF);
    }
    // SAFETY: the number is only handed to system calls, which fail cleanly
    // (EBADF) if it gets closed; rs6 never closes it on the caller's behalf.
    let b = unsafe { BorrowedFd::borrow_raw(fd) };
    rustix::io::fcntl_getfd(b)?;
    Ok(b)
}

/// Close a descriptor number the process does not own as an `OwnedFd`
/// (an inherited one it must not pass on), right before an exec.
pub fn close_number(fd: i32) {
    if fd >= 0 {
        // SAFETY: no `OwnedFd` in rs6 holds an inherited descriptor named
        // by the user, so nothing closes it a second time; callers exec
        // next, so a closed 0, 1 or 2 only makes a failure message vanish.
        unsafe { rustix::io::close(fd) };
    }
}

/// Take ownership of descriptor number `fd` (execline's commands name
/// descriptors by number: whoever holds the number owns it).
pub fn own(fd: i32) -> rustix::fd::OwnedFd {
    // SAFETY: descriptors here are plain numbers chosen by the script; the
    // worst a wrong number does is close or use a descriptor the script
    // named, which is the command's documented effect.
    unsafe { <rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(fd) }
}

/// Borrow descriptor number `fd` (it may be closed: calls then fail EBADF).
pub fn borrow(fd: i32) -> BorrowedFd<'static> {
    // SAFETY: as `own`; a closed number only makes the call fail.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// dup2(from, to) without closing `from`.
pub fn dup_to(from: i32, to: i32) -> Result<(), Errno> {
    let mut t = own(to);
    let r = rustix::io::dup2(borrow(from), &mut t);
    core::mem::forget(t);
    r
}

/// Write `buf` to descriptor number `fd` (one the caller was given, such
/// as s6's notification descriptor), then close it.
pub fn write_close(fd: i32, buf: &[u8]) -> Result<(), Errno> {
    let r = write_all(borrow_checked(fd)?, buf);
    close_number(fd);
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
