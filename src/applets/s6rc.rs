//! `s6-rc` and `s6-rc-db` for s6-overlay v3's service tree, which PID 1
//! runs (see `s6::rc::live` for the channel and the files).
//!
//! `s6-rc [ -v N ] [ -n MS ] [ -t MS ] [ -l LIVE ] [ -b ] [ -E | -e ] [ -u | -d | -D ] [ -p ] [ -a ]
//! help|list|listall|diff|start|stop|change [ NAMES… ]` (s6-rc 0.5+; long
//! options as skalibs' gol reads them: `--down`, `--verbosity=N`, …).
//! `change` asks PID 1 and waits for the end, copying to stderr the lines
//! PID 1 sends at the client's verbosity (exit 0, 1 when a transition
//! failed, 2 when `-t` expired, 3 for an unknown name, 111 when PID 1 runs
//! another change and `-b` is absent, or cannot be reached). A down change
//! leaves essential services (and what they depend on) up, with s6-rc's
//! warning, unless `-D` or `-e`. `-p` first brings down what is outside the
//! selection's closure (`-pd`: brings the closure down, then the rest up).
//! `-n MS` is a dry run, in this process: the commands rs6 would run go to
//! stdout as `s6-rc-dryrun: …` lines, each "done" after MS. `start` and
//! `stop` are `-u change` and `-d change` without `-p`. `diff` prints
//! `+NAME`/`-NAME` for longruns whose supervisor's wanted state differs from
//! s6-rc's. `-l` is accepted and ignored (the live state is PID 1's).
//! `s6-rc-db [-u|-d] list all|services|oneshots|longruns|bundles | type NAME |
//! dependencies NAMES | contents BUNDLE`.
use crate::base::diag::{self, Line};
use crate::base::getopt::Getopt;
use crate::base::time::Instant;
use crate::base::{exit, num};
use crate::rt::Args;
use crate::s6::rc::{Db, Kind, Plan, Step, live};
use crate::s6::svdir;
use crate::sys::{arena, fd, raw, signal};
use rustix::fd::AsFd;
use rustix::fs;
use rustix::io::Errno;

const USAGE: &[u8] = b"s6-rc [ -v verbosity ] [ -n dryrunthrottle ] [ -t timeout ] [ -l live ] [ -b ] [ -E | -e ] [ -u | -d | -D ] [ -p ] [ -a ] help|list|listall|diff|start|stop|change [ servicenames... ]";
const HELP: &[u8] = b"s6-rc help
s6-rc [ -l live ] [ -a ] list [ servicenames... ]
s6-rc [ -l live ] [ -a ] [ -u | -d ] listall [ servicenames... ]
s6-rc [ -l live ] diff
s6-rc [ -l live ] [ -a ] [ -u | -d | -D ] [ -p ] [ -v verbosity ] [ -t timeout ] [ -n dryrunthrottle ] change [ servicenames... ]
";
const DB_USAGE: &[u8] = b"s6-rc-db [ -u | -d ] [ -l live ] [ -c compiled ] [ -b ] [ -E | -e ] command... (use s6-rc-db help for more information)";
const DB_HELP: &[u8] = b"s6-rc-db help
s6-rc-db check
s6-rc-db list all|services|oneshots|longruns|bundles
s6-rc-db type servicename
s6-rc-db [ -u | -d ] timeout atomicname
s6-rc-db contents bundlename
s6-rc-db [ -u | -d ] dependencies servicename...
s6-rc-db pipeline longrunname
s6-rc-db [ -u | -d ] script oneshotname
s6-rc-db flags atomicname
s6-rc-db atomics servicename...
s6-rc-db [ -u | -d ] all-dependencies servicename...
";
/// s6-rc-db's commands, in the order `db_main` numbers them.
const DB_CMDS: [&[u8]; 12] = [
    b"help",
    b"check",
    b"list",
    b"type",
    b"timeout",
    b"contents",
    b"dependencies",
    b"pipeline",
    b"script",
    b"flags",
    b"atomics",
    b"all-dependencies",
];

