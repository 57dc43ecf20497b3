#!/usr/bin/env bash
# release-sums.sh: finish a release directory for the Terraform Registry: copy the manifest in, write SHA256SUMS over
# every zip and the manifest, and sign it (a detached binary signature, SHA256SUMS.sig) when GPG_FINGERPRINT names a
# secret key. scripts/release.sh runs it after building; the release workflow's last job runs it (through
# scripts/release-gather.sh) over the zips that every platform's job built.
#
# Usage: scripts/release-sums.sh DIST_DIR [PLATFORM...]
#   PLATFORM (e.g. linux_amd64): each must have its zip in DIST_DIR, or nothing is written.
# Environment: GPG_FINGERPRINT (key to sign with; unset: signing is skipped, and said so), GPG_PASSPHRASE (that
# key's passphrase, when it has one), REQUIRE_SIGNATURE=1 (fail instead of skipping the signature).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="terraform-provider-vonage"

[[ $# -ge 1 ]] || { echo "usage: scripts/release-sums.sh DIST_DIR [PLATFORM...]" >&2; exit 2; }
DIST="$1"
shift
VERSION="$("$ROOT/scripts/version.sh")"
prefix="${NAME}_${VERSION}"

missing=()
for platform in "$@"; do
  [[ -f "$DIST/${prefix}_${platform}.zip" ]] || missing+=("${prefix}_${platform}.zip")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "release: missing from $DIST: ${missing[*]}" >&2
  exit 1
fi
zips=("$DIST/${prefix}_"*.zip)
[[ -f "${zips[0]}" ]] || { echo "release: no ${prefix}_*.zip in $DIST" >&2; exit 1; }

cp "$ROOT/terraform-registry-manifest.json" "$DIST/${prefix}_manifest.json"
sums="${prefix}_SHA256SUMS"
rm -f "$DIST/$sums" "$DIST/$sums.sig"
sha256=(sha256sum)
command -v sha256sum >/dev/null || sha256=(shasum -a 256) # macOS has only shasum; both print "<hash>  <file>"
(cd "$DIST" && "${sha256[@]}" "${prefix}_"*.zip "${prefix}_manifest.json" >"$sums")
echo "release: wrote $sums"

if [[ -n "${GPG_FINGERPRINT:-}" ]]; then
  sign=(gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$DIST/$sums.sig" --detach-sign)
  if [[ -n "${GPG_PASSPHRASE:-}" ]]; then
    "${sign[@]}" --pinentry-mode loopback --passphrase-fd 0 "$DIST/$sums" <<<"$GPG_PASSPHRASE"
  else
    "${sign[@]}" "$DIST/$sums"
  fi
  echo "release: signed $sums with $GPG_FINGERPRINT -> $sums.sig"
elif [[ "${REQUIRE_SIGNATURE:-0}" == 1 ]]; then
  echo "release: GPG_FINGERPRINT is not set and REQUIRE_SIGNATURE=1: the Registry requires $sums.sig" >&2
  exit 1
else
  echo "release: SIGNING SKIPPED: GPG_FINGERPRINT is not set, so no $sums.sig (the Registry requires one)"
fi
