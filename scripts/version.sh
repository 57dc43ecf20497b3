#!/usr/bin/env bash
# version.sh: print the provider version; its single source of truth is `version` in Cargo.toml's [package].
set -euo pipefail

awk -F'"' '/^\[/ { pkg = ($0 == "[package]") } pkg && /^version[[:space:]]*=/ { print $2; found = 1; exit }
  END { if (!found) exit 1 }' "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Cargo.toml"
