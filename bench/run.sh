#!/usr/bin/env bash
# rs6 as PID 1 next to tini-static, dumb-init, catatonit and no init at all;
# rs6 supervising services next to s6-svscan and runsvdir.
#
#   bench/run.sh [latency] [reap] [signal] [rss] [sup] [restart]   (default: all)
#   QUICK=1 bench/run.sh                             (smoke run, ~2 minutes)
#
# Each init runs as PID 1 of a throw-away container:
#   unshare --pid --fork --kill-child --mount-proc --root=ROOTFS --wd=/ INIT CMD...
# ROOTFS is a fresh directory with static busybox (every applet in /bin),
# `rs6 --install ROOTFS` (/init, /command/...), /usr/bin/tini-static,
# /usr/bin/dumb-init (+ the shared libs ldd lists), /usr/bin/catatonit, and the
# static helper /bench/benchhelper.  The sup and restart parts run in copies
# of ROOTFS that also hold Debian's s6-svscan, s6-supervise, runsvdir and runsv
# (+ their shared libs).  See bench/README.md for what each part measures.
# Needs root.  Results: stdout and bench/results/latest.md; raw data in
# bench/results/raw/.
#
# Environment:
#   QUICK=1            fewer runs / reps (smoke run)
#   INITS="..."        inits compared (default: rs6 rs6-fresh rs6-tmpfs tini-static
#                      dumb-init catatonit none); rs6-tmpfs = rs6 with a tmpfs on
#                      /run; rs6-fresh = rs6 with /run emptied before each run
#                      (a new container) instead of kept (a restarted one)
#   RS6_BIN=PATH       use this rs6 binary instead of building target/release/rs6
#   CONTAINER_ENV=docker|inherit  environment of the containers: docker (default)
#                      = only PATH, HOSTNAME and HOME, as `docker run` gives;
#                      inherit = this shell's environment (rs6 snapshots every
#                      variable into /run/s6/container_environment at start)
#   LAT_RUNS LAT_ROUNDS LAT_WARMUP   latency: runs per round, rounds, warmup
#   REAP_N REAP_REPS REAP_TIMEOUT_MS reaping storm size, reps, helper timeout
#   SIG_REPS SIG_TIMEOUT             signal reps, seconds before "never exits"
#   RSS_REPS                         memory reps
#   SUP_INITS          supervisors of the sup part (default: rs6 rs6-tmpfs s6-svscan
#                      s6-svscan-tmpfs runsvdir floor)
#   SUP_N SUP_REPS SUP_SETTLE SUP_STOP_TIMEOUT  sup: services (50), reps (5, or
#                      REPS), seconds before the memory reading (2), seconds
#                      before "never exits" (15)
#   SUP_RUN=image|fresh|keep  sup: before each rep, image (default: a new
#                      container of a new image on a busy host) deletes and
#                      rewrites every service dir (rs6's /etc/services.d, the
#                      others' scan dirs) and empties /run by deleting; fresh
#                      writes the service dirs once and moves what a rep left
#                      out of the way (no deletions); keep keeps what the
#                      previous rep left (a restarted container)
#   SUP_BUSY=N         sup: N processes spin on the CPUs for the whole part
#                      (default 0): a busy host, where a new process waits
#                      for a CPU
#   NOISE_MAX          a row whose p90/median is above this (default 1.5) is
#                      reported as too noisy to conclude
#   RESTART_INITS RESTART_S          restart: supervisors (rs6 s6-svscan runsvdir), window (10 s)
#   MAX_S              hard time limit of the whole run (default 1200 s)
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
MAX_S=${MAX_S:-1200}
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
ALL_PARTS="latency reap signal rss sup restart"
PARTS=()
for a in "$@"; do
  case $a in
    latency|reap|signal|rss|sup|restart) PARTS+=("$a") ;;
    all) read -ra PARTS <<< "$ALL_PARTS" ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown part '$a' (parts: $ALL_PARTS)" ;;
  esac
