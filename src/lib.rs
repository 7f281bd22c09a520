//! rs6: s6-overlay as one freestanding, static, multicall binary.
//!
//! Module map (see DESIGN.md in the project's shared notes):
//! - `rt`: process start-up, argv/envp, `mem*`, panic exit;
//! - `sys`: the system calls rustix lacks, signals as a descriptor, spawn;
//! - `base`: diagnostics, exit codes, numbers, paths, deadlines;
//! - `applets`: one module per program and the table that dispatches them.
//!
//! Unsafe code is denied here and allowed, module by module, only in `rt` and `sys`.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod applets;
pub mod base;
pub mod rt;
pub mod s6;
pub mod sys;
