//! Pure helpers shared by every applet: diagnostics in s6's grammar, exit
//! codes, number parsing and formatting, paths, deadlines.
//!
//! Naming: `*_at` is an absolute CLOCK_MONOTONIC deadline; functions that
//! return `!` are named `die*` or `fatal*` and are called only at an
//! applet's top level.
pub mod chain;
pub mod child;
pub mod diag;
pub mod errno;
pub mod exit;
pub mod fs;
pub mod getopt;
pub mod glob;
pub mod io;
pub mod lex;
pub mod num;
pub mod packed;
pub mod passwd;
pub mod path;
pub mod quote;
pub mod random;
pub mod regex;
pub mod signame;
pub mod tai;
pub mod time;
pub mod tz;
