//! PID 1 behaviour: exit codes, reaping, signals, shutdown timing, signal
//! state inheritance, and running when not PID 1.
use crate::harness::*;
use std::fs;
use std::time::{Duration, Instant};

#[test]
fn exit_codes_pass_through() {
    let root = Root::new();
    for code in [0, 1, 3, 255] {
        let o = root.init(&["sh", "-c", &format!("exit {code}")]).run();
        assert_eq!(o.code(), code, "stderr: {}", o.stderr);
    }
}

#[test]
fn cmd_killed_by_sigkill_gives_137() {
    let root = Root::new();
    let o = root.init(&["sh", "-c", "kill -9 $$"]).run();
    assert_eq!(o.code(), 137);
}

#[test]
fn cmd_not_found_127_not_executable_126() {
    let root = Root::new();
    root.file("/data/plain", "not a program\n", 0o644);
    let o = root.init(&["no-such-program"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 127);
    assert_eq!(o.stderr, "init: fatal: unable to exec no-such-program: No such file or directory\n");
    let o = root.init(&["/data/plain"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 126);
    assert_eq!(o.stderr, "init: fatal: unable to exec /data/plain: Permission denied\n");
    let o = root.init(&["/data"]).run();
    assert_eq!(o.code(), 126);
}

#[test]
fn ten_thousand_orphans_leave_no_zombie() {
    let _t = timing();
    let root = Root::new();
    // Each `( true & )` forks a subshell that forks `true` in the background
    // and exits: the `true` is orphaned and re-parented to PID 1. Then count
    // zombies until none is left (or give up after 5 s and print the count).
    root.file(
        "/storm",
        r#"
i=0
while [ $i -lt 10000 ]; do ( /bin/true & ) ; i=$((i+1)); done
n=0
while :; do
  z=0
  for s in /proc/[0-9]*/stat; do
    read -r line < "$s" 2>/dev/null || continue
    case "${line##*) }" in Z*) z=$((z+1));; esac
  done
  if [ $z -eq 0 ] || [ $n -ge 500 ]; then break; fi
  n=$((n+1)); usleep 10000
done
echo "spawned=$i zombies=$z"
"#,
        0o755,
    );
    let o = root.init(&["sh", "/storm"]).timeout(Duration::from_secs(120)).run();
    assert_eq!(o.code(), 0, "stderr: {}", o.stderr);
    assert_eq!(o.stdout.trim(), "spawned=10000 zombies=0");
}

#[test]
fn sigterm_with_sleeping_cmd_is_gone_within_100ms() {
    let _t = timing();
    let root = Root::new();
    let mut c = root.init(&["sleep", "1000"]).start();
    c.wait_cmd();
    std::thread::sleep(Duration::from_millis(50));
    let sent = c.signal(15);
    let o = c.wait();
    let took = sent.elapsed();
    assert_eq!(o.code(), 143, "sleep killed by TERM: 128+15");
    assert!(took < Duration::from_millis(100), "took {took:?}");
}

#[test]
fn cmd_trapping_term_keeps_its_exit_code() {
    let _t = timing();
    let root = Root::new();
    let mut c =
        root.init(&["sh", "-c", "trap 'sleep 0.3; exit 0' TERM; echo ready; while :; do sleep 0.05; done"]).start();
    c.wait_stdout("ready");
    let sent = c.signal(15);
    let o = c.wait();
    let took = sent.elapsed();
    assert_eq!(o.code(), 0, "the CMD exited 0 during the grace period; stderr: {}", o.stderr);
    assert!(took >= Duration::from_millis(290), "took {took:?}");
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

#[test]
fn cmd_ignoring_term_is_killed_at_the_grace_time() {
    let _t = timing();
    let root = Root::new();
    let mut c = root
        .init(&["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"])
        .env("S6_KILL_GRACETIME", "500")
        .start();
    c.wait_stdout("ready");
    let sent = c.signal(15);
    let o = c.wait();
    let took = sent.elapsed();
    assert_eq!(o.code(), 137, "KILLed at the end of the grace time");
    assert!(took >= Duration::from_millis(490), "killed too early: {took:?}");
    // Generous for a loaded machine (877 ms seen at load 7 on 2 cores).
    assert!(took < Duration::from_millis(1500), "killed too late: {took:?}");
}

/// At the end, a stopped process is woken (SIGCONT) after the TERM to all:
/// it ends at once, not at the KILL after `S6_KILL_GRACETIME`.
#[test]
fn a_stopped_orphan_gets_its_term_at_the_end() {
    let root = Root::new();
    let t = Instant::now();
    let o = root
        .init(&["sh", "-c", "sleep 1000 & kill -STOP $!; exit 0"])
        .env("S6_KILL_GRACETIME", "10000")
        .timeout(Duration::from_secs(30))
        .run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(t.elapsed() < Duration::from_secs(5), "the stopped sleep waited for the KILL: {:?}", t.elapsed());
    assert!(!o.stderr.contains("KILL signal"), "{}", o.stderr);
}

#[test]
fn grace_zero_kills_at_once() {
    let _t = timing();
    let root = Root::new();
    let mut c = root
        .init(&["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"])
        .env("S6_KILL_GRACETIME", "0")
        .start();
    c.wait_stdout("ready");
    let sent = c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 137);
    assert!(sent.elapsed() < Duration::from_millis(100), "took {:?}", sent.elapsed());
}

#[test]
fn every_shutdown_signal_stops_and_others_do_not() {
    // HUP, QUIT and WINCH are not shutdown signals in the v3 layout (v3's
    // PID 1 ignores them); in the v2 layout QUIT is one (v2's s6-svscan
    // stops on it), HUP and WINCH are not.
    let v3 = Root::new();
    v3.file("/etc/s6-overlay/.keep", "", 0o644);
    let root = Root::new();
    for (r, sigs) in [(&v3, &[1, 3, 28][..]), (&root, &[1, 28][..])] {
        let mut c = r.init(&["sleep", "1000"]).start();
        c.wait_cmd();
        for &sig in sigs {
            c.signal(sig);
        }
        std::thread::sleep(Duration::from_millis(200));
        assert!(c.running(), "one of {sigs:?} stopped the container");
        c.signal(15);
        assert_eq!(c.wait().code(), 143);
    }
    // TERM INT USR1 USR2 PWR each start the shutdown, and QUIT in v2.
    for sig in [15, 2, 10, 12, 30, 3] {
        let mut c = root.init(&["sleep", "1000"]).start();
        c.wait_cmd();
        c.signal(sig);
        let o = c.wait();
        assert_eq!(o.code(), 143, "signal {sig}: the CMD gets TERM");
    }
}

#[test]
fn no_cmd_runs_until_signalled() {
    let root = Root::new();
    let mut c = root.init(&[]).start();
    c.pid1();
    std::thread::sleep(Duration::from_millis(300));
    assert!(c.running(), "/init without CMD exited by itself");
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0);
}

