//! The s6 / s6-portable-utils / s6-overlay tools that scripts call:
//! privilege drop in a chroot (as root, and with `setgroups` refused in a
//! user namespace), differential runs against Debian's `s6` package (same
//! arguments, same stdout, stderr and exit code), and the behaviour of the
//! tools Debian does not ship (s6-portable-utils is not packaged).
use crate::harness::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:2:2:daemon:/sbin:/bin/false\n\
    alice:x:1000:1000::/home/alice:/bin/sh\n";
const GROUP: &str = "root:x:0:\ndaemon:x:2:alice\nwheel:x:10:daemon,alice\nadm:x:4:bob,daemon\n\
    alice:x:1000:\nstaff:x:50:alice\n";

/// Run `cmd` with stdin from /dev/null; fail the test after `limit`.
pub fn run_limit(cmd: &mut Command, limit: Duration) -> (i32, String, String) {
    let r = run_timed(cmd, None, limit);
    (r.code(), r.out(), r.err())
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
    status
        .lines()
        .filter(|l| l.starts_with("Uid:") || l.starts_with("Gid:") || l.starts_with("Groups:"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
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
    for argv in [
        &["/command/s6-setuidgid", "daemon"][..],
        &["/command/s6-setuidgid", "0:0"][..],
        &["/command/s6-applyuidgid", "-G", "4", "-u", "2"][..],
    ] {
        let mut c = unshare();
        c.args(["--user", "--map-root-user", "--mount", "--root"])
            .arg(r.path())
            .args(argv)
            .args(["/bin/touch", "/ran"]);
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
    // F: a CR before the newline (trimmed as a blank); G=H: a name with `=`
    // (skipped); Z: longer than the 4095 bytes read without -L.
    let long = "z".repeat(5000);
    for (k, v) in [
        ("A", "one\ntwo\n"),
        ("B", "trail \t\n"),
        ("C", ""),
        ("D", "\n"),
        ("E", "x\0y\n"),
        (".H", "hidden"),
        ("F", "cr \r\n"),
        ("G=H", "x"),
        ("Z", long.as_str()),
    ] {
        fs::write(e.join(k), v).unwrap();
    }
    // A dangling link: skalibs' error is EIDRM.
    fs::create_dir(d.path().join("dangling")).unwrap();
    std::os::unix::fs::symlink("nowhere", d.path().join("dangling/X")).unwrap();
    let env = [("C", "was set"), ("KEEP", "k"), ("UID", "5"), ("GID", "6"), ("GIDLIST", "7,8")];
    let show = ["sh", "-c", "env | grep -E '^(A|B|C|D|E|F|G|H|Z|KEEP|UID|GID|GIDLIST)=' | sort"];
    let cases: Vec<Vec<&str>> = vec![
        vec!["s6-setuidgid"],
        vec!["s6-setuidgid", "daemon"],
        vec!["s6-setuidgid", "nosuch", "true"],
        vec!["s6-setuidgid", "1:x", "true"],
        vec!["s6-setuidgid", "daemon", "/nonexistent"],
        vec!["s6-setuidgid", "-x", "daemon", "true"],
        vec!["s6-envuidgid"],
        vec!["s6-envuidgid", "-x", "a", "b"],
        vec!["s6-envuidgid", "nosuch", "true"],
        vec!["s6-envuidgid", "-D", "11:22:33,44", "nosuch"],
        vec!["s6-envuidgid", "-D", "bad", "nosuch", "true"],
        vec!["s6-envuidgid", "-g", "daemon"],
        vec!["s6-envuidgid", "-g", "nosuch", "true"],
        vec!["s6-envuidgid", "-u", "daemon"],
        vec!["s6-envuidgid", "-B", "daemon:daemon"],
        vec!["s6-envuidgid", "-n", "17"],
        vec!["s6-envuidgid", "-n", "-B", "17:18"],
        vec!["s6-envuidgid", "daemon"],
        vec!["s6-applyuidgid"],
        vec!["s6-applyuidgid", "-U", "true"],
        vec!["s6-applyuidgid", "-u", "x", "true"],
        vec!["s6-applyuidgid", "-G", "1,2", "-u", "1", "-g", "1", "sh", "-c", "grep Groups /proc/self/status"],
        vec!["s6-applyuidgid", "-z"],
        vec!["s6-applyuidgid", "-Uz"],
        vec!["s6-applyuidgid", "/nonexistent"],
        vec!["s6-envdir"],
        vec!["s6-envdir", "e"],
        vec!["s6-envdir", "e"],
        vec!["s6-envdir", "-n", "e"],
        vec!["s6-envdir", "-f", "e"],
        vec!["s6-envdir", "-fn", "e"],
        vec!["s6-envdir", "-c", "_", "e"],
        vec!["s6-envdir", "nodir", "true"],
        vec!["s6-envdir", "-I", "nodir"],
        vec!["s6-envdir", "-q", "e", "true"],
        vec!["s6-envdir", ".", "true"],
        vec!["s6-envdir", "-L", "e"],
        vec!["s6-envdir", "-Lf", "e"],
        vec!["s6-envdir", "-Ln", "e"],
        vec!["s6-envdir", "dangling", "true"],
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut args = case.clone();
        // Cases with an account or dir and no program get the env printer.
        if i > 0 && args.len() <= 3 && !args.iter().any(|a| *a == "true" || a.starts_with('/') || *a == "-x") {
            args.extend(show);
        }
        same_in(d.path(), &env, &args);
    }
    // Numbers read as skalibs' scanners: leading digits that fit in 32
    // bits (`1x` is 1), gid lists that stop at junk but must start with a
    // number; `-U` checks UID, GID, GIDLIST in turn.
    let ids = ["sh", "-c", "echo $UID $GID $GIDLIST; grep -h Groups /proc/self/status"];
    for spec in ["", "1", ":2", "1x:2", "1:2:3x", "1:2:3,4,x", "1:2:,3", "1:2: 3", "4294967295:1", "4294967296:1"] {
        let mut args = vec!["s6-envuidgid", "-D", spec, "nosuch"];
        args.extend(ids);
        same_in(d.path(), &[], &args);
    }
    for acct in ["1x:2", "1:2x", "1:2:3", "1 2", "4294967296:1", "x", "1:x"] {
        let mut args = vec!["s6-envuidgid", "-n", acct];
        args.extend(ids);
        same_in(d.path(), &[], &args);
    }
    for list in ["1,x", "3x", ",1", " ", "4294967296", "1;2 3"] {
        let mut args = vec!["s6-applyuidgid", "-G", list];
        args.extend(ids);
        same_in(d.path(), &[], &args);
        let mut args = vec!["s6-applyuidgid", "-U"];
        args.extend(ids);
        same_in(d.path(), &[("UID", "0"), ("GID", "0"), ("GIDLIST", list)], &args);
    }
    same_in(d.path(), &[("UID", "x"), ("GID", "6")], &["s6-applyuidgid", "-U", "true"]);
    // `s6-envdir` results as s6 documents them (the differential above runs
    // these same files through Debian's).
    let (_, out, _) = run(ours(&["s6-envdir", "e"]).args(show).current_dir(d.path()).envs(env));
    assert_eq!(out, format!("A=one\nB=trail\nD=\nE=x\nF=cr\nGID=6\nGIDLIST=7,8\nKEEP=k\nUID=5\nZ={}\n", &long[..4095]));
}

#[test]
fn notifyoncheck_makes_the_service_ready_when_the_check_succeeds() {
    let root = Root::new();
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    root.file(
        "/etc/services.d/n/run",
        "#!/bin/sh\nls /proc/$$/fd > /tmp/fds0\nexec s6-notifyoncheck -s 0 -w 20 -n 0 sh -c 'ls /proc/$$/fd > /tmp/fds; exec sleep 1000'\n",
        0o755,
    );
    root.file("/etc/services.d/n/data/check", "#!/bin/sh\necho >> /tmp/checks\ntest -e /tmp/go\n", 0o755);
    let cmd = "s6-svwait -u -t 10000 /run/service/n || exit 10\n\
        s6-svwait -U -t 300 /run/service/n 2>/dev/null && exit 11\n\
        test -s /tmp/checks || exit 12\n\
        touch /tmp/go\n\
        s6-svwait -U -t 10000 /run/service/n || exit 13\n\
        cat /tmp/fds0; echo --; cat /tmp/fds\n";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    // The daemon never sees the notification descriptor.
    let (before, after) = o.stdout.split_once("--\n").unwrap();
    assert!(before.lines().any(|l| l == "3"), "{}", o.stdout);
    assert!(!after.lines().any(|l| l == "3"), "{}", o.stdout);
}

#[test]
fn notifyoncheck_gives_up_and_checks_its_directory() {
    let d = TempDir::new("noc");
    // Not a supervised directory: the same refusal as Debian's.
    same_in(d.path(), &[], &["s6-notifyoncheck", "true"]);
    same_in(d.path(), &[], &["s6-notifyoncheck"]);
    same_in(d.path(), &[], &["s6-notifyoncheck", "-s", "x", "true"]);
    // Under rs6: a check that never succeeds, `-n 3` tries, then the child
    // exits 1 and the service is never ready.
    let root = Root::new();
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    root.file("/etc/services.d/n/run", "#!/bin/sh\nexec s6-notifyoncheck -s 0 -w 10 -n 3 sleep 1000\n", 0o755);
    root.file("/etc/services.d/n/data/check", "#!/bin/sh\necho >> /tmp/checks\nexit 1\n", 0o755);
    let cmd = "s6-svwait -u -t 10000 /run/service/n || exit 10\n\
        s6-svwait -U -t 1000 /run/service/n 2>/dev/null && exit 11\n\
        wc -l < /tmp/checks\n";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), "3");
    // A check that cannot be run is a failed try, said each time.
    let root = Root::new();
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    root.file("/etc/services.d/n/run", "#!/bin/sh\nexec s6-notifyoncheck -s 0 -w 10 -n 2 sleep 1000\n", 0o755);
    root.file("/etc/services.d/n/data/check", "#!/bin/sh\nexit 0\n", 0o644);
    let cmd = "s6-svwait -u -t 10000 /run/service/n || exit 10\n\
        s6-svwait -U -t 1000 /run/service/n 2>/dev/null && exit 11\n\
        exit 0\n";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let w = "s6-notifyoncheck (child): warning: unable to spawn ./data/check: Permission denied\n";
    assert_eq!(o.stderr.matches(w).count(), 2, "{}", o.stderr);
}

#[test]
fn notifyoncheck_stops_when_the_service_dies() {
    let root = Root::new();
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    root.file("/etc/services.d/n/run", "#!/bin/sh\nexec s6-notifyoncheck -d -s 0 -w 20 -n 0 sleep 1000\n", 0o755);
    root.file("/etc/services.d/n/data/check", "#!/bin/sh\necho >> /tmp/checks\nexit 1\n", 0o755);
    root.file("/etc/services.d/n/down", "", 0o644);
    // The checks run while the service is up, and stop once it is down.
    let cmd = "s6-svc -u /run/service/n; s6-svwait -u -t 10000 /run/service/n || exit 10\n\
        while [ ! -s /tmp/checks ]; do sleep 0.05; done\n\
        s6-svc -d /run/service/n; s6-svwait -d -t 10000 /run/service/n || exit 11\n\
        sleep 0.3; a=$(wc -l < /tmp/checks); sleep 0.5; b=$(wc -l < /tmp/checks)\n\
        [ $a = $b ] || exit 12\n";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

#[test]
fn setlock_excludes_and_fails_fast_with_n() {
    let d = TempDir::new("lock");
    let f = d.path().join("lock");
    let fs_ = f.to_str().unwrap();
    let mut holder = ours(&["s6-setlock", fs_, "sleep", "3"]).spawn().unwrap();
    wait_until("the lock file", Duration::from_secs(5), || fs::metadata(&f).is_ok());
    std::thread::sleep(Duration::from_millis(200));
    // Ours and Debian's both see the lock: exit 1, same message.
    let (code, out, err) = same(&["s6-setlock", "-n", fs_, "echo", "ran"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, format!("s6-setlock: fatal: unable to lock {fs_}: Device or resource busy\n"));
    same(&["s6-setlock", "-r", "-n", fs_, "echo", "ran"]);
    // -t: gives up at the deadline.
    let t = Instant::now();
    let (code, _, err) = run(&mut ours(&["s6-setlock", "-t", "300", fs_, "echo", "ran"]));
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!((code, err), (1, format!("s6-setlock: fatal: lock {fs_}: timed out\n")));
    // Blocking: runs once the holder is gone.
    let (code, out, _) = run(&mut ours(&["s6-setlock", fs_, "echo", "ran"]));
    assert_eq!((code, out.as_str()), (0, "ran\n"));
    assert!(t.elapsed() >= Duration::from_millis(1500), "did not wait for the holder");
    wait_child(&mut holder, Duration::from_secs(10));
    // Free: -n takes it.
    assert_eq!(run(&mut ours(&["s6-setlock", "-n", fs_, "true"])).0, 0);
    same(&["s6-setlock", "-n", fs_, "/nonexistent"]);
    // Usage: s6 2.15's text, with -d (2.11 has no -d).
    let usage = "s6-setlock: usage: s6-setlock [ -r | -w ] [ -n | -N ] [ -t timeout ] [ -d fd ] lockfile prog...\n";
    for a in [
        &["s6-setlock"][..],
        &["s6-setlock", "-x", fs_, "true"],
        &["s6-setlock", fs_],
        &["s6-setlock", "-t", "x", fs_, "true"],
        &["s6-setlock", "-d", "x", fs_, "true"],
    ] {
        assert_eq!(run(&mut ours(a)), (100, String::new(), usage.to_string()), "{a:?}");
    }
    // Opening: for writing (-w), for reading (-r, created first when
    // missing), as Debian's; a directory can be read-locked.
    let ro = d.path().join("ro");
    fs::write(&ro, "").unwrap();
    fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    let nr = d.path().join("nr");
    fs::write(&nr, "").unwrap();
    fs::set_permissions(&nr, std::os::unix::fs::PermissionsExt::from_mode(0o0)).unwrap();
    let (ro, nr, dir) = (ro.to_str().unwrap(), nr.to_str().unwrap(), d.path().to_str().unwrap());
    let new = format!("{dir}/new");
    for a in [
        &["s6-setlock", "/nonexistent/dir/lock", "true"][..],
        &["s6-setlock", "-r", "/nonexistent/dir/lock", "true"],
        &["s6-setlock", "-r", dir, "echo", "ran"],
        &["s6-setlock", dir, "true"],
        &["s6-setlock", "-r", &new, "echo", "ran"],
    ] {
        same(a);
    }
    for a in [&["-r", ro, "echo", "ran"][..], &[ro, "echo", "ran"], &["-r", nr, "echo", "ran"]] {
        let as_user = |c: Command| {
            let mut u = Command::new("setpriv");
            u.args(["--reuid", "1000", "--regid", "1000", "--clear-groups"]).arg(c.get_program()).args(c.get_args());
            run(&mut u)
        };
        let mut theirs = Command::new("/usr/bin/s6-setlock");
        theirs.args(a);
        let mut o = Command::new(rs6());
        o.arg("s6-setlock").args(a);
        assert_eq!(as_user(o), as_user(theirs), "{a:?}");
    }
    // -d: the lock on that descriptor, still held by the program (a
    // POSIX lock goes with any close of the file: the move comes first).
    let (code, out, _) = run(&mut ours(&["s6-setlock", "-d", "7", fs_, "sh", "-c", "readlink /proc/$$/fd/7"]));
    assert_eq!((code, out), (0, format!("{fs_}\n")));
    let mut holder = ours(&["s6-setlock", "-d", "7", fs_, "sleep", "2"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let (code, _, err) = run(&mut ours(&["s6-setlock", "-n", fs_, "true"]));
    assert_eq!((code, err), (1, format!("s6-setlock: fatal: unable to lock {fs_}: Device or resource busy\n")));
    wait_child(&mut holder, Duration::from_secs(10));
}

#[test]
fn setsid_matches_debian() {
    for a in [
        &["s6-setsid"][..],
        &["s6-setsid", "-x", "true"],
        &["s6-setsid", "/nonexistent"],
        &["s6-setsid", "-d", "x", "true"],
        &["s6-setsid", "-b", "echo", "b"],
        &["s6-setsid", "-f", "-q", "echo", "f"],
        &["s6-setsid", "-i", "-d", "9", "-f", "true"],
        &["s6-setsid", "-d", "9", "-g", "true"],
    ] {
        same(a);
    }
    // A new session: the program's session id is its pid; -b: its group.
    let sid = "read -r l < /proc/self/stat; set -- $l; echo $1 $5 $6";
    for (opt, field) in [("-s", 2), ("-b", 1)] {
        let (_, out, _) = run(ours(&["s6-setsid", opt, "sh", "-c", sid]).stdin(Stdio::null()));
        let v: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(v[0], v[field], "{opt}: {out}");
    }
}

#[test]
fn maximumtime_kills_at_the_deadline() {
    let d = TempDir::new("mt");
    let pidf = d.path().join("pid");
    let t = Instant::now();
    let script = format!("echo $$ > {}; exec sleep 20", pidf.display());
    let (code, _, err) = run(&mut ours(&["s6-maximumtime", "300", "sh", "-c", &script]));
    assert_eq!(
        (code, err.as_str()),
        (99, "s6-maximumtime: warning: unable to wait for child process: Connection timed out\n")
    );
    assert!(t.elapsed() >= Duration::from_millis(300) && t.elapsed() < Duration::from_secs(10));
    let pid = fs::read_to_string(&pidf).unwrap().trim().to_string();
    let gone = || fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| s.contains(") Z "));
    wait_until("the child to be killed", Duration::from_secs(5), gone);
    assert_eq!(run(&mut ours(&["s6-maximumtime", "5000", "sh", "-c", "exit 7"])).0, 7);
    let (code, _, err) = run(&mut ours(&["s6-maximumtime", "5000", "sh", "-c", "kill -9 $$"]));
    assert_eq!((code, err.as_str()), (111, "s6-maximumtime: warning: child process crashed\n"));
    // A program that cannot be run is s6-maximumtime's failure, not a
    // child's exit code.
    let (code, _, err) = run(&mut ours(&["s6-maximumtime", "5000", "/nonexistent/prog"]));
    assert_eq!(
        (code, err.as_str()),
        (111, "s6-maximumtime: fatal: unable to spawn /nonexistent/prog: No such file or directory\n")
    );
    let (code, _, err) = run(&mut ours(&["s6-maximumtime", "5000", "/"]));
    assert_eq!((code, err.as_str()), (111, "s6-maximumtime: fatal: unable to spawn /: Permission denied\n"));
    let (code, _, err) = run(&mut ours(&["s6-maximumtime", "-k", "1.5", "true"]));
    assert_eq!(code, 100);
    assert!(err.starts_with("s6-maximumtime: usage: s6-maximumtime [ -0 | -a"), "{err}");
}

#[test]
fn with_retries_counts_and_exits() {
    let d = TempDir::new("wr");
    let c = d.path().join("count");
    let cs = c.display().to_string();
    // Every attempt fails: N attempts, then 1.
    let (code, _, _) = run(&mut ours(&["with-retries", "-n", "4", "sh", "-c", &format!("echo >> {cs}; exit 3")]));
    assert_eq!((code, fs::read_to_string(&c).unwrap().lines().count()), (1, 4));
    // The second attempt succeeds: 0 after two.
    fs::remove_file(&c).unwrap();
    let ok2 = format!("echo >> {cs}; test $(wc -l < {cs}) -ge 2");
    let (code, _, _) = run(&mut ours(&["with-retries", "sh", "-c", &ok2]));
    assert_eq!((code, fs::read_to_string(&c).unwrap().lines().count()), (0, 2));
    // Each attempt is cut at -t; the default count is 3.
    let t = Instant::now();
    let (code, _, err) = run(&mut ours(&["with-retries", "-t", "100", "sleep", "10"]));
    assert_eq!(code, 1);
    assert_eq!(err.matches("unable to wait for child process").count(), 3, "{err}");
    assert!(t.elapsed() < Duration::from_secs(8));
    // Every attempt starts with the signal mask with-retries was given
    // (grep prints its own mask, then fails on the missing file).
    let (code, out, _) =
        run(&mut ours(&["with-retries", "-n", "3", "grep", "-h", "SigBlk", "/proc/self/status", "/nonexistent"]));
    assert_eq!(code, 1);
    let masks: Vec<&str> = out.lines().collect();
    assert_eq!(masks.len(), 3);
    assert!(masks.iter().all(|l| *l == masks[0]) && masks[0].ends_with("\t0000000000000000"), "{masks:?}");
    // An attempt whose program cannot be run fails as s6-maximumtime does,
    // and the next attempt follows.
    let (code, _, err) = run(&mut ours(&["with-retries", "-n", "2", "/nonexistent/prog"]));
    assert_eq!(code, 1);
    assert_eq!(err, "s6-maximumtime: fatal: unable to spawn /nonexistent/prog: No such file or directory\n".repeat(2));
    let (code, _, _) = run(&mut ours(&["with-retries", "-n", "0", "true"]));
    assert_eq!(code, 1);
    assert_eq!(run(&mut ours(&["with-retries", "-n", "x", "true"])).0, 100);
}

#[test]
fn portable_utils_behave_as_upstream() {
    let d = TempDir::new("pu");
    let p = d.path();
    let r = |a: &[&str]| run(ours(a).current_dir(p));
    assert_eq!(r(&["s6-echo", "-s", ":;", "a", "b", "c"]), (0, "a:b:c\n".into(), String::new()));
    assert_eq!(r(&["s6-echo", "-n", "--", "-n"]), (0, "-n".into(), String::new()));
    assert_eq!(r(&["s6-echo", "-s", "", "a", "b"]).1, "a\0b\n");
    assert_eq!(
        r(&["s6-echo", "-e", "x"]),
        (100, String::new(), "s6-echo: usage: s6-echo [ -n ] [ -s sep ] args...\n".into())
    );
    let t = Instant::now();
    assert_eq!(r(&["s6-sleep", "-m", "200", "echo", "woke"]).1, "woke\n");
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(r(&["s6-sleep", "0"]).0, 0);
    assert_eq!(r(&["s6-sleep", "1.5"]).0, 100);
    assert_eq!(r(&["s6-sleep", "0", "/nonexistent"]).0, 127);
    // mkdir
    assert_eq!(
        r(&["s6-mkdir", "-pv", "-m", "750", "x/y/z"]),
        (
            0,
            String::new(),
            "s6-mkdir: created directory x\ns6-mkdir: created directory x/y\ns6-mkdir: created directory x/y/z\n"
                .into()
        )
    );
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    assert_eq!(fs::metadata(p.join("x/y/z")).unwrap().mode() & 0o7777, 0o750);
    assert_eq!(
        r(&["s6-mkdir", "x", "w"]),
        (111, String::new(), "s6-mkdir: warning: unable to mkdir x: File exists\n".into())
    );
    assert!(p.join("w").is_dir());
    assert_eq!(r(&["s6-mkdir", "-p", "x/y"]).0, 0);
    assert_eq!(r(&["s6-mkdir", "-m", "9", "q"]).0, 100);
    // chmod, chown
    assert_eq!(r(&["s6-chmod", "4711", "w"]).0, 0);
    assert_eq!(fs::metadata(p.join("w")).unwrap().mode() & 0o7777, 0o4711);
    assert_eq!(r(&["s6-chmod", "8", "w"]).0, 100);
    assert_eq!(
        r(&["s6-chmod", "644", "nope"]),
        (111, String::new(), "s6-chmod: fatal: unable to change mode of nope: No such file or directory\n".into())
    );
    assert_eq!(r(&["s6-chown", "-u", "7", "-g", "8", "w"]).0, 0);
    assert_eq!((fs::metadata(p.join("w")).unwrap().uid(), fs::metadata(p.join("w")).unwrap().gid()), (7, 8));
    assert_eq!(r(&["s6-chown", "-g", "9", "w"]).0, 0);
    assert_eq!((fs::metadata(p.join("w")).unwrap().uid(), fs::metadata(p.join("w")).unwrap().gid()), (7, 9));
    assert_eq!(run(ours(&["s6-chown", "-U", "w"]).current_dir(p).env("UID", "3").env("GID", "4")).0, 0);
    assert_eq!(fs::metadata(p.join("w")).unwrap().uid(), 3);
    assert_eq!(
        run(ours(&["s6-chown", "-U", "w"]).current_dir(p).env_remove("UID")).2,
        "s6-chown: fatal: UID not set\n"
    );
    // ln
    fs::write(p.join("t"), "target").unwrap();
    assert_eq!(r(&["s6-ln", "-s", "t", "l"]).0, 0);
    assert_eq!(fs::read_link(p.join("l")).unwrap().to_str(), Some("t"));
    assert_eq!(
        r(&["s6-ln", "-s", "u", "l"]),
        (111, String::new(), "s6-ln: fatal: unable to make a link from l to u: File exists\n".into())
    );
    assert_eq!(r(&["s6-ln", "-sf", "u", "l"]).0, 0);
    assert_eq!(fs::read_link(p.join("l")).unwrap().to_str(), Some("u"));
    assert_eq!(r(&["s6-ln", "t", "h"]).0, 0);
    assert_eq!(fs::metadata(p.join("h")).unwrap().ino(), fs::metadata(p.join("t")).unwrap().ino());
    assert_eq!(r(&["s6-ln", "-s", "/a/t", "/b/u", "w"]).0, 0);
    assert_eq!(fs::read_link(p.join("w/u")).unwrap().to_str(), Some("/b/u"));
    assert_eq!(r(&["s6-ln", "t"]).0, 100);
    // -n: a symlink to a directory as dest is replaced, not linked into.
    fs::create_dir_all(p.join("d1")).unwrap();
    fs::create_dir_all(p.join("d2")).unwrap();
    assert_eq!(r(&["s6-ln", "-s", "d1", "cur"]).0, 0);
    assert_eq!(r(&["s6-ln", "-nsf", "d2", "cur"]).0, 0);
    assert_eq!(fs::read_link(p.join("cur")).unwrap().to_str(), Some("d2"));
    assert_eq!(fs::read_dir(p.join("d1")).unwrap().count(), 0);
    assert_eq!(r(&["s6-ln", "-sf", "d1", "cur"]).0, 0);
    assert_eq!(fs::read_link(p.join("cur")).unwrap().to_str(), Some("d2"));
    assert_eq!(fs::read_link(p.join("d2/d1")).unwrap().to_str(), Some("d1"));
    // hiercopy keeps modes, links and contents
    fs::create_dir_all(p.join("src/sub")).unwrap();
    fs::write(p.join("src/sub/f"), "data").unwrap();
    fs::set_permissions(p.join("src/sub/f"), fs::Permissions::from_mode(0o640)).unwrap();
    fs::set_permissions(p.join("src/sub"), fs::Permissions::from_mode(0o2710)).unwrap();
    std::os::unix::fs::symlink("sub/f", p.join("src/link")).unwrap();
    assert_eq!(r(&["s6-hiercopy", "src", "dst"]).0, 0);
    assert_eq!(fs::read_to_string(p.join("dst/sub/f")).unwrap(), "data");
    assert_eq!(fs::metadata(p.join("dst/sub/f")).unwrap().mode() & 0o7777, 0o640);
    assert_eq!(fs::metadata(p.join("dst/sub")).unwrap().mode() & 0o7777, 0o2710);
    assert_eq!(fs::read_link(p.join("dst/link")).unwrap().to_str(), Some("sub/f"));
    assert_eq!(
        r(&["s6-hiercopy", "nope", "dst2"]).2,
        "s6-hiercopy: fatal: unable to copy hierarchy from nope to dst2: No such file or directory\n"
    );
    // rmrf
    assert_eq!(r(&["s6-rmrf", "dst", "src", "nope"]).0, 0);
    assert!(!p.join("dst").exists() && !p.join("src").exists());
    assert_eq!(r(&["s6-rmrf"]).0, 100);
    // dumpenv
    let (code, _, _) =
        run(ours(&["s6-dumpenv", "-m", "700", "env"]).current_dir(p).env_clear().env("A", "1").env("EMPTY", ""));
    assert_eq!(code, 0);
    let mut names: Vec<String> =
        fs::read_dir(p.join("env")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["A", "EMPTY"]);
    assert_eq!(fs::read_to_string(p.join("env/A")).unwrap(), "1");
    assert_eq!(fs::metadata(p.join("env")).unwrap().mode() & 0o7777, 0o700);
    assert_eq!(r(&["s6-dumpenv", "t"]).2, "s6-dumpenv: fatal: unable to mkdir t: Not a directory\n");
}

/// `stdin` through `prog` (Debian's when `theirs`): (code, stdout, stderr).
fn filter(theirs: bool, prog: &str, env: &[(&str, &str)], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut c = if theirs { Command::new(Path::new("/usr/bin").join(prog)) } else { ours(&[prog]) };
    c.env_clear().envs(env.iter().copied());
    let r = run_timed(&mut c, Some(stdin), Duration::from_secs(10));
    (r.code(), r.out.clone(), r.err())
}

/// `s6-tai64nlocal` against Debian's on labels of several eras (leap
/// seconds), malformed ones, the ten seconds between TAI's 1970 and the
/// Unix epoch, a label alone at the end, in several zones; `s6-tai64n`'s
/// labels, read back, and its newline after an unterminated last line.
#[test]
fn tai64n_and_tai64nlocal_match_debian() {
    let input: &[u8] = b"@400000006b0adf5a2adb86a1 hello\n@4000 short\nplain\n@400000006b0adf5a2adb86a1\n\
        @400000006b0adf5a2adb86aZ x\n@400000004b0adf5a00000001 2009\n@400000005a0adf5a2adb86a1 2017\n\
        @400000003000000000000000 1995\n@3fffffffffffffff00000000 before 1970\n\n@\n\
        @400000000000000000000000 TAI 1970\n@400000000000000900000000 UTC 1969\n@400000000000000a00000000 epoch\n\
        @400000006B0ADF5A2aDB86A1 upper\n@400000006b0adf5a2adb86a1";
    for tz in [Some("UTC"), Some("Europe/Paris"), Some("America/New_York"), Some(""), None] {
        let env: Vec<(&str, &str)> = tz.map(|z| vec![("TZ", z)]).unwrap_or_default();
        let theirs = filter(true, "s6-tai64nlocal", &env, input);
        assert_eq!(filter(false, "s6-tai64nlocal", &env, input), theirs, "TZ={tz:?}");
        assert_eq!(theirs.0, 0);
        // -g: UTC whatever TZ says; a bad option: usage, 100.
        for opt in ["-g", "-x"] {
            let run = |theirs: bool| {
                let mut c = if theirs { Command::new("/usr/bin/s6-tai64nlocal") } else { ours(&["s6-tai64nlocal"]) };
                c.arg(opt).env_clear().envs(env.iter().copied());
                let r = run_timed(&mut c, Some(input), Duration::from_secs(10));
                (r.code(), r.out.clone(), r.err())
            };
            assert_eq!(run(false), run(true), "{opt} TZ={tz:?}");
        }
    }
    // Years past 9999 in full, up to 2147483647 (the last one a `struct
    // tm` holds); later labels as they are; nanoseconds past 999999999
    // keep their first nine digits, as upstream prints them.
    let far: &[u8] = b"@4000003afff441a400000000 x\n@4000003afff441a500000000 x\n@400000080000002500000000 x\n\
        @400001000000002500000000 x\n@40f0c29d868bfd8900000000 x\n@410000000000002500000000 x\n\
        @7fffffffffffffff00000000 y\n@800000000000000000000000 v\n@ffffffffffffffff00000000 u\n\
        @400000006b11663f3b9aca00 z\n@400000006b11663fffffffff z\n";
    let theirs = filter(true, "s6-tai64nlocal", &[("TZ", "UTC")], far);
    assert_eq!(filter(false, "s6-tai64nlocal", &[("TZ", "UTC")], far), theirs);
    let text = String::from_utf8(theirs.1).unwrap();
    assert!(text.contains("\n36812-02-20 00:36:16.000000000 x\n2147483647-12-31 23:59:32.000000000 x\n"), "{text}");
    assert!(text.contains("\n@410000000000002500000000 x\n") && text.ends_with(".429496729 z\n"), "{text}");
    let before = std::time::SystemTime::now();
    let (code, out, err) = filter(false, "s6-tai64n", &[], b"a\n\nbb\nlast");
    assert_eq!((code, err.as_str()), (0, ""));
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 4, "{text:?}");
    for (l, want) in lines.iter().zip(["a\n", "\n", "bb\n", "last\n"]) {
        assert_eq!((&l[..1], &l[25..26], &l[26..]), ("@", " ", want), "{text:?}");
        assert!(l[1..25].bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{text:?}");
    }
    // Read back by Debian's tool, the stamp is now (in UTC).
    let (_, local, _) = filter(true, "s6-tai64nlocal", &[("TZ", "UTC")], text.as_bytes());
    let local = String::from_utf8(local).unwrap();
    let secs = before.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (_, date, _) = run(Command::new("date").args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%d %H:%M"]));
    assert!(local.starts_with(date.trim()), "{local:?} vs {date:?}");
    // Debian's adds the same newline.
    let (_, theirs, _) = filter(true, "s6-tai64n", &[], b"a\n\nbb\nlast");
    let strip = |t: &str| t.split_inclusive('\n').map(|l| l[26..].to_string()).collect::<String>();
    assert_eq!(strip(&text), strip(&String::from_utf8(theirs).unwrap()));
    // Lines of any length come out whole, the unterminated last one too.
    let long = format!("{}\nsecond\n{}", "a".repeat(20000), "z".repeat(9000));
    let (code, ours_out, err) = filter(false, "s6-tai64n", &[], long.as_bytes());
    let (_, theirs, _) = filter(true, "s6-tai64n", &[], long.as_bytes());
    assert_eq!((code, err.as_str()), (0, ""));
    let (ours_out, theirs) = (String::from_utf8(ours_out).unwrap(), String::from_utf8(theirs).unwrap());
    assert_eq!(strip(&ours_out), strip(&theirs));
    assert_eq!(strip(&ours_out), format!("{}\nsecond\n{}\n", "a".repeat(20000), "z".repeat(9000)));
}

/// `s6-tai64n` stamps a line when its newline comes (as upstream, which
/// reads whole lines), and writes nothing of it before: a line that took
/// 0.6 s to arrive carries the later time, as Debian's does.
#[test]
fn tai64n_stamps_a_line_when_it_ends() {
    use std::io::{Read, Write};
    for theirs in [true, false] {
        let mut c = if theirs { Command::new("/usr/bin/s6-tai64n") } else { ours(&["s6-tai64n"]) };
        let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let t0 = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
        stdin.write_all(b"partial").unwrap();
        std::thread::sleep(Duration::from_millis(600));
        stdin.write_all(b" rest\nnext\n").unwrap();
        drop(stdin);
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(child.wait().unwrap().success());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out:?}");
        assert_eq!((&lines[0][25..], &lines[1][25..]), (" partial rest", " next"), "{out:?}");
        for l in &lines {
            // TAI64N: 2^62 + 10 + Unix seconds + leap seconds (37 now).
            let secs = u64::from_str_radix(&l[1..17], 16).unwrap() - (1u64 << 62) - 10 - 27;
            let nanos = u64::from_str_radix(&l[17..25], 16).unwrap();
            let at = secs as f64 + nanos as f64 / 1e9 - t0;
            assert!((0.5..5.0).contains(&at), "theirs={theirs}: stamped {at:.3} s after the first byte: {out:?}");
        }
    }
}

/// An empty program name is looked up in PATH as skalibs does (`DIR/` is
/// a directory: EACCES, 126), not refused as not found (127).
#[test]
fn empty_program_name_matches_debian() {
    let d = TempDir::new("emptyprog");
    fs::create_dir(d.path().join("e")).unwrap();
    let r = same_in(d.path(), &[("PATH", "/usr/bin:/bin")], &["s6-envdir", "e", ""]);
    assert_eq!(r, (126, String::new(), "s6-envdir: fatal: unable to exec : Permission denied\n".into()));
    same_in(d.path(), &[("PATH", "/usr/bin:/bin")], &["s6-setsid", ""]);
    // NUL cannot stand for NUL: EINVAL, 111, as skalibs' envdir.
    let r = same_in(d.path(), &[("PATH", "/usr/bin:/bin")], &["s6-envdir", "-c", "", "e", "true"]);
    assert_eq!(r, (111, String::new(), "s6-envdir: fatal: unable to envdir e: Invalid argument\n".into()));
}

/// `s6-softlimit` against Debian's; `s6-true` and `s6-false`.
#[test]
fn softlimit_true_and_false() {
    let d = TempDir::new("softlimit");
    let script = d.path().join("ul");
    fs::write(&script, "#!/bin/sh\nulimit -n; ulimit -d; ulimit -t; ulimit -Hn\n").unwrap();
    fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let s = script.to_str().unwrap();
    // qemu-user does not pass RLIMIT_DATA (nor AS and STACK) on: it would
    // limit the emulator itself.
    let data: &[&str] = if emulated() { &["-t", "5"] } else { &["-d", "100000000", "-t", "5"] };
    for opts in [&["-o", "64"][..], &["-o", "="], &["-o", "99999999999"], data, &["-o", "x"], &[]] {
        let mut args = vec!["s6-softlimit"];
        args.extend_from_slice(opts);
        args.push(s);
        same_in(d.path(), &[], &args);
    }
    same_in(d.path(), &[], &["s6-softlimit", "-o", "64"]);
    same_in(d.path(), &[], &["s6-softlimit", "-o", "64", "/nonexistent"]);
    assert_eq!(run(&mut ours(&["s6-true", "x"])), (0, String::new(), String::new()));
    assert_eq!(run(&mut ours(&["s6-false"])), (1, String::new(), String::new()));
}

/// The rest of s6-portable-utils' and s6-linux-utils' small tools, as
/// upstream's code reads (Debian packages neither).
#[test]
fn more_portable_utils_behave_as_upstream() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let d = TempDir::new("pu2");
    let p = d.path();
    let r = |a: &[&str]| run(ours(a).current_dir(p));
    let out = |s: &str| (0, s.to_string(), String::new());
    // basename and dirname: skalibs' rules, suffix only when shorter.
    for (args, want) in [
        (&["s6-basename", "/a/b//"][..], "b\n"),
        (&["s6-basename", "////"], "/\n"),
        (&["s6-basename", ""], ".\n"),
        (&["s6-basename", "-n", "x.txt", ".txt"], "x"),
        (&["s6-basename", ".txt", ".txt"], ".txt\n"),
        (&["s6-basename", "--", "-n"], "-n\n"),
        (&["s6-dirname", "a//b"], "a/\n"),
        (&["s6-dirname", "/a"], "/\n"),
        (&["s6-dirname", "a"], ".\n"),
        (&["s6-dirname", "a/b/"], "a\n"),
        (&["s6-dirname", "-n", ""], "."),
    ] {
        assert_eq!(r(args), out(want), "{args:?}");
    }
    assert_eq!(
        r(&["s6-basename"]),
        (100, String::new(), "s6-basename: usage: s6-basename [ -n ] file [ suffix ]\n".into())
    );
    assert_eq!(r(&["s6-dirname", "-x", "a"]).0, 100);
    // cat
    let (code, o, _) = {
        let c = run_timed(ours(&["s6-cat", "ignored"]).current_dir(p), Some(b"a\0b\nc"), Duration::from_secs(10));
        (c.code(), c.out.clone(), c.err())
    };
    assert_eq!((code, o), (0, b"a\0b\nc".to_vec()));
    // env and printenv: env_merge's order (a changed variable's place is
    // taken by the last one; the new value goes last).
    let base = ["A=1", "B=2", "C=3", "D=4"];
    let envr = |a: &[&str]| with_env(&base, rs6(), a);
    // What the tool received, changed as env_merge does.
    let merged = |mods: &[&str]| {
        let mut v: Vec<String> = as_received(&base).iter().map(|s| s.to_string()).collect();
        for m in mods {
            let name = m.split('=').next().unwrap();
            if let Some(j) = v.iter().position(|e| e.split('=').next() == Some(name)) {
                v.swap_remove(j);
            }
            v.push(m.to_string());
        }
        v
    };
    let lines = |v: Vec<String>, sep: &str, last: &str| v.join(sep) + last;
    assert_eq!(envr(&["s6-env"]), out(&lines(merged(&[]), "\n", "\n")));
    assert_eq!(envr(&["s6-env", "B=9", "E=5"]), out(&lines(merged(&["B=9", "E=5"]), "\n", "\n")));
    if !emulated() {
        assert_eq!(envr(&["s6-env", "B=9", "E=5"]).1, "A=1\nD=4\nC=3\nB=9\nE=5\n");
    }
    assert_eq!(envr(&["s6-env", "-i", "X=1", "Y=2", "X=3"]), out("Y=2\nX=3\n"));
    assert_eq!(envr(&["s6-env", "-i", "X=1", "sh", "-c", "echo $X; env | wc -l"]).1, "1\n2\n");
    assert_eq!(envr(&["s6-env", "/nonexistent"]).0, 127);
    assert_eq!(envr(&["s6-printenv", "-n"]), out(&lines(merged(&[]), "\n", "")));
    assert_eq!(envr(&["s6-printenv", "-d", ":"]), out(&lines(merged(&[]), ":", ":")));
    let net: String = merged(&[]).iter().map(|e| format!("{}:{e},", e.len())).collect();
    assert_eq!(envr(&["s6-printenv", "-d", ""]), out(&net));
    assert_eq!(envr(&["s6-printenv", "-0n"]), out(&lines(merged(&[]), "\0", "")));
    // touch makes files and updates times; mkfifo never makes them executable.
    fs::write(p.join("old"), "keep").unwrap();
    let t0 = fs::metadata(p.join("old")).unwrap().mtime_nsec();
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(r(&["s6-touch", "old", "new"]), out(""));
    assert_eq!(fs::read_to_string(p.join("old")).unwrap(), "keep");
    assert_ne!(fs::metadata(p.join("old")).unwrap().mtime_nsec(), t0);
    assert_eq!(fs::metadata(p.join("new")).unwrap().len(), 0);
    assert_eq!(
        r(&["s6-touch", "nodir/x"]),
        (111, String::new(), "s6-touch: fatal: unable to touch nodir/x: No such file or directory\n".into())
    );
    assert_eq!(r(&["s6-touch"]).0, 100);
    assert_eq!(r(&["s6-mkfifo", "-m", "777", "f1", "f2"]), out(""));
    let m = fs::metadata(p.join("f2")).unwrap();
    assert!(m.file_type().is_fifo());
    assert_eq!(m.mode() & 0o777, 0o666);
    assert_eq!(r(&["s6-mkfifo", "-m", "8", "f3"]).0, 100);
    // uint0_oscan: leading zeros are fine, more than 32 bits is not.
    assert_eq!(r(&["s6-mkfifo", "-m", "40000000644", "f3"]).0, 100);
    assert_eq!(r(&["s6-mkfifo", "-m", "000000000000644", "f3"]), out(""));
    assert_eq!(fs::metadata(p.join("f3")).unwrap().mode() & 0o777, 0o644);
    assert_eq!(r(&["s6-mkfifo", "f1"]).2, "s6-mkfifo: fatal: unable to mkfifo f1: File exists\n");
    // rename, linkname
    assert_eq!(r(&["s6-rename", "f1", "g1"]), out(""));
    assert!(p.join("g1").exists() && !p.join("f1").exists());
    assert_eq!(
        r(&["s6-rename", "f1", "h"]),
        (111, String::new(), "s6-rename: fatal: unable to rename f1 to h: No such file or directory\n".into())
    );
    assert_eq!(r(&["s6-rename", "g1"]).0, 100);
    std::os::unix::fs::symlink("old", p.join("ln")).unwrap();
    assert_eq!(r(&["s6-linkname", "ln"]), out("old\n"));
    assert_eq!(r(&["s6-linkname", "-n", "ln"]), out("old"));
    let real = fs::canonicalize(p.join("old")).unwrap();
    assert_eq!(r(&["s6-linkname", "-f", "./ln"]), out(&format!("{}\n", real.display())));
    assert_eq!(r(&["s6-linkname", "old"]).2, "s6-linkname: fatal: unable to resolve old: Invalid argument\n");
    assert_eq!(r(&["s6-linkname", "-f", "nope"]).0, 111);
    // -f resolves as realpath(3), with no /proc (a chroot has none).
    fs::create_dir_all(p.join("a/b")).unwrap();
    std::os::unix::fs::symlink("a/b", p.join("l1")).unwrap();
    std::os::unix::fs::symlink("l3", p.join("l3")).unwrap();
    let real = fs::canonicalize(p).unwrap();
    let real = real.display();
    for (path, want) in [
        ("l1/..", Ok(format!("{real}/a"))),
        ("./a//b/", Ok(format!("{real}/a/b"))),
        ("..", Ok(fs::canonicalize(p.join("..")).unwrap().display().to_string())),
        ("old/", Err("Not a directory")),
        ("l3", Err("Too many levels of symbolic links")),
        ("", Err("No such file or directory")),
    ] {
        let want = match want {
            Ok(w) => (0, format!("{w}\n"), String::new()),
            Err(e) => (111, String::new(), format!("s6-linkname: fatal: unable to resolve {path}: {e}\n")),
        };
        assert_eq!(r(&["s6-linkname", "-f", path]), want, "{path:?}");
    }
    let chroot = format!("cd {}; exec /usr/sbin/chroot . /bin/s6-linkname -f l1/.././b", p.display());
    fs::create_dir_all(p.join("bin")).unwrap();
    fs::copy(rs6(), p.join("bin/s6-linkname")).unwrap();
    assert_eq!(run(Command::new("sh").args(["-c", &chroot])), out("/a/b\n"));
    // Output that cannot be written: 111, long or short.
    let long = "x".repeat(5000);
    for a in [&["s6-basename", "x"][..], &["s6-basename", &long], &["s6-dirname", &format!("{long}/y")]] {
        let mut c = ours(a);
        c.stdout(fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(111), "{a:?}");
    }
    let mut c = ours(&["s6-printenv"]);
    c.env_clear().env("X", &long).stdout(fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    assert_eq!(c.output().unwrap().status.code(), Some(111));
    // sync, nice, hostname, chroot
    assert_eq!(r(&["s6-sync"]), out(""));
    let nice = |a: &[&str]| r(a).1.trim().parse::<i32>().unwrap();
    let base: i32 = run(Command::new("sh").args(["-c", "nice"])).1.trim().parse().unwrap();
    assert_eq!(nice(&["s6-nice", "sh", "-c", "nice"]), (base + 10).min(19));
    assert_eq!(nice(&["s6-nice", "-n", "3", "sh", "-c", "nice"]), (base + 3).min(19));
    assert_eq!(r(&["s6-nice", "-n", "x", "true"]).0, 100);
    assert_eq!(r(&["s6-nice"]).0, 100);
    assert_eq!(r(&["s6-nice", "/nonexistent"]).0, 127);
    let host = run(&mut Command::new("hostname")).1;
    assert_eq!(r(&["s6-hostname"]), out(&host));
    let root = Root::new();
    let (code, o, _) = run(&mut ours(&["s6-chroot", root.path().to_str().unwrap(), "/bin/sh", "-c", "pwd; ls /init"]));
    assert_eq!((code, o.as_str()), (0, "/\n/init\n"));
    assert_eq!(r(&["s6-chroot", "/"]).0, 100);
    assert_eq!(
        r(&["s6-chroot", "nodir", "true"]).2,
        "s6-chroot: fatal: unable to chdir to nodir: No such file or directory\n"
    );
}

/// `s6-fghack` next to Debian's: it stays until what prog left behind
/// closes the pipe, and exits with prog's code.
#[test]
fn fghack_matches_debian() {
    let d = TempDir::new("fghack");
    for args in [
        &["s6-fghack", "sh", "-c", "exit 3"][..],
        &["s6-fghack", "sh", "-c", "echo x >&9"],
        &["s6-fghack", "sh", "-c", "echo x >&34"],
        &["s6-fghack", "sh", "-c", "echo x >&4"],
        &["s6-fghack"],
    ] {
        same_in(d.path(), &[], args);
    }
    // A daemon that forks away: held until it is gone.
    let t = Instant::now();
    let (code, o, e) = run(&mut ours(&["s6-fghack", "sh", "-c", "(sleep 1; echo child) & echo parent; exit 4"]));
    assert_eq!((code, o.as_str(), e.as_str()), (4, "parent\nchild\n", ""));
    assert!(t.elapsed() >= Duration::from_millis(900), "{:?}", t.elapsed());
    // One that closes its descriptors is not held (as upstream: the hack's
    // limit).
    let (code, o, _) = run(&mut ours(&["s6-fghack", "sh", "-c", "exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; exit 0"]));
    assert_eq!((code, o.as_str()), (0, ""));
    // Killed: 128+N (upstream 2.15; Debian's 2.11 says "-c crashed", 111).
    assert_eq!(run(&mut ours(&["s6-fghack", "sh", "-c", "kill -9 $$"])).0, 137);
    // Not found: upstream 2.15's words (Debian's 2.11 says "exec").
    assert_eq!(
        run(&mut ours(&["s6-fghack", "/nonexistent"])),
        (111, String::new(), "s6-fghack: fatal: unable to spawn /nonexistent: No such file or directory\n".into())
    );
}

/// The environment as the program under test receives it when `env`
/// lists it in this order: qemu-user hands a guest its environment in
/// reverse.
fn as_received<'a>(env: &[&'a str]) -> Vec<&'a str> {
    let mut v = env.to_vec();
    if emulated() {
        v.reverse();
    }
    v
}

/// `prog args` started by `env -i ENV…` (an environment in that order).
fn with_env(env: &[&str], prog: &Path, args: &[&str]) -> (i32, String, String) {
    run(Command::new("env").arg("-i").args(env).arg(prog).args(args))
}

/// Chain tools change the environment in skalibs' `env_merge` order, as
/// Debian's execline and s6 do (each given the environment in the order
/// ours receives it).
#[test]
fn environment_order_matches_debian() {
    let env = ["A=1", "B=2", "UID=5", "C=3", "D=4"];
    let el = Path::new("/usr/lib/execline/bin");
    let bin = Path::new("/usr/bin");
    let cases: [(&Path, &[&str]); 5] = [
        (el, &["export", "B", "9", "/usr/bin/env"]),
        (el, &["unexport", "A", "/usr/bin/env"]),
        (el, &["export", "E", "5", "/usr/bin/env"]),
        (bin, &["s6-envuidgid", "-n", "0:0", "/usr/bin/env"]),
        (bin, &["s6-applyuidgid", "-z", "/usr/bin/env"]),
    ];
    for (dir, a) in cases {
        let ours = with_env(&env, rs6(), a);
        assert_eq!(ours, with_env(&as_received(&env), &dir.join(a[0]), &a[1..]), "{a:?}");
    }
    // elgetopt: each old position, then `#`.
    let env = ["A=1", "#=3", "0=zero", "1=-a", "2=y", "3=z", "X=9"];
    let a = ["elgetopt", "a", "/usr/bin/env"];
    assert_eq!(with_env(&env, rs6(), &a), with_env(&as_received(&env), &el.join(a[0]), &a[1..]), "{a:?}");
}

/// The same fifodir session, run once with Debian's tools and once with
/// ours (`$B`: the directory holding them), must print the same.
const FIFODIR_SESSION: &str = r#"
$B/s6-mkfifodir fd1; echo rc=$?; stat -c '%a %U %G' fd1
$B/s6-mkfifodir -g 100 fd2; stat -c '%a %G' fd2
$B/s6-mkfifodir fd1; echo rc=$?; chmod 700 fd1; $B/s6-mkfifodir fd1; stat -c %a fd1
$B/s6-mkfifodir -f fd1; stat -c %a fd1
touch file; $B/s6-mkfifodir file; echo rc=$?; $B/s6-mkfifodir -g x fd3; echo rc=$?
$B/s6-mkfifodir nodir/x; echo rc=$?; $B/s6-mkfifodir; echo rc=$?
(sleep 0.3; $B/s6-ftrig-notify fd1 abc) & $B/s6-ftrig-wait -t 5000 fd1 b; echo rc=$?; wait
(sleep 0.3; $B/s6-ftrig-notify fd1 abc) & $B/s6-ftrig-wait -t 5000 fd1 'a.*c'; echo rc=$?; wait
(sleep 0.3; $B/s6-ftrig-notify fd1 ab; sleep 0.1; $B/s6-ftrig-notify fd1 dc) & $B/s6-ftrig-wait -t 5000 fd1 bd; echo rc=$?; wait
(sleep 0.3; $B/s6-ftrig-notify fd1 ab; sleep 0.1; $B/s6-ftrig-notify fd1 dc) & $B/s6-ftrig-wait -t 1000 fd1 'c$'; echo rc=$?; wait
(sleep 0.3; $B/s6-ftrig-notify fd1 ab) & $B/s6-ftrig-wait -t 1000 fd1 '^a'; echo rc=$?; wait
$B/s6-ftrig-wait -t 300 fd1 x; echo rc=$?
$B/s6-ftrig-wait -t 300 fd1 '('; echo rc=$?
$B/s6-ftrig-wait -t 300 nodir x; echo rc=$?; ls nodir
$B/s6-ftrig-wait -t x fd1 U; echo rc=$?; $B/s6-ftrig-wait fd1; echo rc=$?
$B/s6-ftrig-notify nodir x; echo rc=$?; $B/s6-ftrig-notify fd1 x; echo rc=$?; $B/s6-ftrig-notify fd1; echo rc=$?
$B/s6-ftrig-listen1 -t 5000 fd1 U $B/s6-ftrig-notify fd1 dUx; echo rc=$?
$B/s6-ftrig-listen1 -t 300 fd1 U true; echo rc=$?
$B/s6-ftrig-listen1 -t 300 fd1 U /nonexistent; echo rc=$?
$B/s6-ftrig-listen1 -t x fd1 U true; echo rc=$?; $B/s6-ftrig-listen1 fd1 U; echo rc=$?
$B/s6-ftrig-listen -o -t 5000 fd1 U fd2 X "" $B/s6-ftrig-notify fd1 U; echo rc=$?
$B/s6-ftrig-listen -a -t 500 fd1 U fd2 X "" $B/s6-ftrig-notify fd1 U; echo rc=$?
$B/s6-ftrig-listen -t 5000 fd1 U fd2 X "" sh -c "$B/s6-ftrig-notify fd1 U; $B/s6-ftrig-notify fd2 X"; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U fd2 ""; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U fd2 X; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U fd2 X ""; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U fd2 X true; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U fd2 X fd3 Y true; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U true; echo rc=$?
(umask 000; $B/s6-ftrig-wait -t 5000 fd1 Z & sleep 0.5; echo mode; stat -c %a fd1/ftrig1* | sort -u; $B/s6-ftrig-notify fd1 Z; wait)
$B/s6-ftrig-listen -t 500 "" true; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 '(' "" true; echo rc=$?
$B/s6-ftrig-listen -t 500 fd1 U nodir U "" true; echo rc=$?
$B/s6-cleanfifodir fd1; echo rc=$?; $B/s6-cleanfifodir nodir; echo rc=$?; $B/s6-cleanfifodir; echo rc=$?
# s6's listeners subscribe through a helper process, which may still make
# its fifo after its client died (a loaded machine): clean again after it.
sleep 0.5; $B/s6-cleanfifodir fd1 >/dev/null 2>&1
ls -A fd1 fd2
"#;

/// Run `script` with `sh` in a new directory, `$B` naming the directory
/// of the tools; what it printed, with that directory written `$B`.
fn session(script: &str, b: &Path) -> (i32, String, String) {
    let d = TempDir::new("session");
    let mut c = Command::new("sh");
    c.args(["-c", script]).env("B", b).current_dir(d.path());
    let (code, out, err) = run(&mut c);
    (code, out, err.replace(&b.display().to_string(), "$B"))
}

const FIFODIR_TOOLS: [&str; 6] =
    ["s6-mkfifodir", "s6-cleanfifodir", "s6-ftrig-notify", "s6-ftrig-wait", "s6-ftrig-listen1", "s6-ftrig-listen"];

/// A directory of links, named as the fifodir tools, to rs6.
fn fifodir_bin() -> TempDir {
    let bin = TempDir::new("ftrig-bin");
    for t in FIFODIR_TOOLS {
        std::os::unix::fs::symlink(rs6(), bin.path().join(t)).unwrap();
    }
    bin
}

#[test]
fn fifodir_tools_match_debian() {
    require_root();
    let _t = timing();
    let bin = fifodir_bin();
    let theirs = session(FIFODIR_SESSION, Path::new("/usr/bin"));
    let mine = session(FIFODIR_SESSION, bin.path());
    assert_eq!(theirs, mine, "differs from Debian's");
    // Not both wrong alike: what s6 prints, as checked by hand.
    let out = &mine.1;
    for want in [
        "rc=0\n1733 root root\n3730 users\n",
        "700\n1733\n",
        "b\nrc=0\nc\nrc=0\nd\nrc=0\nrc=1\nrc=1\nrc=1\nrc=111\nrc=111\n",
        "U\nrc=0\nrc=1\nrc=111\n",
        "fd1:\n\nfd2:\n",
        // A listener's fifo: 0600 whatever the umask.
        "mode\n600\nZ\n",
    ] {
        assert!(out.contains(want), "{want:?} not in {out}");
    }
    for want in [
        "s6-ftrig-wait: fatal: unable to subscribe to fd1 with regexp (: Invalid argument\n",
        "s6-ftrig-wait: fatal: unable to match regexp on x: Connection timed out\n",
        "s6-ftrig-listen1: fatal: unable to spawn /nonexistent: No such file or directory\n",
        "s6-mkfifodir: fatal: unable to create fifodir at file: Not a directory\n",
        "s6-ftrig-listen: usage: s6-ftrig-listen [ -a | -o ] [ -t timeout ] fifodir1 regexp1 ... \"\" prog...\n",
        "s6-ftrig-listen: fatal: unterminated fifodir+regex block\n",
    ] {
        assert!(mine.2.contains(want), "{want:?} not in {}", mine.2);
    }
}

/// `s6-cleanfifodir` removes the fifo of a listener that is gone and
/// keeps a live one's (s6 2.11 only matched an older form of the names,
/// and removed neither), and the live listener still gets its event.
#[test]
fn cleanfifodir_removes_only_dead_listeners() {
    require_root();
    let bin = fifodir_bin();
    let d = TempDir::new("ftrig-clean");
    let fd = d.path().join("fd");
    let ok = Command::new(bin.path().join("s6-mkfifodir")).arg(&fd).status().unwrap();
    assert!(ok.success());
    let waiter = Command::new(bin.path().join("s6-ftrig-wait"))
        .args(["-t", "10000"])
        .arg(&fd)
        .arg("x")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // Listening: its fifo made and renamed from `.ftrig1:…` to `ftrig1:…`.
    let ready = || {
        let names: Vec<_> = fs::read_dir(&fd).unwrap().map(|e| e.unwrap().file_name()).collect();
        !names.is_empty() && names.iter().all(|n| !n.to_string_lossy().starts_with('.'))
    };
    while !ready() {
        assert!(Instant::now() < deadline, "the listener made no fifo");
        std::thread::sleep(Duration::from_millis(10));
    }
    let live: Vec<_> = fs::read_dir(&fd).unwrap().map(|e| e.unwrap().file_name()).collect();
    let dead = fd.join("ftrig1:@400000006b0adf5a2adb86a1:AAAAAA");
    let mk = Command::new("mkfifo").arg(&dead).status().unwrap();
    assert!(mk.success());
    let r = run(Command::new(bin.path().join("s6-cleanfifodir")).arg(&fd));
    assert_eq!(r, (0, String::new(), String::new()));
    assert!(!dead.exists(), "the dead listener's fifo is still there");
    let left: Vec<_> = fs::read_dir(&fd).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, live);
    let r = run(Command::new(bin.path().join("s6-ftrig-notify")).arg(&fd).arg("yx"));
    assert_eq!(r.0, 0);
    let out = waiter.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"x\n");
    assert_eq!(fs::read_dir(&fd).unwrap().count(), 0, "the listener left its fifo");
}

