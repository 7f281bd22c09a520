#!/usr/bin/env bash
# rs6 as PID 1 next to tini-static, dumb-init, catatonit and no init at all.
#
#   bench/run.sh [latency] [reap] [signal] [rss]     (default: all four)
#   QUICK=1 bench/run.sh                             (smoke run, ~1 minute)
#
# Each init runs as PID 1 of a throw-away container:
#   unshare --pid --fork --kill-child --mount-proc --root=ROOTFS --wd=/ INIT CMD...
# ROOTFS is a fresh directory with static busybox (every applet in /bin),
# `rs6 --install ROOTFS` (/init, /command/...), /usr/bin/tini-static,
# /usr/bin/dumb-init (+ the shared libs ldd lists), /usr/bin/catatonit, and the
# static helper /bench/benchhelper.  See bench/README.md for what each part
# measures.  Needs root.  Results: stdout and bench/results/latest.md; raw data
# in bench/results/raw/.
#
# Environment:
#   QUICK=1            fewer runs / reps (smoke run)
#   INITS="..."        inits compared (default: rs6 rs6-tmpfs tini-static dumb-init
#                      catatonit none); rs6-tmpfs = rs6 with a tmpfs on /run
#   RS6_BIN=PATH       use this rs6 binary instead of building target/release/rs6
#   CONTAINER_ENV=docker|inherit  environment of the containers: docker (default)
#                      = only PATH, HOSTNAME and HOME, as `docker run` gives;
#                      inherit = this shell's environment (rs6 snapshots every
#                      variable into /run/s6/container_environment at start)
#   LAT_RUNS LAT_ROUNDS LAT_WARMUP   latency: hyperfine runs per round, rounds, warmup
#   REAP_N REAP_REPS REAP_TIMEOUT_MS reaping storm size, reps, helper timeout
#   SIG_REPS SIG_TIMEOUT             signal reps, seconds before "never exits"
#   RSS_REPS                         memory reps
#   MAX_S              hard time limit of the whole run (default 900 s)
#   RESULTS_DIR        default bench/results
#   BENCH_TMP          where the scratch dir goes (default /tmp); KEEP_WORK=1 keeps it
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}
export LC_ALL=C

log() { printf '[%s bench] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------ time bound
# Re-execute under timeout(1): the whole run can never exceed MAX_S seconds.
MAX_S=${MAX_S:-900}
if [ -z "${_RS6_BENCH_TIMED:-}" ]; then
  command -v timeout >/dev/null 2>&1 || die "timeout(1) not found (apt-get install -y coreutils)"
  export _RS6_BENCH_TIMED=1
  exec timeout -k 10 "$MAX_S" bash "$0" "$@"
fi

# Run in a private mount namespace: the mounts made for the rs6-tmpfs row
# disappear with this script whatever happens.
if [ -z "${_RS6_BENCH_MNTNS:-}" ]; then
  [ "$(id -u)" = 0 ] || die "must run as root (unshare --pid, chroot, mknod)"
  command -v unshare >/dev/null 2>&1 || die "unshare not found (apt-get install -y util-linux)"
  export _RS6_BENCH_MNTNS=1
  exec unshare --mount --propagation private bash "$0" "$@"
fi

# ------------------------------------------------------------ arguments
ALL_PARTS="latency reap signal rss"
PARTS=()
for a in "$@"; do
  case $a in
    latency|reap|signal|rss) PARTS+=("$a") ;;
    all) read -ra PARTS <<< "$ALL_PARTS" ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown part '$a' (parts: $ALL_PARTS)" ;;
  esac
