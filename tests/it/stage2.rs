//! Stage 2 and 3: runtime directories, the container environment,
//! cont-init.d / cont-finish.d, progress lines, the failure policy and the
//! S6_* variables around them.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::time::Duration;

const ENV_DIR: &str = "/run/s6/container_environment";

fn progress(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with('[')).collect()
}

#[test]
fn order_fix_attrs_cont_init_cmd_cont_finish() {
    let root = Root::new();
    root.file("/etc/fix-attrs.d/01-data", "/data false root 0600 0700\n", 0o644);
    root.file("/data/f", "x", 0o644);
    root.file("/etc/cont-init.d/20-second", "#!/bin/sh\necho second\n", 0o755);
    root.file("/etc/cont-init.d/10-first", "#!/bin/sh\necho first\n", 0o755);
    root.file("/etc/cont-init.d/.hidden", "#!/bin/sh\necho hidden\n", 0o755);
    root.file("/etc/cont-finish.d/00-bye", "#!/bin/sh\necho bye $S6_STAGE2_EXITED\n", 0o755);
    let o = root.init(&["sh", "-c", "echo cmd; exit 3"]).run();
    assert_eq!(o.code(), 3);
    assert_eq!(o.stdout, "first\nsecond\ncmd\nbye 3\n");
    assert_eq!(
        progress(&o.stderr),
        vec![
            "[s6-init] making user provided files available at /var/run/s6/etc...exited 0.",
            "[s6-init] ensuring user provided files have correct perms...exited 0.",
            "[fix-attrs.d] applying ownership & permissions fixes...",
            "[fix-attrs.d] 01-data: applying...",
            "[fix-attrs.d] 01-data: exited 0.",
            "[fix-attrs.d] done.",
            "[cont-init.d] executing container initialization scripts...",
            "[cont-init.d] 10-first: executing...",
            "[cont-init.d] 10-first: exited 0.",
            "[cont-init.d] 20-second: executing...",
            "[cont-init.d] 20-second: exited 0.",
            "[cont-init.d] done.",
            "[cmd] sh exited 3",
            "[cont-finish.d] executing container finish scripts...",
            "[cont-finish.d] 00-bye: executing...",
            "[cont-finish.d] 00-bye: exited 0.",
            "[cont-finish.d] done.",
            "[s6-finish] waiting for services.",
            "[s6-finish] sending all processes the TERM signal.",
        ],
        "stderr:\n{}",
        o.stderr
    );
    // The v3 exit-code file, through the v2 path too.
    let o = root.init(&["sh", "-c", "exit 6"]).env("S6_VERBOSITY", "0").run();
    assert_eq!(o.code(), 6);
    assert_eq!(o.stderr, "", "S6_VERBOSITY=0 prints nothing");
    assert_eq!(fs::read_to_string(root.path().join("run/s6-linux-init-container-results/exitcode")).unwrap(), "6\n");
}

/// A start with `/run` kept: the previous start's exit code is not taken
/// for this one's (the file says 0 until written), and the file keeps its
/// inode.
#[test]
fn a_previous_exit_code_is_not_this_starts() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    let f = root.path().join("run/s6-linux-init-container-results/exitcode");
    let o = root.init(&["sh", "-c", "exit 143"]).run_on_disk().run();
    assert_eq!(o.code(), 143, "{}", o.stderr);
    assert_eq!(fs::read_to_string(&f).unwrap(), "143\n");
    let ino = fs::metadata(&f).unwrap().ino();
    // No CMD, stopped by a TERM: the code is 0, not the stale 143.
    root.file(
        "/etc/cont-init.d/10-show",
        "#!/bin/sh\ncat /run/s6-linux-init-container-results/exitcode > /tmp/seen; echo . >> /tmp/seen\n",
        0o755,
    );
    let mut c = root.init(&[]).run_on_disk().start();
    let seen = || fs::read_to_string(root.path().join("tmp/seen")).unwrap_or_default();
    wait_until("cont-init", Duration::from_secs(10), || seen().ends_with(".\n"));
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(fs::read_to_string(root.path().join("tmp/seen")).unwrap(), "0\n.\n");
    fs::remove_file(root.path().join("etc/cont-init.d/10-show")).unwrap();
    let o = root.init(&["sh", "-c", "exit 7"]).run_on_disk().run();
    assert_eq!(o.code(), 7, "{}", o.stderr);
    assert_eq!(fs::read_to_string(&f).unwrap(), "7\n");
    assert_eq!(fs::metadata(&f).unwrap().ino(), ino);
}

