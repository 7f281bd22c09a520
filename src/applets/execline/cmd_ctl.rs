//! Control commands: foreground, background, if, ifelse, ifte,
//! ifthenelse, exit, loopwhilex, forx, forstdin, forbacktickx, wait,
//! tryexec.
use super::{
    Env, List, Opts, W, b, crashed, estatus, exec, in_codes, need_block, next_block, spawn_or_die, wait, words, wstatus,
};
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions};

/// Options: (words, options, first operand).
fn opts_block(a: Args, spec: &'static [u8], usage: &[u8]) -> (&'static [W], Opts, usize) {
    let w = words(a, 0);
    let o = Opts::parse(w, spec, usage);
    let i = o.ind;
    (w, o, i)
}

pub fn foreground(a: Args) -> u8 {
    let w = words(a, 0);
    let (blk, next) = need_block(w, 1, b"");
    let mut env = Env::load();
    let st = super::run_for_status(blk, env.list());
    env.set_num(b"?", st as u64);
    exec(&w[next..], env.list())
}

pub fn background(a: Args) -> u8 {
    let (w, o, i) = opts_block(a, b"d", b"background [ -d ] { command... }");
    let (blk, next) = super::need_command_block(w, i);
    let mut env = Env::load();
    let pid = if o.has(b'd') {
        super::detached(|| spawn_or_die(blk, Env::load().list()).as_raw_nonzero().get()) as u64
    } else {
        spawn_or_die(blk, env.list()).as_raw_nonzero().get() as u64
    };
    env.set_num(b"!", pid);
    exec(&w[next..], env.list())
}

/// Run a test block: Some(true) when it succeeded, or the status to exit
/// with. A crash dies 128+N unless `x` counts it as a failure.
fn test(blk: &[W], x: bool) -> (bool, u8) {
    let st = wait(spawn_or_die(blk, Env::load().list()));
    if st.terminating_signal().is_some() && !x {
        crashed(st)
    }
    (st.exit_status() == Some(0), estatus(st))
}

pub fn if_(a: Args) -> u8 {
    const USAGE: &[u8] = b"if [ -n ] [ -X ] [ -t | -x exitcode ] { command... }";
    let (w, o, i) = opts_block(a, b"nXtx:", USAGE);
    // `-x`: the leading digits, as skalibs' scanners read them; `-x` or
    // `-t`, whichever came last, sets the code, then checked.
    let x = o.arg(b'x').and_then(|x| {
        let digits = x.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            diag::usage(USAGE)
        }
        (o.last(b"tx") == b'x').then(|| match super::u(&x[..digits]) {
            Some(v) if v <= 255 => v as u8,
            _ => diag::fatal(exit::USAGE, &[b"invalid exit code"]),
        })
    });
    let (blk, next) = need_block(w, i, b"");
    let (ok, code) = test(blk, o.has(b'X'));
    let neg = o.has(b'n');
    if ok == neg {
        let code = if let Some(x) = x {
            x
        } else if o.has(b't') {
            0
        } else if neg {
            1
        } else {
            code
        };
        return code;
    }
    super::exec_env(&w[next..])
}

pub fn ifelse(a: Args) -> u8 {
    let (w, o, i) = opts_block(a, b"nX", b"ifelse [ -n ] [ -X ] { command-if } { command-then... } command-else...");
    let (blk, n1) = need_block(w, i, b"if ");
    let (then, n2) = next_block(w, n1, b"then ", 2);
    let (ok, _) = test(blk, o.has(b'X'));
    super::exec_env(if ok != o.has(b'n') { then } else { &w[n2..] })
}

pub fn ifte(a: Args) -> u8 {
    let (w, o, i) = opts_block(a, b"nX", b"ifte [ -X ] [ -n ] { command-then... } { command-else... } command-if...");
    let (then, n1) = need_block(w, i, b"then ");
    let (els, n2) = next_block(w, n1, b"else ", 2);
    let cond = &w[n2..];
    let Some(first) = cond.first() else { diag::fatal(exit::USAGE, &[b"empty command-if"]) };
    let pid = super::spawn(cond, Env::load().list()).unwrap_or_else(|e| {
        let name = first.to_bytes();
        // A block given as command-if: its words start with a space.
        if e == Errno::NOENT && name.starts_with(b" ") {
            diag::fatal(
                exit::SYSCALL,
                &[
                    b"unable to spawn ",
                    name,
                    b": name begins with a space, are you trying to spawn a block as your command-if?",
                ],
            )
        }
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", name])
    });
    let st = wait(pid);
    if st.terminating_signal().is_some() && !o.has(b'X') {
        crashed(st)
    }
    let ok = st.exit_status() == Some(0);
    super::exec_env(if ok != o.has(b'n') { then } else { els })
}

