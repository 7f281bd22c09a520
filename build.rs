//! Link the `rs6` binary as a freestanding static executable.
//!
//! Flags go to the binary only (`-arg-bins`): unit-test and integration-test
//! harnesses are ordinary std programs and must keep the default link line.
use std::env;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let script = dir.join("linker").join("rs6.ld");
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed=build.rs");
    // `rs6 --version` names the target.
    println!("cargo:rustc-env=RS6_TARGET={}", env::var("TARGET").expect("TARGET"));

    let linker = env::var("RUSTC_LINKER").unwrap_or_default();
    let lld = linker.ends_with("rust-lld") || linker.ends_with("ld.lld");
    // gcc (the default driver) and ld.lld spell a few options differently.
    let args: &[&str] = if lld {
        &["-nostdlib", "-static", "--gc-sections", "--build-id=none", "-z", "norelro"]
    } else {
        &["-nostartfiles", "-nostdlib", "-static", "-no-pie", "-Wl,--gc-sections",
          "-Wl,--build-id=none", "-Wl,-z,norelro", "-Wl,-z,noexecstack"]
    };
    for a in args {
        println!("cargo:rustc-link-arg-bins={a}");
    }
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
}
