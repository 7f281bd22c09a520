//! What the small chain-loading tools share: building a modified
//! environment, and exec'ing the rest of the command
//! line the way skalibs' `xpathexec` does (PATH search with the current
//! PATH, `PROG: fatal: unable to exec X: …` and 127/126 on failure).
use super::diag;
use super::getopt::Getopt;
use crate::rt::{Args, Env};
use crate::sys::argv::{Builder, Envp};
use crate::sys::{arena, exec};
use core::ffi::CStr;
use rustix::io::Errno;

/// skalibs' default PATH when none is set.
pub const DEFAULT_PATH: &[u8] = b"/usr/bin:/bin";

/// A change to the environment: set (`Some`) or unset (`None`).
pub type Mod = (&'static [u8], Option<&'static [u8]>);

/// The current environment with `mods` applied in order, as skalibs'
/// `env_merge` does: a variable set or unset is taken out (the last entry
/// takes its place), then a set one is added at the end.
pub fn env_with(mods: &[Mod]) -> Envp<'static> {
    merge(Env::get().envp(), mods)
}

/// `base` with `mods` applied, as `env_with`.
pub fn merge(base: Envp<'static>, mods: &[Mod]) -> Envp<'static> {
    let Ok(v) = arena::alloc_slice::<&'static CStr>(base.len() + mods.len(), c"") else { die_nomem() };
    let mut n = 0;
    for e in base.iter() {
        v[n] = e;
        n += 1;
    }
    for &(name, val) in mods {
        let is = |e: &CStr| e.to_bytes().strip_prefix(name).is_some_and(|r| r.first() == Some(&b'='));
        while let Some(j) = v[..n].iter().position(|e| is(e)) {
            n -= 1;
            v[j] = v[n];
        }
        if let Some(val) = val {
            let Ok(s) = arena::cstr(&[name, b"=", val]) else { die_nomem() };
            v[n] = s;
            n += 1;
        }
    }
    let Ok(mut out) = Builder::alloc(n) else { die_nomem() };
    for e in &v[..n] {
        out.push(e);
    }
    out.done()
}

fn die_nomem() -> ! {
    diag::fatal_sys(super::exit::SYSCALL, Errno::NOMEM, &[b"unable to build the environment"])
}

/// Exec `argv` (PATH-searched with the process's PATH) with `envp`; on
/// failure `PROG: fatal: unable to exec X: …`, 127 or 126. An empty
/// `argv` exits 0.
pub fn exec(argv: Args, envp: Envp<'_>) -> ! {
    let Some(file) = argv.get_arg(0) else { crate::sys::raw::exit_group(0) };
    let path = Env::get().var(b"PATH").unwrap_or(DEFAULT_PATH);
    let e = exec::execvpe(file, argv.argv(), envp, path);
    diag::fatal_sys(exec::exec_failure_code(e), e, &[b"unable to exec ", file.to_bytes()])
}

/// Exec `argv` with the process's own environment.
pub fn exec_here(argv: Args) -> ! {
    exec(argv, Env::get().envp())
}

/// An unsigned decimal that fits in `u32` (skalibs' `uint0_scan`).
pub fn uint(s: &[u8]) -> Option<u32> {
    super::num::parse_u64(s).filter(|&v| v <= u32::MAX as u64).map(|v| v as u32)
}

/// Read the options (skalibs' rules) with `spec`, calling `f` for each; a
/// bad option, or `f` returning false, is a usage error. Returns the
/// operands.
pub fn opts(args: Args, spec: &'static [u8], usage: &[u8], f: &mut dyn FnMut(u8, &'static [u8]) -> bool) -> Args {
    let mut o = Getopt::new(args, spec);
    while let Some((c, a)) = o.next() {
        if !f(c, a) {
            diag::usage(usage);
        }
    }
    args.skip(o.ind)
}

/// `v` in decimal (in the arena).
#[inline(never)]
pub fn num(v: u32) -> &'static [u8] {
    let mut b = itoa::Buffer::new();
    arena::cstr(&[b.format(v).as_bytes()]).map_or(b"", |c| c.to_bytes())
}
