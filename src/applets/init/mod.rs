//! `/init`: PID 1 of a container, s6-overlay's contract.
//!
//! **Stage 1** blocks signals and reads them from a signalfd, waits for
//! `S6_WAIT_FOR_CLOSING_FD`'s descriptor to reach its end, prepares
//! `/run` (see `runtime`), snapshots the environment into
//! `/run/s6/container_environment` (unless `S6_KEEP_ENV`), and enters the
//! loop: one blocking `poll` on the signalfd with the earliest deadline as
//! its timeout; after it, signals are drained, every child is reaped
//! (orphans included), deadlines fire, and the next step starts. No
//! periodic wake-ups.
//!
//! **Stage 2** runs, one at a time, as children of PID 1 in their own process
//! groups: `S6_STAGE2_HOOK`, each `fix-attrs.d` file, each `cont-init.d`
//! script, with only the global environment (`PATH`). Then the CMD (with
//! `S6_CMD_ARG0` prepended) in its own process group, taking the terminal's
//! foreground when stdin is a terminal, with the full container environment.
//! A failing step follows `S6_BEHAVIOUR_IF_STAGE2_FAILS`.
//!
//! **Stage 3** starts when the CMD exits, on SIGTERM, SIGINT, SIGUSR1,
//! SIGUSR2 or SIGPWR (with `S6_CMD_RECEIVE_SIGNALS` those go to the CMD
//! instead), or when stage 2 fails under policy 2. What still runs of the
//! CMD or a stage-2 step gets TERM and CONT and at most `S6_KILL_GRACETIME`
//! ms (then KILL); then each `cont-finish.d` script runs (at most
//! `S6_KILL_FINISH_MAXTIME` ms, with `S6_STAGE2_EXITED`); then TERM and CONT
//! to everything, a wait until nothing is left or `S6_KILL_GRACETIME` ms,
//! KILL, and exit. No wait is longer than needed. The exit code is the
//! CMD's (128+N when signal N killed it, even on a signal-started
//! shutdown), a failing step's under policy 2, or whatever was written to
//! `/run/s6-linux-init-container-results/exitcode`, else 0.
//!
//! When rs6 is not PID 1 (under `docker run --init`), it makes itself a
//! child subreaper and signals only its own descendants: `kill(-1)` is
//! reachable only through `sys::raw::kill_everything`, which refuses unless
//! `getpid() == 1`.
//!
//! **Errors.** Before the loop starts (settings, `/run`, the signalfd, the
//! epoll instance, the environment), nothing runs yet and a failure is
//! fatal: 111, or 100 for an unusable `/run` in an image with work to do.
//! Once the loop runs, PID 1 never exits on an error: it says what failed
//! (`base::diag`) and goes on. A failed spawn counts as that step failing
//! with 111 (the stage-2 policy decides), a failed wait for events is
//! retried shortly (`Supervisor::wait_events`), a service that cannot start is retried
//! after `supervise::machine::SPAWN_RETRY_MS`, a logger after its restart
//! delay; only the stage machine's `Exit` ends the container. Two
//! exceptions, both before any service starts: an s6-rc source tree that
//! does not compile ends the boot with s6-rc-compile's code (as v3 does),
//! and running out of memory while loading it ends it with 111. An index
//! into the service table with no service behind it is a bug: `exit::BUG`
//! (101) rather than running on in a state nobody planned.
mod catchall;
mod kernel;
mod rc;
mod runtime;
mod settings;
mod stage;
mod stages;
use crate::supervise;
pub mod tree;

use crate::base::diag::{self, Line};
use crate::base::{exit, time::Instant};
use crate::rt::{Args, Env};
use crate::s6::envdir;
use crate::sys::argv::{Argv, Builder, Envp, Fixed, Vec0};
use crate::sys::exec::exec_failure_code;
use crate::sys::signal::{self, Original, SignalFd};
use crate::sys::spawn::{Spawn, spawn};
use crate::sys::{arena, raw};
use core::ffi::CStr;
use rustix::event::{epoll, poll};
use rustix::fd::AsFd;
use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions, WaitStatus};
pub use settings::{DEFAULT_PATH, Settings};
use stages::{Action, Event, Item, Phase, Stages};

/// Signals read besides the shutdown ones: SIGHUP rescans (v2 layout), SIGQUIT
/// and SIGWINCH are forwarded with `S6_CMD_RECEIVE_SIGNALS`.
const OTHER: [u32; 3] = [signal::SIGHUP, signal::SIGQUIT, signal::SIGWINCH];

/// How often the final grace looks again at processes we did not start
/// (see `Pid1::others_left`).
const OTHERS_POLL_MS: u64 = 10;

/// A stage-2/3 child being waited for.
#[derive(Clone, Copy, Debug)]
struct Job {
    pid: Pid,
    item: Item,
    /// A cont-finish script killed at `S6_KILL_FINISH_MAXTIME`: it ran
    /// under `s6-maximumtime`, whose code for that is 99.
    timed_out: bool,
}

struct Pid1 {
    s: Settings,
    /// We are PID 1 of our namespace (else: a subreaper).
    pid1: bool,
    me: Pid,
    orig: Original,
    cmd: Args,
    cmd_pid: Option<Pid>,
    /// The phases (see `stages`).
    m: Stages,
    /// Events for the machine, in order.
    pending: heapless::Vec<Event, 8>,
    /// Set when the machine says to exit.
    exit: Option<u8>,
    items: &'static [Item],
    next: usize,
    job: Option<Job>,
    /// The environment of PID 1's own children (not the CMD's).
    global_env: Envp<'static>,
    /// The PATH used to find programs.
    path: &'static [u8],
    /// `/etc` or the runtime profile's directory.
    base: &'static [u8],
    no_children: bool,
    sup: supervise::Supervisor,
    /// v3's service tree, when the image has one.
    rc: Option<rc::Rc>,
    /// The catch-all logger (`S6_LOGGING`).
    log: Option<catchall::CatchAll>,
    /// `/run/s6/cmd` still says how the previous start's CMD ended (see
    /// `cmd_starting`).
    cmd_stale: bool,
    /// v3, policy 2: the first failing cont-init script's code, acted on
    /// after the last script.
    init_failed: Option<u8>,
    /// v3, policy 2: `fix-attrs` or `legacy-cont-init` failed, with this
    /// code: the oneshot fails when its step is judged (`rc_check`), and
    /// the policy acts once the boot transition is over, as v3's rc.init
    /// does once its s6-rc has returned.
    internal_failed: Option<u8>,
    /// v3's `fix-attrs` oneshot: whether it applied a file, and whether
    /// one failed (judged after the last, as v3's script does).
    fix: (bool, bool),
    /// Whether processes we did not start count (`outsiders`), once known.
    outsiders: core::cell::Cell<Option<bool>>,
}

