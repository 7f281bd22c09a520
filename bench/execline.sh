#!/usr/bin/env bash
# execline: rs6's execlineb and commands next to Debian's execline, in one run.
#
#   bench/execline.sh            (RUNS=300 by default; QUICK=1 for a smoke run)
#
# Rows (each run with hyperfine -N, no shell, on the same machine, interleaved
# in one hyperfine call so that load affects both alike):
#   chain    `execlineb -c` on a chain of 20 builtins ending in `true` (/usr/bin/true)
#            (export, define, importas, fdmove, umask, cd, unexport, ...)
#   runscript `execlineb -P ./run` where run is `fdmove -c 2 1` then `exec` of
#            a static program that exits at its first instruction: the time
#            from the exec of execlineb to the program's start, plus one
#            tiny exit.
# rs6 gets a directory of links to target/release/rs6 first on PATH; Debian's
# execline gets /usr/lib/execline/bin first (its execlineb run directly, not
# the /usr/bin wrapper script). Results: stdout and bench/results/execline.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RUNS=${RUNS:-300}
[ -n "${QUICK:-}" ] && RUNS=30
command -v hyperfine >/dev/null || { echo "hyperfine missing (apt-get install -y hyperfine)" >&2; exit 1; }
[ -x /usr/lib/execline/bin/execlineb ] || { echo "Debian's execline missing (apt-get install -y execline)" >&2; exit 1; }
RS6=${RS6_BIN:-$REPO/target/release/rs6}
[ -n "${RS6_BIN:-}" ] || (cd "$REPO" && cargo build --release >&2)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir "$W/bin"
for n in $("$RS6" --list); do ln -s "$RS6" "$W/bin/$n"; done
# A static program that exits 0 at its first instruction.
printf '.globl _start\n_start:\n mov $60, %%eax\n xor %%edi, %%edi\n syscall\n' > "$W/first.s"
gcc -nostdlib -static -o "$W/first" "$W/first.s"
CHAIN='export A 1 export B 2 define C 3 importas a A importas b B unexport B fdmove -c 3 1 fdclose 3 umask 022 cd / export D $C define E e multisubstitute { define F f importas G A } export H $a emptyenv -p export I i getpid P fdmove -c 2 1 export J j define K k true'
printf '#!/usr/bin/execlineb -P\nfdmove -c 2 1\n%s\n' "$W/first" > "$W/run"
DEBP=/usr/lib/execline/bin:/usr/bin:/bin
OURP=$W/bin:/usr/bin:/bin
# Both sides must do the same thing.
for p in "$DEBP" "$OURP"; do
  env -i PATH="$p" execlineb -c "$CHAIN" && env -i PATH="$p" execlineb -P "$W/run"
done
cd "$W"
# One hyperfine per side, each started with only PATH in its environment
# (so nothing but execlineb itself is timed); chain and run script alternate.
for row in chain run; do
  for side in debian rs6; do
    if [ $side = debian ]; then p=$DEBP; eb=/usr/lib/execline/bin/execlineb; else p=$OURP; eb=$W/bin/execlineb; fi
    if [ $row = chain ]; then cmd="$eb -c '$CHAIN'"; else cmd="$eb -P $W/run"; fi
    env -i PATH="$p" hyperfine -N --runs "$RUNS" --warmup 20 --export-json "$W/$row-$side.json" -n "$side $row" "$cmd" >&2
  done
done
python3 - "$W" <<'PY' | tee "$BENCH_DIR/results/execline.md"
import json, sys
w = sys.argv[1]
print("| row | Debian execline 2.9.3 (median µs) | rs6 (median µs) | rs6 / Debian | speed-up |")
print("|---|---|---|---|---|")
for row, name in (("chain", "chain of 20 builtins + true"), ("run", "run script to program start")):
    d = json.load(open(f"{w}/{row}-debian.json"))["results"][0]["median"] * 1e6
    o = json.load(open(f"{w}/{row}-rs6.json"))["results"][0]["median"] * 1e6
    print(f"| {name} | {d:.0f} | {o:.0f} | {o / d:.2f} | {d / o:.1f}x |")
PY
