//! s6-rc as s6-overlay v3 uses it: the source tree (`source`), its
//! resolution into a dependency graph of atomic services, and the state
//! change plans (`Plan`). Everything lives in the bump arena, allocated once
//! when the tree is read; the plans reuse fixed slices.
//!
//! Checks are s6-rc-compile's (unknown names, cycles, bad types, pipeline
//! mismatches); each error names the service and the file.
pub mod live;
pub mod source;

use crate::base::exit;
use crate::sys::arena;

/// Most services (atomics and bundles) in one tree.
pub const MAX: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Oneshot,
    Longrun,
    Bundle,
}

impl Kind {
    pub fn name(self) -> &'static [u8] {
        match self {
            Kind::Oneshot => b"oneshot",
            Kind::Longrun => b"longrun",
            Kind::Bundle => b"bundle",
        }
    }
}

/// s6-overlay's own oneshots, run by PID 1 itself.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Internal {
    No,
    FixAttrs,
    ContInit,
    LegacyServices,
}

#[derive(Clone, Copy, Debug)]
pub struct Svc {
    pub name: &'static [u8],
    /// The source directory (`…/s6-rc.d`); empty for s6-overlay's services.
    pub src: &'static [u8],
    pub kind: Kind,
    pub internal: Internal,
    pub essential: bool,
    pub timeout_up: u32,
    pub timeout_down: u32,
    /// Oneshot: the `up` and `down` command lines.
    pub up: &'static core::ffi::CStr,
    pub down: &'static core::ffi::CStr,
    /// Names as read (list-file format) and the file they came from.
    pub raw: &'static [u8],
    pub raw_file: &'static [u8],
    pub producer_for: &'static [u8],
    pub consumer_for: &'static [u8],
    /// A last consumer's `pipeline-name`: a bundle of its whole pipeline.
    pub pipeline: &'static [u8],
    /// Resolved: direct atomic dependencies, reverse ones, bundle members.
    pub deps: &'static [u16],
    pub rdeps: &'static [u16],
    pub members: &'static [u16],
    /// A producer's consumer.
    pub consumer: Option<u16>,
}

impl Svc {
    pub const fn new(name: &'static [u8], kind: Kind) -> Svc {
        Svc {
            name,
            src: b"",
            kind,
            internal: Internal::No,
            essential: false,
            timeout_up: 0,
            timeout_down: 0,
            up: c"",
            down: c"",
            raw: b"",
            raw_file: b"",
            producer_for: b"",
            consumer_for: b"",
            pipeline: b"",
            deps: &[],
            rdeps: &[],
            members: &[],
            consumer: None,
        }
    }
    pub fn atomic(&self) -> bool {
        self.kind != Kind::Bundle
    }
}

/// What is wrong with a source tree (one message template each).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum E {
    Undefined,
    UndefinedMember,
    Cycle,
    BundleCycle,
    Reserved,
    Duplicate,
    BadType,
    BadValue,
    NoRun,
    Producer,
    ProducerBack,
    ConsumerBack,
    NotLongrun,
    Read,
    TooMany,
    /// An `up`/`down` that execlineb's lexer rejects (`name`: its message).
    Syntax,
    SameFd,
    /// A service directory whose name has a newline (`svc`: the source).
    Newline,
}

const TEXT: [(&[u8], &[u8], &[u8]); 18] = [
    (b"during dependency resolution for service ", b": undefined service name ", b""),
    (b"during resolution of bundle ", b": undefined service name ", b""),
    (b"cyclic service dependency: ", b" depends on ", b", which depends on it"),
    (b"cyclic bundle definition: resolution of ", b" encountered a cycle involving ", b""),
    (b"in ", b": identifier ", b" starts with reserved prefix"),
    (b"duplicate service definition: ", b"", b" is defined twice"),
    (b"invalid type for service ", b"", b": must be oneshot, longrun, or bundle"),
    (b"invalid value for service ", b"", b""),
    (b"unable to find a run script (a regular file) for longrun ", b"", b""),
    (b"longrun ", b"", b": producer-for should only contain one service name"),
    (b"longrun service ", b" declares being a producer for a service named ", b" that does not declare it back"),
    (b"longrun service ", b" declares being the consumer for a service named ", b" that does not declare it back"),
    (b"longrun service ", b" declares being the consumer for a service named ", b" that is not a longrun"),
    (b"unable to read service ", b"", b""),
    (b"too many services (the limit is 1024)", b"", b""),
    (b"", b"", b""),
    (b"longrun ", b"", b" has the same value for notification-fd and lock-fd"),
    (b"subdirectory of ", b"", b" contains a newline character"),
];

