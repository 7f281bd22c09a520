//! execline: the differential corpus (`tests/execline/corpus.el`), each
//! script run under Debian's execline and under rs6, stdout, stderr and
//! exit code compared byte for byte; and in-process chaining checks.
use crate::harness::*;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const DEBIAN_BIN: &str = "/usr/lib/execline/bin";

struct Case {
    name: String,
    script: String,
    opts: Vec<String>,
    args: Vec<String>,
    stdin: Vec<u8>,
    file: bool,
    ours_code: Option<i32>,
    ours_err: Option<String>,
    ours_out: Option<String>,
    env: Vec<(String, String)>,
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t").replace("\\0", "\0")
}

fn corpus() -> Vec<Case> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/execline/corpus.el")).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("## ") {
            cases.push(Case {
                name: name.trim().into(),
                script: String::new(),
                opts: vec![],
                args: vec![],
                stdin: vec![],
                file: false,
                ours_code: None,
                ours_err: None,
                ours_out: None,
                env: vec![],
            });
            continue;
        }
        let Some(c) = cases.last_mut() else { continue };
        c.script.push_str(line);
        if let Some(d) = line.strip_prefix("#@ ") {
            let d = d.trim_end_matches('\n');
            let (k, v) = d.split_once(' ').unwrap_or((d, ""));
            match k {
                "opts" => c.opts = v.split_whitespace().map(String::from).collect(),
                "args" => c.args = v.split_whitespace().map(|a| a.trim_matches('"').to_string()).collect(),
                "stdin" => c.stdin = unescape(v).into_bytes(),
                "file" => c.file = true,
                "ours-code" => c.ours_code = Some(v.parse().unwrap()),
                "ours-err" => c.ours_err = Some(unescape(v)),
                "ours-out" => c.ours_out = Some(unescape(v)),
                "env" => {
                    let (k, v) = v.split_once('=').unwrap();
                    c.env.push((k.into(), v.into()));
                }
                _ => panic!("{}: unknown directive {k}", c.name),
            }
        }
    }
    cases
}

/// A directory of links to rs6, one per applet.
pub fn applet_dir() -> TempDir {
    let d = TempDir::new("elbin");
    let out = Command::new(rs6()).arg("--list").output().unwrap();
    for name in String::from_utf8(out.stdout).unwrap().lines() {
        std::os::unix::fs::symlink(rs6(), d.path().join(name)).unwrap();
    }
    d
}

