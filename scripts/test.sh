#!/usr/bin/env bash
# test.sh: the whole test suite (`make test`): setup beside the build (with clippy as the compiler), the rest of
# the lint gate, cargo tests beside pytest (acceptance, conformance and the official Python SDK, spread over the
# machine's cores), node client tests, docs-check.
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

# Setup and build are fatal: nothing after them means anything without them. They run side by side (setup is
# downloads and installs into .venv; the build needs none of it), setup's lines printed once it ends.
started=$SECONDS
setup_log="$(mktemp)"
bash scripts/setup.sh >"$setup_log" 2>&1 &
setup_pid=$!
# One cargo invocation builds what the steps below use, so cargo overlaps the targets: the binaries, the examples
# (test fixtures: a provider build with a bumped schema, for state upgrades), the unit and integration test
# binaries. Then the bench, built (not run) so that clippy sees it.
build_rc=0
cargo test --no-run "${locked[@]}" && cargo test --no-run --bench sandbox "${locked[@]}" || build_rc=$?
setup_rc=0
wait "$setup_pid" || setup_rc=$?
cat "$setup_log"
rm -f "$setup_log"
if [[ $setup_rc -ne 0 ]]; then
  echo "test: FAILED setup (scripts/setup.sh, exit $setup_rc)"
  exit 1
fi
if [[ $build_rc -ne 0 ]]; then
  echo "test: FAILED build (cargo test --no-run, exit $build_rc)"
  exit 1
fi
echo "test: ok setup and build, with clippy's lints ($((SECONDS - started)) s)"
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

# Every test has its own folder, sandbox and ports, so pytest-xdist spreads them over the cores, one worker more
# than there are cores (a test spends part of its time waiting for Terraform's processes to start and for the
# sandbox); a test's session fixtures run once per worker.
workers="${PYTEST_WORKERS:-$(($(nproc) + 1))}"
py_dirs=()
for d in tests/acceptance tests/conformance tests/clients/python; do [[ -d "$d" ]] && py_dirs+=("$d"); done
# The Rust tests (built above) run beside pytest: many of them wait on sockets and clocks rather than use a core.
# Their output is printed, as its own step, once both end.
cargo_log="$(mktemp)"
cargo_started=$SECONDS
cargo test "${locked[@]}" >"$cargo_log" 2>&1 &
cargo_pid=$!
if [[ ${#py_dirs[@]} -gt 0 ]]; then
  step "pytest ${py_dirs[*]} ($workers workers)" .venv/bin/python -m pytest -q -rs -n "$workers" --dist load \
    "${py_dirs[@]}"
fi
cargo_rc=0
wait "$cargo_pid" || cargo_rc=$?
cargo_seconds=$((SECONDS - cargo_started))
echo "test: == cargo test (beside pytest)"
grep -E '^(test result|running|failures|---- |thread |error|warning: unused)|FAILED|panicked' "$cargo_log" || true
if [[ $cargo_rc -eq 0 ]]; then
  echo "test: ok cargo test ($cargo_seconds s, beside pytest)"
else
  cat "$cargo_log"
  echo "test: FAILED cargo test ($cargo_seconds s, beside pytest)"
  failed+=("cargo test")
fi
rm -f "$cargo_log"

if [[ -f tests/clients/node/package.json ]]; then
  step "node --test (tests/clients/node)" bash -c 'cd tests/clients/node && node --test'
fi

step "docs-check" .venv/bin/python scripts/gen_docs.py --check

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "test: FAILED steps: ${failed[*]}"
  exit 1
fi
echo "test: all steps passed"
