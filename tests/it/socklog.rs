//! `s6-socklog` against Debian's (package `s6`, 2.11): the same datagrams
//! give the same lines, the same bad invocations the same messages and
//! exit codes. (2.11 dies on an empty datagram and garbles the UDP prefix:
//! those are checked on ours only.)
use crate::harness::*;
use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn theirs() -> Command {
    let p = Path::new("/usr/bin/s6-socklog");
    assert!(p.exists(), "/usr/bin/s6-socklog missing: apt-get install s6");
    dies_with_parent(p)
}

fn ours() -> Command {
    let mut c = dies_with_parent(rs6());
    c.arg("s6-socklog");
    c
}

/// Start it on `sock` with `args`, and wait for the socket.
fn start(mut c: Command, args: &[&str], sock: &Path) -> Child {
    let ch = c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_until("the socket", Duration::from_secs(10), || {
        fs::symlink_metadata(sock).is_ok_and(|m| m.file_type().is_socket())
    });
    ch
}

/// TERM, then its exit code, stdout and stderr.
fn stop(mut ch: Child) -> (i32, String, String) {
    // Let it read what was sent before the TERM.
    std::thread::sleep(Duration::from_millis(200));
    Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
    let code = wait_child(&mut ch, Duration::from_secs(10)).code().unwrap_or(-1);
    let out = read_all(ch.stdout.take().unwrap(), Duration::from_secs(5));
    let err = read_all(ch.stderr.take().unwrap(), Duration::from_secs(5));
    (code, out, err)
}

fn send(sock: &Path, msgs: &[Vec<u8>]) {
    let s = UnixDatagram::unbound().unwrap();
    for m in msgs {
        s.send_to(m, sock).unwrap();
    }
}

#[test]
fn lines_match_debian() {
    let mut msgs: Vec<Vec<u8>> = [
        &b"<13>hello world\n"[..],
        b"<0>kern",
        b"<191>local7 debug",
        b"<192>mark",
        b"<200>y",
        b"<103>facility 12",
        b"<4294967295>a",
        b"<4294967296>b",
        b"<013>lead",
        b"plain",
        b"<13",
        b"<>e",
        b"< 13>sp",
        b"<13>",
        b"a\nb\0c\n\0\n",
        b"\t\r\xff high",
    ]
    .iter()
    .map(|m| m.to_vec())
    .collect();
    for f in 0..26u32 {
        msgs.push(format!("<{}>f{f}", f * 8 + f % 8).into_bytes());
    }
    // Around the -l 80 limit: 80 bytes fit, 81 are cut.
    for (c, n) in [(b'z', 80), (b'y', 81), (b'w', 200)] {
        msgs.push(vec![c; n]);
    }
    msgs.push([b"<30>".to_vec(), vec![b'v'; 200]].concat());
    msgs.push([vec![b'u'; 78], b"\n\n\n".to_vec()].concat());
    for args in [&["-l", "80"][..], &["-r"], &[]] {
        let mut got = Vec::new();
        for (c, n) in [(ours(), "o"), (theirs(), "t")] {
            let d = TempDir::new(&format!("socklog-{n}"));
            let sock = d.path().join("log");
            let s = sock.to_str().unwrap();
            let ch = start(c, &[args, &["-x", s]].concat(), &sock);
            send(&sock, &msgs);
            let r = stop(ch);
            let mode = fs::metadata(&sock).unwrap().permissions().mode() & 0o7777;
            let lock = fs::metadata(d.path().join("log.lock")).unwrap().permissions().mode() & 0o7777;
            got.push((r, mode, lock));
        }
        assert_eq!(got[0], got[1], "{args:?}: ours then theirs");
        assert_eq!(got[0].0.0, 0);
        assert_eq!(got[0].0.1.lines().count(), msgs.len(), "{args:?}");
    }
}

