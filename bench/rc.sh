#!/bin/sh
# s6-overlay v3's service tree under rs6: 20 oneshots (a chain) + 30 longruns
# (each depending on one oneshot) brought up, the CMD (`true`) run, all brought
# down, against the spawn-only floor: the same 20 scripts as cont-init.d and
# the same 30 longruns as services.d. Also PID 1's RSS/PSS with the services up.
#
#   bench/rc.sh            (needs root, hyperfine, busybox-static)
#
# Oneshots run `/command/execlineb -Pc true`; without an execlineb applet in
# rs6, a shell stand-in is installed (the floor's scripts then exec a shell
# too, so both sides pay the same).
set -eu
RS6=${RS6_BIN:-$(cd "$(dirname "$0")/.." && pwd)/target/release/rs6}
LIB=$(cd "$(dirname "$0")/../tests/lib" && pwd)
T=$(mktemp -d /tmp/rs6-rcbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkroot() {
    r=$1
    sh "$LIB/mkroot" --dev null --install "$RS6" $r proc dev tmp etc run var >/dev/null
    if ! "$RS6" --list | grep -qx execlineb; then
        printf '#!/bin/sh\n[ "$1" = -Pc ] && shift\nexec /bin/sh -c "$1"\n' > $r/command/execlineb
        chmod +x $r/command/execlineb
    fi
}
mkroot $T/v3; mkroot $T/floor
R=$T/v3/etc/s6-overlay/s6-rc.d U=$T/v3/etc/s6-overlay/user-bundles.d/user/contents.d
mkdir -p $U
for i in $(seq 1 20); do
    mkdir -p $R/o$i/dependencies.d; echo oneshot > $R/o$i/type; echo true > $R/o$i/up
    [ $i -gt 1 ] && touch $R/o$i/dependencies.d/o$((i-1)); touch $U/o$i
done
mkdir -p $T/floor/etc/cont-init.d $T/floor/etc/services.d
for i in $(seq -w 1 20); do printf '#!/bin/sh\nexec /bin/sh -c true\n' > $T/floor/etc/cont-init.d/$i; chmod +x $T/floor/etc/cont-init.d/$i; done
for i in $(seq 1 30); do
    mkdir -p $R/l$i/dependencies.d; echo longrun > $R/l$i/type
    printf '#!/bin/sh\nexec sleep 1000\n' > $R/l$i/run; chmod +x $R/l$i/run
    touch $R/l$i/dependencies.d/o$(( (i % 20) + 1 )) $U/l$i
    mkdir -p $T/floor/etc/services.d/l$i; cp $R/l$i/run $T/floor/etc/services.d/l$i/run
done
run() { echo "unshare --pid --fork --kill-child --mount-proc --mount --root=$T/$1 --wd=/ /init $2"; }
hyperfine -N -w 3 -r ${RUNS:-30} -n floor "$(run floor true)" -n v3-tree "$(run v3 true)"
for r in floor v3; do
    env S6_VERBOSITY=1 $(run $r "sleep 3") 2>/dev/null & u=$!
    sleep 1.5
    p=$(cut -d' ' -f1 /proc/$u/task/$u/children)
    echo "$r: PID 1 $(grep VmRSS /proc/$p/status | tr -s ' \t' ' ') $(grep '^Pss:' /proc/$p/smaps_rollup | tr -s ' ' ' ')"
    wait $u
done
