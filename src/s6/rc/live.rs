//! The live state of the service tree, kept by PID 1, and the channel its
//! clients (`s6-rc`) use. Under `/run/s6/rc/`:
//!
//! - `db`: the tree PID 1 read at boot, as it read it (clients see that
//!   tree, as s6-rc's see the database compiled at boot, whatever happens
//!   to the source directories later): a header (`rs6-rc 1`), then per service
//!   its kind, internal role and essential flag (three bytes), then its
//!   fields as netstrings (`LEN:BYTES,`);
//! - `state`: the atomic services that are up, one name a line, rewritten
//!   (`state.new`, then a rename) after each transition;
//! - `control`: a unix datagram socket PID 1 reads (mode 0600: its owner
//!   and root may ask). A request is one datagram, `VERB\0TIMEOUT\0NAME\0…NAME`,
//!   VERB `u`, `d`, or `D` (down, essential services too), then the
//!   client's verbosity in decimal (none: 1), or `a` (the client of the
//!   change that runs got SIGTERM or SIGINT: stop it, as s6-rc), TIMEOUT in ms (0: none), with
//!   four descriptors (SCM_RIGHTS): the write end of a pipe the client
//!   reads, and the client's stdin, stdout and stderr, which the oneshots
//!   of its change get as theirs (s6-rc's runner gets its client's
//!   0, 1, 2 so). PID 1 writes to the pipe, without waiting, the `s6-rc:`
//!   lines of the change the client's verbosity asks for, as they happen,
//!   then a NUL and one byte when the change is over: its exit code (0
//!   done, 1 a transition failed, 2 timed out, 3 unknown name), or `BUSY`
//!   while another change (the boot included) runs; then it closes it.
use super::{Db, Internal, Kind, Svc};
use crate::base::fs::read_at;
use crate::sys::{arena, fd};
use core::ffi::CStr;
use core::mem::MaybeUninit;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::io::{Errno, IoSlice, IoSliceMut};
use rustix::net::{
    self, AddressFamily, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags, SocketAddrUnix, SocketFlags, SocketType,
};

pub const DIR: &CStr = c"/run/s6/rc";
pub const CONTROL: &CStr = c"/run/s6/rc/control";
pub const DB: &CStr = c"/run/s6/rc/db";
pub const STATE: &CStr = c"/run/s6/rc/state";
/// The reply while another change runs.
pub const BUSY: u8 = 254;

/// A request's VERB: (up, stop essential services too, verbosity).
pub fn verb(v: &[u8]) -> (bool, bool, u8) {
    let level = crate::base::num::parse_u64(v.get(1..).unwrap_or(b"")).map_or(1, |n| n.min(9) as u8);
    (v.first() == Some(&b'u'), v.first() == Some(&b'D'), level)
}

