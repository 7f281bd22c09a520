//! fork(2) for a child that goes on running rs6 code (not only exec).
//!
//! # Safety
//!
//! rs6 is single-threaded: at the fork no other thread can hold a lock or
//! be half-way through changing shared state, so the child's copy of the
//! process is consistent and may run any code.
#![allow(unsafe_code)]
use rustix::io::Errno;
use rustix::process::Pid;

/// `Some(pid)` in the parent, `None` in the child.
pub fn fork() -> Result<Option<Pid>, Errno> {
    // SAFETY: single-threaded process (module docs).
    unsafe { super::raw::fork() }
}
