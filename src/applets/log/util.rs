//! s6-overlay's `logutil-service` and `logutil-newfifo`.
//!
//! `logutil-service [-f FIFO] LOGDIR` runs s6-log (in this process) as
//! s6-overlay does: `s6-log -b -- $S6_LOGGING_SCRIPT LOGDIR` in v3's layout
//! (an image with `/etc/s6-overlay`), v2's `-bp` (SIGTERM ignored: it ends
//! on EOF or SIGHUP) otherwise; the script read from the container
//! environment (default `n20 s1000000 T`), as `nobody` (uid and gid from
//! `/etc/passwd`, else the fallback, v3's 65534:65534 or v2's 32768:32768), with
//! an empty environment. A missing LOGDIR is created first, owned by that
//! account. With `S6_LOGGING_CONSOLE=1` in the container environment, every
//! line is also copied to stderr as `SERVICE | line`.
use crate::base::fs::{read_or_empty, read_small};
use crate::base::getopt::Getopt;
use crate::base::{diag, exit, passwd, path::basename};
use crate::rt::Args;
use crate::sys::{arena, fd, ids};
use core::ffi::CStr;
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

/// A variable of the container environment (v3's then v2's place).
fn contenv(name: &[u8]) -> Option<&'static [u8]> {
    for dir in [&b"/run/s6/container_environment/"[..], b"/var/run/s6/container_environment/"] {
        if let Some(v) = arena::cstr(&[dir, name]).ok().and_then(read_small) {
            return Some(crate::s6::envdir::value_of(v));
        }
    }
    None
}

fn die(e: Errno, what: &[&[u8]]) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, what)
}

/// The account loggers run as: `nobody`, else the layout's fallback.
fn nobody(v3: bool) -> (u32, u32) {
    let fallback = if v3 { (65534, 65534) } else { (32768, 32768) };
    passwd::user(read_or_empty(c"/etc/passwd"), b"nobody").unwrap_or(fallback)
}

pub fn service(args: Args) -> u8 {
    const USAGE: &[u8] = b"logutil-service [ -f fifo ] logdir";
    let mut g = Getopt::new(args, b"f:");
    let mut fifo = None;
    while let Some((c, a)) = g.next() {
        match c {
            b'f' => fifo = Some(a),
            _ => diag::usage(USAGE),
        }
    }
    let Some(dir) = g.word_at(g.ind) else { diag::usage(USAGE) };
    if let Some(f) = fifo {
        let p = arena::cstr(&[f]).unwrap_or_else(|e| die(e, &[b"unable to allocate"]));
        let r = fs::open(p, OFlags::RDONLY | OFlags::NONBLOCK, Mode::empty()).and_then(|fd| {
            let fl = rustix::fs::fcntl_getfl(&fd)?;
            rustix::fs::fcntl_setfl(&fd, fl - OFlags::NONBLOCK)?;
            fd::dup_to_stdin(&fd)
        });
        if let Err(e) = r {
            die(e, &[b"unable to open ", f]);
        }
    }
    let script = contenv(b"S6_LOGGING_SCRIPT").unwrap_or(b"n20 s1000000 T");
    let v3 = fs::stat(c"/etc/s6-overlay").is_ok();
    let (uid, gid) = nobody(v3);
    let cdir = arena::cstr(&[dir]).unwrap_or_else(|e| die(e, &[b"unable to allocate"]));
    if fs::mkdir(cdir, Mode::from_raw_mode(0o2700)).is_ok() {
        let _ = fs::chown(cdir, Some(rustix::fs::Uid::from_raw(uid)), Some(rustix::fs::Gid::from_raw(gid)));
    }
    // The service's name: the directory above `log`, as the supervision
    // tree lays it out, else the logdir's own name.
    let console = contenv(b"S6_LOGGING_CONSOLE").is_some_and(|v| v == b"1").then(|| {
        let mut buf = [core::mem::MaybeUninit::<u8>::uninit(); 1024];
        let cwd: &[u8] = match fs::readlinkat_raw(fs::CWD, c"/proc/self/cwd", &mut buf) {
            Ok((init, _)) => init,
            Err(_) => b"",
        };
        let name = match cwd.strip_suffix(b"/log") {
            Some(p) => basename(p),
            None => basename(dir),
        };
        let v = arena::alloc_bytes(name.len(), 1).unwrap_or_else(|e| die(e, &[b"unable to allocate"]));
        v.copy_from_slice(name);
        &*v
    });
    if let Err((_, e)) = ids::drop_to(uid, gid, Some(&[gid])) {
        die(e, &[b"unable to drop privileges"]);
    }
    let n = script.split(|&c| c == b' ' || c == b'\t').filter(|w| !w.is_empty()).count();
    let words = arena::alloc_slice::<&'static [u8]>(n + 4, b"").unwrap_or_else(|e| die(e, &[b"unable to allocate"]));
    words[0] = b"s6-log";
    words[1] = if v3 { b"-b" } else { b"-bp" };
    words[2] = b"--";
    for (k, w) in script.split(|&c| c == b' ' || c == b'\t').filter(|w| !w.is_empty()).enumerate() {
        words[3 + k] = w;
    }
    words[n + 3] = dir;
    crate::rt::set_prog(b"s6-log");
    super::run(words, console, true)
}

