#!/usr/bin/env bash
# release.sh: build the provider in release mode and write Registry release files (zip, SHA256SUMS, manifest, .sig) to dist/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="terraform-provider-vonage"

usage() {
  cat <<EOF
Usage: scripts/release.sh [--target RUST_TARGET_TRIPLE]...

Builds $NAME with 'cargo build --release' and writes, for version V (Cargo.toml [package] version),
into \$DIST_DIR (default dist/):

  ${NAME}_V_<os>_<arch>.zip   one per target, holding ${NAME}_vV (.exe on Windows)
  ${NAME}_V_manifest.json     copy of terraform-registry-manifest.json
  ${NAME}_V_SHA256SUMS        sha256 of every zip and of the manifest
  ${NAME}_V_SHA256SUMS.sig    detached GPG signature, only when GPG_FINGERPRINT names a secret key

Without --target the host is built (target/release). Environment:
  DIST_DIR              output directory (default: dist/)
  GPG_FINGERPRINT       key to sign SHA256SUMS with (gpg --detach-sign); unset: signing is skipped
  GPG_PASSPHRASE        that key's passphrase, if it has one
  PROVIDER_RELEASE_BIN  use this already-built binary for the host platform instead of running cargo

Cross-compiling other platforms (the Registry's usual matrix is linux, darwin, windows, freebsd x
amd64, arm64, 386, arm): install the target's standard library and a linker, then pass the triple:

  rustup target add aarch64-unknown-linux-gnu
  apt-get install gcc-aarch64-linux-gnu
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  scripts/release.sh --target x86_64-unknown-linux-gnu --target aarch64-unknown-linux-gnu

  Linux: x86_64-/aarch64-/i686-unknown-linux-gnu, armv7-unknown-linux-gnueabihf (Debian gcc-*-linux-gnu*
         cross compilers), or *-unknown-linux-musl for static binaries.
  macOS: x86_64-/aarch64-apple-darwin need the macOS SDK: build on a macOS runner, or use cargo-zigbuild.
  Windows: x86_64-pc-windows-gnu with Debian's gcc-mingw-w64-x86-64.
  The crypto backend (aws-lc-rs) needs a C compiler (and cmake for some targets) for each target.
Each zip lands in the same SHA256SUMS, so build all targets in one invocation.
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

# zip FILE into ZIP under the name ENTRY, executable; `zip` if installed, else Python's zipfile.
make_zip() {
  local file="$1" zipfile="$2" entry="$3" stage
  if command -v zip >/dev/null; then
    stage="$(mktemp -d)"
    install -m 0755 "$file" "$stage/$entry"
    (cd "$stage" && zip -q -X "$zipfile" "$entry")
    rm -rf "$stage"
  else
    python3 - "$file" "$zipfile" "$entry" <<'PY'
import sys, zipfile
src, dst, entry = sys.argv[1:]
info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile(dst, "w") as z, open(src, "rb") as f:
    z.writestr(info, f.read())
PY
  fi
}

[[ ${#targets[@]} -eq 0 ]] && targets=(host)
for target in "${targets[@]}"; do
  platform="$(platform_of "$target")"
  exe=""
  [[ "$platform" == windows_* ]] && exe=".exe"
  if [[ "$target" == host && -n "${PROVIDER_RELEASE_BIN:-}" ]]; then
    bin="$PROVIDER_RELEASE_BIN"
    echo "release: using prebuilt $bin for $platform"
  elif [[ "$target" == host ]]; then
    (cd "$ROOT" && cargo build --release --bin "$NAME")
    bin="$ROOT/target/release/$NAME"
  else
    (cd "$ROOT" && cargo build --release --bin "$NAME" --target "$target")
    bin="$ROOT/target/$target/release/$NAME$exe"
  fi
  [[ -f "$bin" ]] || { echo "release: $bin not found" >&2; exit 1; }
  make_zip "$bin" "$DIST/${NAME}_${VERSION}_${platform}.zip" "${NAME}_v${VERSION}${exe}"
  echo "release: wrote ${NAME}_${VERSION}_${platform}.zip"
done

bash "$ROOT/scripts/release-sums.sh" "$DIST"
echo "release: $NAME $VERSION is in $DIST"
