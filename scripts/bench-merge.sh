#!/usr/bin/env bash
# Benchmark of `timaudit merge`: N generated host bundles merged into one company
# bundle, against the floor any merge has to pay — copying the N bundles
# (`cp -r`) and checking each against its manifest (`sha256sum -c`). The two run
# in pairs (merge, floor, merge, floor, …) so machine load hits both alike;
# prints min/median/max wall time and CPU time (user+sys; steadier than wall on a
# loaded machine) and peak RSS (/usr/bin/time -v) of each, and
# the merge's peak RSS at N/5 bundles to show memory does not grow with N.
#
# Usage: scripts/bench-merge.sh [N] [RUNS]      (default 500 bundles, 3 pairs)
# BENCH_DIR=... keeps the generated bundles there (default: a temp dir, removed).
# BIN=... (or BENCH_BIN=...) uses that timaudit binary (default: a release build).
#
# The bundles are made from one real audit of examples/sample-company: each copy
# gets its own host name, some host items get other statuses (deterministic),
# and its MANIFEST.sha256 is rewritten, so every bundle verifies.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-500}
RUNS=${2:-3}
# bench-lib.sh checks /usr/bin/time and python3; bench_setup builds BIN and makes WORK.
. scripts/bench-lib.sh
BIN=${BIN:-${BENCH_BIN:-}}
bench_setup

SEED=$WORK/seed
if [ ! -f "$SEED/MANIFEST.sha256" ]; then
  rm -rf "$SEED"
  (cd examples/sample-company && "$BIN" audit --profile timaudit.yaml --root root \
    --date 2026-11-25 --lang en --out "$SEED" >/dev/null 2>&1) || true
  [ -f "$SEED/MANIFEST.sha256" ] || { echo "the seed audit wrote no bundle" >&2; exit 2; }
fi

gen() { # COUNT DIR
  python3 - "$SEED" "$1" "$2" <<'PY'
import hashlib, json, os, random, shutil, sys
seed, n, top = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if os.path.exists(os.path.join(top, ".done")):
    sys.exit(0)
shutil.rmtree(top, ignore_errors=True)
report = json.load(open(os.path.join(seed, "report.json")))
auto = [i for i in report["items"] if "auto" in i["source"].split("+")]
rng = random.Random(18)
for k in range(n):
    d = os.path.join(top, f"host{k:04d}")
    shutil.copytree(seed, d)
    r = json.loads(json.dumps(report))
    r["hosts"][0]["name"] = f"host{k:04d}"
    for i in r["items"]:
        if "auto" in i["source"].split("+") and rng.random() < 0.2:
            i["status"] = rng.choice(["pass", "partial", "fail", "not_applicable", "error"])
    with open(os.path.join(d, "report.json"), "w") as f:
        json.dump(r, f, ensure_ascii=False, indent=2)
    lines = []
    for root, _, files in os.walk(d):
        for name in files:
            p = os.path.join(root, name)
            rel = os.path.relpath(p, d)
            if rel == "MANIFEST.sha256":
                continue
            lines.append((rel, hashlib.sha256(open(p, "rb").read()).hexdigest()))
    with open(os.path.join(d, "MANIFEST.sha256"), "w") as f:
        for rel, h in sorted(lines):
            f.write(f"{h}  {rel}\n")
open(os.path.join(top, ".done"), "w").close()
PY
}

# run LABEL CMD... → appends "wall_seconds kib cpu_seconds" to $WORK/LABEL.txt
run() {
  local label=$1; shift
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || {
    code=$?; [ "$code" -le 1 ] || { cat "$WORK/err.txt" >&2; exit 2; }
  }
  awk -F': ' '/User time/ {c+=$2} /System time/ {c+=$2}
              /Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]}
              /Maximum resident set size/ {k=$2}
              END {print s, k, c}' "$WORK/time.txt" >>"$WORK/$label.txt"
}

stats() { # LABEL → wall min/median/max, CPU (user+sys) min/median/max, peak RSS max
  local cpu
  cpu=$(awk '{print $3}' "$WORK/$1.txt" | sort -n | awk '{t[NR]=$1} END {
    printf "%6.2f %6.2f %6.2f s", t[1], t[int((NR+1)/2)], t[NR] }')
  sort -n "$WORK/$1.txt" | awk -v cpu="$cpu" '{t[NR]=$1; if ($2>m) m=$2} END {
    printf "%6.2f %6.2f %6.2f s | %s | %7.1f MiB", t[1], t[int((NR+1)/2)], t[NR], cpu, m/1024 }'
}

floor() { # DIR COUNT
  rm -rf "$WORK/floor"
  cp -r "$1" "$WORK/floor"
  for d in "$1"/host*; do (cd "$d" && sha256sum --quiet -c MANIFEST.sha256); done
}

echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo)"
SMALL=$((N / 5))
for COUNT in "$SMALL" "$N"; do
  DIR=$WORK/bundles$COUNT
  echo "generating $COUNT bundles…"; gen "$COUNT" "$DIR"
  rm -f "$WORK/merge$COUNT.txt" "$WORK/floor$COUNT.txt"
  BUNDLES=("$DIR"/host*)
  rm -rf "$WORK/company"             # one run to warm the page cache
  "$BIN" merge --lang en --out "$WORK/company" "${BUNDLES[@]}" >/dev/null 2>&1 || true
  for _ in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/company"
    run "merge$COUNT" "$BIN" merge --lang en --out "$WORK/company" "${BUNDLES[@]}"
    rm -rf "$WORK/floor"
    run "floor$COUNT" bash -c "$(declare -f floor); WORK='$WORK'; floor '$DIR' $COUNT"
  done
  echo "== $COUNT bundles ($(du -sh "$DIR" | cut -f1)), $RUNS paired runs"
  echo "                                       wall min median max | CPU min median max | peak RSS"
  echo "  timaudit merge                       $(stats "merge$COUNT")"
  echo "  cp -r + sha256sum -c (the floor)     $(stats "floor$COUNT")"
done
"$BIN" verify "$WORK/company" | tail -1
