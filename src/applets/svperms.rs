//! `s6-svperms [ -v ] [ -u | -g group | -G group | -o | -O group ]
//! [ -e | -E group ] servicedir...` (s6 2.15): who may read a service's
//! status (`supervise/`), send it commands (`supervise/control`) and
//! listen to its events (`event/`).
//!
//! - `-u`: the owner only (`supervise/` 0700, `control` 0600);
//! - `-g group`: status for the group (0710); `-G group`: status and
//!   control for the group (0710, 0620);
//! - `-o`: status for everyone (0711); `-O group`: status for everyone,
//!   control for the group (0711, 0620);
//! - `-e`: events for everyone (01733); `-E group`: for the group (03730);
//! - `-v` (the default when nothing is to change): print each setting as
//!   `DIR status: owner|public|group G`, `DIR control: owner|group G`,
//!   `DIR events: public|group G`, after any change.
//!
//! A group is a name from `/etc/group` or `:gid`. "Owner only" gives the
//! file the primary group of its owner (from `/etc/passwd`; root's when
//! there is none). Exit 0, or 1 when a directory's settings are not s6's
//! (said on stderr); 100 usage or an unknown group; 111 a failed change.
use crate::base::fs::read_or_empty;
use crate::base::getopt::Getopt;
use crate::base::io::BufOut;
use crate::base::{diag, exit, passwd};
use crate::rt::Args;
use core::ffi::CStr;
use rustix::fs::{self, FileType, Gid, Mode};

const USAGE: &[u8] = b"s6-svperms [ -v ] [ -u | -g group | -G group | -o | -O group ] [ -e | -E group ] servicedir...";

/// A group operand: `:gid`, or a name in `/etc/group`.
fn scan_gid(s: &[u8]) -> u32 {
    if let Some(n) = s.strip_prefix(b":") {
        return passwd::id(n).unwrap_or_else(|| diag::usage(USAGE));
    }
    passwd::group(read_or_empty(c"/etc/group"), s)
        .unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"unable to find entry for ", s, b" in group database"]))
}

/// The name of group `gid`, or its number.
fn gid_name(gid: u32, num: &mut itoa::Buffer) -> &[u8] {
    let groups = read_or_empty(c"/etc/group");
    let name = groups.split(|&c| c == b'\n').find_map(|line| {
        let mut f = line.split(|&c| c == b':');
        let name = f.next()?;
        (passwd::id(f.nth(1)?)? == gid).then_some(name)
    });
    name.unwrap_or_else(|| num.format(gid).as_bytes())
}

/// The primary gid of the owner of `p` (root's when unknown).
fn owner_gid(p: &CStr) -> u32 {
    let st = fs::stat(p).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to stat ", p.to_bytes()]));
    let mut uid = itoa::Buffer::new();
    let uid = uid.format(st.st_uid).as_bytes();
    let gid = read_or_empty(c"/etc/passwd").split(|&c| c == b'\n').find_map(|line| {
        let mut f = line.split(|&c| c == b':').skip(2);
        (f.next()? == uid).then(|| f.next().and_then(passwd::id)).flatten()
    });
    gid.unwrap_or_else(|| {
        diag::warn(&[b"unable to determine primary gid for the owner of ", p.to_bytes(), b" (using root instead)"]);
        0
    })
}

/// Give `p` group `gid` and mode `mode`, or die.
fn set(p: &CStr, gid: u32, mode: u32) {
    if let Err(e) = fs::chown(p, None, Some(Gid::from_raw(gid))) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chown ", p.to_bytes()]);
    }
    if let Err(e) = fs::chmod(p, Mode::from_raw_mode(mode)) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chmod ", p.to_bytes()]);
    }
}

fn path(dir: &[u8], rest: &[u8]) -> &'static CStr {
    crate::sys::arena::cstr(&[dir, rest])
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]))
}

/// Who may do what, as the options asked.
#[derive(Clone, Copy)]
enum Access {
    Owner,
    /// Status for the group; control too when `control`.
    Group {
        gid: u32,
        control: bool,
    },
    /// Status for everyone; control for the group, if one.
    Public {
        control: Option<u32>,
    },
}

fn change_supervise(dir: &[u8], a: Access) {
    let sup = path(dir, b"/supervise");
    let (gid, mode) = match a {
        Access::Owner => (owner_gid(sup), 0o700),
        Access::Group { gid, .. } => (gid, 0o710),
        Access::Public { .. } => (owner_gid(sup), 0o711),
    };
    set(sup, gid, mode);
    let control = path(dir, b"/supervise/control");
    match a {
        Access::Group { gid, control: true } | Access::Public { control: Some(gid) } => set(control, gid, 0o620),
        _ => set(control, owner_gid(control), 0o600),
    }
}

