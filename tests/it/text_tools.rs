//! s6-grep, s6-head, s6-tail, s6-cut, s6-sort and s6-seq: outputs, messages
//! and exit codes as upstream's (checked against upstream's C built on
//! skalibs), the places where upstream loses output done as its
//! documentation says, and s6-grep's selection against glibc's `regexec`.
use crate::harness::*;
use std::fs;
use std::process::Command;
use std::time::Duration;

/// Run `rs6 args…` with `input` on stdin: (code, stdout, stderr).
fn t(args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    t_in(&std::env::temp_dir(), args, input)
}

fn t_in(dir: &std::path::Path, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let r = run_timed(Command::new(rs6()).args(args).current_dir(dir), Some(input), Duration::from_secs(30));
    (r.code(), r.out.clone(), r.err())
}

/// Exit 0, this output, nothing on stderr.
fn ok(out: &[u8]) -> (i32, Vec<u8>, String) {
    (0, out.to_vec(), String::new())
}

fn usage(prog: &str, u: &str) -> (i32, Vec<u8>, String) {
    (100, Vec::new(), format!("{prog}: usage: {prog} {u}\n"))
}

fn fatal(prog: &str, msg: &str) -> (i32, Vec<u8>, String) {
    (111, Vec::new(), format!("{prog}: fatal: {msg}\n"))
}

const GREP_U: &str = "[ -E | -F ] [ -i ] [ -c ] [ -n ] [ -q ] [ -v ] pattern";
const IN: &[u8] = b"alpha\nBeta\ngamma delta\n\nfoo\0bar\nlast";

#[test]
fn grep_options_and_output() {
    let g = |a: &[&str]| t(&[&["s6-grep"], a].concat(), IN);
    assert_eq!(g(&["a"]), ok(b"alpha\nBeta\ngamma delta\nlast\n"));
    assert_eq!(g(&["-v", "a"]), ok(b"\nfoo\0bar\n"));
    assert_eq!(g(&["-n", "a"]), ok(b"1:alpha\n2:Beta\n3:gamma delta\n6:last\n"));
    assert_eq!(g(&["-nv", ""]), (1, Vec::new(), String::new()));
    assert_eq!(g(&["-q", "a"]), ok(b""));
    assert_eq!(g(&["-q", "zzz"]), (1, Vec::new(), String::new()));
    assert_eq!(g(&["-qc", "a"]), ok(b""));
    // Upstream leaves the count in its buffer; its documentation prints it.
    assert_eq!(g(&["-c", "a"]), ok(b"4\n"));
    assert_eq!(g(&["-c", "zzz"]), (1, b"0\n".to_vec(), String::new()));
    assert_eq!(g(&["-i", "beta"]), ok(b"Beta\n"));
    assert_eq!(g(&["-E", "a|e"]), ok(b"alpha\nBeta\ngamma delta\nlast\n"));
    // A BRE: `|` and `+` are characters, `\(` groups, `\{` bounds.
    assert_eq!(g(&["a|e"]), (1, Vec::new(), String::new()));
    assert_eq!(g(&["m\\{2\\}"]), ok(b"gamma delta\n"));
    assert_eq!(g(&["\\(l\\)p"]), ok(b"alpha\n"));
    assert_eq!(g(&["^$"]), ok(b"\n"));
    assert_eq!(g(&["[[:upper:]]"]), ok(b"Beta\n"));
    assert_eq!(g(&["-i", "[[:upper:]]"]), ok(b"alpha\nBeta\ngamma delta\nfoo\0bar\nlast\n"));
    // The subject ends at a NUL, as regexec's C string.
    assert_eq!(g(&["bar"]), (1, Vec::new(), String::new()));
    assert_eq!(g(&["foo$"]), ok(b"foo\0bar\n"));
    assert_eq!(g(&["-F", "a.p"]), (1, Vec::new(), String::new()));
    assert_eq!(g(&["-F", "ph"]), ok(b"alpha\n"));
    assert_eq!(g(&["-F", ""]), ok(IN_ALL));
    assert_eq!(g(&[""]), ok(IN_ALL));
    assert_eq!(g(&["-E", ""]), ok(IN_ALL));
    // -F -i: the string in any case (upstream selects the lines shorter
    // than the string instead).
    assert_eq!(t(&["s6-grep", "-Fi", "BAR"], b"x\nfoo bar\nBAR\n"), ok(b"foo bar\nBAR\n"));
    assert_eq!(g(&["--", "-e"]), (1, Vec::new(), String::new()));
    assert_eq!(t(&["s6-grep", "x"], b""), (1, Vec::new(), String::new()));
}

