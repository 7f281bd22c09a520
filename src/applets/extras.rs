//! Small s6 tools that run scripts and people call: `s6-softlimit` (set
//! soft resource limits, then exec), `s6-tai64n` (stamp each line of stdin
//! with a TAI64N label) and `s6-tai64nlocal` (turn such labels into local
//! time), and s6-portable-utils' `s6-true` and `s6-false`. Usage strings,
//! messages and exit codes are upstream's.
use crate::base::chain::{self, opts};
use crate::base::io::BufOut;
use crate::base::num::parse_u64;
use crate::base::tai::Tai;
use crate::base::tz::Zone;
use crate::base::{diag, exit};
use crate::rt::{Args, Env};
use crate::sys::{arena, fd};
use rustix::io::Errno;
use rustix::process::{Resource, getrlimit, setrlimit};

const SOFTLIMIT_USAGE: &[u8] = b"s6-softlimit [ -a allbytes ] [ -c corebytes ] [ -d databytes ] [ -f filebytes ] \
[ -l lockbytes ] [ -m membytes ] [ -o openfiles ] [ -p processes ] [ -r residentbytes ] [ -s stackbytes ] \
[ -t cpusecs ] prog...";

/// `s6-softlimit [-a|-c|-d|-f|-l|-m|-o|-p|-r|-s|-t value]... prog...`: each
/// option sets a soft limit (`=`: the hard limit; above the hard limit:
/// the hard limit); `-m` sets data, stack, locked memory and address space.
pub fn softlimit(args: Args) -> u8 {
    let rest = opts(args, b"a:c:d:f:l:m:o:p:r:s:t:", SOFTLIMIT_USAGE, &mut |c, a| {
        let res: &[Resource] = match c {
            b'a' => &[Resource::As],
            b'c' => &[Resource::Core],
            b'd' => &[Resource::Data],
            b'f' => &[Resource::Fsize],
            b'l' => &[Resource::Memlock],
            b'm' => &[Resource::Data, Resource::Stack, Resource::Memlock, Resource::As],
            b'o' => &[Resource::Nofile],
            b'p' => &[Resource::Nproc],
            b'r' => &[Resource::Rss],
            b's' => &[Resource::Stack],
            b't' => &[Resource::Cpu],
            _ => return false,
        };
        res.iter().all(|&r| soft(r, a))
    });
    if rest.is_empty() {
        diag::usage(SOFTLIMIT_USAGE);
    }
    chain::exec_here(rest)
}

/// Set `r`'s soft limit from `arg`; false for a bad number.
fn soft(r: Resource, arg: &[u8]) -> bool {
    let mut l = getrlimit(r);
    l.current = if arg == b"=" {
        l.maximum
    } else {
        let Some(n) = parse_u64(arg) else { return false };
        Some(l.maximum.map_or(n, |m| n.min(m)))
    };
    if let Err(e) = setrlimit(r, l) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to setrlimit"]);
    }
    true
}

/// `s6-true`: exit 0.
pub fn true_(_: Args) -> u8 {
    exit::OK
}

/// `s6-false`: exit 1.
pub fn false_(_: Args) -> u8 {
    1
}

/// `s6-tai64n`: copy stdin to stdout, each line after `@<TAI64N label> `,
/// the time its newline was read (as upstream, which reads the whole line
/// first: a line is written once it is complete); an unterminated last
/// line is stamped at the end of the input and gets its newline.
pub fn tai64n(_: Args) -> u8 {
    // The line read so far (a long line grows it; it is reused).
    let mut line = arena::Vec::<u8>::new();
    let code = filter(&mut |out, chunk| {
        let mut rest = chunk;
        while let Some(i) = rest.iter().position(|&c| c == b'\n') {
            // Whole, however long (`put` would cut it at the buffer's
            // size); an error is kept and said at the flush.
            let _ = out.put_all(&[&Tai::now().to_text(), b" ", line.get(), &rest[..=i]]);
            line.n = 0;
            rest = &rest[i + 1..];
        }
        line.extend(rest);
    });
    if line.n > 0 {
        put_stdout(&[&Tai::now().to_text(), b" ", line.get(), b"\n"]);
    }
    code
}

