//! s6's fifodirs (`event/` of a service directory): how waiters learn what
//! a supervisor did, byte for byte as skarnet's libs6 `ftrig1_make`,
//! `ftrigw_fifodir_make` and `ftrigw_notifyb_nosig`.
//!
//! - A listener makes a fifo `.ftrig1:@<TAI64N>:<6 random chars>` (mode
//!   0600, as `mkptemp2`) in the fifodir, opens it for reading (non-blocking) and for
//!   writing (so that it never reads EOF), then renames it without the
//!   leading dot: senders only ever see a fifo that has a reader. It
//!   unlinks the fifo when done.
//! - A sender opens every `ftrig1:@…` entry (39 bytes) write-only and
//!   non-blocking, and writes the event bytes. A fifo with no reader
//!   (ENXIO on open, EPIPE on write) is a dead listener's: it is removed.
//!   A full fifo is the listener's problem: the sender never blocks.
//!
//! A sender must block or ignore SIGPIPE (the supervisor does both).
use crate::base::tai::Tai;
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// A service directory's fifodir.
pub const EVENT: &CStr = c"event";
/// `ftrig1:@` + 24 hex digits + `:` + 6 characters.
pub const NAME_LEN: usize = 39;
const PREFIX: &[u8] = b"ftrig1:@";
/// Random names tried before a fifo's creation gives up.
const NAME_TRIES: u32 = 100;

