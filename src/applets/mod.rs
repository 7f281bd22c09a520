//! The applet table and the multicall dispatch.
//!
//! The applet is `basename(argv[0])`. When that is not an applet, `argv[0]`
//! (found through `PATH` when it has no slash, as the shell found it) is
//! followed as a symlink chain to the first name that is one, so that a
//! renamed link (`/usr/bin/with-contenvb -> /command/with-contenv`) still
//! runs its applet; a name ending in `init` runs `init` (`mv /init
//! /s6-init`). The binary called `rs6`: `rs6 APPLET ARGS…`. `rs6 --list`
//! prints the table and `rs6 --install DIR` lays out an overlay root.
pub mod contenv;
pub mod execline;
pub mod fix_attrs;
pub mod halt;
pub mod health;
pub mod init;
pub mod install;
pub mod log;
pub mod notifyoncheck;
pub mod portable;
pub mod rewrite;
pub mod s6rc;
pub mod suexec;
pub mod svc;
pub mod svdt;
pub mod svok;
pub mod svscanctl;
pub mod svstat;
pub mod svwait;
pub mod timed;

use crate::base::{diag, exit, path::basename};
use crate::rt::{self, Args, Env};
use crate::sys::fd;
use rustix::fs;

/// Where `rs6 --install` makes an applet reachable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Links {
    /// Only as `/init` (the binary itself, under that name).
    Init,
    /// `/command/NAME` (s6-overlay v3's place).
    Command,
    /// `/command/NAME`, and `/usr/bin/NAME` (the v1/v2 path scripts
    /// hard-code) where the image has no such file.
    CommandAndUsrBin,
    /// As `CommandAndUsrBin`, and with `rs6 --install --bin-links DIR` also
    /// `DIR/bin/NAME` where the image has no such file (the execline
    /// commands, for v2 scripts that call `/bin/export`).
    Execline,
    /// Only `/package/admin/s6-overlay/libexec/NAME` (v3's internal programs
    /// that images' own `/init` scripts call).
    Libexec,
}

pub struct Applet {
    pub name: &'static str,
    pub main: fn(Args) -> u8,
    pub links: Links,
    /// One line for `rs6 --help`: lower case, no final period, at most 60
    /// bytes; the name at most 19 (both checked at compile time).
    pub help: &'static str,
}

