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
    pub fn fill(slots: &'a mut [*const u8], items: impl IntoIterator<Item = &'a CStr>) -> Vec0<'a> {
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
    pub fn as_ptr(self) -> *const *const u8 {
        self.ptr
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

/// Builds a `Vec0` one string at a time in caller-provided slots.
pub struct Builder<'a> {
    slots: &'a mut [*const u8],
    n: usize,
}

impl<'a> Builder<'a> {
    /// One slot always stays for the terminating null.
    pub fn new(slots: &'a mut [*const u8]) -> Builder<'a> {
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
}

impl Vec0<'static> {
    /// `items` as an array in the arena.
    pub fn new(items: impl IntoIterator<Item = &'static CStr>, n: usize) -> Result<Vec0<'static>, Errno> {
        Ok(Vec0::fill(arena::alloc_slice::<*const u8>(n + 1, core::ptr::null())?, items))
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
}
