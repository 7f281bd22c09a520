//! `rs6-health`, the probe for Docker's HEALTHCHECK: the CMD's state, the
//! services wanted up (v2's services.d with a logger, v3's s6-rc longruns),
//! `--up`/`--ready`, `-s`, `-t`, usage errors, and a non-root caller. Each
//! container's CMD runs the probe and writes what it printed and its exit
//! code to `/tmp/out`; every wait inside is bounded (`-t`, `s6-svwait -t`).
use crate::harness::*;
use std::fs;

fn service(root: &Root, name: &str, run: &str) {
    root.file(&format!("/etc/services.d/{name}/run"), &format!("#!/bin/sh\n{run}\n"), 0o755);
}

const PRELUDE: &str = "exec > /tmp/out 2>&1; PATH=/command:$PATH
h() { rs6-health \"$@\"; echo \"rc $?\"; }
";

fn out(root: &Root) -> String {
    fs::read_to_string(root.path().join("tmp/out")).unwrap_or_default()
}

#[test]
fn levels_names_timeout_usage_and_a_non_root_caller() {
    let root = Root::new();
    service(&root, "a", "exec sleep 1000");
    service(&root, "a/log", "exec cat > /dev/null");
    // Ready once /tmp/go exists (at most 20 s).
    service(
        &root,
        "r",
        "i=0; while [ ! -e /tmp/go ] && [ $i -lt 1000 ]; do sleep 0.02; i=$((i+1)); done\necho >&3\nexec sleep 1000",
    );
    root.file("/etc/services.d/r/notification-fd", "3\n", 0o644);
    service(&root, "n", "exec sleep 1000");
    root.file("/etc/services.d/n/down", "", 0o644);
    let script = format!(
        "{PRELUDE}s6-svwait -t 10000 -u /run/service/a /run/service/r /run/service/a/log; echo \"wait $?\"
h --up
h
h -s a
h -s r a
h --up -s n
touch /tmp/go
h -t 10000
s6-setuidgid nobody rs6-health; echo \"nobody $?\"
s6-svc -d /run/service/a; s6-svwait -t 10000 -D /run/service/a
h
s6-setuidgid nobody rs6-health; echo \"nobody $?\"
h --up -t 50 -s a
s6-svc -u /run/service/a
h -t 10000
h -s nosuch
h -x
h -t abc
h -s
"
    );
    let o = root.init(&["sh", "-c", &script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let want = "wait 0\n\
rc 0\n\
r not ready\nrc 1\n\
rc 0\n\
r not ready\nrc 1\n\
n down\nrc 1\n\
rc 0\n\
nobody 0\n\
a down\nrc 1\n\
a down\nnobody 1\n\
a down\nrc 1\n\
rc 0\n\
nosuch: no such service\nrc 1\n\
rs6-health: fatal: unknown option: -x\nrc 100\n\
rs6-health: fatal: invalid timeout: abc\nrc 100\n\
rs6-health: fatal: option -s needs a value\nrc 100\n";
    assert_eq!(out(&root), want, "stderr: {}", o.stderr);
}

/// A start with `/run` kept (`docker restart`): the previous start's file
/// says `starting` (not started) until the CMD starts; `cmd` and `cmd.new`
/// keep their two inodes.
#[test]
fn a_restart_says_starting_until_the_cmd_starts() {
    let root = Root::new();
    root.file(
        "/etc/cont-init.d/10-probe",
        "#!/bin/sh
cat /run/s6/cmd > /tmp/init; rs6-health >> /tmp/init; echo \"rc $?\" >> /tmp/init\n",
        0o755,
    );
    let read = |f: &str| fs::read_to_string(root.path().join(f)).unwrap_or_default();
    let inodes = || {
        let mut v: Vec<u64> = ["run/s6/cmd", "run/s6/cmd.new"]
            .iter()
            .map(|f| std::os::unix::fs::MetadataExt::ino(&fs::metadata(root.path().join(f)).unwrap()))
            .collect();
        v.sort();
        v
    };
    let o = root.init(&["sh", "-c", "exit 3"]).run_on_disk().run();
    assert_eq!(o.code(), 3, "{}", o.stderr);
    assert_eq!(read("tmp/init"), "CMD not started yet\nrc 1\n");
    assert_eq!(read("run/s6/cmd"), "exited 3\n");
    let before = inodes();
    let o = root.init(&["sh", "-c", "PATH=/command:$PATH; rs6-health; echo \"cmd $?\"; exit 4"]).run_on_disk().run();
    assert_eq!((o.code(), o.stdout.as_str()), (4, "cmd 0\n"), "{}", o.stderr);
    assert_eq!(read("tmp/init"), "starting\nCMD not started yet\nrc 1\n");
    assert_eq!(read("run/s6/cmd"), "exited 4\n");
    assert_eq!(inodes(), before);
}

#[test]
fn the_cmd_before_during_and_after_and_no_cmd() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-probe", "#!/bin/sh\nrs6-health > /tmp/init; echo \"rc $?\" >> /tmp/init\n", 0o755);
    root.file("/etc/cont-finish.d/10-probe", "#!/bin/sh\nrs6-health > /tmp/fin; echo \"rc $?\" >> /tmp/fin\n", 0o755);
    let o = root.init(&["sh", "-c", "PATH=/command:$PATH; rs6-health; echo \"cmd $?\"; exit 3"]).run();
    assert_eq!(o.code(), 3, "{}", o.stderr);
    assert_eq!(o.stdout, "cmd 0\n", "{}", o.stderr);
    let read = |f: &str| fs::read_to_string(root.path().join(f)).unwrap_or_default();
    assert_eq!(read("tmp/init"), "CMD not started yet\nrc 1\n");
    assert_eq!(read("tmp/fin"), "CMD exited 3\nrc 1\n");
    assert_eq!(read("run/s6/cmd"), "exited 3\n");

    // No CMD: the services alone decide (the probe's own status is written
    // just after it starts, and `none` once services.d is up: -t waits).
    let root = Root::new();
    service(
        &root,
        "probe",
        "rs6-health -t 10000 > /tmp/nocmd; echo \"rc $?\" >> /tmp/nocmd\ns6-svscanctl -t /var/run/s6/services\nexec sleep 1000",
    );
    let o = root.init(&[]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(fs::read_to_string(root.path().join("tmp/nocmd")).unwrap_or_default(), "rc 0\n", "{}", o.stderr);
}

#[test]
fn v3_longruns_and_legacy_services() {
    let root = Root::new();
    let rcd = "/etc/s6-overlay/s6-rc.d";
    for (name, ready) in [("lr", true), ("lr2", false)] {
        root.file(&format!("{rcd}/{name}/type"), "longrun\n", 0o644);
        let r = if ready { "echo >&3\n" } else { "" };
        root.file(&format!("{rcd}/{name}/run"), &format!("#!/bin/sh\n{r}exec sleep 1000\n"), 0o755);
        if ready {
            root.file(&format!("{rcd}/{name}/notification-fd"), "3\n", 0o644);
        }
        root.file(&format!("/etc/s6-overlay/user-bundles.d/user/contents.d/{name}"), "", 0o644);
    }
    root.file("/etc/s6-overlay/user-bundles.d/user/type", "bundle\n", 0o644);
    service(&root, "leg", "exec sleep 1000");
    let script = format!(
        "{PRELUDE}h -t 10000
s6-svc -d /run/service/leg; s6-svwait -t 10000 -D /run/service/leg
h
s6-svc -u /run/service/leg; s6-svwait -t 10000 -u /run/service/leg
s6-svc -d /run/service/lr2; s6-svwait -t 10000 -D /run/service/lr2
h
s6-svc -u /run/service/lr2
h -t 10000
s6-rc -d change lr; echo \"s6-rc $?\"
h -s lr2 lr
h -s lr2
"
    );
    let o = root.init(&["sh", "-c", &script]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let want = "rc 0\n\
leg down\nrc 1\n\
lr2 down\nrc 1\n\
rc 0\n\
s6-rc 0\n\
lr down\nrc 1\n\
rc 0\n";
    assert_eq!(out(&root), want, "stderr: {}", o.stderr);
}