done
[ ${#PARTS[@]} -gt 0 ] || read -ra PARTS <<< "$ALL_PARTS"
has_part() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

INITS=${INITS:-rs6 rs6-fresh rs6-tmpfs tini-static dumb-init catatonit none}
SUP_INITS=${SUP_INITS:-rs6 rs6-tmpfs s6-svscan s6-svscan-tmpfs runsvdir floor}
RESTART_INITS=${RESTART_INITS:-rs6 s6-svscan runsvdir}
has_part sup || SUP_INITS=
has_part restart || RESTART_INITS=
if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
  : "${LAT_RUNS:=40}" "${LAT_ROUNDS:=1}" "${LAT_WARMUP:=5}"
  : "${REAP_REPS:=3}" "${SIG_REPS:=3}" "${RSS_REPS:=2}" "${SUP_REPS:=${REPS:-2}}" "${RESTART_S:=5}"
else
  QUICK=
  : "${LAT_RUNS:=100}" "${LAT_ROUNDS:=3}" "${LAT_WARMUP:=10}"
  : "${REAP_REPS:=10}" "${SIG_REPS:=10}" "${RSS_REPS:=5}" "${SUP_REPS:=${REPS:-5}}" "${RESTART_S:=10}"
fi
: "${REAP_N:=2000}" "${REAP_TIMEOUT_MS:=3000}" "${SIG_TIMEOUT:=5}"
: "${SUP_N:=50}" "${SUP_SETTLE:=2}" "${SUP_STOP_TIMEOUT:=15}" "${SUP_RUN:=image}" "${NOISE_MAX:=1.5}" "${SUP_BUSY:=0}"
[[ $SUP_BUSY =~ ^[0-9]+$ ]] || die "SUP_BUSY must be a number of processes"
case $SUP_RUN in image|fresh|keep) ;; *) die "SUP_RUN must be image, fresh or keep" ;; esac
export NOISE_MAX
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
    for m in "$WORK/rootfs-tmpfs-run/run" "$WORK/rootfs-tmpfs-run" "$WORK/rootfs-sup-tmpfs-run/run" "$WORK/rootfs-sup-tmpfs-run"; do
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
    rs6|rs6-fresh|rs6-tmpfs|none) ;;
    tini-static) need tini-static tini ;;
    dumb-init) need dumb-init dumb-init ;;
    catatonit) need catatonit catatonit ;;
    *) die "unknown init '$i' (known: rs6 rs6-fresh rs6-tmpfs tini-static dumb-init catatonit none)" ;;
  esac
done
for i in $SUP_INITS $RESTART_INITS; do
  case $i in
    rs6|rs6-tmpfs|floor) ;;
    s6-svscan|s6-svscan-tmpfs) need s6-svscan s6; need s6-supervise s6 ;;
    runsvdir) need runsvdir runit; need runsv runit ;;
    *) die "unknown supervisor '$i' (known: rs6 rs6-tmpfs s6-svscan s6-svscan-tmpfs runsvdir floor)" ;;
  esac
done
case " $RESTART_INITS " in *" floor "*) die "RESTART_INITS: floor does not restart anything" ;; esac
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
# copy_bin HOSTPATH [ROOT] -- copy a binary and the shared libs ldd lists
# into ROOT (default: the rootfs) at the same absolute paths
copy_bin() {
  local b=$1 r=${2:-$RFS} real lib
  real=$(readlink -f "$b") || die "no $b"
  mkdir -p "$r$(dirname "$b")"
  # the root may hold an applet link of that name (rs6 --install makes
  # /usr/bin/s6-svscan): the host's binary replaces it
  rm -f "$r$b"
  cp -L "$real" "$r$b"
  is_static "$real" && return 0
  for lib in $(ldd "$real" | grep -o '/[^ ]*'); do
    [ -e "$r$lib" ] && continue
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
  done
}
BUSYBOX=$BUSYBOX sh "$REPO/tests/lib/mkroot" --dev null "$RFS" bin sbin usr/bin usr/sbin proc dev tmp etc root run bench/out \
  || die "tests/lib/mkroot $RFS failed"
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

