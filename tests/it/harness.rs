//! The container test harness: a busybox root filesystem with rs6 installed,
//! run as PID 1 of fresh PID and mount namespaces:
//!
//! `unshare --pid --fork --kill-child --mount-proc --mount --root=ROOT --wd=/ /init …`
//!
//! with a timeout, captured stdout/stderr, the exit status, a way to signal
//! PID 1 from outside, and cleanup (kill, reap, remove the root) that leaves
//! no process or mount behind: `--kill-child` takes the namespace down with
//! `unshare`, and `--mount` keeps every mount inside the namespace.
//!
//! These tests need root. Without it they fail, loudly; they never skip.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const BUSYBOX: &str = "/bin/busybox";
pub const DOCKER_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The binary under test: `$RS6_BIN` when set (the aarch64 build, run by
/// `tests/run` inside `tests/binfmt-ns`, where the kernel hands aarch64 ELF
/// files to qemu-user), else the one cargo built.
pub fn rs6() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("RS6_BIN") {
        Some(b) if !b.is_empty() => PathBuf::from(b),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_rs6")),
    })
}

/// True when the binary under test runs emulated (`$RS6_BIN` is set).
pub fn emulated() -> bool {
    std::env::var_os("RS6_BIN").is_some_and(|b| !b.is_empty())
}

/// Tests that measure time take this lock so they do not run beside each
/// other (or beside a fork storm) on a small machine.
pub fn timing() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn require_root() {
    let status = fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let uid = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
    let euid = uid.split_whitespace().nth(2).unwrap_or("");
    assert_eq!(euid, "0", "these tests run rs6 as PID 1 in namespaces and need root (euid 0)");
    for tool in ["unshare", "mknod"] {
        assert!(which(tool).is_some(), "{tool} not found: install util-linux/coreutils");
    }
    assert!(Path::new(BUSYBOX).exists(), "{BUSYBOX} missing: apt-get install busybox-static");
}

pub fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(tool)).find(|p| p.is_file())
}

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("rs6-test-{}-{}-{}", std::process::id(), tag, n));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `tests/lib/mkroot`, the one builder of busybox roots (the suite's,
/// `tests/demo`'s, `qemu-tests/`', `bench/`'s).
pub const MKROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lib/mkroot");

/// The busybox part of every root: built once per test process by
/// `tests/lib/mkroot`, then cloned into each root in-process (a copy of
/// busybox and its applet links: a shell making them again for every root
/// would cost a fork per link).
fn template() -> &'static Path {
    static T: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let base = std::env::temp_dir();
        // What test processes that are gone left (a template: statics are
        // never dropped; roots and their output: a killed process drops nothing).
        for e in fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix("rs6-test-") else { continue };
            let pid = rest.strip_prefix("template-").unwrap_or(rest).split('-').next().unwrap_or("");
            if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(pid).exists() {
                let _ = fs::remove_dir_all(e.path()).or_else(|_| fs::remove_file(e.path()));
            }
        }
        let t = base.join(format!("rs6-test-template-{}", std::process::id()));
        let _ = fs::remove_dir_all(&t);
        let mut mkroot = Command::new("sh");
        mkroot.arg(MKROOT).args(["--dev", "null,zero,tty"]).arg(&t);
        mkroot.args(["proc", "dev", "tmp", "etc", "root", "var", "run"]);
        let out = run_timed(&mut mkroot, None, Duration::from_secs(120));
        assert!(out.status.success(), "tests/lib/mkroot: {}", out.err());
        t
    })
}

