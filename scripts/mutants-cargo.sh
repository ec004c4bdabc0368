#!/usr/bin/env bash
# The cargo that scripts/mutants.sh gives cargo-mutants: the build step
# (`cargo test --no-run`) builds only the test targets that will run
# ($MUTANTS_BUILD_ARGS, e.g. `--test records_items`), not all of them.
# Everything else goes to the real cargo ($MUTANTS_REAL_CARGO) unchanged.
set -euo pipefail
for a in "$@"; do
    if [ "$a" = --no-run ]; then
        # shellcheck disable=SC2086 # the selection is a list of words
        exec "$MUTANTS_REAL_CARGO" "$@" ${MUTANTS_BUILD_ARGS:-}
    fi
done
exec "$MUTANTS_REAL_CARGO" "$@"