/// One `s6-svperms` session on two service directories (`$B`: where the
/// tool is), run with Debian's and with ours.
const SVPERMS_SESSION: &str = r#"
mkdir -p a/supervise a/event b/supervise b/event && mkfifo a/supervise/control b/supervise/control
chmod 711 a/supervise b/supervise && chmod 600 a/supervise/control b/supervise/control
chmod 3730 a/event && chmod 1733 b/event
$B/s6-svperms a b; echo rc=$?
$B/s6-svperms -g users a; echo rc=$?; $B/s6-svperms -v a; echo rc=$?
$B/s6-svperms -G :100 -E users a; $B/s6-svperms a; echo rc=$?
$B/s6-svperms -O nogroup -e a; $B/s6-svperms a; echo rc=$?
$B/s6-svperms -G users -o a; $B/s6-svperms a
$B/s6-svperms -v -u a b; echo rc=$?
$B/s6-svperms -E :4242 a; $B/s6-svperms a
stat -c '%n %a %g' a/supervise a/supervise/control a/event b/supervise b/supervise/control b/event
$B/s6-svperms -g :x a; echo rc=$?
$B/s6-svperms nodir; echo rc=$?; $B/s6-svperms -u nodir; echo rc=$?
chmod 755 a/supervise; $B/s6-svperms a b; echo rc=$?; chmod 711 a/supervise
chmod 640 a/supervise/control; $B/s6-svperms a; echo rc=$?; chmod 600 a/supervise/control
chmod 1777 a/event; $B/s6-svperms a; echo rc=$?
rm a/supervise/control; touch a/supervise/control; $B/s6-svperms a; echo rc=$?
$B/s6-svperms; echo rc=$?; $B/s6-svperms -x a; echo rc=$?; $B/s6-svperms -g; echo rc=$?
"#;

