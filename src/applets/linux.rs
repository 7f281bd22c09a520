//! s6-linux-utils' mount and swap tools (2.6.4): `s6-mount`, `s6-umount`,
//! `s6-pivotchroot`, `s6-freeramdisk`, `s6-swapon` and `s6-swapoff`.
//! Usage strings, messages and exit codes are upstream's. An fstab is read
//! as musl's `getmntent` reads it (s6-overlay's binaries are static musl
//! ones): blank lines and `#` comments are skipped, missing fields are
//! empty, `\NNN` octal escapes are decoded, a last line without its newline
//! is ignored and a line holding a NUL ends the file.
use crate::base::chain::{self, opts};
use crate::base::getopt::gol_flags;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::sys::{arena, fd, raw};
use core::ffi::CStr;
use linux_raw_sys::general as ms;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;
use rustix::mount::{MountFlags, UnmountFlags};

/// A mount option word, the `MS_*` bits it clears and those it then sets;
/// any other word goes to the filesystem as data. Upstream's table, in its
/// order, which is not quite sorted: its `bsearch` (see [`find_option`])
/// never finds `noexec` nor `nosymfollow`, which therefore reach the
/// filesystem as data (tmpfs refuses them: `Invalid argument`).
const MOUNT_OPTIONS: [(&[u8], u32, u32); 38] = {
    const PROPAGATION: u32 = ms::MS_SHARED | ms::MS_PRIVATE | ms::MS_SLAVE | ms::MS_UNBINDABLE;
    const DEFAULTS: u32 = ms::MS_RDONLY | ms::MS_NOSUID | ms::MS_NODEV | ms::MS_NOEXEC | ms::MS_SYNCHRONOUS;
    [
        (b"async", ms::MS_SYNCHRONOUS, 0),
        (b"atime", ms::MS_NOATIME, 0),
        (b"bind", 0, ms::MS_BIND),
        (b"defaults", DEFAULTS, 0),
        (b"dev", ms::MS_NODEV, 0),
        (b"diratime", ms::MS_NODIRATIME, 0),
        (b"dirsync", 0, ms::MS_DIRSYNC),
        (b"exec", ms::MS_NOEXEC, 0),
        (b"lazytime", 0, ms::MS_LAZYTIME),
        (b"loud", ms::MS_SILENT, 0),
        (b"mandlock", 0, ms::MS_MANDLOCK),
        (b"move", 0, ms::MS_MOVE),
        (b"noatime", 0, ms::MS_NOATIME),
        (b"nobind", ms::MS_BIND, 0),
        (b"nodev", 0, ms::MS_NODEV),
        (b"nodiratime", 0, ms::MS_NODIRATIME),
        (b"nodirsync", ms::MS_DIRSYNC, 0),
        (b"nolazytime", ms::MS_LAZYTIME, 0),
        (b"noexec", 0, ms::MS_NOEXEC),
        (b"nomandlock", ms::MS_MANDLOCK, 0),
        (b"nomove", ms::MS_MOVE, 0),
        (b"norelatime", ms::MS_RELATIME, 0),
        (b"nostrictatime", ms::MS_STRICTATIME, 0),
        (b"nosymfollow", 0, ms::MS_NOSYMFOLLOW),
        (b"nosuid", 0, ms::MS_NOSUID),
        (b"private", PROPAGATION, ms::MS_PRIVATE),
        (b"relatime", 0, ms::MS_RELATIME),
        (b"remount", 0, ms::MS_REMOUNT),
        (b"ro", 0, ms::MS_RDONLY),
        (b"rw", ms::MS_RDONLY, 0),
        (b"shared", PROPAGATION, ms::MS_SHARED),
        (b"silent", 0, ms::MS_SILENT),
        (b"slave", PROPAGATION, ms::MS_SLAVE),
        (b"strictatime", 0, ms::MS_STRICTATIME),
        (b"suid", ms::MS_NOSUID, 0),
        (b"symfollow", ms::MS_NOSYMFOLLOW, 0),
        (b"sync", 0, ms::MS_SYNCHRONOUS),
        (b"unbindable", PROPAGATION, ms::MS_UNBINDABLE),
    ]
};

/// `word`'s entry, probed as libc's `bsearch` probes (the middle of the
/// range, then the half that can hold it), so that the same words are
/// found as upstream finds in its table.
fn find_option(word: &[u8]) -> Option<(u32, u32)> {
    let (mut base, mut n) = (0, MOUNT_OPTIONS.len());
    while n > 0 {
        let at = base + n / 2;
        let (name, clear, set) = MOUNT_OPTIONS[at];
        match word.cmp(name) {
            core::cmp::Ordering::Less => n /= 2,
            core::cmp::Ordering::Greater => {
                base = at + 1;
                n -= n / 2 + 1;
            }
            core::cmp::Ordering::Equal => return Some((clear, set)),
        }
    }
    None
}

