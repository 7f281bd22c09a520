//! The applets that read the container environment directory
//! (`s6::envdir`): `with-contenv PROG…` and `printcontenv NAME`.
use crate::base::{diag, exit};
use crate::rt::{Args, Env};
use crate::s6::envdir::{DEFAULT_PATH, DIR, keep_env, load, read_all, valid_name, value_of};
use crate::sys::argv;
use crate::sys::{exec, fd};
use rustix::fs::{self, Mode, OFlags};

const WITH_USAGE: &[u8] = b"with-contenv prog...";

/// `with-contenv PROG…`: run PROG with the container environment.
pub fn with_contenv(args: Args) -> u8 {
    let env = Env::get();
    let prog = args.skip(1);
    let Some(file) = prog.get_arg(0) else { diag::usage(WITH_USAGE) };
    let (envp, path) = if keep_env(&env) {
        (env.envp(), env.var(b"PATH").unwrap_or(DEFAULT_PATH))
    } else {
        match load(DIR, env.var(b"PATH")) {
            Ok(e) => (e, argv::var(e, b"PATH").unwrap_or(DEFAULT_PATH)),
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read ", DIR.to_bytes()]),
        }
    };
    let e = exec::execvpe(file, prog.argv(), envp, path);
    diag::fatal_sys(exec::exec_failure_code(e), e, &[b"unable to exec ", file.to_bytes()])
}

/// `printcontenv NAME`: print the variable's value and a newline; exit 1
/// when it is not set (or, with `S6_KEEP_ENV`, empty), as v3.
pub fn printcontenv(args: Args) -> u8 {
    let env = Env::get();
    let Some(name) = args.get_arg(1) else { diag::usage(b"printcontenv variable") };
    let name = name.to_bytes();
    let value: &[u8] = if keep_env(&env) {
        match env.var(name) {
            Some(v) if !v.is_empty() => v,
            _ => return exit::FALSE,
        }
    } else {
        if !valid_name(name) {
            return exit::FALSE;
        }
        let Ok(dir) = fs::open(DIR, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) else {
            return exit::FALSE;
        };
        match read_all(&dir, name) {
            Ok(raw) => value_of(raw),
            Err(_) => return 1,
        }
    };
    if fd::write_all(fd::stdout(), value).and_then(|_| fd::write_all(fd::stdout(), b"\n")).is_err() {
        return exit::SYSCALL;
    }
    exit::OK
}
