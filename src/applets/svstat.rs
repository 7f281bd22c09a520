//! `s6-svstat [ -uwNrpgest | -o fields ] [ -n ] servicedir` (s6 2.15).
//!
//! Without field options, one human-readable line:
//! `up (pid P pgid P) N seconds[, normally down][, paused][, want down][, ready M seconds]`,
//! `down (exitcode C) N seconds[, normally up][, want up][, ready M seconds]`,
//! `down (signal SIGTERM) …` (`-n`: `signal 15`), or, before the first
//! start, `down (not started yet) [, normally up][, want up]`. A down
//! service is "ready" once its finish script is done. Times are whole
//! seconds before now; a status time in the future counts as now.
//!
//! `-o a,b,…` (or the short letters `-u -w -N -r -p -g -e -s -t`) prints
//! the chosen fields, space-separated, at most 16: `up`, `wantedup`,
//! `normallyup`, `ready`, `paused` (`true`/`false`), `pid`, `pgid` (-1 when
//! not up), `exitcode`, `signum` (-1 when not applicable), `signal`
//! (`SIGxxx` or `NA`), `updownsince`, `readysince` (TAI64N labels),
//! `updownfor`, `readyfor` (seconds). The status file has no pgid: s6
//! starts every service as a process group leader, so it is the pid.
//!
//! Not supervised: exit 1. Usage 100, error 111.
use crate::base::diag::{self, Line};
use crate::base::getopt::{BAD, Getopt};
use crate::base::tai::Tai;
use crate::base::{exit, signame};
use crate::rt::Args;
use crate::s6::status::{Status, wstat_exitcode, wstat_termsig};
use crate::s6::svdir;
use crate::s6::svdir::supervised;
use crate::sys::fd;
use rustix::fd::AsFd;

const USAGE: &[u8] = b"s6-svstat [ -uwNrpgest | -o up,wantedup,normallyup,ready,paused,pid,pgid,exitcode,signal,signum,updownsince,readysince,updownfor,readyfor ] [ -n ] servicedir";
const MAX_FIELDS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Up,
    WantedUp,
    NormallyUp,
    Ready,
    Paused,
    Pid,
    Pgid,
    ExitCode,
    Signal,
    Signum,
    UpDownSince,
    ReadySince,
    UpDownFor,
    ReadyFor,
}

/// `-o` names, and the short options' letters.
const FIELDS: [(&[u8], u8, Field); 14] = [
    (b"up", b'u', Field::Up),
    (b"wantedup", b'w', Field::WantedUp),
    (b"normallyup", b'N', Field::NormallyUp),
    (b"ready", b'r', Field::Ready),
    (b"paused", 0, Field::Paused),
    (b"pid", b'p', Field::Pid),
    (b"pgid", b'g', Field::Pgid),
    (b"exitcode", b'e', Field::ExitCode),
    (b"signal", b's', Field::Signal),
    (b"signum", 0, Field::Signum),
    (b"updownsince", 0, Field::UpDownSince),
    (b"readysince", 0, Field::ReadySince),
    (b"updownfor", b't', Field::UpDownFor),
    (b"readyfor", 0, Field::ReadyFor),
];

type Fields = heapless::Vec<Field, MAX_FIELDS>;

fn add(fields: &mut Fields, f: Field) {
    if fields.push(f).is_err() {
        diag::fatal(exit::USAGE, &[b"too many option fields"]);
    }
}

/// What is printed, besides the status itself.
struct View {
    st: Status,
    now: Tai,
    normally_up: bool,
    numbers: bool,
}

fn push_bool(l: &mut Line, b: bool) {
    l.push(if b { b"true" } else { b"false" });
}

fn push_signal(l: &mut Line, sig: u8, numbers: bool) {
    if numbers {
        l.push_u64(sig as u64);
    } else {
        l.push(b"SIG").push(signame::name(sig as u32));
    }
}

impl View {
    /// The signal that killed the last run, if down.
    fn termsig(&self) -> Option<u8> {
        if self.st.is_up() || self.st.never_started() { None } else { wstat_termsig(self.st.wstat) }
    }