fn out(s: &[u8]) {
    let _ = fd::write_all(fd::stdout(), s);
    let _ = fd::write_all(fd::stdout(), b"\n");
}

/// The tree PID 1 runs (exit 4, s6-rc's "invalid database", without one).
fn tree() -> (Db, &'static mut [bool]) {
    match live::read() {
        Ok(t) => t,
        Err(e) => diag::fatal_sys(4, e, &[b"unable to read the live state in ", live::DIR.to_bytes()]),
    }
}

/// The atomics of NAMES (`sel`), marked `Wait` in `plan`; exit 3 on an
/// unknown name.
fn select(db: &Db, plan: &mut Plan, names: &Args, what: &[u8]) {
    for n in names.iter() {
        let Some(i) = db.find(n.to_bytes()) else {
            diag::fatal(3, &[n.to_bytes(), what]);
        };
        let s = db.get(i);
        if s.atomic() {
            plan.steps[i as usize] = Step::Wait;
        }
        for &m in s.members {
            plan.steps[m as usize] = Step::Wait;
        }
    }
}

/// Add the closure: dependencies (`up`) or dependents.
fn close(db: &Db, plan: &mut Plan, up: bool) {
    let mut again = true;
    while again {
        again = false;
        for i in 0..db.svcs.len() {
            if plan.steps[i] != Step::Wait {
                continue;
            }
            let s = &db.svcs[i];
            for &d in if up { s.deps } else { s.rdeps } {
                if plan.steps[d as usize] != Step::Wait {
                    plan.steps[d as usize] = Step::Wait;
                    again = true;
                }
            }
        }
    }
}

/// s6-rc's options (short, or long as skalibs' gol reads them).
struct Opts {
    down: bool,
    /// `-e`/`-D`: hide essential services from lists, stop them too.
    hide: bool,
    prune: bool,
    add: bool,
    block: bool,
    verbosity: u64,
    dry: Option<u64>,
    timeout: u64,
}

fn number(v: &[u8], what: &[u8]) -> u64 {
    num::parse_u64(v).unwrap_or_else(|| diag::fatal(exit::USAGE, &[what, b" must be an unsigned integer"]))
}

impl Opts {
    fn flag(&mut self, c: u8) -> bool {
        match c {
            b'u' => self.down = false,
            b'd' => self.down = true,
            b'D' => (self.down, self.hide) = (true, true),
            b'p' => self.prune = true,
            b'a' => self.add = true,
            b'b' => self.block = true,
            b'E' => self.hide = false,
            b'e' => self.hide = true,
            b'X' => {}
            _ => return false,
        }
        true
    }
    fn value(&mut self, c: u8, v: &[u8]) {
        match c {
            b'v' => self.verbosity = number(v, b"verbosity"),
            b'n' => self.dry = Some(number(v, b"dry-run")),
            // s6-rc's own message for a bad timeout.
            b't' => self.timeout = number(v, b"verbosity"),
            _ => {}
        }
    }
    /// Read the options; returns the index of the command.
    fn parse(&mut self, args: &Args) -> usize {
        const LONG: [(&[u8], u8); 13] = [
            (b"up", b'u'),
            (b"down", b'd'),
            (b"all-down", b'D'),
            (b"prune", b'p'),
            (b"add", b'a'),
            (b"block", b'b'),
            (b"with-essentials", b'E'),
            (b"without-essentials", b'e'),
            (b"no-lock", b'X'),
            (b"verbosity", b'v'),
            (b"dry-run", b'n'),
            (b"timeout", b't'),
            (b"livedir", b'l'),
        ];
        let mut i = 1;
        while let Some(w) = args.get_arg(i) {
            let w = w.to_bytes();
            i += 1;
            if w == b"--" {
                break;
            }
            if let Some(long) = w.strip_prefix(b"--") {
                let (name, val) = match long.iter().position(|&c| c == b'=') {
                    Some(k) => (&long[..k], Some(&long[k + 1..])),
                    None => (long, None),
                };
                let Some(&(_, c)) = LONG.iter().find(|l| l.0 == name) else { diag::usage(USAGE) };
                if !self.flag(c) {
                    let v = match val {
                        Some(v) => v,
                        None => {
                            i += 1;
                            args.get_arg(i - 1).unwrap_or_else(|| diag::usage(USAGE)).to_bytes()
                        }
                    };
                    self.value(c, v);
                }
                continue;
            }
            if w.len() < 2 || w[0] != b'-' {
                return i - 1;
            }
            let mut k = 1;
            while k < w.len() {
                let c = w[k];
                k += 1;
                if self.flag(c) {
                    continue;
                }
                if !matches!(c, b'v' | b'n' | b't' | b'l') {
                    diag::usage(USAGE);
                }
                let v = if k < w.len() {
                    &w[k..]
                } else {
                    i += 1;
                    args.get_arg(i - 1).unwrap_or_else(|| diag::usage(USAGE)).to_bytes()
                };
                self.value(c, v);
                break;
            }
        }
        i
    }
}

