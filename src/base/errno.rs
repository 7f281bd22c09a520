//! errno texts, worded as glibc's `strerror` (what s6 prints on Debian).
use super::packed;
use rustix::io::Errno;

const TABLE: &[(Errno, &[u8])] = &[
    (Errno::PERM, b"Operation not permitted"),
    (Errno::NOENT, b"No such file or directory"),
    (Errno::SRCH, b"No such process"),
    (Errno::INTR, b"Interrupted system call"),
    (Errno::IO, b"Input/output error"),
    (Errno::NXIO, b"No such device or address"),
    (Errno::TOOBIG, b"Argument list too long"),
    (Errno::NOEXEC, b"Exec format error"),
    (Errno::BADF, b"Bad file descriptor"),
    (Errno::CHILD, b"No child processes"),
    (Errno::AGAIN, b"Resource temporarily unavailable"),
    (Errno::NOMEM, b"Cannot allocate memory"),
    (Errno::ACCESS, b"Permission denied"),
    (Errno::FAULT, b"Bad address"),
    (Errno::NOTBLK, b"Block device required"),
    (Errno::BUSY, b"Device or resource busy"),
    (Errno::EXIST, b"File exists"),
    (Errno::XDEV, b"Invalid cross-device link"),
    (Errno::NODEV, b"No such device"),
    (Errno::NOTDIR, b"Not a directory"),
    (Errno::ISDIR, b"Is a directory"),
    (Errno::INVAL, b"Invalid argument"),
    (Errno::NFILE, b"Too many open files in system"),
    (Errno::MFILE, b"Too many open files"),
    (Errno::NOTTY, b"Inappropriate ioctl for device"),
    (Errno::TXTBSY, b"Text file busy"),
    (Errno::FBIG, b"File too large"),
    (Errno::NOSPC, b"No space left on device"),
    (Errno::SPIPE, b"Illegal seek"),
    (Errno::ROFS, b"Read-only file system"),
    (Errno::MLINK, b"Too many links"),
    (Errno::PIPE, b"Broken pipe"),
    (Errno::RANGE, b"Numerical result out of range"),
    (Errno::DEADLK, b"Resource deadlock avoided"),
    (Errno::NAMETOOLONG, b"File name too long"),
    (Errno::NOSYS, b"Function not implemented"),
    (Errno::NOTEMPTY, b"Directory not empty"),
    (Errno::LOOP, b"Too many levels of symbolic links"),
    (Errno::IDRM, b"Identifier removed"),
    (Errno::OVERFLOW, b"Value too large for defined data type"),
    (Errno::ILSEQ, b"Invalid or incomplete multibyte or wide character"),
    (Errno::OPNOTSUPP, b"Operation not supported"),
    (Errno::PROTO, b"Protocol error"),
    (Errno::ADDRINUSE, b"Address already in use"),
    (Errno::ADDRNOTAVAIL, b"Cannot assign requested address"),
    (Errno::TIMEDOUT, b"Connection timed out"),
    (Errno::CONNREFUSED, b"Connection refused"),
    (Errno::STALE, b"Stale file handle"),
    (Errno::DQUOT, b"Disk quota exceeded"),
];

const fn tagged<const N: usize>(t: &[(Errno, &'static [u8])]) -> [packed::Entry<'static>; N] {
    let mut out: [packed::Entry<'static>; N] = [(0, b""); N];
    let mut i = 0;
    while i < N {
        let n = t[i].0.raw_os_error();
        assert!(n > 0 && n <= u8::MAX as i32);
        out[i] = (n as u8, t[i].1);
        i += 1;
    }
    out
}
const ENTRIES: [packed::Entry<'static>; TABLE.len()] = tagged(TABLE);
static TEXTS: [u8; packed::size(&ENTRIES)] = packed::pack(&ENTRIES);

/// The text for `e`, if known.
pub fn strerror(e: Errno) -> Option<&'static [u8]> {
    packed::iter(&TEXTS).find(|&(x, _)| x as i32 == e.raw_os_error()).map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn known_and_unknown() {
        assert_eq!(strerror(Errno::NOENT), Some(&b"No such file or directory"[..]));
        assert_eq!(strerror(Errno::from_raw_os_error(4000)), None);
        for &(e, text) in TABLE {
            assert_eq!(strerror(e), Some(text));
        }
    }
}