pub fn ifthenelse(a: Args) -> u8 {
    let (w, o, i) = opts_block(
        a,
        b"Xs",
        b"ifthenelse [ -X ] { command-if... } { command-then... } { command-else... } [ remainder... ]",
    );
    let (blk, n1) = need_block(w, i, b"if ");
    let (then, n2) = next_block(w, n1, b"then ", 2);
    let (els, n3) = super::need_blockn(w, n2, b"else ", 3);
    let (ok, _) = test(blk, o.has(b'X'));
    let chosen = if ok { then } else { els };
    let rest = &w[n3..];
    let mut env = Env::load();
    if o.has(b's') {
        let mut l = List::new();
        super::extend(&mut l, chosen);
        super::extend(&mut l, rest);
        exec(l.get(), env.list())
    }
    // A branch that cannot be spawned is a warning and its code in `?`,
    // as `foreground`'s.
    let st = super::run_for_status(chosen, env.list());
    env.set_num(b"?", st as u64);
    exec(rest, env.list())
}

pub fn exit_(a: Args) -> u8 {
    match a.get_arg(1) {
        None => 0,
        // An unsigned int, as skalibs' uint0_scan; the status keeps its
        // low 8 bits.
        Some(s) => crate::base::chain::uint(s.to_bytes()).unwrap_or_else(|| diag::usage(b"exit [ exitcode ]")) as u8,
    }
}

pub fn loopwhilex(a: Args) -> u8 {
    let (w, o, i) =
        opts_block(a, b"no:x:", b"loopwhilex [ -n ] [ -o okcode,okcode,... | -x exitcode,exitcode,... ] prog...");
    let prog = &w[i..];
    if prog.is_empty() {
        diag::usage(b"loopwhilex [ -n ] [ -o okcode,okcode,... | -x exitcode,exitcode,... ] prog...");
    }
    let neg = o.has(b'n');
    let codes = super::code_opt(&o, b"loopwhilex [ -n ] [ -o okcode,okcode,... | -x exitcode,exitcode,... ] prog...");
    let env = Env::load();
    loop {
        let st = wait(spawn_or_die(prog, env.list()));
        let c = estatus(st);
        if st.terminating_signal().is_some() {
            return c;
        }
        let go = match codes {
            Some((true, x)) => !in_codes(x, c),
            Some((false, ok)) => in_codes(ok, c),
            None => c == 0,
        };
        if go == neg {
            return c;
        }
    }
}

/// Where a loop's values come from: forx's block, or forstdin's input.
trait Values {
    /// The next value (valid until the next call).
    fn next_value(&mut self) -> Option<&[u8]>;
}

