# Shared by scripts/bench-*.sh (sourced, not run): paired, repeated timing.
#
# compare NAME LABEL_A CMD_A LABEL_B CMD_B
#   runs each command once to warm the page cache (not counted), then RUNS times
#   in turn (A B A B …), each under /usr/bin/time; prints for each command the wall
#   time min/median/max, the median CPU time (user+sys, children included) and the
#   largest peak RSS of any one process, then A/B wall-time ratios taken pair by
#   pair (min/median/max). Commands are shell strings run by `sh -c` (both sides pay
#   the same shell). Sets MED_A and MED_B (median wall seconds), RATIO (the median
#   of the pair-by-pair A/B wall ratios) and CPU_RATIO (median CPU A / median CPU B).
#
# done_when TEXT VALUE OP LIMIT
#   prints one line saying whether an issue target (VALUE OP LIMIT, OP is <= or >=)
#   holds, e.g. `done_when "scan/find" "$RATIO" "<=" 1.2`.
#
# hyperfine (Debian package `hyperfine`) was not used: it runs all of one command's
# runs before the other's (a burst of load from another process then lands on one
# side only) and does not report memory.

RUNS=${RUNS:-5}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }

# bench_setup: BIN (default: a release build), WORK (BENCH_DIR, kept, or a temp dir
# removed at exit), ROOT (an audited root with etc/passwd and etc/group) and NOSCAN
# (a profile with the content scan off).
bench_setup() {
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
  printf 'version: 1\norganization:\n  name: bench\nscope:\n  content_scan_bytes: 0\n' > "$NOSCAN"
}

# gen_tree N DIR [EXT] [WORD]: N files of 10-20 bytes ("WORD i x…"), mode 0644, 1000
# per folder, named fNNNNNNN.EXT (defaults: txt, file); skipped when DIR/.done exists.
gen_tree() {
  python3 - "$1" "$2" "${3:-txt}" "${4:-file}" <<'PY'
import os, sys
n, top, ext, word = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if os.path.exists(os.path.join(top, ".done")):
    sys.exit(0)
os.umask(0o022)
for i in range(n):
    d = os.path.join(top, f"d{i // 1000:05d}")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:07d}.{ext}"), "wb") as f:
        f.write(f"{word} {i} {'x' * (i % 10)}".encode())
open(os.path.join(top, ".done"), "w").close()
PY
}

describe_machine() {
  echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "sha_ni: $(grep -q sha_ni /proc/cpuinfo && echo yes || echo no); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "runs: $RUNS per command, paired (A B A B …) after one warm-up run each; page cache warm"
}

# run_once FILE CMD : appends "wall cpu maxrss_kib" to FILE
run_once() {
  local out=$1 cmd=$2 t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" sh -c "$cmd" >/dev/null 2>"$WORK/err.txt" || true
  t1=$EPOCHREALTIME
  read -r u s m < <(tail -n 1 "$WORK/time.txt")
  echo "$t0 $t1 $u $s $m" | awk '{printf "%.4f %.2f %d\n", $2-$1, $3+$4, $5}' >> "$out"
}

compare() {
  local name=$1 la=$2 ca=$3 lb=$4 cb=$5 i
  local fa=$WORK/a.txt fb=$WORK/b.txt
  : > "$fa"; : > "$fb"
  sh -c "$ca" >/dev/null 2>&1 || true
  sh -c "$cb" >/dev/null 2>&1 || true
  for i in $(seq 1 "$RUNS"); do
    run_once "$fa" "$ca"
    run_once "$fb" "$cb"
  done
  echo "== $name"
  read -r MED_A MED_B RATIO CPU_RATIO < <(python3 - "$fa" "$fb" "$la" "$lb" <<'PY'
import statistics as st, sys
a = [list(map(float, l.split())) for l in open(sys.argv[1])]
b = [list(map(float, l.split())) for l in open(sys.argv[2])]
def line(label, rows):
    w = [r[0] for r in rows]
    print(f"  {label:<52} wall {min(w):7.3f} / {st.median(w):7.3f} / {max(w):7.3f} s (min/med/max)"
          f"  CPU {st.median([r[1] for r in rows]):6.2f} s  peak RSS {max(r[2] for r in rows)/1024:6.1f} MiB", file=sys.stderr)
line(sys.argv[3], a)
line(sys.argv[4], b)
r = [x[0] / y[0] for x, y in zip(a, b)]
print(f"  A/B wall, pair by pair: {min(r):.2f} / {st.median(r):.2f} / {max(r):.2f} (min/med/max);"
      f" CPU A/B {st.median([x[1] for x in a]) / max(st.median([y[1] for y in b]), 0.01):.2f}", file=sys.stderr)
cpu = st.median([x[1] for x in a]) / max(st.median([y[1] for y in b]), 0.01)
print(st.median(x[0] for x in a), st.median(y[0] for y in b), st.median(r), cpu)
PY
)
}

done_when() {
  python3 - "$@" <<'PY'
import sys
text, v, op, lim = sys.argv[1], float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
ok = v <= lim if op == "<=" else v >= lim
print(f"  DONE-WHEN {text}: {v:.2f} (target {op} {lim:g}): {'met' if ok else 'NOT met'}")
PY
}