pub struct Res {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Run `execlineb` (the one at `eb`) with PATH `path` on a case, in `dir`.
fn run(eb: &Path, path: &str, c: &Case, dir: &Path) -> Res {
    let mut cmd = Command::new(eb);
    cmd.arg0("execlineb").args(&c.opts);
    if c.file {
        fs::write(dir.join("script.el"), &c.script).unwrap();
        cmd.arg("./script.el");
    } else {
        cmd.arg("-c").arg(&c.script);
    }
    cmd.args(&c.args).current_dir(dir).env_clear().env("PATH", path).env("HOME", "/root").env("LC_ALL", "C");
    cmd.envs(c.env.iter().map(|(k, v)| (k, v)));
    timed(cmd, &c.stdin, Duration::from_secs(20))
}

pub fn timed(mut cmd: Command, stdin: &[u8], limit: Duration) -> Res {
    let r = run_timed(&mut cmd, Some(stdin), limit);
    Res { code: r.code(), out: r.out(), err: r.err() }
}

/// Debian's execlineb itself (`/usr/bin/execlineb` is a wrapper script
/// that changes `$0` and PATH).
fn debian_eb() -> PathBuf {
    Path::new(DEBIAN_BIN).join("execlineb")
}

/// The directory of the execline binaries, wherever it appears, as `BIN`.
fn norm(r: Res, bin: &str) -> Res {
    Res { code: r.code, out: r.out.replace(bin, "BIN"), err: r.err.replace(bin, "BIN") }
}

fn debian_path() -> String {
    format!("{DEBIAN_BIN}:/usr/bin:/bin")
}

#[test]
fn differential_corpus() {
    assert!(Path::new("/usr/bin/execlineb").exists(), "Debian's execline is needed: apt-get install execline");
    let cases = corpus();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    let bin = applet_dir();
    let ours_path = format!("{}:/usr/bin:/bin", bin.path().display());
    let mut fails = Vec::new();
    let only = std::env::var("EL_CASE").ok();
    for c in &cases {
        if only.as_ref().is_some_and(|o| !c.name.contains(o.as_str())) {
            continue;
        }
        let dd = TempDir::new("eld");
        let od = TempDir::new("elo");
        let want = norm(run(&debian_eb(), &debian_path(), c, dd.path()), DEBIAN_BIN);
        let got = norm(run(&bin.path().join("execlineb"), &ours_path, c, od.path()), bin.path().to_str().unwrap());
        let (wcode, wout, werr) = match c.ours_code {
            Some(code) => (
                code,
                c.ours_out.clone().unwrap_or(want.out.clone()),
                c.ours_err.clone().unwrap_or(want.err.clone()).replace("SCRIPT", "./script.el"),
            ),
            None => (want.code, want.out.clone(), want.err.clone()),
        };
        if (got.code, &got.out, &got.err) != (wcode, &wout, &werr) {
            fails.push(format!(
                "--- {}\n  want code {wcode} out {wout:?} err {werr:?}\n  got  code {} out {:?} err {:?}",
                c.name, got.code, got.out, got.err
            ));
        }
    }
    assert!(fails.is_empty(), "{} of {} cases differ:\n{}", fails.len(), cases.len(), fails.join("\n"));
}

/// The places where the spec's 2.9.9 differs from Debian's 2.9.3 are
/// marked in the corpus; check that the marks are really differences (so
/// that the 2.9.9 expectation is not silently equal to Debian's).
#[test]
fn corpus_marks_real_differences() {
    let cases = corpus();
    for c in cases.iter().filter(|c| c.ours_code.is_some()) {
        let dd = TempDir::new("elm");
        let want = norm(run(&debian_eb(), &debian_path(), c, dd.path()), DEBIAN_BIN);
        let ours = (
            c.ours_code.unwrap(),
            c.ours_out.clone().unwrap_or(want.out.clone()),
            c.ours_err.clone().unwrap_or(want.err.clone()).replace("SCRIPT", "./script.el"),
        );
        assert_ne!((want.code, want.out, want.err), ours, "{}: marked as a 2.9.9 difference but Debian agrees", c.name);
    }
}

fn rs6_el(bin: &Path, script: &str) -> Res {
    let mut cmd = Command::new(bin.join("execlineb"));
    cmd.arg0("execlineb").arg("-c").arg(script).env_clear().env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    timed(cmd, b"", Duration::from_secs(20))
}

/// A chain of rs6 applets runs in one process: the pid stays the same and
/// no execve happens (`/proc/self/cmdline` keeps the first argv); comm
/// follows the applet, as an exec would set it.
#[test]
fn chaining_stays_in_process() {
    let bin = applet_dir();
    let r = rs6_el(bin.path(), "getpid -E P export A 1 fdmove -c 2 1 getpid -E Q eltest $P = $Q");
    assert_eq!((r.code, r.err.as_str()), (0, ""));
    // comm as execve sets it: the basename of the file run.
    let r = rs6_el(bin.path(), "export A 1 cat /proc/self/comm");
    assert_eq!(r.out, "cat\n");
    let r = rs6_el(bin.path(), "export A 1 redirfd -r 0 /proc/self/comm withstdinas -E C eltest $C = withstdinas");
    assert_eq!(r.code, 0, "{}", r.err);
    // The proof that no execve happened: /proc/self/cmdline still shows the
    // first program's argv (an execve would show withstdinas's).
    let r = rs6_el(bin.path(), "export A 1 redirfd -r 0 /proc/self/cmdline withstdinas -E C eltest $C = execlineb");
    assert_eq!(r.code, 0, "{}", r.err);
    // And a chain ending in a foreign program execs it (its cmdline is its own).
    let r = rs6_el(bin.path(), "export A 1 fdmove -c 2 1 /bin/sh -c \"tr '\\\\0' ' ' < /proc/self/cmdline\"");
    assert_eq!(r.out, "/bin/sh -c tr '\\0' ' ' < /proc/self/cmdline ", "{}", r.err);
}

/// A name PATH resolves to a file that is not rs6 is exec'd, even when an
/// rs6 applet of that name exists further down PATH.
#[test]
fn foreign_program_of_an_applet_name_is_execd() {
    let bin = applet_dir();
    let own = TempDir::new("elown");
    write_script(&own.path().join("export"), "#!/bin/sh\necho image-export \"$@\"\n");
    let mut cmd = Command::new(bin.path().join("execlineb"));
    cmd.arg0("execlineb")
        .arg("-c")
        .arg("define X y export A $X")
        .env_clear()
        .env("PATH", format!("{}:{}:/usr/bin:/bin", own.path().display(), bin.path().display()));
    let r = timed(cmd, b"", Duration::from_secs(20));
    assert_eq!((r.code, r.out.as_str()), (0, "image-export A y\n"));
}

// ---------------------------------------------------------------- in /init

/// The seed README's execline scripts, through `/init`: a cont-init
/// (`#!/usr/bin/execlineb -P`, with-contenv, s6-envuidgid and the legacy
/// `import -u -D0`), a `-P` run script, a `-S1` finish script that stops the
/// container only on a crash. `confd`, `nginx` and (when this build has no
/// such applet) `s6-envuidgid` are fakes.
#[test]
fn readme_scripts_through_init() {
    let root = Root::new();
    root.file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101::/:/bin/false\n", 0o644);
    root.file("/etc/group", "root:x:0:\nnginx:x:101:\n", 0o644);
    root.file(
        "/etc/cont-init.d/02-confd-onetime",
        "#!/usr/bin/execlineb -P\n\nwith-contenv\ns6-envuidgid nginx\nmultisubstitute\n{\n  import -u -D0 UID\n  import -u -D0 GID\n  import -u CONFD_PREFIX\n  define CONFD_CHECK_CMD \"/usr/sbin/nginx -t -c {{ .src }}\"\n}\nconfd --onetime --prefix=\"${CONFD_PREFIX}\" --tmpl-uid=\"${UID}\" --tmpl-gid=\"${GID}\" --tmpl-src=\"/etc/nginx/nginx.conf.tmpl\" --tmpl-dest=\"/etc/nginx/nginx.conf\" --tmpl-check-cmd=\"${CONFD_CHECK_CMD}\" etcd\n",
        0o755,
    );
    root.file("/usr/local/bin/confd", "#!/bin/sh\nfor a; do echo \"[$a]\"; done > /tmp/confd.out\n", 0o755);
    if root.path().join("command/s6-envuidgid").symlink_metadata().is_err() {
        root.file("/usr/bin/s6-envuidgid", "#!/usr/bin/execlineb -s1\nexport UID 101 export GID 101 $@\n", 0o755);
    }
    root.file("/etc/services.d/nginx/run", "#!/usr/bin/execlineb -P\nnginx -g \"daemon off;\"\n", 0o755);
    root.file("/usr/sbin/nginx", "#!/bin/sh\necho \"nginx $*\" > /tmp/nginx.out\nexec sleep 1000\n", 0o755);
    root.file(
        "/etc/services.d/nginx/finish",
        "#!/usr/bin/execlineb -S1\nif { s6-test ${1} -ne 0 }\nif { s6-test ${1} -ne 256 }\ns6-svscanctl -t /var/run/s6/services\n",
        0o755,
    );
    let o = root
        .init(&[
            "sh",
            "-c",
            "while [ ! -e /tmp/nginx.out ]; do sleep 0.05; done; cat /tmp/confd.out /tmp/nginx.out; exit 5",
        ])
        .env("CONFD_PREFIX", "/pfx")
        .timeout(Duration::from_secs(20))
        .run();
    assert_eq!(o.code(), 5, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "[--onetime]\n[--prefix=/pfx]\n[--tmpl-uid=101]\n[--tmpl-gid=101]\n[--tmpl-src=/etc/nginx/nginx.conf.tmpl]\n\
         [--tmpl-dest=/etc/nginx/nginx.conf]\n[--tmpl-check-cmd=/usr/sbin/nginx -t -c {{ .src }}]\n[etcd]\nnginx -g daemon off;\n",
        "{}",
        o.stderr
    );
    // The -S1 finish: a crash (exit 3) stops the container, and the -S0
    // finish always does.
    for (finish, run) in [
        (
            "#!/usr/bin/execlineb -S1\nif { s6-test ${1} -ne 0 }\nif { s6-test ${1} -ne 256 }\ns6-svscanctl -t /var/run/s6/services\n",
            "#!/usr/bin/execlineb -P\nforeground { redirfd -a 1 /tmp/runs echo ran } exit 3\n",
        ),
        (
            "#!/usr/bin/execlineb -S0\ns6-svscanctl -t /var/run/s6/services\n",
            "#!/usr/bin/execlineb -P\nforeground { redirfd -a 1 /tmp/runs echo ran } exit 0\n",
        ),
    ] {
        let root = Root::new();
        root.file("/etc/services.d/app/run", run, 0o755);
        root.file("/etc/services.d/app/finish", finish, 0o755);
        let o = root.init(&[]).timeout(Duration::from_secs(20)).run();
        assert_eq!(o.code(), 0, "{}", o.stderr);
        assert_eq!(fs::read_to_string(root.path().join("tmp/runs")).unwrap(), "ran\n", "{}", o.stderr);
    }
    // -S1 with a clean exit (0) leaves the container up: the CMD decides.
    let root = Root::new();
    root.file(
        "/etc/services.d/app/run",
        "#!/usr/bin/execlineb -P\nforeground { redirfd -a 1 /tmp/runs echo ran } exit 0\n",
        0o755,
    );
    root.file(
        "/etc/services.d/app/finish",
        "#!/usr/bin/execlineb -S1\nif { s6-test ${1} -ne 0 }\nif { s6-test ${1} -ne 256 }\ns6-svscanctl -t /var/run/s6/services\n",
        0o755,
    );
    let o = root
        .init(&["sh", "-c", "until [ \"$(wc -l < /tmp/runs 2>/dev/null)\" -ge 2 ]; do sleep 0.05; done; exit 9"])
        .timeout(Duration::from_secs(20))
        .run();
    assert_eq!(o.code(), 9, "{}", o.stderr);
}

/// A FROM-scratch image: no /bin/sh, no busybox; only `rs6 --install` and
/// one static program. cont-init, a service and the CMD are execline; the
/// container exits with the CMD's code.
#[test]
fn from_scratch_root_runs_execline() {
    require_root();
    let hello_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/execline/hello.c");
    let tmp = TempDir::new("scratch");
    let r = tmp.path().to_path_buf();
    for d in ["proc", "dev", "tmp", "etc", "run", "app"] {
        fs::create_dir_all(r.join(d)).unwrap();
    }
    let st = Command::new("gcc").args(["-static", "-O2", "-o"]).arg(r.join("app/hello")).arg(&hello_src).status();
    assert!(st.is_ok_and(|s| s.success()), "gcc -static failed (apt-get install gcc libc6-dev)");
    for (name, minor) in [("null", 3), ("zero", 5)] {
        let st = Command::new("mknod")
            .args(["-m", "666"])
            .arg(r.join("dev").join(name))
            .args(["c", "1", &minor.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }
    let out = Command::new(rs6()).arg("--install").arg(&r).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let root = Root { tmp };
    assert!(!r.join("bin/sh").exists() && !r.join("bin/busybox").exists());
    root.file(
        "/etc/cont-init.d/10-init",
        "#!/usr/bin/execlineb -P\nredirfd -w 1 /run/init-ran /app/hello cont-init\n",
        0o755,
    );
    root.file(
        "/etc/services.d/svc/run",
        "#!/usr/bin/execlineb -P\nfdmove -c 2 1\nforeground { redirfd -w 1 /run/svc-ran /app/hello service }\n/app/hello sleep\n",
        0o755,
    );
    root.file(
        "/cmd",
        "#!/usr/bin/execlineb -S0\nforeground { loopwhilex -n eltest -s /run/svc-ran }\nforeground { redirfd -r 0 /run/init-ran withstdinas -E I /app/hello got $I }\nforeground { redirfd -r 0 /run/svc-ran withstdinas -E S /app/hello got $S }\nexit $1\n",
        0o755,
    );
    let o = root.init(&["/cmd", "7"]).env("PATH", "/command:/usr/bin:/bin").timeout(Duration::from_secs(20)).run();
    assert_eq!(o.code(), 7, "{}", o.stderr);
    assert_eq!(o.stdout, "hello got hello cont-init\nhello got hello service\n", "{}", o.stderr);
}

/// A script that re-executes itself 3000 times (execline's way to loop)
/// completes: in-process chaining hands over to a real execve before the
/// stack or the arena can grow without bound.
#[test]
fn self_reexec_loop_is_bounded() {
    let bin = applet_dir();
    let d = TempDir::new("elrec");
    let script = d.path().join("rec");
    write_script(
        &script,
        &format!(
            "#!{}/execlineb -S0\nifelse {{ eltest $# -ge 3000 }} {{ echo done }}\nexeclineb -S0 {} $@ x\n",
            bin.path().display(),
            script.display()
        ),
    );
    let mut cmd = Command::new(&script);
    cmd.env_clear().env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()));
    let r = timed(cmd, b"", Duration::from_secs(120));
    assert_eq!((r.code, r.out.as_str(), r.err.as_str()), (0, "done\n", ""));
}

/// `forx -P 2` runs two bodies at a time, never more: each body records
/// how many bodies are running while it sleeps.
#[test]
fn forx_maxpar_limits_parallel_runs() {
    let bin = applet_dir();
    let d = TempDir::new("elpar");
    fs::create_dir(d.path().join("run")).unwrap();
    let script = "forx -P 2 x { 1 2 3 4 5 6 } importas x x foreground { touch run/$x } foreground { sleep 1 } \
                  foreground { redirfd -w 1 n$x pipeline { ls run } wc -l } rm run/$x";
    let mut cmd = Command::new(bin.path().join("execlineb"));
    cmd.arg("-c").arg(script).current_dir(d.path()).env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()));
    let r = timed(cmd, b"", Duration::from_secs(60));
    assert_eq!(r.code, 0, "{}", r.err);
    let counts: Vec<usize> =
        (1..=6).map(|i| fs::read_to_string(d.path().join(format!("n{i}"))).unwrap().trim().parse().unwrap()).collect();
    assert!(counts.iter().all(|&c| c <= 2), "more than 2 at once: {counts:?}");
    assert!(counts.contains(&2), "never 2 at once: {counts:?}");
}