struct Listed(&'static [W], usize);

impl Values for Listed {
    fn next_value(&mut self) -> Option<&[u8]> {
        let v = self.0.get(self.1)?;
        self.1 += 1;
        Some(v.to_bytes())
    }
}

/// The loop of forx, forstdin, forbacktickx: run `prog` once per value as
/// it comes, at most `-P maxpar` at a time (`-p`: no limit); exit codes
/// count only when one runs at a time. With `-E`, `${var}` is substituted
/// and `var` is not in the environment (`importas -uSi`), else `var` is
/// set there. Nothing to loop on: `none`. `bang`: `!` stays in the
/// environment (forbacktickx takes it out, as execline's).
fn for_each(
    var: &'static [u8],
    vals: &mut impl Values,
    prog: &'static [W],
    o: &Opts,
    (max, none, bang): (usize, u8, bool),
) -> u8 {
    let esub = o.last(b"Ee") == b'E';
    let mut pids = List::new();
    let mut any = false;
    while let Some(v) = vals.next_value() {
        any = true;
        // Built in the child: the parent allocates nothing per value.
        let pid = super::spawn_fn(|| {
            let mut env = Env::load();
            if !bang {
                env.unset(b"!");
            }
            // A C string: a value stops at a NUL.
            let v = super::cstr(&[v]).to_bytes();
            if esub {
                env.unset(var);
                exec(
                    super::subst::apply(prog, &[super::subst::Sub { key: var, vals: super::subst::one(v) }]),
                    env.list(),
                )
            }
            env.set(var, v);
            exec(prog, env.list())
        })
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", b(prog.first())]));
        if max == 1 {
            if let Some(c) = judge(wait(pid), o) {
                return c;
            }
            continue;
        }
        pids.push(pid.as_raw_nonzero().get());
        // What ended meanwhile is reaped now: an endless input with `-p`
        // leaves no zombies behind.
        while pids.n > 0 && reap(&mut pids, WaitOptions::NOHANG) {}
        while pids.n >= max {
            reap(&mut pids, WaitOptions::empty());
        }
    }
    while pids.n > 0 {
        reap(&mut pids, WaitOptions::empty());
    }
    if any { 0 } else { none }
}

/// Wait for one of `pids` to end and take it off the list; with `NOHANG`,
/// false when none has.
fn reap(pids: &mut List<i32>, how: WaitOptions) -> bool {
    match rustix::process::wait(how) {
        Ok(Some((p, _))) => {
            if let Some(k) = pids.get().iter().position(|&x| x == p.as_raw_nonzero().get()) {
                pids.get_mut().copy_within(k + 1.., k);
                pids.n -= 1;
            }
            true
        }
        Ok(None) => false,
        Err(rustix::io::Errno::INTR) => true,
        Err(_) => {
            pids.n = 0;
            false
        }
    }
}

/// `-p` (no limit) or `-P maxpar` (0 is 1); 1 by default. (The `-o`/`-x`
/// list is checked here too.)
fn maxpar(o: &Opts, u: &[u8]) -> usize {
    super::code_opt(o, u);
    match o.last(b"pP") {
        b'p' => usize::MAX,
        b'P' => super::unum(o.arg(b'P').unwrap_or(b""), u).max(1) as usize,
        _ => 1,
    }
}

/// After one run: `Some(code)` to stop with. A death by signal N is code
/// 128+N, judged as any other (execline's `wait_estatus`).
fn judge(st: rustix::process::WaitStatus, o: &Opts) -> Option<u8> {
    let c = estatus(st);
    match super::code_opt(o, b"") {
        Some((false, ok)) if !in_codes(ok, c) => Some(c),
        Some((true, x)) if in_codes(x, c) => Some(c),
        _ => None,
    }
}

/// How often `wait -t` looks for its children again (5 ms).
const WAIT_RETRY_NS: i64 = 5_000_000;

const U_FORX: &[u8] = b"forx [ -E | -e ] [ -p | -P maxpar ] [ -o okcode,okcode,... | -x breakcode,breakcode,... ] var { values... } command...";

pub fn forx(a: Args) -> u8 {
    let (w, o, i) = opts_block(a, b"EepP:o:x:", U_FORX);
    let max = maxpar(&o, U_FORX);
    let Some(var) = w.get(i).filter(|_| w.len() > i + 1) else { diag::usage(U_FORX) };
    let (vals, next) = need_block(w, i + 1, b"");
    super::valid_name(var.to_bytes());
    for_each(var.to_bytes(), &mut Listed(vals, 0), &w[next..], &o, (max, 0, true))
}

/// forstdin's input, cut as it comes: at any byte of `delim`, or netstrings
/// when `delim` is empty (`-d ""`). As skalibs' `skagetlnsep`: a piece
/// keeps its delimiter unless chomped (`-n`, the default), and an
/// unterminated last piece is dropped when chomping; `-C` skips pieces
/// that are a delimiter alone. The buffer grows to the longest piece.
struct Pieces {
    fd: i32,
    buf: &'static mut [u8],
    start: usize,
    end: usize,
    /// `buf[start..scanned]` holds no delimiter.
    scanned: usize,
    eof: bool,
    delim: &'static [u8],
    chomp: bool,
    crunch: bool,
}

impl Pieces {
    fn new(fd: i32, o: &Opts) -> Pieces {
        let delim: &'static [u8] = if o.has(b'0') { b"\0" } else { o.arg(b'd').unwrap_or(b"\n") };
        Pieces {
            fd,
            buf: grow(&[], 4096),
            start: 0,
            end: 0,
            scanned: 0,
            eof: false,
            delim,
            chomp: o.last(b"Nn") != b'N',
            crunch: o.last(b"Cc") == b'C',
        }
    }

    /// Read more (false at the end of the input).
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            (self.end, self.scanned) = (self.end - self.start, self.scanned - self.start);
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let bigger = grow(&self.buf[..self.end], 2 * self.buf.len());
            self.buf = bigger;
        }
        loop {
            match rustix::io::read(super::fdb(self.fd), &mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.end += n;
                    return true;
                }
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read stdin"]),
            }
        }
    }

    /// The next netstring (`LEN:DATA,`) whole, or None at a clean end.
    fn netstring(&mut self) -> Option<(usize, usize)> {
        loop {
            let data = &self.buf[self.start..self.end];
            let digits = data.iter().take_while(|c| c.is_ascii_digit()).count();
            let bad = || diag::fatal_sys(exit::SYSCALL, rustix::io::Errno::PROTO, &[b"unable to netstring_get"]);
            if digits < data.len() {
                if digits == 0 || data[digits] != b':' || digits > 18 {
                    bad()
                }
                let len = super::u(&data[..digits]).unwrap_or(0) as usize;
                let at = self.start + digits + 1;
                if self.end > at + len {
                    if self.buf[at + len] != b',' {
                        bad()
                    }
                    self.start = at + len + 1;
                    self.scanned = self.start;
                    return Some((at, at + len));
                }
            }
            if !self.fill() {
                if self.start == self.end {
                    return None;
                }
                diag::fatal_sys(exit::SYSCALL, rustix::io::Errno::PIPE, &[b"unable to netstring_get"])
            }
        }
    }
}