# ------------------------------------------------------------ supervision rootfs
# sup and restart run in copies of ROOTFS that also hold Debian's s6-svscan,
# s6-supervise, runsvdir and runsv (+ the shared libs ldd lists). rs6's
# services go to /etc/services.d (the s6-overlay layout that /init with no CMD
# supervises); the other parts keep ROOTFS, where /init has no services.
RFS_SUP=$WORK/rootfs-sup
RFS_SUP_T=$WORK/rootfs-sup-tmpfs-run
RFS_RST=$WORK/rootfs-restart
SVC_TPL=$WORK/services
FLAP_TPL=$WORK/flap
# age_tree DIR -- an old mtime, as files in an image have (runsvdir waits 1 s
# before it scans a directory changed in the current second)
age_tree() { find "$1" -exec touch -h -d '2000-01-01 00:00:00' {} +; }
# sup_rootfs DIR -- a copy of ROOTFS with the s6 and runit binaries
sup_rootfs() {
  local d=$1 b
  cp -a "$RFS" "$d"
  for b in s6-svscan s6-supervise runsvdir runsv; do
    if command -v "$b" >/dev/null 2>&1; then copy_bin "$(command -v "$b")" "$d"; fi
  done
}
# write_run FILE LINE -- an executable `#!/bin/sh` script of one line
write_run() { mkdir -p "$(dirname "$1")"; printf '#!/bin/sh\n%s\n' "$2" > "$1"; chmod 755 "$1"; }
# write_svcs DIR -- SUP_N service dirs s01..sNN, each run = `exec sleep 100000`
write_svcs() {
  local w=${#SUP_N} k
  [ "$w" -ge 2 ] || w=2
  mkdir -p "$1"
  for ((k = 1; k <= SUP_N; k++)); do
    mkdir "$1/$(printf "s%0${w}d" "$k")"
    printf '#!/bin/sh\nexec sleep 100000\n' > "$1/$(printf "s%0${w}d" "$k")/run"
  done
  chmod 755 "$1"/*/run
  age_tree "$1"
}
if [ -n "$SUP_INITS" ]; then
  write_svcs "$SVC_TPL"
  sup_rootfs "$RFS_SUP"
  cp -a "$SVC_TPL" "$RFS_SUP/etc/services.d"
  case " $SUP_INITS " in
    *" rs6-tmpfs "*|*" s6-svscan-tmpfs "*)
      mkdir -p "$RFS_SUP_T"
      mount --bind "$RFS_SUP" "$RFS_SUP_T" || die "cannot bind-mount $RFS_SUP on $RFS_SUP_T"
      mount -t tmpfs -o mode=0755,size=64m rs6bench-sup-run "$RFS_SUP_T/run" || die "cannot mount a tmpfs on $RFS_SUP_T/run"
      ;;
  esac
fi
if [ -n "$RESTART_INITS" ]; then
  write_run "$FLAP_TPL/flap/run" 'exec /bench/benchhelper stamp /bench/out/stamps'
  age_tree "$FLAP_TPL"
  sup_rootfs "$RFS_RST"
fi

# The containers' environment: ENVX is put in front of every command that
# starts containers (nsprobe.py, the reap loop), so the inits see it.
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
    rs6|rs6-fresh) ARGV=(/init "$@") ;;
    rs6-tmpfs)   ARGV=(/init "$@"); ns=(unshare --pid --fork --kill-child --mount-proc --root="$RFS_T" --wd=/) ;;
    tini-static) ARGV=(/usr/bin/tini-static -- "$@") ;;
    dumb-init)   ARGV=(/usr/bin/dumb-init "$@") ;;
    catatonit)   ARGV=(/usr/bin/catatonit -- "$@") ;;
    none)        ARGV=("$@") ;;
    *) die "unknown init $n" ;;
  esac
  ARGV=("${ns[@]}" "${ARGV[@]}")
}

# shell-quote words (for the logs)
shq() { local s; for s in "$@"; do printf "'%s' " "$(printf %s "$s" | sed "s/'/'\\\\''/g")"; done; }

# trash -- a new directory under $TRASH. In the sup part, what a rep leaves
# on disk is moved there, not deleted: on ext4, creating inodes right after
# many were deleted is slow (the allocator skips inodes deleted in the last
# seconds: recently_deleted()), and the next container would pay for it.
# The trash is deleted at the end of the part.
TRASH=$WORK/trash
TRASH_N=0
trash() { TRASH_N=$((TRASH_N + 1)); mkdir -p "$TRASH/$TRASH_N"; T_DIR=$TRASH/$TRASH_N; }

# sup_argv NAME -- sets ARGV for the sup part: the container of supervisor
# NAME, after putting its root in the state a rep starts from (SUP_RUN=fresh:
# empty /run for rs6, fresh copies of the service dirs for the others; keep:
# whatever the previous rep left).
sup_argv() {
  local n=$1 root=$RFS_SUP scan=
  case $n in
    rs6)             ARGV=(/init) ;;
    rs6-tmpfs)       ARGV=(/init); root=$RFS_SUP_T ;;
    s6-svscan)       scan=/scan; ARGV=(/usr/bin/s6-svscan "$scan") ;;
    s6-svscan-tmpfs) scan=/run/scan; ARGV=(/usr/bin/s6-svscan "$scan"); root=$RFS_SUP_T ;;
    runsvdir)        scan=/rsv; ARGV=(/usr/bin/runsvdir "$scan") ;;
    floor)           scan=/floor; ARGV=(/bench/benchhelper spawn "$scan") ;;
    *) die "unknown supervisor $n" ;;
  esac
  if [ "$SUP_RUN" = image ]; then
    # a new image: its service dirs were just written (the old ones deleted,
    # as other containers do on a busy host), and /run is empty
    case $n in
      rs6) find "$root/run" -mindepth 1 -delete
           rm -rf "${root:?}/etc/services.d"; write_svcs "$root/etc/services.d" ;;
      rs6-tmpfs) find "$root/run" -mindepth 1 -delete
           rm -rf "${root:?}/etc/services.d"; write_svcs "$root/etc/services.d" ;;
      *) rm -rf "${root:?}$scan"; write_svcs "$root$scan" ;;
    esac
  elif [ "$SUP_RUN" = fresh ]; then
    case $n in
      rs6) trash; find "$root/run" -mindepth 1 -maxdepth 1 -exec mv -t "$T_DIR" {} + ;;
      rs6-tmpfs) find "$root/run" -mindepth 1 -delete ;;      # tmpfs: deleting is free
      s6-svscan-tmpfs) rm -rf "${root:?}$scan" ;;
      *) if [ -e "$root$scan" ]; then trash; mv "$root$scan" "$T_DIR/"; fi ;;
    esac
  fi
  if [ -n "$scan" ] && [ ! -d "$root$scan" ]; then cp -a "$SVC_TPL" "$root$scan"; fi
  ARGV=(unshare --pid --fork --kill-child --mount-proc --root="$root" --wd=/ "${ARGV[@]}")
}

# fs_desc DIR -- the type of DIR's filesystem; for ext4, whether it has a
# journal (without one, ext4 skips the inodes freed in the last minute when
# it makes one, and the disk rows pay for it: see README)
fs_desc() {
  local t dev
  t=$(df -T "$1" | awk 'NR==2{print $2}')
  dev=$(df "$1" | awk 'NR==2{print $1}')
  # a mounted ext4 with a journal has a jbd2 thread listed in /proc/fs/jbd2
  if [ "$t" = ext4 ] && [ -d /proc/fs/ext4/"${dev##*/}" ]; then
    if [ -d /proc/fs/jbd2/"${dev##*/}"-8 ]; then t="$t (journal)"; else t="$t (no journal)"; fi
  fi
  echo "$t"
}