/// What a list of mount options comes to: `MS_*` flags, and the words
/// left for the filesystem, comma-separated.
#[derive(Default)]
struct MountOpts {
    flags: u32,
    data: arena::Vec<u8>,
}

impl MountOpts {
    /// Apply `list` (`word,word,…`; an empty word is data too) in order.
    fn scan(&mut self, list: &[u8]) {
        if list.is_empty() {
            return;
        }
        for word in list.strip_suffix(b",").unwrap_or(list).split(|&c| c == b',') {
            match find_option(word) {
                Some((clear, set)) => self.flags = self.flags & !clear | set,
                None => {
                    if self.data.n > 0 {
                        self.data.push(b',');
                    }
                    word.iter().for_each(|&c| self.data.push(c));
                }
            }
        }
    }

    /// mount(2) with these options; the data string is given even when
    /// empty, as upstream gives it.
    fn mount(&mut self, source: &[u8], target: &[u8], fstype: &[u8]) -> Result<(), Errno> {
        self.data.push(0);
        let data = CStr::from_bytes_until_nul(self.data.get()).map_err(|_| Errno::INVAL)?;
        rustix::mount::mount(source, target, fstype, MountFlags::from_bits_retain(self.flags), data)
    }
}

const MOUNT_USAGE: &[u8] =
    b"s6-mount -a [ -z fstab ] | s6-mount [ -n ] [ -t type ] [ -o option[,option...] ]... device mountpoint";

/// `s6-mount [-n] [-r|-w] [-t type] [-o options]… device mountpoint`:
/// mount (exit 1 when the kernel says EBUSY); `-a [-z fstab]`: mount every
/// fstab entry, exit with the number that failed; no operand: print
/// `/proc/mounts`.
pub fn mount(args: Args) -> u8 {
    let (mut all, mut fstab, mut fstype): (bool, &[u8], &[u8]) = (false, b"/etc/fstab", b"none");
    let mut o = MountOpts::default();
    let rest = opts(args, b"nz:arwt:o:", MOUNT_USAGE, &mut |c, a| {
        match c {
            b'n' => {}
            b'z' => fstab = a,
            b'a' => all = true,
            b't' => fstype = a,
            b'w' => o.scan(b"rw"),
            b'r' => o.scan(b"ro"),
            b'o' => o.scan(a),
            _ => return false,
        }
        true
    });
    if all {
        return mount_all(fstab);
    }
    let (Some(dev), Some(dir)) = (rest.get_arg(0), rest.get_arg(1)) else {
        if rest.is_empty() {
            print_mounts();
            return exit::OK;
        }
        diag::usage(MOUNT_USAGE)
    };
    if let Err(e) = o.mount(dev.to_bytes(), dir.to_bytes(), fstype) {
        let code = if e == Errno::BUSY { exit::FALSE } else { exit::SYSCALL };
        diag::fatal_sys(code, e, &[b"unable to mount ", dev.to_bytes(), b" on ", dir.to_bytes()]);
    }
    exit::OK
}

/// Copy `/proc/mounts` to stdout.
fn print_mounts() {
    let f = open_read(c"/proc/mounts")
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read /proc/mounts"]));
    if let Err(e) = crate::base::fs::copy_data(f.as_fd(), fd::stdout()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to fd_cat /proc/mounts"]);
    }
}

fn open_read<P: rustix::path::Arg>(path: P) -> Result<OwnedFd, Errno> {
    fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
}

/// The exit code for `n` failures: what `exit(n)` leaves of it.
fn count_code(n: u32) -> u8 {
    n as u8
}

/// Mount every entry of `fstab` (swap and `noauto` ones too, as upstream);
/// a failure is a warning.
fn mount_all(fstab: &[u8]) -> u8 {
    let f = open_read(fstab).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", fstab]));
    let mut failed = 0;
    for_each_mntent(&f, &mut |[dev, dir, fstype, list]| {
        let mut o = MountOpts::default();
        o.scan(list);
        if let Err(e) = o.mount(dev, dir, fstype) {
            failed += 1;
            diag::warn_sys(e, &[b"unable to mount ", dev, b" on ", dir]);
        }
    });
    count_code(failed)
}

