//! A bump arena for start-up work and short-lived applets.
//!
//! Memory comes from one anonymous private mapping reserved at first use
//! and is never given back: what is allocated lives until the process
//! exits. PID 1 uses it only before its loop starts.
//!
//! The reservation is made inaccessible (`PROT_NONE`) and opened for
//! reading and writing in steps (of [`STEP`] bytes or more) as it grows: a
//! kernel with strict overcommit (`vm.overcommit_memory=2`, where
//! `MAP_NORESERVE` is ignored) counts only what is open against its limit,
//! at the mapping and again at each fork, instead of the whole reserve.
//!
//! # Safety
//!
//! The mapping is created once and never unmapped, so every slice handed
//! out is valid for `'static`; each allocation is a fresh, disjoint range
//! (the cursor only moves forward), so no two `&mut` slices alias.
#![allow(unsafe_code)]

use core::sync::atomic::{AtomicUsize, Ordering};
use rustix::io::Errno;
use rustix::mm::{MapFlags, ProtFlags};

/// Address space reserved for the arena.
pub const ARENA_RESERVE: usize = 256 << 20;

/// How much of the reserve is opened at a time.
const STEP: usize = 64 << 10;

static BASE: AtomicUsize = AtomicUsize::new(0);
static USED: AtomicUsize = AtomicUsize::new(0);
/// Bytes of the reserve open for reading and writing, from its start.
static OPEN: AtomicUsize = AtomicUsize::new(0);

fn base() -> Result<usize, Errno> {
    let b = BASE.load(Ordering::Acquire);
    if b != 0 {
        return Ok(b);
    }
    // SAFETY: a fresh anonymous mapping at an address of the kernel's choice
    // touches no existing memory.
    let p = unsafe {
        rustix::mm::mmap_anonymous(
            core::ptr::null_mut(),
            ARENA_RESERVE,
            ProtFlags::empty(),
            MapFlags::PRIVATE | MapFlags::NORESERVE,
        )?
    };
    // Unit tests call this from several threads: one mapping wins, the
    // others are given back.
    match BASE.compare_exchange(0, p as usize, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(p as usize),
        Err(won) => {
            // SAFETY: `p` is the mapping made just above, seen by no one else.
            let _ = unsafe { rustix::mm::munmap(p, ARENA_RESERVE) };
            Ok(won)
        }
    }
}

/// `n` zeroed bytes, aligned to `align` (a power of two).
pub fn alloc_bytes(n: usize, align: usize) -> Result<&'static mut [u8], Errno> {
    let b = base()?;
    // A compare-and-swap, so that unit tests running in threads never get
    // overlapping ranges (the binary is single-threaded).
    let mut used = USED.load(Ordering::Relaxed);
    let start = loop {
        let start = (b + used).next_multiple_of(align) - b;
        let end = start.checked_add(n).ok_or(Errno::NOMEM)?;
        if end > ARENA_RESERVE {
            return Err(Errno::NOMEM);
        }
        match USED.compare_exchange_weak(used, end, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break start,
            Err(u) => used = u,
        }
    };
    open_to(b, start + n)?;
    // SAFETY: [start, end) lies inside the mapping, open for reading and
    // writing, and was never handed out before (see the module docs);
    // anonymous pages read as zero.
    Ok(unsafe { core::slice::from_raw_parts_mut((b + start) as *mut u8, n) })
}

/// Make the first `end` bytes of the reserve readable and writable, in
/// whole [`STEP`]s. Idempotent: threads of the unit tests may open the same
/// range twice.
fn open_to(b: usize, end: usize) -> Result<(), Errno> {
    let open = OPEN.load(Ordering::Acquire);
    if end <= open {
        return Ok(());
    }
    let need = end.next_multiple_of(STEP).min(ARENA_RESERVE);
    // At least doubled each time (a few calls even for a large arena),
    // unless the kernel cannot commit that much: then what is needed.
    let more = end.max(open * 2).next_multiple_of(STEP).min(ARENA_RESERVE);
    for to in [more, need] {
        // SAFETY: [b + open, b + to) lies inside the reserve mapped by
        // `base` (b is page-aligned, open and to are multiples of STEP or
        // the reserve's end), and nothing past `open` was handed out: only
        // the protection of unused pages changes.
        let r = unsafe {
            rustix::mm::mprotect(
                (b + open) as *mut _,
                to - open,
                rustix::mm::MprotectFlags::READ | rustix::mm::MprotectFlags::WRITE,
            )
        };
        match r {
            Ok(()) => {
                OPEN.fetch_max(to, Ordering::Release);
                return Ok(());
            }
            Err(Errno::NOMEM) if to > need => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Errno::NOMEM)
}

/// A slice of `n` values of a plain type, each set to `fill`.
pub fn alloc_slice<T: Copy>(n: usize, fill: T) -> Result<&'static mut [T], Errno> {
    let bytes = n.checked_mul(core::mem::size_of::<T>()).ok_or(Errno::NOMEM)?;
    let raw = alloc_bytes(bytes, core::mem::align_of::<T>())?;
    let ptr = raw.as_mut_ptr() as *mut T;
    for i in 0..n {
        // SAFETY: ptr is aligned for T and the range holds n values of T.
        unsafe { ptr.add(i).write(fill) };
    }
    // SAFETY: all n values were just initialised.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, n) })
}

