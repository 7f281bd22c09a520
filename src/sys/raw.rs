//! The few system calls that rustix does not offer as a stable API:
//! `clone` (as fork, and as vfork onto a stack of its own), `execve`,
//! `exit_group`, `signalfd4`, `rt_sigprocmask`, `rt_sigaction`, `sched_getaffinity`, `swapon`,
//! `swapoff` and the `BLKFLSBUF` ioctl. Numbers come from `linux-raw-sys`.
//!
//! # Safety
//!
//! This is the one place where rs6 issues system calls by hand. Each wrapper
//! below documents what the kernel reads or writes through its pointer
//! arguments; callers outside this file only see safe signatures, except
//! `fork`, `vfork_run` and `execve`, whose contracts cannot be expressed in
//! types.
#![allow(unsafe_code)]

use core::arch::asm;
use linux_raw_sys::general as g;
use rustix::fd::{FromRawFd, OwnedFd};
use rustix::io::Errno;
use rustix::process::Pid;

/// Issue a system call with up to five arguments; returns the raw result
/// (a negative errno on failure).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn syscall5(nr: u32, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments are valid for syscall `nr`;
    // `syscall` clobbers rcx and r11 only.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a1, in("rsi") a2, in("rdx") a3, in("r10") a4, in("r8") a5,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

#[cfg(target_arch = "aarch64")]
#[inline(always)]
unsafe fn syscall5(nr: u32, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments are valid for syscall `nr`.
    unsafe {
        asm!(
            "svc 0",
            in("x8") nr as usize,
            inlateout("x0") a1 as isize => ret,
            in("x1") a2, in("x2") a3, in("x3") a4, in("x4") a5,
            options(nostack, preserves_flags)
        );
    }
    ret
}

#[inline]
fn check(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) { Err(Errno::from_raw_os_error(-ret as i32)) } else { Ok(ret as usize) }
}

/// A kernel signal set (`_NSIG` = 64 on every architecture rs6 supports).
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[repr(transparent)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);
    /// Every signal.
    pub const FULL: SigSet = SigSet(!0);

    pub const fn with(self, sig: u32) -> SigSet {
        SigSet(self.0 | (1u64 << (sig - 1)))
    }
    pub const fn without(self, sig: u32) -> SigSet {
        SigSet(self.0 & !(1u64 << (sig - 1)))
    }
    pub const fn has(self, sig: u32) -> bool {
        sig >= 1 && sig <= 64 && self.0 & (1u64 << (sig - 1)) != 0
    }
}

/// `rt_sigprocmask(SIG_SETMASK, set)`; returns the previous mask.
pub fn sigprocmask_set(set: SigSet) -> Result<SigSet, Errno> {
    let mut old = SigSet::EMPTY;
    // SAFETY: both pointers refer to live 8-byte sigsets, and we pass their size.
    let r = unsafe {
        syscall5(
            g::__NR_rt_sigprocmask,
            g::SIG_SETMASK as usize,
            &set as *const SigSet as usize,
            &mut old as *mut SigSet as usize,
            core::mem::size_of::<SigSet>(),
            0,
        )
    };
    check(r).map(|_| old)
}

/// `rt_sigprocmask(SIG_BLOCK, NULL)`: the current mask, unchanged.
pub fn sigprocmask_get() -> Result<SigSet, Errno> {
    let mut old = SigSet::EMPTY;
    // SAFETY: the new set is null (nothing is changed); `old` is a live
    // 8-byte sigset, and we pass its size.
    let r = unsafe {
        syscall5(
            g::__NR_rt_sigprocmask,
            g::SIG_BLOCK as usize,
            0,
            &mut old as *mut SigSet as usize,
            core::mem::size_of::<SigSet>(),
            0,
        )
    };
    check(r).map(|_| old)
}

/// The kernel's `struct sigaction` (x86_64 and aarch64 both have `sa_restorer`).
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: SigSet,
}

/// A signal's disposition, as far as rs6 ever needs to know it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Disposition {
    Default,
    Ignore,
    /// A handler: only possible in our own process if someone installed one,
    /// which rs6 never does. Reset to default by `execve` anyway.
    Handler,
}

