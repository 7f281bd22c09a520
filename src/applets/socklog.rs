//! `s6-socklog`: a syslogd. It reads datagrams on a unix socket (default
//! `/dev/log`) or a UDP address and writes each one to stdout as a line,
//! its `<N>` priority prefix decoded as `facility.priority: ` (none with
//! `-r`), for an `s6-log` behind it to select and store: what s6-overlay's
//! syslogd overlay runs.
//!
//! As s6's: the datagram is read into `linelen + 1` bytes (a longer one is
//! cut there and gets `...`), trailing newlines and NULs are dropped, the
//! others become `~`; a unix socket is guarded by `SOCKET.lock` (held for
//! the program's life) and made mode 0777; `-U`, or `-u`/`-g`/`-G`, drop
//! privileges once the socket is bound; `-d N` says "ready" on N then;
//! SIGTERM ends it once the line under way is written (exit 0), or after
//! `-t` ms (exit 99). A line is written before the next datagram is read
//! (the kernel queues the others). Unlike s6 2.11, an empty datagram is
//! skipped (2.11 dies on it) and a UDP line's prefix is the sender's
//! `IP_PORT: `.
use crate::base::chain::uint;
use crate::base::getopt::Getopt;
use crate::base::time::Instant;
use crate::base::{diag, exit, num::parse_u64};
use crate::rt::{Args, Env};
use crate::sys::signal::{SIGTERM, SignalFd};
use crate::sys::{arena, fd, raw};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::OwnedFd;
use rustix::fs::{self, FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use rustix::net::{self, AddressFamily, RecvFlags, SocketAddrUnix, SocketFlags, SocketType, sockopt};

const USAGE: &[u8] = b"s6-socklog [ -d notif ] [ -r ] [ -U | -u uid -g gid -G gidlist ] [ -l linelen ] [ -t lameducktimeout ] [ -x socket | -i ip_port ]";

/// syslog's facilities, by number (12 to 15 have no name).
const FACILITIES: [&[u8]; 25] = [
    b"kern",
    b"user",
    b"mail",
    b"daemon",
    b"auth",
    b"syslog",
    b"lpr",
    b"news",
    b"uucp",
    b"cron",
    b"authpriv",
    b"ftp",
    b"unknown",
    b"unknown",
    b"unknown",
    b"unknown",
    b"local0",
    b"local1",
    b"local2",
    b"local3",
    b"local4",
    b"local5",
    b"local6",
    b"local7",
    b"mark",
];
const PRIORITIES: [&[u8]; 8] = [b"emerg", b"alert", b"crit", b"err", b"warn", b"notice", b"info", b"debug"];

enum Where {
    Unix(&'static [u8]),
    Udp(SocketAddr),
}

pub fn main(args: Args) -> u8 {
    let env = Env::get();
    let mut g = Getopt::new(args, b"d:rUu:g:G:l:t:x:i:");
    let (mut notif, mut raw_lines, mut linelen, mut lameduck) = (None, false, 1024usize, 0u64);
    let mut at = Where::Unix(b"/dev/log");
    let (mut uid, mut gid, mut groups): (Option<u32>, Option<u32>, Option<&'static [u32]>) = (None, None, None);
    while let Some((c, a)) = g.next() {
        match c {
            // 0: no notification, as s6's.
            b'd' => notif = Some(uint(a).unwrap_or_else(|| diag::usage(USAGE))).filter(|&n| n != 0),
            b'r' => raw_lines = true,
            b'U' => {
                let get = |name: &[u8]| env.var(name).unwrap_or_else(|| diag::fatal(exit::USAGE, &[name, b" not set"]));
                let bad = |name: &[u8]| -> ! { diag::fatal(exit::USAGE, &[b"invalid $", name]) };
                uid = Some(uint(get(b"UID")).unwrap_or_else(|| bad(b"UID")));
                gid = Some(uint(get(b"GID")).unwrap_or_else(|| bad(b"GID")));
                groups = Some(crate::base::passwd::gid_list(get(b"GIDLIST")).unwrap_or_else(|| bad(b"GIDLIST")));
            }
            b'u' => uid = Some(uint(a).unwrap_or_else(|| diag::usage(USAGE))),
            b'g' => gid = Some(uint(a).unwrap_or_else(|| diag::usage(USAGE))),
            b'G' => groups = Some(crate::base::passwd::gid_list(a).unwrap_or_else(|| diag::usage(USAGE))),
            b'l' => linelen = parse_u64(a).unwrap_or_else(|| diag::usage(USAGE)).clamp(76, 1 << 20) as usize,
            b't' => lameduck = parse_u64(a).unwrap_or_else(|| diag::usage(USAGE)),
            b'x' => at = Where::Unix(a),
            b'i' => at = Where::Udp(ip_port(a).unwrap_or_else(|| diag::usage(USAGE))),
            _ => diag::usage(USAGE),
        }
    }
    if let Some(n) = notif {
        if n < 3 {
            diag::fatal(exit::USAGE, &[b"notification fd must be 3 or more"]);
        }
        if let Err(e) = fd::borrow_checked(n as i32) {
            diag::fatal_sys(exit::USAGE, e, &[b"invalid notification fd"]);
        }
    }
    let (sock, _lock) = bind(&at);
    if uid.is_some() || gid.is_some() || groups.is_some() {
        drop_privileges(uid, gid, groups);
    }
    let sigs = raw::sigprocmask_set(raw::SigSet::EMPTY.with(SIGTERM))
        .and_then(|_| SignalFd::new(raw::SigSet::EMPTY.with(SIGTERM)))
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to set up signals"]));
    if let Some(n) = notif {
        let _ = fd::write_close(n as i32, b"\n");
    }
    let udp = matches!(at, Where::Udp(_));
    // The datagram, then room for the prefixes and the `...`.
    let buf = arena::alloc_bytes(linelen + 1, 1)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]));
    let out = arena::alloc_bytes(linelen + 160, 1)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]));
    // A broken stdout is an error to say, not a death.
    let _ = raw::sigaction_set(crate::sys::signal::SIGPIPE, true);
    // One line at a time: the next datagram is read once the line before
    // is written (the kernel keeps the others). After SIGTERM, what is
    // pending may take `-t` ms (0: as long as it takes), then exit 99.
    let (mut off, mut len) = (0usize, 0usize);
    let mut stop: Option<Option<Instant>> = None;
    loop {
        if let Some(deadline) = stop {
            if off == len {
                return exit::OK;
            }
            if deadline.is_some_and(|t| Instant::now().0 >= t.0) {
                return 99;
            }
        }
        let pending = off < len;
        let mut fds = [
            PollFd::new(&sigs, PollFlags::IN),
            PollFd::from_borrowed_fd(fd::stdout(), if pending { PollFlags::OUT } else { PollFlags::empty() }),
            PollFd::new(&sock, if pending || stop.is_some() { PollFlags::empty() } else { PollFlags::IN }),
        ];
        let ts = stop.flatten().map(|t| t.until(Instant::now()));
        match poll(&mut fds, ts.as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to poll"]),
        }
        if !fds[0].revents().is_empty() {
            while let Some(sig) = sigs.read() {
                if sig == SIGTERM && stop.is_none() {
                    stop = Some((lameduck > 0).then(|| Instant::now().after_ms(lameduck)));
                }
            }
        }
        if pending && !fds[1].revents().is_empty() {
            match rustix::io::write(fd::stdout(), &out[off..len]) {
                Ok(k) => off += k,
                Err(Errno::AGAIN | Errno::INTR) => {}
                Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]),
            }
            continue;
        }
        if fds[2].revents().is_empty() {
            continue;
        }
        let (n, from) = match net::recvfrom(&sock, &mut buf[..], RecvFlags::DONTWAIT) {
            Ok((n, _, from)) => (n, from),
            Err(Errno::AGAIN | Errno::INTR) => continue,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to recv"]),
        };
        if n == 0 {
            continue;
        }
        let mut k = 0;
        if udp && let Some(a) = from.and_then(|a| SocketAddr::try_from(a).ok()) {
            k = peer(out, a);
        }
        k += line(&buf[..n], n == buf.len(), raw_lines, &mut out[k..]);
        out[k] = b'\n';
        (off, len) = (0, k + 1);
    }
}

