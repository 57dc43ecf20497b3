#!/usr/bin/env bash
# install.sh: build the provider in release mode and install it into ~/.terraform.d/plugins (Terraform's implied local mirror).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="terraform-provider-vonage"
VERSION="$("$ROOT/scripts/version.sh")"

case "$(uname -m)" in
  x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; i?86) arch=386 ;; arm*) arch=arm ;;
  *) echo "install: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
os="$(uname -s | tr '[:upper:]' '[:lower:]')"

if [[ -n "${PROVIDER_RELEASE_BIN:-}" ]]; then
  bin="$PROVIDER_RELEASE_BIN"
else
  (cd "$ROOT" && cargo build --release --bin "$NAME")
  bin="$ROOT/target/release/$NAME"
fi

dir="$HOME/.terraform.d/plugins/registry.terraform.io/vonage/vonage/$VERSION/${os}_${arch}"
dest="$dir/${NAME}_v$VERSION"
mkdir -p "$dir"

if [[ -f "$dest" ]] && cmp -s "$bin" "$dest"; then
  echo "install: $dest is already this build; nothing to do"
  exit 0
fi
reinstall=0
[[ -f "$dest" ]] && reinstall=1
install -m 0755 "$bin" "$dest.tmp.$$"
mv -f "$dest.tmp.$$" "$dest"
echo "install: installed $NAME $VERSION to $dest"
cat <<EOF
install: use it from any configuration (plain 'terraform init', no CLI config needed):
    terraform {
      required_providers {
        vonage = { source = "vonage/vonage", version = "$VERSION" }
      }
    }
EOF

if [[ $reinstall -eq 1 ]]; then
  cat <<EOF

install: NOTE: this replaced a different build of the same version $VERSION.
  Working directories initialised against the old build now fail with
  "the cached package ... does not match any of the checksums recorded in the dependency lock file",
  because .terraform.lock.hcl pinned the old build's h1: hash. In each such directory run:
      rm .terraform.lock.hcl && terraform init
  ('terraform init -upgrade' does NOT fix it while the old lock file exists.)
  To avoid this during development, bump the version in Cargo.toml, or use dev_overrides instead.
EOF
fi