/// A fresh `/run`: `cmd` says `up` as the CMD starts; the exit code file
/// says 0 before it starts and `cmd.new` is made while it runs, so that
/// its exit writes into files that exist.
#[test]
fn a_fresh_start_makes_its_exit_files_while_the_cmd_runs() {
    let root = Root::new();
    let cmd = "PATH=/command:$PATH; rs6-health; echo \"health $?\"; \
               f=/run/s6-linux-init-container-results/exitcode; \
               for i in $(seq 500); do [ -e $f ] && [ -e /run/s6/cmd.new ] && break; sleep 0.01; done; \
               [ -e $f ] && [ -e /run/s6/cmd.new ] && echo \"code [$(cat $f)]\"; exit 5";
    let o = root.init(&["sh", "-c", cmd]).run_on_disk().run();
    assert_eq!((o.code(), o.stdout.as_str()), (5, "health 0\ncode [0]\n"), "{}", o.stderr);
    let read = |f: &str| fs::read_to_string(root.path().join(f)).unwrap_or_default();
    assert_eq!(read("run/s6-linux-init-container-results/exitcode"), "5\n");
    assert_eq!(read("run/s6/cmd"), "exited 5\n");
    assert_eq!(read("run/s6/cmd.new"), "up\n");
}

/// A start with `/run` kept rewrites each variable whose value changed
/// (same length, shorter, longer, long values), keeps the file of one that
/// did not, and removes one that is gone.
#[test]
fn a_kept_snapshot_follows_the_new_values() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    let file = root.path().join("run/s6/container_environment/V");
    let long = "x".repeat(600);
    let mut inode = 0;
    for (i, v) in ["abc", "abc", "abd", "ab", "abcdef", &long, &long, "q"].iter().enumerate() {
        let mut r = root.init(&["sh", "-c", "printcontenv V; printcontenv GONE || echo gone"]).run_on_disk();
        r = r.env("V", v);
        if i == 0 {
            r = r.env("GONE", "1");
        }
        let o = r.run();
        let want = if i == 0 { format!("{v}\n1\n") } else { format!("{v}\ngone\n") };
        assert_eq!((o.code(), o.stdout.clone()), (0, want), "start {i}: {}", o.stderr);
        assert_eq!(fs::read_to_string(&file).unwrap(), format!("{v}\n"), "start {i}");
        let ino = fs::metadata(&file).unwrap().ino();
        if i > 0 {
            assert_eq!(ino, inode, "start {i}: the file was made again");
        }
        inode = ino;
    }
}