/// `IP_PORT` or `IP:PORT` (the last separator; port 514 when there is
/// none).
fn ip_port(a: &[u8]) -> Option<SocketAddr> {
    if let Some(ip) = ip(a) {
        return Some(SocketAddr::new(ip, 514));
    }
    let k = a.iter().rposition(|&c| c == b'_' || c == b':')?;
    let mut h = &a[..k];
    if let [b'[', rest @ .., b']'] = h {
        h = rest;
    }
    let port = parse_u64(&a[k + 1..]).filter(|&p| p <= 65535)? as u16;
    Some(SocketAddr::new(ip(h)?, port))
}

/// A dotted IPv4 address or an IPv6 one (`::` allowed).
fn ip(s: &[u8]) -> Option<IpAddr> {
    if !s.contains(&b':') {
        let mut o = [0u8; 4];
        let mut parts = s.split(|&c| c == b'.');
        for b in o.iter_mut() {
            let p = parts.next().filter(|p| !p.is_empty() && p.len() <= 3)?;
            *b = parse_u64(p).filter(|&v| v <= 255)? as u8;
        }
        return parts.next().is_none().then(|| IpAddr::V4(Ipv4Addr::from(o)));
    }
    let groups = |part: &[u8], out: &mut [u16; 8]| -> Option<usize> {
        let mut n = 0;
        for g in part.split(|&c| c == b':').filter(|_| !part.is_empty()) {
            if g.is_empty() || g.len() > 4 || n == 8 {
                return None;
            }
            out[n] = g.iter().try_fold(0u16, |v, &c| Some(v << 4 | (c as char).to_digit(16)? as u16))?;
            n += 1;
        }
        Some(n)
    };
    let (mut head, mut tail) = ([0u16; 8], [0u16; 8]);
    let mut w = [0u16; 8];
    match s.windows(2).position(|w| w == b"::") {
        Some(k) => {
            let (h, t) = (groups(&s[..k], &mut head)?, groups(&s[k + 2..], &mut tail)?);
            if h + t > 7 {
                return None;
            }
            w[..h].copy_from_slice(&head[..h]);
            w[8 - t..].copy_from_slice(&tail[..t]);
        }
        None => {
            if groups(s, &mut w)? != 8 {
                return None;
            }
        }
    }
    Some(IpAddr::V6(Ipv6Addr::from(w)))
}

