//! The live state of the service tree, kept by PID 1, and the channel its
//! clients (`s6-rc`) use. Under `/run/s6/rc/`:
//!
//! - `sources`: the source directories PID 1 read, one a line, in order
//!   (clients read the same tree: `s6-rc-db`, `s6-rc list`);
//! - `state`: the atomic services that are up, one name a line, rewritten
//!   (`state.new`, then a rename) after each transition;
//! - `control`: a unix datagram socket PID 1 reads (mode 0600: its owner
//!   and root may ask). A request is one datagram, `VERB\0TIMEOUT\0NAME\0…NAME`,
//!   VERB `u`, `d`, or `D` (down, essential services too), then the
//!   client's verbosity in decimal (none: 1), TIMEOUT in ms (0: none), with
//!   four descriptors (SCM_RIGHTS): the write end of a pipe the client
//!   reads, and the client's stdin, stdout and stderr, which the oneshots
//!   of its change get as theirs (s6-rc's runner gets its client's
//!   0, 1, 2 so). PID 1 writes to the pipe, without waiting, the `s6-rc:`
//!   lines of the change the client's verbosity asks for, as they happen,
//!   then a NUL and one byte when the change is over: its exit code (0
//!   done, 1 a transition failed, 2 timed out, 3 unknown name), or `BUSY`
//!   while another change (the boot included) runs; then it closes it.
use super::Db;
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::fd::{AsFd, AsRawFd, OwnedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

pub const DIR: &CStr = c"/run/s6/rc";
pub const CONTROL: &CStr = c"/run/s6/rc/control";
pub const SOURCES: &CStr = c"/run/s6/rc/sources";
pub const STATE: &CStr = c"/run/s6/rc/state";
/// The reply while another change runs.
pub const BUSY: u8 = 254;

/// A request's VERB: (up, stop essential services too, verbosity).
pub fn verb(v: &[u8]) -> (bool, bool, u8) {
    let level = crate::base::num::parse_u64(v.get(1..).unwrap_or(b"")).map_or(1, |n| n.min(9) as u8);
    (v.first() == Some(&b'u'), v.first() == Some(&b'D'), level)
}

fn write_file(path: &CStr, tmp: &CStr, parts: &mut dyn Iterator<Item = &[u8]>) -> Result<(), Errno> {
    let f =
        fs::open(tmp, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC, Mode::from_raw_mode(0o644))?;
    let mut buf = [0u8; 1024];
    let mut n = 0;
    for p in parts.flat_map(|p| [p, b"\n"]) {
        for &c in p {
            if n == buf.len() {
                crate::sys::fd::write_all(f.as_fd(), &buf)?;
                n = 0;
            }
            buf[n] = c;
            n += 1;
        }
    }
    crate::sys::fd::write_all(f.as_fd(), &buf[..n])?;
    fs::rename(tmp, path)
}

/// Make `/run/s6/rc`, record the sources, open the control fifo.
pub fn publish(srcs: &[&[u8]]) -> Option<OwnedFd> {
    let _ = fs::mkdir(DIR, Mode::from_raw_mode(0o755));
    let _ = write_file(SOURCES, c"/run/s6/rc/sources.new", &mut srcs.iter().copied());
    let _ = fs::unlink(CONTROL);
    let s = raw::unix_dgram(Some(CONTROL)).ok()?;
    fs::chmod(CONTROL, Mode::from_raw_mode(0o600)).ok()?;
    Some(s)
}

/// The client's side: send `req` with a new pipe's write end and our 0,
/// 1, 2; returns the pipe's read end.
pub fn send(req: &[u8]) -> Result<OwnedFd, Errno> {
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    raw::send_fds(&raw::unix_dgram(None)?, CONTROL, req, [w.as_raw_fd(), 0, 1, 2])?;
    Ok(r)
}

/// PID 1's side: the next request, without waiting (`Err(AGAIN)`: none
/// left), with its four descriptors (`None`: it came without them), the
/// pipe made non-blocking.
pub fn recv(sock: &OwnedFd, buf: &mut [u8]) -> Result<(usize, Option<[OwnedFd; 4]>), Errno> {
    let mut fds = [None, None, None, None];
    let n = raw::recv_fds(sock, buf, &mut fds)?;
    let [Some(w), Some(i), Some(o), Some(e)] = fds else { return Ok((n, None)) };
    fs::fcntl_setfl(&w, OFlags::NONBLOCK)?;
    Ok((n, Some([w, i, o, e])))
}

/// Rewrite `state` from `up`.
pub fn write_state(db: &Db, up: &[bool]) {
    let mut it = db.svcs.iter().zip(up).filter(|(s, u)| **u && s.atomic()).map(|(s, _)| s.name);
    let _ = write_file(STATE, c"/run/s6/rc/state.new", &mut it);
}

/// The whole of a small file (into the arena).
pub fn slurp(path: &CStr) -> Result<&'static [u8], Errno> {
    let f = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let size = fs::fstat(&f)?.st_size.clamp(0, 1 << 20) as usize;
    let buf = arena::alloc_bytes(size, 1)?;
    let mut k = 0;
    while k < size {
        match rustix::io::read(&f, &mut buf[k..])? {
            0 => break,
            r => k += r,
        }
    }
    Ok(&buf[..k])
}

/// The tree PID 1 runs, and which of its services are up.
pub fn read() -> Result<(Db, &'static mut [bool]), Errno> {
    let srcs = slurp(SOURCES)?;
    let mut v: heapless::Vec<&[u8], 4> = heapless::Vec::new();
    for l in srcs.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
        let _ = v.push(l);
    }
    let db = super::source::load(&v).map_err(|e| e.errno.unwrap_or(Errno::INVAL))?;
    let up = arena::alloc_slice(db.svcs.len(), false)?;
    for name in slurp(STATE).unwrap_or(b"").split(|&c| c == b'\n') {
        if let Some(i) = db.find(name) {
            up[i as usize] = true;
        }
    }
    Ok((db, up))
}