/// A kept snapshot entry that is not a regular file (a fifo, a
/// directory, a symlink) is replaced by one, and does not stop the
/// variables after it or the removal of stale ones.
#[test]
fn kept_snapshot_entries_that_are_not_files_are_replaced() {
    let root = Root::new();
    let env = root.path().join("run/s6/container_environment");
    let o = root.init(&["true"]).run_on_disk().env("A", "a").env("B", "b").env("C", "c").env("Z", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    fs::write(env.join("STALE"), "old\n").unwrap();
    fs::remove_file(env.join("A")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(env.join("A")).status().unwrap().success());
    fs::remove_file(env.join("B")).unwrap();
    fs::create_dir_all(env.join("B/deep")).unwrap();
    fs::remove_file(env.join("C")).unwrap();
    fs::write(root.path().join("target"), "keep\n").unwrap();
    symlink("/target", env.join("C")).unwrap();
    let show = "for v in A B C Z STALE; do printcontenv $v || echo \"no $v\"; done";
    let o = root
        .init(&["sh", "-c", show])
        .run_on_disk()
        .env("A", "a2")
        .env("B", "b2")
        .env("C", "c2")
        .env("Z", "2")
        .timeout(Duration::from_secs(20))
        .run();
    assert_eq!(
        (o.code(), o.stdout.as_str(), o.stderr.contains("unable")),
        (0, "a2\nb2\nc2\n2\nno STALE\n", false),
        "{}",
        o.stderr
    );
    for v in ["A", "B", "C"] {
        assert!(fs::symlink_metadata(env.join(v)).unwrap().is_file(), "{v}");
    }
    assert_eq!(fs::read_to_string(root.path().join("target")).unwrap(), "keep\n");
}

/// Symlinks where stage 1 makes its directories (the exit code's and the
/// snapshot's) are replaced by directories; what they led to is untouched.
#[test]
fn symlinked_results_and_snapshot_directories_are_replaced() {
    let root = Root::new();
    fs::create_dir_all(root.path().join("keep/r")).unwrap();
    fs::create_dir_all(root.path().join("keep/e")).unwrap();
    fs::create_dir_all(root.path().join("run/s6")).unwrap();
    symlink("/keep/r", root.path().join("run/s6-linux-init-container-results")).unwrap();
    symlink("/keep/e", root.path().join("run/s6/container_environment")).unwrap();
    let o = root.init(&["sh", "-c", "printcontenv V; exit 6"]).run_on_disk().env("V", "v").run();
    assert_eq!((o.code(), o.stdout.as_str()), (6, "v\n"), "{}", o.stderr);
    for d in ["run/s6-linux-init-container-results", "run/s6/container_environment"] {
        assert!(fs::symlink_metadata(root.path().join(d)).unwrap().is_dir(), "{d}");
    }
    assert_eq!(fs::read_to_string(root.path().join("run/s6-linux-init-container-results/exitcode")).unwrap(), "6\n");
    assert_eq!(fs::read_dir(root.path().join("keep/r")).unwrap().count(), 0);
    assert_eq!(fs::read_dir(root.path().join("keep/e")).unwrap().count(), 0);
}

#[test]
fn verbosity_one_keeps_warnings_only() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-x", "#!/bin/sh\ntrue\n", 0o755);
    let o = root.init(&["true"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.stderr, "");
}

#[test]
fn environment_round_trips_and_only_path_reaches_scripts() {
    let root = Root::new();
    let multi = "line one\nline two\n\ttabbed\n";
    let utf8 = "héllo wörld ✓ 日本";
    // 128 KiB is the kernel's limit for one environment string.
    let big: String = (0..100_000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    root.file("/etc/cont-init.d/10-env", "#!/bin/sh\nenv | sort > /tmp/init-env\n", 0o755);
    root.file(
        "/check",
        &format!(
            "#!/usr/bin/with-contenv sh\n\
             [ \"$EMPTY\" = \"\" ] && [ \"${{EMPTY+set}}\" = set ] && echo empty-ok\n\
             [ \"${{MULTI}}x\" = \"$(printf '{}x')\" ] && echo multi-ok\n\
             [ \"$UTF\" = '{utf8}' ] && echo utf8-ok\n\
             [ ${{#BIG}} -eq {} ] && echo big-ok\n\
             printf %s \"$MULTI\" | od -c | head -1\n",
            multi.replace('\n', "\\n").replace('\t', "\\t"),
            big.len()
        ),
        0o755,
    );
    let o = root
        .init(&["sh", "-c", "cat /tmp/init-env; echo ---; env | grep -c '^MULTI=' ; env -i /check; env -i /usr/bin/with-contenv sh -c 'echo $UTF'"])
        .env("EMPTY", "")
        .env("MULTI", multi)
        .env("UTF", utf8)
        .env("BIG", &big)
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let (init_env, rest) = o.stdout.split_once("---\n").unwrap();
    let names: Vec<&str> = init_env.lines().map(|l| l.split('=').next().unwrap()).collect();
    // busybox sh adds PWD and SHLVL of its own.
    assert!(names.iter().all(|n| ["PATH", "PWD", "SHLVL"].contains(n)), "cont-init saw: {init_env}");
    assert!(init_env.contains("PATH=/command:"), "{init_env}");
    assert!(rest.starts_with("1\n"), "the CMD sees the whole environment: {rest}");
    for ok in ["empty-ok", "multi-ok", "utf8-ok", "big-ok"] {
        assert!(rest.contains(ok), "{ok} missing: {rest}\n{}", o.stderr);
    }
    assert!(rest.ends_with(&format!("{utf8}\n")), "{rest}");
    // The files: value + newline, one file per variable.
    let dir = root.path().join(ENV_DIR.trim_start_matches('/'));
    assert_eq!(fs::read(dir.join("MULTI")).unwrap(), format!("{multi}\n").as_bytes());
    assert_eq!(fs::read(dir.join("EMPTY")).unwrap(), b"\n");
    assert_eq!(fs::read(dir.join("BIG")).unwrap().len(), big.len() + 1);
}

#[test]
fn one_mib_value_round_trips_through_the_directory() {
    let root = Root::new();
    // A cont-init script writes a 1 MiB value; printcontenv gives it back
    // byte for byte. Passing it to a program through its environment is
    // beyond the kernel's per-string limit (128 KiB): the CMD and
    // with-contenv still run, without it, and say so.
    root.file(
        "/etc/cont-init.d/10-big",
        "#!/bin/sh\nhead -c 1048576 /dev/zero | tr '\\0' 'x' > /run/s6/container_environment/HUGE\n\
         printf 'a\\nb\\n\\n' > /var/run/s6/container_environment/NL\n\
         printf 'no-newline' > /var/run/s6/container_environment/RAW\n",
        0o755,
    );
    let o = root
        .init(&[
            "sh",
            "-c",
            "printcontenv HUGE | wc -c; printcontenv NL | od -c | head -1; printcontenv RAW; \
                 printcontenv NOPE; echo nope=$?; with-contenv true; echo with=$?",
        ])
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines[0].trim(), "1048577", "1 MiB + the newline printcontenv adds");
    // The file holds "a\nb\n\n": the value is "a\nb\n", printed with a newline.
    assert!(lines[1].ends_with("a  \\n   b  \\n  \\n"), "one trailing newline removed: {}", lines[1]);
    assert_eq!(lines[2], "no-newline");
    assert_eq!(lines[3], "nope=1");
    assert_eq!(lines[4], "with=0");
    let warn = "warning: not passing HUGE: 1048576 bytes is more than the kernel takes for one variable\n";
    assert_eq!(o.stderr, format!("init: {warn}with-contenv: {warn}"));
}

#[test]
fn cont_init_changes_reach_the_cmd_and_with_contenv() {
    let root = Root::new();
    root.file(
        "/etc/cont-init.d/10-set",
        "#!/bin/sh\nprintf 'from-init' > /var/run/s6/container_environment/ADDED\n",
        0o755,
    );
    let o = root.init(&["sh", "-c", "echo $ADDED; with-contenv sh -c 'echo $ADDED'"]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.stdout, "from-init\nfrom-init\n", "{}", o.stderr);
}

/// Files in the environment directory that cannot be a variable (a dot
/// file, a name with `=`) are not passed by with-contenv, nor read by
/// printcontenv.
#[test]
fn with_contenv_and_printcontenv_skip_names_that_are_not_variables() {
    let root = Root::new();
    root.file(
        "/etc/cont-init.d/10-set",
        "#!/bin/sh\ncd /run/s6/container_environment\necho dot > .hidden\necho eq > 'A=B'\necho ok > GOOD\n",
        0o755,
    );
    let o = root
        .init(&["sh", "-c", "with-contenv env | grep -e hidden -e A= -e GOOD; printcontenv .hidden; echo rc=$?"])
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.stdout, "GOOD=ok\nrc=1\n", "{}", o.stderr);
}

