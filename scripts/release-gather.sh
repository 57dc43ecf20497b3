#!/usr/bin/env bash
# release-gather.sh: the release workflow's last job (.github/workflows/release.yml), runnable anywhere: over a
# directory holding the zip that each platform's job built, import the signing key, write one SHA256SUMS and the
# manifest, sign SHA256SUMS (detached, binary), and verify the whole directory the way the Registry will
# (scripts/verify_release.py). What is left in DIST_DIR is exactly what the GitHub release gets.
#
# Usage: scripts/release-gather.sh DIST_DIR [PLATFORM...]
#   PLATFORM: each <os>_<arch> that must have its zip (default: the Registry matrix this project ships,
#   linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64).
# Environment:
#   GPG_PRIVATE_KEY   the signing key, ASCII-armoured secret key (an RSA key: the Registry refuses others)
#   GPG_PASSPHRASE    its passphrase, if it has one
#   PUBLIC_KEY_OUT    where to write the public key (ASCII armour), e.g. to add it to the Registry (optional)
#   RELEASE_TAG       the git tag being released (optional): it must be v<Cargo.toml's version>, the zips' version
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 ]] || { echo "usage: scripts/release-gather.sh DIST_DIR [PLATFORM...]" >&2; exit 2; }
DIST="$1"
shift
platforms=("$@")
[[ ${#platforms[@]} -gt 0 ]] || platforms=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)
VERSION="$("$ROOT/scripts/version.sh")"
if [[ -n "${RELEASE_TAG:-}" && "$RELEASE_TAG" != "v$VERSION" ]]; then
  echo "release: the tag $RELEASE_TAG is not v$VERSION, the version in Cargo.toml (and in the zips' names)" >&2
  exit 1
fi
[[ -n "${GPG_PRIVATE_KEY:-}" ]] || { echo "release: GPG_PRIVATE_KEY is not set (the signing key)" >&2; exit 1; }

# A keyring of its own, holding only the signing key, removed at the end.
GNUPGHOME="$(mktemp -d)"
export GNUPGHOME
chmod 700 "$GNUPGHOME"
# This keyring lives as long as this script, and the passphrase is in its environment anyway: spare gpg-agent the
# seconds it spends calibrating how hard to make the passphrase protection of the imported key.
echo "s2k-count 65536" >"$GNUPGHOME/gpg-agent.conf"
cleanup() {
  gpgconf --kill all >/dev/null 2>&1 || true
  rm -rf "$GNUPGHOME"
}
trap cleanup EXIT

# The key goes on stdin from printf (a builtin) and the passphrase on fd 3: neither is on a command line.
if [[ -n "${GPG_PASSPHRASE:-}" ]]; then
  printf '%s\n' "$GPG_PRIVATE_KEY" |
    gpg --batch --import --pinentry-mode loopback --passphrase-fd 3 3<<<"$GPG_PASSPHRASE"
else
  printf '%s\n' "$GPG_PRIVATE_KEY" | gpg --batch --import
fi
mapfile -t fingerprints < <(gpg --batch --with-colons --list-secret-keys |
  awk -F: '$1 == "sec" { want = 1 } $1 == "fpr" && want { print $10; want = 0 }')
if [[ ${#fingerprints[@]} -ne 1 ]]; then
  echo "release: GPG_PRIVATE_KEY holds ${#fingerprints[@]} secret keys; it must hold exactly one" >&2
  exit 1
fi
export GPG_FINGERPRINT="${fingerprints[0]}"
echo "release: signing with $GPG_FINGERPRINT"

public_key="$GNUPGHOME/public.asc"
gpg --batch --armor --export "$GPG_FINGERPRINT" >"$public_key"
[[ -z "${PUBLIC_KEY_OUT:-}" ]] || cp "$public_key" "$PUBLIC_KEY_OUT"

REQUIRE_SIGNATURE=1 bash "$ROOT/scripts/release-sums.sh" "$DIST" "${platforms[@]}"

python="$(command -v python3 || command -v python)"
platform_args=()
for platform in "${platforms[@]}"; do platform_args+=(--platform "$platform"); done
"$python" "$ROOT/scripts/verify_release.py" "$DIST" --key "$public_key" "${platform_args[@]}"