#[test]
fn svperms_matches_debian() {
    require_root();
    let bin = TempDir::new("svperms-bin");
    std::os::unix::fs::symlink(rs6(), bin.path().join("s6-svperms")).unwrap();
    let theirs = session(SVPERMS_SESSION, Path::new("/usr/bin"));
    let mine = session(SVPERMS_SESSION, bin.path());
    assert_eq!(theirs, mine, "differs from Debian's");
    for want in [
        "a status: public\na control: owner\na events: group root\nb status: public\nb control: owner\nb events: public\nrc=0\n",
        "a status: group users\na control: group users\na events: group users\nrc=0\n",
        "a status: public\na control: group nogroup\na events: public\nrc=0\n",
        "a status: owner\na control: owner\na events: public\n",
        "a events: group 4242\n",
    ] {
        assert!(mine.1.contains(want), "{want:?} not in {}", mine.1);
    }
    for want in [
        "s6-svperms: warning: a/supervise has incorrect permissions: 755\n",
        "s6-svperms: warning: a/supervise/control is not a named pipe\n",
        "s6-svperms: fatal: unable to stat nodir/supervise: No such file or directory\n",
    ] {
        assert!(mine.2.contains(want), "{want:?} not in {}", mine.2);
    }
    // s6 2.15's message for an unknown group (2.11 doubles the colon).
    let (code, out, err) = run(Command::new(bin.path().join("s6-svperms")).args(["-g", "no-such-group", "a"]));
    assert_eq!((code, out.as_str()), (100, ""));
    assert_eq!(err, "s6-svperms: fatal: unable to find entry for no-such-group in group database\n");
}
