//! The freestanding entry point: `_start` → `rt::entry` → `applets::dispatch`.
//!
//! # Safety
//!
//! `_start` is the ELF entry point; it hands the kernel's initial stack
//! pointer to `rt::entry` untouched, which is that function's contract.
#![no_std]
#![no_main]

#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".section .text.start,\"ax\",@progbits",
    ".globl _start",
    ".type _start,@function",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, rsp",
    "and rsp, -16",
    "call {entry}",
    "ud2",
    entry = sym start_rust,
);

#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".section .text.start,\"ax\",@progbits",
    ".globl _start",
    ".type _start,%function",
    "_start:",
    "mov x29, #0",
    "mov x30, #0",
    "mov x0, sp",
    "and x1, x0, #-16",
    "mov sp, x1",
    "bl {entry}",
    "brk #0",
    entry = sym start_rust,
);

extern "C" fn start_rust(sp: *const usize) -> ! {
    // SAFETY: called only from `_start` with the initial stack pointer.
    unsafe { rs6::rt::entry(sp, rs6::applets::dispatch) }
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    rs6::rt::panic_exit()
}

/// Only referenced when a dependency is built with unwinding (as `cargo
/// test` builds this binary for the integration tests); never called.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}
