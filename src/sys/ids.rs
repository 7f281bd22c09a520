//! Privilege drop: supplementary groups, then gid, then uid.
//!
//! rs6 is single-threaded, so the raw system calls (which act on the calling
//! thread only) change the credentials of the whole process; no libc-style
//! broadcast to other threads is needed.
//!
//! The order is the only safe one: groups and gid can no longer be changed
//! once the uid is dropped. Fail closed: the first step that fails stops the
//! sequence and is returned, and the caller must not run anything then.

use core::sync::atomic::{AtomicBool, Ordering};
use rustix::io::Errno;
use rustix::process::{DumpableBehavior, Pid};

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

/// The process was started with effective ids that are not its real ones
/// (the binary's setuid bit) and, being PID 1, kept them for now.
static KEPT: AtomicBool = AtomicBool::new(false);

/// At entry, before anything else (before a file is opened). When the
/// process runs as root for a user that is not (the binary's setuid-root
/// bit, as s6-overlay installs its `s6-overlay-suexec`), PID 1 keeps root
/// for now, to make `/run` its user's ([`kept`]); any other process drops
/// to its real ids at once. Other mixes of ids are left as they are.
pub fn at_entry() -> Result<(), (Step, Errno)> {
    use rustix::process::{geteuid, getuid};
    if !geteuid().is_root() || getuid().is_root() {
        return Ok(());
    }
    if rustix::process::getpid() == Pid::INIT {
        KEPT.store(true, Ordering::Relaxed);
        return Ok(());
    }
    drop_kept()
}

/// PID 1 still has the ids its setuid bit gave it.
pub fn kept() -> bool {
    KEPT.load(Ordering::Relaxed)
}

/// Drop to the real ids for good (real, effective and saved; the
/// supplementary groups stay the ones the process was started with), and
/// be dumpable again (a change of ids turned that off). The caller must
/// not run anything when this fails.
pub fn drop_kept() -> Result<(), (Step, Errno)> {
    use rustix::process::{getegid, geteuid, getgid, getuid};
    KEPT.store(false, Ordering::Relaxed);
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    super::raw::setresgid(gid).map_err(|e| (Step::Setgid, e))?;
    super::raw::setresuid(uid).map_err(|e| (Step::Setuid, e))?;
    if geteuid().as_raw() != uid || getegid().as_raw() != gid {
        return Err((Step::Setuid, Errno::PERM));
    }
    // A parent's SECBIT_NO_SETUID_FIXUP would have kept the capabilities
    // across the change of uid: none is kept.
    super::raw::caps_clear().map_err(|e| (Step::Setuid, e))?;
    if super::raw::caps_any().map_err(|e| (Step::Setuid, e))? {
        return Err((Step::Setuid, Errno::PERM));
    }
    let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::Dumpable);
    Ok(())
}
