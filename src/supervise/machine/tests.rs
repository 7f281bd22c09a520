//! Every phase × event cell of the machine, every control letter from the
//! supervisor's side, the finish codes (125, killed = 256), the throttle,
//! readiness and the timeouts.
use super::*;
use crate::s6::control::{self, SIGNALS};
use crate::s6::status::{wstat_exited, wstat_signaled};
use crate::sys::signal::{SIGHUP, SIGTERM, SIGUSR1};
use Action::*;

/// Facts with a settable clock (ms) and service directory.
#[derive(Clone, Copy)]
struct F {
    ms: u64,
    stopping: bool,
    down: u32,
    reload: u32,
    tk: u64,
    tf: u64,
    killpg: bool,
    exit: Option<bool>,
    backoff: Option<(u64, u64)>,
    limit: u32,
}

const F0: F = F {
    ms: 10_000,
    stopping: false,
    down: SIGTERM,
    reload: SIGHUP,
    tk: 0,
    tf: 5000,
    killpg: false,
    exit: None,
    backoff: None,
    limit: 0,
};

impl Facts for F {
    fn now(&self) -> Instant {
        Instant(self.ms * 1_000_000)
    }
    fn tai(&self) -> Tai {
        Tai { secs: self.ms, nanos: 0 }
    }
    fn stopping(&self) -> bool {
        self.stopping
    }
    fn down_signal(&self) -> u32 {
        self.down
    }
    fn reload_signal(&self) -> u32 {
        self.reload
    }
    fn timeout_kill(&self) -> u64 {
        self.tk
    }
    fn timeout_finish(&self) -> u64 {
        self.tf
    }
    fn killpg(&self) -> bool {
        self.killpg
    }
    fn exit_container(&self) -> Option<bool> {
        self.exit
    }
    fn backoff(&self) -> Option<(u64, u64)> {
        self.backoff
    }
    fn restart_limit(&self) -> u32 {
        self.limit
    }
}

fn at(ms: u64) -> Instant {
    Instant(ms * 1_000_000)
}

fn down() -> State {
    let mut s = State::new(true, Tai::default());
    s.paused = false;
    s
}

/// Up with pid 42, started at `F0`'s time.
fn up() -> State {
    step(down(), Event::Spawned(42, false), &F0).0
}

/// Finishing (pid 43) after run died with exit 3.
fn finishing() -> State {
    let s = step(up(), Event::Died(wstat_exited(3)), &F { ms: 12_000, ..F0 }).0;
    step(s, Event::FinishSpawned(43), &F { ms: 12_000, ..F0 }).0
}

fn go(s: State, ev: Event) -> (State, Vec<Action>) {
    let (s, a) = step(s, ev, &F0);
    (s, a.to_vec())
}

fn cmd(s: State, letter: u8) -> (State, Vec<Action>) {
    go(s, Event::Command(control::decode(letter).unwrap()))
}

#[test]
fn new_service_is_not_started_yet() {
    let s = State::new(true, Tai { secs: 7, nanos: 0 });
    let st = s.status();
    assert!(st.never_started() && st.want_up && !st.ready);
    let s = State::new(false, Tai::default());
    assert!(s.status().ready && !s.want_up);
}

#[test]
fn kick_starts_only_a_wanted_down_service() {
    assert_eq!(go(down(), Event::Kick).1, [SpawnRun]);
    assert_eq!(go(State { want_up: false, ..down() }, Event::Kick).1, []);
    assert_eq!(go(up(), Event::Kick).1, []);
    assert_eq!(go(finishing(), Event::Kick).1, []);
    // At shutdown nothing starts.
    assert_eq!(step(down(), Event::Kick, &F { stopping: true, ..F0 }).1, []);
}

#[test]
fn spawned_is_up_with_event_u() {
    let (s, a) = go(State { ready: true, ..down() }, Event::Spawned(42, true));
    assert_eq!(a, [Announce(b"u")]);
    assert_eq!((s.phase, s.pid, s.ready, s.notify, s.has_notification), (Phase::Up, 42, false, true, true));
    assert_eq!((s.started, s.stamp), (Some(at(10_000)), Tai { secs: 10_000, nanos: 0 }));
    let st = s.status();
    assert!(st.is_up() && !st.finishing && st.pid == 42);
}

