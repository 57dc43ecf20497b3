#!/usr/bin/env bash
# release.sh: build the provider in release mode and write Registry release files (zip, SHA256SUMS, manifest, .sig)
# to dist/. Linux binaries are linked for glibc 2.17 and later (cargo-zigbuild, zig from PyPI: both installed by
# scripts/release-tools.sh into .venv-release), so they run on every maintained Linux distribution.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="terraform-provider-vonage"
# The oldest glibc a Linux binary needs: RHEL/CentOS 7's. Rust's own floor for *-linux-gnu is the same.
GLIBC_FLOOR="2.17"

usage() {
  cat <<EOF
Usage: scripts/release.sh [--target RUST_TARGET_TRIPLE]...

Builds $NAME in release mode and writes, for version V (Cargo.toml [package] version), into \$DIST_DIR
(default dist/):

  ${NAME}_V_<os>_<arch>.zip   one per target, holding ${NAME}_vV (.exe on Windows)
  ${NAME}_V_manifest.json     copy of terraform-registry-manifest.json
  ${NAME}_V_SHA256SUMS        sha256 of every zip and of the manifest
  ${NAME}_V_SHA256SUMS.sig    detached GPG signature, only when GPG_FINGERPRINT names a secret key

Without --target: on Linux, the machine's architecture for glibc $GLIBC_FLOOR+ (x86_64-unknown-linux-gnu on a
PC); elsewhere, the host (target/release).

*-linux-gnu* targets build with 'cargo zigbuild --target <triple>.$GLIBC_FLOOR' (zig links against glibc
$GLIBC_FLOOR's symbol versions, whatever glibc the build machine has); scripts/release-tools.sh installs the pinned
zig and cargo-zigbuild into .venv-release on first use. Other targets build with 'cargo build --target'.

Environment:
  DIST_DIR              output directory (default: dist/)
  GPG_FINGERPRINT       key to sign SHA256SUMS with (gpg --detach-sign); unset: signing is skipped
  GPG_PASSPHRASE        that key's passphrase, if it has one
  PROVIDER_RELEASE_BIN  use this already-built binary instead of running cargo (one target only)

Cross-compiling (the Registry's usual matrix is linux, darwin, windows x amd64, arm64; freebsd, 386 and arm
are optional): install the target's standard library, then pass the triple:

  rustup target add aarch64-unknown-linux-gnu
  scripts/release.sh --target x86_64-unknown-linux-gnu --target aarch64-unknown-linux-gnu

  Linux: x86_64-/aarch64-/i686-unknown-linux-gnu, armv7-unknown-linux-gnueabihf (zig is the cross linker), or
         *-unknown-linux-musl for static binaries (needs a musl linker).
  macOS: x86_64-/aarch64-apple-darwin: build on macOS (Xcode's linker and SDK).
  Windows: x86_64-pc-windows-msvc on Windows, or x86_64-pc-windows-gnu with Debian's gcc-mingw-w64-x86-64.
  The crypto backend (aws-lc-rs) needs a C compiler for each target (zig's, for Linux).
Each zip lands in the same SHA256SUMS when all targets build in one invocation. When each target builds on its
own machine (.github/workflows/release.yml), gather the zips into one directory and run
scripts/release-gather.sh there: it writes one SHA256SUMS, signs it and verifies the result.
EOF
}

targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --target) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; targets+=("$2"); shift 2 ;;
    *) echo "release: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [[ ${#targets[@]} -eq 0 ]]; then
  if [[ "$(uname -s)" == Linux ]]; then
    machine="$(uname -m)"
    [[ "$machine" == arm64 ]] && machine=aarch64
    targets=("$machine-unknown-linux-gnu")
  else
    targets=(host)
  fi