const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;

/// Read the disposition of `sig`.
pub fn sigaction_get(sig: u32) -> Result<Disposition, Errno> {
    let mut old = KernelSigaction { handler: 0, flags: 0, restorer: 0, mask: SigSet::EMPTY };
    // SAFETY: `old` is a live, writable kernel sigaction; `act` is null.
    let r = unsafe {
        syscall5(
            g::__NR_rt_sigaction,
            sig as usize,
            0,
            &mut old as *mut KernelSigaction as usize,
            core::mem::size_of::<SigSet>(),
            0,
        )
    };
    check(r)?;
    Ok(match old.handler {
        SIG_DFL => Disposition::Default,
        SIG_IGN => Disposition::Ignore,
        _ => Disposition::Handler,
    })
}

/// Set `sig` to SIG_DFL or SIG_IGN (never a handler: rs6 installs none).
pub fn sigaction_set(sig: u32, ignore: bool) -> Result<(), Errno> {
    let act =
        KernelSigaction { handler: if ignore { SIG_IGN } else { SIG_DFL }, flags: 0, restorer: 0, mask: SigSet::EMPTY };
    // SAFETY: `act` is a live kernel sigaction; no old action requested.
    let r = unsafe {
        syscall5(
            g::__NR_rt_sigaction,
            sig as usize,
            &act as *const KernelSigaction as usize,
            0,
            core::mem::size_of::<SigSet>(),
            0,
        )
    };
    check(r).map(|_| ())
}

/// `signalfd4(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC)`.
pub fn signalfd(mask: SigSet) -> Result<OwnedFd, Errno> {
    let flags = (g::O_NONBLOCK | g::O_CLOEXEC) as usize;
    // SAFETY: `mask` is a live sigset whose size we pass.
    let r = unsafe {
        syscall5(
            g::__NR_signalfd4,
            usize::MAX, // -1: a new descriptor
            &mask as *const SigSet as usize,
            core::mem::size_of::<SigSet>(),
            flags,
            0,
        )
    };
    let fd = check(r)?;
    // SAFETY: the kernel just returned this descriptor to us; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// End the process (all threads) with `code`.
pub fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes an integer and does not return.
    unsafe {
        syscall5(g::__NR_exit_group, code as usize, 0, 0, 0, 0);
    }
    #[allow(clippy::empty_loop)]
    loop {}
}

/// fork(2), as `clone(SIGCHLD)`. Returns `Some(pid)` in the parent and `None`
/// in the child.
///
/// # Safety
///
/// The child is a copy of a single-threaded process and must only run
/// straight-line code that ends in `execve` or `exit_group`; rs6 is
/// single-threaded, so no lock can be held by another thread at the fork.
pub unsafe fn fork() -> Result<Option<Pid>, Errno> {
    // SAFETY: as `fork_into`'s, whose contract is this function's.
    unsafe { fork_into(0) }
}

/// The flag of [`fork_into`] for a new PID namespace.
pub const CLONE_NEWPID: u32 = g::CLONE_NEWPID;

/// As [`fork`], with `CLONE_*` namespace flags (`flags`): the child is a
/// copy that starts in new namespaces of those kinds (`CLONE_NEWPID`: it
/// is PID 1 of a new PID namespace).
///
/// # Safety
///
/// As [`fork`].
pub unsafe fn fork_into(flags: u32) -> Result<Option<Pid>, Errno> {
    // SAFETY: clone with an exit signal, namespace flags and no new stack
    // behaves as fork.
    let r = unsafe { syscall5(g::__NR_clone, flags as usize | g::SIGCHLD as usize, 0, 0, 0, 0) };
    let pid = check(r)?;
    Ok(Pid::from_raw(pid as i32))
}

/// What runs in a child started by [`vfork_run`]: it must not return.
pub type ChildFn = unsafe extern "C" fn(*const u8) -> !;

