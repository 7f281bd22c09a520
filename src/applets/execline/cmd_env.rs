//! Environment and process-state commands: exec, export, unexport,
//! emptyenv, envfile, cd, umask, getpid, getcwd, homeof, withstdinas,
//! backtick.
use super::subst::{Sub, apply, one};
use super::{Env, List, Opts, W, cstr, exec, num, words};
use crate::base::{diag, exit};
use crate::rt::Args;
use rustix::io::Errno;

fn sys(e: Errno, parts: &[&[u8]]) -> ! {
    diag::fatal_sys(exit::SYSCALL, e, parts)
}

pub fn exec_(a: Args) -> u8 {
    const U: &[u8] = b"exec [ -c ] [ -l ] [ -a argv0 ] prog...";
    let (o, w) = super::opts(a, b"cla:", U);
    let (clear, login, a0) = (o.has(b'c'), o.has(b'l'), o.arg(b'a'));
    let Some(&file) = w.first() else { diag::usage(U) };
    let mut l = List::new();
    super::extend(&mut l, w);
    let first = a0.unwrap_or(file.to_bytes());
    l.get_mut()[0] = if login { cstr(&[b"-", first]) } else { cstr(&[first]) };
    let env = Env::load();
    let e = super::try_exec_as(file, l.get(), if clear { &[] } else { env.list() });
    diag::fatal_sys(crate::sys::exec::exec_failure_code(e), e, &[b"unable to exec ", file.to_bytes()])
}

pub fn export(a: Args) -> u8 {
    let w = words(a, 0);
    if w.len() < 4 {
        diag::usage(b"export variable value prog...");
    }
    no_equals(w[1].to_bytes());
    let mut env = Env::load();
    env.set(w[1].to_bytes(), w[2].to_bytes());
    exec(&w[3..], env.list())
}

pub fn unexport(a: Args) -> u8 {
    let w = words(a, 0);
    if w.len() < 3 {
        diag::usage(b"unexport variable prog...");
    }
    no_equals(w[1].to_bytes());
    let mut env = Env::load();
    env.unset(w[1].to_bytes());
    exec(&w[2..], env.list())
}

/// export and unexport: a name with `=` is refused.
fn no_equals(v: &[u8]) {
    if v.contains(&b'=') {
        diag::fatal(exit::USAGE, &[b"invalid variable name: ", v]);
    }
}

fn sel_elgetopt(e: &[u8]) -> Option<usize> {
    let eq = e.iter().position(|&c| c == b'=')?;
    let n = &e[..eq];
    n.starts_with(b"ELGETOPT_").then(|| n.iter().position(|&c| c == b':').unwrap_or(eq))
}

pub fn emptyenv(a: Args) -> u8 {
    const U: &[u8] = b"emptyenv [ -p | -l | -c | -o | -P ] prog...";
    let (o, rest) = super::opts(a, b"pcoPl", U);
    if rest.is_empty() {
        diag::usage(U);
    }
    let f = [o.has(b'p'), o.has(b'c'), o.has(b'o'), o.has(b'P'), o.has(b'l')];
    let old = Env::load();
    let mut env = Env(List::new());
    if f[1] {
        for &e in old.list() {
            let s = e.to_bytes();
            let eq = s.iter().position(|&c| c == b'=').unwrap_or(0);
            let n = &s[..eq];
            let gone = matches!(n, b"!" | b"?" | b"#" | b"EXECLINE_STRICT")
                || (!n.is_empty() && n.iter().all(u8::is_ascii_digit))
                || n.starts_with(b"ELGETOPT_")
                || (n.len() > 2 && n.starts_with(b"FD") && n[2..].iter().all(u8::is_ascii_digit));
            if !gone {
                env.0.push(e);
            }
        }
    } else if f[2] || f[3] {
        env = old;
        if f[3] {
            super::execlineb::pop(&mut env, super::execlineb::sel_positional);
        }
        if f[2] {
            super::execlineb::pop(&mut env, sel_elgetopt);
        }
    } else {
        for k in [b"PATH" as &[u8], b"LD_LIBRARY_PATH"] {
            if let (true, Some(v)) = (if k == b"PATH" { f[0] } else { f[4] }, old.get(k)) {
                env.set(k, v);
            }
        }
    }
    exec(rest, env.list())
}

