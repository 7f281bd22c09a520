//! `/init` as the kernel's PID 1 (an initramfs booted with `rdinit=/init`,
//! a microVM), not a container's.
//!
//! **Detection.** We are PID 1, and `/proc` is not mounted (a container
//! engine always mounts it before starting `/init`; the kernel never does),
//! and, once we mounted it, PID 2 is `kthreadd` (the kernel's thread
//! spawner is PID 2 of the initial PID namespace only). When `/proc` was
//! not mounted but the last check fails, `/proc` is unmounted again and rs6
//! goes on as a container's PID 1.
//!
//! **Set-up.** `/proc` (proc), `/sys` (sysfs), `/dev` (devtmpfs) and `/run`
//! (tmpfs, mode 0755) are mounted where nothing is mounted yet (the
//! directory is created when missing). Then one line goes to the kernel log
//! (`/dev/kmsg`, so the console shows it with the kernel's timestamp):
//! `rs6: /init started at uptime S.UUUUUU s, logged N us later`
//! (`CLOCK_BOOTTIME` read first thing; N places the entry on the log's
//! clock). The CMD is what the kernel passes as arguments: the words after
//! `--` on its command line. The initramfs must hold `/dev/console`, or
//! the kernel starts init with no stdin, stdout and stderr.
//!
//! **End.** Instead of exiting (which would panic the kernel), PID 1 syncs
//! the disks and powers the machine off with `reboot(2)`; the exit code it
//! would have returned is logged first (`rs6: exit code N, powering off`).
use crate::base::diag::{self, Line};
use crate::sys::fd;
use core::ffi::CStr;
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;
use rustix::mount::{self, MountFlags, UnmountFlags};
use rustix::process::{Pid, getpid};
use rustix::time::{ClockId, clock_gettime};

/// Are we the kernel's PID 1? Mounts what is missing when we are.
pub fn detect() -> bool {
    let start = clock_gettime(ClockId::Boottime);
    if getpid() != Pid::INIT || fs::stat(c"/proc/self").is_ok() {
        return false;
    }
    if mount_if_missing(c"/proc", c"proc", MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC, None).is_err() {
        return false;
    }
    if !pid2_is_kthreadd() {
        let _ = mount::unmount(c"/proc", UnmountFlags::DETACH);
        return false;
    }
    let nse = MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC;
    for (dir, fstype, flags, data) in [
        (c"/sys", c"sysfs", nse, None),
        (c"/dev", c"devtmpfs", MountFlags::NOSUID, Some(c"mode=0755")),
        (c"/run", c"tmpfs", MountFlags::NOSUID | MountFlags::NODEV, Some(c"mode=0755")),
    ] {
        if let Err(e) = mount_if_missing(dir, fstype, flags, data) {
            diag::warn_sys(e, &[b"unable to mount ", dir.to_bytes()]);
        }
    }
    let mut l = Line::new();
    l.push(b"rs6: /init started at uptime ").push_u64(start.tv_sec as u64).push(b".");
    let us = (start.tv_nsec / 1000) as u64;
    let mut d = 100_000;
    while d > 1 && us < d {
        l.push(b"0");
        d /= 10;
    }
    l.push_u64(us).push(b" s, logged ");
    // How long after the first instruction this line is written: the
    // kernel stamps it with its own clock, so the entry is that stamp
    // minus this (CLOCK_BOOTTIME and the log's clock differ by an offset).
    let now = clock_gettime(ClockId::Boottime);
    let ns = (now.tv_sec - start.tv_sec) * 1_000_000_000 + (now.tv_nsec - start.tv_nsec);
    l.push_u64((ns / 1000) as u64).push(b" us later");
    kmsg(&l);
    true
}

/// Sync, log the exit code and power off. Returns only when `reboot(2)`
/// fails (then exiting is all that is left).
pub fn power_off(code: u8) -> u8 {
    fs::sync();
    let mut l = Line::new();
    l.push(b"rs6: exit code ").push_u64(code as u64).push(b", powering off");
    kmsg(&l);
    if let Err(e) = rustix::system::reboot(rustix::system::RebootCommand::PowerOff) {
        diag::warn_sys(e, &[b"unable to power off"]);
    }
    code
}

fn kmsg(l: &Line) {
    let Ok(k) = fs::open(c"/dev/kmsg", OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty()) else {
        let mut c = Line::new();
        c.push(l.as_bytes()).emit();
        return;
    };
    let _ = fd::write_all(rustix::fd::AsFd::as_fd(&k), l.as_bytes());
}

pub(super) fn pid2_is_kthreadd() -> bool {
    let Ok(f) = fs::open(c"/proc/2/comm", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else { return false };
    let mut b = [0u8; 16];
    matches!(rustix::io::read(&f, &mut b), Ok(n) if &b[..n] == b"kthreadd\n")
}

/// Mount `fstype` on `dir` unless `dir` is already a mount point (its
/// device differs from `/`'s).
fn mount_if_missing(dir: &CStr, fstype: &CStr, flags: MountFlags, data: Option<&CStr>) -> Result<(), Errno> {
    let root = fs::stat(c"/")?;
    match fs::stat(dir) {
        Ok(st) if st.st_dev != root.st_dev => return Ok(()),
        Ok(_) => {}
        Err(Errno::NOENT) => fs::mkdir(dir, Mode::from_raw_mode(0o755))?,
        Err(e) => return Err(e),
    }
    mount::mount(fstype, dir, fstype, flags, data)
}
