//! The catch-all logger (`S6_LOGGING`, `S6_CATCHALL_USER`) through `/init`:
//! what goes to the logdir and what stays on the console, in both layouts;
//! stamps per `S6_LOGGING_SCRIPT`; restarts and the shutdown lose nothing;
//! a logger that cannot run leaves everything on the console.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

const V2_DIR: &str = "var/log/s6-uncaught-logs";

/// A logdir's lines, archives first (oldest to newest), then `current`.
fn logged(dir: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('@'))
        .collect();
    names.sort();
    names.push("current".into());
    names.iter().map(|n| fs::read_to_string(dir.join(n)).unwrap_or_default()).collect()
}

fn archives(root: &Root) -> usize {
    fs::read_dir(root.path().join(V2_DIR))
        .map_or(0, |d| d.filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().starts_with('@'))).count())
}

fn mask(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_digit() { 'x' } else { c }).collect()
}

/// The text after a `T` stamp, checking its shape.
fn after_t(line: &str) -> &str {
    assert!(line.len() > 31 && mask(&line[..31]) == "xxxx-xx-xx xx:xx:xx.xxxxxxxxx  ", "not T-stamped: {line:?}");
    &line[31..]
}

/// An image with a service, a logged service, a cont-init script.
fn image() -> Root {
    let root = Root::new();
    root.file("/etc/services.d/svc/run", "#!/bin/sh\necho 'svc: out'\necho 'svc: err' >&2\nexec sleep 1000\n", 0o755);
    root.file("/etc/services.d/own/run", "#!/bin/sh\necho 'own: logged'\nexec sleep 1000\n", 0o755);
    root.file("/etc/services.d/own/log/run", "#!/bin/sh\nexec cat > /tmp/own.log\n", 0o755);
    root.file("/etc/cont-init.d/10-say", "#!/bin/sh\necho 'cont-init: said'\n", 0o755);
    root
}

const WAIT_SVC: &str = "n=0; until grep -q 'svc: err' /var/log/s6-uncaught-logs/current 2>/dev/null; do n=$((n+1)); [ $n -gt 400 ] && exit 3; sleep 0.05; done";

#[test]
fn v2_logging_1_logs_stage2_and_services_cmd_on_console() {
    let root = image();
    let cmd = format!("{WAIT_SVC}; echo 'cmd: out'; echo 'cmd: err' >&2");
    let o = root.init(&["sh", "-c", &cmd]).env("S6_LOGGING", "1").timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    // The CMD on the console; nothing else there.
    assert!(o.stdout.contains("cmd: out") && o.stderr.contains("cmd: err"), "{}\n{}", o.stdout, o.stderr);
    for s in ["svc: ", "cont-init: said", "[cont-init.d]", "[services.d]"] {
        assert!(!o.stdout.contains(s) && !o.stderr.contains(s), "{s} on the console: {}\n{}", o.stdout, o.stderr);
    }
    let dir = root.path().join(V2_DIR);
    let text = logged(&dir);
    let lines: Vec<&str> = text.lines().map(after_t).collect();
    for want in [
        "[s6-init] making user provided files available at /var/run/s6/etc...exited 0.",
        "[cont-init.d] executing container initialization scripts...",
        "cont-init: said",
        "[cont-init.d] 10-say: exited 0.",
        "svc: out",
        "svc: err",
        "[cmd] sh exited 0",
    ] {
        assert!(lines.contains(&want), "{want:?} not in the catch-all logdir: {text}");
    }
    assert!(!text.contains("cmd: ") && !text.contains("own: logged"), "{text}");
    assert!(fs::read_to_string(root.path().join("tmp/own.log")).unwrap().contains("own: logged"));
    // v2: owned by nobody (65534 in this image), mode 2700.
    let m = fs::metadata(&dir).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (65534, 65534, 0o2700));
    let fifo = fs::symlink_metadata(root.path().join("run/s6/uncaught-logs-fifo"));
    assert!(fifo.is_err() || fifo.unwrap().mode() & 0o777 == 0o600);
}

