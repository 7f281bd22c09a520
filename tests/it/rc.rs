//! s6-overlay v3's service tree (`/etc/s6-overlay/s6-rc.d`) run by PID 1:
//! dependency order, parallelism, readiness, failures, shutdown order,
//! pipelines. Each service appends a line to `/tmp/log` when it starts
//! (and stops); the order of lines in that append-only file is the order
//! of the events.
use crate::harness::*;
use std::collections::HashMap;
use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

const RCD: &str = "/etc/s6-overlay/s6-rc.d";

/// `execlineb` is written elsewhere: until rs6 has it, a stand-in that
/// runs the simple command lines used here through the shell.
fn with_execlineb(root: &Root) {
    let list = Command::new(rs6()).arg("--list").output().unwrap();
    if !String::from_utf8_lossy(&list.stdout).lines().any(|l| l == "execlineb") {
        root.file("/command/execlineb", "#!/bin/sh\n[ \"$1\" = -Pc ] && shift\nexec /bin/sh -c \"$1\"\n", 0o755);
    }
}

fn oneshot(root: &Root, name: &str, deps: &[&str]) {
    root.file(&format!("{RCD}/{name}/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/{name}/up"), &format!("sh -c \"echo up {name} $$ >> /tmp/log\"\n"), 0o644);
    root.file(&format!("{RCD}/{name}/down"), &format!("sh -c \"echo down {name} >> /tmp/log\"\n"), 0o644);
    for d in deps {
        root.file(&format!("{RCD}/{name}/dependencies.d/{d}"), "", 0o644);
    }
}

/// A longrun that logs `run NAME` (and `ready NAME` after 100 ms when
/// `ready`), and `finish NAME` when it stops.
fn longrun(root: &Root, name: &str, deps: &[&str], ready: bool) {
    root.file(&format!("{RCD}/{name}/type"), "longrun\n", 0o644);
    let r = if ready { format!("sleep 0.1\necho ready {name} >> /tmp/log\necho >&3\n") } else { String::new() };
    root.file(
        &format!("{RCD}/{name}/run"),
        &format!("#!/bin/sh\necho run {name} $$ >> /tmp/log\n{r}exec sleep 1000\n"),
        0o755,
    );
    root.file(&format!("{RCD}/{name}/finish"), &format!("#!/bin/sh\necho finish {name} >> /tmp/log\n"), 0o755);
    if ready {
        root.file(&format!("{RCD}/{name}/notification-fd"), "3\n", 0o644);
    }
    for d in deps {
        root.file(&format!("{RCD}/{name}/dependencies.d/{d}"), "", 0o644);
    }
}

fn bundle(root: &Root, dir: &str, name: &str, members: &[&str]) {
    root.file(&format!("{dir}/{name}/type"), "bundle\n", 0o644);
    for m in members {
        root.file(&format!("{dir}/{name}/contents.d/{m}"), "", 0o644);
    }
}

fn user(root: &Root, members: &[&str]) {
    bundle(root, "/etc/s6-overlay/user-bundles.d", "user", members);
}

/// The lines of `/tmp/log`, without the pid some of them end with.
fn log(root: &Root) -> Vec<String> {
    fs::read_to_string(root.path().join("tmp/log"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect()
}

/// The pid each `run NAME PID` / `up NAME PID` line carries: spawn order
/// (a fresh PID namespace does not wrap).
fn pids(root: &Root) -> HashMap<String, u32> {
    let text = fs::read_to_string(root.path().join("tmp/log")).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            Some((w.get(1)?.to_string(), w.get(2)?.parse().ok()?))
        })
        .collect()
}

/// Position of each line (which must be unique).
fn positions(lines: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        assert!(m.insert(l.clone(), i).is_none(), "{l:?} appears twice in {lines:?}");
    }
    m
}

/// The big graph: 20 oneshots, 30 longruns (5 with readiness): a chain of
/// 10, diamonds, a bundle of bundles, dependencies on base.
fn big_graph(root: &Root) -> Vec<(String, Vec<String>, bool, bool)> {
    // (name, deps, is_oneshot, ready)
    let mut g: Vec<(String, Vec<String>, bool, bool)> = vec![];
    let mut add =
        |n: &str, d: &[&str], o: bool, r: bool| g.push((n.into(), d.iter().map(|s| s.to_string()).collect(), o, r));
    add("o1", &["base"], true, false);
    for k in 2..=10 {
        add(&format!("o{k}"), &[&format!("o{}", k - 1)], true, false);
    }
    // Diamonds: o11 → (l1*, l2) → o12; o12 → (l3*, l4) → o13.
    add("o11", &[], true, false);
    add("l1", &["o11"], false, true);
    add("l2", &["o11"], false, false);
    add("o12", &["l1", "l2"], true, false);
    add("l3", &["o12"], false, true);
    add("l4", &["o12"], false, false);
    add("o13", &["l3", "l4"], true, false);
    // A bundle of bundles: inner = l5*..l9, outer = inner + l10..l12.
    for k in 5..=12 {
        add(&format!("l{k}"), &["o3"], false, k == 5);
    }
    add("o14", &["outer"], true, false);
    for k in 13..=30 {
        let dep = format!("o{}", 1 + (k % 10));
        let dep2 = format!("l{}", k - 1);
        let d: Vec<&str> = if k % 3 == 0 { vec![&dep, &dep2] } else { vec![&dep] };
        add(&format!("l{k}"), &d, false, k == 13 || k == 20);
    }
    for k in 15..=20 {
        let a = format!("l{}", k + 10);
        let b = format!("o{}", k - 1);
        add(&format!("o{k}"), &[&a, &b], true, false);
    }
    for (n, d, o, r) in &g {
        let d: Vec<&str> = d.iter().map(|s| s.as_str()).collect();
        if *o { oneshot(root, n, &d) } else { longrun(root, n, &d, *r) }
    }
    bundle(root, RCD, "inner", &["l5", "l6", "l7", "l8", "l9"]);
    bundle(root, RCD, "outer", &["inner", "l10", "l11", "l12"]);
    let names: Vec<&str> = g.iter().map(|x| x.0.as_str()).collect();
    user(root, &names);
    g
}

#[test]
fn graph_of_50_starts_in_order_and_stops_in_reverse() {
    let root = Root::new();
    with_execlineb(&root);
    let g = big_graph(&root);
    root.file("/etc/cont-init.d/10-ci", "#!/bin/sh\necho up cont-init >> /tmp/log\n", 0o755);
    let o = root.init(&["sh", "-c", "echo cmd cmd $$ >> /tmp/log"]).timeout(Duration::from_secs(60)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let lines = log(&root);
    let pos = positions(&lines);
    let pid = pids(&root);
    let at = |l: &str| *pos.get(l).unwrap_or_else(|| panic!("no {l:?} in {lines:?}\n{}", o.stderr));
    let is_oneshot: HashMap<&str, bool> = g.iter().map(|x| (x.0.as_str(), x.2)).collect();
    // When a service counts as up, and when it starts.
    let up_line = |n: &str| match g.iter().find(|x| x.0 == n) {
        Some((_, _, true, _)) => format!("up {n}"),
        Some((_, _, false, true)) => format!("ready {n}"),
        Some(_) => format!("run {n}"),
        None => unreachable!(),
    };
    let start_line = |n: &str| if is_oneshot[n] { format!("up {n}") } else { format!("run {n}") };
    let expand = |d: &str| -> Vec<String> {
        match d {
            "inner" => (5..=9).map(|k| format!("l{k}")).collect(),
            "outer" => (5..=12).map(|k| format!("l{k}")).collect(),
            _ => vec![d.to_string()],
        }
    };
    for (n, deps, _, _) in &g {
        for d in deps.iter().flat_map(|d| expand(d)) {
            if d == "base" {
                assert!(at(&start_line(n)) > at("up cont-init"), "{n} before cont-init: {lines:?}");
                continue;
            }
            // A longrun without readiness is up once spawned: compare spawn
            // order; otherwise the line that says it is up.
            if up_line(&d).starts_with("run ") {
                assert!(pid[n.as_str()] > pid[d.as_str()], "{n} spawned before {d}: {pid:?}");
            } else {
                assert!(at(&start_line(n)) > at(&up_line(&d)), "{n} started before {d} was up: {lines:?}");
            }
        }
    }
    // The CMD ran after the whole boot (spawned after every service).
    for (n, _, _, _) in &g {
        assert!(pid["cmd"] > pid[n.as_str()], "cmd before {n}: {pid:?}");
    }
    // Shutdown: each stops only after what depends on it has stopped.
    let stop_start = |n: &str| if is_oneshot[n] { format!("down {n}") } else { format!("finish {n}") };
    for (n, deps, _, _) in &g {
        for d in deps.iter().flat_map(|d| expand(d)).filter(|d| d != "base") {
            assert!(at(&stop_start(&d)) > at(&stop_start(n)), "{d} stopped before its dependent {n}: {lines:?}");
        }
    }
    assert_eq!(lines.iter().filter(|l| l.starts_with("up o")).count(), 20);
    assert_eq!(lines.iter().filter(|l| l.starts_with("run l")).count(), 30);
    assert!(o.stderr.contains("s6-rc: info: service o10 successfully started"), "{}", o.stderr);
}

#[test]
fn cycle_and_missing_dependency_rejected_before_anything_starts() {
    for (case, want) in [
        ("cycle", "init: fatal: cyclic service dependency: "),
        (
            "missing",
            "init: fatal: during dependency resolution for service b: undefined service name nosuch (in /etc/s6-overlay/s6-rc.d/b/dependencies.d)",
        ),
        // A lexer error is s6-rc-compile's too, `up` or `down`.
        ("unmatched-up", "init: fatal: syntax error in /etc/s6-overlay/s6-rc.d/b/up: unmatched {\n"),
        ("quote-down", "init: fatal: syntax error in /etc/s6-overlay/s6-rc.d/b/down\n"),
        ("same-fds", "init: fatal: longrun b has the same value for notification-fd and lock-fd\n"),
        // One of s6-overlay's names: the image's definition is named.
        (
            "named-base",
            "init: fatal: duplicate service definition: base is defined twice (in /etc/s6-overlay/s6-rc.d/base/type)\n",
        ),
    ] {
        let root = Root::new();
        with_execlineb(&root);
        oneshot(&root, "free", &[]);
        if case == "cycle" {
            oneshot(&root, "a", &["b"]);
            oneshot(&root, "b", &["c"]);
            longrun(&root, "c", &["a"], false);
        } else if case == "named-base" {
            oneshot(&root, "b", &[]);
            bundle(&root, RCD, "base", &["b"]);
        } else if case == "missing" {
            oneshot(&root, "b", &["nosuch"]);
        } else if case == "same-fds" {
            longrun(&root, "b", &[], true);
            root.file(&format!("{RCD}/b/notification-fd"), "3\n", 0o644);
            root.file(&format!("{RCD}/b/lock-fd"), "3\n", 0o644);
        } else {
            oneshot(&root, "b", &[]);
            let (file, text) =
                if case == "unmatched-up" { ("up", "foreground { echo hi\n") } else { ("down", "echo \"x\n") };
            root.file(&format!("{RCD}/b/{file}"), text, 0o644);
        }
        user(&root, &["free", "b"]);
        root.file("/etc/cont-init.d/10-ci", "#!/bin/sh\necho up cont-init >> /tmp/log\n", 0o755);
        let o = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).run();
        assert_eq!(o.code(), 1, "{case}: {}", o.stderr);
        assert!(o.stderr.contains(want), "{case}: {}", o.stderr);
        assert_eq!(log(&root), Vec::<String>::new(), "{case}: something ran");
    }
}