/// Start a child that shares this process's memory, as `vfork` does:
/// `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)` with the child on `stack_top`,
/// calling `f(arg)`. The caller is suspended until the child has exec'd or
/// exited, then gets its pid. Nothing of the address space is copied (no
/// page tables, no copy-on-write faults, nothing to tear down at the exec).
///
/// # Safety
///
/// - `stack_top` is the 16-byte aligned end of a region that nothing else
///   uses until this returns, large enough for everything `f` calls (the
///   caller is suspended meanwhile, so a region of its own stack serves).
/// - `f` never returns: it ends in `execve` or `exit_group`. It only writes
///   to that stack and to kernel state that is per process (descriptors,
///   process group, signal dispositions, credentials, cwd): every other
///   byte it could write is the caller's. It reads `arg` as the caller
///   left it. (A change of credentials also clears the dumpable flag of
///   the memory it shares: `spawn::start` puts the caller's back.)
/// - The process has no signal handler that could run in the child (rs6
///   installs none, and the mask blocks every signal until `f` restores
///   the original one just before the exec).
/// - The memory is not dumpable while the child runs (`spawn::start`):
///   before Linux 5.16 a core dump of the child would kill the caller.
pub unsafe fn vfork_run(f: ChildFn, arg: *const u8, stack_top: *mut u8) -> Result<Pid, Errno> {
    // SAFETY: per this function's contract; no child tid word.
    unsafe { clone_run(g::CLONE_VM | g::CLONE_VFORK, f, arg, stack_top, core::ptr::null_mut()) }
}

/// Start a child that shares this process's memory and runs beside it:
/// `clone(CLONE_VM | CLONE_CHILD_CLEARTID | SIGCHLD)` with the child on
/// `stack_top`, calling `f(arg)`. Returns at once with its pid. The kernel
/// writes 0 to `*tid` when the child has exec'd (its old memory, ours, is
/// then no longer its own) or exited: until then `stack_top`'s region and
/// what `arg` leads to are the child's.
///
/// # Safety
///
/// As [`vfork_run`], and: the region below `stack_top`, `arg` and all it
/// points to, and `*tid` (non-zero before the call) are neither written
/// nor freed by anyone but the child until `*tid` reads 0.
pub unsafe fn share_run(f: ChildFn, arg: *const u8, stack_top: *mut u8, tid: *mut u32) -> Result<Pid, Errno> {
    // SAFETY: per this function's contract.
    unsafe { clone_run(g::CLONE_VM | g::CLONE_CHILD_CLEARTID, f, arg, stack_top, tid) }
}

/// clone(`flags | SIGCHLD`) with the child on `stack_top` calling `f(arg)`;
/// `ctid` is the child tid word (`CLONE_CHILD_CLEARTID`), or null.
///
/// # Safety
///
/// As [`vfork_run`] or [`share_run`], whichever `flags` make it.
unsafe fn clone_run(flags: u32, f: ChildFn, arg: *const u8, stack_top: *mut u8, ctid: *mut u32) -> Result<Pid, Errno> {
    let flags = flags as usize | g::SIGCHLD as usize;
    let ret: isize;
    // SAFETY: per the contract above. The parent takes the `2:` branch with
    // the result in the return register; the child (result 0) runs on the
    // new stack and calls `f`, which never comes back (a trap after it).
    #[cfg(target_arch = "x86_64")]
    unsafe {
        asm!(
            "syscall",
            "test rax, rax",
            "jnz 2f",
            "mov rdi, r12",
            "call r13",
            "ud2",
            "2:",
            inlateout("rax") g::__NR_clone as isize => ret,
            in("rdi") flags, in("rsi") stack_top, in("rdx") 0usize, in("r10") ctid, in("r8") 0usize,
            in("r12") arg, in("r13") f,
            lateout("rcx") _, lateout("r11") _,
            options(nostack)
        );
    }
    // SAFETY: as above (arm64's clone takes tls before child_tid).
    #[cfg(target_arch = "aarch64")]
    unsafe {
        asm!(
            "svc 0",
            "cbnz x0, 2f",
            "mov x0, x9",
            "blr x10",
            "brk 0",
            "2:",
            in("x8") g::__NR_clone as usize,
            inlateout("x0") flags as isize => ret,
            in("x1") stack_top, in("x2") 0usize, in("x3") 0usize, in("x4") ctid,
            in("x9") arg, in("x10") f,
            options(nostack)
        );
    }
    let pid = check(ret)?;
    Pid::from_raw(pid as i32).ok_or(Errno::INVAL)
}

