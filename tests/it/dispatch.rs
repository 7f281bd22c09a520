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