/// Call `each` with the device, mount point, type and options of each
/// entry of the fstab open on `f`, read as musl's `getmntent` reads it. A
/// file that cannot be read (a directory) has no entries, as there.
fn for_each_mntent(f: &OwnedFd, each: &mut dyn FnMut([&[u8]; 4])) {
    let text = crate::base::fs::read_fd(f.as_fd(), usize::MAX).unwrap_or_default();
    let mut rest = &mut text[..];
    while let Some(nl) = rest.iter().position(|&c| c == b'\n') {
        let (line, after) = core::mem::take(&mut rest).split_at_mut(nl + 1);
        rest = after;
        if line.contains(&0) {
            return;
        }
        if let Some(fields) = mntent(line) {
            each(fields);
        }
    }
}

/// The four fields of an fstab line (ending in `\n`), unescaped in place;
/// `None` for a blank line or a comment. A field is a run of bytes other
/// than space, tab and newline, after any white space (musl's `sscanf`).
fn mntent(line: &mut [u8]) -> Option<[&[u8]; 4]> {
    let mut spans = [(line.len(), line.len()); 4];
    let mut at = 0;
    for span in &mut spans {
        at += line[at..].iter().take_while(|c| c.is_ascii_whitespace() || **c == 0x0b).count();
        let len = line[at..].iter().take_while(|c| !matches!(c, b' ' | b'\t' | b'\n')).count();
        if len == 0 {
            break;
        }
        *span = (at, at + len);
        at += len;
    }
    let first = spans[0].0;
    if first == line.len() || line[first] == b'#' {
        return None;
    }
    let mut ends = [0; 4];
    for (end, &(s, e)) in ends.iter_mut().zip(&spans) {
        *end = s + unescape(&mut line[s..e]);
    }
    let line = &*line;
    Some(core::array::from_fn(|i| &line[spans[i].0..ends[i]]))
}

/// Decode musl's fstab escapes in place: `\\` is one backslash; `\` and
/// one to three octal digits whose value is not 0 (modulo 256) is that
/// byte; any other backslash stays. Returns the new length.
fn unescape(s: &mut [u8]) -> usize {
    let (mut from, mut to) = (0, 0);
    while from < s.len() {
        let mut c = s[from];
        from += 1;
        if c == b'\\' && s.get(from) == Some(&b'\\') {
            from += 1;
        } else if c == b'\\' {
            let digits = s[from..].iter().take(3).take_while(|d| (b'0'..=b'7').contains(d)).count();
            let v = s[from..from + digits].iter().fold(0u8, |v, d| (v << 3).wrapping_add(d - b'0'));
            if v != 0 {
                c = v;
                from += digits;
            }
        }
        s[to] = c;
        to += 1;
    }
    to
}

/// `s6-umount mountpoint`; `-a`: unmount what `/proc/mounts` lists, last
/// first, and exit with the number that failed.
pub fn umount(args: Args) -> u8 {
    let (all, rest) = gol_flags(args, &[(b'a', b"all")]);
    if all != 0 {
        return umount_all();
    }
    let Some(dir) = rest.get_arg(0) else { diag::usage(b"s6-umount [ -a ] [ mountpoint ]") };
    if let Err(e) = rustix::mount::unmount(dir, UnmountFlags::empty()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to unmount ", dir.to_bytes()]);
    }
    exit::OK
}

/// Most lines of `/proc/mounts` that `s6-umount -a` takes (upstream's
/// limit: a 512th line is already too many).
const UMOUNT_MAX: usize = 512;

fn umount_all() -> u8 {
    const WHAT: &[u8] = b"/proc/mounts";
    let f =
        open_read(c"/proc/mounts").unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", WHAT]));
    let text = crate::base::fs::read_fd(f.as_fd(), usize::MAX)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read ", WHAT]));
    drop(f);
    let mut points = heapless::Vec::<&CStr, UMOUNT_MAX>::new();
    let mut rest = &*text;
    loop {
        if points.is_full() {
            diag::fatal(exit::SYSCALL, &[WHAT, b" too big"]);
        }
        let Some(nl) = rest.iter().position(|&c| c == b'\n') else {
            if !rest.is_empty() {
                // skalibs' reader: a last line without its newline.
                diag::fatal_sys(exit::SYSCALL, Errno::PIPE, &[b"unable to read ", WHAT]);
            }
            break;
        };
        let (line, after) = rest.split_at(nl + 1);
        rest = after;
        let dir = line
            .iter()
            .position(|&c| c == b' ')
            .map(|p| &line[p + 1..])
            .and_then(|r| r.iter().position(|&c| c == b' ').map(|n| &r[..n]))
            .unwrap_or_else(|| diag::fatal(exit::SYSCALL, &[b"bad ", WHAT, b" format"]));
        let _ = points.push(c_string(dir, b"unable to store mount point"));
    }
    let mut failed = 0;
    for dir in points.iter().rev() {
        if let Err(e) = rustix::mount::unmount(*dir, UnmountFlags::empty()) {
            failed += 1;
            diag::warn_sys(e, &[b"unable to umount ", dir.to_bytes()]);
        }
    }
    count_code(failed)
}

