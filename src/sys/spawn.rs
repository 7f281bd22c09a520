//! vfork (or, not waited for, `spawn_nowait`: a child that shares our
//! memory beside us, or a fork) → (child set-up) → exec, with the child
//! path kept straight-line and allocation-free.
//!
//! The child: new process group or session if asked, takes the terminal's
//! foreground if asked, moves descriptors, changes directory, puts back the
//! signal mask and dispositions `/init` started with, then execs. If the exec
//! fails it says why on stderr and exits 127 (not found) or 126.
//!
//! # Safety
//!
//! The child shares the parent's memory until it execs (`raw::vfork_run`,
//! `raw::share_run`): it runs only the straight-line code in `child`, on a
//! stack of its own, writes nothing but that stack and per-process kernel
//! state, and ends in `execve` or `exit_group`. A forked child runs the
//! same code on a copy.
#![allow(unsafe_code)]

use super::argv::{Argv, Envp, Vec0};
use super::exec::{exec_failure_code, execvpe};
use super::raw;
use super::signal::{self, Original};
use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use rustix::io::Errno;
use rustix::process::{DumpableBehavior, Pid};

/// What a child gets.
pub struct Spawn<'a> {
    /// Program to run (PATH-searched when it has no slash).
    pub file: &'a CStr,
    pub argv: Argv<'a>,
    pub envp: Envp<'a>,
    /// The PATH used for the search.
    pub path: &'a [u8],
    /// Signal state to restore.
    pub signals: &'a Original,
    /// Put the child in a new process group (its own pid).
    pub new_pgrp: bool,
    /// With `new_pgrp`: make that group the foreground of the terminal on
    /// stdin, when stdin is a terminal.
    pub take_tty: bool,
    /// Start a new session instead (`setsid`).
    pub setsid: bool,
    /// Descriptor moves done in order before exec: `(from, to)`; `from == to`
    /// only clears close-on-exec.
    pub moves: &'a [(i32, i32)],
    /// Directory to change to.
    pub chdir: Option<Cwd<'a>>,
    /// How the child reports a failed set-up or exec before it exits, as
    /// `who` (`base::diag::child_fatal`: `PROG: fatal: …: errno text`).
    pub report: fn(&[u8], Errno, &[&[u8]]),
    /// Who the child's report speaks as (`s6-supervise NAME (child)`);
    /// empty: as this program.
    pub who: &'a [u8],
}