/// `ip` as text into `out` (IPv6 with its longest run of zero groups as
/// `::`); its length.
fn fmt_ip(ip: IpAddr, out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut put = |b: &[u8], n: &mut usize| {
        out[*n..*n + b.len()].copy_from_slice(b);
        *n += b.len();
    };
    match ip {
        IpAddr::V4(a) => {
            for (i, o) in a.octets().iter().enumerate() {
                if i > 0 {
                    put(b".", &mut n);
                }
                put(itoa::Buffer::new().format(*o).as_bytes(), &mut n);
            }
        }
        IpAddr::V6(a) => {
            let g = a.segments();
            // The longest run of two zero groups or more.
            let (mut best, mut len, mut i) = (8, 1, 0);
            while i < 8 {
                let j = (i..8).find(|&j| g[j] != 0).unwrap_or(8);
                if j - i > len {
                    (best, len) = (i, j - i);
                }
                i = j.max(i + 1);
            }
            let mut i = 0;
            while i < 8 {
                if i == best {
                    put(b"::", &mut n);
                    i += len;
                    continue;
                }
                if i > 0 && i != best + len {
                    put(b":", &mut n);
                }
                let mut h = [0u8; 4];
                let digits = (0..4).rev().map(|k| b"0123456789abcdef"[(g[i] >> (4 * k) & 15) as usize]);
                let mut k = 0;
                for d in digits {
                    if k > 0 || d != b'0' {
                        h[k] = d;
                        k += 1;
                    }
                }
                put(if k == 0 { b"0" } else { &h[..k] }, &mut n);
                i += 1;
            }
        }
    }
    n
}

