//! Privilege drop: supplementary groups, then gid, then uid.
//!
//! rs6 is single-threaded, so the raw system calls (which act on the calling
//! thread only) change the credentials of the whole process; no libc-style
//! broadcast to other threads is needed.
//!
//! The order is the only safe one: groups and gid can no longer be changed
//! once the uid is dropped. Fail closed: the first step that fails stops the
//! sequence and is returned, and the caller must not run anything then.

use rustix::io::Errno;

/// Which step of [`drop_to`] failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    Setgroups,
    Setgid,
    Setuid,
}

/// Set the supplementary groups (when `groups` is `Some`), then the gid, then
/// the uid.
pub fn drop_to(uid: u32, gid: u32, groups: Option<&[u32]>) -> Result<(), (Step, Errno)> {
    if let Some(g) = groups {
        super::raw::setgroups(g).map_err(|e| (Step::Setgroups, e))?;
    }
    super::raw::setgid(gid).map_err(|e| (Step::Setgid, e))?;
    super::raw::setuid(uid).map_err(|e| (Step::Setuid, e))
}
