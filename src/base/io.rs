//! Buffered I/O written once: `BufOut`, output written in blocks (s6-log,
//! s6-svdt, execlineb's users), and `LineReader`, lines of a descriptor
//! through a fixed buffer (fix-attrs).
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
    /// Add `b` whole (what does not fit in the buffer goes straight
    /// out); a write that fails is reported at once.
    pub fn write(&mut self, b: &[u8]) -> Result<(), Errno> {
        if self.len + b.len() > self.buf.len() {
            self.flush()?;
            if b.len() > self.buf.len() {
                return crate::sys::fd::write_all(self.fd, b).inspect_err(|&e| self.err = Some(e));
            }
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
        self.err.map_or(Ok(()), Err)
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
}
