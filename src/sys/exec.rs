//! execve with a PATH search, without allocating (usable in a forked child).
//!
//! # Safety
//!
//! `Argv`/`Envp` are always null-terminated arrays of live NUL-terminated
//! strings (`sys::argv`); the functions here only forward them to `execve`.
#![allow(unsafe_code)]

use super::argv::{Argv, Envp};
use super::raw;
use core::ffi::CStr;
use rustix::io::Errno;

/// Longest path built during a PATH search.
pub const PATH_MAX: usize = 4096;

/// Execute `file`, searching `path` (a `PATH` value) when `file` has no
/// slash. Returns only on failure, with the errno that decides the exit
/// code: ENOENT (127, nothing found) or the first other error (126). An
/// empty name is searched too, as skalibs does: `DIR/` is a directory,
/// EACCES (126).
pub fn execvpe(file: &CStr, argv: Argv<'_>, envp: Envp<'_>, path: &[u8]) -> Errno {
    let (argv, envp) = (argv.as_ptr(), envp.as_ptr());
    let name = file.to_bytes();
    if name.contains(&b'/') {
        // SAFETY: argv/envp per `Vec0`'s invariant; `file` is NUL-terminated.
        return unsafe { raw::execve(file.as_ptr().cast(), argv, envp) };
    }
    let mut buf = [0u8; PATH_MAX];
    let mut saved: Option<Errno> = None;
    for dir in path.split(|&c| c == b':') {
        // An empty PATH element means the current directory.
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        let len = dir.len() + 1 + name.len();
        if len >= PATH_MAX {
            saved.get_or_insert(Errno::NAMETOOLONG);
            continue;
        }
        buf[..dir.len()].copy_from_slice(dir);
        buf[dir.len()] = b'/';
        buf[dir.len() + 1..len].copy_from_slice(name);
        buf[len] = 0;
        // SAFETY: buf is NUL-terminated at len; argv/envp per `Vec0`.
        let e = unsafe { raw::execve(buf.as_ptr(), argv, envp) };
        match e {
            Errno::NOENT | Errno::NOTDIR => {}
            other => {
                saved.get_or_insert(other);
            }
        }
    }
    saved.unwrap_or(Errno::NOENT)
}

/// The exit code of a failed exec, as execline and s6: 127 when the program
/// was not found, 126 when it was found but could not be run.
pub fn exec_failure_code(e: Errno) -> u8 {
    if e == Errno::NOENT { super::EXIT_NOT_FOUND } else { super::EXIT_CANNOT_EXEC }
}