#[test]
fn v2_logging_2_takes_the_cmd_and_loses_nothing_at_shutdown() {
    let root = image();
    root.file("/etc/cont-finish.d/10-bye", "#!/bin/sh\necho 'finish: bye'\n", 0o755);
    // An orphan that says something when the final TERM comes, and one
    // that writes on until the final KILL (its last number also in a file):
    // the logger, spared, reads the pipe to its end.
    let cmd = format!(
        "{}; (trap 'echo orphan: term; exit 0' TERM; while :; do sleep 0.05; done) & \
         (trap 'i=0; while :; do echo \"stubborn: $i\"; echo $i > /tmp/last; i=$((i+1)); done' TERM; \
         while :; do sleep 0.05; done) & \
         i=0; while [ $i -lt 3000 ]; do echo \"cmd: $i\"; i=$((i+1)); done; echo 'cmd: err' >&2",
        WAIT_SVC.replace("svc: err", "svc: out")
    );
    let o = root
        .init(&["sh", "-c", &cmd])
        .env("S6_LOGGING", "2")
        // Room for every line: the stubborn writer may fill 100 archives
        // of 4 KiB within the grace time on a fast machine.
        .env("S6_LOGGING_SCRIPT", "n5000 s4096 t")
        .env("S6_KILL_GRACETIME", "300")
        .timeout(Duration::from_secs(40))
        .run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "", "the console gets nothing");
    for s in ["svc: ", "cmd: ", "cont-init: ", "finish: ", "orphan: ", "[cont-init.d]"] {
        assert!(!o.stderr.contains(s), "{s} on the console: {}", o.stderr);
    }
    let text = logged(&root.path().join(V2_DIR));
    let mut k = 0;
    let mut seen = Vec::new();
    for l in text.lines() {
        // t: a TAI64N label, then a space.
        assert!(l.len() > 26 && l.starts_with("@40000000") && &l[25..26] == " ", "not t-stamped: {l:?}");
        let l = &l[26..];
        if l.starts_with("stubborn: ") {
            seen.push(l.to_string());
            continue;
        }
        if let Some(n) = l.strip_prefix("cmd: ") {
            if n == "err" {
                continue;
            }
            assert_eq!(n, k.to_string(), "CMD line {k} lost or out of order ({} archives)", archives(&root));
            k += 1;
        }
        seen.push(l.to_string());
    }
    assert_eq!(k, 3000, "CMD lines kept: {k}");
    // (A KILL between the truncation and the write leaves it empty.)
    let last = fs::read_to_string(root.path().join("tmp/last")).unwrap_or_default();
    let last: u32 = last.trim().parse().unwrap_or(0);
    let stubborn: Vec<u32> = seen.iter().filter_map(|l| l.strip_prefix("stubborn: ")?.parse().ok()).collect();
    assert!(stubborn.iter().enumerate().all(|(i, &n)| i as u32 == n), "stubborn lines lost");
    assert!(stubborn.len() as u32 > last, "stubborn: {} logged, {last} written", stubborn.len());
    // The logger ended by itself at the end of its input (s6-log makes
    // `current` 0744 then), not by the KILL.
    let m = fs::metadata(root.path().join(V2_DIR).join("current")).unwrap();
    assert_eq!(m.mode() & 0o777, 0o744, "the catch-all logger did not end cleanly");
    assert!(stubborn.len() > 10, "the final KILL round was not reached: {}", stubborn.len());
    // Rotated at s4096: archives and current, in order.
    assert!(fs::read_dir(root.path().join(V2_DIR)).unwrap().count() > 10);
    for want in
        ["[cmd] sh exited 0", "finish: bye", "orphan: term", "[s6-finish] sending all processes the TERM signal."]
    {
        assert!(seen.iter().any(|l| l == want), "{want:?} not logged:\n{text}");
    }
}

