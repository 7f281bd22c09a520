//! `/init` as a kernel's PID 1: the detection's other side. (The kernel side
//! itself is `qemu-tests/boot`, a real boot under qemu-system.)
use crate::harness::*;

/// PID 1 of a PID namespace with no /proc mounted is not the kernel's: rs6
/// mounts /proc to look (PID 2 is not kthreadd), unmounts it again, and
/// goes on as a container's PID 1 (no /sys, /dev or /run mounts, exits).
#[test]
fn pid1_without_proc_in_a_namespace_stays_a_container() {
    let root = Root::new();
    root.file("/etc/cont-init.d/10-x", "#!/bin/sh\necho cont-init-ran\n", 0o755);
    let mut c = unshare();
    c.args(["--pid", "--fork", "--kill-child", "--mount", "--propagation", "private"])
        .arg(format!("--root={}", root.path().display()))
        .args(["--wd=/", "/init", "sh", "-c"])
        .arg("echo proc=$(ls /proc | wc -l) dev=$(ls /dev | wc -l); grep -c . /proc/mounts 2>/dev/null; exit 3")
        .env_clear()
        .env("PATH", DOCKER_PATH);
    let (code, out, err) = host(&mut c);
    assert_eq!(code, 3, "stdout: {out}\nstderr: {err}");
    assert!(out.contains("cont-init-ran"), "{out}");
    // /dev keeps the root's own three nodes: no devtmpfs was mounted.
    assert!(out.contains("proc=0 dev=3"), "{out}\n{err}");
    assert!(!err.contains("warning") && !err.contains("fatal"), "{err}");
}