/// fix-attrs.d, cont-init.d and cont-finish.d that are files, not
/// directories, are as if missing (no section), and said.
#[test]
fn stage_directories_that_are_files_count_as_missing() {
    let none = Root::new().init(&["echo", "cmd"]).run();
    let root = Root::new();
    for d in ["fix-attrs.d", "cont-init.d", "cont-finish.d"] {
        root.file(&format!("/etc/{d}"), "", 0o644);
    }
    let o = root.init(&["echo", "cmd"]).run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "cmd\n"), "{}", o.stderr);
    assert_eq!(progress(&o.stderr), progress(&none.stderr), "{}", o.stderr);
    for d in ["fix-attrs.d", "cont-init.d", "cont-finish.d"] {
        let said = format!("init: warning: unable to open /etc/{d}: Not a directory\n");
        assert_eq!(o.stderr.matches(&said).count(), 1, "{}", o.stderr);
    }
    assert_eq!(o.stderr.matches("warning").count(), 3, "{}", o.stderr);
}

#[test]
fn keep_env_gives_everything_to_everyone() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-env", "#!/bin/sh\necho init=$MINE\n", 0o755);
    let o = root
        .init(&["sh", "-c", "echo cmd=$MINE; with-contenv sh -c 'echo with=$MINE'; printcontenv MINE; [ -e /run/s6/container_environment ] || echo no-dir"])
        .env("MINE", "yes")
        .env("S6_KEEP_ENV", "1")
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.stdout, "init=yes\ncmd=yes\nwith=yes\nyes\nno-dir\n", "{}", o.stderr);
}