    fn field(&self, l: &mut Line, f: Field) {
        let st = &self.st;
        let up = st.is_up();
        match f {
            Field::Up => push_bool(l, up),
            Field::WantedUp => push_bool(l, st.want_up),
            Field::NormallyUp => push_bool(l, self.normally_up),
            Field::Ready => push_bool(l, st.pid != 0 && st.ready),
            Field::Paused => push_bool(l, st.pid != 0 && st.paused),
            Field::Pid | Field::Pgid if up => {
                l.push_u64(st.pid);
            }
            Field::Pid | Field::Pgid => {
                l.push(b"-1");
            }
            Field::ExitCode => {
                let code = if up || st.never_started() { None } else { wstat_exitcode(st.wstat) };
                l.push_i64(code.map_or(-1, |c| c as i64));
            }
            Field::Signum => {
                l.push_i64(self.termsig().map_or(-1, |s| s as i64));
            }
            Field::Signal => match self.termsig() {
                Some(s) => push_signal(l, s, false),
                None => {
                    l.push(b"NA");
                }
            },
            Field::UpDownSince => {
                l.push(&st.stamp.to_text());
            }
            Field::ReadySince => {
                l.push(&st.ready_stamp.to_text());
            }
            Field::UpDownFor => {
                l.push_u64(self.now.secs_since(st.stamp));
            }
            Field::ReadyFor => {
                l.push_u64(self.now.secs_since(st.ready_stamp));
            }
        }
    }

    /// The human-readable line.
    fn legacy(&self, l: &mut Line) {
        let st = &self.st;
        let up = st.is_up();
        let fresh = st.never_started();
        if up {
            l.push(b"up (pid ").push_u64(st.pid).push(b" pgid ").push_u64(st.pid).push(b") ");
        } else if fresh {
            l.push(b"down (not started yet) ");
        } else {
            l.push(b"down (");
            match wstat_termsig(st.wstat) {
                Some(s) => {
                    l.push(b"signal ");
                    push_signal(l, s, self.numbers);
                }
                None => {
                    l.push(b"exitcode ").push_u64((st.wstat >> 8) as u64 & 0xff);
                }
            }
            l.push(b") ");
        }
        if !fresh {
            l.push_u64(self.now.secs_since(st.stamp)).push(b" seconds");
        }
        if up && !self.normally_up {
            l.push(b", normally down");
        }
        if !up && self.normally_up {
            l.push(b", normally up");
        }
        if up && st.paused {
            l.push(b", paused");
        }
        if !up && st.want_up {
            l.push(b", want up");
        }
        if up && !st.want_up {
            l.push(b", want down");
        }
        if st.ready && !fresh {
            l.push(b", ready ").push_u64(self.now.secs_since(st.ready_stamp)).push(b" seconds");
        }
    }
}

/// The fields named in a `-o` list.
fn parse_list(fields: &mut Fields, mut list: &[u8]) {
    while !list.is_empty() {
        let end = list.iter().position(|&c| c == b',').unwrap_or(list.len());
        let name = &list[..end];
        match FIELDS.iter().find(|f| f.0 == name) {
            Some(f) => add(fields, f.2),
            None => diag::fatal(exit::USAGE, &[b"invalid option field: ", name]),
        }
        list = list.get(end + 1..).unwrap_or(b"");
    }
}

