//! `s6-rc` and `s6-rc-db` for s6-overlay v3's service tree, which PID 1
//! runs (see `s6::rc::live` for the channel and the files).
//!
//! `s6-rc [-v N] [-t MS] [-b] [-u|-d|-D] [-a] [-e] list|listall|change|help [NAMES…]`:
//! `change` asks PID 1 and waits for the end (exit 0, 1 when a transition
//! failed, 2 when `-t` expired, 3 for an unknown name, 111 when PID 1 runs
//! another change and `-b` is absent, or cannot be reached). `-v` is
//! accepted: PID 1 prints the progress lines. `-p` is accepted and ignored.
//! `s6-rc-db [-u|-d] list all|services|oneshots|longruns|bundles | type NAME |
//! dependencies NAMES | contents BUNDLE`.
use crate::base::getopt::Getopt;
use crate::base::{diag, exit};
use crate::rt::Args;
use crate::s6::rc::{live, Db, Kind, Plan, Step};
use crate::sys::fd;
use rustix::fd::AsFd;
use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;

const USAGE: &[u8] = b"s6-rc [ -v verbosity ] [ -t timeout ] [ -b ] [ -u | -d | -D ] [ -p ] [ -a ] [ -e ] help|list|listall|change [ servicenames... ]";
const DB_USAGE: &[u8] = b"s6-rc-db [ -u | -d ] command... (list, type, dependencies, contents)";

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

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"v:n:t:l:bupdDaEe");
    let (mut up, mut all, mut wait, mut timeout) = (true, false, false, 0u64);
    while let Some((c, v)) = g.next() {
        match c {
            b'u' => up = true,
            b'd' | b'D' => up = false,
            b'a' => all = true,
            b'b' => wait = true,
            b't' => timeout = crate::base::num::parse_u64(v).unwrap_or_else(|| diag::usage(USAGE)),
            b'v' | b'n' => {
                crate::base::num::parse_u64(v).unwrap_or_else(|| diag::usage(USAGE));
            }
            b'l' | b'p' | b'E' | b'e' => {}
            _ => diag::usage(USAGE),
        }
    }
    let rest = args.skip(g.ind);
    let Some(cmd) = rest.get_arg(0) else { diag::usage(USAGE) };
    let names = rest.skip(1);
    let cmd = cmd.to_bytes();
    if cmd == b"help" {
        out(USAGE);
        return exit::OK;
    }
    if !matches!(cmd, b"list" | b"listall" | b"change") {
        diag::fatal(exit::USAGE, &[b"unknown command: ", cmd]);
    }
    let (db, state) = tree();
    let Ok(mut plan) = Plan::new(db.svcs.len()) else { diag::fatal(exit::SYSCALL, &[b"out of memory"]) };
    select(&db, &mut plan, &names, b" is not a recognized identifier in /run/s6/rc/sources");
    if all {
        for (i, s) in db.svcs.iter().enumerate() {
            // `-a list`: those up; `-da list`: those down; `-a change`: those up.
            let want = if cmd == b"list" { state[i] == up } else { state[i] };
            if s.atomic() && want {
                plan.steps[i] = Step::Wait;
            }
        }
    }
    if cmd == b"listall" {
        close(&db, &mut plan, up);
    }
    if cmd != b"change" {
        for (i, s) in db.svcs.iter().enumerate() {
            if plan.steps[i] == Step::Wait {
                out(s.name);
            }
        }
        return exit::OK;
    }
    change(&db, &plan, up, wait, timeout)
}

/// Send the request and wait for PID 1's answer.
fn change(db: &Db, plan: &Plan, up: bool, wait: bool, timeout: u64) -> u8 {
    if !plan.steps.contains(&Step::Wait) {
        return exit::OK;
    }
    let mut req: heapless::Vec<u8, 4096> = heapless::Vec::new();
    let mut pid = itoa::Buffer::new();
    let mut t = itoa::Buffer::new();
    let pid = pid.format(rustix::process::getpid().as_raw_nonzero().get());
    let mut path: heapless::Vec<u8, 64> = heapless::Vec::new();
    let _ = path.extend_from_slice(b"/run/s6/rc/reply.");
    let _ = path.extend_from_slice(pid.as_bytes());
    let mut ok = req.extend_from_slice(&path).is_ok();
    for p in [&b"\0"[..], if up { b"u" } else { b"d" }, b"\0", t.format(timeout).as_bytes()] {
        ok &= req.extend_from_slice(p).is_ok();
    }
    for (i, s) in db.svcs.iter().enumerate() {
        if plan.steps[i] == Step::Wait {
            ok &= req.push(0).is_ok() && req.extend_from_slice(s.name).is_ok();
        }
    }
    ok &= req.push(b'\n').is_ok();
    if !ok {
        diag::fatal(exit::USAGE, &[b"too many service names for one request"]);
    }
    let _ = path.push(0);
    let Ok(pathc) = core::ffi::CStr::from_bytes_until_nul(&path) else { return exit::SYSCALL };
    loop {
        let code = ask(pathc, &req).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to talk to PID 1 through ", live::CONTROL.to_bytes()]));
        if code != live::BUSY {
            return code;
        }
        if !wait {
            diag::fatal_sys(exit::SYSCALL, Errno::BUSY, &[b"unable to take locks"]);
        }
        let _ = rustix::event::poll(&mut [], Some(&rustix::time::Timespec { tv_sec: 0, tv_nsec: 20_000_000 }));
    }
}