/// Create the fifodir `at/path` if it is missing: mode 03730 (setgid,
/// sticky, group-writable), as s6 makes it. An existing one is left as it is.
pub fn make_fifodir(at: BorrowedFd<'_>, path: &CStr) -> Result<(), Errno> {
    match fs::mkdirat(at, path, Mode::from_raw_mode(0o700)) {
        Ok(()) => fs::chmodat(at, path, Mode::from_raw_mode(0o3730), AtFlags::empty()),
        Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Make the fifodir `p` as s6's `ftrigw_fifodir_make`: mode 03730 owned
/// by group `gid`, or 01733 without one; an existing directory must be
/// ours, and keeps its mode unless `force`.
pub fn fifodir_make(p: &CStr, gid: Option<u32>, force: bool) -> Result<(), Errno> {
    let old = rustix::process::umask(Mode::empty());
    let made = fs::mkdir(p, Mode::from_raw_mode(0o700));
    rustix::process::umask(old);
    if let Err(e) = made {
        if e != Errno::EXIST {
            return Err(e);
        }
        let st = fs::stat(p)?;
        if st.st_uid != rustix::process::getuid().as_raw() {
            return Err(Errno::ACCESS);
        }
        if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
            return Err(Errno::NOTDIR);
        }
        if !force {
            return Ok(());
        }
    }
    if let Some(g) = gid {
        fs::chown(p, None, Some(rustix::fs::Gid::from_raw(g)))?;
    }
    fs::chmod(p, Mode::from_raw_mode(if gid.is_some() { 0o3730 } else { 0o1733 }))
}

/// Remove the fifos of `p` named as listeners' that nobody reads (s6's
/// `ftrigw_clean`).
pub fn clean(p: &CStr) -> Result<(), Errno> {
    let dir = fs::open(p, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
    let mut err = Ok(());
    crate::base::fs::for_each_new(dir.as_fd(), &mut |name, _| {
        let b = name.to_bytes();
        if b.len() == NAME_LEN && b.starts_with(PREFIX) {
            let open = fs::openat(&dir, name, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty());
            if let Err(Errno::NXIO) = open
                && let Err(e) = fs::unlinkat(&dir, name, AtFlags::empty())
            {
                err = Err(e);
            }
        }
        Ok(())
    })?;
    err
}

/// One subscription to a fifodir.
pub struct Listener {
    dir: OwnedFd,
    /// `.ftrig1:…` then NUL; the fifo's name is `name[1..]`.
    name: [u8; NAME_LEN + 2],
    rd: OwnedFd,
    _wr: OwnedFd,
}

impl Listener {
    /// Subscribe to the fifodir `at/path`, creating it if needed (a failure
    /// to create it shows as the failure to subscribe).
    pub fn new(at: BorrowedFd<'_>, path: &CStr) -> Result<Listener, Errno> {
        let _ = make_fifodir(at, path);
        Listener::open(at, path)
    }

    /// Subscribe to the fifodir `at/path`, which must exist.
    pub fn open(at: BorrowedFd<'_>, path: &CStr) -> Result<Listener, Errno> {
        let dir = fs::openat(at, path, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
        let mut name = [0u8; NAME_LEN + 2];
        name[0] = b'.';
        name[1..8].copy_from_slice(&PREFIX[..7]);
        name[8..33].copy_from_slice(&Tai::now().to_text());
        name[33] = b':';
        let mut tries = 0;
        loop {
            crate::base::random::name(&mut name[34..40]);
            let tmp = cstr(&name);
            match fs::mknodat(&dir, tmp, FileType::Fifo, Mode::from_raw_mode(0o600), 0) {
                Err(Errno::EXIST) if tries < NAME_TRIES => tries += 1,
                Err(e) => return Err(e),
                Ok(()) => break,
            }
        }
        let tmp = cstr(&name);
        let made = (|| {
            let rd = fs::openat(&dir, tmp, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
            // 0600 whatever the umask, as s6: only its owner (and root) can
            // send this listener events.
            fs::fchmod(&rd, Mode::from_raw_mode(0o600))?;
            let wr = fs::openat(&dir, tmp, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
            fs::renameat(&dir, tmp, &dir, cstr(&name[1..]))?;
            Ok((rd, wr))
        })();
        match made {
            Ok((rd, wr)) => Ok(Listener { dir, name, rd, _wr: wr }),
            Err(e) => {
                let _ = fs::unlinkat(&dir, tmp, AtFlags::empty());
                Err(e)
            }
        }
    }

    /// The descriptor to poll for input.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.rd.as_fd()
    }

    /// The event bytes that arrived (0 when there are none yet).
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        loop {
            match rustix::io::read(&self.rd, &mut *buf) {
                Err(Errno::INTR) => {}
                Err(Errno::AGAIN) => return Ok(0),
                r => return r,
            }
        }
    }

    /// Remove the fifo (the descriptors close when the listener is dropped
    /// or the process exits). Also done on drop.
    pub fn unsubscribe(&self) {
        let _ = fs::unlinkat(&self.dir, cstr(&self.name[1..]), AtFlags::empty());
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.unsubscribe();
    }
}

/// The NUL-terminated name in `b`.
fn cstr(b: &[u8]) -> &CStr {
    CStr::from_bytes_until_nul(b).unwrap_or(c"")
}

/// Send `ev` to every listener of the fifodir `at/path`; returns how many
/// got it. Dead listeners' fifos are removed.
pub fn send(at: BorrowedFd<'_>, path: &CStr, ev: &[u8]) -> Result<usize, Errno> {
    let dir = fs::openat(at, path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
    let mut n = 0;
    crate::base::fs::for_each_new(dir.as_fd(), &mut |name, _| {
        let b = name.to_bytes();
        if b.len() != NAME_LEN || !b.starts_with(PREFIX) {
            return Ok(());
        }
        match fs::openat(&dir, name, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) {
            Ok(f) => match rustix::io::write(&f, ev) {
                Ok(k) if k == ev.len() => n += 1,
                Err(Errno::PIPE) => {
                    let _ = fs::unlinkat(&dir, name, AtFlags::empty());
                }
                _ => {}
            },
            Err(Errno::NXIO) => {
                let _ = fs::unlinkat(&dir, name, AtFlags::empty());
            }
            Err(_) => {}
        }
        Ok(())
    })?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_send_unsubscribe() {
        let tmp = std::env::temp_dir().join(format!("rs6-ftrig-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let base = fs::open(tmp.to_str().unwrap(), OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let a = Listener::new(base.as_fd(), EVENT).unwrap();
        let b = Listener::new(base.as_fd(), EVENT).unwrap();
        let ev = tmp.join("event");
        let meta = std::fs::metadata(&ev).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o7777, 0o3730);
        let mut names: Vec<String> =
            std::fs::read_dir(&ev).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names.len(), 2);
        for n in &names {
            assert_eq!(n.len(), NAME_LEN, "{n}");
            assert!(n.starts_with("ftrig1:@4000"), "{n}");
            assert_eq!(&n[32..33], ":");
        }
        // A dead listener's fifo (no reader) is removed by the sender.
        let dead = ev.join("ftrig1:@400000006b0adf5a2adb86a1:AAAAAA");
        rustix::fs::mknodat(rustix::fs::CWD, dead.to_str().unwrap(), FileType::Fifo, Mode::from_raw_mode(0o622), 0)
            .unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(a.read(&mut buf).unwrap(), 0);
        assert_eq!(send(base.as_fd(), EVENT, b"uU").unwrap(), 2);
        assert!(!dead.exists());
        assert_eq!(a.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"uU");
        assert_eq!(b.read(&mut buf).unwrap(), 2);
        drop(a);
        b.unsubscribe();
        assert_eq!(std::fs::read_dir(&ev).unwrap().count(), 0);
        assert_eq!(send(base.as_fd(), EVENT, b"d").unwrap(), 0);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
