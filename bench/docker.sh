#!/bin/sh
# bench/docker.sh: rs6 in Docker, timed. Starts a private engine as
# tests/docker/run does (vfs, no network, own socket and roots), builds
# FROM scratch images (busybox + the dist/out tarball), and reports medians
# of N runs (N=${N:-7}):
#   docker stop of rs6 with 10 services and a sleeping CMD, next to
#   Docker's floor: `docker run --init` (Docker's tini) with a bare sleep;
#   docker run --rm IMG true with those 10 services, next to --init true.
# Needs root. Prints a markdown table and writes it to bench/results/docker.md.
set -eu
cd "$(dirname "$0")/.."
N=${N:-7}
command -v dockerd >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
# Always the tarball of this tree (make-tarballs builds first).
dist/make-tarballs >/dev/null
D=$(mktemp -d /tmp/rs6-dbench.XXXXXX)
dpid=""
cleanup() {
    if [ -n "$dpid" ]; then
        docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
        kill "$dpid" 2>/dev/null; i=0
        while kill -0 "$dpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
    fi
    rm -rf "$D"
}
trap cleanup EXIT
export DOCKER_HOST="unix://$D/sock" DOCKER_BUILDKIT=0
dockerd -H "$DOCKER_HOST" --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/pid" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs > "$D/log" 2>&1 &
dpid=$!
i=0; until docker info >/dev/null 2>&1; do
    i=$((i+1)); [ $i -lt 120 ] && kill -0 "$dpid" 2>/dev/null || { echo "bench/docker: the engine did not start"; tail "$D/log"; exit 1; }
    sleep 0.25; done
C=$D/ctx
sh tests/lib/mkroot "$C/root" etc tmp var
for n in 0 1 2 3 4 5 6 7 8 9; do
    mkdir -p "$C/root/etc/services.d/s$n"
    printf '#!/bin/sh\nexec sleep 1000\n' > "$C/root/etc/services.d/s$n/run"
    chmod 755 "$C/root/etc/services.d/s$n/run"
done
cp dist/out/rs6-overlay-x86_64.tar.xz "$C/"
printf 'FROM scratch\nCOPY root/ /\nADD rs6-overlay-x86_64.tar.xz /\nENTRYPOINT ["/init"]\n' > "$C/Dockerfile"
docker build -q -t rs6-10svc "$C" >/dev/null 2>&1
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
stop_once() { # file, docker run args...: one docker stop, its ms appended to file
    f=$1; shift
    c=$(docker run -d --network none "$@")
    i=0; until [ "$(docker inspect -f '{{.State.Running}}' "$c")" = true ]; do i=$((i+1)); [ $i -lt 200 ] || break; sleep 0.05; done
    sleep 1   # services up, CMD asleep
    t0=$(date +%s%N); docker stop -t 10 "$c" >/dev/null; ms "$t0" >> "$f"
    docker inspect -f '{{.State.ExitCode}}' "$c" > "$f.code"; docker rm "$c" >/dev/null
}
row() { # label file
    echo "| $1 | $(median < "$2") ms | $(sort -n "$2" | head -n1)–$(sort -n "$2" | tail -n1) ms | $(cat "$2.code") |"
}
stop_rows() { # floor and rs6 alternate, so that a change of load hits both
    : > "$D/floor"; : > "$D/rs6"; : > "$D/rs6t"
    for k in $(seq "$N"); do
        stop_once "$D/floor" --init --entrypoint sleep rs6-10svc 1000
        stop_once "$D/rs6" rs6-10svc sleep 1000
        stop_once "$D/rs6t" --tmpfs /run rs6-10svc sleep 1000
    done
    row "docker stop: floor (--init, Docker's tini, bare sleep CMD)" "$D/floor"
    row "docker stop: rs6, 10 services + sleeping CMD (/run on the image's vfs layer)" "$D/rs6"
    row "docker stop: rs6, 10 services + sleeping CMD, --tmpfs /run" "$D/rs6t"
}
run_runs() { # label, docker run args...
    label=$1; shift
    : > "$D/t"
    for k in $(seq "$N"); do
        t0=$(date +%s%N); set +e; docker run --rm --network none "$@" >/dev/null 2>&1; code=$?; set -e; ms "$t0" >> "$D/t"
    done
    echo "| docker run --rm: $label | $(median < "$D/t") ms | $(sort -n "$D/t" | head -n1)–$(sort -n "$D/t" | tail -n1) ms | $code |"
}
{
echo "Docker $(docker version -f '{{.Server.Version}}'), vfs, --network none, $N runs each, $(date -u +%Y-%m-%d)"
echo
echo "| what | median | range | exit code |"
echo "|---|---|---|---|"
stop_rows
run_runs "rs6, 10 services, CMD true" rs6-10svc true
run_runs "--init (Docker's tini), bare true" --init --entrypoint true rs6-10svc
} | tee "$D/report"
mkdir -p bench/results
cp "$D/report" bench/results/docker.md