/// A buffer of `n` bytes holding `old`.
fn grow(old: &[u8], n: usize) -> &'static mut [u8] {
    let b = crate::sys::arena::alloc_bytes(n, 1)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to grow buffer"]));
    b[..old.len()].copy_from_slice(old);
    b
}

impl Values for Pieces {
    fn next_value(&mut self) -> Option<&[u8]> {
        if self.delim.is_empty() {
            let (a, z) = self.netstring()?;
            return Some(&self.buf[a..z]);
        }
        loop {
            let found = self.buf[self.scanned..self.end].iter().position(|c| self.delim.contains(c));
            let (a, z, whole) = match found {
                Some(k) => {
                    let z = self.scanned + k + 1;
                    (self.start, z, true)
                }
                None => {
                    self.scanned = self.end;
                    if self.fill() {
                        continue;
                    }
                    if self.start == self.end || self.chomp {
                        return None;
                    }
                    (self.start, self.end, false)
                }
            };
            self.start = z;
            self.scanned = z;
            if self.crunch && z - a == 1 {
                continue;
            }
            return Some(&self.buf[a..if whole && self.chomp { z - 1 } else { z }]);
        }
    }
}

pub fn forstdin(a: Args) -> u8 {
    const U: &[u8] = b"forstdin [ -E | -e ] [ -p | -P maxpar | -o okcode,okcode,... | -x breakcode,breakcode,... ] [ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var command...";
    let (w, o, i) = opts_block(a, b"EepP:o:x:NnCc0d:", U);
    let max = maxpar(&o, U);
    let Some(var) = w.get(i).filter(|_| w.len() > i + 1) else { diag::usage(U) };
    let var = super::valid_name(var.to_bytes());
    for_each(var, &mut Pieces::new(0, &o), &w[i + 1..], &o, (max, exit::FALSE, true))
}

/// forstdin reading the output of a block, as it comes; the loop's
/// programs keep this one's stdin.
pub fn forbacktickx(a: Args) -> u8 {
    const U: &[u8] = b"forbacktickx [ -p | -o okcode,okcode,... | -x breakcode,breakcode,... ] [ -E | -e ] [ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var { backtickcmd... } command...";
    let (w, o, i) = opts_block(a, b"EepP:o:x:NnCc0d:", U);
    let max = maxpar(&o, U);
    let Some(var) = w.get(i).filter(|_| w.len() > i + 1) else { diag::usage(U) };
    let (prog, next) = super::need_command_block(w, i + 1);
    // Upstream's forbacktickx runs forstdin, which checks the name.
    if var.to_bytes().is_empty() || var.to_bytes().contains(&b'=') {
        crate::rt::set_prog(b"forstdin");
        super::valid_name(var.to_bytes());
    }
    let (r, wr) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to pipe"]));
    let wfd = rustix::fd::AsRawFd::as_raw_fd(&wr);
    super::spawn_with(prog, Env::load().list(), || {
        let _ = crate::sys::fd::dup_to(wfd, 1);
    })
    .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to spawn ", b(prog.first())]));
    drop(wr);
    let rfd = super::keep(r);
    for_each(var.to_bytes(), &mut Pieces::new(rfd, &o), &w[next..], &o, (max, exit::FALSE, false))
}