/// v3's signals (TERM QUIT INT USR1 USR2 PWR WINCH) go to the CMD; SIGHUP
/// does not (it was forwarded too).
#[test]
fn receive_signals_forwards_to_the_cmd() {
    let root = Root::new();
    let mut c = root
        .init(&[
            "sh",
            "-c",
            "trap 'echo got-hup' HUP; trap 'echo got-usr1' USR1; trap 'echo got-term; sleep 0.2; exit 3' TERM; \
             echo ready; while :; do sleep 0.05; done",
        ])
        .env("S6_CMD_RECEIVE_SIGNALS", "1")
        .start();
    c.wait_stdout("ready");
    c.signal(1);
    std::thread::sleep(Duration::from_millis(300));
    c.signal(10);
    c.wait_stdout("got-usr1");
    c.signal(15);
    let o = c.wait();
    assert!(o.stdout.contains("got-term"), "{}", o.stdout);
    assert!(!o.stdout.contains("got-hup"), "{}", o.stdout);
    assert_eq!(o.code(), 3);
}

/// v3's `/run/s6/cmdpid` (only with `S6_CMD_RECEIVE_SIGNALS`, removed once
/// the CMD is reaped) and `/run/s6/workdir` (where the CMD runs).
#[test]
fn cmdpid_and_workdir_are_recorded() {
    let root = Root::new();
    root.file("/etc/cont-finish.d/10-gone", "#!/bin/sh\n[ -e /run/s6/cmdpid ] && echo still || echo gone\n", 0o755);
    // PID 1 writes the file once the spawn returns (v3: `echo $!` after `&`): the CMD may look first.
    let cmd = "i=0; until [ -s /run/s6/cmdpid ] || [ $i -gt 250 ]; do sleep 0.02; i=$((i+1)); done; \
               [ \"$(cat /run/s6/cmdpid)\" = \"$$\" ] && echo same; cat /run/s6/workdir; pwd";
    let o = root.init(&["sh", "-c", cmd]).env("S6_CMD_RECEIVE_SIGNALS", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(o.stdout, "same\n/\n/\ngone\n");
    let o = root.init(&["sh", "-c", "[ -e /run/s6/cmdpid ] || echo none"]).run();
    assert_eq!(o.stdout, "none\ngone\n", "{}", o.stderr);
}

#[test]
fn path_defaults_when_unset_and_arg0_is_prepended() {
    let root = Root::new();
    let o = root.init(&["/bin/sh", "-c", "echo $PATH"]).no_env("PATH").run();
    assert_eq!(o.stdout, format!("{DOCKER_PATH}\n"));
    let o = root.init(&["hello", "world"]).env("S6_CMD_ARG0", "/bin/echo").run();
    assert_eq!(o.stdout, "hello world\n");
    let o = root.init(&["c"]).env("S6_CMD_ARG0", "echo a\tb").run();
    assert_eq!(o.stdout, "a b c\n");
    // Without a CMD, ARG0 alone is not run (as v3).
    let mut c = root.init(&[]).env("S6_CMD_ARG0", "/bin/false").start();
    std::thread::sleep(Duration::from_millis(200));
    assert!(c.running());
    c.signal(15);
    assert_eq!(c.wait().code(), 0);
}

#[test]
fn invalid_grace_time_warns_and_uses_the_default() {
    let root = Root::new();
    let o = root.init(&["true"]).env("S6_KILL_GRACETIME", "soon").env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 0);
    assert_eq!(o.stderr, "init: warning: invalid S6_KILL_GRACETIME value: soon (using 3000)\n");
}

