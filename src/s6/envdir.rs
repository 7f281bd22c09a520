//! The container environment directory: its format, its reader (for
//! `with-contenv`, `printcontenv`, the CMD) and its writer (PID 1's snapshot).
//!
//! Format (`/run/s6/container_environment`, also reachable as
//! `/var/run/s6/container_environment`): one file per variable, the file's
//! name is the variable's, its content the value followed by `\n`. Readers
//! take the whole file and remove exactly one trailing `\n` (a file without
//! one is taken as is; an empty file is an empty variable; a NUL ends the
//! value, as in justc-envdir). Names with `=` or a leading `.` are ignored.
//! Values of any size are read whole.
use crate::base::diag;
use crate::base::num::parse_u64;
use crate::rt::Env;
use crate::sys::arena;
use crate::sys::argv::{Builder, Envp};
use core::ffi::CStr;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{self, FileType, Mode, OFlags};
use rustix::io::{Errno, IoSlice};

/// s6-overlay's PATH when the image sets none.
pub const DEFAULT_PATH: &[u8] = b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The kernel's limit for one `NAME=value` string, NUL included
/// (`MAX_ARG_STRLEN`, 32 pages): a longer one would make `execve` fail.
pub const MAX_ARG_STRLEN: usize = 32 * 4096;

/// Where PID 1 writes the snapshot.
pub const DIR: &CStr = c"/run/s6/container_environment";

/// `S6_KEEP_ENV` is set to a non-zero number in `env`.
pub fn keep_env(env: &Env) -> bool {
    env.var(b"S6_KEEP_ENV").and_then(parse_u64).is_some_and(|n| n != 0)
}

/// Is `name` usable as a variable (and file) name?
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name[0] != b'.' && !name.contains(&b'=') && !name.contains(&b'/') && !name.contains(&0)
}

/// Read a whole file (any size) into the arena.
pub fn read_all(dir: &OwnedFd, name: &[u8]) -> Result<&'static mut [u8], Errno> {
    let f =
        fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW, Mode::empty())?;
    let st = fs::fstat(&f)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(Errno::INVAL);
    }
    crate::base::fs::read_sized(f.as_fd(), st.st_size as usize, usize::MAX)
}

/// A value as stored: cut at the first NUL, one trailing `\n` removed.
pub fn value_of(raw: &[u8]) -> &[u8] {
    let v = match raw.iter().position(|&c| c == 0) {
        Some(i) => &raw[..i],
        None => raw,
    };
    v.strip_suffix(b"\n").unwrap_or(v)
}