/// Write `parts` to `tmp`, each followed by `sep`, then rename it to `path`.
fn write_file(path: &CStr, tmp: &CStr, parts: &mut dyn Iterator<Item = &[u8]>, sep: &[u8]) -> Result<(), Errno> {
    let f =
        fs::open(tmp, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC, Mode::from_raw_mode(0o644))?;
    let mut buf = [0u8; 1024];
    let mut n = 0;
    for p in parts.flat_map(|p| [p, sep]) {
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

/// Make `/run/s6/rc`, record the tree, open the control socket. Also
/// `/run/s6-rc/servicedirs`, a link to the scan directory, where v3 has
/// its longruns' directories (scripts and healthchecks name them there).
pub fn publish(db: &Db) -> Option<OwnedFd> {
    let _ = fs::mkdir(c"/run/s6-rc", Mode::from_raw_mode(0o755));
    if fs::symlink(c"../service", c"/run/s6-rc/servicedirs") == Err(Errno::EXIST) {
        let _ = fs::unlink(c"/run/s6-rc/servicedirs");
        let _ = fs::symlink(c"../service", c"/run/s6-rc/servicedirs");
    }
    let _ = fs::mkdir(DIR, Mode::from_raw_mode(0o755));
    if let Ok(b) = encode(db) {
        let _ = write_file(DB, c"/run/s6/rc/db.new", &mut core::iter::once(b), b"");
    }
    let _ = fs::unlink(CONTROL);
    let s = socket(SocketFlags::NONBLOCK).ok()?;
    net::bind(&s, &SocketAddrUnix::new(CONTROL).ok()?).ok()?;
    fs::chmod(CONTROL, Mode::from_raw_mode(0o600)).ok()?;
    Some(s)
}

const MAGIC: &[u8] = b"rs6-rc 1\n";
const KINDS: [Kind; 3] = [Kind::Oneshot, Kind::Longrun, Kind::Bundle];
const ROLES: [Internal; 4] = [Internal::No, Internal::FixAttrs, Internal::ContInit, Internal::LegacyServices];

/// Append `v` as a netstring to `out` at `*at` (`out` empty: only count).
fn net(out: &mut [u8], at: &mut usize, v: &[u8]) {
    let mut len = itoa::Buffer::new();
    for part in [len.format(v.len()).as_bytes(), b":", v, b","] {
        if let Some(d) = out.get_mut(*at..*at + part.len()) {
            d.copy_from_slice(part);
        }
        *at += part.len();
    }
}

/// Append every service of `db` (see `db` above); returns the length.
fn put(db: &Db, out: &mut [u8]) -> usize {
    let mut at = 0;
    net(out, &mut at, MAGIC);
    for s in db.svcs {
        let k = KINDS.iter().position(|&k| k == s.kind).unwrap_or(2) as u8;
        let r = ROLES.iter().position(|&r| r == s.internal).unwrap_or(0) as u8;
        net(out, &mut at, &[b'0' + k, b'0' + r, b'0' + s.essential as u8]);
        let (mut t, mut u) = (itoa::Buffer::new(), itoa::Buffer::new());
        let (t, u) = (t.format(s.timeout_up).as_bytes(), u.format(s.timeout_down).as_bytes());
        for f in [s.name, s.src, s.up.to_bytes_with_nul(), s.down.to_bytes_with_nul(), s.raw, s.raw_file] {
            net(out, &mut at, f);
        }
        for f in [s.producer_for, s.consumer_for, s.pipeline, t, u] {
            net(out, &mut at, f);
        }
    }
    at
}

/// `db` as the bytes of the file.
pub fn encode(db: &Db) -> Result<&'static [u8], Errno> {
    let out = arena::alloc_slice(put(db, &mut []), 0u8)?;
    put(db, out);
    Ok(out)
}

/// The next netstring of `b` at `*at`.
fn take(b: &'static [u8], at: &mut usize) -> Option<&'static [u8]> {
    let colon = *at + b.get(*at..)?.iter().position(|&c| c == b':')?;
    let n = crate::base::num::parse_u64(&b[*at..colon])? as usize;
    let end = colon.checked_add(1)?.checked_add(n)?;
    let v = b.get(colon + 1..end)?;
    (b.get(end) == Some(&b',')).then_some(())?;
    *at = end + 1;
    Some(v)
}

/// The tree `encode` wrote, resolved again.
pub fn decode(b: &'static [u8]) -> Option<Db> {
    const N: usize = 12;
    let mut at = 0;
    (take(b, &mut at)? == MAGIC).then_some(())?;
    let start = at;
    let mut n = 0;
    while at < b.len() {
        for _ in 0..N {
            take(b, &mut at)?;
        }
        n += 1;
    }
    if n > super::MAX {
        return None;
    }
    let svcs = arena::alloc_with(n, |_| Svc::new(b"", Kind::Bundle)).ok()?;
    at = start;
    for s in svcs.iter_mut() {
        let mut f = [&b""[..]; N];
        for v in f.iter_mut() {
            *v = take(b, &mut at)?;
        }
        let [kre, name, src, up, down, raw, raw_file, producer_for, consumer_for, pipeline, t, u] = f;
        let [k, r, e] = *kre else { return None };
        *s = Svc {
            src,
            internal: *ROLES.get(r.wrapping_sub(b'0') as usize)?,
            essential: match e {
                b'0' => false,
                b'1' => true,
                _ => return None,
            },
            timeout_up: crate::base::num::parse_u64(t)?.try_into().ok()?,
            timeout_down: crate::base::num::parse_u64(u)?.try_into().ok()?,
            up: CStr::from_bytes_with_nul(up).ok()?,
            down: CStr::from_bytes_with_nul(down).ok()?,
            raw,
            raw_file,
            producer_for,
            consumer_for,
            pipeline,
            ..Svc::new(name, *KINDS.get(k.wrapping_sub(b'0') as usize)?)
        };
    }
    super::resolve(svcs).ok()
}

/// The client's side: send `req` with a new pipe's write end and our 0,
/// 1, 2; returns the pipe's read end.
pub fn send(req: &[u8]) -> Result<OwnedFd, Errno> {
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    let fds = [w.as_fd(), fd::stdin(), fd::stdout(), fd::stderr()];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(4))];
    let mut c = SendAncillaryBuffer::new(&mut space);
    c.push(SendAncillaryMessage::ScmRights(&fds));
    let to = SocketAddrUnix::new(CONTROL)?;
    net::sendmsg_addr(socket(SocketFlags::empty())?, &to, &[IoSlice::new(req)], &mut c, SendFlags::empty())?;
    Ok(r)
}