pub fn newfifo(args: Args) -> u8 {
    const USAGE: &[u8] = b"logutil-newfifo [ -m mode ] [ -o owner ] fifo";
    let mut g = Getopt::new(args, b"m:o:");
    let (mut mode, mut owner) = (0o600, &b"root"[..]);
    while let Some((c, a)) = g.next() {
        match c {
            b'm' => mode = octal(a).unwrap_or_else(|| diag::usage(USAGE)) as u32,
            b'o' => owner = a,
            _ => diag::usage(USAGE),
        }
    }
    // v3's script: no FIFO, exit 1 without a word (its `s6-test $# -ge 1`).
    let Some(f) = g.word_at(g.ind) else { return exit::FALSE };
    if fs::stat(c"/etc/s6-overlay").is_ok() {
        let w: &[u8] = b"logutil-newfifo: warning: this binary is deprecated, use s6-mkfifo and s6-chown instead\n";
        let _ = fd::write_all(fd::stderr(), w);
    }
    let p: &CStr = arena::cstr(&[f]).unwrap_or_else(|e| die(e, &[b"unable to allocate"]));
    // As v3's `s6-rmrf`: whatever is there goes, a directory tree too.
    if let Err(e) = crate::base::fs::remove_tree(fs::CWD, f, 64) {
        die(e, &[b"unable to remove ", f]);
    }
    if let Err(e) = fs::mknodat(fs::CWD, p, fs::FileType::Fifo, Mode::from_raw_mode(mode), 0)
        .and_then(|_| fs::chmod(p, Mode::from_raw_mode(mode)))
    {
        die(e, &[b"unable to mkfifo ", f]);
    }
    // As `s6-envuidgid -- OWNER s6-chown -U`: root by default; root is
    // 0:0 even without /etc/passwd.
    let (pw, gr) = (read_or_empty(c"/etc/passwd"), read_or_empty(c"/etc/group"));
    let (u, gid) = match passwd::resolve(owner, pw, gr) {
        Ok(x) => x,
        Err(_) if owner == b"root" => (0, 0),
        Err(_) => {
            crate::rt::set_prog(b"s6-envuidgid");
            diag::fatal(exit::FALSE, &[b"unknown user: ", owner])
        }
    };
    if let Err(e) = fs::chown(p, Some(rustix::fs::Uid::from_raw(u)), Some(rustix::fs::Gid::from_raw(gid))) {
        die(e, &[b"unable to chown ", f]);
    }
    exit::OK
}

fn octal(s: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for &c in s {
        if !(b'0'..=b'7').contains(&c) || v > 0o777 {
            return None;
        }
        v = v * 8 + (c - b'0') as u64;
    }
    (!s.is_empty()).then_some(v)
}
