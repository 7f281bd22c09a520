//! The s6 / s6-portable-utils / s6-overlay tools that scripts call:
//! privilege drop in a chroot (as root, and with `setgroups` refused in a
//! user namespace), differential runs against Debian's `s6` package (same
//! arguments, same stdout, stderr and exit code), and the behaviour of the
//! tools Debian does not ship (s6-portable-utils is not packaged).
use crate::harness::*;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:2:2:daemon:/sbin:/bin/false\n\
    alice:x:1000:1000::/home/alice:/bin/sh\n";
const GROUP: &str = "root:x:0:\ndaemon:x:2:alice\nwheel:x:10:daemon,alice\nadm:x:4:bob,daemon\n\
    alice:x:1000:\nstaff:x:50:alice\n";

/// Run `cmd` with stdin from /dev/null; fail the test after `limit`.
pub fn run_limit(cmd: &mut Command, limit: Duration) -> (i32, String, String) {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let to = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let te = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let st = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let code = st.code().unwrap_or_else(|| 128 + std::os::unix::process::ExitStatusExt::signal(&st).unwrap());
    (code, to.join().unwrap(), te.join().unwrap())
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    run_limit(cmd, Duration::from_secs(30))
}

fn ours(args: &[&str]) -> Command {
    let mut c = Command::new(rs6());
    c.args(args);
    c
}

/// Run the same command line under Debian's tool and ours, in `dir`, with
/// `env` added; both must print the same and exit the same.
fn same_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let theirs = Path::new("/usr/bin").join(args[0]);
    assert!(theirs.exists(), "{} missing: apt-get install s6", theirs.display());
    let mut t = Command::new(&theirs);
    t.args(&args[1..]).current_dir(dir).envs(env.iter().copied());
    let mut o = ours(args);
    o.current_dir(dir).envs(env.iter().copied());
    let a = run(&mut t);
    let b = run(&mut o);
    assert_eq!(a, b, "differs from Debian's: {args:?}");
    b
}

#[allow(dead_code)]
fn same(args: &[&str]) -> (i32, String, String) {
    let d = TempDir::new("s6tools");
    same_in(d.path(), &[], args)
}

fn root_with_accounts() -> Root {
    let r = Root::new();
    r.file("/etc/passwd", PASSWD, 0o644).file("/etc/group", GROUP, 0o644);
    r
}