#[test]
fn errors_match_debian() {
    let d = TempDir::new("socklog-err");
    let p = |n: &str| d.path().join(n).to_str().unwrap().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["-l".into(), "abc".into()],
        vec!["-d".into(), "1".into()],
        vec!["-d".into(), "9".into(), "-x".into(), p("a")],
        vec!["-x".into(), "/nonexistent/dir/log".into()],
        vec!["-U".into(), "-x".into(), p("b")],
        vec!["-i".into(), "1.2.3".into()],
        vec!["-i".into(), "192.0.2.1:5".into()],
        vec!["-q".into()],
    ];
    for args in &cases {
        let run = |mut c: Command| host(c.args(args).env_remove("UID").env_remove("GID").env_remove("GIDLIST"));
        let (o, t) = (run(ours()), run(theirs()));
        assert_eq!(o, t, "{args:?}: ours then theirs");
        assert!(o.0 == 100 || o.0 == 111, "{args:?}: {o:?}");
    }
    // Bad -U values.
    for (var, val) in [("UID", "abc"), ("GIDLIST", "x")] {
        let run = |mut c: Command| {
            host(c.args(["-U", "-x", &p("c")]).env("UID", "1").env("GID", "1").env("GIDLIST", "").env(var, val))
        };
        assert_eq!(run(ours()), run(theirs()), "{var}={val}");
    }
    // A socket whose lock is held: the second one fails, the first goes on.
    for (c, n) in [(ours as fn() -> Command, "o"), (theirs, "t")] {
        let sock = d.path().join(format!("held-{n}"));
        let s = sock.to_str().unwrap().to_string();
        let first = start(c(), &["-x", &s], &sock);
        let (code, out, err) = host(c().args(["-x", &s]));
        assert_eq!(
            (code, out.as_str(), err),
            (111, "", format!("s6-socklog: fatal: unable to bind socket to {s}: Device or resource busy\n")),
            "{n}"
        );
        send(&sock, &[b"<13>still".to_vec()]);
        assert_eq!(stop(first).1, "user.notice: still\n", "{n}");
    }
}

/// stdout a pipe nobody reads any more: s6's message and 111, not a death
/// by SIGPIPE.
#[test]
fn broken_stdout_matches_debian() {
    let mut got = Vec::new();
    for (mut c, n) in [(ours(), "o"), (theirs(), "t")] {
        let d = TempDir::new(&format!("socklog-pipe-{n}"));
        let sock = d.path().join("log");
        let (r, w) = std::io::pipe().unwrap();
        drop(r);
        let mut ch = c.args(["-x", sock.to_str().unwrap()]).stdout(w).stderr(Stdio::piped()).spawn().unwrap();
        drop(c);
        wait_until("the socket", Duration::from_secs(10), || {
            fs::symlink_metadata(&sock).is_ok_and(|m| m.file_type().is_socket())
        });
        send(&sock, &[b"<13>x".to_vec()]);
        let code = wait_child(&mut ch, Duration::from_secs(10)).code();
        got.push((code, read_all(ch.stderr.take().unwrap(), Duration::from_secs(5))));
    }
    assert_eq!(got[0], (Some(111), "s6-socklog: fatal: unable to write to stdout: Broken pipe\n".to_string()));
    assert_eq!(got[0], got[1], "ours then theirs");
}