#[test]
fn v3_layout_logdir_user_and_console_copy() {
    for level in ["1", "2"] {
        let root = image();
        fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
        let cmd = "echo 'cmd: v3'; n=0; until grep -q 'cmd: v3' /run/uncaught-logs/current 2>/dev/null; \
                   do n=$((n+1)); [ $n -gt 400 ] && exit 3; sleep 0.05; done; \
                   until grep -q 'svc: err' /run/uncaught-logs/current; do sleep 0.05; done; \
                   cp /run/uncaught-logs/current /tmp/current; ls -lnd /run/uncaught-logs > /tmp/ls; \
                   ls -ln /run/service/s6-svscan-log/fifo >> /tmp/ls";
        let o = root
            .init(&["sh", "-c", cmd])
            .env("S6_LOGGING", level)
            .env("S6_CATCHALL_USER", "nobody")
            .timeout(Duration::from_secs(40))
            .run();
        assert_eq!(o.code(), 0, "S6_LOGGING={level}\nstdout: {}\nstderr: {}", o.stdout, o.stderr);
        let cur = fs::read_to_string(root.path().join("tmp/current")).unwrap();
        let lines: Vec<&str> = cur.lines().map(after_t).collect();
        for want in ["svc: out", "svc: err", "cmd: v3", "cont-init: said"] {
            assert!(lines.contains(&want), "S6_LOGGING={level}: {want:?} not logged: {cur}");
        }
        let ls = fs::read_to_string(root.path().join("tmp/ls")).unwrap();
        assert!(ls.starts_with("drwxr-s---") && ls.contains(" 65534    65534 "), "{ls}");
        assert!(ls.lines().nth(1).unwrap().starts_with("prw-------"), "{ls}");
        // v3: the CMD goes to the logger; 1 copies every line, unstamped,
        // to the console's stderr, 2 does not.
        assert!(!o.stdout.contains("cmd: v3"), "{}", o.stdout);
        let copied = o.stderr.lines().any(|l| l == "svc: out") && o.stderr.lines().any(|l| l == "cmd: v3");
        assert_eq!(copied, level == "1", "S6_LOGGING={level}: {}", o.stderr);
    }
}

/// A second boot of the same container, its catch-all logger run as
/// another user: v3 starts the logdir afresh (s6-overlay removes it), v2
/// keeps it, its files given to the new user; both log the new boot.
#[test]
fn second_boot_with_another_catchall_user_logs() {
    for v3 in [true, false] {
        let root = image();
        let dir = if v3 { "/run/uncaught-logs" } else { "/var/log/s6-uncaught-logs" };
        if v3 {
            fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
        }
        for (boot, user) in [("boot-1", "root"), ("boot-2", "nobody")] {
            let cmd = format!(
                "echo '{boot}: cmd' >&2; n=0; until grep -q '{boot}: cmd' {dir}/current 2>/dev/null; \
                 do n=$((n+1)); [ $n -gt 200 ] && exit 3; sleep 0.05; done; cat {dir}/current > /tmp/{boot}"
            );
            let o = root
                .init(&["sh", "-c", &cmd])
                .env("S6_LOGGING", "2")
                .env("S6_CATCHALL_USER", user)
                .timeout(Duration::from_secs(40))
                .run();
            assert_eq!(o.code(), 0, "v3 {v3} {boot}\nstdout: {}\nstderr: {}", o.stdout, o.stderr);
            assert!(!o.stderr.contains("unable to"), "v3 {v3} {boot}: {}", o.stderr);
        }
        let second = fs::read_to_string(root.path().join("tmp/boot-2")).unwrap();
        assert_eq!(second.contains("boot-1: cmd"), !v3, "v3 {v3}: {second}");
    }
}

/// The logger's host pid (PID 1's child running `s6-log -bp`).
fn logger(c: &mut Container) -> Option<i32> {
    c.children_of_pid1()
        .into_iter()
        // Under qemu-user the command line starts with the emulator's own words.
        .find(|p| fs::read(format!("/proc/{p}/cmdline")).is_ok_and(|l| l.windows(11).any(|w| w == b"s6-log\0-bp\0")))
}

#[test]
fn logger_restarts_lose_nothing() {
    let _t = timing();
    let root = Root::new();
    const N: u32 = 20000;
    root.file(
        "/etc/services.d/count/run",
        &format!(
            "#!/bin/sh\ni=0; while [ $i -lt {N} ]; do echo \"n $i\"; i=$((i+1)); \
             [ $((i % 400)) = 0 ] && sleep 0.05; done; echo 'count: done'; exec sleep 1000\n"
        ),
        0o755,
    );
    let cmd = "n=0; until [ -e /tmp/stop ]; do n=$((n+1)); [ $n -gt 2400 ] && exit 3; sleep 0.05; done";
    let mut c = root.init(&["sh", "-c", cmd]).env("S6_LOGGING", "1").timeout(Duration::from_secs(150)).start();
    let dir = root.path().join(V2_DIR);
    let mut pids = Vec::new();
    for _ in 0..6 {
        let mut pid = None;
        wait_until("a (new) catch-all logger", Duration::from_secs(20), || {
            pid = logger(&mut c).filter(|p| !pids.contains(p));
            pid.is_some()
        });
        let p = pid.unwrap();
        pids.push(p);
        std::thread::sleep(Duration::from_millis(150));
        // HUP: the logger ends (what it read is written); PID 1 restarts it.
        assert!(std::process::Command::new("kill").args(["-HUP", &p.to_string()]).status().unwrap().success());
    }
    wait_until("the service's last line", Duration::from_secs(60), || logged(&dir).contains("count: done"));
    fs::write(root.path().join("tmp/stop"), "").unwrap();
    let o = c.wait();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("n 1"), "service lines on the console: {}", o.stderr);
    let text = logged(&dir);
    let mut k = 0;
    for l in text.lines().map(after_t) {
        if let Some(n) = l.strip_prefix("n ") {
            assert_eq!(n, k.to_string(), "line {k} lost, doubled or out of order");
            k += 1;
        }
    }
    assert_eq!(k, N);
}