#[test]
fn failure_policy_zero_one_two() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-fail", "#!/bin/sh\nexit 7\n", 0o755);
    root.file("/etc/cont-init.d/20-after", "#!/bin/sh\necho after\n", 0o755);
    root.file("/etc/cont-finish.d/10-finish", "#!/bin/sh\necho finish $S6_STAGE2_EXITED\n", 0o755);
    // 0: silently on; the CMD runs.
    let o = root.init(&["echo", "cmd"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "0").run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "after\ncmd\nfinish 0\n"), "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    // 1: a warning, then on, and the CMD still runs.
    let o = root.init(&["echo", "cmd"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "1").run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "after\ncmd\nfinish 0\n"), "{}", o.stderr);
    assert!(
        o.stderr.contains("init: warning: [cont-init.d] 10-fail failed: continuing (S6_BEHAVIOUR_IF_STAGE2_FAILS=1)\n"),
        "{}",
        o.stderr
    );
    // 2: stop at once, no CMD, cont-finish still runs, exit code = the step's.
    let o = root.init(&["echo", "cmd"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert_eq!((o.code(), o.stdout.as_str()), (7, "finish 7\n"), "{}", o.stderr);
    assert!(o.stderr.contains("[cont-init.d] 10-fail: exited 7."), "{}", o.stderr);
    assert!(!o.stderr.contains("20-after"), "{}", o.stderr);
}

#[test]
fn bad_cont_init_entries_are_reported_and_the_rest_runs() {
    let root = Root::new();
    fs::create_dir_all(root.path().join("etc/cont-init.d/10-a-directory")).unwrap();
    symlink("/nowhere", root.path().join("etc/cont-init.d/20-dangling")).unwrap();
    root.file("/etc/cont-init.d/30-no-x-bit", "#!/bin/sh\necho ran-without-x\n", 0o644);
    root.file("/etc/cont-init.d/40-no-x-no-shebang", "echo never\n", 0o644);
    root.file("/etc/cont-init.d/50-last", "#!/bin/sh\necho last\n", 0o755);
    let o = root.init(&["true"]).run();
    assert_eq!(o.code(), 0);
    assert_eq!(o.stdout, "ran-without-x\nlast\n");
    for want in [
        "init: warning: unable to run /etc/cont-init.d/10-a-directory: Is a directory",
        "[cont-init.d] 10-a-directory: exited 126.",
        "init: warning: unable to run /etc/cont-init.d/20-dangling: No such file or directory",
        "[cont-init.d] 20-dangling: exited 127.",
        "[cont-init.d] 30-no-x-bit: exited 0.",
        "init: warning: unable to run /etc/cont-init.d/40-no-x-no-shebang: Permission denied",
        "[cont-init.d] 40-no-x-no-shebang: exited 126.",
    ] {
        assert!(o.stderr.lines().any(|l| l == want), "missing {want:?} in:\n{}", o.stderr);
    }
    // The image is not modified.
    let m = fs::metadata(root.path().join("etc/cont-init.d/30-no-x-bit")).unwrap();
    assert_eq!(m.permissions().mode() & 0o777, 0o644);
    // Under policy 2 the first bad entry decides the exit code.
    let o = root.init(&["true"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert_eq!(o.code(), 126);
    assert_eq!(o.stdout, "");
}

#[test]
fn hanging_cont_finish_is_killed_after_its_maxtime() {
    let _t = timing();
    let root = Root::new();
    root.file(
        "/etc/cont-finish.d/10-hang",
        "#!/bin/sh\ntrap '' TERM\necho hanging\nwhile :; do sleep 1; done\n",
        0o755,
    );
    root.file("/etc/cont-finish.d/20-next", "#!/bin/sh\necho next\n", 0o755);
    let o = root.init(&["true"]).env("S6_KILL_FINISH_MAXTIME", "400").run();
    assert_eq!(o.code(), 0);
    assert_eq!(o.stdout, "hanging\nnext\n");
    // As under v2's `s6-maximumtime -k`: 99, its code for a timeout.
    assert!(o.stderr.contains("[cont-finish.d] 10-hang: exited 99."), "{}", o.stderr);
    assert!(o.elapsed >= Duration::from_millis(390), "{:?}", o.elapsed);
    assert!(o.elapsed < Duration::from_millis(2000), "{:?}", o.elapsed);
}

/// A TERM while a cont-init script runs ends it and goes on to cont-finish
/// and stage 3 at once: no later script, no CMD, no wait for the script's
/// end (10 s) or for a grace time (3 s). "At once" is measured against a
/// control, the same stop from a running CMD (the same cont-finish and
/// stage 3) under the same load: at most twice its time plus 100 ms. Under
/// a load spike one attempt may miss; three attempts in a row may not.
#[test]
fn sigterm_during_a_slow_cont_init_stops_at_once() {
    let _t = timing();
    // TERM once `ready` is printed: the time to the container's end.
    let stop = |cont_init: bool| -> (Duration, Output) {
        let root = Root::new();
        root.file("/etc/cont-finish.d/10-finish", "#!/bin/sh\necho finish\n", 0o755);
        let mut c = if cont_init {
            root.file("/etc/cont-init.d/10-slow", "#!/bin/sh\necho ready\nsleep 10\necho slow-end\n", 0o755);
            root.file("/etc/cont-init.d/20-never", "#!/bin/sh\necho never\n", 0o755);
            root.init(&["echo", "cmd"]).start()
        } else {
            root.init(&["sh", "-c", "echo ready; exec sleep 1000"]).start()
        };
        c.wait_stdout("ready");
        let sent = c.signal(15);
        let o = c.wait();
        (sent.elapsed(), o)
    };
    let mut tries = Vec::new();
    for _ in 0..3 {
        let (control, o) = stop(false);
        assert_eq!((o.code(), o.stdout.as_str()), (143, "ready\nfinish\n"), "the control: {}", o.stderr);
        let (took, o) = stop(true);
        assert_eq!(o.stdout, "ready\nfinish\n", "{}", o.stderr);
        assert_eq!(o.code(), 0);
        if took < control * 2 + Duration::from_millis(100) {
            return;
        }
        tries.push((took, control));
    }
    panic!("the stop took more than twice the control's + 100 ms, three times: (took, control) {tries:?}");
}

#[test]
fn read_only_root_with_tmpfs_run() {
    // Like `docker run --read-only --tmpfs /run`. Debian-like images have
    // /var/run -> /run.
    let root = Root::with(|r| {
        fs::create_dir_all(r.join("var")).unwrap();
        symlink("/run", r.join("var/run")).unwrap();
    });
    root.file("/etc/cont-init.d/10-set", "#!/bin/sh\nprintf rw > /var/run/s6/container_environment/FROM_INIT\n", 0o755);
    root.file("/etc/cont-finish.d/10-fin", "#!/bin/sh\necho finish\n", 0o755);
    let before = host(std::process::Command::new("find").arg(root.path()).arg("-printf").arg("%P %y %m %s %T@\n")).1;
    let o = root
        .init(&["sh", "-c", "with-contenv sh -c 'echo $FROM_INIT $MINE'; touch /etc/x 2>/dev/null || echo ro; exit 4"])
        .env("S6_READ_ONLY_ROOT", "1")
        .env("MINE", "mine")
        .read_only()
        .run();
    assert_eq!(o.code(), 4, "{}", o.stderr);
    assert_eq!(o.stdout, "rw mine\nro\nfinish\n", "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    let after = host(std::process::Command::new("find").arg(root.path()).arg("-printf").arg("%P %y %m %s %T@\n")).1;
    assert_eq!(before, after, "something outside /run was written");
}

#[test]
fn real_var_run_directory_is_kept_and_linked() {
    let root = Root::with(|r| {
        fs::create_dir_all(r.join("var/run")).unwrap();
        fs::write(r.join("var/run/keep"), "image file").unwrap();
    });
    let o = root
        .init(&["sh", "-c", "cat /var/run/keep; echo; printcontenv MINE; ls /var/run/s6/container_environment/MINE"])
        .env("MINE", "v")
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.stdout, "image file\nv\n/var/run/s6/container_environment/MINE\n", "{}", o.stderr);
    assert!(root.path().join("var/run").is_dir());
    assert!(fs::symlink_metadata(root.path().join("var/run")).unwrap().file_type().is_dir());
}

#[test]
fn stale_run_from_a_previous_start_is_cleaned() {
    let root = Root::new();
    fs::create_dir_all(root.path().join("run/s6/container_environment")).unwrap();
    fs::write(root.path().join("run/s6/container_environment/STALE"), "old\n").unwrap();
    fs::create_dir_all(root.path().join("run/s6/deep/er/still")).unwrap();
    fs::write(
        root.path()
            .join("run/s6-linux-init-container-results/exitcode")
            .parent()
            .map(|p| {
                fs::create_dir_all(p).unwrap();
                p.join("exitcode")
            })
            .unwrap(),
        "9\n",
    )
    .unwrap();
    // `cmd.new` is made while the CMD runs (`s6::cmd::prime`): it may or
    // may not be there yet.
    let o = root
        .init(&["sh", "-c", "printcontenv STALE || echo clean; ls /run/s6 | grep -vx cmd.new"])
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.stdout, "clean\nbasedir\ncmd\ncontainer_environment\nservices\nworkdir\n", "{}", o.stderr);
    assert_eq!(o.code(), 0, "a stale exitcode must not leak into this run");
}

#[test]
fn runtime_profile_and_stage2_hook() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-default", "#!/bin/sh\necho default\n", 0o755);
    root.file("/etc/cont-profile.d/dev/cont-init.d/10-dev", "#!/bin/sh\necho dev\n", 0o755);
    let o = root
        .init(&["echo", "cmd"])
        .env("S6_RUNTIME_PROFILE", "dev")
        .env("S6_STAGE2_HOOK", "echo hook; echo $MINE")
        .env("MINE", "hidden-from-hook")
        .env("S6_VERBOSITY", "1")
        .run();
    assert_eq!(o.stdout, "hook\n\ndev\ncmd\n", "{}", o.stderr);
    // A failing hook under policy 2 stops the container with its code.
    let o = root.init(&["echo", "cmd"]).env("S6_STAGE2_HOOK", "exit 5").env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2").run();
    assert_eq!(o.code(), 5);
    assert_eq!(o.stdout, "default\n".replace("default\n", ""), "{}", o.stderr);
}

/// v2's `/var/run/s6/etc` view of the image's directories (of the
/// profile's with `S6_RUNTIME_PROFILE`): a cont-init script that removes
/// `/var/run/s6/etc/services.d/NAME/down` starts a service shipped down,
/// as on s6-overlay v2. The v3 layout has no such view.
#[test]
fn v2_etc_view_reaches_the_images_directories() {
    let root = Root::new();
    root.file("/etc/services.d/nodejs/run", "#!/bin/sh\nexec sleep 4714000\n", 0o755);
    root.file("/etc/services.d/nodejs/down", "", 0o644);
    root.file(
        "/etc/cont-init.d/10-enable",
        "#!/command/execlineb -P\nif { s6-rmrf /var/run/s6/etc/services.d/nodejs/down }\ns6-echo enabled\n",
        0o755,
    );
    let cmd = "s6-svwait -u -t 5000 /run/service/nodejs && echo up; ls /var/run/s6/etc/cont-init.d; readlink /run/s6/etc/services.d";
    let o = root.init(&["sh", "-c", cmd]).env("S6_VERBOSITY", "1").run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(o.stdout, "enabled\nup\n10-enable\n/etc/services.d\n", "{}", o.stderr);
    assert!(!root.path().join("etc/services.d/nodejs/down").exists());
    // A profile's own directories; a restart keeps the link.
    root.file("/etc/cont-profile.d/dev/cont-init.d/20-dev", "#!/bin/sh\n:\n", 0o755);
    let o = root.init(&["sh", "-c", "ls /var/run/s6/etc/cont-init.d"]).env("S6_RUNTIME_PROFILE", "dev").run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "20-dev\n"), "{}", o.stderr);
    fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
    let o = root.init(&["sh", "-c", "ls -d /run/s6/etc"]).run();
    assert_ne!(o.code(), 0, "v3 has no /run/s6/etc: {}", o.stdout);
    fs::remove_dir_all(root.path().join("etc/s6-overlay")).unwrap();
    // S6_READ_ONLY_ROOT: a copy the scripts may change, the image's
    // directories untouched.
    root.file("/etc/services.d/nodejs/down", "", 0o644);
    let cmd = "s6-svwait -u -t 5000 /run/service/nodejs && echo up; test -L /run/s6/etc/services.d || echo copied";
    let o = root.init(&["sh", "-c", cmd]).env("S6_READ_ONLY_ROOT", "1").run();
    assert_eq!((o.code(), o.stdout.as_str()), (0, "enabled\nup\ncopied\n"), "{}", o.stderr);
    assert!(root.path().join("etc/services.d/nodejs/down").exists(), "the image's down file went");
}