fn wait_log(root: &Root, line: &str) {
    wait_until(&format!("{line:?} in /tmp/log"), Duration::from_secs(10), || log(root).iter().any(|l| l == line));
}

#[test]
fn linuxserver_style_image() {
    let root = Root::new();
    with_execlineb(&root);
    let script = |name: &str| format!("#!/bin/sh\necho up {name} >> /tmp/log\n");
    for (name, dep) in [("init-adduser", "base"), ("init-config", "init-adduser")] {
        root.file(&format!("{RCD}/{name}/type"), "oneshot\n", 0o644);
        root.file(&format!("{RCD}/{name}/up"), &format!("/etc/s6-overlay/s6-rc.d/{name}/run\n"), 0o644);
        root.file(&format!("{RCD}/{name}/run"), &script(name), 0o755);
        root.file(&format!("{RCD}/{name}/dependencies.d/{dep}"), "", 0o644);
    }
    root.file(&format!("{RCD}/init-services/type"), "oneshot\n", 0o644);
    root.file(
        &format!("{RCD}/init-services/up"),
        "# This file doesn't do anything, it's just the end of the downstream oneshots\n",
        0o644,
    );
    root.file(&format!("{RCD}/init-services/dependencies.d/init-config"), "", 0o644);
    longrun(&root, "svc-app", &["init-services"], false);
    user(&root, &["init-adduser", "init-config", "init-services", "svc-app"]);
    // The hook adds a service, as linuxserver's mods do.
    root.file("/hook.sh", &format!("#!/bin/sh\nd={RCD}/svc-mod\nmkdir -p $d/dependencies.d\necho longrun > $d/type\nprintf '#!/bin/sh\\necho run svc-mod $$ >> /tmp/log\\nexec sleep 1000\\n' > $d/run\nchmod +x $d/run\ntouch $d/dependencies.d/init-services /etc/s6-overlay/user-bundles.d/user/contents.d/svc-mod\n"), 0o755);
    root.file("/etc/cont-init.d/10-ci", "#!/bin/sh\necho up cont-init >> /tmp/log\n", 0o755);
    root.file("/etc/services.d/legacy/run", "#!/bin/sh\necho run legacy $$ >> /tmp/log\nexec sleep 1000\n", 0o755);
    let cmd = "for l in svc-app svc-mod legacy; do i=0; while ! grep -q \"run $l\" /tmp/log; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.05; done; done; echo cmd >> /tmp/log";
    let o = root.init(&["sh", "-c", cmd]).env("S6_STAGE2_HOOK", "/hook.sh").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let lines = log(&root);
    let pos = positions(&lines);
    let at = |l: &str| *pos.get(l).unwrap_or_else(|| panic!("no {l:?} in {lines:?}\n{}", o.stderr));
    assert!(at("up cont-init") < at("up init-adduser") && at("up init-adduser") < at("up init-config"), "{lines:?}");
    assert!(at("up init-config") < at("run svc-app") && at("up init-config") < at("run svc-mod"), "{lines:?}");
    let pid = pids(&root);
    assert!(
        pid["legacy"] > pid["svc-app"] && pid["legacy"] > pid["svc-mod"],
        "services.d before the user bundle: {pid:?}"
    );
    assert!(at("cmd") > at("run legacy"));
    assert!(o.stderr.contains("cont-init: info: running /etc/cont-init.d/10-ci\n"), "{}", o.stderr);
    assert!(o.stderr.contains("cont-init: info: /etc/cont-init.d/10-ci exited 0\n"), "{}", o.stderr);
    assert!(o.stderr.contains("s6-rc: info: service svc-mod successfully started\n"), "{}", o.stderr);
    assert!(!o.stderr.contains("[cont-init.d]"), "v2 lines with a v3 layout: {}", o.stderr);
}

#[test]
fn old_user_bundle_layout_warns_and_is_not_written() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "x", &[]);
    root.file(&format!("{RCD}/user/contents.d/x"), "", 0o644);
    let o = root.init(&["true"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(o.stderr.contains("init: warning: defining user bundles in /etc/s6-overlay/s6-rc.d is deprecated, please define them in /etc/s6-overlay/user-bundles.d instead\n"), "{}", o.stderr);
    assert_eq!(log(&root), ["up x", "down x"]);
    assert!(!root.path().join("etc/s6-overlay/s6-rc.d/user/type").exists(), "the image was written to");
}

#[test]
fn failing_oneshot_follows_the_stage2_policy_with_its_code() {
    for policy in ["0", "2"] {
        let root = Root::new();
        with_execlineb(&root);
        root.file(&format!("{RCD}/bad/type"), "oneshot\n", 0o644);
        root.file(&format!("{RCD}/bad/up"), "sh -c \"exit 3\"\n", 0o644);
        oneshot(&root, "after", &["bad"]);
        oneshot(&root, "indep", &[]);
        user(&root, &["after", "indep"]);
        let o = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy).run();
        assert!(o.stderr.contains("s6-rc: warning: unable to start service bad: command exited 3\n"), "{}", o.stderr);
        let lines = log(&root);
        assert!(!lines.iter().any(|l| l == "up after"), "{lines:?}");
        if policy == "2" {
            assert_eq!(o.code(), 3, "{}", o.stderr);
            assert!(!lines.iter().any(|l| l == "cmd"), "{lines:?}");
        } else {
            assert_eq!(o.code(), 0, "{}", o.stderr);
            assert!(lines.iter().any(|l| l == "cmd") && lines.iter().any(|l| l == "up indep"), "{lines:?}");
        }
    }
}

#[test]
fn timeout_up_fails_with_99() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/slow/up"), "sleep 30\n", 0o644);
    root.file(&format!("{RCD}/slow/timeout-up"), "200\n", 0o644);
    user(&root, &["slow"]);
    let o = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert_eq!(o.code(), 99, "{}", o.stderr);
    assert!(o.elapsed < Duration::from_secs(5), "{:?}", o.elapsed);
    assert!(!log(&root).iter().any(|l| l == "cmd"));
}

#[test]
fn sigterm_during_boot_stops_at_once() {
    let _t = timing();
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/slow/up"), "sh -c \"echo up slow >> /tmp/log; exec sleep 30\"\n", 0o644);
    oneshot(&root, "after", &["slow"]);
    user(&root, &["after"]);
    let mut c = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).start();
    wait_log(&root, "up slow");
    let t = c.signal(15);
    let o = c.wait();
    assert!(t.elapsed() < Duration::from_secs(2), "stopped after {:?}: {}", t.elapsed(), o.stderr);
    let lines = log(&root);
    assert!(!lines.iter().any(|l| l == "up after" || l == "cmd"), "{lines:?}");
}