done
[ ${#PARTS[@]} -gt 0 ] || read -ra PARTS <<< "$ALL_PARTS"
has_part() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

INITS=${INITS:-rs6 rs6-tmpfs tini-static dumb-init catatonit none}
if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
  : "${LAT_RUNS:=40}" "${LAT_ROUNDS:=1}" "${LAT_WARMUP:=5}"
  : "${REAP_REPS:=3}" "${SIG_REPS:=3}" "${RSS_REPS:=2}"
else
  QUICK=
  : "${LAT_RUNS:=100}" "${LAT_ROUNDS:=3}" "${LAT_WARMUP:=10}"
  : "${REAP_REPS:=10}" "${SIG_REPS:=10}" "${RSS_REPS:=5}"
fi
: "${REAP_N:=2000}" "${REAP_TIMEOUT_MS:=3000}" "${SIG_TIMEOUT:=5}"
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
RAW=$RESULTS_DIR/raw

# ------------------------------------------------------------ hygiene
BENCH_PIDS=()
WORK=
cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    local m
    for m in "$WORK/rootfs-tmpfs-run/run" "$WORK/rootfs-tmpfs-run"; do
      if [ -d "$m" ] && mountpoint -q "$m"; then umount "$m" || true; fi
    done
    if [ -n "${KEEP_WORK:-}" ]; then log "keeping $WORK"; else rm -rf --one-file-system "$WORK"; fi
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# run CMD... in the background, remember its PID (killed by PID on exit), wait.
# Returns the command's exit status.
run() {
  local p rc=0
  "$@" &
  p=$!
  BENCH_PIDS+=("$p")
  wait "$p" || rc=$?
  unset 'BENCH_PIDS[${#BENCH_PIDS[@]}-1]'
  return "$rc"
}

# ------------------------------------------------------------ tools
[ "$(id -u)" = 0 ] || die "must run as root (unshare --pid, chroot, mknod)"
APT_UPDATED=
# need CMD PACKAGE -- install PACKAGE with apt-get when CMD is missing
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "'$1' not found and no apt-get to install package $2"
  log "'$1' missing: apt-get install -y $2"
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq >&2 || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2 || die "apt-get install -y $2 failed"
  command -v "$1" >/dev/null 2>&1 || die "'$1' still not found after installing $2"
}
is_static() { ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

need unshare util-linux
need hyperfine hyperfine
need gcc gcc
need readelf binutils
need ldd libc-bin
need mknod coreutils
need python3 python3
PY=$(command -v python3)
"$PY" -c 'import os, select; os.pidfd_open' 2>/dev/null || die "python3 >= 3.9 with os.pidfd_open needed"
need busybox busybox-static
BUSYBOX=$(readlink -f "$(command -v busybox)")
is_static "$BUSYBOX" || die "$BUSYBOX is dynamically linked: apt-get install -y busybox-static"
for i in $INITS; do
  case $i in
    rs6|rs6-tmpfs|none) ;;
    tini-static) need tini-static tini ;;
    dumb-init) need dumb-init dumb-init ;;
    catatonit) need catatonit catatonit ;;
    *) die "unknown init '$i' (known: rs6 rs6-tmpfs tini-static dumb-init catatonit none)" ;;
  esac
done
unshare --help 2>&1 | grep -q -- '--kill-child' || die "unshare has no --kill-child (util-linux too old)"

# ------------------------------------------------------------ work dir, rs6, helper
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/rs6bench.XXXXXX")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$RAW"

if [ -z "${RS6_BIN:-}" ]; then
  command -v cargo >/dev/null 2>&1 || die "cargo not found (install a Rust toolchain, or set RS6_BIN=/path/to/rs6)"
  log "building rs6 (cargo build --release)"
  (cd "$REPO" && cargo build --release --quiet) >&2 || die "cargo build --release failed"
  RS6_BIN=$REPO/target/release/rs6
fi
[ -x "$RS6_BIN" ] || die "no rs6 binary at $RS6_BIN"
RS6_BIN=$(readlink -f "$RS6_BIN")

HELPER=$WORK/benchhelper
if ! gcc -O2 -static -o "$HELPER" "$BENCH_DIR/benchhelper.c"; then
  log "gcc -static failed: apt-get install -y libc6-dev and retry"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6-dev >&2 || die "apt-get install -y libc6-dev failed"
  gcc -O2 -static -o "$HELPER" "$BENCH_DIR/benchhelper.c" || die "cannot build bench/benchhelper.c (gcc -O2 -static)"
