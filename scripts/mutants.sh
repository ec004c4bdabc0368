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
#   scripts/mutants.sh ci [BASE]            what CI runs: the mutants on lines of
#                                           src/rules (and src/report/cells.rs)
#                                           changed since BASE (default HEAD~1),
#                                           with the rules' test targets; skipped
#                                           above MUTANTS_MAX (default 40) mutants
#   scripts/mutants.sh files FILE... [-- CARGO TEST ARGS]
#                                           the mutants of some files, with an
#                                           optional narrower test selection, e.g.
#     scripts/mutants.sh files src/rules/trn/trn02.rs -- --test records_items
#
# Environment: MUTANTS_JOBS (parallel builds, default 1), MUTANTS_TIMEOUT (test
# timeout per mutant in seconds, default 300), MUTANTS_OUT (output folder,
# default .: results in $MUTANTS_OUT/mutants.out/{caught,missed,timeout,
# unviable}.txt, git-ignored), MUTANTS_SHARD (k/n: run the k-th of n slices, for
# n clones side by side; add --iterate in MUTANTS_ARGS to skip what an earlier run
# in the same MUTANTS_OUT caught). Extra cargo-mutants options go in MUTANTS_ARGS.
#
# Speed (about 12 s per mutant instead of 30 s on two cores): mutants are built
# without debug info in their own target folder (target/mutants, so the normal
# build is left alone), linked with mold when it is installed, and — the biggest
# saving — the build step builds only the test targets named after `--`
# (cargo-mutants itself builds every test target, whatever runs afterwards; a
# small cargo wrapper, scripts/mutants-cargo.sh, adds the selection to its
# `cargo test --no-run`). MUTANTS_FAST=0 turns all of this off.
#
# Needs cargo-mutants (`cargo install --locked cargo-mutants`; 27.1.0 was used).
# Mutants are built in a copy of the tree that starts from a copy of target/
# (--copy-target true), so nothing in the work tree changes. With
# MUTANTS_IN_PLACE=1 they are built in the work tree itself (--in-place: no copy,
# reuses the target folder directly; each file is restored after its mutant — do
# not edit the tree meanwhile, and check `git status` if the run is interrupted).
# The accepted survivors are in docs/mutants.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "cargo-mutants is not installed: cargo install --locked cargo-mutants" >&2
    exit 2
fi

# The cargo that cargo-mutants runs: the real one, or the wrapper that narrows
# the build to the selected test targets (exported for it as MUTANTS_REAL_CARGO
# and MUTANTS_BUILD_ARGS).
MUTANTS_REAL_CARGO=$(command -v cargo)
export MUTANTS_REAL_CARGO
# Pin rustup's toolchain for everything cargo starts: without it a dependency's
# own rust-toolchain file (ff ships one naming 1.56.0) is picked up when its
# build runs rustc from its folder.
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && command -v rustup >/dev/null 2>&1; then
    RUSTUP_TOOLCHAIN=$(rustup show active-toolchain | cut -d' ' -f1)
    export RUSTUP_TOOLCHAIN
fi
if [ "${MUTANTS_FAST:-1}" = 1 ]; then
    export CARGO_PROFILE_DEV_DEBUG=0
    # Relative: with --copy-target, each copy builds in its own target/mutants.
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/mutants}
    if command -v mold >/dev/null 2>&1; then
        export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=mold"
    fi
fi
# Runs cargo-mutants with the test selection after `--` (if any) also used for
# the build step.
mutants() {
    local before=() after=() seen=0
    for a in "$@"; do
        if [ $seen = 1 ]; then after+=("$a"); elif [ "$a" = -- ]; then seen=1; else before+=("$a"); fi
    done
    if [ "${MUTANTS_FAST:-1}" = 1 ] && [ ${#after[@]} -gt 0 ]; then
        MUTANTS_BUILD_ARGS="${after[*]}" CARGO="$PWD/scripts/mutants-cargo.sh" \
            exec cargo-mutants mutants "${before[@]}" -- "${after[@]}"
    fi
    exec cargo mutants "$@"
}

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
shard=()
if [ -n "${MUTANTS_SHARD:-}" ]; then
    shard=(--shard "$MUTANTS_SHARD")
fi
common=(--no-shuffle --timeout "$timeout" --output "$out" "${where[@]}" "${shard[@]}" "${extra[@]}")

mode=${1:-}
shift || true
case "$mode" in
full)
    mutants "${common[@]}" --file 'src/rules/**/*.rs' --file src/report/cells.rs "$@"
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
    mutants "${common[@]}" --in-diff "$patch" "$@"
    ;;
ci)
    # CI: the mutants on lines of the rules (and the spreadsheet guard) that
    # changed since BASE (default HEAD~1), with the test targets that exercise
    # the rules; skipped with a message when there are more than MUTANTS_MAX
    # (default 40: about 40 minutes on two cores).
    base=${1:-HEAD~1}
    shift || true
    patch="$out/mutants.out.diff"
    git diff "$base" HEAD -- src/rules src/report/cells.rs >"$patch"
    if [ ! -s "$patch" ]; then
        echo "mutants: no change to src/rules or src/report/cells.rs since $base: nothing to mutate"
        exit 0
    fi
    scope=(--in-diff "$patch" --file 'src/rules/**/*.rs' --file src/report/cells.rs)
    n=$(cargo mutants --list "${scope[@]}" | wc -l)
    max=${MUTANTS_MAX:-40}
    if [ "$n" -eq 0 ]; then
        echo "mutants: the lines changed since $base hold no mutants"
        exit 0
    fi
    if [ "$n" -gt "$max" ]; then
        echo "mutants: $n mutants on the lines changed since $base, more than $max: not run here;"
        echo "run them by hand: scripts/mutants.sh diff $base (docs/mutants.md)"
        exit 0
    fi
    echo "mutants: $n mutants on the lines changed since $base"
    mutants "${common[@]}" "${scope[@]}" "$@" -- --lib \
        --test records_items --test records_files --test answers --test accounts_outcomes \
        --test share_items --test share_readonly --test share_writable --test share_review_b \
        --test host_outcomes --test host_boundaries --test host_linux --test host_v2 \
        --test host_windows --test host_windows_outcomes --test findings_bounded
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
    mutants "${common[@]}" "${args[@]}" "$@"
    ;;
*)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
