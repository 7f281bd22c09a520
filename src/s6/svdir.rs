//! A service directory's `supervise/` files, from both sides: what the
//! clients (`s6-svc`, `s6-svok`, `s6-svstat`, `s6-svdt`, `s6-svscanctl`) read
//! and write, and the status writer a supervisor uses. Compatible with s6
//! 2.11 to 2.15 (skarnet's libs6 `s6_svc_ok`, `s6_svc_writectl`,
//! `s6_svstatus_read`/`_write`, `s6_dtally_read`).
//!
//! Every function takes the service (or scan) directory as a descriptor,
//! as `open` returns it or as a supervisor keeps it, and names the files
//! relative to it.
//!
//! - "Supervised" means that someone holds a lock on `supervise/lock`: it
//!   is tested with `F_GETLK` on a read-only descriptor, so the test never
//!   takes the lock itself (a supervisor starting at that moment cannot
//!   fail because of it). A POSIX or an open-file-description lock both count.
//! - A control fifo is opened non-blocking, so that a missing reader is an
//!   error (ENXIO) and not a hang, then made blocking for one `write` of all
//!   the command bytes (at most `PIPE_BUF`, so they arrive together).
//! - `status` is replaced atomically, as s6 does: written as `status.new`,
//!   then put in its place in one step. A file is never written while it is
//!   named `status`. Unlike s6, the step is an exchange (renamed over only
//!   the first time): `status.new` stays, holding the previous status, and
//!   is the next change's file, so that no inode or block is freed at each
//!   change (see `base::fs::swap_in`). s6's readers open `status` and read
//!   it at once; one that held it open across two changes of the service
//!   would read the newer status.
use super::status::{STATUS_SIZE, Status};
use crate::base::fs::{Sizes, first_line, read_full};
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Flock, FlockType};

/// A control fifo and the directory that holds it.
pub struct Ctl {
    pub dir: &'static CStr,
    pub fifo: &'static CStr,
}
/// `supervise/control` of a service directory (s6-svc).
pub const SUPERVISE: Ctl = Ctl { dir: c"supervise", fifo: c"supervise/control" };
/// `.s6-svscan/control` of a scan directory (s6-svscanctl).
pub const SVSCAN: Ctl = Ctl { dir: c".s6-svscan", fifo: c".s6-svscan/control" };

pub const STATUS: &CStr = c"supervise/status";
pub const STATUS_NEW: &CStr = c"supervise/status.new";
pub const LOCK: &CStr = c"supervise/lock";
pub const DEATH_TALLY: &CStr = c"supervise/death_tally";

/// Open a service or scan directory as a base for the calls below
/// (`O_PATH`: it needs no read permission, as a path would not).
pub fn open(path: &CStr) -> Result<OwnedFd, Errno> {
    fs::open(path, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
}

/// Why a control command did not reach the supervisor (skalibs'
/// `s6_svc_writectl` return values 0, -1 and -2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CtlError {
    /// No supervisor: the fifo has no reader, or `supervise/` is missing.
    NotListening,
    /// A system call failed (s6: "unable to control DIR").
    Sys(Errno),
    /// The fifo's directory exists but the fifo cannot be opened (s6:
    /// "something is wrong with the DIR/supervise directory").
    BadDir(Errno),
}

/// Write `data` to `ctl`'s fifo under `dir` in one `write`.
pub fn write_control(dir: BorrowedFd<'_>, ctl: &Ctl, data: &[u8]) -> Result<(), CtlError> {
    let f = match fs::openat(dir, ctl.fifo, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) {
        Ok(f) => f,
        Err(Errno::NXIO) => return Err(CtlError::NotListening),
        Err(e @ (Errno::NOENT | Errno::NOTDIR | Errno::ISDIR)) => {
            return match fs::openat(dir, ctl.dir, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
                Err(Errno::NOENT) => Err(CtlError::NotListening),
                Err(e2) => Err(CtlError::BadDir(e2)),
                Ok(_) => Err(CtlError::BadDir(e)),
            };
        }
        Err(e) => return Err(CtlError::Sys(e)),
    };
    fs::fcntl_setfl(&f, OFlags::empty()).map_err(CtlError::Sys)?;
    if !data.is_empty() {
        loop {
            match rustix::io::write(&f, data) {
                Err(Errno::INTR) => {}
                Err(e) => return Err(CtlError::Sys(e)),
                Ok(_) => break,
            }
        }
    }
    Ok(())
}

/// Does a supervisor hold `supervise/lock`? (`Ok(false)` when there is no
/// such file.)
pub fn is_supervised(dir: BorrowedFd<'_>) -> Result<bool, Errno> {
    let f = match fs::openat(dir, LOCK, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) {
        Ok(f) => f,
        Err(Errno::NOENT) => return Ok(false),
        Err(e) => return Err(e),
    };
    Ok(rustix::process::fcntl_getlk(&f, &Flock::from(FlockType::ReadLock))?.is_some())
}

