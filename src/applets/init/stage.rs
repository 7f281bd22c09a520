//! Stage 2 and 3 items: directory listings in s6-overlay's order, and how a
//! script is started (including one whose execute bit is missing).
use crate::sys::arena;
use core::ffi::CStr;
use rustix::fd::BorrowedFd;
use rustix::fs::{self, Access, FileType, Mode, OFlags, RawDir};
use rustix::io::Errno;

/// The entries of `dir`, sorted bytewise, dotfiles skipped; empty when the
/// directory does not exist. `None` when it does not exist at all.
pub fn list(dir: &[u8]) -> Option<&'static [&'static [u8]]> {
    let path = arena::cstr(&[dir]).ok()?;
    let fd = fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut n = 0;
    each(&fd, |_| n += 1);
    let names = arena::alloc_slice::<&'static [u8]>(n, b"").ok()?;
    let mut i = 0;
    each(&fd, |name| {
        if i < n {
            if let Ok(copy) = arena::alloc_bytes(name.len(), 1) {
                copy.copy_from_slice(name);
                names[i] = copy;
                i += 1;
            }
        }
    });
    let names = &mut names[..i];
    insertion_sort(names);
    Some(names)
}

/// Bytewise order. Directory listings are short, and core's sort costs
/// kilobytes of code.
fn insertion_sort(v: &mut [&[u8]]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn each(fd: &rustix::fd::OwnedFd, mut f: impl FnMut(&[u8])) {
    if fs::seek(fd, fs::SeekFrom::Start(0)).is_err() {
        return;
    }
    let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 2048];
    let mut it = RawDir::new(fd, &mut buf);
    while let Some(Ok(ent)) = it.next() {
        let name = ent.file_name().to_bytes();
        if !name.is_empty() && name[0] != b'.' {
            f(name);
        }
    }
}

/// How to run a script: the program to exec and its argv (null-terminated).
pub struct Command {
    pub file: &'static CStr,
    pub argv: &'static [*const u8],
}

/// Why a script cannot be started, with the exit code it counts as.
pub struct Refused {
    pub errno: Errno,
    pub code: u8,
}

/// Prepare `path` to run. An executable file runs as is. A file without
/// its execute bit still runs, and the image is not modified: its `#!`
/// line names the interpreter (and at most one argument, as the kernel
/// reads it). A directory, a dangling symlink or a non-executable file
/// without `#!` is refused.
pub fn command(path: &'static CStr, extra: &[&'static CStr]) -> Result<Command, Refused> {
    let st = fs::stat(path).map_err(|e| Refused { errno: e, code: 127 })?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Refused { errno: Errno::ISDIR, code: 126 });
    }
    let mut words: heapless::Vec<&'static CStr, 4> = heapless::Vec::new();
    if fs::access(path, Access::EXEC_OK).is_err() {
        let (interp, arg) = shebang(path).ok_or(Refused { errno: Errno::ACCESS, code: 126 })?;
        let _ = words.push(interp);
        if let Some(a) = arg {
            let _ = words.push(a);
        }
    }
    let _ = words.push(path);
    let oom = |_| Refused { errno: Errno::NOMEM, code: 111 };
    let argv = arena::alloc_slice::<*const u8>(words.len() + extra.len() + 1, core::ptr::null()).map_err(oom)?;
    for (i, w) in words.iter().chain(extra.iter()).enumerate() {
        argv[i] = w.as_ptr().cast();
    }
    Ok(Command { file: words[0], argv })
}

/// When `dir/name` starts with a `#!` line whose interpreter cannot be
/// run: the interpreter (copied into `buf`) and why. The kernel's exec
/// error would only say `No such file or directory` about the script.
pub fn bad_interpreter<'b>(dir: BorrowedFd<'_>, name: &CStr, buf: &'b mut [u8; 256]) -> Option<(&'b [u8], Errno)> {
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let n = rustix::io::read(&f, &mut buf[..]).ok()?;
    let (interp, _) = parse_shebang(&buf[..n])?;
    let e = fs::accessat(dir, interp, Access::EXEC_OK, fs::AtFlags::empty()).err()?;
    Some((interp, e))
}

/// The interpreter and optional argument of a `#!` line.
fn shebang(path: &CStr) -> Option<(&'static CStr, Option<&'static CStr>)> {
    let f = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut buf = [0u8; 256];
    let n = rustix::io::read(&f, &mut buf).ok()?;
    let (interp, arg) = parse_shebang(&buf[..n])?;
    let interp = arena::cstr(&[interp]).ok()?;
    let arg = match arg {
        Some(a) => Some(arena::cstr(&[a]).ok()?),
        None => None,
    };
    Some((interp, arg))
}

/// Split a `#!` line as Linux does: the interpreter, then the rest of the
/// line (trimmed) as one argument. A trailing `\r` is dropped.
pub fn parse_shebang(head: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let rest = head.strip_prefix(b"#!")?;
    let line = &rest[..rest.iter().position(|&c| c == b'\n')?];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let blank = |c: &u8| *c == b' ' || *c == b'\t';
    let start = line.iter().position(|c| !blank(c))?;
    let line = &line[start..];
    let end = line.iter().position(blank).unwrap_or(line.len());
    let interp = &line[..end];
    let rest = &line[end..];
    let arg = match (rest.iter().position(|c| !blank(c)), rest.iter().rposition(|c| !blank(c))) {
        (Some(a), Some(b)) => Some(&rest[a..=b]),
        _ => None,
    };
    Some((interp, arg))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sorted_bytewise() {
        let mut v: Vec<&[u8]> = vec![b"b", b"10-x", b"B", b"01", b"a"];
        insertion_sort(&mut v);
        assert_eq!(v, vec![&b"01"[..], b"10-x", b"B", b"a", b"b"]);
    }

    #[test]
    fn shebangs() {
        assert_eq!(parse_shebang(b"#!/bin/sh\necho"), Some((&b"/bin/sh"[..], None)));
        assert_eq!(parse_shebang(b"#! /usr/bin/with-contenv sh\n"), Some((&b"/usr/bin/with-contenv"[..], Some(&b"sh"[..]))));
        assert_eq!(parse_shebang(b"#!/usr/bin/execlineb -P \r\n"), Some((&b"/usr/bin/execlineb"[..], Some(&b"-P"[..]))));
        assert_eq!(parse_shebang(b"#!/bin/sh -e -x\n"), Some((&b"/bin/sh"[..], Some(&b"-e -x"[..]))));
        assert_eq!(parse_shebang(b"echo hi\n"), None);
        assert_eq!(parse_shebang(b"#!\n"), None);
    }
}