/// Where a child starts: a path, or an open directory (named for
/// messages) that stays right when its path goes away or is re-pointed.
#[derive(Clone, Copy)]
pub enum Cwd<'a> {
    Path(&'a CStr),
    Fd(i32, &'a CStr),
}

/// Start a child. Returns its pid.
pub fn spawn(s: &Spawn<'_>) -> Result<Pid, Errno> {
    spawn_as(s, None)
}

/// As `spawn`; with `ids`, the child takes that uid and gid (its only
/// group) before the exec.
///
/// The child shares our memory until its exec (`raw::vfork_run`), on a
/// stack of its own carved out of our frame: starting a program copies
/// nothing of PID 1's address space. We wait meanwhile, so when this
/// returns the child has exec'd (or exited on a failure it reported).
/// (Under qemu-user the child is a fork, and may not have exec'd yet.)
/// Cheaper than a fork for one spawn (the CMD, a script waited for).
pub fn spawn_as(s: &Spawn<'_>, ids: Option<(u32, u32)>) -> Result<Pid, Errno> {
    start(&Job { s, ids })
}

/// As `spawn`, but this returns at once, before the child's exec: for a
/// burst of spawns (services started together), where waiting for each
/// exec would make PID 1 wait for the scheduler to run each child in turn.
/// On a busy machine a new process may wait milliseconds for a CPU: 50
/// services took 180 ms to be all up with a vfork each, 48 ms with a fork
/// each, with two processes keeping both CPUs busy (against 32 ms for
/// fork+exec alone).
///
/// The child shares our memory, as a vfork child does, but runs beside us
/// ([`share`]): a fork would copy PID 1's page tables and make every page
/// it then writes fault and be copied, which cost more than all the rest
/// of starting a service. When no slot is free, or the plan does not fit
/// in one, or the kernel refuses the clone (qemu-user), it is a fork.
pub fn spawn_nowait(s: &Spawn<'_>) -> Result<Pid, Errno> {
    match share::spawn(s) {
        Some(Ok(pid)) => return Ok(pid),
        Some(Err(Errno::AGAIN | Errno::NOMEM)) | None => {}
        // Refused (qemu-user, a seccomp filter): a fork, from now on.
        Some(Err(_)) => share::disable(),
    }
    let job = Job { s, ids: None };
    // SAFETY: rs6 is single-threaded (no lock can be held by another
    // thread at the fork); the child runs `child`, which ends in execve or
    // exit_group.
    match unsafe { raw::fork() } {
        Ok(Some(pid)) => Ok(pid),
        Ok(None) => child(&job),
        // A fork commits a copy of our writable memory, the arena's whole
        // reserve included where the kernel accounts it (strict overcommit,
        // `vm.overcommit_memory=2`): a vfork shares it instead.
        Err(Errno::NOMEM) => start(&job),
        Err(e) => Err(e),
    }
}

/// As `spawn_nowait`, the child being PID 1 of a new PID namespace (a
/// service's `flag-newpidns`): a fork, the namespace's init, whose death
/// kills every process left in it. Needs CAP_SYS_ADMIN (EPERM without).
pub fn spawn_newpid(s: &Spawn<'_>) -> Result<Pid, Errno> {
    let job = Job { s, ids: None };
    // SAFETY: as in `spawn_nowait`: single-threaded, and the child runs
    // `child`, which ends in execve or exit_group.
    match unsafe { raw::fork_into(raw::CLONE_NEWPID) } {
        Ok(Some(pid)) => Ok(pid),
        Ok(None) => child(&job),
        Err(e) => Err(e),
    }
}

/// Before this process waits for events (`now`: monotonic ns). Once every
/// child that shared our memory ([`spawn_nowait`]) has exec'd or exited:
/// give back the pages their stacks and plans used, make this process
/// dumpable again, and return `None`. While one has not (it may wait for a
/// CPU, or an exec may be held up): `Some(ms)`, to look again that soon,
/// from 5 ms up to 1 s as the wait goes on; after a minute of it (a child
/// stopped before its exec), `None`: look again at the next wake-up only.
pub fn settle(now: u64) -> Option<u64> {
    const GIVE_UP_NS: u64 = 60_000_000_000;
    /// When a child was first seen not done (0: all were done).
    static SINCE: AtomicU64 = AtomicU64::new(0);
    if share::settle() {
        SINCE.store(0, Ordering::Relaxed);
        return None;
    }
    let since = match SINCE.load(Ordering::Relaxed) {
        0 => {
            SINCE.store(now.max(1), Ordering::Relaxed);
            now
        }
        s => s,
    };
    let waited = now.saturating_sub(since);
    (waited < GIVE_UP_NS).then(|| (waited / 1_000_000).clamp(5, 1000))
}

/// `pid` was reaped: a slot it had is free (a platform that does not
/// clear the tid word at the exec, gVisor, still frees it at the exit).
pub fn reaped(pid: Pid) {
    share::reaped(pid);
}

const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

#[inline(never)]
fn start(job: &Job<'_, '_>) -> Result<Pid, Errno> {
    // While the child shares our memory, that memory is not dumpable.
    // Before Linux 5.16 a core dump of the child (a fault, or a SIGQUIT
    // once its signals are restored) kills every process that shares it,
    // us included; a process that cannot be dumped is killed alone. And a
    // child that changes its ids makes the memory it shares non-dumpable:
    // ours is put back once it has exec'd (and no child started by
    // `spawn_nowait` still shares it).
    hold_undumpable();
    let r = vfork_job(job);
    if share::all_free() {
        release_undumpable();
    } else if job.ids.is_some() {
        // The child's new ids set our memory's flag to `fs.suid_dumpable`
        // (2 on some distributions): others still sharing it need it off.
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
    r
}

/// We turned our dumpable flag off (children share our memory).
static DUMP_OFF: AtomicBool = AtomicBool::new(false);

/// Make our memory non-dumpable while a child shares it (see `start`).
fn hold_undumpable() {
    if was_dumpable() && !DUMP_OFF.swap(true, Ordering::Relaxed) {
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}

/// Put the dumpable flag back (no child shares our memory any more).
fn release_undumpable() {
    if DUMP_OFF.swap(false, Ordering::Relaxed) {
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::Dumpable);
    }
}

/// Children that share our memory and run beside us until their exec.
///
/// Each gets a slot of a mapping made at the first such spawn: a guard
/// page, its stack, and a copy of its plan (`Spawn`, strings, arrays,
/// environment) that we do not touch until the kernel has cleared the
/// slot's tid word (`CLONE_CHILD_CLEARTID`: the child has exec'd or
/// exited). Nothing the child reads is ours to change meanwhile, and it
/// writes only its stack.
mod share {
    use super::*;
    use core::marker::PhantomData;
    use core::sync::atomic::{AtomicU32, AtomicUsize};

    /// Children waiting for a CPU before their exec, at most; one more
    /// is a fork.
    const SLOTS: usize = 8;
    const PAGE: usize = 4096;
    /// Stack: as `CHILD_STACK` (twice what `child` needs at most).
    const STACK: usize = CHILD_STACK;
    /// The plan's copy; a bigger one (a huge environment) is a fork.
    const DATA: usize = 48 * 1024;
    const SLOT: usize = PAGE + STACK + DATA;
    /// The mapping's address; 0: not made yet; 1: none (a fork each time).
    static BASE: AtomicUsize = AtomicUsize::new(0);
    /// Per slot: non-zero while a child uses it (the kernel zeroes it).
    static TID: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];
    /// Per slot: the pid of the child that uses it.
    static PID: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];
    /// Per slot: pages touched since they were last given back.
    static DIRTY: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];

    pub(super) fn disable() {
        BASE.store(1, Ordering::Relaxed);
    }

    fn base() -> Option<usize> {
        match BASE.load(Ordering::Relaxed) {
            0 => {}
            1 => return None,
            b => return Some(b),
        }
        // SAFETY: a new anonymous private mapping, aliased by nothing; the
        // guard pages are inside it.
        let b = unsafe {
            let p = rustix::mm::mmap_anonymous(
                core::ptr::null_mut(),
                SLOTS * SLOT,
                rustix::mm::ProtFlags::READ | rustix::mm::ProtFlags::WRITE,
                rustix::mm::MapFlags::PRIVATE | rustix::mm::MapFlags::NORESERVE,
            );
            let ok = p.as_ref().is_ok_and(|&p| {
                (0..SLOTS).all(|i| {
                    rustix::mm::mprotect(p.cast::<u8>().add(i * SLOT).cast(), PAGE, rustix::mm::MprotectFlags::empty())
                        .is_ok()
                })
            });
            match p {
                Ok(p) if ok => p as usize,
                Ok(p) => {
                    let _ = rustix::mm::munmap(p, SLOTS * SLOT);
                    1
                }
                Err(_) => 1,
            }
        };
        BASE.store(b, Ordering::Relaxed);
        (b != 1).then_some(b)
    }

    /// Copies into a slot's data area, bump-allocated, valid for `'w`.
    struct Writer<'w> {
        at: usize,
        end: usize,
        _area: PhantomData<&'w mut [u8]>,
    }

    impl<'w> Writer<'w> {
        /// # Safety
        ///
        /// `at..end` is mapped, writable, and used by nothing else for `'w`.
        unsafe fn new(at: usize, end: usize) -> Writer<'w> {
            Writer { at, end, _area: PhantomData }
        }
        fn take(&mut self, size: usize, align: usize) -> Option<*mut u8> {
            let at = self.at.checked_add(align - 1)? & !(align - 1);
            let next = at.checked_add(size)?;
            if next > self.end {
                return None;
            }
            self.at = next;
            Some(at as *mut u8)
        }
        /// `v` moved into the area.
        fn put<T>(&mut self, v: T) -> Option<&'w T> {
            let p = self.take(size_of::<T>(), align_of::<T>())?.cast::<T>();
            // SAFETY: `p` is aligned and inside the area (`new`'s contract),
            // in bytes no other copy took.
            unsafe {
                p.write(v);
                Some(&*p)
            }
        }
        fn bytes(&mut self, b: &[u8]) -> Option<&'w [u8]> {
            let p = self.take(b.len(), 1)?;
            // SAFETY: as `put`; `b` is not in the area (nothing else uses it).
            unsafe {
                core::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len());
                Some(core::slice::from_raw_parts(p, b.len()))
            }
        }
        fn cstr(&mut self, c: &CStr) -> Option<&'w CStr> {
            let b = self.bytes(c.to_bytes_with_nul())?;
            // SAFETY: a copy of a C string, its NUL included.
            Some(unsafe { CStr::from_bytes_with_nul_unchecked(b) })
        }
        fn slice<T: Copy>(&mut self, v: &[T]) -> Option<&'w [T]> {
            let p = self.take(size_of_val(v), align_of::<T>())?.cast::<T>();
            // SAFETY: as `put`.
            unsafe {
                core::ptr::copy_nonoverlapping(v.as_ptr(), p, v.len());
                Some(core::slice::from_raw_parts(p, v.len()))
            }
        }
        /// A copy of the array and of its strings.
        fn vec0(&mut self, v: Vec0<'_>) -> Option<Vec0<'w>> {
            let n = v.len();
            let p = self.take((n + 1) * size_of::<*const u8>(), align_of::<*const u8>())?.cast::<*const u8>();
            for (i, s) in v.iter().enumerate() {
                let c = self.cstr(s)?;
                // SAFETY: `p` has room for n + 1 pointers (as `put`).
                unsafe { p.add(i).write(c.as_ptr().cast()) };
            }
            // SAFETY: as above; the array is null-terminated and its
            // strings live in the area as long as it.
            unsafe {
                p.add(n).write(core::ptr::null());
                Some(Vec0::from_raw(p))
            }
        }
    }

    /// The copy of `s` in a slot's data area: `None` when it does not fit.
    fn copy<'w>(w: &mut Writer<'w>, s: &Spawn<'_>) -> Option<&'w Job<'w, 'w>> {
        let sp = Spawn {
            file: w.cstr(s.file)?,
            argv: w.vec0(s.argv)?,
            envp: w.vec0(s.envp)?,
            path: w.bytes(s.path)?,
            signals: w.put(*s.signals)?,
            new_pgrp: s.new_pgrp,
            take_tty: s.take_tty,
            setsid: s.setsid,
            moves: w.slice(s.moves)?,
            chdir: match s.chdir {
                Some(Cwd::Path(c)) => Some(Cwd::Path(w.cstr(c)?)),
                Some(Cwd::Fd(fd, c)) => Some(Cwd::Fd(fd, w.cstr(c)?)),
                None => None,
            },
            report: s.report,
            who: w.bytes(s.who)?,
        };
        let sp = w.put(sp)?;
        w.put(Job { s: sp, ids: None })
    }

    /// Start `s` in a free slot: `None` when there is none, or the plan
    /// does not fit (the caller forks instead).
    pub(super) fn spawn(s: &Spawn<'_>) -> Option<Result<Pid, Errno>> {
        let base = base()?;
        let i = (0..SLOTS).find(|&i| TID[i].load(Ordering::Acquire) == 0)?;
        let stack_top = base + i * SLOT + PAGE + STACK;
        DIRTY[i].store(true, Ordering::Relaxed);
        // SAFETY: the slot's data area, mapped and writable (`base`), is
        // free: its tid word read 0, and only this function makes it
        // non-zero. The copy is used until the child's exec only.
        let mut w = unsafe { Writer::new(stack_top, stack_top + DATA) };
        let job = copy(&mut w, s)?;
        hold_undumpable();
        TID[i].store(1, Ordering::Relaxed);
        // SAFETY: the slot is free (its tid word read 0: no child uses
        // it) and is the child's until the kernel zeroes that word again;
        // its stack ends at `stack_top`, 16-byte aligned, above a guard
        // page; `job` and all it leads to are in the slot's data area.
        // `child_entry` writes nothing but that stack and per-process
        // kernel state, and ends in execve or exit_group; rs6 has no
        // signal handlers, every signal is blocked until the exec, and our
        // memory is not dumpable while a child shares it (`start`).
        let r = unsafe {
            raw::share_run(child_entry, (job as *const Job<'_, '_>).cast(), stack_top as *mut u8, TID[i].as_ptr())
        };
        match &r {
            Ok(pid) => PID[i].store(pid.as_raw_nonzero().get() as u32, Ordering::Relaxed),
            Err(_) => {
                TID[i].store(0, Ordering::Relaxed);
                if all_free() {
                    release_undumpable();
                }
            }
        }
        Some(r)
    }

    pub(super) fn reaped(pid: Pid) {
        let p = pid.as_raw_nonzero().get() as u32;
        for i in 0..SLOTS {
            // An exited child is done with its slot: the tid word may
            // still say otherwise where the kernel does not clear it.
            if TID[i].load(Ordering::Acquire) != 0 && PID[i].load(Ordering::Relaxed) == p {
                TID[i].store(0, Ordering::Release);
            }
        }
    }

    pub(super) fn all_free() -> bool {
        TID.iter().all(|t| t.load(Ordering::Acquire) == 0)
    }

    pub(super) fn settle() -> bool {
        if !all_free() {
            return false;
        }
        release_undumpable();
        let b = BASE.load(Ordering::Relaxed);
        if b > 1 && DIRTY.iter().any(|d| d.load(Ordering::Relaxed)) {
            // SAFETY: our own mapping, used by no child (all slots free):
            // its pages read as zeros again when next touched.
            let _ = unsafe {
                rustix::mm::madvise(b as *mut core::ffi::c_void, SLOTS * SLOT, rustix::mm::Advice::LinuxDontNeed)
            };
            DIRTY.iter().for_each(|d| d.store(false, Ordering::Relaxed));
        }
        true
    }
}