/// execve(2). Returns only on failure.
///
/// # Safety
///
/// `path` must be NUL-terminated; `argv` and `envp` must be null-terminated
/// arrays of pointers to NUL-terminated strings, all alive for the call.
pub unsafe fn execve(path: *const u8, argv: *const *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: guaranteed by the caller.
    let r = unsafe { syscall5(g::__NR_execve, path as usize, argv as usize, envp as usize, 0, 0) };
    match check(r) {
        Err(e) => e,
        Ok(_) => Errno::INVAL,
    }
}

fn kill_raw(pid: i32, sig: u32) -> Result<(), Errno> {
    // SAFETY: kill takes two integers.
    let r = unsafe { syscall5(g::__NR_kill, pid as usize, sig as usize, 0, 0, 0) };
    check(r).map(|_| ())
}

/// Send `sig` to one process (`pid > 0`).
pub fn kill_pid(pid: Pid, sig: u32) -> Result<(), Errno> {
    kill_raw(pid.as_raw_nonzero().get(), sig)
}

/// Send `sig` to every process we may signal except ourselves: `kill(-1)`.
///
/// Refused (EPERM) unless we are PID 1 of our PID namespace, where "every
/// process" means the container. This is the only path to `kill(-1)` in rs6.
pub fn kill_everything(sig: u32) -> Result<(), Errno> {
    if rustix::process::getpid() != Pid::INIT {
        return Err(Errno::PERM);
    }
    kill_raw(-1, sig)
}

/// Send `sig` to the process group `pgid`.
pub fn kill_group(pgid: Pid, sig: u32) -> Result<(), Errno> {
    kill_raw(-pgid.as_raw_nonzero().get(), sig)
}

/// setgroups(2) with the raw (process-wide in a single-threaded process)
/// system call: the kernel reads `groups.len()` gids from `groups`.
pub fn setgroups(groups: &[u32]) -> Result<(), Errno> {
    // SAFETY: the kernel reads `len` u32s from a slice that lives for the call.
    let r = unsafe { syscall5(g::__NR_setgroups, groups.len(), groups.as_ptr() as usize, 0, 0, 0) };
    check(r).map(|_| ())
}

/// setgid(2).
pub fn setgid(gid: u32) -> Result<(), Errno> {
    // SAFETY: setgid takes an integer.
    let r = unsafe { syscall5(g::__NR_setgid, gid as usize, 0, 0, 0, 0) };
    check(r).map(|_| ())
}

/// setuid(2).
pub fn setuid(uid: u32) -> Result<(), Errno> {
    // SAFETY: setuid takes an integer.
    let r = unsafe { syscall5(g::__NR_setuid, uid as usize, 0, 0, 0, 0) };
    check(r).map(|_| ())
}

/// setresgid(2): the real, effective and saved gids, all to `gid`.
pub fn setresgid(gid: u32) -> Result<(), Errno> {
    // SAFETY: setresgid takes integers.
    let r = unsafe { syscall5(g::__NR_setresgid, gid as usize, gid as usize, gid as usize, 0, 0) };
    check(r).map(|_| ())
}

/// setresuid(2): the real, effective and saved uids, all to `uid`.
pub fn setresuid(uid: u32) -> Result<(), Errno> {
    // SAFETY: setresuid takes integers.
    let r = unsafe { syscall5(g::__NR_setresuid, uid as usize, uid as usize, uid as usize, 0, 0) };
    check(r).map(|_| ())
}

/// `struct __user_cap_header_struct`, version 3 (two words per set).
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}
#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}
const CAP_VERSION_3: u32 = 0x2008_0522;