fi
if [[ -n "${PROVIDER_RELEASE_BIN:-}" && ${#targets[@]} -gt 1 ]]; then
  echo "release: PROVIDER_RELEASE_BIN stands for one target's binary, and ${#targets[@]} targets were asked for" >&2
  exit 2
fi

VERSION="$("$ROOT/scripts/version.sh")"
DIST="${DIST_DIR:-$ROOT/dist}"
mkdir -p "$DIST"
rm -f "$DIST/${NAME}_${VERSION}_"*

# Rust target triple (or "host") -> Terraform's <os>_<arch>.
platform_of() {
  local triple="$1" os arch
  if [[ "$triple" == host ]]; then
    os="$(uname -s | tr '[:upper:]' '[:lower:]')"
    triple="$(uname -m)-$os"
  fi
  case "$triple" in
    x86_64-*) arch=amd64 ;; aarch64-* | arm64-*) arch=arm64 ;; i?86-*) arch=386 ;; arm*) arch=arm ;;
    *) echo "release: unknown architecture in $triple" >&2; return 1 ;;
  esac
  case "$triple" in
    *linux*) os=linux ;; *darwin* | *apple*) os=darwin ;; *windows*) os=windows ;; *freebsd*) os=freebsd ;;
    *) echo "release: unknown OS in $triple" >&2; return 1 ;;
  esac
  echo "${os}_${arch}"
}

# Build TARGET with cargo-zigbuild for glibc $GLIBC_FLOOR (a triple that names one, like
# x86_64-unknown-linux-gnu.2.28, keeps it).
zigbuild() {
  local target="$1" tools zig
  [[ "$target" =~ \.[0-9]+\.[0-9]+$ ]] || target="$target.$GLIBC_FLOOR"
  tools="$(bash "$ROOT/scripts/release-tools.sh")"
  # The pinned zig itself, so that another zig on PATH is never used.
  zig="$("$tools/python" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')"
  echo "release: cargo zigbuild --target $target (zig $("$zig" version))"
  (cd "$ROOT" && PATH="$tools:$PATH" CARGO_ZIGBUILD_ZIG_PATH="$zig" \
    cargo zigbuild --release --locked --bin "$NAME" --target "$target")
}

# A Python that runs (on Windows, `python3` may be the Store's stub, which does not).
find_python() {
  local candidate
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  echo "release: no python3 or python to zip with (or install zip)" >&2
  return 1
}

# zip FILE into ZIP under the name ENTRY, executable; `zip` if installed, else Python's zipfile.
make_zip() {
  local file="$1" zipfile="$2" entry="$3" stage python
  if command -v zip >/dev/null; then
    stage="$(mktemp -d)"
    install -m 0755 "$file" "$stage/$entry"
    (cd "$stage" && zip -q -X "$zipfile" "$entry")
    rm -rf "$stage"
  else
    python="$(find_python)"
    "$python" - "$file" "$zipfile" "$entry" <<'PY'
import sys, zipfile
src, dst, entry = sys.argv[1:]
info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3  # Unix, so that unzip honours the mode below, also when zipped on Windows
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile(dst, "w") as z, open(src, "rb") as f:
    z.writestr(info, f.read())
PY
  fi
}

for target in "${targets[@]}"; do
  platform="$(platform_of "$target")"
  exe=""
  [[ "$platform" == windows_* ]] && exe=".exe"
  if [[ -n "${PROVIDER_RELEASE_BIN:-}" ]]; then
    bin="$PROVIDER_RELEASE_BIN"
    echo "release: using prebuilt $bin for $platform"
  elif [[ "$target" == host ]]; then
    (cd "$ROOT" && cargo build --release --locked --bin "$NAME")
    bin="$ROOT/target/release/$NAME"
  elif [[ "$target" == *-linux-gnu* ]]; then
    zigbuild "$target"
    bin="$ROOT/target/${target%.[0-9]*.[0-9]*}/release/$NAME"
  else
    (cd "$ROOT" && cargo build --release --locked --bin "$NAME" --target "$target")
    bin="$ROOT/target/$target/release/$NAME$exe"
  fi
  [[ -f "$bin" ]] || { echo "release: $bin not found" >&2; exit 1; }
  make_zip "$bin" "$DIST/${NAME}_${VERSION}_${platform}.zip" "${NAME}_v${VERSION}${exe}"
  echo "release: wrote ${NAME}_${VERSION}_${platform}.zip"
done

bash "$ROOT/scripts/release-sums.sh" "$DIST"
echo "release: $NAME $VERSION is in $DIST"
