//! s6-linux-utils' mount and swap tools: `s6-mount`, `s6-umount`,
//! `s6-pivotchroot`, `s6-freeramdisk`, `s6-swapon`, `s6-swapoff`. Every
//! mount, unmount and pivot happens in a mount namespace of its own
//! (`unshare --mount`, private propagation), so nothing reaches the host;
//! `/proc/mounts`, `/proc/swaps` and `/etc/fstab` are files the test writes
//! on a tmpfs mounted over `/proc` or `/etc` in there. Swap is only ever
//! asked of files that hold no swap signature: the error paths, never
//! swap turned on. The expected outputs are upstream's, checked against
//! its C code built with skalibs (and musl's `getmntent`).
use crate::harness::*;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Run the shell `script` in `w`, in new mount and PID namespaces that die
/// with it, with `$RS6` (the binary), `$W` (`w`) and `$BB` (busybox, for
/// the mounts that prepare a case). `r APPLET ARGS…` runs an applet and
/// prints its exit code on stdout.
fn in_namespace(w: &Path, script: &str) -> (i32, String, String) {
    require_root();
    let prelude = "r() { \"$RS6\" \"$@\"; echo \"rc=$?\"; }\ncd \"$W\" || exit 99\n";
    let mut c = unshare();
    c.args(["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "sh", "-c"])
        .arg(format!("{prelude}{script}"))
        .env("RS6", rs6())
        .env("W", w)
        .env("BB", BUSYBOX)
        .current_dir(w);
    host(&mut c)
}

/// The lines `prog: KIND: …` for each of `msgs`.
fn lines(prog: &str, kind: &str, msgs: &[&str]) -> String {
    msgs.iter().map(|m| format!("{prog}: {kind}: {m}\n")).collect()
}

const MOUNT_USAGE: &str = "s6-mount: usage: s6-mount -a [ -z fstab ] | s6-mount [ -n ] [ -t type ] \
    [ -o option[,option...] ]... device mountpoint\n";

/// Options are read in order into MS_* flags, the words upstream does not
/// know (and, by its table's order, `noexec` and `nosymfollow`) go to the
/// filesystem as data; EBUSY exits 1; no operand prints `/proc/mounts`.
#[test]
fn mount_options_become_flags_and_data() {
    let t = TempDir::new("mount");
    let w = t.path();
    let script = r#"
mkdir a b c d src; echo hi > src/f
r s6-mount -t tmpfs -r -o size=1m,,mode=700, -w -o nosuid,nodev,ro tmpfs "$W/a"
grep " $W/a " /proc/self/mounts | cut -d' ' -f1,3
grep " $W/a " /proc/self/mounts | cut -d' ' -f4 | tr , '\n' | grep -xE 'ro|rw|nosuid|nodev|noexec|size=1024k|mode=700' | sort | tr '\n' ' '; echo
r s6-mount -t tmpfs -o noexec tmpfs "$W/b"
r s6-mount -t tmpfs -o nosymfollow tmpfs "$W/b"
r s6-mount -n -t tmpfs -o mode=711 tmpfs "$W/c"
exec 3>c/open
r s6-mount -o remount,ro tmpfs "$W/c"
exec 3>&-
r s6-mount -o remount,ro tmpfs "$W/c"
r s6-mount -o bind "$W/src" "$W/b" extra
cat b/f
r s6-mount -o shared none "$W/b"
grep " $W/b " /proc/self/mountinfo | grep -c ' shared:'
r s6-mount -o private none "$W/b"
r s6-mount -o move "$W/b" "$W/d"
cat d/f
r s6-mount -o move "$W/b" "$W/c"
r s6-mount -t nosuchfs none "$W/b"
r s6-mount -x
r s6-mount one
"$RS6" s6-mount > m1; cat /proc/mounts > m2; cmp m1 m2 && echo same
"#;
    let (code, out, err) = in_namespace(w, script);
    let w = w.display();
    assert_eq!(
        out,
        format!(
            "rc=0\ntmpfs tmpfs\nmode=700 nodev nosuid ro size=1024k \nrc=111\nrc=111\nrc=0\nrc=1\nrc=0\nrc=0\nhi\nrc=0\n1\n\
             rc=0\nrc=0\nhi\nrc=111\nrc=111\nrc=100\nrc=100\nsame\n"
        )
    );
    let fatal = |m: &str| lines("s6-mount", "fatal", &[m]);
    assert_eq!(
        err,
        [
            fatal(&format!("unable to mount tmpfs on {w}/b: Invalid argument")),
            fatal(&format!("unable to mount tmpfs on {w}/b: Invalid argument")),
            fatal(&format!("unable to mount tmpfs on {w}/c: Device or resource busy")),
            fatal(&format!("unable to mount {w}/b on {w}/c: Invalid argument")),
            fatal(&format!("unable to mount none on {w}/b: No such device")),
            MOUNT_USAGE.into(),
            MOUNT_USAGE.into(),
        ]
        .concat()
    );
    assert_eq!(code, 0);
}

/// `-a` mounts every entry of the fstab (`-z`) as musl's `getmntent` reads
/// it, swap entries too, and exits with the number that failed; a line
/// with a NUL ends the file, a last line without its newline is dropped.
#[test]
fn mount_all_reads_an_fstab_as_musl_does() {
    let t = TempDir::new("mountall");
    let w = t.path();
    let wd = w.display();
    fs::write(
        w.join("fstab"),
        format!(
            "# comment\n   \n\n  #indented comment\n\
             tmpfs {wd}/a tmpfs size=1m,mode=700,nosuid 0 0\n\
             none {wd}/b\ttmpfs\tro,noexec\n\
             /dev/rs6-none none swap sw 0 0\n\
             \x0btmpfs \x0c{wd}/sp\\040ace  tmpfs\tdefaults,ro\\054nodev\n\
             src\n\
             x\0y {wd}/b tmpfs\n\
             tmpfs {wd}/c tmpfs\n"
        ),
    )
    .unwrap();
    fs::write(w.join("fstab2"), format!("tmpfs {wd}/c tmpfs\ntmpfs {wd}/d tmpfs")).unwrap();
    let script = r#"
mkdir a b c d 'sp ace'
r s6-mount -a -z fstab ignored operands
r s6-mount -z fstab2 -a
r s6-mount -a -z nofile
r s6-mount -a -z "$W"
r s6-mount -az
cut -d' ' -f2,4 /proc/self/mounts | grep "^$W/" | sed "s|^$W/||; s/ .*\(nodev\).*/ \1/; s/ ro,.*/ ro/; s/ rw,.*/ rw/"
"#;
    let (code, out, err) = in_namespace(w, script);
    assert_eq!(out, "rc=3\nrc=0\nrc=111\nrc=0\nrc=100\na rw\nsp\\040ace nodev\nc rw\n");
    assert_eq!(
        err,
        [
            lines(
                "s6-mount",
                "warning",
                &[
                    &format!("unable to mount none on {wd}/b: Invalid argument"),
                    "unable to mount /dev/rs6-none on none: No such file or directory",
                    "unable to mount src on : No such file or directory",
                ],
            ),
            lines("s6-mount", "fatal", &["unable to open nofile: No such file or directory"]),
            MOUNT_USAGE.into(),
        ]
        .concat()
    );
    assert_eq!(code, 0);
}

/// `s6-umount` parses its options as skalibs' gol; `-a` unmounts what
/// `/proc/mounts` lists, last first, and exits with the number that failed,
/// with upstream's limits (511 lines) and checks.
#[test]
fn umount_one_or_all_of_proc_mounts() {
    let t = TempDir::new("umount");
    let w = t.path();
    let wd = w.display();
    let many = |n: usize| (1..=n).map(|i| format!("x {wd}/n{i} y\n")).collect::<String>();
    for (name, body) in [
        ("m1", format!("x {wd}/a tmpfs rw 0 0\ny {wd}/nomount x\nz {wd}/b t\nw {wd} y\n")),
        ("m2", format!("x {wd}/a tmpfs rw 0 0\ny {wd}/b\n")),
        ("m3", format!("x {wd}/a tmpfs rw 0 0\nlast {wd}/b x")),
        ("m4", many(512)),
        ("m5", many(511)),
        ("m6", String::new()),
        ("m7", format!("x {wd}/a\0zz y\n")),
    ] {
        fs::write(w.join(name), body).unwrap();
    }
    let script = r#"
mkdir a b
r s6-umount
r s6-umount -ax
r s6-umount --foo
r s6-umount --all=1
r s6-umount --=1
r s6-umount -- -a
$BB mount -t tmpfs tmpfs a
r s6-umount "$W/a" extra
r s6-umount "$W/a"
$BB mount -t tmpfs tmpfs a; $BB mount -t tmpfs tmpfs b
$BB mount -t tmpfs tmpfs /proc
for m in m1 m2 m3 m4 m5 m6; do
  cp $m /proc/mounts; "$RS6" s6-umount -a 2>err; echo "$m rc=$? $(grep -c . err) $(head -n 1 err)"
done
$BB mount -t tmpfs tmpfs a
cp m7 /proc/mounts; r s6-umount --all
$BB umount /proc
grep -c " $W/" /proc/self/mounts || true
"#;
    let (code, out, err) = in_namespace(w, script);
    assert_eq!(
        out,
        format!(
            "rc=100\nrc=100\nrc=100\nrc=100\nrc=100\nrc=111\nrc=0\nrc=111\n\
             m1 rc=2 2 s6-umount: warning: unable to umount {wd}: Invalid argument\n\
             m2 rc=111 1 s6-umount: fatal: bad /proc/mounts format\n\
             m3 rc=111 1 s6-umount: fatal: unable to read /proc/mounts: Broken pipe\n\
             m4 rc=111 1 s6-umount: fatal: /proc/mounts too big\n\
             m5 rc=255 511 s6-umount: warning: unable to umount {wd}/n511: No such file or directory\n\
             m6 rc=0 0 \n\
             rc=0\n0\n"
        )
    );
    assert_eq!(
        err,
        [
            "s6-umount: usage: s6-umount [ -a ] [ mountpoint ]\n".into(),
            lines(
                "s6-umount",
                "fatal",
                &[
                    "unrecognized short option: x",
                    "unrecognized boolean option: --foo",
                    "unrecognized option with argument: --all=1",
                    "invalid option: --=1",
                    "unable to unmount -a: No such file or directory",
                    &format!("unable to unmount {wd}/a: Invalid argument"),
                ],
            ),
        ]
        .concat()
    );
    assert_eq!(code, 0);
    // m1's warnings, in full: last line first.
    let (_, _, err) = in_namespace(
        w,
        "$BB mount -t tmpfs tmpfs a; $BB mount -t tmpfs tmpfs b; $BB mount -t tmpfs tmpfs /proc; cp m1 /proc/mounts; \
         r s6-umount -a",
    );
    assert_eq!(
        err,
        lines(
            "s6-umount",
            "warning",
            &[
                &format!("unable to umount {wd}: Invalid argument"),
                &format!("unable to umount {wd}/nomount: No such file or directory"),
            ]
        )
    );
}

/// The new root's directory becomes `/`, the old root goes to the second
/// directory (relative to the new root), then the program runs there.
#[test]
fn pivotchroot_swaps_the_roots_then_execs() {
    let t = TempDir::new("pivot");
    let w = t.path();
    fs::write(w.join("hostmark"), "host\n").unwrap();
    let script = r#"
mkdir nr
$BB mount -t tmpfs tmpfs nr
mkdir nr/old nr/plain nr/plain/old; cp "$BB" nr/busybox; echo new > nr/marker
r s6-pivotchroot nr old
r s6-pivotchroot nodir old /busybox true
r s6-pivotchroot nr/plain old /busybox true
r s6-pivotchroot nr nodir /busybox true
"$RS6" s6-pivotchroot nr old /busybox sh -c '/busybox pwd; /busybox cat /marker "/old$W/hostmark"; exit 7'
echo "rc=$?"
"#;
    let (code, out, err) = in_namespace(w, script);
    assert_eq!(out, "rc=100\nrc=111\nrc=111\nrc=111\n/\nnew\nhost\nrc=7\n");
    assert_eq!(
        err,
        [
            "s6-pivotchroot: usage: s6-pivotchroot old-place-for-new-root new-place-for-old-root prog...\n".into(),
            lines(
                "s6-pivotchroot",
                "fatal",
                &[
                    "unable to chdir to nodir: No such file or directory",
                    "unable to pivot_root: Invalid argument",
                    "unable to pivot_root: No such file or directory",
                ],
            ),
        ]
        .concat()
    );
    assert_eq!(code, 0);
    // A program that cannot run: upstream's exec failure.
    let (_, out, err) = in_namespace(w, "$BB mount -t tmpfs tmpfs nr; mkdir nr/old; r s6-pivotchroot nr old /nothing");
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("rc=127\n", "s6-pivotchroot: fatal: unable to exec /nothing: No such file or directory\n")
    );
}

/// `s6-freeramdisk` on what is not a block device: upstream's messages.
#[test]
fn freeramdisk_reports_what_it_cannot_flush() {
    require_root();
    let t = TempDir::new("ramdisk");
    let w = t.path();
    fs::write(w.join("file"), "x").unwrap();
    let r = |args: &[&str]| host(Command::new(rs6()).arg("s6-freeramdisk").args(args).current_dir(w));
    let fatal = |m: &str| (111, String::new(), format!("s6-freeramdisk: fatal: {m}\n"));
    assert_eq!(r(&[]), (100, String::new(), "s6-freeramdisk: usage: s6-freeramdisk ramdisk_device\n".into()));
    assert_eq!(r(&["nofile"]), fatal("unable to open nofile in read-write mode: No such file or directory"));
    assert_eq!(r(&["."]), fatal("unable to open . in read-write mode: Is a directory"));
    assert_eq!(r(&["file"]), fatal("unable to ioctl file: Inappropriate ioctl for device"));
    assert_eq!(r(&["/dev/null"]), fatal("unable to ioctl /dev/null: Inappropriate ioctl for device"));
}

/// Swap asked of files with no swap signature, and of missing ones: the
/// kernel's refusals, reported as upstream does; `-a` reads `/etc/fstab`
/// (type `swap` only) or `/proc/swaps` (after its header).
#[test]
fn swap_tools_report_refusals() {
    let t = TempDir::new("swap");
    let w = t.path();
    let wd = w.display();
    fs::write(w.join("zeros"), vec![0u8; 65536]).unwrap();
    fs::write(
        w.join("fstab"),
        format!(
            "# x\n{wd}/zeros none swap sw 0 0\n/rs6-nofile none swap sw\n{wd}/zeros none swapx sw\n\
             {wd}/z\\145ros none sw\\141p\nlast none swap"
        ),
    )
    .unwrap();
    fs::write(w.join("swaps1"), format!("Filename\tType\n{wd}/zeros file 1 2\n/rs6-nofile\tpartition 1\n/x\\040y 3\n"))
        .unwrap();
    fs::write(w.join("swaps2"), format!("Filename\n{wd}/zeros file\nnospace\n/rs6-nofile x\n")).unwrap();
    fs::write(w.join("swaps3"), format!("Filename\n{wd}/zeros file\n/rs6-nofile x")).unwrap();
    let script = r#"
r s6-swapon
r s6-swapon -b
r s6-swapon --all=x
r s6-swapon zeros
r s6-swapon -- -a
r s6-swapoff
r s6-swapoff -z
r s6-swapoff zeros extra
r s6-swapoff nofile
$BB mount -t tmpfs tmpfs /proc
for s in swaps1 swaps2 swaps3; do cp $s /proc/swaps; r s6-swapoff -a; done
: > /proc/swaps; r s6-swapoff --all
$BB mount -t tmpfs tmpfs /etc
$BB cp fstab /etc/fstab; r s6-swapon -a
: > /etc/fstab; r s6-swapon -a
"#;
    let (code, out, err) = in_namespace(w, script);
    assert_eq!(
        out,
        "rc=100\nrc=100\nrc=100\nrc=111\nrc=111\nrc=100\nrc=100\nrc=111\nrc=111\nrc=3\nrc=111\nrc=111\nrc=0\nrc=3\nrc=0\n"
    );
    let swapoff_warn = |m: &str| lines("s6-swapoff", "warning", &[m]);
    assert_eq!(
        err,
        [
            "s6-swapon: usage: s6-swapon [ -a ] [ device ]\n".into(),
            lines(
                "s6-swapon",
                "fatal",
                &[
                    "unrecognized short option: b",
                    "unrecognized option with argument: --all=x",
                    "unable to swapon zeros: Invalid argument",
                    "unable to swapon -a: No such file or directory",
                ],
            ),
            "s6-swapoff: usage: s6-swapoff [ -a ] [ device ]\n".into(),
            lines(
                "s6-swapoff",
                "fatal",
                &[
                    "unrecognized short option: z",
                    "unable to swapoff zeros: Invalid argument",
                    "unable to swapoff nofile: No such file or directory",
                ],
            ),
            swapoff_warn(&format!("unable to swapoff {wd}/zeros: Invalid argument")),
            swapoff_warn("unable to swapoff /rs6-nofile\tpartition: No such file or directory"),
            swapoff_warn("unable to swapoff /x\\040y: No such file or directory"),
            swapoff_warn(&format!("unable to swapoff {wd}/zeros: Invalid argument")),
            lines("s6-swapoff", "fatal", &["invalid line in /proc/swaps"]),
            swapoff_warn(&format!("unable to swapoff {wd}/zeros: Invalid argument")),
            lines("s6-swapoff", "fatal", &["unable to skagetln: Broken pipe"]),
            lines(
                "s6-swapon",
                "warning",
                &[
                    &format!("unable to swapon {wd}/zeros: Invalid argument"),
                    "unable to swapon /rs6-nofile: No such file or directory",
                    &format!("unable to swapon {wd}/zeros: Invalid argument"),
                ],
            ),
        ]
        .concat()
    );
    assert_eq!(code, 0);
}

/// `rs6 --install` puts the six in `/command` and `/usr/bin`, as s6-overlay
/// v3 places s6-linux-utils.
#[test]
fn installed_in_command_and_usr_bin() {
    let t = TempDir::new("linuxinst");
    let r = t.path();
    assert_eq!(host(Command::new(rs6()).arg("--install").arg(r)).0, 0);
    for name in ["s6-mount", "s6-umount", "s6-pivotchroot", "s6-freeramdisk", "s6-swapon", "s6-swapoff"] {
        assert_eq!(fs::read_link(r.join("command").join(name)).unwrap(), Path::new("/package/admin/rs6/command/rs6"));
        assert_eq!(fs::read_link(r.join("usr/bin").join(name)).unwrap(), Path::new("/command").join(name));
    }
}