#[test]
fn stage2_hook_without_a_shell_is_a_clear_error() {
    let root = Root::new();
    fs::remove_file(root.path().join("bin/sh")).unwrap();
    let o = root
        .init(&["/bin/echo", "cmd"])
        .env("S6_STAGE2_HOOK", "echo hook")
        .env("S6_BEHAVIOUR_IF_STAGE2_FAILS", "2")
        .run();
    assert_eq!(o.code(), 127);
    assert!(
        o.stderr
            .contains("init: warning: S6_STAGE2_HOOK is set but this image has no /bin/sh: No such file or directory"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stdout, "");
}

#[test]
fn sync_disks_says_so() {
    let root = Root::new();
    let o = root.init(&["true"]).env("S6_SYNC_DISKS", "1").run();
    assert!(
        o.stderr.contains(
            "[s6-finish] waiting for services.\n[s6-finish] syncing disks.\n[s6-finish] sending all processes the TERM signal.\n"
        ),
        "{}",
        o.stderr
    );
}

/// `S6_WAIT_FOR_CLOSING_FD=3` with a pipe as fd 3 (as a container manager
/// passes it): the container as a whole, started with `stdin` moved to fd 3.
fn with_closing_fd(root: &Root, cmd: &[&str]) -> (Container, std::io::PipeWriter) {
    let (r, w) = std::io::pipe().unwrap();
    let c = root
        .init(cmd)
        .env("S6_WAIT_FOR_CLOSING_FD", "3")
        .prefix(&["/bin/sh", "-c", "exec 3<&0 </dev/null; exec \"$@\"", "sh"])
        .start_with(std::process::Stdio::from(r));
    (c, w)
}

#[test]
fn wait_for_closing_fd_holds_the_boot_until_end_of_file() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-init", "#!/bin/sh\necho init\n", 0o755);
    let cmd = ["sh", "-c", "echo cmd; [ -e /proc/$$/fd/3 ] && echo fd3-open; exit 4"];
    let (mut c, mut w) = with_closing_fd(&root, &cmd);
    // What the manager writes is read and dropped, and does not end the wait.
    std::io::Write::write_all(&mut w, b"not yet\n").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(c.running(), "the container ended before fd 3 closed");
    let pid1 = c.pid1();
    let kids = fs::read_to_string(format!("/proc/{pid1}/task/{pid1}/children")).unwrap();
    assert_eq!(kids, "", "PID 1 started something before fd 3 closed");
    assert!(!root.path().join("run/s6").exists(), "/run was prepared before fd 3 closed");
    drop(w);
    let o = c.wait();
    assert_eq!((o.code(), o.stdout.as_str()), (4, "init\ncmd\n"), "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
}

#[test]
fn a_shutdown_signal_while_waiting_for_the_closing_fd_stops_at_once() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-init", "#!/bin/sh\necho init\n", 0o755);
    root.file("/etc/cont-finish.d/10-finish", "#!/bin/sh\necho finish\n", 0o755);
    // TERM, and QUIT in the v2 layout (v2's stop signal).
    for sig in [15, 3] {
        let (mut c, w) = with_closing_fd(&root, &["echo", "cmd"]);
        // PID 1 reads signals once it has started (slower under qemu-user);
        // one sent before would be lost, as to any PID 1 without a handler.
        std::thread::sleep(Duration::from_millis(if emulated() { 1500 } else { 200 }));
        let sent = c.signal(sig);
        let o = c.wait();
        let took = sent.elapsed();
        drop(w);
        assert_eq!((o.code(), o.stdout.as_str()), (0, "finish\n"), "signal {sig}: {}", o.stderr);
        assert!(took < Duration::from_secs(3), "signal {sig}: the stop took {took:?}");
    }
}

