#!/usr/bin/env bash
# Benchmark of hashing (SHA-256) and the marker scan, paired and repeated
# (scripts/bench-lib.sh), against the usual tools run on every core.
#
# By default only issue 21's comparison (a DONE-WHEN line says whether it is met):
#   timaudit scan of FILES files of 64 KiB  vs  find | xargs -0 -P$(nproc) -n500 openssl dgst -sha256
# target: timaudit's throughput ≥ 0.8 × openssl's (distinct random contents, 1000
# per folder; each file is read whole by the marker scan, the default
# content_scan_bytes). With EXTRA=1 also:
#   timaudit scan                         vs find | xargs -0 -P$(nproc) -n500 sha256sum
#   timaudit scan, content scan off       vs the same openssl
#   LARGE files of LARGE_MIB MiB          vs xargs -P$(nproc) -n1 openssl dgst -sha256
#
# Usage: scripts/bench-hash.sh [FILES] [LARGE] [LARGE_MIB]   (default 10000 2 256)
# RUNS=N (default 5); BENCH_DIR=… keeps the files; BIN=… a prebuilt binary.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
command -v openssl >/dev/null || { echo "needs openssl" >&2; exit 2; }

FILES=${1:-10000}
LARGE=${2:-2}
LARGE_MIB=${3:-256}
P=$(nproc)
bench_setup

T=$ROOT/m64k_$FILES
if [ ! -f "$T/.done" ]; then
  echo "generating $FILES files of 64 KiB…"
  python3 - "$FILES" "$T" <<'PY'
import os, sys
n, top = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    d = os.path.join(top, f"d{i // 1000:04d}")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(65536))
open(os.path.join(top, ".done"), "w").close()
PY
fi
L=$ROOT/large
mkdir -p "$L"
[ -n "${EXTRA:-}" ] && for i in $(seq 1 "$LARGE"); do
  f=$L/big$i.bin
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -eq $((LARGE_MIB << 20)) ] || head -c $((LARGE_MIB << 20)) /dev/urandom > "$f"
done

describe_machine
echo "openssl: $(openssl version); $(sha256sum --version | head -1)"
echo
MB=$((FILES * 64 * 1024 / 1000000))
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]) / 1000:.2f} GB/s')" "$1" "$2"; }

SCAN="'$BIN' scan --root '$ROOT' /m64k_$FILES"
OPENSSL="find '$T' -type f -print0 | xargs -0 -P$P -n500 openssl dgst -sha256"
compare "$FILES × 64 KiB: timaudit scan (A) vs openssl on $P cores (B)" \
  "timaudit scan" "$SCAN" \
  "find | xargs -0 -P$P -n500 openssl dgst -sha256" "$OPENSSL"
echo "  throughput (median): timaudit $(rate $MB "$MED_A"), openssl $(rate $MB "$MED_B")"
# Throughput ratio, pair by pair: B/A wall (1 / the median A/B ratio).
done_when "scan throughput / openssl's, $FILES × 64 KiB" "$(python3 -c "import sys; print(1 / float(sys.argv[1]))" "$RATIO")" ">=" 0.8
[ -n "${EXTRA:-}" ] || exit 0
compare "$FILES × 64 KiB ($MB MB): timaudit scan (A) vs sha256sum on $P cores (B)" \
  "timaudit scan" "$SCAN" \
  "find | xargs -0 -P$P -n500 sha256sum" "find '$T' -type f -print0 | xargs -0 -P$P -n500 sha256sum"
echo "  throughput (median): timaudit $(rate $MB "$MED_A"), sha256sum $(rate $MB "$MED_B")"
compare "$FILES × 64 KiB: timaudit scan, content scan off (A) vs openssl on $P cores (B)" \
  "timaudit scan (content_scan_bytes: 0)" "'$BIN' scan --root '$ROOT' --profile '$NOSCAN' /m64k_$FILES" \
  "find | xargs -0 -P$P -n500 openssl dgst -sha256" "$OPENSSL"
echo "  throughput (median): timaudit $(rate $MB "$MED_A"), openssl $(rate $MB "$MED_B")"
LMB=$((LARGE * LARGE_MIB * 1048576 / 1000000))
compare "$LARGE × $LARGE_MIB MiB: timaudit scan (A) vs openssl on $P cores (B)" \
  "timaudit scan" "'$BIN' scan --root '$ROOT' /large" \
  "xargs -P$P -n1 openssl dgst -sha256" "ls '$L'/*.bin | xargs -P$P -n1 openssl dgst -sha256"
echo "  throughput (median): timaudit $(rate $LMB "$MED_A"), openssl $(rate $LMB "$MED_B")"