pub fn envfile(a: Args) -> u8 {
    const U: &[u8] = b"envfile [ -i | -I ] file prog...";
    let (o, w) = super::opts(a, b"iI", U);
    let soft = o.last(b"iI") == b'I';
    let (Some(f), true) = (w.first(), w.len() > 1) else { diag::usage(U) };
    let mut env = Env::load();
    let (fd, name): (Option<rustix::fd::OwnedFd>, &[u8]) = if f.to_bytes() == b"-" {
        (None, b"standard input")
    } else {
        let flags = rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC;
        match rustix::fs::open(*f, flags, rustix::fs::Mode::empty()) {
            Ok(fd) => (Some(fd), f.to_bytes()),
            Err(Errno::NOENT) if soft => exec(&w[1..], env.list()),
            Err(e) => sys(e, &[b"unable to open ", f.to_bytes()]),
        }
    };
    let from = fd.as_ref().map_or(crate::sys::fd::stdin(), rustix::fd::AsFd::as_fd);
    let data = super::slurp(from).unwrap_or_else(|e| sys(e, &[b"unable to read from ", name]));
    let sa = envfile_parse(data)
        .unwrap_or_else(|line| diag::fatal(exit::FALSE, &[b"in ", name, b": syntax error line ", num(line)]));
    for m in sa.split(|&c| c == 0).filter(|m| !m.is_empty()) {
        match m.iter().position(|&c| c == b'=') {
            Some(eq) => env.set(&m[..eq], &m[eq + 1..]),
            None => env.unset(m),
        }
    }
    exec(&w[1..], env.list())
}

