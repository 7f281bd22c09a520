//! Layouts of real images that use s6-overlay: renamed entry points,
//! symlinked service directories, missing interpreters, an unusable `/run`,
//! services that look at their working directory, the variables they set.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::process::Command;
use std::time::Duration;

/// Shell: wait (at most 10 s) for a file a service creates once it printed.
fn wait_for(file: &str) -> String {
    format!("for i in $(seq 500); do [ -e {file} ] && break; sleep 0.02; done")
}

/// `mv /init /s6-init` and a wrapper `/init` that calls it.
#[test]
fn renamed_init_behind_a_wrapper() {
    let root = Root::new();
    let r = root.path();
    fs::rename(r.join("init"), r.join("s6-init")).unwrap();
    root.file("/init", "#!/bin/sh\necho wrapper\nexec /s6-init \"$@\"\n", 0o755);
    root.file("/etc/cont-init.d/10-hello", "#!/usr/bin/with-contenv sh\necho \"cont-init FOO=$FOO\"\n", 0o755);
    root.file("/etc/services.d/svc/run", "#!/bin/sh\necho svc-up\ntouch ./ran\nexec sleep 100\n", 0o755);
    let cmd = format!("{} && echo cmd-ran && exit 3", wait_for("/run/service/svc/ran"));
    let o = root.init(&["sh", "-c", &cmd]).env("FOO", "bar").timeout(Duration::from_secs(30)).run();
    assert_eq!(o.code(), 3, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(o.stdout.starts_with("wrapper\n"), "{}", o.stdout);
    assert!(o.stdout.contains("cont-init FOO=bar\n"), "{}", o.stdout);
    assert!(o.stdout.contains("svc-up\n"), "{}", o.stdout);
    assert!(o.stdout.contains("cmd-ran\n"), "{}", o.stdout);
    assert!(!o.stderr.contains("unknown applet"), "{}", o.stderr);
}

/// `/usr/bin/with-contenv` renamed to `with-contenvb` with a wrapper in its
/// place, called by shebang, by PATH and by absolute path.
#[test]
fn renamed_with_contenv_behind_a_wrapper() {
    let root = Root::new();
    let r = root.path();
    fs::rename(r.join("usr/bin/with-contenv"), r.join("usr/bin/with-contenvb")).unwrap();
    root.file("/usr/bin/with-contenv", "#!/bin/sh\necho wrapper-ran\nexec with-contenvb \"$@\"\n", 0o755);
    root.file("/etc/cont-init.d/10-a", "#!/usr/bin/with-contenv sh\necho \"a FOO=$FOO\"\n", 0o755);
    root.file("/etc/cont-init.d/20-b", "#!/usr/bin/with-contenvb sh\necho \"b FOO=$FOO\"\n", 0o755);
    root.file("/etc/cont-init.d/30-c", "#!/bin/sh\n/usr/bin/with-contenvb sh -c 'echo \"c FOO=$FOO\"'\n", 0o755);
    let o = root.init(&["true"]).env("FOO", "bar").run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    for l in ["wrapper-ran\na FOO=bar\n", "b FOO=bar\n", "c FOO=bar\n"] {
        assert!(o.stdout.contains(l), "missing {l:?} in {}\nstderr: {}", o.stdout, o.stderr);
    }
    // The binary's name along a chain that has no applet name is refused.
    symlink("/package/admin/rs6/command/rs6", r.join("usr/bin/frob")).unwrap();
    let o = root.init(&[]).argv(&["/usr/bin/frob"]).run();
    assert_eq!((o.code(), o.stderr.as_str()), (100, "rs6: fatal: unknown applet: frob\n"));
}

/// Service directories, scripts and rule files linked from elsewhere, as
/// images lay them out; nothing skipped without a word.
#[test]
fn symlinked_service_dirs_and_scripts() {
    let root = Root::new();
    let r = root.path();
    root.file("/opt/web/service/run", "#!/bin/sh\necho web-up\nexec sleep 100\n", 0o755);
    root.file("/opt/web/log/run", "#!/bin/sh\nwhile read -r l; do echo \"log: $l\"; touch ./logged; done\n", 0o755);
    symlink("/opt/web/log", r.join("opt/web/service/log")).unwrap();
    fs::create_dir_all(r.join("etc/services.d")).unwrap();
    symlink("/opt/web/service", r.join("etc/services.d/web")).unwrap();
    symlink("/nowhere", r.join("etc/services.d/gone")).unwrap();
    root.file("/etc/services.d/README", "not a service\n", 0o644);
    root.file("/opt/scripts/init.sh", "#!/bin/sh\necho init-linked\n", 0o755);
    fs::create_dir_all(r.join("etc/cont-init.d")).unwrap();
    symlink("/opt/scripts/init.sh", r.join("etc/cont-init.d/10-linked")).unwrap();
    root.file("/opt/finish/10-bye", "#!/bin/sh\necho finish-linked\n", 0o755);
    symlink("/opt/finish", r.join("etc/cont-finish.d")).unwrap();
    root.file("/opt/rules", "/data/file false root 0600 0700\n", 0o644);
    root.file("/data/file", "x", 0o644);
    fs::create_dir_all(r.join("etc/fix-attrs.d")).unwrap();
    symlink("/opt/rules", r.join("etc/fix-attrs.d/01-linked")).unwrap();
    let o = root
        .init(&["sh", "-c", &format!("{}; stat -c %a /data/file", wait_for("/run/service/web/log/logged"))])
        .timeout(Duration::from_secs(30))
        .run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(o.stdout.contains("log: web-up\n"), "service behind a link, with its logger: {}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("init-linked\n"), "{}", o.stdout);
    assert!(o.stdout.contains("finish-linked\n"), "{}", o.stdout);
    assert!(o.stdout.contains("600\n"), "fix-attrs through a link: {}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("init: warning: not supervising /etc/services.d/gone: No such file or directory\n"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("init: warning: not supervising /etc/services.d/README: Not a directory\n"),
        "{}",
        o.stderr
    );
    // The image's tree is untouched: its service directory got no supervise/.
    assert!(!r.join("opt/web/service/supervise").exists());
    assert!(!r.join("opt/web/log/supervise").exists());
}

/// The physical working directory of a service, as images check it, and
/// what `/run/s6` holds (but `cmd.new`, made while the CMD runs).
fn service_pwd(v3: bool) -> (String, String) {
    let root = Root::new();
    if v3 {
        fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
    }
    root.file(
        "/etc/services.d/app/run",
        "#!/bin/sh\npwd -P > /tmp/app-pwd.new && mv /tmp/app-pwd.new /tmp/app-pwd\nexec sleep 100\n",
        0o755,
    );
    let cmd = "for i in $(seq 500); do [ -e /tmp/app-pwd ] && break; sleep 0.02; done; cat /tmp/app-pwd; \
               cd /var/run/s6/services/app && pwd -P; cd /run/service/app && pwd -P; ls /run/s6 | grep -vx cmd.new";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(30)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    (o.stdout, o.stderr)
}

#[test]
fn service_working_directory_v2_layout() {
    let (out, err) = service_pwd(false);
    assert_eq!(
        out,
        "/run/s6/services/app\n/run/s6/services/app\n/run/s6/services/app\nbasedir\ncmd\ncontainer_environment\nenv-stage3\netc\nservices\nworkdir\n",
        "{err}"
    );
}

#[test]
fn service_working_directory_v3_layout() {
    let (out, err) = service_pwd(true);
    assert_eq!(
        out,
        "/run/s6/legacy-services/app\n/run/s6/legacy-services/app\n/run/s6/legacy-services/app\nbasedir\ncmd\ncontainer_environment\nlegacy-services\nrc\nservices\nworkdir\n",
        "{err}"
    );
}

fn with_service(root: &Root) {
    root.file("/etc/services.d/svc/run", "#!/bin/sh\necho svc-ran\ntouch ./ran\nexec sleep 100\n", 0o755);
}

const ADVICE: &str = "this image has services or scripts to set up; give the container a writable /run: \
a tmpfs on /run (docker run --tmpfs /run; with a read-only root, also S6_READ_ONLY_ROOT=1), writable by the container's user\n";

/// `docker run --read-only` without a tmpfs on /run: an image with services
/// is refused before anything starts; a bare CMD still runs.
#[test]
fn read_only_run_is_fatal_when_there_is_work() {
    let root = Root::new();
    with_service(&root);
    root.file("/etc/cont-init.d/10-x", "#!/bin/sh\necho cont-init-ran\n", 0o755);
    let o = root.init(&["sh", "-c", "echo cmd-ran"]).read_only_no_tmpfs().run();
    assert_eq!(o.code(), 100, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        format!("init: fatal: /run is not usable (unable to clean /run: Read-only file system): {ADVICE}")
    );
    // The fix it names works: a tmpfs on /run and S6_READ_ONLY_ROOT=1.
    let cmd = format!("{} && echo cmd-ran", wait_for("/run/service/svc/ran"));
    let o = root.init(&["sh", "-c", &cmd]).read_only().env("S6_READ_ONLY_ROOT", "1").run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("cont-init-ran\n") && o.stdout.contains("svc-ran\n") && o.stdout.contains("cmd-ran\n"),
        "{}",
        o.stdout
    );
    // Nothing to set up: the CMD runs, with a warning.
    let bare = Root::new();
    let o = bare.init(&["sh", "-c", "echo cmd-ran; exit 7"]).read_only_no_tmpfs().run();
    assert_eq!(o.code(), 7, "{}", o.stderr);
    assert_eq!(o.stdout, "cmd-ran\n");
    assert!(o.stderr.starts_with("init: warning: /run is not usable (unable to clean /run: Read-only file system): running the CMD with nothing set up\n"), "{}", o.stderr);
}

/// `docker run --user 1000:1000` where the binary's setuid bit is not
/// honoured (`--security-opt no-new-privileges`, or the bit taken off):
/// works with a /run that user can write, is refused (clearly, nothing
/// started) with the usual root-owned one.
#[test]
fn non_root_user_and_run_ownership() {
    let run_mode = |root: &Root, mode: u32, owner: u32| {
        let run = root.path().join("run");
        std::os::unix::fs::chown(&run, Some(owner), Some(owner)).unwrap();
        fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    };
    let script = format!("{} && id -u && echo cmd-ran", wait_for("/run/service/svc/ran"));
    let cmd = ["sh", "-c", script.as_str()];
    let root = Root::new();
    with_service(&root);
    no_setuid(&root);
    // Root-owned 0755 /run (Docker's default): fatal, nothing ran.
    let o = root.init(&cmd).user(1000, 1000).run();
    assert_eq!(o.code(), 100, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        format!("init: fatal: /run is not usable (it is not writable by the container's user): {ADVICE}")
    );
    // Owned by the user: runs, services included.
    run_mode(&root, 0o755, 1000);
    let o = root.init(&cmd).user(1000, 1000).run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("svc-ran\n") && o.stdout.contains("1000\ncmd-ran\n"), "{}", o.stdout);
    // World-writable with the sticky bit: a warning, runs.
    run_mode(&root, 0o1777, 0);
    let o = root.init(&cmd).user(1000, 1000).run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("init: warning: /run is not owned by the container's user but writable by everyone (with the sticky bit): using it\n"), "{}", o.stderr);
    // World-writable without it: only with the Kubernetes variable.
    run_mode(&root, 0o777, 0);
    let o = root.init(&cmd).user(1000, 1000).run();
    assert_eq!(o.code(), 100, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES=1 to accept that"),
        "{}",
        o.stderr
    );
    let o = root.init(&cmd).user(1000, 1000).env("S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES", "1").run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("1000\ncmd-ran\n"), "{}", o.stdout);
    assert!(
        o.stderr.contains("because S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES is set\n"),
        "{}",
        o.stderr
    );
}

