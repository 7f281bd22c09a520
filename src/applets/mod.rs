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
pub mod dirs;
pub mod execline;
pub mod extras;
pub mod fix_attrs;
pub mod ftrig;
pub mod halt;
pub mod health;
pub mod init;
pub mod install;
pub mod linux;
pub mod log;
pub mod notifyoncheck;
pub mod portable;
pub mod rewrite;
pub mod s6rc;
pub mod socklog;
pub mod stamps;
pub mod strings;
pub mod suexec;
pub mod svc;
pub mod svdt;
pub mod svlink;
pub mod svok;
pub mod svperms;
pub mod svscan;
pub mod svscanctl;
pub mod svstat;
pub mod svwait;
pub mod text;
pub mod timed;
pub mod utils;

use crate::base::{diag, exit, path::basename};
use crate::rt::{self, Args, Env};
use crate::sys::{fd, ids};
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

/// An applet as written in the table below (only read at compile time).
struct Spec {
    name: &'static str,
    main: fn(Args) -> u8,
    links: Links,
    /// One line for `rs6 --help`: lower case, no final period, at most 60
    /// bytes; the name at most 19 (both checked at compile time).
    help: &'static str,
}

/// An applet as the binary holds it: 16 bytes, its name and help line
/// offsets into `TEXT` (one pointer each and a length would make 48).
pub struct Compact {
    pub main: fn(Args) -> u8,
    name_at: u16,
    help_at: u16,
    name_len: u8,
    help_len: u8,
    pub links: Links,
}

impl Compact {
    pub fn name(&self) -> &'static [u8] {
        let at = self.name_at as usize;
        &TEXT[at..at + self.name_len as usize]
    }
    fn help(&self) -> &'static [u8] {
        let at = self.help_at as usize;
        &TEXT[at..at + self.help_len as usize]
    }
}

/// Every name followed by a newline (what `rs6 --list` prints), then every
/// help line.
static TEXT: [u8; text_len(SPECS)] = text(SPECS);
/// Every applet, sorted by name (checked at compile time).
pub static APPLETS: [Compact; SPECS.len()] = compact(SPECS);
/// The names part of `TEXT`.
const NAMES_LEN: usize = names_len(SPECS);