/// v3 layout: a descriptor 3 the container manager leaves open is
/// s6-linux-init's synchronization pipe: PID 1 waits for a byte (said with
/// s6-linux-init's warning) or its end, then closes it, so that nothing it
/// starts inherits it. The v2 layout leaves it alone, as v2 did.
#[test]
fn v3_waits_on_the_managers_fd_3_and_closes_it() {
    let cmd = ["sh", "-c", "[ -e /proc/$$/fd/3 ] && echo fd3-open; echo cmd"];
    for (v3, write) in [(true, true), (true, false), (false, false)] {
        let root = Root::new();
        if v3 {
            fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
        }
        let (r, mut w) = std::io::pipe().unwrap();
        let mut c = root
            .init(&cmd)
            .env("S6_VERBOSITY", "1")
            .prefix(&["/bin/sh", "-c", "exec 3<&0 </dev/null; exec \"$@\"", "sh"])
            .start_with(std::process::Stdio::from(r));
        if v3 {
            std::thread::sleep(Duration::from_millis(300));
            assert!(c.running(), "v3: the container did not wait on fd 3");
            assert!(!root.path().join("run/s6").exists(), "v3: /run was prepared before fd 3 said go");
        }
        if write {
            std::io::Write::write_all(&mut w, b"x").unwrap();
        } else {
            drop(w);
        }
        let o = c.wait();
        let want = if v3 { "cmd\n" } else { "fd3-open\ncmd\n" };
        assert_eq!((o.code(), o.stdout.as_str()), (0, want), "v3 {v3} write {write}: {}", o.stderr);
        assert_eq!(
            o.stderr.contains("s6-linux-init: warning: parent wrote to fd 3!\n"),
            write,
            "v3 {v3} write {write}: {}",
            o.stderr
        );
    }
}

