//! The binary is freestanding and static, and fits its size budget.
use crate::harness::*;
use std::process::Command;

#[test]
fn no_interpreter_no_dynamic_section() {
    let (code, out, err) = host(Command::new("readelf").args(["-lSdW"]).arg(rs6()));
    assert_eq!(code, 0, "readelf: {err} (apt-get install binutils)");
    assert!(out.contains("Elf file type is EXEC"), "{out}");
    assert!(!out.contains("INTERP"), "has an interpreter:\n{out}");
    assert!(!out.contains(" DYNAMIC"), "has a dynamic segment:\n{out}");
    assert!(out.contains("There is no dynamic section in this file."), "{out}");
    for s in [".comment", ".eh_frame", ".note", ".interp", ".dynamic", ".dynsym"] {
        assert!(!out.contains(&format!(" {s}")), "section {s} present:\n{out}");
    }
}

#[test]
fn stripped_release_binary_is_within_budget() {
    if cfg!(debug_assertions) {
        panic!("run the tests with --release: the size budget is for the release build");
    }
    let budget: u64 = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/size-report/budget"))
        .expect("size-report/budget")
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("budget: bytes on the first line");
    let size = std::fs::metadata(rs6()).unwrap().len();
    assert!(size <= budget, "rs6 is {size} bytes, budget {budget}");
    let (_, out, _) = host(Command::new("readelf").args(["-SW"]).arg(rs6()));
    assert!(!out.contains(".symtab"), "release binary is not stripped");
}
