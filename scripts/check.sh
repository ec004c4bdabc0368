#!/usr/bin/env bash
# The checks every commit must pass: formatting, clippy with warnings as errors, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test "$@"