/// The binary without its setuid bit.
fn no_setuid(root: &Root) {
    let bin = root.path().join("package/admin/rs6/command/rs6");
    fs::set_permissions(bin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

/// `docker run --user 1000:1000` with the image's root-owned `/run`: as
/// with s6-overlay (its setuid `s6-overlay-suexec`), PID 1 starts with the
/// ids of the binary's setuid bit, gives `/run` (made if missing) to the
/// user, then drops them: the scripts, services, CMD and PID 1 itself run
/// as that user. Any other use of the binary drops them at once.
#[test]
fn non_root_user_gets_run_through_the_setuid_bit() {
    use std::os::unix::fs::MetadataExt;
    let root = Root::new();
    with_service(&root);
    let bin = root.path().join("package/admin/rs6/command/rs6");
    assert_eq!(fs::metadata(&bin).unwrap().mode() & 0o7777, 0o4755, "installed setuid");
    root.file("/etc/cont-init.d/10-who", "#!/bin/sh\necho \"cont-init as $(id -u):$(id -g)\"\n", 0o755);
    let script = format!(
        "{} && id -u && grep -E '^(Uid|Gid):' /proc/1/status | tr -s '\\t ' ' ' \
         && /command/s6-env grep -E '^(Uid|Gid):' /proc/self/status | tr -s '\\t ' ' ' \
         && ls -nd /run | tr -s ' ' | cut -d' ' -f3,4 && exit 5",
        wait_for("/run/service/svc/ran")
    );
    let want_ids = "1000\nUid: 1000 1000 1000 1000\nGid: 1000 1000 1000 1000\n\
                    Uid: 1000 1000 1000 1000\nGid: 1000 1000 1000 1000\n1000 1000\n";
    for run in [true, false] {
        let run_dir = root.path().join("run");
        if run {
            std::os::unix::fs::chown(&run_dir, Some(0), Some(0)).unwrap();
        } else {
            fs::remove_dir_all(&run_dir).unwrap();
        }
        let o = root.init(&["sh", "-c", &script]).user(1000, 1000).run();
        assert_eq!(o.code(), 5, "{}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("cont-init as 1000:1000\n"), "{}", o.stdout);
        assert!(o.stdout.contains("svc-ran\n"), "{}", o.stdout);
        // The CMD, PID 1, and a setuid applet run from the CMD: the user's
        // ids only (real, effective, saved, filesystem).
        assert!(o.stdout.ends_with(want_ids), "{}", o.stdout);
        let m = fs::metadata(&run_dir).unwrap();
        assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (1000, 1000, 0o755));
        assert!(!o.stderr.contains("fatal"), "{}", o.stderr);
    }
    // An image's own v3 `/init` (a script, PID 1 without privileges) that
    // calls `s6-overlay-suexec { preinit } stage0`: the setuid applet is
    // where PID 1 gets them, as with v3.
    let own = Root::new();
    with_service(&own);
    fs::remove_file(own.path().join("init")).unwrap();
    own.file(
        "/init",
        "#!/bin/sh
export PATH=\"/command:$PATH\"
exec s6-overlay-suexec \
         ' /package/admin/s6-overlay/libexec/preinit' '' /package/admin/s6-overlay/libexec/stage0 \"$@\"\n",
        0o755,
    );
    std::os::unix::fs::chown(own.path().join("run"), Some(0), Some(0)).unwrap();
    let o = own.init(&["sh", "-c", &script]).user(1000, 1000).run();
    assert_eq!(o.code(), 5, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.ends_with(want_ids), "{}", o.stdout);
    // A /run that is a symlink is not followed as root: what it leads to
    // keeps its owner and mode, and the user's check refuses it.
    let secret = root.path().join("secret");
    fs::create_dir(&secret).unwrap();
    fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    fs::remove_dir_all(root.path().join("run")).unwrap();
    std::os::unix::fs::symlink("/secret", root.path().join("run")).unwrap();
    let o = root.init(&["sh", "-c", &script]).user(1000, 1000).run();
    assert_eq!(o.code(), 100, "{}\n{}", o.stdout, o.stderr);
    let m = fs::metadata(&secret).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (0, 0, 0o700));
    // Not PID 1: the ids are dropped before anything runs, capabilities
    // too (even where a parent's SECBIT_NO_SETUID_FIXUP would keep them).
    let victim = root.path().join("victim");
    fs::write(&victim, "").unwrap();
    let o = Command::new("setpriv")
        .args(["--securebits=+no_setuid_fixup", "--reuid=1000", "--regid=1000", "--clear-groups"])
        .arg(&bin)
        .args(["s6-chown", "-u", "1000"])
        .arg(&victim)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(111), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::metadata(&victim).unwrap().uid(), 0);
    let o = Command::new("setpriv")
        .args(["--reuid=1000", "--regid=1000", "--clear-groups"])
        .arg(&bin)
        .args(["s6-env", "sh", "-c", "grep -E '^(Uid|Gid):' /proc/self/status | tr -s '\\t ' ' '"])
        .output()
        .unwrap();
    assert_eq!(
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned()),
        (Some(0), "Uid: 1000 1000 1000 1000\nGid: 1000 1000 1000 1000\n".to_string())
    );
}