/// envfile's language, as execline's own state machine reads it: lines
/// `KEY = VALUE` (blanks around both trimmed), `#` comments, values in
/// double quotes with C escapes (`\a\b\t\n\v\f\r`, `\"`, `\\`, `\'`,
/// `\?`, octal `\NNN`, hex `\xHH`) and backslash-newline joins. Returns
/// `KEY=VALUE\0` entries, or the line of a syntax error.
fn envfile_parse(data: &[u8]) -> Result<&'static [u8], u64> {
    // Rows: states; columns: the character classes of `class`. Low nibble:
    // the next state (14 done, 15 error); 0x10 append the character,
    // 0x20 next line, 0x40 end the entry, 0x80 cut back to the mark,
    // 0x100 mark here, 0x200 two hex digits to one byte, 0x400/0x800 the
    // octal digits since the mark to one byte (before / after), 0x1000 the
    // character is an escape letter.
    const T: [[u16; 14]; 14] = [
        [0x00e, 0x001, 0x020, 0x00f, 0x000, 0x00f, 0x00f, 0x012, 0x012, 0x00f, 0x012, 0x012, 0x012, 0x012],
        [0x00e, 0x001, 0x020, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001, 0x001],
        [0x00f, 0x012, 0x00f, 0x014, 0x003, 0x00f, 0x00f, 0x012, 0x012, 0x00f, 0x012, 0x012, 0x012, 0x012],
        [0x00f, 0x00f, 0x00f, 0x014, 0x003, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f],
        [0x04e, 0x015, 0x060, 0x015, 0x004, 0x008, 0x007, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015],
        [0x04e, 0x015, 0x060, 0x015, 0x116, 0x008, 0x007, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015],
        [0x0ce, 0x015, 0x0d0, 0x015, 0x016, 0x008, 0x007, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015, 0x015],
        [0x00f, 0x017, 0x00f, 0x017, 0x017, 0x009, 0x005, 0x017, 0x017, 0x017, 0x017, 0x017, 0x017, 0x017],
        [0x00f, 0x00f, 0x025, 0x00f, 0x015, 0x015, 0x015, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f],
        [0x00f, 0x017, 0x027, 0x017, 0x017, 0x017, 0x017, 0x1017, 0x1017, 0x017, 0x00a, 0x11c, 0x017, 0x017],
        [0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x01b, 0x00f, 0x00f, 0x00f, 0x01b, 0x01b, 0x00f],
        [0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x00f, 0x217, 0x00f, 0x00f, 0x00f, 0x217, 0x217, 0x00f],
        [0x00f, 0x417, 0x00f, 0x417, 0x417, 0x409, 0x405, 0x417, 0x417, 0x417, 0x417, 0x01d, 0x417, 0x417],
        [0x00f, 0x417, 0x00f, 0x417, 0x417, 0x409, 0x405, 0x417, 0x417, 0x417, 0x417, 0x817, 0x417, 0x417],
    ];
    fn class(c: u8) -> usize {
        match c {
            0 => 0,
            b'#' => 1,
            b'\n' => 2,
            b'=' => 3,
            b' ' | b'\t' | 0x0c | b'\r' => 4,
            b'\\' => 5,
            b'"' => 6,
            b'a' | b'b' | b'f' => 7,
            b'n' | b'r' | b't' | b'v' => 8,
            b'\'' | b'?' => 9,
            b'x' => 10,
            b'0'..=b'7' => 11,
            b'8' | b'9' | b'A' | b'B' | b'c' | b'C' | b'd' | b'D' | b'e' | b'E' | b'F' => 12,
            _ => 13,
        }
    }
    // The octal digits from `mark` on, as one byte there.
    fn oct(sa: &mut List<u8>, mark: usize) {
        let v = sa.get()[mark..]
            .iter()
            .take_while(|c| (b'0'..=b'7').contains(c))
            .fold(0u32, |v, &c| v * 8 + (c - b'0') as u32);
        sa.n = mark + 1;
        sa.get_mut()[mark] = v as u8;
    }
    let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    let mut sa: List<u8> = List::new();
    let (mut state, mut mark, mut at, mut line) = (0usize, 0usize, 0usize, 1u64);
    while state < 14 {
        let mut c = data.get(at).copied().unwrap_or(0);
        at += 1;
        let what = T[state][class(c)];
        state = (what & 0x0f) as usize;
        if what & 0x400 != 0 {
            oct(&mut sa, mark);
        }
        if what & 0x100 != 0 {
            mark = sa.n;
        }
        if what & 0x1000 != 0 {
            c = 7 + b"abtnvfr".iter().position(|&e| e == c).unwrap_or(7) as u8;
        }
        if what & 0x10 != 0 {
            sa.push(c);
        }
        if what & 0x20 != 0 {
            line += 1;
        }
        if what & 0x80 != 0 {
            sa.n = mark;
        }
        if what & 0x40 != 0 {
            sa.push(0);
        }
        if what & 0x200 != 0 {
            let n = sa.n;
            let l = sa.get_mut();
            l[n - 2] = (hex(l[n - 2]) << 4) + hex(l[n - 1]);
            sa.n -= 1;
        }
        if what & 0x800 != 0 {
            oct(&mut sa, mark);
        }
    }
    if state == 14 { Ok(sa.done()) } else { Err(line) }
}

pub fn cd(a: Args) -> u8 {
    crate::rt::set_prog(b"execline-cd");
    let w = words(a, 0);
    if w.len() < 3 {
        diag::usage(b"cd path prog...");
    }
    if let Err(e) = rustix::process::chdir(w[1]) {
        sys(e, &[b"unable to chdir to ", w[1].to_bytes()]);
    }
    super::exec_env(&w[2..])
}

pub fn umask(a: Args) -> u8 {
    crate::rt::set_prog(b"execline-umask");
    let w = words(a, 0);
    if w.len() < 3 {
        diag::usage(b"umask value prog...");
    }
    // As skalibs' uint_oscan: the octal digits it starts with, at least one.
    let digits = w[1].to_bytes().iter().take_while(|c| (b'0'..=b'7').contains(c));
    if digits.clone().count() == 0 {
        diag::usage(b"umask value prog...");
    }
    let mut m = 0u32;
    for &c in digits {
        m = (m << 3 | (c - b'0') as u32) & 0o777;
    }
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(m));
    super::exec_env(&w[2..])
}

/// Set VAR or (with -E) substitute it, then exec the rest.
fn give(w: &'static [W], var: &'static [u8], val: &'static [u8], esub: bool, mut env: Env) -> ! {
    if esub {
        exec(apply(w, &[Sub { key: var, vals: one(val) }]), env.list())
    }
    env.set(var, val);
    exec(w, env.list())
}

