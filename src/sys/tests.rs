use super::argv::Builder;
use core::ffi::CStr;

/// A full `Builder` refuses more and keeps its terminating null.
#[test]
fn builder_refuses_the_last_slot() {
    let mut slots = [core::ptr::null(); 3];
    let mut b = Builder::new(&mut slots);
    assert!(b.push(c"a=1"));
    assert!(b.push(c"b=2"));
    assert!(!b.push(c"c=3"));
    assert_eq!(b.len(), 2);
    let got: heapless::Vec<&CStr, 4> = b.done().iter().collect();
    assert_eq!(&got[..], &[c"a=1", c"b=2"]);
}