fn change_events(dir: &[u8], gid: Option<u32>) {
    let ev = path(dir, b"/event");
    match gid {
        Some(g) => set(ev, g, 0o3730),
        None => set(ev, owner_gid(ev), 0o1733),
    }
}

/// `p`'s stat if it is of type `t`; else said, `None`.
fn stat_as(p: &CStr, t: FileType, what: &[u8]) -> Option<fs::Stat> {
    match fs::stat(p) {
        Err(e) => {
            diag::warn_sys(e, &[b"unable to stat ", p.to_bytes()]);
            None
        }
        Ok(st) if FileType::from_raw_mode(st.st_mode) != t => {
            diag::warn(&[p.to_bytes(), what]);
            None
        }
        Ok(st) => Some(st),
    }
}

/// Say that `p` has a mode s6 does not make; false.
fn bad_mode(p: &CStr, mode: u32) -> bool {
    let mut b = [0u8; 11];
    let mut n = b.len();
    let mut m = mode & 0o7777;
    loop {
        n -= 1;
        b[n] = b'0' + (m & 7) as u8;
        m >>= 3;
        if m == 0 {
            break;
        }
    }
    diag::warn(&[p.to_bytes(), b" has incorrect permissions: ", &b[n..]]);
    false
}

/// Print the settings of `supervise/` and `control`; false when they are
/// not s6's.
fn print_supervise(out: &mut BufOut<'_>, dir: &[u8]) -> bool {
    let mut num = itoa::Buffer::new();
    let sup = path(dir, b"/supervise");
    let Some(st) = stat_as(sup, FileType::Directory, b" is not a directory") else { return false };
    let m = st.st_mode;
    if m & 0o5066 != 0 || m & 0o700 != 0o700 || (m & 0o1 != 0 && m & 0o10 == 0) {
        return bad_mode(sup, m);
    }
    let who: &[&[u8]] = match (m & 0o1 != 0, m & 0o10 != 0) {
        (true, _) => &[b"public"],
        (false, true) => &[b"group ", gid_name(st.st_gid, &mut num)],
        _ => &[b"owner"],
    };
    put(out, &[dir, b" status: "], who);
    let control = path(dir, b"/supervise/control");
    let Some(st) = stat_as(control, FileType::Fifo, b" is not a named pipe") else { return false };
    if st.st_mode & 0o157 != 0 {
        return bad_mode(control, st.st_mode);
    }
    let who: &[&[u8]] = if st.st_mode & 0o20 != 0 { &[b"group ", gid_name(st.st_gid, &mut num)] } else { &[b"owner"] };
    put(out, &[dir, b" control: "], who);
    true
}

/// Print the setting of `event/`; false when it is not s6's.
fn print_events(out: &mut BufOut<'_>, dir: &[u8]) -> bool {
    let mut num = itoa::Buffer::new();
    let ev = path(dir, b"/event");
    let Some(st) = stat_as(ev, FileType::Directory, b" is not a directory") else { return false };
    let who: &[&[u8]] = match st.st_mode & 0o7777 {
        0o3730 => &[b"group ", gid_name(st.st_gid, &mut num)],
        0o1733 => &[b"public"],
        m => return bad_mode(ev, m),
    };
    put(out, &[dir, b" events: "], who);
    true
}

fn put(out: &mut BufOut<'_>, head: &[&[u8]], who: &[&[u8]]) {
    let r = out.put_all(head).and_then(|_| out.put_all(who)).and_then(|_| out.write(b"\n"));
    if let Err(e) = r {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
}

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"vug:G:oO:eE:");
    let (mut show, mut access, mut events) = (false, None, None);
    while let Some((c, arg)) = g.next() {
        match c {
            b'v' => show = true,
            b'u' => access = Some(Access::Owner),
            b'g' => access = Some(Access::Group { gid: scan_gid(arg), control: false }),
            b'G' => access = Some(Access::Group { gid: scan_gid(arg), control: true }),
            b'o' => access = Some(Access::Public { control: None }),
            b'O' => access = Some(Access::Public { control: Some(scan_gid(arg)) }),
            b'e' => events = Some(None),
            b'E' => events = Some(Some(scan_gid(arg))),
            _ => diag::usage(USAGE),
        }
    }
    let dirs = args.skip(g.ind);
    if dirs.is_empty() {
        diag::usage(USAGE);
    }
    let show = show || (access.is_none() && events.is_none());
    let mut buf = [0u8; 1024];
    let mut out = BufOut::new(crate::sys::fd::stdout(), &mut buf);
    let mut ok = true;
    for dir in dirs.iter() {
        let dir = dir.to_bytes();
        if let Some(a) = access {
            change_supervise(dir, a);
        }
        if let Some(e) = events {
            change_events(dir, e);
        }
        if show {
            ok &= print_supervise(&mut out, dir);
            ok &= print_events(&mut out, dir);
        }
    }
    if let Err(e) = out.flush() {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
    if ok { exit::OK } else { exit::FALSE }
}
