#!/usr/bin/env bash
# fuzz.sh: run every fuzz target in fuzz/ (cargo fuzz, libFuzzer) for SECONDS each, on stable Rust.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     default: 10 seconds, every target
#
# `make test` runs it with the default as a smoke pass; docs/benchmarks.md ("Fuzzing") records a
# longer run. cargo-fuzz is installed from crates.io when missing (under CI=true a failed install
# fails the run rather than skipping it). Targets are built with `--sanitizer none`, which needs no
# nightly flag: coverage instrumentation, debug assertions and overflow checks all work on stable.
# New inputs go to fuzz/corpus/<target>/ (not committed); fuzz/seeds/<target>/ is read, never
# written. A crash fails the run; its input is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-10}"
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz from crates.io"
  if ! cargo install cargo-fuzz --locked; then
    echo "fuzz: cannot install cargo-fuzz" >&2
    if [[ "${CI:-}" == "true" ]]; then exit 1; fi
    echo "fuzz: skipped (not CI)"
    exit 0
  fi
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

cargo fuzz build --fuzz-dir fuzz --sanitizer none

failed=()
summary=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/artifacts/$t.log"
  mkdir -p fuzz/artifacts
  echo "fuzz: == $t for ${seconds}s"
  if cargo fuzz run --fuzz-dir fuzz --sanitizer none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed+=("$t")
    grep -A20 -m1 "panicked at\|ERROR: libFuzzer" "$log" || tail -30 "$log"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  summary+=("$(printf '%-22s %-6s runs %-10s cov %-6s ft %-6s corpus %s' "$t" "$status" "$runs" "$cov" "$ft" "$corpus")")
done

echo "fuzz: summary (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED targets: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran without a crash"
