//! Our s6 control clients (`s6-svc`, `s6-svok`, `s6-svstat`, `s6-svwait`,
//! `s6-svscanctl`, `s6-svdt`) against Debian's real `s6-supervise` and
//! `s6-svscan` (package `s6`, 2.11), with Debian's own clients as the
//! oracle on the same service directories.
//!
//! We follow s6 2.15; the only normalisations are its documented
//! differences from 2.11 (`up (pid P pgid P)` for `up (pid P)`, exit 102
//! and a warning where 2.11 dies with 100, the odd `fatal: : ` of 2.11's
//! messages) and the seconds, which may differ by one between two runs.
//!
//! Every supervisor and service a test starts lives in the test's own
//! directory (their working directories are inside it): the fixture kills
//! every process found there when it is dropped, even on panic. Every
//! command runs with a time limit.
use crate::harness::*;
use std::fs;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TEN: Duration = Duration::from_secs(10);

/// Debian's s6 program `prog`.
fn theirs(prog: &str) -> Command {
    let p = Path::new("/usr/bin").join(prog);
    assert!(p.exists(), "{} missing: apt-get install s6", p.display());
    Command::new(p)
}

/// Our applet `prog`.
fn ours(prog: &str) -> Command {
    let mut c = Command::new(rs6());
    c.arg(prog);
    c
}

struct Out {
    code: i32,
    out: String,
    err: String,
    took: Duration,
}

/// Run `cmd` to its end; one still running after `limit` fails the test.
fn run_in(cmd: &mut Command, limit: Duration) -> Out {
    let r = run_timed(cmd, None, limit);
    Out { code: r.status.code().unwrap_or(-1), out: r.out(), err: r.err(), took: r.took }
}

fn run(cmd: &mut Command) -> Out {
    run_in(cmd, Duration::from_secs(10))
}

/// A started command, killed if still running when dropped.
struct Bg(Child);

impl Bg {
    fn start(cmd: &mut Command) -> Bg {
        Bg(cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn"))
    }
    fn finish(mut self) -> Out {
        let start = Instant::now();
        let (o, e) = (Reader::new(self.0.stdout.take().unwrap()), Reader::new(self.0.stderr.take().unwrap()));
        let status = wait_child(&mut self.0, TEN);
        let took = start.elapsed();
        let deadline = start + TEN;
        let (out, err) =
            (String::from_utf8_lossy(&o.take(deadline)).into(), String::from_utf8_lossy(&e.take(deadline)).into());
        Out { code: status.code().unwrap_or(-1), out, err, took }
    }
    fn running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }
}

impl Drop for Bg {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Processes whose working directory is `dir` or below.
fn procs_inside(dir: &Path) -> Vec<i32> {
    let mut v = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        if let Ok(cwd) = fs::read_link(e.path().join("cwd"))
            && cwd.starts_with(dir)
        {
            v.push(pid);
        }
    }
    v
}

/// A directory of services, and the supervisors started on them.
struct Fx {
    tmp: TempDir,
    sups: Vec<Child>,
}

impl Fx {
    fn new(tag: &str) -> Fx {
        let tmp = TempDir::new(tag);
        // The supervisors resolve the paths we give them: make them absolute.
        let real = fs::canonicalize(tmp.path()).unwrap();
        Fx { tmp: TempDir(real), sups: Vec::new() }
    }
    fn path(&self) -> &Path {
        self.tmp.path()
    }
    /// A service directory `name` with `run` (a /bin/sh script body).
    fn service(&self, name: &str, run: &str) -> PathBuf {
        let d = self.path().join(name);
        fs::create_dir_all(&d).unwrap();
        write_script(&d.join("run"), &format!("#!/bin/sh\n{run}\n"));
        d
    }
    /// Start Debian's s6-supervise on `dir` and wait until it holds the lock
    /// and has written its status: 2.11 clears `event/` of fifos without a
    /// reader after taking the lock, and a listener that subscribed in
    /// between (its fifo made, not yet opened) would lose its fifo.
    fn supervise(&mut self, dir: &Path) {
        // Killed with the test process (its service is not: Drop kills it).
        let c = dies_with_parent_default_int(theirs("s6-supervise").get_program())
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.sups.push(c);
        wait_until("s6-supervise to start", TEN, || run(theirs("s6-svok").arg(dir)).code == 0);
        wait_until("s6-supervise to write its status", TEN, || dir.join("supervise/status").exists());
    }
    /// Start Debian's s6-svscan on `dir`; the index of its child.
    fn svscan(&mut self, dir: &Path) -> usize {
        let c = dies_with_parent_default_int(theirs("s6-svscan").get_program())
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.sups.push(c);
        self.sups.len() - 1
    }
}

