//! `docker run -it IMG sh`: the CMD owns the terminal; ^C reaches it, not PID 1.
use crate::harness::*;
use std::collections::HashMap;

#[test]
fn sh_is_foreground_and_ctrl_c_interrupts_without_ending_the_container() {
    let root = Root::new();
    let (code, out, err) = pty_session(root.init(&["sh", "-i"]).env("TERM", "dumb").env("HOME", "/root"));
    let kv: HashMap<&str, &str> = out.lines().filter_map(|l| l.split_once('=')).collect();
    assert_eq!(code, 0, "pty session failed: {out}\n{err}");
    assert_eq!(kv.get("pgrp"), kv.get("tpgid"), "sh is not the terminal's foreground group: {out}");
    assert_ne!(kv.get("pgrp"), Some(&"1"), "sh must have its own process group, not PID 1's: {out}");
    assert_eq!(kv.get("after"), Some(&"130"), "^C did not interrupt the command: {out}");
    let ms: u64 = kv["interrupt_ms"].parse().unwrap();
    assert!(ms < 3000, "^C took {ms} ms");
    assert_eq!(kv.get("exit"), Some(&"7"), "container exit code: {out}");
}