fi

# ------------------------------------------------------------ rootfs
RFS=$WORK/rootfs
# copy_bin HOSTPATH -- copy a binary and the shared libs ldd lists into the
# rootfs at the same absolute paths
copy_bin() {
  local b=$1 real lib
  real=$(readlink -f "$b") || die "no $b"
  mkdir -p "$RFS$(dirname "$b")"
  cp -L "$real" "$RFS$b"
  is_static "$real" && return 0
  for lib in $(ldd "$real" | grep -o '/[^ ]*'); do
    [ -e "$RFS$lib" ] && continue
    mkdir -p "$RFS$(dirname "$lib")"
    cp -L "$lib" "$RFS$lib"
  done
}
mkdir -p "$RFS"/{bin,sbin,usr/bin,usr/sbin,proc,dev,tmp,etc,root,run,bench/out}
chmod 1777 "$RFS/tmp"
cp "$BUSYBOX" "$RFS/bin/busybox"
for a in $("$BUSYBOX" --list); do
  [ -e "$RFS/bin/$a" ] || ln -s busybox "$RFS/bin/$a"
done
mknod -m 666 "$RFS/dev/null" c 1 3
echo 'root:x:0:0:root:/root:/bin/sh' > "$RFS/etc/passwd"
cp "$HELPER" "$RFS/bench/benchhelper"
"$RS6_BIN" --install "$RFS" || die "rs6 --install $RFS failed"
[ -x "$RFS/init" ] || die "rs6 --install did not create $RFS/init"
for i in $INITS; do
  case $i in
    tini-static) copy_bin "$(command -v tini-static)" ;;
    dumb-init) copy_bin "$(command -v dumb-init)" ;;
    catatonit) copy_bin "$(command -v catatonit)" ;;
  esac
done
# the inits are found at /usr/bin/NAME inside the rootfs
for b in tini-static dumb-init catatonit; do
  h=$(command -v "$b" 2>/dev/null || true)
  if [ -n "$h" ] && [ "$h" != "/usr/bin/$b" ] && [ -e "$RFS$h" ]; then ln -sf "$h" "$RFS/usr/bin/$b"; fi
done

# rs6-tmpfs: the same rootfs (a bind mount of it) with a tmpfs on /run, as
# `docker run --tmpfs /run` gives. rs6 builds its /run/s6 tree at every start.
RFS_T=$WORK/rootfs-tmpfs-run
case " $INITS " in
  *" rs6-tmpfs "*)
    mkdir -p "$RFS_T"
    mount --bind "$RFS" "$RFS_T" || die "cannot bind-mount $RFS on $RFS_T"
    mount -t tmpfs -o mode=0755,size=16m rs6bench-run "$RFS_T/run" || die "cannot mount a tmpfs on $RFS_T/run"
    ;;
esac

# The containers' environment: ENVX is put in front of every command that
# starts containers (hyperfine, nsprobe.py, the reap loop), so the inits see it.
CONTAINER_ENV=${CONTAINER_ENV:-docker}
case $CONTAINER_ENV in
  docker)  ENVX=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME=rs6bench HOME=/root) ;;
  inherit) ENVX=(env) ;;
  *) die "CONTAINER_ENV must be docker or inherit" ;;
esac

# init_argv NAME CMD... -- sets ARGV: the container's command line, the
# unshare prefix and what runs as the namespace's PID 1
init_argv() {
  local n=$1; shift
  local ns=(unshare --pid --fork --kill-child --mount-proc --root="$RFS" --wd=/)
  case $n in
    rs6)         ARGV=(/init "$@") ;;
    rs6-tmpfs)   ARGV=(/init "$@"); ns=(unshare --pid --fork --kill-child --mount-proc --root="$RFS_T" --wd=/) ;;
    tini-static) ARGV=(/usr/bin/tini-static -- "$@") ;;
    dumb-init)   ARGV=(/usr/bin/dumb-init "$@") ;;
    catatonit)   ARGV=(/usr/bin/catatonit -- "$@") ;;
    none)        ARGV=("$@") ;;
    *) die "unknown init $n" ;;
  esac
  ARGV=("${ns[@]}" "${ARGV[@]}")
}

