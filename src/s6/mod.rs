//! s6's formats and protocols (pure, no applet logic).
pub mod rc;
pub mod logdir;
