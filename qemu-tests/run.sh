#!/bin/sh
# Cross-build rs6 for aarch64 and run it under qemu-user: the applet table,
# and /init as PID 1 of a namespace (the CMD is the host's static busybox,
# which the kernel runs natively). Skips, loudly, when the aarch64 target
# cannot be installed; a skip is never reported as a pass.
set -eu
cd "$(dirname "$0")/.."
T=aarch64-unknown-linux-musl
if ! rustup target list --installed 2>/dev/null | grep -qx "$T"; then
    if ! rustup target add "$T" >/dev/null 2>&1; then
        echo "qemu-tests: SKIPPED: cannot install the $T target (no aarch64 run)"
        exit 0
    fi
fi
command -v qemu-aarch64-static >/dev/null || { echo "qemu-tests: qemu-aarch64-static missing (apt-get install qemu-user-static)"; exit 1; }
cargo build --release --target "$T" -q
bin=target/$T/release/rs6
pass=0 fail=0
check() { # name, expected, actual
    if [ "$2" = "$3" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "qemu-tests: FAIL $1: want [$2] got [$3]"; fi
}
file "$bin" | grep -q 'ARM aarch64, .*statically linked' && pass=$((pass+1)) || { fail=$((fail+1)); echo "qemu-tests: FAIL not a static aarch64 ELF"; }
check list "$(target/release/rs6 --list | tr '\n' ' ')" "$(qemu-aarch64-static "$bin" --list | tr '\n' ' ')"
root=$(mktemp -d /tmp/rs6-qemu.XXXXXX)
trap 'rm -rf "$root"' EXIT
sh tests/lib/mkroot --applets sh,sleep,true --dev null "$root" proc dev run tmp
cp "$(command -v qemu-aarch64-static)" "$root/qemu"
cp "$bin" "$root/init"
run() { env -i PATH=/bin S6_VERBOSITY=1 timeout 20 unshare --pid --fork --kill-child --mount-proc --mount --root="$root" --wd=/ /qemu /init "$@"; }
set +e
run sh -c 'exit 3'; check exit-code 3 $?
run sh -c 'kill -9 $$'; check killed 137 $?
run sh -c 'echo $$ > /tmp/pid; ( sleep 1000 & ); echo ok' >/dev/null; check orphan-stop 0 $?
set -e
echo "qemu-tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