# shell-quote words (for hyperfine -N command lines and the logs)
shq() { local s; for s in "$@"; do printf "'%s' " "$(printf %s "$s" | sed "s/'/'\\\\''/g")"; done; }

machine_info() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
  echo "- date: $(date -u +%FT%TZ); kernel $(uname -r); $(nproc) CPUs (${cpu:-?}); $(awk '/MemTotal/{printf "%d MiB", $2/1024}' /proc/meminfo)"
  echo "- rs6: $RS6_BIN ($(stat -c %s "$RS6_BIN") bytes), git $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')"
  echo "- versions: tini $(dpkg-query -W -f '${Version}' tini 2>/dev/null || echo '?'), dumb-init $(dpkg-query -W -f '${Version}' dumb-init 2>/dev/null || echo '?'), catatonit $(dpkg-query -W -f '${Version}' catatonit 2>/dev/null || echo '?'), busybox $(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo '?'), $(hyperfine --version)"
  echo "- loadavg (1/5/15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- containers: rootfs and /run on $(df -T "$RFS" | awk 'NR==2{print $2}')$(case " $INITS " in *" rs6-tmpfs "*) echo " (rs6-tmpfs: /run on tmpfs)" ;; esac); environment: $CONTAINER_ENV ($("${ENVX[@]}" env | grep -c =) variables)"
  local d=()
  has_part latency && d+=("latency ${LAT_ROUNDS}x${LAT_RUNS} runs (warmup $LAT_WARMUP)")
  has_part reap && d+=("reap N=$REAP_N x $REAP_REPS reps")
  has_part signal && d+=("signal $SIG_REPS reps (timeout ${SIG_TIMEOUT}s)")
  has_part rss && d+=("rss $RSS_REPS reps")
  local j; j=$(printf '%s; ' "${d[@]}")
  echo "- parts: ${PARTS[*]}; ${QUICK:+QUICK=1; }${j%; }"
}

log "parts: ${PARTS[*]}; inits: $INITS; work dir $WORK"
: > "$RAW/commands.txt"

# ------------------------------------------------------------ sanity
# Exit codes must go through the init (a wrong one is worth knowing before
# reading any timing).
: > "$RAW/sanity.txt"
for i in $INITS; do
  for chk in exit3 killed; do
    if [ $chk = exit3 ]; then init_argv "$i" /bin/sh -c 'exit 3'
    else init_argv "$i" /bin/sh -c 'kill -KILL $$'; fi
    rc=0; run "${ENVX[@]}" timeout 20 "${ARGV[@]}" </dev/null >/dev/null 2>&1 || rc=$?
    echo "init=$i check=$chk rc=$rc" >> "$RAW/sanity.txt"
  done
done
if grep -q 'init=rs6 check=exit3 rc=3$' "$RAW/sanity.txt"; then :; else
  case " $INITS " in *" rs6 "*) log "WARNING: rs6 did not pass CMD's exit code 3 through: $(grep init=rs6 "$RAW/sanity.txt" | tr '\n' ' ')" ;; esac
fi

# ------------------------------------------------------------ 1. latency
if has_part latency; then
  rm -f "$RAW"/latency.*
  args=()
  for i in $INITS; do
    init_argv "$i" /bin/true
    args+=(-n "$i" "$(shq "${ARGV[@]}")")
    echo "latency $i: $(shq "${ARGV[@]}")" >> "$RAW/commands.txt"
  done
  for ((r = 1; r <= LAT_ROUNDS; r++)); do
    log "latency: round $r/$LAT_ROUNDS (hyperfine, $LAT_RUNS runs per init)"
    run "${ENVX[@]}" hyperfine -N --warmup "$LAT_WARMUP" --runs "$LAT_RUNS" --style basic \
        --export-json "$RAW/latency.round$r.json" "${args[@]}" > "$RAW/latency.round$r.log" 2>&1 \
      || { tail -n 20 "$RAW/latency.round$r.log" >&2; die "hyperfine failed (log: $RAW/latency.round$r.log)"; }
  done