pub fn main(args: Args) -> u8 {
    let mut o =
        Opts { down: false, hide: false, prune: false, add: false, block: false, verbosity: 1, dry: None, timeout: 0 };
    let at = o.parse(&args);
    let rest = args.skip(at);
    let Some(cmd) = rest.get_arg(0) else { diag::usage(USAGE) };
    let names = rest.skip(1);
    let cmd = cmd.to_bytes();
    match cmd {
        b"help" => {
            let _ = fd::write_all(fd::stdout(), HELP);
            return exit::OK;
        }
        b"start" => (o.down, o.prune) = (false, false),
        b"stop" => (o.down, o.prune) = (true, false),
        b"list" | b"listall" | b"change" | b"diff" => {}
        _ => diag::fatal(exit::USAGE, &[b"unknown command: ", cmd]),
    }
    let (db, state) = tree();
    if cmd == b"diff" {
        return diff(&db, state);
    }
    let n = db.svcs.len();
    let Ok(mut plan) = Plan::new(n) else { diag::fatal(exit::SYSCALL, &[b"out of memory"]) };
    select(&db, &mut plan, &names, b" is not a recognized identifier in /run/s6-rc/resolve.cdb");
    for (i, s) in db.svcs.iter().enumerate() {
        if o.add && state[i] && s.atomic() {
            plan.steps[i] = Step::Wait;
        }
    }
    let up = !o.down;
    if cmd == b"list" && o.down {
        invert(&db, &mut plan);
    }
    if cmd != b"list" {
        close(&db, &mut plan, up);
    }
    if cmd != b"change" && cmd != b"start" && cmd != b"stop" {
        for i in db.order() {
            let s = &db.svcs[i];
            if plan.steps[i] == Step::Wait && !(o.hide && s.essential) {
                out(s.name);
            }
        }
        return exit::OK;
    }
    if let Some(ms) = o.dry {
        return dry(&db, state, &plan, up, &o, ms);
    }
    if o.prune {
        if up {
            invert(&db, &mut plan);
        }
        let r = change(&db, &plan, false, &o);
        if r != 0 {
            return r;
        }
        invert(&db, &mut plan);
        return change(&db, &plan, true, &o);
    }
    change(&db, &plan, up, &o)
}

/// Select the atomics that are not selected, and only them.
fn invert(db: &Db, plan: &mut Plan) {
    for (i, s) in db.svcs.iter().enumerate() {
        plan.steps[i] = if plan.steps[i] == Step::Wait || !s.atomic() { Step::Out } else { Step::Wait };
    }
}

