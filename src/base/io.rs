//! Buffered I/O written once: `BufOut`, output written in blocks (s6-log,
//! s6-svdt, execlineb's users), `LineReader`, lines of a descriptor
//! through a fixed buffer (fix-attrs), and `Lines`, lines of any length
//! for the filters that write as they read (s6-quote-filter, s6-tai64ndiff).
use crate::sys::arena;
use rustix::fd::BorrowedFd;
use rustix::io::Errno;

/// Output collected in `buf` and written to `fd` when it is full or on
/// `flush`. Once a write fails, nothing more is written and `flush` keeps
/// returning that error (the caller decides whether it is fatal).
pub struct BufOut<'b> {
    fd: BorrowedFd<'static>,
    buf: &'b mut [u8],
    len: usize,
    err: Option<Errno>,
}

impl<'b> BufOut<'b> {
    pub fn new(fd: BorrowedFd<'static>, buf: &'b mut [u8]) -> BufOut<'b> {
        BufOut { fd, buf, len: 0, err: None }
    }
    /// Add `parts` (flushing first when they do not fit; what still does
    /// not fit is cut).
    pub fn put(&mut self, parts: &[&[u8]]) {
        if self.err.is_some() {
            return;
        }
        if self.len + parts.iter().map(|p| p.len()).sum::<usize>() > self.buf.len() {
            let _ = self.flush();
        }
        for part in parts {
            let n = part.len().min(self.buf.len() - self.len);
            self.buf[self.len..self.len + n].copy_from_slice(&part[..n]);
            self.len += n;
        }
    }
    /// Add `parts` whole, as skalibs' `buffer_putall`: a part that does
    /// not fit goes out after what is buffered. The first write error is
    /// returned, now and by every later call.
    pub fn put_all(&mut self, parts: &[&[u8]]) -> Result<(), Errno> {
        for part in parts {
            if self.len + part.len() > self.buf.len() {
                self.flush()?;
                if part.len() > self.buf.len() {
                    if let Err(e) = crate::sys::fd::write_all(self.fd, part) {
                        self.err = Some(e);
                    }
                    continue;
                }
            }
            self.buf[self.len..self.len + part.len()].copy_from_slice(part);
            self.len += part.len();
        }
        self.err.map_or(Ok(()), Err)
    }
    /// Add `b` whole (see `put_all`).
    pub fn write(&mut self, b: &[u8]) -> Result<(), Errno> {
        self.put_all(&[b])
    }
    /// Write what is buffered.
    pub fn flush(&mut self) -> Result<(), Errno> {
        if self.err.is_none()
            && self.len > 0
            && let Err(e) = crate::sys::fd::write_all(self.fd, &self.buf[..self.len])
        {
            self.err = Some(e);
        }
        self.len = 0;
        self.err.map_or(Ok(()), Err)
    }
}

/// Lines of a descriptor through a fixed buffer of `N` bytes: a line longer
/// than `N - 1` bytes is reported as such and skipped.
pub struct LineReader<'f, const N: usize> {
    fd: BorrowedFd<'f>,
    buf: [u8; N],
    start: usize,
    end: usize,
    eof: bool,
    /// The current line did not fit: skip to its end.
    long: bool,
}

impl<'f, const N: usize> LineReader<'f, N> {
    pub fn new(fd: BorrowedFd<'f>) -> Self {
        LineReader { fd, buf: [0; N], start: 0, end: 0, eof: false, long: false }
    }