fn sig_lines(status: &str) -> Vec<String> {
    status.lines().filter(|l| l.starts_with("SigBlk:") || l.starts_with("SigIgn:")).map(str::to_string).collect()
}

#[test]
fn children_get_the_signal_state_init_started_with() {
    let python = which("python3").expect("python3 not found: apt-get install python3");
    let py = python.display().to_string();
    // PID 1 of the namespace is python: it blocks USR1, ignores HUP, USR2
    // and CHLD, then execs what follows (so that stays PID 1). No chroot:
    // the root filesystem has no python.
    let prep = "import os, signal, sys\n\
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])\n\
        for s in (signal.SIGHUP, signal.SIGUSR2, signal.SIGCHLD):\n    signal.signal(s, signal.SIG_IGN)\n\
        os.execv(sys.argv[1], sys.argv[1:])\n";
    let rs6 = rs6().display().to_string();
    let root = Root::new();
    let pid1 = |argv: &[&str]| {
        let mut all = vec![py.as_str(), "-c", prep];
        all.extend_from_slice(argv);
        root.init(&[]).host().argv(&all).run()
    };
    // What PID 1 itself starts with: `cat` as PID 1 in the same set-up.
    let base = pid1(&["/bin/cat", "/proc/self/status"]);
    let want = sig_lines(&base.stdout);
    assert_eq!(want.len(), 2, "{}", base.stdout);
    assert!(want[0].ends_with("0000000000000200"), "USR1 blocked at start: {want:?}");
    let ign = u64::from_str_radix(want[1].rsplit('\t').next().unwrap(), 16).unwrap();
    assert_eq!(ign & 0x10801, 0x10801, "HUP USR2 CHLD ignored at start: {want:?}");
    let o = pid1(&[&rs6, "init", "/bin/cat", "/proc/self/status"]);
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(sig_lines(&o.stdout), want);
    // With SIGCHLD ignored at start, exit codes are still collected.
    let o = pid1(&[&rs6, "init", "/bin/sh", "-c", "exit 5"]);
    assert_eq!(o.code(), 5);
}

