#!/usr/bin/env bash
# Benchmark of the file-share walk: generates trees of small files and a set of
# large files in a temp dir, then prints side by side
#   timaudit scan --no-hash   vs  find -printf with the same stat fields
#   timaudit scan (SHA-256)   vs  sha256sum on the same files
# with wall time and peak RSS (/usr/bin/time -v). Page cache is warm (each
# command runs once before it is measured), so the figures compare CPU and
# syscall cost, not the disk.
#
# Usage: scripts/bench-walk.sh [SIZES] [LARGE_FILES] [LARGE_MIB]
#   SIZES        file counts, comma-separated (default 100000,1000000)
#   LARGE_FILES  number of large files (default 4)
#   LARGE_MIB    size of each large file in MiB (default 512)
# BENCH_DIR=... keeps the generated trees there (default: a temp dir, removed).
# BIN=... measures that binary instead of building this checkout (to compare two
# builds in one session on the same trees).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${1:-100000,1000000}
LARGE_FILES=${2:-4}
LARGE_MIB=${3:-512}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3 to generate the trees" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=$PWD/target/release/timaudit
fi

if [ -n "${BENCH_DIR:-}" ]; then
  WORK=$BENCH_DIR; mkdir -p "$WORK"
else
  WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
fi
ROOT=$WORK/root
mkdir -p "$ROOT/etc"
printf 'root:x:0:0::/root:/bin/sh\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\n' > "$ROOT/etc/group"
NOSCAN=$WORK/noscan.yaml
cat > "$NOSCAN" <<YAML
version: 1
organization:
  name: bench
scope:
  content_scan_bytes: 0
YAML

gen_tree() { # N DIR
  python3 - "$1" "$2" <<'PY'
import os, sys
n, top = int(sys.argv[1]), sys.argv[2]
if os.path.exists(os.path.join(top, ".done")):
    sys.exit(0)
per_dir = 100
for i in range(n):
    d = os.path.join(top, f"d{i // (per_dir * 100):04d}", f"s{(i // per_dir) % 100:03d}")
    if i % per_dir == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:07d}.txt"), "wb") as f:
        f.write((f"file {i} " * (1 + i % 50)).encode())
open(os.path.join(top, ".done"), "w").close()
PY
}

# measure LABEL CMD... → prints "seconds peak_kib" and keeps them in $SECS $KIB
measure() {
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true   # warm the cache
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || true
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt")
  KIB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  printf '  %-44s %8.2f s  %8.1f MiB\n' "$label" "$SECS" "$(echo "$KIB/1024" | bc -l)"
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }

# Fast re-audit: an audit with --baseline of an unchanged tree against an audit
# with --no-hash (the same walk, content scan and evaluation without hashing).
reaudit() { # HOST_PATH
  local share=$1 prof=$WORK/audit.yaml
  cat > "$prof" <<YAML
version: 1
organization:
  name: bench
scope:
  shares: [$share]
YAML
  # Files written less than 2 s before the baseline walk are never reused (the
  # same-tick guard); a freshly generated tree has to age a little first.
  sleep 3
  rm -rf "$WORK/base" "$WORK/re" "$WORK/nohash"
  "$BIN" audit --profile "$prof" --root "$ROOT" --out "$WORK/base" --format json >/dev/null 2>&1 || true
  measure "timaudit audit --no-hash" \
    "$BIN" audit --profile "$prof" --root "$ROOT" --no-hash --out "$WORK/nohash" --format json
  local NH=$SECS
  measure "timaudit audit (hashing everything)" \
    "$BIN" audit --profile "$prof" --root "$ROOT" --out "$WORK/nohash" --format json
  local FULL=$SECS
  measure "timaudit audit --baseline (unchanged tree)" \
    "$BIN" audit --profile "$prof" --root "$ROOT" --baseline "$WORK/base/report.json" --out "$WORK/re" --format json
  local RE=$SECS
  local reused
  reused=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["inventory"]; print("%d/%d" % (i["reused"], i["hashed"]))' "$WORK/re/report.json")
  echo "  re-audit: $(ratio "$RE" "$NH")× a --no-hash audit, $(ratio "$RE" "$FULL")× a full audit (hashes reused: $reused)"
}

echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo)"
echo "sha_ni: $(grep -q sha_ni /proc/cpuinfo && echo yes || echo no); $(sha256sum --version | head -1)"
echo

IFS=, read -ra NS <<< "$SIZES"
for N in "${NS[@]}"; do
  T=$ROOT/tree$N
  mkdir -p "$T"
  echo "generating $N files…"; gen_tree "$N" "$T"
  echo "== $N files =="
  measure "find -printf (path size mtime mode uid gid user group)" \
    find "$T" -printf '%p %s %T@ %m %U %G %u %g\n'
  F=$SECS
  measure "timaudit scan --no-hash (content scan off)" \
    "$BIN" scan --root "$ROOT" --profile "$NOSCAN" --no-hash "/tree$N"
  W=$SECS; WK=$KIB
  measure "timaudit scan --no-hash (content scan 64 KiB)" \
    "$BIN" scan --root "$ROOT" --no-hash "/tree$N"
  measure "find -type f | xargs sha256sum" \
    sh -c "find '$T' -type f -print0 | xargs -0 sha256sum"
  S=$SECS
  measure "timaudit scan (SHA-256, content scan 64 KiB)" \
    "$BIN" scan --root "$ROOT" "/tree$N"
  H=$SECS; HK=$KIB
  echo "  walk: timaudit/find = $(ratio "$W" "$F")×   hash: sha256sum/timaudit = $(ratio "$S" "$H")×   peak RSS $((HK / 1024)) MiB (no-hash $((WK / 1024)) MiB)"
  reaudit "/tree$N"
  echo
done

L=$ROOT/large
mkdir -p "$L"
for i in $(seq 1 "$LARGE_FILES"); do
  f=$L/big$i.bin
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -eq $((LARGE_MIB << 20)) ] || \
    head -c $((LARGE_MIB << 20)) /dev/urandom > "$f"
done
TOTAL=$((LARGE_FILES * LARGE_MIB))
echo "== $LARGE_FILES large files, $TOTAL MiB =="
measure "sha256sum" sh -c "sha256sum '$L'/*.bin"
S=$SECS
measure "timaudit scan (SHA-256)" "$BIN" scan --root "$ROOT" /large
H=$SECS
echo "  sha256sum $(echo "$TOTAL / $S" | bc) MiB/s, timaudit $(echo "$TOTAL / $H" | bc) MiB/s: $(ratio "$S" "$H")× faster, peak RSS $((KIB / 1024)) MiB"
reaudit /large
