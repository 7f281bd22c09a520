//! The order of PID 1's phases, as a pure machine: `Stages::step(event,
//! facts)` changes the phase and returns what to do; the loop in `init`
//! does it. No I/O here: time and the state of the children are facts the
//! loop answers (`Facts`), so every transition is unit-tested below.
//!
//! ```text
//! Stage2 ─(no step left, s6-rc booted)─► StartServices ─► Started(wait?)
//!   │                                                     │        │
//!   │                       Wait (until up, or MAXTIME) ◄─┘        │
//!   │                         │                                    ▼
//!   │                         └──────────────────────────────────► Up (the CMD runs)
//!   ▼ (a shutdown signal, halt, the CMD's exit, policy 2, exit-container)
//! Stop (CMD and step: TERM, KILL after S6_KILL_GRACETIME; services: down,
//!       at most S6_SERVICES_GRACETIME) ─► Finish (cont-finish.d, each at
//!       most S6_KILL_FINISH_MAXTIME) ─► Final (TERM to all, KILL after
//!       S6_KILL_GRACETIME unless nothing is left) ─► Done (exit)
//! ```
//!
//! Stage 2's steps (`S6_STAGE2_HOOK`, the s6-rc tree, `fix-attrs.d`,
//! `cont-init.d`) and stage 3's (`cont-finish.d`) are a list the loop
//! walks: `Next` starts the next one. A failing stage-2 step follows
//! `S6_BEHAVIOUR_IF_STAGE2_FAILS`. `S6_STOP_DELAY` holds a shutdown signal
//! back (nothing new starts meanwhile); anything else that ends the
//! container ends it at once.
use crate::base::{exit, time::Instant};
use crate::sys::signal;

/// Signals that start the shutdown (s6-linux-init's container-mode handlers:
/// TERM halt, INT reboot, USR1 poweroff, USR2 halt, PWR poweroff).
pub const SHUTDOWN: [u32; 5] = [signal::SIGTERM, signal::SIGINT, signal::SIGUSR1, signal::SIGUSR2, signal::SIGPWR];

/// What `S6_CMD_RECEIVE_SIGNALS` forwards to a running CMD, as v3 (SIGHUP
/// stays PID 1's: a rescan).
pub const FORWARDED: [u32; 7] = [
    signal::SIGTERM,
    signal::SIGQUIT,
    signal::SIGINT,
    signal::SIGUSR1,
    signal::SIGUSR2,
    signal::SIGPWR,
    signal::SIGWINCH,
];

/// One step of stage 2 or 3, in order. Section markers print progress lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Item {
    Hook,
    FixBegin,
    Fix(&'static [u8]),
    FixEnd,
    InitBegin,
    Init(&'static [u8]),
    InitEnd,
    FinishBegin,
    Finish(&'static [u8]),
    FinishEnd,
    /// `S6_CMD_WAIT_FOR_SERVICES` timed out.
    Wait,
    /// Read the s6-rc tree and start it (after the hook).
    Rc,
}

#[derive(Clone, Copy, Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub enum Phase {
    /// Stage 2's steps, one at a time (and the s6-rc boot).
    Stage2,
    /// `services.d` is supervised; the CMD waits (`S6_CMD_WAIT_FOR_SERVICES`)
    /// until the services are up (or ready), or until `until`; they are not
    /// looked at before `ready_at` (`S6_SERVICES_READYTIME`).
    Wait { until: Option<Instant>, ready_at: Instant },
    /// Stage 2 done; the CMD runs (or there is none).
    Up,
    /// Stopping: the CMD and any stage-2 step got TERM (KILL at `kill_at`);
    /// the services stop (waited for until `services_until`).
    Stop { kill_at: Option<Instant>, services_until: Instant },
    /// cont-finish scripts, one at a time; the running one is KILLed at `kill_at`.
    Finish { kill_at: Option<Instant> },
    /// TERM sent to everything; KILL at `kill_at` unless all are gone before.
    Final { kill_at: Instant },
    /// Exit.
    Done,
}

#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// Look again: time passed, a child was reaped, a service moved.
    Tick,
    /// A stage-2 step (or s6-rc's boot, `Item::Rc`) ended with a code.
    Failed(u8, Item),
    /// `services.d` is started; `Some(ms)`: wait for it, looking after `ms`.
    Started(Option<u64>),
    /// The CMD exited with this code (128+N for signal N).
    CmdExited(u8),
    /// The CMD could not be started.
    CmdFailed,
    Signal(u32),
    /// `halt`, `poweroff`, `reboot`, `s6-svscanctl -t`.
    Halt,
    /// A supervised service ends the container with this code, exactly as
    /// if the CMD had exited with it.
    ExitContainer(u8),
}

