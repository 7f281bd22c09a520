//! `S6_STOP_DELAY`: a shutdown signal is held back that many ms before
//! anything is signalled; the CMD's exit, a halt or a second signal end it.
use crate::harness::*;
use std::fs;
use std::time::{Duration, Instant};

/// A CMD that records when it gets TERM, then exits with 143.
const TRAP: &str = "trap 'date +%s%N > /tmp/termed; exit 143' TERM; while :; do usleep 10000; done";

#[test]
fn the_stop_waits_for_the_delay() {
    let _t = timing();
    let root = Root::new();
    let mut c = root.init(&["sh", "-c", TRAP]).env("S6_STOP_DELAY", "500").start();
    c.wait_cmd();
    let sent = c.signal(15);
    std::thread::sleep(Duration::from_millis(300));
    assert!(c.running(), "the container stopped within the delay");
    assert!(!root.path().join("tmp/termed").exists(), "the CMD got TERM within the delay");
    let o = c.wait();
    let took = sent.elapsed();
    assert_eq!(o.code(), 143, "{}", o.stderr);
    assert!(root.path().join("tmp/termed").exists());
    assert!(took >= Duration::from_millis(500), "stopped after {took:?}");
    assert!(took < Duration::from_millis(3000), "stopped after {took:?}");
}

#[test]
fn a_second_term_skips_the_rest() {
    let root = Root::new();
    let mut c = root.init(&["sleep", "1000"]).env("S6_STOP_DELAY", "20000").start();
    c.wait_cmd();
    let sent = c.signal(15);
    std::thread::sleep(Duration::from_millis(100));
    assert!(c.running());
    c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 143);
    assert!(sent.elapsed() < Duration::from_secs(5), "took {:?}", sent.elapsed());
}

#[test]
fn the_cmd_ending_during_the_delay_ends_the_container_at_once() {
    let root = Root::new();
    let cmd = "while [ ! -e /tmp/go ]; do usleep 10000; done; exit 3";
    let mut c = root.init(&["sh", "-c", cmd]).env("S6_STOP_DELAY", "20000").start();
    c.wait_cmd();
    c.signal(15);
    std::thread::sleep(Duration::from_millis(100));
    fs::write(root.path().join("tmp/go"), "").unwrap();
    let go = Instant::now();
    let o = c.wait();
    assert_eq!(o.code(), 3, "{}", o.stderr);
    assert!(go.elapsed() < Duration::from_secs(5), "took {:?}", go.elapsed());
}

#[test]
fn a_halt_during_the_delay_ends_the_container_at_once() {
    let root = Root::new();
    let mut c = root.init(&["sleep", "1000"]).env("S6_STOP_DELAY", "20000").start();
    c.wait_cmd();
    c.signal(15);
    std::thread::sleep(Duration::from_millis(100));
    fs::write(root.path().join("run/s6-linux-init-container-results/exitcode"), "42\n").unwrap();
    let halt = Instant::now();
    fs::OpenOptions::new()
        .write(true)
        .open(root.path().join("run/service/.s6-svscan/control"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"t"))
        .unwrap();
    let o = c.wait();
    assert_eq!(o.code(), 42, "{}", o.stderr);
    assert!(halt.elapsed() < Duration::from_secs(5), "took {:?}", halt.elapsed());
}

#[test]
fn a_bad_value_warns_and_means_no_delay() {
    let root = Root::new();
    let mut c = root.init(&["sleep", "1000"]).env("S6_STOP_DELAY", "1s").start();
    c.wait_cmd();
    let sent = c.signal(15);
    let o = c.wait();
    assert_eq!(o.code(), 143);
    assert!(sent.elapsed() < Duration::from_secs(2), "took {:?}", sent.elapsed());
    assert!(o.stderr.contains("init: warning: invalid S6_STOP_DELAY value: 1s (using 0)\n"), "{}", o.stderr);
}
