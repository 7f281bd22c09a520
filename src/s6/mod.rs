//! s6's formats and protocols (pure, no applet logic), one owner per format.
pub mod cmd;
pub mod control;
pub mod envdir;
pub mod finish;
pub mod ftrig;
pub mod logdir;
pub mod rc;
pub mod status;
pub mod svdir;
pub mod tally;
