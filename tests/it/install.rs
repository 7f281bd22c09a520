//! `rs6 --install DIR`.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

fn listing(root: &Path) -> Vec<String> {
    let (_, out, _) = host(Command::new("find").arg(root).arg("-printf").arg("%P %y %l %m\n"));
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    v
}

fn install(root: &Path) -> (i32, String) {
    let (code, _, err) = host(Command::new(rs6()).arg("--install").arg(root));
    (code, err)
}

#[test]
fn usrmerged_bin_symlink_stays_a_symlink_and_install_is_idempotent() {
    let t = TempDir::new("usrmerge");
    let r = t.path();
    fs::create_dir_all(r.join("usr/bin")).unwrap();
    fs::create_dir_all(r.join("usr/sbin")).unwrap();
    symlink("usr/bin", r.join("bin")).unwrap();
    symlink("usr/sbin", r.join("sbin")).unwrap();
    assert_eq!(install(r), (0, String::new()));
    for l in ["bin", "sbin"] {
        let m = fs::symlink_metadata(r.join(l)).unwrap();
        assert!(m.file_type().is_symlink(), "{l} is no longer a symlink");
    }
    assert_eq!(fs::read_link(r.join("bin")).unwrap(), Path::new("usr/bin"));
    let init = fs::metadata(r.join("init")).unwrap();
    assert_eq!(init.permissions().mode() & 0o7777, 0o755);
    assert_eq!(fs::read(r.join("init")).unwrap(), fs::read(rs6()).unwrap());
    assert!(r.join("command").is_dir());
    assert_eq!(fs::read_link(r.join("command/with-contenv")).unwrap(), Path::new("../init"));
    // The v1/v2 names land in the real usr/bin, through which bin reaches them.
    assert_eq!(fs::read_link(r.join("usr/bin/with-contenv")).unwrap(), Path::new("/command/with-contenv"));
    assert!(fs::symlink_metadata(r.join("bin/with-contenv")).unwrap().file_type().is_symlink());
    let before = listing(r);
    assert_eq!(install(r), (0, String::new()));
    assert_eq!(listing(r), before, "a second install changed the tree");
}

#[test]
fn never_follows_a_symlink_out_of_the_root() {
    let t = TempDir::new("escape");
    let outside = TempDir::new("outside");
    let r = t.path();
    // An absolute symlink means "inside the root" once the root is `/`:
    // it must be resolved as such, never on the host.
    let target = outside.path().join("cmd");
    symlink(&target, r.join("command")).unwrap();
    symlink(outside.path(), r.join("usr")).unwrap();
    assert_eq!(install(r).0, 0);
    assert!(!target.exists(), "install wrote outside the root");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0, "install wrote outside the root");
    let inside = r.join(target.strip_prefix("/").unwrap());
    assert!(inside.is_dir(), "command/ not created where the symlink points inside the root");
    assert!(r.join(outside.path().strip_prefix("/").unwrap()).join("bin/with-contenv").is_symlink());
    // A dangling relative symlink climbing out with .. stays inside too.
    let t2 = TempDir::new("escape2");
    symlink("../../../../../../../../tmp/rs6-escape-dotdot", t2.path().join("command")).unwrap();
    let _ = install(t2.path());
    assert!(!Path::new("/tmp/rs6-escape-dotdot").exists(), "install followed .. out of the root");
    assert!(t2.path().join("tmp/rs6-escape-dotdot").is_dir());
}

#[test]
fn init_symlink_is_replaced_not_written_through() {
    let t = TempDir::new("initlink");
    let victim = TempDir::new("victim");
    let v = victim.path().join("file");
    fs::write(&v, "keep").unwrap();
    symlink(&v, t.path().join("init")).unwrap();
    assert_eq!(install(t.path()).0, 0);
    assert_eq!(fs::read_to_string(&v).unwrap(), "keep");
    assert!(!fs::symlink_metadata(t.path().join("init")).unwrap().file_type().is_symlink());
}

#[test]
fn missing_root_is_a_clear_error() {
    let (code, err) = install(Path::new("/nonexistent/rs6-root"));
    assert_eq!(code, 111);
    assert_eq!(err, "rs6: fatal: unable to open /nonexistent/rs6-root: No such file or directory\n");
}
