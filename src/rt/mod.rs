//! Process start-up and the freestanding runtime: argv/envp, stdio
//! sanitising, and the `mem*` functions a libc would otherwise provide.
//!
//! # Safety
//!
//! `entry` receives the initial stack pointer from `_start` and is the only
//! code that interprets it. The kernel lays out `argc`, the `argv` pointers,
//! a null, the `envp` pointers and a null there; those strings live for the
//! whole process, which is why `Args` can hand out `&'static CStr`.
#![allow(unsafe_code)]

pub mod mem;

use crate::sys::argv::{Argv, Envp, Vec0};
use core::ffi::CStr;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
static ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

/// The process's arguments, as the kernel gave them.
#[derive(Clone, Copy)]
pub struct Args {
    ptr: *const *const u8,
    len: usize,
}

impl Args {
    /// The process's own `argv`.
    pub fn get() -> Args {
        Args { ptr: ARGV.load(Ordering::Relaxed), len: ARGC.load(Ordering::Relaxed) }
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn get_arg(&self, i: usize) -> Option<&'static CStr> {
        if i >= self.len {
            return None;
        }
        // SAFETY: i < len and argv[0..argc] are valid NUL-terminated strings
        // that live as long as the process.
        Some(unsafe { CStr::from_ptr((*self.ptr.add(i)).cast()) })
    }
    /// The arguments from `i` on (`argv + i`, still null-terminated).
    pub fn skip(&self, i: usize) -> Args {
        let i = i.min(self.len);
        // SAFETY: i <= len, so the result points inside the argv array.
        Args { ptr: unsafe { self.ptr.add(i) }, len: self.len - i }
    }
    /// The first `n` arguments, to read (its `argv` would still run to
    /// the array's end).
    pub fn take(&self, n: usize) -> Args {
        Args { ptr: self.ptr, len: n.min(self.len) }
    }
    /// The arguments as an `execve` argv.
    pub fn argv(&self) -> Argv<'static> {
        // SAFETY: argv + i is still the kernel's (or `reenter`'s)
        // null-terminated array of process-lifetime strings.
        unsafe { Vec0::from_raw(self.ptr) }
    }
    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> + '_ {
        (0..self.len).filter_map(move |i| self.get_arg(i))
    }
}

/// The environment the process was started with.
#[derive(Clone, Copy)]
pub struct Env {
    ptr: *const *const u8,
}

impl Env {
    pub fn get() -> Env {
        Env { ptr: ENVP.load(Ordering::Relaxed) }
    }
    /// The environment as an `execve` envp.
    pub fn envp(&self) -> Envp<'static> {
        if self.ptr.is_null() {
            return Vec0::empty();
        }
        // SAFETY: envp is a null-terminated array of process-lifetime strings.
        unsafe { Vec0::from_raw(self.ptr) }
    }
    /// Every `NAME=value` entry.
    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> {
        self.envp().iter()
    }
    /// The value of `name`, if set.
    pub fn var(&self, name: &[u8]) -> Option<&'static [u8]> {
        crate::sys::argv::var(self.envp(), name)
    }
}

/// Make `argv` and `env` the process's arguments and environment, as a
/// new `execve` would (for a program run in the same process).
pub fn reenter(argv: Argv<'static>, env: Envp<'static>) -> Args {
    ARGC.store(argv.len(), Ordering::Relaxed);
    ARGV.store(argv.as_ptr() as *mut _, Ordering::Relaxed);
    ENVP.store(env.as_ptr() as *mut _, Ordering::Relaxed);
    Args::get()
}

/// Called by `_start` with the initial stack pointer. Never returns.
///
/// # Safety
///
/// `sp` must be the process's initial stack pointer, as the kernel set it.
pub unsafe fn entry(sp: *const usize, main: fn(Args) -> u8) -> ! {
    // SAFETY: the kernel's initial stack layout (see the module docs).
    let (argc, argv, envp) = unsafe {
        let argc = *sp;
        let argv = sp.add(1) as *const *const u8;
        let envp = argv.add(argc + 1);
        (argc, argv, envp)
    };
    ARGC.store(argc, Ordering::Relaxed);
    ARGV.store(argv as *mut _, Ordering::Relaxed);
    ENVP.store(envp as *mut _, Ordering::Relaxed);
    // SAFETY: envp is the original environment block, and no other rustix
    // function has run yet.
    unsafe { rustix::param::init(envp as *mut *mut u8) };
    // A setuid-root start: anything but PID 1 drops to its real ids
    // before it opens a file (see `sys::ids`).
    if crate::sys::ids::at_entry().is_err() {
        let _ = crate::sys::fd::write_all(crate::sys::fd::stderr(), b"rs6: fatal: unable to drop privileges\n");
        crate::sys::raw::exit_group(crate::sys::EXIT_SYSCALL as i32)
    }
    crate::sys::fd::sanitize_stdio();
    let code = main(Args::get());
    crate::sys::raw::exit_group(code as i32)
}

static PROG_PTR: AtomicPtr<u8> = AtomicPtr::new(b"rs6".as_ptr() as *mut u8);
static PROG_LEN: AtomicUsize = AtomicUsize::new(3);

/// Set the program name used in diagnostics (`PROG: fatal: …`).
pub fn set_prog(name: &'static [u8]) {
    PROG_LEN.store(0, Ordering::Relaxed);
    PROG_PTR.store(name.as_ptr() as *mut u8, Ordering::Relaxed);
    PROG_LEN.store(name.len(), Ordering::Relaxed);
}

/// The program name set by `set_prog` (default `rs6`).
pub fn prog() -> &'static [u8] {
    let p = PROG_PTR.load(Ordering::Relaxed);
    let n = PROG_LEN.load(Ordering::Relaxed);
    // SAFETY: PROG_PTR/PROG_LEN always describe a `&'static [u8]` given to
    // `set_prog` (single-threaded: the two stores cannot interleave a load
    // except in a signal handler, and rs6 installs none).
    unsafe { core::slice::from_raw_parts(p, n) }
}

/// What the panic handler does: one fixed line, exit 101. No formatting of
/// the panic payload (it would pull `core::fmt` into every applet).
pub fn panic_exit() -> ! {
    let e = crate::sys::fd::stderr();
    let _ = crate::sys::fd::write_all(e, prog());
    let _ = crate::sys::fd::write_all(e, b": fatal: internal error (panic)\n");
    crate::sys::raw::exit_group(EXIT_BUG as i32)
}

/// The exit code of an internal error (`base::exit::BUG`).
pub const EXIT_BUG: u8 = 101;

/// compiler-builtins on aarch64 asks the C library for the CPU's features
/// (to choose LSE atomics). There is no C library: answer from the auxv
/// that rustix read at start-up.
#[cfg(all(target_arch = "aarch64", not(test)))]
#[unsafe(no_mangle)]
pub extern "C" fn getauxval(kind: core::ffi::c_ulong) -> core::ffi::c_ulong {
    const AT_HWCAP: core::ffi::c_ulong = 16;
    const AT_HWCAP2: core::ffi::c_ulong = 26;
    let (hwcap, hwcap2) = rustix::param::linux_hwcap();
    match kind {
        AT_HWCAP => hwcap as core::ffi::c_ulong,
        AT_HWCAP2 => hwcap2 as core::ffi::c_ulong,
        _ => 0,
    }
}
