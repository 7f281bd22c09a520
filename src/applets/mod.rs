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
pub mod fix_attrs;
pub mod halt;
pub mod init;
pub mod install;
pub mod suexec;
pub mod svc;
pub mod svdt;
pub mod svok;
pub mod svscanctl;
pub mod svstat;
pub mod svwait;

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
    /// One line for `rs6 --help`: lower case, no final period, at most 60
    /// bytes; the name at most 19 (both checked at compile time).
    pub help: &'static str,
}

/// Every applet, sorted by name (checked at compile time).
pub const APPLETS: &[Applet] = &[
    Applet { name: "fix-attrs", main: fix_attrs::main, links: Links::CommandAndUsrBin,
             help: "apply the ownership and mode fixes of /etc/fix-attrs.d files" },
    Applet { name: "halt", main: halt::main, links: Links::Command,
             help: "stop the container with the exit code in /run (v3's halt)" },
    Applet { name: "init", main: init::main, links: Links::Init,
             help: "the container's PID 1: stages, services, CMD, exit code" },
    Applet { name: "preinit", main: suexec::preinit, links: Links::Libexec,
             help: "v3's libexec/preinit: nothing to do (init prepares /run)" },
    Applet { name: "printcontenv", main: contenv::printcontenv, links: Links::CommandAndUsrBin,
             help: "print a variable of the container environment" },
    Applet { name: "s6-overlay-suexec", main: suexec::suexec, links: Links::Command,
             help: "v3's entry point: skip the preinit block, run the rest" },
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
    Applet { name: "stage0", main: init::main, links: Links::Libexec,
             help: "v3's libexec/stage0: the container's PID 1 (as init)" },
    Applet { name: "with-contenv", main: contenv::with_contenv, links: Links::CommandAndUsrBin,
             help: "run a program with the container environment" },
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

const USAGE: &[u8] = b"rs6 APPLET [ARGS...] | rs6 --list | rs6 --install [--bin-links] DIR | rs6 --version | rs6 --help";

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
