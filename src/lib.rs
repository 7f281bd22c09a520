//! rs6: s6-overlay as one freestanding, static, multicall binary.
//!
//! Module map, in floors (doc/ARCHITECTURE.md); a module imports only from
//! its own floor or the ones below:
//! 1. `sys`: all `unsafe`, the system calls rustix lacks, signals, spawn, argv/envp;
//! 2. `rt`: process start-up, argv/envp views, `mem*`, panic exit;
//! 3. `base`: skalibs-like helpers: diagnostics, exit codes, numbers, paths, deadlines;
//! 4. `s6`: s6's on-disk formats and protocols;
//! 5. `supervise`: the supervision engine shared by `/init`, the clients, s6-rc;
//! 6. `applets`: one module per program (no applet imports another) and the table.
//!
//! Unsafe code is denied here and allowed, module by module, only in `rt` and `sys`.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod applets;
pub mod base;
pub mod rt;
pub mod s6;
pub mod supervise;
pub mod sys;
