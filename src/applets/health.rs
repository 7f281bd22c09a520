//! `rs6-health [ --ready | --up ] [ -t timeout ] [ -s service ]... [ service... ]`:
//! a probe for Docker's `HEALTHCHECK` and Kubernetes' exec probes.
//!
//! Exit 0 when the CMD runs (or the container has none) and every service
//! of the scan directory (`/run/service`, in the v2 and the v3 layout,
//! loggers included) that is wanted up is up and, at `--ready` (the
//! default), ready if it has a `notification-fd`. "Wanted up": s6-svc's
//! last command was up (`want up` in `s6-svstat`), or the service has no
//! `down` file: a services.d service brought down by hand (`s6-svc -d`)
//! counts as wanted, an s6-rc longrun that `s6-rc -d change` stopped (it
//! then has a `down` file) does not. Named services (`-s NAME`, or as
//! operands) are the only ones checked, and must be up whatever they want.
//!
//! Otherwise exit 1 with one line on stdout naming every problem, e.g.
//! `svc-a down, svc-b not ready` or `CMD exited 3` (Docker keeps it in
//! `docker inspect`). `-t MS`: check again every 10 ms until healthy, for
//! at most MS milliseconds (default: one check). It reads `supervise/status`
//! files and `/run/s6/cmd` only (no IPC with PID 1), so it works as any
//! user that can read `/run`. Bad usage: `rs6-health: fatal: …`, exit 100.
use crate::base::diag::{self, Line, push_errno};
use crate::base::time::Instant;
use crate::base::{exit, num};
use crate::rt::Args;
use crate::s6::cmd;
use crate::s6::svdir;
use crate::sys::fd;
use core::ffi::CStr;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{self, AtFlags, Mode, OFlags};
use rustix::io::Errno;

const SCANDIR: &CStr = c"/run/service";
/// Most names checked (named or found in the scan directory).
const MAX: usize = 256;
/// How often the probe looks again while it waits (10 ms).
const RETRY_NS: u64 = 10_000_000;

type Names = heapless::Vec<&'static [u8], MAX>;

struct Probe {
    ready: bool,
    line: Line,
    bad: usize,
}

/// `name` as a C string, in `buf`.
fn c_name<'a>(buf: &'a mut [u8; 256], name: &[u8]) -> Option<&'a CStr> {
    let n = name.len();
    if n >= buf.len() {
        return None;
    }
    buf[..n].copy_from_slice(name);
    buf[n] = 0;
    CStr::from_bytes_with_nul(&buf[..=n]).ok()
}

