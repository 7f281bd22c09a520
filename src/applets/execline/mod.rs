//! execline: `execlineb`, its lexer, blocks, substitution, and the
//! commands, all chained in one process when the next program is rs6 too
//! (see `NOFORK.md`).
pub mod cmd_case;
pub mod cmd_ctl;
pub mod cmd_env;
pub mod cmd_fd;
pub mod cmd_posix;
pub mod cmd_sig;
pub mod cmd_sub;
pub mod eltest;
pub mod execlineb;
pub mod subst;

use crate::base::{diag, exit, path::basename};
use crate::rt::{self, Args};
use crate::sys::argv::Vec0;
use crate::sys::{arena, chain, fd};
use core::ffi::CStr;
use core::sync::atomic::{AtomicI32, Ordering};
use rustix::fd::{IntoRawFd, OwnedFd};
use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions, WaitStatus};

pub type W = &'static CStr;

/// A growable array in the arena.
pub type List<T> = arena::Vec<T>;

/// `List::extend`.
pub fn extend<T: Copy>(l: &mut List<T>, s: &[T]) {
    for &v in s {
        l.push(v);
    }
}

pub fn oom() -> ! {
    diag::fatal_sys(exit::SYSCALL, Errno::NOMEM, &[b"unable to allocate"])
}

#[inline(never)]
pub fn cstr(parts: &[&[u8]]) -> W {
    arena::cstr(parts).unwrap_or_else(|_| oom())
}

/// The arguments from `i` on, as a list.
#[inline(never)]
pub fn words(a: Args, i: usize) -> &'static [W] {
    let mut l = List::new();
    for w in a.skip(i).iter() {
        l.push(w);
    }
    l.done()
}

/// The environment, as a list of `NAME=value`.
pub struct Env(pub List<W>);

impl Env {
    #[inline(never)]
    pub fn load() -> Env {
        let mut l = List::new();
        for e in rt::Env::get().iter() {
            l.push(e);
        }
        Env(l)
    }
    fn find(&self, name: &[u8]) -> Option<usize> {
        self.0.get().iter().position(|e| {
            let e = e.to_bytes();
            e.len() > name.len() && e.starts_with(name) && e[name.len()] == b'='
        })
    }
    #[inline(never)]
    pub fn get(&self, name: &[u8]) -> Option<&'static [u8]> {
        self.find(name).map(|i| &self.0.get()[i].to_bytes()[name.len() + 1..])
    }
    /// Remove `name`: as skalibs' `env_merge`, the last entry takes its
    /// place (the order a program sees is upstream's).
    pub fn unset(&mut self, name: &[u8]) {
        while let Some(i) = self.find(name) {
            let l = self.0.get_mut();
            l[i] = l[l.len() - 1];
            self.0.n -= 1;
        }
    }
    #[inline(never)]
    pub fn set(&mut self, name: &[u8], val: &[u8]) {
        self.unset(name);
        self.0.push(cstr(&[name, b"=", val]));
    }
    pub fn set_num(&mut self, name: &[u8], v: u64) {
        let mut b = itoa::Buffer::new();
        self.set(name, b.format(v).as_bytes());
    }
    pub fn list(&self) -> &[W] {
        self.0.get()
    }
}

#[inline(never)]
pub fn num(v: u64) -> &'static [u8] {
    let mut b = itoa::Buffer::new();
    cstr(&[b.format(v).as_bytes()]).to_bytes()
}

/// A block at `argv[i..]`: its words (one leading space removed) and the
/// index after its terminating empty word.
#[inline(never)]
pub fn block(argv: &[W], i: usize) -> Option<(&'static [W], usize)> {
    blockn(argv, i, 1)
}

