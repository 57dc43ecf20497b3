#!/usr/bin/env bash
# time_make_test.sh: how long `make test` takes from a fresh clone, build included: the figure
# docs/benchmarks.md records ("The test suite").
#
#   bash scripts/time_make_test.sh [--runs N] [--busy]
#
# Each run clones the committed HEAD into a new temporary folder (no target/, no .venv: setup and the
# whole build are timed; the registries' download caches in ~/.cargo, ~/.cache/pip and ~/.npm may be warm,
# as on any developer machine), runs `make test` there with CI=true, and removes the clone. --busy keeps
# one core busy with a shell loop for the whole run, as a loaded machine would. Prints each run's exit code
# and wall time, then the median; exits non-zero if any run failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

runs=1
busy=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --busy) busy=1; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "time_make_test: unknown argument $1" >&2; exit 2 ;;
  esac
done

busy_pid=""
stop_busy() { [[ -n "$busy_pid" ]] && kill "$busy_pid" 2>/dev/null || true; }
trap stop_busy EXIT
if [[ $busy -eq 1 ]]; then
  (while :; do :; done) &
  busy_pid=$!
fi

head="$(git -C "$ROOT" rev-parse --short HEAD)"
times=()
worst=0
for ((i = 1; i <= runs; i++)); do
  dir="$(mktemp -d)"
  git clone -q "$ROOT" "$dir/p"
  log="$dir/make-test.log"
  started=$(date +%s)
  rc=0
  # /usr/bin/time adds the CPU seconds of the run and all it started: a figure the machine's other load moves less.
  (cd "$dir/p" && CI=true /usr/bin/time -f 'cpu %U %S' -o "$dir/cpu" make test) >"$log" 2>&1 || rc=$?
  seconds=$(($(date +%s) - started))
  cpu="$(awk '/^cpu/ {printf "%d", $2 + $3}' "$dir/cpu" 2>/dev/null || true)"
  grep -E '^(test|setup): ' "$log" | grep -E '^test: (ok|FAILED)|^setup: ' | sed 's/^/  /' || true
  echo "time_make_test: run $i/$runs of $head: rc $rc, $seconds s ($((seconds / 60)) min $((seconds % 60)) s)," \
    "${cpu:-?} CPU s$([[ $busy -eq 1 ]] && echo ', one core busy')"
  if [[ $rc -ne 0 ]]; then
    worst=$rc
    tail -n 40 "$log" | sed 's/^/  | /'
    cp "$log" "$ROOT/target/time_make_test-run$i.log" 2>/dev/null || true
  fi
  times+=("$seconds")
  rm -rf "$dir"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "time_make_test: median of $runs: $median s ($((median / 60)) min $((median % 60)) s)"
exit "$worst"