/// Every applet, sorted by name (checked at compile time).
#[rustfmt::skip]
pub const APPLETS: &[Applet] = &[
    Applet { name: "background", main: execline::cmd_ctl::background, links: Links::Execline,
             help: "run a program in the background, then the rest" },
    Applet { name: "backtick", main: execline::cmd_env::backtick, links: Links::Execline,
             help: "set a variable to a program's output, then exec" },
    Applet { name: "case", main: execline::cmd_case::case, links: Links::Execline,
             help: "run the block of the first pattern a value matches" },
    Applet { name: "cd", main: execline::cmd_env::cd, links: Links::Execline,
             help: "change directory, then exec the rest" },
    Applet { name: "define", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute a value for a variable in the rest" },
    Applet { name: "dollarat", main: execline::cmd_sub::dollarat, links: Links::Execline,
             help: "print the positional parameters, one per line" },
    Applet { name: "elgetopt", main: execline::cmd_sub::elgetopt, links: Links::Execline,
             help: "parse options into variables (ELGETOPT_*), then exec" },
    Applet { name: "elgetpositionals", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute the positional parameters, then exec" },
    Applet { name: "elglob", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute glob matches for a variable, then exec" },
    Applet { name: "eltest", main: execline::eltest::main, links: Links::Execline,
             help: "evaluate an expression (test)" },
    Applet { name: "emptyenv", main: execline::cmd_env::emptyenv, links: Links::Execline,
             help: "clear the environment, then exec" },
    Applet { name: "envfile", main: execline::cmd_env::envfile, links: Links::Execline,
             help: "read variables from a file, then exec" },
    Applet { name: "exec", main: execline::cmd_env::exec_, links: Links::Execline,
             help: "exec the rest (with options for argv[0] and env)" },
    Applet { name: "execline-cd", main: execline::cmd_env::cd, links: Links::Execline,
             help: "change directory, then exec the rest" },
    Applet { name: "execline-umask", main: execline::cmd_env::umask, links: Links::Execline,
             help: "set the umask, then exec the rest" },
    Applet { name: "execlineb", main: execline::execlineb::main, links: Links::CommandAndUsrBin,
             help: "run an execline script" },
    Applet { name: "exit", main: execline::cmd_ctl::exit_, links: Links::Execline,
             help: "exit with a code" },
    Applet { name: "export", main: execline::cmd_env::export, links: Links::Execline,
             help: "set an environment variable, then exec" },
    Applet { name: "fdblock", main: execline::cmd_fd::fdblock, links: Links::Execline,
             help: "make a descriptor blocking or not, then exec" },
    Applet { name: "fdclose", main: execline::cmd_fd::fdclose, links: Links::Execline,
             help: "close a descriptor, then exec" },
    Applet { name: "fdmove", main: execline::cmd_fd::fdmove, links: Links::Execline,
             help: "move or copy a descriptor, then exec" },
    Applet { name: "fdreserve", main: execline::cmd_fd::fdreserve, links: Links::Execline,
             help: "reserve free descriptor numbers in variables" },
    Applet { name: "fdswap", main: execline::cmd_fd::fdswap, links: Links::Execline,
             help: "swap two descriptors, then exec" },
    Applet { name: "fix-attrs", main: fix_attrs::main, links: Links::CommandAndUsrBin,
             help: "apply the ownership and mode fixes of /etc/fix-attrs.d files" },
    Applet { name: "forbacktickx", main: execline::cmd_ctl::forbacktickx, links: Links::Execline,
             help: "run a loop over a program's output, then exec" },
    Applet { name: "foreground", main: execline::cmd_ctl::foreground, links: Links::Execline,
             help: "run a program and wait, then exec the rest" },
    Applet { name: "forstdin", main: execline::cmd_ctl::forstdin, links: Links::Execline,
             help: "run a loop over the lines of stdin" },
    Applet { name: "forx", main: execline::cmd_ctl::forx, links: Links::Execline,
             help: "run a loop over a list of values" },
    Applet { name: "getcwd", main: execline::cmd_env::getcwd, links: Links::Execline,
             help: "set a variable to the working directory, then exec" },
    Applet { name: "getpid", main: execline::cmd_env::getpid, links: Links::Execline,
             help: "set a variable to the pid, then exec" },
    Applet { name: "halt", main: halt::main, links: Links::Command,
             help: "stop the container with the exit code in /run (v3's halt)" },
    Applet { name: "heredoc", main: execline::cmd_fd::heredoc, links: Links::Execline,
             help: "feed a string to a descriptor, then exec" },
    Applet { name: "homeof", main: execline::cmd_env::homeof, links: Links::Execline,
             help: "print a user's home directory" },
    Applet { name: "if", main: execline::cmd_ctl::if_, links: Links::Execline,
             help: "run a program; go on only if it succeeds" },
    Applet { name: "ifelse", main: execline::cmd_ctl::ifelse, links: Links::Execline,
             help: "run a program; exec one of two branches" },
    Applet { name: "ifte", main: execline::cmd_ctl::ifte, links: Links::Execline,
             help: "run a program; exec the then or the else block" },
    Applet { name: "ifthenelse", main: execline::cmd_ctl::ifthenelse, links: Links::Execline,
             help: "run a program, a branch, then the rest" },
    Applet { name: "import", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute an environment variable, then exec" },
    Applet { name: "importas", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute an environment variable by name, then exec" },
    Applet { name: "init", main: init::main, links: Links::Init,
             help: "the container's PID 1: stages, services, CMD, exit code" },
    Applet { name: "logutil-newfifo", main: log::newfifo, links: Links::CommandAndUsrBin,
             help: "recreate a FIFO with a mode and an owner" },
    Applet { name: "logutil-service", main: log::service, links: Links::CommandAndUsrBin,
             help: "run s6-log with S6_LOGGING_SCRIPT as nobody on a logdir" },
    Applet { name: "loopwhilex", main: execline::cmd_ctl::loopwhilex, links: Links::Execline,
             help: "run a program again while it succeeds" },
    Applet { name: "multidefine", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute several values at once, then exec" },
    Applet { name: "multisubstitute", main: execline::cmd_sub::multisubstitute, links: Links::Execline,
             help: "several substitutions in one pass, then exec" },
    Applet { name: "pipeline", main: execline::cmd_fd::pipeline, links: Links::Execline,
             help: "pipe a program into the rest" },
    Applet { name: "piperw", main: execline::cmd_fd::piperw, links: Links::Execline,
             help: "make a pipe on two descriptors, then exec" },
    Applet { name: "preinit", main: suexec::preinit, links: Links::Libexec,
             help: "v3's libexec/preinit: nothing to do (init prepares /run)" },
    Applet { name: "printcontenv", main: contenv::printcontenv, links: Links::CommandAndUsrBin,
             help: "print a variable of the container environment" },
    Applet { name: "redirfd", main: execline::cmd_fd::redirfd, links: Links::Execline,
             help: "open a file on a descriptor, then exec" },
    Applet { name: "rs6-health", main: health::main, links: Links::Command,
             help: "exit 0 when the CMD and the wanted services are up (probe)" },
    Applet { name: "runblock", main: execline::cmd_sub::runblock, links: Links::Execline,
             help: "run a block of the positional parameters" },
    Applet { name: "s6-applyuidgid", main: rewrite::applyuidgid, links: Links::CommandAndUsrBin,
             help: "set uid, gid and groups from options or env, then exec" },
    Applet { name: "s6-chmod", main: portable::chmod, links: Links::CommandAndUsrBin,
             help: "change a file's mode" },
    Applet { name: "s6-chown", main: portable::chown, links: Links::CommandAndUsrBin,
             help: "change a file's owner" },
    Applet { name: "s6-dumpenv", main: portable::dumpenv, links: Links::CommandAndUsrBin,
             help: "write the environment into an envdir" },
    Applet { name: "s6-echo", main: portable::echo, links: Links::CommandAndUsrBin,
             help: "print arguments" },
    Applet { name: "s6-envdir", main: rewrite::envdir, links: Links::CommandAndUsrBin,
             help: "set variables from an envdir, then exec" },
    Applet { name: "s6-envuidgid", main: rewrite::envuidgid, links: Links::CommandAndUsrBin,
             help: "set UID, GID and GIDLIST for a user, then exec" },
    Applet { name: "s6-hiercopy", main: portable::hiercopy, links: Links::CommandAndUsrBin,
             help: "copy a directory tree" },
    Applet { name: "s6-ln", main: portable::ln, links: Links::CommandAndUsrBin,
             help: "make a link" },
    Applet { name: "s6-log", main: log::main, links: Links::CommandAndUsrBin,
             help: "log lines to logdirs with rotation, selection and stamps" },
    Applet { name: "s6-maximumtime", main: timed::maximumtime, links: Links::CommandAndUsrBin,
             help: "run a program with a time limit" },
    Applet { name: "s6-mkdir", main: portable::mkdir, links: Links::CommandAndUsrBin,
             help: "make directories" },
    Applet { name: "s6-notifyoncheck", main: notifyoncheck::main, links: Links::CommandAndUsrBin,
             help: "readiness notification by polling a check program" },
    Applet { name: "s6-overlay-suexec", main: suexec::suexec, links: Links::Command,
             help: "v3's entry point: skip the preinit block, run the rest" },
    Applet { name: "s6-rc", main: s6rc::main, links: Links::Command,
             help: "bring s6-rc services up or down" },
    Applet { name: "s6-rc-db", main: s6rc::db_main, links: Links::Command,
             help: "query the compiled s6-rc service database" },
    Applet { name: "s6-rmrf", main: portable::rmrf, links: Links::CommandAndUsrBin,
             help: "remove a file or a directory tree" },
    Applet { name: "s6-setlock", main: timed::setlock, links: Links::CommandAndUsrBin,
             help: "run a program holding a lock file" },
    Applet { name: "s6-setsid", main: timed::setsid, links: Links::CommandAndUsrBin,
             help: "run a program in a new session or process group" },
    Applet { name: "s6-setuidgid", main: rewrite::setuidgid, links: Links::CommandAndUsrBin,
             help: "run a program as another user" },
    Applet { name: "s6-sleep", main: portable::sleep, links: Links::CommandAndUsrBin,
             help: "sleep some seconds" },
    Applet { name: "s6-svc", main: svc::main, links: Links::CommandAndUsrBin,
             help: "send commands to a supervised service" },
    Applet { name: "s6-svdt", main: svdt::main, links: Links::CommandAndUsrBin,
             help: "print a service's recent deaths" },
    Applet { name: "s6-svok", main: svok::main, links: Links::CommandAndUsrBin,
             help: "tell whether a service directory is supervised" },
    Applet { name: "s6-svscanctl", main: svscanctl::main, links: Links::CommandAndUsrBin,
             help: "send commands to the supervision tree" },
    Applet { name: "s6-svstat", main: svstat::main, links: Links::CommandAndUsrBin,
             help: "print a service's state" },
    Applet { name: "s6-svwait", main: svwait::main, links: Links::CommandAndUsrBin,
             help: "wait for services to reach a state" },
    Applet { name: "s6-test", main: execline::eltest::main, links: Links::CommandAndUsrBin,
             help: "evaluate an expression (test)" },
    Applet { name: "shift", main: execline::cmd_sub::shift, links: Links::Execline,
             help: "shift the positional parameters, then exec" },
    Applet { name: "stage0", main: init::main, links: Links::Libexec,
             help: "v3's libexec/stage0: the container's PID 1 (as init)" },
    Applet { name: "trap", main: execline::cmd_sig::trap, links: Links::Execline,
             help: "run a program, and handler blocks on signals" },
    Applet { name: "tryexec", main: execline::cmd_ctl::tryexec, links: Links::Execline,
             help: "exec a program, or the rest if it cannot" },
    Applet { name: "umask", main: execline::cmd_env::umask, links: Links::Execline,
             help: "set the umask, then exec the rest" },
    Applet { name: "unexport", main: execline::cmd_env::unexport, links: Links::Execline,
             help: "remove an environment variable, then exec" },
    Applet { name: "wait", main: execline::cmd_ctl::wait_, links: Links::Execline,
             help: "wait for children, then exec the rest" },
    Applet { name: "with-contenv", main: contenv::with_contenv, links: Links::CommandAndUsrBin,
             help: "run a program with the container environment" },
    Applet { name: "with-retries", main: timed::with_retries, links: Links::CommandAndUsrBin,
             help: "run a program again until it succeeds" },
    Applet { name: "withstdinas", main: execline::cmd_env::withstdinas, links: Links::Execline,
             help: "set a variable to stdin's content, then exec" },
];

const fn sorted_unique(t: &[Applet]) -> bool {
    let mut i = 1;
    while i < t.len() {
        let (a, b) = (t[i - 1].name.as_bytes(), t[i].name.as_bytes());
        let mut j = 0;
        loop {
            if j == a.len() || j == b.len() {
                if a.len() >= b.len() {
                    return false;
                }
                break;
            }
            if a[j] < b[j] {
                break;
            }
            if a[j] > b[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}
const _: () = assert!(sorted_unique(APPLETS));

const fn short_help(t: &[Applet]) -> bool {
    let mut i = 0;
    while i < t.len() {
        if t[i].help.is_empty() || t[i].help.len() > 60 || t[i].name.len() > 19 {
            return false;
        }
        i += 1;
    }
    true
}
const _: () = assert!(short_help(APPLETS));

/// Look up an applet by name.
pub fn find(name: &[u8]) -> Option<&'static Applet> {
    APPLETS.binary_search_by(|a| a.name.as_bytes().cmp(name)).ok().map(|i| &APPLETS[i])
}

/// An applet by name, or `init` for any name that ends in `init`.
fn by_name(name: &[u8]) -> Option<&'static Applet> {
    find(name).or_else(|| if name.ends_with(b"init") { find(b"init") } else { None })
}

/// Follow `arg0` (searched in `PATH` when it has no slash) as a chain of
/// symlinks (at most 16) to the first link target whose basename names an
/// applet.
fn follow(arg0: &[u8]) -> Option<&'static Applet> {
    let mut path = [0u8; 1024];
    let mut len = 0;
    let put = |buf: &mut [u8; 1024], at: usize, parts: &[&[u8]]| -> Option<usize> {
        let mut n = at;
        for p in parts {
            buf.get_mut(n..n + p.len())?.copy_from_slice(p);
            n += p.len();
        }
        Some(n)
    };
    if arg0.contains(&b'/') {
        len = put(&mut path, 0, &[arg0])?;
    } else {
        let env = Env::get();
        let dirs = env.var(b"PATH").unwrap_or(b"/usr/bin:/bin");
        for d in dirs.split(|&c| c == b':') {
            let d = if d.is_empty() { &b"."[..] } else { d };
            len = put(&mut path, 0, &[d, b"/", arg0])?;
            if fs::access(&path[..len], fs::Access::EXEC_OK).is_ok() {
                break;
            }
            len = 0;
        }
        if len == 0 {
            return None;
        }
    }
    for _ in 0..16 {
        let mut t = [0u8; 1024];
        let n = fs::readlinkat_raw(fs::CWD, &path[..len], &mut t[..]).ok()?;
        let target = t.get(..n).filter(|_| n < t.len())?;
        if let Some(a) = by_name(basename(target)) {
            return Some(a);
        }
        // The next link: the target, relative to the link's directory.
        len = if target.first() == Some(&b'/') {
            put(&mut path, 0, &[target])?
        } else {
            let dir = path[..len].iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
            put(&mut path, dir, &[target])?
        };
    }
    None
}

const USAGE: &[u8] =
    b"rs6 APPLET [ARGS...] | rs6 --list | rs6 --install [--bin-links] DIR | rs6 --version | rs6 --help";

/// `rs6 --version`: the version and the target it was built for (the
/// tarballs are named after the target's architecture).
const VERSION: &str = concat!("rs6 ", env!("CARGO_PKG_VERSION"), " ", env!("RS6_TARGET"), "\n");

fn help() {
    let out = fd::stdout();
    let _ = fd::write_all(out, b"usage: ");
    let _ = fd::write_all(out, USAGE);
    let _ = fd::write_all(out, b"\n\napplets (call as NAME, or rs6 NAME):\n");
    for a in APPLETS {
        let pad = 20 - a.name.len();
        let _ = fd::write_all(out, &b"  "[..]);
        let _ = fd::write_all(out, a.name.as_bytes());
        let _ = fd::write_all(out, &b"                    "[..pad]);
        let _ = fd::write_all(out, a.help.as_bytes());
        let _ = fd::write_all(out, b"\n");
    }
}

fn run(a: &'static Applet, args: Args) -> u8 {
    rt::set_prog(a.name.as_bytes());
    (a.main)(args)
}

/// Choose the applet and run it; returns the exit code.
pub fn dispatch(args: Args) -> u8 {
    let full = args.get_arg(0).map(|a| a.to_bytes()).unwrap_or(b"rs6");
    let arg0 = basename(full);
    if arg0 != b"rs6" {
        match by_name(arg0).or_else(|| follow(full)) {
            Some(a) => return run(a, args),
            None => diag::fatal(exit::USAGE, &[b"unknown applet: ", arg0]),
        }
    }
    let Some(first) = args.get_arg(1) else { diag::usage(USAGE) };
    match first.to_bytes() {
        b"--list" => {
            for a in APPLETS {
                let _ = fd::write_all(fd::stdout(), a.name.as_bytes());
                let _ = fd::write_all(fd::stdout(), b"\n");
            }
            exit::OK
        }
        b"--install" => install::main(args.skip(1)),
        b"--help" | b"-h" => {
            help();
            exit::OK
        }
        b"--version" => {
            let _ = fd::write_all(fd::stdout(), VERSION.as_bytes());
            exit::OK
        }
        name => match find(name) {
            Some(a) => run(a, args.skip(1)),
            None => diag::fatal(exit::USAGE, &[b"unknown applet: ", name]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn table_sorted_and_found() {
        assert!(sorted_unique(APPLETS));
        assert!(find(b"init").is_some());
        assert!(find(b"nope").is_none());
    }
}