#[test]
fn spawn_failure_retries_after_60_seconds() {
    let (s, a) = go(down(), Event::SpawnFailed);
    assert_eq!(a, []);
    assert_eq!((s.phase, s.restart_at), (Phase::Down, Some(at(70_000))));
    assert_eq!(s.deadline(), Some(at(70_000)));
    // `u` starts it at once anyway.
    assert_eq!(cmd(s, b'u').1, [Announce(b""), SpawnRun]);
}

/// The signal letters: sent only while up; `p`/`P` pause, `c`/`C` resume.
#[test]
fn signal_letters_in_every_phase() {
    for (l, sig) in SIGNALS {
        let (s, a) = cmd(up(), l);
        assert_eq!(a, [Kill { pid: 42, sig, group: false }, Announce(b"")], "{}", l as char);
        assert_eq!(s.paused, l == b'p', "{}", l as char);
        for st in [down(), finishing()] {
            assert_eq!(cmd(st, l), (st, vec![]), "{} not up", l as char);
        }
    }
    let paused = cmd(up(), b'p').0;
    assert!(!cmd(paused, b'c').0.paused);
    assert!(cmd(paused, b'a').0.paused);
    let f = F { down: SIGUSR1, reload: 12, ..F0 };
    for (l, sig, group) in
        [(b'r', SIGUSR1, false), (b'l', 12, false), (b'P', SIGSTOP, true), (b'C', SIGCONT, true), (b'K', SIGKILL, true)]
    {
        let (s, a) = step(up(), Event::Command(control::decode(l).unwrap()), &f);
        assert_eq!(a.to_vec(), [Kill { pid: 42, sig, group }, Announce(b"")], "{}", l as char);
        assert_eq!(s.paused, l == b'P');
        assert_eq!(cmd(down(), l).1, []);
        assert_eq!(cmd(finishing(), l).1, []);
    }
    assert!(!cmd(cmd(up(), b'P').0, b'C').0.paused);
    // `r` does not arm timeout-kill (only `d` does).
    assert_eq!(step(up(), Event::Command(Cmd::DownSignal), &F { tk: 500, ..F0 }).0.kill_at, None);
}

#[test]
fn once() {
    let (s, a) = cmd(down(), b'o');
    assert_eq!(a, [Announce(b""), SpawnRun]);
    assert!(!s.want_up);
    let (s, a) = cmd(up(), b'o');
    assert_eq!(a, [Announce(b"")]);
    assert!(!s.want_up && s.phase == Phase::Up);
    let (s, a) = cmd(finishing(), b'o');
    assert_eq!(a, [Announce(b"")]);
    assert!(!s.want_up);
}

#[test]
fn down_letters() {
    // d while up: down-signal + CONT, timeout-kill armed.
    let (s, a) = step(up(), Event::Command(Cmd::Down(false)), &F { tk: 500, ..F0 });
    assert_eq!(
        a.to_vec(),
        [Announce(b""), Kill { pid: 42, sig: SIGTERM, group: false }, Kill { pid: 42, sig: SIGCONT, group: false }]
    );
    assert!(!s.want_up && s.phase == Phase::Up);
    assert_eq!(s.kill_at, Some(at(10_500)));
    assert!(!s.status().want_up && s.status().is_up());
    // D: and ./down.
    let (_, a) = cmd(up(), b'D');
    assert_eq!(a[0], DownFile(true));
    assert_eq!(a.len(), 4);
    // timeout-kill 0: never.
    assert_eq!(cmd(up(), b'd').0.kill_at, None);
    // Down, waiting out the throttle: the restart is cancelled.
    let waiting = State { restart_at: Some(at(11_000)), ..down() };
    let (s, a) = cmd(waiting, b'd');
    assert_eq!((a, s.restart_at, s.want_up), (vec![Announce(b"")], None, false));
    assert_eq!(cmd(waiting, b'D').1, [DownFile(true), Announce(b"")]);
    // Finishing: no signal.
    let (s, a) = cmd(finishing(), b'd');
    assert_eq!(a, [Announce(b"")]);
    assert!(!s.want_up && s.phase == Phase::Finishing);
}