pub fn getpid(a: Args) -> u8 {
    const U: &[u8] = b"getpid [ -E | -e ] [ -P | -p ] variable prog...";
    let (o, w) = super::opts(a, b"EePp", U);
    let (esub, parent) = (o.last(b"Ee") == b'E', o.last(b"Pp") == b'P');
    let (Some(v), true) = (w.first(), w.len() >= 2) else { diag::usage(U) };
    super::valid_name(v.to_bytes());
    let pid = if parent {
        rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get())
    } else {
        rustix::process::getpid().as_raw_nonzero().get()
    };
    give(&w[1..], v.to_bytes(), num(pid as u64), esub, Env::load())
}

pub fn getcwd(a: Args) -> u8 {
    const U: &[u8] = b"getcwd [ -E | -e ] variable prog...";
    let (o, w) = super::opts(a, b"Ee", U);
    let esub = o.last(b"Ee") == b'E';
    let (Some(v), true) = (w.first(), w.len() >= 2) else { diag::usage(U) };
    super::valid_name(v.to_bytes());
    give(&w[1..], v.to_bytes(), cwd(), esub, Env::load())
}

/// The working directory, or `unable to getcwd` (111).
pub fn cwd() -> &'static [u8] {
    let mut buf = [0u8; 4096];
    let n = crate::sys::raw::getcwd(&mut buf).unwrap_or_else(|e| sys(e, &[b"unable to getcwd"]));
    cstr(&[&buf[..n]]).to_bytes()
}

pub fn homeof(a: Args) -> u8 {
    let Some(user) = a.get_arg(1) else { diag::usage(b"homeof user") };
    let user = user.to_bytes();
    let pw = rustix::fs::open(
        c"/etc/passwd",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .and_then(|f| super::slurp(rustix::fd::AsFd::as_fd(&f)))
    .unwrap_or(b"");
    for line in pw.split(|&c| c == b'\n') {
        let mut f = line.split(|&c| c == b':');
        if f.next() == Some(user)
            && let Some(h) = f.nth(4)
        {
            let _ = super::out(cstr(&[h, b"\n"]).to_bytes());
            return 0;
        }
    }
    diag::fatal(exit::SYSCALL, &[b"unable to get passwd entry for ", user, b": no such user"])
}

/// Run `prog` with its stdout on a pipe; its output and wait status.
pub fn capture(prog: &[W]) -> (&'static [u8], rustix::process::WaitStatus) {
    let (r, w) =
        rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).unwrap_or_else(|e| sys(e, &[b"unable to pipe"]));
    let wfd = rustix::fd::AsRawFd::as_raw_fd(&w);
    let pid = super::spawn_with(prog, Env::load().list(), || {
        let _ = crate::sys::fd::dup_to(wfd, 1);
    })
    .unwrap_or_else(|e| sys(e, &[b"unable to spawn ", super::b(prog.first())]));
    drop(w);
    let data = super::slurp(rustix::fd::AsFd::as_fd(&r)).unwrap_or_else(|e| sys(e, &[b"unable to read from pipe"]));
    drop(r);
    (data, super::wait(pid))
}