impl Drop for Fx {
    fn drop(&mut self) {
        use rustix::process::{Pid, Signal, kill_process};
        for _ in 0..50 {
            let left = procs_inside(self.path());
            if left.is_empty() {
                break;
            }
            for p in left {
                if let Some(pid) = Pid::from_raw(p) {
                    let _ = kill_process(pid, Signal::KILL);
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        for c in &mut self.sups {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Our s6-svstat line for `dir` (or the error), and Debian's.
fn svstat_ours(args: &[&str], dir: &Path) -> String {
    let o = run(ours("s6-svstat").args(args).arg(dir));
    assert_eq!(o.code, 0, "our s6-svstat {args:?}: {}", o.err);
    o.out
}
fn svstat_theirs(args: &[&str], dir: &Path) -> String {
    let o = run(theirs("s6-svstat").args(args).arg(dir));
    assert_eq!(o.code, 0, "their s6-svstat {args:?}: {}", o.err);
    o.out
}

/// The documented 2.11 → 2.15 difference, and the seconds.
fn norm(s: &str) -> String {
    let mut s = s.trim_end().to_string();
    if let (Some(a), Some(b)) = (s.find(" pgid "), s.find(')'))
        && a < b
    {
        s.replace_range(a..b, "");
    }
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        if (next == "seconds" || next == "seconds,") && w.chars().all(|c| c.is_ascii_digit()) {
            out.push("#");
        } else {
            out.push(w);
        }
    }
    out.join(" ")
}

/// Fields: equal, or both numbers one apart for the `time` positions.
fn same_fields(a: &str, b: &str, time: &[usize]) -> bool {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    x.len() == y.len()
        && x.iter().zip(&y).enumerate().all(|(i, (p, q))| {
            p == q
                || time.contains(&i)
                    && matches!((p.parse::<i64>(), q.parse::<i64>()), (Ok(m), Ok(n)) if (m - n).abs() <= 1)
        })
}

/// Our s6-svstat and Debian's agree on `dir`, in the human-readable form
/// and field by field; `expect` is what ours must start with. Retried
/// while the state moves under us.
fn same_status(dir: &Path, expect: &str) -> String {
    const FIELDS: &str =
        "up,wantedup,normallyup,ready,paused,pid,exitcode,signal,signum,updownsince,readysince,updownfor,readyfor";
    let mut last = String::new();
    for _ in 0..20 {
        let a = svstat_ours(&[], dir);
        let b = svstat_theirs(&[], dir);
        let n = svstat_ours(&["-n"], dir);
        let m = svstat_theirs(&["-n"], dir);
        let f = svstat_ours(&["-o", FIELDS], dir);
        let g = svstat_theirs(&["-o", FIELDS], dir);
        let s = svstat_ours(&["-uwNrpest"], dir);
        let t = svstat_theirs(&["-uwNrpest"], dir);
        let again = svstat_ours(&[], dir);
        if norm(&a) == norm(&again) {
            assert!(a.starts_with(expect), "ours {a:?} does not start with {expect:?}");
            assert!(a.ends_with('\n'));
            if a.starts_with("up ") {
                let pid = a.split_whitespace().nth(2).unwrap();
                assert_eq!(a.split_whitespace().nth(4).unwrap(), format!("{pid})"), "pgid = pid: {a}");
            }
            assert_eq!(norm(&a), norm(&b), "ours {a:?}, theirs {b:?}");
            assert_eq!(norm(&n), norm(&m), "-n: ours {n:?}, theirs {m:?}");
            assert!(same_fields(&f, &g, &[11, 12]), "-o: ours {f:?}, theirs {g:?}");
            assert!(same_fields(&s, &t, &[8]), "-uwNrpest: ours {s:?}, theirs {t:?}");
            return a;
        }
        last = a;
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} never held still: {last}", dir.display());
}

/// Wait until Debian's s6-svstat line starts with `prefix`.
fn wait_state(dir: &Path, prefix: &str) -> String {
    let mut last = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        last = run(theirs("s6-svstat").arg(dir)).out;
        if last.starts_with(prefix) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{} never became {prefix:?}: last {last:?}", dir.display());
}

fn pid_of(dir: &Path) -> String {
    let o = run(ours("s6-svstat").args(["-o", "pid"]).arg(dir));
    o.out.trim().to_string()
}

/// `event/` has no listener fifo left.
fn no_listeners(dir: &Path) {
    let left: Vec<_> = fs::read_dir(dir.join("event"))
        .map(|r| r.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "fifos left in {}/event: {left:?}", dir.display());
}

/// Wait until `dir/event` has `n` listener fifos.
fn wait_listeners(dir: &Path, n: usize) {
    let count = || {
        fs::read_dir(dir.join("event"))
            .map(|r| r.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("ftrig1:")).count())
            .unwrap_or(0)
    };
    wait_until(&format!("a waiter to subscribe to {}", dir.display()), TEN, || count() >= n);
}

fn ok(o: &Out, what: &str) {
    assert_eq!(o.code, 0, "{what}: stdout {:?} stderr {:?}", o.out, o.err);
}

#[test]
fn svstat_matches_debian() {
    let mut fx = Fx::new("svstat");
    let a = fx.service("a", "exec sleep 1000");
    let b = fx.service("b", "exec sleep 1000");
    fs::write(b.join("down"), "").unwrap();
    let c = fx.service("c", "exit 3");
    write_script(&c.join("finish"), "#!/bin/sh\nexec sleep 1000\n");
    fs::write(c.join("timeout-finish"), "0\n").unwrap();
    fs::write(c.join("down"), "").unwrap();
    let n = fx.service("n", "sleep 0.2; echo >&3; exec sleep 1000");
    fs::write(n.join("notification-fd"), "3\n").unwrap();
    for d in [&a, &b, &c, &n] {
        fx.supervise(d);
    }
    wait_state(&a, "up ");
    same_status(&a, "up (pid ");
    // Never started (Debian's 2.11 supervisor does not mark it as such).
    same_status(&b, "down (exitcode 0) ");
    // Wanted down while up; paused; normally down.
    ok(&run(theirs("s6-svc").arg("-O").arg(&a)), "-O");
    same_status(&a, "up (pid ");
    ok(&run(theirs("s6-svc").arg("-p").arg(&a)), "-p");
    wait_until("paused", TEN, || svstat_theirs(&[], &a).contains("paused"));
    let st = same_status(&a, "up (pid ");
    assert!(st.contains(", paused, want down"), "{st}");
    ok(&run(theirs("s6-svc").arg("-c").arg(&a)), "-c");
    ok(&run(theirs("s6-svc").arg("-u").arg(&b)), "-u");
    wait_state(&b, "up ");
    let st = same_status(&b, "up (pid ");
    assert!(st.contains(", normally down"), "{st}");
    // Killed by a signal.
    ok(&run(theirs("s6-svc").args(["-wD", "-d"]).arg(&a)), "-wD -d");
    let st = same_status(&a, "down (signal SIGTERM) ");
    assert!(st.contains(", normally up, ready "), "{st}");
    assert!(svstat_ours(&["-n"], &a).starts_with("down (signal 15) "));
    // Exit code 3, finish still running, wanted up.
    ok(&run(theirs("s6-svc").arg("-u").arg(&c)), "-u c");
    wait_state(&c, "down (exitcode 3)");
    let st = same_status(&c, "down (exitcode 3) ");
    assert!(st.contains(" seconds, want up") && !st.contains("normally") && !st.contains("ready"), "{st}");
    // Up and ready through notification-fd.
    wait_state(&n, "up ");
    wait_until("readiness", TEN, || svstat_theirs(&[], &n).contains("ready"));
    let st = same_status(&n, "up (pid ");
    assert!(st.contains(", ready "), "{st}");
    // 2.15 fields 2.11 lacks: pgid is the pid.
    let o = svstat_ours(&["-o", "pid,pgid", "-g"], &n);
    let p: Vec<&str> = o.split_whitespace().collect();
    assert!(p.len() == 3 && p[0] == p[1] && p[1] == p[2] && p[0] != "-1", "{o}");
    assert_eq!(svstat_ours(&["-o", "pid,pgid"], &a), "-1 -1\n");
}

#[test]
fn svc_letters_drive_s6_supervise() {
    let mut fx = Fx::new("svcletters");
    let log = fx.path().join("finish.log");
    let a = fx.service("a", "exec sleep 1000");
    write_script(&a.join("finish"), &format!("#!/bin/sh\necho \"$1 $2\" >> {}\n", log.display()));
    fx.supervise(&a);
    wait_state(&a, "up ");
    let finish_lines = || fs::read_to_string(&log).unwrap_or_default().lines().map(String::from).collect::<Vec<_>>();
    // Signals: the finish script sees `256 SIG`; the service comes back.
    for (args, sig) in [
        (vec!["-k"], "9"),
        (vec!["-t"], "15"),
        (vec!["-h"], "1"),
        (vec!["-s", "SIGUSR1"], "10"),
        (vec!["-s", "int"], "2"),
    ] {
        let before = finish_lines().len();
        let pid = pid_of(&a);
        ok(&run(ours("s6-svc").args(&args).arg(&a)), &format!("{args:?}"));
        wait_until(&format!("finish after s6-svc {args:?}"), TEN, || finish_lines().len() > before);
        assert_eq!(finish_lines()[before], format!("256 {sig}"), "{args:?}");
        ok(&run(theirs("s6-svwait").args(["-u", "-t", "5000"]).arg(&a)), "back up");
        assert_ne!(pid_of(&a), pid, "{args:?} restarted it");
    }
    // -p stops the process and marks it paused, -c resumes it.
    let pid = pid_of(&a);
    let state = |pid: &str| {
        fs::read_to_string(format!("/proc/{pid}/stat")).unwrap().split(") ").nth(1).unwrap()[..1].to_string()
    };
    ok(&run(ours("s6-svc").arg("-p").arg(&a)), "-p");
    wait_until("SIGSTOP", TEN, || state(&pid) == "T");
    wait_until("the paused flag", TEN, || svstat_theirs(&[], &a).contains(", paused"));
    assert!(svstat_theirs(&[], &a).starts_with("up "));
    ok(&run(ours("s6-svc").arg("-c").arg(&a)), "-c");
    wait_until("SIGCONT", TEN, || state(&pid) != "T");
    // -O: wanted down, left running.
    ok(&run(ours("s6-svc").arg("-O").arg(&a)), "-O");
    wait_until("-O", TEN, || svstat_theirs(&[], &a).contains("want down"));
    assert_eq!(pid_of(&a), pid);
    // -d: down with TERM and not restarted; -u: up again.
    ok(&run(ours("s6-svc").arg("-d").arg(&a)), "-d");
    wait_state(&a, "down (signal SIGTERM)");
    std::thread::sleep(Duration::from_millis(1200));
    assert!(svstat_theirs(&[], &a).starts_with("down"), "restarted after -d");
    ok(&run(ours("s6-svc").arg("-u").arg(&a)), "-u");
    wait_state(&a, "up ");
    // -o from up: want down, so the next death is final; from down: once.
    ok(&run(ours("s6-svc").args(["-o", "-k"]).arg(&a)), "-ok");
    wait_state(&a, "down (signal SIGKILL)");
    // (-o while finish runs would only mean "want down": wait for its end.)
    ok(&run(theirs("s6-svwait").args(["-D", "-t", "5000"]).arg(&a)), "finish done");
    // Let Debian's s6-supervise leave its restart throttle first: an `o`
    // that lands in that window was seen to be dropped under load.
    std::thread::sleep(Duration::from_millis(1100));
    ok(&run(ours("s6-svc").arg("-o").arg(&a)), "-o");
    wait_state(&a, "up ");
    assert!(svstat_theirs(&[], &a).contains("want down"));
    ok(&run(ours("s6-svc").arg("-k").arg(&a)), "-k");
    wait_state(&a, "down (signal SIGKILL)");
    std::thread::sleep(Duration::from_millis(1200));
    assert!(svstat_theirs(&[], &a).starts_with("down"), "restarted after -o");
    // -U removes ./down and starts; -D creates it and stops.
    fs::write(a.join("down"), "").unwrap();
    ok(&run(ours("s6-svc").arg("-U").arg(&a)), "-U");
    wait_state(&a, "up ");
    assert!(!a.join("down").exists(), "-U left ./down");
    ok(&run(ours("s6-svc").arg("-D").arg(&a)), "-D");
    wait_state(&a, "down (signal SIGTERM)");
    assert!(a.join("down").exists(), "-D made no ./down");
    // -x: the supervisor exits once the service is down.
    ok(&run(ours("s6-svc").args(["-u"]).arg(&a)), "-u");
    wait_state(&a, "up ");
    ok(&run(ours("s6-svc").arg("-x").arg(&a)), "-x");
    std::thread::sleep(Duration::from_millis(100));
    assert!(fx.sups[0].try_wait().unwrap().is_none(), "-x alone must not stop it");
    ok(&run(ours("s6-svc").arg("-d").arg(&a)), "-d");
    wait_until("s6-supervise to exit after -x", TEN, || fx.sups[0].try_wait().unwrap().is_some());
    assert_eq!(run(ours("s6-svok").arg(&a)).code, 1);
}

/// A fifo with a non-blocking reader standing in for a supervisor.
fn fake_control(dir: &Path, sub: &str) -> fs::File {
    let d = dir.join(sub);
    fs::create_dir_all(&d).unwrap();
    let st = Command::new("mkfifo").arg(d.join("control")).status().unwrap();
    assert!(st.success());
    const O_NONBLOCK: i32 = 0o4000;
    fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(d.join("control")).unwrap()
}

fn drain(f: &mut fs::File) -> String {
    let mut b = [0u8; 256];
    let n = f.read(&mut b).unwrap_or(0);
    String::from_utf8_lossy(&b[..n]).into_owned()
}

#[test]
fn svc_writes_every_letter_in_order() {
    let fx = Fx::new("svcbytes");
    let (d1, d2) = (fx.path().join("d1"), fx.path().join("d2"));
    let mut f1 = fake_control(&d1, "supervise");
    let mut f2 = fake_control(&d2, "supervise");
    let all = "abqhkti12pcyrlPCKoduDUxOQ";
    ok(&run(ours("s6-svc").arg(format!("-{all}")).arg(&d1).arg(&d2)), "all letters");
    assert_eq!(drain(&mut f1), all);
    assert_eq!(drain(&mut f2), all);
    ok(&run(ours("s6-svc").args(["-s", "SIGUSR1", "-s10", "-d", "-s", "winch", "-sTerm", "-u"]).arg(&d1)), "-s");
    assert_eq!(drain(&mut f1), "11dytu");
    // The same bytes as Debian's for the letters 2.11 knows.
    for args in [&["-du"][..], &["-hxO"], &["-a", "-b", "-q", "-12", "-ktiypc"]] {
        ok(&run(ours("s6-svc").args(args).arg(&d1)), "ours");
        let mine = drain(&mut f1);
        ok(&run(theirs("s6-svc").args(args).arg(&d1)), "theirs");
        assert_eq!(mine, drain(&mut f1), "{args:?}");
    }
    // No letters: nothing written, still 0.
    ok(&run(ours("s6-svc").arg(&d1)), "no letters");
    assert_eq!(drain(&mut f1), "");
    // Bad signals and too many letters write nothing.
    for (args, msg) in [
        (&["-s", "5"][..], "s6-svc: fatal: 5 is not in the list of user-available signals\n"),
        (&["-s", "SIGSEGV"], "s6-svc: fatal: SIGSEGV is not in the list of user-available signals\n"),
        (&["-s", "NOPE"], "s6-svc: fatal: invalid signal: NOPE\n"),
        (&["-s", "99"], "s6-svc: fatal: invalid signal: 99\n"),
    ] {
        let o = run(ours("s6-svc").args(args).arg(&d1));
        assert_eq!((o.code, o.err.as_str()), (100, msg), "{args:?}");
    }
    let many = format!("-{}", "u".repeat(63));
    let o = run(ours("s6-svc").arg(&many).arg(&d1));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svc: fatal: too many commands\n"));
    ok(&run(ours("s6-svc").arg(&many[..63]).arg(&d1)), "62 letters");
    assert_eq!(drain(&mut f1), "u".repeat(62));
}

#[test]
fn svc_waits() {
    let mut fx = Fx::new("svcwait");
    let a = fx.service("a", "exec sleep 1000");
    fs::write(a.join("down"), "").unwrap();
    let n = fx.service("n", "sleep 0.3; echo >&3; exec sleep 1000");
    fs::write(n.join("notification-fd"), "3\n").unwrap();
    fs::write(n.join("down"), "").unwrap();
    let never = fx.service("never", "exec sleep 1000");
    fs::write(never.join("notification-fd"), "3\n").unwrap();
    fs::write(never.join("down"), "").unwrap();
    for d in [&a, &n, &never] {
        fx.supervise(d);
    }
    // -wu: back when up.
    ok(&run(ours("s6-svc").args(["-wu", "-u"]).arg(&a)), "-wu -u");
    assert!(svstat_theirs(&[], &a).starts_with("up "));
    // -wd / -wD.
    ok(&run(ours("s6-svc").args(["-wd", "-d"]).arg(&a)), "-wd -d");
    assert!(svstat_theirs(&[], &a).starts_with("down "));
    ok(&run(ours("s6-svc").args(["-wu", "-u"]).arg(&a)), "-wu -u");
    ok(&run(ours("s6-svc").args(["-wD", "-d"]).arg(&a)), "-wD -d");
    assert!(svstat_theirs(&[], &a).contains("ready"));
    // The state already holds: back at once (as s6, even with commands).
    ok(&run(ours("s6-svc").args(["-wd", "-T", "1", "-d"]).arg(&a)), "-wd when down");
    // -wU: only when ready (0.3 s after start).
    let o = run(ours("s6-svc").args(["-wU", "-u"]).arg(&n));
    ok(&o, "-wU -u");
    assert!(o.took >= Duration::from_millis(250), "-wU returned before readiness: {:?}", o.took);
    assert!(svstat_theirs(&[], &n).contains(", ready "));
    // -wU without notification-fd: a warning, and -wu.
    let o = run(ours("s6-svc").args(["-wU", "-u"]).arg(&a));
    ok(&o, "-wU no notification-fd");
    assert_eq!(
        o.err,
        format!(
            "s6-svc: warning: {}/notification-fd not present - ignoring request for readiness notification\n",
            a.display()
        )
    );
    // -wr: down, then up again (a new pid).
    let pid = pid_of(&a);
    ok(&run(ours("s6-svc").args(["-wr", "-r"]).arg(&a)), "-wr -r");
    wait_state(&a, "up ");
    assert_ne!(pid_of(&a), pid);
    // -wR on a notifying service.
    let pid = pid_of(&n);
    ok(&run(ours("s6-svc").args(["-wR", "-r"]).arg(&n)), "-wR -r");
    assert!(svstat_theirs(&[], &n).contains(", ready "));
    assert_ne!(pid_of(&n), pid);
    // -T: the wait times out with 99, under the waiter's name.
    let o = run(ours("s6-svc").args(["-T", "300", "-wU", "-u"]).arg(&never));
    assert_eq!((o.code, o.err.as_str()), (99, "s6-svlisten: fatal: timed out\n"));
    assert!(o.took >= Duration::from_millis(290) && o.took < Duration::from_secs(3), "{:?}", o.took);
    assert!(svstat_theirs(&[], &never).starts_with("up "), "the command was still sent");
    let o = run(ours("s6-svc").args(["-T300", "-wd"]).arg(&a));
    assert_eq!((o.code, o.err.as_str()), (99, "s6-svwait: fatal: timed out\n"));
    // Debian's agrees on the code.
    assert_eq!(run(theirs("s6-svc").args(["-T", "300", "-wd"]).arg(&a)).code, 99);
    for d in [&a, &n, &never] {
        no_listeners(d);
    }
}

#[test]
fn svwait_options() {
    let mut fx = Fx::new("svwait");
    let a = fx.service("a", "exec sleep 1000");
    let b = fx.service("b", "exec sleep 1000");
    fs::write(b.join("down"), "").unwrap();
    let n = fx.service("n", "sleep 0.3; echo >&3; exec sleep 1000");
    fs::write(n.join("notification-fd"), "3\n").unwrap();
    let x = fx.service("x", "exec sleep 1000");
    fs::write(x.join("down"), "").unwrap();
    // Dies before it is ready, and finish asks for no restart: event O.
    let o = fx.service("o", "exit 1");
    fs::write(o.join("notification-fd"), "3\n").unwrap();
    fs::write(o.join("down"), "").unwrap();
    write_script(&o.join("finish"), "#!/bin/sh\nexit 125\n");
    for d in [&a, &b, &n, &x, &o] {
        fx.supervise(d);
    }
    wait_state(&a, "up ");
    let svwait = |args: &[&str], dirs: &[&PathBuf]| run(ours("s6-svwait").args(args).args(dirs));
    // The state already holds: at once.
    ok(&svwait(&["-u"], &[&a]), "-u up");
    ok(&svwait(&[], &[&a]), "default -u");
    ok(&svwait(&["-d"], &[&b]), "-d down");
    ok(&svwait(&["-D"], &[&b]), "-D never started");
    ok(&svwait(&["-o", "-u"], &[&a, &b]), "-o");
    ok(&svwait(&["-o", "-d"], &[&a, &b]), "-o -d");
    // It does not: timeout 99.
    let r = svwait(&["-a", "-u", "-t", "300"], &[&a, &b]);
    assert_eq!((r.code, r.err.as_str()), (99, "s6-svwait: fatal: timed out\n"));
    assert!(r.took >= Duration::from_millis(290), "{:?}", r.took);
    assert_eq!(run(theirs("s6-svwait").args(["-a", "-u", "-t", "300"]).arg(&a).arg(&b)).code, 99);
    assert_eq!(svwait(&["-t300", "-U"], &[&a]).code, 99, "no notification-fd: never ready");
    // Transitions.
    let bg = Bg::start(ours("s6-svwait").args(["-D", "-t", "5000"]).arg(&a));
    wait_listeners(&a, 1);
    ok(&run(theirs("s6-svc").arg("-d").arg(&a)), "-d");
    ok(&bg.finish(), "-D after -d");
    assert!(svstat_theirs(&[], &a).contains("ready"));
    let bg = Bg::start(ours("s6-svwait").args(["-a", "-u", "-t", "5000"]).arg(&a).arg(&b));
    wait_listeners(&b, 1);
    ok(&run(theirs("s6-svc").arg("-u").arg(&a)), "-u a");
    std::thread::sleep(Duration::from_millis(200));
    let mut bg = bg;
    assert!(bg.running(), "-a returned with b still down");
    ok(&run(theirs("s6-svc").arg("-u").arg(&b)), "-u b");
    ok(&bg.finish(), "-a -u");
    wait_state(&n, "up ");
    ok(&run(theirs("s6-svwait").args(["-U", "-t", "5000"]).arg(&n)), "n ready");
    let bg = Bg::start(ours("s6-svwait").args(["-R", "-t", "5000"]).arg(&n));
    wait_listeners(&n, 1);
    ok(&run(theirs("s6-svc").arg("-k").arg(&n)), "-k n");
    let r = bg.finish();
    ok(&r, "-R");
    assert!(svstat_theirs(&[], &n).contains(", ready "), "-R returned before ready");
    let pid = pid_of(&a);
    let bg = Bg::start(ours("s6-svwait").args(["-r", "-t", "5000"]).arg(&a));
    wait_listeners(&a, 1);
    ok(&run(theirs("s6-svc").arg("-k").arg(&a)), "-k a");
    ok(&bg.finish(), "-r");
    assert_ne!(pid_of(&a), pid);
    // x: the supervisor exits while we wait for up: one failure.
    let bg = Bg::start(ours("s6-svwait").args(["-u", "-t", "5000"]).arg(&x));
    wait_listeners(&x, 1);
    ok(&run(theirs("s6-svc").arg("-x").arg(&x)), "-x");
    let r = bg.finish();
    assert_eq!(
        (r.code, r.err.as_str()),
        (1, "s6-svwait: fatal: some services reported permanent failure or their supervisor died\n")
    );
    // O: the service will not be restarted while we wait for up and ready.
    let bg = Bg::start(ours("s6-svwait").args(["-U", "-t", "5000"]).arg(&o));
    wait_listeners(&o, 1);
    ok(&run(theirs("s6-svc").arg("-u").arg(&o)), "-u o");
    let r = bg.finish();
    assert_eq!(r.code, 1, "O event: {}", r.err);
    // Two supervisors exit while we wait for up: the count, as Debian's.
    let (x1, x2) = (fx.service("x1", "exec sleep 1000"), fx.service("x2", "exec sleep 1000"));
    for d in [&x1, &x2] {
        fs::write(d.join("down"), "").unwrap();
        fx.supervise(d);
    }
    let mine = Bg::start(ours("s6-svwait").args(["-u", "-t", "5000"]).arg(&x1).arg(&x2));
    let deb = Bg::start(theirs("s6-svwait").args(["-u", "-t", "5000"]).arg(&x1).arg(&x2));
    wait_listeners(&x2, 2);
    ok(&run(theirs("s6-svc").arg("-x").arg(&x1)), "-x x1");
    std::thread::sleep(Duration::from_millis(100));
    ok(&run(theirs("s6-svc").arg("-x").arg(&x2)), "-x x2");
    assert_eq!(mine.finish().code, 2);
    assert_eq!(deb.finish().code, 2);
    // No directories: 0; a missing one: 111.
    ok(&svwait(&["-u"], &[]), "no dirs");
    let missing = fx.path().join("missing");
    let r = svwait(&["-u"], &[&missing]);
    assert_eq!(r.code, 111);
    assert_eq!(
        r.err,
        format!(
            "s6-svwait: fatal: unable to subscribe to events for {}: No such file or directory\n",
            missing.display()
        )
    );
    for d in [&a, &b, &n, &x, &o] {
        no_listeners(d);
    }
}

#[test]
fn svok_exit_codes() {
    let mut fx = Fx::new("svok");
    let a = fx.service("a", "exec sleep 1000");
    let plain = fx.service("plain", "exec sleep 1000");
    let file = fx.path().join("file");
    fs::write(&file, "").unwrap();
    let missing = fx.path().join("missing");
    fx.supervise(&a);
    for (d, code) in [(&a, 0), (&plain, 1), (&missing, 1), (&file, 111)] {
        let o = run(ours("s6-svok").arg(d));
        assert_eq!(o.code, code, "{}: {}", d.display(), o.err);
        assert_eq!(run(theirs("s6-svok").arg(d)).code, code, "Debian's on {}", d.display());
    }
    assert_eq!(
        run(ours("s6-svok").arg(&file)).err,
        format!("s6-svok: fatal: unable to check {}: Not a directory\n", file.display())
    );
    let o = run(&mut ours("s6-svok"));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svok: usage: s6-svok servicedir\n"));
    // A stale supervise/ (supervisor killed): the lock is gone.
    let _ = fx.sups[0].kill();
    let _ = fx.sups[0].wait();
    assert_eq!(run(ours("s6-svok").arg(&a)).code, 1);
}

#[test]
fn svscanctl_drives_s6_svscan() {
    let mut fx = Fx::new("svscanctl");
    let scan = fx.path().join("scan");
    fs::create_dir_all(&scan).unwrap();
    let s = scan.join("s");
    fs::create_dir_all(&s).unwrap();
    write_script(&s.join("run"), "#!/bin/sh\nexec sleep 1000\n");
    let i = fx.svscan(&scan);
    wait_until("s6-svscan to start s", TEN, || run(ours("s6-svok").arg(&s)).code == 0);
    // -a: a new directory is picked up at once.
    let t = scan.join("t");
    fs::create_dir_all(&t).unwrap();
    write_script(&t.join("run"), "#!/bin/sh\nexec sleep 1000\n");
    ok(&run(ours("s6-svscanctl").arg("-a").arg(&scan)), "-a");
    wait_until("-a to supervise t", TEN, || run(ours("s6-svok").arg(&t)).code == 0);
    // -t: everything stops and s6-svscan exits.
    ok(&run(ours("s6-svscanctl").arg("-t").arg(&scan)), "-t");
    wait_until("s6-svscan to exit after -t", TEN, || fx.sups[i].try_wait().unwrap().is_some());
    wait_until("s's supervisor to exit", TEN, || run(ours("s6-svok").arg(&s)).code == 1);
    // Nobody listening: 100.
    let o = run(ours("s6-svscanctl").arg("-t").arg(&scan));
    assert_eq!(o.code, 100);
    assert_eq!(o.err, format!("s6-svscanctl: fatal: unable to control {}: supervisor not listening\n", scan.display()));
    assert_eq!(run(theirs("s6-svscanctl").arg("-t").arg(&scan)).code, 100);
    let missing = fx.path().join("missing");
    let o = run(ours("s6-svscanctl").arg("-t").arg(&missing));
    assert_eq!(o.code, 111);
    assert_eq!(
        o.err,
        format!("s6-svscanctl: fatal: unable to control {}: No such file or directory\n", missing.display())
    );
    // Bytes, verbatim and in order.
    let fake = fx.path().join("fake");
    let mut f = fake_control(&fake, ".s6-svscan");
    ok(&run(ours("s6-svscanctl").arg("-zabhitqnN").arg(&fake)), "all letters");
    assert_eq!(drain(&mut f), "zabhitqnN");
    ok(&run(ours("s6-svscanctl").args(["-t", "-b"]).arg(&fake)), "-t -b");
    assert_eq!(drain(&mut f), "tb");
    ok(&run(theirs("s6-svscanctl").args(["-an"]).arg(&fake)), "theirs -an");
    let theirs_bytes = drain(&mut f);
    ok(&run(ours("s6-svscanctl").args(["-an"]).arg(&fake)), "ours -an");
    assert_eq!(drain(&mut f), theirs_bytes);
    // Legacy and unknown letters, no directory: usage.
    for args in [&["-p"][..], &["-6"], &["-x"]] {
        let o = run(ours("s6-svscanctl").args(args).arg(&fake));
        assert_eq!(o.code, 100, "{args:?}");
        assert_eq!(o.err, "s6-svscanctl: usage: s6-svscanctl [ -zabhitqnN ] svscandir\n");
    }
    let o = run(ours("s6-svscanctl").arg("-t"));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svscanctl: usage: s6-svscanctl [ -zabhitqnN ] svscandir\n"));
    assert_eq!(drain(&mut f), "");
}

#[test]
fn svdt_death_tally() {
    let mut fx = Fx::new("svdt");
    let d = fx.service("d", "[ -e died ] || { touch died; exit 3; }\nexec sleep 1000");
    fx.supervise(&d);
    // exit 3, then (restarted after 1 s) killed by KILL, then by TERM.
    let tally = d.join("supervise/death_tally");
    wait_until("first death", TEN, || fs::metadata(&tally).is_ok_and(|m| m.len() == 14));
    ok(&run(theirs("s6-svwait").args(["-u", "-t", "5000"]).arg(&d)), "up");
    wait_state(&d, "up ");
    ok(&run(ours("s6-svc").arg("-k").arg(&d)), "-k");
    wait_state(&d, "down (signal SIGKILL)");
    ok(&run(theirs("s6-svwait").args(["-u", "-t", "5000"]).arg(&d)), "up");
    ok(&run(ours("s6-svc").args(["-wD", "-d"]).arg(&d)), "-d");
    let mine = run(ours("s6-svdt").arg(&d));
    ok(&mine, "s6-svdt");
    let kinds: Vec<String> = mine.out.lines().map(|l| l.split_once(' ').unwrap().1.to_string()).collect();
    assert_eq!(kinds, ["exitcode 3", "signal SIGKILL", "signal SIGTERM"], "{}", mine.out);
    for l in mine.out.lines() {
        let stamp = l.split(' ').next().unwrap();
        assert!(stamp.len() == 25 && stamp.starts_with("@4000"), "{l}");
    }
    for args in [&[][..], &["-s"], &["-S"], &["-n", "1"], &["-n2"], &["-s", "-n", "5"], &["-n", "0"]] {
        let m = run(ours("s6-svdt").args(args).arg(&d));
        let t = run(theirs("s6-svdt").args(args).arg(&d));
        ok(&m, "ours");
        assert_eq!(m.out, t.out, "{args:?}");
    }
    assert_eq!(run(ours("s6-svdt").args(["-n", "1"]).arg(&d)).out.lines().count(), 1);
    assert!(run(ours("s6-svdt").arg("-s").arg(&d)).out.contains(" signal 9\n"));
    // Bad input.
    let missing = fx.path().join("missing");
    let o = run(ours("s6-svdt").arg(&missing));
    assert_eq!(o.code, 111);
    assert_eq!(
        o.err,
        format!(
            "s6-svdt: fatal: unable to read death tally for service {}: No such file or directory\n",
            missing.display()
        )
    );
    assert_eq!(run(theirs("s6-svdt").arg(&missing)).code, 111);
    for args in [&["-n", "x"][..], &["-Z"], &[]] {
        let o = run(ours("s6-svdt").args(args));
        assert_eq!(
            (o.code, o.err.as_str()),
            (100, "s6-svdt: usage: s6-svdt [ -S | -s ] [ -n maxentries ] servicedir\n"),
            "{args:?}"
        );
    }
}

#[test]
fn bad_input_and_unsupervised_dirs() {
    let mut fx = Fx::new("svbad");
    let a = fx.service("a", "exec sleep 1000");
    let plain = fx.service("plain", "exec sleep 1000");
    let broken = fx.service("broken", "exec sleep 1000");
    fs::create_dir_all(broken.join("supervise")).unwrap();
    let missing = fx.path().join("missing");
    fx.supervise(&a);
    wait_state(&a, "up ");
    // Not supervised: a warning, 102, and the next directory is still done.
    let o = run(ours("s6-svc").arg("-d").arg(&plain).arg(&a));
    assert_eq!(o.code, 102, "{}", o.err);
    assert_eq!(o.err, format!("s6-svc: warning: unable to control {}: supervisor not listening\n", plain.display()));
    wait_state(&a, "down ");
    // The exit code is the last failure's.
    let o = run(ours("s6-svc").arg("-u").arg(&missing).arg(&plain).arg(&a).arg(&broken));
    assert_eq!(o.code, 1, "{}", o.err);
    assert_eq!(
        o.err,
        format!(
            "s6-svc: warning: unable to control {}: No such file or directory\n\
             s6-svc: warning: unable to control {}: supervisor not listening\n\
             s6-svc: warning: something is wrong with the {}/supervise directory: No such file or directory\n",
            missing.display(),
            plain.display(),
            broken.display()
        )
    );
    wait_state(&a, "up ");
    assert_eq!(run(ours("s6-svc").arg("-u").arg(&missing)).code, 111);
    assert_eq!(run(theirs("s6-svc").arg("-u").arg(&missing)).code, 111);
    // s6-svstat on an unsupervised directory: 1.
    for d in [&plain, &missing] {
        let o = run(ours("s6-svstat").arg(d));
        assert_eq!(o.code, 1);
        assert_eq!(
            o.err,
            format!("s6-svstat: fatal: unable to read status for {}: s6-supervise not running\n", d.display())
        );
        assert_eq!(run(theirs("s6-svstat").arg(d)).code, 1);
    }
    // Usage errors: 100, with the usage line.
    let usage_svc = "s6-svc: usage: s6-svc [ -wu | -wU | -wd | -wD | -wr | -wR ] [ -T timeout ] [ -s signal | -abqhkti12pcyrlPCK ] [ -oduDUxOQ ] servicedirs...\n";
    for args in [&["-Z"][..], &["-T", "x", "-u"], &["-T", "-1", "-u"], &["-w", "x"], &["-w", ""]] {
        let o = run(ours("s6-svc").args(args).arg(&a));
        assert_eq!((o.code, o.err.as_str()), (100, usage_svc), "{args:?}");
    }
    for args in [&["-u"][..], &["-wu", "-s"], &["-T"]] {
        let o = run(ours("s6-svc").args(args));
        assert_eq!((o.code, o.err.as_str()), (100, usage_svc), "{args:?} and no directory");
    }
    let o = run(ours("s6-svc").args(["-u", ""]));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svc: fatal: invalid service path\n"));
    let usage_stat = "s6-svstat: usage: s6-svstat [ -uwNrpgest | -o up,wantedup,normallyup,ready,paused,pid,pgid,exitcode,signal,signum,updownsince,readysince,updownfor,readyfor ] [ -n ] servicedir\n";
    for args in [&["-Z"][..], &[], &["-u"]] {
        let o = run(ours("s6-svstat").args(args));
        assert_eq!((o.code, o.err.as_str()), (100, usage_stat), "{args:?}");
    }
    let o = run(ours("s6-svstat").args(["-o", "up,foo"]).arg(&a));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svstat: fatal: invalid option field: foo\n"));
    let o = run(ours("s6-svstat").args(["-o", "up,,pid"]).arg(&a));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svstat: fatal: invalid option field: \n"));
    let o = run(ours("s6-svstat").args(["-o", &vec!["up"; 17].join(",")]).arg(&a));
    assert_eq!((o.code, o.err.as_str()), (100, "s6-svstat: fatal: too many option fields\n"));
    let o = run(ours("s6-svstat").args(["-o", &vec!["up"; 16].join(",")]).arg(&a));
    assert_eq!(o.out, format!("{}\n", vec!["true"; 16].join(" ")));
    let usage_wait =
        "s6-svwait: usage: s6-svwait [ -U | -u | -d | -D | -r | -R ] [ -a | -o ] [ -t timeout ] servicedir...\n";
    for args in [&["-Z"][..], &["-t", "x"], &["-t", "-5"], &["-a", "-q"]] {
        let o = run(ours("s6-svwait").args(args).arg(&a));
        assert_eq!((o.code, o.err.as_str()), (100, usage_wait), "{args:?}");
    }
    let o = run(ours("s6-svwait").arg("-t"));
    assert_eq!((o.code, o.err.as_str()), (100, usage_wait), "-t without a value");
}

/// Our clients against rs6's own supervisor (PID 1 of a container), which
/// writes s6 2.15's status: a service that never started shows as such.
#[test]
fn ours_against_rs6_supervisor() {
    let root = Root::new();
    root.file("/etc/services.d/a/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file("/etc/services.d/b/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file("/etc/services.d/b/down", "", 0o644);
    let c = root.init(&[]).start();
    let svc = |n: &str| root.path().join("run/service").join(n);
    let (a, b) = (svc("a"), svc("b"));
    // The supervisor holds its lock (s6-svok) a moment before it writes
    // the first status.
    wait_until("rs6 to supervise b", TEN, || {
        run(ours("s6-svok").arg(&b)).code == 0 && b.join("supervise/status").exists()
    });
    ok(&run(ours("s6-svwait").args(["-u", "-t", "5000"]).arg(&a)), "a up");
    assert_eq!(svstat_ours(&[], &b), "down (not started yet) \n");
    assert_eq!(svstat_ours(&["-o", "up,wantedup,normallyup,exitcode,signal,pid"], &b), "false false false -1 NA -1\n");
    let st = svstat_ours(&[], &a);
    assert!(st.starts_with("up (pid ") && st.contains(" seconds"), "{st}");
    ok(&run(ours("s6-svc").args(["-wu", "-T", "5000", "-u"]).arg(&b)), "-wu -u b");
    assert!(svstat_ours(&[], &b).starts_with("up (pid "));
    ok(&run(ours("s6-svc").args(["-wD", "-T", "5000", "-d"]).arg(&b)), "-wD -d b");
    let st = svstat_ours(&[], &b);
    assert!(st.starts_with("down (signal SIGTERM) ") && st.contains(", ready "), "{st}");
    let dt = run(ours("s6-svdt").arg(&b));
    assert!(dt.out.ends_with(" signal SIGTERM\n") && dt.out.lines().count() == 1, "{}", dt.out);
    no_listeners(&a);
    no_listeners(&b);
    ok(&run(ours("s6-svscanctl").arg("-t").arg(root.path().join("run/service"))), "-t");
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}