/// `s6-rc diff`: `+NAME` for a longrun s6 keeps up while s6-rc thinks it is
/// down, `-NAME` for the reverse; exit 1 when there is any.
fn diff(db: &Db, state: &[bool]) -> u8 {
    let mut code = exit::OK;
    for (i, s) in db.svcs.iter().enumerate() {
        if s.kind != Kind::Longrun {
            continue;
        }
        let Ok(path) = arena::cstr(&[b"/run/service/", s.name]) else { return exit::SYSCALL };
        let st = svdir::open(path).and_then(|d| svdir::read_status(d.as_fd()));
        let want = match st {
            Ok(st) => st.want_up,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read longrun status for ", path.to_bytes()]),
        };
        if want != state[i] {
            code = exit::FALSE;
            let mut l = Line::new();
            l.push(if want { b"+" } else { b"-" }).push(s.name).push(b"\n");
            let _ = fd::write_all(fd::stdout(), l.as_bytes());
        }
    }
    code
}

/// An `s6-rc:` line on stderr when `level` is within the verbosity.
fn say(o: &Opts, level: u64, parts: &[&[u8]]) {
    if o.verbosity >= level {
        let mut l = Line::new();
        l.push_all(parts);
        l.emit();
    }
}

/// `-n MS`: print what would run (`s6-rc-dryrun: ARGV…` on stdout), each
/// "succeeding" after MS, in the order and waves of a real change.
fn dry(db: &Db, state: &[bool], sel: &Plan, up: bool, o: &Opts, ms: u64) -> u8 {
    let n = db.svcs.len();
    let Ok(mut plan) = Plan::new(n) else { return exit::SYSCALL };
    let mut list: heapless::Vec<u16, { crate::s6::rc::MAX }> = heapless::Vec::new();
    for i in 0..n {
        if sel.steps[i] == Step::Wait && db.svcs[i].atomic() {
            let _ = list.push(i as u16);
        }
    }
    plan.select(db, &list, up, state);
    let dir: &[u8] = if up { b"up" } else { b"down" };
    say(o, 3, &[b"s6-rc: info: bringing selected services ", dir]);
    for i in (0..n).rev() {
        if plan.steps[i] == Step::Done {
            say(o, 3, &[b"s6-rc: info: service ", db.svcs[i].name, b": already ", dir]);
        }
    }
    let (ing, ed): (&[u8], &[u8]) =
        if up { (b": starting", b" successfully started") } else { (b": stopping", b" successfully stopped") };
    loop {
        let mut wave: heapless::Vec<u16, { crate::s6::rc::MAX }> = heapless::Vec::new();
        while let Some(i) = plan.next(db) {
            let s = db.get(i);
            if !up && s.essential && !o.hide {
                say(o, 1, &[b"s6-rc: warning: service ", s.name, b" is marked as essential, not stopping it"]);
                plan.steps[i as usize] = Step::Kept;
                continue;
            }
            let _ = wave.push(i);
        }
        if wave.is_empty() {
            return exit::OK;
        }
        for &i in &wave {
            let s = db.get(i);
            say(o, 2, &[b"s6-rc: info: dry run: service ", s.name, ing]);
            if o.verbosity > 0 {
                dry_line(db, i, up, o);
            }
        }
        let _ = rustix::event::poll(&mut [], Some(&Instant(0).after_ms(ms).until(Instant(0))));
        for &i in &wave {
            plan.done(i, true);
            say(o, 2, &[b"s6-rc: info: dry run: service ", db.get(i).name, ed]);
        }
    }
}

