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
pub mod init;
pub mod install;
pub mod suexec;
pub mod notifyoncheck;
pub mod portable;
pub mod rewrite;
pub mod s6rc;
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
    /// Only as `/init` (the copy of the binary itself).
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
}

/// Every applet, sorted by name (checked at compile time).
pub const APPLETS: &[Applet] = &[
    Applet { name: "background", main: execline::cmd_ctl::background, links: Links::Execline },
    Applet { name: "backtick", main: execline::cmd_env::backtick, links: Links::Execline },
    Applet { name: "cd", main: execline::cmd_env::cd, links: Links::Execline },
    Applet { name: "define", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "dollarat", main: execline::cmd_sub::dollarat, links: Links::Execline },
    Applet { name: "elgetopt", main: execline::cmd_sub::elgetopt, links: Links::Execline },
    Applet { name: "elgetpositionals", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "elglob", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "eltest", main: execline::eltest::main, links: Links::Execline },
    Applet { name: "emptyenv", main: execline::cmd_env::emptyenv, links: Links::Execline },
    Applet { name: "envfile", main: execline::cmd_env::envfile, links: Links::Execline },
    Applet { name: "exec", main: execline::cmd_env::exec_, links: Links::Execline },
    Applet { name: "execline-cd", main: execline::cmd_env::cd, links: Links::Execline },
    Applet { name: "execline-umask", main: execline::cmd_env::umask, links: Links::Execline },
    Applet { name: "execlineb", main: execline::execlineb::main, links: Links::CommandAndUsrBin },
    Applet { name: "exit", main: execline::cmd_ctl::exit_, links: Links::Execline },
    Applet { name: "export", main: execline::cmd_env::export, links: Links::Execline },
    Applet { name: "fdblock", main: execline::cmd_fd::fdblock, links: Links::Execline },
    Applet { name: "fdclose", main: execline::cmd_fd::fdclose, links: Links::Execline },
    Applet { name: "fdmove", main: execline::cmd_fd::fdmove, links: Links::Execline },
    Applet { name: "fdreserve", main: execline::cmd_fd::fdreserve, links: Links::Execline },
    Applet { name: "fdswap", main: execline::cmd_fd::fdswap, links: Links::Execline },
    Applet { name: "fix-attrs", main: fix_attrs::main, links: Links::CommandAndUsrBin },
    Applet { name: "forbacktickx", main: execline::cmd_ctl::forbacktickx, links: Links::Execline },
    Applet { name: "foreground", main: execline::cmd_ctl::foreground, links: Links::Execline },
    Applet { name: "forstdin", main: execline::cmd_ctl::forstdin, links: Links::Execline },
    Applet { name: "forx", main: execline::cmd_ctl::forx, links: Links::Execline },
    Applet { name: "getcwd", main: execline::cmd_env::getcwd, links: Links::Execline },
    Applet { name: "getpid", main: execline::cmd_env::getpid, links: Links::Execline },
    Applet { name: "halt", main: halt::main, links: Links::Command },
    Applet { name: "heredoc", main: execline::cmd_fd::heredoc, links: Links::Execline },
    Applet { name: "homeof", main: execline::cmd_env::homeof, links: Links::Execline },
    Applet { name: "if", main: execline::cmd_ctl::if_, links: Links::Execline },
    Applet { name: "ifelse", main: execline::cmd_ctl::ifelse, links: Links::Execline },
    Applet { name: "ifte", main: execline::cmd_ctl::ifte, links: Links::Execline },
    Applet { name: "ifthenelse", main: execline::cmd_ctl::ifthenelse, links: Links::Execline },
    Applet { name: "import", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "importas", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "init", main: init::main, links: Links::Init },
    Applet { name: "loopwhilex", main: execline::cmd_ctl::loopwhilex, links: Links::Execline },
    Applet { name: "multidefine", main: execline::cmd_sub::single, links: Links::Execline },
    Applet { name: "multisubstitute", main: execline::cmd_sub::multisubstitute, links: Links::Execline },
    Applet { name: "pipeline", main: execline::cmd_fd::pipeline, links: Links::Execline },
    Applet { name: "piperw", main: execline::cmd_fd::piperw, links: Links::Execline },
    Applet { name: "preinit", main: suexec::preinit, links: Links::Libexec },
    Applet { name: "printcontenv", main: contenv::printcontenv, links: Links::CommandAndUsrBin },
    Applet { name: "redirfd", main: execline::cmd_fd::redirfd, links: Links::Execline },
    Applet { name: "runblock", main: execline::cmd_sub::runblock, links: Links::Execline },
    Applet { name: "s6-applyuidgid", main: rewrite::applyuidgid, links: Links::CommandAndUsrBin },
    Applet { name: "s6-chmod", main: portable::chmod, links: Links::CommandAndUsrBin },
    Applet { name: "s6-chown", main: portable::chown, links: Links::CommandAndUsrBin },
    Applet { name: "s6-dumpenv", main: portable::dumpenv, links: Links::CommandAndUsrBin },
    Applet { name: "s6-echo", main: portable::echo, links: Links::CommandAndUsrBin },
    Applet { name: "s6-envdir", main: rewrite::envdir, links: Links::CommandAndUsrBin },
    Applet { name: "s6-envuidgid", main: rewrite::envuidgid, links: Links::CommandAndUsrBin },
    Applet { name: "s6-hiercopy", main: portable::hiercopy, links: Links::CommandAndUsrBin },
    Applet { name: "s6-ln", main: portable::ln, links: Links::CommandAndUsrBin },
    Applet { name: "s6-maximumtime", main: timed::maximumtime, links: Links::CommandAndUsrBin },
    Applet { name: "s6-mkdir", main: portable::mkdir, links: Links::CommandAndUsrBin },
    Applet { name: "s6-notifyoncheck", main: notifyoncheck::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-overlay-suexec", main: suexec::suexec, links: Links::Command },
    Applet { name: "s6-rc", main: s6rc::main, links: Links::Command },
    Applet { name: "s6-rc-db", main: s6rc::db_main, links: Links::Command },
    Applet { name: "s6-rmrf", main: portable::rmrf, links: Links::CommandAndUsrBin },
    Applet { name: "s6-setlock", main: timed::setlock, links: Links::CommandAndUsrBin },
    Applet { name: "s6-setsid", main: timed::setsid, links: Links::CommandAndUsrBin },
    Applet { name: "s6-setuidgid", main: rewrite::setuidgid, links: Links::CommandAndUsrBin },
    Applet { name: "s6-sleep", main: portable::sleep, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svc", main: svc::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svdt", main: svdt::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svok", main: svok::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svscanctl", main: svscanctl::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svstat", main: svstat::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svwait", main: svwait::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-test", main: execline::eltest::main, links: Links::CommandAndUsrBin },
    Applet { name: "shift", main: execline::cmd_sub::shift, links: Links::Execline },
    Applet { name: "stage0", main: init::main, links: Links::Libexec },
    Applet { name: "trap", main: execline::cmd_sig::trap, links: Links::Execline },
    Applet { name: "tryexec", main: execline::cmd_ctl::tryexec, links: Links::Execline },
    Applet { name: "umask", main: execline::cmd_env::umask, links: Links::Execline },
    Applet { name: "unexport", main: execline::cmd_env::unexport, links: Links::Execline },
    Applet { name: "wait", main: execline::cmd_ctl::wait_, links: Links::Execline },
    Applet { name: "with-contenv", main: contenv::with_contenv, links: Links::CommandAndUsrBin },
    Applet { name: "with-retries", main: timed::with_retries, links: Links::CommandAndUsrBin },
    Applet { name: "withstdinas", main: execline::cmd_env::withstdinas, links: Links::Execline },
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

const USAGE: &[u8] = b"rs6 APPLET [ARGS...] | rs6 --list | rs6 --install [--bin-links] DIR";

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
            let _ = fd::write_all(fd::stdout(), b"usage: ");
            let _ = fd::write_all(fd::stdout(), USAGE);
            let _ = fd::write_all(fd::stdout(), b"\n");
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
