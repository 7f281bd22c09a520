//! A bump arena for start-up work and short-lived applets.
//!
//! Memory comes from one anonymous private mapping reserved at first use
//! (`MAP_NORESERVE`, so only the pages actually touched cost anything) and
//! is never given back: what is allocated lives until the process exits.
//! PID 1 uses it only before its loop starts.
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

static BASE: AtomicUsize = AtomicUsize::new(0);
static USED: AtomicUsize = AtomicUsize::new(0);

fn base() -> Result<usize, Errno> {
    let b = BASE.load(Ordering::Relaxed);
    if b != 0 {
        return Ok(b);
    }
    // SAFETY: a fresh anonymous mapping at an address of the kernel's choice
    // touches no existing memory.
    let p = unsafe {
        rustix::mm::mmap_anonymous(
            core::ptr::null_mut(),
            ARENA_RESERVE,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::NORESERVE,
        )?
    };
    BASE.store(p as usize, Ordering::Relaxed);
    Ok(p as usize)
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
    // SAFETY: [start, end) lies inside the mapping and was never handed out
    // before (see the module docs); anonymous pages read as zero.
    Ok(unsafe { core::slice::from_raw_parts_mut((b + start) as *mut u8, n) })
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