/// A close-on-exec unix datagram socket.
fn socket(flags: SocketFlags) -> Result<OwnedFd, Errno> {
    net::socket_with(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::CLOEXEC | flags, None)
}

/// PID 1's side: the next request, without waiting (`Err(AGAIN)`: none
/// left), with its four descriptors (`None`: it came without them), the
/// pipe made non-blocking.
pub fn recv(sock: &OwnedFd, buf: &mut [u8]) -> Result<(usize, Option<[OwnedFd; 4]>), Errno> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(4))];
    let mut c = RecvAncillaryBuffer::new(&mut space);
    let n = net::recvmsg(sock, &mut [IoSliceMut::new(buf)], &mut c, RecvFlags::CMSG_CLOEXEC)?.bytes;
    let mut fds = [None, None, None, None];
    for m in c.drain() {
        if let RecvAncillaryMessage::ScmRights(got) = m {
            for (slot, fd) in fds.iter_mut().zip(got) {
                *slot = Some(fd);
            }
        }
    }
    let [Some(w), Some(i), Some(o), Some(e)] = fds else { return Ok((n, None)) };
    fs::fcntl_setfl(&w, OFlags::NONBLOCK)?;
    Ok((n, Some([w, i, o, e])))
}

/// Rewrite `state` from `up`.
pub fn write_state(db: &Db, up: &[bool]) {
    let mut it = db.svcs.iter().zip(up).filter(|(s, u)| **u && s.atomic()).map(|(s, _)| s.name);
    let _ = write_file(STATE, c"/run/s6/rc/state.new", &mut it, b"\n");
}

/// The most of `db` and `state` read.
const MAX: usize = 1 << 24;

/// The tree PID 1 runs, and which of its services are up.
pub fn read() -> Result<(Db, &'static mut [bool]), Errno> {
    let db = decode(read_at(None, DB, MAX)?).ok_or(Errno::INVAL)?;
    let up = arena::alloc_slice(db.svcs.len(), false)?;
    for name in read_at(None, STATE, MAX).unwrap_or(b"").split(|&c| c == b'\n') {
        if let Some(i) = db.find(name) {
            up[i as usize] = true;
        }
    }
    Ok((db, up))
}