/// Write `bytes` to stdout, or die as `filter` does.
fn put_stdout(parts: &[&[u8]]) {
    let mut space = [0u8; 64];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    if let Err(e) = out.put_all(parts).and_then(|_| out.flush()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
}

/// `s6-tai64nlocal [-g]`: copy stdin to stdout, a TAI64N label at the
/// start of a line (hex digits in either case) replaced by its local time,
/// or with `-g` its UTC time, `YYYY-MM-DD HH:MM:SS.nnnnnnnnn`.
pub fn tai64nlocal(args: Args) -> u8 {
    let mut utc = false;
    opts(args, b"g", b"s6-tai64nlocal [ -g ]", &mut |c, _| {
        utc = c == b'g';
        utc
    });
    let zone = if utc { Zone::UTC } else { Zone::load(Env::get().var(b"TZ")) };
    // The start of the current line while it may still be a label.
    let mut head = [0u8; 25];
    let mut have = 0usize;
    let mut in_head = true;
    let code = filter(&mut |out, chunk| {
        for &c in chunk {
            if !in_head {
                out.put(&[&[c]]);
                in_head = c == b'\n';
                continue;
            }
            if have == head.len() {
                // A label is converted once something follows it (as
                // upstream: a label alone at the end stays as it is).
                match local(&zone, &head) {
                    Some((t, n)) => out.put(&[&t[..n], &[c]]),
                    None => out.put(&[&head, &[c]]),
                }
                have = 0;
                in_head = c == b'\n';
                continue;
            }
            let fits = if have == 0 { c == b'@' } else { c.is_ascii_hexdigit() };
            if !fits {
                out.put(&[&head[..have], &[c]]);
                have = 0;
                in_head = c == b'\n';
                continue;
            }
            head[have] = c;
            have += 1;
        }
    });
    if have > 0 {
        put_stdout(&[&head[..have]]);
    }
    code
}

/// The local time of the label `@` + 24 hex digits (none before the Unix
/// epoch, 1970-01-01 00:00:00 UTC, which is TAI 2^62 + 10 s).
/// The last Unix second upstream converts (the end of the year
/// 2147483647, the largest `struct tm` holds); a later label stays as it is.
const LOCAL_MAX: u64 = 67_767_976_233_532_799;

/// `label` as `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in `zone` (more year digits
/// past 9999, as upstream): the text and its length; `None` when it is not
/// a time upstream converts (before 1970's label, or past `LOCAL_MAX`).
fn local(zone: &Zone, label: &[u8; 25]) -> Option<([u8; 40], usize)> {
    let hex = |s: &[u8]| s.iter().fold(0u64, |v, &c| v << 4 | (c as char).to_digit(16).unwrap_or(0) as u64);
    let t = Tai { secs: hex(&label[1..17]), nanos: hex(&label[17..25]) as u32 };
    if t.secs < (1 << 62) + 10 || t.secs >= 1 << 63 || t.utc_secs() > LOCAL_MAX {
        return None;
    }
    let (y, m, d, s) = zone.civil(t.utc_secs() as i64);
    let mut out = [0u8; 40];
    let mut k = 0;
    let mut put = |v: u64, width: usize, after: u8| {
        let mut b = itoa::Buffer::new();
        let digits = b.format(v).as_bytes();
        for _ in digits.len()..width {
            out[k] = b'0';
            k += 1;
        }
        // Nanoseconds are 9 digits: a field of 10^9 or more keeps its
        // first nine, as upstream prints it.
        let digits = if width == 9 { &digits[..digits.len().min(9)] } else { digits };
        out[k..k + digits.len()].copy_from_slice(digits);
        k += digits.len();
        if after != 0 {
            out[k] = after;
            k += 1;
        }
    };
    put(y.max(0) as u64, 4, b'-');
    put(m as u64, 2, b'-');
    put(d as u64, 2, b' ');
    put((s / 3600) as u64, 2, b':');
    put((s / 60 % 60) as u64, 2, b':');
    put((s % 60) as u64, 2, b'.');
    put(t.nanos as u64, 9, 0);
    Some((out, k))
}

/// Read stdin to its end, handing each chunk to `f` with the output, which
/// is flushed after each chunk (a pipe's reader sees each line as it comes).
fn filter(f: &mut dyn FnMut(&mut BufOut<'_>, &[u8])) -> u8 {
    let mut inbuf = [0u8; 4096];
    let mut space = [0u8; 8192];
    let mut out = BufOut::new(fd::stdout(), &mut space);
    loop {
        let n = match rustix::io::read(fd::stdin(), &mut inbuf) {
            Ok(0) => return exit::OK,
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read from stdin"]),
        };
        f(&mut out, &inbuf[..n]);
        if let Err(e) = out.flush() {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
        }
    }
}