fn ask(path: &core::ffi::CStr, req: &[u8]) -> Result<u8, Errno> {
    let _ = fs::unlink(path);
    fs::mknodat(fs::CWD, path, fs::FileType::Fifo, Mode::from_raw_mode(0o600), 0)?;
    let r = (|| {
        let rd = fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
        let ctl = fs::open(live::CONTROL, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
        rustix::io::write(&ctl, req)?;
        loop {
            let mut pfd = [rustix::event::PollFd::new(&rd, rustix::event::PollFlags::IN)];
            match rustix::event::poll(&mut pfd, None) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => return Err(e),
            }
            let mut b = [0u8; 1];
            match rustix::io::read(rd.as_fd(), &mut b) {
                Ok(1) => return Ok(b[0]),
                Ok(_) | Err(Errno::AGAIN) | Err(Errno::INTR) => {
                    let _ = rustix::event::poll(&mut [], Some(&rustix::time::Timespec { tv_sec: 0, tv_nsec: 5_000_000 }));
                }
                Err(e) => return Err(e),
            }
        }
    })();
    let _ = fs::unlink(path);
    r
}

pub fn db_main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"udc:l:");
    let mut up = true;
    while let Some((c, _)) = g.next() {
        match c {
            b'u' => up = true,
            b'd' => up = false,
            b'c' | b'l' => {}
            _ => diag::usage(DB_USAGE),
        }
    }
    let rest = args.skip(g.ind);
    let Some(cmd) = rest.get_arg(0) else { diag::usage(DB_USAGE) };
    let names = rest.skip(1);
    let (db, _) = tree();
    let n = db.svcs.len();
    let Ok(mut plan) = Plan::new(n) else { diag::fatal(exit::SYSCALL, &[b"out of memory"]) };
    let what: &[u8] = b" is not a valid identifier in /run/s6/rc";
    let one = || {
        let name = names.get_arg(0).unwrap_or_else(|| diag::usage(DB_USAGE)).to_bytes();
        db.find(name).unwrap_or_else(|| diag::fatal(3, &[name, what]))
    };
    let print = |plan: &Plan, desc: bool| {
        for k in 0..n {
            let i = if desc { n - 1 - k } else { k };
            if plan.steps[i] == Step::Wait {
                out(db.svcs[i].name);
            }
        }
    };
    match cmd.to_bytes() {
        b"help" => out(DB_USAGE),
        b"list" => {
            let kind = names.get_arg(0).unwrap_or_else(|| diag::usage(DB_USAGE)).to_bytes();
            for s in db.svcs {
                let show = match kind {
                    b"all" => true,
                    b"services" => s.atomic(),
                    b"oneshots" => s.kind == Kind::Oneshot,
                    b"longruns" => s.kind == Kind::Longrun,
                    b"bundles" => s.kind == Kind::Bundle,
                    _ => diag::fatal(exit::USAGE, &[b"unknown subcommand: ", kind]),
                };
                if show {
                    out(s.name);
                }
            }
        }
        b"type" => out(db.get(one()).kind.name()),
        b"contents" => {
            let s = db.get(one());
            if s.atomic() {
                diag::fatal(5, &[b"in database /run/s6/rc: identifier ", s.name, b" represents an atomic service"]);
            }
            s.members.iter().for_each(|&m| plan.steps[m as usize] = Step::Wait);
            print(&plan, false);
        }
        b"dependencies" => {
            select(&db, &mut plan, &names, what);
            let Ok(deps) = Plan::new(n) else { return exit::SYSCALL };
            for i in 0..n {
                if plan.steps[i] == Step::Wait {
                    let s = &db.svcs[i];
                    for &d in if up { s.deps } else { s.rdeps } {
                        deps.steps[d as usize] = Step::Wait;
                    }
                }
            }
            print(&deps, true);
        }
        c => diag::fatal(exit::USAGE, &[b"unknown command: ", c]),
    }
    exit::OK
}
