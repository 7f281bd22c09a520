//! Thin, safe wrappers over what rustix does not cover, and the child side
//! of fork → exec. Everything `unsafe` that is not process start-up lives here.
pub mod arena;

/// Exit codes the floors below `base` use (`base::exit` names them all):
/// a system call failed; an exec found nothing; it found a file it could
/// not run.
pub const EXIT_SYSCALL: u8 = 111;
pub const EXIT_NOT_FOUND: u8 = 127;
pub const EXIT_CANNOT_EXEC: u8 = 126;

pub mod argv;
pub mod chain;
pub mod exec;
pub mod fd;
pub mod fork;
pub mod ids;
pub mod raw;
pub mod signal;
pub mod spawn;

#[cfg(test)]
mod tests;
