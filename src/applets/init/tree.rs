//! The processes below us, for when rs6 is not PID 1 and must not signal
//! anything outside its own tree (`kill(-1)` would reach the whole host).
//!
//! We are a child subreaper, so every orphan below us is re-parented to us
//! and "our descendants" is the transitive closure of the ppid relation
//! rooted at our pid, read from `/proc/*/stat`.
use rustix::fd::AsFd;
use rustix::fd::OwnedFd;
use rustix::fs::{self, Mode, OFlags};
use rustix::process::Pid;

/// Most descendants signalled in one pass; a larger tree is handled over
/// several passes (each TERM/KILL round rescans).
pub const MAX_TREE: usize = 4096;

/// Signal every descendant of `me` but `spare` with `sig`; with
/// `outsiders` (`me` is the namespace's init), the processes whose parent
/// is outside the namespace too (`docker exec`'s: their parent pid reads
/// 0), and theirs. Returns how many were signalled.
pub fn signal_descendants(me: Pid, sig: u32, spare: Option<Pid>, outsiders: bool) -> usize {
    let mut set = heapless::Vec::<i32, MAX_TREE>::new();
    let _ = set.push(me.as_raw_nonzero().get());
    if outsiders {
        let _ = set.push(0);
    }
    let roots = set.len();
    // Repeat until a pass adds nothing: a child listed after its parent is
    // found in the same pass, one listed before it in the next.
    loop {
        let before = set.len();
        let Ok(proc) = fs::open(c"/proc", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) else {
            break;
        };
        for_each_process(&proc, |pid, ppid| {
            if set.contains(&ppid) && !set.contains(&pid) {
                let _ = set.push(pid);
            }
        });
        if set.len() == before || set.is_full() {
            break;
        }
    }
    let mut n = 0;
    for &pid in set.iter().skip(roots) {
        if let Some(p) = Pid::from_raw(pid)
            && Some(p) != spare
            && crate::sys::raw::kill_pid(p, sig).is_ok()
        {
            n += 1;
        }
    }
    n
}

fn for_each_process(proc: &OwnedFd, mut f: impl FnMut(i32, i32)) {
    let _ = crate::base::fs::for_each_entry(proc.as_fd(), &mut |name, _| {
        let name = name.to_bytes();
        // Only the numeric entries are processes: no stat read for the rest.
        if let Some(pid) = crate::base::num::parse_u64(name)
            && let Some(ppid) = read_ppid(proc, name)
        {
            f(pid as i32, ppid);
        }
        Ok(())
    });
}

/// The ppid field of `/proc/PID/stat` (the fourth field, after the
/// parenthesised command name, which may itself contain spaces and ')').
fn read_ppid(proc: &OwnedFd, pid: &[u8]) -> Option<i32> {
    let mut path = heapless::Vec::<u8, 32>::new();
    path.extend_from_slice(pid).ok()?;
    path.extend_from_slice(b"/stat").ok()?;
    let fd = fs::openat(proc, &path[..], OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut buf = [0u8; 512];
    let n = rustix::io::read(&fd, &mut buf).ok()?;
    parse_ppid(&buf[..n])
}

pub fn parse_ppid(stat: &[u8]) -> Option<i32> {
    let close = stat.iter().rposition(|&c| c == b')')?;
    let mut fields = stat[close + 1..].split(|&c| c == b' ').filter(|f| !f.is_empty());
    let _state = fields.next()?;
    let ppid = fields.next()?;
    crate::base::num::parse_u64(ppid).map(|v| v as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn ppid_after_odd_names() {
        assert_eq!(parse_ppid(b"42 (sh) S 7 42 42 0"), Some(7));
        assert_eq!(parse_ppid(b"42 (a) b) (c) R 1 42"), Some(1));
        assert_eq!(parse_ppid(b"garbage"), None);
    }
}
