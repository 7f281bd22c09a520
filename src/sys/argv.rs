//! `Argv` / `Envp`: the null-terminated arrays of pointers to NUL-terminated
//! strings that `execve` takes, built only from `&CStr`, so that safe code
//! never hands a raw pointer to exec or spawn.
//!
//! # Safety
//!
//! A `Vec0<'a>` always points to a null-terminated array whose entries are
//! NUL-terminated strings alive for `'a`: the safe constructors fill it from
//! `&'a CStr`s and keep the last slot null; `from_raw` is `unsafe`.
#![allow(unsafe_code)]

use super::arena;
use core::ffi::CStr;
use core::marker::PhantomData;
use rustix::io::Errno;

/// A null-terminated string-pointer array (an argv or an envp).
#[derive(Clone, Copy)]
pub struct Vec0<'a> {
    ptr: *const *const u8,
    _life: PhantomData<&'a CStr>,
}

/// An argument vector.
pub type Argv<'a> = Vec0<'a>;
/// An environment.
pub type Envp<'a> = Vec0<'a>;

impl<'a> Vec0<'a> {
    /// Fill `slots` with `items`, keeping the last slot null (items that do
    /// not fit before it are left out).
    fn fill(slots: &'a mut [*const u8], items: impl IntoIterator<Item = &'a CStr>) -> Vec0<'a> {
        let n = slots.len().saturating_sub(1);
        let mut i = 0;
        for s in items.into_iter().take(n) {
            slots[i] = s.as_ptr().cast();
            i += 1;
        }
        for s in &mut slots[i..] {
            *s = core::ptr::null();
        }
        if slots.is_empty() {
            return Vec0::empty();
        }
        Vec0 { ptr: slots.as_ptr(), _life: PhantomData }
    }
    /// An empty array.
    pub fn empty() -> Vec0<'static> {
        static NULL: [usize; 1] = [0];
        Vec0 { ptr: NULL.as_ptr().cast(), _life: PhantomData }
    }
    /// # Safety
    ///
    /// `ptr` is a null-terminated array of NUL-terminated strings that stay
    /// alive and unchanged for `'a`.
    pub unsafe fn from_raw(ptr: *const *const u8) -> Vec0<'a> {
        Vec0 { ptr, _life: PhantomData }
    }
    /// The array itself, for `rt` and `sys` only (exec, the process's
    /// argv/envp).
    pub(crate) fn as_ptr(self) -> *const *const u8 {
        self.ptr
    }
    /// The number of entries.
    pub fn len(self) -> usize {
        self.iter().count()
    }
    pub fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }
    /// The entries, in order.
    pub fn iter(self) -> impl Iterator<Item = &'a CStr> {
        let mut p = self.ptr;
        core::iter::from_fn(move || {
            // SAFETY: per the type's invariant, p stays within the array and
            // stops at its terminating null.
            unsafe {
                let s = *p;
                if s.is_null() {
                    return None;
                }
                p = p.add(1);
                Some(CStr::from_ptr(s.cast()))
            }
        })
    }
}

/// Builds a `Vec0` one string at a time in slots it owns (in the arena).
pub struct Builder<'a> {
    slots: &'a mut [*const u8],
    n: usize,
}

