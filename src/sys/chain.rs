//! What in-process chaining needs from the kernel: fork, the identity of
//! our own executable, execve of a word list, and the process name.
//!
//! # Safety
//!
//! rs6 is single-threaded, so a forked child may run any code; the pointer
//! arrays handed to `execve` are `sys::argv::Vec0`s.
#![allow(unsafe_code)]

use super::argv::{Argv, Envp};
use super::raw;
use core::ffi::CStr;
use core::sync::atomic::{AtomicU64, Ordering};
use rustix::io::Errno;
use rustix::process::Pid;

/// fork(2): `Some(pid)` in the parent, `None` in the child.
pub fn fork() -> Result<Option<Pid>, Errno> {
    // SAFETY: rs6 is single-threaded: the child is a complete copy with no
    // lock held by another thread.
    unsafe { raw::fork() }
}

/// execve(path, argv, env). Returns only on failure.
pub fn execve(path: &CStr, argv: Argv<'_>, env: Envp<'_>) -> Errno {
    // SAFETY: `Vec0`s are null-terminated arrays of live strings; path is
    // NUL-terminated.
    unsafe { raw::execve(path.as_ptr().cast(), argv.as_ptr(), env.as_ptr()) }
}

static SELF_ID: AtomicU64 = AtomicU64::new(0);

fn id(st: &rustix::fs::Stat) -> u64 {
    st.st_dev.rotate_left(32) ^ st.st_ino
}

/// Is `path` (following symlinks) the very file this process runs?
/// Compared by device and inode with `/proc/self/exe`, read once.
pub fn is_self(st: &rustix::fs::Stat) -> bool {
    let mut me = SELF_ID.load(Ordering::Relaxed);
    if me == 0 {
        match rustix::fs::stat(c"/proc/self/exe") {
            Ok(s) => me = id(&s),
            Err(_) => me = 1,
        }
        SELF_ID.store(me, Ordering::Relaxed);
    }
    me == id(st)
}

/// Set `/proc/self/comm` as execve would: the first 15 bytes of the
/// basename of the file run.
pub fn set_comm(name: &[u8]) {
    let mut b = [0u8; 16];
    let n = name.len().min(15);
    b[..n].copy_from_slice(&name[..n]);
    raw::set_name(&b);
}