fn ids(status: &str) -> Vec<String> {
    status.lines().filter(|l| l.starts_with("Uid:") || l.starts_with("Gid:") || l.starts_with("Groups:"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

#[test]
fn setuidgid_drops_to_the_account_and_its_groups() {
    let r = root_with_accounts();
    let o = r.init(&[]).argv(&["/command/s6-setuidgid", "daemon", "/bin/cat", "/proc/self/status"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(ids(&o.stdout), ["Uid: 2 2 2 2", "Gid: 2 2 2 2", "Groups: 2 4 10"]);
    let o = r.init(&[]).argv(&["/usr/bin/s6-setuidgid", "alice", "/bin/cat", "/proc/self/status"]).run();
    assert_eq!(ids(&o.stdout), ["Uid: 1000 1000 1000 1000", "Gid: 1000 1000 1000 1000", "Groups: 2 10 50 1000"]);
    // Numeric form: exactly that uid and gid, the gid as the only group.
    let o = r.init(&[]).argv(&["/command/s6-setuidgid", "7:8", "/bin/cat", "/proc/self/status"]).run();
    assert_eq!(ids(&o.stdout), ["Uid: 7 7 7 7", "Gid: 8 8 8 8", "Groups: 8"]);
    // The environment loses UID, GID and GIDLIST (s6's `s6-applyuidgid -Uz`).
    let o = r.init(&[]).env("GIDLIST", "9").argv(&["/command/s6-setuidgid", "daemon", "/bin/env"]).run();
    assert!(!o.stdout.contains("GIDLIST") && !o.stdout.contains("UID="), "{}", o.stdout);
}

#[test]
fn setuidgid_unknown_user_runs_nothing() {
    let r = root_with_accounts();
    let o = r.init(&[]).argv(&["/command/s6-setuidgid", "nosuch", "/bin/touch", "/ran"]).run();
    assert_eq!(o.code(), 1);
    assert_eq!(o.stderr, "s6-envuidgid: fatal: unknown user: nosuch\n");
    assert!(!r.path().join("ran").exists());
    let o = r.init(&[]).argv(&["/command/s6-setuidgid", "1:x", "/bin/touch", "/ran"]).run();
    assert_eq!(o.code(), 100, "{}", o.stderr);
    assert!(!r.path().join("ran").exists());
}

#[test]
fn setuidgid_fails_closed_when_setgroups_is_refused() {
    let r = root_with_accounts();
    // In a user namespace made by `--map-root-user`, /proc/self/setgroups
    // is "deny": setgroups fails with EPERM and nothing may run.
    for argv in [&["/command/s6-setuidgid", "daemon"][..], &["/command/s6-setuidgid", "0:0"][..], &["/command/s6-applyuidgid", "-G", "4", "-u", "2"][..]] {
        let mut c = Command::new(which("unshare").unwrap());
        c.args(["--user", "--map-root-user", "--mount", "--root"]).arg(r.path()).args(argv).args(["/bin/touch", "/ran"]);
        let (code, out, err) = run(&mut c);
        assert_eq!((code, out.as_str()), (111, ""), "{argv:?}");
        assert_eq!(err, "s6-applyuidgid: fatal: unable to set supplementary group list: Operation not permitted\n");
        assert!(!r.path().join("ran").exists(), "{argv:?} ran its program");
    }
    // Without the refusal the same line runs (the test above can fail).
    let o = r.init(&[]).argv(&["/command/s6-setuidgid", "0:0", "/bin/touch", "/ran"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(r.path().join("ran").exists());
}

#[test]
fn account_tools_match_debian() {
    let d = TempDir::new("envdir");
    let e = d.path().join("e");
    fs::create_dir(&e).unwrap();
    for (k, v) in [("A", "one\ntwo\n"), ("B", "trail \t\n"), ("C", ""), ("D", "\n"), ("E", "x\0y\n"), (".H", "hidden")] {
        fs::write(e.join(k), v).unwrap();
    }
    let env = [("C", "was set"), ("KEEP", "k"), ("UID", "5"), ("GID", "6"), ("GIDLIST", "7,8")];
    let show = ["sh", "-c", "env | grep -E '^(A|B|C|D|E|H|KEEP|UID|GID|GIDLIST)=' | sort"];
    let cases: Vec<Vec<&str>> = vec![
        vec!["s6-setuidgid"], vec!["s6-setuidgid", "daemon"], vec!["s6-setuidgid", "nosuch", "true"],
        vec!["s6-setuidgid", "1:x", "true"], vec!["s6-setuidgid", "daemon", "/nonexistent"],
        vec!["s6-envuidgid"], vec!["s6-envuidgid", "-x", "a", "b"], vec!["s6-envuidgid", "nosuch", "true"],
        vec!["s6-envuidgid", "-D", "11:22:33,44", "nosuch"], vec!["s6-envuidgid", "-D", "bad", "nosuch", "true"],
        vec!["s6-envuidgid", "-g", "daemon"], vec!["s6-envuidgid", "-g", "nosuch", "true"],
        vec!["s6-envuidgid", "-u", "daemon"], vec!["s6-envuidgid", "-B", "daemon:daemon"],
        vec!["s6-envuidgid", "-n", "17"], vec!["s6-envuidgid", "-n", "-B", "17:18"], vec!["s6-envuidgid", "daemon"],
        vec!["s6-applyuidgid"], vec!["s6-applyuidgid", "-U", "true"], vec!["s6-applyuidgid", "-u", "x", "true"],
        vec!["s6-applyuidgid", "-G", "1,2", "-u", "1", "-g", "1", "sh", "-c", "grep Groups /proc/self/status"],
        vec!["s6-applyuidgid", "-z"], vec!["s6-applyuidgid", "-Uz"], vec!["s6-applyuidgid", "/nonexistent"],
        vec!["s6-envdir"], vec!["s6-envdir", "e"], vec!["s6-envdir", "e"], vec!["s6-envdir", "-n", "e"],
        vec!["s6-envdir", "-f", "e"], vec!["s6-envdir", "-fn", "e"], vec!["s6-envdir", "-c", "_", "e"],
        vec!["s6-envdir", "nodir", "true"], vec!["s6-envdir", "-I", "nodir"], vec!["s6-envdir", "-q", "e", "true"],
        vec!["s6-envdir", ".", "true"],
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut args = case.clone();
        // Cases with an account or dir and no program get the env printer.
        if i > 0 && args.len() <= 3 && !args.iter().any(|a| *a == "true" || a.starts_with('/') || *a == "-x") {
            args.extend(show);
        }
        same_in(d.path(), &env, &args);
    }
    // `s6-envdir` results as s6 documents them (the differential above runs
    // these same files through Debian's).
    let (_, out, _) = run(ours(&["s6-envdir", "e"]).args(show).current_dir(d.path()).envs(env));
    assert_eq!(out, "A=one\nB=trail\nD=\nE=x\nGID=6\nGIDLIST=7,8\nKEEP=k\nUID=5\n");
}