/// `backtick` (`bt`) and `withstdinas`: VAR is the output of a block, or
/// stdin. As execline 2.9.9:
/// - backtick: `-i` (the default) dies when the block fails or writes a
///   NUL; `-I` keeps the output (cut at a NUL) whatever the block's exit;
///   `-x` unsets VAR then, `-D def` gives it `def` (with a warning for a
///   NUL). With `-I`, `-x` and `-D`, `?` is the block's wait status (256+N
///   for signal N).
/// - withstdinas: a NUL is fatal with `-i`, unsets VAR with `-I`, gives
///   `-D`'s default with a warning, else cuts the value there.
///
/// The value is chomped (`-n`, the default) unless `-N`, or a failure or a
/// NUL gave VAR no output of its own. `-E` substitutes the variables set
/// (`importas -ui`, as `el_modifs_and_exec`: VAR unset stays as written,
/// or with withstdinas is `importas`' fatal "not set"), and takes them out
/// of the environment.
fn value_cmd(a: Args, bt: bool, usage: &'static [u8]) -> u8 {
    let w = words(a, 0);
    let g = Opts::parse(w, if bt { b"iIxD:NnEe" } else { b"iID:NnEe" }, usage);
    // backtick: 2 `-i`, 1 `-x`/`-D`, 0 `-I`; withstdinas: 2 `-i`, 1 `-I`.
    let insist = match (bt, g.last(b"iIxD")) {
        (true, b'I') => 0,
        (true, b'x' | b'D') => 1,
        (true, _) => 2,
        (false, b'i') => 2,
        (false, b'I') => 1,
        (false, _) => 0,
    };
    let def = g.arg(b'D').filter(|_| !bt || g.last(b"iIxD") == b'D');
    let chomp = g.last(b"Nn") != b'N';
    let esub = g.last(b"Ee") == b'E';
    let Some(var) = w.get(g.ind).filter(|_| !bt || w.len() > g.ind + 1) else { diag::usage(usage) };
    let var = super::valid_name(var.to_bytes());
    let mut env = Env::load();
    let (data, rest, st) = if bt {
        let (prog, next) = super::need_command_block(w, g.ind + 1);
        if next >= w.len() {
            diag::fatal(exit::USAGE, &[b"the command line after the block must not be empty"]);
        }
        let (d, st) = capture(prog);
        (d, &w[next..], Some(st))
    } else {
        let d = super::slurp(crate::sys::fd::stdin()).unwrap_or_else(|e| sys(e, &[b"unable to read stdin"]));
        (d, &w[g.ind + 1..], None)
    };
    let nul = data.iter().position(|&c| c == 0);
    let mut val: Option<&'static [u8]> = Some(match nul {
        Some(z) => &data[..z],
        None => data,
    });
    // Chomped: the output itself, when it is what VAR gets.
    let mut own = nul.is_none();
    let failed = st.is_some_and(|st| super::wstatus(st) != 0);
    if bt {
        if let (true, Some(st)) = (failed, st) {
            match insist {
                2 => diag::fatal(
                    super::estatus(st),
                    &[if st.terminating_signal().is_some() {
                        b"child process crashed" as &[u8]
                    } else {
                        b"child process exited non-zero"
                    }],
                ),
                1 => (val, own) = (def, false),
                _ => own = true,
            }
        } else if nul.is_some() {
            match insist {
                2 => diag::fatal(124, &[b"child process output contained a null character"]),
                1 => {
                    val = def;
                    diag::warn(&[b"child process output contained a null character"]);
                }
                _ => own = true,
            }
        }
    } else if nul.is_some() {
        match (insist, def) {
            (2, _) => diag::fatal(exit::FALSE, &[b"stdin contained a null character"]),
            (1, _) => val = None,
            (_, Some(d)) => {
                val = Some(d);
                diag::warn(&[b"stdin contained a null character - using default instead"]);
            }
            _ => {}
        }
    }
    if chomp && own {
        val = val.map(|v| v.strip_suffix(b"\n").unwrap_or(v));
    }
    // backtick with `-I`, `-x` or `-D`: `?` too.
    let code = (bt && insist < 2).then(|| num(st.map_or(0, super::wstatus) as u64));
    let set: [(&[u8], Option<&[u8]>); 2] = [(var, val), (b"?", code)];
    let set = &set[..1 + code.is_some() as usize];
    if esub {
        let mut subs: heapless::Vec<Sub, 2> = heapless::Vec::new();
        for &(k, v) in set {
            env.unset(k);
            match v {
                Some(v) => {
                    let _ = subs.push(Sub { key: k, vals: one(v) });
                }
                None if !bt => diag::fatal(exit::USAGE, &[k, b" not set"]),
                None => {}
            }
        }
        exec(apply(rest, &subs), env.list())
    }
    for &(k, v) in set {
        match v {
            Some(v) => env.set(k, v),
            None => env.unset(k),
        }
    }
    exec(rest, env.list())
}

pub fn withstdinas(a: Args) -> u8 {
    value_cmd(a, false, b"withstdinas [ -i | -I | -D default ] [ -N | -n ] [ -E | -e ] var remainder...")
}

pub fn backtick(a: Args) -> u8 {
    value_cmd(a, true, b"backtick [ -i | -I | -x | -D default ] [ -N | -n ] [ -E | -e ] var { prog... } remainder...")
}
