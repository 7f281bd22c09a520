//! Black-box tests of the built `rs6` binary. Everything that needs PID 1
//! runs it in fresh PID and mount namespaces over a busybox root filesystem
//! (see `harness`). These tests need root and fail without it.
mod harness;

mod catchall;
mod dispatch;
mod elf;
mod execline;
mod fix_attrs;
mod health;
mod images;
mod install;
mod interactive;
mod kernel;
mod layers;
mod linux_tools;
mod log;
mod pid1;
mod portable_tools;
mod rc;
mod rc_client;
mod regex;
mod s6tools;
mod socklog;
mod stage2;
mod stop_delay;
mod supervise;
mod svclients;
mod svscan;
mod text_tools;