#[test]
fn unknown_catchall_user_stops_the_boot() {
    let root = image();
    let o = root.init(&["echo", "ran"]).env("S6_LOGGING", "1").env("S6_CATCHALL_USER", "nosuch").run();
    assert_eq!(o.code(), 100, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(o.stderr.contains("init: fatal: unknown user in S6_CATCHALL_USER: nosuch"), "{}", o.stderr);
    assert!(!o.stdout.contains("ran") && !o.stderr.contains("svc: "), "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_logger_that_cannot_write_leaves_everything_on_the_console() {
    // The logdir cannot be made (read-only root): said, console as with 0.
    let root = image();
    fs::create_dir_all(root.path().join("var/log")).unwrap();
    let o = root.init(&["sh", "-c", "sleep 0.5; echo 'cmd: ran'"]).env("S6_LOGGING", "2").read_only().run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(
            "init: warning: no catch-all logger (S6_LOGGING): unable to set up /var/log/s6-uncaught-logs: Read-only file system"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stdout.contains("svc: out") && o.stdout.contains("cmd: ran"), "{}", o.stdout);
    // The logdir is a file: the logger fails at once, twice, then its
    // input (what waited in the fifo included) goes to the console.
    let root = image();
    root.file(&format!("/{V2_DIR}"), "not a directory\n", 0o644);
    let o = root
        .init(&[
            "sh",
            "-c",
            "n=0; until [ -e /tmp/go ]; do n=$((n+1)); [ $n -gt 600 ] && exit 3; sleep 0.05; done; echo 'cmd: ran'",
        ])
        .env("S6_LOGGING", "2")
        .timeout(Duration::from_secs(40))
        .start();
    let err = root.path().with_extension("stderr");
    wait_until("the console fallback", Duration::from_secs(20), || {
        fs::read_to_string(&err).unwrap_or_default().contains("svc: err")
    });
    fs::write(root.path().join("tmp/go"), "").unwrap();
    let o = o.wait();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(o.stderr.contains("s6-log: fatal: "), "{}", o.stderr);
    assert!(
        o.stderr.contains("init: warning: the catch-all logger keeps failing: its input goes to the console"),
        "{}",
        o.stderr
    );
    for s in ["cont-init: said", "svc: out", "svc: err", "cmd: ran", "[cmd] sh exited 0"] {
        assert!(o.stderr.lines().any(|l| l == s), "{s:?} lost: {}", o.stderr);
    }
}

/// `docker run -it` with `S6_LOGGING=2`: `S6_CMD_USE_TERMINAL=1` keeps the
/// CMD (an interactive shell) on the terminal; without it, its prompt goes
/// to the catch-all logger and the terminal sees nothing.
#[test]
fn cmd_use_terminal_keeps_the_cmd_on_the_terminal() {
    for terminal in ["1", "0"] {
        let root = Root::new();
        let run = root
            .init(&["sh", "-i"])
            .env("TERM", "dumb")
            .env("HOME", "/root")
            .env("S6_LOGGING", "2")
            .env("S6_CMD_USE_TERMINAL", terminal);
        let (code, out, err) = pty_session(run);
        if terminal == "1" {
            assert_eq!(code, 0, "pty session failed: {out}\n{err}");
            assert!(out.contains("after=130") && out.contains("exit=7"), "{out}");
        } else {
            // (The prompt has no newline: s6-log keeps it until the line ends.)
            assert!(out.contains("timeout='# '\nseen=''"), "the shell's prompt reached the terminal: {out}");
        }
    }
}
