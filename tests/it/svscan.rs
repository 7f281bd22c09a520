//! `s6-svscan DIR` on its own, as images that `exec s6-svscan /etc/s6`
//! run it: PID 1 of a new PID namespace here, driven by Debian's s6
//! clients (s6-svstat, s6-svc, s6-svscanctl, s6-svok).
use crate::harness::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn s6(prog: &str) -> Command {
    let p = Path::new("/usr/bin").join(prog);
    assert!(p.exists(), "{} missing: apt-get install s6", p.display());
    Command::new(p)
}

fn svstat(dir: &Path) -> String {
    let (_, out, err) = host(s6("s6-svstat").arg(dir));
    format!("{out}{err}").trim().to_string()
}

fn wait_state(dir: &Path, prefix: &str) {
    wait_until(&format!("{} {prefix}", dir.display()), Duration::from_secs(10), || svstat(dir).starts_with(prefix));
}

fn script(path: &Path, body: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A scan directory `scan` in `t`: `a` (prints its arguments and cwd),
/// `b` with a logger that appends to `t/b.log`, `c` down.
fn scan_dir(t: &Path) -> PathBuf {
    let scan = t.join("scan");
    script(&scan.join("a/run"), "echo \"a $0 $1 $(pwd)\" >> ../../out; exec sleep 1000");
    script(&scan.join("b/run"), "echo hello from b; exec sleep 1000");
    script(&scan.join("b/log/run"), "exec cat >> ../../../b.log");
    script(&scan.join("c/run"), "exec sleep 1000");
    fs::write(scan.join("c/down"), "").unwrap();
    std::os::unix::fs::symlink("nowhere", scan.join("dangling")).unwrap();
    scan
}

/// Start our s6-svscan as PID 1 of a new PID namespace, its readiness on
/// `t/ready`.
fn start(t: &Path, args: &str) -> Child {
    let sh = format!("exec {} s6-svscan -d 3 {args} scan 3>ready", rs6().display());
    let mut c = unshare();
    c.args(["--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c", &sh])
        .current_dir(t)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let ch = c.spawn().unwrap();
    wait_until("the readiness newline", Duration::from_secs(10), || {
        fs::read(t.join("ready")).is_ok_and(|r| r == b"\n")
    });
    ch
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn svscan_supervises_a_directory_for_s6_clients() {
    require_root();
    let t = TempDir::new("svscan");
    let scan = scan_dir(t.path());
    script(&scan.join(".s6-svscan/finish"), "echo \"finish $0 $(pwd)\" >> ../out");
    let ch = start(t.path(), "");
    for s in ["a", "b", "b/log"] {
        wait_state(&scan.join(s), "up (pid ");
    }
    assert!(svstat(&scan.join("c")).starts_with("down "), "{}", svstat(&scan.join("c")));
    assert!(!scan.join("dangling").exists() && fs::symlink_metadata(scan.join("dangling")).is_err());
    wait_until("b's line in its log", Duration::from_secs(10), || read(&t.path().join("b.log")) == "hello from b\n");
    let a_line = format!("a ./run a {}\n", scan.join("a").display());
    wait_until("a's line", Duration::from_secs(10), || read(&t.path().join("out")) == a_line);
    // A second scanner on the same directory: s6's refusal.
    let (code, _, err) = host(Command::new(rs6()).args(["s6-svscan"]).arg(&scan));
    assert_eq!(
        (code, err.as_str()),
        (100, "s6-svscan: fatal: another instance of s6-svscan is already running on the same directory\n")
    );
    // s6-svc drives it; a restart is a new process.
    let (code, _, _) = host(s6("s6-svc").arg("-u").arg(scan.join("c")));
    assert_eq!(code, 0);
    wait_state(&scan.join("c"), "up (pid ");
    let before = svstat(&scan.join("a"));
    assert_eq!(host(s6("s6-svc").arg("-k").arg(scan.join("a"))).0, 0);
    wait_until("a restarted", Duration::from_secs(10), || {
        let s = svstat(&scan.join("a"));
        s.starts_with("up (pid ") && s.split(')').next() != before.split(')').next()
    });
    // A directory added is supervised at the next scan (-a); one removed
    // stops for good at -n, and its supervisor exits.
    script(&scan.join("d/run"), "exec sleep 1001");
    assert_eq!(host(s6("s6-svscanctl").arg("-a").arg(&scan)).0, 0);
    wait_state(&scan.join("d"), "up (pid ");
    fs::rename(scan.join("d"), t.path().join("d")).unwrap();
    assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
    wait_until("d's supervisor exits", Duration::from_secs(10), || host(s6("s6-svok").arg(t.path().join("d"))).0 == 1);
    assert!(svstat(&t.path().join("d")).ends_with("s6-supervise not running"), "{}", svstat(&t.path().join("d")));
    // -t: everything down, then .s6-svscan/finish, in the scan directory.
    assert_eq!(host(s6("s6-svscanctl").arg("-t").arg(&scan)).0, 0);
    let out = ch.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let finish = format!("finish .s6-svscan/finish {}\n", scan.display());
    assert_eq!(read(&t.path().join("out")), format!("{a_line}{a_line}{finish}"));
    for s in ["a", "b", "b/log", "c"] {
        assert_eq!(host(s6("s6-svok").arg(scan.join(s))).0, 1, "{s} still supervised");
        assert!(svstat(&scan.join(s)).ends_with("s6-supervise not running"), "{s}: {}", svstat(&scan.join(s)));
    }
}

/// A signal with a `.s6-svscan/SIGNAME` file runs it instead of its
/// default; SIGINT without one stops everything; no finish: exit 0.
#[test]
fn svscan_signals_run_their_handler_files() {
    require_root();
    let t = TempDir::new("svscan-sig");
    let scan = scan_dir(t.path());
    script(&scan.join(".s6-svscan/SIGTERM"), "echo \"term $0\" >> ../out");
    let ch = start(t.path(), "-t 0");
    wait_state(&scan.join("a"), "up (pid ");
    // unshare's child: the namespace's PID 1, the scanner.
    let kids = format!("/proc/{0}/task/{0}/children", ch.id());
    let pid1 = read(Path::new(&kids)).split_whitespace().next().expect("no PID 1").to_string();
    let kill = |sig: &str| assert_eq!(host(Command::new("kill").args([sig, &pid1])).0, 0);
    kill("-TERM");
    wait_until("the SIGTERM handler", Duration::from_secs(10), || {
        read(&t.path().join("out")).contains("term .s6-svscan/SIGTERM\n")
    });
    assert!(svstat(&scan.join("a")).starts_with("up (pid "), "SIGTERM stopped a: {}", svstat(&scan.join("a")));
    kill("-INT");
    let out = ch.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(svstat(&scan.join("a")).ends_with("s6-supervise not running"), "{}", svstat(&scan.join("a")));
}

/// `s6-svscan` usage and set-up errors, as s6's.
#[test]
fn svscan_usage_and_set_up_errors() {
    let t = TempDir::new("svscan-usage");
    let r = |args: &[&str]| host(Command::new(rs6()).arg("s6-svscan").args(args).current_dir(t.path()));
    let usage = "s6-svscan: usage: s6-svscan [ -d notif ] [ -X consoleholder ] [ -C services_max ] [ -L name_max ] [ -t rescan ] dir\n";
    assert_eq!(r(&[]), (100, String::new(), usage.to_string()));
    assert_eq!(r(&["-t", "x", "."]), (100, String::new(), usage.to_string()));
    assert_eq!(
        r(&["-d", "1", "."]),
        (100, String::new(), "s6-svscan: fatal: notification fd must be 3 or more\n".to_string())
    );
    assert_eq!(
        r(&["nodir"]),
        (111, String::new(), "s6-svscan: fatal: unable to chdir: No such file or directory\n".to_string())
    );
}