/// The socket, bound (and, for a unix one, its lock); a failure is
/// s6-socklog's `unable to bind socket to …` (111).
fn bind(at: &Where) -> (OwnedFd, Option<OwnedFd>) {
    let fail = |e: Errno| -> ! {
        match at {
            Where::Unix(p) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to bind socket to ", p]),
            Where::Udp(a) => {
                let mut t = [0u8; 48];
                let k = fmt_ip(a.ip(), &mut t);
                let mut b = itoa::Buffer::new();
                let port = b.format(a.port()).as_bytes();
                diag::fatal_sys(exit::SYSCALL, e, &[b"unable to bind socket to ip ", &t[..k], b" port ", port])
            }
        }
    };
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    match at {
        Where::Unix(p) => {
            let path = arena::cstr(&[p]).unwrap_or_else(|e| fail(e));
            let lpath = arena::cstr(&[p, b".lock"]).unwrap_or_else(|e| fail(e));
            let lock = fs::open(lpath, OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC, Mode::from_raw_mode(0o600))
                .unwrap_or_else(|e| fail(e));
            fs::fcntl_lock(&lock, FlockOperation::NonBlockingLockExclusive)
                .unwrap_or_else(|e| fail(if matches!(e, Errno::AGAIN | Errno::ACCESS) { Errno::BUSY } else { e }));
            let s = net::socket_with(AddressFamily::UNIX, SocketType::DGRAM, flags, None).unwrap_or_else(|e| fail(e));
            let addr = SocketAddrUnix::new(path).unwrap_or_else(|e| fail(e));
            match fs::unlink(path) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(e) => fail(e),
            }
            let old = rustix::process::umask(Mode::empty());
            let r = net::bind(&s, &addr);
            rustix::process::umask(old);
            r.unwrap_or_else(|e| fail(e));
            (s, Some(lock))
        }
        Where::Udp(a) => {
            let fam = if a.is_ipv4() { AddressFamily::INET } else { AddressFamily::INET6 };
            let s = net::socket_with(fam, SocketType::DGRAM, flags, None).unwrap_or_else(|e| fail(e));
            let _ = sockopt::set_socket_reuseaddr(&s, true);
            if !a.is_ipv4() {
                let _ = sockopt::set_ipv6_v6only(&s, true);
            }
            net::bind(&s, a).unwrap_or_else(|e| fail(e));
            (s, None)
        }
    }
}

fn drop_privileges(uid: Option<u32>, gid: Option<u32>, groups: Option<&[u32]>) {
    let r = crate::sys::ids::drop_to(
        uid.unwrap_or_else(|| rustix::process::geteuid().as_raw()),
        gid.unwrap_or_else(|| rustix::process::getegid().as_raw()),
        groups,
    );
    if let Err((_, e)) = r {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to drop privileges"]);
    }
}

/// `IP_PORT: ` into `out`; its length.
fn peer(out: &mut [u8], a: SocketAddr) -> usize {
    let mut n = fmt_ip(a.ip(), out);
    for p in [&b"_"[..], itoa::Buffer::new().format(a.port()).as_bytes(), b": "] {
        out[n..n + p.len()].copy_from_slice(p);
        n += p.len();
    }
    n
}