const IN_ALL: &[u8] = b"alpha\nBeta\ngamma delta\n\nfoo\0bar\nlast\n";

#[test]
fn grep_errors() {
    let g = |a: &[&str]| t(&[&["s6-grep"], a].concat(), IN);
    assert_eq!(g(&[]), usage("s6-grep", GREP_U));
    assert_eq!(g(&["-x", "a"]), usage("s6-grep", GREP_U));
    assert_eq!(g(&["-e"]), usage("s6-grep", GREP_U));
    let bad = |m: &str| fatal("s6-grep", &format!("unable to compile regular expression: {m}"));
    assert_eq!(g(&["a\\{"]), bad("Unmatched \\{"));
    assert_eq!(g(&["-E", "a{"]), bad("Unmatched \\{"));
    assert_eq!(g(&["-E", "a("]), bad("Unmatched ( or \\("));
    assert_eq!(g(&["a\\)"]), bad("Unmatched ( or \\("));
    assert_eq!(g(&["[a"]), bad("Unmatched [, [^, [:, [., or [="));
    assert_eq!(g(&["-E", "*a"]), bad("Invalid preceding regular expression"));
    assert_eq!(g(&["a**"]), bad("Invalid preceding regular expression"));
    assert_eq!(g(&["[[:nope:]]"]), bad("Invalid character class name"));
    assert_eq!(g(&["a\\"]), bad("Trailing backslash"));
    assert_eq!(g(&["[z-a]"]), bad("Invalid range end"));
    assert_eq!(g(&["-E", "a{2,1}"]), bad("Invalid content of \\{\\}"));
    assert_eq!(g(&["-E", "a{32768}"]), bad("Regular expression too big"));
    // -F takes any string.
    assert_eq!(g(&["-F", "a\\{"]), (1, Vec::new(), String::new()));
}

