//! One supervised service as a pure machine: `step(state, event, facts)`
//! returns the next state and the actions to run, and does no I/O. The
//! caller (`service`) turns descriptors, children and timers into events,
//! answers the `Facts` questions (the clock, the service directory's
//! files, read when asked, as s6-supervise re-reads them each time), and
//! runs the actions in order. A spawn's outcome comes back as the next
//! event (`Spawned`/`SpawnFailed`, `FinishSpawned`/`NoFinish`).
//!
//! | phase | event | what happens |
//! |---|---|---|
//! | any | a signal letter (`abqhkti12pcy`, `r` `l`, `P` `C` `K`) | while up: the signal to the process (or group); `p`/`P` set paused, `c`/`C` clear it; status |
//! | any | `o` `d` `D` `u` `U` `O` `Q` `x` | see `s6::control`; `u` starts at once (no throttle), `d` sends the down-signal and arms `timeout-kill` |
//! | down | `Kick` | start, if wanted up |
//! | up | `Died` | tally, then `./finish` (or down and ready at once: `dD`) |
//! | finishing | `Died` | down and ready (`D`; `OD` and wanted down on exit 125) |
//! | up / finishing | `Tick` past `kill_at` | SIGKILL + SIGCONT (`timeout-kill`, `timeout-finish`) |
//! | down | `Tick` past `restart_at` | start, if wanted up |
//! | up | `Ready` | ready (`U`) |
//! | any | `Stop` | wanted down; the down-signal when up; at shutdown a down service lets go of its log pipe |
//!
//! The throttle, s6-supervise's: a service that became ready restarts 1 s
//! after it became ready (at once if that is past); one that never became
//! ready restarts 1 s after it went fully down (after `./finish`), however
//! long it ran. So two starts are never less than 1 s apart, and a client
//! waiting for a restart (`s6-svc -wr -r`, `s6-svwait -r`) sees the
//! service down before it is up again (`u` and `o` skip the throttle, as
//! in s6).
//!
//! Beyond s6 (each opt-in by a file in the service directory):
//! - `restart-backoff` `MIN MAX` (ms): a run that died less than MIN ms
//!   after its start waits before its restart, MIN the first time, then
//!   twice the previous wait, at most MAX; one that lived more than MAX ms
//!   resets the wait. The throttle stays the floor.
//! - `restart-limit` N: after N quick deaths in a row (less than MIN ms, or
//!   1 s without `restart-backoff`) the service has failed: it is wanted
//!   down and not restarted, as after `./finish` exiting 125 (events `OD`),
//!   until `s6-svc -u`.
//! - `exit-container` (empty, or `on-failure`): a run that ended by itself
//!   (not through `d`/`D` or a shutdown) ends the container with its code
//!   (128 + the signal when killed); `on-failure` only for a non-zero code.
//!   With `restart-limit`, a failure ends it too.
use crate::base::tai::Tai;
use crate::base::time::Instant;
use crate::s6::control::Cmd;
use crate::s6::finish;
use crate::s6::status::Status;
use crate::sys::signal::{SIGCONT, SIGKILL, SIGSTOP};

/// No two starts closer than this (ms).
pub const THROTTLE_MS: u64 = 1000;
/// The wait after `./run` could not be spawned (ms).
pub const SPAWN_RETRY_MS: u64 = 60_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Phase {
    /// Not running; `restart_at` says when to start if wanted up.
    #[default]
    Down,
    Up,
    /// `./finish` runs.
    Finishing,
}

/// Everything the machine remembers about one service.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct State {
    pub phase: Phase,
    /// The run's pid while up, finish's while finishing, else 0.
    pub pid: u32,
    pub want_up: bool,
    pub paused: bool,
    pub ready: bool,
    /// A notification pipe is open (readiness not seen yet).
    pub notify: bool,
    /// This run was started with a `notification-fd`.
    pub has_notification: bool,
    /// A logger (it ends on EOF at shutdown).
    pub log: bool,
    /// Raw wait status of the last death of `./run`.
    pub wstat: u16,
    pub stamp: Tai,
    pub ready_stamp: Tai,
    /// When the current (or last) run was started and became ready.
    pub started: Option<Instant>,
    pub ready_at: Option<Instant>,
    /// The earliest restart `restart-backoff` allows (set at a death).
    pub not_before: Option<Instant>,
    pub restart_at: Option<Instant>,
    pub kill_at: Option<Instant>,
    /// The down-signal was sent to this run (`d`, `D`, a stop).
    pub downed: bool,
    /// The last `restart-backoff` wait (ms), 0 = none.
    pub backoff: u64,
    /// Quick deaths in a row (`restart-limit`).
    pub quick: u32,
    /// `restart-limit` reached: down for good, until `u`.
    pub failed: bool,
}

