#!/usr/bin/env bash
# test.sh: the whole test suite (`make test`): setup, build (with clippy as the compiler), the rest of the lint
# gate, cargo tests, pytest (acceptance, conformance and the official Python SDK, spread over the machine's
# cores), node client tests, docs-check.
#
# Longer runs are not here: the fuzz smoke pass, soak and chaos runs are later steps of .ci/run.
# scripts/time_make_test.sh measures this command from a fresh clone (docs/benchmarks.md records the figure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_PLUGIN_CACHE_DIR

locked=()
[[ -f Cargo.lock ]] && locked=(--locked)

# Clippy is the compiler of the project's own crates in every cargo command below, as `cargo clippy` makes
# it (RUSTC_WORKSPACE_WRAPPER=clippy-driver, its lints denied like warnings): the build is the lint, and no
# second compile of every dependency is needed for it (`make lint` still runs `cargo clippy` on its own).
clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
if [[ -z "$clippy_driver" ]]; then
  echo "test: clippy-driver not found; install clippy (rustup component add clippy)" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver" CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings"

# Setup and build are fatal: nothing after them means anything without them.
started=$SECONDS
bash scripts/setup.sh
echo "test: ok setup ($((SECONDS - started)) s)"
started=$SECONDS
# The examples are test fixtures (a provider build with a bumped schema, for state upgrades); the bench is
# built (not run) so that clippy sees it.
cargo build --bins --examples "${locked[@]}"
cargo test --bench sandbox --no-run "${locked[@]}"
echo "test: ok build, with clippy's lints ($((SECONDS - started)) s)"
# The install and packaging tests install this build: what they check (the install paths, the zip, the lock
# file's hashes, a plain `terraform init`) is the same for every profile, and the optimised build is made and
# served by `make release` (a later step of .ci/run), so make test builds no release profile.
export PROVIDER_RELEASE_BIN="$ROOT/target/debug/terraform-provider-vonage"

failed=()
step() {
  local name="$1"
  shift
  echo "test: == $name"
  local started=$SECONDS
  if "$@"; then
    echo "test: ok $name ($((SECONDS - started)) s)"
  else
    echo "test: FAILED $name ($((SECONDS - started)) s)"
    failed+=("$name")
  fi
}

step "lint (scripts/lint.sh --no-clippy)" bash scripts/lint.sh --no-clippy
step "cargo test" cargo test "${locked[@]}"

# Every test has its own folder, sandbox and ports, so pytest-xdist spreads them over the cores; a test's
# session fixtures run once per worker.
workers="${PYTEST_WORKERS:-$(nproc)}"
py_dirs=()
for d in tests/acceptance tests/conformance tests/clients/python; do [[ -d "$d" ]] && py_dirs+=("$d"); done
if [[ ${#py_dirs[@]} -gt 0 ]]; then
  step "pytest ${py_dirs[*]} ($workers workers)" .venv/bin/python -m pytest -q -rs -n "$workers" --dist load \
    "${py_dirs[@]}"
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