#[test]
fn s6_rc_client_changes_and_lists_the_live_state() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "init-a", &["base"]);
    longrun(&root, "svc-a", &["init-a"], false);
    longrun(&root, "svc-b", &["svc-a"], true);
    user(&root, &["svc-b"]);
    let script = "exec > /tmp/out 2>&1; PATH=/command:$PATH
s6-rc -a list; echo =
s6-rc -d change svc-a; echo \"rc $?\"
s6-rc -a list; echo =
s6-rc -da list; echo =
test -e /run/service/svc-a/down && echo down-file
s6-rc -u change svc-a; echo \"rc $?\"
s6-rc -a list; echo =
s6-rc -u change nosuch; echo \"rc $?\"
s6-rc -d listall init-a; echo =
s6-rc-db type svc-b; s6-rc-db dependencies svc-b; s6-rc-db contents user; s6-rc-db contents svc-a; echo \"rc $?\"
s6-rc -bu change user; echo \"rc $?\"
s6-rc -a list; echo =";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let out = fs::read_to_string(root.path().join("tmp/out")).unwrap();
    // s6-rc's order: longruns, then oneshots.
    let want = "svc-a\nsvc-b\ninit-a\nfix-attrs\nlegacy-cont-init\nlegacy-services\n=\n\
rc 0\n\
init-a\nfix-attrs\nlegacy-cont-init\n=\n\
svc-a\nsvc-b\nlegacy-services\n=\n\
down-file\n\
rc 0\n\
svc-a\ninit-a\nfix-attrs\nlegacy-cont-init\n=\n\
s6-rc: fatal: nosuch is not a recognized identifier in /run/s6-rc/resolve.cdb\nrc 3\n\
svc-a\nsvc-b\ninit-a\nlegacy-services\n=\n\
longrun\nsvc-a\nsvc-b\ns6-rc-db: fatal: in database /run/s6-rc/compiled: identifier svc-a represents an atomic service\nrc 5\n\
rc 0\n\
svc-a\nsvc-b\ninit-a\nfix-attrs\nlegacy-cont-init\n=\n";
    assert_eq!(out, want, "stderr: {}", o.stderr);
    // The supervisor really stopped and restarted it, after svc-b.
    let lines: Vec<String> = fs::read_to_string(root.path().join("tmp/log"))
        .unwrap()
        .lines()
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let first_finish_a = lines.iter().position(|l| l == "finish svc-a").unwrap();
    let first_finish_b = lines.iter().position(|l| l == "finish svc-b").unwrap();
    assert!(first_finish_b < first_finish_a, "{lines:?}");
    assert_eq!(lines.iter().filter(|l| *l == "run svc-a").count(), 2, "{lines:?}");
}

/// The tree is read once per boot, as s6-rc-compile compiles it once:
/// what happens to the source directories afterwards changes nothing for
/// the clients (a service added is unknown, one removed or edited is still
/// there as it was).
#[test]
fn s6_rc_clients_see_the_tree_of_the_boot() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "init-a", &["base"]);
    longrun(&root, "svc-a", &["init-a"], false);
    longrun(&root, "svc-b", &["svc-a"], false);
    user(&root, &["svc-b"]);
    let script = format!(
        "exec > /tmp/out 2>&1; PATH=/command:$PATH
mkdir -p {RCD}/lateadd; echo oneshot > {RCD}/lateadd/type; echo 'echo late' > {RCD}/lateadd/up
rm -r {RCD}/svc-b; echo bundle > {RCD}/init-a/type; echo broken > {RCD}/svc-a/type
s6-rc -u change lateadd; echo \"rc $?\"
s6-rc-db type lateadd; echo \"rc $?\"
s6-rc-db type init-a; s6-rc-db dependencies svc-b; echo \"rc $?\"
s6-rc -d change svc-b; echo \"rc $?\"
s6-rc -a list; echo ="
    );
    let o = root.init(&["sh", "-c", &script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let out = fs::read_to_string(root.path().join("tmp/out")).unwrap();
    let want = "s6-rc: fatal: lateadd is not a recognized identifier in /run/s6-rc/resolve.cdb\nrc 3\n\
s6-rc-db: fatal: lateadd is not a valid identifier in /run/s6-rc/compiled\nrc 3\n\
oneshot\nsvc-a\nrc 0\n\
rc 0\n\
svc-a\ninit-a\nfix-attrs\nlegacy-cont-init\n=\n";
    assert_eq!(out, want, "stderr: {}", o.stderr);
}

/// What s6-rc-compile only warns about: a notification-fd or lock-fd
/// below 3 (the service still runs), a pipeline-name that is not a last
/// consumer's (ignored); silent with S6_VERBOSITY=0.
#[test]
fn source_warnings_leave_the_services_running() {
    for verbosity in ["1", "0"] {
        let root = Root::new();
        with_execlineb(&root);
        longrun(&root, "a", &[], false);
        root.file(&format!("{RCD}/a/run"), "#!/bin/sh\necho run a >> /tmp/log\necho\nexec sleep 1000\n", 0o755);
        root.file(&format!("{RCD}/a/notification-fd"), "1\n", 0o644);
        longrun(&root, "b", &[], false);
        root.file(&format!("{RCD}/b/lock-fd"), "0\n", 0o644);
        longrun(&root, "p", &[], false);
        root.file(&format!("{RCD}/p/producer-for"), "c\n", 0o644);
        root.file(&format!("{RCD}/p/pipeline-name"), "nope\n", 0o644);
        longrun(&root, "c", &[], false);
        root.file(&format!("{RCD}/c/consumer-for"), "p\n", 0o644);
        user(&root, &["a", "b", "p", "c"]);
        let o = root.init(&["sh", "-c", "sleep 0.3"]).env("S6_VERBOSITY", verbosity).run();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        let warnings = [
            "init: warning: longrun a has a notification-fd of 1\n",
            "init: warning: longrun b has a lock-fd of 0\n",
            "init: warning: /etc/s6-overlay/s6-rc.d/p contains a pipeline-name file despite not being a last consumer; this file will be ignored\n",
        ];
        for w in warnings {
            assert_eq!(o.stderr.contains(w), verbosity == "1", "{w:?} with S6_VERBOSITY={verbosity}: {}", o.stderr);
        }
        let mut runs = log(&root).into_iter().filter(|l| l.starts_with("run ")).collect::<Vec<_>>();
        runs.sort();
        assert_eq!(runs, ["run a", "run b", "run c", "run p"], "{}", o.stderr);
    }
}

#[test]
fn pipeline_lines_flow_and_survive_a_consumer_restart() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/prod/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/prod/producer-for"), "cons\n", 0o644);
    root.file(&format!("{RCD}/prod/run"), "#!/bin/sh\ni=0\nwhile :; do echo $i; i=$((i+1)); sleep 0.02; done\n", 0o755);
    root.file(&format!("{RCD}/cons/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/cons/consumer-for"), "prod\n", 0o644);
    root.file(
        &format!("{RCD}/cons/run"),
        // The first consumer leaves by itself after 10 lines: `read` takes one byte at a time from a
        // pipe, so nothing it has consumed is left unwritten (a killed `cat` may die between its
        // read and its write, and that line is lost in the consumer, not in the pipe).
        "#!/bin/sh\necho run cons $$ >> /tmp/log\nn=0\nwhile read l; do\n  echo $l >> /tmp/cons.log\n  n=$((n+1))\n  \
         if [ $n -ge 10 ] && [ ! -e /tmp/restarted ]; then touch /tmp/restarted; exit 0; fi\ndone\n",
        0o755,
    );
    root.file(&format!("{RCD}/cons/pipeline-name"), "mypipe\n", 0o644);
    user(&root, &["mypipe"]);
    let script = "PATH=/command:$PATH
n() { cat /tmp/cons.log 2>/dev/null | wc -l; }
i=0; while [ $(n) -lt 100 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let got: Vec<u32> =
        fs::read_to_string(root.path().join("tmp/cons.log")).unwrap().lines().map(|l| l.parse().unwrap()).collect();
    assert!(got.len() >= 100, "{got:?}");
    assert!(got.iter().enumerate().all(|(i, &v)| v == i as u32), "lines lost or repeated: {got:?}");
    assert_eq!(log(&root), ["run cons", "run cons"], "the consumer did not restart");
}

#[test]
fn wait_for_services_maxtime_bounds_the_boot() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/slow/up"), "sleep 30\n", 0o644);
    oneshot(&root, "after", &["slow"]);
    user(&root, &["after"]);
    for (policy, code) in [("2", 2), ("0", 0)] {
        let _ = fs::remove_file(root.path().join("tmp/log"));
        let o = root
            .init(&["sh", "-c", "echo cmd >> /tmp/log"])
            .env("S6_CMD_WAIT_FOR_SERVICES_MAXTIME", "300")
            .env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy)
            .run();
        assert_eq!(o.code(), code, "{}", o.stderr);
        assert!(o.elapsed < Duration::from_secs(5), "{:?}", o.elapsed);
        // s6-rc's line, at every verbosity.
        assert!(o.stderr.contains("s6-rc: fatal: timed out\n"), "{}", o.stderr);
        let lines = log(&root);
        assert!(!lines.iter().any(|l| l == "up after"), "{lines:?}");
        assert_eq!(lines.iter().any(|l| l == "cmd"), policy == "0", "{lines:?}");
    }
}