const fn names_len(t: &[Spec]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < t.len() {
        n += t[i].name.len() + 1;
        i += 1;
    }
    n
}
const fn text_len(t: &[Spec]) -> usize {
    let (mut i, mut n) = (0, names_len(t));
    while i < t.len() {
        n += t[i].help.len();
        i += 1;
    }
    n
}
const fn put(out: &mut [u8], at: usize, s: &[u8]) -> usize {
    let mut j = 0;
    while j < s.len() {
        out[at + j] = s[j];
        j += 1;
    }
    at + j
}
const fn text<const N: usize>(t: &[Spec]) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut i, mut at) = (0, 0);
    while i < t.len() {
        at = put(&mut out, at, t[i].name.as_bytes());
        out[at] = b'\n';
        at += 1;
        i += 1;
    }
    i = 0;
    while i < t.len() {
        at = put(&mut out, at, t[i].help.as_bytes());
        i += 1;
    }
    out
}
const fn compact<const N: usize>(t: &[Spec]) -> [Compact; N] {
    let mut out =
        [const { Compact { main: |_| 0, name_at: 0, help_at: 0, name_len: 0, help_len: 0, links: Links::Init } }; N];
    let (mut i, mut name_at, mut help_at) = (0, 0, names_len(t));
    while i < t.len() {
        let (n, h) = (t[i].name.len(), t[i].help.len());
        assert!(help_at + h <= u16::MAX as usize);
        out[i] = Compact {
            main: t[i].main,
            name_at: name_at as u16,
            help_at: help_at as u16,
            name_len: n as u8,
            help_len: h as u8,
            links: t[i].links,
        };
        name_at += n + 1;
        help_at += h;
        i += 1;
    }
    out
}

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec { name: "background", main: execline::cmd_ctl::background, links: Links::Execline,
             help: "run a program in the background, then the rest" },
    Spec { name: "backtick", main: execline::cmd_env::backtick, links: Links::Execline,
             help: "set a variable to a program's output, then exec" },
    Spec { name: "case", main: execline::cmd_case::case, links: Links::Execline,
             help: "run the block of the first pattern a value matches" },
    Spec { name: "cd", main: execline::cmd_env::cd, links: Links::Execline,
             help: "change directory, then exec the rest" },
    Spec { name: "define", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute a value for a variable in the rest" },
    Spec { name: "dollarat", main: execline::cmd_sub::dollarat, links: Links::Execline,
             help: "print the positional parameters, one per line" },
    Spec { name: "elgetopt", main: execline::cmd_sub::elgetopt, links: Links::Execline,
             help: "parse options into variables (ELGETOPT_*), then exec" },
    Spec { name: "elgetpositionals", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute the positional parameters, then exec" },
    Spec { name: "elglob", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute glob matches for a variable, then exec" },
    Spec { name: "eltest", main: execline::eltest::main, links: Links::Execline,
             help: "evaluate an expression (test)" },
    Spec { name: "emptyenv", main: execline::cmd_env::emptyenv, links: Links::Execline,
             help: "clear the environment, then exec" },
    Spec { name: "envfile", main: execline::cmd_env::envfile, links: Links::Execline,
             help: "read variables from a file, then exec" },
    Spec { name: "exec", main: execline::cmd_env::exec_, links: Links::Execline,
             help: "exec the rest (with options for argv[0] and env)" },
    Spec { name: "execline-cd", main: execline::cmd_env::cd, links: Links::Execline,
             help: "change directory, then exec the rest" },
    Spec { name: "execline-umask", main: execline::cmd_env::umask, links: Links::Execline,
             help: "set the umask, then exec the rest" },
    Spec { name: "execlineb", main: execline::execlineb::main, links: Links::CommandAndUsrBin,
             help: "run an execline script" },
    Spec { name: "exit", main: execline::cmd_ctl::exit_, links: Links::Execline,
             help: "exit with a code" },
    Spec { name: "export", main: execline::cmd_env::export, links: Links::Execline,
             help: "set an environment variable, then exec" },
    Spec { name: "fdblock", main: execline::cmd_fd::fdblock, links: Links::Execline,
             help: "make a descriptor blocking or not, then exec" },
    Spec { name: "fdclose", main: execline::cmd_fd::fdclose, links: Links::Execline,
             help: "close a descriptor, then exec" },
    Spec { name: "fdmove", main: execline::cmd_fd::fdmove, links: Links::Execline,
             help: "move or copy a descriptor, then exec" },
    Spec { name: "fdreserve", main: execline::cmd_fd::fdreserve, links: Links::Execline,
             help: "reserve free descriptor numbers in variables" },
    Spec { name: "fdswap", main: execline::cmd_fd::fdswap, links: Links::Execline,
             help: "swap two descriptors, then exec" },
    Spec { name: "fix-attrs", main: fix_attrs::main, links: Links::CommandAndUsrBin,
             help: "apply the ownership and mode fixes of /etc/fix-attrs.d files" },
    Spec { name: "forbacktickx", main: execline::cmd_ctl::forbacktickx, links: Links::Execline,
             help: "run a loop over a program's output, then exec" },
    Spec { name: "foreground", main: execline::cmd_ctl::foreground, links: Links::Execline,
             help: "run a program and wait, then exec the rest" },
    Spec { name: "forstdin", main: execline::cmd_ctl::forstdin, links: Links::Execline,
             help: "run a loop over the lines of stdin" },
    Spec { name: "forx", main: execline::cmd_ctl::forx, links: Links::Execline,
             help: "run a loop over a list of values" },
    Spec { name: "getcwd", main: execline::cmd_env::getcwd, links: Links::Execline,
             help: "set a variable to the working directory, then exec" },
    Spec { name: "getpid", main: execline::cmd_env::getpid, links: Links::Execline,
             help: "set a variable to the pid, then exec" },
    Spec { name: "halt", main: halt::main, links: Links::Command,
             help: "stop the container with the exit code in /run (v3's halt)" },
    Spec { name: "heredoc", main: execline::cmd_fd::heredoc, links: Links::Execline,
             help: "feed a string to a descriptor, then exec" },
    Spec { name: "homeof", main: execline::cmd_env::homeof, links: Links::Execline,
             help: "print a user's home directory" },
    Spec { name: "if", main: execline::cmd_ctl::if_, links: Links::Execline,
             help: "run a program; go on only if it succeeds" },
    Spec { name: "ifelse", main: execline::cmd_ctl::ifelse, links: Links::Execline,
             help: "run a program; exec one of two branches" },
    Spec { name: "ifte", main: execline::cmd_ctl::ifte, links: Links::Execline,
             help: "run a program; exec the then or the else block" },
    Spec { name: "ifthenelse", main: execline::cmd_ctl::ifthenelse, links: Links::Execline,
             help: "run a program, a branch, then the rest" },
    Spec { name: "import", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute an environment variable, then exec" },
    Spec { name: "importas", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute an environment variable by name, then exec" },
    Spec { name: "init", main: init::main, links: Links::Init,
             help: "the container's PID 1: stages, services, CMD, exit code" },
    Spec { name: "logutil-newfifo", main: log::newfifo, links: Links::CommandAndUsrBin,
             help: "recreate a FIFO with a mode and an owner" },
    Spec { name: "logutil-service", main: log::service, links: Links::CommandAndUsrBin,
             help: "run s6-log with S6_LOGGING_SCRIPT as nobody on a logdir" },
    Spec { name: "loopwhilex", main: execline::cmd_ctl::loopwhilex, links: Links::Execline,
             help: "run a program again while it succeeds" },
    Spec { name: "multidefine", main: execline::cmd_sub::single, links: Links::Execline,
             help: "substitute several values at once, then exec" },
    Spec { name: "multisubstitute", main: execline::cmd_sub::multisubstitute, links: Links::Execline,
             help: "several substitutions in one pass, then exec" },
    Spec { name: "pipeline", main: execline::cmd_fd::pipeline, links: Links::Execline,
             help: "pipe a program into the rest" },
    Spec { name: "piperw", main: execline::cmd_fd::piperw, links: Links::Execline,
             help: "make a pipe on two descriptors, then exec" },
    Spec { name: "posix-cd", main: execline::cmd_posix::posix_cd, links: Links::Execline,
             help: "change directory as POSIX cd does, then exec the rest" },
    Spec { name: "posix-umask", main: execline::cmd_posix::posix_umask, links: Links::Execline,
             help: "set the umask as POSIX umask does, then exec the rest" },
    Spec { name: "preinit", main: suexec::preinit, links: Links::Libexec,
             help: "v3's libexec/preinit: nothing to do (init prepares /run)" },
    Spec { name: "printcontenv", main: contenv::printcontenv, links: Links::CommandAndUsrBin,
             help: "print a variable of the container environment" },
    Spec { name: "redirfd", main: execline::cmd_fd::redirfd, links: Links::Execline,
             help: "open a file on a descriptor, then exec" },
    Spec { name: "rs6-health", main: health::main, links: Links::Command,
             help: "exit 0 when the CMD and the wanted services are up (probe)" },
    Spec { name: "runblock", main: execline::cmd_sub::runblock, links: Links::Execline,
             help: "run a block of the positional parameters" },
    Spec { name: "s6-applyuidgid", main: rewrite::applyuidgid, links: Links::CommandAndUsrBin,
             help: "set uid, gid and groups from options or env, then exec" },
    Spec { name: "s6-basename", main: utils::basename, links: Links::CommandAndUsrBin,
             help: "print a path's last component" },
    Spec { name: "s6-cat", main: utils::cat, links: Links::CommandAndUsrBin,
             help: "copy stdin to stdout" },
    Spec { name: "s6-chmod", main: portable::chmod, links: Links::CommandAndUsrBin,
             help: "change a file's mode" },
    Spec { name: "s6-chown", main: portable::chown, links: Links::CommandAndUsrBin,
             help: "change a file's owner" },
    Spec { name: "s6-chroot", main: utils::chroot, links: Links::CommandAndUsrBin,
             help: "change the root directory, then exec" },
    Spec { name: "s6-cleanfifodir", main: ftrig::cleanfifodir, links: Links::CommandAndUsrBin,
             help: "remove the fifos of a fifodir's dead listeners" },
    Spec { name: "s6-clock", main: stamps::clock, links: Links::CommandAndUsrBin,
             help: "print or set the system clock as a TAI64N label" },
    Spec { name: "s6-cut", main: text::cut, links: Links::CommandAndUsrBin,
             help: "print selected bytes or fields of lines" },
    Spec { name: "s6-dirname", main: utils::dirname, links: Links::CommandAndUsrBin,
             help: "print a path's directory" },
    Spec { name: "s6-dumpenv", main: portable::dumpenv, links: Links::CommandAndUsrBin,
             help: "write the environment into an envdir" },
    Spec { name: "s6-echo", main: portable::echo, links: Links::CommandAndUsrBin,
             help: "print arguments" },
    Spec { name: "s6-env", main: utils::env, links: Links::CommandAndUsrBin,
             help: "change the environment, then exec (or print it)" },
    Spec { name: "s6-envdir", main: rewrite::envdir, links: Links::CommandAndUsrBin,
             help: "set variables from an envdir, then exec" },
    Spec { name: "s6-envuidgid", main: rewrite::envuidgid, links: Links::CommandAndUsrBin,
             help: "set UID, GID and GIDLIST for a user, then exec" },
    Spec { name: "s6-expr", main: strings::expr, links: Links::CommandAndUsrBin,
             help: "evaluate an arithmetic expression" },
    Spec { name: "s6-false", main: extras::false_, links: Links::CommandAndUsrBin,
             help: "do nothing, unsuccessfully (exit 1)" },
    Spec { name: "s6-fghack", main: utils::fghack, links: Links::CommandAndUsrBin,
             help: "keep a daemon that forks away in the foreground" },
    Spec { name: "s6-format-filter", main: strings::format_filter, links: Links::CommandAndUsrBin,
             help: "write each line of stdin through a format" },
    Spec { name: "s6-freeramdisk", main: linux::freeramdisk, links: Links::CommandAndUsrBin,
             help: "flush a RAM disk's buffers, freeing its memory" },
    Spec { name: "s6-ftrig-listen", main: ftrig::listen, links: Links::CommandAndUsrBin,
             help: "run a program, then wait for events in fifodirs" },
    Spec { name: "s6-ftrig-listen1", main: ftrig::listen1, links: Links::CommandAndUsrBin,
             help: "run a program, then wait for events in a fifodir" },
    Spec { name: "s6-ftrig-notify", main: ftrig::notify, links: Links::CommandAndUsrBin,
             help: "send events to a fifodir's listeners" },
    Spec { name: "s6-ftrig-wait", main: ftrig::wait_main, links: Links::CommandAndUsrBin,
             help: "wait for events in a fifodir to match a regexp" },
    Spec { name: "s6-grep", main: text::grep, links: Links::CommandAndUsrBin,
             help: "print the lines of stdin that match a regular expression" },
    Spec { name: "s6-head", main: text::head, links: Links::CommandAndUsrBin,
             help: "print the first lines or bytes of files" },
    Spec { name: "s6-hiercopy", main: portable::hiercopy, links: Links::CommandAndUsrBin,
             help: "copy a directory tree" },
    Spec { name: "s6-hostname", main: utils::hostname, links: Links::CommandAndUsrBin,
             help: "print or set the host name" },
    Spec { name: "s6-linkname", main: utils::linkname, links: Links::CommandAndUsrBin,
             help: "print a symlink's target, or a resolved path" },
    Spec { name: "s6-ln", main: portable::ln, links: Links::CommandAndUsrBin,
             help: "make a link" },
    Spec { name: "s6-log", main: log::main, links: Links::CommandAndUsrBin,
             help: "log lines to logdirs with rotation, selection and stamps" },
    Spec { name: "s6-ls", main: dirs::ls, links: Links::CommandAndUsrBin,
             help: "list the names in a directory" },
    Spec { name: "s6-maximumtime", main: timed::maximumtime, links: Links::CommandAndUsrBin,
             help: "run a program with a time limit" },
    Spec { name: "s6-mkdir", main: portable::mkdir, links: Links::CommandAndUsrBin,
             help: "make directories" },
    Spec { name: "s6-mkfifo", main: utils::mkfifo, links: Links::CommandAndUsrBin,
             help: "make named pipes" },
    Spec { name: "s6-mkfifodir", main: ftrig::mkfifodir, links: Links::CommandAndUsrBin,
             help: "make a fifodir" },
    Spec { name: "s6-mount", main: linux::mount, links: Links::CommandAndUsrBin,
             help: "mount a filesystem, or every fstab entry" },
    Spec { name: "s6-nice", main: utils::nice, links: Links::CommandAndUsrBin,
             help: "change the nice value, then exec" },
    Spec { name: "s6-notifyoncheck", main: notifyoncheck::main, links: Links::CommandAndUsrBin,
             help: "readiness notification by polling a check program" },
    Spec { name: "s6-overlay-suexec", main: suexec::suexec, links: Links::Command,
             help: "v3's entry point: skip the preinit block, run the rest" },
    Spec { name: "s6-pause", main: portable::pause, links: Links::CommandAndUsrBin,
             help: "block until killed by a signal" },
    Spec { name: "s6-permafailon", main: svdt::permafailon, links: Links::CommandAndUsrBin,
             help: "from finish: stop restarts after too many deaths" },
    Spec { name: "s6-pivotchroot", main: linux::pivotchroot, links: Links::CommandAndUsrBin,
             help: "make a directory the root, then exec" },
    Spec { name: "s6-printenv", main: utils::printenv, links: Links::CommandAndUsrBin,
             help: "print the environment" },
    Spec { name: "s6-quote", main: strings::quote, links: Links::CommandAndUsrBin,
             help: "quote a string" },
    Spec { name: "s6-quote-filter", main: strings::quote_filter, links: Links::CommandAndUsrBin,
             help: "quote each line of stdin" },
    Spec { name: "s6-rc", main: s6rc::main, links: Links::CommandAndUsrBin,
             help: "bring s6-rc services up or down" },
    Spec { name: "s6-rc-db", main: s6rc::db_main, links: Links::CommandAndUsrBin,
             help: "query the compiled s6-rc service database" },
    Spec { name: "s6-rename", main: utils::rename, links: Links::CommandAndUsrBin,
             help: "rename a file" },
    Spec { name: "s6-rmrf", main: portable::rmrf, links: Links::CommandAndUsrBin,
             help: "remove a file or a directory tree" },
    Spec { name: "s6-seq", main: text::seq, links: Links::CommandAndUsrBin,
             help: "print a sequence of numbers" },
    Spec { name: "s6-setlock", main: timed::setlock, links: Links::CommandAndUsrBin,
             help: "run a program holding a lock file" },
    Spec { name: "s6-setsid", main: timed::setsid, links: Links::CommandAndUsrBin,
             help: "run a program in a new session or process group" },
    Spec { name: "s6-setuidgid", main: rewrite::setuidgid, links: Links::CommandAndUsrBin,
             help: "run a program as another user" },
    Spec { name: "s6-sleep", main: portable::sleep, links: Links::CommandAndUsrBin,
             help: "sleep some seconds" },
    Spec { name: "s6-socklog", main: socklog::main, links: Links::CommandAndUsrBin,
             help: "a syslogd: datagrams on /dev/log (or UDP) to stdout as lines" },
    Spec { name: "s6-softlimit", main: extras::softlimit, links: Links::CommandAndUsrBin,
             help: "run a program with lower soft resource limits" },
    Spec { name: "s6-sort", main: text::sort, links: Links::CommandAndUsrBin,
             help: "sort the lines of stdin" },
    Spec { name: "s6-svc", main: svc::main, links: Links::CommandAndUsrBin,
             help: "send commands to a supervised service" },
    Spec { name: "s6-svdt", main: svdt::main, links: Links::CommandAndUsrBin,
             help: "print a service's recent deaths" },
    Spec { name: "s6-svdt-clear", main: svdt::clear, links: Links::CommandAndUsrBin,
             help: "clear a service's death tally" },
    Spec { name: "s6-svlink", main: svlink::link, links: Links::CommandAndUsrBin,
             help: "link a service into a running scan directory" },
    Spec { name: "s6-svlisten", main: svwait::listen, links: Links::CommandAndUsrBin,
             help: "run a program, then wait for services to change state" },
    Spec { name: "s6-svlisten1", main: svwait::listen1, links: Links::CommandAndUsrBin,
             help: "run a program, then wait for a service's state" },
    Spec { name: "s6-svok", main: svok::main, links: Links::CommandAndUsrBin,
             help: "tell whether a service directory is supervised" },
    Spec { name: "s6-svperms", main: svperms::main, links: Links::CommandAndUsrBin,
             help: "set or print who may control a service" },
    Spec { name: "s6-svscan", main: svscan::main, links: Links::CommandAndUsrBin,
             help: "supervise the service directories of a scan directory" },
    Spec { name: "s6-svscanctl", main: svscanctl::main, links: Links::CommandAndUsrBin,
             help: "send commands to the supervision tree" },
    Spec { name: "s6-svstat", main: svstat::main, links: Links::CommandAndUsrBin,
             help: "print a service's state" },
    Spec { name: "s6-svunlink", main: svlink::unlink, links: Links::CommandAndUsrBin,
             help: "unlink a service from a running scan directory" },
    Spec { name: "s6-svwait", main: svwait::main, links: Links::CommandAndUsrBin,
             help: "wait for services to reach a state" },
    Spec { name: "s6-swapoff", main: linux::swapoff, links: Links::CommandAndUsrBin,
             help: "stop swapping on a device, or on every active one" },
    Spec { name: "s6-swapon", main: linux::swapon, links: Links::CommandAndUsrBin,
             help: "swap on a device, or on every fstab swap entry" },
    Spec { name: "s6-sync", main: utils::sync, links: Links::CommandAndUsrBin,
             help: "flush filesystem buffers" },
    Spec { name: "s6-tai64n", main: extras::tai64n, links: Links::CommandAndUsrBin,
             help: "prefix each line of stdin with a TAI64N label" },
    Spec { name: "s6-tai64ndiff", main: stamps::tai64ndiff, links: Links::CommandAndUsrBin,
             help: "replace TAI64N labels by the time between lines" },
    Spec { name: "s6-tai64nlocal", main: extras::tai64nlocal, links: Links::CommandAndUsrBin,
             help: "turn TAI64N labels at line starts into local time" },
    Spec { name: "s6-tail", main: text::tail, links: Links::CommandAndUsrBin,
             help: "print the last lines or bytes of a file" },
    Spec { name: "s6-test", main: execline::eltest::main, links: Links::CommandAndUsrBin,
             help: "evaluate an expression (test)" },
    Spec { name: "s6-touch", main: utils::touch, links: Links::CommandAndUsrBin,
             help: "make files or update their times" },
    Spec { name: "s6-true", main: extras::true_, links: Links::CommandAndUsrBin,
             help: "do nothing, successfully (exit 0)" },
    Spec { name: "s6-umount", main: linux::umount, links: Links::CommandAndUsrBin,
             help: "unmount a filesystem, or all of /proc/mounts, last first" },
    Spec { name: "s6-uniquename", main: stamps::uniquename, links: Links::CommandAndUsrBin,
             help: "print a name no other process makes" },
    Spec { name: "s6-unquote", main: strings::unquote, links: Links::CommandAndUsrBin,
             help: "unquote a string" },
    Spec { name: "s6-unquote-filter", main: strings::unquote_filter, links: Links::CommandAndUsrBin,
             help: "unquote each line of stdin" },
    Spec { name: "s6-update-symlinks", main: dirs::update_symlinks, links: Links::CommandAndUsrBin,
             help: "merge directory trees into one tree of symlinks" },
    Spec { name: "seekablepipe", main: dirs::seekablepipe, links: Links::CommandAndUsrBin,
             help: "run a program on stdin copied to a seekable file" },
    Spec { name: "shift", main: execline::cmd_sub::shift, links: Links::Execline,
             help: "shift the positional parameters, then exec" },
    Spec { name: "stage0", main: init::main, links: Links::Libexec,
             help: "v3's libexec/stage0: the container's PID 1 (as init)" },
    Spec { name: "trap", main: execline::cmd_sig::trap, links: Links::Execline,
             help: "run a program, and handler blocks on signals" },
    Spec { name: "tryexec", main: execline::cmd_ctl::tryexec, links: Links::Execline,
             help: "exec a program, or the rest if it cannot" },
    Spec { name: "umask", main: execline::cmd_env::umask, links: Links::Execline,
             help: "set the umask, then exec the rest" },
    Spec { name: "unexport", main: execline::cmd_env::unexport, links: Links::Execline,
             help: "remove an environment variable, then exec" },
    Spec { name: "wait", main: execline::cmd_ctl::wait_, links: Links::Execline,
             help: "wait for children, then exec the rest" },
    Spec { name: "with-contenv", main: contenv::with_contenv, links: Links::CommandAndUsrBin,
             help: "run a program with the container environment" },
    Spec { name: "with-retries", main: timed::with_retries, links: Links::CommandAndUsrBin,
             help: "run a program again until it succeeds" },
    Spec { name: "withstdinas", main: execline::cmd_env::withstdinas, links: Links::Execline,
             help: "set a variable to stdin's content, then exec" },
];

const fn sorted_unique(t: &[Spec]) -> bool {
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
const _: () = assert!(sorted_unique(SPECS));

const fn short_help(t: &[Spec]) -> bool {
    let mut i = 0;
    while i < t.len() {
        if t[i].help.is_empty() || t[i].help.len() > 60 || t[i].name.len() > 19 {
            return false;
        }
        i += 1;
    }
    true
}
const _: () = assert!(short_help(SPECS));

/// Look up an applet by name.
pub fn find(name: &[u8]) -> Option<&'static Compact> {
    APPLETS.binary_search_by(|a| a.name().cmp(name)).ok().map(|i| &APPLETS[i])
}

/// An applet by name, or `init` for any name that ends in `init`.
fn by_name(name: &[u8]) -> Option<&'static Compact> {
    find(name).or_else(|| if name.ends_with(b"init") { find(b"init") } else { None })
}

/// Follow `arg0` (searched in `PATH` when it has no slash) as a chain of
/// symlinks (at most 16) to the first link target whose basename names an
/// applet.
fn follow(arg0: &[u8]) -> Option<&'static Compact> {
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
    for a in &APPLETS {
        let pad = 20 - a.name().len();
        let _ = fd::write_all(out, &b"  "[..]);
        let _ = fd::write_all(out, a.name());
        let _ = fd::write_all(out, &b"                    "[..pad]);
        let _ = fd::write_all(out, a.help());
        let _ = fd::write_all(out, b"\n");
    }
}

fn run(a: &'static Compact, args: Args) -> u8 {
    rt::set_prog(a.name());
    // Only PID 1's init (and v3's entry points into it) starts with the
    // ids of the binary's setuid bit: it makes /run its user's, then drops
    // them before it runs anything.
    if ids::kept() && !matches!(a.name(), b"init" | b"stage0" | b"s6-overlay-suexec") {
        drop_or_die();
    }
    (a.main)(args)
}

/// Drop the ids the setuid bit gave (see `sys::ids`), or exit 111.
pub(crate) fn drop_or_die() {
    if let Err((_, e)) = ids::drop_kept() {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to drop privileges"]);
    }
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
    if ids::kept() && first.to_bytes().starts_with(b"-") {
        drop_or_die();
    }
    match first.to_bytes() {
        b"--list" => {
            let _ = fd::write_all(fd::stdout(), &TEXT[..NAMES_LEN]);
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
        assert!(sorted_unique(SPECS));
        assert!(APPLETS.iter().zip(SPECS).all(|(a, s)| a.name() == s.name.as_bytes()
            && a.help() == s.help.as_bytes()
            && a.links == s.links
            && a.main as usize == s.main as usize));
        assert!(find(b"init").is_some());
        assert!(find(b"nope").is_none());
    }
}