#[test]
fn up_letters() {
    let w = State { want_up: false, ..down() };
    assert_eq!(cmd(w, b'u').1, [Announce(b""), SpawnRun]);
    assert_eq!(cmd(w, b'U').1, [DownFile(false), Announce(b""), SpawnRun]);
    // u bypasses the throttle.
    let waiting = State { restart_at: Some(at(11_000)), ..down() };
    assert_eq!(cmd(waiting, b'u').0.restart_at, None);
    let (s, a) = cmd(State { want_up: false, ..up() }, b'u');
    assert_eq!(a, [Announce(b"")]);
    assert!(s.want_up);
    let (s, a) = cmd(State { want_up: false, ..finishing() }, b'U');
    assert_eq!(a, [DownFile(false), Announce(b"")]);
    assert!(s.want_up);
}

#[test]
fn stay_letters_and_x() {
    for st in [down(), up(), finishing()] {
        let (s, a) = cmd(State { restart_at: Some(at(1)), ..st }, b'O');
        assert_eq!(a, [Announce(b"")]);
        assert!(!s.want_up && s.restart_at.is_none() && s.phase == st.phase && s.pid == st.pid);
        let (s, a) = cmd(st, b'Q');
        assert_eq!(a, [DownFile(true), Announce(b"")]);
        assert!(!s.want_up);
        // x: no status write, no signal; nothing restarts any more.
        let (s, a) = cmd(State { restart_at: Some(at(1)), ..st }, b'x');
        assert_eq!(a, []);
        assert!(!s.want_up && s.restart_at.is_none() && s.phase == st.phase);
    }
}

/// Every letter of the control table reaches the machine; none panics in
/// any phase.
#[test]
fn every_letter_in_every_phase() {
    for &l in control::SIGNAL_LETTERS.iter().chain(control::STATE_LETTERS) {
        for st in [down(), up(), finishing(), State { want_up: false, ..down() }] {
            let (s, a) = cmd(st, l);
            assert!(a.len() <= 4);
            assert_eq!(s.pid, st.pid, "{}", l as char);
        }
    }
}

#[test]
fn run_death_runs_finish_with_code_or_256() {
    let f = F { ms: 12_000, ..F0 };
    let (s, a) = step(up(), Event::Died(wstat_exited(3)), &f);
    assert_eq!(a.to_vec(), [RecordDeath(0x0300), SpawnFinish { wstat: 0x0300, pgid: 42 }]);
    assert_eq!((s.pid, s.wstat, s.ready, s.phase), (0, 0x0300, false, Phase::Up));
    assert_eq!(s.stamp, Tai { secs: 12_000, nanos: 0 });
    assert_eq!(crate::s6::finish::encode(s.wstat), (3, 0));
    let (s, a) = step(up(), Event::Died(wstat_signaled(15)), &f);
    assert_eq!(a.to_vec(), [RecordDeath(15), SpawnFinish { wstat: 15, pgid: 42 }]);
    assert_eq!(crate::s6::finish::encode(s.wstat), (256, 15));
    // finish spawned: finishing, event d, timeout-finish armed.
    let (s, a) = step(s, Event::FinishSpawned(43), &f);
    assert_eq!(a.to_vec(), [Announce(b"d")]);
    assert_eq!((s.phase, s.pid, s.kill_at), (Phase::Finishing, 43, Some(at(17_000))));
    assert!(s.status().finishing && !s.status().is_up());
    // timeout-finish 0: no limit.
    let (s, _) = step(s, Event::FinishSpawned(43), &F { tf: 0, ..f });
    assert_eq!(s.kill_at, None);
}

#[test]
fn no_finish_is_down_and_ready_dd() {
    let f = F { ms: 10_100, ..F0 };
    let s = step(up(), Event::Died(0), &f).0;
    let (s, a) = step(s, Event::NoFinish, &f);
    assert_eq!(a.to_vec(), [Announce(b"dD")]);
    assert_eq!((s.phase, s.pid, s.ready), (Phase::Down, 0, true));
    assert_eq!(s.ready_stamp, Tai { secs: 10_100, nanos: 0 });
    assert!(s.restart_at.is_some());
}