/// What to do. One step returns a set of them (`Actions`), done in this
/// order. What they need comes from the event (`Forward`: its signal;
/// `Warn`: its item, `Item::Wait` after `WaitTimedOut`) or from `code`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Start the next step of the list (stage 2's, then cont-finish's).
    Next,
    /// Supervise `services.d`; answered by `Event::Started`.
    StartServices,
    /// `[services.d] done.`
    ServicesDone,
    /// `timed out waiting for services`.
    WaitTimedOut,
    /// A failed step under policy 1: go on, with a warning.
    Warn,
    /// A failed step under policy 2: stop the container, with a warning.
    WarnStop,
    /// Write `code` to `/run/s6-linux-init-container-results/exitcode`.
    WriteExitcode,
    StartCmd,
    /// `S6_CMD_RECEIVE_SIGNALS`: the signal goes to the CMD.
    Forward,
    /// Bring the services down.
    StopServices,
    /// TERM and CONT to the CMD's and the running step's process groups.
    TermForeground,
    /// KILL to them (or to the running cont-finish script).
    KillForeground,
    /// The list becomes `cont-finish.d`'s.
    LoadFinish,
    /// (sync,) `[s6-finish] sending all processes the TERM signal.`, TERM+CONT to all.
    TermAll,
    /// `[s6-finish] sending all processes the KILL signal and exiting.`, KILL to all, reap.
    KillAll,
    /// Exit with `code` (the exitcode file, when written, wins).
    Exit,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Next,
        Action::StartServices,
        Action::ServicesDone,
        Action::WaitTimedOut,
        Action::Warn,
        Action::WarnStop,
        Action::WriteExitcode,
        Action::StartCmd,
        Action::Forward,
        Action::StopServices,
        Action::TermForeground,
        Action::KillForeground,
        Action::LoadFinish,
        Action::TermAll,
        Action::KillAll,
        Action::Exit,
    ];
}

/// A set of actions, done in `Action`'s order.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Actions(pub u32);

impl Actions {
    fn push(&mut self, a: Action) {
        self.0 |= 1 << a as u32;
    }
    pub fn has(self, a: Action) -> bool {
        self.0 & (1 << a as u32) != 0
    }
    /// The first action left, removed.
    pub fn pop(&mut self) -> Option<Action> {
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0.wrapping_sub(1);
        Action::ALL.get(i).copied()
    }
}

/// What the loop knows; the machine asks only what it needs.
pub trait Facts {
    fn now(&self) -> Instant;
    /// The CMD runs.
    fn cmd(&self) -> bool;
    /// A stage-2 step or a cont-finish script runs.
    fn step(&self) -> bool;
    /// Steps are left in the list.
    fn left(&self) -> bool;
    /// s6-rc's boot transition still runs.
    fn booting(&self) -> bool;
    /// The services waited for are up (or ready).
    fn services_up(&self) -> bool;
    /// Every service is down.
    fn services_down(&self) -> bool;
    /// s6-rc's shutdown transition still runs: each of its steps has a
    /// bound of its own, and the services' bound waits for it.
    fn tree_stopping(&self) -> bool;
    /// PID 1 has children left.
    fn children(&self) -> bool;
}

/// The settings the machine decides with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Config {
    /// `S6_BEHAVIOUR_IF_STAGE2_FAILS`.
    pub policy: u64,
    pub kill_grace_ms: u64,
    pub services_grace_ms: u64,
    pub finish_max_ms: u64,
    /// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME` (0: no limit).
    pub wait_ms: u64,
    /// `S6_STOP_DELAY`.
    pub stop_delay_ms: u64,
    pub receive_signals: bool,
    /// SIGQUIT starts the shutdown too (the v2 layout: v2's PID 1,
    /// s6-svscan, stops on it; v3's ignores it).
    pub quit_stops: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Stages {
    pub phase: Phase,
    /// The exit code so far: the CMD's, a failing step's, a service's.
    pub code: Option<u8>,
    /// `S6_STOP_DELAY`: a shutdown signal came; stop then.
    delay: Option<Instant>,
    c: Config,
}

impl Stages {
    pub fn new(c: Config) -> Stages {
        Stages { phase: Phase::Stage2, code: None, delay: None, c }
    }

    /// Stage 2 or the CMD still runs: the container is not stopping.
    fn running(&self) -> bool {
        matches!(self.phase, Phase::Stage2 | Phase::Wait { .. } | Phase::Up)
    }

    /// The services get until `until` at least to stop (what s6-rc's
    /// shutdown transition left, from its end).
    pub fn hold_services(&mut self, until: Instant) {
        if let Phase::Stop { services_until, .. } = &mut self.phase {
            *services_until = (*services_until).max(until);
        }
    }

