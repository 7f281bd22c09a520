//! Thin, safe wrappers over what rustix does not cover, and the child side
//! of fork → exec. Everything `unsafe` that is not process start-up lives here.
pub mod arena;
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
