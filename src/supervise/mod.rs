//! The supervision engine shared by `/init`, the s6 clients and s6-rc:
//! floor 5, above the s6 formats, below the applets.
//!
//! - `machine`: one service as a pure state machine (`step`);
//! - `service`: the table and the I/O that runs the machine's actions;
//! - `scan`: s6-svscan's part (scan directory, rescans, loggers);
//! - `script`: how `run`, `finish` and stage scripts are executed;
//! - `wait`: `Goal`/`Waiter`, subscribing to `event/` fifodirs.
pub mod machine;
pub mod scan;
pub mod script;
pub mod service;
pub mod wait;

pub use scan::{Prune, ScanCmd};
pub use service::{MAX_SERVICES, NAME_MAX, SCANDIR, Supervisor, Watch};
