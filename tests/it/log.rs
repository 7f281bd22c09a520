//! `s6-log` against Debian's (package `s6`, 2.11) on the same input and
//! script, `logutil-service` through `/init`, the loss-free contract under
//! restarts and a full disk, and the ERE matcher against glibc's `regexec`.
//!
//! 2.15 differs from 2.11 (spec/skarnet.md §0) in `-t` and `R`: those are
//! tested on ours only. Time stamps are compared by shape (every hex digit
//! masked), everything else byte for byte.
use crate::harness::*;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn theirs() -> Command {
    let p = Path::new("/usr/bin/s6-log");
    assert!(p.exists(), "/usr/bin/s6-log missing: apt-get install s6");
    Command::new(p)
}

fn ours() -> Command {
    let mut c = Command::new(rs6());
    c.arg("s6-log");
    c
}

struct Out {
    code: i32,
    out: Vec<u8>,
    err: String,
}

/// Run with `input` on stdin, in `cwd`, with a time limit.
fn run(mut c: Command, args: &[&str], input: &[u8], cwd: &Path) -> Out {
    let r = run_timed(c.args(args).current_dir(cwd), Some(input), Duration::from_secs(120));
    Out { code: r.status.code().unwrap_or(-1), err: r.err(), out: r.out }
}

/// `harness::wait_child`'s exit code (-1: killed by a signal).
fn wait_code(ch: &mut Child, limit: Duration) -> i32 {
    wait_child(ch, limit).code().unwrap_or(-1)
}

fn both(args: &[&str], input: &[u8]) -> (Out, Out, TempDir, TempDir) {
    let (a, b) = (TempDir::new("log-ours"), TempDir::new("log-theirs"));
    let o = run(ours(), args, input, a.path());
    let t = run(theirs(), args, input, b.path());
    (o, t, a, b)
}

/// Hex digits masked: time stamps compare by shape.
fn mask(s: &[u8]) -> String {
    s.iter().map(|&c| if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() { 'x' } else { c as char }).collect()
}

#[test]
fn selection_and_actions_match_debian() {
    let input = b"info: hello\nfatal: boom\nSTAT 42\ndebug: x\nother\n";
    let args = ["--", "-", "+fatal:", "2", "-", "+^STAT", "=./st.txt", "f", "pPFX", "1", "+", "-debug", "p", "1"];
    let (o, t, a, b) = both(&args, input);
    assert_eq!((o.code, &o.out, &o.err), (t.code, &t.out, &t.err));
    assert_eq!(o.out, b"PFX info: hello\ninfo: hello\nfatal: boom\nSTAT 42\nPFX debug: x\nPFX other\nother\n");
    assert_eq!(fs::read(a.path().join("st.txt")).unwrap(), fs::read(b.path().join("st.txt")).unwrap());
    // E, ^ and a regex with classes, alternation and bounds.
    let input = b"abcdefgh\nkeep 123\nx 12\nzz\n";
    for args in
        [&["E4", "2"][..], &["^5", "+^(keep|zz)", "=./f", "-", "+[[:digit:]]{3}$", "1"], &["--", "-^[^a-k]", "1"]]
    {
        let (o, t, a, b) = both(args, input);
        assert_eq!((o.code, &o.out, &o.err), (t.code, &t.out, &t.err), "{args:?}");
        assert_eq!(fs::read(a.path().join("f")).ok(), fs::read(b.path().join("f")).ok(), "{args:?}");
    }
}

#[test]
fn stamps_have_s6_log_shapes() {
    for args in [
        &["t", "1"][..],
        &["T", "1"],
        &["t", "T", "1"],
        &["T", "t", "1"],
        &["t", "pP", "1"],
        &["T", "2"],
        &["t", "=./f", "1"],
    ] {
        let (o, t, a, b) = both(args, b"LINE ONE\nLINE TWO\n");
        assert_eq!(o.code, 0);
        assert_eq!(mask(&o.out), mask(&t.out), "{args:?}");
        assert_eq!(mask(o.err.as_bytes()), mask(t.err.as_bytes()), "{args:?}");
        assert_eq!(
            fs::read(a.path().join("f")).ok().map(|f| mask(&f)),
            fs::read(b.path().join("f")).ok().map(|f| mask(&f))
        );
    }
    // T is local time: TZ honoured, same clock reading shape as Debian's.
    for tz in ["Asia/Tokyo", "America/New_York", "UTC0", "<+0530>-5:30"] {
        let d = TempDir::new("log-tz");
        let mut c = ours();
        c.env("TZ", tz);
        let o = run(c, &["T", "1"], b"x\n", d.path());
        let mut c = theirs();
        c.env("TZ", tz);
        let t = run(c, &["T", "1"], b"x\n", d.path());
        // Same date, hour and minute (retry across a minute boundary).
        let (o, t) = (String::from_utf8(o.out).unwrap(), String::from_utf8(t.out).unwrap());
        if o[..16] != t[..16] {
            let mut c = ours();
            c.env("TZ", tz);
            let o2 = String::from_utf8(run(c, &["T", "1"], b"x\n", d.path()).out).unwrap();
            assert_eq!(&o2[..13], &t[..13], "TZ={tz}");
        }
        assert_eq!(o.len(), t.len());
    }
}