/// A script whose `#!` interpreter is missing: the message names it.
#[test]
fn missing_interpreter_is_named() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-py", "#!/usr/bin/python3 -u\nprint('x')\n", 0o755);
    root.file("/etc/cont-finish.d/10-el", "#!/usr/bin/execlineb-missing -P\necho x\n", 0o755);
    root.file("/etc/services.d/app/run", "#!/usr/bin/python3\nprint('x')\n", 0o755);
    root.file(
        "/etc/services.d/other/run",
        "#!/bin/sh\nif [ -e /tmp/ran ]; then touch /tmp/ran2; exec sleep 100; fi\ntouch /tmp/ran\n",
        0o755,
    );
    root.file("/etc/services.d/other/finish", "#!/usr/local/bin/nope\n", 0o644);
    let o = root
        .init(&["sh", "-c", "for i in $(seq 400); do [ -e /tmp/ran2 ] && exit 0; sleep 0.02; done; exit 1"])
        .timeout(Duration::from_secs(30))
        .run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    for l in [
        "init: warning: unable to run /etc/cont-init.d/10-py: interpreter /usr/bin/python3: No such file or directory\n[cont-init.d] 10-py: exited 127.\n",
        "s6-supervise app: warning: unable to spawn ./run: interpreter /usr/bin/python3: No such file or directory\n",
        "s6-supervise other: warning: unable to spawn ./finish: interpreter /usr/local/bin/nope: No such file or directory\n",
        "init: warning: unable to run /etc/cont-finish.d/10-el: interpreter /usr/bin/execlineb-missing: No such file or directory\n[cont-finish.d] 10-el: exited 127.\n",
    ] {
        assert!(o.stderr.contains(l), "missing {l:?} in:\n{}", o.stderr);
    }
    assert!(!o.stderr.contains("unable to exec"), "{}", o.stderr);
}