/// The line s6-rc's dry run prints for one transition (`s6-rc-dryrun`
/// and the command s6-rc would run, with s6-overlay's paths): `s6-svc` on
/// the live service directory for a longrun; for a oneshot (s6-overlay's
/// own too), `s6-sudo` to the oneshot runner with the service's index in
/// s6-rc's database (the two internal longruns, then the longruns, then
/// the oneshots, each in rs6's order) and `  # NAME`.
fn dry_line(db: &Db, i: u16, up: bool, o: &Opts) {
    let s = db.get(i);
    let mut l = Line::new();
    let t = if up { s.timeout_up } else { s.timeout_down } as u64;
    let t = if o.timeout > 0 && (t == 0 || o.timeout < t) { o.timeout } else { t };
    l.push(b"s6-rc-dryrun: /package/admin/s6/command/");
    if s.kind == Kind::Longrun {
        let notif = arena::cstr(&[b"/run/service/", s.name, b"/notification-fd"])
            .is_ok_and(|p| fs::access(p, fs::Access::EXISTS).is_ok());
        let flags: &[u8] = if !up {
            b"-dwD"
        } else if notif {
            b"-uwU"
        } else {
            b"-uwu"
        };
        l.push(b"s6-svc ").push(flags).push(b" -T ").push_u64(t).push(b" -- /run/s6-rc/servicedirs/").push(s.name);
    } else {
        let count = |v: &[crate::s6::rc::Svc], k| v.iter().filter(|x| x.kind == k).count() as u64;
        let index = 2 + count(db.svcs, Kind::Longrun) + count(&db.svcs[..i as usize], Kind::Oneshot);
        l.push(b"s6-sudo ").push(if o.verbosity >= 4 { b"-vel0" } else { b"-el0" }).push(b" -t 30000 -T ").push_u64(t);
        l.push(b" -- /run/s6-rc/servicedirs/s6rc-oneshot-runner/s ").push(if up { b"up " } else { b"down " });
        l.push_u64(index).push(b"  # ").push(s.name);
    }
    l.push(b"\n");
    let _ = fd::write_all(fd::stdout(), l.as_bytes());
}

/// Send the request and wait for PID 1's answer, copying the lines it
/// sends for us to stderr.
fn change(db: &Db, plan: &Plan, up: bool, o: &Opts) -> u8 {
    let mut req: heapless::Vec<u8, 4096> = heapless::Vec::new();
    let mut t = itoa::Buffer::new();
    let mut v = itoa::Buffer::new();
    let verb: &[u8] = if up {
        b"u"
    } else if o.hide {
        b"D"
    } else {
        b"d"
    };
    let mut ok = true;
    for p in [verb, v.format(o.verbosity.min(9)).as_bytes(), b"\0", t.format(o.timeout).as_bytes()] {
        ok &= req.extend_from_slice(p).is_ok();
    }
    for (i, s) in db.svcs.iter().enumerate() {
        if plan.steps[i] == Step::Wait {
            ok &= req.push(0).is_ok() && req.extend_from_slice(s.name).is_ok();
        }
    }
    if !ok {
        diag::fatal(exit::USAGE, &[b"too many service names for one request"]);
    }
    // SIGTERM and SIGINT: PID 1 is told to stop the change (`ask`).
    let stop = raw::SigSet::EMPTY.with(signal::SIGTERM).with(signal::SIGINT);
    let sigs = raw::sigprocmask_set(stop).and_then(|_| signal::SignalFd::new(stop)).ok();
    loop {
        let code = ask(&req, sigs.as_ref(), o.verbosity).unwrap_or_else(|e| {
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to talk to PID 1 through ", live::CONTROL.to_bytes()])
        });
        if code == 2 {
            diag::fatal(2, &[b"timed out"]);
        }
        if code != live::BUSY {
            return code;
        }
        if !o.block {
            // s6-overlay's s6-rc (static, musl) words EBUSY so.
            diag::fatal(exit::SYSCALL, &[b"unable to take locks: Resource busy"]);
        }
        let _ = rustix::event::poll(&mut [], Some(&rustix::time::Timespec { tv_sec: 0, tv_nsec: 20_000_000 }));
    }
}

