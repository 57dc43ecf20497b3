#!/usr/bin/env bash
# release-tools.sh: install the pinned Linux release toolchain, zig (PyPI's ziglang) and cargo-zigbuild, into a
# project-local virtualenv (.venv-release, or $RELEASE_VENV), and print that venv's bin directory; idempotent.
#
# scripts/release.sh calls it before a Linux build: cargo-zigbuild links against glibc 2.17's symbol versions with
# zig's bundled libc stubs, so the binary runs on any glibc from 2.17 on, whatever the build machine has.
#
# The zig version matters: aws-lc-sys (the provider's TLS crypto) does not build with every zig (aws/aws-lc-rs#993:
# zig 0.16.0's `ar` cannot create archives, and cc-rs builds the C code into archives). 0.15.2 is the last release
# known to build it; change the pin only together with a `make release` that passes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RELEASE_VENV:-$ROOT/.venv-release}"
PINS=("ziglang==0.15.2" "cargo-zigbuild==0.24.1")

say() { printf 'release-tools: %s\n' "$*" >&2; }

bin="$VENV/bin"
[[ -d "$VENV/Scripts" ]] && bin="$VENV/Scripts" # a venv made by Windows' Python

stamp="$VENV/.release-tools"
want="${PINS[*]}"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$bin/cargo-zigbuild" ]]; then
  say "up to date in $VENV ($want)"
else
  python="$(command -v python3 || command -v python)" || { say "python3 is needed to install zig"; exit 1; }
  [[ -x "$bin/python" || -x "$bin/python.exe" ]] || "$python" -m venv "$VENV"
  [[ -d "$VENV/Scripts" ]] && bin="$VENV/Scripts"
  # From the per-user wheel cache (scripts/wheelhouse.sh): zig's wheel is large and pip caches nothing here.
  source "$ROOT/scripts/wheelhouse.sh"
  wheelhouse_install "$bin/python" "${PINS[@]}"
  echo "$want" >"$stamp"
  say "installed $want into $VENV"
fi
echo "$bin"
