//! `docker run -it IMG sh`: the CMD owns the terminal; ^C reaches it, not PID 1.
use crate::harness::*;
use std::collections::HashMap;

#[test]
fn sh_is_foreground_and_ctrl_c_interrupts_without_ending_the_container() {
    let root = Root::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/pty_session.py");
    let python = which("python3").expect("python3 not found: apt-get install python3");
    let run = root.init(&["sh", "-i"]).env("TERM", "dumb").env("HOME", "/root");
    let inner = run.command();
    let mut argv = vec![python.display().to_string(), script.to_string()];
    argv.push(inner.get_program().to_string_lossy().into());
    argv.extend(inner.get_args().map(|a| a.to_string_lossy().into_owned()));
    let mut cmd = std::process::Command::new(&argv[0]);
    cmd.args(&argv[1..]).env_clear();
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let (code, out, err) = host(&mut cmd);
    let kv: HashMap<&str, &str> = out.lines().filter_map(|l| l.split_once('=')).collect();
    assert_eq!(code, 0, "pty session failed: {out}\n{err}");
    assert_eq!(kv.get("pgrp"), kv.get("tpgid"), "sh is not the terminal's foreground group: {out}");
    assert_ne!(kv.get("pgrp"), Some(&"1"), "sh must have its own process group, not PID 1's: {out}");
    assert_eq!(kv.get("after"), Some(&"130"), "^C did not interrupt the command: {out}");
    let ms: u64 = kv["interrupt_ms"].parse().unwrap();
    assert!(ms < 3000, "^C took {ms} ms");
    assert_eq!(kv.get("exit"), Some(&"7"), "container exit code: {out}");
}