/// A line that never ends is read whole; the output goes out before each
/// read (a pipeline sees each selected line as it comes).
#[test]
fn grep_long_lines_and_streaming() {
    let long = vec![b'x'; 300_000];
    let input = [&long[..], b"y\nz\n"].concat();
    let (code, out, err) = t(&["s6-grep", "-c", "xy$"], &input);
    assert_eq!((code, out, err), ok(b"1\n"));
    let (code, out, _) = t(&["s6-grep", "y"], &input);
    assert_eq!((code, out.len()), (0, 300_002));
    // The first line is printed while stdin stays open.
    let mut ch = Command::new(rs6())
        .args(["s6-grep", "a"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut w = ch.stdin.take().unwrap();
    std::io::Write::write_all(&mut w, b"abc\nxyz\n").unwrap();
    let mut r = ch.stdout.take().unwrap();
    let mut got = [0u8; 4];
    std::io::Read::read_exact(&mut r, &mut got).unwrap();
    assert_eq!(&got, b"abc\n");
    drop(w);
    assert_eq!(wait_child(&mut ch, Duration::from_secs(10)).code(), Some(0));
}

/// s6-grep selects what glibc's `regcomp`/`regexec` select, as BREs and
/// EREs, in either case, and refuses what it refuses with its message.
#[test]
fn grep_agrees_with_glibc() {
    let d = TempDir::new("grep-re");
    let bin = d.path().join("re");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/grep_re.c");
    assert!(Command::new("gcc").arg("-O").arg("-o").arg(&bin).arg(src).status().expect("gcc").success());
    let lines = b"a\nab\naB\nabab\nb\nba\n(a)\na+\na|b\n*a\na{2}\naa\nAAA\nx^y\nx$y\n\n^a\n1a2\nab)\n[a]\na\\b\n";
    let pats = [
        "a",
        "^a",
        "a$",
        "^$",
        "b*",
        "ab*",
        "\\(ab\\)*b",
        "(ab)+",
        "(a)",
        "a+",
        "a\\+",
        "a\\?b",
        "a|b",
        "a\\|b",
        "*a",
        "^*a",
        "\\(*a\\)",
        "a\\{2\\}",
        "a{2}",
        "a\\{1,\\}b",
        "x^y",
        "x$y",
        "^\\(a\\|b\\)$",
        "[[:upper:]]",
        "[^a-z]",
        "[]a]",
        "a\\)",
        "\\(a",
        "a**",
        "[a",
        "a\\{2,1\\}",
        "\\{1\\}",
        "a\\",
        "[[.a.]]",
        "[[=a=]]b",
        "[[:alpha:]-z]",
        ".",
        "a.b",
        "\\.",
        "\\[a]",
        "b)",
        "\\^a",
        "a\\$",
        "^^a",
        "a$$",
        "",
    ];
    let mut n = 0;
    for p in pats {
        for flags in ["B", "E", "Bi", "Ei"] {
            let r = run_timed(Command::new(&bin).args([flags, p]), Some(lines), Duration::from_secs(10));
            let want = String::from_utf8(r.out.clone()).unwrap();
            let mut args = vec!["s6-grep"];
            if flags.contains('E') {
                args.push("-E");
            }
            if flags.contains('i') {
                args.push("-i");
            }
            args.extend(["--", p]);
            let (code, out, err) = t(&args, lines);
            let got = match want.strip_prefix("E ") {
                Some(_) => {
                    assert_eq!(code, 111, "{flags} {p:?}");
                    format!("E {}", err.trim_start_matches("s6-grep: fatal: unable to compile regular expression: "))
                }
                None => {
                    assert_eq!((code, err.as_str()), (if want.is_empty() { 1 } else { 0 }, ""), "{flags} {p:?}");
                    String::from_utf8(out).unwrap()
                }
            };
            assert_eq!(got, want, "{flags} {p:?}");
            n += 1;
        }
    }
    assert_eq!(n, 4 * pats.len());
}

const HEAD_U: &str = "[ -S ] [ -1..9 | -n lines | -c chars ] [ file... ]";

#[test]
fn head_lines_bytes_files() {
    let d = TempDir::new("head");
    let p = d.path();
    fs::write(p.join("f"), "1\n2\n3\n").unwrap();
    fs::write(p.join("g"), "x\ny").unwrap();
    let h = |a: &[&str], i: &[u8]| t_in(p, &[&["s6-head"], a].concat(), i);
    let nums: Vec<u8> = (1..=30).flat_map(|i| format!("{i}\n").into_bytes()).collect();
    assert_eq!(h(&[], &nums), ok(&nums[..21]));
    assert_eq!(h(&["-3"], &nums), ok(b"1\n2\n3\n"));
    assert_eq!(h(&["-n", "2"], &nums), ok(b"1\n2\n"));
    assert_eq!(h(&["-n", "0"], &nums), ok(b""));
    assert_eq!(h(&["-c", "5"], &nums), ok(b"1\n2\n3"));
    assert_eq!(h(&["-S", "-n", "2"], &nums), ok(b"1\n2\n"));
    assert_eq!(h(&["-n", "5"], b"x\ny"), ok(b"x\ny"));
    // Shorter than asked is no error (upstream fails, or with -S loops).
    assert_eq!(h(&["-c", "100"], b"abc"), ok(b"abc"));
    assert_eq!(h(&["-S", "-n", "5"], b"abc\n"), ok(b"abc\n"));
    assert_eq!(h(&["-c", "4"], b""), ok(b""));
    assert_eq!(h(&["f"], b""), ok(b"1\n2\n3\n"));
    assert_eq!(h(&["-1", "f", "-", "g"], b"in\nput\n"), ok(b"==> f <==\n1\n\n==> - <==\nin\n\n==> g <==\nx\n"));
    assert_eq!(h(&["-n", "0", "f", "g"], b""), ok(b"==> f <==\n\n==> g <==\n"));
    assert_eq!(
        h(&["f", "nope"], b""),
        (
            111,
            b"==> f <==\n1\n2\n3\n\n==> nope <==\n".to_vec(),
            "s6-head: fatal: unable to open nope for reading: No such file or directory\n".into()
        )
    );
    assert_eq!(h(&["nope"], b""), fatal("s6-head", "unable to open nope for reading: No such file or directory"));
    assert_eq!(h(&["."], b""), fatal("s6-head", "unable to head .: Is a directory"));
    for bad in [&["-12"][..], &["-5", "-n", "3"], &["-n", "x"], &["-c", "-1"], &["-q"], &["-n"]] {
        assert_eq!(h(bad, b""), usage("s6-head", HEAD_U), "{bad:?}");
    }
}

/// -S leaves the rest of the input to the next reader.
#[test]
fn head_safe_leaves_the_rest() {
    let d = TempDir::new("head-s");
    let f = d.path().join("in");
    fs::write(&f, "a\nb\nc\nd\n").unwrap();
    let script = format!("{{ {0} s6-head -S -n 2; echo --; cat; }} < {1}", rs6().display(), f.display());
    let r = run_timed(Command::new("sh").args(["-c", &script]), None, Duration::from_secs(10));
    assert_eq!((r.code(), String::from_utf8(r.out.clone()).unwrap()), (0, "a\nb\n--\nc\nd\n".into()));
}

const TAIL_U: &str = "[ -c chars | -n lines | -1..9 ] [ file ]";

#[test]
fn tail_lines_bytes() {
    let d = TempDir::new("tail");
    let p = d.path();
    fs::write(p.join("f"), "1\n2\n3\n").unwrap();
    let tl = |a: &[&str], i: &[u8]| t_in(p, &[&["s6-tail"], a].concat(), i);
    let nums: Vec<u8> = (1..=30).flat_map(|i| format!("{i}\n").into_bytes()).collect();
    assert_eq!(tl(&[], &nums), ok(&nums[51..]));
    assert_eq!(tl(&["-2"], &nums), ok(b"29\n30\n"));
    assert_eq!(tl(&["-n", "-2"], &nums), ok(b"29\n30\n"));
    assert_eq!(tl(&["-n", "0"], &nums), ok(b""));
    assert_eq!(tl(&["-n", "+28"], &nums), ok(b"28\n29\n30\n"));
    assert_eq!(tl(&["-n", "+0"], b"a\nb"), ok(b"a\nb"));
    assert_eq!(tl(&["-n", "+5"], b"a\nb\n"), ok(b""));
    assert_eq!(tl(&["-c", "4"], &nums), ok(b"\n30\n"));
    assert_eq!(tl(&["-c", "+79"], &nums), ok(b"30\n"));
    assert_eq!(tl(&["-c", "+1"], b"abc"), ok(b"abc"));
    assert_eq!(tl(&["-n", "100"], b"a\nb\n"), ok(b"a\nb\n"));
    // A last line without its newline counts (upstream drops it).
    assert_eq!(tl(&["-n", "1"], b"x\ny\nz"), ok(b"z"));
    assert_eq!(tl(&[], b"x\ny\nz"), ok(b"x\ny\nz"));
    // Fewer bytes than asked (upstream prints garbage before them), and an
    // empty input past a start (upstream fails).
    assert_eq!(tl(&["-c", "10"], b"abc"), ok(b"abc"));
    assert_eq!(tl(&["-c", "+5"], b""), ok(b""));
    // Only the first file; `-` is a name.
    assert_eq!(tl(&["-1", "f", "nope"], b""), ok(b"3\n"));
    assert_eq!(tl(&["-"], b""), fatal("s6-tail", "unable to open - for reading: No such file or directory"));
    assert_eq!(tl(&["."], b""), fatal("s6-tail", "unable to tail .: Is a directory"));
    for bad in [&["-12"][..], &["-3", "-c", "2"], &["-n", "+"], &["-n", "x"], &["-q"], &["-c"]] {
        assert_eq!(tl(bad, b""), usage("s6-tail", TAIL_U), "{bad:?}");
    }
}

/// The last lines of a long stream are kept in bounded memory, and a
/// window too large for the arena is a clean failure.
#[test]
fn tail_memory() {
    let input: Vec<u8> = (0..200_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
    assert_eq!(t(&["s6-tail", "-2"], &input), ok(b"line 199998\nline 199999\n"));
    let big = vec![b'x'; 160 << 20];
    let (code, out, err) = t(&["s6-tail", "-c", "4000000000"], &big);
    assert_eq!(
        (code, out.len(), err.as_str()),
        (111, 0, "s6-tail: fatal: unable to tail stdin: Cannot allocate memory\n")
    );
}

const CUT_U: &str = "[ -b list | -c list | -f list ] [ -d delim ] [ -n ] [ -s ] [ file... ]";

#[test]
fn cut_bytes_and_fields() {
    let d = TempDir::new("cut");
    let p = d.path();
    fs::write(p.join("f"), "abc\n").unwrap();
    let c = |a: &[&str], i: &[u8]| t_in(p, &[&["s6-cut"], a].concat(), i);
    let f = b"a:b:c\nd:e\nf\n:g:\nh:i:j:k\n";
    assert_eq!(c(&["-d:", "-f", "1"], f), ok(b"a\nd\nf\n\nh\n"));
    assert_eq!(c(&["-d:", "-f", "2-"], f), ok(b"b:c\ne\nf\ng:\ni:j:k\n"));
    assert_eq!(c(&["-d:", "-f", "1,3"], f), ok(b"a:c\nd\nf\n:\nh:j\n"));
    assert_eq!(c(&["-d:", "-f", "3"], f), ok(b"c\n\nf\n\nj\n"));
    assert_eq!(c(&["-d:", "-s", "-f", "2"], f), ok(b"b\ne\ng\ni\n"));
    // -s drops a line without the delimiter for any list (upstream keeps
    // it when the list starts at 1).
    assert_eq!(c(&["-d:", "-s", "-f", "1"], f), ok(b"a\nd\n\nh\n"));
    // Overlapping spans join whatever their order (upstream: 1-2 only).
    assert_eq!(c(&["-d:", "-f", "1-2,2-"], f), ok(b"a:b:c\nd:e\nf\n:g:\nh:i:j:k\n"));
    assert_eq!(c(&["-f", "2"], b"a\tb\tc\nno tabs\n\tx\n"), ok(b"b\nno tabs\nx\n"));
    assert_eq!(c(&["-d", "", "-f", "2"], b"a\0b\n"), ok(b"b\n"));
    let b = b"abcdef\nxy\n\nabc\n1234567890";
    assert_eq!(c(&["-c", "1"], b), ok(b"a\nx\n\na\n1"));
    assert_eq!(c(&["-c", "2-3"], b), ok(b"bc\ny\n\nbc\n23"));
    assert_eq!(c(&["-c", "5-,1-2"], b), ok(b"abef\nxy\n\nab\n12567890"));
    assert_eq!(c(&["-b", "-2"], b), ok(b"ab\nxy\n\nab\n12"));
    assert_eq!(c(&["-c", "1 3\t5"], b), ok(b"ace\nx\n\nac\n135"));
    // No doubled newline (upstream: `abc\n\n`); the last byte of a last
    // line without `\n` is there.
    assert_eq!(c(&["-c", "1-4"], b"abc\n"), ok(b"abc\n"));
    assert_eq!(c(&["-c", "3"], b"abc"), ok(b"c"));
    assert_eq!(c(&["-n", "-c", "2", "f", "-", "f"], b"xyz\n"), ok(b"b\ny\nb\n"));
    assert_eq!(c(&["-c1", "nope"], b""), fatal("s6-cut", "unable to open nope for reading: No such file or directory"));
    assert_eq!(c(&["-c1", "."], b""), fatal("s6-cut", "unable to cut .: Is a directory"));
    let invalid = |l: &str| (100, Vec::new(), format!("s6-cut: fatal: invalid list argument: {l}\n"));
    for l in ["0", "3-2", "a", "1,,2", "1;2", "99999999999999999999999"] {
        assert_eq!(c(&["-c", l], b""), invalid(l), "{l}");
    }
    for bad in [&[][..], &["-c", ""], &["-c", "1", "-f", "1"], &["-x"], &["-d:"]] {
        assert_eq!(c(bad, b""), usage("s6-cut", CUT_U), "{bad:?}");
    }
}

#[test]
fn sort_options() {
    let s = |a: &[&str], i: &[u8]| t(&[&["s6-sort"], a].concat(), i);
    let i = b"b\nA\na\n  c\n\tb\nB\na\n\nab\na\0z\na\0y\nb";
    assert_eq!(s(&[], i), ok(b"\n\tb\n  c\nA\nB\na\na\na\0z\na\0y\nab\nb\nb\n"));
    assert_eq!(s(&["-r"], i), ok(b"b\nb\nab\na\0z\na\0y\na\na\nB\nA\n  c\n\tb\n\n"));
    assert_eq!(s(&["-f"], i), ok(b"\n\tb\n  c\nA\na\na\na\0z\na\0y\nab\nb\nB\nb\n"));
    assert_eq!(s(&["-b"], i), ok(b"\nA\nB\na\na\na\0z\na\0y\nab\nb\n\tb\nb\n  c\n"));
    assert_eq!(s(&["-u"], i), ok(b"\n\tb\n  c\nA\nB\na\na\0y\nab\nb\n"));
    assert_eq!(s(&["-bfru"], i), ok(b"  c\nb\nab\na\0y\na\n\n"));
    assert_eq!(s(&["-0"], b"x\0b\0a\0b"), ok(b"a\0b\0b\0x\0"));
    assert_eq!(s(&["-0u"], b"x\0b\0a\0b"), ok(b"a\0b\0x\0"));
    assert_eq!(s(&["extra", "words"], b"b\na\n"), ok(b"a\nb\n"));
    assert_eq!(s(&[], b""), ok(b""));
    assert_eq!(s(&["-c"], b"a\nb\nc\n"), ok(b""));
    assert_eq!(s(&["-c"], b"a\na\nb\n"), ok(b""));
    assert_eq!(s(&["-cu"], b"a\na\nb\n"), (1, Vec::new(), String::new()));
    assert_eq!(s(&["-c"], b"b\na\n"), (1, Vec::new(), String::new()));
    assert_eq!(s(&["-cr"], b"b\na\n"), ok(b""));
    assert_eq!(s(&["-x"], b""), usage("s6-sort", "[ -bcfru0 ]"));
    let big = vec![b'x'; 160 << 20];
    let (code, out, err) = s(&[], &big);
    assert_eq!(
        (code, out.len(), err.as_str()),
        (111, 0, "s6-sort: fatal: unable to read from stdin: Cannot allocate memory\n")
    );
}

#[test]
fn seq_limits() {
    let q = |a: &[&str]| t(&[&["s6-seq"], a].concat(), b"");
    assert_eq!(q(&["3"]), ok(b"1\n2\n3\n"));
    assert_eq!(q(&["3", "5"]), ok(b"3\n4\n5\n"));
    assert_eq!(q(&["1", "4", "10"]), ok(b"1\n5\n9\n"));
    assert_eq!(q(&["-w", "8", "12"]), ok(b"08\n09\n10\n11\n12\n"));
    assert_eq!(q(&["-w", "95", "10", "130"]), ok(b"095\n105\n115\n125\n"));
    assert_eq!(q(&["-w", "1", "5", "9"]), ok(b"1\n6\n"));
    assert_eq!(q(&["-s", ",", "3"]), ok(b"1,2,3,"));
    assert_eq!(q(&["-s", "", "2"]), ok(b"1\x002\x00"));
    assert_eq!(q(&["-ws:", "9", "10"]), ok(b"09:10:"));
    assert_eq!(q(&["0"]), ok(b""));
    assert_eq!(q(&["5", "3"]), ok(b""));
    // The end of the 32-bit range stops the sequence (upstream wraps).
    assert_eq!(q(&["4294967290", "3", "4294967295"]), ok(b"4294967290\n4294967293\n"));
    // A zero increment repeats the first number for ever.
    let mut ch =
        Command::new(rs6()).args(["s6-seq", "-w", "5", "0", "7"]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut got = [0u8; 6];
    std::io::Read::read_exact(ch.stdout.as_mut().unwrap(), &mut got).unwrap();
    assert_eq!(&got, b"5\n5\n5\n");
    let _ = ch.kill();
    let _ = ch.wait();
    let u = usage("s6-seq", "[ -w ] [ -s separator ] limits");
    for bad in [&[][..], &["1", "2", "3", "4"], &["x"], &["-1"], &["4294967296"], &["-x", "3"], &["-s"]] {
        assert_eq!(q(bad), u, "{bad:?}");
    }
}