/// capset(2): every capability set of this process emptied (the ambient
/// set follows: nothing is ambient that is not permitted).
pub fn caps_clear() -> Result<(), Errno> {
    let h = CapHeader { version: CAP_VERSION_3, pid: 0 };
    let d = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: the kernel reads a live header and two live data words.
    let r = unsafe { syscall5(g::__NR_capset, &h as *const CapHeader as usize, d.as_ptr() as usize, 0, 0, 0) };
    check(r).map(|_| ())
}

/// capget(2): whether this process has any capability permitted or
/// effective.
pub fn caps_any() -> Result<bool, Errno> {
    let mut h = CapHeader { version: CAP_VERSION_3, pid: 0 };
    let mut d = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: the kernel writes into a live header and two live data words.
    let r = unsafe { syscall5(g::__NR_capget, &mut h as *mut CapHeader as usize, d.as_mut_ptr() as usize, 0, 0, 0) };
    check(r).map(|_| d.iter().any(|c| c.effective != 0 || c.permitted != 0))
}

/// prctl(PR_SET_NAME): the kernel reads at most 16 bytes, up to a NUL.
pub fn set_name(name: &[u8; 16]) {
    // SAFETY: the kernel reads 16 bytes from a live array.
    unsafe { syscall5(g::__NR_prctl, 15, name.as_ptr() as usize, 0, 0, 0) };
}

/// getcwd(2): the length of the path written to `buf` (without its NUL).
pub fn getcwd(buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    let r = unsafe { syscall5(g::__NR_getcwd, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0) };
    check(r).map(|n| n.saturating_sub(1))
}

/// How many CPUs this process may run on (`sched_getaffinity`); 1 when
/// it cannot be told.
pub fn cpus() -> u32 {
    let mut mask = [0u64; 16];
    // SAFETY: the kernel writes at most `size_of_val(&mask)` bytes into `mask`.
    let r = unsafe {
        syscall5(g::__NR_sched_getaffinity, 0, core::mem::size_of_val(&mask), mask.as_mut_ptr() as usize, 0, 0)
    };
    match check(r) {
        Ok(n) => mask.iter().take(n.div_ceil(8)).map(|w| w.count_ones()).sum::<u32>().max(1),
        Err(_) => 1,
    }
}

/// fcntl(F_OFD_SETLK) with a write lock on the whole file, not waiting:
/// an open-file-description lock, which (unlike rustix's `fcntl_lock`,
/// a process-wide POSIX lock) closing another descriptor of the same file
/// never drops. EAGAIN when another holds a conflicting lock. Others see
/// it with `F_GETLK` and cannot take it with `F_SETLK` either.
pub fn ofd_lock_exclusive(fd: rustix::fd::BorrowedFd<'_>) -> Result<(), Errno> {
    use rustix::fd::AsRawFd;
    let lock = g::flock { l_type: g::F_WRLCK as _, l_whence: g::SEEK_SET as _, l_start: 0, l_len: 0, l_pid: 0 };
    // SAFETY: the kernel reads one `struct flock` from a live local.
    let r = unsafe {
        syscall5(
            g::__NR_fcntl,
            fd.as_raw_fd() as usize,
            g::F_OFD_SETLK as usize,
            &lock as *const g::flock as usize,
            0,
            0,
        )
    };
    check(r).map(|_| ())
}

/// sync_file_range(2) with SYNC_FILE_RANGE_WRITE over the whole file: start
/// writing its dirty pages back, without waiting for them.
pub fn start_writeback(fd: rustix::fd::BorrowedFd<'_>) -> Result<(), Errno> {
    use rustix::fd::AsRawFd;
    // SAFETY: integer arguments only; the descriptor is borrowed for the call.
    let r = unsafe { syscall5(g::__NR_sync_file_range, fd.as_raw_fd() as usize, 0, 0, 2, 0) };
    check(r).map(|_| ())
}

/// swapon(2): start swapping on the device or file `path`, with the
/// `SWAP_FLAG_*` bits of `flags`.
pub fn swapon(path: &core::ffi::CStr, flags: u32) -> Result<(), Errno> {
    // SAFETY: the kernel reads a NUL-terminated string that lives for the call.
    let r = unsafe { syscall5(g::__NR_swapon, path.as_ptr() as usize, flags as usize, 0, 0, 0) };
    check(r).map(|_| ())
}

