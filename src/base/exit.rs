//! Exit codes, as skalibs, s6 and execline define them.
use rustix::process::WaitStatus;

pub const OK: u8 = 0;
/// A negative answer, or a failure the program reports itself (`false`).
pub const FALSE: u8 = 1;
/// s6: a wait timed out.
pub const TIMEOUT: u8 = 99;
/// Bad usage.
pub const USAGE: u8 = 100;
/// Internal error (a bug).
pub const BUG: u8 = crate::rt::EXIT_BUG;
/// s6: the service is not supervised.
pub const NOT_SUPERVISED: u8 = 102;
/// A system call failed.
pub const SYSCALL: u8 = crate::sys::EXIT_SYSCALL;
/// The program was found but could not be executed.
pub const EXEC_FAILED: u8 = crate::sys::EXIT_CANNOT_EXEC;
/// The program was not found.
pub const NOT_FOUND: u8 = crate::sys::EXIT_NOT_FOUND;
/// A shell's code for a process killed by signal N is `SIGNALED + N`.
pub const SIGNALED: u8 = 128;

/// What a shell reports for a wait status: the exit code, or 128 + the
/// signal number when the process was killed.
pub fn from_wait(st: WaitStatus) -> u8 {
    if let Some(code) = st.exit_status() {
        code as u8
    } else if let Some(sig) = st.terminating_signal() {
        SIGNALED.wrapping_add(sig as u8)
    } else {
        BUG
    }
}
