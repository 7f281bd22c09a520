//! s6-overlay v3's service tree in PID 1: `/etc/s6-overlay/s6-rc.d` (or the
//! profile's), read after `S6_STAGE2_HOOK`, with s6-overlay's own names
//! (`fix-attrs`, `legacy-cont-init`, `base`, `user`, `legacy-services`,
//! `user2`, `top`), brought up in dependency order and in parallel, and
//! down in reverse order at shutdown.
//!
//! - `fix-attrs` and `legacy-cont-init` are the stage-2 items PID 1 already
//!   runs in order (fix-attrs.d, cont-init.d): they are up once those items
//!   are past. `legacy-services` supervises `services.d`.
//! - A oneshot's `up`/`down` is one execline command line, run as
//!   `/command/execlineb -Pc LINE` in a new session with stdin `/dev/null`,
//!   the global environment and `RC_NAME`.
//! - A longrun is copied to `/run/service/NAME` with a `down` file and
//!   supervised by PID 1's loop from the start, down until wanted; its
//!   pipeline (`producer-for`/`consumer-for`) is a pipe PID 1 holds.
//! - The boot transition's first failure (a oneshot's code, 99 for a
//!   `timeout-up`, 2 when `S6_CMD_WAIT_FOR_SERVICES_MAXTIME` expires)
//!   follows `S6_BEHAVIOUR_IF_STAGE2_FAILS`. A shutdown stops what runs of
//!   the boot at once, then brings everything down in reverse order, each
//!   step with no `timeout-down` bounded by `S6_SERVICES_GRACETIME` (a
//!   longrun still up then is killed, as `legacy-services`' services), and
//!   stage 3 waits for the whole transition.
use super::{Item, Phase, Pid1};
use crate::base::diag::{self, Line};
use crate::base::{exit, time::Instant};
use crate::rt::Env;
use crate::s6::rc::{Db, Internal, Kind, Plan, Step, live, source::load};
use crate::sys::argv::{Builder, Fixed};
use crate::sys::spawn::{Spawn, spawn_nowait};
use crate::sys::{arena, raw, signal};
use core::ffi::CStr;
use rustix::fd::{AsFd, AsRawFd, OwnedFd};
use rustix::fs::{self, Mode, OFlags};
use rustix::process::Pid;

const NONE: u16 = u16::MAX;

pub struct Rc {
    pub db: Db,
    pub plan: Plan,
    /// The live state: up or down, per service.
    pub up: &'static mut [bool],
    /// Longrun → its supervisor entry.
    sup: &'static mut [u16],
    /// Running oneshot scripts.
    pids: &'static mut [Option<Pid>],
    /// Per running transition: when it times out.
    until: &'static mut [Option<Instant>],
    /// At the shutdown: the step's processes were killed when its grace
    /// ended; the step ends once they are gone, or at `until` anyway.
    killed: &'static mut [bool],
    /// The current plan is the boot transition.
    pub boot: bool,
    /// The supervisor entries of `services.d` (`a..b`), from the first
    /// `legacy-services` up on (entries a rescan adds later are not).
    legacy: Option<(usize, usize)>,
    pub(super) null: Option<OwnedFd>,
    /// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME`, from the boot's start.
    maxtime: Option<Instant>,
    /// `S6_SERVICES_READYTIME` after `legacy-services` started them: not
    /// found ready before.
    ready_at: Option<Instant>,
    /// Shutting down: the plan is the final down transition; `swept`:
    /// what it left has been told to stop.
    pub stopping: bool,
    swept: bool,
    /// The boot transition's first failure, for the policy.
    failed: Option<u8>,
    /// `/run/s6/rc/control`.
    control: Option<OwnedFd>,
    /// The client waiting for the current change: its pipe (its lines and
    /// its code go there) and its stdin, stdout, stderr (its oneshots'),
    /// its verbosity, and whether its down change stops essential services.
    client: Option<[OwnedFd; 4]>,
    verb: u8,
    force: bool,
    /// The current change ran out of time (`-t`).
    expired: bool,
    /// `up` changed since `state` was last written.
    dirty: bool,
    /// Oneshots' environment: the global one (and `RC_NAME=`, per spawn).
    envp: Builder<'static>,
}

/// `<base>/s6-overlay` (`/etc/s6-overlay`, or the profile's).
fn profile(base: &[u8]) -> &'static [u8] {
    let p: &[u8] = if base == b"/etc" { b"/etc/s6-overlay" } else { base };
    let sub: &[u8] = if base == b"/etc" { b"" } else { b"/s6-overlay" };
    arena::cstr(&[p, sub]).map(|c| c.to_bytes()).unwrap_or(b"/etc/s6-overlay")
}

fn is_dir(p: &[u8]) -> bool {
    arena::cstr(&[p])
        .is_ok_and(|c| fs::stat(c).is_ok_and(|st| fs::FileType::from_raw_mode(st.st_mode) == fs::FileType::Directory))
}

/// Whether the image has v3's layout (decides `Item::Rc` and the lines).
pub fn has_layout(base: &[u8]) -> bool {
    is_dir(profile(base))
}

/// s6-rc's runner of oneshots (PID 1 stands in for it).
const RUNNER: &[u8] = b"s6rc-oneshot-runner";