/// `s` as a C string (cut at a NUL inside, as C reads it); out of memory:
/// `PROG: fatal: WHAT: …`, 111.
fn c_string(s: &[u8], what: &[u8]) -> &'static CStr {
    arena::cstr(&[s]).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[what]))
}

/// `s6-pivotchroot old-place-for-new-root new-place-for-old-root prog…`:
/// make the first directory the root (the old one goes to the second,
/// relative to the new root), then exec prog there.
pub fn pivotchroot(args: Args) -> u8 {
    let (Some(new_root), Some(put_old), true) = (args.get_arg(1), args.get_arg(2), args.len() >= 4) else {
        diag::usage(b"s6-pivotchroot old-place-for-new-root new-place-for-old-root prog...")
    };
    if let Err(e) = rustix::process::chdir(new_root) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chdir to ", new_root.to_bytes()]);
    }
    if let Err(e) = rustix::process::pivot_root(c".", put_old) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to pivot_root"]);
    }
    if let Err(e) = rustix::process::chroot(c".") {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to chroot"]);
    }
    chain::exec_here(args.skip(3))
}

/// `s6-freeramdisk ramdisk_device`: flush the device's buffers (a RAM
/// disk gives its memory back).
pub fn freeramdisk(args: Args) -> u8 {
    let Some(dev) = args.get_arg(1) else { diag::usage(b"s6-freeramdisk ramdisk_device") };
    let f = fs::open(dev, OFlags::RDWR | OFlags::CLOEXEC, Mode::empty()).unwrap_or_else(|e| {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open ", dev.to_bytes(), b" in read-write mode"])
    });
    if let Err(e) = raw::flush_block_buffers(f.as_fd()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to ioctl ", dev.to_bytes()]);
    }
    exit::OK
}

/// `s6-swapon device`; `-a`: every fstab entry of type `swap`, exit with
/// the number that failed.
pub fn swapon(args: Args) -> u8 {
    let (all, rest) = gol_flags(args, &[(b'a', b"all")]);
    if all != 0 {
        return swapon_all();
    }
    let Some(dev) = rest.get_arg(0) else { diag::usage(b"s6-swapon [ -a ] [ device ]") };
    if let Err(e) = raw::swapon(dev, 0) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to swapon ", dev.to_bytes()]);
    }
    exit::OK
}

fn swapon_all() -> u8 {
    let f = open_read(c"/etc/fstab")
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to setmntent /etc/fstab"]));
    let mut failed = 0;
    for_each_mntent(&f, &mut |[dev, _, fstype, _]| {
        if fstype != b"swap" {
            return;
        }
        let dev = c_string(dev, b"unable to store device");
        if let Err(e) = raw::swapon(dev, 0) {
            failed += 1;
            diag::warn_sys(e, &[b"unable to swapon ", dev.to_bytes()]);
        }
    });
    count_code(failed)
}

/// `s6-swapoff device`; `-a`: every device `/proc/swaps` lists, exit with
/// the number that failed.
pub fn swapoff(args: Args) -> u8 {
    let (all, rest) = gol_flags(args, &[(b'a', b"all")]);
    if all != 0 {
        return swapoff_all();
    }
    let Some(dev) = rest.get_arg(0) else { diag::usage(b"s6-swapoff [ -a ] [ device ]") };
    if let Err(e) = raw::swapoff(dev) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to swapoff ", dev.to_bytes()]);
    }
    exit::OK
}

/// Each line of `/proc/swaps` after its header names a device up to its
/// first space; they are turned off as they are read.
fn swapoff_all() -> u8 {
    let f = open_read(c"/proc/swaps")
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to open_readb /proc/swaps"]));
    let text = crate::base::fs::read_fd(f.as_fd(), usize::MAX)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to skagetln"]));
    drop(f);
    let mut failed = 0;
    let mut header = true;
    for line in text.split_inclusive(|&c| c == b'\n') {
        if line.last() != Some(&b'\n') {
            // skalibs' reader: a last line without its newline.
            diag::fatal_sys(exit::SYSCALL, Errno::PIPE, &[b"unable to skagetln"]);
        }
        if core::mem::take(&mut header) {
            continue;
        }
        let Some(n) = line.iter().position(|&c| c == b' ') else {
            diag::fatal(exit::SYSCALL, &[b"invalid line in /proc/swaps"])
        };
        let dev = c_string(&line[..n], b"unable to store device");
        if let Err(e) = raw::swapoff(dev) {
            failed += 1;
            diag::warn_sys(e, &[b"unable to swapoff ", dev.to_bytes()]);
        }
    }
    count_code(failed)
}
