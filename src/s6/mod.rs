//! s6's on-disk formats.
pub mod logdir;