/// Ours only: readiness on `-d`, privileges dropped with `-U`, an empty
/// datagram skipped, UDP lines prefixed with the sender.
#[test]
fn readiness_privileges_empty_and_udp() {
    let d = TempDir::new("socklog-ours");
    let sock = d.path().join("log");
    let script = format!(
        "exec 3>{ready}; exec {bin} s6-socklog -d3 -U -x {sock}",
        ready = d.path().join("ready").display(),
        bin = rs6().display(),
        sock = sock.display()
    );
    let mut c = dies_with_parent("sh");
    c.args(["-c", &script]).env("UID", "65534").env("GID", "65534").env("GIDLIST", "65534");
    let ch = start(c, &[], &sock);
    wait_until("readiness", Duration::from_secs(5), || fs::read(d.path().join("ready")).is_ok_and(|r| r == b"\n"));
    let pid = ch.id();
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let ids: Vec<&str> = status.lines().filter(|l| l.starts_with("Uid:") || l.starts_with("Gid:")).collect();
    assert!(ids.iter().all(|l| l.split_whitespace().skip(1).all(|x| x == "65534")), "{ids:?}");
    send(&sock, &[b"".to_vec(), b"<13>after empty".to_vec()]);
    let (code, out, err) = stop(ch);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "user.notice: after empty\n", ""));
    // UDP on the loopback.
    let port = 20000 + (std::process::id() % 20000) as u16;
    let mut ch = ours().args(["-i", &format!("127.0.0.1_{port}")]).stdout(Stdio::piped()).spawn().unwrap();
    let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let from = u.local_addr().unwrap().port();
    let mut out = String::new();
    let bound = format!("0100007F:{port:04X} ");
    wait_until("the UDP socket", Duration::from_secs(10), || {
        fs::read_to_string("/proc/net/udp").is_ok_and(|t| t.contains(&bound))
    });
    u.send_to(b"<13>udp", ("127.0.0.1", port)).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
    assert_eq!(wait_child(&mut ch, Duration::from_secs(10)).code(), Some(0));
    out.push_str(&read_all(ch.stdout.take().unwrap(), Duration::from_secs(5)));
    assert!(out.starts_with(&format!("127.0.0.1_{from}: user.notice: udp\n")), "{out}");
}