/// `block`, for the `n`th block of the command (for warnings).
#[inline(never)]
pub fn blockn(argv: &[W], i: usize, n: u64) -> Option<(&'static [W], usize)> {
    let mut l = List::new();
    let mut j = i;
    let strict = rt::Env::get().var(b"EXECLINE_STRICT").and_then(u).unwrap_or(0);
    while j < argv.len() {
        let w = argv[j].to_bytes_with_nul();
        if w.len() == 1 {
            return Some((l.done(), j + 1));
        }
        if w[0] == b' ' {
            l.push(CStr::from_bytes_until_nul(&w[1..]).unwrap_or(c""));
        } else {
            if strict > 0 {
                let m: [&[u8]; 6] = [
                    b"unquoted argument ",
                    argv[j].to_bytes(),
                    b" at block ",
                    num(n),
                    b" position ",
                    num((j - i) as u64),
                ];
                if strict > 1 {
                    diag::fatal(exit::USAGE, &m)
                }
                diag::warn(&m);
            }
            l.push(argv[j]);
        }
        j += 1;
    }
    None
}

/// `block`, or die "unterminated block" (100).
#[inline(never)]
pub fn need_block(argv: &[W], i: usize, what: &[u8]) -> (&'static [W], usize) {
    need_blockn(argv, i, what, 1)
}

pub fn need_blockn(argv: &[W], i: usize, what: &[u8], n: u64) -> (&'static [W], usize) {
    blockn(argv, i, n).unwrap_or_else(|| diag::fatal(exit::USAGE, &[b"unterminated ", what, b"block"]))
}

/// `need_block` for a block that is a command to run: an empty one is
/// "empty block" (100), as `background`, `backtick`, `forbacktickx` and
/// `tryexec` say.
pub fn need_command_block(argv: &[W], i: usize) -> (&'static [W], usize) {
    let r = need_block(argv, i, b"");
    if r.0.is_empty() {
        diag::fatal(exit::USAGE, &[b"empty block"]);
    }
    r
}

/// A block after the first: "X block required" when nothing is left.
pub fn next_block(argv: &[W], i: usize, what: &[u8], n: u64) -> (&'static [W], usize) {
    if i >= argv.len() {
        diag::fatal(exit::USAGE, &[what, b"block required"])
    }
    need_blockn(argv, i, what, n)
}

/// The write end of the pipe a spawning parent reads exec failures from.
static REPORT: AtomicI32 = AtomicI32::new(-1);

const DEFAULT_PATH: &[u8] = b"/usr/bin:/bin";

/// Programs run in this process so far. Past `MAX_DEPTH` the next one is a
/// real `execve`: a script that execs itself in a loop must not grow the
/// stack and the arena without bound.
static DEPTH: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);
const MAX_DEPTH: u32 = 64;

/// Run `argv` with `env`: in this process when PATH finds an rs6 applet
/// link, else with execve. An empty argv exits 0.
pub fn exec(argv: &[W], env: &[W]) -> ! {
    let e = try_exec(argv, env);
    let rep = REPORT.load(Ordering::Relaxed);
    let code = crate::sys::exec::exec_failure_code(e);
    if rep >= 0 {
        let _ = fd::write_all(fdb(rep), &(e.raw_os_error()).to_le_bytes());
        crate::sys::raw::exit_group(code as i32)
    }
    diag::fatal_sys(code, e, &[b"unable to exec ", argv[0].to_bytes()])
}

/// `exec`, returning the error when nothing could be run.
pub fn try_exec(argv: &[W], env: &[W]) -> Errno {
    let Some(&file) = argv.first() else { crate::sys::raw::exit_group(0) };
    try_exec_as(file, argv, env)
}

