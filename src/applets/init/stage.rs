//! Stage 2 and 3 items: directory listings in s6-overlay's order, and how a
//! script is started (including one whose execute bit is missing).
use crate::base::exit;
pub use crate::supervise::scan::{list, list_said};
pub use crate::supervise::script::{bad_interpreter, parse_shebang};
use crate::sys::arena;
use crate::sys::argv::{Argv, Vec0};
use core::ffi::CStr;
use rustix::fs::{self, Access, FileType, Mode, OFlags};
use rustix::io::Errno;

/// How to run a script: the program to exec and its argv.
pub struct Command {
    pub file: &'static CStr,
    pub argv: Argv<'static>,
}

/// Why a script cannot be started, with the exit code it counts as.
pub struct Refused {
    pub errno: Errno,
    pub code: u8,
}

/// Prepare `path` to run. An executable file runs as is. A file without
/// its execute bit still runs, and the image is not modified: its `#!`
/// line names the interpreter (and at most one argument, as the kernel
/// reads it). A directory, a dangling symlink or a non-executable file
/// without `#!` is refused.
pub fn command(path: &'static CStr) -> Result<Command, Refused> {
    let st = fs::stat(path).map_err(|e| Refused { errno: e, code: exit::NOT_FOUND })?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Refused { errno: Errno::ISDIR, code: exit::EXEC_FAILED });
    }
    let mut words: heapless::Vec<&'static CStr, 4> = heapless::Vec::new();
    if fs::access(path, Access::EXEC_OK).is_err() {
        let (interp, arg) = shebang(path).ok_or(Refused { errno: Errno::ACCESS, code: exit::EXEC_FAILED })?;
        let _ = words.push(interp);
        if let Some(a) = arg {
            let _ = words.push(a);
        }
    }
    let _ = words.push(path);
    let oom = |_| Refused { errno: Errno::NOMEM, code: exit::SYSCALL };
    let argv = Vec0::of(&words).map_err(oom)?;
    Ok(Command { file: words[0], argv })
}

/// The interpreter and optional argument of a `#!` line.
fn shebang(path: &CStr) -> Option<(&'static CStr, Option<&'static CStr>)> {
    let f = fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut buf = [0u8; 256];
    let n = rustix::io::read(&f, &mut buf).ok()?;
    let (interp, arg) = parse_shebang(&buf[..n])?;
    let interp = arena::cstr(&[interp]).ok()?;
    let arg = match arg {
        Some(a) => Some(arena::cstr(&[a]).ok()?),
        None => None,
    };
    Some((interp, arg))
}