/// Copy the tree `from` into `to`: directories (made if missing, `from`'s
/// mode), files (copied over), symlinks (only where `to` has nothing: an
/// image's own program stays), device nodes (made with `mknod`, or, in a
/// user namespace that refuses it (`$RS6_DEVNODES` set), hard-linked: the
/// template's are links of `$RS6_DEVNODES`'s).
fn clone_tree(from: &Path, to: &Path) {
    use std::os::unix::fs::MetadataExt;
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let m = fs::symlink_metadata(&src).unwrap();
        let ft = m.file_type();
        if ft.is_dir() {
            // A symlink laid out by `prep` (usrmerge) is followed.
            if !dst.exists() {
                fs::create_dir_all(&dst).unwrap();
            }
            fs::set_permissions(&dst, m.permissions()).unwrap();
            clone_tree(&src, &dst);
        } else if ft.is_symlink() {
            if !dst.exists() {
                symlink(fs::read_link(&src).unwrap(), &dst).unwrap();
            }
        } else if ft.is_file() {
            fs::copy(&src, &dst).unwrap();
        } else if std::env::var_os("RS6_DEVNODES").is_some() {
            fs::hard_link(&src, &dst).unwrap_or_else(|e| panic!("link {}: {e}", dst.display()));
        } else {
            let (rdev, kind) = (m.rdev(), if ft.is_char_device() { "c" } else { "b" });
            let major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & !0xfff);
            let minor = (rdev & 0xff) | ((rdev >> 12) & !0xff);
            let st = Command::new("mknod")
                .args(["-m", &format!("{:o}", m.mode() & 0o7777)])
                .arg(&dst)
                .args([kind, &major.to_string(), &minor.to_string()])
                .status()
                .unwrap();
            assert!(st.success(), "mknod {}", dst.display());
        }
    }
}

/// A busybox root filesystem with rs6 installed by `rs6 --install`.
pub struct Root {
    pub tmp: TempDir,
}

impl Root {
    pub fn new() -> Root {
        Root::with(|_| {})
    }

    /// Build the root; `prep` runs before `rs6 --install` (to lay out an
    /// image's own `/bin`, `/usr`, …).
    pub fn with(prep: impl FnOnce(&Path)) -> Root {
        require_root();
        let tmp = TempDir::new("root");
        let r = tmp.path().to_path_buf();
        prep(&r);
        clone_tree(template(), &r);
        fs::write(r.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
            .unwrap();
        fs::write(r.join("etc/group"), "root:x:0:\nnogroup:x:65534:\n").unwrap();
        let out = run_timed(Command::new(rs6()).arg("--install").arg(&r), None, Duration::from_secs(60));
        assert!(out.status.success(), "rs6 --install: {}", out.err());
        Root { tmp }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Write a file inside the root (parents created), with a mode.
    pub fn file(&self, rel: &str, body: &str, mode: u32) -> &Root {
        let p = self.path().join(rel.trim_start_matches('/'));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, body).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    /// A container running `/init ARGS` in this root.
    pub fn init(&self, args: &[&str]) -> Run<'_> {
        let mut cmd = vec!["/init".to_string()];
        cmd.extend(args.iter().map(|s| s.to_string()));
        Run {
            root: self,
            argv: cmd,
            env: vec![("PATH".into(), DOCKER_PATH.into())],
            timeout: Duration::from_secs(20),
            prefix: vec![],
            host: false,
            read_only: false,
            run_tmpfs: true,
            user: None,
        }
    }
}

/// `setpriv --pdeathsig KILL unshare`: every namespace a test starts, by
/// the harness or not, dies with the test process that started it, even
/// when that process is killed: unshare gets SIGKILL when its parent dies,
/// and its `--kill-child` passes that on to the namespace's PID 1.
fn unshare_argv() -> Vec<String> {
    let setpriv = which("setpriv").expect("setpriv not found: apt-get install util-linux");
    let unshare = which("unshare").expect("unshare not found: apt-get install util-linux");
    vec![setpriv.display().to_string(), "--pdeathsig".into(), "KILL".into(), unshare.display().to_string()]
}

/// `program` (arguments to add) run by `setpriv --pdeathsig KILL`: it gets
/// SIGKILL when the test process that started it dies, even by SIGKILL.
pub fn dies_with_parent(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let setpriv = which("setpriv").expect("setpriv not found: apt-get install util-linux");
    let mut c = Command::new(setpriv);
    c.args(["--pdeathsig", "KILL"]).arg(program);
    c
}

/// `dies_with_parent`, with SIGINT and SIGQUIT back to their default
/// action: a test binary started in the background by a non-interactive
/// shell inherits them ignored, and everything it starts with them (a ^C
/// on a terminal, `s6-svc -s int` would then do nothing).
pub fn dies_with_parent_default_int(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = dies_with_parent("env");
    c.arg("--default-signal=INT,QUIT").arg(program);
    c
}

/// `unshare` (arguments to add) that dies with the test process.
pub fn unshare() -> Command {
    let argv = unshare_argv();
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]);
    c
}