fi

# ------------------------------------------------------------ 2. reap
if has_part reap; then
  : > "$RAW/reap.txt"
  for ((r = 1; r <= REAP_REPS; r++)); do
    for i in $INITS; do            # interleave the inits within each rep
      res=/bench/out/storm.$i
      rm -f "$RFS$res"
      init_argv "$i" /bench/benchhelper storm "$REAP_N" "$res" "$REAP_TIMEOUT_MS"
      [ "$r" = 1 ] && echo "reap $i: $(shq "${ARGV[@]}")" >> "$RAW/commands.txt"
      t0=$(date +%s%N); rc=0
      run "${ENVX[@]}" timeout 60 "${ARGV[@]}" </dev/null >/dev/null 2>&1 || rc=$?
      t1=$(date +%s%N)
      line=$(cat "$RFS$res" 2>/dev/null || echo "n=0 spawn_ms=nan reaped_ms=nan lag_ms=nan pending_at_spawn_end=nan unreaped=nan")
      echo "init=$i rep=$r rc=$rc wall_ms=$(( (t1 - t0) / 1000000 )) $line" >> "$RAW/reap.txt"
    done
    log "reap: rep $r/$REAP_REPS done"
  done
fi

# ------------------------------------------------------------ 3. signal
if has_part signal; then
  : > "$RAW/signal.jsonl"
  for pl in plain trap; do
    if [ $pl = plain ]; then PAYLOAD=(sleep 1000)
    else PAYLOAD=(/bin/sh -c 'trap "exit 0" TERM; sleep 1000 & wait'); fi
    for i in $INITS; do
      log "signal: $pl payload under $i ($SIG_REPS reps)"
      init_argv "$i" "${PAYLOAD[@]}"
      echo "signal $pl $i: $(shq "${ARGV[@]}")" >> "$RAW/commands.txt"
      run "${ENVX[@]}" "$PY" "$BENCH_DIR/nsprobe.py" sigterm --reps "$SIG_REPS" --timeout "$SIG_TIMEOUT" \
          -- "${ARGV[@]}" > "$WORK/sig.out" || die "nsprobe.py sigterm failed"
      sed "s/^{/{\"init\": \"$i\", \"payload\": \"$pl\", /" "$WORK/sig.out" >> "$RAW/signal.jsonl"
    done
  done
fi

# ------------------------------------------------------------ 4. rss
if has_part rss; then
  : > "$RAW/rss.jsonl"
  for i in $INITS; do
    log "rss: $i ($RSS_REPS reps)"
    init_argv "$i" sleep 1000
    echo "rss $i: $(shq "${ARGV[@]}")" >> "$RAW/commands.txt"
    run "${ENVX[@]}" "$PY" "$BENCH_DIR/nsprobe.py" mem --reps "$RSS_REPS" \
        -- "${ARGV[@]}" > "$WORK/mem.out" || die "nsprobe.py mem failed"
    sed "s/^{/{\"init\": \"$i\", /" "$WORK/mem.out" >> "$RAW/rss.jsonl"
  done
fi

# ------------------------------------------------------------ report
{
  echo "# rs6 benchmark: rs6 vs tini-static, dumb-init, catatonit, no init"
  echo
  machine_info
  echo
  "$PY" "$BENCH_DIR/summarize.py" "$RAW" "$INITS" "${PARTS[*]}"
  echo "Exact command lines: \`results/raw/commands.txt\`; raw data next to it."
} > "$WORK/latest.md" || die "summary failed"
cp "$WORK/latest.md" "$RESULTS_DIR/latest.md"
cat "$WORK/latest.md"
log "written $RESULTS_DIR/latest.md"