/// swapoff(2): stop swapping on the device or file `path`.
pub fn swapoff(path: &core::ffi::CStr) -> Result<(), Errno> {
    // SAFETY: the kernel reads a NUL-terminated string that lives for the call.
    let r = unsafe { syscall5(g::__NR_swapoff, path.as_ptr() as usize, 0, 0, 0, 0) };
    check(r).map(|_| ())
}

/// ioctl(BLKFLSBUF): flush a block device's buffers (a RAM disk gives its
/// memory back). `_IO(0x12, 97)`, <linux/fs.h>.
pub fn flush_block_buffers(fd: rustix::fd::BorrowedFd<'_>) -> Result<(), Errno> {
    use rustix::ioctl::{NoArg, opcode};
    // SAFETY: BLKFLSBUF takes no argument; the descriptor is borrowed for the call.
    unsafe { rustix::ioctl::ioctl(fd, NoArg::<{ opcode::none(0x12, 97) }>::new()) }
}

#[cfg(not(test))]
unsafe extern "C" {
    static __rs6_image_start: u8;
    static __rs6_text_end: u8;
}

/// Wait for events on `ep` (`epoll_pwait`, no time limit) after
/// giving back the pages of code and stack that an idle process does not
/// use.
///
/// A long-lived process that once ran much code (PID 1's start-up) keeps
/// it mapped, and the kernel maps 64 KiB around each page it faults in:
/// PID 1's RSS was its whole text. Before it blocks, this unmaps the text
/// segment (`madvise(MADV_DONTNEED)`: the pages stay in the page cache and
/// the kernel maps back what runs again, at the next fault) and the stack
/// pages below the current frame (zero-filled when touched again, which a
/// stack below its pointer may be). This function lives in a segment of its
/// own (`.rs6.idle`, see `linker/rs6.ld`), so that while it waits nothing
/// of the big text segment is mapped.
#[cfg(not(test))]
#[unsafe(link_section = ".rs6.idle")]
#[inline(never)]
pub fn idle_wait(ep: rustix::fd::BorrowedFd<'_>, events: &mut [rustix::event::epoll::Event]) -> Result<usize, Errno> {
    use rustix::fd::AsRawFd;
    const PAGE: usize = 4096;
    let here = 0u8;
    let sp = (&raw const here as usize) & !(PAGE - 1);
    // SAFETY: only the addresses of the linker's symbols are taken, never
    // read through. madvise(MADV_DONTNEED) on the private file mapping of
    // the code (never written) drops page-table entries only: the same
    // bytes come back from the file. On the stack it covers pages at least
    // one page below this frame, which hold nothing live; the range may
    // reach below the stack's mapping, into the kernel's guard gap, where
    // madvise ignores what is not mapped. epoll_pwait writes at most
    // `events.len()` entries into `events` (rustix's `Event` has the
    // kernel's layout); a null signal mask makes it epoll_wait.
    unsafe {
        let start = &raw const __rs6_image_start as usize;
        let end = &raw const __rs6_text_end as usize;
        syscall5(g::__NR_madvise, start, end - start, g::MADV_DONTNEED as usize, 0, 0);
        syscall5(g::__NR_madvise, sp - 64 * PAGE, 63 * PAGE, g::MADV_DONTNEED as usize, 0, 0);
        let r = syscall5(
            g::__NR_epoll_pwait,
            ep.as_raw_fd() as usize,
            events.as_mut_ptr() as usize,
            events.len(),
            -1isize as usize,
            0,
        );
        if r < 0 { Err(Errno::from_raw_os_error(-r as i32)) } else { Ok(r as usize) }
    }
}

/// Unit tests run on std: a plain wait.
#[cfg(test)]
pub fn idle_wait(ep: rustix::fd::BorrowedFd<'_>, events: &mut [rustix::event::epoll::Event]) -> Result<usize, Errno> {
    rustix::event::epoll::wait(ep, events, None)
}