/// One request: PID 1's lines to stderr until a NUL, then the code (the
/// pipe's end without one: PID 1 dropped the request).
fn ask(req: &[u8], sigs: Option<&signal::SignalFd>, verbosity: u64) -> Result<u8, Errno> {
    use rustix::event::{PollFd, PollFlags, poll};
    let rd = live::send(req)?;
    let mut nul = false;
    loop {
        if let Some(sf) = sigs {
            let mut p = [PollFd::new(&rd, PollFlags::IN), PollFd::new(sf, PollFlags::IN)];
            let _ = poll(&mut p, None);
            if !p[1].revents().is_empty() {
                if let Some(sig) = sf.read() {
                    // As s6-rc: said at -v2; the change's end is still read.
                    let name: &[u8] = if sig == signal::SIGINT { b"INT" } else { b"TERM" };
                    if verbosity >= 2 {
                        diag::warn(&[b"received ", name, b", aborting pending processes and exiting asap"]);
                    }
                    let _ = live::send(b"a\0\0");
                }
                continue;
            }
        }
        let mut b = [0u8; 1024];
        let b = match rustix::io::read(&rd, &mut b) {
            Ok(0) => return Err(Errno::PIPE),
            Ok(k) => &b[..k],
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e),
        };
        if nul {
            return Ok(b[0]);
        }
        let text = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        let _ = fd::write_all(fd::stderr(), &b[..text]);
        if text < b.len() {
            match b.get(text + 1) {
                Some(&c) => return Ok(c),
                None => nul = true,
            }
        }
    }
}