pub fn main(args: Args) -> u8 {
    let mut g = Getopt::new(args, b"no:uwNrpgest");
    let mut fields = Fields::new();
    let mut numbers = false;
    while let Some((c, arg)) = g.next() {
        match c {
            b'n' => numbers = true,
            b'o' => parse_list(&mut fields, arg),
            BAD => diag::usage(USAGE),
            c => match FIELDS.iter().find(|f| f.1 == c) {
                Some(f) => add(&mut fields, f.2),
                None => diag::usage(USAGE),
            },
        }
    }
    let Some(dir) = args.get_arg(g.ind) else { diag::usage(USAGE) };
    let d = dir.to_bytes();
    match supervised(dir) {
        Ok(true) => {}
        Ok(false) => diag::fatal(exit::FALSE, &[b"unable to read status for ", d, b": s6-supervise not running"]),
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to check ", d]),
    }
    let sv =
        svdir::open(dir).unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read status for ", d]));
    let mut st = svdir::read_status(sv.as_fd())
        .unwrap_or_else(|e| diag::fatal_sys(exit::SYSCALL, e, &[b"unable to read status for ", d]));
    let now = Tai::now();
    if st.stamp > now {
        st.stamp = now;
    }
    let normally_up = match svdir::has_down_file(sv.as_fd()) {
        Ok(down) => !down,
        Err(e) => diag::fatal_sys(exit::SYSCALL, e, &[b"unable to access ", d, b"/down"]),
    };
    let v = View { st, now, normally_up, numbers };
    let mut l = Line::new();
    if fields.is_empty() {
        v.legacy(&mut l);
    }
    for (i, &f) in fields.iter().enumerate() {
        if i > 0 {
            l.push(b" ");
        }
        v.field(&mut l, f);
    }
    l.push(b"\n");
    if let Err(e) = fd::write_all(fd::stdout(), l.as_bytes()) {
        diag::fatal_sys(exit::SYSCALL, e, &[b"unable to write to stdout"]);
    }
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s6::status::{wstat_exited, wstat_signaled};

    fn line(st: Status, normally_up: bool, numbers: bool, fields: &[Field]) -> String {
        let now = Tai { secs: 1000, nanos: 500 };
        let v = View { st, now, normally_up, numbers };
        let mut l = Line::new();
        if fields.is_empty() {
            v.legacy(&mut l);
        }
        for (i, &f) in fields.iter().enumerate() {
            if i > 0 {
                l.push(b" ");
            }
            v.field(&mut l, f);
        }
        String::from_utf8(l.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn legacy_lines() {
        let t = |secs| Tai { secs, nanos: 0 };
        let up = Status { stamp: t(990), pid: 77, want_up: true, ..Status::default() };
        assert_eq!(line(up, true, false, &[]), "up (pid 77 pgid 77) 10 seconds");
        let st = Status { paused: true, want_up: false, ready: true, ready_stamp: t(998), ..up };
        assert_eq!(
            line(st, false, false, &[]),
            "up (pid 77 pgid 77) 10 seconds, normally down, paused, want down, ready 2 seconds"
        );
        let down =
            Status { stamp: t(995), ready_stamp: t(996), wstat: wstat_signaled(15), ready: true, ..Status::default() };
        assert_eq!(line(down, true, false, &[]), "down (signal SIGTERM) 5 seconds, normally up, ready 4 seconds");
        assert_eq!(line(down, true, true, &[]), "down (signal 15) 5 seconds, normally up, ready 4 seconds");
        let fin = Status {
            stamp: t(1000),
            pid: 350,
            wstat: wstat_exited(3),
            finishing: true,
            want_up: true,
            ..Status::default()
        };
        assert_eq!(line(fin, true, false, &[]), "down (exitcode 3) 0 seconds, normally up, want up");
        let fresh = Status { paused: true, ready: true, ..Status::default() };
        assert_eq!(line(fresh, false, false, &[]), "down (not started yet) ");
        assert_eq!(
            line(Status { want_up: true, ..fresh }, true, false, &[]),
            "down (not started yet) , normally up, want up"
        );
    }

    #[test]
    fn fields() {
        use Field::*;
        let t = |secs| Tai { secs, nanos: 0 };
        let down =
            Status { stamp: t(995), ready_stamp: t(996), wstat: wstat_signaled(15), ready: true, ..Status::default() };
        let all = [Up, WantedUp, NormallyUp, Ready, Pid, Pgid, ExitCode, Signal, UpDownFor];
        assert_eq!(line(down, true, false, &all), "false false true false -1 -1 -1 SIGTERM 5");
        let up = Status { stamp: t(999), pid: 1505, want_up: true, paused: true, ..Status::default() };
        assert_eq!(line(up, true, false, &[Pid, Pgid, Paused, Signum, Signal, ExitCode]), "1505 1505 true -1 NA -1");
        let ex = Status { wstat: wstat_exited(3), ..Status::default() };
        assert_eq!(line(ex, true, false, &[ExitCode, Signum, ReadyFor]), "3 -1 1000");
        let s = Status { stamp: Tai { secs: 0x400000006b0adf5a, nanos: 0x2adb86a1 }, ..ex };
        assert_eq!(line(s, true, false, &[UpDownSince]), "@400000006b0adf5a2adb86a1");
    }
}
