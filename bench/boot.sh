#!/bin/sh
# bench/boot.sh: boot timing under qemu-system-x86_64 (TCG), Debian's kernel
# (cached by qemu-tests/boot), an initramfs with one cont-init script, two
# services and a CMD, with rs6 as /init next to busybox's init (inittab:
# sysinit mounts /proc and /dev then runs the same cont-init script,
# respawn the two services, once the CMD). Measured in the kernel log's own
# clock: from the kernel's "Run /init as init process" to the CMD's first
# line ("cmd: start", written to /dev/kmsg). N boots each (N=${N:-2}).
# Writes bench/results/boot.md.
set -eu
cd "$(dirname "$0")/.."
N=${N:-2}
cache=${RS6_CACHE:-/var/cache/rs6-tests}
kernel=$(ls "$cache"/linux-image-*/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$kernel" ] || { sh qemu-tests/boot >/dev/null; kernel=$(ls "$cache"/linux-image-*/boot/vmlinuz-* | head -n1); }
cargo build --release -q
tmp=$(mktemp -d /tmp/rs6-bboot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkroot() { # dir
    r=$1
    sh tests/lib/mkroot --dev console "$r" dev proc sys run tmp etc/cont-init.d etc/services.d/a etc/services.d/b var
    printf '#!/bin/sh\necho "cont-init: ran" > /dev/kmsg\n' > "$r/etc/cont-init.d/10-hello"
    for s in a b; do printf '#!/bin/sh\necho "svc %s: run" > /dev/kmsg\nexec sleep 1000\n' $s > "$r/etc/services.d/$s/run"; done
    chmod 755 "$r/etc/cont-init.d/10-hello" "$r/etc/services.d/a/run" "$r/etc/services.d/b/run"
}
mkroot "$tmp/rs6"
target/release/rs6 --install "$tmp/rs6"
printf '#!/bin/sh\necho "cmd: start" > /dev/kmsg\nexit 0\n' > "$tmp/rs6/cmd"
chmod 755 "$tmp/rs6/cmd"
mkroot "$tmp/bb"
ln -s bin/busybox "$tmp/bb/init"
cat > "$tmp/bb/etc/inittab" <<'T'
::sysinit:/bin/mount -t proc proc /proc
::sysinit:/bin/mount -t devtmpfs dev /dev
::sysinit:/etc/cont-init.d/10-hello
::respawn:/etc/services.d/a/run
::respawn:/etc/services.d/b/run
::once:/cmd
T
printf '#!/bin/sh\necho "cmd: start" > /dev/kmsg\nexec poweroff -f\n' > "$tmp/bb/cmd"
chmod 755 "$tmp/bb/cmd"
# The floor of any init that starts a shell script: /init is one (mount
# /dev, log the line, power off).
mkdir -p "$tmp/sh"
sh tests/lib/mkroot --dev console "$tmp/sh" dev proc
printf '#!/bin/sh\nmount -t devtmpfs dev /dev\necho "cmd: start" > /dev/kmsg\nexec poweroff -f\n' > "$tmp/sh/init"
chmod 755 "$tmp/sh/init"
for v in rs6 bb sh; do (cd "$tmp/$v" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -n -1 > "$tmp/$v.gz"; done
boot() { # initrd append
    timeout 180 qemu-system-x86_64 -accel tcg -m 256 -no-reboot -nographic -monitor none \
        -kernel "$kernel" -initrd "$1" -append "console=ttyS0 rdinit=/init panic=-1 $2" 2>&1 | tr -d '\r' > "$tmp/log" || true
    a=$(sed -n 's|^\[ *\([0-9.]*\)\] Run /init as init process.*|\1|p' "$tmp/log" | head -n1)
    b=$(sed -n 's|^\[ *\([0-9.]*\)\] cmd: start.*|\1|p' "$tmp/log" | head -n1)
    grep -q 'reboot: Power down' "$tmp/log" || { echo "bench/boot: no power-off" >&2; tail -n 20 "$tmp/log" >&2; }
    # rs6 logs how long after its first instruction it wrote its line: the
    # entry on the kernel log's clock is that line's stamp minus this.
    e=$(sed -n 's|^\[ *\([0-9.]*\)\] rs6: /init started at .* logged \([0-9]*\) us later.*|\1 \2|p' "$tmp/log" | head -n1)
    c=$(sed -n 's|^\[ *\([0-9.]*\)\] cont-init: ran.*|\1|p' "$tmp/log" | head -n1)
    s=$(sed -n 's|^\[ *\([0-9.]*\)\] svc .: run.*|\1|p' "$tmp/log" | head -n1)
    if [ -z "$a" ] || [ -z "$b" ]; then echo "n/a"
    elif [ -n "$e" ]; then
        echo "$a $b $e ${c:-0} ${s:-0}" | awk '{e=$3-$4/1e6; printf "%.1f (exec %.1f, entry->CMD %.1f: mounts %.1f, ->cont-init %.1f, ->1st service %.1f)\n", ($2-$1)*1000, (e-$1)*1000, ($2-e)*1000, $4/1000, ($5-e)*1000, ($6-e)*1000}'
    else echo "$a $b" | awk '{printf "%.1f\n", ($2-$1)*1000}'; fi
}
{
echo "$(basename "$kernel"), qemu-system-x86_64 -accel tcg (no KVM), $N boots each, $(date -u +%Y-%m-%d)"
echo
echo "| /init | kernel 'Run /init' -> CMD start (ms, each boot; rs6: the kernel's exec up to /init's first instruction, then /init's first instruction -> CMD start) |"
echo "|---|---|"
t=""; for k in $(seq "$N"); do t="$t $(boot "$tmp/rs6.gz" "-- /cmd")"; done; echo "| rs6 (mounts /proc /sys /dev /run, cont-init, 2 services, CMD) |$t |"
t=""; for k in $(seq "$N"); do t="$t $(boot "$tmp/bb.gz" "")"; done; echo "| busybox init (mounts /proc /dev, cont-init, 2 services, CMD) |$t |"
t=""; for k in $(seq "$N"); do t="$t $(boot "$tmp/sh.gz" "")"; done; echo "| floor: /init is a busybox sh script (mounts /dev, logs) |$t |"
} | tee "$tmp/report"
mkdir -p bench/results
cp "$tmp/report" bench/results/boot.md
