//! s6-portable-utils' string, stamp and directory tools: `s6-quote`,
//! `s6-unquote`, `s6-quote-filter`, `s6-unquote-filter`,
//! `s6-format-filter`, `s6-expr`, `s6-clock`, `s6-tai64ndiff`,
//! `s6-uniquename`, `s6-ls`, `s6-update-symlinks` and `seekablepipe`. The
//! expected outputs were checked against upstream's programs (2.3.1 sources
//! built on skalibs).
use crate::harness::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// `rs6 ARGS` in `dir` with `stdin`: (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut c = Command::new(rs6());
    c.args(args).current_dir(dir);
    let r = run_timed(&mut c, Some(stdin), Duration::from_secs(20));
    (r.code(), r.out.clone(), r.err())
}

fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    run_in(Path::new("/"), args, stdin)
}

/// Success with this output and nothing on stderr.
fn ok(out: &[u8]) -> (i32, Vec<u8>, String) {
    (0, out.to_vec(), String::new())
}

/// A failure with this code and message, nothing on stdout.
fn err(code: i32, msg: &str) -> (i32, Vec<u8>, String) {
    (code, Vec::new(), msg.to_string())
}

/// `s6-TOOL`'s output when stdout is /dev/full: (code, stderr).
fn to_full(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut c = Command::new(rs6());
    c.args(args).stdout(fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    c.stdin(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut ch = c.spawn().unwrap();
    let mut w = ch.stdin.take().unwrap();
    let input = stdin.to_vec();
    let t = std::thread::spawn(move || std::io::Write::write_all(&mut w, &input));
    let o = ch.wait_with_output().unwrap();
    let _ = t.join();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn quote_and_unquote() {
    for (args, want) in [
        (&["s6-quote", "a\x01\x1f\x7f\u{ff}b\t\\\"x"][..], &b"\"a\\0x01\\0x1f\\0x7f\\0xc3\\0xbfb\\t\\\\\\\"x\"\n"[..]),
        (&["s6-quote", "-d", "'", "it's \"q\""], b"'it\\'s \"q\"'\n"),
        (&["s6-quote", "-d", "'\"", "a'b\"c"], b"'a\\'b\\\"c'\n"),
        (&["s6-quote", "-n", "x"], b"\"x\""),
        (&["s6-quote", "-u", "-d", "", "a\"b\n"], b"a\"b\\n\n"),
        (&["s6-quote", "--", "-n"], b"\"-n\"\n"),
        (&["s6-unquote", "\"a\\tb\\0x41\\0\\q\""], b"a\tbA\0q\n"),
        (&["s6-unquote", "-n", "-d", "'", "'it\\'s'"], b"it's"),
        (&["s6-unquote", "-d", "", "a\\nb\\\"c"], b"a\nb\"c\n"),
        (&["s6-unquote", "\"\\0\""], b"\0\n"),
    ] {
        assert_eq!(run(args, b""), ok(want), "{args:?}");
    }
    assert_eq!(
        run(&["s6-unquote", "\"abc\"def"], b""),
        (
            0,
            b"abc\n".to_vec(),
            "s6-unquote: warning: found ending quote character at position 4/7; ignoring remainder\n".into()
        )
    );
    for (args, code, msg) in [
        (&["s6-quote"][..], 100, "s6-quote: usage: s6-quote [ -n ] [ -u ] [ -d delim ] string\n"),
        (&["s6-quote", "-x", "a"], 100, "s6-quote: usage: s6-quote [ -n ] [ -u ] [ -d delim ] string\n"),
        (&["s6-quote", "-d", "", "x"], 100, "s6-quote: fatal: no character to quote with!\n"),
        (&["s6-quote", "-d", "0", "x"], 111, "s6-quote: fatal: unable to quote: Invalid argument\n"),
        (&["s6-unquote"], 100, "s6-unquote: usage: s6-unquote [ -n ] [ -d delim ] string\n"),
        (&["s6-unquote", ""], 100, "s6-unquote: fatal: the empty string isn't a quoted string\n"),
        (&["s6-unquote", "abc"], 100, "s6-unquote: fatal: invalid starting quote character\n"),
        (&["s6-unquote", "\"abc"], 100, "s6-unquote: fatal: no ending quote character\n"),
        (&["s6-unquote", "\"ab\\"], 100, "s6-unquote: fatal: unable to unquote at character 4: Broken pipe\n"),
        (&["s6-unquote", "\"a\\0x4g\""], 100, "s6-unquote: fatal: unable to unquote at character 6: Protocol error\n"),
        (
            &["s6-unquote", "-d", "a", "abca"],
            100,
            "s6-unquote: fatal: unable to unquote at character 1: Invalid argument\n",
        ),
    ] {
        assert_eq!(run(args, b""), err(code, msg), "{args:?}");
    }
    assert_eq!(
        to_full(&["s6-quote", "x"], b""),
        (111, "s6-quote: fatal: unable to write to stdout: No space left on device\n".into())
    );
}

#[test]
fn quote_filter_lines() {
    let input = b"abc\n\nx\"y\0\n\xfflast";
    assert_eq!(run(&["s6-quote-filter"], input), ok(b"\"abc\"\n\"\"\n\"x\\\"y\\0x00\"\n\"\\0xfflast\""));
    assert_eq!(run(&["s6-quote-filter", "-u", "-d", "'"], b"it's\n"), ok(b"it\\'s\n"));
    assert_eq!(run(&["s6-quote-filter"], b""), ok(b""));
    // A line longer than any buffer.
    let long = vec![b'a'; 30000];
    let (code, out, _) = run(&["s6-quote-filter", "-u"], &[&long[..], b"\n"].concat());
    assert_eq!((code, out.len()), (0, 30001));
    assert_eq!(
        run(&["s6-quote-filter", "-d", ""], b"x\n"),
        err(100, "s6-quote-filter: fatal: no character to quote with!\n")
    );
    assert_eq!(run(&["s6-quote-filter", "-d", "\\"], b""), ok(b""));
    assert_eq!(
        run(&["s6-quote-filter", "-d", "\\"], b"x\n"),
        err(111, "s6-quote-filter: fatal: unable to quote: Invalid argument\n")
    );
    assert_eq!(
        run(&["s6-quote-filter", "-n"], b""),
        err(100, "s6-quote-filter: usage: s6-quote-filter [ -u ] [ -d delim ]\n")
    );
    // Short output goes out at the flush before a read: upstream reports
    // that as a read error; long output fills the buffer first.
    assert_eq!(
        to_full(&["s6-quote-filter"], b"abc\n"),
        (111, "s6-quote-filter: fatal: unable to read from stdin: No space left on device\n".into())
    );
    assert_eq!(
        to_full(&["s6-quote-filter"], &[&long[..], b"\n"].concat()),
        (111, "s6-quote-filter: fatal: unable to write to stdout: No space left on device\n".into())
    );
}

#[test]
fn unquote_filter_strictness() {
    let input = b"abc\n\"x\n\n\"ab\\0x4g\"\n\"abc\"def\n\"ok\\t\"\nlast";
    let out = b"abc\n\"x\n\n\"ab\\0x4g\"\nabc\nok\t\nlast";
    assert_eq!(
        run(&["s6-unquote-filter"], input),
        (
            0,
            out.to_vec(),
            "s6-unquote-filter: warning: invalid starting quote character\n\
             s6-unquote-filter: warning: unable to unquote: no ending quote character\n\
             s6-unquote-filter: warning: empty line\n\
             s6-unquote-filter: warning: unable to unquote: Protocol error\n\
             s6-unquote-filter: warning: invalid starting quote character\n"
                .into()
        )
    );
    assert_eq!(run(&["s6-unquote-filter", "-q"], input), ok(out));
    // -v quotes the line with its newline, as upstream.
    assert_eq!(
        run(&["s6-unquote-filter", "-v"], &input[..input.len() - 4]),
        (
            0,
            out[..out.len() - 4].to_vec(),
            "s6-unquote-filter: warning: invalid starting quote character in line: abc\n\n\
             s6-unquote-filter: warning: unable to unquote: no ending quote character in line: \"x\n\n\
             s6-unquote-filter: warning: empty line\n\
             s6-unquote-filter: warning: unable to unquote line: \"ab\\0x4g\"\n: Protocol error\n\
             s6-unquote-filter: warning: found ending quote character at position 4/7, ignoring remainder of line: \"abc\"def\n\n"
                .into()
        )
    );
    let long = format!("x{}\n", "y".repeat(50));
    assert_eq!(
        run(&["s6-unquote-filter", "-v"], long.as_bytes()).2,
        format!("s6-unquote-filter: warning: invalid starting quote character in line: x{}...\n", "y".repeat(35))
    );
    // -w: what came before is written, then exit 100.
    assert_eq!(
        run(&["s6-unquote-filter", "-w"], b"\"a\"\nb\n\"c\"\n"),
        (100, b"a\n".to_vec(), "s6-unquote-filter: fatal: invalid starting quote character\n".into())
    );
    assert_eq!(run(&["s6-unquote-filter", "-w"], b"\n").2, "s6-unquote-filter: fatal: empty line\n");
    assert_eq!(
        run(&["s6-unquote-filter", "-w"], b"\"a").2,
        "s6-unquote-filter: fatal: unable to unquote: no ending quote character\n"
    );
    assert_eq!(run(&["s6-unquote-filter", "-d", ""], b"a\\tb\n\n"), ok(b"a\tb\n\n"));
    assert_eq!(run(&["s6-unquote-filter", "-d", "'"], b"'a\"'\n"), ok(b"a\"\n"));
    assert_eq!(
        run(&["s6-unquote-filter", "-x"], b""),
        err(100, "s6-unquote-filter: usage: s6-unquote-filter [ -q | -Q | -v | -w ] [ -d delim ]\n")
    );
    assert_eq!(
        to_full(&["s6-unquote-filter"], b"\"a\"\n"),
        (111, "s6-unquote-filter: fatal: unable to read from stdin: No space left on device\n".into())
    );
}

#[test]
fn format_filter() {
    let fmt = |args: &[&str], input: &[u8]| {
        let mut a = vec!["s6-format-filter"];
        a.extend_from_slice(args);
        run(&a, input)
    };
    assert_eq!(fmt(&["<%s> %0 %1 %2 %%", "A", "B"], b"x\ny\0z\n\nlast"), ok(b"<x> s6-format-filter A B %\n<y> s6-format-filter A B %\n<> s6-format-filter A B %\n<last> s6-format-filter A B %"));
    // Nine arguments at most; the tenth and on are not variables.
    let many: Vec<String> = (1..=11).map(|i| i.to_string()).collect();
    let mut args = vec!["%9"];
    args.extend(many.iter().map(String::as_str));
    assert_eq!(fmt(&args, b"x\n"), ok(b"9\n"));
    assert_eq!(fmt(&["plain"], b"a\nb\n"), ok(b"plain\nplain\n"));
    for bad in ["%1", "%", "%q"] {
        assert_eq!(
            fmt(&[bad], b"x\n"),
            err(111, "s6-format-filter: fatal: unable to compile format: Invalid argument\n")
        );
    }
    assert_eq!(fmt(&[], b""), err(100, "s6-format-filter: usage: s6-format-filter format [ args... ]\n"));
    assert_eq!(
        to_full(&["s6-format-filter", "%s"], b"x\n"),
        (111, "s6-format-filter: fatal: unable to read from stdin: No space left on device\n".into())
    );
}

#[test]
fn expr_evaluates_as_upstream() {
    let e = |a: &[&str]| {
        let mut argv = vec!["s6-expr"];
        argv.extend_from_slice(a);
        run(&argv, b"")
    };
    for (a, out, code) in [
        (&["1", "+", "2", "*", "3"][..], "7\n", 0),
        (&["(", "1", "+", "2", ")", "*", "3"], "9\n", 0),
        (&["4", "*", "(", "1", "+", "2", ")", "/", "3"], "4\n", 0),
        (&["-7", "/", "2"], "-3\n", 0),
        (&["-7", "%", "2"], "-1\n", 0),
        (&["2", "-", "3", "-", "4"], "-5\n", 0),
        (&["1", "<", "2", "=", "1"], "1\n", 0),
        (&["3", "<=", "2"], "0\n", 1),
        (&["0", "|", "5"], "5\n", 0),
        (&["4", "&", "5"], "4\n", 0),
        (&["4", "&", "0"], "0\n", 1),
        (&["2", "!=", "2", "|", "7", ">=", "7"], "1\n", 0),
        (&["12abc"], "12\n", 0),
        (&["+4"], "4\n", 0),
        (&["99999999999999999999"], "999999999999999999\n", 0),
        (&["9223372036854775807", "+", "1"], "-9223372036854775808\n", 0),
        // The right side of | and & is not evaluated when the left decides.
        (&["1", "|", "1", "/", "0"], "1\n", 0),
        (&["0", "&", "1", "/", "0"], "0\n", 1),
    ] {
        assert_eq!(e(a), (code, out.as_bytes().to_vec(), String::new()), "{a:?}");
    }
    for a in [&["x"][..], &["1", "+"], &["(", "1"], &["1", ")"], &["1", "2"], &["-"], &[""], &["--"], &["(", ")"]] {
        assert_eq!(e(a), err(2, "s6-expr: fatal: invalid expression\n"), "{a:?}");
    }
    assert_eq!(e(&[]), err(2, ""));
    // Division by zero traps, as upstream's on x86_64: SIGFPE.
    assert_eq!(e(&["1", "/", "0"]), err(128 + 8, ""));
    assert_eq!(e(&["-9223372036854775808", "%", "-1"]), err(128 + 8, ""));
    assert_eq!(
        to_full(&["s6-expr", "1"], b""),
        (111, "s6-expr: fatal: unable to write to stdout: No space left on device\n".into())
    );
}

/// The TAI64N label of `secs` past 2^62 and `nanos`.
fn label(secs: u64, nanos: u32) -> String {
    format!("@{:016x}{nanos:08x}", (1u64 << 62) + secs)
}

#[test]
fn tai64ndiff_prefixes() {
    let b = 1_700_000_000;
    let input = [
        format!("{} a", label(b, 0)),
        format!("{} b", label(b + 1, 500_000_000)),
        format!("{} back", label(b, 999_999_999)),
        "plain".into(),
        label(b + 5, 0),
        label(b + 5, 1),
        format!("{} far", label(b + 12_345_678_901, 0)),
        label(b, 0),
        format!("{}x", label(b + 1_234_567_890_123_456_789, 7)),
        "@4000".into(),
        format!("{} up", label(b, 3).to_uppercase()),
        label(b, 0),
    ]
    .join("\n")
        + "\n";
    let want = "[          .          ] a\n\
                [         1.500000000 ] b\n\
                [        -1.499999999 ] back\n\
                plain\n\
                [          .          ]\n\
                [         0.000000001 ]\n\
                [ 12345678895.99999999] far\n\
                [ -12345678901.0000000]\n\
                [ 1234567890123456789.]x\n\
                @4000\n\
                [          .          ] up\n\
                [        -1.999999997 ]\n";
    assert_eq!(run(&["s6-tai64ndiff"], input.as_bytes()), ok(want.as_bytes()));
    // A label alone on a last line without a newline is not one.
    assert_eq!(run(&["s6-tai64ndiff"], label(b, 0).as_bytes()), ok(label(b, 0).as_bytes()));
    assert_eq!(
        to_full(&["s6-tai64ndiff"], b"x\n"),
        (111, "s6-tai64ndiff: fatal: unable to read from stdin: No space left on device\n".into())
    );
}

#[test]
fn clock_prints_and_sets() {
    let (code, out, e) = run(&["s6-clock"], b"");
    let out = String::from_utf8(out).unwrap();
    assert_eq!((code, out.len(), e.as_str()), (0, 26, ""), "{out:?}");
    let secs = u64::from_str_radix(&out[1..17], 16).unwrap() - (1 << 62) - 37;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(out.starts_with('@') && out.ends_with('\n') && secs.abs_diff(now) < 3600, "{out:?}");
    let usage = "s6-clock: usage: s6-clock [ tai64nlabel ]\n";
    for bad in ["x", "@4000", "-n", "@40000000650000000000000g"] {
        assert_eq!(run(&["s6-clock", bad], b""), err(100, usage), "{bad}");
    }
    // Setting: never for real. In a user namespace the kernel refuses it
    // (EPERM), after the label's own checks (EINVAL).
    let set = |l: &str| {
        let r = run_timed(
            Command::new("unshare").args(["--user"]).arg(rs6()).args(["s6-clock", l]),
            None,
            Duration::from_secs(20),
        );
        (r.code(), r.out(), r.err())
    };
    let eperm = "s6-clock: fatal: unable to taia_setnow: Operation not permitted\n";
    let einval = "s6-clock: fatal: unable to taia_setnow: Invalid argument\n";
    assert_eq!(set(&format!("{}and more", label(1_700_000_000, 0))), (111, String::new(), eperm.into()));
    assert_eq!(set(&label(0, 0)), (111, String::new(), einval.into()));
    assert_eq!(set("@000000000000000000000000"), (111, String::new(), einval.into()));
}

#[test]
fn uniquename_is_unique() {
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let host = host.trim_end();
    let name = |a: &[&str]| {
        let (code, out, e) = run(a, b"");
        assert_eq!((code, e.as_str()), (0, ""), "{a:?}");
        String::from_utf8(out).unwrap()
    };
    let a = name(&["s6-uniquename", "/run/x"]);
    let b = name(&["s6-uniquename", "/run/x"]);
    assert_ne!(a, b);
    for n in [&a, &b] {
        let f: Vec<&str> = n.trim_end_matches('\n').split(':').collect();
        assert_eq!(f.len(), 5, "{n:?}");
        assert_eq!((f[0], f[3]), ("/run/x", host));
        assert!(f[1].len() == 25 && f[1].starts_with("@4") && f[2].parse::<u32>().is_ok(), "{n:?}");
        assert!(f[4].len() == 8 && f[4].bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{n:?}");
    }
    let n = name(&["s6-uniquename", "-n", "0", "p"]);
    assert_eq!(n.split(':').count(), 4, "{n:?}");
    assert_eq!(name(&["s6-uniquename", "-n", "40", ""]).trim_end().rsplit(':').next().unwrap().len(), 40);
    let usage = "s6-uniquename: usage: s6-uniquename [ -n randomlen ] prefix\n";
    for a in [&["s6-uniquename"][..], &["s6-uniquename", "-n", "x", "p"], &["s6-uniquename", "-n", "-1", "p"]] {
        assert_eq!(run(a, b""), err(100, usage), "{a:?}");
    }
}

#[test]
fn ls_lists_names() {
    let d = TempDir::new("ls");
    fs::create_dir(d.path().join("sub")).unwrap();
    for n in ["a", ".hid", "b c", "x\ny"] {
        fs::write(d.path().join(n), "").unwrap();
    }
    let ls = |a: &[&str], sep: u8| {
        let mut argv = vec!["s6-ls"];
        argv.extend_from_slice(a);
        let (code, out, e) = run_in(d.path(), &argv, b"");
        assert_eq!((code, e.as_str(), out.last().copied()), (0, "", Some(sep)), "{a:?}");
        let mut names: Vec<String> =
            out[..out.len() - 1].split(|&c| c == sep).map(|n| String::from_utf8_lossy(n).into_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(ls(&["-0", "."], 0), ["a", "b c", "sub", "x\ny"]);
    assert_eq!(ls(&["-0a", "."], 0), [".hid", "a", "b c", "sub", "x\ny"]);
    assert_eq!(ls(&["-0A", "."], 0), [".", "..", ".hid", "a", "b c", "sub", "x\ny"]);
    assert_eq!(ls(&["-x", "sub", "-0", "."], 0), ["a", "b c", "x\ny"]);
    assert_eq!(ls(&["-A", "-x", "..", "sub"], b'\n'), ["."]);
    assert_eq!(run_in(d.path(), &["s6-ls", "sub"], b""), ok(b""));
    assert_eq!(
        run_in(d.path(), &["s6-ls", "nope"], b""),
        err(111, "s6-ls: fatal: unable to open directory nope: No such file or directory\n")
    );
    assert_eq!(
        run_in(d.path(), &["s6-ls", "a"], b""),
        err(111, "s6-ls: fatal: unable to open directory a: Not a directory\n")
    );
    let usage = "s6-ls: usage: s6-ls [ -0 ] [ -a | -A ] [ -x exclude ] dir\n";
    assert_eq!(run(&["s6-ls"], b""), err(100, usage));
    assert_eq!(run(&["s6-ls", "-l", "/"], b""), err(100, usage));
    assert_eq!(
        to_full(&["s6-ls", "/"], b""),
        (111, "s6-ls: fatal: unable to write to stdout: No space left on device\n".into())
    );
}

/// What a tree holds, its root's own path shown as ROOT: `name -> target`
/// for a link, `name/` (then its entries, indented) for a directory.
fn tree(p: &Path, root: &Path) -> Vec<String> {
    let show = |t: &Path| t.display().to_string().replace(&root.display().to_string(), "ROOT");
    if p.is_symlink() {
        return vec![format!("-> {}", show(&fs::read_link(p).unwrap()))];
    }
    let mut names: Vec<_> = fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        let q = p.join(&n);
        let n = n.to_string_lossy();
        if q.is_symlink() {
            out.push(format!("{n} -> {}", show(&fs::read_link(&q).unwrap())));
        } else if q.is_dir() {
            out.push(format!("{n}/"));
            out.extend(tree(&q, root).into_iter().map(|l| format!("  {l}")));
        } else {
            out.push(n.into_owned());
        }
    }
    out
}

/// Source trees s0, s1… under `root`, from (path, content) lists.
fn sources(root: &Path, srcs: &[&[(&str, &str)]]) -> Vec<String> {
    let mut args = vec![root.join("dest").display().to_string()];
    for (i, files) in srcs.iter().enumerate() {
        let s = root.join(format!("s{i}"));
        fs::create_dir_all(&s).unwrap();
        for (path, body) in files.iter() {
            fs::create_dir_all(s.join(path).parent().unwrap()).unwrap();
            fs::write(s.join(path), body).unwrap();
        }
        args.push(s.display().to_string());
    }
    args
}

/// Nothing left beside `dest` but the sources.
fn no_leftovers(root: &Path) {
    let left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(':'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn update(args: &[String]) -> (i32, Vec<u8>, String) {
    let mut a = vec!["s6-update-symlinks"];
    a.extend(args.iter().map(String::as_str));
    run(&a, b"")
}

#[test]
fn update_symlinks_merges_trees() {
    let one = TempDir::new("usl1");
    // One source: the destination is a link to it.
    let args = sources(one.path(), &[&[("a", "x")]]);
    assert_eq!(update(&args), ok(b""));
    assert_eq!(tree(&one.path().join("dest"), one.path()), ["-> ROOT/s0"]);
    let d = TempDir::new("usl");
    let r = d.path();
    // Several: a real directory; shared subdirectories are expanded, the
    // last source wins a name. A destination that is a link is replaced
    // in one rename.
    symlink("/nowhere", r.join("dest")).unwrap();
    let args = sources(r, &[&[("d/a", "x"), ("d/b", "y"), ("f", "1")], &[("d/c", "z"), ("e", "q")], &[("d/a", "w")]]);
    assert_eq!(update(&args), ok(b""));
    assert_eq!(
        tree(&r.join("dest"), r),
        ["d/", "  a -> ROOT/s2/d/a", "  b -> ROOT/s0/d/b", "  c -> ROOT/s1/d/c", "e -> ROOT/s1/e", "f -> ROOT/s0/f",]
    );
    no_leftovers(r);
    // Again over that directory (renamed away, then removed), where the
    // last source overrides everything in d/: d/ becomes one link.
    fs::write(r.join("s2/d/b"), "").unwrap();
    fs::write(r.join("s2/d/c"), "").unwrap();
    assert_eq!(update(&args), ok(b""));
    assert_eq!(tree(&r.join("dest"), r), ["d -> ROOT/s2/d", "e -> ROOT/s1/e", "f -> ROOT/s0/f"]);
    no_leftovers(r);
    // A trailing slash on the destination is the same destination.
    let mut slashed = args.clone();
    slashed[0].push_str("//");
    assert_eq!(update(&slashed), ok(b""));
    assert_eq!(tree(&r.join("dest"), r), ["d -> ROOT/s2/d", "e -> ROOT/s1/e", "f -> ROOT/s0/f"]);
    no_leftovers(r);
}

#[test]
fn update_symlinks_errors() {
    let d = TempDir::new("usl-err");
    let r = d.path();
    let args = sources(r, &[&[("x/a", "1")], &[("x", "file")]]);
    let (code, out, e) = update(&args);
    let prefix =
        format!("s6-update-symlinks: fatal: destination {}:s6-update-symlinks-new:@", r.join("dest").display());
    let suffix = format!("/x conflicts with source {}/s1/x\n", r.display());
    assert_eq!((code, out.len()), (100, 0));
    assert!(e.starts_with(&prefix) && e.ends_with(&suffix), "{e}");
    assert!(!r.join("dest").exists());
    no_leftovers(r);
    let args = sources(r, &[&[("a", "1")]]);
    let missing = r.join("nosuch").display().to_string();
    assert_eq!(
        update(&[args[0].clone(), args[1].clone(), missing.clone()]),
        err(111, &format!("s6-update-symlinks: fatal: error processing {missing}: No such file or directory\n"))
    );
    no_leftovers(r);
    let usage = "s6-update-symlinks: usage: s6-update-symlinks /destdir /srcdir [ /srcdir ... ]\n";
    for a in [vec![args[0].clone()], vec!["dest".into(), args[1].clone()], vec![args[0].clone(), "s0".into()]] {
        assert_eq!(update(&a), err(100, usage), "{a:?}");
    }
    assert_eq!(
        update(&["///".into(), args[1].clone()]),
        err(100, "s6-update-symlinks: fatal: unable to replace root directory\n")
    );
}

#[test]
fn seekablepipe_gives_a_seekable_stdin() {
    let d = TempDir::new("seekable");
    let tmp = d.path().join("tmp").display().to_string();
    // The program reads its stdin to the end, then again from the start
    // (reopening the unlinked file): a pipe would give it once.
    let (code, out, e) =
        run_in(d.path(), &["seekablepipe", &tmp, "sh", "-c", "cat; cat /dev/stdin; ls"], b"hello\nworld\n");
    assert_eq!((code, String::from_utf8(out).unwrap(), e), (0, "hello\nworld\nhello\nworld\n".into(), String::new()));
    let usage = "seekablepipe: usage: seekablepipe tempfile prog...\n";
    assert_eq!(run(&["seekablepipe", "f"], b""), err(100, usage));
    let nodir = d.path().join("nodir/f").display().to_string();
    assert_eq!(
        run(&["seekablepipe", &nodir, "cat"], b""),
        err(111, &format!("seekablepipe: fatal: unable to create temporary {nodir}: No such file or directory\n"))
    );
    assert_eq!(
        run(&["seekablepipe", &tmp, "/nonexistent"], b"x"),
        err(127, "seekablepipe: fatal: unable to exec /nonexistent: No such file or directory\n")
    );
    assert!(!d.path().join("tmp").exists());
}

#[test]
fn installed_as_commands() {
    let root = TempDir::new("install-pu");
    let code = Command::new(rs6()).arg("--install").arg(root.path()).status().unwrap().code();
    assert_eq!(code, Some(0));
    for name in [
        "s6-quote",
        "s6-unquote",
        "s6-quote-filter",
        "s6-unquote-filter",
        "s6-format-filter",
        "s6-expr",
        "s6-clock",
        "s6-tai64ndiff",
        "s6-uniquename",
        "s6-ls",
        "s6-update-symlinks",
        "seekablepipe",
    ] {
        assert!(fs::symlink_metadata(root.path().join("command").join(name)).is_ok(), "{name}");
        assert!(fs::symlink_metadata(root.path().join("usr/bin").join(name)).is_ok(), "{name}");
    }
    // Called by its name, as the links call it.
    let mut c = Command::new(rs6());
    std::os::unix::process::CommandExt::arg0(&mut c, "/command/s6-expr").args(["6", "*", "7"]);
    let r = run_timed(&mut c, None, Duration::from_secs(20));
    assert_eq!((r.code(), r.out()), (0, "42\n".into()));
}

/// s6-echo writes its line in one write, as s6-echo's buffer does, so the
/// lines of programs writing at once do not interleave (stdout is a
/// datagram socket here: each write is one datagram).
#[test]
fn echo_writes_its_line_at_once() {
    use std::os::unix::net::UnixDatagram;
    let (a, b) = UnixDatagram::pair().unwrap();
    let st = std::process::Command::new(rs6())
        .args(["s6-echo", "-s", ":", "hello", "big", "world"])
        .stdout(std::process::Stdio::from(std::os::fd::OwnedFd::from(b)))
        .status()
        .unwrap();
    assert!(st.success());
    a.set_nonblocking(true).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while let Ok(n) = a.recv(&mut buf) {
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert_eq!(got, ["hello:big:world\n"]);
}