/// One datagram as its line (without the newline) into `out`; its length.
/// `cut`: it filled the buffer, so it may have been longer.
fn line(d: &[u8], cut: bool, raw_lines: bool, out: &mut [u8]) -> usize {
    let end = d.iter().rposition(|&c| c != b'\n' && c != 0).map_or(0, |k| k + 1);
    let mut body = &d[..end];
    let mut n = 0;
    let put = |out: &mut [u8], b: &[u8], n: &mut usize| {
        out[*n..*n + b.len()].copy_from_slice(b);
        *n += b.len();
    };
    if !raw_lines
        && body.first() == Some(&b'<')
        && let Some(k) = body.iter().position(|&c| c == b'>')
        && let Some(v) = parse_u64(&body[1..k]).filter(|&v| v <= u32::MAX as u64)
    {
        for p in [
            FACILITIES.get(((v & 0x3f8) >> 3) as usize).copied().unwrap_or(b"unknown"),
            b".",
            PRIORITIES[(v & 7) as usize],
            b": ",
        ] {
            put(out, p, &mut n);
        }
        body = &body[k + 1..];
    }
    for &c in body {
        out[n] = if c == b'\n' || c == 0 { b'~' } else { c };
        n += 1;
    }
    if cut {
        put(out, b"...", &mut n);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(d: &[u8], cut: bool, raw: bool) -> std::string::String {
        let mut out = [0u8; 300];
        let n = line(d, cut, raw, &mut out);
        std::string::String::from_utf8_lossy(&out[..n]).into_owned()
    }

    #[test]
    fn priorities_and_bytes() {
        assert_eq!(l(b"<13>hello\n", false, false), "user.notice: hello");
        assert_eq!(l(b"<191>x", false, false), "local7.debug: x");
        assert_eq!(l(b"<192>x", false, false), "mark.emerg: x");
        assert_eq!(l(b"<200>x", false, false), "unknown.emerg: x");
        assert_eq!(l(b"<103>x", false, false), "unknown.debug: x");
        assert_eq!(l(b"<4294967295>a", false, false), "unknown.debug: a");
        assert_eq!(l(b"<4294967296>b", false, false), "<4294967296>b");
        assert_eq!(l(b"<013>lead", false, false), "user.notice: lead");
        // The facility is masked as LOG_FACMASK does.
        assert_eq!(l(b"<1037>m", false, false), "user.notice: m");
        assert_eq!(l(b"<13", false, false), "<13");
        assert_eq!(l(b"<>e", false, false), "<>e");
        assert_eq!(l(b"< 13>e", false, false), "< 13>e");
        assert_eq!(l(b"<13>", false, false), "user.notice: ");
        assert_eq!(l(b"a\nb\0c\n\0\n", false, false), "a~b~c");
        assert_eq!(l(b"<13>raw a\nb\n", false, true), "<13>raw a~b");
        assert_eq!(l(b"vv\n\n", true, false), "vv...");
    }

    #[test]
    fn addresses() {
        assert_eq!(ip_port(b"127.0.0.1:5514"), Some("127.0.0.1:5514".parse().unwrap()));
        assert_eq!(ip_port(b"127.0.0.1_5514"), Some("127.0.0.1:5514".parse().unwrap()));
        assert_eq!(ip_port(b"1.2.3.4"), Some("1.2.3.4:514".parse().unwrap()));
        assert_eq!(ip_port(b"::1"), Some("[::1]:514".parse().unwrap()));
        assert_eq!(ip_port(b"::1_600"), Some("[::1]:600".parse().unwrap()));
        assert_eq!(ip_port(b"1.2.3"), None);
        assert_eq!(ip_port(b"1.2.3.256"), None);
        assert_eq!(ip_port(b"1::2::3"), None);
        assert_eq!(ip_port(b"[fe80::1]:53"), Some("[fe80::1]:53".parse().unwrap()));
        assert_eq!(ip(b"1:2:3:4:5:6:7:8"), Some("1:2:3:4:5:6:7:8".parse().unwrap()));
        for t in ["::", "::1", "1::", "fe80::1:0:0:2", "1:0:0:2:0:0:0:3", "1:2:3:4:5:6:7:8", "10.0.0.255"] {
            let mut out = [0u8; 48];
            let n = fmt_ip(ip(t.as_bytes()).unwrap(), &mut out);
            assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), t.parse::<IpAddr>().unwrap().to_string());
        }
    }
}