pub fn main(args: Args) -> u8 {
    // The kernel's PID 1 (an initramfs) mounts /proc, /sys, /dev and /run
    // and powers off at the end: see `kernel`.
    // A PID 1 started through the setuid bit is never a machine's.
    let machine = !crate::sys::ids::kept() && kernel::detect();
    let code = container(args);
    if machine { kernel::power_off(code) } else { code }
}

fn container(args: Args) -> u8 {
    let env = Env::get();
    if crate::sys::ids::kept() {
        // Started by a non-root user through the binary's setuid bit (as
        // s6-overlay's s6-overlay-suexec): /run becomes that user's, then
        // nothing more runs as root (the settings are read, and their
        // warnings written, as the user).
        let ro = env.var(b"S6_READ_ONLY_ROOT").and_then(crate::base::num::parse_u64).is_some_and(|n| n != 0);
        runtime::take_run(ro);
        super::drop_or_die();
    }
    let mut s = Settings::read(&env);
    // Taken before PID 1 opens anything, which could get its number.
    let closing = closing_fd(s.closing_fd);
    let fd3 = s.closing_fd != 3 && crate::sys::fd::borrow_checked(3).is_ok();
    let me = rustix::process::getpid();
    let pid1 = me == Pid::INIT;
    if !pid1 && let Err(e) = rustix::process::set_child_subreaper(Some(me)) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to become a subreaper"]);
    }
    let orig = match signal::block_all() {
        Ok(o) => o,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to block signals"]),
    };
    let mut set = signal::Set::EMPTY.with(signal::SIGCHLD);
    for sig in stages::SHUTDOWN.iter().chain(OTHER.iter()) {
        set = set.with(*sig);
    }
    let sigfd = match SignalFd::new(set) {
        Ok(fd) => fd,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create a signalfd"]),
    };
    let base = or_die(base_dir(&s));
    // v3 layout: the image has s6-overlay v3's directory.
    let v3 = arena::cstr(&[base, b"/s6-overlay"]).is_ok_and(|p| rustix::fs::stat(p).is_ok());
    let mut early_stop = closing.and_then(|(fd, n)| wait_closed(fd, n, &sigfd, !v3, None));
    // v3 (s6-linux-init as a container's PID 1): a descriptor 3 left open
    // by the container manager is its synchronization pipe: wait for a
    // byte or its end, then close it, so that nothing inherits it.
    if v3 && pid1 && fd3 && early_stop.is_none() {
        early_stop = wait_closed(crate::sys::fd::own(3), 3, &sigfd, false, Some(s.verbosity));
    }

    let image_path = env.var(b"PATH");
    // S6_GLOBAL_PATH (v3.0): the PATH of everything, the CMD's included.
    let global_path = env.var(b"S6_GLOBAL_PATH").filter(|p| !p.is_empty());
    // v3's `/init` starts an unset PATH from `/bin`; v2's, from Docker's.
    let path = match global_path.or(image_path) {
        p if v3 => or_die(v3_path(p.unwrap_or(b""))),
        p => p.unwrap_or(DEFAULT_PATH),
    };
    s.wait_for_services_ms = settings::wait_for_services_ms(&env, v3);
    let items = or_die(stage2_items(&s, base));
    let kube = settings::number(&env, b"S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES", 0) != 0;
    let prepared = match runtime::check_run(kube) {
        Err(why) => Err((None, why)),
        Ok(()) => runtime::prepare(s.read_only_root, v3).map_err(|(e, what)| (Some(e), what)),
    };
    let (runtime_ok, cmd_stale) = match prepared {
        Ok(stale) => (true, stale),
        Err((e, what)) => {
            unusable_run(e, what, has_work(&s, base, items));
            (false, false)
        }
    };
    let base = if runtime_ok && !v3 { runtime::v2_etc(base, s.read_only_root) } else { base };
    if runtime_ok && !s.keep_env {
        let forced = (image_path != Some(path)).then_some(path);
        if let Err(e) = runtime::snapshot(&env, forced) {
            diag::warn_sys(e, &[b"unable to write ", envdir::DIR.to_bytes()]);
        }
    } else if runtime_ok {
        runtime::no_snapshot();
    }
    let global_env = or_die(global_env(&env, &s, path));
    let log = if runtime_ok { catchall::setup(&env, v3, &orig) } else { None };
    let mut st = Pid1 {
        s,
        pid1,
        me,
        orig,
        cmd: args.skip(1),
        cmd_pid: None,
        m: Stages::new(stages::Config {
            policy: s.stage2_fails,
            kill_grace_ms: s.kill_grace_ms,
            services_grace_ms: s.services_grace_ms,
            finish_max_ms: s.finish_max_ms,
            wait_ms: s.wait_for_services_ms,
            stop_delay_ms: s.stop_delay_ms,
            receive_signals: s.receive_signals,
            quit_stops: !v3,
        }),
        pending: heapless::Vec::new(),
        exit: None,
        items,
        next: 0,
        job: None,
        global_env,
        path,
        base,
        no_children: false,
        outsiders: core::cell::Cell::new(None),
        sup: match supervise::Supervisor::new(global_env, path, orig) {
            Ok(s) => s,
            Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to create an epoll instance"]),
        },
        rc: None,
        log,
        cmd_stale,
        init_failed: None,
        internal_failed: None,
        fix: (false, false),
    };
    st.sup.legacy = v3;
    st.sup.watch(sigfd.as_fd(), supervise::Watch::Signals);
    if runtime_ok {
        st.sup.open_scandir();
    }
    if let Some(sig) = early_stop {
        // Stopped while waiting: as if the signal came at the boot's first
        // instant (stage 3 at once, nothing of stage 2 started).
        st.push(Event::Signal(sig));
    } else if !v3 && runtime_ok {
        // v2's first two stage-2 steps: `/var/run/s6/etc` is made
        // (`v2_etc`), and scripts run whatever their modes (a script
        // without the x bit through its `#!` line).
        st.progress(&[b"[s6-init] making user provided files available at /var/run/s6/etc...exited 0."]);
        st.progress(&[b"[s6-init] ensuring user provided files have correct perms...exited 0."]);
    }
    st.advance();
    st.run(&sigfd)
}