/// Does someone hold a lock on `dir/name` (tested as [`is_supervised`]
/// does)? A missing or unreadable file is not locked.
pub fn held(dir: BorrowedFd<'_>, name: &CStr) -> bool {
    fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
        .and_then(|f| rustix::process::fcntl_getlk(&f, &Flock::from(FlockType::ReadLock)))
        .is_ok_and(|l| l.is_some())
}

/// `supervise/status`. A file shorter than 35 bytes is an error (EPIPE, as
/// skalibs reports a short read).
pub fn read_status(dir: BorrowedFd<'_>) -> Result<Status, Errno> {
    let f = fs::openat(dir, STATUS, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    let mut b = [0u8; STATUS_SIZE];
    if read_full(f.as_fd(), &mut b)? < STATUS_SIZE {
        return Err(Errno::PIPE);
    }
    Ok(Status::unpack(&b))
}

/// Replace `supervise/status` atomically, through `status.new`
/// (`base::fs::replace_sized`, `sz` being what the caller, its only
/// writer, knows of the two files). `first`: `supervise/` was just made,
/// so neither file exists yet (`base::fs::create_atomic`).
pub fn write_status(dir: BorrowedFd<'_>, st: &Status, first: bool, sz: &mut Sizes) -> Result<(), Errno> {
    let b = st.pack();
    if first {
        match crate::base::fs::create_atomic(dir, STATUS_NEW, STATUS, &[&b], 0o644) {
            Err(Errno::EXIST) => *sz = Sizes::UNKNOWN,
            r => {
                if r.is_ok() {
                    *sz = Sizes { name: Some(b.len() as u64), tmp: Some(0) };
                }
                return r;
            }
        }
    }
    crate::base::fs::replace_sized(dir, STATUS_NEW, STATUS, &[&b], 0o644, sz)
}

/// [`write_status`] where `status` is a link to a file that stays (see
/// `supervise::scan::FIRST_STATUS`) and `status.new` does not exist: the
/// link is replaced (`base::fs::replace_link`), the shared file untouched.
pub fn write_status_over_link(dir: BorrowedFd<'_>, st: &Status, sz: &mut Sizes) -> Result<(), Errno> {
    let b = st.pack();
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mode = Mode::from_raw_mode(0o644);
    // Left by a replacement cut short, maybe a name of the shared file:
    // made anew.
    let f = match fs::openat(dir, STATUS_NEW, flags, mode) {
        Err(Errno::EXIST) => {
            fs::unlinkat(dir, STATUS_NEW, AtFlags::empty())?;
            fs::openat(dir, STATUS_NEW, flags, mode)?
        }
        r => r?,
    };
    crate::sys::fd::write_all(f.as_fd(), &b)?;
    drop(f);
    crate::base::fs::replace_link(dir, STATUS_NEW, STATUS)?;
    *sz = Sizes { name: Some(b.len() as u64), tmp: Some(0) };
    Ok(())
}

/// Does `dir/down` exist? (The service is then "normally down".)
pub fn has_down_file(dir: BorrowedFd<'_>) -> Result<bool, Errno> {
    match fs::statat(dir, c"down", AtFlags::empty()) {
        Ok(_) => Ok(true),
        Err(Errno::NOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The largest `notification-fd` s6-supervise takes (0 is refused too).
pub const NOTIFICATION_FD_MAX: u64 = 1023;

/// The first line of `dir/name` as a number: `Ok(None)` when the file
/// does not exist, `Err` when it is not a number (`timeout-kill`,
/// `timeout-finish`, `notification-fd`, `max-death-tally`).
#[allow(clippy::result_unit_err)] // one reason only: not a number
pub fn read_number(dir: BorrowedFd<'_>, name: &CStr) -> Result<Option<u64>, ()> {
    let mut buf = [0u8; 32];
    match first_line(dir, name, &mut buf) {
        Some(l) => crate::base::num::parse_u64(l).map(Some).ok_or(()),
        None => Ok(None),
    }
}

/// Does `dir/name` exist (a flag file such as `down`)?
pub fn exists(dir: BorrowedFd<'_>, name: &CStr) -> bool {
    fs::statat(dir, name, AtFlags::empty()).is_ok()
}

/// Is `dir` supervised? A missing directory is not.
pub fn supervised(dir: &CStr) -> Result<bool, Errno> {
    match open(dir) {
        Ok(fd) => is_supervised(fd.as_fd()),
        Err(Errno::NOENT) => Ok(false),
        Err(e) => Err(e),
    }
}
