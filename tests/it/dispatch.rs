//! Multicall dispatch.
use crate::harness::*;
use std::process::Command;

#[test]
fn list_and_unknown_applet() {
    let (code, out, _) = host(Command::new(rs6()).arg("--list"));
    assert_eq!(code, 0);
    let names: Vec<&str> = out.lines().collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"init"));
    let (code, _, err) = host(Command::new(rs6()).arg("frobnicate"));
    assert_eq!(code, 100);
    assert_eq!(err, "rs6: fatal: unknown applet: frobnicate\n");
    let (code, _, err) = host(&mut Command::new(rs6()));
    assert_eq!(code, 100);
    assert!(err.starts_with("rs6: usage: "), "{err}");
}

#[test]
fn applet_by_argv0() {
    let t = TempDir::new("argv0");
    let p = t.path().join("frob");
    std::os::unix::fs::symlink(rs6(), &p).unwrap();
    let (code, _, err) = host(&mut Command::new(&p));
    assert_eq!(code, 100);
    assert_eq!(err, "rs6: fatal: unknown applet: frob\n");
}

#[test]
fn version_and_help() {
    let (code, out, _) = host(Command::new(rs6()).arg("--version"));
    assert_eq!(code, 0);
    let words: Vec<&str> = out.trim_end().split(' ').collect();
    assert_eq!(words.len(), 3, "{out:?}");
    assert_eq!(words[0], "rs6");
    assert_eq!(words[1], env!("CARGO_PKG_VERSION"));
    let arch = if emulated() { "aarch64-" } else { "x86_64-" };
    assert!(words[2].starts_with(arch) && words[2].contains("-linux-"), "{out:?}");
    let (code, help, _) = host(Command::new(rs6()).arg("--help"));
    assert_eq!(code, 0);
    let (_, list, _) = host(Command::new(rs6()).arg("--list"));
    assert!(help.starts_with("usage: rs6 APPLET"), "{help}");
    // One line per applet, in the table's order, each with a description.
    let lines: Vec<&str> = help.lines().filter(|l| l.starts_with("  ")).collect();
    let names: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), names.len(), "{help}");
    for (l, n) in lines.iter().zip(&names) {
        let rest = l[2..].strip_prefix(n).unwrap_or_else(|| panic!("{l:?} is not {n}"));
        assert!(rest.starts_with(' ') && rest.trim().len() > 10, "{l:?}");
    }
}
