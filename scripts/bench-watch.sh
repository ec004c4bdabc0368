#!/usr/bin/env bash
# Benchmark of watch mode on one big share: start-up time, CPU used while idle,
# the time from a single edit to its log line (repeated), and rescan lines over a
# minute (there should be none: the watcher's own reads cost no events).
#
# Usage: scripts/bench-watch.sh [FILES] [EDITS]   (default 100000 files, 1000 per folder; 5 edits)
# BENCH_DIR=… keeps the tree; BIN=… a prebuilt binary (default: cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
FILES=${1:-100000}
EDITS=${2:-5}
bench_setup
python3 - "$BIN" "$WORK" "$FILES" "$EDITS" <<'PY'
import os, subprocess, sys, time, json, statistics as st
bin_, work, n, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
root = os.path.join(work, "wroot")
share = os.path.join(root, "srv/share")
os.makedirs(os.path.join(root, "etc"), exist_ok=True)
open(os.path.join(root, "etc/passwd"), "w").write("root:x:0:0::/root:/bin/sh\n")
open(os.path.join(root, "etc/group"), "w").write("root:x:0:\n")
if not os.path.exists(os.path.join(share, f".done{n}")):
    print(f"generating {n} files…", flush=True)
    for i in range(n):
        d = os.path.join(share, f"d{i // 1000:04d}")
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:07d}.txt"), "wb") as f:
            f.write(b"x")
    open(os.path.join(share, f".done{n}"), "w").close()
prof = os.path.join(work, "watch.yaml")
open(prof, "w").write("organization: {name: bench}\nscope:\n  shares: [/srv/share]\n  exclude: ['/srv/share/.done*']\nmarkers: [社外秘]\n")
log = os.path.join(work, "watch.log")
if os.path.exists(log):
    os.remove(log)
hz = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz
def lines():
    try:
        return [json.loads(l) for l in open(log, encoding="utf-8") if l.endswith("\n")]
    except FileNotFoundError:
        return []
t0 = time.monotonic()
p = subprocess.Popen([bin_, "watch", "--profile", prof, "--root", root, "--log", log],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, LANG="C"))
try:
    while not any(l["event"] == "started" for l in lines()):
        if time.monotonic() - t0 > 600 or p.poll() is not None:
            sys.exit("watch did not start")
        time.sleep(0.05)
    start = time.monotonic() - t0
    rss = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1]) / 1024
    c0 = cpu(p.pid); time.sleep(10); idle = cpu(p.pid) - c0
    lat = []
    dirs = max(n // 1000, 1)
    for k in range(edits):
        i = (k * 37 % dirs) * 1000 + k  # a different file (and folder) each time
        rel = f"/srv/share/d{i // 1000:04d}/f{i:07d}.txt"
        t = time.monotonic()
        with open(root + rel, "ab") as f:
            f.write(b"y")
        while not any(l.get("path") == rel and l["event"] == "modified" for l in lines()):
            if time.monotonic() - t > 30:
                break
            time.sleep(0.01)
        lat.append(time.monotonic() - t if time.monotonic() - t <= 30 else float("inf"))
        time.sleep(1)
    while time.monotonic() - t0 < start + 60:
        time.sleep(0.5)
    rescans = sum(1 for l in lines() if l["event"] == "rescan")
    total = cpu(p.pid)
finally:
    p.terminate(); p.wait()
print(f"watch, {n} files in one share ({max(n // 1000, 1)} folders): start-up {start:.2f} s, RSS {rss:.1f} MiB")
print(f"  CPU over 10 s idle: {idle:.2f} s")
print(f"  edit → log line ({edits} edits; default 500 ms debounce): min {min(lat):.3f} / median {st.median(lat):.3f} / max {max(lat):.3f} s")
print(f"  rescan lines in the first minute: {rescans}; CPU used in all: {total:.2f} s")
PY
