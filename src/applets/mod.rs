//! The applet table and the multicall dispatch.
//!
//! The applet is `basename(argv[0])`; when that is not an applet (the binary
//! is called `rs6`), `rs6 APPLET ARGS…`. `rs6 --list` prints the table and
//! `rs6 --install DIR` lays out an overlay root.
pub mod contenv;
pub mod fix_attrs;
pub mod halt;
pub mod init;
pub mod install;
pub mod log;
pub mod svc;
pub mod svdt;
pub mod svok;
pub mod svscanctl;
pub mod svstat;
pub mod svwait;

use crate::base::{diag, exit, path::basename};
use crate::rt::{self, Args};
use crate::sys::fd;

/// Where `rs6 --install` makes an applet reachable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Links {
    /// Only as `/init` (the copy of the binary itself).
    Init,
    /// `/command/NAME` (s6-overlay v3's place).
    Command,
    /// `/command/NAME` and `/usr/bin/NAME` (the v1/v2 path scripts hard-code).
    CommandAndUsrBin,
}

pub struct Applet {
    pub name: &'static str,
    pub main: fn(Args) -> u8,
    pub links: Links,
}

/// Every applet, sorted by name (checked at compile time).
pub const APPLETS: &[Applet] = &[
    Applet { name: "fix-attrs", main: fix_attrs::main, links: Links::CommandAndUsrBin },
    Applet { name: "halt", main: halt::main, links: Links::Command },
    Applet { name: "init", main: init::main, links: Links::Init },
    Applet { name: "logutil-newfifo", main: log::newfifo, links: Links::CommandAndUsrBin },
    Applet { name: "logutil-service", main: log::service, links: Links::CommandAndUsrBin },
    Applet { name: "printcontenv", main: contenv::printcontenv, links: Links::CommandAndUsrBin },
    Applet { name: "s6-log", main: log::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svc", main: svc::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svdt", main: svdt::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svok", main: svok::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svscanctl", main: svscanctl::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svstat", main: svstat::main, links: Links::CommandAndUsrBin },
    Applet { name: "s6-svwait", main: svwait::main, links: Links::CommandAndUsrBin },
    Applet { name: "with-contenv", main: contenv::with_contenv, links: Links::CommandAndUsrBin },
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

const USAGE: &[u8] = b"rs6 APPLET [ARGS...] | rs6 --list | rs6 --install DIR";

fn run(a: &'static Applet, args: Args) -> u8 {
    rt::set_prog(a.name.as_bytes());
    (a.main)(args)
}

/// Choose the applet and run it; returns the exit code.
pub fn dispatch(args: Args) -> u8 {
    let arg0 = args.get_arg(0).map(|a| basename(a.to_bytes())).unwrap_or(b"rs6");
    if let Some(a) = find(arg0) {
        return run(a, args);
    }
    if arg0 != b"rs6" {
        diag::fatal(exit::USAGE, &[b"unknown applet: ", arg0]);
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