#[test]
fn a_closing_fd_that_is_not_open_is_said_and_not_waited_for() {
    let root = Root::new();
    for (v, warning) in [
        ("7", "init: warning: unable to wait for fd 7 to close (S6_WAIT_FOR_CLOSING_FD): Bad file descriptor\n"),
        (
            "99999999999",
            "init: warning: unable to wait for fd 99999999999 to close (S6_WAIT_FOR_CLOSING_FD): Bad file descriptor\n",
        ),
        ("2", ""),
        ("x", "init: warning: invalid S6_WAIT_FOR_CLOSING_FD value: x (using 0)\n"),
    ] {
        let o = root.init(&["echo", "cmd"]).env("S6_WAIT_FOR_CLOSING_FD", v).env("S6_VERBOSITY", "1").run();
        assert_eq!((o.code(), o.stdout.as_str(), o.stderr.as_str()), (0, "cmd\n", warning), "{v}");
    }
}

/// An exitcode file that holds no exit code (not a number from 0 to 255)
/// is said at the exit, and the code the container had is kept.
#[test]
fn an_invalid_exit_code_file_is_said() {
    for bad in ["bogus", "256", ""] {
        let root = Root::new();
        root.file(
            "/etc/cont-init.d/10-bad",
            &format!("#!/bin/sh\nprintf '{bad}' > /run/s6-linux-init-container-results/exitcode; touch /tmp/done\n"),
            0o755,
        );
        let mut c = root.init(&[]).start();
        wait_until("cont-init", Duration::from_secs(10), || root.path().join("tmp/done").exists());
        c.signal(15);
        let o = c.wait();
        assert_eq!(o.code(), 0, "{bad}: {}", o.stderr);
        assert!(
            o.stderr.contains(
                "init: warning: invalid exit code in /run/s6-linux-init-container-results/exitcode: exiting with 0\n"
            ),
            "{bad}: {}",
            o.stderr
        );
    }
    // A number with blanks around it is one.
    let root = Root::new();
    root.file(
        "/etc/cont-init.d/10-ok",
        "#!/bin/sh\nprintf ' 4 \\n' > /run/s6-linux-init-container-results/exitcode; touch /tmp/done\n",
        0o755,
    );
    let mut c = root.init(&[]).start();
    wait_until("cont-init", Duration::from_secs(10), || root.path().join("tmp/done").exists());
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 4, "{}", o.stderr);
    assert!(!o.stderr.contains("invalid exit code"), "{}", o.stderr);
}

/// A stage directory that is there but cannot be listed (a file, a
/// dangling link) is said, and the container goes on without it.
#[test]
fn a_stage_directory_that_cannot_be_listed_is_said() {
    let root = Root::new();
    root.file("/etc/services.d", "not a directory\n", 0o644);
    std::os::unix::fs::symlink("/nowhere", root.path().join("etc/cont-init.d")).unwrap();
    root.file("/etc/cont-finish.d", "", 0o644);
    let o = root.init(&["sh", "-c", "exit 3"]).run();
    assert_eq!(o.code(), 3, "{}", o.stderr);
    for want in [
        "init: warning: unable to open /etc/cont-init.d: No such file or directory\n",
        "init: warning: unable to open /etc/services.d: Not a directory\n",
        "init: warning: unable to open /etc/cont-finish.d: Not a directory\n",
    ] {
        assert_eq!(o.stderr.matches(want).count(), 1, "{want}: {}", o.stderr);
    }
    // Absent: nothing said.
    let root = Root::new();
    let o = root.init(&["true"]).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert!(!o.stderr.contains("unable to open"), "{}", o.stderr);
}