impl State {
    /// A service just taken over: down, paused (s6's "not started yet").
    pub fn new(want_up: bool, now: Tai) -> State {
        State { want_up, paused: true, ready: !want_up, stamp: now, ready_stamp: now, ..State::default() }
    }

    /// `supervise/status` for this state.
    pub fn status(&self) -> Status {
        Status {
            stamp: self.stamp,
            ready_stamp: self.ready_stamp,
            pid: self.pid as u64,
            wstat: self.wstat,
            paused: self.paused,
            finishing: self.phase == Phase::Finishing,
            want_up: self.want_up,
            ready: self.ready,
        }
    }

    /// The next moment a `Tick` is due.
    pub fn deadline(&self) -> Option<Instant> {
        match (self.restart_at, self.kill_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// What happened to the service.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// A byte from `supervise/control` (s6-svc, s6-rc).
    Command(Cmd),
    /// Start it if it is wanted up (set-up, rescan).
    Kick,
    /// `./run` was spawned with this pid (`true`: with a notification pipe).
    Spawned(u32, bool),
    /// `./run` could not be spawned.
    SpawnFailed,
    /// `./finish` was spawned with this pid.
    FinishSpawned(u32),
    /// There is no `./finish`, or it could not be spawned.
    NoFinish,
    /// The process in `pid` ended with this raw wait status.
    Died(u16),
    /// Time passed (`Facts::now`).
    Tick,
    /// The notification pipe got a newline.
    Ready,
    /// The notification pipe closed without one.
    NotifyEof,
    /// Stop for good (container shutdown, or s6-rc stopping it).
    Stop,
}

/// What the machine asks of the service directory and the clock.
pub trait Facts {
    fn now(&self) -> Instant;
    fn tai(&self) -> Tai;
    /// The container is stopping: nothing starts.
    fn stopping(&self) -> bool;
    fn down_signal(&self) -> u32;
    fn reload_signal(&self) -> u32;
    /// `timeout-kill` in ms, 0 = none.
    fn timeout_kill(&self) -> u64;
    /// `timeout-finish` in ms, 0 = none (`finish::TIMEOUT_MS` by default).
    fn timeout_finish(&self) -> u64;
    /// `flag-timeout-killpg` exists.
    fn killpg(&self) -> bool;
    /// `exit-container`: `None` without it, `Some(true)` for `on-failure`.
    fn exit_container(&self) -> Option<bool>;
    /// `restart-backoff`: `(MIN, MAX)` in ms.
    fn backoff(&self) -> Option<(u64, u64)>;
    /// `restart-limit`, 0 = none.
    fn restart_limit(&self) -> u32;
}

/// What to do, in order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Send `sig` to `pid` (to its group with `group`).
    Kill { pid: u32, sig: u32, group: bool },
    /// Spawn `./run`; answer `Spawned` or `SpawnFailed`.
    SpawnRun,
    /// Spawn `./finish` with the arguments for `wstat`; answer
    /// `FinishSpawned` or `NoFinish`.
    SpawnFinish { wstat: u16, pgid: u32 },
    /// Append a death to `supervise/death_tally`.
    RecordDeath(u16),
    /// Create (`true`) or remove `./down`.
    DownFile(bool),
    /// Write `supervise/status`, then send these events (maybe none).
    Announce(&'static [u8]),
    /// "finish script lifetime reached maximum value - sending it a SIGKILL".
    WarnFinishTimeout,
    /// Let go of the log pipe (a down service at shutdown).
    ClosePipes,
    /// "N quick deaths in a row: not restarting it (restart-limit)".
    WarnFailed(u32),
    /// End the container with this exit code (`exit-container`).
    EndContainer(u8),
}

pub type Actions = heapless::Vec<Action, 5>;

fn kill(a: &mut Actions, pid: u32, sig: u32, group: bool) {
    let _ = a.push(Action::Kill { pid, sig, group });
}

fn start(s: &mut State, a: &mut Actions, f: &impl Facts) {
    s.restart_at = None;
    if !f.stopping() {
        let _ = a.push(Action::SpawnRun);
    }
}

/// The down-signal then SIGCONT, and arm `timeout-kill`.
fn send_down(s: &mut State, a: &mut Actions, f: &impl Facts) {
    if s.phase != Phase::Up || s.pid == 0 {
        return;
    }
    kill(a, s.pid, f.down_signal(), false);
    kill(a, s.pid, SIGCONT, false);
    s.downed = true;
    s.kill_at = match f.timeout_kill() {
        0 => None,
        ms => Some(f.now().after_ms(ms)),
    };
}

fn down_and_ready(s: &mut State, a: &mut Actions, f: &impl Facts, events: &'static [u8]) {
    let events: &'static [u8] = match (s.failed, events) {
        (true, b"dD") => b"dOD",
        (true, _) => b"OD",
        (false, e) => e,
    };
    s.phase = Phase::Down;
    s.pid = 0;
    s.ready = true;
    s.ready_stamp = f.tai();
    let _ = a.push(Action::Announce(events));
    let now = f.now();
    if s.want_up && !f.stopping() {
        let base = match s.ready_at {
            Some(r) => r.after_ms(THROTTLE_MS).max(now),
            None => now.after_ms(THROTTLE_MS),
        };
        s.restart_at = Some(s.not_before.map_or(base, |t| t.max(base)));
    }
    if f.stopping() && !s.log {
        let _ = a.push(Action::ClosePipes);
    }
}

/// After a death by itself at `now`: the backoff, the quick-death count,
/// the limit and `exit-container`.
fn judge(s: &mut State, a: &mut Actions, f: &impl Facts, wstat: u16, now: Instant) {
    let lived = s.started.map_or(u64::MAX, |t| now.0.saturating_sub(t.0) / 1_000_000);
    let backoff = f.backoff();
    let (min, max) = backoff.unwrap_or((THROTTLE_MS, u64::MAX));
    s.quick = if lived < min { s.quick.saturating_add(1) } else { 0 };
    if backoff.is_some() {
        if lived > max {
            s.backoff = 0;
        } else if lived < min {
            s.backoff = if s.backoff == 0 { min } else { s.backoff.saturating_mul(2).min(max) };
            let at = now.after_ms(s.backoff);
            s.not_before = Some(s.not_before.map_or(at, |t| t.max(at)));
        }
    }
    let limit = f.restart_limit();
    if limit > 0 && s.quick >= limit && s.want_up {
        s.failed = true;
        s.want_up = false;
        let _ = a.push(Action::WarnFailed(s.quick));
    }
    let code = crate::s6::tally::Death::from_wstat(Tai::default(), wstat).code;
    if let Some(on_failure) = f.exit_container()
        && (s.failed || !on_failure || code != 0)
    {
        s.want_up = false;
        let _ = a.push(Action::EndContainer(code));
    }
}

/// One transition.
pub fn step(mut s: State, ev: Event, f: &impl Facts) -> (State, Actions) {
    let mut a = Actions::new();
    let up = s.phase == Phase::Up;
    match ev {
        Event::Command(c) => match c {
            Cmd::Signal(_) | Cmd::DownSignal | Cmd::ReloadSignal | Cmd::Group(_) => {
                if up && s.pid != 0 {
                    let (sig, group) = match c {
                        Cmd::Signal(sig) => (sig, false),
                        Cmd::DownSignal => (f.down_signal(), false),
                        Cmd::ReloadSignal => (f.reload_signal(), false),
                        Cmd::Group(sig) => (sig, true),
                        _ => return (s, a),
                    };
                    kill(&mut a, s.pid, sig, group);
                    match (c, sig) {
                        (Cmd::Signal(_) | Cmd::Group(_), SIGSTOP) => s.paused = true,
                        (Cmd::Signal(_) | Cmd::Group(_), SIGCONT) => s.paused = false,
                        _ => {}
                    }
                    let _ = a.push(Action::Announce(b""));
                }
            }
            Cmd::Once => {
                s.want_up = false;
                let _ = a.push(Action::Announce(b""));
                if s.phase == Phase::Down {
                    start(&mut s, &mut a, f);
                }
            }
            Cmd::Down(file) | Cmd::Stay(file) => {
                if file {
                    let _ = a.push(Action::DownFile(true));
                }
                s.want_up = false;
                s.restart_at = None;
                let _ = a.push(Action::Announce(b""));
                if matches!(c, Cmd::Down(_)) {
                    send_down(&mut s, &mut a, f);
                }
            }
            Cmd::Up(file) => {
                if file {
                    let _ = a.push(Action::DownFile(false));
                }
                s.want_up = true;
                s.failed = false;
                s.quick = 0;
                s.backoff = 0;
                let _ = a.push(Action::Announce(b""));
                if s.phase == Phase::Down {
                    start(&mut s, &mut a, f);
                }
            }
            // s6-supervise would exit after the next death; PID 1
            // supervises until the container stops, so it only means that
            // the service is not restarted any more.
            Cmd::Exit => {
                s.want_up = false;
                s.restart_at = None;
            }
        },
        Event::Kick => {
            if s.want_up && s.phase == Phase::Down {
                start(&mut s, &mut a, f);
            }
        }
        Event::Spawned(pid, notify) => {
            s.phase = Phase::Up;
            s.pid = pid;
            s.ready = false;
            s.notify = notify;
            s.has_notification = notify;
            s.stamp = f.tai();
            s.started = Some(f.now());
            s.ready_at = None;
            s.kill_at = None;
            s.downed = false;
            s.failed = false;
            let _ = a.push(Action::Announce(b"u"));
        }
        Event::SpawnFailed => {
            s.notify = false;
            s.has_notification = false;
            s.restart_at = Some(f.now().after_ms(SPAWN_RETRY_MS));
        }
        Event::Died(wstat) => match s.phase {
            Phase::Up => {
                let pgid = s.pid;
                s.pid = 0;
                // A dead process is not paused (the next one is not).
                s.paused = false;
                s.notify = false;
                s.kill_at = None;
                s.wstat = wstat;
                s.ready = false;
                s.stamp = f.tai();
                let now = f.now();
                // The backoff's wait, if any (`judge`); the throttle
                // counts when the service is fully down.
                s.not_before = None;
                let _ = a.push(Action::RecordDeath(wstat));
                if !s.downed && !f.stopping() {
                    judge(&mut s, &mut a, f, wstat, now);
                }
                let _ = a.push(Action::SpawnFinish { wstat, pgid });
            }
            Phase::Finishing => {
                s.pid = 0;
                s.kill_at = None;
                if finish::stays_down(wstat) {
                    s.want_up = false;
                    down_and_ready(&mut s, &mut a, f, b"OD");
                } else {
                    down_and_ready(&mut s, &mut a, f, b"D");
                }
            }
            Phase::Down => {}
        },
        Event::FinishSpawned(pid) => {
            s.pid = pid;
            s.phase = Phase::Finishing;
            s.kill_at = match f.timeout_finish() {
                0 => None,
                ms => Some(f.now().after_ms(ms)),
            };
            let _ = a.push(Action::Announce(b"d"));
        }
        Event::NoFinish => down_and_ready(&mut s, &mut a, f, b"dD"),
        Event::Tick => {
            let now = f.now();
            if let Some(t) = s.kill_at
                && now >= t
                && s.pid != 0
            {
                s.kill_at = None;
                let finishing = s.phase == Phase::Finishing;
                if finishing {
                    let _ = a.push(Action::WarnFinishTimeout);
                }
                let group = !finishing && f.killpg();
                kill(&mut a, s.pid, SIGKILL, group);
                kill(&mut a, s.pid, SIGCONT, group);
            }
            if let Some(t) = s.restart_at
                && now >= t
            {
                s.restart_at = None;
                if s.phase == Phase::Down && s.want_up {
                    start(&mut s, &mut a, f);
                }
            }
        }
        Event::Ready => {
            if s.notify {
                s.notify = false;
                s.ready = true;
                s.ready_stamp = f.tai();
                s.ready_at = Some(f.now());
                let _ = a.push(Action::Announce(b"U"));
            }
        }
        Event::NotifyEof => s.notify = false,
        Event::Stop => {
            s.want_up = false;
            s.restart_at = None;
            if !s.log {
                match s.phase {
                    Phase::Up => send_down(&mut s, &mut a, f),
                    Phase::Down if f.stopping() => {
                        let _ = a.push(Action::ClosePipes);
                    }
                    Phase::Down | Phase::Finishing => {}
                }
            }
        }
    }
    (s, a)
}

#[cfg(test)]
mod tests;