/// `S6_WAIT_FOR_CLOSING_FD`'s descriptor (3 or more), with its number for
/// messages; a number that is not open gets a warning and no wait.
fn closing_fd(n: u64) -> Option<(rustix::fd::OwnedFd, u64)> {
    if n < 3 {
        return None;
    }
    match i32::try_from(n).map_err(|_| Errno::BADF).and_then(crate::sys::fd::borrow_checked) {
        Ok(_) => Some((crate::sys::fd::own(n as i32), n)),
        Err(e) => {
            warn_closing(e, n);
            None
        }
    }
}

fn warn_closing(e: Errno, n: u64) {
    let mut b = itoa::Buffer::new();
    diag::warn_sys(e, &[b"unable to wait for fd ", b.format(n).as_bytes(), b" to close (S6_WAIT_FOR_CLOSING_FD)"]);
}

/// Read `fd` until end of file (what is read is dropped), then close it,
/// so that nothing boots before the container manager says so by closing
/// its end. A shutdown signal (SIGQUIT too with `quit_stops`: the v2
/// layout) ends the wait: it is returned, for the boot to stop at once.
/// The others do nothing before the boot and are dropped (a SIGCHLD:
/// PID 1 has no child yet). With `sync` (v3's fd 3, at that verbosity),
/// the first byte ends the wait too, with s6-linux-init's warning.
#[inline(never)]
fn wait_closed(fd: rustix::fd::OwnedFd, n: u64, sigfd: &SignalFd, quit_stops: bool, sync: Option<u64>) -> Option<u32> {
    use rustix::event::{PollFd, PollFlags};
    let mut buf = [0u8; 512];
    loop {
        let mut fds = [PollFd::new(&fd, PollFlags::IN), PollFd::new(sigfd, PollFlags::IN)];
        match poll(&mut fds, None) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => {
                warn_closing(e, n);
                return None;
            }
        }
        if !fds[1].revents().is_empty() {
            while let Some(sig) = sigfd.read() {
                if stages::SHUTDOWN.contains(&sig) || (quit_stops && sig == signal::SIGQUIT) {
                    return Some(sig);
                }
            }
        }
        if fds[0].revents().is_empty() {
            continue;
        }
        match rustix::io::read(&fd, &mut buf[..if sync.is_some() { 1 } else { 512 }]) {
            Ok(0) => return None,
            Ok(_) if sync.is_some() => {
                if sync >= Some(1) {
                    Line::new().push(b"s6-linux-init: warning: parent wrote to fd 3!").emit();
                }
                return None;
            }
            Ok(_) | Err(Errno::INTR | Errno::AGAIN) => {}
            Err(e) if sync.is_some() => {
                diag::warn_sys(e, &[b"unable to read from fd 3"]);
                return None;
            }
            Err(e) => {
                warn_closing(e, n);
                return None;
            }
        }
    }
}

/// Whether the image asks for anything to be set up (which needs `/run`):
/// a hook, fix-attrs or cont-init files, services, cont-finish scripts, an
/// s6-rc source tree.
fn has_work(s: &Settings, base: &[u8], items: &[Item]) -> bool {
    let some = |sub: &[u8]| dir_of(base, sub).ok().and_then(stage::list).is_some_and(|l| !l.is_empty());
    s.stage2_hook.is_some()
        || items.iter().any(|i| matches!(i, Item::Fix(_) | Item::Init(_)))
        || some(b"services.d")
        || some(b"cont-finish.d")
        || some(b"s6-overlay/s6-rc.d")
}

/// `/run` cannot be used: fatal (exit 100, nothing started) when the image
/// has anything to set up, else a warning and the CMD runs alone.
fn unusable_run(e: Option<Errno>, what: &[u8], work: bool) {
    let mut l = Line::new();
    l.push(crate::rt::prog())
        .push(if work { b": fatal: " } else { b": warning: " })
        .push(b"/run is not usable (")
        .push(what);
    if let Some(e) = e {
        l.push(b": ");
        diag::push_errno(&mut l, e);
    }
    if work {
        l.push(
            b"): this image has services or scripts to set up; give the container a writable /run: \
a tmpfs on /run (docker run --tmpfs /run; with a read-only root, also S6_READ_ONLY_ROOT=1), \
writable by the container's user",
        );
        l.emit();
        raw::exit_group(exit::USAGE as i32);
    }
    l.push(b"): running the CMD with nothing set up");
    l.emit();
}

fn or_die<T>(r: Result<T, Errno>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to allocate"]),
    }
}

/// The environment of everything PID 1 starts except the CMD: only `PATH`
/// (the image's, with `/command` first when missing, as v3), or the whole
/// environment with `S6_KEEP_ENV`.
fn global_env(env: &Env, s: &Settings, path: &[u8]) -> Result<Envp<'static>, Errno> {
    if s.keep_env {
        return with_path(env, path);
    }
    let has_command = path.split(|&c| c == b':').any(|d| d == b"/command");
    let value = if has_command { arena::cstr(&[b"PATH=", path])? } else { arena::cstr(&[b"PATH=/command:", path])? };
    Vec0::of(&[value])
}

/// v3's `/init`: `PATH` with `/bin`, then `/usr/bin`, then `/command`
/// put first when missing (`/bin` alone when it is empty). The PATH of
/// everything, the snapshot's and the CMD's included.
fn v3_path(path: &'static [u8]) -> Result<&'static [u8], Errno> {
    let mut p = if path.is_empty() { b"/bin" as &[u8] } else { path };
    for dir in [b"/bin" as &[u8], b"/usr/bin", b"/command"] {
        if !p.split(|&c| c == b':').any(|d| d == dir) {
            p = arena::cstr(&[dir, b":", p])?.to_bytes();
        }
    }
    Ok(p)
}

/// `env` as an array, with `PATH=path` (the image's own PATH unless
/// `S6_GLOBAL_PATH` replaced it, or the default when it has none).
fn with_path(env: &Env, path: &[u8]) -> Result<Envp<'static>, Errno> {
    let mut e = Builder::alloc(env.iter().count() + 1)?;
    for v in env.iter().filter(|v| !v.to_bytes().starts_with(b"PATH=")) {
        e.push(v);
    }
    e.push(arena::cstr(&[b"PATH=", path])?);
    Ok(e.done())
}