pub fn wait_(a: Args) -> u8 {
    const U: &[u8] = b"wait [ -I | -i ] [ -a | -o ] [ -r | -t timeout ] { pids... } [ prog... ]";
    let (w, o, i) = opts_block(a, b"IiaorTt:", U);
    let (pids, next) = need_block(w, i, b"");
    let mut env = Env::load();
    let one = o.last(b"ao") == b'o';
    // -r: reap what is dead now; -t: wait at most that many ms.
    let (nohang, deadline) = match o.last(b"rt") {
        b'r' => (true, None),
        b't' => (true, Some(crate::base::time::Instant::now().after_ms(super::unum(o.arg(b't').unwrap_or(b""), U)))),
        _ => (false, None),
    };
    let mut l = List::new();
    for p in pids {
        l.push(super::u(p.to_bytes()).unwrap_or_else(|| diag::usage(U)) as i32);
    }
    let flags = if nohang { WaitOptions::NOHANG } else { WaitOptions::empty() };
    loop {
        // One listed pid at a time, unless any will do.
        let r = match (l.get().first(), one || pids.is_empty()) {
            (Some(&p), false) => rustix::process::waitpid(Pid::from_raw(p), flags),
            _ => rustix::process::wait(flags),
        };
        match r {
            Ok(Some((pid, st))) => {
                let p = pid.as_raw_nonzero().get();
                let listed = l.get().iter().position(|&x| x == p);
                if let Some(k) = listed {
                    l.get_mut().copy_within(k + 1.., k);
                    l.n -= 1;
                }
                if one && (listed.is_some() || pids.is_empty()) {
                    env.set_num(b"!", p as u64);
                    env.set_num(b"?", wstatus(st) as u64);
                    break;
                }
                if !pids.is_empty() && l.n == 0 {
                    break;
                }
            }
            Ok(None) => match deadline {
                Some(d) if crate::base::time::Instant::now() < d => {
                    let _ = rustix::event::poll(
                        &mut [],
                        Some(&rustix::time::Timespec { tv_sec: 0, tv_nsec: WAIT_RETRY_NS }),
                    );
                }
                Some(_) if o.last(b"Ii") == b'i' => {
                    diag::fatal_sys(exit::TIMEOUT, rustix::io::Errno::TIMEDOUT, &[b"unable to wait"])
                }
                _ => break,
            },
            Err(rustix::io::Errno::INTR) => {}
            _ => break,
        }
    }
    exec(&w[next..], env.list())
}

pub fn tryexec(a: Args) -> u8 {
    let (w, o, i) = opts_block(a, b"ncla:", b"tryexec [ -n ] [ -c ] [ -l ] [ -a argv0 ] { command... } remainder...");
    let (blk, next) = super::need_command_block(w, i);
    let env = Env::load();
    let list: &[W] = if o.has(b'c') { &[] } else { env.list() };
    // -n: the remainder is tried first (and gets -c, -l, -a), then the
    // block is run as it is.
    let (first, then) = if o.has(b'n') {
        if next >= w.len() {
            diag::fatal(exit::USAGE, &[b"empty remainder not allowed with -n"]);
        }
        (&w[next..], blk)
    } else {
        (blk, &w[next..])
    };
    if let Some(&file) = first.first() {
        // argv[0]: `-a`'s, else the program's; `-l` puts a `-` first.
        let mut l = List::new();
        super::extend(&mut l, first);
        let a0 = o.arg(b'a').unwrap_or(file.to_bytes());
        l.get_mut()[0] = if o.has(b'l') { super::cstr(&[b"-", a0]) } else { super::cstr(&[a0]) };
        let _ = super::try_exec_as(file, l.get(), list);
    }
    exec(then, env.list())
}