machine_info() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
  echo "- date: $(date -u +%FT%TZ); kernel $(uname -r); $(nproc) CPUs (${cpu:-?}); $(awk '/MemTotal/{printf "%d MiB", $2/1024}' /proc/meminfo)"
  echo "- rs6: $RS6_BIN ($(stat -c %s "$RS6_BIN") bytes), git $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')"
  echo "- versions: tini $(dpkg-query -W -f '${Version}' tini 2>/dev/null || echo '?'), dumb-init $(dpkg-query -W -f '${Version}' dumb-init 2>/dev/null || echo '?'), catatonit $(dpkg-query -W -f '${Version}' catatonit 2>/dev/null || echo '?'), s6 $(dpkg-query -W -f '${Version}' s6 2>/dev/null || echo '?'), runit $(dpkg-query -W -f '${Version}' runit 2>/dev/null || echo '?'), busybox $(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo '?'), python3 $("$PY" -c 'import platform; print(platform.python_version())')"
  echo "- loadavg (1/5/15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- containers: rootfs and /run on $(fs_desc "$RFS")$(case " $INITS " in *" rs6-tmpfs "*) echo " (rs6-tmpfs: /run on tmpfs)" ;; esac); environment: $CONTAINER_ENV ($("${ENVX[@]}" env | grep -c =) variables)"
  local d=()
  has_part latency && d+=("latency ${LAT_ROUNDS}x${LAT_RUNS} runs (warmup $LAT_WARMUP)")
  has_part reap && d+=("reap N=$REAP_N x $REAP_REPS reps")
  has_part signal && d+=("signal $SIG_REPS reps (timeout ${SIG_TIMEOUT}s)")
  has_part rss && d+=("rss $RSS_REPS reps")
  has_part sup && d+=("sup $SUP_N services x $SUP_REPS reps (settle ${SUP_SETTLE}s, SUP_RUN=$SUP_RUN$([ "$SUP_BUSY" = 0 ] || echo ", SUP_BUSY=$SUP_BUSY: that many processes spinning on the CPUs"))")
  has_part restart && d+=("restart window ${RESTART_S}s")
  local j; j=$(printf '%s; ' "${d[@]}")
  echo "- parts: ${PARTS[*]}; ${QUICK:+QUICK=1; }${j%; }"
}

