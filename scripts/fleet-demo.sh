#!/usr/bin/env bash
# A fleet audit on this machine alone, end to end (docs/fleet.md):
#
#   scripts/fleet-demo.sh OUT
#
# 1. installs what is missing: ansible-core in a virtualenv (python3-venv via apt if
#    needed), openssh-server/openssh-client via apt;
# 2. builds timaudit (debug; FLEET_DEMO_RELEASE=1 for a release build);
# 3. makes three hosts from the sample company: OUT/roots/fs01 and OUT/roots/fs02,
#    audited over Ansible's local connection, and OUT/roots/nas01, reached over SSH
#    on 127.0.0.1 through a throwaway sshd (high port, generated keys, stopped on
#    exit);
# 4. runs contrib/ansible/fleet.yml in check mode (nothing may change), then for
#    real: each host audited, its bundle fetched to OUT/bundles, merged into
#    OUT/company and verified;
# 5. checks the result: three hosts, worst-of company statuses, a tampered host
#    bundle refused by merge, no temporary folder left on the hosts.
#
# Only loopback addresses are used. Exit 0 when everything above holds.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT" >&2
  exit 2
fi
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
DATE=2026-11-25
say() { printf '\n== %s\n' "$*"; }
fail() { echo "fleet-demo: FAILED: $*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "install $* (no apt-get here)"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ------------------------------------------------------------------ tools
say "tools"
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || apt_install openssh-client
SSHD="$(command -v sshd || echo /usr/sbin/sshd)"
[ -x "$SSHD" ] || { apt_install openssh-server; SSHD=/usr/sbin/sshd; }
if command -v ansible-playbook >/dev/null 2>&1; then
  PLAYBOOK="$(command -v ansible-playbook)"
else
  VENV="${FLEET_DEMO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/timaudit-fleet-demo/venv}"
  if [ ! -x "$VENV/bin/ansible-playbook" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; apt_install python3-venv; python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install -q --disable-pip-version-check ansible-core
  fi
  PLAYBOOK="$VENV/bin/ansible-playbook"
fi
PYTHON="$(command -v python3)"
"$PLAYBOOK" --version | sed -n 1p

# ------------------------------------------------------------------ timaudit
say "build timaudit"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
if [ "${FLEET_DEMO_RELEASE:-}" = 1 ]; then
  (cd "$REPO" && cargo build --release --quiet)
  BIN="$TARGET/release/timaudit"
else
  (cd "$REPO" && cargo build --quiet)
  BIN="$TARGET/debug/timaudit"
fi
[ -x "$BIN" ] || fail "no binary at $BIN"

# ------------------------------------------------------------------ hosts
say "hosts"
rm -rf "$OUT/profile" "$OUT/roots" "$OUT/bundles" "$OUT/company" "$OUT/ssh" \
  "$OUT/ansible" "$OUT/check" "$OUT/tampered" "$OUT/refused" "$OUT/inventory.yml"
mkdir -p "$OUT/roots" "$OUT/ansible"
# The company profile with its records and documents, without the sample root.
cp -a "$REPO/examples/sample-company" "$OUT/profile"
rm -rf "$OUT/profile/root"
for h in fs01 fs02 nas01; do
  cp -a "$REPO/examples/sample-company/root" "$OUT/roots/$h"
  echo "$h" >"$OUT/roots/$h/etc/hostname"
done
# fs02: root login over SSH refused and port forwarding off (ITS-02 passes there; it
# serves the protected shares, so open forwarding alone would make it partial),
# firewall off (ITS-03 fails).
sed -i 's/^PermitRootLogin.*/PermitRootLogin no/' "$OUT/roots/fs02/etc/ssh/sshd_config.d/50-vendor.conf"
printf '\nAllowTcpForwarding no\n' >>"$OUT/roots/fs02/etc/ssh/sshd_config.d/50-vendor.conf"
sed -i 's/^ENABLED=.*/ENABLED=no/' "$OUT/roots/fs02/etc/ufw/ufw.conf"
# nas01: USB storage not blocked (ITS-01 fails there).
rm -f "$OUT/roots/nas01/etc/modprobe.d/usb-storage.conf"

# ------------------------------------------------------------------ sshd on 127.0.0.1
say "throwaway sshd on 127.0.0.1"
S="$OUT/ssh"
mkdir -p "$S"
chmod 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$S/client_key"
cp "$S/client_key.pub" "$S/authorized_keys"
chmod 600 "$S/authorized_keys"
PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$S/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $S/host_key
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
EOF
# sshd wants its privilege-separation folder; made only when missing, removed after.
MADE_RUN_SSHD=""
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then mkdir -p /run/sshd; MADE_RUN_SSHD=1; fi
"$SSHD" -D -e -f "$S/sshd_config" 2>"$S/sshd.log" &
SSHD_PID=$!
cleanup() {
  kill "$SSHD_PID" 2>/dev/null || true
  wait "$SSHD_PID" 2>/dev/null || true
  if [ -n "$MADE_RUN_SSHD" ]; then rmdir /run/sshd 2>/dev/null || true; fi
}
trap cleanup EXIT
SSH_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR"
up=""
for _ in $(seq 1 50); do
  # shellcheck disable=SC2086
  if ssh $SSH_OPTS -i "$S/client_key" -p "$PORT" "$(id -un)@127.0.0.1" true 2>/dev/null; then up=1; break; fi
  kill -0 "$SSHD_PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$up" ] || { cat "$S/sshd.log" >&2; fail "sshd on 127.0.0.1:$PORT did not answer"; }
echo "sshd pid $SSHD_PID on 127.0.0.1:$PORT"

# ------------------------------------------------------------------ inventory
cat >"$OUT/inventory.yml" <<EOF
---
all:
  children:
    timaudit:
      hosts:
        fs01:
          ansible_connection: local
          timaudit_root: $OUT/roots/fs01
        fs02:
          ansible_connection: local
          timaudit_root: $OUT/roots/fs02
        nas01:
          ansible_host: 127.0.0.1
          ansible_port: $PORT
          ansible_user: $(id -un)
          ansible_ssh_private_key_file: $S/client_key
          ansible_ssh_common_args: "$SSH_OPTS"
          timaudit_root: $OUT/roots/nas01
      vars:
        ansible_python_interpreter: $PYTHON
        timaudit_binary_controller: $BIN
        timaudit_controller_binary: $BIN
        timaudit_profile_dir_controller: $OUT/profile
        timaudit_bundles_controller: $OUT/bundles
        timaudit_company_controller: $OUT/company
        timaudit_audit_date: "$DATE"
        timaudit_lang: en
EOF
export ANSIBLE_CONFIG="$REPO/contrib/ansible/ansible.cfg"
export ANSIBLE_HOME="$OUT/ansible"
export ANSIBLE_LOCAL_TEMP="$OUT/ansible/tmp"
export ANSIBLE_SSH_CONTROL_PATH_DIR="$OUT/ansible/cp"
export ANSIBLE_NOCOLOR=1
export ANSIBLE_PYTHON_INTERPRETER="$PYTHON"
TMP_PARENT=/tmp
left_before="$(find "$TMP_PARENT" -maxdepth 1 -name 'ansible.*.timaudit' | wc -l)"

# ------------------------------------------------------------------ check mode
say "ansible-playbook --check (nothing may change)"
"$PLAYBOOK" -i "$OUT/inventory.yml" "$REPO/contrib/ansible/fleet.yml" --check
[ ! -e "$OUT/bundles" ] && [ ! -e "$OUT/company" ] || fail "check mode wrote bundles"

# ------------------------------------------------------------------ the real run
say "ansible-playbook"
"$PLAYBOOK" -i "$OUT/inventory.yml" "$REPO/contrib/ansible/fleet.yml"

# ------------------------------------------------------------------ checks
say "checks"
left_after="$(find "$TMP_PARENT" -maxdepth 1 -name 'ansible.*.timaudit' | wc -l)"
[ "$left_after" -eq "$left_before" ] || fail "a temporary timaudit folder was left in $TMP_PARENT"
"$BIN" verify --lang en "$OUT/company" || fail "the company bundle does not verify"
for h in fs01 fs02 nas01; do
  "$BIN" verify --lang en "$OUT/company/hosts/$h" >/dev/null || fail "hosts/$h does not verify on its own"
done
(cd "$OUT/company" && sha256sum --quiet -c hosts.sha256) || fail "hosts.sha256 does not match"
"$PYTHON" - "$OUT/company" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1] + "/matrix.json"))
hosts = [h["name"] for h in m["hosts"]]
assert hosts == ["fs01", "fs02", "nas01"], hosts
rows = {i["id"]: i for i in m["items"]}
def row(i):
    return rows[i]["company"], [c["status"] for c in rows[i]["cells"]]
