#!/usr/bin/env bash
# test.sh: the whole test suite (`make test`): setup, build, the lint gate, cargo tests, pytest (acceptance and
# conformance), node client tests, docs-check.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_PLUGIN_CACHE_DIR

locked=()
[[ -f Cargo.lock ]] && locked=(--locked)

# Setup and build are fatal: nothing after them means anything without them.
bash scripts/setup.sh
# The examples are test fixtures (a provider build with a bumped schema, for state upgrades).
cargo build --bins --examples "${locked[@]}"

failed=()
step() {
  local name="$1"
  shift
  echo "test: == $name"
  if "$@"; then echo "test: ok $name"; else echo "test: FAILED $name"; failed+=("$name"); fi
}

step "lint (fmt, line width, clippy)" bash scripts/lint.sh
step "cargo test" cargo test "${locked[@]}"

py_dirs=()
for d in tests/acceptance tests/conformance tests/clients/python; do [[ -d "$d" ]] && py_dirs+=("$d"); done
if [[ ${#py_dirs[@]} -gt 0 ]]; then
  step "pytest ${py_dirs[*]}" .venv/bin/python -m pytest -q "${py_dirs[@]}"
fi

if [[ -f tests/clients/node/package.json ]]; then
  step "node --test (tests/clients/node)" bash -c 'cd tests/clients/node && node --test'
fi

step "docs-check" .venv/bin/python scripts/gen_docs.py --check

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "test: FAILED steps: ${failed[*]}"
  exit 1
fi
echo "test: all steps passed"