/// `S6_GLOBAL_PATH` (v3.0): the PATH of everything.
#[test]
fn global_path_is_the_path_of_everything() {
    let root = Root::new();
    root.file("/opt/tools/hello", "#!/bin/sh\necho \"hello from $1\"\n", 0o755);
    root.file("/etc/cont-init.d/10-x", "#!/bin/sh\necho \"init PATH=$PATH\"\nhello cont-init\n", 0o755);
    root.file("/etc/cont-init.d/20-y", "#!/usr/bin/with-contenv sh\necho \"contenv PATH=$PATH\"\n", 0o755);
    root.file(
        "/etc/services.d/svc/run",
        "#!/bin/sh\necho \"svc PATH=$PATH\"\nhello svc\ntouch ./ran\nexec sleep 100\n",
        0o755,
    );
    let global = "/opt/tools:/usr/bin:/bin";
    let o = root
        .init(&["sh", "-c", &format!("{}; echo \"cmd PATH=$PATH\"; hello cmd", wait_for("/run/service/svc/ran"))])
        .env("S6_GLOBAL_PATH", global)
        .env("S6_CMD_WAIT_FOR_SERVICES", "1")
        .timeout(Duration::from_secs(30))
        .run();
    assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
    for l in [
        format!("init PATH=/command:{global}\nhello from cont-init\n"),
        format!("contenv PATH={global}\n"),
        format!("svc PATH=/command:{global}\nhello from svc\n"),
        format!("cmd PATH={global}\nhello from cmd\n"),
    ] {
        assert!(o.stdout.contains(&l), "missing {l:?} in {}\n{}", o.stdout, o.stderr);
    }
    // The same with S6_KEEP_ENV (no snapshot).
    let o =
        root.init(&["sh", "-c", "echo \"cmd PATH=$PATH\""]).env("S6_GLOBAL_PATH", global).env("S6_KEEP_ENV", "1").run();
    assert!(o.stdout.contains(&format!("cmd PATH={global}\n")), "{}", o.stdout);
}

