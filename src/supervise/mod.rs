//! The supervision engine's parts shared by `/init`, the s6 clients and
//! s6-rc: floor 5, above the s6 formats, below the applets.
pub mod wait;
