//! vfork (or fork, `spawn_forked`) → (child set-up) → exec, with the child
//! path kept straight-line and allocation-free.
//!
//! The child: new process group or session if asked, takes the terminal's
//! foreground if asked, moves descriptors, changes directory, puts back the
//! signal mask and dispositions `/init` started with, then execs. If the exec
//! fails it says why on stderr and exits 127 (not found) or 126.
//!
//! # Safety
//!
//! The child shares the parent's memory until it execs (`raw::vfork_run`):
//! it runs only the straight-line code in `child`, on a stack of its own,
//! writes nothing but that stack and per-process kernel state, and ends in
//! `execve` or `exit_group`. A forked child runs the same code on a copy.
#![allow(unsafe_code)]

use super::argv::{Argv, Envp};
use super::exec::{exec_failure_code, execvpe};
use super::raw;
use super::signal::{self, Original};
use core::ffi::CStr;
use core::sync::atomic::{AtomicU8, Ordering};
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
    pub chdir: Option<&'a CStr>,
    /// How the child reports a failed set-up or exec before it exits
    /// (`base::diag::warn_sys_fatal`: `PROG: fatal: …: errno text`).
    pub report: fn(Errno, &[&[u8]]),
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

/// As `spawn`, but the child is a copy of this process (a fork), and this
/// returns at once, before its exec: for a burst of spawns (services
/// started together), where waiting for each exec would make PID 1 wait
/// for the scheduler to run each child in turn. On a busy machine a new
/// process may wait milliseconds for a CPU: 50 services took 180 ms to be
/// all up with a vfork each, 48 ms with a fork each, with two processes
/// keeping both CPUs busy (against 32 ms for fork+exec alone).
pub fn spawn_forked(s: &Spawn<'_>) -> Result<Pid, Errno> {
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
    // ours is put back once it has exec'd.
    let dumpable = was_dumpable();
    if dumpable {
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
    let r = vfork_job(job);
    if dumpable {
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::Dumpable);
    }
    r
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
    for &(from, to) in s.moves {
        if let Err(e) = dup_to(from, to) {
            die(s, e, b"unable to move file descriptor", b"");
        }
    }
    if let Some(dir) = s.chdir
        && let Err(e) = rustix::process::chdir(dir)
    {
        die(s, e, b"unable to chdir to ", dir.to_bytes());
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
    (s.report)(e, &[b"unable to exec ", s.file.to_bytes()]);
    raw::exit_group(exec_failure_code(e) as i32)
}

/// The child's exit code when its set-up fails (`base::exit::SYSCALL`).
const SETUP_FAILED: i32 = super::EXIT_SYSCALL as i32;

fn die(s: &Spawn<'_>, e: Errno, what: &[u8], arg: &[u8]) -> ! {
    (s.report)(e, &[what, arg]);
    raw::exit_group(SETUP_FAILED)
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