/// `S6_SERVICES_READYTIME`: with `S6_CMD_WAIT_FOR_SERVICES`, the services
/// are not looked at before that many milliseconds (v2's layout, and v3's,
/// where `legacy-services` waits for them).
#[test]
fn services_readytime_delays_the_check() {
    for v3 in [false, true] {
        readytime(v3);
    }
}

fn readytime(v3: bool) {
    let _t = timing();
    let root = Root::new();
    root.file("/etc/services.d/svc/run", "#!/bin/sh\nexec sleep 100\n", 0o755);
    if v3 {
        fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
    }
    // /proc/uptime is the same clock inside and outside the namespaces.
    let uptime =
        || -> f64 { fs::read_to_string("/proc/uptime").unwrap().split_whitespace().next().unwrap().parse().unwrap() };
    let gap = |ready: Option<&str>| {
        let mut run = root
            .init(&["sh", "-c", "read a b < /proc/uptime; echo $a"])
            .env("S6_CMD_WAIT_FOR_SERVICES", "1")
            .timeout(Duration::from_secs(30));
        if let Some(r) = ready {
            run = run.env("S6_SERVICES_READYTIME", r);
        }
        let start = uptime();
        let o = run.run();
        assert_eq!(o.code(), 0, "{}\n{}", o.stdout, o.stderr);
        o.stdout.trim().parse::<f64>().unwrap() - start
    };
    let with = gap(Some("1500"));
    assert!(with >= 1.49, "v3 {v3}: the CMD started {with} s after the container with S6_SERVICES_READYTIME=1500");
    let without = gap(None);
    assert!(without < 1.4, "v3 {v3}: the CMD started {without} s after the container without S6_SERVICES_READYTIME");
}