/// Whether this process was dumpable at its first spawn (read once).
fn was_dumpable() -> bool {
    static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
    match STATE.load(Ordering::Relaxed) {
        UNKNOWN => {
            let yes = rustix::process::dumpable_behavior() == Ok(DumpableBehavior::Dumpable);
            STATE.store(if yes { YES } else { NO }, Ordering::Relaxed);
            yes
        }
        v => v == YES,
    }
}

/// Kept minimal, and never inlined: the child's stack is at the bottom of
/// this frame, so that a child overflowing it would run into unused stack
/// below the suspended caller, not into anything live.
#[inline(never)]
fn vfork_job(job: &Job<'_, '_>) -> Result<Pid, Errno> {
    let mut stack = core::mem::MaybeUninit::<ChildStack>::uninit();
    let top = stack.as_mut_ptr().cast::<u8>().wrapping_add(CHILD_STACK);
    // SAFETY: `stack` is ours and unused until vfork_run returns (we are
    // suspended while the child runs on it), its end is 16-byte aligned
    // (`ChildStack`), and CHILD_STACK is twice what `child` needs at most
    // (a PATH_MAX buffer for the search, a LINE_MAX one for the message).
    // `child_entry` reads `job`, writes nothing but its own stack and
    // per-process kernel state, and ends in execve or exit_group; rs6 has no signal
    // handlers, and every signal is blocked until the exec.
    unsafe { raw::vfork_run(child_entry, (job as *const Job<'_, '_>).cast(), top) }
}

