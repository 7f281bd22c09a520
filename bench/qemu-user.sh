#!/bin/sh
# bench/qemu-user.sh: start-up of the aarch64 /init under qemu-aarch64-static
# (how users time arm64 boots on x86 machines), next to Debian's arm64
# tini-static in the same run. Each init is PID 1 of a fresh PID namespace
# over a busybox root (the host's x86_64 static busybox: the CMD runs
# natively once the emulated init execs it):
#   unshare --pid --fork --kill-child --mount-proc --mount --root=R /qemu INIT CMD
# Rows: `INIT true` start to exit (hyperfine), and start -> CMD running
# (the CMD opens a fifo that the driver reads; median of ${N:-30}).
# tini:arm64 is fetched once with apt-get download through a private
# arm64 package list (the host's dpkg architectures are not changed) into
# $RS6_CACHE/arm64. Writes bench/results/qemu-user.md.
set -eu
cd "$(dirname "$0")/.."
N=${N:-30}
cache=${RS6_CACHE:-/var/cache/rs6-tests}/arm64
tini=$cache/x/usr/bin/tini-static
if [ ! -x "$tini" ]; then
    mkdir -p "$cache/lists/partial" "$cache/cache/archives/partial"
    o="-o APT::Architectures::=arm64 -o APT::Architecture=arm64 -o Dir::State::Lists=$cache/lists -o Dir::Cache=$cache/cache"
    apt-get -qq $o update && (cd "$cache" && apt-get -qq $o download tini:arm64 2>/dev/null) \
        || { echo "bench/qemu-user: cannot fetch tini:arm64"; exit 1; }
    dpkg-deb -x "$cache"/tini_*_arm64.deb "$cache/x"
    rm -rf "$cache/lists" "$cache/cache"
fi
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
cargo build --release -q --target aarch64-unknown-linux-musl
r=$(mktemp -d /tmp/rs6-qbench.XXXXXX)
trap 'rm -rf "$r"' EXIT
sh tests/lib/mkroot --dev null "$r" proc dev tmp var
cp "$(command -v qemu-aarch64-static)" "$r/qemu"
cp "$tini" "$r/tini-static"
qemu-aarch64-static target/aarch64-unknown-linux-musl/release/rs6 --install "$r"
U="unshare --pid --fork --kill-child --mount-proc --mount --root=$r --wd=/"
hyperfine -N -w 3 -r "$N" --export-json "$r/h.json" \
    -n "rs6 /init true" "$U /qemu /init /bin/true" \
    -n "tini-static -- true" "$U /qemu /tini-static -- /bin/true" > "$r/h.txt" 2>&1
cat > "$r/cmdrun.py" <<'PY'
import os, subprocess, sys, time, statistics
root, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
fifo = os.path.join(root, "tmp/fifo")
ts = []
for _ in range(n):
    if os.path.exists(fifo): os.unlink(fifo)
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(fifo, "rb") as f:
        f.read()
    ts.append((time.perf_counter() - t0) * 1000)
    p.wait(timeout=30)
print("%.1f ms (min %.1f, max %.1f)" % (statistics.median(ts), min(ts), max(ts)))
PY
c1=$(python3 "$r/cmdrun.py" "$r" "$N" $U /qemu /init /bin/sh -c 'echo > /tmp/fifo')
c2=$(python3 "$r/cmdrun.py" "$r" "$N" $U /qemu /tini-static -- /bin/sh -c 'echo > /tmp/fifo')
m() { python3 -c "import json,sys; d=json.load(open('$r/h.json'))['results']; r=[x for x in d if x['command']==sys.argv[1]][0]; print('%.1f ms ± %.1f' % (r['median']*1000, r['stddev']*1000))" "$1"; }
{
echo "qemu-aarch64-static $(qemu-aarch64-static --version | head -n1 | sed 's/.*version //'), $(date -u +%Y-%m-%d), $N runs each"
echo
echo "| aarch64 PID 1 under qemu-user | INIT true, start to exit (median) | start -> CMD running (median) |"
echo "|---|---|---|"
echo "| rs6 /init | $(m 'rs6 /init true') | $c1 |"
echo "| Debian tini-static (arm64) | $(m 'tini-static -- true') | $c2 |"
} | tee "$r/report"
mkdir -p bench/results
cp "$r/report" bench/results/qemu-user.md
