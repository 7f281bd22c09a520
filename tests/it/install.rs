//! `rs6 --install DIR`.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
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
    // Installed by root: setuid, as s6-overlay's s6-overlay-suexec.
    assert_eq!(init.permissions().mode() & 0o7777, 0o4755);
    assert_eq!(fs::read(r.join("init")).unwrap(), fs::read(rs6()).unwrap());
    assert!(r.join("command").is_dir());
    assert_eq!(fs::read(r.join("package/admin/rs6/command/rs6")).unwrap(), fs::read(rs6()).unwrap());
    // One file, two names: an image holds the binary once.
    let pkg = fs::metadata(r.join("package/admin/rs6/command/rs6")).unwrap();
    assert_eq!((init.ino(), init.nlink()), (pkg.ino(), 2), "/init is not a hard link to the package's binary");
    assert!(!r.join(".rs6-install.new").exists());
    assert_eq!(fs::read_link(r.join("command/with-contenv")).unwrap(), Path::new("/package/admin/rs6/command/rs6"));
    // The v1/v2 names land in the real usr/bin, through which bin reaches them.
    assert_eq!(fs::read_link(r.join("usr/bin/with-contenv")).unwrap(), Path::new("/command/with-contenv"));
    // s6-rc too (v3's symlinks tarball): `docker exec C s6-rc …` finds it
    // on the image's PATH, which has no /command.
    assert_eq!(fs::read_link(r.join("usr/bin/s6-rc")).unwrap(), Path::new("/command/s6-rc"));
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
    let (code, err) = install(t2.path());
    assert!(!Path::new("/tmp/rs6-escape-dotdot").exists(), "install followed .. out of the root");
    assert!(t2.path().join("tmp/rs6-escape-dotdot").is_dir(), "install: exit {code}, stderr: {err}");
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

#[test]
fn usr_bin_links_never_replace_the_images_own_files() {
    let t = TempDir::new("ownfiles");
    let r = t.path();
    fs::create_dir_all(r.join("usr/bin")).unwrap();
    fs::create_dir_all(r.join("bin")).unwrap();
    fs::write(r.join("usr/bin/s6-svc"), "#!/bin/sh\necho image\n").unwrap();
    symlink("/opt/s6/bin/s6-svok", r.join("usr/bin/s6-svok")).unwrap();
    // Links from an older install (to ../init or /command/NAME) are ours.
    symlink("../init", r.join("usr/bin/s6-svstat")).unwrap();
    assert_eq!(install(r), (0, String::new()));
    assert_eq!(fs::read_to_string(r.join("usr/bin/s6-svc")).unwrap(), "#!/bin/sh\necho image\n");
    assert_eq!(fs::read_link(r.join("usr/bin/s6-svok")).unwrap(), Path::new("/opt/s6/bin/s6-svok"));
    assert_eq!(fs::read_link(r.join("usr/bin/s6-svstat")).unwrap(), Path::new("/command/s6-svstat"));
    assert_eq!(fs::read_link(r.join("command/s6-svc")).unwrap(), Path::new("/package/admin/rs6/command/rs6"));
    assert_eq!(
        fs::read_link(r.join("package/admin/s6-overlay/command/with-contenv")).unwrap(),
        Path::new("/command/with-contenv")
    );
    // Without --bin-links, nothing goes to /bin.
    assert_eq!(fs::read_dir(r.join("bin")).unwrap().count(), 0);
    let (code, _, err) = host(Command::new(rs6()).arg("--install").arg("--bin-links").arg(r));
    assert_eq!((code, err.as_str()), (0, ""));
    // Only the execline commands (Links::Execline) go to /bin, never over
    // an image's file; every entry there is such a link.
    let (_, list, _) = host(Command::new(rs6()).arg("--list"));
    for name in fs::read_dir(r.join("bin")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()) {
        assert!(list.lines().any(|l| l == name), "bin/{name} is not an applet");
        assert!(
            !["init", "s6-svc", "with-contenv", "fix-attrs"].contains(&name.as_str()),
            "bin/{name} is not an execline command"
        );
        assert_eq!(fs::read_link(r.join("bin").join(&name)).unwrap(), Path::new("/command").join(&name));
    }
    for name in ["export", "foreground", "if", "fdmove", "importas"] {
        if list.lines().any(|l| l == name) {
            assert!(r.join("bin").join(name).is_symlink(), "--bin-links did not link bin/{name}");
        }
    }
    let (code, _, err) = host(Command::new(rs6()).arg("--install").arg("--bin-links"));
    assert_eq!(code, 100, "{err}");
}

/// `/package/admin/s6/command/s6-svc` and the other packages' paths lead to
/// `/command`; an image's own package directory (real s6-overlay installed
/// before) is left alone.
#[test]
fn package_command_paths_lead_to_command() {
    let t = TempDir::new("pkgpaths");
    let r = t.path();
    fs::create_dir_all(r.join("package/admin/s6-2.12.0.3/command")).unwrap();
    fs::write(r.join("package/admin/s6-2.12.0.3/command/s6-svc"), "image").unwrap();
    symlink("s6-2.12.0.3", r.join("package/admin/s6")).unwrap();
    assert_eq!(install(r), (0, String::new()));
    for pkg in ["s6-rc", "execline", "s6-portable-utils", "s6-linux-utils", "s6-linux-init"] {
        assert_eq!(fs::read_link(r.join("package/admin").join(pkg).join("command")).unwrap(), Path::new("/command"));
    }
    assert_eq!(fs::read_to_string(r.join("package/admin/s6/command/s6-svc")).unwrap(), "image");
    // In a root of its own, s6's path is ours too, and a second install
    // changes nothing.
    let t2 = TempDir::new("pkgpaths2");
    assert_eq!(install(t2.path()), (0, String::new()));
    let before = listing(t2.path());
    assert_eq!(fs::read_link(t2.path().join("package/admin/s6/command")).unwrap(), Path::new("/command"));
    assert_eq!(install(t2.path()), (0, String::new()));
    assert_eq!(listing(t2.path()), before);
}