/// An `s6-rc:` line at `level`: to the waiting client's pipe at its
/// verbosity, else (the boot, the shutdown) to stderr at `S6_VERBOSITY`.
fn say(rc: &Rc, verbosity: u64, level: u8, parts: &[&[u8]]) {
    let mut l = Line::new();
    l.push_all(parts);
    match &rc.client {
        Some(c) if level <= rc.verb => {
            l.push(b"\n");
            let _ = rustix::io::write(&c[0], l.as_bytes());
        }
        None if level as u64 <= verbosity => l.emit(),
        _ => {}
    }
}

impl Pid1 {
    /// Read the tree (after the hook) and start the boot transition. A
    /// source error is fatal before anything starts.
    #[inline(never)]
    pub(super) fn rc_load(&mut self) {
        let prof = profile(self.base);
        let rcd = arena::cstr(&[prof, b"/s6-rc.d"]).map(|c| c.to_bytes()).unwrap_or(b"");
        // The old layout (`s6-rc.d/user`) replaces the bundle directory.
        let mut srcs: heapless::Vec<&[u8], 2> = heapless::Vec::new();
        let old = is_dir(arena::cstr(&[rcd, b"/user"]).map(|c| c.to_bytes()).unwrap_or(b""));
        if old && self.s.verbosity >= 1 {
            diag::warn(&[
                b"defining user bundles in ",
                prof,
                b"/s6-rc.d is deprecated, please define them in ",
                prof,
                b"/user-bundles.d instead",
            ]);
        }
        if is_dir(rcd) {
            let _ = srcs.push(rcd);
        }
        let set = Env::get().var(b"S6_RUNTIME_BUNDLEDIR").filter(|v| !v.is_empty());
        let bd = match set {
            Some(b) => b,
            None => arena::cstr(&[prof, b"/user-bundles.d"]).map(|c| c.to_bytes()).unwrap_or(b""),
        };
        if !old && is_dir(bd) {
            let _ = srcs.push(bd);
        } else if !old && set.is_some() {
            // Named but not there: s6-rc-compile's error (v3 then hangs),
            // not a boot without the image's services.
            let e = arena::cstr(&[bd])
                .and_then(|c| fs::open(c, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()))
                .err()
                .unwrap_or(rustix::io::Errno::NOTDIR);
            diag::fatal_sys(exit::SYSCALL, e, &[b"unable to opendir ", bd, b" (S6_RUNTIME_BUNDLEDIR)"]);
        }
        let db = match load(&srcs, self.s.verbosity >= 1) {
            Ok(db) => db,
            Err(e) => {
                let mut l = Line::new();
                e.text(&mut l);
                diag::fatal(e.code(), &[l.as_bytes()])
            }
        };
        let control = live::publish(&db);
        if let Some(c) = &control {
            self.sup.watch(c.as_fd(), crate::supervise::Watch::Rc);
        }
        let n = db.svcs.len();
        let (Ok(plan), Ok(up), Ok(sup), Ok(pids), Ok(until), Ok(killed)) = (
            Plan::new(n),
            arena::alloc_slice(n, false),
            arena::alloc_slice(n, NONE),
            arena::alloc_slice::<Option<Pid>>(n, None),
            arena::alloc_slice::<Option<Instant>>(n, None),
            arena::alloc_slice(n, false),
        ) else {
            diag::fatal(exit::SYSCALL, &[b"unable to allocate"]);
        };
        // Longruns: supervised (down) from the start.
        let legacy = super::stage::list(super::dir_of(self.base, b"services.d").unwrap_or(b"")).map_or(0, |l| l.len());
        let longruns = db.svcs.iter().filter(|s| s.kind == Kind::Longrun).count();
        if longruns > crate::supervise::MAX_SERVICES {
            // Refused as a source error: the ones past the table would
            // never start.
            let mut b = itoa::Buffer::new();
            let n = b.format(crate::supervise::MAX_SERVICES).as_bytes();
            diag::fatal(1, &[b"too many longruns (the limit is ", n, b")"]);
        }
        let room = longruns + 2 * legacy + 32;
        for (i, s) in db.svcs.iter().enumerate() {
            if s.kind == Kind::Longrun
                && let Some(k) = self.sup.add_rc(s.src, s.name, room)
            {
                sup[i] = k as u16;
            }
        }
        for (c, s) in db.svcs.iter().enumerate() {
            if s.kind != Kind::Longrun || s.consumer_for.is_empty() || sup[c] == NONE {
                continue;
            }
            let mut prods: heapless::Vec<usize, 64> = heapless::Vec::new();
            for (p, t) in db.svcs.iter().enumerate() {
                if t.consumer == Some(c as u16) && sup[p] != NONE {
                    let _ = prods.push(sup[p] as usize);
                }
            }
            self.sup.link(sup[c] as usize, &prods);
        }
        let Ok(mut envp) = Builder::alloc(self.global_env.len() + 1) else {
            diag::fatal(exit::SYSCALL, &[b"unable to allocate"]);
        };
        envp.extend(self.global_env);
        let null = fs::open(c"/dev/null", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok();
        let maxtime = match self.s.wait_for_services_ms {
            0 => None,
            ms => Some(Instant::now().after_ms(ms)),
        };
        let mut rc = Rc {
            db,
            plan,
            up,
            sup,
            pids,
            until,
            killed,
            boot: true,
            legacy: None,
            null,
            maxtime,
            ready_at: None,
            stopping: false,
            swept: false,
            failed: None,
            control,
            client: None,
            verb: 1,
            force: false,
            expired: false,
            dirty: false,
            envp,
        };
        let top = rc.db.find(b"top").unwrap_or(0);
        let members = rc.db.get(top).members;
        rc.plan.select(&rc.db, members, true, rc.up);
        say(&rc, self.s.verbosity, 3, &[b"s6-rc: info: bringing selected services up"]);
        // s6-rc-compile's runner of oneshots, the first service v3 starts:
        // PID 1 runs them itself, and says what v3 says.
        for l in [&b": starting"[..], b" successfully started"] {
            say(&rc, self.s.verbosity, 2, &[b"s6-rc: info: service ", RUNNER, l]);
        }
        self.rc = Some(rc);
        self.rc_step();
    }

    /// Stage 3 with v3's layout: PID 1 runs cont-finish.d where v3's
    /// `legacy-cont-init` goes down (`begin`), then the rest of v3's tail:
    /// `fix-attrs` goes down, and the runner, essential, stays up: v3's
    /// lines for them, for those that were up.
    pub(super) fn rc_stage3_lines(&self, begin: bool) {
        let Some(rc) = &self.rc else { return };
        let was_up = |which: Internal| goes_down(rc, which);
        let line = |name: &[u8], what: &[u8]| say(rc, self.s.verbosity, 2, &[b"s6-rc: info: service ", name, what]);
        if begin {
            if was_up(Internal::ContInit) {
                line(b"legacy-cont-init", b": stopping");
            }
            return;
        }
        if was_up(Internal::ContInit) {
            line(b"legacy-cont-init", b" successfully stopped");
        }
        if was_up(Internal::FixAttrs) {
            line(b"fix-attrs", b": stopping");
            line(b"fix-attrs", b" successfully stopped");
        }
        // The runner is essential: `s6-rc -bda` leaves it up, and says so.
        let w: &[u8] = b" is marked as essential, not stopping it";
        say(rc, self.s.verbosity, 1, &[b"s6-rc: warning: service ", RUNNER, w]);
        // A stop that failed made rc.shutdown's s6-rc, then rc.shutdown,
        // exit 1: shutdownd says so and goes on.
        if rc.stopping && rc.plan.failed() {
            let w: &[u8] = b"s6-linux-init-shutdownd: warning: /run/s6/basedir/scripts/rc.shutdown exited 1";
            say(rc, self.s.verbosity, 1, &[w]);
        }
    }

    /// Whether stage 3 runs `cont-finish.d`: always with v2's layout; with
    /// v3's, only if `legacy-cont-init` (whose `down` it is) goes down: it
    /// came up, and nothing that stays up (an essential service, a stop
    /// that failed) depends on it.
    pub(super) fn rc_runs_cont_finish(&self) -> bool {
        self.rc.as_ref().is_none_or(|rc| goes_down(rc, Internal::ContInit))
    }

    /// With v3's layout, v3's progress lines for `cont-init.d` and
    /// `cont-finish.d` scripts (`cont-init: info: running DIR/NAME`, `…
    /// DIR/NAME exited N`); false without (v2's lines then).
    pub(super) fn v3_line(&self, sub: &[u8], name: &[u8], code: Option<u8>) -> bool {
        if self.rc.is_none() {
            return false;
        }
        if self.s.verbosity >= 2 {
            let mut l = Line::new();
            l.push(&sub[..sub.len() - 2]).push(b": info: ");
            if code.is_none() {
                l.push(b"running ");
            }
            l.push(self.base).push(b"/").push(sub).push(b"/").push(name);
            if let Some(c) = code {
                l.push(b" exited ").push_u64(c as u64);
            }
            l.emit();
        }
        true
    }

    /// The boot transition still runs.
    pub(super) fn rc_booting(&self) -> bool {
        self.rc.as_ref().is_some_and(|r| r.boot)
    }

    /// Nothing of the tree is moving any more.
    pub(super) fn rc_idle(&self) -> bool {
        self.rc.as_ref().is_none_or(|r| r.plan.finished())
    }

    pub(super) fn rc_deadline(&self) -> Option<Instant> {
        let r = self.rc.as_ref()?;
        r.until.iter().flatten().copied().chain(r.maxtime).chain(r.ready_at).min()
    }

    /// `legacy-services` up: the services of `services.d` join the scan
    /// directory (again, after a down).
    fn rc_legacy_up(&mut self, rc: &mut Rc) {
        match rc.legacy {
            Some((a, b)) => self.sup.rejoin(a, b),
            None => {
                let a = self.sup.svcs.len();
                let dir = super::dir_of(self.base, b"services.d").unwrap_or(b"/etc/services.d");
                if is_dir(dir) {
                    self.sup.setup(dir);
                }
                let b = self.sup.svcs.len();
                // v3's services-up lines (which say "no readiness
                // notification" for every service: it looks for the file
                // before the copy is made).
                for (name, ready) in (a..b).filter_map(|i| self.sup.service(i)) {
                    let tail: &[u8] = if ready { b"" } else { b" (no readiness notification)" };
                    say(rc, self.s.verbosity, 2, &[b"services-up: info: copying legacy longrun ", name, tail]);
                }
                rc.legacy = Some((a, b));
            }
        }
    }

    /// Move the current transition on: collect what finished, start what
    /// may start. Returns whether anything changed.
    pub(super) fn rc_step(&mut self) -> bool {
        let Some(mut rc) = self.rc.take() else { return false };
        let now = Instant::now();
        let mut any = false;
        if !rc.stopping && rc.maxtime.is_some_and(|t| now >= t) {
            rc.maxtime = None;
            rc.expired = true;
            // s6-rc's line for its global timeout (a client prints its own).
            if rc.client.is_none() {
                say(&rc, self.s.verbosity, 0, &[b"s6-rc: fatal: timed out"]);
            }
            if rc.boot {
                self.cut_init_items();
            }
            self.rc_abort(&mut rc);
            // s6-rc's code for its global timeout.
            rc.failed.get_or_insert(2);
        }
        loop {
            let mut changed = false;
            for i in 0..rc.db.svcs.len() {
                if rc.plan.steps[i] != Step::Running {
                    continue;
                }
                let r = self.rc_check(&mut rc, i as u16, now);
                if let Some(ok) = r {
                    self.rc_done(&mut rc, i as u16, ok);
                    changed = true;
                    if ok {
                        // As s6-rc: what it lets start starts, then its
                        // `successfully started` line.
                        self.rc_start_next(&mut rc);
                        self.rc_say_done(&rc, i as u16);
                    }
                }
            }
            changed |= self.rc_start_next(&mut rc);
            // And once for what ended and let nothing start.
            if rc.dirty {
                live::write_state(&rc.db, rc.up);
                rc.dirty = false;
            }
            if !changed {
                break;
            }
            any = true;
        }
        if rc.plan.finished() && (rc.boot || rc.client.is_some()) {
            let code = if rc.expired { 2 } else { rc.plan.failed() as u8 };
            if !rc.boot {
                rc.failed = None;
                // The client reads the status files next: they say what
                // its change did before it is told the change is over.
                self.sup.flush_all();
                reply(&mut rc, &self.sup.ep, code);
            }
            rc.boot = false;
            rc.maxtime = None;
            // Judged by now, or its step never ran: nothing to carry on.
            self.internal_failed = None;
            any = true;
        }
        if rc.stopping && rc.plan.finished() && !rc.swept {
            // What is left (essential services, loggers) stops with the
            // rest, within the grace from here.
            self.sup.stop_all();
            self.m.hold_services(now.after_ms(self.s.services_grace_ms));
            rc.swept = true;
        }
        // The boot's failure is acted on once its transition is over
        // (independent branches complete first), as v3's rc.init acts on
        // its s6-rc's code; MAXTIME's at once (its s6-rc has returned).
        let over = !rc.boot || rc.expired;
        let failed = if over && matches!(self.m.phase, Phase::Stage2) { rc.failed.take() } else { None };
        self.rc = Some(rc);
        if let Some(code) = failed {
            self.rc_failed(code);
        }
        any
    }

    /// Step `i`'s grace is over, its supervisor entries `a..b` still up:
    /// killed, and down once they are dead (`None` until then), or a grace
    /// later anyway (a `finish` that never ends): `Some(true)`.
    fn rc_kill_then_give_up(&mut self, rc: &mut Rc, i: u16, now: Instant, (a, b): (usize, usize)) -> Option<bool> {
        if core::mem::replace(&mut rc.killed[i as usize], true) {
            return Some(true);
        }
        rc.until[i as usize] = Some(now.after_ms(self.s.services_grace_ms));
        self.sup.kill_range(a, b);
        None
    }

    /// A running transition's outcome, when known (`None`: still running).
    fn rc_check(&mut self, rc: &mut Rc, i: u16, now: Instant) -> Option<bool> {
        let s = *rc.db.get(i);
        let up = rc.plan.up;
        let timed_out = rc.until[i as usize].is_some_and(|t| now >= t);
        match (s.kind, s.internal) {
            (_, Internal::FixAttrs) | (_, Internal::ContInit) if up => {
                let fix = s.internal == Internal::FixAttrs;
                let mine = |it: &Item| {
                    if fix {
                        matches!(it, Item::Fix(_) | Item::FixEnd)
                    } else {
                        matches!(it, Item::Fix(_) | Item::FixEnd | Item::Init(_) | Item::InitEnd)
                    }
                };
                let pending = self.items[self.next..].iter().any(mine) || self.job.is_some_and(|j| mine(&j.item));
                if pending && matches!(self.m.phase, Phase::Stage2) {
                    return None;
                }
                // Failed under policy 2 (said when judged): the oneshot fails.
                match self.internal_failed.take() {
                    Some(code) => {
                        rc.failed.get_or_insert(code);
                        Some(false)
                    }
                    None => Some(true),
                }
            }
            // v3's `legacy-services` up waits for them (`s6-svwait -u`, or
            // `-U` where they have a notification-fd), bounded by MAXTIME:
            // what depends on it, and the CMD, start once they are ready.
            (_, Internal::LegacyServices) if up && self.s.wait_for_services => match rc.legacy {
                _ if rc.ready_at.is_some_and(|t| now < t) => None,
                Some((a, b)) => self.sup.up_range(a, b).then_some(true),
                None => Some(true),
            },
            (_, Internal::LegacyServices) if !up => {
                let Some((a, b)) = rc.legacy else { return Some(true) };
                if self.sup.down_range(a, b) {
                    return Some(true);
                }
                if timed_out {
                    // As v3's `services-down`, which exits 0 anyway.
                    return self.rc_kill_then_give_up(rc, i, now, (a, b));
                }
                None
            }
            (Kind::Longrun, _) => {
                let k = rc.sup[i as usize] as usize;
                if rc.sup[i as usize] == NONE {
                    return Some(false);
                }
                if up && self.sup.is_up(k) || !up && self.sup.is_down(k) {
                    // As s6-rc, once the transition succeeded: `down` goes
                    // (up) or is made (down); a failed one leaves it.
                    self.sup.set_down_file(k, !up);
                    return Some(true);
                }
                if up && self.sup.gave_up(k) {
                    let why: &[u8] =
                        b"s6-svlisten: fatal: some services reported permanent failure or their supervisor died";
                    self.rc_warn(rc, &s, Some(why), 1);
                    rc.failed.get_or_insert(1);
                    return Some(false);
                }
                if timed_out && !up && rc.stopping && s.timeout_down == 0 {
                    // The grace given at the shutdown is over: killed, as
                    // `legacy-services`.
                    return self.rc_kill_then_give_up(rc, i, now, (k, k + 1));
                }
                if timed_out {
                    rc.until[i as usize] = None;
                    if up {
                        self.sup.send(k, b'd');
                    }
                    self.rc_warn(rc, &s, Some(b"s6-svlisten: fatal: timed out"), exit::TIMEOUT);
                    rc.failed.get_or_insert(exit::TIMEOUT);
                    return Some(false);
                }
                None
            }
            _ if timed_out && rc.stopping && !up && !rc.up[i as usize] => {
                // An `up` the shutdown cut short that outlived its grace:
                // killed, and out of the way (as when it ends).
                if let Some(pid) = rc.pids[i as usize].take() {
                    let _ = raw::kill_group(pid, signal::SIGKILL);
                    let _ = raw::kill_pid(pid, signal::SIGKILL);
                }
                rc.plan.steps[i as usize] = Step::Done;
                rc.until[i as usize] = None;
                None
            }
            _ => {
                if timed_out {
                    rc.until[i as usize] = None;
                    if let Some(pid) = rc.pids[i as usize] {
                        let _ = raw::kill_pid(pid, signal::SIGTERM);
                        let _ = raw::kill_pid(pid, signal::SIGCONT);
                    }
                    rc.pids[i as usize] = None;
                    let why: &[u8] = b"s6-sudoc: fatal: unable to get exit status from server: Operation timed out";
                    self.rc_warn(rc, &s, Some(why), exit::SYSCALL);
                    rc.failed.get_or_insert(exit::TIMEOUT);
                    return Some(false);
                }
                rc.pids[i as usize].is_none().then_some(true)
            }
        }
    }

    fn rc_start(&mut self, rc: &mut Rc, i: u16) {
        let s = *rc.db.get(i);
        let up = rc.plan.up;
        if !up && s.essential && (rc.stopping || !rc.force) {
            // s6-rc: not stopped, and neither is what it depends on (at a
            // shutdown too, as v3's `s6-rc -bda change`: they stop with
            // the rest, after the tree).
            let w: &[u8] = b" is marked as essential, not stopping it";
            say(rc, self.s.verbosity, 1, &[b"s6-rc: warning: service ", s.name, w]);
            rc.plan.steps[i as usize] = Step::Kept;
            return;
        }
        say(
            rc,
            self.s.verbosity,
            2,
            &[b"s6-rc: info: service ", s.name, if up { b": starting" } else { b": stopping" }],
        );
        let t = if up { s.timeout_up } else { s.timeout_down };
        rc.until[i as usize] = (t > 0).then(|| Instant::now().after_ms(t as u64));
        if rc.stopping && !up && t == 0 {
            // At the shutdown, a step with no `timeout-down` gets the
            // services' grace of its own (v3 would wait for it forever):
            // the bound of stage 3 waits for the whole transition.
            rc.until[i as usize] = Some(Instant::now().after_ms(self.s.services_grace_ms));
        }
        match (s.kind, s.internal) {
            (_, Internal::FixAttrs | Internal::ContInit) if !up => {}
            (_, Internal::FixAttrs | Internal::ContInit) => {}
            (_, Internal::LegacyServices) if up => {
                // As v3, which sleeps S6_SERVICES_READYTIME before its
                // s6-svwait (here the supervisor's state is exact: 0 by
                // default).
                let ready = super::settings::number(&Env::get(), b"S6_SERVICES_READYTIME", 0);
                rc.ready_at = (ready > 0 && self.s.wait_for_services).then(|| Instant::now().after_ms(ready));
                self.rc_legacy_up(rc)
            }

            (_, Internal::LegacyServices) => {
                if let Some((a, b)) = rc.legacy {
                    self.sup.leave(a, b);
                }
                // As s6-overlay's `s6-svwait -D -t $S6_SERVICES_GRACETIME`.
                if s.timeout_down == 0 {
                    rc.until[i as usize] = Some(Instant::now().after_ms(self.s.services_grace_ms));
                }
                rc.killed[i as usize] = false;
            }
            (Kind::Longrun, _) => {
                if rc.sup[i as usize] != NONE {
                    self.sup.send(rc.sup[i as usize] as usize, if up { b'u' } else { b'd' });
                }
            }
            _ => {
                let line = if up { s.up } else { s.down };
                let empty = line.to_bytes().split(|&c| c == b'\n').all(|l| {
                    let l = l.trim_ascii_start();
                    l.is_empty() || l[0] == b'#'
                });
                if !empty {
                    self.sup.flush_all();
                    match self.rc_spawn(rc, s.name, line) {
                        Ok(pid) => rc.pids[i as usize] = Some(pid),
                        Err(e) => {
                            diag::warn_sys(e, &[b"unable to spawn /command/execlineb"]);
                            self.rc_done(rc, i, false);
                            rc.failed.get_or_insert(exit::SYSCALL);
                        }
                    }
                }
            }
        }
    }

    /// `/command/execlineb -Pc LINE`, new session, the global environment
    /// plus `RC_NAME`; stdin `/dev/null` (the boot, the shutdown), or the
    /// client's stdin, stdout and stderr for a client's change.
    fn rc_spawn(&self, rc: &mut Rc, name: &[u8], line: &core::ffi::CStr) -> Result<Pid, rustix::io::Errno> {
        // `RC_NAME=NAME`, NUL-terminated, after the global environment.
        let mut var = [0u8; 256];
        var[..8].copy_from_slice(b"RC_NAME=");
        let n = name.len().min(var.len() - 9);
        var[8..8 + n].copy_from_slice(&name[..n]);
        let var = CStr::from_bytes_until_nul(&var).unwrap_or(c"");
        let argv = Fixed::new(&[c"execlineb", c"-Pc", line]);
        let mut io = [(-1, 0), (-1, 1), (-1, 2)];
        let moves = match &rc.client {
            Some(c) => {
                (0..3).for_each(|k| io[k].0 = c[k + 1].as_raw_fd());
                &io[..]
            }
            None => {
                io[0].0 = rc.null.as_ref().map_or(-1, |f| f.as_raw_fd());
                &io[..rc.null.is_some() as usize]
            }
        };
        // Not waited for: the oneshots of a step start together, without
        // waiting for each exec (see `sys::spawn::spawn_nowait`).
        spawn_nowait(&Spawn {
            file: c"/command/execlineb",
            argv: argv.get(),
            envp: rc.envp.with(var),
            path: self.path,
            signals: &self.orig,
            new_pgrp: false,
            take_tty: false,
            setsid: true,
            moves,
            chdir: None,
            report: crate::base::diag::child_fatal,
            who: b"",
        })
    }

    fn rc_done(&mut self, rc: &mut Rc, i: u16, ok: bool) {
        let up = rc.plan.up;
        rc.plan.done(i, ok);
        rc.until[i as usize] = None;
        if ok {
            rc.up[i as usize] = up;
            rc.dirty = true;
        }
    }

    /// Start what may start now; whether anything did. `state` first, once
    /// for the transitions that ended since it was written: what starts
    /// may read it.
    fn rc_start_next(&mut self, rc: &mut Rc) -> bool {
        let mut any = false;
        while let Some(i) = rc.plan.next(&rc.db) {
            if rc.dirty {
                live::write_state(&rc.db, rc.up);
                rc.dirty = false;
            }
            any = true;
            self.rc_start(rc, i);
        }
        any
    }

    /// s6-rc's line for a transition that succeeded (`rc_done`).
    fn rc_say_done(&self, rc: &Rc, i: u16) {
        let what: &[u8] = if rc.plan.up { b" successfully started" } else { b" successfully stopped" };
        say(rc, self.s.verbosity, 2, &[b"s6-rc: info: service ", rc.db.get(i).name, what]);
    }

    /// s6-rc's failure line (after the line of the program that failed,
    /// `pre`, which s6 prints at any verbosity).
    /// v3's `fix-attrs` or `legacy-cont-init` failing (policy 2) with
    /// `code`: s6-rc's warning.
    pub(super) fn rc_internal_failed(&self, which: Internal, code: u8) {
        let Some(rc) = &self.rc else { return };
        if let Some(s) = rc.db.svcs.iter().find(|s| s.internal == which) {
            self.rc_warn(rc, s, None, code);
        }
    }

    fn rc_warn(&self, rc: &Rc, s: &crate::s6::rc::Svc, pre: Option<&[u8]>, code: u8) {
        let v = self.s.verbosity;
        if let Some(p) = pre {
            say(rc, v, 0, &[p]);
        }
        let mut b = itoa::Buffer::new();
        let what: &[u8] = if rc.plan.up { b"start" } else { b"stop" };
        let code = b.format(code).as_bytes();
        say(rc, v, 1, &[b"s6-rc: warning: unable to ", what, b" service ", s.name, b": command exited ", code]);
    }

    /// A oneshot ended: is it one of ours?
    pub(super) fn rc_on_exit(&mut self, pid: Pid, status: rustix::process::WaitStatus) -> bool {
        let Some(mut rc) = self.rc.take() else { return false };
        let found = rc.pids.iter().position(|p| *p == Some(pid));
        if let Some(i) = found {
            rc.pids[i] = None;
            let s = *rc.db.get(i as u16);
            let code = exit::from_wait(status);
            if rc.stopping && !rc.plan.up && !rc.up[i] {
                // An `up` that the shutdown cut short (`rc_shutdown`):
                // now what it depends on may go down.
                rc.plan.steps[i] = Step::Done;
                rc.until[i] = None;
            } else if code != 0 {
                // s6-rc says 128 for any exit code from 128 up (128+N is
                // a death by signal N); the container's code is the
                // script's own.
                let said = if status.exit_status().is_some() { code.min(128) } else { code };
                self.rc_warn(&rc, &s, None, said);
                self.rc_done(&mut rc, i as u16, false);
                rc.failed.get_or_insert(code);
            }
        }
        self.rc = Some(rc);
        found.is_some()
    }

    /// MAXTIME expired during the boot, as v3's `s6-rc` timing out while
    /// its runner runs cont-init.d: the script that runs is left to run
    /// on its own (no longer waited for), and the fix-attrs.d and
    /// cont-init.d steps after it never run. (And `fix-attrs` failed
    /// under policy 2: `legacy-cont-init` never starts.)
    pub(super) fn cut_init_items(&mut self) {
        let init = |it: &Item| {
            matches!(it, Item::FixBegin | Item::Fix(_) | Item::FixEnd | Item::InitBegin | Item::Init(_) | Item::InitEnd)
        };
        if self.job.is_some_and(|j| init(&j.item)) {
            self.job = None;
        }
        while self.items.get(self.next).is_some_and(init) {
            self.next += 1;
        }
    }

    /// The boot transition failed with `code`: the stage-2 failure policy.
    fn rc_failed(&mut self, code: u8) {
        self.push(super::Event::Failed(code, Item::Rc));
    }

    /// Stop the current transition at once: scripts get TERM, nothing else
    /// starts.
    fn rc_abort(&mut self, rc: &mut Rc) {
        // Its step, if it runs, fails now anyway.
        self.internal_failed = None;
        for i in 0..rc.db.svcs.len() {
            // A `legacy-services` down cut short leaves it up: its services
            // are wanted up again (not at a shutdown, which stops them).
            if rc.plan.steps[i] == Step::Running
                && !rc.plan.up
                && !rc.stopping
                && rc.db.svcs[i].internal == Internal::LegacyServices
                && let Some((a, b)) = rc.legacy
            {
                self.sup.rejoin(a, b);
            }
            // At a shutdown, a script told to stop is still waited for
            // (`rc_shutdown`).
            let pid = if rc.stopping { rc.pids[i] } else { rc.pids[i].take() };
            if let Some(pid) = pid {
                let _ = raw::kill_group(pid, signal::SIGTERM);
                let _ = raw::kill_pid(pid, signal::SIGTERM);
                let _ = raw::kill_pid(pid, signal::SIGCONT);
            }
            if matches!(rc.plan.steps[i], Step::Wait | Step::Running) {
                rc.plan.steps[i] = Step::Failed;
                rc.until[i] = None;
            }
        }
    }

    /// A client's change told to stop (its s6-rc got SIGTERM or SIGINT):
    /// as s6-rc, no transition starts any more, a longrun's that runs
    /// fails (`command crashed with signal 15`, the service told to go
    /// back), a oneshot that runs is left to finish and counts.
    fn rc_client_abort(&mut self, rc: &mut Rc) {
        for i in 0..rc.db.svcs.len() {
            match rc.plan.steps[i] {
                Step::Wait => rc.plan.steps[i] = Step::Failed,
                Step::Running if rc.db.svcs[i].kind == Kind::Longrun => {
                    let s = *rc.db.get(i as u16);
                    let what: &[u8] = if rc.plan.up { b"start" } else { b"stop" };
                    let w = b": command crashed with signal 15";
                    say(rc, self.s.verbosity, 1, &[b"s6-rc: warning: unable to ", what, b" service ", s.name, w]);
                    if rc.sup[i] != NONE {
                        self.sup.send(rc.sup[i] as usize, if rc.plan.up { b'd' } else { b'u' });
                    }
                    rc.plan.steps[i] = Step::Failed;
                    rc.until[i] = None;
                }
                _ => {}
            }
        }
    }

    /// Container shutdown: stop the boot, then bring down everything that
    /// is up, in reverse order (cont-finish and fix-attrs stay: PID 1's
    /// stage 3 runs cont-finish after). Returns false without a tree.
    pub(super) fn rc_shutdown(&mut self) -> bool {
        let Some(mut rc) = self.rc.take() else { return false };
        rc.stopping = true;
        self.sup.stopping = true;
        self.rc_abort(&mut rc);
        // A client's change ends here (the shutdown's lines and scripts
        // are PID 1's).
        reply(&mut rc, &self.sup.ep, 1);
        rc.boot = false;
        let mut sel: heapless::Vec<u16, { crate::s6::rc::MAX }> = heapless::Vec::new();
        for (i, s) in rc.db.svcs.iter().enumerate() {
            if rc.up[i] && !matches!(s.internal, Internal::FixAttrs | Internal::ContInit) {
                let _ = sel.push(i as u16);
            }
        }
        rc.plan.select(&rc.db, &sel, false, rc.up);
        say(&rc, self.s.verbosity, 3, &[b"s6-rc: info: bringing selected services down"]);
        for (i, s) in rc.db.svcs.iter().enumerate() {
            if matches!(s.internal, Internal::FixAttrs | Internal::ContInit) {
                // Their dependents are up only if they are: keep the base
                // internals.
                rc.plan.steps[i] = Step::Out;
            } else if rc.pids[i].is_some() {
                // A script still running (an `up` cut short, just told to
                // stop; a `down`): what it depends on goes down once it
                // has ended, in reverse order still, or once the grace is
                // over.
                rc.plan.steps[i] = Step::Running;
                rc.until[i] = Some(Instant::now().after_ms(self.s.services_grace_ms));
            }
        }
        self.rc = Some(rc);
        self.rc_step();
        true
    }
}

/// Whether the internal oneshot `which` goes down at the end of the
/// shutdown: it is up, and no service that stays up depends on it, even
/// through others (`fix-attrs` stays up while `legacy-cont-init` does).
fn goes_down(rc: &Rc, which: Internal) -> bool {
    let Some(i) = rc.db.svcs.iter().position(|s| s.internal == which) else { return false };
    if !rc.up[i] {
        return false;
    }
    let mut seen = [false; crate::s6::rc::MAX];
    let mut todo: heapless::Vec<u16, { crate::s6::rc::MAX }> = heapless::Vec::new();
    let _ = todo.push(i as u16);
    while let Some(j) = todo.pop() {
        for &d in rc.db.get(j).rdeps {
            if core::mem::replace(&mut seen[d as usize], true) {
                continue;
            }
            let s = rc.db.get(d);
            let up = match s.internal {
                Internal::ContInit => rc.up[d as usize] && !goes_down(rc, Internal::ContInit),
                _ => rc.up[d as usize],
            };
            if up {
                return false;
            }
            let _ = todo.push(d);
        }
    }
    true
}

/// Tell the waiting client how its change ended (a NUL, then the code),
/// and let it go.
fn reply(rc: &mut Rc, ep: &OwnedFd, code: u8) {
    if let Some(c) = drop_client(rc, ep) {
        let _ = rustix::io::write(&c[0], &[0, code]);
    }
}

/// The client, out of the epoll set: a copy of its pipe that another
/// process holds would keep it there after PID 1 closes its own, and its
/// error would wake PID 1 for ever.
fn drop_client(rc: &mut Rc, ep: &OwnedFd) -> Option<[OwnedFd; 4]> {
    let c = rc.client.take()?;
    let _ = rustix::event::epoll::delete(ep, &c[0]);
    Some(c)
}

impl Pid1 {
    /// The client of the current change is gone (killed, `^C`): the change
    /// stops there, as s6-rc's own would, and the next client is served.
    pub(super) fn rc_client_gone(&mut self) {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        // What ended meanwhile counts first (a oneshot reaped in this same
        // wake-up succeeded).
        self.rc_step();
        let Some(mut rc) = self.rc.take() else { return };
        // The event may be a previous client's, with the same descriptor.
        let gone = rc.client.as_ref().is_some_and(|c| {
            let mut p = [PollFd::new(&c[0], PollFlags::empty())];
            let now = Timespec { tv_sec: 0, tv_nsec: 0 };
            poll(&mut p, Some(&now)).is_ok_and(|n| n == 1) && p[0].revents().intersects(PollFlags::ERR | PollFlags::HUP)
        });
        if gone {
            self.rc_abort(&mut rc);
            drop_client(&mut rc, &self.sup.ep);
            rc.maxtime = None;
        }
        self.rc = Some(rc);
        self.rc_step();
    }