    /// The earliest time after `now` at which `Tick` may change something.
    pub fn deadline(&self, now: Instant) -> Option<Instant> {
        let (a, b) = match self.phase {
            _ if self.delay.is_some() => (self.delay, None),
            Phase::Wait { until, ready_at } => (until, Some(ready_at)),
            Phase::Stop { kill_at, services_until } => (kill_at, Some(services_until)),
            Phase::Finish { kill_at } => (kill_at, None),
            Phase::Final { kill_at } => (Some(kill_at), None),
            _ => (None, None),
        };
        [a, b].into_iter().flatten().filter(|&t| t > now).min()
    }

    #[inline(never)]
    pub fn step(&mut self, ev: Event, f: &impl Facts) -> Actions {
        let mut a = Actions::default();
        let now = f.now();
        match ev {
            Event::Tick => self.tick(f, now, &mut a),
            Event::Failed(code, _) => {
                if matches!(self.phase, Phase::Stage2) && code != 0 {
                    self.policy(code, now, &mut a);
                }
            }
            // Answers `StartServices`, unless the stop came first.
            Event::Started(_) if !matches!(self.phase, Phase::Stage2) => {}
            Event::Started(None) => self.up(&mut a),
            Event::Started(Some(ms)) => {
                let until = (self.c.wait_ms > 0).then(|| now.after_ms(self.c.wait_ms));
                self.phase = Phase::Wait { until, ready_at: now.after_ms(ms) };
            }
            Event::CmdExited(code) => {
                self.code = Some(code);
                // A CMD that ends by itself sets the exit-code file (as v3's
                // rc.init does); one that dies of our shutdown does not, so
                // that a code written before `halt` stands.
                if matches!(self.phase, Phase::Up) {
                    a.push(Action::WriteExitcode);
                }
                self.stop(now, &mut a);
            }
            Event::CmdFailed => {
                self.code = Some(exit::SYSCALL);
                self.stop(now, &mut a);
            }
            Event::Signal(sig) => {
                if self.c.receive_signals && matches!(self.phase, Phase::Up) && f.cmd() && FORWARDED.contains(&sig) {
                    a.push(Action::Forward);
                } else if SHUTDOWN.contains(&sig) || (sig == signal::SIGQUIT && self.c.quit_stops) {
                    if self.delay.is_none() && self.c.stop_delay_ms > 0 && self.running() {
                        self.delay = Some(now.after_ms(self.c.stop_delay_ms));
                    } else {
                        self.stop(now, &mut a);
                    }
                }
            }
            Event::Halt => self.stop(now, &mut a),
            Event::ExitContainer(code) => {
                if self.running() {
                    self.code = Some(code);
                    a.push(Action::WriteExitcode);
                    self.stop(now, &mut a);
                }
            }
        }
        a
    }

    fn tick(&mut self, f: &impl Facts, now: Instant, a: &mut Actions) {
        if let Some(t) = self.delay {
            // Nothing new starts during S6_STOP_DELAY.
            if now >= t {
                self.stop(now, a);
            }
            return;
        }
        let past = |t: Option<Instant>| t.is_some_and(|t| now >= t);
        match self.phase {
            Phase::Stage2 if f.step() => {}
            Phase::Stage2 if f.left() => {
                a.push(Action::Next);
            }
            Phase::Stage2 if !f.booting() => {
                a.push(Action::StartServices);
            }
            Phase::Wait { until, ready_at } if now >= ready_at => {
                if f.services_up() {
                    a.push(Action::ServicesDone);
                    self.up(a);
                } else if past(until) {
                    a.push(Action::WaitTimedOut);
                    self.policy(exit::TIMEOUT, now, a);
                    if self.running() {
                        self.up(a);
                    }
                }
            }
            Phase::Stop { kill_at, services_until } => {
                if past(kill_at) {
                    a.push(Action::KillForeground);
                    self.phase = Phase::Stop { kill_at: None, services_until };
                }
                if !f.cmd() && !f.step() && !f.tree_stopping() && (now >= services_until || f.services_down()) {
                    a.push(Action::LoadFinish);
                    self.phase = Phase::Finish { kill_at: None };
                }
            }
            Phase::Finish { kill_at } if f.step() && past(kill_at) => {
                a.push(Action::KillForeground);
                self.phase = Phase::Finish { kill_at: None };
            }
            Phase::Finish { .. } if f.step() => {}
            Phase::Finish { .. } if f.left() => {
                a.push(Action::Next);
                let ms = self.c.finish_max_ms;
                self.phase = Phase::Finish { kill_at: (ms > 0).then(|| now.after_ms(ms)) };
            }
            Phase::Finish { .. } => {
                a.push(Action::TermAll);
                self.phase = Phase::Final { kill_at: now.after_ms(self.c.kill_grace_ms) };
            }
            Phase::Final { kill_at } => {
                if f.children() && now < kill_at {
                    return;
                }
                if f.children() {
                    a.push(Action::KillAll);
                }
                a.push(Action::Exit);
                self.phase = Phase::Done;
            }
            _ => {}
        }
    }