/// `exit-container` in an s6-rc longrun (v3): its exit ends the container
/// with its code.
#[test]
fn longrun_with_exit_container_ends_the_container() {
    let root = Root::new();
    with_execlineb(&root);
    longrun(&root, "svc-x", &["base"], false);
    root.file(
        &format!("{RCD}/svc-x/run"),
        "#!/bin/sh
sleep 0.3
exit 9
",
        0o755,
    );
    root.file(&format!("{RCD}/svc-x/exit-container"), "", 0o644);
    user(&root, &["svc-x"]);
    let o = root.init(&["sleep", "100"]).timeout(Duration::from_secs(15)).run();
    assert_eq!(o.code(), 9, "{}", o.stderr);
    assert!(log(&root).iter().any(|l| l == "finish svc-x"), "{:?}", log(&root));
}

/// A v3 tree whose `user` bundle holds one longrun, `lr`: s6-rc drives
/// `legacy-services` (services.d) after it.
fn legacy_root() -> Root {
    let root = Root::new();
    with_execlineb(&root);
    longrun(&root, "lr", &[], false);
    user(&root, &["lr"]);
    root
}

/// `s6-rc -d change legacy-services` stops the services.d services and
/// their loggers (a logger ends on EOF), takes them out of `/run/service`,
/// and `-u` sets them up anew: twenty times, with one logger running at
/// the end and every start's output in its log.
#[test]
fn legacy_services_go_down_and_up_again() {
    let root = legacy_root();
    root.file(
        "/etc/services.d/leg/run",
        "#!/bin/sh\necho run leg $$ >> /tmp/log\necho hello $$\nexec sleep 1000\n",
        0o755,
    );
    root.file(
        "/etc/services.d/leg/log/run",
        "#!/bin/sh\necho log leg $$ >> /tmp/log\nexec cat >> /tmp/leg.out\n",
        0o755,
    );
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/leg/log /run/service/leg || echo not up
# Each run has written its lines before the next down (a TERM that
# comes first ends it before them).
said() { j=0; while [ $(grep -c hello /tmp/leg.out) -lt $1 ] && [ $j -lt 100 ]; do sleep 0.02; j=$((j+1)); done; }
i=0
while [ $i -lt 20 ]; do
  said $((i+1))
  timeout 3 s6-rc -d change legacy-services || echo \"down $i: $?\"
  [ -e /run/service/leg ] && echo \"still there $i\"
  timeout 3 s6-rc -u change legacy-services || echo \"up $i: $?\"
  i=$((i+1))
done
s6-svwait -t 10000 -u /run/service/leg/log /run/service/leg || echo not up at the end
said 21
n=0
for p in /proc/[0-9]*; do read c < $p/comm && [ \"$c\" = cat ] && n=$((n+1)); done 2>/dev/null
echo loggers $n";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(o.stdout, "loggers 1\n", "stderr: {}", o.stderr);
    let lines = log(&root);
    assert_eq!(lines.iter().filter(|l| *l == "run leg").count(), 21, "{lines:?}");
    assert_eq!(lines.iter().filter(|l| *l == "log leg").count(), 21, "{lines:?}");
    let out = fs::read_to_string(root.path().join("tmp/leg.out")).unwrap_or_default();
    assert_eq!(out.lines().filter(|l| l.starts_with("hello ")).count(), 21, "{out}");
    assert!(!o.stderr.contains("too many services"), "{}", o.stderr);
}

/// A `legacy-services` down waits for the services, as s6-overlay's
/// `s6-svwait -D`: a client waiting on one sees its final "down".
#[test]
fn legacy_services_down_writes_the_last_status() {
    let root = legacy_root();
    root.file("/etc/services.d/leg/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/leg || echo not up
s6-svwait -t 3000 -D /run/s6/legacy-services/leg & w=$!
sleep 0.2
timeout 5 s6-rc -d change legacy-services || echo \"down $?\"
wait $w; echo \"svwait $?\"
s6-svstat /run/s6/legacy-services/leg | cut -d' ' -f1";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.stdout, "svwait 0\ndown\n", "stderr: {}", o.stderr);
}

/// `S6_SERVICES_GRACETIME` bounds a `legacy-services` down: a service that
/// ignores TERM, and a logger kept from EOF by a process its service left
/// behind, get SIGKILL then; an up brings both back.
#[test]
fn legacy_services_down_is_bounded_by_the_services_grace() {
    let root = legacy_root();
    root.file("/etc/services.d/deaf/run", "#!/bin/sh\ntrap '' TERM\nexec sleep 2000\n", 0o755);
    root.file("/etc/services.d/orph/run", "#!/bin/sh\nsleep 1000 &\nexec sleep 3000\n", 0o755);
    root.file("/etc/services.d/orph/log/run", "#!/bin/sh\nexec cat > /dev/null\n", 0o755);
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/deaf /run/service/orph /run/service/orph/log || echo not up
t0=$(cut -d' ' -f1 /proc/uptime)
timeout 8 s6-rc -d change legacy-services; echo \"down $?\"
t1=$(cut -d' ' -f1 /proc/uptime)
echo \"$t0 $t1\" > /tmp/times
for d in deaf orph orph/log; do s6-svstat /run/s6/legacy-services/$d | cut -d' ' -f1-3; done
timeout 8 s6-rc -u change legacy-services; echo \"up $?\"
s6-svwait -t 5000 -u /run/service/deaf /run/service/orph /run/service/orph/log; echo \"svwait $?\"";
    let o = root.init(&["sh", "-c", script]).env("S6_SERVICES_GRACETIME", "500").run();
    let want = "down 0\n\
down (signal SIGKILL)\n\
down (signal SIGTERM)\n\
down (signal SIGKILL)\n\
up 0\n\
svwait 0\n";
    assert_eq!(o.stdout, want, "stderr: {}", o.stderr);
    let t: Vec<f64> = fs::read_to_string(root.path().join("tmp/times"))
        .unwrap()
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(t[1] - t[0] >= 0.45 && t[1] - t[0] < 4.0, "the down took {} s", t[1] - t[0]);
}

/// A service added by a rescan is not one of `legacy-services`': its down
/// and up leave it alone, and services.d comes back.
#[test]
fn legacy_services_leave_rescanned_services_alone() {
    let root = legacy_root();
    root.file("/etc/services.d/leg/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file("/srv/extra/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file("/srv/late/run", "#!/bin/sh\nexec sleep 1000\n", 0o755);
    let script = "PATH=/command:$PATH
# A rescan is asynchronous: wait for the supervision of $1 to appear.
added() { j=0; while [ ! -e /run/service/$1/supervise/status ] && [ $j -lt 250 ]; do sleep 0.02; j=$((j+1)); done; }
s6-svwait -t 10000 -u /run/service/leg || echo not up
ln -s /srv/extra /run/service/extra
s6-svscanctl -a /run/service
added extra
s6-svwait -t 5000 -u /run/service/extra || echo extra not up
timeout 5 s6-rc -d change legacy-services; echo \"down $?\"
[ -e /run/service/leg ] && echo leg still there
ln -s /srv/late /run/service/late
s6-svscanctl -a /run/service
added late
s6-svwait -t 5000 -u /run/service/late || echo late not up
timeout 5 s6-rc -u change legacy-services; echo \"up $?\"
s6-svwait -t 5000 -u /run/service/leg; echo \"leg $?\"
for d in extra late; do s6-svstat /run/service/$d | cut -d' ' -f1; done";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.stdout, "down 0\nup 0\nleg 0\nup\nup\n", "stderr: {}", o.stderr);
}

/// A `legacy-services` down cut short (`-t`) leaves it up, as s6-rc does:
/// its services are wanted up again.
#[test]
fn a_legacy_services_down_cut_short_brings_them_back() {
    let root = legacy_root();
    root.file(
        "/etc/services.d/leg/run",
        "#!/bin/sh\necho run leg >> /tmp/log\ntrap 'sleep 1; exit 0' TERM\nwhile :; do sleep 0.1; done\n",
        0o755,
    );
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/leg || echo not up
sleep 0.3
s6-rc -t 300 -d change legacy-services; echo \"down $?\"
s6-rc -a list | grep -x legacy-services
s6-svwait -t 5000 -d /run/service/leg; echo \"stopped $?\"
s6-svwait -t 5000 -u /run/service/leg; echo \"back $?\"
s6-rc -u change legacy-services; echo \"up $?\"
s6-svstat /run/service/leg | cut -d' ' -f1";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.stdout, "down 2\nlegacy-services\nstopped 0\nback 0\nup 0\nup\n", "stderr: {}", o.stderr);
    assert_eq!(log(&root).iter().filter(|l| *l == "run leg").count(), 2, "{:?}", log(&root));
}

/// v3's `/init` puts `/bin`, `/usr/bin` and `/command` in front of the
/// image's PATH when they are missing: every process sees that PATH, the
/// snapshot and the CMD included, so `s6-rc` and `halt` are found by name.
#[test]
fn v3_path_has_command_usr_bin_and_bin_everywhere() {
    // `None`: PATH unset (v3's `/init` starts it from `/bin`).
    for (image, want) in [
        (Some("/usr/local/bin:/usr/bin:/bin"), "/command:/usr/local/bin:/usr/bin:/bin"),
        (Some("/opt/x"), "/command:/usr/bin:/bin:/opt/x"),
        (Some("/command:/bin:/usr/bin"), "/command:/bin:/usr/bin"),
        (Some(""), "/command:/usr/bin:/bin"),
        (None, "/command:/usr/bin:/bin"),
    ] {
        let root = Root::new();
        longrun(&root, "svc", &[], false);
        root.file(
            &format!("{RCD}/svc/run"),
            "#!/command/with-contenv sh\necho \"svc $PATH\" > /tmp/svc\nexec sleep 100\n",
            0o755,
        );
        user(&root, &["svc"]);
        root.file("/etc/cont-init.d/10-x", "#!/bin/sh\necho \"init $PATH\"\n", 0o755);
        let cmd = "for i in $(seq 200); do [ -s /tmp/svc ] && break; sleep 0.02; done; cat /tmp/svc; \
                   echo \"cmd $PATH\"; echo \"snapshot $(printcontenv PATH)\"; command -v s6-rc";
        let run = root.init(&["/bin/sh", "-c", cmd]).timeout(Duration::from_secs(30));
        let o = match image {
            Some(p) => run.env("PATH", p),
            None => run.no_env("PATH"),
        }
        .run();
        assert_eq!(o.code(), 0, "{image:?}: {}\n{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            format!("init {want}\nsvc {want}\ncmd {want}\nsnapshot {want}\n/command/s6-rc\n"),
            "{image:?}: {}",
            o.stderr
        );
    }
}

/// v3's path to a longrun's directory, `/run/s6-rc/servicedirs/NAME`
/// (also through `/var/run`), works with s6's clients, on a fresh `/run`
/// and on one kept from the previous start.
#[test]
fn s6_rc_servicedirs_path_reaches_the_longruns() {
    let root = Root::new();
    longrun(&root, "svc", &[], false);
    user(&root, &["svc"]);
    let cmd = "PATH=/command:$PATH; for i in $(seq 200); do grep -q 'run svc' /tmp/log 2>/dev/null && break; sleep 0.02; done; \
               /package/admin/s6/command/s6-svstat -o up /run/s6-rc/servicedirs/svc; s6-svc -r /var/run/s6-rc/servicedirs/svc && echo restarted; \
               readlink /run/s6-rc/servicedirs";
    for start in 0..2 {
        let _ = fs::remove_file(root.path().join("tmp/log"));
        let o = root.init(&["sh", "-c", cmd]).run_on_disk().run();
        assert_eq!((o.code(), o.stdout.as_str()), (0, "true\nrestarted\n../service\n"), "start {start}: {}", o.stderr);
    }
}

/// v3's `legacy-cont-init` runs every cont-init script even when one fails;
/// under policy 2 the container stops after the last one, with the first
/// failing script's code, and the CMD never runs.
#[test]
fn v3_runs_every_cont_init_script_then_fails() {
    let root = Root::new();
    oneshot(&root, "x", &[]);
    user(&root, &["x"]);
    root.file("/etc/cont-init.d/10-a", "#!/bin/sh\necho a >> /tmp/log; exit 3\n", 0o755);
    root.file("/etc/cont-init.d/20-b", "#!/bin/sh\necho b >> /tmp/log; exit 4\n", 0o755);
    root.file("/etc/cont-init.d/30-c", "#!/bin/sh\necho c >> /tmp/log\n", 0o755);
    let o = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert_eq!(o.code(), 3, "{}", o.stderr);
    let lines = log(&root);
    for l in ["a", "b", "c"] {
        assert!(lines.iter().any(|x| x == l), "{l} did not run: {lines:?}");
    }
    assert!(!lines.iter().any(|l| l == "cmd"), "{lines:?}");
    // v3's lines: cont-init's one warning, s6-rc's, rc.init's two.
    let want = "cont-init: warning: some scripts exited nonzero\n\
s6-rc: warning: unable to start service legacy-cont-init: command exited 1\n\
/run/s6/basedir/scripts/rc.init: warning: s6-rc failed to properly bring all the services up! \
Check your logs (in /run/uncaught-logs/current if you have in-container logging) for more information.\n\
/run/s6/basedir/scripts/rc.init: fatal: stopping the container.\n";
    // (A user service's s6-rc lines may come in between.)
    let mine: String = o.stderr.lines().filter(|l| !l.starts_with("s6-rc: info:")).map(|l| format!("{l}\n")).collect();
    assert!(mine.contains(want), "{}", o.stderr);
    assert!(!o.stderr.contains("[cont-init.d]") && !o.stderr.lines().any(|l| l.starts_with("init:")), "{}", o.stderr);
}

/// v3's layout: S6_STAGE2_HOOK's lines are v3's rc.init's (info when it
/// succeeds, a warning when it fails, fatal and a stop with its code under
/// policy 2), and policy 1 over failing cont-init scripts gives one
/// warning, the boot going on.
#[test]
fn v3_hook_and_cont_init_lines() {
    let root = Root::new();
    oneshot(&root, "x", &[]);
    user(&root, &["x"]);
    root.file("/etc/cont-init.d/10-a", "#!/bin/sh\nexit 3\n", 0o755);
    let rcinit = "/run/s6/basedir/scripts/rc.init";
    for (hook, policy, code, line) in [
        ("true", "1", 0, format!("{rcinit}: info: hook true exited 0\n")),
        ("false", "1", 0, format!("{rcinit}: warning: hook false exited 1\n")),
        ("sh -c 'exit 5'", "2", 5, format!("{rcinit}: fatal: hook sh -c 'exit 5' exited 5\n")),
    ] {
        let o = root
            .init(&["sh", "-c", "echo cmd >> /tmp/log"])
            .env("S6_STAGE2_HOOK", hook)
            .env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy)
            .run();
        assert_eq!(o.code(), code, "{hook}: {}", o.stderr);
        assert!(o.stderr.starts_with(&line), "{hook}: {}", o.stderr);
        assert!(
            !o.stderr.contains("[s6-init]") && !o.stderr.lines().any(|l| l.starts_with("init:")),
            "{hook}: {}",
            o.stderr
        );
        if policy == "1" {
            assert!(o.stderr.contains("cont-init: warning: some scripts exited nonzero\n"), "{}", o.stderr);
            assert!(!o.stderr.contains("unable to start"), "{}", o.stderr);
        }
    }
}

/// A `docker stop` while a oneshot's `up` runs: the script gets TERM, and
/// what it depends on goes down only once it has ended (reverse order
/// holds for a transition cut short too).
#[test]
fn a_stop_during_the_boot_waits_for_the_cut_short_script_before_its_dependencies_go_down() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "first", &[]);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(
        &format!("{RCD}/slow/up"),
        "sh -c \"trap \\\"sleep 0.5; echo cleanup slow >> /tmp/log; exit 1\\\" TERM; echo up slow >> /tmp/log; sleep 30 & wait\"\n",
        0o644,
    );
    root.file(&format!("{RCD}/slow/dependencies.d/first"), "", 0o644);
    longrun(&root, "lr", &["slow"], false);
    user(&root, &["lr"]);
    let mut c = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).start();
    wait_log(&root, "up slow");
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let lines = log(&root);
    let at = positions(&lines);
    assert!(at.contains_key("cleanup slow") && at.contains_key("down first"), "{lines:?}");
    assert!(at["cleanup slow"] < at["down first"], "{lines:?}");
    assert!(!at.contains_key("down slow") && !at.contains_key("run lr"), "{lines:?}");
}

