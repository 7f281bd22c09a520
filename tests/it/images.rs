//! Layouts of real images that use s6-overlay: renamed entry points,
//! symlinked service directories, missing interpreters, an unusable `/run`,
//! services that look at their working directory, the variables they set.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::time::Duration;

/// `mv /init /s6-init` and a wrapper `/init` that calls it.
#[test]
fn renamed_init_behind_a_wrapper() {
    let root = Root::new();
    let r = root.path();
    fs::rename(r.join("init"), r.join("s6-init")).unwrap();
    root.file("/init", "#!/bin/sh\necho wrapper\nexec /s6-init \"$@\"\n", 0o755);
    root.file("/etc/cont-init.d/10-hello", "#!/usr/bin/with-contenv sh\necho \"cont-init FOO=$FOO\"\n", 0o755);
    root.file("/etc/services.d/svc/run", "#!/bin/sh\necho svc-up\nexec sleep 100\n", 0o755);
    let o = root
        .init(&["sh", "-c", "s6-svwait -u -t 5000 /run/service/svc && echo cmd-ran && exit 3"])
        .env("FOO", "bar")
        .timeout(Duration::from_secs(30))
        .run();
    assert_eq!(o.code(), 3, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert!(o.stdout.starts_with("wrapper\n"), "{}", o.stdout);
    assert!(o.stdout.contains("cont-init FOO=bar\n"), "{}", o.stdout);
    assert!(o.stdout.contains("svc-up\n"), "{}", o.stdout);
    assert!(o.stdout.contains("cmd-ran\n"), "{}", o.stdout);
    assert!(!o.stderr.contains("unknown applet"), "{}", o.stderr);
}

/// `/usr/bin/with-contenv` renamed to `with-contenvb` with a wrapper in its
/// place, called by shebang, by PATH and by absolute path.
#[test]
fn renamed_with_contenv_behind_a_wrapper() {
    let root = Root::new();
    let r = root.path();
    fs::rename(r.join("usr/bin/with-contenv"), r.join("usr/bin/with-contenvb")).unwrap();
    root.file("/usr/bin/with-contenv", "#!/bin/sh\necho wrapper-ran\nexec with-contenvb \"$@\"\n", 0o755);
    root.file("/etc/cont-init.d/10-a", "#!/usr/bin/with-contenv sh\necho \"a FOO=$FOO\"\n", 0o755);
    root.file("/etc/cont-init.d/20-b", "#!/usr/bin/with-contenvb sh\necho \"b FOO=$FOO\"\n", 0o755);
    root.file("/etc/cont-init.d/30-c", "#!/bin/sh\n/usr/bin/with-contenvb sh -c 'echo \"c FOO=$FOO\"'\n", 0o755);
    let o = root.init(&["true"]).env("FOO", "bar").run();
    assert_eq!(o.code(), 0, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    for l in ["wrapper-ran\na FOO=bar\n", "b FOO=bar\n", "c FOO=bar\n"] {
        assert!(o.stdout.contains(l), "missing {l:?} in {}\nstderr: {}", o.stdout, o.stderr);
    }
    // The binary's name along a chain that has no applet name is refused.
    symlink("/package/admin/rs6/command/rs6", r.join("usr/bin/frob")).unwrap();
    let o = root.init(&[]).argv(&["/usr/bin/frob"]).run();
    assert_eq!((o.code(), o.stderr.as_str()), (100, "rs6: fatal: unknown applet: frob\n"));
}
