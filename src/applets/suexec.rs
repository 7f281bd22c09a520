//! s6-overlay v3's entry points, for images that write their own `/init`
//! calling them (`/package/admin/s6-overlay/libexec/{preinit,stage0}`,
//! `s6-overlay-suexec`), as thin entries into rs6's init:
//!
//! - `preinit`: nothing to do (init checks and prepares `/run` itself);
//! - `stage0 [CMD…]`: init (see the applet table);
//! - `s6-overlay-suexec { BLOCK } PROG ARGS…` (the block in execline's
//!   encoding: words starting with a space, then an empty word): the block
//!   is v3's root-only `preinit`, which rs6 does not need, so it is skipped;
//!   `PROG ARGS…` runs in this process (`stage0` is init).
use crate::base::exit;
use crate::rt::Args;

pub fn preinit(_args: Args) -> u8 {
    exit::OK
}

pub fn suexec(args: Args) -> u8 {
    let mut k = 1;
    while args.get_arg(k).is_some_and(|a| a.to_bytes().first() == Some(&b' ')) {
        k += 1;
    }
    if args.get_arg(k).is_some_and(|a| a.to_bytes().is_empty()) {
        k += 1;
    }
    if args.get_arg(k).is_none() {
        crate::base::diag::usage(b"s6-overlay-suexec { preinit } stage0 [ args... ]");
    }
    super::dispatch(args.skip(k))
}