fn base_dir(s: &Settings) -> Result<&'static [u8], Errno> {
    match s.profile {
        Some(p) if !p.contains(&b'/') && p != b"." && p != b".." => {
            let c = arena::cstr(&[b"/etc/cont-profile.d/", p])?;
            Ok(c.to_bytes())
        }
        Some(p) => {
            diag::warn(&[b"invalid S6_RUNTIME_PROFILE value: ", p, b" (using /etc)"]);
            Ok(b"/etc")
        }
        None => Ok(b"/etc"),
    }
}

fn dir_of(base: &[u8], sub: &[u8]) -> Result<&'static [u8], Errno> {
    Ok(arena::cstr(&[base, b"/", sub])?.to_bytes())
}

fn stage2_items(s: &Settings, base: &[u8]) -> Result<&'static [Item], Errno> {
    let fix = stage::list_said(dir_of(base, b"fix-attrs.d")?);
    let init = stage::list_said(dir_of(base, b"cont-init.d")?);
    let n = 2 + fix.map_or(0, |f| f.len() + 2) + init.map_or(0, |i| i.len() + 2);
    let items = arena::alloc_slice(n, Item::Hook)?;
    let mut k = 0;
    let mut push = |it: Item| {
        items[k] = it;
        k += 1;
    };
    if s.stage2_hook.is_some() {
        push(Item::Hook);
    }
    if rc::has_layout(base) {
        push(Item::Rc);
    }
    if let Some(f) = fix {
        push(Item::FixBegin);
        f.iter().for_each(|n| push(Item::Fix(n)));
        push(Item::FixEnd);
    }
    if let Some(i) = init {
        push(Item::InitBegin);
        i.iter().for_each(|n| push(Item::Init(n)));
        push(Item::InitEnd);
    }
    Ok(&items[..k])
}

fn finish_items(base: &[u8]) -> Result<&'static [Item], Errno> {
    let Some(names) = stage::list_said(dir_of(base, b"cont-finish.d")?) else { return Ok(&[]) };
    let items = arena::alloc_slice(names.len() + 2, Item::FinishBegin)?;
    for (i, n) in names.iter().enumerate() {
        items[i + 1] = Item::Finish(n);
    }
    items[names.len() + 1] = Item::FinishEnd;
    Ok(items)
}

impl stages::Facts for Pid1 {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn cmd(&self) -> bool {
        self.cmd_pid.is_some()
    }
    fn step(&self) -> bool {
        self.job.is_some()
    }
    fn left(&self) -> bool {
        self.next < self.items.len()
    }
    fn booting(&self) -> bool {
        self.rc_booting()
    }
    fn services_up(&self) -> bool {
        self.sup.all_up()
    }
    fn services_down(&self) -> bool {
        self.sup.all_down() && self.rc_idle()
    }
    fn tree_stopping(&self) -> bool {
        self.rc.as_ref().is_some_and(|r| r.stopping && !r.plan.finished())
    }
    fn children(&self) -> bool {
        !self.no_children || self.others_left()
    }
}

impl Pid1 {
    fn run(&mut self, sigfd: &SignalFd) -> u8 {
        while self.exit.is_none() {
            let now = Instant::now();
            let log = self.log.as_ref().and_then(|l| l.restart_at);
            let others = self.others_poll(now);
            let deadline = [self.m.deadline(now), self.sup.deadline(), self.rc_deadline(), log, others]
                .into_iter()
                .flatten()
                .min();
            let mut events =
                [epoll::Event { flags: epoll::EventFlags::empty(), data: epoll::EventData::new_u64(0) }; 32];
            let n = self.sup.wait_events(&mut events, deadline, now);
            while let Some(sig) = sigfd.read() {
                // SIGCHLD: reaping follows every wake-up.
                if sig != signal::SIGCHLD {
                    // v2's PID 1, s6-svscan, rescans on SIGHUP.
                    if sig == signal::SIGHUP && !self.sup.legacy {
                        self.update(true, Some(supervise::Prune::Soft));
                    }
                    self.event(Event::Signal(sig));
                }
            }
            self.reap();
            if let Some(code) = self.sup.ended.take() {
                // A service with `exit-container` ended: as the CMD's exit.
                self.push(Event::ExitContainer(code));
            }
            for ev in &events[..n] {
                match supervise::Watch::decode(ev.data.u64()) {
                    supervise::Watch::Signals => {}
                    supervise::Watch::Scan => match self.sup.on_scan_control() {
                        supervise::ScanCmd::Shutdown(_) => self.event(Event::Halt),
                        supervise::ScanCmd::Update { scan, prune } => self.update(scan, prune),
                        supervise::ScanCmd::None => {}
                    },
                    supervise::Watch::Control(i) => self.sup.on_control(i),
                    supervise::Watch::Notify(i) => self.sup.on_notify(i),
                    supervise::Watch::Rc => self.rc_request(),
                    supervise::Watch::RcClient => self.rc_client_gone(),
                }
            }
            let now = Instant::now();
            self.sup.on_time(now);
            if self.log.as_mut().is_some_and(|l| l.on_time(now, &self.orig)) {
                self.no_children = false;
            }
            self.advance();
        }
        self.sup.flush_all();
        let code = self.exit.unwrap_or(exit::OK);
        runtime::final_exitcode(code)
    }

    /// `s6-svscanctl -a` (and SIGHUP in the v2 layout): new services in
    /// the scan directory are supervised, once services.d's are.
    /// `s6-svscanctl -a`, `-n`, `-N`, `-h` (SIGHUP in v2): while the
    /// services run, supervise what appeared in the scan directory, then
    /// take out what left it.
    fn update(&mut self, scan: bool, prune: Option<supervise::Prune>) {
        if matches!(self.m.phase, Phase::Up | Phase::Wait { .. }) {
            if scan {
                self.sup.rescan();
            }
            if let Some(how) = prune {
                self.sup.prune(how);
            }
        }
    }

    /// Queue an event for the stage machine (handlers never act on the
    /// phases themselves).
    fn push(&mut self, ev: Event) {
        let _ = self.pending.push(ev);
    }

    fn event(&mut self, ev: Event) {
        self.push(ev);
        self.advance();
    }