/// Build a null-terminated envp from the directory: every variable in it,
/// plus (when the directory has no PATH) `keep_path`. A variable too long
/// for `execve` is left out with a warning (it stays readable with
/// `printcontenv`), so that the program still runs.
pub fn load(dirpath: &CStr, keep_path: Option<&[u8]>) -> Result<Envp<'static>, Errno> {
    let dir = fs::open(dirpath, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
    // Two passes: count, then fill (the directory may change in between;
    // the second pass never writes past what the first one counted + 1).
    let mut n = 0;
    for_each_name(&dir, |_| n += 1)?;
    let mut envp = Builder::alloc(n + 1)?;
    let mut has_path = false;
    let mut err = None;
    for_each_name(&dir, |name| {
        if envp.len() >= n {
            return;
        }
        match read_all(&dir, name) {
            Ok(raw) if name.len() + value_of(raw).len() + 2 > MAX_ARG_STRLEN => {
                let mut b = itoa::Buffer::new();
                let len = b.format(value_of(raw).len()).as_bytes();
                diag::warn(&[
                    b"not passing ",
                    name,
                    b": ",
                    len,
                    b" bytes is more than the kernel takes for one variable",
                ]);
            }
            Ok(raw) => match arena::cstr(&[name, b"=", value_of(raw)]) {
                Ok(s) => {
                    has_path |= name == b"PATH";
                    envp.push(s);
                }
                Err(e) => err = Some(e),
            },
            // Vanished or not a regular file: skip it.
            Err(Errno::NOENT) | Err(Errno::INVAL) | Err(Errno::LOOP) => {}
            Err(e) => err = Some(e),
        }
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    if let (false, Some(p)) = (has_path, keep_path) {
        envp.push(arena::cstr(&[b"PATH=", p])?);
    }
    Ok(envp.done())
}

fn for_each_name(dir: &OwnedFd, mut f: impl FnMut(&[u8])) -> Result<(), Errno> {
    crate::base::fs::for_each_entry(dir.as_fd(), &mut |name, _| {
        if valid_name(name.to_bytes()) {
            f(name.to_bytes());
        }
        Ok(())
    })
}

/// Write `value\n` to `dir/name`, leaving an identical file untouched and
/// never truncating to zero: on ext4 a file truncated to zero and written
/// again is flushed at close (`auto_da_alloc`), which at one file per
/// variable would dominate the start of a container that is restarted.
/// `new`: the directory was just made, so the file does not exist (it is
/// created exclusively and written once, without the checks).
pub fn write_var(dir: &OwnedFd, name: &[u8], value: &[u8], new: bool) -> Result<(), Errno> {
    match write_file(dir, name, value, new) {
        // Not a regular file (a symlink, a directory, a fifo, a socket):
        // replaced by one.
        Err(Errno::LOOP | Errno::ISDIR | Errno::SPIPE | Errno::NXIO) if !new => {
            crate::base::fs::remove_tree(dir.as_fd(), name, 32)?;
            write_file(dir, name, value, true)
        }
        r => r,
    }
}

fn write_file(dir: &OwnedFd, name: &[u8], value: &[u8], new: bool) -> Result<(), Errno> {
    let excl = if new { OFlags::EXCL } else { OFlags::empty() };
    let f = fs::openat(
        dir,
        name,
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC | excl,
        Mode::from_raw_mode(0o644),
    )?;
    let len = value.len() as u64 + 1;
    if !new && same(&f, value)? {
        return Ok(());
    }
    // `value` and its newline in one call (the rest, if it was cut short).
    let n = match rustix::io::pwritev(&f, &[IoSlice::new(value), IoSlice::new(b"\n")], 0) {
        Ok(n) => n,
        Err(Errno::INTR) => 0,
        Err(e) => return Err(e),
    };
    if n < value.len() {
        pwrite_all(&f, &value[n..], n as u64)?;
    }
    if (n as u64) < len {
        pwrite_all(&f, b"\n", value.len() as u64)?;
    }
    if new {
        return Ok(());
    }
    fs::ftruncate(&f, len)
}

/// The file holds exactly `value` then `\n`. A short value takes one
/// read: a regular file's read comes back short only at its end.
fn same(f: &OwnedFd, value: &[u8]) -> Result<bool, Errno> {
    let want = value.len() + 1;
    let mut buf = [0u8; 4096];
    let mut off = 0usize;
    loop {
        let n = match rustix::io::pread(f, &mut buf, off as u64) {
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e),
        };
        let end = off + n;
        let v = end.min(value.len());
        if end > want || (off < v && buf[..v - off] != value[off..v]) || (n > 0 && end == want && buf[n - 1] != b'\n') {
            return Ok(false);
        }
        if n < buf.len() {
            return Ok(end == want);
        }
        off = end;
    }
}

fn pwrite_all(f: &OwnedFd, mut data: &[u8], mut off: u64) -> Result<(), Errno> {
    while !data.is_empty() {
        match rustix::io::pwrite(f, data, off) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => {
                data = &data[n..];
                off += n as u64;
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn values_and_names() {
        assert_eq!(value_of(b"abc\n"), b"abc");
        assert_eq!(value_of(b"abc"), b"abc");
        assert_eq!(value_of(b"abc\n\n"), b"abc\n");
        assert_eq!(value_of(b"\n"), b"");
        assert_eq!(value_of(b""), b"");
        assert_eq!(value_of(b"a\0b\n"), b"a");
        assert!(valid_name(b"PATH"));
        assert!(!valid_name(b".hidden"));
        assert!(!valid_name(b"A=B"));
        assert!(!valid_name(b""));
    }

    /// `same` against files around its read size (4096), and `write_var`
    /// over a longer, a shorter and an equal file.
    #[test]
    fn same_and_rewrite() {
        let dir = std::env::temp_dir().join(format!("rs6-envdir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = fs::open(dir.to_str().unwrap(), OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .unwrap();
        let file = |body: &[u8]| {
            std::fs::write(dir.join("V"), body).unwrap();
            fs::openat(&d, "V", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap()
        };
        for len in [0usize, 1, 4094, 4095, 4096, 5000, 8191, 8192] {
            let v = vec![b'x'; len];
            let nl = [&v[..], b"\n"].concat();
            assert!(same(&file(&nl), &v).unwrap(), "{len}");
            assert!(!same(&file(&v), &v).unwrap(), "{len}: no newline");
            assert!(!same(&file(&[&nl[..], b"y"].concat()), &v).unwrap(), "{len}: longer");
            assert!(!same(&file(&[&v[..], b"y"].concat()), &v).unwrap(), "{len}: other last byte");
            if len > 0 {
                let mut o = nl.clone();
                o[len / 2] = b'y';
                assert!(!same(&file(&o), &v).unwrap(), "{len}: other byte");
                assert!(!same(&file(&nl[1..]), &v).unwrap(), "{len}: shorter");
            }
            for old in [&b""[..], b"short\n", &[b'z'; 9000][..], &nl[..]] {
                std::fs::write(dir.join("V"), old).unwrap();
                write_var(&d, b"V", &v, false).unwrap();
                assert_eq!(std::fs::read(dir.join("V")).unwrap(), nl, "{len} over {} bytes", old.len());
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