/// What `child_entry` gets: the plan, read in place in the parent's frame.
struct Job<'a, 'b> {
    s: &'a Spawn<'b>,
    ids: Option<(u32, u32)>,
}

/// The child's stack (see `spawn_as`).
const CHILD_STACK: usize = 16 * 1024;
#[repr(C, align(16))]
struct ChildStack([u8; CHILD_STACK]);

/// # Safety
///
/// `job` points to a live `Job` (`start`'s caller's, which waits for us).
unsafe extern "C" fn child_entry(job: *const u8) -> ! {
    // SAFETY: per this function's contract.
    let job = unsafe { &*job.cast::<Job<'_, '_>>() };
    child(job)
}

fn child(job: &Job<'_, '_>) -> ! {
    let s = job.s;
    if s.setsid {
        let _ = rustix::process::setsid();
    } else if s.new_pgrp {
        let _ = rustix::process::setpgid(None, None);
        if s.take_tty {
            let stdin = super::fd::stdin();
            if rustix::termios::isatty(stdin) {
                // All signals are still blocked here, so SIGTTOU cannot stop us.
                let _ = rustix::termios::tcsetpgrp(stdin, rustix::process::getpid());
            }
        }
    }
    // Before the moves: one may land on the directory's descriptor.
    if let Some(cwd) = s.chdir {
        let (r, dir) = match cwd {
            Cwd::Path(dir) => (rustix::process::chdir(dir), dir),
            // SAFETY: `fd` was open when the child was made, and the
            // child has its own copy of the descriptor table.
            Cwd::Fd(fd, dir) => (rustix::process::fchdir(unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) }), dir),
        };
        if let Err(e) = r {
            die(s, e, b"unable to chdir to ", dir.to_bytes());
        }
    }
    for &(from, to) in s.moves {
        if let Err(e) = dup_to(from, to) {
            die(s, e, b"unable to move file descriptor", b"");
        }
    }
    if let Some((u, g)) = job.ids
        && let Err((_, e)) = super::ids::drop_to(u, g, Some(&[g]))
    {
        die(s, e, b"unable to drop privileges", b"");
    }
    // Last before the exec: until then no signal can end the child.
    if let Err(e) = signal::restore(s.signals) {
        die(s, e, b"unable to restore signals", b"");
    }
    let e = execvpe(s.file, s.argv, s.envp, s.path);
    report(s, e, &[b"unable to exec ", s.file.to_bytes()]);
    raw::exit_group(exec_failure_code(e) as i32)
}

/// The child's exit code when its set-up fails (`base::exit::SYSCALL`).
const SETUP_FAILED: i32 = super::EXIT_SYSCALL as i32;

fn die(s: &Spawn<'_>, e: Errno, what: &[u8], arg: &[u8]) -> ! {
    report(s, e, &[what, arg]);
    raw::exit_group(SETUP_FAILED)
}

/// The child's fatal line, as `s.who` when it is set.
fn report(s: &Spawn<'_>, e: Errno, parts: &[&[u8]]) {
    (s.report)(s.who, e, parts)
}

/// dup3(from, to, 0), or clear FD_CLOEXEC when from == to.
fn dup_to(from: i32, to: i32) -> Result<(), Errno> {
    // SAFETY: the descriptors are plain numbers owned by the caller's plan;
    // borrowing them for one fcntl/dup3 call does not outlive them.
    let f = unsafe { rustix::fd::BorrowedFd::borrow_raw(from) };
    if from == to {
        return super::fd::set_cloexec(f, false);
    }
    // SAFETY: `to` is a descriptor number we are about to replace; we forget
    // the OwnedFd so nothing closes it.
    let mut t = unsafe { <rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(to) };
    let r = rustix::io::dup2(f, &mut t);
    core::mem::forget(t);
    r
}