/// s6-overlay's syslogd overlay, its files as it ships them: the
/// `syslogd-prepare` oneshot, `s6-socklog` as `syslog` (32760 here)
/// feeding an `s6-log` as `sysllog` (32761) through the pipeline, which
/// sorts lines by facility; busybox's `logger` writes to `/dev/log`.
#[test]
fn syslogd_overlay_sorts_messages() {
    let root = Root::new();
    let rcd = "/etc/s6-overlay/s6-rc.d";
    root.file(
        "/etc/syslogd-prepare",
        "#!/bin/sh -e\n\ndir=/var/log/syslogd\nsubdirs='cron daemon debug errors everything kernel mail messages secure user'\n\n\
s6-mkdir -p -m 02750 \"$dir\"\ncd \"$dir\"\ns6-mkdir -p -m 02750 $subdirs\n\n\
if s6-applyuidgid -u 1 -- exit 0 2>/dev/null ; then\n\
  uid=`s6-envuidgid -D 32761:32761: -- sysllog importas UID UID s6-echo '$UID'`\n\
  gid=`s6-envuidgid -D 32761:32761: -- sysllog importas GID GID s6-echo '$GID'`\n\
  for subdir in $subdirs ; do\n    s6-chown -u \"$uid\" -g \"$gid\" -- \"$subdir\"\n  done\nfi\n",
        0o755,
    );
    root.file(&format!("{rcd}/syslogd-prepare/type"), "oneshot\n", 0o644);
    root.file(&format!("{rcd}/syslogd-prepare/up"), "/etc/syslogd-prepare\n", 0o644);
    root.file(&format!("{rcd}/syslogd/type"), "longrun\n", 0o644);
    root.file(&format!("{rcd}/syslogd/notification-fd"), "3\n", 0o644);
    root.file(&format!("{rcd}/syslogd/producer-for"), "syslogd-log\n", 0o644);
    root.file(
        &format!("{rcd}/syslogd/run"),
        "#!/command/execlineb -P\n\ns6-envuidgid -D 32760:32760: -- syslog\ns6-socklog -d3 -U -t3000\n",
        0o755,
    );
    root.file(&format!("{rcd}/syslogd-log/type"), "longrun\n", 0o644);
    root.file(&format!("{rcd}/syslogd-log/notification-fd"), "3\n", 0o644);
    root.file(&format!("{rcd}/syslogd-log/consumer-for"), "syslogd\n", 0o644);
    root.file(&format!("{rcd}/syslogd-log/pipeline-name"), "syslogd-pipeline\n", 0o644);
    root.file(&format!("{rcd}/syslogd-log/dependencies.d/syslogd-prepare"), "", 0o644);
    root.file(
        &format!("{rcd}/syslogd-log/run"),
        "#!/command/execlineb -P\n\ns6-envuidgid -D 32761:32761: -- sysllog\ns6-applyuidgid -U --\n\
backtick -D \"n20 s1000000\" line { printcontenv S6_LOGGING_SCRIPT }\nmultisubstitute\n{\n  importas -usC T line\n  define dir /var/log/syslogd\n}\nexec -c\ns6-log -d3 --\n\n\
 - +^auth\\\\. +^authpriv\\\\.  $T ${dir}/secure\n - +^cron\\\\.  $T ${dir}/cron\n - +^daemon\\\\.  $T ${dir}/daemon\n\
 - +^[[:alnum:]]*\\\\.debug:  $T ${dir}/debug\n\
 - +^[[:alnum:]]*\\\\.err: +^[[:alnum:]]*\\\\.error: +^[[:alnum:]]*\\\\.emerg: +^[[:alnum:]]*\\\\.alert: +^[[:alnum:]]*\\\\.crit:  $T ${dir}/errors\n\
 - +^kern\\\\.  $T ${dir}/kernel\n - +mail\\\\.  $T ${dir}/mail\n - +user\\\\.  $T ${dir}/user\n\
 - +^[[:alnum:]]*\\\\.info: +^[[:alnum:]]*\\\\.notice: +^[[:alnum:]]*\\\\.warn: -^auth\\\\. -^authpriv\\\\. -^cron\\\\. -daemon\\\\. -mail\\\\.  $T ${dir}/messages\n\
 + -^auth\\\\. -^authpriv\\\\.  $T ${dir}/everything\n",
        0o755,
    );
    root.file("/etc/s6-overlay/user-bundles.d/user/contents.d/syslogd-pipeline", "", 0o644);
    // The overlay's tarball has the directory (the loggers, not root, must
    // go through it); the script makes the rest.
    let var_log = root.path().join("var/log/syslogd");
    fs::create_dir_all(&var_log).unwrap();
    fs::set_permissions(&var_log, fs::Permissions::from_mode(0o755)).unwrap();
    let cmd = "logger -p user.notice -t app 'hello user'; logger -p auth.err -t sshd 'bad login'; \
               logger -p daemon.info -t d 'daemon line'; \
               n=0; until grep -q 'daemon line' /var/log/syslogd/daemon/current 2>/dev/null; do n=$((n+1)); [ $n -gt 200 ] && exit 3; sleep 0.05; done; \
               for d in user secure daemon errors messages everything; do echo \"== $d\"; cat /var/log/syslogd/$d/current; done; \
               ls -ln /dev/log | cut -c1-10; stat -c '%u:%g' /var/log/syslogd/user/current";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let section = |name: &str| -> Vec<String> {
        o.stdout
            .split(&format!("== {name}\n"))
            .nth(1)
            .unwrap_or("")
            .lines()
            .take_while(|l| !l.starts_with("== "))
            .map(|l| l.to_string())
            .collect()
    };
    // busybox's logger: `<PRI>Mon dd hh:mm:ss TAG: MSG`.
    let has = |name: &str, what: &str| section(name).iter().any(|l| l.contains(what));
    assert!(has("user", "user.notice: ") && has("user", "app: hello user"), "{}", o.stdout);
    assert!(has("secure", "auth.err: ") && has("secure", "sshd: bad login"), "{}", o.stdout);
    assert!(has("errors", "sshd: bad login") && !has("errors", "hello user"), "{}", o.stdout);
    assert!(has("daemon", "daemon.info: ") && !has("messages", "daemon line"), "{}", o.stdout);
    assert!(has("messages", "hello user") && !has("messages", "bad login"), "{}", o.stdout);
    assert!(has("everything", "hello user") && !has("everything", "bad login"), "{}", o.stdout);
    assert!(o.stdout.contains("srwxrwxrwx") && o.stdout.contains("32761:32761"), "{}", o.stdout);
}