    fn up(&mut self, a: &mut Actions) {
        self.phase = Phase::Up;
        a.push(Action::StartCmd);
    }

    /// `S6_BEHAVIOUR_IF_STAGE2_FAILS` for a step that failed with `code`.
    fn policy(&mut self, code: u8, now: Instant, a: &mut Actions) {
        match self.c.policy {
            0 => {}
            1 => {
                a.push(Action::Warn);
            }
            _ => {
                a.push(Action::WarnStop);
                self.code = Some(code);
                a.push(Action::WriteExitcode);
                self.stop(now, a);
            }
        }
    }

    /// Stage 3 begins: the services go down, the CMD and the running step
    /// get TERM (and CONT).
    fn stop(&mut self, now: Instant, a: &mut Actions) {
        if !self.running() {
            return;
        }
        self.delay = None;
        self.phase = Phase::Stop {
            kill_at: Some(now.after_ms(self.c.kill_grace_ms)),
            services_until: now.after_ms(self.c.services_grace_ms),
        };
        a.push(Action::StopServices);
        a.push(Action::TermForeground);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    /// The loop's answers, set by each test; `ms` is the clock.
    #[derive(Clone, Copy, Default)]
    struct F {
        ms: u64,
        cmd: bool,
        step: bool,
        left: bool,
        booting: bool,
        up: bool,
        down: bool,
        children: bool,
        tree: bool,
    }

    impl Facts for F {
        fn now(&self) -> Instant {
            Instant(self.ms * 1_000_000)
        }
        fn cmd(&self) -> bool {
            self.cmd
        }
        fn step(&self) -> bool {
            self.step
        }
        fn left(&self) -> bool {
            self.left
        }
        fn booting(&self) -> bool {
            self.booting
        }
        fn services_up(&self) -> bool {
            self.up
        }
        fn services_down(&self) -> bool {
            self.down
        }
        fn tree_stopping(&self) -> bool {
            self.tree
        }
        fn children(&self) -> bool {
            self.children
        }
    }

    fn at(ms: u64) -> Instant {
        Instant(ms * 1_000_000)
    }

    fn set(a: &[Action]) -> Actions {
        let mut s = Actions::default();
        a.iter().for_each(|&x| s.push(x));
        s
    }

    fn cfg(policy: u64) -> Config {
        Config {
            policy,
            kill_grace_ms: 3000,
            services_grace_ms: 2000,
            finish_max_ms: 5000,
            wait_ms: 1000,
            stop_delay_ms: 0,
            receive_signals: false,
            quit_stops: false,
        }
    }

    /// A machine in phase `Up` at time 0 (stage 2 done, the CMD started).
    fn up(c: Config) -> Stages {
        let mut m = Stages::new(c);
        assert_eq!(m.step(Event::Started(None), &F::default()), set(&[StartCmd]));
        assert_eq!(m.phase, Phase::Up);
        m
    }

    const STOP: [Action; 2] = [StopServices, TermForeground];

    fn stopped_at(ms: u64) -> Phase {
        Phase::Stop { kill_at: Some(at(ms + 3000)), services_until: at(ms + 2000) }
    }

    #[test]
    fn actions_come_out_in_order() {
        let mut s = set(&[Exit, Next, WriteExitcode, WarnStop]);
        let mut got = vec![];
        while let Some(a) = s.pop() {
            got.push(a);
        }
        assert_eq!(got, [Next, WarnStop, WriteExitcode, Exit]);
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i);
        }
    }

    #[test]
    fn the_whole_life_in_order() {
        let mut m = Stages::new(cfg(0));
        let mut f = F { left: true, children: true, ..F::default() };
        // Stage 2: one step at a time.
        assert_eq!(m.step(Event::Tick, &f), set(&[Next]));
        f.step = true;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        f.step = false;
        f.left = false;
        // The s6-rc boot still runs: wait for it.
        f.booting = true;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), None);
        f.booting = false;
        assert_eq!(m.step(Event::Tick, &f), set(&[StartServices]));
        assert_eq!(m.phase, Phase::Stage2);
        assert_eq!(m.step(Event::Started(None), &f), set(&[StartCmd]));
        assert_eq!(m.phase, Phase::Up);
        f.cmd = true;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        // The CMD exits by itself: exit-code file, stage 3.
        f.ms = 10;
        f.cmd = false;
        assert_eq!(m.step(Event::CmdExited(3), &f), set(&[WriteExitcode, StopServices, TermForeground]));
        assert_eq!(m.phase, stopped_at(10));
        assert_eq!(m.code, Some(3));
        // The services take their time, within the grace.
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), Some(at(2010)));
        f.down = true;
        assert_eq!(m.step(Event::Tick, &f), set(&[LoadFinish]));
        assert_eq!(m.phase, Phase::Finish { kill_at: None });
        // cont-finish.d, each script bounded.
        f.left = true;
        f.ms = 20;
        assert_eq!(m.step(Event::Tick, &f), set(&[Next]));
        assert_eq!(m.phase, Phase::Finish { kill_at: Some(at(5020)) });
        f.step = true;
        f.left = false;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), Some(at(5020)));
        f.ms = 5020;
        assert_eq!(m.step(Event::Tick, &f), set(&[KillForeground]));
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        f.step = false;
        f.ms = 6000;
        assert_eq!(m.step(Event::Tick, &f), set(&[TermAll]));
        assert_eq!(m.phase, Phase::Final { kill_at: at(9000) });
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        // Everything left before the grace ended: exit at once.
        f.children = false;
        assert_eq!(m.step(Event::Tick, &f), set(&[Exit]));
        assert_eq!(m.phase, Phase::Done);
        assert_eq!(m.code, Some(3));
        // Nothing happens after the end.
        for ev in [Event::Tick, Event::Halt, Event::Signal(signal::SIGTERM), Event::CmdExited(1)] {
            assert_eq!(m.step(ev, &f), set(&[]));
        }
        assert_eq!(m.code, Some(1));
    }

    #[test]
    fn final_kill_after_the_grace() {
        let mut m = up(cfg(0));
        let f = F { children: true, down: true, ..F::default() };
        m.step(Event::Halt, &f);
        m.step(Event::Tick, &f);
        m.step(Event::Tick, &f);
        assert_eq!(m.phase, Phase::Final { kill_at: at(3000) });
        assert_eq!(m.deadline(f.now()), Some(at(3000)));
        let f = F { ms: 3000, ..f };
        assert_eq!(m.step(Event::Tick, &f), set(&[KillAll, Exit]));
        assert_eq!(m.code, None);
    }

    #[test]
    fn policy_0_ignores_a_failing_step() {
        let mut m = Stages::new(cfg(0));
        assert_eq!(m.step(Event::Failed(5, Item::Init(b"x")), &F::default()), set(&[]));
        assert_eq!((m.phase, m.code), (Phase::Stage2, None));
    }

    #[test]
    fn policy_1_warns_and_goes_on() {
        let mut m = Stages::new(cfg(1));
        assert_eq!(m.step(Event::Failed(5, Item::Init(b"x")), &F::default()), set(&[Warn]));
        assert_eq!((m.phase, m.code), (Phase::Stage2, None));
        assert_eq!(m.step(Event::Tick, &F { left: true, ..F::default() }), set(&[Next]));
    }

    #[test]
    fn policy_2_stops_with_the_step_code() {
        for p in [2, 3] {
            let mut m = Stages::new(cfg(p));
            let f = F { step: false, ms: 7, ..F::default() };
            let a = m.step(Event::Failed(5, Item::Hook), &f);
            assert_eq!(a, set(&[WarnStop, WriteExitcode, StopServices, TermForeground]));
            assert_eq!((m.phase, m.code), (stopped_at(7), Some(5)));
            // What is still queued from stage 2 changes nothing.
            assert_eq!(m.step(Event::Failed(6, Item::Rc), &f), set(&[]));
            assert_eq!(m.step(Event::Started(None), &f), set(&[]));
            assert_eq!(m.code, Some(5));
        }
    }

    #[test]
    fn success_and_later_failures_are_not_failures() {
        let mut m = Stages::new(cfg(2));
        assert_eq!(m.step(Event::Failed(0, Item::Init(b"x")), &F::default()), set(&[]));
        let mut m = up(cfg(2));
        assert_eq!(m.step(Event::Failed(1, Item::Rc), &F::default()), set(&[]));
        m.step(Event::Halt, &F::default());
        let f = F { down: true, ..F::default() };
        m.step(Event::Tick, &f);
        assert!(matches!(m.phase, Phase::Finish { .. }));
        assert_eq!(m.step(Event::Failed(4, Item::Finish(b"y")), &f), set(&[]));
        assert_eq!(m.code, None);
    }

    /// `S6_CMD_WAIT_FOR_SERVICES`: not looked at before READYTIME, the CMD
    /// once they are up.
    #[test]
    fn wait_for_services() {
        let mut m = Stages::new(cfg(0));
        let mut f = F::default();
        assert_eq!(m.step(Event::Started(Some(100)), &f), set(&[]));
        assert_eq!(m.phase, Phase::Wait { until: Some(at(1000)), ready_at: at(100) });
        assert_eq!(m.deadline(f.now()), Some(at(100)));
        f.up = true;
        f.ms = 50;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        f.ms = 100;
        assert_eq!(m.deadline(f.now()), Some(at(1000)));
        assert_eq!(m.step(Event::Tick, &f), set(&[ServicesDone, StartCmd]));
        assert_eq!(m.phase, Phase::Up);
    }

    #[test]
    fn wait_timeout_under_each_policy() {
        for (p, want) in [
            (0, set(&[WaitTimedOut, StartCmd])),
            (1, set(&[WaitTimedOut, Warn, StartCmd])),
            (2, set(&[WaitTimedOut, WarnStop, WriteExitcode, StopServices, TermForeground])),
        ] {
            let mut m = Stages::new(cfg(p));
            let mut f = F::default();
            m.step(Event::Started(Some(0)), &f);
            assert_eq!(m.step(Event::Tick, &f), set(&[]));
            f.ms = 999;
            assert_eq!(m.step(Event::Tick, &f), set(&[]));
            f.ms = 1000;
            assert_eq!(m.step(Event::Tick, &f), want, "policy {p}");
            if p == 2 {
                assert_eq!((m.phase, m.code), (stopped_at(1000), Some(exit::TIMEOUT)));
            } else {
                assert_eq!((m.phase, m.code), (Phase::Up, None));
            }
        }
    }

    #[test]
    fn no_maxtime_waits_for_ever() {
        let mut m = Stages::new(Config { wait_ms: 0, ..cfg(2) });
        let f = F { ms: 1 << 40, ..F::default() };
        m.step(Event::Started(Some(0)), &F::default());
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), None);
    }

    #[test]
    fn shutdown_signals_stop_in_each_running_phase() {
        for sig in SHUTDOWN {
            // During stage 2 (a cont-init script runs) …
            let mut m = Stages::new(cfg(0));
            let f = F { step: true, ms: 4, ..F::default() };
            assert_eq!(m.step(Event::Signal(sig), &f), set(&STOP));
            assert_eq!((m.phase, m.code), (stopped_at(4), None));
            // … the step gets TERM, then KILL after the grace.
            assert_eq!(m.step(Event::Tick, &f), set(&[]));
            assert_eq!(m.deadline(f.now()), Some(at(2004)));
            let f = F { ms: 3004, ..f };
            assert_eq!(m.step(Event::Tick, &f), set(&[KillForeground]));
            assert_eq!(m.phase, Phase::Stop { kill_at: None, services_until: at(2004) });
            assert_eq!(m.step(Event::Tick, &f), set(&[]));
            assert_eq!(m.deadline(f.now()), None);
            assert_eq!(m.step(Event::Tick, &F { step: false, ..f }), set(&[LoadFinish]));
            // While waiting for services, and while up.
            let mut m = Stages::new(cfg(0));
            m.step(Event::Started(Some(0)), &f);
            assert_eq!(m.step(Event::Signal(sig), &F::default()), set(&STOP));
            let mut m = up(cfg(0));
            assert_eq!(m.step(Event::Signal(sig), &F { cmd: true, ..F::default() }), set(&STOP));
            // A second one, and any later one, does nothing more.
            assert_eq!(m.step(Event::Signal(sig), &F::default()), set(&[]));
        }
    }

    #[test]
    fn other_signals_do_nothing() {
        for sig in [signal::SIGHUP, signal::SIGQUIT, signal::SIGWINCH] {
            let mut m = up(cfg(0));
            assert_eq!(m.step(Event::Signal(sig), &F { cmd: true, ..F::default() }), set(&[]));
            assert_eq!(m.phase, Phase::Up);
        }
        // In the v2 layout, SIGQUIT stops (and only it).
        for (sig, stops) in [(signal::SIGQUIT, true), (signal::SIGHUP, false), (signal::SIGWINCH, false)] {
            let mut m = up(Config { quit_stops: true, ..cfg(0) });
            let want: &[Action] = if stops { &STOP } else { &[] };
            assert_eq!(m.step(Event::Signal(sig), &F { cmd: true, ..F::default() }), set(want), "{sig}");
        }
    }

    /// `S6_CMD_RECEIVE_SIGNALS`: v3's signals go to a running CMD, which
    /// decides (SIGHUP stays PID 1's); without a CMD, or before it, they
    /// act as usual.
    #[test]
    fn signals_forwarded_to_the_cmd() {
        let c = Config { receive_signals: true, ..cfg(0) };
        let mut m = up(c);
        let f = F { cmd: true, ..F::default() };
        for sig in [signal::SIGTERM, signal::SIGUSR1, signal::SIGWINCH, signal::SIGQUIT] {
            assert_eq!(m.step(Event::Signal(sig), &f), set(&[Forward]));
        }
        assert_eq!(m.step(Event::Signal(signal::SIGHUP), &f), set(&[]));
        assert_eq!(m.phase, Phase::Up);
        assert_eq!(m.step(Event::CmdExited(143), &F::default()), set(&[WriteExitcode, StopServices, TermForeground]));
        assert_eq!(m.code, Some(143));
        let mut m = up(c);
        assert_eq!(m.step(Event::Signal(signal::SIGTERM), &F::default()), set(&STOP));
        let mut m = Stages::new(c);
        assert_eq!(m.step(Event::Signal(signal::SIGTERM), &f), set(&STOP));
    }

    #[test]
    fn halt_in_each_phase() {
        let f = F { ms: 1, children: true, ..F::default() };
        let mut m = Stages::new(cfg(0));
        assert_eq!(m.step(Event::Halt, &f), set(&STOP));
        let mut m = Stages::new(cfg(0));
        m.step(Event::Started(Some(0)), &f);
        assert_eq!(m.step(Event::Halt, &f), set(&STOP));
        let mut m = up(cfg(0));
        assert_eq!(m.step(Event::Halt, &f), set(&STOP));
        assert_eq!((m.phase, m.code), (stopped_at(1), None));
        // Stopping already: nothing more.
        assert_eq!(m.step(Event::Halt, &f), set(&[]));
        m.step(Event::Tick, &F { down: true, ..f });
        assert!(matches!(m.phase, Phase::Finish { .. }));
        assert_eq!(m.step(Event::Halt, &f), set(&[]));
        m.step(Event::Tick, &f);
        assert!(matches!(m.phase, Phase::Final { .. }));
        assert_eq!(m.step(Event::Halt, &f), set(&[]));
        assert_eq!(m.phase, Phase::Final { kill_at: at(3001) });
    }

    /// The exit-code file: written when the CMD ends by itself (or a step
    /// fails under policy 2, or a service ends the container), not when the
    /// CMD dies of the shutdown, so that a code written before `halt` stands.
    #[test]
    fn exitcode_file() {
        let mut m = up(cfg(0));
        m.step(Event::Signal(signal::SIGTERM), &F::default());
        assert_eq!(m.step(Event::CmdExited(143), &F::default()), set(&[]));
        assert_eq!(m.code, Some(143));
        let mut m = up(cfg(0));
        assert_eq!(m.step(Event::CmdExited(0), &F::default()), set(&[WriteExitcode, StopServices, TermForeground]));
        // The CMD cannot start: 111, the file untouched.
        let mut m = up(cfg(0));
        assert_eq!(m.step(Event::CmdFailed, &F::default()), set(&STOP));
        assert_eq!(m.code, Some(exit::SYSCALL));
    }

    /// A supervised service that ends the container does what the CMD's
    /// exit does, in every phase before the stop; after, nothing.
    #[test]
    fn exit_container() {
        let f = F { ms: 2, ..F::default() };
        let mut m = Stages::new(cfg(0));
        assert_eq!(m.step(Event::ExitContainer(7), &f), set(&[WriteExitcode, StopServices, TermForeground]));
        assert_eq!((m.phase, m.code), (stopped_at(2), Some(7)));
        let mut m = Stages::new(cfg(0));
        m.step(Event::Started(Some(0)), &f);
        assert_eq!(m.step(Event::ExitContainer(7), &f), set(&[WriteExitcode, StopServices, TermForeground]));
        let mut m = up(cfg(0));
        let mut cmd = up(cfg(0));
        assert_eq!(m.step(Event::ExitContainer(9), &f), cmd.step(Event::CmdExited(9), &f));
        assert_eq!((m.phase, m.code), (cmd.phase, cmd.code));
        assert_eq!(m.step(Event::ExitContainer(4), &f), set(&[]));
        assert_eq!(m.code, Some(9));
    }

    /// The services' grace: the CMD is gone but a service is not down; the
    /// finish scripts start when the grace ends.
    #[test]
    fn services_grace() {
        let mut m = up(cfg(0));
        let mut f = F::default();
        m.step(Event::Halt, &f);
        f.ms = 1999;
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        f.ms = 2000;
        assert_eq!(m.step(Event::Tick, &f), set(&[LoadFinish]));
        // The CMD holds the stop longer than the services' grace.
        let mut m = up(cfg(0));
        m.step(Event::Halt, &F::default());
        let f = F { ms: 2500, cmd: true, down: true, ..F::default() };
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), Some(at(3000)));
        // s6-rc's shutdown transition outlasts the grace (a step took all
        // of its own): stage 3 waits for it, then for what it left, until
        // the bound it sets.
        let mut m = up(cfg(0));
        m.step(Event::Halt, &F::default());
        let f = F { ms: 3000, tree: true, ..F::default() };
        assert_eq!(m.step(Event::Tick, &f), set(&[KillForeground]));
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), None);
        m.hold_services(at(5500));
        let f = F { ms: 3100, ..F::default() };
        assert_eq!(m.step(Event::Tick, &f), set(&[]));
        assert_eq!(m.deadline(f.now()), Some(at(5500)));
        assert_eq!(m.step(Event::Tick, &F { down: true, ..f }), set(&[LoadFinish]));
    }

    /// `S6_STOP_DELAY`: a shutdown signal stops the container only after
    /// the delay, and nothing new starts meanwhile; a second signal, a halt,
    /// the CMD's exit or a policy-2 failure stop it at once.
    #[test]
    fn stop_delay() {
        let c = Config { stop_delay_ms: 500, ..cfg(2) };
        let mut m = up(c);
        let f = F { cmd: true, ms: 10, ..F::default() };
        assert_eq!(m.step(Event::Signal(signal::SIGTERM), &f), set(&[]));
        assert_eq!(m.phase, Phase::Up);
        assert_eq!(m.deadline(f.now()), Some(at(510)));
        assert_eq!(m.step(Event::Tick, &F { ms: 509, ..f }), set(&[]));
        assert_eq!(m.step(Event::Tick, &F { ms: 510, ..f }), set(&STOP));
        assert_eq!(m.phase, stopped_at(510));
        // A second shutdown signal skips the rest.
        let mut m = up(c);
        m.step(Event::Signal(signal::SIGTERM), &f);
        assert_eq!(m.step(Event::Signal(signal::SIGINT), &F { ms: 20, ..f }), set(&STOP));
        assert_eq!(m.phase, stopped_at(20));
        // A halt, the CMD's exit, a service ending the container: at once.
        for (ev, code) in [(Event::Halt, None), (Event::CmdExited(4), Some(4)), (Event::ExitContainer(6), Some(6))] {
            let mut m = up(c);
            m.step(Event::Signal(signal::SIGTERM), &f);
            let a = m.step(ev, &F { ms: 30, ..f });
            assert!(a.has(StopServices) && a.has(TermForeground));
            assert_eq!(a.has(WriteExitcode), code.is_some());
            assert_eq!((m.phase, m.code), (stopped_at(30), code));
            assert_eq!(m.step(Event::Tick, &F { ms: 600, ..f }), set(&[]));
        }
        // Other signals do not end it.
        let mut m = up(c);
        m.step(Event::Signal(signal::SIGTERM), &f);
        assert_eq!(m.step(Event::Signal(signal::SIGHUP), &f), set(&[]));
        // During stage 2: the running step goes on, the next does not start.
        let mut m = Stages::new(c);
        let g = F { left: true, ..F::default() };
        m.step(Event::Signal(signal::SIGTERM), &g);
        assert_eq!(m.step(Event::Tick, &g), set(&[]));
        assert_eq!(
            m.step(Event::Failed(3, Item::Init(b"x")), &g),
            set(&[WarnStop, WriteExitcode, StopServices, TermForeground])
        );
        // While waiting for services: the CMD does not start.
        let mut m = Stages::new(c);
        m.step(Event::Started(Some(0)), &g);
        m.step(Event::Signal(signal::SIGTERM), &g);
        assert_eq!(m.step(Event::Tick, &F { up: true, ..g }), set(&[]));
        assert_eq!(m.step(Event::Tick, &F { ms: 500, up: true, ..g }), set(&STOP));
        // With S6_CMD_RECEIVE_SIGNALS the CMD gets the signal at once.
        let mut m = up(Config { receive_signals: true, ..c });
        assert_eq!(m.step(Event::Signal(signal::SIGTERM), &f), set(&[Forward]));
    }

    #[test]
    fn no_finish_limit_when_zero() {
        let mut m = up(Config { finish_max_ms: 0, ..cfg(0) });
        let f = F { down: true, left: true, ..F::default() };
        m.step(Event::Halt, &f);
        m.step(Event::Tick, &f);
        assert_eq!(m.step(Event::Tick, &f), set(&[Next]));
        assert_eq!(m.phase, Phase::Finish { kill_at: None });
    }
}