/// `s6-notifyoncheck -c` runs its check with `execlineb -Pc`: an execline
/// run script whose check is an execline command line becomes ready only
/// once that check succeeds (there is no `data/check`).
#[test]
fn notifyoncheck_c_runs_an_execline_check_through_init() {
    let root = Root::new();
    root.file("/etc/services.d/n/notification-fd", "3\n", 0o644);
    root.file(
        "/etc/services.d/n/run",
        "#!/command/execlineb -P\n\
         s6-notifyoncheck -s 0 -w 20 -n 0 -c \"foreground { redirfd -a 1 /tmp/checks echo c } eltest -e /tmp/go\"\n\
         sleep 1000\n",
        0o755,
    );
    let cmd = "s6-svwait -u -t 10000 /run/service/n || exit 10\n\
        s6-svwait -U -t 300 /run/service/n 2>/dev/null && exit 11\n\
        test -s /tmp/checks || exit 12\n\
        touch /tmp/go\n\
        s6-svwait -U -t 10000 /run/service/n || exit 13\n\
        test -e /etc/services.d/n/data/check && exit 14\n\
        echo ready\n";
    let o = root.init(&["sh", "-c", cmd]).timeout(Duration::from_secs(40)).run();
    assert_eq!(o.code(), 0, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), "ready");
}