/// A `flag-essential` longrun is not stopped by the shutdown's change,
/// and neither is what it depends on (as v3's `s6-rc -bda change`): its
/// dependency's `down` never runs while it still runs; it stops with the
/// rest after.
#[test]
fn an_essential_service_keeps_its_dependencies_up_at_a_shutdown() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "dbinit", &["base"]);
    longrun(&root, "ess", &["dbinit"], false);
    root.file(&format!("{RCD}/ess/flag-essential"), "", 0o644);
    oneshot(&root, "plain", &["dbinit"]);
    user(&root, &["ess", "plain"]);
    let o = root.init(&["sh", "-c", "sleep 0.3; echo cmd >> /tmp/log"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(o.stderr.contains("s6-rc: warning: service ess is marked as essential, not stopping it\n"), "{}", o.stderr);
    let lines = log(&root);
    let at = positions(&lines);
    assert!(at.contains_key("down plain") && at.contains_key("finish ess"), "{lines:?}");
    assert!(!at.contains_key("down dbinit"), "{lines:?}");
}

/// A oneshot's exit code from 128 up is said as 128, as s6-rc does; the
/// container's code under policy 2 is still the script's own.
#[test]
fn a_oneshot_exit_code_above_127_is_said_as_128() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/e200/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/e200/up"), "sh -c \"exit 200\"\n", 0o644);
    user(&root, &["e200"]);
    let o = root.init(&["true"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert!(o.stderr.contains("s6-rc: warning: unable to start service e200: command exited 128\n"), "{}", o.stderr);
    assert_eq!(o.code(), 200, "{}", o.stderr);
}

/// `S6_CMD_WAIT_FOR_SERVICES=1`: v3's `legacy-services` up is the wait
/// for services.d's services, so a `user2` service that depends on it
/// starts once they are ready, with a CMD or without.
#[test]
fn wait_for_services_is_part_of_legacy_services() {
    // The CMD stays: one that ended would end the container before the
    // TERM below could reach it.
    for cmd in [&["sh", "-c", "echo cmd >> /tmp/log; exec sleep 1000"][..], &[][..]] {
        let root = legacy_root();
        root.file(
            "/etc/services.d/leg/run",
            "#!/bin/sh\necho run leg >> /tmp/log\nsleep 0.5\necho ready leg >> /tmp/log\necho >&3\nexec sleep 1000\n",
            0o755,
        );
        root.file("/etc/services.d/leg/notification-fd", "3\n", 0o644);
        oneshot(&root, "late", &["legacy-services"]);
        bundle(&root, "/etc/s6-overlay/user-bundles.d", "user2", &["late"]);
        let mut c = root.init(cmd).env("S6_CMD_WAIT_FOR_SERVICES", "1").start();
        wait_log(&root, "up late");
        if !cmd.is_empty() {
            wait_log(&root, "cmd");
        }
        c.signal(15);
        let o = c.wait();
        let lines = log(&root);
        let at = positions(&lines);
        assert!(at["ready leg"] < at["up late"], "{lines:?} {}", o.stderr);
        if !cmd.is_empty() {
            assert!(at["ready leg"] < at["cmd"], "{lines:?}");
        }
    }
}

/// A longrun's `down` file changes only once its transition succeeded,
/// as s6-rc's: a stop that times out leaves none (the service is still up
/// for s6-rc), a stop that works makes one, a start removes it.
#[test]
fn a_failed_longrun_stop_leaves_no_down_file() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/stubborn/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/stubborn/run"), "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n", 0o755);
    root.file(&format!("{RCD}/stubborn/timeout-down"), "500\n", 0o644);
    longrun(&root, "plain", &[], false);
    user(&root, &["stubborn", "plain"]);
    let script = "PATH=/command:$PATH
s6-rc -d change stubborn; echo \"stubborn $?\"
[ -e /run/service/stubborn/down ] && echo stubborn-down-file
s6-rc -a list | grep -qx stubborn && echo stubborn-listed-up
s6-rc -d change plain; echo \"plain $?\"
[ -e /run/service/plain/down ] && echo plain-down-file
s6-rc -u change plain; echo \"plain up $?\"
[ -e /run/service/plain/down ] && echo plain-down-file-after-up
true";
    let o = root.init(&["sh", "-c", script]).timeout(Duration::from_secs(20)).run();
    assert_eq!(
        o.stdout, "stubborn 1\nstubborn-listed-up\nplain 0\nplain-down-file\nplain up 0\n",
        "stderr: {}",
        o.stderr
    );
}

/// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME` bounds cont-init.d too, as v3's: when
/// it expires during a cont-init script, s6-rc's line, then the CMD starts
/// at once (policy 0) while that script runs on, and the later scripts
/// never run; policy 2 stops the container with s6-rc's code 2.
#[test]
fn maxtime_during_cont_init_starts_the_cmd_and_skips_the_rest() {
    for (policy, code) in [("0", 0), ("2", 2)] {
        let root = Root::new();
        with_execlineb(&root);
        oneshot(&root, "after", &["base"]);
        user(&root, &["after"]);
        root.file("/etc/cont-init.d/01-slow", "#!/bin/sh\necho ci1 >> /tmp/log\nexec sleep 30\n", 0o755);
        root.file("/etc/cont-init.d/02-next", "#!/bin/sh\necho ci2 >> /tmp/log\n", 0o755);
        let o = root
            .init(&["sh", "-c", "echo cmd >> /tmp/log"])
            .env("S6_CMD_WAIT_FOR_SERVICES_MAXTIME", "1000")
            .env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy)
            .timeout(Duration::from_secs(20))
            .run();
        assert_eq!(o.code(), code, "{}", o.stderr);
        assert!(o.elapsed < Duration::from_secs(8), "{:?}: {}", o.elapsed, o.stderr);
        assert!(o.stderr.contains("s6-rc: fatal: timed out\n"), "{}", o.stderr);
        let lines = log(&root);
        assert!(lines.iter().any(|l| l == "ci1"), "{lines:?}");
        assert!(!lines.iter().any(|l| l == "ci2" || l == "up after"), "{lines:?}");
        assert_eq!(lines.iter().any(|l| l == "cmd"), policy == "0", "{lines:?}");
    }
}

/// v3's shutdown goes on in order when a step takes the whole grace:
/// a services.d service still draining at `S6_SERVICES_GRACETIME` is
/// killed and `legacy-services` is down (v3's `s6-svwait -D -t` then
/// `exit 0`), then the user's longrun stops, a user longrun deaf to TERM
/// (no `timeout-down`) is killed after a grace of its own, the oneshot's
/// `down` runs, then cont-finish.d, all before the TERM to every process.
#[test]
fn v3_shutdown_keeps_its_order_when_a_step_takes_the_grace() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "o", &[]);
    longrun(&root, "db", &["o"], false);
    root.file(&format!("{RCD}/deaf/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/deaf/run"), "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n", 0o755);
    root.file(&format!("{RCD}/deaf/dependencies.d/o"), "", 0o644);
    user(&root, &["o", "db", "deaf"]);
    root.file(
        "/etc/services.d/web/run",
        "#!/bin/sh\ntrap 'echo web draining >> /tmp/log; sleep 5; exit 0' TERM\nwhile :; do sleep 0.1; done\n",
        0o755,
    );
    root.file("/etc/cont-finish.d/f", "#!/bin/sh\necho cont-finish >> /tmp/log\n", 0o755);
    let script = "PATH=/command:$PATH
s6-svwait -t 10000 -u /run/service/web /run/service/db /run/service/deaf || echo not up
sleep 0.2
echo up
exec sleep 1000";
    let mut c = root.init(&["sh", "-c", script]).env("S6_SERVICES_GRACETIME", "600").start();
    c.wait_stdout("up\n");
    let t = c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 143, "{}", o.stderr);
    let lines = log(&root);
    let at = |w: &str| lines.iter().position(|l| l == w).unwrap_or_else(|| panic!("no {w:?}: {lines:?}\n{}", o.stderr));
    assert!(at("web draining") < at("finish db"), "{lines:?}");
    assert!(at("finish db") < at("down o"), "{lines:?}");
    assert!(at("down o") < at("cont-finish"), "{lines:?}");
    assert!(o.stderr.contains("s6-rc: info: service legacy-cont-init: stopping"), "{}", o.stderr);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}: {}", t.elapsed(), o.stderr);
}

/// v3: cont-finish.d is legacy-cont-init's `down`, so it runs only when
/// legacy-cont-init goes down: not after it failed (a cont-init.d script
/// failing with S6_BEHAVIOUR_IF_STAGE2_FAILS=2), not while an essential
/// service that depends on `base` stays up.
#[test]
fn v3_cont_finish_only_when_legacy_cont_init_goes_down() {
    for case in ["plain", "cont-init failed", "essential on base"] {
        let root = Root::new();
        with_execlineb(&root);
        oneshot(&root, "o", &[]);
        let mut members = vec!["o"];
        if case == "essential on base" {
            longrun(&root, "ess", &["base"], false);
            root.file(&format!("{RCD}/ess/flag-essential"), "", 0o644);
            members.push("ess");
        }
        user(&root, &members);
        root.file(
            "/etc/cont-finish.d/f",
            "#!/bin/sh
echo cont-finish >> /tmp/log
",
            0o755,
        );
        let policy = if case == "cont-init failed" {
            root.file(
                "/etc/cont-init.d/i",
                "#!/bin/sh
exit 4
",
                0o755,
            );
            "2"
        } else {
            "0"
        };
        let o = root.init(&["true"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy).run();
        let lines = log(&root);
        assert_eq!(lines.iter().any(|l| l == "cont-finish"), case == "plain", "{case}: {lines:?}\n{}", o.stderr);
        assert_eq!(
            o.stderr.contains("s6-rc: info: service legacy-cont-init: stopping"),
            case == "plain",
            "{case}: {}",
            o.stderr
        );
    }
}

/// SIGTERM to a running `s6-rc change`, as s6-rc: said at -v2, nothing new
/// starts, a longrun's start that runs fails (`command crashed with signal
/// 15`), a oneshot that runs finishes and counts; exit 1.
#[test]
fn sigterm_to_a_change_stops_it_as_s6_rc() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/slow/up"), "sh -c \"sleep 1; echo slow done >> /tmp/log\"\n", 0o644);
    oneshot(&root, "after", &["slow"]);
    // Never ready: its start runs until the TERM.
    root.file(&format!("{RCD}/lr/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/lr/run"), "#!/bin/sh\nexec sleep 1000\n", 0o755);
    root.file(&format!("{RCD}/lr/notification-fd"), "3\n", 0o644);
    root.file(&format!("{RCD}/x/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/x/up"), "true\n", 0o644);
    user(&root, &["x"]);
    let script = "PATH=/command:$PATH
