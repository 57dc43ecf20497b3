#!/usr/bin/env python3
"""verify_release.py: check a release directory the way the Terraform Registry and `terraform init` do, before it is
published. Exits 0 when every check passes; otherwise prints each failure and exits 1.

    python3 scripts/verify_release.py DIST_DIR --key PUBLIC_KEY.asc [--platform linux_amd64 ...]

What it checks (for version V from Cargo.toml):
- the signing key is RSA or DSA: the Registry refuses any other kind (ed25519 among them) when the key is added;
- terraform-provider-vonage_V_SHA256SUMS.sig is a binary (not ASCII-armoured) detached OpenPGP signature, made by an
  RSA/DSA key, that verifies over SHA256SUMS with that public key alone (a keyring holding nothing else);
- SHA256SUMS lists every zip in the directory and the manifest, each with its SHA-256, in `sha256sum` format;
- the manifest says protocol version 6.0 (terraform-registry-manifest.json);
- each zip holds exactly one file, terraform-provider-vonage_vV (.exe on Windows), executable;
- every --platform asked for has its zip.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "terraform-provider-vonage"
# OpenPGP public-key algorithm ids (RFC 4880 9.1) the Registry accepts: RSA (1, 2, 3) and DSA (17).
ACCEPTED_ALGORITHMS = {1: "RSA", 2: "RSA", 3: "RSA", 17: "DSA"}
ALGORITHM_NAMES = {**ACCEPTED_ALGORITHMS, 16: "Elgamal", 18: "ECDH", 19: "ECDSA", 22: "EdDSA", 27: "Ed25519",
                   28: "Ed448"}
MANIFEST = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}


def version() -> str:
    return subprocess.run(["bash", str(ROOT / "scripts" / "version.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


def gpg(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["gpg", "--homedir", str(home), "--batch", "--no-tty", *args], input=stdin,
                          capture_output=True, timeout=120)


def check_signature(dist: Path, sums: Path, key: Path, errors: list[str]) -> None:
    sig = sums.with_name(sums.name + ".sig")
    if not sig.is_file():
        errors.append(f"{sig.name} is missing")
        return
    raw = sig.read_bytes()
    if raw.lstrip().startswith(b"-----BEGIN") or not raw or not raw[0] & 0x80:
        errors.append(f"{sig.name} is not a binary OpenPGP signature (ASCII armour is refused)")
        return
    home = Path(tempfile.mkdtemp(prefix="verify-release-gnupg-"))
    home.chmod(0o700)
    try:
        shown = gpg(home, "--with-colons", "--import-options", "show-only", "--import", str(key))
        keys = [line.split(":") for line in shown.stdout.decode().splitlines() if line.startswith("pub:")]
        if shown.returncode != 0 or len(keys) != 1:
            errors.append(f"{key} does not hold exactly one public key: {shown.stderr.decode().strip()}")
            return
        algorithm = int(keys[0][3])
        if algorithm not in ACCEPTED_ALGORITHMS:
            errors.append(f"the signing key is {ALGORITHM_NAMES.get(algorithm, f'algorithm {algorithm}')}: the "
                          "Registry accepts RSA or DSA keys only")
        if gpg(home, "--import", str(key)).returncode != 0:
            errors.append(f"cannot import {key}")
            return
        packets = gpg(home, "--list-packets", str(sig)).stdout.decode()
        sig_algorithms = [int(a) for a in re.findall(r":signature packet: algo (\d+)", packets)]
        if len(sig_algorithms) != 1:
            errors.append(f"{sig.name} holds {len(sig_algorithms)} signatures, not one")
        elif sig_algorithms[0] not in ACCEPTED_ALGORITHMS:
            errors.append(f"{sig.name} is an {ALGORITHM_NAMES.get(sig_algorithms[0], sig_algorithms[0])} "
                          "signature: the Registry accepts RSA or DSA only")
        verify = gpg(home, "--status-fd", "1", "--verify", str(sig), str(sums))
        status = verify.stdout.decode()
        if verify.returncode != 0 or "[GNUPG:] VALIDSIG" not in status:
            errors.append(f"{sig.name} does not verify {sums.name} with {key.name}: "
                          f"{verify.stderr.decode().strip()}")
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def check(dist: Path, key: Path, platforms: list[str]) -> list[str]:
    ver = version()
    prefix = f"{NAME}_{ver}"
    errors: list[str] = []
    sums = dist / f"{prefix}_SHA256SUMS"
    if not sums.is_file():
        return [f"{sums.name} is missing from {dist}"]

    listed: dict[str, str] = {}
    for number, line in enumerate(sums.read_text().splitlines(), 1):
        found = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        if not found:
            errors.append(f"{sums.name} line {number} is not '<sha256>  <file>': {line!r}")
            continue
        listed[found.group(2)] = found.group(1)
    zips = sorted(p.name for p in dist.glob(f"{prefix}_*.zip"))
    manifest = f"{prefix}_manifest.json"
    for name in [*zips, manifest]:
        if name not in listed:
            errors.append(f"{name} is not in {sums.name}")
    for name, digest in listed.items():
        path = dist / name
        if not path.is_file():
            errors.append(f"{sums.name} lists {name}, which is not in {dist}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            errors.append(f"{name}: its SHA-256 differs from {sums.name}'s")

    if (dist / manifest).is_file():
        try:
            if json.loads((dist / manifest).read_text()) != MANIFEST:
                errors.append(f"{manifest} is not {json.dumps(MANIFEST)}")
        except ValueError as err:
            errors.append(f"{manifest} is not JSON: {err}")
    else:
        errors.append(f"{manifest} is missing")

    for name in zips:
        platform = name[len(prefix) + 1:-len(".zip")]
        entry = f"{NAME}_v{ver}" + (".exe" if platform.startswith("windows_") else "")
        try:
            with zipfile.ZipFile(dist / name) as z:
                infos = z.infolist()
        except zipfile.BadZipFile as err:
            errors.append(f"{name} is not a zip: {err}")
            continue
        if [i.filename for i in infos] != [entry]:
            errors.append(f"{name} holds {[i.filename for i in infos]}, not [{entry!r}]")
        elif not (infos[0].external_attr >> 16) & 0o100:
            errors.append(f"{name}: {entry} is not executable")
    for platform in platforms:
        if f"{prefix}_{platform}.zip" not in zips:
            errors.append(f"{prefix}_{platform}.zip is missing")

    check_signature(dist, sums, key, errors)
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--key", type=Path, required=True, help="ASCII-armoured public key of the signer")
    parser.add_argument("--platform", action="append", default=[], help="an <os>_<arch> that must have its zip")
    args = parser.parse_args()
    if not shutil.which("gpg"):
        print("verify_release: gpg is not installed", file=sys.stderr)
        return 1
    errors = check(args.dist, args.key, args.platform)
    for error in errors:
        print(f"verify_release: FAILED: {error}", file=sys.stderr)
    if errors:
        return 1
    print(f"verify_release: {args.dist} is a valid Registry release ({len(list(args.dist.glob('*.zip')))} zips, "
          "SHA256SUMS, its RSA/DSA signature and the manifest)")
    return 0


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main())