/// The concatenation of `parts`, NUL-terminated.
pub fn cstr(parts: &[&[u8]]) -> Result<&'static core::ffi::CStr, Errno> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let buf = alloc_bytes(n + 1, 1)?;
    let mut i = 0;
    for p in parts {
        buf[i..i + p.len()].copy_from_slice(p);
        i += p.len();
    }
    buf[n] = 0;
    // An interior NUL ends the string early, as it would for any C reader.
    core::ffi::CStr::from_bytes_until_nul(buf).map_err(|_| Errno::INVAL)
}

/// Bytes of the arena handed out so far.
pub fn used() -> usize {
    USED.load(Ordering::Relaxed)
}

/// A slice of `n` values, each built in place by `f(i)` (for types that are
/// not `Copy`, without a large temporary on the stack).
pub fn alloc_with<T>(n: usize, mut f: impl FnMut(usize) -> T) -> Result<&'static mut [T], Errno> {
    let bytes = n.checked_mul(core::mem::size_of::<T>()).ok_or(Errno::NOMEM)?;
    let raw = alloc_bytes(bytes, core::mem::align_of::<T>())?;
    let ptr = raw.as_mut_ptr() as *mut T;
    for i in 0..n {
        // SAFETY: ptr is aligned for T and the range holds n values of T;
        // each slot is written once before the slice is formed.
        unsafe { ptr.add(i).write(f(i)) };
    }
    // SAFETY: all n values were just initialised; the memory is never freed
    // nor handed out again (module docs).
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, n) })
}

/// A growable array of plain values in the arena (old storage is simply
/// left behind when it grows). The typed part is a thin shell over one
/// untyped grow routine, so that each element type costs little code.
pub struct Vec<T: Copy + 'static> {
    ptr: usize,
    pub n: usize,
    cap: usize,
    _t: core::marker::PhantomData<&'static mut [T]>,
}

fn grow(ptr: usize, n: usize, cap: &mut usize, size: usize, align: usize) -> usize {
    let nc = (*cap * 2).max(8);
    let Some(bytes) = nc.checked_mul(size) else { crate::sys::raw::exit_group(super::EXIT_SYSCALL as i32) };
    let Ok(b) = alloc_bytes(bytes, align) else { crate::sys::raw::exit_group(super::EXIT_SYSCALL as i32) };
    if n > 0 {
        // SAFETY: the old storage holds n * size initialised bytes and the
        // new one is a fresh, larger, disjoint range.
        unsafe { core::ptr::copy_nonoverlapping(ptr as *const u8, b.as_mut_ptr(), n * size) };
    }
    *cap = nc;
    b.as_mut_ptr() as usize
}

impl<T: Copy + 'static> Default for Vec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy + 'static> Vec<T> {
    pub const fn new() -> Vec<T> {
        Vec { ptr: core::mem::align_of::<T>(), n: 0, cap: 0, _t: core::marker::PhantomData }
    }
    pub fn push(&mut self, v: T) {
        if self.n == self.cap {
            self.ptr = grow(self.ptr, self.n, &mut self.cap, core::mem::size_of::<T>(), core::mem::align_of::<T>());
        }
        // SAFETY: n < cap, and the storage is aligned for T.
        unsafe { (self.ptr as *mut T).add(self.n).write(v) };
        self.n += 1;
    }
    pub fn extend(&mut self, vs: &[T]) {
        while self.cap - self.n < vs.len() {
            self.ptr = grow(self.ptr, self.n, &mut self.cap, core::mem::size_of::<T>(), core::mem::align_of::<T>());
        }
        // SAFETY: n + vs.len() <= cap, the storage is aligned for T and
        // belongs to this Vec alone (vs cannot overlap it).
        unsafe { core::ptr::copy_nonoverlapping(vs.as_ptr(), (self.ptr as *mut T).add(self.n), vs.len()) };
        self.n += vs.len();
    }
    pub fn get(&self) -> &[T] {
        // SAFETY: the first n values are initialised; ptr is aligned
        // (dangling but aligned when n == 0).
        unsafe { core::slice::from_raw_parts(self.ptr as *const T, self.n) }
    }
    pub fn get_mut(&mut self) -> &mut [T] {
        // SAFETY: as `get`, and we hold the only handle.
        unsafe { core::slice::from_raw_parts_mut(self.ptr as *mut T, self.n) }
    }
    /// The values, for the rest of the process (the arena never frees).
    pub fn done(self) -> &'static [T] {
        // SAFETY: as `get`; the storage lives for the process and this
        // Vec, the only other handle, is consumed.
        unsafe { core::slice::from_raw_parts(self.ptr as *const T, self.n) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Threads allocating at once each get memory they can write, across
    /// the steps where more of the reserve is opened.
    #[test]
    fn threads_get_writable_disjoint_memory() {
        let threads: std::vec::Vec<_> = (0..8u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut got = std::vec::Vec::new();
                    for _ in 0..64 {
                        let b = alloc_bytes(4096, 8).unwrap();
                        b.fill(t);
                        got.push(b);
                    }
                    got
                })
            })
            .collect();
        for (t, h) in threads.into_iter().enumerate() {
            for b in h.join().unwrap() {
                assert!(b.iter().all(|&x| x == t as u8), "memory of thread {t} was written by another");
            }
        }
        assert!(OPEN.load(Ordering::Acquire) >= used());
    }
}