/// A source error: s6-rc-compile's exit code is 111 when a file cannot be
/// read, 1 for a bad definition. The text names the service and the file.
#[derive(Debug)]
pub struct Error {
    pub kind: E,
    pub svc: &'static [u8],
    pub name: &'static [u8],
    pub src: &'static [u8],
    pub file: &'static [u8],
    pub errno: Option<rustix::io::Errno>,
}

impl Error {
    pub fn code(&self) -> u8 {
        if self.errno.is_some() { exit::SYSCALL } else { exit::FALSE }
    }
    pub fn text(&self, l: &mut crate::base::diag::Line) {
        if self.kind == E::Syntax {
            // s6-rc-compile's: `syntax error in SRC/NAME/up[: unmatched {]`.
            l.push(b"syntax error in ").push(self.src).push(b"/").push(self.svc).push(b"/").push(self.file);
            if self.name != b"syntax error" {
                l.push(b": ").push(self.name);
            }
            return;
        }
        let (pre, mid, post) = TEXT[self.kind as usize];
        l.push(pre).push(self.svc).push(mid).push(self.name).push(post);
        if !self.file.is_empty() {
            l.push(b" (in ").push(self.src).push(b"/").push(self.svc).push(b"/").push(self.file).push(b")");
        }
        if let Some(e) = self.errno {
            l.push(b": ");
            crate::base::diag::push_errno(l, e);
        }
    }
}

pub fn err(kind: E, s: &Svc, name: &'static [u8], file: &'static [u8]) -> Error {
    Error { kind, svc: s.name, name, src: s.src, file, errno: None }
}

/// The names of a list file: one a line, leading blanks stripped, empty
/// lines and `#` comments skipped (trailing blanks are kept, as s6-rc does).
pub fn names(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    raw.split(|&c| c == b'\n')
        .map(|l| {
            let k = l.iter().position(|&c| c != b' ' && c != b'\t').unwrap_or(l.len());
            &l[k..]
        })
        .filter(|l| !l.is_empty() && l[0] != b'#')
}

pub struct Db {
    pub svcs: &'static [Svc],
}

impl Db {
    /// s6-rc's index order, that of its listings: s6-rc-compile numbers
    /// the longruns before the oneshots, each in the order read (bundles,
    /// which have no index, come last).
    pub fn order(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        let of = move |k: Kind| (0..self.svcs.len()).filter(move |&i| self.svcs[i].kind == k);
        of(Kind::Longrun).chain(of(Kind::Oneshot)).chain(of(Kind::Bundle))
    }

    pub fn find(&self, name: &[u8]) -> Option<u16> {
        self.svcs.iter().position(|s| s.name == name).map(|i| i as u16)
    }
    pub fn get(&self, i: u16) -> &Svc {
        &self.svcs[i as usize]
    }
}

pub fn oom() -> Error {
    Error { kind: E::TooMany, svc: b"", name: b"", src: b"", file: b"", errno: Some(rustix::io::Errno::NOMEM) }
}

fn store(v: &[u16]) -> Result<&'static [u16], Error> {
    let s = arena::alloc_slice(v.len(), 0u16).map_err(|_| oom())?;
    s.copy_from_slice(v);
    Ok(s)
}

type List = heapless::Vec<u16, MAX>;

