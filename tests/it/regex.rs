//! `base::regex`'s subexpressions against glibc's `regexec` (what
//! execline's `case -N` passes on): random EREs over a small alphabet,
//! plain and anchored as `case` anchors them.
use crate::harness::TempDir;
use std::io::Write;
use std::process::{Command, Stdio};

/// Random ERE: groups, alternation, loops, bounds; with `full`, also
/// loops and options over what can match the empty string (`()*`,
/// `(|a)+`, `(a?)*`). Returns it and whether it matches the empty string.
fn mkre(rnd: &mut dyn FnMut(u64) -> u64, depth: u32, full: bool) -> (String, bool) {
    let (atom, null) = match rnd(if depth > 2 { 6 } else { 10 }) {
        0 => ("a".into(), false),
        1 => ("b".into(), false),
        2 => (".".into(), false),
        3 => (["[ab]", "[^a]", "[a-c]"][rnd(3) as usize].into(), false),
        4 => ("c".into(), false),
        5 if full => ("()".into(), true),
        5 => ("x".into(), false),
        6 | 7 => {
            let (r, n) = mkre(rnd, depth + 1, full);
            (format!("({r})"), n)
        }
        8 => {
            let ((l, a), (r, b)) = (mkre(rnd, depth + 1, full), mkre(rnd, depth + 1, full));
            (format!("({l}|{r})"), a || b)
        }
        _ if full => (format!("(|{})", mkre(rnd, depth + 1, full).0), true),
        _ => ("b".into(), false),
    };
    let simple = !atom.starts_with('(') || depth > 1;
    let q = if simple { rnd(10) } else { rnd(6) };
    let (atom, null) = match q {
        _ if null && !full => (atom, null),
        0 => (format!("{atom}*"), true),
        1 => (format!("{atom}+"), null),
        2 => (format!("{atom}?"), true),
        3 => {
            let m = rnd(3);
            (format!("{atom}{{{m}}}"), null || m == 0)
        }
        4 => {
            let m = rnd(3);
            (format!("{atom}{{{m},}}"), null || m == 0)
        }
        5 => {
            let m = rnd(3);
            (format!("{atom}{{{m},{}}}", m + rnd(3)), null || m == 0)
        }
        _ => (atom, null),
    };
    let mut s = String::new();
    for _ in 0..1 + rnd(3) {
        s.push_str(&atom);
    }
    if rnd(5) == 0 {
        let (r, n) = mkre(rnd, depth + 1, full);
        return (format!("{s}|{r}"), null || n);
    }
    (s, null)
}

#[test]
fn captures_agree_with_glibc_regexec() {
    let d = TempDir::new("re-cap");
    let bin = d.path().join("cap");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/regex_cap.c");
    assert!(Command::new("gcc").arg("-O").arg("-o").arg(&bin).arg(src).status().expect("gcc").success());
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut rnd = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut cases = Vec::new();
    for k in 0..6000 {
        // Even cases: nothing optional can match the empty string; there
        // glibc's subexpressions are matched exactly. Odd ones: anything.
        let full = k % 4 >= 2;
        let mut p = mkre(&mut rnd, 0, full).0;
        if k % 2 == 1 {
            p = format!("^{p}$");
        }
        if p.len() > 120 {
            continue;
        }
        // Every fifth: REG_ICASE, with capitals in the pattern and subject.
        let icase = k % 5 == 4;
        if icase {
            p = p.chars().map(|c| if rnd(2) == 0 { c.to_ascii_uppercase() } else { c }).collect();
        }
        for _ in 0..3 {
            let s: String =
                (0..rnd(7)).map(|_| ['a', 'b', 'c', 'x', 'A', 'B'][rnd(if icase { 6 } else { 4 }) as usize]).collect();
            cases.push((p.clone(), s, full, icase));
        }
    }
    for (p, s) in [
        ("(a|ab)(c|bcd)(d*)", "abcd"),
        ("((a)|b)*", "ab"),
        ("(a?)*", "aa"),
        ("(|a)+", "aa"),
        ("(a){0}b", "b"),
        ("^a|ab$", "xab"),
        ("(^a)*", "aa"),
        ("([fo]+)bar(baz)", "foooobarbaz"),
        ("^*a", "*a"),
        ("a|*b", "b"),
    ] {
        cases.push((p.into(), s.into(), false, false));
    }
    let input: String =
        cases.iter().map(|(p, s, _, i)| format!("{}\n{p}\n{s}\n", if *i { 'I' } else { 'E' })).collect();
    let mut ch = Command::new(&bin).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = ch.stdin.take().unwrap();
    let t = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let o = ch.wait_with_output().unwrap();
    t.join().unwrap().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    let verdicts: Vec<&str> = out.lines().collect();
    assert_eq!(verdicts.len(), cases.len());
    let (mut compared, mut groups, mut bad) = (0, 0, Vec::new());
    for ((p, s, full, icase), v) in cases.iter().zip(verdicts) {
        if v == "T" {
            continue;
        }
        let ours = match rs6::base::regex::Regex::with(p.as_bytes(), *icase) {
            Err(_) => "E".to_string(),
            Ok(mut r) => {
                let mut m = vec![0i32; 2 * (r.groups + 1)];
                if r.captures(s.as_bytes(), &mut m) {
                    groups += r.groups;
                    m.chunks(2).map(|c| format!("{},{} ", c[0], c[1])).collect()
                } else {
                    "N".into()
                }
            }
        };
        compared += 1;
        // Loops over empty matches: glibc's choices there depend on its
        // node numbering; only the overall match must agree.
        let (ours, v) =
            if *full { (ours.split(' ').next().unwrap(), v.split(' ').next().unwrap()) } else { (&ours[..], v) };
        if ours != v {
            bad.push(format!("{p:?} on {s:?}: glibc {v}, ours {ours}"));
        }
    }
    assert!(bad.is_empty(), "{} of {compared} differ:\n{}", bad.len(), bad[..bad.len().min(40)].join("\n"));
    assert!(compared > 15000 && groups > 10000, "{compared} {groups}");
}