#[test]
fn finish_exit_codes() {
    // 125: wanted down, OD, no restart.
    let (s, a) = go(finishing(), Event::Died(wstat_exited(125)));
    assert_eq!(a, [Announce(b"OD")]);
    assert!(!s.want_up && s.restart_at.is_none() && s.phase == Phase::Down && s.ready);
    // Any other code (or a signal, 128 + n is not 125): D and restart.
    for w in [0, wstat_exited(1), wstat_exited(126), wstat_signaled(9), wstat_exited(255)] {
        let (s, a) = go(finishing(), Event::Died(w));
        assert_eq!(a, [Announce(b"D")], "{w:#x}");
        assert!(s.want_up && s.restart_at.is_some());
        // The run's wait status stays in the status, not finish's.
        assert_eq!(s.wstat, wstat_exited(3));
    }
    // A death while down (cannot happen: no pid) changes nothing.
    assert_eq!(go(down(), Event::Died(0)), (down(), vec![]));
}

/// Throttle, s6-supervise's: a service that was ready restarts 1 s after
/// it became ready (at once when that is past); one that was never ready
/// restarts 1 s after it went fully down (after finish), however long it
/// ran; so never less than 1 s after its previous start.
#[test]
fn throttle_is_never_below_one_second() {
    let f = |ms| F { ms, ..F0 };
    // Started at 10 000 (Spawned), died at once at 10 002, down at 10 003.
    let s = step(up(), Event::Died(wstat_exited(1)), &f(10_002)).0;
    let (s, _) = step(s, Event::NoFinish, &f(10_003));
    assert_eq!(s.restart_at, Some(at(11_003)));
    // The machine waits: a tick before changes nothing, the tick at it starts.
    assert_eq!(step(s, Event::Tick, &f(11_002)).1.to_vec(), []);
    let (s2, a) = step(s, Event::Tick, &f(11_003));
    assert_eq!((a.to_vec(), s2.restart_at), (vec![SpawnRun], None));
    // Died 0.5 s after its start: restart 1 s after it is down.
    let s = step(up(), Event::Died(0), &f(10_500)).0;
    assert_eq!(step(s, Event::NoFinish, &f(10_500)).0.restart_at, Some(at(11_500)));
    // finish ran long: 1 s after finish is done.
    let s = step(up(), Event::Died(0), &f(10_001)).0;
    let s = step(s, Event::FinishSpawned(7), &f(10_001)).0;
    assert_eq!(step(s, Event::Died(0), &f(13_000)).0.restart_at, Some(at(14_000)));
    // Ready at 10 010, died at 10 300: restart at ready + 1 s.
    let s = step(step(up(), Event::Spawned(42, true), &F0).0, Event::Ready, &f(10_010)).0;
    let s = step(s, Event::Died(0), &f(10_300)).0;
    assert_eq!(step(s, Event::NoFinish, &f(10_300)).0.restart_at, Some(at(11_010)));
    // Ready, then died 1.5 s later: at once.
    let s = step(step(up(), Event::Spawned(42, true), &F0).0, Event::Ready, &f(10_010)).0;
    let s = step(s, Event::Died(0), &f(11_510)).0;
    assert_eq!(step(s, Event::NoFinish, &f(11_510)).0.restart_at, Some(at(11_510)));
    // Never ready, ran an hour: still 1 s after it is down (a client
    // waiting for the restart sees it down first).
    let s = step(up(), Event::Died(0), &f(3_600_000)).0;
    assert_eq!(step(s, Event::NoFinish, &f(3_600_001)).0.restart_at, Some(at(3_601_001)));
    // Whatever the timing, the next start is >= 1 s after the previous one
    // and after the service went down.
    for life in [0, 1, 5, 499, 999, 1000, 1001, 1999, 5000] {
        for fin in [0, 1, 700, 2000] {
            let s = step(up(), Event::Died(0), &f(10_000 + life)).0;
            let s = step(s, Event::NoFinish, &f(10_000 + life + fin)).0;
            let next = s.restart_at.unwrap();
            assert!(next >= at(11_000), "life {life} fin {fin}");
            assert_eq!(next, at(10_000 + life + fin + 1000));
        }
    }
}

#[test]
fn throttle_is_counted_from_the_spawn_not_before_it() {
    // The spawn was slow: up at 10 040. Died at 10 045: restart at 11 045.
    let s = step(down(), Event::Spawned(9, false), &F { ms: 10_040, ..F0 }).0;
    assert_eq!(s.started, Some(at(10_040)));
    let s = step(s, Event::Died(0), &F { ms: 10_045, ..F0 }).0;
    assert_eq!(step(s, Event::NoFinish, &F { ms: 10_045, ..F0 }).0.restart_at, Some(at(11_045)));
}