#[test]
fn not_pid1_signals_only_its_own_tree() {
    let root = Root::new();
    // PID 1 is a shell (as `docker run --init` puts another init first); a
    // sibling outside rs6's tree must survive rs6's shutdown, while the
    // orphan rs6's CMD leaves behind must not.
    root.file(
        "/outer",
        r#"
sleep 1000 &
sibling=$!
/init sh -c 'sleep 1000 & echo $! > /tmp/orphan; exit 4'
code=$?
sleep 0.1
if kill -0 $sibling 2>/dev/null; then echo sibling=alive; else echo sibling=dead; fi
o=$(cat /tmp/orphan)
if [ -d /proc/$o ] && ! grep -q '^State:.*Z' /proc/$o/status; then echo orphan=alive; else echo orphan=gone; fi
echo code=$code
kill $sibling
"#,
        0o755,
    );
    let o = root.init(&[]).argv(&["/bin/sh", "/outer"]).run();
    assert_eq!(o.stdout, "sibling=alive\norphan=gone\ncode=4\n", "stderr: {}", o.stderr);
}

#[test]
fn not_pid1_sigterm_stops_its_tree() {
    let root = Root::new();
    root.file(
        "/outer",
        r#"
sleep 1000 &
sibling=$!
/init sh -c 'trap "exit 9" TERM; sleep 1000 & wait' &
init=$!
sleep 0.3
kill -TERM $init
wait $init
echo code=$?
if kill -0 $sibling 2>/dev/null; then echo sibling=alive; fi
kill $sibling
"#,
        0o755,
    );
    let o = root.init(&[]).argv(&["/bin/sh", "/outer"]).run();
    assert_eq!(o.stdout, "code=9\nsibling=alive\n", "stderr: {}", o.stderr);
}