/// `s6-rc-db` (s6-rc 0.5+): queries on the tree PID 1 runs; exit 3 for
/// an unknown name, 5 for a name of the wrong kind, 100 for usage.
pub fn db_main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"udl:c:bEe");
    let (mut up, mut hide) = (true, false);
    while let Some((c, _)) = g.next() {
        match c {
            b'u' | b'd' => up = c == b'u',
            b'E' | b'e' => hide = c == b'e',
            b'c' | b'l' | b'b' => {}
            _ => diag::usage(DB_USAGE),
        }
    }
    let rest = args.skip(g.ind);
    let Some(cmd) = rest.get_arg(0) else { diag::usage(DB_USAGE) };
    let cmd = cmd.to_bytes();
    let Some(what) = DB_CMDS.iter().position(|c| *c == cmd) else {
        diag::fatal(exit::USAGE, &[b"unknown command: ", cmd])
    };
    if what == 0 {
        let _ = fd::write_all(fd::stdout(), DB_HELP);
        return exit::OK;
    }
    let names = rest.skip(1);
    let name = names.get_arg(0).map(|a| a.to_bytes());
    let name = match name {
        Some(n) => n,
        None if what == 1 => b"",
        None => diag::usage(DB_USAGE),
    };
    const KINDS: [&[u8]; 5] = [b"all", b"services", b"oneshots", b"longruns", b"bundles"];
    let kind = KINDS.iter().position(|k| *k == name);
    if what == 2 && kind.is_none() {
        diag::fatal(exit::USAGE, &[b"unknown subcommand: ", name]);
    }
    // `check`: the tree was checked as it was read (exit 4 otherwise).
    let (db, _) = tree();
    let n = db.svcs.len();
    let Ok(mut plan) = Plan::new(n) else { diag::fatal(exit::SYSCALL, &[b"out of memory"]) };
    let what_msg: &[u8] = b" is not a valid identifier in /run/s6-rc/compiled";
    let one = || db.get(db.find(name).unwrap_or_else(|| diag::fatal(3, &[name, what_msg])));
    let wrong = |s: &crate::s6::rc::Svc, k: &[u8]| -> ! {
        diag::fatal(5, &[b"in database /run/s6-rc/compiled: identifier ", s.name, b" represents ", k])
    };
    let atomic = |s: &crate::s6::rc::Svc| {
        if !s.atomic() {
            wrong(s, b"a bundle")
        }
    };
    let shown = |i: usize| plan_shown(&db, i, hide);
    match what {
        2 => {
            for i in db.order() {
                let s = &db.svcs[i];
                let show = match kind {
                    Some(0) => true,
                    Some(1) => s.atomic() && shown(i),
                    Some(2) => s.kind == Kind::Oneshot && shown(i),
                    Some(3) => s.kind == Kind::Longrun && shown(i),
                    _ => s.kind == Kind::Bundle,
                };
                if show {
                    out(s.name);
                }
            }
        }
        3 => out(one().kind.name()),
        4 => {
            let s = one();
            atomic(s);
            let mut l = Line::new();
            l.push_u64(if up { s.timeout_up } else { s.timeout_down } as u64).push(b"\n");
            let _ = fd::write_all(fd::stdout(), l.as_bytes());
        }
        9 => {
            let s = one();
            atomic(s);
            out(if s.essential { b"00000001" } else { b"00000000" });
        }
        5 => {
            let s = one();
            if s.atomic() {
                wrong(s, b"an atomic service");
            }
            s.members.iter().for_each(|&m| plan.steps[m as usize] = Step::Wait);
            for i in db.order() {
                if plan.steps[i] == Step::Wait && shown(i) {
                    out(db.svcs[i].name);
                }
            }
        }
        7 => {
            let mut i = db.find(name).unwrap_or_else(|| diag::fatal(3, &[name, what_msg]));
            if db.get(i).kind != Kind::Longrun {
                return 5;
            }
            while let Some(c) = db.get(i).consumer {
                i = c;
            }
            edges(&db, i);
        }
        8 => {
            let s = one();
            atomic(s);
            if s.kind == Kind::Longrun {
                wrong(s, b"a longrun service");
            }
            let mut words = arena::Vec::new();
            let file: &[u8] = if up { b"up" } else { b"down" };
            if let Err(m) = crate::base::lex::lex(if up { s.up } else { s.down }.to_bytes(), &mut words) {
                diag::fatal(4, &[m, b" in ", s.src, b"/", s.name, b"/", file]);
            }
            for w in words.get() {
                let _ = fd::write_all(fd::stdout(), w.to_bytes_with_nul());
            }
        }
        // dependencies, atomics, all-dependencies: a union of atomics,
        // printed from the highest index down.
        6 | 10 | 11 => {
            select(&db, &mut plan, &names, what_msg);
            let dir = up || what == 10;
            if what == 11 {
                close(&db, &mut plan, dir);
            }
            let Ok(deps) = Plan::new(n) else { return exit::SYSCALL };
            let show = if what == 6 {
                for i in 0..n {
                    if plan.steps[i] == Step::Wait {
                        let s = &db.svcs[i];
                        for &d in if dir { s.deps } else { s.rdeps } {
                            deps.steps[d as usize] = Step::Wait;
                        }
                    }
                }
                &deps
            } else {
                &plan
            };
            for i in db.order().rev() {
                if show.steps[i] == Step::Wait && shown(i) {
                    out(db.svcs[i].name);
                }
            }
        }
        _ => {}
    }
    exit::OK
}

/// Not hidden by `-e` (an essential service).
fn plan_shown(db: &Db, i: usize, hide: bool) -> bool {
    !(hide && db.svcs[i].essential)
}

/// `s6-rc-db pipeline`: one `PRODUCER/CONSUMER` line per edge that ends at
/// `c`, each producer's own edges first. A last consumer's producers come
/// in s6-rc-compile's order: its `consumer-for` list with the first name
/// moved to the end.
fn edges(db: &Db, c: u16) {
    let s = db.get(c);
    let mut prods: heapless::Vec<u16, 64> = heapless::Vec::new();
    for p in crate::s6::rc::names(s.consumer_for) {
        if let Some(j) = db.find(p) {
            let _ = prods.push(j);
        }
    }
    let k = prods.len();
    let rot = (s.consumer.is_none() && k > 0) as usize;
    for x in 0..k {
        let m = prods[(x + rot) % k];
        edges(db, m);
        let mut l = Line::new();
        l.push(db.get(m).name).push(b"/").push(s.name).push(b"\n");
        let _ = fd::write_all(fd::stdout(), l.as_bytes());
    }
}
