#!/bin/sh
# s6-overlay v3's service tree under rs6: 20 oneshots (a chain) + 30 longruns
# (each depending on one oneshot) brought up, the CMD run, all brought down,
# against the spawn-only floor (`spawn`: the same processes started in the
# same order by cont-init.d scripts, nothing supervised) and rs6's v2 path
# (`floor`: the same 20 scripts as cont-init.d, the 30 longruns as
# services.d). Measured by bench/rcperf.py, the roots interleaved run by
# run:
#   - start -> CMD running (the CMD starts once everything is up) and the
#     CMD's end -> container gone (the stop, when every process dies at once
#     on TERM), min/median, differences and ratios to the floor;
#   - PID 1's VmRSS/Pss with everything up and PID 1 idle, SIGTERM -> gone;
#   - reading and resolving a 100-service tree (`s6-rc-db check`, against
#     `s6-rc-db help` in the same chroot).
#
#   bench/rc.sh            (needs root, gcc, busybox-static; RUNS=30)
#
# A oneshot runs `/command/execlineb -Pc true`; a cont-init.d script of the
# floor is `#!/command/execlineb -P` then `true`: the same work.
#
# The roots live on a tmpfs (/dev/shm): a disk-backed /run's inode churn
# would dominate the numbers (see README, "Why two rs6 rows").
set -eu
RS6=${RS6_BIN:-$(cd "$(dirname "$0")/.." && pwd)/target/release/rs6}
LIB=$(cd "$(dirname "$0")/../tests/lib" && pwd)
T=$(mktemp -d ${BENCH_TMP:-/dev/shm}/rs6-rcbench.XXXXXX)
gcc -O2 -static -o $T/benchhelper "$(dirname "$0")/benchhelper.c"
[ -n "${KEEP:-}" ] && echo "roots: $T" || trap 'rm -rf "$T"' EXIT
mkroot() {
    r=$1
    sh "$LIB/mkroot" --dev null --install "$RS6" $r proc dev tmp etc run var >/dev/null
    if ! "$RS6" --list | grep -qx execlineb; then
        printf '#!/bin/sh\n[ "$1" = -Pc ] && shift\nexec /bin/sh -c "$1"\n' > $r/command/execlineb
        chmod +x $r/command/execlineb
    fi
}
mkroot $T/v3; mkroot $T/floor; mkroot $T/spawn
R=$T/v3/etc/s6-overlay/s6-rc.d U=$T/v3/etc/s6-overlay/user-bundles.d/user/contents.d
mkdir -p $U
for i in $(seq 1 20); do
    mkdir -p $R/o$i/dependencies.d; echo oneshot > $R/o$i/type; echo true > $R/o$i/up
    [ $i -gt 1 ] && touch $R/o$i/dependencies.d/o$((i-1)); touch $U/o$i
done
mkdir -p $T/floor/etc/cont-init.d $T/floor/etc/services.d
for i in $(seq -w 1 20); do printf '#!/command/execlineb -P\ntrue\n' > $T/floor/etc/cont-init.d/$i; chmod +x $T/floor/etc/cont-init.d/$i; done
for i in $(seq 1 30); do
    mkdir -p $R/l$i/dependencies.d; echo longrun > $R/l$i/type
    printf '#!/bin/sh\nexec sleep 1000\n' > $R/l$i/run; chmod +x $R/l$i/run
    touch $R/l$i/dependencies.d/o$(( (i % 20) + 1 )) $U/l$i
    mkdir -p $T/floor/etc/services.d/l$i; cp $R/l$i/run $T/floor/etc/services.d/l$i/run
done
# The spawn-only floor: the same processes in the same order, nothing
# supervised, nothing resolved: cont-init.d script i starts (`background`)
# the longruns that depend on oneshot i-1 (the last one those of 20 too),
# then runs oneshot i's `true`.
mkdir -p $T/spawn/etc/cont-init.d $T/spawn/srv
for i in $(seq 1 20); do
    f=$T/spawn/etc/cont-init.d/$(printf %02d $i)
    echo '#!/command/execlineb -P' > $f
    for j in $(seq 1 30); do
        d=$(( (j % 20) + 1 ))
        if [ $d = $(( i - 1 )) ] || { [ $i = 20 ] && [ $d = 20 ]; }; then echo "background { /srv/l$j }" >> $f; fi
    done
    echo true >> $f; chmod +x $f
done
for j in $(seq 1 30); do cp $R/l$j/run $T/spawn/srv/l$j; done
for r in floor v3 spawn; do mkdir -p $T/$r/bench; cp $T/benchhelper $T/$r/bench/; done
# 100 services to parse: 40 oneshots, 50 longruns, 10 bundles, with
# dependencies, timeouts and notification-fd files.
mkroot $T/p100
P=$T/p100/etc/s6-overlay/s6-rc.d
for i in $(seq 1 40); do
    mkdir -p $P/os$i/dependencies.d; echo oneshot > $P/os$i/type; echo "foreground { echo up $i } true" > $P/os$i/up
    echo "echo down" > $P/os$i/down; echo 5000 > $P/os$i/timeout-up
    [ $i -gt 1 ] && touch $P/os$i/dependencies.d/os$((i-1))
done
for i in $(seq 1 50); do
    mkdir -p $P/lr$i/dependencies.d; echo longrun > $P/lr$i/type
    printf '#!/bin/sh\nexec sleep 1000\n' > $P/lr$i/run; touch $P/lr$i/dependencies.d/os$(( (i % 40) + 1 ))
    [ $((i % 5)) = 0 ] && echo 3 > $P/lr$i/notification-fd
done
for i in $(seq 1 10); do
    mkdir -p $P/b$i/contents.d; echo bundle > $P/b$i/type
    for j in 1 2 3 4 5; do touch $P/b$i/contents.d/lr$(( (i - 1) * 5 + j )); done
done
mkdir -p $T/p100/run/s6/rc
echo /etc/s6-overlay/s6-rc.d > $T/p100/run/s6/rc/sources
: > $T/p100/run/s6/rc/state
B=$(dirname "$0")/rcperf.py
echo "== boot: 20 oneshots + 30 longruns, $(date -u '+%F %T UTC'), $(nproc) CPUs"
RC_ROOTS=spawn,v3,floor python3 $B boot $T ${RUNS:-30}
echo "== idle"
RC_ROOTS=spawn,v3,floor python3 $B idle $T ${MEMRUNS:-5}
echo "== parse: 100 services"
python3 $B parse $T/p100 ${PARSERUNS:-300}