/// Run the program `file` with `argv` (whose first word may differ).
pub fn try_exec_as(file: W, argv: &[W], env: &[W]) -> Errno {
    let name = file.to_bytes();
    let (a, e) = match (Vec0::of(argv), Vec0::of(env)) {
        (Ok(a), Ok(e)) => (a, e),
        _ => oom(),
    };
    let mut saved = Errno::NOENT;
    let path = if name.contains(&b'/') { b"" as &[u8] } else { rt::Env::get().var(b"PATH").unwrap_or(DEFAULT_PATH) };
    let mut dirs = path.split(|&c| c == b':');
    loop {
        let cand = if path.is_empty() {
            if name.is_empty() {
                break;
            }
            file
        } else {
            match dirs.next() {
                None => break,
                Some(d) => cstr(&[if d.is_empty() { b"." } else { d }, b"/", name]),
            }
        };
        let r = match rustix::fs::stat(cand) {
            Ok(st)
                if chain::is_self(&st)
                    && DEPTH.fetch_add(1, Ordering::Relaxed) < MAX_DEPTH
                    && rustix::fs::access(cand, rustix::fs::Access::EXEC_OK).is_ok() =>
            {
                chain::set_comm(basename(cand.to_bytes()));
                let rep = REPORT.swap(-1, Ordering::Relaxed);
                if rep >= 0 {
                    drop(fdown(rep));
                }
                crate::sys::fd::sanitize_stdio();
                let args = rt::reenter(a, e);
                crate::sys::raw::exit_group(crate::applets::dispatch(args) as i32)
            }
            Ok(_) => chain::execve(cand, a, e),
            Err(e) => e,
        };
        if r != Errno::NOENT && r != Errno::NOTDIR && saved == Errno::NOENT {
            saved = r;
        }
        if path.is_empty() {
            break;
        }
    }
    saved
}

/// Exec `argv` with the current environment.
#[inline(never)]
pub fn exec_env(argv: &[W]) -> ! {
    exec(argv, Env::load().list())
}

pub fn fdown(fd: i32) -> OwnedFd {
    crate::sys::fd::own(fd)
}
pub fn fdb(fd: i32) -> rustix::fd::BorrowedFd<'static> {
    crate::sys::fd::borrow(fd)
}

/// Start `argv` as a child, running `setup` in it first. An exec failure
/// is reported back as the error.
pub fn spawn_with(argv: &[W], env: &[W], setup: impl FnOnce()) -> Result<Pid, Errno> {
    spawn_fn(|| {
        setup();
        exec(argv, env)
    })
}

/// Fork a child that runs `child` (which ends in [`exec`]); its exec
/// error, if any, is returned here. What `child` allocates is the child's
/// alone: a loop that spawns for ever does not grow the parent's arena.
pub fn spawn_fn(child: impl FnOnce()) -> Result<Pid, Errno> {
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    match chain::fork()? {
        None => {
            drop(r);
            REPORT.store(w.into_raw_fd(), Ordering::Relaxed);
            child();
            crate::sys::raw::exit_group(exit::SYSCALL as i32)
        }
        Some(pid) => {
            drop(w);
            let mut b = [0u8; 4];
            let mut n = 0;
            while n < 4 {
                match rustix::io::read(&r, &mut b[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(Errno::INTR) => {}
                    Err(_) => break,
                }
            }
            if n == 4 {
                let _ = wait(pid);
                return Err(Errno::from_raw_os_error(i32::from_le_bytes(b)));
            }
            Ok(pid)
        }
    }
}

/// `-d` (background, pipeline, heredoc): run `start` in a child that
/// exits at once, so that what `start` forks is not a child of this
/// process (nor of what it execs next); returns the pid `start` gave.
pub fn detached(start: impl FnOnce() -> i32) -> i32 {
    fn fail(e: Errno) -> ! {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to fork"])
    }
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).unwrap_or_else(|e| fail(e));
    match chain::fork() {
        Ok(Some(child)) => {
            drop(w);
            wait(child);
            let mut b = [0u8; 4];
            let _ = rustix::io::read(&r, &mut b);
            i32::from_le_bytes(b)
        }
        Ok(None) => {
            drop(r);
            let p = start();
            let _ = fd::write_all(rustix::fd::AsFd::as_fd(&w), &p.to_le_bytes());
            crate::sys::raw::exit_group(0)
        }
        Err(e) => fail(e),
    }
}

