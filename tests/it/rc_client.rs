//! The `s6-rc` client beyond `-u|-d change` and `list`: verbosity (the
//! lines PID 1 sends back to the client), essential services and `-D`/`-e`,
//! the dry run `-n`, prune `-p`, `diff`, `start`/`stop`, `-t`, long
//! options and usage errors, with s6-rc's messages and exit codes (the
//! s6-rc spec, §2). Each container's CMD runs the commands and records
//! stdout and stderr, in order, in `/tmp/out`.
use crate::harness::*;
use std::fs;

const RCD: &str = "/etc/s6-overlay/s6-rc.d";

fn oneshot(root: &Root, name: &str, up: &str, deps: &[&str]) {
    root.file(&format!("{RCD}/{name}/type"), "oneshot\n", 0o644);
    root.file(&format!("{RCD}/{name}/up"), &format!("{up}\n"), 0o644);
    for d in deps {
        root.file(&format!("{RCD}/{name}/dependencies.d/{d}"), "", 0o644);
    }
}

fn longrun(root: &Root, name: &str, deps: &[&str]) {
    root.file(&format!("{RCD}/{name}/type"), "longrun\n", 0o644);
    root.file(&format!("{RCD}/{name}/run"), "#!/bin/sh\nexec sleep 1000\n", 0o755);
    for d in deps {
        root.file(&format!("{RCD}/{name}/dependencies.d/{d}"), "", 0o644);
    }
}

fn user(root: &Root, members: &[&str]) {
    let b = "/etc/s6-overlay/user-bundles.d/user";
    root.file(&format!("{b}/type"), "bundle\n", 0o644);
    for m in members {
        root.file(&format!("{b}/contents.d/{m}"), "", 0o644);
    }
}

