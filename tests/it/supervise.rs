//! services.d supervised by PID 1, driven by Debian's own s6 clients
//! (package `s6`), which read and write the same files as s6-supervise.
use crate::harness::*;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Debian's s6 client `prog` (s6 2.11).
fn s6(prog: &str) -> Command {
    let p = Path::new("/usr/bin").join(prog);
    assert!(p.exists(), "{} missing: apt-get install s6", p.display());
    Command::new(p)
}

fn svc_dir(root: &Root, name: &str) -> PathBuf {
    root.path().join("run/service").join(name)
}

fn svstat(dir: &Path) -> String {
    let (_, out, err) = host(s6("s6-svstat").arg(dir));
    format!("{out}{err}").trim().to_string()
}

/// Wait until Debian's s6-svstat line for `dir` starts with `prefix`.
fn wait_state(dir: &Path, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = svstat(dir);
        if s.starts_with(prefix) {
            return s;
        }
        assert!(Instant::now() < deadline, "{} never became {prefix:?}: last {s:?}", dir.display());
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn service(root: &Root, name: &str, run: &str) {
    root.file(&format!("/etc/services.d/{name}/run"), &format!("#!/bin/sh\n{run}\n"), 0o755);
}

#[test]
fn debian_s6_clients_drive_rs6_services() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    service(&root, "b", "exec sleep 1000");
    root.file("/etc/services.d/b/down", "", 0o644);
    let c = root.init(&[]).start();
    let a = svc_dir(&root, "a");
    let b = svc_dir(&root, "b");
    let st = wait_state(&a, "up (pid ");
    assert!(st.ends_with("seconds"), "{st}");
    assert_eq!(host(s6("s6-svok").arg(&a)).0, 0, "s6-svok sees the lock");
    // `down` file: never started (s6 2.11 prints that as "exitcode 0").
    let st = wait_state(&b, "down (exitcode 0) ");
    assert!(st.ends_with("seconds"), "{st}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(svstat(&b).starts_with("down (exitcode 0) "), "started despite down: {}", svstat(&b));
    // -u starts it, -d stops it with TERM, -wD waits for it.
    assert_eq!(host(s6("s6-svc").args(["-u"]).arg(&b)).0, 0);
    wait_state(&b, "up (pid ");
    assert_eq!(host(s6("s6-svwait").args(["-u", "-t", "5000"]).arg(&b)).0, 0);
    assert_eq!(host(s6("s6-svc").args(["-d"]).arg(&b)).0, 0);
    assert_eq!(host(s6("s6-svwait").args(["-D", "-t", "5000"]).arg(&b)).0, 0);
    let st = svstat(&b);
    assert!(st.starts_with("down (signal SIGTERM) "), "{st}");
    assert!(!st.contains("normally up"), "-u must keep the down file: {st}");
    // -U removes the down file, -D creates it again.
    assert_eq!(host(s6("s6-svc").args(["-U"]).arg(&b)).0, 0);
    wait_state(&b, "up (pid ");
    assert!(!b.join("down").exists());
    assert_eq!(host(s6("s6-svc").args(["-D"]).arg(&b)).0, 0);
    wait_state(&b, "down (signal SIGTERM)");
    assert!(b.join("down").exists());
    // -k kills, the service comes back (no sooner than 1 s after its start).
    let pid_before = svstat(&a);
    assert_eq!(host(s6("s6-svc").args(["-k"]).arg(&a)).0, 0);
    assert_eq!(host(s6("s6-svwait").args(["-d", "-t", "5000"]).arg(&a)).0, 0);
    assert_eq!(host(s6("s6-svwait").args(["-u", "-t", "5000"]).arg(&a)).0, 0);
    assert_ne!(svstat(&a), pid_before);
    // -O: stays up now, not restarted after it dies.
    assert_eq!(host(s6("s6-svc").args(["-O"]).arg(&a)).0, 0);
    // s6-svc returns once the byte is in the fifo: wait for the supervisor.
    wait_until("want down after -O", Duration::from_secs(5), || svstat(&a).contains("want down"));
    assert_eq!(host(s6("s6-svc").args(["-t"]).arg(&a)).0, 0);
    wait_state(&a, "down (signal SIGTERM)");
    std::thread::sleep(Duration::from_millis(1300));
    assert!(svstat(&a).starts_with("down"), "restarted after -O: {}", svstat(&a));
    // -o: run once.
    assert_eq!(host(s6("s6-svc").args(["-o"]).arg(&a)).0, 0);
    wait_state(&a, "up (pid ");
    // s6-svscanctl -t stops the container.
    assert_eq!(host(s6("s6-svscanctl").arg("-t").arg(root.path().join("run/service"))).0, 0);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

#[test]
fn finish_gets_exit_code_or_256_and_signal() {
    let root = Root::new();
    service(
        &root,
        "f",
        "n=$(cat /tmp/n 2>/dev/null || echo 0); echo $((n+1)) > /tmp/n; [ $n -eq 0 ] && exit 3; exec sleep 1000",
    );
    root.file("/etc/services.d/f/finish", "#!/bin/sh\necho \"$@\" >> /tmp/finish\n", 0o755);
    let mut c = root.init(&[]).start();
    let f = svc_dir(&root, "f");
    // First run exits 3: finish gets "3 0 f PGID"; then it is restarted.
    wait_until("the restart", Duration::from_secs(5), || {
        fs::read_to_string(root.path().join("tmp/n")).unwrap_or_default().trim() == "2"
    });
    wait_state(&f, "up (pid ");
    assert_eq!(host(s6("s6-svc").args(["-t"]).arg(&f)).0, 0);
    assert_eq!(host(s6("s6-svwait").args(["-D", "-t", "5000"]).arg(&f)).0, 0);
    let lines: Vec<String> =
        fs::read_to_string(root.path().join("tmp/finish")).unwrap().lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let w0: Vec<&str> = lines[0].split(' ').collect();
    let w1: Vec<&str> = lines[1].split(' ').collect();
    assert_eq!(&w0[..3], ["3", "0", "f"], "{lines:?}");
    assert_eq!(&w1[..3], ["256", "15", "f"], "{lines:?}");
    assert_eq!(w0.len(), 4, "s6 2.15 passes the pgid too: {lines:?}");
    // The death tally has both deaths.
    let tally = fs::read(f.join("supervise/death_tally")).unwrap();
    assert_eq!(tally.len(), 28);
    assert_eq!(&tally[12..14], &[3, 0]);
    assert_eq!(&tally[26..28], &[143, 15]);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn finish_exiting_125_keeps_the_service_down() {
    let root = Root::new();
    service(&root, "g", "echo run >> /tmp/runs; exit 1");
    root.file("/etc/services.d/g/finish", "#!/bin/sh\nexit 125\n", 0o755);
    let mut c = root.init(&[]).start();
    let g = svc_dir(&root, "g");
    wait_state(&g, "down (exitcode 1)");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(fs::read_to_string(root.path().join("tmp/runs")).unwrap(), "run\n");
    assert!(!svstat(&g).contains("want up"), "{}", svstat(&g));
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// The seed README's two ways for a `finish` script to stop the container.
#[test]
fn finish_that_stops_the_container() {
    // 1. Always.
    let root = Root::new();
    service(&root, "main", "sleep 0.3; exit 4");
    root.file("/etc/services.d/main/finish", "#!/bin/sh\ns6-svscanctl -t /var/run/s6/services\n", 0o755);
    let o = root.init(&[]).timeout(Duration::from_secs(10)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    // 2. Only on a crash (exit code not 0 and not 256): a normal
    //    `s6-svc -d` leaves the container up.
    let root = Root::new();
    service(&root, "main", "exec sleep 1000");
    root.file(
        "/etc/services.d/main/finish",
        "#!/bin/sh\nif [ \"$1\" -ne 0 ] && [ \"$1\" -ne 256 ]; then s6-svscanctl -t /var/run/s6/services; fi\n",
        0o755,
    );
    let mut c = root.init(&[]).start();
    let m = svc_dir(&root, "main");
    wait_state(&m, "up (pid ");
    assert_eq!(host(s6("s6-svc").args(["-wD", "-d"]).arg(&m)).0, 0);
    std::thread::sleep(Duration::from_millis(300));
    assert!(c.running(), "a clean stop brought the container down");
    // v3's way: write the exit code, run halt.
    assert_eq!(host(s6("s6-svc").args(["-u"]).arg(&m)).0, 0);
    wait_state(&m, "up (pid ");
    fs::write(root.path().join("etc/services.d/main/finish"), "").unwrap();
    let o = {
        let rc = root.path().join("run/s6-linux-init-container-results/exitcode");
        fs::write(&rc, "42\n").unwrap();
        // `/run/s6/basedir` leads into the installed tree (an absolute
        // link: followed here inside the root).
        let base = fs::read_link(root.path().join("run/s6/basedir")).unwrap();
        assert_eq!(base.to_str(), Some("/package/admin/rs6/basedir"));
        let halt = root.path().join("package/admin/rs6/basedir/bin/halt");
        assert!(fs::symlink_metadata(&halt).is_ok(), "/run/s6/basedir/bin/halt missing");
        // Run it inside the container's view: it is a link to /init.
        assert_eq!(host(Command::new(rs6()).arg("halt")).0, 111, "no scan dir on the host");
        fs::OpenOptions::new()
            .write(true)
            .open(root.path().join("run/service/.s6-svscan/control"))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"t"))
            .unwrap();
        c.wait()
    };
    assert_eq!(o.code(), 42, "{}", o.stderr);
}

#[test]
fn readiness_holds_the_cmd_back() {
    let root = Root::new();
    service(&root, "r", "sleep 0.4; echo ready > /tmp/mark; echo >&3; exec sleep 1000");
    root.file("/etc/services.d/r/notification-fd", "3\n", 0o644);
    let o = root.init(&["cat", "/tmp/mark"]).env("S6_CMD_WAIT_FOR_SERVICES", "1").run();
    assert_eq!(o.stdout, "ready\n", "{}", o.stderr);
    assert_eq!(o.code(), 0);
    // Without the wait the CMD does not find the mark.
    let root = Root::new();
    service(&root, "r", "sleep 0.4; echo ready > /tmp/mark; echo >&3; exec sleep 1000");
    root.file("/etc/services.d/r/notification-fd", "3\n", 0o644);
    let o = root.init(&["cat", "/tmp/mark"]).run();
    assert_eq!(o.code(), 1);
    // A bound that is too short follows the failure policy.
    let o = root
        .init(&["cat", "/tmp/mark"])
        .env("S6_CMD_WAIT_FOR_SERVICES", "1")
        .env("S6_CMD_WAIT_FOR_SERVICES_MAXTIME", "100")
        .env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2")
        .run();
    assert_eq!(o.code(), 99, "{}", o.stderr);
    assert!(o.stderr.contains("timed out waiting for services"), "{}", o.stderr);
}

#[test]
fn svwait_big_u_returns_when_the_newline_is_written() {
    let root = Root::new();
    service(&root, "r", "sleep 0.5; echo >&3; exec sleep 1000");
    root.file("/etc/services.d/r/notification-fd", "3\n", 0o644);
    let mut c = root.init(&[]).start();
    let r = svc_dir(&root, "r");
    wait_state(&r, "up (pid ");
    let t = Instant::now();
    assert_eq!(host(s6("s6-svwait").args(["-U", "-t", "5000"]).arg(&r)).0, 0);
    let took = t.elapsed();
    assert!(took < Duration::from_millis(600), "{took:?}");
    assert!(svstat(&r).contains(", ready "), "{}", svstat(&r));
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn restart_throttle_one_second() {
    let _t = timing();
    let root = Root::new();
    service(&root, "fast", "echo x >> /tmp/starts; exit 0");
    let mut c = root.init(&[]).start();
    std::thread::sleep(Duration::from_millis(10_000));
    let n = fs::read_to_string(root.path().join("tmp/starts")).unwrap_or_default().lines().count();
    assert!((9..=11).contains(&n), "{n} starts in 10 s");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// s6's throttle: a service without readiness that ran for more than 1 s
/// still restarts 1 s after it went down, so that `s6-svc -wr -r` and
/// `s6-svwait -r` (Debian's and ours) see it down, then up again.
#[test]
fn restart_waits_one_second_after_down_and_wr_sees_it() {
    let _t = timing();
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let a = svc_dir(&root, "a");
    wait_state(&a, "up (pid ");
    std::thread::sleep(Duration::from_millis(1200));
    let d = a.to_str().unwrap();
    for theirs in [true, false] {
        let mut svc = if theirs {
            s6("s6-svc")
        } else {
            let mut c = Command::new(rs6());
            c.arg("s6-svc");
            c
        };
        let t = Instant::now();
        let r = host(svc.args(["-T", "5000", "-wr", "-r", d]));
        let took = t.elapsed();
        assert_eq!(r.0, 0, "theirs {theirs}: {r:?}");
        assert!(took >= Duration::from_millis(950) && took < Duration::from_millis(3000), "{took:?}");
        // Up again, with a new pid; and long enough for the next -r to
        // restart it right after a run of more than 1 s.
        wait_state(&a, "up (pid ");
        std::thread::sleep(Duration::from_millis(1200));
    }
    // s6-svwait -r around a kill.
    let mut w = s6("s6-svwait");
    let waiter = w.args(["-r", "-t", "5000", d]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(host(s6("s6-svc").args(["-k", d])).0, 0);
    let out = waiter.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Two starts of a crash-looping service are never less than 1 s apart,
/// even when a start is slow to get going (here the first run takes 0.5 s
/// before it stamps and dies): a quick death restarts 1 s after the death,
/// which the start preceded. Counting 1 s from the fork instead restarts
/// it 0.5 s after its first stamp.
#[test]
fn restart_interval_is_never_below_one_second() {
    let _t = timing();
    let root = Root::new();
    service(
        &root,
        "slow",
        "[ -e /tmp/once ] || { touch /tmp/once; sleep 0.5; }\nread up _ < /proc/uptime\necho $up >> /tmp/starts\nexit 1",
    );
    let mut c = root.init(&[]).start();
    let starts = root.path().join("tmp/starts");
    let stamps = || -> Vec<f64> {
        fs::read_to_string(&starts).unwrap_or_default().lines().filter_map(|l| l.trim().parse().ok()).collect()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while stamps().len() < 4 {
        assert!(Instant::now() < deadline, "4 starts never came: {:?}", stamps());
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = stamps();
    // /proc/uptime has 10 ms steps: a true 1.000 s may read 0.99.
    for w in s.windows(2) {
        assert!(w[1] - w[0] >= 0.99, "starts {:.2} s apart: {s:?}", w[1] - w[0]);
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn logger_down_loses_nothing_and_keeps_order() {
    let root = Root::new();
    service(
        &root,
        "w",
        "i=1; while [ $i -le 1000 ]; do echo line$i; i=$((i+1)); done; echo done > /tmp/written; exec sleep 1000",
    );
    root.file("/etc/services.d/w/log/run", "#!/bin/sh\nexec cat >> /tmp/log\n", 0o755);
    root.file("/etc/services.d/w/log/down", "", 0o644);
    let mut c = root.init(&[]).start();
    wait_until("the service to finish writing", Duration::from_secs(10), || root.path().join("tmp/written").exists());
    assert!(!root.path().join("tmp/log").exists());
    assert_eq!(host(s6("s6-svc").args(["-u"]).arg(svc_dir(&root, "w/log"))).0, 0);
    let want: String = (1..=1000).map(|i| format!("line{i}\n")).collect();
    wait_until("every line", Duration::from_secs(10), || {
        fs::read_to_string(root.path().join("tmp/log")).unwrap_or_default().len() >= want.len()
    });
    assert_eq!(fs::read_to_string(root.path().join("tmp/log")).unwrap(), want);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn logger_killed_twenty_times_every_line_arrives_once() {
    let root = Root::new();
    // Bursts of 50 lines whenever /tmp/go-N appears.
    service(
        &root,
        "w",
        "n=1; while [ $n -le 20 ]; do while [ ! -e /tmp/go-$n ]; do usleep 5000; done; \
         i=1; while [ $i -le 50 ]; do echo b$n-$i; i=$((i+1)); done; n=$((n+1)); done; exec sleep 1000",
    );
    root.file("/etc/services.d/w/log/run", "#!/bin/sh\nexec cat >> /tmp/log\n", 0o755);
    let mut c = root.init(&[]).timeout(Duration::from_secs(90)).start();
    let log = svc_dir(&root, "w/log");
    let mut want = String::new();
    for n in 1..=20 {
        wait_state(&log, "up (pid ");
        fs::write(root.path().join(format!("tmp/go-{n}")), "").unwrap();
        for i in 1..=50 {
            want.push_str(&format!("b{n}-{i}\n"));
        }
        // Let the logger drain the burst and wait for input again, then kill it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while fs::read_to_string(root.path().join("tmp/log")).unwrap_or_default().len() < want.len() {
            assert!(Instant::now() < deadline, "burst {n} did not arrive");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(host(s6("s6-svc").args(["-k"]).arg(&log)).0, 0);
        assert_eq!(host(s6("s6-svwait").args(["-d", "-t", "5000"]).arg(&log)).0, 0);
    }
    assert_eq!(host(s6("s6-svwait").args(["-u", "-t", "5000"]).arg(&log)).0, 0);
    assert_eq!(fs::read_to_string(root.path().join("tmp/log")).unwrap(), want);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn last_lines_reach_the_log_at_shutdown() {
    let root = Root::new();
    service(&root, "w", "trap 'echo last words; exit 0' TERM; echo first; while :; do sleep 0.05; done");
    root.file("/etc/services.d/w/log/run", "#!/bin/sh\nexec cat >> /tmp/log\n", 0o755);
    let mut c = root.init(&[]).start();
    wait_until("the first line", Duration::from_secs(5), || {
        fs::read_to_string(root.path().join("tmp/log")).unwrap_or_default().contains("first")
    });
    let sent = c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    assert_eq!(fs::read_to_string(root.path().join("tmp/log")).unwrap(), "first\nlast words\n");
    assert!(sent.elapsed() < Duration::from_millis(1000), "{:?}", sent.elapsed());
}

/// PID 1's memory that a leak would grow (KiB of private dirty pages, its
/// stack left out: the idle wait gives back the code and stack pages that
/// were touched, so VmRSS depends on the moment it is read) and its open
/// descriptors.
fn pid1_rss_and_fds(c: &mut Container) -> (u64, usize) {
    let p = c.pid1();
    // The steady state is the reading seen most often: at a given moment
    // a child may still be on its way to its exec in one of PID 1's spawn
    // slots (a few pages more until PID 1 is idle again), a fork (when no
    // slot is free) shares PID 1's pages (fewer private ones), and a
    // status update holds one more fd.
    let mut seen: Vec<((u64, usize), u32)> = Vec::new();
    for _ in 0..25 {
        let smaps = fs::read_to_string(format!("/proc/{p}/smaps")).unwrap();
        let (mut kib, mut stack) = (0, false);
        for l in smaps.lines() {
            if l.split_whitespace().next().is_some_and(|w| w.contains('-') && !w.ends_with(':')) {
                stack = l.ends_with("[stack]");
            } else if !stack && l.starts_with("Private_Dirty:") {
                kib += l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()).unwrap();
            }
        }
        let fds = fs::read_dir(format!("/proc/{p}/fd")).unwrap().count();
        match seen.iter_mut().find(|(v, _)| *v == (kib, fds)) {
            Some((_, n)) => *n += 1,
            None => seen.push(((kib, fds), 1)),
        }
        std::thread::sleep(Duration::from_millis(13));
    }
    seen.iter().max_by_key(|(_, n)| *n).unwrap().0
}

/// PID 1's writable private memory (what a kernel with strict overcommit
/// counts against its limit, at each fork again) is what it uses, not its
/// arena's whole reserve: with `vm.overcommit_memory=2` a fork per service
/// must not need hundreds of MiB each.
#[test]
fn pid1_writable_memory_is_what_it_uses() {
    let root = Root::new();
    for i in 0..5 {
        service(&root, &format!("w{i}"), "exec sleep 1000");
    }
    let mut c = root.init(&[]).start();
    for i in 0..5 {
        wait_state(&svc_dir(&root, &format!("w{i}")), "up (pid ");
    }
    let maps = fs::read_to_string(format!("/proc/{}/maps", c.pid1())).unwrap();
    let mut writable = 0u64;
    for l in maps.lines() {
        let mut w = l.split_whitespace();
        let (range, perms) = (w.next().unwrap(), w.next().unwrap());
        if perms.starts_with("rw") && perms.ends_with('p') {
            let (a, b) = range.split_once('-').unwrap();
            writable += u64::from_str_radix(b, 16).unwrap() - u64::from_str_radix(a, 16).unwrap();
        }
    }
    assert!(writable < 2 << 20, "PID 1 has {} KiB of writable private mappings:\n{maps}", writable >> 10);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn crash_loops_leave_pid1_memory_and_fds_unchanged() {
    let _t = timing();
    let root = Root::new();
    for i in 0..50 {
        service(&root, &format!("crash{i:02}"), "exit 1");
        if i % 2 == 0 {
            root.file(&format!("/etc/services.d/crash{i:02}/finish"), "#!/bin/sh\nexit 0\n", 0o755);
        }
    }
    let mut c = root.init(&[]).timeout(Duration::from_secs(60)).start();
    std::thread::sleep(Duration::from_millis(3000));
    let before = pid1_rss_and_fds(&mut c);
    std::thread::sleep(Duration::from_millis(20_000));
    let after = pid1_rss_and_fds(&mut c);
    let tally = fs::read(svc_dir(&root, "crash00").join("supervise/death_tally")).unwrap();
    assert!(tally.len() / 14 >= 20, "only {} deaths recorded", tally.len() / 14);
    assert!(before.0 > 0, "no private memory counted: {before:?}");
    assert_eq!(before, after, "PID 1 (private dirty KiB, open fds) changed across ~1,000 restarts");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn bad_service_directories_are_reported_and_others_run() {
    let root = Root::new();
    service(&root, "good", "exec sleep 1000");
    fs::create_dir_all(root.path().join("etc/services.d/no-run")).unwrap();
    fs::create_dir_all(root.path().join("etc/services.d/run-is-dir/run")).unwrap();
    service(&root, "bad-notif", "exec sleep 1000");
    root.file("/etc/services.d/bad-notif/notification-fd", "three\n", 0o644);
    // An invalid down-signal: warned about when it is read, TERM instead.
    service(&root, "bad-downsig", "exec sleep 1000");
    root.file("/etc/services.d/bad-downsig/down-signal", "BOGUS\n", 0o644);
    let long = "x".repeat(220);
    service(&root, &long, "exec sleep 1000");
    service(&root, "broken-log", "exec sleep 1000");
    fs::create_dir_all(root.path().join("etc/services.d/broken-log/log")).unwrap();
    let mut c = root.init(&[]).start();
    wait_state(&svc_dir(&root, "good"), "up (pid ");
    wait_state(&svc_dir(&root, "bad-notif"), "up (pid ");
    wait_state(&svc_dir(&root, "broken-log"), "up (pid ");
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    for want in [
        "s6-supervise no-run: warning: unable to spawn ./run (waiting 60 seconds): No such file or directory",
        "s6-supervise run-is-dir: warning: unable to spawn ./run (waiting 60 seconds): Is a directory",
        "s6-supervise bad-notif: warning: invalid notification-fd",
        "s6-supervise bad-downsig: warning: invalid down-signal",
        "s6-supervise broken-log/log: warning: unable to spawn ./run (waiting 60 seconds): No such file or directory",
    ] {
        assert!(o.stderr.lines().any(|l| l == want), "missing {want:?} in:\n{}", o.stderr);
    }
    assert!(
        o.stderr.contains(&format!("init: warning: service name too long (the limit is 196 bytes): {long}")),
        "{}",
        o.stderr
    );
}

#[test]
fn rescan_picks_up_a_service_copied_into_the_scan_directory() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    wait_state(&svc_dir(&root, "a"), "up (pid ");
    let late = svc_dir(&root, "late");
    fs::create_dir_all(&late).unwrap();
    fs::write(late.join("run"), "#!/bin/sh\nexec sleep 1000\n").unwrap();
    fs::set_permissions(late.join("run"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(host(s6("s6-svscanctl").arg("-a").arg(root.path().join("run/service"))).0, 0);
    wait_state(&late, "up (pid ");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Processes of the machine running `argv` (NUL-separated, exactly).
fn running(argv: &str) -> usize {
    let want = format!("{}\0", argv.replace(' ', "\0"));
    fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| fs::read(e.ok()?.path().join("cmdline")).ok())
        .filter(|c| c == want.as_bytes())
        .count()
}

/// `s6-svscanctl -n`/`-N` (Debian's client) prune what left the scan
/// directory as s6-svscan does: `-n` alone acts on the last scan; after
/// `-an` the service is brought down and its logger is left to end on
/// EOF (this one ignores it); `-N` brings the logger down too. A new
/// service of the same name is then supervised afresh, in the pruned
/// one's place, again and again.
#[test]
fn prune_takes_out_services_that_left_the_scan_directory() {
    use std::os::unix::fs::PermissionsExt;
    let root = Root::new();
    service(&root, "keep", "exec sleep 4711000");
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    wait_state(&scan.join("keep"), "up (pid ");
    let dynamic = |tag: u32| {
        let d = scan.join("dyn");
        fs::create_dir_all(d.join("log")).unwrap();
        for (f, n) in [(d.join("run"), tag), (d.join("log/run"), tag + 1)] {
            fs::write(&f, format!("#!/bin/sh\nexec sleep {n}\n")).unwrap();
            fs::set_permissions(&f, PermissionsExt::from_mode(0o755)).unwrap();
        }
        assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
        wait_state(&d, "up (pid ");
        wait_state(&d.join("log"), "up (pid ");
        wait_until("both up", Duration::from_secs(10), || {
            running(&format!("sleep {tag}")) == 1 && running(&format!("sleep {}", tag + 1)) == 1
        });
    };
    dynamic(4711010);
    fs::rename(scan.join("dyn"), root.path().join("tmp/dyn.old")).unwrap();
    assert_eq!(host(s6("s6-svscanctl").arg("-n").arg(&scan)).0, 0);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!((running("sleep 4711010"), running("sleep 4711011")), (1, 1), "-n alone pruned");
    assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
    wait_until("the service pruned", Duration::from_secs(10), || running("sleep 4711010") == 0);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(running("sleep 4711011"), 1, "the logger ignores EOF: -n leaves it");
    assert_eq!(host(s6("s6-svscanctl").arg("-N").arg(&scan)).0, 0);
    wait_until("the logger pruned", Duration::from_secs(10), || running("sleep 4711011") == 0);
    // The same name again, 20 times: more than the table holds (2 per
    // service at set-up, and 32) unless the pruned places are reused.
    for k in 0..20 {
        let tag = 4711020 + 10 * k;
        dynamic(tag);
        // The supervisors make their spare files (`status.new`,
        // `death_tally.new`) once idle: rm -rf may race them.
        wait_until("dyn removed", Duration::from_secs(5), || fs::remove_dir_all(scan.join("dyn")).is_ok());
        assert_eq!(host(s6("s6-svscanctl").arg("-aN").arg(&scan)).0, 0);
        wait_until("pruned", Duration::from_secs(10), || {
            running(&format!("sleep {tag}")) + running(&format!("sleep {}", tag + 1)) == 0
        });
    }
    assert_eq!(running("sleep 4711000"), 1, "a service still there was touched");
    assert!(svstat(&scan.join("keep")).starts_with("up (pid "));
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(!o.stderr.contains("too many services"), "{}", o.stderr);
}

/// A container whose services.d is empty, and 40 services copied into
/// the scan directory then: one rescan supervises them all.
#[test]
fn one_rescan_supervises_forty_services() {
    let root = Root::new();
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    wait_until("the scan directory", Duration::from_secs(10), || scan.join(".s6-svscan/control").exists());
    for i in 0..40 {
        let d = scan.join(format!("r{i:02}"));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("run"), "#!/bin/sh\nexec sleep 1000\n").unwrap();
        fs::set_permissions(d.join("run"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
    for i in 0..40 {
        wait_state(&scan.join(format!("r{i:02}")), "up (pid ");
    }
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    assert!(!o.stderr.contains("too many services"), "{}", o.stderr);
}

#[test]
fn halt_from_inside_with_an_exit_code() {
    let root = Root::new();
    let o = root
        .init(&[
            "sh",
            "-c",
            "echo 42 > /run/s6-linux-init-container-results/exitcode; /run/s6/basedir/bin/halt; sleep 10",
        ])
        .run();
    assert_eq!(o.code(), 42, "{}", o.stderr);
    assert!(o.elapsed < Duration::from_secs(5), "{:?}", o.elapsed);
    // Without a code written, halt gives the CMD's own (killed by TERM).
    let o = root.init(&["sh", "-c", "/command/halt; sleep 10"]).run();
    assert_eq!(o.code(), 143, "{}", o.stderr);
    // A 0 written before halt is a code too, though the file said 0 already
    // (written later than the kernel's timestamp granularity before 6.13).
    let o = root
        .init(&[
            "sh",
            "-c",
            "sleep 0.05; echo 0 > /run/s6-linux-init-container-results/exitcode; /command/halt; sleep 10",
        ])
        .run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

/// The exitcode file says 0 until someone writes it, as s6-linux-init's:
/// the finish script of s6-overlay images (Home Assistant add-ons') reads
/// it with `sh` before it writes its service's code and halts. Without a
/// CMD, and with one that is still running (v3 layout).
#[test]
fn the_exitcode_file_says_zero_for_finish_scripts() {
    for cmd in [&[][..], &["sleep", "30"][..]] {
        let root = Root::new();
        fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
        root.file("/etc/services.d/app/run", "#!/bin/sh\nsleep 0.3\nkill -KILL $$\n", 0o755);
        root.file(
            "/etc/services.d/app/finish",
            "#!/bin/sh\nf=/run/s6-linux-init-container-results/exitcode\ncur=$(cat $f)\necho \"[$cur]\" > /tmp/cur\n\
             if [ \"$1\" -eq 256 ] && [ \"$cur\" -eq 0 ]; then echo $((128 + $2)) > $f; fi\n\
             exec /run/s6/basedir/bin/halt\n",
            0o755,
        );
        let o = root.init(cmd).timeout(Duration::from_secs(20)).run();
        assert_eq!(o.code(), 137, "CMD {cmd:?}: {}", o.stderr);
        assert_eq!(fs::read_to_string(root.path().join("tmp/cur")).unwrap(), "[0]\n", "CMD {cmd:?}");
    }
}

/// `run` and `finish` without their x bit run through their `#!` line,
/// its argument included (`#!/bin/sh -e`).
#[test]
fn run_and_finish_without_x_bit_use_the_shebang() {
    let root = Root::new();
    root.file("/etc/services.d/nx/run", "#!/bin/sh -e\necho \"$-\" > /tmp/flags\nexec sleep 1000\n", 0o644);
    root.file("/etc/services.d/nx/finish", "#!/bin/sh\necho \"fin $1 $2\" >> /tmp/fin\n", 0o644);
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "nx");
    wait_state(&d, "up (pid ");
    wait_until("run's $-", Duration::from_secs(5), || {
        fs::read_to_string(root.path().join("tmp/flags")).is_ok_and(|f| f.ends_with('\n'))
    });
    let flags = fs::read_to_string(root.path().join("tmp/flags")).unwrap();
    assert!(flags.contains('e'), "run did not get its #! argument -e: {flags:?}");
    assert_eq!(host(s6("s6-svc").args(["-d"]).arg(&d)).0, 0);
    assert_eq!(host(s6("s6-svwait").args(["-D", "-t", "5000"]).arg(&d)).0, 0);
    assert_eq!(fs::read_to_string(root.path().join("tmp/fin")).unwrap(), "fin 256 15\n");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A service that ignores its down-signal: "want down" while it lingers,
/// then `timeout-kill` kills it (finish sees SIGKILL).
#[test]
fn timeout_kill_and_want_down_during_the_grace() {
    let root = Root::new();
    // The shell itself ignores TERM (an ignored signal inherited through
    // exec is not something every runner keeps: qemu-user does not).
    service(&root, "tk", "trap '' TERM; echo > /tmp/trapped; while :; do sleep 1; done");
    root.file("/etc/services.d/tk/timeout-kill", "3000\n", 0o644);
    root.file("/etc/services.d/tk/finish", "#!/bin/sh\necho \"$1 $2\" >> /tmp/fin\n", 0o755);
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "tk");
    wait_state(&d, "up (pid ");
    // Up is not enough: the TERM must come after the trap is set.
    wait_until("the service to ignore TERM", Duration::from_secs(5), || root.path().join("tmp/trapped").exists());
    assert_eq!(host(s6("s6-svc").args(["-d"]).arg(&d)).0, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    let st = loop {
        let st = svstat(&d);
        if st.contains("want down") {
            break st;
        }
        assert!(Instant::now() < deadline, "no 'want down' while the service ignores TERM: {st}");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(st.starts_with("up (pid "), "{st}");
    assert_eq!(host(s6("s6-svwait").args(["-D", "-t", "10000"]).arg(&d)).0, 0);
    assert_eq!(fs::read_to_string(root.path().join("tmp/fin")).unwrap(), "256 9\n");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `timeout-finish` 0: no limit (the default, 5 s, would kill this finish).
#[test]
fn timeout_finish_zero_means_no_limit() {
    let root = Root::new();
    service(&root, "tf", "exit 0");
    root.file("/etc/services.d/tf/down", "", 0o644);
    root.file("/etc/services.d/tf/timeout-finish", "0\n", 0o644);
    root.file("/etc/services.d/tf/finish", "#!/bin/sh\necho > /tmp/fstart\nsleep 6\necho done > /tmp/fin\n", 0o755);
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "tf");
    wait_state(&d, "down");
    assert_eq!(host(s6("s6-svc").args(["-o"]).arg(&d)).0, 0);
    // Once finish runs, the service is not "down and ready" until it ends.
    wait_until("finish to start", Duration::from_secs(5), || root.path().join("tmp/fstart").exists());
    assert_eq!(host(s6("s6-svwait").args(["-D", "-t", "20000"]).arg(&d)).0, 0);
    assert_eq!(fs::read_to_string(root.path().join("tmp/fin")).unwrap_or_default(), "done\n", "finish was cut short");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `death_tally` appears at the first death and keeps at most
/// `max-death-tally` records.
#[test]
fn max_death_tally_bounds_the_tally() {
    let root = Root::new();
    service(&root, "mt", "echo x >> /tmp/runs; exit 7");
    root.file("/etc/services.d/mt/max-death-tally", "2\n", 0o644);
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "mt");
    let runs = || fs::read_to_string(root.path().join("tmp/runs")).unwrap_or_default().lines().count();
    // From the third death on, status and death_tally are written by
    // exchange with their `.new` file: the same four inodes, none freed.
    let inodes = || {
        let mut v: Vec<u64> = ["status", "status.new", "death_tally", "death_tally.new"]
            .iter()
            .map(|f| std::os::unix::fs::MetadataExt::ino(&fs::metadata(d.join("supervise").join(f)).unwrap()))
            .collect();
        v.sort();
        v
    };
    wait_until("2 restarts", Duration::from_secs(20), || runs() >= 3);
    std::thread::sleep(Duration::from_millis(100));
    let before = inodes();
    wait_until("3 restarts", Duration::from_secs(20), || runs() >= 4);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(inodes(), before, "a status or tally file was made anew");
    assert!(svstat(&d).contains("exitcode 7"), "{}", svstat(&d));
    let tally = fs::read(d.join("supervise/death_tally")).unwrap();
    assert_eq!(tally.len(), 2 * 14, "max-death-tally 2 keeps 2 records");
    assert_eq!(&tally[12..14], &[7, 0]);
    assert_eq!(&tally[26..28], &[7, 0]);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A tally whose size is not a whole number of records reads as empty (as
/// s6's `s6_dtally_read`): the next death starts a new one.
#[test]
fn a_malformed_tally_is_made_anew() {
    let root = Root::new();
    service(&root, "mt", "sleep 0.3; exit 7");
    let mut c = root.init(&[]).start();
    let tally = svc_dir(&root, "mt").join("supervise/death_tally");
    let len = || fs::metadata(&tally).map_or(0, |m| m.len());
    wait_until("the first death", Duration::from_secs(10), || len() == 14);
    fs::OpenOptions::new().append(true).open(&tally).unwrap().write_all(b"abc").unwrap();
    wait_until("the second death", Duration::from_secs(10), || len() != 17);
    assert_eq!(len(), 14, "the partial record was kept");
    assert_eq!(&fs::read(&tally).unwrap()[12..14], &[7, 0]);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `notification-fd` 0 (stdin) and 1024 or more are refused with a warning;
/// the service still runs, without readiness.
#[test]
fn notification_fd_zero_and_1024_are_rejected() {
    let root = Root::new();
    for (name, n) in [("n0", "0"), ("nbig", "1024")] {
        service(&root, name, "exec sleep 1000");
        root.file(&format!("/etc/services.d/{name}/notification-fd"), &format!("{n}\n"), 0o644);
    }
    let mut c = root.init(&[]).start();
    for name in ["n0", "nbig"] {
        let st = wait_state(&svc_dir(&root, name), "up (pid ");
        assert!(!st.contains("ready"), "{name}: {st}");
    }
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    for name in ["n0", "nbig"] {
        let w = format!("s6-supervise {name}: warning: invalid notification-fd\n");
        assert!(o.stderr.contains(&w), "no {w:?} in {}", o.stderr);
    }
}

/// `exit-container`: a service that ends by itself ends the container with
/// its code (128 + the signal when killed), stopping a running CMD as
/// `halt` does; `s6-svc -d` never ends it; `on-failure` only a non-zero code.
#[test]
fn exit_container_ends_the_container_with_the_service_code() {
    let root = Root::new();
    service(&root, "main", "sleep 0.3; exit 7");
    root.file("/etc/services.d/main/exit-container", "", 0o644);
    let o = root.init(&["sleep", "100"]).timeout(Duration::from_secs(10)).run();
    assert_eq!(o.code(), 7, "{}", o.stderr);
    // Killed (s6-svc -k is a signal, not a stop): 128 + 9.
    let root = Root::new();
    service(&root, "main", "exec sleep 1000");
    root.file("/etc/services.d/main/exit-container", "\n", 0o644);
    let c = root.init(&[]).timeout(Duration::from_secs(10)).start();
    let m = svc_dir(&root, "main");
    wait_state(&m, "up (pid ");
    assert_eq!(host(s6("s6-svc").args(["-k"]).arg(&m)).0, 0);
    let o = c.wait();
    assert_eq!(o.code(), 137, "{}", o.stderr);
    // on-failure: exit 0 restarts, -d leaves the container up, exit 5 ends it.
    let root = Root::new();
    service(&root, "main", "echo x >> /tmp/starts; [ -e /tmp/fail ] && exit 5; sleep 0.1; exit 0");
    root.file("/etc/services.d/main/exit-container", "on-failure\n", 0o644);
    let mut c = root.init(&[]).timeout(Duration::from_secs(20)).start();
    let starts = || fs::read_to_string(root.path().join("tmp/starts")).unwrap_or_default().lines().count();
    wait_until("a restart after exit 0", Duration::from_secs(5), || starts() >= 2);
    assert!(c.running(), "exit 0 ended an on-failure container");
    let m = svc_dir(&root, "main");
    assert_eq!(host(s6("s6-svc").args(["-wD", "-d"]).arg(&m)).0, 0);
    std::thread::sleep(Duration::from_millis(300));
    assert!(c.running(), "s6-svc -d ended the container");
    fs::write(root.path().join("tmp/fail"), "").unwrap();
    assert_eq!(host(s6("s6-svc").args(["-u"]).arg(&m)).0, 0);
    let o = c.wait();
    assert_eq!(o.code(), 5, "{}", o.stderr);
}

/// `restart-limit`: after N quick deaths in a row the service stays down,
/// wanted down ("normally up" without "want up"), event `O` as after
/// finish 125; `s6-svc -u` tries again. With `exit-container`, the failure
/// ends the container.
#[test]
fn restart_limit_marks_the_service_failed() {
    let _t = timing();
    let root = Root::new();
    service(&root, "flap", "echo x >> /tmp/starts; exit 3");
    root.file("/etc/services.d/flap/restart-limit", "3\n", 0o644);
    let mut c = root.init(&[]).timeout(Duration::from_secs(30)).start();
    let starts = || fs::read_to_string(root.path().join("tmp/starts")).unwrap_or_default().lines().count();
    let f = svc_dir(&root, "flap");
    wait_until("a first start", Duration::from_secs(5), || starts() >= 1);
    // s6-svwait -U ends on the O event (it will not come up): exit 1.
    let mut w = s6("s6-svwait").args(["-U", "-t", "10000"]).arg(&f).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    wait_until("3 starts", Duration::from_secs(10), || starts() >= 3);
    let s = wait_state(&f, "down (exitcode 3)");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(starts(), 3, "restarted after the limit");
    let s2 = svstat(&f);
    assert!(s2.contains("normally up") && !s2.contains("want up"), "{s} / {s2}");
    let waited = loop {
        if let Some(st) = w.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline + Duration::from_secs(5), "s6-svwait -U never ended");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(waited.code(), Some(1), "s6-svwait -U");
    // u: three more tries.
    assert_eq!(host(s6("s6-svc").args(["-u"]).arg(&f)).0, 0);
    wait_until("a start after s6-svc -u", Duration::from_secs(5), || starts() >= 4);
    assert!(c.running());
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    assert!(o.stderr.contains("s6-supervise flap: warning: 3 quick deaths in a row"), "{}", o.stderr);
    // With exit-container on-failure and zero exits: the failure ends it.
    let root = Root::new();
    service(&root, "flap", "exit 0");
    root.file("/etc/services.d/flap/restart-limit", "2\n", 0o644);
    root.file("/etc/services.d/flap/exit-container", "on-failure\n", 0o644);
    let o = root.init(&["sleep", "100"]).timeout(Duration::from_secs(15)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(o.stderr.contains("2 quick deaths in a row"), "{}", o.stderr);
}

/// `restart-backoff MIN MAX`: quick deaths wait MIN, then twice as long.
#[test]
fn restart_backoff_doubles_the_wait() {
    let _t = timing();
    let root = Root::new();
    service(&root, "flap", "read up _ < /proc/uptime\necho $up >> /tmp/starts\nexit 1");
    root.file("/etc/services.d/flap/restart-backoff", "1500 6000\n", 0o644);
    let mut c = root.init(&[]).timeout(Duration::from_secs(30)).start();
    let stamps = || -> Vec<f64> {
        fs::read_to_string(root.path().join("tmp/starts"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while stamps().len() < 4 {
        assert!(Instant::now() < deadline, "4 starts never came: {:?}", stamps());
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = stamps();
    let gaps: Vec<f64> = s.windows(2).map(|w| w[1] - w[0]).collect();
    // 1.5, 3, 6 s (plus the run's own life; /proc/uptime has 10 ms steps).
    for (g, want) in gaps.iter().zip([1.5, 3.0, 6.0]) {
        assert!(*g >= want - 0.01 && *g < want + 1.0, "gaps {gaps:?}");
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Bad contents of the new files: a warning naming the file and what
/// happens instead; the service runs as without the file.
#[test]
fn bad_restart_knobs_warn_and_fall_back() {
    let _t = timing();
    let root = Root::new();
    service(&root, "flap", "echo x >> /tmp/starts; exit 1");
    root.file("/etc/services.d/flap/restart-limit", "many\n", 0o644);
    root.file("/etc/services.d/flap/restart-backoff", "5000\n", 0o644);
    root.file("/etc/services.d/flap/exit-container", "sometimes\n", 0o644);
    let o = root.init(&["sleep", "100"]).timeout(Duration::from_secs(10)).run();
    // exit-container with an unknown word: any exit ends the container.
    assert_eq!(o.code(), 1, "{}", o.stderr);
    for l in [
        "s6-supervise flap: warning: invalid restart-limit: restarting without limit",
        "s6-supervise flap: warning: invalid restart-backoff: restarting without backoff",
        "s6-supervise flap: warning: invalid exit-container: ending the container on any exit",
    ] {
        assert!(o.stderr.contains(l), "{l} missing: {}", o.stderr);
    }
    // Without exit-container: restarts go on at the 1 s throttle.
    let root = Root::new();
    service(&root, "flap", "echo x >> /tmp/starts; exit 1");
    root.file("/etc/services.d/flap/restart-limit", "0x3\n", 0o644);
    root.file("/etc/services.d/flap/restart-backoff", "9000 10\n", 0o644);
    let mut c = root.init(&[]).timeout(Duration::from_secs(20)).start();
    let starts = || fs::read_to_string(root.path().join("tmp/starts")).unwrap_or_default().lines().count();
    let deadline = Instant::now() + Duration::from_secs(10);
    while starts() < 4 {
        assert!(Instant::now() < deadline, "restarts stopped: {}", starts());
        std::thread::sleep(Duration::from_millis(20));
    }
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    assert!(o.stderr.contains("invalid restart-backoff"), "{}", o.stderr);
}

/// `flag-timeout-killpg`: the SIGKILL of `timeout-kill` goes to the whole
/// process group (a background child of `run` dies with it); without the
/// flag, only the service's own process.
#[test]
fn flag_timeout_killpg_kills_the_whole_group() {
    let root = Root::new();
    for name in ["kp", "nk"] {
        service(
            &root,
            name,
            &format!(
                "trap '' TERM; sleep 86413 & echo $! > /tmp/{name}.child; echo > /tmp/{name}.trapped; while :; do sleep 1; done"
            ),
        );
        root.file(&format!("/etc/services.d/{name}/timeout-kill"), "1000\n", 0o644);
        // Is the background child still there once run is gone?
        root.file(
            &format!("/etc/services.d/{name}/finish"),
            &format!(
                "#!/bin/sh\nc=$(cat /tmp/{name}.child)\nfor i in $(seq 30); do kill -0 \"$c\" 2>/dev/null || {{ echo gone > /tmp/{name}.bg; exit 0; }}; sleep 0.1; done\necho alive > /tmp/{name}.bg\n"
            ),
            0o755,
        );
    }
    root.file("/etc/services.d/kp/flag-timeout-killpg", "", 0o644);
    let mut c = root.init(&[]).start();
    for name in ["kp", "nk"] {
        let d = svc_dir(&root, name);
        wait_state(&d, "up (pid ");
        wait_until("the service to ignore TERM", Duration::from_secs(5), || {
            root.path().join(format!("tmp/{name}.trapped")).exists()
        });
        assert_eq!(host(s6("s6-svc").args(["-d"]).arg(&d)).0, 0);
    }
    for (name, want) in [("kp", "gone\n"), ("nk", "alive\n")] {
        let f = root.path().join(format!("tmp/{name}.bg"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !fs::read_to_string(&f).is_ok_and(|s| s.ends_with('\n')) {
            assert!(Instant::now() < deadline, "{name}: finish never told about the background child");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(fs::read_to_string(&f).unwrap(), want, "{name}: the background child after timeout-kill");
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `supervise/death_tally` exists, empty, as soon as the service is
/// supervised: `s6-svdt` on a service that never died prints nothing.
#[test]
fn death_tally_is_created_empty_at_start() {
    let root = Root::new();
    service(&root, "dt", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "dt");
    wait_state(&d, "up (pid ");
    assert_eq!(fs::read(d.join("supervise/death_tally")).expect("no supervise/death_tally"), b"");
    assert_eq!(host(s6("s6-svdt").arg(&d)), (0, String::new(), String::new()));
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Every `supervise/lock`, and each `death_tally` until its service's
/// first death, is a hard link to `.s6-svscan/lock`, which PID 1 holds
/// locked: Debian's s6-svok sees each service supervised and Debian's
/// s6-supervise refuses to take one over; a death gives the service a
/// tally of its own, and the lock stays held (closing the tally opened
/// before never dropped it).
#[test]
fn locks_and_first_tallies_are_links_to_the_scan_lock() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    service(&root, "b", "echo x >> /tmp/runs; exec sleep 1000");
    root.file(
        "/etc/services.d/b/log/run",
        "#!/bin/sh
exec cat > /dev/null
",
        0o755,
    );
    let mut c = root.init(&[]).start();
    let (a, b) = (svc_dir(&root, "a"), svc_dir(&root, "b"));
    wait_state(&a, "up (pid ");
    wait_state(&b, "up (pid ");
    let scan = root.path().join("run/service/.s6-svscan/lock");
    let ino = |p: &Path| fs::metadata(p).unwrap().ino();
    let lock = ino(&scan);
    for d in [&a, &b, &b.join("log")] {
        assert_eq!(ino(&d.join("supervise/lock")), lock, "{}", d.display());
        assert_eq!(ino(&d.join("supervise/death_tally")), lock, "{}", d.display());
    }
    assert_eq!(fs::metadata(&scan).unwrap().nlink(), 7);
    assert_eq!(fs::metadata(&scan).unwrap().len(), 0);
    let supervised = |d: &Path| host(Command::new("/usr/bin/s6-svok").arg(d)).0;
    assert_eq!(supervised(&a), 0);
    let (code, _, err) = host(Command::new("/usr/bin/s6-supervise").arg(&a));
    assert_eq!(code, 100, "Debian's s6-supervise took over a supervised service: {err}");
    // b dies once: its tally is its own file with one record.
    assert_eq!(host(s6("s6-svc").arg("-k").arg(&b)).0, 0);
    let runs = || fs::read_to_string(root.path().join("tmp/runs")).unwrap_or_default().lines().count();
    wait_until("b restarted", Duration::from_secs(5), || runs() >= 2);
    wait_state(&b, "up (pid ");
    assert_ne!(ino(&b.join("supervise/death_tally")), lock);
    assert_eq!(fs::read(b.join("supervise/death_tally")).unwrap().len(), 14);
    assert_eq!(fs::metadata(&scan).unwrap().len(), 0, "the scan lock was written");
    assert_eq!(fs::metadata(&scan).unwrap().nlink(), 6);
    if let Ok(m) = fs::metadata(b.join("supervise/death_tally.new")) {
        assert_ne!(m.ino(), lock, "death_tally.new is a name of the scan lock");
    }
    for d in [&a, &b] {
        assert_eq!(supervised(d), 0, "{} no longer supervised", d.display());
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A `death_tally.new` that is a name of the scan lock (a replacement cut
/// short by a kill, with `/run` kept) is never written into: the next death
/// makes a file of its own, and the lock stays empty.
#[test]
fn a_tally_spare_linked_to_the_scan_lock_is_not_written() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    service(&root, "a", "echo x >> /tmp/runs; exec sleep 1000");
    let mut c = root.init(&[]).start();
    let a = svc_dir(&root, "a");
    wait_state(&a, "up (pid ");
    let spare = a.join("supervise/death_tally.new");
    wait_until("spare tally", Duration::from_secs(5), || spare.exists());
    let scan = root.path().join("run/service/.s6-svscan/lock");
    fs::remove_file(&spare).unwrap();
    fs::hard_link(&scan, &spare).unwrap();
    assert_eq!(host(s6("s6-svc").arg("-k").arg(&a)).0, 0);
    let runs = || fs::read_to_string(root.path().join("tmp/runs")).unwrap_or_default().lines().count();
    wait_until("a restarted", Duration::from_secs(5), || runs() >= 2);
    wait_state(&a, "up (pid ");
    assert_eq!(fs::metadata(&scan).unwrap().len(), 0, "death records were written into the scan lock");
    assert_eq!(fs::read(a.join("supervise/death_tally")).unwrap().len(), 14);
    assert_ne!(fs::metadata(a.join("supervise/death_tally")).unwrap().ino(), fs::metadata(&scan).unwrap().ino());
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Once a service is up and PID 1 is quiet, `status.new` and
/// `death_tally.new` exist: the next status change and the next death are
/// written into them and put in place, so that a stop makes no inode.
#[test]
fn status_changes_and_deaths_write_into_spare_files() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    // More than one batch (8 services at a time): sp9 is in the second.
    for i in 0..10 {
        service(&root, &format!("sp{i}"), "exec sleep 1000");
    }
    let mut c = root.init(&[]).start();
    let dirs: Vec<_> = (0..10).map(|i| svc_dir(&root, &format!("sp{i}"))).collect();
    for d in &dirs {
        wait_state(d, "up (pid ");
    }
    wait_until("spare files", Duration::from_secs(5), || {
        dirs.iter().all(|d| d.join("supervise/status.new").exists() && d.join("supervise/death_tally.new").exists())
    });
    let d = &dirs[9];
    let (sn, tn) = (d.join("supervise/status.new"), d.join("supervise/death_tally.new"));
    let ino = |p: &Path| fs::metadata(p).unwrap().ino();
    let (s_ino, t_ino) = (ino(&sn), ino(&tn));
    assert_eq!(fs::metadata(&tn).unwrap().nlink(), 1);
    let old = ino(&d.join("supervise/status"));
    assert_ne!(s_ino, old);
    assert_ne!(t_ino, ino(&d.join("supervise/death_tally")));
    assert_eq!(host(s6("s6-svc").arg("-d").arg(d)).0, 0);
    wait_state(d, "down (");
    // One status write or two ("want down", then down): exchanged each time.
    let mut now = [ino(&d.join("supervise/status")), ino(&sn)];
    now.sort();
    let mut want = [s_ino, old];
    want.sort();
    assert_eq!(now, want, "a status change made an inode");
    assert_eq!(ino(&d.join("supervise/death_tally")), t_ino, "the death was not written into the spare file");
    assert_eq!(fs::read(d.join("supervise/death_tally")).unwrap().len(), 14);
    // Quiet again: a new tally spare, and the previous status as status.new.
    wait_until("spare files again", Duration::from_secs(5), || tn.exists());
    assert_ne!(ino(&tn), t_ino);
    assert!(sn.exists());
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Every service is set up, with a status, before the first one starts:
/// a `run` that waits for a service after it in the order finds it (as
/// under s6-overlay, which copies all of them before their supervisors
/// start). Until its first start, a service's status is a link to one
/// file; each then gets its own.
#[test]
fn a_run_can_wait_for_a_service_set_up_after_it() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    service(
        &root,
        "a0-wait",
        "/command/s6-svwait -u -t 10000 /run/service/z9-target 2>/tmp/werr; echo \"rc $?\" > /tmp/w; exec sleep 1000",
    );
    for i in 0..30 {
        service(&root, &format!("m{i:02}"), "exec sleep 1000");
    }
    service(&root, "z9-target", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let w = root.path().join("tmp/w");
    wait_until("the waiter", Duration::from_secs(10), || fs::read_to_string(&w).is_ok_and(|s| s.ends_with('\n')));
    let err = fs::read_to_string(root.path().join("tmp/werr")).unwrap_or_default();
    assert_eq!(fs::read_to_string(&w).unwrap(), "rc 0\n", "{err}");
    let first = root.path().join("run/service/.s6-svscan/first-status");
    wait_until("every service's own status", Duration::from_secs(5), || {
        fs::metadata(&first).is_ok_and(|m| m.nlink() == 1)
    });
    for name in ["a0-wait", "m00", "z9-target"] {
        let d = svc_dir(&root, name);
        assert_eq!(fs::metadata(d.join("supervise/status")).unwrap().nlink(), 1, "{name}");
        assert!(svstat(&d).starts_with("up (pid "), "{name}: {}", svstat(&d));
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Where the first status cannot be a link (here `first-status` is a
/// directory), each service wanted up gets its own status at set-up: a
/// `run` can still wait for a service set up before it or after it.
#[test]
fn a_run_can_wait_for_any_service_when_its_status_cannot_be_a_link() {
    let root = Root::new();
    root.file(
        "/etc/cont-init.d/10-block",
        "#!/bin/sh
mkdir /run/service/.s6-svscan/first-status
",
        0o755,
    );
    let wait = |target: &str, out: &str| {
        format!(
            "/command/s6-svwait -u -t 10000 /run/service/{target} 2>>/tmp/werr; echo \"rc $?\" > /tmp/{out}; exec sleep 1000"
        )
    };
    service(&root, "a0-wait", &wait("z9-target", "w1"));
    service(&root, "a1-target", "exec sleep 1000");
    for i in 0..30 {
        service(&root, &format!("m{i:02}"), "exec sleep 1000");
    }
    service(&root, "z8-wait", &wait("a1-target", "w2"));
    service(&root, "z9-target", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    for w in ["w1", "w2"] {
        let w = root.path().join("tmp").join(w);
        wait_until("the waiters", Duration::from_secs(10), || fs::read_to_string(&w).is_ok_and(|s| s.ends_with('\n')));
        let err = fs::read_to_string(root.path().join("tmp/werr")).unwrap_or_default();
        assert_eq!(fs::read_to_string(&w).unwrap(), "rc 0\n", "{err}");
    }
    assert!(root.path().join("run/service/.s6-svscan/first-status").is_dir());
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// The copy of a service directory keeps every mode, those the umask
/// would clear and a directory its owner cannot write included.
#[test]
fn service_copies_keep_their_modes() {
    use std::os::unix::fs::PermissionsExt;
    let root = Root::new();
    service(&root, "m", "exec sleep 1000");
    root.file("/etc/services.d/m/data/f640", "x\n", 0o640);
    root.file("/etc/services.d/m/data/f777", "x\n", 0o777);
    root.file("/etc/services.d/m/ro/f", "x\n", 0o644);
    let etc = root.path().join("etc/services.d/m");
    fs::set_permissions(etc.join("ro"), fs::Permissions::from_mode(0o555)).unwrap();
    fs::set_permissions(etc.join("data"), fs::Permissions::from_mode(0o1770)).unwrap();
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "m");
    wait_state(&d, "up (pid ");
    let mode = |p: &str| fs::symlink_metadata(d.join(p)).unwrap().permissions().mode() & 0o7777;
    let want =
        [("run", 0o755), ("data", 0o1770), ("data/f640", 0o640), ("data/f777", 0o777), ("ro", 0o555), ("ro/f", 0o644)];
    for (p, m) in want {
        assert_eq!(mode(p), m, "{p}: {:o}", mode(p));
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A fifo in a service directory is recreated (as a fifo) in the copy
/// under /run/service.
#[test]
fn fifo_in_a_service_directory_is_copied_as_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let root = Root::new();
    service(&root, "ff", "[ -p ./pipe ] && echo fifo > /tmp/kind; exec sleep 1000");
    let st = Command::new("mkfifo").arg(root.path().join("etc/services.d/ff/pipe")).status().unwrap();
    assert!(st.success());
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "ff");
    wait_state(&d, "up (pid ");
    assert!(fs::symlink_metadata(d.join("pipe")).unwrap().file_type().is_fifo());
    wait_until("run to see its fifo", Duration::from_secs(5), || {
        fs::read_to_string(root.path().join("tmp/kind")).is_ok_and(|s| s == "fifo\n")
    });
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Services started together run in children that share PID 1's memory
/// until their exec, each with its own copy of what it runs
/// (`sys::spawn::spawn_nowait`): every one gets its own argv, directory,
/// environment and log pipe, however many start at once.
#[test]
fn a_burst_of_services_each_get_their_own_argv_directory_and_pipe() {
    let root = Root::new();
    let n = 40;
    for i in 0..n {
        let name = format!("b{i:02}");
        service(
            &root,
            &name,
            &format!("echo \"$0 $1 $(pwd -P) $BURST\" > /tmp/{name}.out\necho \"line from $1\"\nexec sleep 1000"),
        );
        if i % 2 == 0 {
            root.file(
                &format!("/etc/services.d/{name}/log/run"),
                &format!("#!/bin/sh\nexec cat > /tmp/{name}.log\n"),
                0o755,
            );
        }
    }
    // S6_KEEP_ENV=1: services get the container's environment, here a
    // big variable.
    let mut c = root.init(&[]).env("S6_KEEP_ENV", "1").env("BURST", "x".repeat(3000).as_str()).start();
    let x = "x".repeat(3000);
    for i in 0..n {
        let name = format!("b{i:02}");
        let out = root.path().join(format!("tmp/{name}.out"));
        wait_until(&format!("{name} to run"), Duration::from_secs(10), || {
            fs::read_to_string(&out).is_ok_and(|s| s.ends_with('\n'))
        });
        assert_eq!(fs::read_to_string(&out).unwrap(), format!("./run {name} /run/s6/services/{name} {x}\n"));
        if i % 2 == 0 {
            let log = root.path().join(format!("tmp/{name}.log"));
            wait_until(&format!("{name}'s logger to get its line"), Duration::from_secs(10), || {
                fs::read_to_string(&log).is_ok_and(|s| s.ends_with('\n'))
            });
            assert_eq!(fs::read_to_string(&log).unwrap(), format!("line from {name}\n"));
        }
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// While a child started for a service shares PID 1's memory (until its
/// exec), PID 1 is not dumpable: before Linux 5.16 a core dump of that
/// child would kill it. Once every child has exec'd, it is dumpable again
/// (seen as the owner of /proc/PID/status: root while it is not, PID 1's
/// own uid once it is), also while services crash and restart (a deadline
/// is always pending then).
#[test]
fn pid1_is_dumpable_again_once_its_children_have_execd() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    let run = root.path().join("run");
    std::os::unix::fs::chown(&run, Some(1000), Some(1000)).unwrap();
    for i in 0..20 {
        service(&root, &format!("d{i:02}"), "exec sleep 1000");
    }
    service(&root, "crash", "sleep 0.2; exit 1");
    let mut c = root.init(&[]).user(1000, 1000).start();
    for i in 0..20 {
        wait_state(&svc_dir(&root, &format!("d{i:02}")), "up (pid ");
    }
    let status = format!("/proc/{}/status", c.pid1());
    let owner = || fs::metadata(&status).unwrap().uid();
    wait_until("PID 1 dumpable again after 20 starts", Duration::from_secs(5), || owner() == 1000);
    // The crashing service restarts every second: PID 1 must not stay
    // non-dumpable across restarts.
    let (mut dumpable, mut seen) = (0, 0);
    let end = Instant::now() + Duration::from_millis(3000);
    while Instant::now() < end {
        seen += 1;
        dumpable += (owner() == 1000) as u32;
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(dumpable * 10 >= seen * 9, "PID 1 dumpable in only {dumpable} of {seen} looks");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A services.d of many services of every kind: each is set up alike
/// (loggers, `down`, readiness, a linked directory and a linked `log/`,
/// the scan lock's links), and driven by Debian's clients.
#[test]
fn a_large_services_d_is_set_up_alike() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
    let root = Root::new();
    let names: Vec<String> = (0..24).map(|i| format!("s{i:02}")).collect();
    for (i, n) in names.iter().enumerate() {
        let dir = if i == 22 { "/opt/s22".to_string() } else { format!("/etc/services.d/{n}") };
        let run = if i == 11 {
            "echo hello s11; echo >&3; exec sleep 1000".to_string()
        } else {
            format!("echo hello {n}; exec sleep 1000")
        };
        root.file(&format!("{dir}/run"), &format!("#!/bin/sh\n{run}\n"), 0o755);
        if i % 3 == 2 || i == 20 {
            let log = if i == 20 { "/opt/l20".to_string() } else { format!("{dir}/log") };
            root.file(&format!("{log}/run"), &format!("#!/bin/sh\nexec cat >> /tmp/log-{n}\n"), 0o755);
        }
    }
    symlink("/opt/s22", root.path().join("etc/services.d/s22")).unwrap();
    symlink("/opt/l20", root.path().join("etc/services.d/s20/log")).unwrap();
    root.file("/etc/services.d/s05/down", "", 0o644);
    root.file("/etc/services.d/s17/down", "", 0o644);
    root.file("/etc/services.d/s11/notification-fd", "3\n", 0o644);
    root.file("/etc/services.d/zz-file", "", 0o644);
    let mut c = root.init(&[]).start();
    let lock = root.path().join("run/service/.s6-svscan/lock");
    for (i, n) in names.iter().enumerate() {
        let d = svc_dir(&root, n);
        if i == 5 || i == 17 {
            wait_state(&d, "down ");
        } else if i == 11 {
            wait_until("s11 ready", Duration::from_secs(10), || svstat(&d).contains("ready"));
        } else {
            wait_state(&d, "up (pid ");
        }
        let mut dirs = vec![d.clone()];
        if i % 3 == 2 || i == 20 {
            dirs.push(d.join("log"));
            wait_state(&d.join("log"), "up (pid ");
            let out = root.path().join(format!("tmp/log-{n}"));
            if i != 5 && i != 17 {
                wait_until(&format!("{n}'s line logged"), Duration::from_secs(10), || {
                    fs::read_to_string(&out).is_ok_and(|s| s == format!("hello {n}\n"))
                });
            }
        }
        for d in &dirs {
            let m = |p: &str| fs::metadata(d.join(p)).unwrap();
            assert_eq!(m("supervise/lock").ino(), fs::metadata(&lock).unwrap().ino(), "{}", d.display());
            assert_eq!(m("supervise").permissions().mode() & 0o7777, 0o711, "{}", d.display());
            assert_eq!(m("event").permissions().mode() & 0o7777, 0o3730, "{}", d.display());
            assert!(fs::symlink_metadata(d.join("supervise/control")).unwrap().file_type().is_fifo());
            assert_eq!(m("run").permissions().mode() & 0o7777, 0o755, "{}", d.display());
        }
    }
    // The ones wanted down start when told, and stop when told.
    for n in ["s05", "s17"] {
        let d = svc_dir(&root, n);
        assert_eq!(host(s6("s6-svc").arg("-u").arg(&d)).0, 0);
        wait_state(&d, "up (pid ");
        assert_eq!(host(s6("s6-svc").arg("-d").arg(&d)).0, 0);
        wait_state(&d, "down ");
    }
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(o.stderr.contains("not supervising /etc/services.d/zz-file"), "{}", o.stderr);
}

/// `s6-permafailon` in `finish`: the third death within 60 s exits 125, so
/// the service stays down; `s6-svdt-clear` empties the tally (and the
/// supervisor writes the next one after it), and `s6-svdt` reads it back.
#[test]
fn permafailon_stops_restarts_and_svdt_clear_empties_the_tally() {
    let _t = timing();
    let root = Root::new();
    service(&root, "pf", "echo run >> /tmp/runs; exit 3");
    root.file(
        "/etc/services.d/pf/finish",
        "#!/command/execlineb -P\ns6-permafailon 60 3 1-2,4-255,SIGSEGV\ns6-permafailon 60 3 3 echo finish-ran\n",
        0o755,
    );
    let mut c = root.init(&[]).timeout(Duration::from_secs(30)).start();
    let d = svc_dir(&root, "pf");
    let runs = || fs::read_to_string(root.path().join("tmp/runs")).unwrap_or_default().lines().count();
    wait_until("3 runs", Duration::from_secs(15), || runs() >= 3);
    wait_state(&d, "down (exitcode 3)");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(runs(), 3, "restarted after s6-permafailon exited 125");
    assert!(!svstat(&d).contains("want up"), "{}", svstat(&d));
    let tally = fs::read(d.join("supervise/death_tally")).unwrap();
    assert_eq!(tally.len(), 3 * 14);
    let (code, out, err) = host(Command::new(rs6()).arg("s6-svdt-clear").arg(&d));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(fs::read(d.join("supervise/death_tally")).unwrap().len(), 0);
    // Up again: one death goes into the emptied tally.
    let (code, _, err) = host(s6("s6-svc").arg("-u").arg(&d));
    assert_eq!(code, 0, "{err}");
    wait_until("run 4", Duration::from_secs(10), || runs() >= 4);
    wait_until("one death in the tally", Duration::from_secs(10), || {
        fs::read(d.join("supervise/death_tally")).map(|t| t.len()).unwrap_or(0) == 14
    });
    let (code, out, _) = host(Command::new(rs6()).arg("s6-svdt").arg("-s").arg(&d));
    assert_eq!(code, 0);
    assert!(out.ends_with(" exitcode 3\n") && out.lines().count() == 1, "{out:?}");
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
    assert_eq!(o.stdout.matches("finish-ran\n").count(), 3, "{}", o.stdout);
    assert_eq!(
        o.stderr.matches("s6-permafailon: info: PERMANENT FAILURE triggered after 3 events involving exit code 3 in the last 60 seconds\n").count(),
        1,
        "{}",
        o.stderr
    );
}

/// `exec s6-pause` (a service switched off by its image): it stays up until
/// a signal it does not ignore; `-t` ignores TERM, `-p 1,10` HUP and USR1.
#[test]
fn s6_pause_blocks_until_a_signal_it_does_not_ignore() {
    let root = Root::new();
    service(&root, "p", "exec s6-pause");
    service(&root, "q", "exec s6-pause -t -p 1,10,0,9");
    let mut c = root.init(&[]).start();
    let (p, q) = (svc_dir(&root, "p"), svc_dir(&root, "q"));
    wait_state(&p, "up");
    wait_state(&q, "up");
    // "up" is the spawn: give `sh` time to exec s6-pause and s6-pause to
    // set its dispositions (much longer under qemu-user) before signalling.
    std::thread::sleep(Duration::from_millis(if emulated() { 2000 } else { 300 }));
    let pid = |d: &Path| svstat(d).split_whitespace().nth(2).unwrap_or("").trim_end_matches(')').to_string();
    let qpid = pid(&q);
    for sig in ["-t", "-h", "-1"] {
        host(s6("s6-svc").arg(sig).arg(&q));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(pid(&q), qpid, "s6-pause -t -p 1,10 died of TERM, HUP or USR1: {}", svstat(&q));
    host(s6("s6-svc").arg("-d").arg(&p));
    wait_state(&p, "down (signal SIGTERM)");
    host(s6("s6-svc").arg("-2").arg(&q));
    wait_until("q restarted", Duration::from_secs(5), || pid(&q) != qpid && svstat(&q).starts_with("up"));
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// v2 bounds `S6_CMD_WAIT_FOR_SERVICES` by 5000 ms when
/// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME` is unset: a service that never gets
/// ready holds the CMD back that long, then (policy 0) the CMD runs.
#[test]
fn v2_waits_for_services_five_seconds_by_default() {
    let root = Root::new();
    service(&root, "never", "exec sleep 1000");
    root.file("/etc/services.d/never/notification-fd", "3\n", 0o644);
    let o = root
        .init(&["echo", "cmd"])
        .env("S6_CMD_WAIT_FOR_SERVICES", "1")
        .env("S6_VERBOSITY", "1")
        .timeout(Duration::from_secs(20))
        .run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "cmd\n"), "{}", o.stderr);
    assert!(o.stderr.contains("timed out waiting for services"), "{}", o.stderr);
    assert!(o.elapsed >= Duration::from_millis(4900) && o.elapsed < Duration::from_secs(9), "{:?}", o.elapsed);
}

/// v2's way for a service to stop the container with a code: its `finish`
/// writes `/var/run/s6/env-stage3/S6_STAGE2_EXITED` (no newline), then
/// `s6-svscanctl -t /var/run/s6/services`. On a fresh `/run` and a kept one.
#[test]
fn v2_finish_sets_the_exit_code_through_env_stage3() {
    let root = Root::new();
    service(&root, "main", "exit 5");
    root.file(
        "/etc/services.d/main/finish",
        "#!/usr/bin/execlineb -S1\n\
         foreground { redirfd -w 1 /var/run/s6/env-stage3/S6_STAGE2_EXITED s6-echo -n -- ${1} }\n\
         s6-svscanctl -t /var/run/s6/services\n",
        0o755,
    );
    // cont-finish scripts see it, as v2's stage 3 merged env-stage3.
    root.file("/etc/cont-finish.d/cf", "#!/bin/sh\necho cf $S6_STAGE2_EXITED\n", 0o755);
    for start in 0..2 {
        let o = root.init(&["sleep", "1000"]).run_on_disk().timeout(Duration::from_secs(20)).run();
        assert_eq!(o.code(), 5, "start {start}: {}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("cf 5\n"), "start {start}: {}\n{}", o.stdout, o.stderr);
    }
    // As v2 read it when stage 3 began, a code written while the services
    // stop (a service that exits 143 on TERM) does not replace the CMD's.
    let root = Root::new();
    service(&root, "java", "trap 'exit 143' TERM; while :; do sleep 0.05; done");
    root.file(
        "/etc/services.d/java/finish",
        "#!/bin/sh
[ \"$1\" -ne 0 ] && [ \"$1\" -ne 256 ] && printf %s \"$1\" > /var/run/s6/env-stage3/S6_STAGE2_EXITED
exit 0
",
        0o755,
    );
    root.file("/etc/cont-finish.d/cf", "#!/bin/sh\necho cf $S6_STAGE2_EXITED\n", 0o755);
    let o = root.init(&["sh", "-c", "sleep 0.3; exit 4"]).timeout(Duration::from_secs(20)).run();
    assert_eq!(o.code(), 4, "{}", o.stderr);
    assert!(o.stdout.contains("cf 4\n"), "{}\n{}", o.stdout, o.stderr);
}

/// `s6-svlisten1`: what the program it starts does to the service is
/// waited for, as with Debian's; a timeout is 99; a bad call 100.
#[test]
fn svlisten1_waits_for_what_its_program_does() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let a = svc_dir(&root, "a");
    wait_state(&a, "up");
    let d = a.to_str().unwrap();
    let svc = "/usr/bin/s6-svc";
    for (theirs, tag) in [(false, "ours"), (true, "debian")] {
        let cmd = |args: &[&str]| -> (i32, String, String) {
            let mut c = if theirs { s6("s6-svlisten1") } else { Command::new(rs6()) };
            if !theirs {
                c.arg("s6-svlisten1");
            }
            host(c.args(args))
        };
        assert_eq!(cmd(&["-D", d, svc, "-d", d]), (0, String::new(), String::new()), "{tag}");
        assert!(svstat(&a).starts_with("down"), "{tag}: {}", svstat(&a));
        assert_eq!(cmd(&["-u", "-t", "5000", d, svc, "-u", d]), (0, String::new(), String::new()), "{tag}");
        assert!(svstat(&a).starts_with("up"), "{tag}: {}", svstat(&a));
        assert_eq!(cmd(&["-r", d, svc, "-k", d]), (0, String::new(), String::new()), "{tag}");
        let (code, _, err) = cmd(&["-d", "-t", "300", d, "true"]);
        assert_eq!((code, err.as_str()), (99, "s6-svlisten1: fatal: timed out\n"), "{tag}");
        let (code, _, err) = cmd(&["-d", d]);
        assert_eq!(code, 100, "{tag}: {err}");
        let want = (
            111,
            String::new(),
            "s6-svlisten1: fatal: unable to spawn /nonexistent: No such file or directory\n".into(),
        );
        assert_eq!(cmd(&["-d", d, "/nonexistent"]), want, "{tag}");
    }
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `s6-svlisten`: several directories as an execline block (the words up
/// to an empty one; a leading space is execline's quoting), `-a` and
/// `-o`; Debian's next to ours, against our supervisor.
#[test]
fn svlisten_waits_for_several_services() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    service(&root, "b", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let (a, b) = (svc_dir(&root, "a"), svc_dir(&root, "b"));
    wait_state(&a, "up");
    wait_state(&b, "up");
    let (da, db) = (a.to_str().unwrap(), b.to_str().unwrap());
    let (qa, qb) = (format!(" {da}"), format!(" {db}"));
    let svc = "/usr/bin/s6-svc";
    for (theirs, tag) in [(false, "ours"), (true, "debian")] {
        let cmd = |args: &[&str]| -> (i32, String, String) {
            let mut c = if theirs { s6("s6-svlisten") } else { Command::new(rs6()) };
            if !theirs {
                c.arg("s6-svlisten");
            }
            host(c.args(args))
        };
        let ok = (0, String::new(), String::new());
        // (Debian's s6-svc takes one directory.)
        let both = format!("{svc} -d {da}; {svc} -d {db}");
        assert_eq!(cmd(&["-D", "-t", "5000", &qa, &qb, "", "sh", "-c", &both]), ok, "{tag}");
        assert!(svstat(&a).starts_with("down") && svstat(&b).starts_with("down"), "{tag}");
        // -o: one of them is enough (only a comes up).
        assert_eq!(cmd(&["-o", "-u", "-t", "5000", da, db, "", svc, "-u", da]), ok, "{tag}");
        assert!(svstat(&a).starts_with("up"), "{tag}: {}", svstat(&a));
        // -a: b never comes up.
        let (code, _, err) = cmd(&["-u", "-t", "300", da, db, "", "true"]);
        assert_eq!((code, err.as_str()), (99, "s6-svlisten: fatal: timed out\n"), "{tag}");
        assert_eq!(cmd(&["-u", "-t", "5000", &qa, &qb, "", svc, "-u", db]), ok, "{tag}");
        let (code, _, err) = cmd(&["-u", da, db, "true"]);
        assert_eq!((code, err.as_str()), (100, "s6-svlisten: fatal: unterminated servicedir block\n"), "{tag}");
        assert_eq!(cmd(&["-u", da, db, ""]).0, 100, "{tag}");
        // A program that cannot be run ends it at once (no wait, no hang).
        let want = (
            111,
            String::new(),
            "s6-svlisten: fatal: unable to spawn /nonexistent: No such file or directory\n".into(),
        );
        assert_eq!(cmd(&["-d", da, "", "/nonexistent"]), want, "{tag}");
    }
    // An empty block runs the program at once (s6 2.15; Debian's 2.11
    // calls it a usage error).
    assert_eq!(host(Command::new(rs6()).args(["s6-svlisten", "-u", "", "sh", "-c", "exit 3"])).0, 3);
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// Our applet `prog`, run on the host as Debian's are.
fn ours(prog: &str) -> Command {
    let mut c = Command::new(rs6());
    c.arg(prog);
    c
}

/// In the root, its own host path leads back to its top: a path that a
/// tool run on the host resolves (s6-svlink links the servicedir's real
/// path) names the same directory for PID 1 in the chroot.
fn loop_back(root: &Root) {
    let back = root.path().join(root.path().strip_prefix("/").unwrap());
    fs::create_dir_all(back.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("/", &back).unwrap();
}

/// A service directory outside the scan directory, with a logger that
/// ends on EOF.
fn outside_service(root: &Root, name: &str, tag: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = root.path().join("srv").join(name);
    fs::create_dir_all(d.join("log")).unwrap();
    fs::write(d.join("run"), format!("#!/bin/sh\nexec sleep {tag}\n")).unwrap();
    fs::write(d.join("log/run"), "#!/bin/sh\nexec cat\n").unwrap();
    for f in [d.join("run"), d.join("log/run")] {
        fs::set_permissions(&f, PermissionsExt::from_mode(0o755)).unwrap();
    }
    d
}

/// `s6-svlink` and `s6-svunlink`, Debian's and ours in turn, add a service
/// (and its logger) to a running container that has no service of its
/// own, and take it out: each returns once the supervisors have started,
/// or exited (s6-svunlink waits for event `x`), and the service is then
/// seen unsupervised. `-D` links it down (a `down` file in it and in its
/// logger); `-d` too, and removes the service's own once supervised.
#[test]
fn svlink_and_svunlink_add_and_take_out_a_service() {
    let root = Root::new();
    loop_back(&root);
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    wait_until("the scan lock", Duration::from_secs(10), || scan.join(".s6-svscan/lock").exists());
    let d = outside_service(&root, "dyn", 4713010);
    let pairs = [("theirs", "ours"), ("ours", "theirs"), ("ours", "ours"), ("theirs", "theirs")];
    for (k, (l, u)) in pairs.into_iter().enumerate() {
        let tool = |who: &str, p: &str| if who == "ours" { ours(p) } else { s6(p) };
        let t = Instant::now();
        let (code, out, err) = host(tool(l, "s6-svlink").args(["-t", "5000"]).arg(&scan).arg(&d));
        assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""), "{l} s6-svlink, round {k}");
        assert!(t.elapsed() < Duration::from_secs(2), "{l} s6-svlink took {:?}", t.elapsed());
        assert_eq!(fs::read_link(scan.join("dyn")).unwrap(), d, "{l}");
        // Supervised: its status is there (s6-svlink waits for `s`, sent
        // before the first spawn, so "up" may come a moment later).
        assert_eq!(host(s6("s6-svok").arg(&d)).0, 0, "{l}");
        assert_eq!(host(s6("s6-svok").arg(d.join("log"))).0, 0, "{l}");
        wait_state(&d, "up (pid ");
        wait_state(&d.join("log"), "up (pid ");
        wait_until("run", Duration::from_secs(5), || running("sleep 4713010") == 1);
        let t = Instant::now();
        let (code, out, err) = host(tool(u, "s6-svunlink").args(["-t", "5000"]).arg(&scan).arg("dyn"));
        assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""), "{u} s6-svunlink, round {k}");
        assert!(t.elapsed() < Duration::from_secs(2), "{u} s6-svunlink took {:?}: no `x`", t.elapsed());
        assert!(fs::symlink_metadata(scan.join("dyn")).is_err(), "{u}: the link stays");
        assert_eq!(running("sleep 4713010"), 0, "{u}: the service still runs");
        assert_eq!(host(s6("s6-svok").arg(&d)).0, 1, "{u}: still seen supervised");
        assert_eq!(host(s6("s6-svok").arg(d.join("log"))).0, 1, "{u}: the logger still seen supervised");
        let (code, _, err) = host(s6("s6-svc").arg("-u").arg(&d));
        assert_eq!(code, 100, "{u}: {err}");
        assert!(err.contains("supervisor not listening"), "{err}");
    }
    // -D: supervised, down, a down file in both; -d: the service's removed.
    for (who, opt) in [("theirs", "-D"), ("ours", "-D"), ("theirs", "-d"), ("ours", "-d")] {
        let tool = |p: &str| if who == "ours" { ours(p) } else { s6(p) };
        let (code, _, err) = host(tool("s6-svlink").args([opt, "-t", "5000"]).arg(&scan).arg(&d));
        assert_eq!(code, 0, "{who} {opt}: {err}");
        assert!(svstat(&d).starts_with("down (exitcode 0) "), "{who} {opt}: {}", svstat(&d));
        assert_eq!(d.join("down").exists(), opt == "-D", "{who} {opt}");
        assert!(d.join("log/down").exists(), "{who} {opt}");
        assert!(svstat(&d.join("log")).starts_with("down (exitcode 0) "), "{who} {opt}");
        let (code, _, err) = host(tool("s6-svunlink").args(["-t", "5000"]).arg(&scan).arg("dyn"));
        assert_eq!(code, 0, "{who} {opt}: {err}");
        for f in [d.join("down"), d.join("log/down")] {
            let _ = fs::remove_file(f);
        }
    }
    assert_eq!(host(s6("s6-svok").arg(&d)).0, 1);
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

/// After `s6-svunlink` takes the link away, the service's `./finish`
/// still runs in the service's own directory (its supervisor holds it
/// open, as s6-supervise's cwd), and a link of the same name pointed at
/// another directory is a new service: its own `run` is started, not the
/// old one's.
#[test]
fn svunlink_runs_finish_in_its_directory_and_a_relinked_name_is_a_new_service() {
    use std::os::unix::fs::PermissionsExt;
    let root = Root::new();
    loop_back(&root);
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    wait_until("the scan lock", Duration::from_secs(10), || scan.join(".s6-svscan/lock").exists());
    let d = outside_service(&root, "one", 4713020);
    fs::write(d.join("finish"), "#!/bin/sh\necho \"$1\" > finished\n").unwrap();
    fs::set_permissions(d.join("finish"), PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(host(ours("s6-svlink").args(["-t", "5000"]).arg(&scan).arg(&d).arg("x")).0, 0);
    wait_state(&d, "up (pid ");
    assert_eq!(host(ours("s6-svunlink").args(["-t", "5000"]).arg(&scan).arg("x")).0, 0);
    wait_until("./finish in the service's directory", Duration::from_secs(5), || {
        fs::read_to_string(d.join("finished")).is_ok_and(|s| s == "256\n")
    });
    // Same name, another directory, while nothing of the first is left.
    let e = outside_service(&root, "two", 4713021);
    assert_eq!(host(ours("s6-svlink").args(["-t", "5000"]).arg(&scan).arg(&e).arg("x")).0, 0);
    wait_state(&e, "up (pid ");
    wait_until("the second run", Duration::from_secs(5), || running("sleep 4713021") == 1);
    assert_eq!(running("sleep 4713020"), 0, "the first service came back");
    // Re-pointed in place: the next scan sees a new service, the prune
    // stops the old one.
    let _ = fs::remove_file(scan.join("x"));
    std::os::unix::fs::symlink(&d, scan.join("x")).unwrap();
    assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
    wait_until("the first run again", Duration::from_secs(5), || running("sleep 4713020") == 1);
    wait_until("the second one stopped", Duration::from_secs(5), || running("sleep 4713021") == 0);
    assert_eq!(running("sleep 4713020"), 1, "one run, not two");
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

/// A service is its directory, not its name: one renamed in the scan
/// directory (or linked twice) is still the one supervised, and a rescan
/// with prune neither starts it a second time nor stops it.
#[test]
fn renamed_service_directory_stays_one_service() {
    let root = Root::new();
    service(&root, "a", "exec sleep 4716100");
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    let a = scan.join("a");
    let st = wait_state(&a, "up (pid ");
    fs::rename(&a, scan.join("b")).unwrap();
    std::os::unix::fs::symlink(scan.join("b"), scan.join("c")).unwrap();
    assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(running("sleep 4716100"), 1, "run twice or stopped");
    let pid = |s: &str| s.split_whitespace().nth(2).map(str::to_string);
    assert_eq!(pid(&svstat(&scan.join("b"))), pid(&st), "not the same run: {}", svstat(&scan.join("b")));
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

/// With eight services or more, a scan directory on a disk and two CPUs,
/// a helper process copies and sets up the second half of `services.d`
/// while PID 1 does the first: every file, mode and link is what PID 1
/// alone makes (a tmpfs `/run`, where no helper runs), and every service
/// and logger is supervised as it should be.
#[test]
fn services_set_up_by_the_helper_are_as_pid1_sets_them_up() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(cpus >= 2, "this test needs two CPUs to run the helper (it has {cpus})");
    let root = Root::new();
    for k in 0..20 {
        let name = format!("s{k:02}");
        service(&root, &name, "exec sleep 4716200");
        if k % 5 == 0 {
            root.file(&format!("/etc/services.d/{name}/log/run"), "#!/bin/sh\nexec cat\n", 0o755);
        }
        if k == 7 || k == 17 {
            root.file(&format!("/etc/services.d/{name}/down"), "", 0o644);
        }
        if k == 15 {
            root.file(&format!("/etc/services.d/{name}/log/down"), "", 0o644);
        }
        if k == 18 {
            root.file(&format!("/etc/services.d/{name}/notification-fd"), "3\n", 0o644);
        }
    }
    let cmd = "s6-svwait -u -t 5000 /run/service/s19 /run/service/s01 /run/service/s10/log || exit 9; sleep 0.3; \
               find /run/service/ ! -name '*.new' | sort | xargs stat -c '%n %F %a %h'; \
               find /run/service/ -type f ! -name '*.new' | sort | xargs stat -c '%n %s'; \
               for d in /run/service/s*/ /run/service/s*/log/; do s6-svstat $d | cut -d' ' -f1; done | sort | uniq -c; \
               s6-svc -d /run/service/s19 && s6-svwait -D -t 5000 /run/service/s19 && echo s19 down";
    let disk = root.init(&["sh", "-c", cmd]).run();
    assert_eq!(disk.code(), 0, "{}", disk.stderr);
    let tmpfs = root.init(&["sh", "-c", cmd]).env("S6_READ_ONLY_ROOT", "1").read_only().run();
    assert_eq!(tmpfs.code(), 0, "{}", tmpfs.stderr);
    assert_eq!(disk.stdout, tmpfs.stdout, "disk:\n{}\ntmpfs:\n{}", disk.stdout, tmpfs.stdout);
    assert!(disk.stdout.ends_with("      3 down\n     21 up\ns19 down\n"), "{}", disk.stdout);
    let fifos = disk.stdout.lines().filter(|l| l.ends_with("/supervise/control fifo 600 1")).count();
    assert_eq!(fifos, 24, "{}", disk.stdout);
}

/// `s6-svc -x` ends the service's supervisor once the service is down
/// (here at the next `-d`): event `x`, nobody listening on its control
/// fifo, its lock free. s6-svscan starts a new supervisor a second later
/// while the directory is still in the scan directory: the service runs
/// again (it has no `down` file). One with a `down` file is left down by
/// its new supervisor, and one already down is left at once.
#[test]
fn svc_x_ends_the_supervisor_and_the_scan_starts_a_new_one() {
    let root = Root::new();
    service(&root, "a", "exec sleep 4713100");
    service(&root, "b", "exec sleep 4713101");
    root.file("/etc/services.d/b/down", "", 0o644);
    let mut c = root.init(&[]).start();
    let (a, b) = (svc_dir(&root, "a"), svc_dir(&root, "b"));
    let first = wait_state(&a, "up (pid ");
    wait_state(&b, "down ");
    assert_eq!(host(s6("s6-svc").arg("-x").arg(&a)).0, 0);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(running("sleep 4713100"), 1, "-x alone took the service down");
    assert_eq!(host(s6("s6-svok").arg(&a)).0, 0, "-x alone ended the supervisor");
    // Subscribed to `x` before the -d that ends it.
    let mut waiter = dies_with_parent("/usr/bin/s6-ftrig-wait")
        .args(["-t", "5000"])
        .arg(a.join("event"))
        .arg("x")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    assert_eq!(host(s6("s6-svc").arg("-d").arg(&a)).0, 0);
    assert!(wait_child(&mut waiter, Duration::from_secs(5)).success(), "no event x");
    assert_eq!(host(s6("s6-svok").arg(&a)).0, 1, "the supervisor still there");
    assert_eq!(running("sleep 4713100"), 0);
    let again = wait_state(&a, "up (pid ");
    assert!(t.elapsed() >= Duration::from_millis(900), "restarted after {:?}", t.elapsed());
    assert_ne!(first.split(' ').nth(2), again.split(' ').nth(2), "{first} / {again}");
    assert_eq!(host(s6("s6-svok").arg(&a)).0, 0);
    // Down already: the supervisor exits at once; its successor keeps it down.
    assert_eq!(host(s6("s6-svc").arg("-x").arg(&b)).0, 0);
    wait_until("b's supervisor gone", Duration::from_secs(5), || host(s6("s6-svok").arg(&b)).0 == 1);
    wait_until("b's new supervisor", Duration::from_secs(5), || host(s6("s6-svok").arg(&b)).0 == 0);
    std::thread::sleep(Duration::from_millis(300));
    assert!(svstat(&b).starts_with("down "), "{}", svstat(&b));
    assert_eq!(running("sleep 4713101"), 0);
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
}

/// A service that comes and goes (added by a scan, pruned) takes back its
/// place in PID 1's table and the names made for it: 200 rounds leave
/// PID 1's anonymous memory where it was (before, each round kept about
/// 2 × (name + 8) bytes, some 40 KiB here).
#[test]
fn pid1_memory_stays_flat_while_a_service_comes_and_goes() {
    use std::os::unix::fs::PermissionsExt;
    let root = Root::new();
    service(&root, "keep", "exec sleep 4715000");
    let mut c = root.init(&[]).start();
    let scan = root.path().join("run/service");
    wait_state(&scan.join("keep"), "up (pid ");
    let pid1 = c.pid1();
    let anon = || -> u64 {
        let st = fs::read_to_string(format!("/proc/{pid1}/status")).unwrap();
        let l = st.lines().find(|l| l.starts_with("RssAnon:")).unwrap().to_string();
        l.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let name = "a-service-with-a-long-name-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789";
    let d = scan.join(name);
    let round = || {
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("run"), "#!/bin/sh\nexec sleep 4715001\n").unwrap();
        fs::set_permissions(d.join("run"), PermissionsExt::from_mode(0o755)).unwrap();
        assert_eq!(host(s6("s6-svscanctl").arg("-an").arg(&scan)).0, 0);
        wait_until("up", Duration::from_secs(10), || running("sleep 4715001") == 1);
        // The supervisor writes the status after the fork: wait for it
        // before taking the directory away under it.
        wait_state(&d, "up (pid ");
        // The supervisor may still be writing in it (rm -rf can race it
        // just as with s6-supervise): try again.
        wait_until("the directory removed", Duration::from_secs(5), || fs::remove_dir_all(&d).is_ok());
        assert_eq!(host(s6("s6-svscanctl").arg("-aN").arg(&scan)).0, 0);
        wait_until("pruned", Duration::from_secs(10), || running("sleep 4715001") == 0);
    };
    // The first rounds touch the pages a scan and a prune use.
    for _ in 0..5 {
        round();
    }
    let before = anon();
    for _ in 0..200 {
        round();
    }
    let after = anon();
    assert!(after <= before + 8, "PID 1's anonymous memory grew from {before} to {after} KiB");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// `lock-fd` (s6 2.13): `./run` holds `supervise/service-lock` at that fd
/// for its life, taken before it runs; a start while someone else holds
/// it is warned about and waits. An invalid value (0, the notification-fd)
/// is warned about and the service runs without the lock.
#[test]
fn lock_fd_holds_the_service_lock_and_waits_for_it() {
    let root = Root::new();
    service(&root, "lk", "echo \"fd5=$(readlink /proc/self/fd/5)\" >> /tmp/lk.out\nexec sleep 1000");
    root.file("/etc/services.d/lk/lock-fd", "5\n", 0o644);
    root.file("/etc/services.d/lk/down", "", 0o644);
    service(&root, "same", "echo \"same fd4=$(readlink /proc/self/fd/4)\" >> /tmp/lk.out\nexec sleep 1000");
    root.file("/etc/services.d/same/notification-fd", "4\n", 0o644);
    root.file("/etc/services.d/same/lock-fd", "4\n", 0o644);
    service(&root, "zero", "exec sleep 1000");
    root.file("/etc/services.d/zero/lock-fd", "0\n", 0o644);
    // The CMD holds the lock for 1.5 s, then starts the service: ./run
    // must not run before the lock is free.
    let cmd = "cd /run/service/lk && { s6-setlock supervise/service-lock sh -c 'sleep 1.5; echo released >> /tmp/lk.out' & } \
               && sleep 0.3 && s6-svc -u . && s6-svwait -t 10000 -u . \
               && for i in $(seq 200); do grep -q fd5 /tmp/lk.out && break; sleep 0.05; done; \
               s6-svc -k . && sleep 1.3 && cat /tmp/lk.out";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(30)).run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let lines: Vec<&str> = o.stdout.lines().filter(|l| !l.starts_with("same")).collect();
    assert_eq!(
        lines,
        [
            "released",
            "fd5=/run/s6/services/lk/supervise/service-lock",
            "fd5=/run/s6/services/lk/supervise/service-lock"
        ],
        "stdout: {}\nstderr: {}",
        o.stdout,
        o.stderr
    );
    assert!(o.stdout.contains("same fd4=pipe:"), "{}", o.stdout);
    for want in [
        "s6-supervise lk: warning: supervise/service-lock is held: ./run waits for it\n",
        "s6-supervise same: warning: invalid lock-fd\n",
        "s6-supervise zero: warning: invalid lock-fd\n",
    ] {
        assert_eq!(o.stderr.matches(want).count(), 1, "{want:?} in {}", o.stderr);
    }
}

/// `flag-newpidns` (s6 2.13.1): `./run` is PID 1 of a PID namespace of its
/// own, so its death takes every process it left behind; without the flag
/// they stay.
#[test]
fn flag_newpidns_runs_the_service_as_a_namespace_init() {
    let root = Root::new();
    for name in ["ns", "plain"] {
        service(&root, name, &format!("echo \"{name} $$\" >> /tmp/np.out\nsleep 1001 &\nexec sleep 1000"));
    }
    root.file("/etc/services.d/ns/flag-newpidns", "", 0o644);
    let cmd = "for i in $(seq 200); do [ $(grep -c . /tmp/np.out 2>/dev/null) = 2 ] && break; sleep 0.05; done; \
               sleep 0.2; echo before $(ps -o args | grep -c '^sleep 1001'); \
               s6-svc -d -k /run/service/ns /run/service/plain && s6-svwait -t 10000 -D /run/service/ns /run/service/plain; \
               sleep 0.2; echo after $(ps -o args | grep -c '^sleep 1001'); sort /tmp/np.out";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(30)).run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines[..3], ["before 2", "after 1", "ns 1"], "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(lines[3].starts_with("plain ") && lines[3] != "plain 1", "{}", o.stdout);
}

/// `s6-svc -p` pauses the process; once it dies the paused flag goes, as
/// s6-supervise clears it at each death: the next instance is not paused
/// (Debian's s6-svstat shows no `paused`; before, every later instance did).
#[test]
fn the_paused_flag_dies_with_the_process() {
    let root = Root::new();
    service(&root, "p", "exec sleep 1000");
    let mut c = root.init(&[]).start();
    let d = svc_dir(&root, "p");
    wait_state(&d, "up (pid ");
    assert_eq!(host(s6("s6-svc").args(["-p"]).arg(&d)).0, 0);
    wait_until("paused", Duration::from_secs(5), || svstat(&d).contains("paused"));
    assert_eq!(host(s6("s6-svc").args(["-k"]).arg(&d)).0, 0);
    // Its next instance (after the 1 s throttle) is not paused.
    std::thread::sleep(Duration::from_millis(1500));
    let st = wait_state(&d, "up (pid ");
    assert!(!st.contains("paused"), "{st}");
    let (_, out, _) = host(s6("s6-svstat").args(["-o", "up,paused"]).arg(&d));
    assert_eq!(out, "true false\n");
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

/// A fifo where PID 1 reads a file (a service's `run`, replaced at run
/// time, its `notification-fd`, a variable of the container environment,
/// the exitcode file) never blocks it: nobody writes to those fifos, and
/// PID 1 still answers SIGTERM at once.
#[test]
fn fifos_where_pid1_reads_files_never_block_it() {
    let root = Root::new();
    service(&root, "a", "#!/bin/sh\nsleep 0.3\nexit 1\n");
    service(&root, "b", "#!/bin/sh\nexec sleep 1000\n");
    root.file("/etc/cont-init.d/fifos", "#!/bin/sh\nmkfifo /run/s6/container_environment/FIFO\n", 0o755);
    let script = "PATH=/command:$PATH
rm /run/service/a/run; mkfifo /run/service/a/run
mkfifo /run/service/b/notification-fd
s6-svc -r /run/service/b
rm -f /run/s6-linux-init-container-results/exitcode; mkfifo /run/s6-linux-init-container-results/exitcode
sleep 1.5
echo up
exec sleep 1000";
    let mut c = root.init(&["with-contenv", "sh", "-c", script]).start();
    c.wait_stdout("up\n");
    let t = c.signal(15);
    let o = c.wait();
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}: {}", t.elapsed(), o.stderr);
    assert_eq!(o.code(), 143, "{}", o.stderr);
    // The exitcode file a fifo when the CMD exits on its own: its code is
    // still the container's, and PID 1 does not wait for a reader.
    let root = Root::new();
    let script = "f=/run/s6-linux-init-container-results/exitcode; rm -f $f; mkfifo $f; exit 3";
    let o = root.init(&["sh", "-c", script]).timeout(Duration::from_secs(10)).run();
    assert_eq!(o.code(), 3, "{}", o.stderr);
}

/// A `run` the kernel cannot exec (no `#!`, not a binary): the child says
/// so as s6-supervise's does, naming the service.
#[test]
fn a_run_that_cannot_be_executed_is_reported_by_name() {
    let root = Root::new();
    root.file("/etc/services.d/bad/run", "echo hi\n", 0o755);
    let o = root.init(&["sleep", "0.5"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("s6-supervise bad (child): fatal: unable to exec ./run: Exec format error\n"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("init: fatal"), "{}", o.stderr);
}

/// A status that cannot be written (a full /run) is said once and written
/// once there is room again: a reader never keeps seeing a service up
/// that is down.
#[test]
fn a_status_that_cannot_be_written_is_written_later() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    let run = root.path().join("run");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs"]).arg(&run).status();
    assert!(mounted.is_ok_and(|s| s.success()), "cannot mount a tmpfs on {}", run.display());
    // Unmounted whatever happens (before the root is removed).
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let guard = Unmount(run);
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/a || echo not up
dd if=/dev/zero of=/run/fill bs=1k 2>/dev/null
s6-svc -d /run/service/a
sleep 0.5
s6-svstat /run/service/a | cut -d' ' -f1
rm /run/fill
sleep 2.5
s6-svstat /run/service/a | cut -d' ' -f1";
    let o = root.init(&["sh", "-c", script]).run();
    drop(guard);
    assert_eq!(o.stdout, "up\ndown\n", "{}", o.stderr);
    let warning = "s6-supervise a: warning: unable to write status file: No space left on device\n";
    assert_eq!(o.stderr.matches(warning).count(), 1, "{}", o.stderr);
}

/// The service's end of its notification pipe blocks, as s6-supervise's
/// does (a service writing much to it gets no EAGAIN); readiness works.
#[test]
fn the_notification_fd_blocks() {
    let root = Root::new();
    service(
        &root,
        "n",
        "sed -n 's/^flags:[[:space:]]*//p' /proc/self/fdinfo/3 > /tmp/flags\necho >&3\nexec sleep 1000",
    );
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    let o = root.init(&["sh", "-c", "/command/s6-svwait -t 10000 -U /run/service/n && echo ready"]).run();
    assert_eq!(o.stdout, "ready\n", "{}", o.stderr);
    let flags = fs::read_to_string(root.path().join("tmp/flags")).unwrap();
    let flags = u32::from_str_radix(flags.trim(), 8).unwrap();
    assert_eq!(flags & 0o4000, 0, "O_NONBLOCK is set: {flags:o}");
}

/// A service whose `supervise` is not a directory (a file, a dangling
/// link) cannot be supervised: said, by name, not skipped in silence; the
/// others run.
#[test]
fn a_supervise_that_is_not_a_directory_is_said() {
    let root = Root::new();
    service(&root, "file", "exec sleep 1000");
    root.file("/etc/services.d/file/supervise", "", 0o644);
    service(&root, "dangling", "exec sleep 1000");
    std::os::unix::fs::symlink("/nowhere", root.path().join("etc/services.d/dangling/supervise")).unwrap();
    service(&root, "ok", "exec sleep 1000");
    let o = root.init(&["/command/s6-svwait", "-t", "10000", "-u", "/run/service/ok"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    for w in [
        "init: warning: unable to supervise file: open supervise: Not a directory\n",
        "init: warning: unable to supervise dangling: open supervise: No such file or directory\n",
    ] {
        assert!(o.stderr.contains(w), "{w}: {}", o.stderr);
    }
}

/// Garbage in `timeout-kill`, `timeout-finish` or `max-death-tally` is
/// said as s6-supervise says it (`invalid NAME`), and the default used.
#[test]
fn invalid_number_files_are_said() {
    let root = Root::new();
    service(&root, "g", "sleep 0.2\nexit 3");
    root.file("/etc/services.d/g/finish", "#!/bin/sh\nexit 0\n", 0o755);
    for f in ["timeout-finish", "max-death-tally"] {
        root.file(&format!("/etc/services.d/g/{f}"), "abc\n", 0o644);
    }
    service(&root, "k", "exec sleep 1000");
    root.file("/etc/services.d/k/timeout-kill", "abc\n", 0o644);
    let o = root.init(&["sh", "-c", "sleep 0.5; /command/s6-svc -d /run/service/k; sleep 0.5"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    for (s, f) in [("k", "timeout-kill"), ("g", "timeout-finish"), ("g", "max-death-tally")] {
        let w = format!("s6-supervise {s}: warning: invalid {f}\n");
        assert!(o.stderr.contains(&w), "{w}: {}", o.stderr);
    }
    let tally = fs::metadata(root.path().join("run/service/g/supervise/death_tally")).unwrap().len();
    assert!(tally > 0, "no death recorded");
}

/// The table holds 256 entries, a logger counting as one: 256 services
/// without loggers are all supervised; a 257th is refused, and said.
#[test]
fn table_holds_256_services_without_loggers() {
    let root = Root::new();
    for i in 0..257 {
        service(&root, &format!("s{i:03}"), "exec sleep 4712000");
    }
    let mut c = root.init(&["sh", "-c", "sleep 100"]).start();
    wait_state(&svc_dir(&root, "s255"), "up (pid ");
    wait_until("256 running", Duration::from_secs(30), || running("sleep 4712000") == 256);
    assert!(!svc_dir(&root, "s256").join("supervise").exists(), "a 257th supervised");
    c.signal(15);
    let o = c.wait();
    assert!(
        o.stderr.contains("init: warning: too many services (the limit is 256 with loggers): not supervising s256\n"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.matches("too many services").count(), 1, "{}", o.stderr);
}
