#!/usr/bin/env bash
# Logging row: 1,000,000 lines of 100 bytes through `s6-log n20 s1000000 T DIR`,
# Debian's /usr/bin/s6-log next to ours (same script, same fsync discipline:
# fsync of current at each rotation and at exit), on disk and on a tmpfs
# (private mount namespace). Prints seconds (best of RUNS), lines/s, max RSS,
# and checks that the logdirs keep the same lines and number of archives.
#
#   sudo bench/logging.sh            env: LINES (1000000) RUNS (3) RS6_BIN
set -euo pipefail
if [ -z "${_IN_MNTNS:-}" ]; then
  export _IN_MNTNS=1
  exec unshare --mount --propagation private bash "$0" "$@"
fi
cd "$(dirname "$0")/.."
RS6=${RS6_BIN:-target/release/rs6}
[ -x "$RS6" ] || cargo build --release
LINES=${LINES:-1000000}; RUNS=${RUNS:-3}
W=$(mktemp -d /var/tmp/rs6-logbench.XXXXXX); trap 'umount "$W/tmpfs" 2>/dev/null; rm -rf "$W"' EXIT
python3 -c "
import sys
fill = 'x' * 90
with open('$W/in', 'w') as f:
    for i in range(1, $LINES + 1): f.write(f'L{i:07d} {fill}\n')"
mkdir -p "$W/disk" "$W/tmpfs"; mount -t tmpfs -o size=1g tmpfs "$W/tmpfs"
echo "| logger | fs | best s | lines/s | max RSS KiB | archives | lines kept |"
echo "|---|---|---|---|---|---|---|"
for fs in disk tmpfs; do
  for who in s6-log ours; do
    if [ $who = s6-log ]; then cmd=(/usr/bin/s6-log); else cmd=("$RS6" s6-log); fi
    best=; rss=
    for r in $(seq "$RUNS"); do
      d=$W/$fs/$who; rm -rf "$d"
      out=$( { /usr/bin/time -f "%e %M" "${cmd[@]}" n20 s1000000 T "$d" < "$W/in"; } 2>&1 | tail -1)
      t=${out% *}; m=${out#* }
      if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
      if [ -z "$rss" ] || [ "$m" -gt "$rss" ]; then rss=$m; fi
    done
    n=$(ls "$d" | grep -c '^@' || true)
    # The lines kept, stamps removed.
    # The lines kept, stamps removed: a run of consecutive lines ending at
    # the last one (archive sizes differ: s6-log's writes can overshoot s).
    kept=$( (ls "$d" | grep '^@' | sort; echo current) | while read -r f; do cat "$d/$f"; done | cut -d' ' -f4 |
      awk -v last="$LINES" 'NR==1{n=substr($1,2)+0} {if (substr($1,2)+0 != n) bad=1; n++} END{print (bad || n-1 != last) ? "BAD" : NR}')
    rate=$(awk "BEGIN{printf \"%d\", $LINES / ($best > 0 ? $best : 0.001)}")
    echo "| $who | $fs | $best | $rate | $rss | $n | $kept |"
  done
done