#[test]
fn readiness() {
    let s = step(down(), Event::Spawned(42, true), &F0).0;
    let (r, a) = step(s, Event::Ready, &F { ms: 10_250, ..F0 });
    assert_eq!(a.to_vec(), [Announce(b"U")]);
    assert!(r.ready && !r.notify && r.ready_at == Some(at(10_250)));
    assert_eq!(r.ready_stamp, Tai { secs: 10_250, nanos: 0 });
    assert!(r.status().ready && r.status().is_up());
    // Only once; and never without a notification pipe.
    assert_eq!(go(r, Event::Ready).1, []);
    assert_eq!(go(up(), Event::Ready), (up(), vec![]));
    // EOF without a newline: never ready.
    let (e, a) = go(s, Event::NotifyEof);
    assert_eq!(a, []);
    assert!(!e.notify && !e.ready && e.has_notification);
    assert_eq!(go(e, Event::Ready).1, []);
    // Death closes the pipe; a fresh start opens it again.
    assert!(!go(s, Event::Died(0)).0.notify);
}

#[test]
fn timeout_kill() {
    let f = F { tk: 500, ..F0 };
    let s = step(up(), Event::Command(Cmd::Down(false)), &f).0;
    assert_eq!(step(s, Event::Tick, &F { ms: 10_499, ..f }).1.to_vec(), []);
    let (s2, a) = step(s, Event::Tick, &F { ms: 10_500, ..f });
    assert_eq!(
        a.to_vec(),
        [Kill { pid: 42, sig: SIGKILL, group: false }, Kill { pid: 42, sig: SIGCONT, group: false }]
    );
    assert_eq!(s2.kill_at, None);
    // flag-timeout-killpg: to the group.
    let a = step(s, Event::Tick, &F { ms: 10_500, killpg: true, ..f }).1;
    assert_eq!(a[0], Kill { pid: 42, sig: SIGKILL, group: true });
    // The run died first: nothing to kill.
    let d = step(s, Event::Died(15), &f).0;
    assert_eq!(d.kill_at, None);
}

#[test]
fn timeout_finish() {
    let s = finishing();
    assert_eq!(s.kill_at, Some(at(17_000)));
    let (s2, a) = step(s, Event::Tick, &F { ms: 17_000, killpg: true, ..F0 });
    assert_eq!(
        a.to_vec(),
        [WarnFinishTimeout, Kill { pid: 43, sig: SIGKILL, group: false }, Kill { pid: 43, sig: SIGCONT, group: false }]
    );
    assert_eq!((s2.kill_at, s2.phase), (None, Phase::Finishing));
    // Killed finish: D and restart (128 + 9 is not 125).
    assert_eq!(go(s2, Event::Died(wstat_signaled(9))).1, [Announce(b"D")]);
}

#[test]
fn tick_with_nothing_due() {
    for st in [down(), up(), finishing()] {
        assert_eq!(go(st, Event::Tick).1, []);
    }
    // A past restart for a service no longer wanted up is dropped.
    let (s, a) = go(State { want_up: false, restart_at: Some(at(1)), ..down() }, Event::Tick);
    assert_eq!((a, s.restart_at), (vec![], None));
    // At shutdown nothing restarts.
    let (s, a) = step(State { restart_at: Some(at(1)), ..down() }, Event::Tick, &F { stopping: true, ..F0 });
    assert_eq!((a.to_vec(), s.restart_at), (vec![], None));
}

