//! Random names that never block, as skalibs makes them for temporary and
//! unique file names: `random_buf_early` (the kernel's `getrandom`, without
//! waiting for its pool at early boot), `random_name` (characters of a
//! 64-byte list) and `sauniquename` (`:@TAI64N:PID:HOSTNAME`).
use super::tai::Tai;
use crate::sys::arena::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use rustix::rand::{GetRandomFlags, getrandom};

/// skalibs' `random_oklist`: what a random name is made of.
const OKLIST: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZghijklmnopqrstuvwxyz-_0123456789abcdef";

/// Fill `buf` with random bytes without blocking: the kernel's, or where
/// it has none to give yet, a generator seeded from the clock, the pid and
/// a count of the calls (different for every call of the process).
pub fn fill(buf: &mut [u8]) {
    let mut n = 0;
    for flags in [GetRandomFlags::INSECURE, GetRandomFlags::NONBLOCK] {
        while n < buf.len() {
            match getrandom(&mut buf[n..], flags) {
                Ok(k) => n += k,
                Err(rustix::io::Errno::INTR) => {}
                Err(_) => break,
            }
        }
    }
    if n < buf.len() {
        fallback(&mut buf[n..]);
    }
}

/// splitmix64 from the clock, the pid and a counter.
fn fallback(out: &mut [u8]) {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let t = Tai::now();
    let pid = rustix::process::getpid().as_raw_nonzero().get() as u64;
    let mut x = pid << 32 ^ t.nanos as u64 ^ CALLS.fetch_add(1, Ordering::Relaxed) << 20 ^ t.secs;
    for o in out.iter_mut() {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        *o = (z ^ (z >> 31)) as u8;
    }
}

/// `out` filled with random characters of skalibs' list.
pub fn name(out: &mut [u8]) {
    fill(out);
    for c in out.iter_mut() {
        *c = OKLIST[(*c & 63) as usize];
    }
}

/// Append skalibs' unique name (`random_sauniquename`): `:@TAI64N:PID:HOST`,
/// then `:` and `random` random characters when `random` is not 0.
pub fn unique_name(dst: &mut Vec<u8>, random: usize) {
    let mut pid = itoa::Buffer::new();
    let pid = pid.format(rustix::process::getpid().as_raw_nonzero().get());
    let uname = rustix::system::uname();
    for part in [&b":"[..], &Tai::now().to_text(), b":", pid.as_bytes(), b":", uname.nodename().to_bytes()] {
        part.iter().for_each(|&c| dst.push(c));
    }
    if random > 0 {
        dst.push(b':');
        let mut left = random;
        while left > 0 {
            let mut chunk = [0u8; 64];
            let k = left.min(chunk.len());
            name(&mut chunk[..k]);
            chunk[..k].iter().for_each(|&c| dst.push(c));
            left -= k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_from_the_list_and_differ() {
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        name(&mut a);
        name(&mut b);
        assert!(a.iter().chain(&b).all(|c| OKLIST.contains(c)));
        assert_ne!(a, b);
        let (mut c, mut d) = ([0u8; 16], [0u8; 16]);
        fallback(&mut c);
        fallback(&mut d);
        assert_ne!(c, d);
    }

    #[test]
    fn unique_name_layout() {
        let mut v = Vec::new();
        unique_name(&mut v, 8);
        let s = String::from_utf8(v.get().to_vec()).unwrap();
        let parts: std::vec::Vec<&str> = s.split(':').collect();
        assert_eq!(parts.len(), 5, "{s}");
        assert_eq!((parts[0], parts[1].len(), parts[4].len()), ("", 25, 8));
        assert_eq!(parts[2], std::process::id().to_string());
    }
}
