//! The container environment directory, and the applets that read it:
//! `with-contenv PROG…` and `printcontenv NAME`.
//!
//! Format (`/run/s6/container_environment`, also reachable as
//! `/var/run/s6/container_environment`): one file per variable, the file's
//! name is the variable's, its content the value followed by `\n`. Readers
//! take the whole file and remove exactly one trailing `\n` (a file without
//! one is taken as is; an empty file is an empty variable; a NUL ends the
//! value, as in justc-envdir). Names with `=` or a leading `.` are ignored.
//! Values of any size are read whole.
use crate::base::{diag, exit, num::parse_u64};
use crate::rt::{Args, Env};
use crate::sys::{arena, exec, fd};
use core::ffi::CStr;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{self, FileType, Mode, OFlags, RawDir};
use rustix::io::Errno;

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
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW, Mode::empty())?;
    let st = fs::fstat(&f)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(Errno::INVAL);
    }
    let mut cap = (st.st_size as usize).max(64) + 1;
    let mut buf = arena::alloc_bytes(cap, 1)?;
    let mut len = 0;
    loop {
        if len == cap {
            // The file grew while we read it: continue in a bigger buffer.
            let bigger = arena::alloc_bytes(cap * 2, 1)?;
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
            cap *= 2;
        }
        match rustix::io::read(&f, &mut buf[len..]) {
            Ok(0) => return Ok(&mut buf[..len]),
            Ok(n) => len += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
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
pub fn load(dirpath: &CStr, keep_path: Option<&[u8]>) -> Result<&'static [*const u8], Errno> {
    let dir = fs::open(dirpath, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
    // Two passes: count, then fill (the directory may change in between;
    // the second pass never writes past what the first one counted + 1).
    let mut n = 0;
    for_each_name(&dir, |_| n += 1)?;
    let envp = arena::alloc_slice::<*const u8>(n + 2, core::ptr::null())?;
    let mut i = 0;
    let mut has_path = false;
    let mut err = None;
    for_each_name(&dir, |name| {
        if i >= n {
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
                    envp[i] = s.as_ptr().cast();
                    i += 1;
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
        envp[i] = arena::cstr(&[b"PATH=", p])?.as_ptr().cast();
    }
    Ok(envp)
}

fn for_each_name(dir: &OwnedFd, mut f: impl FnMut(&[u8])) -> Result<(), Errno> {
    fs::seek(dir, fs::SeekFrom::Start(0))?;
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
    let mut it = RawDir::new(dir.as_fd(), &mut buf);
    while let Some(ent) = it.next() {
        let ent = ent?;
        let name = ent.file_name().to_bytes();
        if valid_name(name) {
            f(name);
        }
    }
    Ok(())
}

/// The value of a variable in an envp array.
fn envp_var(envp: &[*const u8], name: &[u8]) -> Option<&'static [u8]> {
    envp.iter().take_while(|p| !p.is_null()).find_map(|&p| {
        let e = crate::rt::env_entry(p);
        (e.len() > name.len() && e.starts_with(name) && e[name.len()] == b'=').then(|| &e[name.len() + 1..])
    })
}

const WITH_USAGE: &[u8] = b"with-contenv prog...";

/// `with-contenv PROG…`: run PROG with the container environment.
pub fn with_contenv(args: Args) -> u8 {
    let env = Env::get();
    let prog = args.skip(1);
    let Some(file) = prog.get_arg(0) else { diag::usage(WITH_USAGE) };
    let (envp, path) = if keep_env(&env) {
        (env.as_ptr(), env.var(b"PATH").unwrap_or(super::init::DEFAULT_PATH))
    } else {
        match load(DIR, env.var(b"PATH")) {
            Ok(e) => (e.as_ptr(), envp_var(e, b"PATH").unwrap_or(super::init::DEFAULT_PATH)),
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read ", DIR.to_bytes()]),
        }
    };
    // SAFETY-free call: `prog` and `envp` are null-terminated arrays.
    let e = exec::execvpe_args(file, prog, envp, path);
    diag::fatal_sys(exec::exec_failure_code(e), e, &[b"unable to exec ", file.to_bytes()])
}

/// `printcontenv NAME`: print the variable's value and a newline; exit 1
/// when it is not set (or, with `S6_KEEP_ENV`, empty), as v3.
pub fn printcontenv(args: Args) -> u8 {
    let env = Env::get();
    let Some(name) = args.get_arg(1) else { diag::usage(b"printcontenv variable") };
    let name = name.to_bytes();
    let value: &[u8] = if keep_env(&env) {
        match env.var(name) {
            Some(v) if !v.is_empty() => v,
            _ => return 1,
        }
    } else {
        if !valid_name(name) {
            return 1;
        }
        let Ok(dir) = fs::open(DIR, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) else {
            return 1;
        };
        match read_all(&dir, name) {
            Ok(raw) => value_of(raw),
            Err(_) => return 1,
        }
    };
    if fd::write_all(fd::stdout(), value).and_then(|_| fd::write_all(fd::stdout(), b"\n")).is_err() {
        return exit::SYSCALL;
    }
    exit::OK
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
}