#[test]
fn stop() {
    let stopping = F { stopping: true, tk: 300, ..F0 };
    let (s, a) = step(up(), Event::Stop, &stopping);
    assert_eq!(
        a.to_vec(),
        [Kill { pid: 42, sig: SIGTERM, group: false }, Kill { pid: 42, sig: SIGCONT, group: false }]
    );
    assert!(!s.want_up && s.kill_at == Some(at(10_300)));
    // Down at shutdown: it lets go of the log pipe.
    assert_eq!(step(down(), Event::Stop, &stopping).1.to_vec(), [ClosePipes]);
    // s6-rc stopping services.d (not a shutdown): nothing to close.
    assert_eq!(go(State { restart_at: Some(at(1)), ..down() }, Event::Stop).0.restart_at, None);
    assert_eq!(go(down(), Event::Stop).1, []);
    assert_eq!(step(finishing(), Event::Stop, &stopping).1.to_vec(), []);
    // A logger is left to end on EOF.
    assert_eq!(step(State { log: true, ..up() }, Event::Stop, &stopping).1.to_vec(), []);
    // After the stop, a death goes down for good and closes the pipes.
    let (d, a) = step(s, Event::Died(15), &stopping);
    let (d, b) = step(d, Event::NoFinish, &stopping);
    assert_eq!(a.to_vec(), [RecordDeath(15), SpawnFinish { wstat: 15, pgid: 42 }]);
    assert_eq!(b.to_vec(), [Announce(b"dD"), ClosePipes]);
    assert_eq!(d.restart_at, None);
    let (l, b) = step(State { log: true, ..s }, Event::Died(0), &stopping);
    assert_eq!(step(l, Event::NoFinish, &stopping).1.to_vec(), [Announce(b"dD")]);
    assert_eq!(b.len(), 2);
}

#[test]
fn deadline_is_the_earliest() {
    assert_eq!(down().deadline(), None);
    let s = State { restart_at: Some(at(5)), kill_at: Some(at(3)), ..down() };
    assert_eq!(s.deadline(), Some(at(3)));
    assert_eq!(State { kill_at: None, ..s }.deadline(), Some(at(5)));
}

/// Start at `start` ms, die at `death` ms with `wstat`, no finish: the
/// state after, and every action on the way.
fn cycle(s: State, f: F, start: u64, death: u64, wstat: u16) -> (State, Vec<Action>) {
    let s = step(State { restart_at: None, ..s }, Event::Spawned(42, false), &F { ms: start, ..f }).0;
    let (s, mut a) = step(s, Event::Died(wstat), &F { ms: death, ..f });
    let (s, b) = step(s, Event::NoFinish, &F { ms: death, ..f });
    a.extend(b);
    (s, a.to_vec())
}

#[test]
fn exit_container_ends_it_with_the_code() {
    let any = F { exit: Some(false), ..F0 };
    for (w, code) in [(wstat_exited(3), 3), (0, 0), (wstat_signaled(9), 137), (wstat_signaled(15), 143)] {
        let (s, a) = cycle(down(), any, 10_000, 20_000, w);
        assert!(a.contains(&EndContainer(code)), "{w:#x}: {a:?}");
        assert!(!s.want_up && s.restart_at.is_none(), "not restarted");
    }
    // on-failure: a zero exit restarts as usual.
    let onf = F { exit: Some(true), ..F0 };
    let (s, a) = cycle(down(), onf, 10_000, 20_000, 0);
    assert!(!a.iter().any(|x| matches!(x, EndContainer(_))));
    assert!(s.want_up && s.restart_at.is_some());
    assert!(cycle(down(), onf, 10_000, 20_000, wstat_exited(2)).1.contains(&EndContainer(2)));
    // Brought down (d, D, a stop): not by itself.
    for l in [b'd', b'D'] {
        let s = step(down(), Event::Spawned(42, false), &any).0;
        let s = step(s, Event::Command(control::decode(l).unwrap()), &any).0;
        let a = step(s, Event::Died(15), &any).1;
        assert!(!a.iter().any(|x| matches!(x, EndContainer(_))), "{}", l as char);
    }
    let s = step(up(), Event::Stop, &F { stopping: true, ..any }).0;
    assert!(!step(s, Event::Died(15), &F { stopping: true, ..any }).1.iter().any(|x| matches!(x, EndContainer(_))));
    // A signal letter (k, r) is not d: the death counts as its own.
    let s = step(up(), Event::Command(Cmd::Signal(SIGKILL)), &any).0;
    assert!(step(s, Event::Died(9), &any).1.contains(&EndContainer(137)));
    // Without the file: nothing.
    assert!(!cycle(down(), F0, 10_000, 20_000, wstat_exited(3)).1.iter().any(|x| matches!(x, EndContainer(_))));
    // The flag is per run: a restart after d clears it.
    let s = step(up(), Event::Command(Cmd::Down(false)), &any).0;
    assert!(s.downed);
    assert!(!step(s, Event::Spawned(50, false), &any).0.downed);
}