s6-rc -v2 -u change after lr > /tmp/out 2>&1 & c=$!
sleep 0.4; kill -TERM $c; wait $c; echo \"rc $?\" >> /tmp/out
s6-rc -a list > /tmp/list";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let out = fs::read_to_string(root.path().join("tmp/out")).unwrap();
    for want in [
        "s6-rc: warning: received TERM, aborting pending processes and exiting asap\n",
        "s6-rc: warning: unable to start service lr: command crashed with signal 15\n",
        "s6-rc: info: service slow successfully started\n",
        "rc 1\n",
    ] {
        assert!(out.contains(want), "{want:?} missing:\n{out}");
    }
    assert!(!out.contains("service after: starting"), "{out}");
    let list = fs::read_to_string(root.path().join("tmp/list")).unwrap();
    let list: Vec<&str> = list.lines().collect();
    assert!(list.contains(&"slow") && !list.contains(&"after") && !list.contains(&"lr"), "{list:?}");
    assert_eq!(log(&root), ["slow done"]);
}

/// A change asked for while another runs (here the boot's, from a
/// cont-init script) fails at once as s6-overlay's s6-rc does.
#[test]
fn a_change_during_the_boot_is_refused() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "o", &[]);
    user(&root, &["o"]);
    root.file(
        "/etc/cont-init.d/ask",
        "#!/bin/sh\nPATH=/command:$PATH s6-rc -u change o > /tmp/ask 2>&1; echo \"rc $?\" >> /tmp/ask\n",
        0o755,
    );
    let o = root.init(&["true"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let out = fs::read_to_string(root.path().join("tmp/ask")).unwrap();
    assert_eq!(out, "s6-rc: fatal: unable to take locks: Resource busy\nrc 111\n");
}

/// v3's lines at both ends: the runner of oneshots first; at the stop,
/// legacy-cont-init going down around cont-finish.d, then fix-attrs, and
/// the runner's essential warning (at S6_VERBOSITY=1 too); none of v2's
/// `[cmd]`/`[s6-finish]` lines.
#[test]
fn v3_progress_lines_at_boot_and_stop() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "o", &[]);
    user(&root, &["o"]);
    root.file("/etc/cont-finish.d/f", "#!/bin/sh\necho bye\n", 0o755);
    let o = root.init(&["true"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    let runner = [
        "s6-rc: info: service s6rc-oneshot-runner: starting",
        "s6-rc: info: service s6rc-oneshot-runner successfully started",
    ];
    assert_eq!(lines[..2], runner, "{}", o.stderr);
    let tail = [
        "s6-rc: info: service legacy-cont-init: stopping",
        "cont-finish: info: running /etc/cont-finish.d/f",
        "cont-finish: info: /etc/cont-finish.d/f exited 0",
        "s6-rc: info: service legacy-cont-init successfully stopped",
        "s6-rc: info: service fix-attrs: stopping",
        "s6-rc: info: service fix-attrs successfully stopped",
        "s6-rc: warning: service s6rc-oneshot-runner is marked as essential, not stopping it",
    ];
    assert_eq!(lines[lines.len() - tail.len()..], tail, "{}", o.stderr);
    assert!(!o.stderr.contains("[cmd]") && !o.stderr.contains("[s6-finish]"), "{}", o.stderr);
    let o = root.init(&["true"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.stderr, format!("{}\n", tail[tail.len() - 1]), "S6_VERBOSITY=1");
    // S6_VERBOSITY=3: s6-rc's "bringing selected services" before each.
    let o = root.init(&["true"]).env("S6_VERBOSITY", "3").run();
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines[0], "s6-rc: info: bringing selected services up", "{}", o.stderr);
    assert_eq!(lines[1], runner[0], "{}", o.stderr);
    let down = lines.iter().position(|l| *l == "s6-rc: info: bringing selected services down");
    let first_stop = lines.iter().position(|l| l.ends_with(": stopping"));
    assert!(down.is_some() && down < first_stop, "{}", o.stderr);
    // services.d: v3's services-up lines, the readiness said right.
    root.file("/etc/services.d/a/run", "#!/bin/sh\nexec sleep 100\n", 0o755);
    root.file("/etc/services.d/b/run", "#!/bin/sh\nexec sleep 100\n", 0o755);
    root.file("/etc/services.d/b/notification-fd", "3\n", 0o644);
    let o = root.init(&["true"]).run();
    // (`o successfully started` may come between: `legacy-services`
    // started when `o` was up, and its line follows, as s6-rc's.)
    let lines: Vec<&str> = o.stderr.lines().filter(|l| !l.starts_with("s6-rc: info: service o ")).collect();
    let at = lines.iter().position(|l| *l == "s6-rc: info: service legacy-services: starting").unwrap();
    assert_eq!(
        lines[at + 1..at + 4],
        [
            "services-up: info: copying legacy longrun a (no readiness notification)",
            "services-up: info: copying legacy longrun b",
            "s6-rc: info: service legacy-services successfully started",
        ],
        "{}",
        o.stderr
    );
}

/// v3's cont-init scripts and oneshots run under s6-rc's runner with
/// rc.init's stdin, /dev/null; v2's cont-init scripts get the container's.
#[test]
fn v3_cont_init_and_oneshots_read_dev_null() {
    for v3 in [true, false] {
        let root = Root::new();
        with_execlineb(&root);
        if v3 {
            root.file(&format!("{RCD}/o/type"), "oneshot\n", 0o644);
            root.file(&format!("{RCD}/o/up"), "sh -c \"readlink /proc/self/fd/0 > /tmp/o\"\n", 0o644);
            user(&root, &["o"]);
        }
        root.file("/etc/cont-init.d/10", "#!/bin/sh\nreadlink /proc/self/fd/0 > /tmp/ci\n", 0o755);
        let (r, w) = std::io::pipe().unwrap();
        let c = root.init(&["true"]).start_with(std::process::Stdio::from(r));
        let o = c.wait();
        drop(w);
        assert_eq!(o.code(), 0, "{}", o.stderr);
        let read = |f: &str| fs::read_to_string(root.path().join(f)).unwrap_or_default();
        if v3 {
            assert_eq!((read("tmp/ci"), read("tmp/o")), ("/dev/null\n".into(), "/dev/null\n".into()));
        } else {
            assert!(read("tmp/ci").starts_with("pipe:["), "{}", read("tmp/ci"));
        }
    }
}

/// A three-stage pipeline (s6-rc's chain): the middle service reads its
/// producer's pipe and writes to its consumer's; every line goes through,
/// in the order s6-rc-db names the members, whichever way the tree lists
/// them (the names make the middle's two links be made in either order).
#[test]
fn pipeline_of_three_passes_lines_through_the_middle() {
    for (a, m, z) in [("a", "m", "z"), ("z", "m", "a")] {
        let root = Root::new();
        with_execlineb(&root);
        let svc = |name: &str, run: &str| {
            root.file(&format!("{RCD}/{name}/type"), "longrun\n", 0o644);
            root.file(&format!("{RCD}/{name}/run"), &format!("#!/bin/sh\n{run}\n"), 0o755);
        };
        svc(a, "i=0; while [ $i -lt 5 ]; do echo $i; i=$((i+1)); done; exec sleep 1000");
        svc(m, "while read l; do echo \"m:$l\"; done");
        svc(z, "exec cat > /tmp/z.out");
        root.file(&format!("{RCD}/{a}/producer-for"), &format!("{m}\n"), 0o644);
        root.file(&format!("{RCD}/{m}/consumer-for"), &format!("{a}\n"), 0o644);
        root.file(&format!("{RCD}/{m}/producer-for"), &format!("{z}\n"), 0o644);
        root.file(&format!("{RCD}/{z}/consumer-for"), &format!("{m}\n"), 0o644);
        root.file(&format!("{RCD}/{z}/pipeline-name"), "chain\n", 0o644);
        user(&root, &["chain"]);
        let script = "i=0; while [ $(cat /tmp/z.out 2>/dev/null | wc -l) -lt 5 ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i+1)); done";
        let o = root.init(&["sh", "-c", script]).run();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        let got = fs::read_to_string(root.path().join("tmp/z.out")).unwrap_or_default();
        assert_eq!(got, "m:0\nm:1\nm:2\nm:3\nm:4\n", "{a} -> {m} -> {z}: {}", o.stderr);
    }
}

/// `S6_RUNTIME_BUNDLEDIR` names where `user` and `user2` are defined;
/// one that does not exist is a fatal error, not a boot without the
/// image's services.
#[test]
fn runtime_bundledir_is_read_and_a_missing_one_is_fatal() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "o", &[]);
    bundle(&root, "/etc/bd", "user", &["o"]);
    bundle(&root, "/etc/bd", "user2", &[]);
    root.file("/etc/bd/user2/contents", "", 0o644);
    let o = root.init(&["true"]).env("S6_RUNTIME_BUNDLEDIR", "/etc/bd").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(log(&root), ["up o", "down o"], "{}", o.stderr);
    let o = root.init(&["echo", "cmd"]).env("S6_RUNTIME_BUNDLEDIR", "/etc/nonexistent").run();
    assert_eq!(o.code(), 111, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "init: fatal: unable to opendir /etc/nonexistent (S6_RUNTIME_BUNDLEDIR): No such file or directory\n"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.stdout, "");
}