    /// The next line without its `\n` (`Some(None)` for one that does not
    /// fit), or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<Option<&[u8]>>, Errno> {
        loop {
            let nl = self.buf[self.start..self.end].iter().position(|&c| c == b'\n');
            if nl.is_some() || (self.eof && (self.start < self.end || self.long)) {
                let (s, long) = (self.start, self.long);
                let e = nl.map_or(self.end, |i| s + i);
                self.start = nl.map_or(e, |_| e + 1);
                self.long = false;
                return Ok(Some((!long).then(|| &self.buf[s..e])));
            }
            if self.eof {
                return Ok(None);
            }
            if self.long {
                self.end = 0;
            } else {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
            }
            self.start = 0;
            if self.end == self.buf.len() {
                self.long = true;
                self.end = 0;
            }
            match rustix::io::read(self.fd, &mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(Errno::INTR) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Lines of a descriptor, of any length, as skalibs' `skagetln` reads
/// them from `buffer_0f1`: the buffer grows in the arena as long lines need
/// it, and `out` is flushed before every read, so that whoever reads a
/// filter's output gets each line before the filter waits for the next.
pub struct Lines {
    fd: BorrowedFd<'static>,
    buf: &'static mut [u8],
    start: usize,
    end: usize,
    eof: bool,
}

impl Lines {
    pub fn new(fd: BorrowedFd<'static>) -> Result<Lines, Errno> {
        Ok(Lines { fd, buf: arena::alloc_bytes(8192, 1)?, start: 0, end: 0, eof: false })
    }

    /// The next line with its `\n` (the last one may have none), or `None`
    /// at the end. A failure to flush `out` is returned as a failure to
    /// read would be (skalibs reports both as one).
    pub fn next(&mut self, out: &mut BufOut<'_>) -> Result<Option<&[u8]>, Errno> {
        // Bytes of the line known to hold no newline (a long line is not
        // searched again after each read).
        let mut seen = 0;
        let (s, e) = loop {
            let nl = self.buf[self.start + seen..self.end].iter().position(|&c| c == b'\n');
            if let Some(i) = nl {
                break (self.start, self.start + seen + i + 1);
            }
            seen = self.end - self.start;
            if self.eof {
                if self.start == self.end {
                    // skalibs tries to read once more, flushing first.
                    out.flush()?;
                    return Ok(None);
                }
                break (self.start, self.end);
            }
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.end == self.buf.len() {
                let bigger = arena::alloc_bytes(self.buf.len() * 2, 1)?;
                bigger[..self.end].copy_from_slice(&self.buf[..self.end]);
                self.buf = bigger;
            }
            out.flush()?;
            match rustix::io::read(self.fd, &mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(Errno::INTR) => {}
                Err(e) => return Err(e),
            }
        };
        self.start = e;
        Ok(Some(&self.buf[s..e]))
    }
}

/// Write `parts` to stdout, or die as skalibs' tools do ("unable to write
/// to stdout", 111).
pub fn print(parts: &[&[u8]]) {
    for p in parts {
        if let Err(e) = crate::sys::fd::write_all(crate::sys::fd::stdout(), p) {
            super::diag::fatal_sys(super::exit::SYSCALL, e, &[b"unable to write to stdout"]);
        }
    }
}

/// What [`filter_lines`] calls for each line.
pub type LineFn<'f> = dyn FnMut(&[u8], &mut BufOut<'_>) -> Result<(), Errno> + 'f;

/// Copy stdin to stdout line by line through `f`, as skalibs' filters do:
/// `f` gets each line (with its `\n`, which the last one may lack) and the
/// output. A write error `f` returns is fatal ("unable to write to
/// stdout"), and so is a read error, or a write error found by the flush
/// before a read ("unable to read from stdin"): 111.
pub fn filter_lines(f: &mut LineFn<'_>) -> u8 {
    use super::{diag, exit};
    let mut space = [0u8; 8192];
    let mut out = BufOut::new(crate::sys::fd::stdout(), &mut space);
    let read = |e| -> ! { diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read from stdin"]) };
    let mut lines = Lines::new(crate::sys::fd::stdin()).unwrap_or_else(|e| read(e));
    loop {
        let line = match lines.next(&mut out) {
            Ok(Some(line)) => line,
            Ok(None) => return exit::OK,
            Err(e) => read(e),
        };
        if let Err(e) = f(line, &mut out) {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fd::AsFd;

    #[test]
    fn bufout_blocks_and_keeps_the_error() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        // BufOut takes a descriptor that lives for the process.
        let w: &'static rustix::fd::OwnedFd = Box::leak(Box::new(w));
        let mut space = [0u8; 8];
        let mut o = BufOut::new(w.as_fd(), &mut space);
        o.put(&[b"abc", b"de"]);
        o.put(&[b"fghij"]);
        o.put(&[b"0123456789"]);
        assert_eq!(o.flush(), Ok(()));
        let mut got = [0u8; 64];
        let n = rustix::io::read(&r, &mut got).unwrap();
        // The long part is cut to the buffer.
        assert_eq!(&got[..n], b"abcdefghij01234567");
        drop(r);
        o.put(&[b"x"]);
        assert_eq!(o.flush(), Err(Errno::PIPE));
        o.put(&[b"y"]);
        assert_eq!(o.flush(), Err(Errno::PIPE));
    }

    #[test]
    fn write_keeps_long_parts_whole() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        let w: &'static rustix::fd::OwnedFd = Box::leak(Box::new(w));
        let mut space = [0u8; 4];
        let mut o = BufOut::new(w.as_fd(), &mut space);
        o.write(b"ab").unwrap();
        o.write(b"0123456789").unwrap();
        o.write(b"cd").unwrap();
        o.flush().unwrap();
        let mut got = [0u8; 64];
        let n = rustix::io::read(&r, &mut got).unwrap();
        assert_eq!(&got[..n], b"ab0123456789cd");
    }

    #[test]
    fn lines_long_and_last() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        crate::sys::fd::write_all(w.as_fd(), b"ab\n0123456789\ncd\nlast").unwrap();
        drop(w);
        let mut l = LineReader::<'_, 8>::new(r.as_fd());
        let mut got = Vec::new();
        while let Some(x) = l.next_line().unwrap() {
            got.push(x.map(|s| s.to_vec()));
        }
        assert_eq!(got, [Some(b"ab".to_vec()), None, Some(b"cd".to_vec()), Some(b"last".to_vec())]);
    }

    #[test]
    fn put_all_keeps_long_parts() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        let w: &'static rustix::fd::OwnedFd = Box::leak(Box::new(w));
        let mut space = [0u8; 4];
        let mut o = BufOut::new(w.as_fd(), &mut space);
        o.put_all(&[b"ab", b"0123456789", b"cd", b"e"]).unwrap();
        o.flush().unwrap();
        let mut got = [0u8; 64];
        let n = rustix::io::read(&r, &mut got).unwrap();
        assert_eq!(&got[..n], b"ab0123456789cde");
    }

    #[test]
    fn lines_of_any_length_flushing_before_reads() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        let long = vec![b'x'; 20000];
        let input = [&b"a\n"[..], &long, b"\n\nlast"].concat();
        let writer = std::thread::spawn(move || crate::sys::fd::write_all(w.as_fd(), &input).unwrap());
        let (or, ow) = rustix::pipe::pipe().unwrap();
        let ow: &'static rustix::fd::OwnedFd = Box::leak(Box::new(ow));
        let mut space = [0u8; 16];
        let mut out = BufOut::new(ow.as_fd(), &mut space);
        let r: &'static rustix::fd::OwnedFd = Box::leak(Box::new(r));
        let mut lines = Lines::new(r.as_fd()).unwrap();
        let mut got = Vec::new();
        while let Some(l) = lines.next(&mut out).unwrap() {
            got.push(l.to_vec());
            out.put(&[b"."]);
        }
        writer.join().unwrap();
        assert_eq!(got, [b"a\n".to_vec(), [&long[..], b"\n"].concat(), b"\n".to_vec(), b"last".to_vec()]);
        // Every dot went out before a read, the last one at the end.
        let mut buf = [0u8; 8];
        assert_eq!(rustix::io::read(&or, &mut buf).unwrap(), 4);
    }
}