#[test]
fn line_splitting_partial_last_line_and_limit() {
    let long = "y".repeat(10000);
    let inputs: Vec<Vec<u8>> =
        vec![b"a\0b\nc\nno-newline".to_vec(), b"abc".to_vec(), format!("{long}\nshort\n").into_bytes()];
    for input in &inputs {
        for args in [&["1"][..], &["-l", "100", "1"], &["-l", "10", "1"], &["-l", "0", "1"]] {
            let (o, t, _a, _b) = both(args, input);
            let lossy = |o: &Out| (o.code, String::from_utf8_lossy(&o.out).into_owned(), o.err.clone());
            assert!(
                lossy(&o) == lossy(&t),
                "{args:?} on {:?}…: ours {:?}, theirs {:?}",
                &input[..input.len().min(20)],
                lossy(&o),
                lossy(&t)
            );
        }
    }
}

#[test]
fn bad_scripts_fail_as_s6_log() {
    let (_x, y) = (TempDir::new("log-bad"), TempDir::new("log-bad"));
    fs::write(_x.path().join("file"), "").unwrap();
    fs::write(y.path().join("file"), "").unwrap();
    for args in [
        &["foo"][..],
        &["x1"],
        &["n5"],
        &["+a("],
        &["+a(", "1"],
        &["+a{2,1}", "1"],
        &["t1"],
        &["="],
        &["sabc"],
        &["s4096", "l3000", "./d"],
        &["./file"],
        &["/nonexistent/dir"],
        &["1", "+x"],
        &["-z", "1"],
        &["-d", "2", "1"],
        &["-d", "7", "1"],
        &["-d", "99999999999", "1"],
    ] {
        let o = run(ours(), args, b"a\n", _x.path());
        let t = run(theirs(), args, b"a\n", y.path());
        assert_eq!(o.code, t.code, "{args:?}: {} / {}", o.err, t.err);
        if !t.err.contains("usage:") {
            assert_eq!(o.err, t.err, "{args:?}");
        }
        assert!(
            o.code == 0 || o.err.starts_with("s6-log: fatal: ") || o.err.starts_with("s6-log: usage: "),
            "{}",
            o.err
        );
    }
}

fn files(d: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let n = e.file_name().into_string().unwrap();
            let m = e.metadata().unwrap().mode() & 0o7777;
            let n = if n.starts_with('@') { format!("@{}", &n[25..]) } else { n };
            (n, m, fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort_by(|a, b| (a.0.as_str(), &a.2).cmp(&(b.0.as_str(), &b.2)));
    v
}

/// Archives in time order, then current.
fn contents(d: &Path) -> Vec<Vec<u8>> {
    let mut names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('@'))
        .collect();
    names.sort();
    names.push("current".into());
    names.iter().filter_map(|n| fs::read(d.join(n)).ok()).collect()
}