/// Run `blk` and wait: `?` as `foreground` sets it (a program that cannot
/// be spawned is a warning and its exec failure code).
pub fn run_for_status(blk: &[W], env: &[W]) -> u32 {
    match spawn(blk, env) {
        Ok(pid) => wstatus(wait(pid)),
        Err(e) => {
            diag::warn_sys(e, &[b"unable to spawn ", b(blk.first())]);
            crate::sys::exec::exec_failure_code(e) as u32
        }
    }
}

/// A variable name as execline takes one (not empty, no `=`), or fatal 100.
pub fn valid_name(v: &'static [u8]) -> &'static [u8] {
    if v.is_empty() || v.contains(&b'=') {
        diag::fatal(exit::USAGE, &[b"invalid variable name"]);
    }
    v
}

pub fn spawn(argv: &[W], env: &[W]) -> Result<Pid, Errno> {
    spawn_with(argv, env, || {})
}

/// Spawn or die "unable to spawn X" (111).
#[inline(never)]
pub fn spawn_or_die(argv: &[W], env: &[W]) -> Pid {
    spawn(argv, env).unwrap_or_else(|e| {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", argv.first().map_or(b"" as &[u8], |w| w.to_bytes())])
    })
}

#[inline(never)]
pub fn wait(pid: Pid) -> WaitStatus {
    loop {
        match rustix::process::waitpid(Some(pid), WaitOptions::empty()) {
            Ok(Some((_, st))) => return st,
            Err(Errno::INTR) => {}
            Ok(None) | Err(_) => diag::fatal_sys(exit::SYSCALL, Errno::CHILD, &[b"unable to wait"]),
        }
    }
}

/// execline's `?` for a program killed by signal N is `SIGNALED_VAR + N`.
pub const SIGNALED_VAR: u32 = 256;

/// `?` as execline sets it: the exit code, or `SIGNALED_VAR` + the signal.
pub fn wstatus(st: WaitStatus) -> u32 {
    match st.terminating_signal() {
        Some(s) => SIGNALED_VAR + s as u32,
        None => st.exit_status().unwrap_or(0) as u32,
    }
}

/// The code the `if` family exits with: the exit code capped at 128, or
/// 128 + the signal.
pub fn estatus(st: WaitStatus) -> u8 {
    match st.terminating_signal() {
        Some(s) => exit::SIGNALED.wrapping_add(s as u8),
        None => st.exit_status().unwrap_or(0).min(exit::SIGNALED as i32) as u8,
    }
}

/// Died of a signal: "child crashed with signal N", exit 128+N.
pub fn crashed(st: WaitStatus) -> ! {
    let s = st.terminating_signal().unwrap_or(0) as u64;
    diag::fatal(exit::SIGNALED.wrapping_add(s as u8), &[b"child crashed with signal ", num(s)])
}

pub fn u(s: &[u8]) -> Option<u64> {
    crate::base::num::parse_u64(s)
}

/// A numeric argument or die with the usage text.
pub fn unum(s: &[u8], usage: &[u8]) -> u64 {
    u(s).unwrap_or_else(|| diag::usage(usage))
}

pub fn fdnum(s: &[u8], usage: &[u8]) -> i32 {
    let v = unum(s, usage);
    if v > i32::MAX as u64 {
        diag::usage(usage)
    }
    v as i32
}

/// A list of exit codes, as skalibs' `uint_scanlist` reads it: numbers
/// separated by runs of `,`, `:`, `;`, blanks or CR, up to the first other
/// byte. It contains `c`.
pub fn in_codes(list: &[u8], c: u8) -> bool {
    let mut rest = list;
    loop {
        let d = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if d == 0 {
            return false;
        }
        if u(&rest[..d]) == Some(c as u64) {
            return true;
        }
        rest = &rest[d..];
        rest = &rest[rest.iter().take_while(|b| b",:; \t\r".contains(b)).count()..];
    }
}

/// `-o okcodes` or `-x breakcodes`, whichever came last: (`-x`?, list).
/// A list that does not start with a number is a usage error.
pub fn code_opt(o: &Opts, usage: &[u8]) -> Option<(bool, &'static [u8])> {
    let c = o.last(b"ox");
    if c == 0 {
        return None;
    }
    let list = o.arg(c)?;
    if !list.first().is_some_and(u8::is_ascii_digit) {
        diag::usage(usage)
    }
    Some((c == b'x', list))
}

pub fn out(b: &[u8]) -> Result<(), Errno> {
    fd::write_all(fd::stdout(), b)
}

/// Read all of `fd` into the arena.
pub fn slurp(fd: rustix::fd::BorrowedFd<'_>) -> Result<&'static [u8], Errno> {
    crate::base::fs::read_fd(fd, usize::MAX).map(|b| &*b)
}

/// `fd_move`: dup2(from, to) and close from (nothing when equal).
pub fn fd_move(to: i32, from: i32) -> Result<(), Errno> {
    if to != from {
        crate::sys::fd::dup_to(from, to)?;
        drop(fdown(from));
    }
    Ok(())
}

/// The raw number of an owned descriptor, kept open.
pub fn keep(f: OwnedFd) -> i32 {
    f.into_raw_fd()
}

/// A word list for `Getopt`.
#[derive(Clone, Copy)]
pub struct Ws(pub &'static [W]);

impl crate::base::getopt::Words for Ws {
    fn word(&self, i: usize) -> Option<&'static [u8]> {
        self.0.get(i).map(|w| w.to_bytes())
    }
}

/// The words of a `Words`-like slice as bytes.
pub fn b(w: Option<&W>) -> &'static [u8] {
    w.map_or(b"", |w| w.to_bytes())
}

/// Options as skalibs' subgetopt reads them, all at once: which letters
/// were seen (and which came last), their arguments, the first operand.
pub struct Opts {
    pub ind: usize,
    seq: [u8; 80],
    arg: [&'static [u8]; 80],
}

fn slot(c: u8) -> usize {
    c.wrapping_sub(b'0') as usize % 80
}

impl Opts {
    /// Parse `w` (its first word is the command's name) with `spec`; a bad
    /// option or a missing argument dies with `usage`.
    pub fn parse(w: &'static [W], spec: &'static [u8], usage: &[u8]) -> Opts {
        Opts::try_parse(w, spec).unwrap_or_else(|| diag::usage(usage))
    }
    /// [`Opts::parse`], None for a bad option or a missing argument.
    #[inline(never)]
    pub fn try_parse(w: &'static [W], spec: &'static [u8]) -> Option<Opts> {
        let mut g = crate::base::getopt::Getopt::new(Ws(w), spec);
        let mut o = Opts { ind: 0, seq: [0; 80], arg: [b""; 80] };
        let mut n = 1;
        while let Some((c, a)) = g.next() {
            if c == crate::base::getopt::BAD {
                return None;
            }
            o.seq[slot(c)] = n;
            o.arg[slot(c)] = a;
            n += 1;
        }
        o.ind = g.ind;
        Some(o)
    }
    pub fn has(&self, c: u8) -> bool {
        self.seq[slot(c)] != 0
    }
    pub fn arg(&self, c: u8) -> Option<&'static [u8]> {
        self.has(c).then(|| self.arg[slot(c)])
    }
    /// Which of `set` came last (0: none).
    pub fn last(&self, set: &[u8]) -> u8 {
        let mut best = (0, 0);
        for &c in set {
            if self.seq[slot(c)] > best.0 {
                best = (self.seq[slot(c)], c);
            }
        }
        best.1
    }
}

/// Options of `a`, and the words after them.
pub fn opts(a: Args, spec: &'static [u8], usage: &[u8]) -> (Opts, &'static [W]) {
    let w = words(a, 0);
    let o = Opts::parse(w, spec, usage);
    let rest = &w[o.ind..];
    (o, rest)
}
