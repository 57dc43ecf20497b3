#!/usr/bin/env bash
# lint.sh: the lint gate (`make lint`): rustfmt, clippy with warnings as errors, no line rustfmt had
# to leave unformatted, no hand-written file in src/ or tests/ over 800 lines, and no import loop
# between files in src/ (the checker first proves on a fixture that it finds one).
#
#   bash scripts/lint.sh [--no-clippy]
#
# `make test` runs it with --no-clippy: there clippy is the compiler of the project's own code in the
# build and test steps (scripts/test.sh), which is the same check without a second compile of every
# dependency.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

clippy=1
case "${1:-}" in
  --no-clippy) clippy=0 ;;
  "") ;;
  *) echo "lint: unknown argument $1 (usage: lint.sh [--no-clippy])" >&2; exit 2 ;;
esac

locked=()
[[ -f Cargo.lock ]] && locked=(--locked)

cargo fmt --all -- --check
# The fuzz crate (fuzz/) is outside the workspace: its files are checked by rustfmt directly.
rustfmt --edition 2024 --check fuzz/src/*.rs fuzz/fuzz_targets/*.rs
python3 scripts/check_line_width.py
python3 scripts/check_file_length.py
python3 scripts/check_import_cycles.py --self-test
python3 scripts/check_import_cycles.py
if [[ $clippy -eq 1 ]]; then
  cargo clippy --all-targets "${locked[@]}" -- -D warnings
  echo "lint: fmt, line width, file length, import loops and clippy are clean"
else
  echo "lint: fmt, line width, file length and import loops are clean (clippy runs in the build)"
fi