/// An image's own `/init` calling v3's internal programs, and v3's paths
/// for stopping the container.
#[test]
fn v3_entry_points_and_basedir_commands() {
    let root = Root::new();
    fs::remove_file(root.path().join("init")).unwrap();
    root.file(
        "/init",
        // As v3's own /init: suexec through PATH, versioned paths.
        "#!/bin/sh\necho own-init\nexport PATH=\"/command:$PATH\"\nexec s6-overlay-suexec \
         ' /package/admin/s6-overlay-3.1.6.2/libexec/preinit' '' /package/admin/s6-overlay-3.1.6.2/libexec/stage0 \"$@\"\n",
        0o755,
    );
    root.file(
        "/etc/cont-init.d/10-x",
        "#!/package/admin/s6-overlay/command/with-contenv sh\necho \"FOO=$FOO\"\n",
        0o755,
    );
    for (stop, code) in [("poweroff", 42), ("reboot", 43), ("shutdown -h now", 44), ("halt", 45)] {
        let cmd = format!(
            "/package/admin/s6-overlay/libexec/preinit && echo {code} > /run/s6-linux-init-container-results/exitcode \
             && /run/s6/basedir/bin/{stop}; sleep 10"
        );
        let o = root.init(&["sh", "-c", &cmd]).env("FOO", "bar").run();
        assert_eq!(o.code(), code, "{stop}: {}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with("own-init\nFOO=bar\n"), "{}", o.stdout);
        assert!(o.elapsed < Duration::from_secs(8), "{stop} did not stop the container");
    }
}

/// `/run/s6/basedir`: a link into the installed tree, or, when `/init` was
/// copied alone, a directory of links made in `/run`. A start with `/run`
/// kept goes from one to the other without writing through the old link.
#[test]
fn basedir_with_and_without_the_installed_tree() {
    let root = Root::new();
    let show = "readlink /run/s6/basedir || echo dir; ls /run/s6/basedir/bin | tr '\\n' ' '; echo; \
                readlink /run/s6/basedir/bin/halt; echo 7 > /run/s6-linux-init-container-results/exitcode \
                && /run/s6/basedir/bin/poweroff; sleep 10";
    let tree = "/package/admin/rs6/basedir\nhalt poweroff reboot shutdown \n/package/admin/rs6/command/rs6\n";
    let o = root.init(&["sh", "-c", show]).run_on_disk().run();
    assert_eq!((o.code(), o.stdout.as_str()), (7, tree), "{}", o.stderr);
    let base = root.path().join("package/admin/rs6/basedir");
    fs::remove_dir_all(&base).unwrap();
    let o = root.init(&["sh", "-c", show]).run_on_disk().run();
    assert_eq!((o.code(), o.stdout.as_str()), (7, "dir\nhalt poweroff reboot shutdown \n/init\n"), "{}", o.stderr);
    assert!(!base.exists(), "written through the old link");
    let out = run_timed(Command::new(rs6()).arg("--install").arg(root.path()), None, Duration::from_secs(60));
    assert!(out.status.success(), "{}", out.err());
    let o = root.init(&["sh", "-c", show]).run_on_disk().run();
    assert_eq!((o.code(), o.stdout.as_str()), (7, tree), "{}", o.stderr);
}