/// Resolve names into the graph: bundle members (flattened), dependencies
/// (bundles expanded), producers' consumers; then check for cycles and
/// compute reverse dependencies.
#[inline(never)]
pub fn resolve(svcs: &'static mut [Svc]) -> Result<Db, Error> {
    let n = svcs.len();
    let find = |svcs: &[Svc], name: &[u8]| svcs.iter().position(|s| s.name == name).map(|i| i as u16);
    for s in svcs.iter() {
        let names = names(s.raw).chain(names(s.producer_for)).chain(names(s.consumer_for));
        for x in core::iter::once(s.name).chain(names) {
            if x.starts_with(b"s6rc-") || x.starts_with(b"s6-rc-") {
                return Err(err(E::Reserved, s, x, b""));
            }
        }
    }
    // Bundles: members, flattened, with a depth-first walk.
    for b in 0..n {
        if svcs[b].kind == Kind::Bundle {
            let mut out = List::new();
            let mut path = List::new();
            flatten(svcs, b as u16, &mut out, &mut path)?;
            svcs[b].members = store(&out)?;
            // `flag-essential` on a bundle marks every member.
            if svcs[b].essential {
                out.iter().for_each(|&m| svcs[m as usize].essential = true);
            }
        }
    }
    for i in 0..n {
        let s = svcs[i];
        if !s.atomic() {
            continue;
        }
        let mut deps = List::new();
        for d in names(s.raw) {
            let j = find(svcs, d).ok_or_else(|| err(E::Undefined, &s, d, s.raw_file))?;
            if svcs[j as usize].atomic() {
                push_new(&mut deps, j);
            }
            for &k in svcs[j as usize].members {
                push_new(&mut deps, k);
            }
        }
        if !s.producer_for.is_empty() {
            let mut it = names(s.producer_for);
            let (Some(c), None) = (it.next(), it.next()) else {
                return Err(err(E::Producer, &s, b"", b"producer-for"));
            };
            let j = find(svcs, c).filter(|&j| names(svcs[j as usize].consumer_for).any(|p| p == s.name));
            let j = j.ok_or_else(|| err(E::ProducerBack, &s, c, b"producer-for"))?;
            push_new(&mut deps, j);
            svcs[i].consumer = Some(j);
        }
        for p in names(s.consumer_for) {
            let j = find(svcs, p).ok_or_else(|| err(E::Undefined, &s, p, b"consumer-for"))?;
            let t = &svcs[j as usize];
            if t.kind != Kind::Longrun {
                return Err(err(E::NotLongrun, &s, p, b"consumer-for"));
            }
            if !names(t.producer_for).any(|c| c == s.name) {
                return Err(err(E::ConsumerBack, &s, p, b"consumer-for"));
            }
        }
        svcs[i].deps = store(&deps)?;
    }
    // Cycles: depth-first, 0 = new, 1 = on the path, 2 = done.
    let mut color = [0u8; MAX];
    for i in 0..n {
        if color[i] == 0 {
            cycle(svcs, i as u16, &mut color)?;
        }
    }
    for i in 0..n {
        let mut r = List::new();
        for (j, s) in svcs.iter().enumerate() {
            if s.deps.contains(&(i as u16)) {
                let _ = r.push(j as u16);
            }
        }
        svcs[i].rdeps = store(&r)?;
    }
    Ok(Db { svcs })
}

fn push_new(l: &mut List, x: u16) {
    if !l.contains(&x) {
        let _ = l.push(x);
    }
}

fn flatten(svcs: &[Svc], b: u16, out: &mut List, path: &mut List) -> Result<(), Error> {
    let _ = path.push(b);
    let s = &svcs[b as usize];
    for m in names(s.raw) {
        let j = svcs.iter().position(|t| t.name == m).ok_or_else(|| err(E::UndefinedMember, s, m, s.raw_file))? as u16;
        if svcs[j as usize].atomic() {
            push_new(out, j);
        } else if path.contains(&j) {
            return Err(err(E::BundleCycle, s, m, s.raw_file));
        } else {
            flatten(svcs, j, out, path)?;
        }
    }
    path.pop();
    Ok(())
}

