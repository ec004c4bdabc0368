#!/usr/bin/env bash
# Benchmark of an audit where every file is a finding (a first audit of a folder of
# unmarked, world-readable files: HDL-06 and ACC-03 object to each one), paired and
# repeated (scripts/bench-lib.sh): wall time, CPU and peak RSS of
#   timaudit audit --out DIR                       (A: this build)
#   BASE_BIN audit --out DIR                        (B: another build, e.g. the
#                                                    commit before the findings were
#                                                    bounded), or, without BASE_BIN,
#   timaudit scan --no-hash                         (B: the walk alone, no checks)
# and the sizes of report.json and findings.jsonl that A wrote.
#
# Usage: scripts/bench-findings.sh [SIZES]
#   SIZES  file counts, comma-separated (default 200000); 1000 files per folder
# RUNS=N (default 5) counted runs per command; BENCH_DIR=… keeps the trees there
# (default: a temp dir, removed); BIN=… a prebuilt binary (default: cargo build
# --release); BASE_BIN=… the binary to compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh

SIZES=${1:-200000}
bench_setup

describe_machine
echo
IFS=, read -ra NS <<< "$SIZES"
for N in "${NS[@]}"; do
  T=$ROOT/t$N
  mkdir -p "$T"
  echo "generating $N files…"; gen_tree "$N" "$T" dwg part
  PROF=$WORK/findings$N.yaml
  cat > "$PROF" <<EOF
version: 1
organization:
  name: bench
scope:
  shares: [/t$N]
markers: [社外秘]
assets:
  - id: B-001
    name: bench
    classification: 社外秘
    paths: ["/t$N/**"]
    authorized: ["group:design"]
EOF
  A="rm -rf '$WORK/a'; '$BIN' audit --profile '$PROF' --root '$ROOT' --out '$WORK/a' --format json"
  if [ -n "${BASE_BIN:-}" ]; then
    compare "audit, every one of $N files a finding: this build (A) vs BASE_BIN (B)" \
      "timaudit audit --out (this build)" "$A" \
      "timaudit audit --out (BASE_BIN)" "rm -rf '$WORK/b'; '$BASE_BIN' audit --profile '$PROF' --root '$ROOT' --out '$WORK/b' --format json"
  else
    compare "audit, every one of $N files a finding (A) vs the walk alone (B)" \
      "timaudit audit --out" "$A" \
      "timaudit scan --no-hash" "'$BIN' scan --root '$ROOT' --no-hash /t$N"
  fi
  for d in a ${BASE_BIN:+b}; do
    [ -f "$WORK/$d/report.json" ] || continue
    python3 - "$WORK/$d" "$d" <<'PY'
import json, os, sys
d, side = sys.argv[1], sys.argv[2].upper()
r = json.load(open(os.path.join(d, "report.json")))
items = {i["id"]: i for i in r["items"]}
def count(i):
    ev = items[i]["evidence"]
    return sum(e.get("omitted", 0) for e in ev) + sum(1 for e in ev if e["kind"] == "file")
f = os.path.join(d, "findings.jsonl")
fl = sum(1 for _ in open(f, "rb")) if os.path.exists(f) else None
print(f"  {side}: report.json {os.path.getsize(os.path.join(d, 'report.json')) / 1e6:.1f} MB;"
      f" HDL-06 {items['HDL-06']['status']} ({count('HDL-06')} findings), ACC-03 {items['ACC-03']['status']} ({count('ACC-03')} findings);"
      + (f" findings.jsonl {fl} lines, {os.path.getsize(f) / 1e6:.1f} MB" if fl is not None else " no findings.jsonl"))
PY
  done
  echo
done
