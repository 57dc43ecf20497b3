#!/usr/bin/env bash
# lint.sh: the lint gate (`make lint`, also run by `make test`): rustfmt, clippy with warnings
# as errors, no line rustfmt had to leave unformatted, no hand-written file in src/ or tests/
# over 800 lines, and no import loop between files in src/ (the checker first proves on a
# fixture that it finds one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

locked=()
[[ -f Cargo.lock ]] && locked=(--locked)

cargo fmt --all -- --check
# The fuzz crate (fuzz/) is outside the workspace: its files are checked by rustfmt directly.
rustfmt --edition 2024 --check fuzz/src/*.rs fuzz/fuzz_targets/*.rs
python3 scripts/check_line_width.py
python3 scripts/check_file_length.py
python3 scripts/check_import_cycles.py --self-test
python3 scripts/check_import_cycles.py
cargo clippy --all-targets "${locked[@]}" -- -D warnings
echo "lint: fmt, line width, file length, import loops and clippy are clean"