/// Run `script` as the CMD (stdout and stderr to /tmp/out) and return
/// what it wrote.
fn run(root: &Root, script: &str) -> String {
    let script = format!("exec > /tmp/out 2>&1; PATH=/command:$PATH\n{script}");
    let o = root.init(&["sh", "-c", &script]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    fs::read_to_string(root.path().join("tmp/out")).unwrap_or_default()
}

/// A tree: `init-a` (oneshot, after base) → `svc-a` (longrun), in `user`;
/// `fail` (exits 3) and `slow` (sleeps 5 s), not started at boot.
fn small(root: &Root) {
    oneshot(root, "init-a", "true", &["base"]);
    longrun(root, "svc-a", &["init-a"]);
    oneshot(root, "fail", "exit 3", &[]);
    oneshot(root, "slow", "sleep 5", &[]);
    user(root, &["svc-a"]);
}

#[test]
fn verbosity_levels_reach_the_client() {
    let root = Root::new();
    small(&root);
    let out = run(
        &root,
        "s6-rc -v0 -d change svc-a; echo \"rc $?\"
s6-rc -v2 -u change svc-a; echo \"rc $?\"
s6-rc -v3 -u change svc-a; echo \"rc $?\"
s6-rc -u change fail; echo \"rc $?\"
s6-rc -v0 -u change fail; echo \"rc $?\"
s6-rc -v2 -d change svc-a; echo \"rc $?\"
",
    );
    let want = "rc 0\n\
s6-rc: info: service svc-a: starting\n\
s6-rc: info: service svc-a successfully started\n\
rc 0\n\
s6-rc: info: bringing selected services up\n\
s6-rc: info: service legacy-cont-init: already up\n\
s6-rc: info: service fix-attrs: already up\n\
s6-rc: info: service svc-a: already up\n\
s6-rc: info: service init-a: already up\n\
rc 0\n\
s6-rc: warning: unable to start service fail: command exited 3\n\
rc 1\n\
rc 1\n\
s6-rc: info: service svc-a: stopping\n\
s6-rc: info: service svc-a successfully stopped\n\
rc 0\n";
    assert_eq!(out, want);
}

#[test]
fn essential_services_stay_up_unless_forced() {
    let root = Root::new();
    oneshot(&root, "low", "true", &[]);
    longrun(&root, "ess", &["low"]);
    root.file(&format!("{RCD}/ess/flag-essential"), "", 0o644);
    longrun(&root, "top-svc", &["ess"]);
    // A bundle's flag marks its members.
    root.file(&format!("{RCD}/eb/type"), "bundle\n", 0o644);
    root.file(&format!("{RCD}/eb/contents.d/eb-svc"), "", 0o644);
    root.file(&format!("{RCD}/eb/flag-essential"), "", 0o644);
    longrun(&root, "eb-svc", &[]);
    user(&root, &["top-svc", "eb"]);
    let out = run(
        &root,
        "s6-rc -d change low; echo \"rc $?\"
s6-rc -a list | sort | tr '\\n' ' '; echo
s6-rc -e -a list | sort | tr '\\n' ' '; echo
s6-rc -v0 -d change eb-svc; echo \"rc $?\"
s6-rc -D change low; echo \"rc $?\"
s6-rc --without-essentials --down change eb; echo \"rc $?\"
s6-rc -a list | sort | tr '\\n' ' '; echo
",
    );
    let want = "s6-rc: warning: service ess is marked as essential, not stopping it\n\
rc 0\n\
eb-svc ess fix-attrs legacy-cont-init low \n\
fix-attrs legacy-cont-init low \n\
rc 0\n\
rc 0\n\
rc 0\n\
fix-attrs legacy-cont-init \n";
    assert_eq!(out, want);
}

#[test]
fn dry_run_changes_nothing() {
    let root = Root::new();
    small(&root);
    root.file(&format!("{RCD}/svc-a/notification-fd"), "3\n", 0o644);
    root.file(&format!("{RCD}/svc-a/run"), "#!/bin/sh\necho >&3\nexec sleep 1000\n", 0o755);
    root.file(&format!("{RCD}/svc-a/timeout-down"), "700\n", 0o644);
    let out = run(
        &root,
        "s6-rc -a list > /tmp/before
s6-rc -n 0 -d change init-a; echo \"rc $?\"
s6-rc -a list | cmp -s - /tmp/before && echo same
s6-svstat -o up /run/service/svc-a
s6-rc -v2 -n 10 -t 500 -d change svc-a; echo \"rc $?\"
s6-rc -d change svc-a; echo \"rc $?\"
s6-rc -n 0 -u change svc-a fail; echo \"rc $?\"
s6-rc -v0 -n 0 -u change svc-a; echo \"rc $?\"
",
    );
    // s6-rc's lines: s6-overlay's paths; the oneshots' indexes count the
    // two internal longruns, svc-a, then fail, init-a, slow, fix-attrs,
    // legacy-cont-init, legacy-services; in one wave, the highest index
    // first (s6-rc's order).
    let svc = "s6-rc-dryrun: /package/admin/s6/command/s6-svc";
    let sudo = "s6-rc-dryrun: /package/admin/s6/command/s6-sudo -el0 -t 30000";
    let runner = "/run/s6-rc/servicedirs/s6rc-oneshot-runner/s";
    let want = format!(
        "{sudo} -T 0 -- {runner} down 8  # legacy-services\n\
{svc} -dwD -T 700 -- /run/s6-rc/servicedirs/svc-a\n\
{sudo} -T 0 -- {runner} down 4  # init-a\n\
rc 0\n\
same\n\
true\n\
s6-rc: info: dry run: service legacy-services: stopping\n\
{sudo} -T 500 -- {runner} down 8  # legacy-services\n\
s6-rc: info: dry run: service legacy-services successfully stopped\n\
s6-rc: info: dry run: service svc-a: stopping\n\
{svc} -dwD -T 500 -- /run/s6-rc/servicedirs/svc-a\n\
s6-rc: info: dry run: service svc-a successfully stopped\n\
rc 0\n\
rc 0\n\
{sudo} -T 0 -- {runner} up 3  # fail\n\
{svc} -uwU -T 0 -- /run/s6-rc/servicedirs/svc-a\n\
rc 0\n\
rc 0\n"
    );
    assert_eq!(out, want);
}

#[test]
fn prune_diff_start_stop_timeout() {
    let root = Root::new();
    small(&root);
    longrun(&root, "other", &[]);
    let out = run(
        &root,
        "s6-rc diff; echo \"diff $?\"
s6-svc -wu -T 10000 -u /run/service/other; s6-svc -wd -T 10000 -d /run/service/svc-a
s6-rc diff; echo \"diff $?\"
s6-svc -wd -T 10000 -d /run/service/other; s6-svc -wu -T 10000 -u /run/service/svc-a
s6-rc -pu change init-a; echo \"rc $?\"
s6-rc -a list | tr '\\n' ' '; echo
s6-rc start other; echo \"rc $?\"
s6-rc -a list | tr '\\n' ' '; echo
s6-rc -p stop other; echo \"rc $?\"
s6-rc -a list | tr '\\n' ' '; echo
s6-rc -pd change init-a fail slow; echo \"rc $?\"
s6-rc -a list | tr '\\n' ' '; echo
s6-rc -t 200 -u change slow; echo \"rc $?\"
s6-rc -a list | tr '\\n' ' '; echo
",
    );
    let want = "diff 0\n\
+other\n-svc-a\n\
diff 1\n\
rc 0\n\
init-a fix-attrs legacy-cont-init \n\
rc 0\n\
other init-a fix-attrs legacy-cont-init \n\
rc 0\n\
init-a fix-attrs legacy-cont-init \n\
rc 0\n\
other fix-attrs legacy-cont-init \n\
s6-rc: fatal: timed out\n\
rc 2\n\
other fix-attrs legacy-cont-init \n";
    assert_eq!(out, want);
}

#[test]
fn usage_help_and_long_options() {
    let root = Root::new();
    small(&root);
    let out = run(
        &root,
        "s6-rc; echo \"rc $?\"
s6-rc -v x list; echo \"rc $?\"
s6-rc -t x list; echo \"rc $?\"
s6-rc -n x list; echo \"rc $?\"
s6-rc -Z list; echo \"rc $?\"
s6-rc nosuch; echo \"rc $?\"
s6-rc help; echo \"rc $?\"
s6-rc --down --verbosity=2 change svc-a; echo \"rc $?\"
s6-rc --verbosity 0 --up change svc-a; echo \"rc $?\"
s6-rc -l /run/s6-rc -d list init-a svc-a | tr '\\n' ' '; echo
",
    );
    let usage = "s6-rc: usage: s6-rc [ -v verbosity ] [ -n dryrunthrottle ] [ -t timeout ] [ -l live ] [ -b ] \
[ -E | -e ] [ -u | -d | -D ] [ -p ] [ -a ] help|list|listall|diff|start|stop|change [ servicenames... ]\n";
    let want = format!(
        "{usage}rc 100\n\
s6-rc: fatal: verbosity must be an unsigned integer\nrc 100\n\
s6-rc: fatal: verbosity must be an unsigned integer\nrc 100\n\
s6-rc: fatal: dry-run must be an unsigned integer\nrc 100\n\
{usage}rc 100\n\
s6-rc: fatal: unknown command: nosuch\nrc 100\n\
s6-rc help\n\
s6-rc [ -l live ] [ -a ] list [ servicenames... ]\n\
s6-rc [ -l live ] [ -a ] [ -u | -d ] listall [ servicenames... ]\n\
s6-rc [ -l live ] diff\n\
s6-rc [ -l live ] [ -a ] [ -u | -d | -D ] [ -p ] [ -v verbosity ] [ -t timeout ] [ -n dryrunthrottle ] change [ servicenames... ]\n\
rc 0\n\
s6-rc: info: service legacy-services: stopping\n\
s6-rc: info: service svc-a: stopping\n\
s6-rc: info: service legacy-services successfully stopped\n\
s6-rc: info: service svc-a successfully stopped\n\
rc 0\n\
rc 0\n\
fail slow fix-attrs legacy-cont-init legacy-services \n"
    );
    assert_eq!(out, want);
}

/// A client's change runs its oneshots with the client's stdin, stdout
/// and stderr (s6-rc's runner gets its client's descriptors); at boot
/// they are PID 1's.
#[test]
fn oneshots_of_a_change_write_to_the_client() {
    let root = Root::new();
    oneshot(&root, "boot-say", "echo boot-line", &[]);
    oneshot(&root, "say", "foreground { echo up-out } fdmove -c 1 2 echo up-err", &[]);
    root.file(&format!("{RCD}/say/down"), "fdmove -c 1 2 echo down-err\n", 0o644);
    oneshot(&root, "readin", "sh -c \"read l; echo got-$l\"", &[]);
    user(&root, &["boot-say"]);
    let script = "PATH=/command:$PATH
s6-rc -u change say > /tmp/o 2> /tmp/e; echo \"rc $?\" >> /tmp/o
s6-rc -d change say >> /tmp/o 2>> /tmp/e; echo \"rc $?\" >> /tmp/o
echo piped | s6-rc -u change readin >> /tmp/o 2>> /tmp/e
";
    let o = root.init(&["sh", "-c", script]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let read = |f: &str| fs::read_to_string(root.path().join(f)).unwrap_or_default();
    assert_eq!(read("tmp/o"), "up-out\nrc 0\nrc 0\ngot-piped\n");
    assert_eq!(read("tmp/e"), "up-err\ndown-err\n");
    let console = format!("{}{}", o.stdout, o.stderr);
    assert!(console.contains("boot-line"), "{console}");
    for w in ["up-out", "up-err", "down-err", "got-"] {
        assert!(!console.contains(w), "{w} on the console: {console}");
    }
}

/// `s6-rc-db`'s queries, formats and exit codes (the s6-rc spec, §2.8 and
/// §2.9): descending order for the unions, `-e` hiding essential
/// services, the stored argv of a oneshot, a pipeline's edges.
#[test]
fn db_queries() {
    let root = Root::new();
    oneshot(&root, "low", "foreground { echo \"a b\" c } echo next", &[]);
    root.file(&format!("{RCD}/low/down"), "# nothing\n", 0o644);
    root.file(&format!("{RCD}/low/timeout-up"), "1500\n", 0o644);
    longrun(&root, "ess", &["low"]);
    root.file(&format!("{RCD}/ess/flag-essential"), "", 0o644);
    root.file(&format!("{RCD}/ess/timeout-down"), "700\n", 0o644);
    longrun(&root, "mid", &["ess"]);
    for p in ["prod", "prod2"] {
        longrun(&root, p, &[]);
        root.file(&format!("{RCD}/{p}/producer-for"), "cons\n", 0o644);
    }
    longrun(&root, "cons", &[]);
    root.file(&format!("{RCD}/cons/consumer-for"), "prod\nprod2\n", 0o644);
    root.file(&format!("{RCD}/cons/pipeline-name"), "mypipe\n", 0o644);
    user(&root, &["mid", "mypipe"]);
    let out = run(
        &root,
        "d() { echo \"> $*\"; s6-rc-db \"$@\" > /tmp/q; r=$?; tr '\\n\\0' ' |' < /tmp/q; echo \"rc $r\"; }
d list services; d -e list longruns; d list bundles
d atomics mypipe low; d -e atomics mypipe ess
d dependencies mid prod; d -d dependencies low
d all-dependencies mid; d -d all-dependencies low; d -d -e all-dependencies low
d timeout low; d -d timeout low; d -d timeout ess; d timeout user
d flags ess; d flags mid; d flags base
d script low; d -d script low; d script fix-attrs; d script ess; d script user
d pipeline prod; d pipeline cons; d pipeline mid; d pipeline low; d pipeline mypipe
d -e contents user; d check; d check x
d atomics nosuch; d nosuch x; d list nosuch; d timeout; d -Z check
d help
",
    );
    let usage = "s6-rc-db: usage: s6-rc-db [ -u | -d ] [ -l live ] [ -c compiled ] [ -b ] [ -E | -e ] \
command... (use s6-rc-db help for more information)";
    let want = format!(
        "> list services\ncons ess mid prod prod2 low fix-attrs legacy-cont-init legacy-services rc 0\n\
> -e list longruns\ncons mid prod prod2 rc 0\n\
> list bundles\nuser mypipe user2 base top rc 0\n\
> atomics mypipe low\nlow prod2 prod cons rc 0\n\
> -e atomics mypipe ess\nprod2 prod cons rc 0\n\
> dependencies mid prod\ness cons rc 0\n\
> -d dependencies low\ness rc 0\n\
> all-dependencies mid\nlow mid ess rc 0\n\
> -d all-dependencies low\nlegacy-services low mid ess rc 0\n\
> -d -e all-dependencies low\nlegacy-services low mid rc 0\n\
> timeout low\n1500 rc 0\n\
> -d timeout low\n0 rc 0\n\
> -d timeout ess\n700 rc 0\n\
> timeout user\ns6-rc-db: fatal: in database /run/s6-rc/compiled: identifier user represents a bundle\nrc 5\n\
> flags ess\n00000001 rc 0\n\
> flags mid\n00000000 rc 0\n\
> flags base\ns6-rc-db: fatal: in database /run/s6-rc/compiled: identifier base represents a bundle\nrc 5\n\
> script low\nforeground| echo| a b| c||echo|next|rc 0\n\
> -d script low\nrc 0\n\
> script fix-attrs\nrc 0\n\
> script ess\ns6-rc-db: fatal: in database /run/s6-rc/compiled: identifier ess represents a longrun service\nrc 5\n\
> script user\ns6-rc-db: fatal: in database /run/s6-rc/compiled: identifier user represents a bundle\nrc 5\n\
> pipeline prod\nprod2/cons prod/cons rc 0\n\
> pipeline cons\nprod2/cons prod/cons rc 0\n\
> pipeline mid\nrc 0\n\
> pipeline low\nrc 5\n\
> pipeline mypipe\nrc 5\n\
> -e contents user\ncons mid prod prod2 rc 0\n\
> check\nrc 0\n\
> check x\nrc 0\n\
> atomics nosuch\ns6-rc-db: fatal: nosuch is not a valid identifier in /run/s6-rc/compiled\nrc 3\n\
> nosuch x\ns6-rc-db: fatal: unknown command: nosuch\nrc 100\n\
> list nosuch\ns6-rc-db: fatal: unknown subcommand: nosuch\nrc 100\n\
> timeout\n{usage}\nrc 100\n\
> -Z check\n{usage}\nrc 100\n\
> help\n{}rc 0\n",
        "s6-rc-db help s6-rc-db check s6-rc-db list all|services|oneshots|longruns|bundles \
s6-rc-db type servicename s6-rc-db [ -u | -d ] timeout atomicname s6-rc-db contents bundlename \
s6-rc-db [ -u | -d ] dependencies servicename... s6-rc-db pipeline longrunname \
s6-rc-db [ -u | -d ] script oneshotname s6-rc-db flags atomicname s6-rc-db atomics servicename... \
s6-rc-db [ -u | -d ] all-dependencies servicename... "
    );
    assert_eq!(out, want);
}

/// A client killed during its change (SIGKILL: a TERM or an INT stops
/// the change as s6-rc does, see `rc::sigterm_to_a_change_stops_it_as_s6_rc`)
/// ends the change: its oneshot is stopped, and the next client is served
/// at once instead of being told the database is busy.
#[test]
fn a_client_gone_ends_its_change() {
    let root = Root::new();
    small(&root);
    let out = run(
        &root,
        "timeout -s KILL 1 s6-rc -u change slow; echo gone
s6-rc -d change svc-a; echo \"rc $?\"
s6-rc -a list | grep -x slow || echo slow not up
ps -o args | grep -x 'sleep 5' || echo no sleep
",
    );
    // (The shell says "Killed" of the client `timeout` killed.)
    let out: String = out.lines().filter(|l| *l != "Killed").map(|l| format!("{l}\n")).collect();
    assert_eq!(out, "gone\nrc 0\nslow not up\nno sleep\n");
}

/// A client whose child keeps the reply pipe's write end: once PID 1 has
/// replied and the client is gone, that pipe reports an error for as long
/// as the child lives. PID 1 has taken it out of its epoll set, so it
/// does not wake for it (it would otherwise spin: 200 ticks in 2 s).
#[test]
fn a_reply_pipe_held_elsewhere_does_not_wake_pid1() {
    let root = Root::new();
    small(&root);
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/rc_holdw.c");
    let st = std::process::Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(root.path().join("bin/holdw"))
        .arg(src)
        .status();
    assert!(st.is_ok_and(|s| s.success()), "gcc -static failed (apt-get install gcc libc6-dev)");
    let out = run(
        &root,
        "holdw 4
t() { set -- $(cat /proc/1/stat); echo $(( ${14} + ${15} )); }
a=$(t); sleep 2; b=$(t)
echo \"pid1 ticks in 2 s: $((b - a))\"
",
    );
    let ticks: u64 = out.lines().find_map(|l| l.strip_prefix("pid1 ticks in 2 s: ")).unwrap().parse().unwrap();
    assert!(out.starts_with("code 0\n") && ticks < 20, "{out}");
}