fn cycle(svcs: &[Svc], i: u16, color: &mut [u8; MAX]) -> Result<(), Error> {
    color[i as usize] = 1;
    let s = &svcs[i as usize];
    for &d in s.deps {
        match color[d as usize] {
            1 => {
                let file: &[u8] = if s.consumer == Some(d) { b"producer-for" } else { s.raw_file };
                return Err(err(E::Cycle, s, svcs[d as usize].name, file));
            }
            0 => cycle(svcs, d, color)?,
            _ => {}
        }
    }
    color[i as usize] = 2;
    Ok(())
}

/// Where one atomic service stands in a transition.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Not part of it.
    Out,
    /// Waiting for its dependencies (up) or dependents (down).
    Wait,
    Running,
    Done,
    /// Its transition failed, or one it waited for did (skipped).
    Failed,
    /// Left as it is without a failure: an essential service a down
    /// transition does not stop, and what waits for it (s6-rc says so for
    /// the first only).
    Kept,
}

/// One state change (`s6-rc -u|-d change`): the closure of the selection,
/// and each service's step. A service starts as soon as everything it
/// waits for is done; independent ones run in parallel.
pub struct Plan {
    pub up: bool,
    pub steps: &'static mut [Step],
}

impl Plan {
    pub fn new(n: usize) -> Result<Plan, Error> {
        let steps = arena::alloc_slice(n, Step::Out).map_err(|_| oom())?;
        Ok(Plan { up: true, steps })
    }

    /// Select `sel` (atomics) and their closure: dependencies for up,
    /// dependents for down. Those already in the target state (`is_up`)
    /// are done at once.
    pub fn select(&mut self, db: &Db, sel: &[u16], up: bool, is_up: &[bool]) {
        self.up = up;
        self.steps.iter_mut().for_each(|s| *s = Step::Out);
        for &i in sel {
            self.add(db, i);
        }
        for (i, s) in self.steps.iter_mut().enumerate() {
            if *s == Step::Wait && is_up[i] == up {
                *s = Step::Done;
            }
        }
    }

    fn add(&mut self, db: &Db, i: u16) {
        if self.steps[i as usize] != Step::Out {
            return;
        }
        self.steps[i as usize] = Step::Wait;
        let s = db.get(i);
        for &d in if self.up { s.deps } else { s.rdeps } {
            self.add(db, d);
        }
    }

    /// The next service that may start its transition now (marked
    /// Running), skipping those whose predecessors failed. In s6-rc's
    /// order: its database numbers longruns before oneshots and it looks
    /// at the highest index first, so oneshots come first (a chain of
    /// oneshots does not wait for the longruns started beside it), each
    /// kind from the last down.
    pub fn next(&mut self, db: &Db) -> Option<u16> {
        let n = self.steps.len();
        loop {
            let mut changed = false;
            for k in 0..2 * n {
                let i = n - 1 - k % n;
                if self.steps[i] != Step::Wait || (db.svcs[i].kind == Kind::Oneshot) != (k < n) {
                    continue;
                }
                let s = db.get(i as u16);
                let before = if self.up { s.deps } else { s.rdeps };
                let mut ready = true;
                for &d in before {
                    match self.steps[d as usize] {
                        st @ (Step::Failed | Step::Kept) => {
                            self.steps[i] = st;
                            changed = true;
                            ready = false;
                            break;
                        }
                        Step::Done | Step::Out => {}
                        _ => ready = false,
                    }
                }
                if ready {
                    self.steps[i] = Step::Running;
                    return Some(i as u16);
                }
            }
            if !changed {
                return None;
            }
        }
    }

    pub fn done(&mut self, i: u16, ok: bool) {
        self.steps[i as usize] = if ok { Step::Done } else { Step::Failed };
    }

    /// Nothing waits or runs any more.
    pub fn finished(&self) -> bool {
        !self.steps.iter().any(|s| matches!(s, Step::Wait | Step::Running))
    }

    pub fn failed(&self) -> bool {
        self.steps.contains(&Step::Failed)
    }
}

#[cfg(test)]
mod tests;