/// A container never outlives the process that started it: kill the
/// starter with SIGKILL (no destructor runs) and the namespace goes too.
#[test]
fn container_dies_with_the_process_that_started_it() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let root = Root::new();
    let inner = root.init(&["sleep", "600"]).command();
    // A middle process that starts the container and waits: it stands for
    // a test binary that gets killed.
    let mut middle = Command::new("sh");
    middle.arg("-c").arg("\"$@\" </dev/null >/dev/null 2>&1 & echo $!; exec sleep 600").arg("sh");
    middle.arg(inner.get_program()).args(inner.get_args()).env_clear();
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            middle.env(k, v);
        }
    }
    let mut m = middle.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(m.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let starter: i32 = line.trim().parse().unwrap();
    // A zombie has died: who reaps it (the test's own reaper, under
    // tests/binfmt-ns) is not the container's doing.
    let alive = |p: i32| {
        std::fs::read_to_string(format!("/proc/{p}/status"))
            .is_ok_and(|st| st.lines().any(|l| l.starts_with("State:") && !l.contains('Z')))
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    // Wait for the namespace's PID 1 (unshare's only child).
    let pid1 = loop {
        let kids = std::fs::read_to_string(format!("/proc/{starter}/task/{starter}/children")).unwrap_or_default();
        if let Some(p) = kids.split_whitespace().next() {
            break p.parse::<i32>().unwrap();
        }
        assert!(Instant::now() < deadline, "no PID 1 appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    m.kill().unwrap();
    m.wait().unwrap();
    let t0 = Instant::now();
    while alive(starter) || alive(pid1) {
        if t0.elapsed() > Duration::from_secs(20) {
            let st = |p: i32| {
                let s = std::fs::read_to_string(format!("/proc/{p}/status")).unwrap_or_default();
                let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
                let f: Vec<&str> = s.lines().filter(|l| l.starts_with("State:") || l.starts_with("PPid:")).collect();
                format!("{p}: {f:?} {:?}", String::from_utf8_lossy(&cmd))
            };
            panic!("the container outlived the process that started it: starter {}, PID 1 {}", st(starter), st(pid1));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// v2's PID 1 (s6-svscan) rescans the scan directory on SIGHUP: a service
/// copied there is supervised.
#[test]
fn sighup_rescans_in_the_v2_layout() {
    let root = Root::new();
    root.file("/etc/services.d/a/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file("/srv/b/run", "#!/bin/sh\necho b runs\nexec sleep 1000\n", 0o755);
    let mut c = root.init(&["sh", "-c", "cp -a /srv/b /run/service/b; echo copied; exec sleep 1000"]).start();
    c.wait_stdout("copied");
    std::thread::sleep(Duration::from_millis(100));
    c.signal(1);
    c.wait_stdout("b runs");
    c.signal(15);
    assert_eq!(c.wait().code(), 143);
}

/// A variable given twice in PID 1's environment: its last value is the
/// one saved (as s6-dumpenv leaves it), with no warning.
#[test]
fn a_variable_given_twice_keeps_its_last_value() {
    let root = Root::new();
    let helper = root.path().join("tmp/addenv");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/addenv.c");
    let st = std::process::Command::new("gcc").args(["-O2", "-o"]).arg(&helper).arg(src).status();
    assert!(st.is_ok_and(|s| s.success()), "gcc failed (apt-get install gcc libc6-dev)");
    let h = helper.display().to_string();
    let o = root
        .init(&["cat", "/run/s6/container_environment/X"])
        .prefix(&[&h, "X=first", "X=second", "--", "/usr/bin/env"])
        .run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "second\n"), "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
}

/// Processes that joined the container from outside (`docker exec`'s,
/// whose parent is outside the namespace: their parent pid reads 0) get
/// the final TERM and the grace, as under v3's `kill -1` then sleep, with
/// the catch-all logger too: one that traps TERM finishes its clean-up,
/// one that ignores it is killed at `S6_KILL_GRACETIME`. (They were left
/// to the namespace's end: killed at once by the kernel.)
#[test]
fn processes_joined_from_outside_get_the_grace() {
    for logging in ["0", "1"] {
        let root = Root::new();
        let mut c = root
            .init(&[])
            .env("S6_KILL_GRACETIME", "1500")
            .env("S6_LOGGING", logging)
            .timeout(Duration::from_secs(20))
            .start();
        let p = c.pid1();
        let join = |script: &str| {
            std::process::Command::new("nsenter")
                .args(["-t", &p.to_string(), "-p", "-m", "-r", "-w", "/bin/sh", "-c", script])
                .stdin(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut a = join(
            "trap 'sleep 0.5; echo cleaned >> /tmp/x; exit 0' TERM; echo a >> /tmp/started; \
             while :; do sleep 0.05; done",
        );
        let mut b = join("trap '' TERM; echo b >> /tmp/started; exec sleep 4712600");
        wait_until("both joined", Duration::from_secs(10), || {
            fs::read_to_string(root.path().join("tmp/started")).is_ok_and(|s| s.lines().count() == 2)
        });
        let t = c.signal(15);
        let o = c.wait();
        let took = t.elapsed();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        assert_eq!(
            fs::read_to_string(root.path().join("tmp/x")).unwrap_or_default(),
            "cleaned\n",
            "S6_LOGGING={logging}"
        );
        assert!(took >= Duration::from_millis(1400) && took < Duration::from_secs(5), "{took:?} S6_LOGGING={logging}");
        let _ = a.wait();
        let _ = b.wait();
    }
}