#[test]
fn restart_backoff_doubles_up_to_max_and_resets() {
    let f = F { backoff: Some((1500, 6000)), ..F0 };
    // Quick deaths (less than MIN after the start): 1.5, 3, 6, 6 s.
    let mut s = down();
    let mut t = 10_000;
    for wait in [1500, 3000, 6000, 6000] {
        let (n, _) = cycle(s, f, t, t + 10, wstat_exited(1));
        assert_eq!(n.restart_at, Some(at(t + 10 + wait)), "wait {wait}");
        assert_eq!(n.backoff, wait);
        s = n;
        t += 10 + wait;
    }
    // A run between MIN and MAX: no wait beyond the throttle, memory kept.
    let (n, _) = cycle(s, f, t, t + 2000, wstat_exited(1));
    assert_eq!((n.restart_at, n.backoff), (Some(at(t + 3000)), 6000));
    // One that lived more than MAX resets it: the next quick death waits MIN.
    let (n, _) = cycle(n, f, t, t + 6001, wstat_exited(1));
    assert_eq!((n.restart_at, n.backoff), (Some(at(t + 7001)), 0));
    let (n, _) = cycle(n, f, t + 7000, t + 7000, wstat_exited(1));
    assert_eq!(n.restart_at, Some(at(t + 8500)));
    // The throttle stays the floor: MIN 100 still waits 1 s.
    let small = F { backoff: Some((100, 400)), ..F0 };
    let (n, _) = cycle(down(), small, 10_000, 10_010, 0);
    assert_eq!(n.restart_at, Some(at(11_010)));
    // u resets the backoff.
    assert_eq!(cmd(n, b'u').0.backoff, 0);
}

#[test]
fn restart_limit_fails_the_service() {
    let f = F { limit: 3, ..F0 };
    let (s, a) = cycle(down(), f, 10_000, 10_005, wstat_exited(1));
    assert_eq!((s.quick, s.want_up), (1, true));
    assert!(a.contains(&Announce(b"dD")));
    let (s, _) = cycle(s, f, 11_005, 11_010, wstat_exited(1));
    let (s, a) = cycle(s, f, 12_010, 12_015, wstat_exited(1));
    assert_eq!(a, [RecordDeath(0x100), WarnFailed(3), SpawnFinish { wstat: 0x100, pgid: 42 }, Announce(b"dOD")]);
    assert!(s.failed && !s.want_up && s.restart_at.is_none() && s.phase == Phase::Down);
    let st = s.status();
    assert!(!st.want_up && !st.is_up() && st.ready);
    // With a finish: OD when it is done.
    let s2 = step(cycle(down(), f, 0, 1, 0).0, Event::Spawned(42, false), &f).0;
    let s2 = step(State { quick: 2, ..s2 }, Event::Died(0), &f).0;
    let s2 = step(s2, Event::FinishSpawned(7), &f).0;
    assert_eq!(go(s2, Event::Died(0)).1, [Announce(b"OD")]);
    // A death that was not quick resets the count.
    let (n, _) = cycle(State { quick: 2, ..down() }, f, 10_000, 12_000, 0);
    assert_eq!((n.quick, n.failed), (0, false));
    // u brings it back and starts counting again.
    let (u, a) = cmd(s, b'u');
    assert_eq!(a, [Announce(b""), SpawnRun]);
    assert!(!u.failed && u.quick == 0 && u.want_up);
    // With exit-container (on-failure too): the failure ends the container,
    // even with a zero code.
    let fe = F { limit: 2, exit: Some(true), ..F0 };
    let (s, a) = cycle(down(), fe, 10_000, 10_001, 0);
    assert!(!a.iter().any(|x| matches!(x, EndContainer(_))));
    let (_, a) = cycle(s, fe, 11_001, 11_002, 0);
    assert!(a.contains(&WarnFailed(2)) && a.contains(&EndContainer(0)), "{a:?}");
    // A logger or a service brought down is never failed.
    let s = step(up(), Event::Command(Cmd::Down(false)), &f).0;
    let s = step(State { quick: 5, ..s }, Event::Died(15), &f).0;
    assert!(!s.failed);
}