    /// Feed the stage machine the queued events, then `Tick`s until nothing
    /// changes, and do what it says.
    fn advance(&mut self) {
        self.rc_step();
        loop {
            let ev = if self.pending.is_empty() { Event::Tick } else { self.pending.remove(0) };
            let mut m = self.m;
            let acts = m.step(ev, self);
            self.m = m;
            if acts.0 == 0 && matches!(ev, Event::Tick) && !self.rc_step() {
                return;
            }
            let mut left = acts;
            while let Some(a) = left.pop() {
                self.act(a, ev, acts);
            }
        }
    }

    fn act(&mut self, a: Action, ev: Event, acts: stages::Actions) {
        let code = self.m.code.unwrap_or(exit::OK);
        match a {
            Action::Next => {
                if let Some(&item) = self.items.get(self.next) {
                    self.next += 1;
                    self.start_item(item);
                }
            }
            Action::StartServices => self.start_services(),
            Action::ServicesDone => self.progress(&[b"[services.d] done."]),
            Action::StartCmd => self.start_cmd(),
            Action::Forward => {
                if let (Some(cmd), Event::Signal(sig)) = (self.cmd_pid, ev) {
                    let _ = raw::kill_pid(cmd, sig);
                }
            }
            Action::WaitTimedOut => diag::warn(&[b"timed out waiting for services (S6_CMD_WAIT_FOR_SERVICES_MAXTIME)"]),
            Action::Warn | Action::WarnStop => {
                let stop = a == Action::WarnStop;
                let item = match ev {
                    Event::Failed(_, item) if !acts.has(Action::WaitTimedOut) => item,
                    _ => Item::Wait,
                };
                // v3's layout: v3's rc.init's lines (the hook's are said).
                if item == Item::Rc {
                    let mut l = Line::new();
                    l.push(V3_RC_INIT).push(b": warning: s6-rc failed to properly bring all the services up! Check your logs (in /run/uncaught-logs/current if you have in-container logging) for more information.");
                    l.emit();
                    if stop {
                        Line::new().push(V3_RC_INIT).push(b": fatal: stopping the container.").emit();
                    }
                    return;
                }
                if item == Item::Hook && self.v3_layout() {
                    return;
                }
                let (section, name) = label(item);
                let why: &[u8] = if stop {
                    b" failed: stopping the container (S6_BEHAVIOUR_IF_STAGE2_FAILS=2)"
                } else {
                    b" failed: continuing (S6_BEHAVIOUR_IF_STAGE2_FAILS=1)"
                };
                diag::warn(&[section, name, why]);
            }
            Action::WriteExitcode => runtime::write_exitcode(code),
            Action::StopServices => {
                runtime::v2_stage3_freeze();
                if !self.rc_shutdown() && !self.sup.svcs.is_empty() {
                    self.sup.stop_all();
                }
            }
            Action::TermForeground => {
                self.signal_foreground(signal::SIGTERM);
                self.signal_foreground(signal::SIGCONT);
            }
            Action::KillForeground => {
                if let Some(j) = self.job.as_mut().filter(|j| matches!(j.item, Item::Finish(_))) {
                    j.timed_out = true;
                }
                self.signal_foreground(signal::SIGKILL)
            }
            Action::LoadFinish => {
                self.rc_stage3_lines(true);
                self.items = if self.rc_runs_cont_finish() { or_warn(finish_items(self.base)) } else { &[] };
                self.next = 0;
            }
            Action::TermAll => {
                // v3 says nothing of its own here: the end of its tree.
                // v2 waited for the services after cont-finish.d (here
                // they are down already, stopped before it), then synced.
                if self.sup.legacy {
                    self.rc_stage3_lines(false);
                } else {
                    self.progress(&[b"[s6-finish] waiting for services."]);
                }
                if self.s.sync_disks {
                    self.progress(&[b"[s6-finish] syncing disks."]);
                    rustix::fs::sync();
                }
                if !self.sup.legacy {
                    self.progress(&[b"[s6-finish] sending all processes the TERM signal."]);
                }
                if let Some(l) = &mut self.log {
                    l.release();
                }
                // SIGCONT wakes a stopped process to its TERM; none if
                // nothing was left to get the TERM.
                if self.kill_all(signal::SIGTERM) {
                    self.kill_all(signal::SIGCONT);
                }
                // A CMD that never started: no state of a previous start.
                self.cmd_starting();
                self.reap();
            }
            Action::KillAll => {
                if !self.sup.legacy {
                    self.progress(&[b"[s6-finish] sending all processes the KILL signal and exiting."]);
                }
                let _ = self.kill_all(signal::SIGKILL);
                self.reap_until_none();
            }
            Action::Exit => self.exit = Some(code),
        }
    }

    /// Signal the CMD's process group and the running stage-2 step's.
    fn signal_foreground(&self, sig: u32) {
        for pid in [self.cmd_pid, self.job.map(|j| j.pid)].into_iter().flatten() {
            let _ = raw::kill_group(pid, sig);
            let _ = raw::kill_pid(pid, sig);
        }
    }

    /// Reap every child that has exited, without blocking. SIGCHLDs
    /// coalesce, so this drains until the kernel says nothing is left.
    fn reap(&mut self) {
        loop {
            match rustix::process::wait(WaitOptions::NOHANG) {
                Ok(Some((pid, status))) => {
                    crate::sys::spawn::reaped(pid);
                    if !self.sup.on_exit(pid, status) {
                        self.on_exit(pid, status);
                    }
                }
                Ok(None) => {
                    self.no_children = false;
                    return;
                }
                Err(Errno::INTR) => {}
                Err(Errno::CHILD) => {
                    self.no_children = true;
                    return;
                }
                Err(_) => return,
            }
        }
    }

    /// After the final KILL: wait for every child, blocking.
    fn reap_until_none(&mut self) {
        loop {
            match rustix::process::wait(WaitOptions::empty()) {
                Ok(Some((pid, status))) => {
                    if !self.sup.on_exit(pid, status) {
                        self.on_exit(pid, status);
                    }
                }
                Err(Errno::INTR) => {}
                Ok(None) | Err(_) => return,
            }
            // As a subreaper, grandchildren re-parented to us after the
            // KILL round were not signalled yet.
            if !self.pid1 || self.logger().is_some() {
                tree::signal_descendants(self.me, signal::SIGKILL, self.logger(), self.outsiders());
            }
        }
    }