# the machine's load (1/5/15 min) at the start and the end of each part
: > "$RAW/load.txt"
load_mark() { echo "$1 $2 $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/load.txt"; }

log "parts: ${PARTS[*]}; inits: $INITS${SUP_INITS:+; supervisors: $SUP_INITS}${RESTART_INITS:+; restart: $RESTART_INITS}; work dir $WORK"
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
  load_mark latency start
  rm -f "$RAW"/latency.*
  # every init runs once per turn, in an order that rotates from turn to
  # turn: a change of the machine's load hits them all alike
  spec=$WORK/latency.spec.json
  for i in $INITS; do
    init_argv "$i" /bin/true
    empty=; [ "$i" = rs6-fresh ] && empty=$RFS/run
    echo "latency $i: $(shq "${ARGV[@]}")${empty:+ (after emptying $empty)}" >> "$RAW/commands.txt"
    "$PY" -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "empty": sys.argv[2] or None, "argv": sys.argv[3:]}))' \
      "$i" "$empty" "${ARGV[@]}"
  done | "$PY" -c 'import json, sys; json.dump([json.loads(l) for l in sys.stdin], sys.stdout)' > "$spec"
  trash; lat_trash=$T_DIR
  for ((r = 1; r <= LAT_ROUNDS; r++)); do
    log "latency: round $r/$LAT_ROUNDS ($LAT_RUNS runs per init, interleaved)"
    run "${ENVX[@]}" "$PY" "$BENCH_DIR/nsprobe.py" latency --runs "$LAT_RUNS" --warmup "$LAT_WARMUP" \
        --trash "$lat_trash" "$spec" >> "$RAW/latency.jsonl" || die "nsprobe.py latency failed"
  done
  rm -rf --one-file-system "$lat_trash"
fi

has_part latency && load_mark latency end

# ------------------------------------------------------------ 2. reap
if has_part reap; then
  load_mark reap start
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

has_part reap && load_mark reap end

# ------------------------------------------------------------ 3. signal
if has_part signal; then
  load_mark signal start
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

has_part signal && load_mark signal end

# ------------------------------------------------------------ 4. rss
if has_part rss; then
  load_mark rss start
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

has_part rss && load_mark rss end