impl<'a> Builder<'a> {
    /// One slot always stays for the terminating null.
    pub(super) fn new(slots: &'a mut [*const u8]) -> Builder<'a> {
        if let Some(s) = slots.first_mut() {
            *s = core::ptr::null();
        }
        Builder { slots, n: 0 }
    }
    /// Add `s`; false when full.
    pub fn push(&mut self, s: &'a CStr) -> bool {
        if self.n + 1 >= self.slots.len() {
            return false;
        }
        self.slots[self.n] = s.as_ptr().cast();
        self.n += 1;
        self.slots[self.n] = core::ptr::null();
        true
    }
    /// Add every entry of `v` that fits.
    pub fn extend(&mut self, v: Vec0<'a>) {
        for s in v.iter() {
            self.push(s);
        }
    }
    pub fn len(&self) -> usize {
        self.n
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    pub fn done(self) -> Vec0<'a> {
        if self.slots.is_empty() {
            return Vec0::empty();
        }
        Vec0 { ptr: self.slots.as_ptr(), _life: PhantomData }
    }
    /// The entries so far and `last`, for as long as both are borrowed
    /// (the slot after the last entry must be free: `alloc` one more).
    pub fn with<'b>(&'b mut self, last: &'b CStr) -> Vec0<'b> {
        // The slot after `n` is rewritten each time (and `push` writes the
        // null after it), so an earlier `last` is never seen again.
        if self.n + 2 > self.slots.len() {
            return Vec0::empty();
        }
        self.slots[self.n] = last.as_ptr().cast();
        self.slots[self.n + 1] = core::ptr::null();
        Vec0 { ptr: self.slots.as_ptr(), _life: PhantomData }
    }
}

impl Builder<'static> {
    /// A builder for up to `n` entries, in the arena.
    pub fn alloc(n: usize) -> Result<Builder<'static>, Errno> {
        Ok(Builder::new(arena::alloc_slice::<*const u8>(n + 1, core::ptr::null())?))
    }
}

/// Up to 8 entries on the stack (for a short argv).
pub struct Fixed<'a> {
    slots: [*const u8; 12],
    n: usize,
    _life: PhantomData<&'a CStr>,
}

impl<'a> Fixed<'a> {
    /// `items` (the first 11).
    pub fn new(items: &[&'a CStr]) -> Self {
        let mut f = Fixed { slots: [core::ptr::null(); 12], n: 0, _life: PhantomData };
        for s in items {
            f.push(s);
        }
        f
    }
    /// Add `s`; false when full.
    pub fn push(&mut self, s: &'a CStr) -> bool {
        if self.n + 1 >= self.slots.len() {
            return false;
        }
        self.slots[self.n] = s.as_ptr().cast();
        self.n += 1;
        true
    }
    pub fn get(&self) -> Vec0<'_> {
        Vec0 { ptr: self.slots.as_ptr(), _life: PhantomData }
    }
}

impl Vec0<'static> {
    /// `items` as an array in the arena.
    #[inline(never)]
    pub fn of(items: &[&'static CStr]) -> Result<Vec0<'static>, Errno> {
        Ok(Vec0::fill(arena::alloc_slice::<*const u8>(items.len() + 1, core::ptr::null())?, items.iter().copied()))
    }
}

/// The value of `name` in an environment.
pub fn var<'a>(envp: Envp<'a>, name: &[u8]) -> Option<&'a [u8]> {
    envp.iter().find_map(|e| {
        let e = e.to_bytes();
        (e.len() > name.len() && e.starts_with(name) && e[name.len()] == b'=').then(|| &e[name.len() + 1..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_keeps_the_null() {
        let mut slots = [core::ptr::null(); 3];
        let v = Vec0::fill(&mut slots, [c"a=1", c"b=2", c"c=3"]);
        let got: heapless::Vec<&CStr, 4> = v.iter().collect();
        assert_eq!(&got[..], &[c"a=1", c"b=2"]);
        assert_eq!(var(v, b"b"), Some(&b"2"[..]));
        assert_eq!(var(v, b"c"), None);
        assert_eq!(Vec0::empty().iter().count(), 0);
    }

    #[test]
    fn builder_with_and_fixed() {
        let mut b = Builder::alloc(2).unwrap();
        b.push(c"A=1");
        let names = |v: Vec0<'_>| v.iter().map(|s| s.to_bytes()[0]).collect::<heapless::Vec<u8, 12>>();
        assert_eq!(&names(b.with(c"B=2"))[..], b"AB");
        assert_eq!(&names(b.with(c"C=3"))[..], b"AC");
        b.push(c"D=4");
        assert!(!b.push(c"E=5"));
        assert_eq!(&names(b.done())[..], b"AD");
        let mut f = Fixed::new(&[c"1", c"2", c"3", c"4", c"5", c"6", c"7", c"8", c"9", c"a"]);
        assert!(f.push(c"b"));
        assert!(!f.push(c"c"));
        assert_eq!(&names(f.get())[..], b"123456789ab");
        assert_eq!(f.get().len(), 11);
        assert_eq!(&names(Vec0::of(&[c"x", c"y"]).unwrap())[..], b"xy");
    }
}