expect = {
    "ITS-01": ("fail", ["pass", "pass", "fail"]),
    "ITS-02": ("fail", ["fail", "pass", "fail"]),
    "ITS-03": ("fail", ["pass", "fail", "pass"]),
    "ITS-09": ("pass", ["pass", "pass", "pass"]),
}
for i, want in expect.items():
    assert row(i) == want, (i, row(i), want)
print("matrix: 3 hosts; " + "; ".join(f"{i} {row(i)[0]} = worst of {row(i)[1]}" for i in expect))
EOF
# A tampered host bundle is refused by merge (exit 2), naming the changed file.
cp -a "$OUT/bundles/fs02" "$OUT/tampered"
sed -i 's/^PermitRootLogin.*/PermitRootLogin yes/' "$OUT/tampered/evidence/etc/ssh/sshd_config.d/50-vendor.conf"
set +e
"$BIN" merge --lang en --out "$OUT/refused" "$OUT/bundles/fs01" "$OUT/tampered" 2>"$OUT/refused.txt"
rc=$?
set -e
cat "$OUT/refused.txt"
[ "$rc" -eq 2 ] && grep -q "does not match its MANIFEST.sha256" "$OUT/refused.txt" && [ ! -e "$OUT/refused" ] \
  || fail "merge did not refuse the tampered bundle (exit $rc)"
rm -rf "$OUT/tampered" "$OUT/refused.txt"

say "OK: the company bundle is $OUT/company (matrix: $OUT/company/matrix.html)"