/// A `down` that fails at the shutdown: s6-rc's warning, then (rc.shutdown
/// exited 1) s6-linux-init-shutdownd's, and the container still ends.
#[test]
fn a_failing_down_at_the_shutdown_is_said_twice() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/x/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/x/up"), "true\n", 0o644);
    root.file(&format!("{RCD}/x/down"), "sh -c \"exit 4\"\n", 0o644);
    user(&root, &["x"]);
    let o = root.init(&["true"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "s6-rc: warning: unable to stop service x: command exited 4\n\
         s6-rc: warning: service s6rc-oneshot-runner is marked as essential, not stopping it\n\
         s6-linux-init-shutdownd: warning: /run/s6/basedir/scripts/rc.shutdown exited 1\n"
    );
}

/// More longruns than the supervisor's table holds: refused at the start
/// as a source error (those past the table would never start), and the
/// service count's limit is said without a service name glued to it.
#[test]
fn too_many_services_are_refused_at_the_start() {
    let root = Root::new();
    with_execlineb(&root);
    let names: Vec<String> = (0..257).map(|i| format!("l{i}")).collect();
    for n in &names {
        root.file(&format!("{RCD}/{n}/type"), "longrun\n", 0o644);
        root.file(&format!("{RCD}/{n}/run"), "#!/bin/sh\nexec sleep 1000\n", 0o755);
    }
    user(&root, &names.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let o = root.init(&["echo", "cmd"]).run();
    assert_eq!((o.code(), o.stdout.as_str()), (1, ""), "{}", o.stderr);
    assert!(o.stderr.ends_with("init: fatal: too many longruns (the limit is 256)\n"), "{}", o.stderr);
    let root = Root::new();
    with_execlineb(&root);
    for i in 0..1030 {
        root.file(&format!("{RCD}/o{i}/type"), "oneshot\n", 0o644);
        root.file(&format!("{RCD}/o{i}/up"), "true\n", 0o644);
    }
    user(&root, &[]);
    let o = root.init(&["echo", "cmd"]).run();
    assert_eq!(o.code(), 1, "{}", o.stderr);
    assert!(o.stderr.ends_with("init: fatal: too many services (the limit is 1024)\n"), "{}", o.stderr);
}

/// v3's shutdown stays bounded when scripts ignore TERM: an `up` the stop
/// cut short is killed once its grace is over, and with
/// `S6_SERVICES_GRACETIME=0` a deaf longrun is killed at once.
#[test]
fn v3_shutdown_is_bounded_when_scripts_ignore_term() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/slow/up"), "sh -c \"echo slow >> /tmp/log; trap '' TERM; sleep 30\"\n", 0o644);
    user(&root, &["slow"]);
    let mut c = root.init(&["echo", "cmd"]).env("S6_SERVICES_GRACETIME", "500").start();
    let t0 = Instant::now();
    while !fs::read_to_string(root.path().join("tmp/log")).unwrap_or_default().contains("slow") {
        assert!(t0.elapsed() < Duration::from_secs(10), "slow never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let t = c.signal(15);
    let o = c.wait();
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}: {}", t.elapsed(), o.stderr);
    assert!(!o.stdout.contains("cmd"), "{}", o.stdout);

    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/deaf/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/deaf/run"), "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n", 0o755);
    user(&root, &["deaf"]);
    root.file("/etc/cont-finish.d/f", "#!/bin/sh\necho cont-finish >> /tmp/log\n", 0o755);
    let script = "/command/s6-svwait -t 10000 -u /run/service/deaf || echo not up\necho up\nexec sleep 1000";
    let mut c = root.init(&["sh", "-c", script]).env("S6_SERVICES_GRACETIME", "0").start();
    c.wait_stdout("up\n");
    let t = c.signal(15);
    let o = c.wait();
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}: {}", t.elapsed(), o.stderr);
    assert_eq!(log(&root), vec!["cont-finish"], "{}", o.stderr);
}

/// Under `S6_BEHAVIOUR_IF_STAGE2_FAILS=2` the boot's failure stops the
/// container once the boot transition is over, as v3's rc.init acts on
/// its s6-rc's code: what does not depend on the failed service still
/// completes (an `up` is not cut short), and is brought down again. The
/// same for a failing cont-init script (`legacy-cont-init`).
#[test]
fn a_boot_failure_lets_independent_branches_complete() {
    for init_fails in [false, true] {
        let root = Root::new();
        with_execlineb(&root);
        if init_fails {
            root.file("/etc/cont-init.d/10-bad", "#!/bin/sh\nsleep 0.3\nexit 4\n", 0o755);
            oneshot(&root, "after", &["base"]);
        } else {
            root.file(&format!("{RCD}/bad/type"), "oneshot\n", 0o644);
            root.file(&format!("{RCD}/bad/up"), "sh -c \"sleep 0.3; exit 3\"\n", 0o644);
            oneshot(&root, "after", &["bad"]);
        }
        root.file(&format!("{RCD}/slow/type"), "oneshot\n", 0o644);
        root.file(&format!("{RCD}/slow/up"), "sh -c \"sleep 1; echo up slow >> /tmp/log\"\n", 0o644);
        root.file(&format!("{RCD}/slow/down"), "sh -c \"echo down slow >> /tmp/log\"\n", 0o644);
        oneshot(&root, "next", &["slow"]);
        user(&root, &["after", "slow", "next"]);
        let o = root.init(&["sh", "-c", "echo cmd >> /tmp/log"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
        assert_eq!(o.code(), if init_fails { 4 } else { 3 }, "{}", o.stderr);
        let lines = log(&root);
        assert_eq!(
            lines.iter().filter(|l| !l.starts_with("down next")).cloned().collect::<Vec<_>>(),
            ["up slow", "up next", "down slow"],
            "{}",
            o.stderr
        );
        assert!(o.stderr.contains("rc.init: fatal: stopping the container.\n"), "{}", o.stderr);
    }
}

/// `-v2` lines in s6-rc's order: `successfully started` comes after the
/// `starting` lines of the dependents it let start (so a boot shows
/// `legacy-cont-init: starting` before `fix-attrs successfully started`).
#[test]
fn successfully_started_follows_the_dependents_it_released() {
    let root = Root::new();
    with_execlineb(&root);
    oneshot(&root, "a", &[]);
    oneshot(&root, "b", &["a"]);
    user(&root, &["b"]);
    let o = root.init(&["true"]).env("S6_VERBOSITY", "2").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let at =
        |l: &str| o.stderr.find(&format!("s6-rc: info: service {l}\n")).unwrap_or_else(|| panic!("{l}: {}", o.stderr));
    assert!(at("a: starting") < at("b: starting"), "{}", o.stderr);
    assert!(at("b: starting") < at("a successfully started"), "{}", o.stderr);
    assert!(at("legacy-cont-init: starting") < at("fix-attrs successfully started"), "{}", o.stderr);
}

/// A rescan (`s6-svscanctl -a`, `-an`, a service linked in by
/// `s6-svlink`) leaves an s6-rc pipeline's consumer to its supervisor, as
/// every service already supervised: it was taken for a new service, and
/// a second consumer was started every second (`s6-log` then failing on
/// its logdir's lock) while the first one ran unsupervised.
#[test]
fn a_rescan_leaves_pipeline_consumers_alone() {
    let root = Root::new();
    with_execlineb(&root);
    root.file(&format!("{RCD}/prod/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/prod/producer-for"), "cons\n", 0o644);
    root.file(&format!("{RCD}/prod/run"), "#!/bin/sh\nwhile :; do echo tick; sleep 0.1; done\n", 0o755);
    root.file(&format!("{RCD}/cons/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/cons/consumer-for"), "prod\n", 0o644);
    root.file(&format!("{RCD}/cons/run"), "#!/bin/sh\necho run cons >> /tmp/log\nexec cat > /tmp/cons.out\n", 0o755);
    root.file(&format!("{RCD}/cons/pipeline-name"), "mypipe\n", 0o644);
    user(&root, &["mypipe"]);
    let script = "PATH=/command:$PATH
until [ -s /tmp/cons.out ]; do sleep 0.05; done
before=$(s6-svstat -o pid /run/service/cons)
s6-svscanctl -an /run/service; sleep 1.5
s6-svscanctl -a /run/service; sleep 1.5
after=$(s6-svstat -o pid /run/service/cons)
echo \"$before $after\"; s6-svstat -o up /run/service/cons";
    let o = root.init(&["sh", "-c", script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let w: Vec<&str> = o.stdout.split_whitespace().collect();
    assert_eq!(w.len(), 3, "{}: {}", o.stdout, o.stderr);
    assert_eq!((w[0] == w[1], w[2]), (true, "true"), "{}: {}", o.stdout, o.stderr);
    assert_eq!(log(&root), ["run cons"], "a second consumer: {}", o.stderr);
}
