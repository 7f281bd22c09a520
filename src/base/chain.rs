//! What the small chain-loading tools share: building a modified
//! environment, and exec'ing the rest of the command
//! line the way skalibs' `xpathexec` does (PATH search with the current
//! PATH, `PROG: fatal: unable to exec X: …` and 127/126 on failure).
use super::diag;
use super::getopt::Getopt;
use crate::rt::{Args, Env};
use crate::sys::argv::{Builder, Envp};
use crate::sys::{arena, exec};
use rustix::io::Errno;

/// skalibs' default PATH when none is set.
pub const DEFAULT_PATH: &[u8] = b"/usr/bin:/bin";

/// A change to the environment: set (`Some`) or unset (`None`).
pub type Mod = (&'static [u8], Option<&'static [u8]>);

fn name_of(e: &[u8]) -> &[u8] {
    &e[..e.iter().position(|&c| c == b'=').unwrap_or(e.len())]
}

/// The current environment with `mods` applied (null-terminated).
pub fn env_with(mods: &[Mod]) -> Envp<'static> {
    let env = Env::get();
    let n = env.iter().count() + mods.len();
    let Ok(mut out) = Builder::alloc(n) else { die_nomem() };
    for e in env.iter() {
        let name = name_of(e.to_bytes());
        if !mods.iter().any(|m| m.0 == name) {
            out.push(e);
        }
    }
    for (j, &(name, v)) in mods.iter().enumerate() {
        // The last change to a name wins.
        if let (Some(v), false) = (v, mods[j + 1..].iter().any(|m| m.0 == name)) {
            let Ok(s) = arena::cstr(&[name, b"=", v]) else { die_nomem() };
            out.push(s);
        }
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