fn total(d: &Path) -> u64 {
    fs::read_dir(d).map(|r| r.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
}

/// Feed lines one at a time, each once the logdir holds the previous one
/// (so Debian's s6-log writes them one by one), then close.
fn trickle(mut c: Command, args: &[&str], cwd: &Path, lines: &[String], ld: &Path) -> i32 {
    let mut ch = c.args(args).current_dir(cwd).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let mut i = ch.stdin.take().unwrap();
    let mut sent = 0u64;
    for l in lines {
        i.write_all(l.as_bytes()).unwrap();
        sent += l.len() as u64;
        wait_until("the line to reach the logdir", Duration::from_secs(10), || total(ld) >= sent);
    }
    drop(i);
    wait_code(&mut ch, Duration::from_secs(20))
}

#[test]
fn logdir_rotation_and_layout_match_debian() {
    let lines: Vec<String> = (0..600).map(|k| format!("line {k} {}\n", "x".repeat(k % 37))).collect();
    let all: Vec<u8> = lines.concat().into_bytes();
    let args = ["s4096", "l100", "n100", "./ld"];
    let (a, b) = (TempDir::new("log-rot"), TempDir::new("log-rot"));
    // Ours gets it all at once: archives must not depend on the chunking.
    let o = run(ours(), &args, &all, a.path());
    assert_eq!(o.code, 0, "{}", o.err);
    assert_eq!(trickle(theirs(), &args, b.path(), &lines, &b.path().join("ld")), 0);
    let (fo, ft) = (files(&a.path().join("ld")), files(&b.path().join("ld")));
    let names = |v: &Vec<(String, u32, Vec<u8>)>| v.iter().map(|x| (x.0.clone(), x.1, x.2.len())).collect::<Vec<_>>();
    assert_eq!(names(&fo), names(&ft));
    assert_eq!(contents(&a.path().join("ld")), contents(&b.path().join("ld")));
    assert_eq!(
        fs::metadata(a.path().join("ld")).unwrap().mode() & 0o7777,
        fs::metadata(b.path().join("ld")).unwrap().mode() & 0o7777
    );
    assert!(fo.iter().filter(|f| f.0.starts_with('@')).count() > 3);
    assert!(fo.iter().any(|f| f.0 == "current" && f.1 == 0o744));
    // Reopened after a clean exit: appended to, and the size counts.
    let more: Vec<String> = (0..50).map(|k| format!("more {k}\n")).collect();
    let o = run(ours(), &args, more.concat().as_bytes(), a.path());
    assert_eq!(o.code, 0);
    assert_eq!(trickle(theirs(), &args, b.path(), &more, &b.path().join("ld")), 0);
    assert_eq!(contents(&a.path().join("ld")), contents(&b.path().join("ld")));
    // An unclean current becomes a .u archive.
    for d in [&a, &b] {
        fs::set_permissions(d.path().join("ld/current"), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let (o, t) = (run(ours(), &args, b"after\n", a.path()), run(theirs(), &args, b"after\n", b.path()));
    assert_eq!((o.code, t.code), (0, 0));
    assert_eq!(names(&files(&a.path().join("ld"))), names(&files(&b.path().join("ld"))));
    assert!(files(&a.path().join("ld")).iter().any(|f| f.0 == "@.u"));
    assert_eq!(contents(&a.path().join("ld")), contents(&b.path().join("ld")));
    // A second logger on a locked logdir.
    let mut hold = ours().args(["./ld"]).current_dir(a.path()).stdin(Stdio::piped()).spawn().unwrap();
    wait_until("the logdir to be locked", Duration::from_secs(5), || {
        fs::metadata(a.path().join("ld/current")).unwrap().mode() & 0o100 == 0
    });
    let o = run(ours(), &["./ld"], b"", a.path());
    let t = run(theirs(), &["./ld"], b"", a.path());
    assert_eq!((o.code, &o.err), (t.code, &t.err));
    assert_eq!(o.code, 111);
    drop(hold.stdin.take());
    assert_eq!(wait_code(&mut hold, Duration::from_secs(10)), 0);
}

#[test]
fn signals_rotate_and_end_as_s6_log() {
    let _t = timing();
    for (c, dirname) in [(ours(), "o"), (theirs(), "t")] {
        let d = TempDir::new(&format!("log-sig-{dirname}"));
        let ld = d.path().join("ld");
        let mut c = c;
        let mut ch = c
            .args(["n2", "./ld", "1"])
            .current_dir(d.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut i = ch.stdin.take().unwrap();
        for k in 0..4 {
            let l = format!("rot {k}\n");
            i.write_all(l.as_bytes()).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            while fs::read(ld.join("current")).unwrap_or_default() != l.as_bytes() {
                assert!(Instant::now() < deadline, "{dirname}: line {k} not written");
                std::thread::sleep(Duration::from_millis(1));
            }
            let before = fs::read_dir(&ld).unwrap().count();
            Command::new("kill").args(["-ALRM", &ch.id().to_string()]).status().unwrap();
            // Rotated and trimmed: current empty, the line in the newest
            // archive, at most two archives.
            while {
                let c = contents(&ld);
                !(c.len() <= 3 && c.len() >= 2 && c[c.len() - 1].is_empty() && c[c.len() - 2] == l.as_bytes())
            } {
                assert!(Instant::now() < deadline, "{dirname}: no rotation ({before}) round {k}");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let arch: Vec<_> = contents(&ld);
        assert_eq!(arch, vec![b"rot 2\n".to_vec(), b"rot 3\n".to_vec(), vec![]], "{dirname}");
        // TERM with nothing pending: exit at once, everything written.
        let t0 = Instant::now();
        Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
        assert_eq!(wait_code(&mut ch, Duration::from_secs(10)), 0);
        assert!(t0.elapsed() < Duration::from_millis(1500), "{dirname}");
        let out = read_all(ch.stdout.take().unwrap(), Duration::from_secs(10));
        assert_eq!(out, "rot 0\nrot 1\nrot 2\nrot 3\n", "{dirname}");
        assert_eq!(fs::metadata(ld.join("current")).unwrap().mode() & 0o777, 0o744, "{dirname}");
    }
    // TERM with a partial line pending (2.15; 2.11 waits for the newline
    // forever): after -t (default 2000 ms) it is ended and kept.
    let d = TempDir::new("log-sig-p");
    let mut ch =
        ours().args(["./ld", "1"]).current_dir(d.path()).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut i = ch.stdin.take().unwrap();
    i.write_all(b"x\nabc").unwrap();
    wait_until("the first line", Duration::from_secs(10), || {
        fs::read(d.path().join("ld/current")).unwrap_or_default() == b"x\n"
    });
    std::thread::sleep(Duration::from_millis(50));
    let t0 = Instant::now();
    Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
    assert_eq!(wait_code(&mut ch, Duration::from_secs(10)), 0);
    let el = t0.elapsed();
    assert!(el >= Duration::from_millis(1950) && el < Duration::from_secs(5), "{el:?}");
    assert_eq!(fs::read(d.path().join("ld/current")).unwrap(), b"x\nabc\n");
    // -t (2.15 only): the timeout for the last line.
    let d = TempDir::new("log-sig-t");
    let mut ch = ours()
        .args(["-t", "300", "1"])
        .current_dir(d.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut i = ch.stdin.take().unwrap();
    i.write_all(b"x\nabc").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let t0 = Instant::now();
    Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
    assert_eq!(wait_code(&mut ch, Duration::from_secs(10)), 0);
    assert!(
        t0.elapsed() >= Duration::from_millis(290) && t0.elapsed() < Duration::from_millis(1900),
        "{:?}",
        t0.elapsed()
    );
    let out = read_all(ch.stdout.take().unwrap(), Duration::from_secs(10));
    assert_eq!(out, "x\nabc\n");
    // TERM or HUP, then the writer closes with a partial line pending: the
    // line is ended and kept at once, as Debian's does (not dropped).
    for who in ["ours", "theirs"] {
        for sig in ["-TERM", "-HUP"] {
            let d = TempDir::new("log-sig-eof");
            let mut c = if who == "ours" { ours() } else { theirs() };
            let mut ch = c
                .args(["./ld", "1"])
                .current_dir(d.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut i = ch.stdin.take().unwrap();
            i.write_all(b"x\nabc").unwrap();
            wait_until("the first line", Duration::from_secs(10), || {
                fs::read(d.path().join("ld/current")).unwrap_or_default() == b"x\n"
            });
            std::thread::sleep(Duration::from_millis(50));
            Command::new("kill").args([sig, &ch.id().to_string()]).status().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            let t0 = Instant::now();
            drop(i);
            assert_eq!(wait_code(&mut ch, Duration::from_secs(10)), 0, "{who} {sig}");
            assert!(t0.elapsed() < Duration::from_millis(1500), "{who} {sig}: {:?}", t0.elapsed());
            assert_eq!(fs::read(d.path().join("ld/current")).unwrap(), b"x\nabc\n", "{who} {sig}");
            let out = read_all(ch.stdout.take().unwrap(), Duration::from_secs(10));
            assert_eq!(out, "x\nabc\n", "{who} {sig}");
        }
    }
}

/// Status files (`=`): `-q` silences a failure's warning, and a failed
/// replacement leaves no `FILE.new` behind (as Debian's).
#[test]
fn status_file_failures_as_s6_log() {
    let (o, t, a, b) = both(&["-q", "=/nonexistent/st"], b"x\n");
    assert_eq!((o.code, o.err.as_str()), (t.code, t.err.as_str()));
    assert_eq!(o.err, "");
    for d in [&a, &b] {
        fs::create_dir(d.path().join("sd")).unwrap();
    }
    let o = run(ours(), &["=./sd"], b"x\n", a.path());
    let t = run(theirs(), &["=./sd"], b"x\n", b.path());
    assert_eq!(o.code, t.code);
    assert!(o.err.contains("unable to write status file ./sd"), "{}", o.err);
    assert!(!a.path().join("sd.new").exists() && !b.path().join("sd.new").exists());
}

#[test]
fn processor_output_is_archived() {
    // 2.11 gives the processor no descriptor 5 (newstate): that part is
    // checked on ours only.
    for (c, n) in [(ours(), "o"), (theirs(), "t")] {
        let d = TempDir::new(&format!("log-proc-{n}"));
        let fd5 = if n == "o" { "echo state >&5" } else { "true" };
        let prog = format!("!sh -c \"echo PROCESSED; tr a-z A-Z; cat <&4; {fd5}\"");
        let args = ["s4096", "l100", &prog, "./ld"];
        let lines: String = (0..300).map(|k| format!("line number {k}\n")).collect();
        let o = run(c, &args, lines.as_bytes(), d.path());
        assert_eq!(o.code, 0, "{n}: {}", o.err);
        let ld = d.path().join("ld");
        let c = contents(&ld);
        assert!(c.len() >= 2, "{n}");
        let first = String::from_utf8(c[0].clone()).unwrap();
        assert!(first.starts_with("PROCESSED\nLINE NUMBER 0\n"), "{n}: {first}");
        let st = fs::read_to_string(ld.join("state")).unwrap();
        assert_eq!(st, if n == "o" { "state\n" } else { "" }, "{n}");
        let mode = fs::metadata(ld.join("current")).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o744);
    }
}

/// A processor that fails or crashes: s6-log's warning at each try
/// (every `r` ms), naming how, and the lines kept for the next try.
#[test]
fn failing_processor_warned_at_each_try_as_s6_log() {
    for (prog, how) in [("!sh -c \"exit 3\"", "failed"), ("!sh -c \"kill -9 \\$\\$\"", "crashed")] {
        let mut got = Vec::new();
        for (mut c, n) in [(ours(), "o"), (theirs(), "t")] {
            let d = TempDir::new(&format!("log-procfail-{n}"));
            let mut ch = c
                .args(["r100", "s4096", prog, "./ld"])
                .current_dir(d.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let lines: String = (0..300).map(|k| format!("line number {k}\n")).collect();
            ch.stdin.as_mut().unwrap().write_all(lines.as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(900));
            ch.kill().unwrap();
            let mut err = String::new();
            ch.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            ch.wait().unwrap();
            let mut set: Vec<&str> = err.lines().collect();
            assert!(set.len() >= 3, "{n} {how}: tried {} times in 900 ms at r100: {err}", set.len());
            set.dedup();
            got.push(set.iter().map(|l| l.to_string()).collect::<Vec<_>>());
            // Nothing lost: what the processor did not take is in `previous` and `current`.
            let ld = d.path().join("ld");
            let kept =
                fs::read_to_string(ld.join("previous")).unwrap() + &fs::read_to_string(ld.join("current")).unwrap();
            assert!(kept.starts_with("line number 0\n"), "{n} {how}: {kept}");
        }
        assert_eq!(got[0], [format!("s6-log: warning: processor {how} in ./ld")], "{how}: theirs {:?}", got[1]);
        assert_eq!(got[0], got[1], "{how}");
    }
}

/// `-l 0`: no line limit; a 3 MB line is logged whole, as s6-log does.
#[test]
fn no_line_limit_keeps_a_long_line_whole() {
    let mut input = "z".repeat(3_000_000).into_bytes();
    input.extend_from_slice(b"\nshort\n");
    let (o, t, _a, _b) = both(&["-l", "0", "1"], &input);
    assert_eq!((o.code, o.out.len(), &o.err), (t.code, t.out.len(), &t.err));
    assert!(o.out == input && t.out == input, "ours {} bytes, theirs {}", o.out.len(), t.out.len());
}

/// The loss test's inner part: runs inside its own mount namespace (see
/// `no_line_lost_across_restarts_and_a_full_disk`), with a small tmpfs at
/// `$RS6_LOSS_DIR`.
#[test]
#[ignore]
fn loss_inner() {
    let Ok(dir) = std::env::var("RS6_LOSS_DIR") else { return };
    let dir = PathBuf::from(dir);
    let ld = dir.join("ld");
    let (r, mut w) = std::io::pipe().unwrap();
    const N: usize = 100_000;
    let writer = std::thread::spawn(move || {
        let mut k = 0;
        while k < N {
            let mut chunk = String::new();
            for _ in 0..50.min(N - k) {
                chunk.push_str(&format!("{k:06}\n"));
                k += 1;
            }
            w.write_all(chunk.as_bytes()).unwrap();
            // Paced, so that the writer is still at work across the restarts.
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    // Each logger is started with `-d 3` on a fifo, and signalled only once it has said it is ready:
    // a TERM that came before it set up its signals would kill it by the default action (under
    // qemu-user, 30 ms after the spawn is not always enough for that).
    let ready = dir.join("ready");
    let _ = fs::remove_file(&ready);
    assert!(Command::new("mkfifo").arg(&ready).status().unwrap().success());
    let start = |r: &std::io::PipeReader| {
        // (Killed with this process, which the outer test may kill.)
        let ch = dies_with_parent("sh")
            .args(["-c", "exec \"$0\" s6-log -d 3 -t 10000 r100 n1000 s65536 \"$1\" 3>\"$2\""])
            .arg(rs6())
            .arg(&ld)
            .arg(&ready)
            .stdin(r.try_clone().unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut note = String::new();
        fs::File::open(&ready).unwrap().read_to_string(&mut note).unwrap();
        assert_eq!(note, "\n", "the logger did not say it was ready");
        ch
    };
    let mut warned = false;
    for round in 0..20 {
        let mut ch = start(&r);
        std::thread::sleep(Duration::from_millis(30));
        if round == 7 {
            // Fill the disk for a while: the logger stalls, the writer blocks.
            let filler = dir.join("filler");
            let mut f = fs::File::create(&filler).unwrap();
            let block = vec![0u8; 4096];
            while f.write_all(&block).is_ok() {}
            drop(f);
            std::thread::sleep(Duration::from_millis(700));
            Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
            std::thread::sleep(Duration::from_millis(500));
            if let Some(st) = ch.try_wait().unwrap() {
                let err = read_all(ch.stderr.take().unwrap(), Duration::from_secs(10));
                panic!("the logger exited ({st:?}) with lines it could not write: {err}");
            }
            fs::remove_file(&filler).unwrap();
        } else {
            Command::new("kill").args(["-TERM", &ch.id().to_string()]).status().unwrap();
        }
        assert_eq!(wait_code(&mut ch, Duration::from_secs(30)), 0);
        let err = read_all(ch.stderr.take().unwrap(), Duration::from_secs(10));
        if round == 7 {
            // As s6-log: one warning at each try.
            assert!(err.matches("s6-log: warning: unable to write to ").count() >= 1, "{err}");
            assert!(err.contains("No space left on device"), "{err}");
            warned = true;
        }
    }
    let mut ch = start(&r);
    drop(r);
    writer.join().unwrap();
    assert_eq!(wait_code(&mut ch, Duration::from_secs(60)), 0);
    assert!(warned);
    let all: Vec<u8> = contents(&ld).concat();
    let text = String::from_utf8(all).unwrap();
    let mut k = 0;
    for l in text.lines() {
        assert_eq!(l, format!("{k:06}"), "line {k} lost or duplicated");
        k += 1;
    }
    assert_eq!(k, N);
    println!("LOSS-OK");
}

#[test]
fn no_line_lost_across_restarts_and_a_full_disk() {
    require_root();
    let _t = timing();
    let d = TempDir::new("log-loss");
    let exe = std::env::current_exe().unwrap();
    let script = "mount -t tmpfs -o size=1200k tmpfs \"$RS6_LOSS_DIR\" && exec \"$@\"";
    let mut ch = unshare()
        .args(["--mount", "--propagation", "private", "sh", "-c", script, "sh"])
        .arg(exe)
        .args(["--exact", "log::loss_inner", "--ignored", "--nocapture", "--test-threads=1"])
        .env("RS6_LOSS_DIR", d.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let code = wait_code(&mut ch, Duration::from_secs(240));
    let out = read_all(ch.stdout.take().unwrap(), Duration::from_secs(10));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("LOSS-OK"), "{out}");
}

#[test]
fn regex_agrees_with_glibc_regexec() {
    let d = TempDir::new("log-re");
    let src = d.path().join("re.c");
    fs::write(
        &src,
        r#"#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
/* One child per case, with a time limit: glibc's matcher can loop for
   a very long time on nested loops that match the empty string (T). */
int main(void) {
  char p[512], s[512];
  while (fgets(p, sizeof p, stdin) && fgets(s, sizeof s, stdin)) {
    p[strcspn(p, "\n")] = 0; s[strcspn(s, "\n")] = 0;
    pid_t pid = fork();
    if (!pid) {
      regex_t r;
      alarm(1);
      if (regcomp(&r, p, REG_EXTENDED | REG_NOSUB | REG_NEWLINE)) _exit(2);
      _exit(regexec(&r, s, 0, 0, 0) ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    puts(!WIFEXITED(st) ? "T" : WEXITSTATUS(st) == 2 ? "E" : WEXITSTATUS(st) ? "1" : "0");
  }
  return 0;
}"#,
    )
    .unwrap();
    let bin = d.path().join("re");
    let st = Command::new("gcc").arg("-O").arg("-o").arg(&bin).arg(&src).status().expect("gcc");
    assert!(st.success());
    // Random valid EREs over a small alphabet, and strings to try them on.
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut rnd = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    fn mkre(rnd: &mut dyn FnMut(u64) -> u64, depth: u32) -> String {
        let atom = match rnd(if depth > 2 { 6 } else { 8 }) {
            0 => "a".into(),
            1 => "b".into(),
            2 => ".".into(),
            3 => ["[ab]", "[^a]", "[[:digit:]c]", "[a-c]", "[]a]", "[^]b-]"][rnd(6) as usize].into(),
            4 => "c".into(),
            // glibc's GNU operators too: classes and anchors.
            5 => ["1", "1", "1", "\\w", "\\W", "\\s", "\\S", "\\b", "\\B", "\\<", "\\>", "\\`", "\\'"]
                [rnd(13) as usize]
                .into(),
            6 => format!("({})", mkre(rnd, depth + 1)),
            _ => format!("({}|{})", mkre(rnd, depth + 1), mkre(rnd, depth + 1)),
        };
        // Bounds only on single atoms: glibc expands nested bounds and
        // takes exponential time on them.
        let simple = !atom.starts_with('(');
        let atom = match if simple { rnd(9) } else { rnd(3) } {
            0 => format!("{atom}*"),
            1 => format!("{atom}+"),
            2 => format!("{atom}?"),
            3 => format!("{atom}{{{}}}", rnd(3)),
            4 => format!("{atom}{{{},}}", rnd(3)),
            5 => {
                let m = rnd(3);
                format!("{atom}{{{m},{}}}", m + rnd(3))
            }
            _ => atom,
        };
        let n = 1 + rnd(3);
        let mut s = String::new();
        if rnd(6) == 0 && depth == 0 {
            s.push('^');
        }
        for _ in 0..n {
            s.push_str(&atom);
        }
        if rnd(6) == 0 && depth == 0 {
            s.push('$');
        }
        if depth == 0 && rnd(4) == 0 {
            s = format!("{s}|{}", mkre(rnd, 1));
        }
        s
    }
    let mut cases = Vec::new();
    for _ in 0..3000 {
        let p = mkre(&mut rnd, 0);
        if p.len() > 200 {
            continue;
        }
        let len = rnd(8);
        let s: String = (0..len).map(|_| ['a', 'b', 'c', '1', 'x', ' ', '_'][rnd(7) as usize]).collect();
        cases.push((p, s));
    }
    for p in [
        "a**",
        "(a|)",
        "()",
        "a{1}{2}",
        "x|",
        "[[:alpha:][:space:]]+",
        "[[.a.]-c]",
        "[[=b=]]",
        "a{,2}",
        "a)",
        "\\(",
        "[a-]",
        "\\bab\\b",
        "\\<c",
        "b\\>",
        "\\w+ \\w+",
        "^\\s*\\S",
        "[\\w]",
        "\\Ba",
        "\\`a",
        "c\\'",
        "\\1",
        "(a)\\2",
        "[a-c-e]",
        "[a-c-]",
        "[--/]",
    ] {
        cases.push((p.into(), "aab c".into()));
    }
    let input: String = cases.iter().map(|(p, s)| format!("{p}\n{s}\n")).collect();
    let o = run(Command::new(&bin), &[], input.as_bytes(), d.path());
    assert_eq!(o.code, 0);
    let verdicts: Vec<&str> = std::str::from_utf8(&o.out).unwrap().lines().collect();
    assert_eq!(verdicts.len(), cases.len());
    let mut compared = 0;
    for ((p, s), v) in cases.iter().zip(verdicts) {
        let ours = rs6::base::regex::Regex::new(p.as_bytes());
        match (v, ours) {
            ("E", Err(_)) | ("T", _) => {}
            ("E", Ok(_)) | (_, Err(_)) => {
                panic!("{p:?}: glibc {v}, ours {}", if v == "E" { "accepts" } else { "rejects" })
            }
            (v, Ok(mut r)) => {
                assert_eq!(r.is_match(s.as_bytes()), v == "1", "{p:?} on {s:?}");
                compared += 1;
            }
        }
    }
    assert!(compared > 2500, "{compared}");
}

#[test]
fn logutil_service_through_init() {
    let root = Root::new();
    fs::create_dir_all(root.path().join("var/log")).unwrap();
    root.file(
        "/etc/services.d/myapp/run",
        "#!/bin/sh\ni=0\nwhile [ $i -lt 50 ]; do echo \"line $i\"; i=$((i+1)); done\nexec sleep 1000\n",
        0o755,
    );
    root.file("/etc/services.d/myapp/log/run", "#!/bin/sh\nexec logutil-service /var/log/myapp\n", 0o755);
    root.file("/etc/cont-init.d/fifo", "#!/bin/sh\nexec logutil-newfifo -m 0622 -o nobody /run/ff.fifo\n", 0o755);
    root.file("/etc/services.d/ff/run", "#!/bin/sh\nexec logutil-service -f /run/ff.fifo /var/log/ff\n", 0o755);
    let cmd = "n=0; until grep -q 'line 49' /var/log/myapp/current 2>/dev/null; do n=$((n+1)); [ $n -gt 200 ] && exit 3; sleep 0.05; done; \
        ls -ln /run/ff.fifo; echo via-fifo > /run/ff.fifo; \
        n=0; until grep -q via-fifo /var/log/ff/current 2>/dev/null; do n=$((n+1)); [ $n -gt 200 ] && exit 4; sleep 0.05; done; \
        ls -lnd /var/log/myapp /var/log/myapp/current; head -1 /var/log/myapp/current; cat /var/log/ff/current";
    let o = root
        .init(&["sh", "-c", cmd])
        .env("S6_LOGGING_SCRIPT", "n5 s4096 t")
        .env("S6_LOGGING_CONSOLE", "1")
        .timeout(Duration::from_secs(40))
        .run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    // Owned by nobody (65534 in this image), the t stamp of the script.
    assert!(o.stdout.contains("prw--w--w-    1 65534    65534"), "{}", o.stdout);
    let dirline = o.stdout.lines().find(|l| l.ends_with("/var/log/myapp")).unwrap();
    assert!(dirline.starts_with("drwx------") && dirline.contains(" 65534    65534 "), "{dirline}");
    let first = o.stdout.lines().find(|l| l.starts_with('@')).unwrap();
    assert!(
        first.len() == 32
            && first.ends_with(" line 0")
            && mask(&first.as_bytes()[..25]) == format!("@{}", "x".repeat(24)),
        "{first}"
    );
    assert!(o.stdout.contains(" via-fifo"), "{}", o.stdout);
    // S6_LOGGING_CONSOLE=1: a copy on stderr with the service's name.
    assert!(o.stderr.contains("myapp | line 0\n") && o.stderr.contains("myapp | line 49\n"), "{}", o.stderr);
    assert!(o.stderr.contains("ff | via-fifo\n"), "{}", o.stderr);
}

/// `logutil-newfifo` as v3's script: its deprecation warning (v3 layout
/// only), whatever is at the path removed (a directory tree too), owner
/// root by default, an unknown owner refused as s6-envuidgid does, and no
/// FIFO named: exit 1 without a word.
#[test]
fn logutil_newfifo_as_v3() {
    for v3 in [true, false] {
        let root = Root::new();
        if v3 {
            fs::create_dir_all(root.path().join("etc/s6-overlay/s6-rc.d")).unwrap();
        }
        let script = "exec > /tmp/out 2>&1; mkdir -p /tmp/d/sub; touch /tmp/d/sub/x
logutil-newfifo; echo \"rc $?\"
logutil-newfifo -m 0640 /tmp/d; echo \"rc $?\"; ls -ln /tmp/d | cut -c1-10
logutil-newfifo -o nosuchuser /tmp/f; echo \"rc $?\"";
        let o = root.init(&["sh", "-c", script]).run();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        let out = fs::read_to_string(root.path().join("tmp/out")).unwrap();
        let w = if v3 {
            "logutil-newfifo: warning: this binary is deprecated, use s6-mkfifo and s6-chown instead\n"
        } else {
            ""
        };
        let want = format!("rc 1\n{w}rc 0\nprw-r-----\n{w}s6-envuidgid: fatal: unknown user: nosuchuser\nrc 1\n");
        assert_eq!(out, want, "v3 {v3}");
        let m = fs::symlink_metadata(root.path().join("tmp/d")).unwrap();
        assert_eq!((m.uid(), m.gid()), (0, 0));
    }
}

/// Details that once differed from Debian's s6-log, each on the same input:
/// `E` cuts only when that saves more than the dots, a prefix and an
/// alert are whole however long, `-l 0` lines reach stdout whole, a status
/// file that cannot be written is warned about, `S` takes 64-bit sizes,
/// files get 0666 less the umask (a processed archive adds u+x to that),
/// and a broken stdout is said once.
#[test]
fn edge_cases_match_debian() {
    let long = "y".repeat(3000);
    let prefix = format!("p{}", "P".repeat(150));
    let big = format!("{}\nshort\n", "z".repeat(100_000));
    let cases: Vec<(Vec<&str>, Vec<u8>)> = vec![
        (vec!["E10", "2"], b"1234567890123\n12345678901234\n".to_vec()),
        (vec![&prefix, "1"], b"a\n".to_vec()),
        (vec!["E0", "2"], format!("{long}\n").into_bytes()),
        (vec!["-l", "0", "1"], big.clone().into_bytes()),
        (vec!["=./nodir/st", "1"], b"a\nb\n".to_vec()),
        (vec!["S5000000000", "./ld"], b"x\n".to_vec()),
        // glibc's GNU operators in selections.
        (vec!["--", "-", "+^\\s+", "+\\<DEBUG\\>", "1"], b"hello world\n  spaced\nDEBUG: x\nDEBUGGING\n".to_vec()),
        // -q and -v count down and up (a warning shows at 1 and more).
        (vec!["-v", "-q", "--", "1", "+"], b"a\n".to_vec()),
        (vec!["-q", "-q", "-v", "--", "1", "+"], b"a\n".to_vec()),
        (vec!["-q", "--", "1", "+"], b"a\n".to_vec()),
    ];
    for (args, input) in &cases {
        let (o, t, a, b) = both(args, input);
        assert_eq!((o.code, &o.out, &o.err), (t.code, &t.out, &t.err), "{args:?}");
        let (la, lb) = (a.path().join("ld"), b.path().join("ld"));
        if la.exists() || lb.exists() {
            assert_eq!(files(&la), files(&lb), "{args:?}");
        }
    }
    // Modes under two umasks, through a shell that sets it.
    for umask in ["0", "077"] {
        let mut got = vec![];
        for (c, n) in [(ours(), "o"), (theirs(), "t")] {
            let d = TempDir::new(&format!("log-umask-{n}"));
            let prog = c.get_program().to_str().unwrap().to_string();
            let pre: Vec<String> = c.get_args().map(|a| a.to_str().unwrap().to_string()).collect();
            let lines: String = (0..400).map(|k| format!("line {k}\n")).collect();
            let mut sh = Command::new("sh");
            sh.arg("-c").arg(format!("umask {umask}; exec \"$@\"")).arg("sh").arg(&prog).args(&pre);
            let o = run(sh, &["s4096", "!cat", "./ld", "=./st"], lines.as_bytes(), d.path());
            assert_eq!(o.code, 0, "{n}: {}", o.err);
            let mut modes = vec![];
            for e in fs::read_dir(d.path().join("ld")).unwrap() {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().to_string();
                let name = if name.starts_with('@') { name[name.len() - 2..].to_string() } else { name };
                modes.push((name, e.metadata().unwrap().mode() & 0o7777));
            }
            modes.push(("st".into(), fs::metadata(d.path().join("st")).unwrap().mode() & 0o7777));
            modes.sort();
            modes.dedup();
            got.push(modes);
        }
        assert_eq!(got[0], got[1], "umask {umask}");
    }
    // stdout closed early: one warning, the logdir still gets everything.
    let lines: String = (0..20000).map(|k| format!("line {k}\n")).collect();
    let mut errs = vec![];
    for (mut c, n) in [(ours(), "o"), (theirs(), "t")] {
        let d = TempDir::new(&format!("log-epipe-{n}"));
        let mut ch = c
            .args(["1", "./ld"])
            .current_dir(d.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(ch.stdout.take());
        ch.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
        assert_eq!(wait_code(&mut ch, Duration::from_secs(30)), 0, "{n}");
        let mut err = String::new();
        ch.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        errs.push(err);
        let all: Vec<u8> = contents(&d.path().join("ld")).concat();
        assert!(all == lines.as_bytes(), "{n}: the logdir has {} of {} bytes", all.len(), lines.len());
    }
    assert_eq!(errs[0], errs[1]);
    assert!(errs[0].contains("closing the stream"), "{}", errs[0]);
}

/// SIGALRM with nothing written since the last rotation archives nothing
/// (an idle logger with a processor fills no archive slots), as s6-log.
#[test]
fn alarm_with_an_empty_current_archives_nothing() {
    let mut names = vec![];
    for (c, n) in [(ours(), "o"), (theirs(), "t")] {
        let d = TempDir::new(&format!("log-alrm-{n}"));
        // `-d 3` (here the test's pipe): a newline once it is set up, its
        // signals included (SIGALRM's default would end it). Not read
        // from /proc: under qemu-user that shows the emulator's masks.
        let prog = c.get_program().to_owned();
        let pre: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
        let mut c = Command::new("sh");
        c.arg("-c").arg("exec \"$@\" 3>&1 >/dev/null").arg("sh").arg(prog).args(pre);
        let mut ch = c
            .args(["-d", "3", "!sh -c \"echo HDR; cat\"", "./ld"])
            .current_dir(d.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = ch.stdin.take().unwrap();
        let mut ready = [0u8; 1];
        ch.stdout.take().unwrap().read_exact(&mut ready).unwrap();
        assert_eq!(&ready, b"\n", "{n}");
        for _ in 0..2 {
            send_signal(ch.id(), 14);
            std::thread::sleep(Duration::from_millis(200));
        }
        if let Err(e) = input.write_all(b"one\n") {
            let st = ch.wait().unwrap();
            let mut err = String::new();
            ch.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("{n}: the logger is gone after two SIGALRMs ({e}): {st:?}, stderr {err:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
        send_signal(ch.id(), 14);
        std::thread::sleep(Duration::from_millis(200));
        drop(input);
        assert_eq!(wait_code(&mut ch, Duration::from_secs(10)), 0, "{n}");
        let c = contents(&d.path().join("ld"));
        names.push(c);
    }
    assert_eq!(names[0], names[1]);
    assert_eq!(names[0].len(), 2, "one archive and current: {:?}", names[0]);
}

fn send_signal(pid: u32, sig: i32) {
    let _ = Command::new("kill").arg(format!("-{sig}")).arg(pid.to_string()).status();
}