fn open_at(dir: BorrowedFd<'_>, name: &[u8]) -> Result<OwnedFd, Errno> {
    let mut b = [0u8; 256];
    let c = c_name(&mut b, name).ok_or(Errno::NAMETOOLONG)?;
    fs::openat(dir, c, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
}

impl Probe {
    fn bad(&mut self, parts: &[&[u8]]) -> &mut Line {
        if self.bad > 0 {
            self.line.push(b", ");
        }
        self.bad += 1;
        self.line.push_all(parts);
        &mut self.line
    }

    fn cmd(&mut self) {
        match cmd::read() {
            cmd::State::Up | cmd::State::None => {}
            cmd::State::NotStarted => {
                self.bad(&[b"CMD not started yet"]);
            }
            cmd::State::Exited(c) => {
                self.bad(&[b"CMD exited "]).push_u64(c);
            }
        }
    }

    /// One service directory (`name` is `NAME` or `NAME/log`).
    fn service(&mut self, dir: BorrowedFd<'_>, name: &[u8], named: bool) {
        let down = svdir::has_down_file(dir).unwrap_or(false);
        let st = match svdir::read_status(dir) {
            Ok(st) => st,
            Err(Errno::NOENT) => {
                if named || !down {
                    self.bad(&[name, b" not supervised"]);
                }
                return;
            }
            Err(e) => {
                push_errno(self.bad(&[name, b": unable to read status: "]), e);
                return;
            }
        };
        if !(named || st.want_up || !down) {
            return;
        }
        if !st.is_up() {
            self.bad(&[name, b" down"]);
        } else if self.ready && !st.ready && fs::statat(dir, c"notification-fd", AtFlags::empty()).is_ok() {
            self.bad(&[name, b" not ready"]);
        }
    }

    /// Everything once; true when healthy.
    fn run(&mut self, named: &Names) -> bool {
        self.line = Line::new();
        self.bad = 0;
        self.cmd();
        let scan = svdir::open(SCANDIR);
        if !named.is_empty() {
            for &n in named {
                match scan.as_ref().map_err(|e| *e).and_then(|s| open_at(s.as_fd(), n)) {
                    Ok(d) => self.service(d.as_fd(), n, true),
                    Err(_) => {
                        self.bad(&[n, b": no such service"]);
                    }
                }
            }
            return self.bad == 0;
        }
        // No scan directory: no services.
        let Ok(list) = fs::open(SCANDIR, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) else {
            return self.bad == 0;
        };
        let mut store = [0u8; 16384];
        let mut used = 0;
        let mut names: heapless::Vec<(usize, usize), MAX> = heapless::Vec::new();
        let _ = crate::base::fs::for_each_entry(list.as_fd(), &mut |n, _| {
            let n = n.to_bytes();
            if n[0] != b'.' && used + n.len() <= store.len() {
                store[used..used + n.len()].copy_from_slice(n);
                if names.push((used, n.len())).is_ok() {
                    used += n.len();
                }
            }
            Ok(())
        });
        // Sorted by name (an insertion sort: a few names, and much smaller
        // code than the library's sort).
        let key = |x: (usize, usize)| &store[x.0..x.0 + x.1];
        for i in 1..names.len() {
            let mut j = i;
            while j > 0 && key(names[j - 1]) > key(names[j]) {
                names.swap(j - 1, j);
                j -= 1;
            }
        }
        for &(at, len) in &names {
            let n = &store[at..at + len];
            let Ok(d) = open_at(list.as_fd(), n) else { continue };
            self.service(d.as_fd(), n, false);
            if let Ok(log) = fs::openat(&d, c"log", OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
                && fs::statat(&log, c"supervise", AtFlags::empty()).is_ok()
            {
                let mut label = [0u8; 260];
                let k = n.len().min(255);
                label[..k].copy_from_slice(&n[..k]);
                label[k..k + 4].copy_from_slice(b"/log");
                self.service(log.as_fd(), &label[..k + 4], false);
            }
        }
        self.bad == 0
    }
}

fn usage(parts: &[&[u8]]) -> ! {
    diag::fatal(exit::USAGE, parts)
}

pub fn main(args: Args) -> u8 {
    let mut p = Probe { ready: true, line: Line::new(), bad: 0 };
    let mut named = Names::new();
    let mut timeout = 0u64;
    let mut i = 1;
    let mut name = |n: &'static [u8]| {
        if n.is_empty() || n[0] == b'.' || n.len() > 250 || named.push(n).is_err() {
            usage(&[b"invalid service name: ", n]);
        }
    };
    while let Some(a) = args.get_arg(i) {
        let a = a.to_bytes();
        i += 1;
        match a {
            b"--ready" | b"-r" => p.ready = true,
            b"--up" | b"-u" => p.ready = false,
            b"--" => break,
            [b'-', b's' | b't', rest @ ..] => {
                let v = if rest.is_empty() {
                    i += 1;
                    match args.get_arg(i - 1) {
                        Some(v) => v.to_bytes(),
                        None => usage(&[b"option ", a, b" needs a value"]),
                    }
                } else {
                    rest
                };
                if a[1] == b's' {
                    name(v);
                } else {
                    timeout = num::parse_u64(v).unwrap_or_else(|| usage(&[b"invalid timeout: ", v]));
                }
            }
            [b'-', _, ..] => usage(&[b"unknown option: ", a]),
            _ => {
                i -= 1;
                break;
            }
        }
    }
    while let Some(a) = args.get_arg(i) {
        name(a.to_bytes());
        i += 1;
    }
    let deadline = Instant::now().after_ms(timeout);
    loop {
        if p.run(&named) {
            return exit::OK;
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let step = Instant(now.0.saturating_add(RETRY_NS)).min(deadline);
        let _ = rustix::event::poll(&mut [], Some(&step.until(now)));
    }
    p.line.push(b"\n");
    let _ = fd::write_all(fd::stdout(), p.line.as_bytes());
    exit::FALSE
}
