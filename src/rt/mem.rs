//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, which the compiler
//! emits calls to and which no libc provides here.
//!
//! The loops use volatile accesses where a plain loop could be recognised
//! by the optimiser as the very function being defined (and turned into a
//! call to itself). On x86_64 the copies use `rep movsb` / `rep stosb`,
//! which are fast on every CPU with ERMS.
//!
//! # Safety
//!
//! These functions have the C library contracts: the caller passes valid
//! pointers for `n` bytes. They are only exported in the freestanding build.
#![allow(unsafe_code)]
#![allow(clippy::missing_safety_doc)]

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: C memcpy contract: both ranges valid and not overlapping.
    unsafe { copy_forward(dst, src, n) };
    dst
}

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dst as usize).wrapping_sub(src as usize) >= n {
        // SAFETY: dst does not start inside [src, src+n): a forward copy is safe.
        unsafe { copy_forward(dst, src, n) };
    } else {
        let mut i = n;
        while i > 0 {
            i -= 1;
            // SAFETY: i < n; both ranges valid by contract.
            unsafe { core::ptr::write_volatile(dst.add(i), core::ptr::read_volatile(src.add(i))) };
        }
    }
    dst
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: rep movsb copies rcx bytes from rsi to rdi, forwards (DF is
    // clear per the ABI); the ranges are valid by the caller's contract.
    unsafe {
        core::arch::asm!(
            "rep movsb",
            inout("rcx") n => _, inout("rdi") dst => _, inout("rsi") src => _,
            options(nostack, preserves_flags)
        );
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    let mut i = 0;
    let word = core::mem::size_of::<usize>();
    if (dst as usize | src as usize).is_multiple_of(word) {
        while i + word <= n {
            // SAFETY: aligned, in range by contract.
            unsafe {
                core::ptr::write_volatile(
                    dst.add(i) as *mut usize,
                    core::ptr::read_volatile(src.add(i) as *const usize),
                )
            };
            i += word;
        }
    }
    while i < n {
        // SAFETY: i < n; in range by contract.
        unsafe { core::ptr::write_volatile(dst.add(i), core::ptr::read_volatile(src.add(i))) };
        i += 1;
    }
}

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: rep stosb stores al rcx times at rdi; range valid by contract.
    unsafe {
        core::arch::asm!(
            "rep stosb",
            inout("rcx") n => _, inout("rdi") dst => _, in("al") c as u8,
            options(nostack, preserves_flags)
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    for i in 0..n {
        // SAFETY: i < n; in range by contract.
        unsafe { core::ptr::write_volatile(dst.add(i), c as u8) };
    }
    dst
}

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        // SAFETY: i < n; both ranges valid by contract.
        let (x, y) = unsafe { (core::ptr::read_volatile(a.add(i)), core::ptr::read_volatile(b.add(i))) };
        if x != y {
            return x as i32 - y as i32;
        }
    }
    0
}

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}

#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: C strlen contract: `s` is NUL-terminated.
    while unsafe { core::ptr::read_volatile(s.add(n)) } != 0 {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_and_move() {
        let mut buf = *b"0123456789";
        // SAFETY: in-bounds, overlapping ranges exercise memmove both ways.
        unsafe {
            memmove(buf.as_mut_ptr().add(2), buf.as_ptr(), 5);
        }
        assert_eq!(&buf, b"0101234789");
        let mut buf = *b"0123456789";
        // SAFETY: in bounds.
        unsafe {
            memmove(buf.as_mut_ptr(), buf.as_ptr().add(3), 5);
        }
        assert_eq!(&buf, b"3456756789");
        let mut d = [0u8; 10];
        // SAFETY: in bounds, disjoint.
        unsafe {
            memcpy(d.as_mut_ptr(), b"abcdefghij".as_ptr(), 10);
            memset(d.as_mut_ptr().add(8), b'z' as i32, 2);
        }
        assert_eq!(&d, b"abcdefghzz");
        // SAFETY: in bounds.
        unsafe {
            assert_eq!(memcmp(b"abc".as_ptr(), b"abd".as_ptr(), 3), -1);
            assert_eq!(bcmp(b"abc".as_ptr(), b"abc".as_ptr(), 3), 0);
        }
    }
}
