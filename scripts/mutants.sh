#!/usr/bin/env bash
# Mutation testing of the checklist rules with cargo-mutants (docs/mutants.md).
#
#   scripts/mutants.sh full                 every mutant in src/rules (and the
#                                           spreadsheet guard, src/report/cells.rs),
#                                           whole test suite per mutant: hours on
#                                           two cores
#   scripts/mutants.sh diff [BASE]          only mutants on lines changed since
#                                           BASE (default main): `git diff BASE...HEAD`
#                                           fed to --in-diff, for a change under review
#   scripts/mutants.sh files FILE... [-- CARGO TEST ARGS]
#                                           the mutants of some files, with an
#                                           optional narrower test selection, e.g.
#     scripts/mutants.sh files src/rules/trn/trn02.rs -- --test records_items
#
# Environment: MUTANTS_JOBS (parallel builds, default 1), MUTANTS_TIMEOUT (test
# timeout per mutant in seconds, default 300), MUTANTS_OUT (output folder,
# default .: results in $MUTANTS_OUT/mutants.out/{caught,missed,timeout,
# unviable}.txt, git-ignored). Extra cargo-mutants options go in MUTANTS_ARGS.
#
# Needs cargo-mutants (`cargo install --locked cargo-mutants`; 27.1.0 was used).
# Mutants are built in a copy of the tree that starts from a copy of target/
# (--copy-target true, about 4 GB), so nothing in the work tree changes. With
# MUTANTS_IN_PLACE=1 they are built in the work tree itself (--in-place: no copy,
# reuses target/ directly; each file is restored after its mutant — do not edit
# the tree meanwhile, and check `git status` if the run is interrupted). The
# accepted survivors are in docs/mutants.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "cargo-mutants is not installed: cargo install --locked cargo-mutants" >&2
    exit 2
fi

jobs=${MUTANTS_JOBS:-1}
timeout=${MUTANTS_TIMEOUT:-300}
out=${MUTANTS_OUT:-.}
mkdir -p "$out"
# shellcheck disable=SC2206
extra=(${MUTANTS_ARGS:-})
if [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
    where=(--in-place) # one mutant at a time: --jobs does not apply
else
    where=(--copy-target true --jobs "$jobs")
fi
common=(--no-shuffle --timeout "$timeout" --output "$out" "${where[@]}" "${extra[@]}")

mode=${1:-}
shift || true
case "$mode" in
full)
    exec cargo mutants "${common[@]}" \
        --file 'src/rules/**/*.rs' --file src/report/cells.rs "$@"
    ;;
diff)
    base=${1:-main}
    shift || true
    patch="$out/mutants.out.diff"
    git diff "$base...HEAD" -- src/ >"$patch"
    if [ ! -s "$patch" ]; then
        echo "no change under src/ since $base: nothing to mutate"
        exit 0
    fi
    exec cargo mutants "${common[@]}" --in-diff "$patch" "$@"
    ;;
files)
    args=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        args+=(--file "$1")
        shift
    done
    if [ ${#args[@]} -eq 0 ]; then
        echo "usage: scripts/mutants.sh files FILE... [-- CARGO TEST ARGS]" >&2
        exit 2
    fi
    exec cargo mutants "${common[@]}" "${args[@]}" "$@"
    ;;
*)
    sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
