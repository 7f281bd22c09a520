//! `fix-attrs`: run as the only process of a busybox root (so that the
//! root's /etc/passwd and /etc/group are the ones read), then the tree is
//! inspected from the host.
use crate::harness::*;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::process::Command;

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n\
    daemon:x:2:2:daemon:/usr/sbin:/usr/sbin/nologin\n\
    mysql:x:101:102:MySQL:/var/lib/mysql:/bin/false\n";
const GROUP: &str = "root:x:0:\ndaemon:x:2:\nmysql:x:102:\n";

/// A root whose accounts are root, daemon (2:2) and mysql (101:102); no nobody.
fn root() -> Root {
    let r = Root::new();
    r.file("/etc/passwd", PASSWD, 0o644).file("/etc/group", GROUP, 0o644);
    r
}

/// `fix-attrs ARGS` as the container's only process.
fn fix_attrs(root: &Root, args: &[&str]) -> Output {
    let mut argv = vec!["/command/fix-attrs"];
    argv.extend_from_slice(args);
    root.init(&[]).argv(&argv).run()
}

/// Write the rules to /rules and apply them.
fn apply(root: &Root, rules: &str) -> Output {
    root.file("/rules", rules, 0o644);
    fix_attrs(root, &["/rules"])
}

/// (uid, gid, mode & 07777) of a path inside the root, not following a symlink.
fn attrs(root: &Root, rel: &str) -> (u32, u32, u32) {
    let m =
        fs::symlink_metadata(root.path().join(rel.trim_start_matches('/'))).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

fn mkdir(root: &Root, rel: &str, mode: u32) {
    let p = root.path().join(rel.trim_start_matches('/'));
    fs::create_dir_all(&p).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn readme_examples() {
    let r = root();
    r.file("/var/lib/mysql/ibdata1", "x", 0o644).file("/var/lib/mysql/db/t.frm", "x", 0o644);
    for d in ["error", "general", "slow-query"] {
        r.file(&format!("/var/log/mysql-{d}-logs/current"), "x", 0o600);
    }
    let o = apply(
        &r,
        "/var/lib/mysql true mysql 0600 0700\n\
         /var/log/mysql-error-logs true nobody,32768:32768 0644 2700\n\
         /var/log/mysql-general-logs true nobody,32768:32768 0644 2700\n\
         /var/log/mysql-slow-query-logs true nobody,32768:32768 0644 2700\n",
    );
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/var/lib/mysql"), (101, 102, 0o700));
    assert_eq!(attrs(&r, "/var/lib/mysql/db"), (101, 102, 0o700));
    assert_eq!(attrs(&r, "/var/lib/mysql/ibdata1"), (101, 102, 0o600));
    assert_eq!(attrs(&r, "/var/lib/mysql/db/t.frm"), (101, 102, 0o600));
    for d in ["error", "general", "slow-query"] {
        assert_eq!(attrs(&r, &format!("/var/log/mysql-{d}-logs")), (32768, 32768, 0o2700), "{d}");
        assert_eq!(attrs(&r, &format!("/var/log/mysql-{d}-logs/current")), (32768, 32768, 0o644), "{d}");
    }
    // Untouched: the parents.
    assert_eq!(attrs(&r, "/var/log"), (0, 0, 0o755));
}

/// The account table of s6-overlay's README, with daemon = 2:2.
#[test]
fn account_table() {
    let r = root();
    let table = [
        ("daemon", 2, 2),
        ("daemon,3:4", 2, 2),
        ("2:2,3:4", 2, 2),
        ("daemon:11111,3:4", 2, 11111),
        ("11111:daemon,3:4", 11111, 2),
        ("daemon:daemon,3:4", 2, 2),
        ("daemon:unexisting,3:4", 2, 4),
        ("unexisting:daemon,3:4", 3, 2),
        ("11111:11111,3:4", 11111, 11111),
    ];
    let mut rules = String::new();
    for (i, (account, _, _)) in table.iter().enumerate() {
        r.file(&format!("/acct/{i}"), "x", 0o600);
        rules += &format!("/acct/{i} false {account} 0640 -\n");
    }
    let o = apply(&r, &rules);
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    for (i, (account, uid, gid)) in table.iter().enumerate() {
        assert_eq!(attrs(&r, &format!("/acct/{i}")), (*uid, *gid, 0o640), "{account}");
    }
}

#[test]
fn unknown_account_without_fallback_fails_and_never_means_root() {
    let r = root();
    for f in ["a", "b", "c", "d", "ok"] {
        r.file(&format!("/u/{f}"), "x", 0o600);
        let st = Command::new("chown").arg("5:5").arg(r.path().join("u").join(f)).status().unwrap();
        assert!(st.success());
    }
    let o = apply(
        &r,
        "/u/a false nobody 0644 -\n/u/b false nobody:daemon 0644 -\n/u/c false daemon:nogroup 0644 -\n/u/d false 1000 0644 -\n/u/ok false daemon 0644 -\n",
    );
    assert_eq!(o.code(), 1);
    assert_eq!(
        o.stderr,
        "fix-attrs: warning: /rules:1: unknown user: nobody\n\
         fix-attrs: warning: /rules:2: unknown user: nobody\n\
         fix-attrs: warning: /rules:3: unknown group: nogroup\n\
         fix-attrs: warning: /rules:4: unknown user: 1000\n"
    );
    for f in ["a", "b", "c", "d"] {
        assert_eq!(attrs(&r, &format!("/u/{f}")), (5, 5, 0o600), "{f}");
    }
    assert_eq!(attrs(&r, "/u/ok"), (2, 2, 0o644));
}

#[test]
fn glob_patterns() {
    let r = root();
    for f in ["a1", "a2", "ab", "b1", "c1", ".a3", "x/data", "y/data", "z/other", ".w/data"] {
        r.file(&format!("/srv/{f}"), "x", 0o600);
    }
    let o = apply(
        &r,
        "/srv/a? false 1:1 0641 -\n\
         /srv/[!a]1 false 2:2 0642 -\n\
         /srv/*/data false 3:3 0643 -\n\
         /srv/.a* false 4:4 0644 -\n\
         /srv/q* false 5:5 0645 -\n\
         /srv/[z] false 6:6 - 0700\n\
         //srv//a[0-1]/ false 7:7 - -\n",
    );
    assert_eq!(o.code(), 0, "a pattern that matches nothing is no failure: {}", o.stderr);
    assert_eq!(o.stderr, "fix-attrs: warning: /rules:5: no match for /srv/q*\n");
    assert_eq!(attrs(&r, "/srv/a1"), (7, 7, 0o641));
    assert_eq!(attrs(&r, "/srv/a2"), (1, 1, 0o641));
    assert_eq!(attrs(&r, "/srv/ab"), (1, 1, 0o641));
    assert_eq!(attrs(&r, "/srv/b1"), (2, 2, 0o642));
    assert_eq!(attrs(&r, "/srv/c1"), (2, 2, 0o642));
    assert_eq!(attrs(&r, "/srv/x/data"), (3, 3, 0o643));
    assert_eq!(attrs(&r, "/srv/y/data"), (3, 3, 0o643));
    // `*` does not match a dot name; `.a*` does.
    assert_eq!(attrs(&r, "/srv/.w/data"), (0, 0, 0o600));
    assert_eq!(attrs(&r, "/srv/.a3"), (4, 4, 0o644));
    assert_eq!(attrs(&r, "/srv/z"), (6, 6, 0o700));
    assert_eq!(attrs(&r, "/srv/z/other"), (0, 0, 0o600));
}

#[test]
fn dash_modes_comments_and_blank_lines() {
    let r = root();
    r.file("/f", "x", 0o604);
    mkdir(&r, "/d", 0o751);
    r.file("/d/g", "x", 0o606);
    let o = apply(
        &r,
        "# fix-attrs.d file\n\n   \t\n  # indented comment: /f false 9:9 0777 0777\n\
         /f false 3:4 - -\n\t/d\ttrue  daemon:mysql  -  0715 \r\n",
    );
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/f"), (3, 4, 0o604));
    assert_eq!(attrs(&r, "/d"), (2, 102, 0o715));
    assert_eq!(attrs(&r, "/d/g"), (2, 102, 0o606));
}

#[test]
fn symlinks_below_a_match_are_never_followed() {
    let r = root();
    r.file("/etc/shadow", "root:*:1::::::\n", 0o600);
    r.file("/data/file", "x", 0o600);
    mkdir(&r, "/data/sub", 0o700);
    r.file("/data/sub/deep", "x", 0o600);
    symlink("/etc/shadow", r.path().join("data/link")).unwrap();
    symlink("../etc/shadow", r.path().join("data/sub/rel")).unwrap();
    symlink("/etc", r.path().join("data/etc")).unwrap();
    // A symlink that is the matched path itself is followed.
    mkdir(&r, "/real", 0o700);
    symlink("/real", r.path().join("alias")).unwrap();
    let etc_before = attrs(&r, "/etc");
    let passwd_before = attrs(&r, "/etc/passwd");
    let o = apply(&r, "/data true 1000:1000 0666 0777\n/alias false 1001:1001 0666 0750\n");
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/etc/shadow"), (0, 0, 0o600), "a fix went through a symlink");
    assert_eq!(attrs(&r, "/etc"), etc_before, "a fix went through a directory symlink");
    assert_eq!(attrs(&r, "/etc/passwd"), passwd_before, "recursion entered a directory symlink");
    for l in ["/data/link", "/data/sub/rel", "/data/etc"] {
        let (u, g, _) = attrs(&r, l);
        assert_eq!((u, g), (1000, 1000), "{l}: the link itself is chowned");
        assert!(fs::symlink_metadata(r.path().join(&l[1..])).unwrap().file_type().is_symlink());
    }
    assert_eq!(attrs(&r, "/data/file"), (1000, 1000, 0o666));
    assert_eq!(attrs(&r, "/data/sub"), (1000, 1000, 0o777));
    assert_eq!(attrs(&r, "/data/sub/deep"), (1000, 1000, 0o666));
    assert_eq!(attrs(&r, "/real"), (1001, 1001, 0o750));
    let (u, _, _) = attrs(&r, "/alias");
    assert_eq!(u, 0, "the top-level symlink is followed, not chowned itself");
}

#[test]
fn fifos_and_devices_are_fixed_without_being_opened() {
    let r = root();
    mkdir(&r, "/data", 0o755);
    let st = Command::new("mkfifo").arg(r.path().join("data/fifo")).status().unwrap();
    assert!(st.success());
    let st = Command::new("mknod")
        .args(["-m", "600"])
        .arg(r.path().join("data/null"))
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(st.success());
    // Opening the fifo for reading would block (no writer): the run would time out.
    let o = apply(&r, "/data true 2:2 0620 0755\n/data/fifo false 3:3 0640 -\n");
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/data/fifo"), (3, 3, 0o640));
    assert_eq!(attrs(&r, "/data/null"), (2, 2, 0o620));
}

#[test]
fn hidden_entries_follow_s6_fix_attrs_hidden() {
    let r = root();
    let rules = "/data true 3:3 0640 0750\n";
    reset_in(&r);
    let o = apply(&r, rules);
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/data/v"), (3, 3, 0o640));
    assert_eq!(attrs(&r, "/data/.h"), (0, 0, 0o755));
    assert_eq!(attrs(&r, "/data/.h/x"), (0, 0, 0o600));
    // From the environment.
    let o = r.init(&[]).argv(&["/command/fix-attrs", "/rules"]).env("S6_FIX_ATTRS_HIDDEN", "1").run();
    assert_eq!((o.code(), o.stderr.as_str()), (0, ""));
    assert_eq!(attrs(&r, "/data/.h"), (3, 3, 0o750));
    assert_eq!(attrs(&r, "/data/.h/x"), (3, 3, 0o640));
    // Through /init: fix-attrs.d runs with only PATH, and finds the variable
    // in the container environment.
    for (value, changed) in [("0", false), ("1", true)] {
        let r = root();
        reset_in(&r);
        r.file("/etc/fix-attrs.d/10-data", rules, 0o644);
        let o = r.init(&["true"]).env("S6_FIX_ATTRS_HIDDEN", value).run();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        assert!(o.stderr.contains("[fix-attrs.d] 10-data: exited 0."), "{}", o.stderr);
        assert_eq!(attrs(&r, "/data/v"), (3, 3, 0o640));
        let want = if changed { (3, 3, 0o640) } else { (0, 0, 0o600) };
        assert_eq!(attrs(&r, "/data/.h/x"), want, "S6_FIX_ATTRS_HIDDEN={value}");
    }
}

fn reset_in(r: &Root) {
    for f in ["/data/.h/x", "/data/v"] {
        r.file(f, "x", 0o600);
    }
}

#[test]
fn bad_lines_are_reported_and_the_rest_applied() {
    let r = root();
    for f in ["a", "b", "c", "d", "e", "f"] {
        r.file(&format!("/t/{f}"), "x", 0o600);
    }
    let long = format!("/t/{} false 0:0 0644 -", "x".repeat(5000));
    let rules = format!(
        "/t/a false 1:1 0999 -\n\
         /t/b false 1:1 0644 0755 extra\n\
         /t/c maybe 1:1 0644 0755\n\
         t/d false 1:1 0644 0755\n\
         /t/missing false 1:1 0644 0755\n\
         {long}\n\
         /t/e false 1:1 0644 0755\n\
         /t/f false ,1:1 0644 -\n\
         /t/f false 1:1 0644\n"
    );
    let o = apply(&r, &rules);
    assert_eq!(o.code(), 1);
    assert_eq!(
        o.stderr,
        "fix-attrs: warning: /rules:1: invalid file mode: 0999\n\
         fix-attrs: warning: /rules:2: too many fields (expected: path recurse account fmode dmode)\n\
         fix-attrs: warning: /rules:3: invalid recurse value (expected true or false): maybe\n\
         fix-attrs: warning: /rules:4: path is not absolute: t/d\n\
         fix-attrs: warning: /rules:5: unable to access /t/missing: No such file or directory\n\
         fix-attrs: warning: /rules:6: line longer than 4096 bytes\n\
         fix-attrs: warning: /rules:8: invalid account: ,1:1\n\
         fix-attrs: warning: /rules:9: missing fields (expected: path recurse account fmode dmode)\n"
    );
    for f in ["a", "b", "c", "d", "f"] {
        assert_eq!(attrs(&r, &format!("/t/{f}")), (0, 0, 0o600), "{f}");
    }
    assert_eq!(attrs(&r, "/t/e"), (1, 1, 0o644));
    // A bad directory mode.
    let o = apply(&r, "/t false 1:1 - 0800\n");
    assert_eq!((o.code(), o.stderr.as_str()), (1, "fix-attrs: warning: /rules:1: invalid directory mode: 0800\n"));
}

#[test]
fn binary_file_and_unreadable_file() {
    let r = root();
    for f in ["a", "b", "c"] {
        r.file(&format!("/t/{f}"), "x", 0o600);
    }
    let mut bin = b"/t/a false 1:1 0644 -\n".to_vec();
    bin.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0/t/b false 1:1 0644 -\n/t/b false 1:1 0644 -\n");
    fs::write(r.path().join("bin-rules"), &bin).unwrap();
    r.file("/good", "/t/c false 2:2 0640 -\n", 0o644);
    let o = fix_attrs(&r, &["/bin-rules", "/missing", "/good"]);
    assert_eq!(o.code(), 111);
    assert_eq!(
        o.stderr,
        "fix-attrs: warning: /bin-rules:2: binary data (NUL byte), ignoring the rest of the file\n\
         fix-attrs: warning: unable to open /missing: No such file or directory\n"
    );
    assert_eq!(attrs(&r, "/t/a"), (1, 1, 0o644));
    assert_eq!(attrs(&r, "/t/b"), (0, 0, 0o600));
    assert_eq!(attrs(&r, "/t/c"), (2, 2, 0o640));
    // Only the binary file: 1.
    let o = fix_attrs(&r, &["/bin-rules"]);
    assert_eq!(o.code(), 1);
}

#[test]
fn recursion_depth_is_bounded() {
    let r = root();
    let deep: String = (0..70).map(|i| format!("/d{i}")).collect();
    let top = format!("/deep{deep}");
    mkdir(&r, &top, 0o700);
    let o = apply(&r, "/deep true 4:4 0644 0711\n");
    assert_eq!(o.code(), 1);
    let at64: String = (0..64).map(|i| format!("/d{i}")).collect();
    assert_eq!(o.stderr, format!("fix-attrs: warning: /rules:1: not entering /deep{at64}: more than 64 levels deep\n"));
    assert_eq!(attrs(&r, &format!("/deep{at64}")), (4, 4, 0o711));
    assert_eq!(attrs(&r, &format!("/deep{at64}/d64")), (0, 0, 0o755));
}

#[test]
fn stdin_usage_and_links() {
    let r = root();
    r.file("/t/a", "x", 0o600);
    r.file("/run-stdin", "#!/bin/sh\necho '/t/a false daemon 0604 -' | /usr/bin/fix-attrs\necho \"rc=$?\"\nfix-attrs -x\necho \"rc=$?\"\necho '/nope false 0:0 - -' | fix-attrs -\n", 0o755);
    let o = r.init(&[]).argv(&["/run-stdin"]).run();
    assert_eq!(o.stdout, "rc=0\nrc=100\n");
    assert_eq!(
        o.stderr,
        "fix-attrs: usage: fix-attrs [FILE...]\n\
         fix-attrs: warning: -:1: unable to access /nope: No such file or directory\n"
    );
    assert_eq!(attrs(&r, "/t/a"), (2, 2, 0o604));
}

/// A failing fix-attrs.d file (a rule for a path that is not there): the
/// v2 layout goes on whatever the policy (v2's loop did); the v3 layout
/// applies every file, warns as v3's `fix-attrs` oneshot, and under
/// policy 2 stops before any cont-init script with code 1.
#[test]
fn stage2_fix_attrs_failures_follow_each_layouts_rules() {
    for v3 in [false, true] {
        for policy in ["0", "1", "2"] {
            let r = root();
            mkdir(&r, "/data", 0o755);
            if v3 {
                mkdir(&r, "/etc/s6-overlay/s6-rc.d", 0o755);
            }
            r.file("/etc/fix-attrs.d/00-bad", "/missing false root 0644 0700\n", 0o644);
            r.file("/etc/fix-attrs.d/01-ok", "/data false root 0644 0700\n", 0o644);
            r.file("/etc/cont-init.d/10", "#!/bin/sh\necho cont-init\n", 0o755);
            let o = r.init(&["echo", "cmd"]).env("S6_BEHAVIOUR_IF_STAGE2_FAILS", policy).run();
            let what = format!("v3 {v3} policy {policy}: {}", o.stderr);
            assert_eq!(attrs(&r, "/data").2, 0o700, "{what}");
            let stops = v3 && policy == "2";
            let (code, out) = if stops { (1, "") } else { (0, "cont-init\ncmd\n") };
            assert_eq!((o.code(), o.stdout.as_str()), (code, out), "{what}");
            if v3 {
                for line in [
                    "fix-attrs: info: applying /etc/fix-attrs.d/00-bad\n",
                    "fix-attrs: info: applying /etc/fix-attrs.d/01-ok\n",
                    "fix-attrs: warning: fix-attrs is deprecated, please fix volume permissions in your container manager instead\n",
                ] {
                    assert!(o.stderr.contains(line), "{line}{what}");
                }
                let warned = o.stderr.contains("fix-attrs: warning: some fix files failed to apply\n");
                assert_eq!(warned, policy != "0", "{what}");
                let rc = o.stderr.contains("s6-rc: warning: unable to start service fix-attrs: command exited 1\n");
                assert_eq!(rc, stops, "{what}");
            } else {
                assert!(o.stderr.contains("[fix-attrs.d] 00-bad: exited 1.\n"), "{what}");
                assert!(o.stderr.contains("[fix-attrs.d] 01-ok: exited 0.\n"), "{what}");
            }
        }
    }
}
