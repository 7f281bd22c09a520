//! s6's formats and protocols (pure, no applet logic).
pub mod cmd;
pub mod control;
pub mod envdir;
pub mod logdir;
pub mod rc;
pub mod tally;