# ------------------------------------------------------------ 5. sup
if has_part sup; then
  load_mark sup start
  : > "$RAW/sup.jsonl"
  for i in $SUP_INITS; do : > "$RAW/sup.$i.stderr"; done
  : > "$RAW/sup.fs.jsonl"
  BUSY_PIDS=()
  for ((k = 0; k < SUP_BUSY; k++)); do
    "$HELPER" busy &
    BUSY_PIDS+=("$!")
    BENCH_PIDS+=("$!")
  done
  for ((r = 1; r <= SUP_REPS; r++)); do
    # the state of the disk: cost of creating inodes next to the rootfs
    trash
    "$PY" "$BENCH_DIR/nsprobe.py" fsprobe "$T_DIR/fsprobe" | sed "s/^{/{\"rep\": $r, /" >> "$RAW/sup.fs.jsonl"
    for i in $SUP_INITS; do        # interleave the supervisors within each rep
      sup_argv "$i"
      [ "$r" = 1 ] && echo "sup $i: $(shq "${ARGV[@]}")" >> "$RAW/commands.txt"
      echo "--- rep $r" >> "$RAW/sup.$i.stderr"
      run "${ENVX[@]}" "$PY" "$BENCH_DIR/nsprobe.py" supervise --count "$SUP_N" --settle "$SUP_SETTLE" \
          --stop-timeout "$SUP_STOP_TIMEOUT" --stderr "$RAW/sup.$i.stderr" -- "${ARGV[@]}" > "$WORK/sup.out" \
        || die "nsprobe.py supervise failed"
      sed "s/^{\"rep\": 0, /{\"init\": \"$i\", \"rep\": $r, /" "$WORK/sup.out" >> "$RAW/sup.jsonl"
    done
    log "sup: rep $r/$SUP_REPS done"
  done
  rm -rf --one-file-system "$TRASH"
  for p in "${BUSY_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
fi

has_part sup && load_mark sup end

# ------------------------------------------------------------ 6. restart
if has_part restart; then
  load_mark restart start
  for i in $RESTART_INITS; do
    case $i in
      rs6)       d=/etc/services.d; a=(/init) ;;
      s6-svscan) d=/scan; a=(/usr/bin/s6-svscan "$d") ;;
      runsvdir)  d=/rsv; a=(/usr/bin/runsvdir "$d") ;;
      *) die "RESTART_INITS: '$i' not supported (rs6 s6-svscan runsvdir)" ;;
    esac
    rm -rf "${RFS_RST:?}$d" "$RFS_RST/bench/out/stamps"
    find "$RFS_RST/run" -mindepth 1 -delete
    mkdir -p "$RFS_RST$d"
    cp -a "$FLAP_TPL/flap" "$RFS_RST$d/flap"
    age_tree "$RFS_RST$d"           # the scan dir too: runsvdir waits 1 s on a new one
    ARGV=(unshare --pid --fork --kill-child --mount-proc --root="$RFS_RST" --wd=/ "${a[@]}")
    echo "restart $i: $(shq "${ARGV[@]}")  # service flap/run: exec /bench/benchhelper stamp /bench/out/stamps" >> "$RAW/commands.txt"
    log "restart: $i (${RESTART_S}s)"
    "${ENVX[@]}" "${ARGV[@]}" </dev/null >/dev/null 2>"$RAW/restart.$i.stderr" &
    p=$!
    BENCH_PIDS+=("$p")
    sleep "$RESTART_S"
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    unset 'BENCH_PIDS[${#BENCH_PIDS[@]}-1]'
    cp "$RFS_RST/bench/out/stamps" "$RAW/restart.$i.stamps" 2>/dev/null || : > "$RAW/restart.$i.stamps"
  done
fi

has_part restart && load_mark restart end

# ------------------------------------------------------------ report
{
  echo "# rs6 benchmark: rs6 vs tini-static, dumb-init, catatonit, no init; rs6 vs s6-svscan and runsvdir"
  echo
  machine_info
  echo
  "$PY" "$BENCH_DIR/summarize.py" "$RAW" "$INITS" "${PARTS[*]}" "$SUP_INITS" "$RESTART_INITS" "$SUP_N" "$RESTART_S"
  echo "Exact command lines: \`results/raw/commands.txt\`; raw data next to it."
} > "$WORK/latest.md" || die "summary failed"
cp "$WORK/latest.md" "$RESULTS_DIR/latest.md"
cat "$WORK/latest.md"
log "written $RESULTS_DIR/latest.md"
