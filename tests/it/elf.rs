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

/// `.rs6.idle` (`sys::raw::idle_wait`) gives back the text pages, then
/// blocks: nothing between may run code of the big text segment, or the
/// kernel maps it back in as PID 1 goes idle. A compiler that outlines a
/// piece of it (LLVM's machine outliner is on for aarch64 at opt-level z)
/// would add a call there. Up to its last system call (the wait), the
/// section makes no call and jumps only within itself.
#[test]
fn idle_wait_runs_no_other_code_before_it_blocks() {
    let (code, out, err) =
        host(Command::new("llvm-objdump").args(["-d", "--no-show-raw-insn", "-j", ".rs6.idle"]).arg(rs6()));
    assert_eq!(code, 0, "llvm-objdump: {err} (apt-get install llvm)");
    // "  4417ee:      \tsyscall" / "  44c14c:      \tb\t0x44c160 <.rs6.idle+0xa8>"
    let insns: Vec<(u64, String, String)> = out
        .lines()
        .filter_map(|l| {
            let (addr, rest) = l.trim_start().split_once(':')?;
            let addr = u64::from_str_radix(addr, 16).ok()?;
            let mut f = rest.trim_start().splitn(2, '\t');
            let op = f.next()?.trim().to_string();
            Some((addr, op, f.next().unwrap_or("").trim().to_string()))
        })
        .collect();
    assert!(insns.len() > 10, "no .rs6.idle code found:\n{out}");
    let (lo, hi) = (insns[0].0, insns[insns.len() - 1].0);
    let last_sys = insns.iter().rposition(|(_, op, _)| op == "syscall" || op == "svc").expect("no system call");
    for (addr, op, args) in &insns[..last_sys] {
        let call = ["call", "callq", "bl", "blr", "br"].contains(&op.as_str()) || args.starts_with('*');
        assert!(!call, "{addr:x}: {op} {args} before the wait");
        let branch =
            op.starts_with('j') || op == "b" || op.starts_with("b.") || op.starts_with("cb") || op.starts_with("tb");
        if branch {
            let target = args.split_whitespace().find_map(|w| u64::from_str_radix(w.trim_start_matches("0x"), 16).ok());
            assert!(target.is_some_and(|t| (lo..=hi).contains(&t)), "{addr:x}: {op} {args} leaves the section");
        }
    }
}
