//! Path helpers.
use core::ffi::CStr;
use rustix::fs::{self, CWD};
use rustix::io::Errno;

/// The last component of `p` (`basename`, without trailing-slash handling
/// beyond ignoring them).
pub fn basename(p: &[u8]) -> &[u8] {
    let mut end = p.len();
    while end > 1 && p[end - 1] == b'/' {
        end -= 1;
    }
    let p = &p[..end];
    match p.iter().rposition(|&c| c == b'/') {
        Some(i) if p.len() > 1 => &p[i + 1..],
        _ => p,
    }
}

pub const PATH_MAX: usize = 4096;
/// Most symlinks followed in one resolution (musl's `SYMLOOP_MAX`).
const SYMLOOP_MAX: u32 = 40;

/// `path` with every symlink, `.` and `..` resolved, as `realpath(3)`
/// (each component must exist; no `/proc` needed): its length in `out`.
pub fn realpath(path: &[u8], out: &mut [u8; PATH_MAX]) -> Result<usize, Errno> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    // What is left to resolve, kept at the end of `rest`.
    let mut rest = [0u8; PATH_MAX];
    let mut at = PATH_MAX.checked_sub(path.len()).ok_or(Errno::NAMETOOLONG)?;
    rest[at..].copy_from_slice(path);
    let mut n = 0;
    if path[0] != b'/' {
        n = crate::sys::raw::getcwd(&mut out[..])?;
        if n == 1 {
            n = 0;
        }
    }
    let mut links = 0;
    // The path must name a directory (a final slash, or more to come).
    let mut want_dir;
    while at < PATH_MAX {
        while at < PATH_MAX && rest[at] == b'/' {
            at += 1;
        }
        let len = rest[at..].iter().position(|&c| c == b'/').unwrap_or(PATH_MAX - at);
        if len == 0 {
            break;
        }
        let (name_at, next) = (at, at + len);
        want_dir = next < PATH_MAX;
        at = next;
        match &rest[name_at..next] {
            b"." => continue,
            b".." => {
                n = out[..n].iter().rposition(|&c| c == b'/').unwrap_or(0);
                continue;
            }
            _ => {}
        }
        let before = n;
        if n + 1 + len + 1 > PATH_MAX {
            return Err(Errno::NAMETOOLONG);
        }
        out[n] = b'/';
        out[n + 1..n + 1 + len].copy_from_slice(&rest[name_at..next]);
        n += 1 + len;
        out[n] = 0;
        let here = CStr::from_bytes_with_nul(&out[..=n]).map_err(|_| Errno::INVAL)?;
        let st = fs::lstat(here)?;
        match fs::FileType::from_raw_mode(st.st_mode) {
            fs::FileType::Symlink => {
                links += 1;
                if links > SYMLOOP_MAX {
                    return Err(Errno::LOOP);
                }
                let mut target = [0u8; PATH_MAX];
                let k = fs::readlinkat_raw(CWD, here, &mut target[..])?;
                // The target goes before what is left, with a slash between.
                let need = k + usize::from(at < PATH_MAX);
                let start = at.checked_sub(need).ok_or(Errno::NAMETOOLONG)?;
                rest[start..start + k].copy_from_slice(&target[..k]);
                if at < PATH_MAX {
                    rest[start + k] = b'/';
                }
                at = start;
                n = if target.first() == Some(&b'/') { 0 } else { before };
            }
            fs::FileType::Directory => {}
            _ if want_dir => return Err(Errno::NOTDIR),
            _ => {}
        }
    }
    if n == 0 {
        out[0] = b'/';
        n = 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names() {
        assert_eq!(basename(b"/init"), b"init");
        assert_eq!(basename(b"init"), b"init");
        assert_eq!(basename(b"/usr/bin/with-contenv"), b"with-contenv");
        assert_eq!(basename(b"a/b/"), b"b");
        assert_eq!(basename(b"/"), b"/");
    }
}