    /// Requests on `/run/s6/rc/control` (see `s6::rc::live`).
    pub(super) fn rc_request(&mut self) {
        let Some(mut rc) = self.rc.take() else { return };
        let mut buf = [0u8; 4096];
        while let Some(Ok((n, fds))) = rc.control.as_ref().map(|c| live::recv(c, &mut buf)) {
            let mut f = buf[..n].split(|&c| c == 0);
            let (Some(fds), Some(verb), Some(t)) = (fds, f.next(), f.next()) else { continue };
            // `a`: the client of the change that runs got SIGTERM or SIGINT.
            if verb.first() == Some(&b'a') {
                if rc.client.is_some() && !rc.plan.finished() {
                    self.rc_client_abort(&mut rc);
                }
                let _ = rustix::io::write(&fds[0], &[0, 0]);
                continue;
            }
            if !rc.plan.finished() || rc.boot || rc.stopping || rc.client.is_some() {
                let _ = rustix::io::write(&fds[0], &[0, live::BUSY]);
                continue;
            }
            self.sup.watch(fds[0].as_fd(), crate::supervise::Watch::RcClient);
            rc.client = Some(fds);
            let up;
            (up, rc.force, rc.verb) = live::verb(verb);
            let mut sel: heapless::Vec<u16, { crate::s6::rc::MAX }> = heapless::Vec::new();
            let mut unknown = false;
            for name in f {
                match rc.db.find(name) {
                    Some(i) => {
                        let s = rc.db.get(i);
                        if s.atomic() {
                            let _ = sel.push(i);
                        }
                        let _ = sel.extend_from_slice(s.members);
                    }
                    None => unknown = true,
                }
            }
            if unknown {
                reply(&mut rc, &self.sup.ep, 3);
                continue;
            }
            rc.plan.select(&rc.db, &sel, up, rc.up);
            let v = self.s.verbosity;
            let dir: &[u8] = if up { b"up" } else { b"down" };
            say(&rc, v, 3, &[b"s6-rc: info: bringing selected services ", dir]);
            for i in (0..rc.db.svcs.len()).rev() {
                if rc.plan.steps[i] == Step::Done {
                    say(&rc, v, 3, &[b"s6-rc: info: service ", rc.db.svcs[i].name, b": already ", dir]);
                }
            }
            rc.failed = None;
            rc.expired = false;
            rc.maxtime = crate::base::num::parse_u64(t).filter(|&ms| ms > 0).map(|ms| Instant::now().after_ms(ms));
        }
        self.rc = Some(rc);
        self.rc_step();
    }
}
