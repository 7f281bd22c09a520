//! How a script in a directory is run: an executable file as `./NAME`, one
//! without its execute bit through its `#!` line (as the kernel reads it:
//! the interpreter and at most one argument). Used for `run` and `finish`
//! here and for `/init`'s stage scripts.
use core::ffi::CStr;
use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::{self, Access, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// How to run `dir/NAME` (`run` or `finish`): the program and the words
/// before `./NAME` (interpreter and its argument), NUL-terminated inside
/// `buf` (no allocation: a crash-looping service must not grow PID 1).
pub fn resolve<'b>(
    dir: &OwnedFd,
    name: &CStr,
    dot: &'static CStr,
    buf: &'b mut [u8; 512],
) -> Result<(&'b CStr, heapless::Vec<&'b CStr, 2>), Errno> {
    let st = fs::statat(dir, name, AtFlags::empty())?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Errno::ISDIR);
    }
    if fs::accessat(dir, name, Access::EXEC_OK, AtFlags::empty()).is_ok() {
        return Ok((dot, heapless::Vec::new()));
    }
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    let mut head = [0u8; 254];
    let n = rustix::io::read(&f, &mut head)?;
    let (interp, arg) = parse_shebang(&head[..n]).ok_or(Errno::ACCESS)?;
    // buf = interp NUL [arg NUL]
    buf[..interp.len()].copy_from_slice(interp);
    buf[interp.len()] = 0;
    let mut end = interp.len() + 1;
    if let Some(a) = arg {
        buf[end..end + a.len()].copy_from_slice(a);
        buf[end + a.len()] = 0;
        end += a.len() + 1;
    }
    let (first, rest) = buf[..end].split_at(interp.len() + 1);
    let interp = CStr::from_bytes_with_nul(first).map_err(|_| Errno::INVAL)?;
    let mut words = heapless::Vec::new();
    let _ = words.push(interp);
    if !rest.is_empty() {
        let _ = words.push(CStr::from_bytes_with_nul(rest).map_err(|_| Errno::INVAL)?);
    }
    Ok((interp, words))
}

/// When `dir/name` starts with a `#!` line whose interpreter cannot be
/// run: the interpreter (copied into `buf`) and why. The kernel's exec
/// error would only say `No such file or directory` about the script.
pub fn bad_interpreter<'b>(dir: BorrowedFd<'_>, name: &CStr, buf: &'b mut [u8; 256]) -> Option<(&'b [u8], Errno)> {
    let f = fs::openat(dir, name, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let n = rustix::io::read(&f, &mut buf[..]).ok()?;
    let (interp, _) = parse_shebang(&buf[..n])?;
    let e = fs::accessat(dir, interp, Access::EXEC_OK, AtFlags::empty()).err()?;
    Some((interp, e))
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
    fn shebangs() {
        assert_eq!(parse_shebang(b"#!/bin/sh\necho"), Some((&b"/bin/sh"[..], None)));
        assert_eq!(
            parse_shebang(b"#! /usr/bin/with-contenv sh\n"),
            Some((&b"/usr/bin/with-contenv"[..], Some(&b"sh"[..])))
        );
        assert_eq!(
            parse_shebang(b"#!/usr/bin/execlineb -P \r\n"),
            Some((&b"/usr/bin/execlineb"[..], Some(&b"-P"[..])))
        );
        assert_eq!(parse_shebang(b"#!/bin/sh -e -x\n"), Some((&b"/bin/sh"[..], Some(&b"-e -x"[..]))));
        assert_eq!(parse_shebang(b"echo hi\n"), None);
        assert_eq!(parse_shebang(b"#!\n"), None);
    }
}