    fn on_exit(&mut self, pid: Pid, status: WaitStatus) {
        let code = exit::from_wait(status);
        if self.rc_on_exit(pid, status) || self.log.as_mut().is_some_and(|l| l.on_exit(pid, code)) {
            return;
        }
        if Some(pid) == self.cmd_pid {
            self.cmd_pid = None;
            let _ = crate::s6::cmd::write(b"exited", Some(code as u64));
            if self.s.receive_signals {
                crate::s6::cmd::write_pid(None);
            }
            // v2's line (v3's rc.init says nothing).
            if !self.sup.legacy {
                let mut l = Line::new();
                let name = self.cmd_name();
                l.push(b"[cmd] ").push(name).push(b" exited ").push_u64(code as u64);
                self.progress_line(&mut l);
            }
            self.push(Event::CmdExited(code));
            return;
        }
        let Some(job) = self.job else { return };
        if job.pid != pid {
            return;
        }
        self.job = None;
        self.job_done(job.item, if job.timed_out { exit::TIMEOUT } else { code });
    }

    /// The CMD's first word, for `[cmd] NAME exited N`.
    fn cmd_name(&self) -> &'static [u8] {
        let arg0 = self.s.cmd_arg0.and_then(|v| settings::arg0_words(v).next());
        arg0.or_else(|| self.cmd.get_arg(0).map(|a| a.to_bytes())).unwrap_or(b"")
    }

    fn job_done(&mut self, item: Item, code: u8) {
        let (section, name) = label(item);
        if section.is_empty() {
            return;
        }
        // v3 judges the fix-attrs.d files after the last one (`FixEnd`).
        if matches!(item, Item::Fix(_)) && self.rc.is_some() {
            self.fix.1 |= code != 0;
            return;
        }
        if item == Item::Hook && self.v3_layout() {
            return self.v3_hook_done(code);
        }
        if !(matches!(item, Item::Init(_) | Item::Finish(_))
            && self.v3_line(
                if matches!(item, Item::Init(_)) { b"cont-init.d" } else { b"cont-finish.d" },
                name,
                Some(code),
            ))
        {
            let mut l = Line::new();
            l.push(section).push(name).push(b": exited ").push_u64(code as u64).push(b".");
            self.progress_line(&mut l);
        }
        // v2 goes on whatever a fix-attrs.d file gives (its helper's status
        // was always 0).
        if matches!(item, Item::Fix(_)) {
            return;
        }
        // v3 runs every cont-init script and judges after the last one:
        // the first failing code is kept until then.
        if self.rc.is_some() && matches!(item, Item::Init(_)) {
            if code != 0 {
                self.init_failed.get_or_insert(code);
            }
            return;
        }
        self.push(Event::Failed(code, item));
    }

    /// v3's `fix-attrs` oneshot ends: its deprecation warning when it
    /// applied a file; when one failed, under a policy, its warning, and
    /// under policy 2 s6-rc's (true: the oneshot failed, with code 1).
    fn fix_judged(&mut self) -> bool {
        let v = self.s.verbosity;
        let (got, failed) = core::mem::take(&mut self.fix);
        if got && v >= 1 {
            Line::new()
                .push(b"fix-attrs: warning: fix-attrs is deprecated, please fix volume permissions in your container manager instead")
                .emit();
        }
        if !failed || self.s.stage2_fails == 0 {
            return false;
        }
        if v >= 1 {
            Line::new().push(b"fix-attrs: warning: some fix files failed to apply").emit();
        }
        if self.s.stage2_fails < 2 {
            return false;
        }
        self.rc_internal_failed(crate::s6::rc::Internal::FixAttrs, 1);
        true
    }

    /// v3's `fix-attrs` or `legacy-cont-init` failed under policy 2 with
    /// `code`: during the boot its oneshot fails when its step is judged
    /// (`internal_failed`); after it, the policy acts at once.
    fn internal_verdict(&mut self, code: u8) {
        if self.rc_booting() {
            self.internal_failed = Some(code);
        } else {
            self.push(Event::Failed(code, Item::Rc));
        }
    }

    /// The image has v3's layout (its tree is read after the hook).
    fn v3_layout(&self) -> bool {
        self.rc.is_some() || self.items.contains(&Item::Rc)
    }

    /// `S6_STAGE2_HOOK` ended, in v3's layout: v3's rc.init's lines; under
    /// policy 2 a failure stops the container with the hook's code.
    fn v3_hook_done(&mut self, code: u8) {
        let hook = self.s.stage2_hook.unwrap_or(b"");
        let (level, what): (u64, &[u8]) = match code {
            0 => (2, b": info: hook "),
            _ if self.s.stage2_fails >= 2 => (0, b": fatal: hook "),
            _ => (1, b": warning: hook "),
        };
        if self.s.verbosity >= level {
            let mut l = Line::new();
            l.push(V3_RC_INIT).push(what).push(hook).push(b" exited ").push_u64(code as u64);
            l.emit();
        }
        if code != 0 && self.s.stage2_fails >= 2 {
            self.push(Event::Failed(code, Item::Hook));
        }
    }

    /// After stage 2: start `services.d`; then the machine starts the CMD
    /// (maybe after waiting for the services).
    #[inline(never)]
    fn start_services(&mut self) {
        let dir = dir_of(self.base, b"services.d").unwrap_or(b"/etc/services.d");
        let exists = rustix::fs::stat(or_warn_cstr(arena::cstr(&[dir]))).is_ok();
        // With a service tree, `legacy-services` started them.
        if exists && self.rc.is_none() {
            self.cmd_starting();
            self.progress(&[b"[services.d] starting services"]);
            if !self.sup.legacy {
                runtime::v2_stage3_env();
            }
            self.sup.setup(dir);
        }
        // With a service tree, `legacy-services` waited (`rc::rc_check`).
        if exists && self.s.wait_for_services && !self.cmd.is_empty() && self.rc.is_none() {
            // S6_SERVICES_READYTIME: v3 sleeps this long (default 50 ms)
            // before checking, because its check could race the scan;
            // here the supervisor's state is exact, so the default is 0.
            let ready = settings::number(&Env::get(), b"S6_SERVICES_READYTIME", 0);
            return self.push(Event::Started(Some(ready)));
        }
        if exists && self.rc.is_none() {
            self.progress(&[b"[services.d] done."]);
        }
        self.push(Event::Started(None));
    }

    #[inline(never)]
    /// `/run/s6/cmd` says `starting` when it still said how the previous
    /// start's CMD ended: before anything of stage 2 runs. (When the CMD
    /// is the first thing to run, `up` replaces that directly.)
    fn cmd_starting(&mut self) {
        if core::mem::take(&mut self.cmd_stale) {
            let _ = crate::s6::cmd::write(b"starting", None);
        }
    }

    fn start_item(&mut self, item: Item) {
        self.cmd_starting();
        if item == Item::InitEnd
            && let Some(code) = self.init_failed.take()
            && self.s.stage2_fails > 0
        {
            // As v3's `legacy-cont-init`: one warning for them all; under
            // policy 2 it fails, with s6-rc's message.
            if self.s.verbosity >= 1 {
                Line::new().push(b"cont-init: warning: some scripts exited nonzero").emit();
            }
            if self.s.stage2_fails >= 2 {
                self.rc_internal_failed(crate::s6::rc::Internal::ContInit, 1);
                self.internal_verdict(code);
                return;
            }
        }
        if item == Item::FixEnd && self.rc.is_some() && self.fix_judged() {
            self.internal_verdict(1);
            // `legacy-cont-init` depends on it: cont-init.d never runs.
            return self.cut_init_items();
        }
        // v3's layout: v3's lines (see `rc::Pid1::v3_line`), no markers.
        if self.rc.is_some()
            && matches!(
                item,
                Item::FixBegin | Item::FixEnd | Item::InitBegin | Item::InitEnd | Item::FinishBegin | Item::FinishEnd
            )
        {
            return;
        }
        match item {
            Item::FixBegin => self.progress(&[b"[fix-attrs.d] applying ownership & permissions fixes..."]),
            Item::FixEnd => self.progress(&[b"[fix-attrs.d] done."]),
            Item::InitBegin => self.progress(&[b"[cont-init.d] executing container initialization scripts..."]),
            Item::InitEnd => self.progress(&[b"[cont-init.d] done."]),
            Item::FinishBegin => self.progress(&[b"[cont-finish.d] executing container finish scripts..."]),
            Item::FinishEnd => self.progress(&[b"[cont-finish.d] done."]),
            Item::Hook => self.start_hook(),
            Item::Rc => self.rc_load(),
            Item::Wait => {}
            Item::Fix(n) => {
                let file = or_warn_cstr(dir_of(self.base, b"fix-attrs.d").and_then(|d| arena::cstr(&[d, b"/", n])));
                if self.rc.is_some() {
                    self.fix.0 = true;
                    if self.s.verbosity >= 2 {
                        Line::new().push(b"fix-attrs: info: applying ").push(file.to_bytes()).emit();
                    }
                } else {
                    self.progress(&[b"[fix-attrs.d] ", n, b": applying..."]);
                }
                let argv = Fixed::new(&[c"fix-attrs", file]);
                self.start_job(item, c"/proc/self/exe", argv.get(), self.global_env);
            }
            Item::Init(n) | Item::Finish(n) => {
                let (sect, sub): (&[u8], &[u8]) = match item {
                    Item::Init(_) => (b"[cont-init.d] ", b"cont-init.d"),
                    _ => (b"[cont-finish.d] ", b"cont-finish.d"),
                };
                if !self.v3_line(sub, n, None) {
                    self.progress(&[sect, n, b": executing..."]);
                }
                let path = or_warn_cstr(dir_of(self.base, sub).and_then(|d| arena::cstr(&[d, b"/", n])));
                let env = if matches!(item, Item::Finish(_)) { self.finish_env() } else { self.global_env };
                let mut hb = [0u8; 256];
                if let Some((interp, e)) = stage::bad_interpreter(rustix::fs::CWD, path, &mut hb) {
                    self.warn_sys(e, &[b"unable to run ", path.to_bytes(), b": interpreter ", interp]);
                    return self.job_done(item, exec_failure_code(e));
                }
                match stage::command(path) {
                    Ok(c) => self.start_job(item, c.file, c.argv, env),
                    Err(r) => {
                        self.warn_sys(r.errno, &[b"unable to run ", path.to_bytes()]);
                        self.job_done(item, r.code);
                    }
                }
            }
        }
    }

    /// `S6_STAGE2_HOOK`, run with `/bin/sh -c` (a clear error without a shell).
    fn start_hook(&mut self) {
        let Some(hook) = self.s.stage2_hook else { return };
        if rustix::fs::access(c"/bin/sh", rustix::fs::Access::EXEC_OK).is_err() {
            self.warn_sys(Errno::NOENT, &[b"S6_STAGE2_HOOK is set but this image has no /bin/sh"]);
            self.job_done(Item::Hook, exit::NOT_FOUND);
            return;
        }
        let h = or_warn_cstr(arena::cstr(&[hook]));
        let argv = Fixed::new(&[c"sh", c"-c", h]);
        self.start_job(Item::Hook, c"/bin/sh", argv.get(), self.global_env);
    }

    fn start_job(&mut self, item: Item, file: &CStr, argv: Argv<'_>, envp: Envp<'_>) {
        self.sup.flush_all();
        // v3's oneshots (fix-attrs, legacy-cont-init) run under s6-rc's
        // runner, with rc.init's stdin: /dev/null.
        let null = [(self.rc.as_ref().and_then(|r| r.null.as_ref()).map_or(-1, rustix::fd::AsRawFd::as_raw_fd), 0)];
        let sp = Spawn {
            file,
            argv,
            envp,
            path: self.path,
            signals: &self.orig,
            new_pgrp: true,
            take_tty: false,
            setsid: false,
            moves: &null[..usize::from(null[0].0 >= 0)],
            chdir: None,
            report: crate::base::diag::child_fatal,
            who: b"",
        };
        match spawn(&sp) {
            Ok(pid) => self.job = Some(Job { pid, item, timed_out: false }),
            Err(e) => {
                self.warn_sys(e, &[b"unable to spawn ", file.to_bytes()]);
                self.job_done(item, exit::SYSCALL);
            }
        }
    }

    /// The global environment plus `S6_STAGE2_EXITED` (cont-finish
    /// scripts): the code the container exits with as it stands, so one
    /// that a v2 `finish` script wrote to `env-stage3` (or anyone to the
    /// exitcode file) counts, as v2's stage 3 read it from there.
    fn finish_env(&self) -> Envp<'static> {
        let Ok(mut e) = Builder::alloc(self.global_env.len() + 1) else { return self.global_env };
        e.extend(self.global_env);
        let mut b = itoa::Buffer::new();
        let code = runtime::read_exitcode().unwrap_or(self.m.code.unwrap_or(0));
        if let Ok(v) = arena::cstr(&[b"S6_STAGE2_EXITED=", b.format(code).as_bytes()]) {
            e.push(v);
        }
        e.done()
    }

    /// Start the CMD, if there is one.
    #[inline(never)]
    fn start_cmd(&mut self) {
        self.cmd_stale = false;
        if self.cmd.is_empty() {
            let _ = crate::s6::cmd::write(b"none", None);
            return;
        }
        let words = self.s.cmd_arg0.map(|v| settings::arg0_words(v).count()).unwrap_or(0);
        let Ok(mut argv) = Builder::alloc(words + self.cmd.len()) else {
            return self.cmd_failed(Errno::NOMEM);
        };
        let mut file: Option<&CStr> = None;
        let arg0 = self.s.cmd_arg0.into_iter().flat_map(settings::arg0_words).filter_map(|w| arena::cstr(&[w]).ok());
        for a in arg0.chain(self.cmd.iter()) {
            file.get_or_insert(a);
            argv.push(a);
        }
        let Some(file) = file else { return };
        // The CMD gets the container environment as it is now (cont-init
        // scripts may have added to it), like v2's `with-contenv`.
        let env = Env::get();
        // Nothing ran that could have changed the directory: the snapshot
        // is the environment we have (and reading it back costs a file per
        // variable).
        let untouched = self.items.is_empty() && self.sup.svcs.is_empty();
        let envp = if self.s.keep_env || untouched {
            with_path(&env, self.path).ok()
        } else {
            envdir::load(envdir::DIR, Some(self.path)).ok().or_else(|| with_path(&env, self.path).ok())
        };
        let Some(envp) = envp else { return self.cmd_failed(Errno::NOMEM) };
        // Before the spawn: the CMD may look at once (`rs6-health`).
        self.sup.flush_all();
        let _ = crate::s6::cmd::write(b"up", None);
        let sp = Spawn {
            file,
            argv: argv.done(),
            envp,
            path: self.path,
            signals: &self.orig,
            new_pgrp: true,
            take_tty: rustix::termios::isatty(crate::sys::fd::stdin()),
            setsid: false,
            moves: self.log.as_ref().map_or(&[], |l| l.cmd_moves()),
            chdir: None,
            report: crate::base::diag::child_fatal,
            who: b"",
        };
        match spawn(&sp) {
            Ok(pid) => {
                self.cmd_pid = Some(pid);
                if self.s.receive_signals {
                    crate::s6::cmd::write_pid(Some(pid.as_raw_nonzero().get() as u32));
                }
                // While it runs: the files its exit writes are made now.
                runtime::prime_exit_files();
            }
            Err(e) => self.cmd_failed(e),
        }
    }

    fn cmd_failed(&mut self, e: Errno) {
        self.warn_sys(e, &[b"unable to spawn the CMD"]);
        let _ = crate::s6::cmd::write(b"exited", Some(exit::SYSCALL as u64));
        self.push(Event::CmdFailed);
    }

    /// Signal everything: the whole namespace when we are PID 1, only our
    /// descendants otherwise. False when the namespace was found empty.
    fn kill_all(&self, sig: u32) -> bool {
        if self.pid1 && self.logger().is_none() {
            raw::kill_everything(sig) != Err(Errno::SRCH)
        } else {
            tree::signal_descendants(self.me, sig, self.logger(), self.outsiders());
            true
        }
    }

    /// As the namespace's init: processes we did not start are left
    /// (`docker exec`'s, whose parent is outside), which the final TERM
    /// reached: they get the grace too, as under v3's `kill -1`, then
    /// sleep. Their exits do not wake us ([`OTHERS_POLL_MS`]).
    fn others_left(&self) -> bool {
        self.outsiders() && raw::kill_everything(0).is_ok()
    }

    /// We are the init of a container's namespace, where a process whose
    /// parent is outside joined it from outside. Not the kernel's PID 1,
    /// whose namespace holds the kernel's threads (pid 2 `kthreadd` and
    /// its children): never waited for, never signalled. Read once.
    fn outsiders(&self) -> bool {
        if let Some(o) = self.outsiders.get() {
            return o;
        }
        let o = self.pid1 && !kernel::pid2_is_kthreadd();
        self.outsiders.set(Some(o));
        o
    }

    /// The final grace, with only processes we did not start left: when
    /// to look at them again.
    fn others_poll(&self, now: Instant) -> Option<Instant> {
        (matches!(self.m.phase, stages::Phase::Final { .. }) && self.no_children && self.others_left())
            .then(|| now.after_ms(OTHERS_POLL_MS))
    }

    /// The catch-all logger's pid: spared by the final signals, it stops
    /// by itself at the end of its input.
    fn logger(&self) -> Option<Pid> {
        self.log.as_ref().and_then(|l| l.pid)
    }

    fn progress(&self, parts: &[&[u8]]) {
        if self.s.verbosity >= 2 {
            let mut l = Line::new();
            l.push_all(parts);
            l.emit();
        }
    }

    fn progress_line(&self, l: &mut Line) {
        if self.s.verbosity >= 2 {
            l.emit();
        }
    }

    fn warn_sys(&self, e: Errno, parts: &[&[u8]]) {
        if self.s.verbosity >= 1 {
            diag::warn_sys(e, parts);
        }
    }
}

/// The name v3's stage 2 gives itself in its lines.
const V3_RC_INIT: &[u8] = b"/run/s6/basedir/scripts/rc.init";

/// The section and name of a step, for its lines; `b""` for markers.
fn label(item: Item) -> (&'static [u8], &'static [u8]) {
    match item {
        Item::Fix(n) => (b"[fix-attrs.d] ", n),
        Item::Init(n) => (b"[cont-init.d] ", n),
        Item::Finish(n) => (b"[cont-finish.d] ", n),
        Item::Hook => (b"[s6-init] ", b"S6_STAGE2_HOOK"),
        Item::Wait => (b"[services.d] ", b"waiting for services"),
        _ => (b"", b""),
    }
}

fn or_warn(r: Result<&'static [Item], Errno>) -> &'static [Item] {
    r.unwrap_or_else(|e| {
        diag::warn_sys(e, &[b"unable to list cont-finish.d"]);
        &[]
    })
}

fn or_warn_cstr(r: Result<&'static CStr, Errno>) -> &'static CStr {
    r.unwrap_or_else(|e| {
        diag::warn_sys(e, &[b"unable to allocate"]);
        c""
    })
}