/// A container to start.
pub struct Run<'a> {
    root: &'a Root,
    argv: Vec<String>,
    env: Vec<(String, String)>,
    timeout: Duration,
    /// A program run before unshare (it must exec its arguments), e.g. a
    /// helper that sets signal dispositions.
    prefix: Vec<String>,
    /// No chroot: the namespace sees the host's filesystem.
    host: bool,
    /// The root is bind-mounted read-only, with a tmpfs on /run (as
    /// `docker run --read-only --tmpfs /run`).
    read_only: bool,
    /// With `read_only`: a tmpfs on /run (else /run is read-only too).
    run_tmpfs: bool,
    /// Run PID 1 as this uid:gid (as `docker run --user`).
    user: Option<(u32, u32)>,
}

impl<'a> Run<'a> {
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }
    /// `docker run --read-only` without a tmpfs on /run.
    pub fn read_only_no_tmpfs(mut self) -> Self {
        self.read_only = true;
        self.run_tmpfs = false;
        self
    }
    /// `/run` on the root's disk, kept from one start to the next (`docker
    /// restart`; a `/run` that is not a tmpfs).
    pub fn run_on_disk(mut self) -> Self {
        self.run_tmpfs = false;
        self
    }
    /// `docker run --user UID:GID`.
    pub fn user(mut self, uid: u32, gid: u32) -> Self {
        self.user = Some((uid, gid));
        self
    }
    pub fn host(mut self) -> Self {
        self.host = true;
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.retain(|(n, _)| n != k);
        self.env.push((k.into(), v.into()));
        self
    }
    pub fn no_env(mut self, k: &str) -> Self {
        self.env.retain(|(n, _)| n != k);
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    pub fn prefix(mut self, p: &[&str]) -> Self {
        self.prefix = p.iter().map(|s| s.to_string()).collect();
        self
    }
    /// Replace `/init ARGS` by another command run as PID 1.
    pub fn argv(mut self, argv: &[&str]) -> Self {
        self.argv = argv.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn command(&self) -> Command {
        // The container dies with the test that started it (see `unshare`);
        // a prefix execs its arguments, so the parent-death signal holds.
        let mut all = unshare_argv();
        let unshare = all.pop().unwrap();
        all.extend(self.prefix.iter().cloned());
        all.push(unshare);
        if self.read_only {
            // A shell on the host side of the new namespaces mounts, then
            // execs chroot, which execs /init: /init stays PID 1.
            let r = self.root.path().display().to_string();
            let chroot = which("chroot").expect("chroot not found: apt-get install coreutils");
            let tmpfs =
                if self.run_tmpfs { format!("mount -t tmpfs -o mode=0755 tmpfs {r}/run;") } else { String::new() };
            let spec = self.user.map(|(u, g)| format!("--userspec={u}:{g}")).unwrap_or_default();
            let setup = format!(
                "set -e; mount --bind {r} {r}; mount -o remount,bind,ro {r}; \
                 {tmpfs} mount -t proc proc {r}/proc; \
                 cd {r}; exec {} {spec} {r} \"$@\"",
                chroot.display()
            );
            for a in ["--pid", "--fork", "--kill-child", "--mount", "--propagation", "private", "/bin/sh", "-c"] {
                all.push(a.into());
            }
            all.push(setup);
            all.push("sh".into());
            all.extend(self.argv.iter().cloned());
            let mut c = Command::new(&all[0]);
            c.args(&all[1..]).env_clear();
            for (k, v) in &self.env {
                c.env(k, v);
            }
            return c;
        }
        for a in ["--pid", "--fork", "--kill-child", "--mount-proc", "--mount"] {
            all.push(a.into());
        }
        if !self.host {
            all.push(format!("--root={}", self.root.path().display()));
            all.push("--wd=/".into());
        }
        if let Some((u, g)) = self.user {
            all.push(format!("--setgid={g}"));
            all.push(format!("--setuid={u}"));
        }
        all.extend(self.argv.iter().cloned());
        let mut c = Command::new(&all[0]);
        c.args(&all[1..]);
        c.env_clear();
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Start it, stdin from /dev/null.
    pub fn start(self) -> Container {
        self.start_with(Stdio::null())
    }

    pub fn start_with(self, stdin: Stdio) -> Container {
        let out = self.root.path().with_extension("stdout");
        let err = self.root.path().with_extension("stderr");
        let mut c = self.command();
        c.stdin(stdin).stdout(fs::File::create(&out).unwrap()).stderr(fs::File::create(&err).unwrap());
        let started = Instant::now();
        let child = c.spawn().expect("spawn unshare");
        Container { child, started, out, err, timeout: self.timeout, status: None }
    }

    /// Start and wait for the end.
    pub fn run(self) -> Output {
        self.start().wait()
    }
}

/// A running container.
pub struct Container {
    pub child: Child,
    pub started: Instant,
    out: PathBuf,
    err: PathBuf,
    timeout: Duration,
    status: Option<ExitStatus>,
}

pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// The container's exit code (panics when unshare itself was killed).
    pub fn code(&self) -> i32 {
        match self.status.code() {
            Some(c) => c,
            None => panic!("container did not exit normally: {:?}\nstderr: {}", self.status, self.stderr),
        }
    }
}

impl Container {
    /// The namespace's PID 1, as seen from the host (unshare's only child).
    pub fn pid1(&mut self) -> i32 {
        let u = self.child.id();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let kids = fs::read_to_string(format!("/proc/{u}/task/{u}/children")).unwrap_or_default();
            if let Some(p) = kids.split_whitespace().next() {
                return p.parse().unwrap();
            }
            assert!(Instant::now() < deadline, "no PID 1 appeared under unshare");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The host pids of PID 1's children.
    pub fn children_of_pid1(&mut self) -> Vec<i32> {
        let p = self.pid1();
        fs::read_to_string(format!("/proc/{p}/task/{p}/children"))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect()
    }

    /// Wait (at most 10 s) until PID 1 has a child (the CMD).
    pub fn wait_cmd(&mut self) {
        let t = Instant::now();
        while self.children_of_pid1().is_empty() {
            assert!(t.elapsed() < Duration::from_secs(10), "the CMD did not start");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Wait until `what` shows on the stdout captured so far.
    pub fn wait_stdout(&mut self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if fs::read_to_string(&self.out).unwrap_or_default().contains(what) {
                return;
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                panic!(
                    "container ended ({st:?}) before printing {what:?}; stdout: {}; stderr: {}",
                    fs::read_to_string(&self.out).unwrap_or_default(),
                    fs::read_to_string(&self.err).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what:?} on stdout");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Send `sig` to the namespace's PID 1 from outside.
    pub fn signal(&mut self, sig: i32) -> Instant {
        let p = self.pid1();
        let st = Command::new("kill").arg(format!("-{sig}")).arg(p.to_string()).status().unwrap();
        assert!(st.success(), "kill -{sig} {p}");
        Instant::now()
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Wait for the end (or the timeout, which fails the test).
    pub fn wait(mut self) -> Output {
        let deadline = self.started + self.timeout;
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "container still running after {:?}; stdout: {}; stderr: {}",
                    self.timeout,
                    fs::read_to_string(&self.out).unwrap_or_default(),
                    fs::read_to_string(&self.err).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        self.status = Some(status);
        Output {
            status,
            stdout: fs::read_to_string(&self.out).unwrap_or_default(),
            stderr: fs::read_to_string(&self.err).unwrap_or_default(),
            elapsed: self.started.elapsed(),
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = fs::remove_file(&self.out);
        let _ = fs::remove_file(&self.err);
    }
}

/// Run a host command (at most 120 s), return (code, stdout, stderr).
pub fn host(cmd: &mut Command) -> (i32, String, String) {
    let r = run_timed(cmd, None, Duration::from_secs(120));
    (r.status.code().unwrap_or(-1), r.out(), r.err())
}

/// Write an executable script. The final file is written by `cp` in a
/// process of its own: a descriptor of this (multi-threaded) test process
/// open for writing on it could be inherited by a child that another test
/// thread forks at that moment, and an exec of the script would then fail
/// with ETXTBSY.
pub fn write_script(path: &Path, body: &str) {
    let tmp = path.with_extension("rs6-tmp");
    fs::write(&tmp, body).unwrap();
    let st = Command::new("cp").arg(&tmp).arg(path).status().expect("cp");
    assert!(st.success(), "cp {} {}", tmp.display(), path.display());
    fs::remove_file(&tmp).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// Wait (at most `limit`) until `f` holds; the test fails naming `what`.
pub fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(Instant::now() < deadline, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Wait (at most `limit`) for `ch` to end; one still running then is killed
/// and fails the test.
pub fn wait_child(ch: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(st) = ch.try_wait().unwrap() {
            return st;
        }
        if Instant::now() > deadline {
            let _ = ch.kill();
            let _ = ch.wait();
            panic!("child {} still running after {limit:?}", ch.id());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Read `r` to its end in a thread of its own; `take` waits for the text.
pub struct Reader(std::sync::mpsc::Receiver<Vec<u8>>);

impl Reader {
    pub fn new(mut r: impl std::io::Read + Send + 'static) -> Reader {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            let _ = tx.send(v);
        });
        Reader(rx)
    }
    /// What was read, once its end came; a pipe still open at `deadline`
    /// (a process left behind holds it) fails the test.
    pub fn take(self, deadline: Instant) -> Vec<u8> {
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
        self.0.recv_timeout(left).expect("output still open: a process left behind holds the pipe")
    }
}

/// All that `r` gives (a pipe whose writer ended), within `limit`.
pub fn read_all(r: impl std::io::Read + Send + 'static, limit: Duration) -> String {
    String::from_utf8_lossy(&Reader::new(r).take(Instant::now() + limit)).into_owned()
}

/// A command run to its end: how it ended, what it printed, how long it took.
pub struct Ran {
    pub status: ExitStatus,
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub took: Duration,
}

impl Ran {
    /// The exit code, or 128 + the signal that ended it (as a shell says).
    pub fn code(&self) -> i32 {
        use std::os::unix::process::ExitStatusExt;
        self.status.code().unwrap_or_else(|| 128 + self.status.signal().unwrap_or(0))
    }
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.err).into_owned()
    }
}

/// Run `cmd` to its end with `stdin` on its standard input (`None`:
/// /dev/null) and its output captured. Still running after `limit`: killed,
/// and the test fails; so it does when its output stays open until then.
pub fn run_timed(cmd: &mut Command, stdin: Option<&[u8]>, limit: Duration) -> Ran {
    let start = Instant::now();
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut ch = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    if let (Some(input), Some(mut w)) = (stdin, ch.stdin.take()) {
        let input = input.to_vec();
        // Not joined: a child that never reads ends, killed at the latest.
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut w, &input);
        });
    }
    let (o, e) = (Reader::new(ch.stdout.take().unwrap()), Reader::new(ch.stderr.take().unwrap()));
    let deadline = start + limit;
    let status = loop {
        if let Some(st) = ch.try_wait().unwrap() {
            break st;
        }
        if Instant::now() >= deadline {
            let _ = ch.kill();
            let _ = ch.wait();
            panic!("{cmd:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = start.elapsed();
    Ran { status, out: o.take(deadline), err: e.take(deadline), took }
}

/// `pty_session.py` driving `run` under a pseudo-terminal, as
/// `docker run -it IMG sh` does: (exit code, its `key=value` findings,
/// stderr). The session has its own time limits; this one bounds it all.
pub fn pty_session(run: Run) -> (i32, String, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/pty_session.py");
    let python = which("python3").expect("python3 not found: apt-get install python3");
    let inner = run.command();
    // The session dies with the test too (its container dies with it).
    let mut cmd = dies_with_parent_default_int(python);
    cmd.arg(script).arg(inner.get_program()).args(inner.get_args()).env_clear();
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let r = run_timed(&mut cmd, None, Duration::from_secs(120));
    (r.code(), r.out(), r.err())
}
