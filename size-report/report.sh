#!/usr/bin/env bash
# Size report for the rs6 binary.
#
#   size-report/report.sh            build, report, check the budget
#   NO_BUILD=1 size-report/report.sh report on the binaries already built
#
# Builds target/release/rs6 (stripped, what ships) and target/symbols/rs6 (the
# same build, unstripped: `[profile.symbols]` in Cargo.toml), then prints
#   * the stripped size of target/release/rs6 against the budget,
#   * the size of each section,
#   * the 30 largest symbols (from target/symbols/rs6, demangled),
#   * the hard limits on both arches: binary <= 128 KiB, .tar.xz <= 64 KiB
#     (runs dist/make-tarballs, which builds the aarch64 binary too).
# Exit status: 0 when the stripped x86_64 binary fits in the budget (first line
# of size-report/budget, in bytes), 1 when it is larger, 2 on any other error.
# On another architecture the sizes are reported but the budget is not
# enforced (it was set for x86_64).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
export LC_ALL=C

die() { echo "size-report: error: $*" >&2; exit 2; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found (${2:-install it})"; }

need cargo "install a Rust toolchain"
need nm "apt-get install -y binutils"
need size "apt-get install -y binutils"
need readelf "apt-get install -y binutils"
need objcopy "apt-get install -y binutils"

BUDGET_FILE=$HERE/budget
[ -r "$BUDGET_FILE" ] || die "missing $BUDGET_FILE"
BUDGET=$(head -n1 "$BUDGET_FILE" | tr -d '[:space:]')
[[ $BUDGET =~ ^[0-9]+$ ]] || die "first line of $BUDGET_FILE must be a number of bytes, got '$BUDGET'"

REL=target/release/rs6
SYM=target/symbols/rs6

if [ -z "${NO_BUILD:-}" ]; then
  echo "== building (cargo build --release; cargo build --profile symbols)"
  cargo build --release --quiet || die "cargo build --release failed"
  cargo build --profile symbols --quiet || die "cargo build --profile symbols failed"
fi
[ -f "$REL" ] || die "$REL not found (build first, or unset NO_BUILD)"
[ -f "$SYM" ] || die "$SYM not found (build first, or unset NO_BUILD)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rs6-size.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The release profile strips already; strip a copy anyway so the number is the
# stripped size even if the profile changes.
objcopy --strip-all "$REL" "$TMP/rs6.stripped" || die "objcopy --strip-all $REL failed"
ON_DISK=$(stat -c %s "$REL")
STRIPPED=$(stat -c %s "$TMP/rs6.stripped")
UNSTRIPPED=$(stat -c %s "$SYM")
MACHINE=$(readelf -h "$REL" | sed -n 's/^ *Machine: *//p')
PCT=$(( (STRIPPED * 100 + BUDGET / 2) / BUDGET ))

echo
echo "== size"
echo "rs6 stripped: $STRIPPED bytes (budget $BUDGET, $PCT%)"
echo "  $REL on disk: $ON_DISK bytes; $SYM (unstripped): $UNSTRIPPED bytes"
echo "  machine: $MACHINE"
echo "  $(file -b "$REL" 2>/dev/null || true)"

echo
echo "== sections of $REL (bytes, size -A)"
size -A -d "$REL" | awk 'NR > 2 && NF >= 2 { printf "  %-16s %8s\n", $1, $2 }'

echo
echo "== 30 largest symbols of $SYM (bytes, type, demangled name)"
# nm -S --size-sort: ascending; keep the last 30, print largest first.
nm -S --size-sort -C --radix=d "$SYM" \
  | awk 'NF >= 4 { size = $2 + 0; type = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "%8d  %s  %s\n", size, type, $0 }' \
  | tail -n 30 | sort -rn -k1,1
TOTAL_SYM=$(nm -S -C --radix=d "$SYM" | awk 'NF >= 4 && $3 ~ /^[tTrRdDbB]$/ { s += $2 } END { print s + 0 }')
echo "  (all sized symbols: $TOTAL_SYM bytes)"

echo
# The product's targets on both architectures: the binary (release profile,
# stripped) <= 128 KiB, its .tar.xz <= 64 KiB. A target that does not hold
# is reported loudly; what fails the check is growth past the budget file's
# lines 2 and 3 (aarch64 binary, largest .tar.xz), which record the sizes
# accepted so far, as line 1 does for the x86_64 binary.
echo "== targets: binary <= 131072 bytes, .tar.xz <= 65536 bytes, per arch"
"$ROOT/dist/make-tarballs" >/dev/null || die "dist/make-tarballs failed"
A64_BUDGET=$(sed -n 2p "$BUDGET_FILE" | tr -d '[:space:]')
XZ_BUDGET=$(sed -n 3p "$BUDGET_FILE" | tr -d '[:space:]')
[[ $A64_BUDGET =~ ^[0-9]+$ && $XZ_BUDGET =~ ^[0-9]+$ ]] || die "lines 2 and 3 of $BUDGET_FILE must be byte counts (aarch64 binary, .tar.xz)"
HARD_FAIL=0
for arch in x86_64 aarch64; do
  case $arch in x86_64) b=$REL ;; aarch64) b=target/aarch64-unknown-linux-musl/release/rs6 ;; esac
  bs=$(stat -c %s "$b"); xs=$(stat -c %s "dist/out/rs6-overlay-$arch.tar.xz")
  echo "  $arch: binary $bs bytes, rs6-overlay-$arch.tar.xz $xs bytes"
  [ "$bs" -le 131072 ] || echo "  TARGET NOT MET: $b is $bs bytes, over 131072"
  [ "$xs" -le 65536 ] || echo "  TARGET NOT MET: rs6-overlay-$arch.tar.xz is $xs bytes, over 65536"
  [ "$xs" -le "$XZ_BUDGET" ] || { echo "FAIL: rs6-overlay-$arch.tar.xz is $xs bytes, over the budget of $XZ_BUDGET" >&2; HARD_FAIL=1; }
  if [ $arch = aarch64 ] && [ "$bs" -gt "$A64_BUDGET" ]; then
    echo "FAIL: $b is $bs bytes, over the budget of $A64_BUDGET" >&2; HARD_FAIL=1
  fi
done
[ "$HARD_FAIL" -eq 0 ] || exit 1
echo
if [ "$MACHINE" != "Advanced Micro Devices X86-64" ]; then
  echo "budget: not enforced on $MACHINE (the budget is for x86_64)"
  exit 0
fi
if [ "$STRIPPED" -gt "$BUDGET" ]; then
  echo "FAIL: rs6 stripped is $STRIPPED bytes, $(( STRIPPED - BUDGET )) bytes over the budget of $BUDGET bytes ($BUDGET_FILE)" >&2
  exit 1
fi
echo "OK: rs6 stripped is $STRIPPED bytes, $(( BUDGET - STRIPPED )) bytes under the budget of $BUDGET bytes"
