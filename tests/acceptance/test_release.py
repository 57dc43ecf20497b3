"""The release: scripts/release.sh's Registry files (zip, SHA256SUMS, manifest, .sig), and their signature with an
RSA key, checked the way the Registry checks it (scripts/verify_release.py).

These tests feed release.sh a small stand-in binary (PROVIDER_RELEASE_BIN), so they check the packaging itself and
run everywhere, in seconds; test_install.py installs a real build from the same zip."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import signing
import tfharness as h

SCRIPT = h.REPO / "scripts" / "release.sh"
NAME = "terraform-provider-vonage"
MANIFEST = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}


def cargo_version() -> str:
    return subprocess.run([str(h.REPO / "scripts" / "version.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_release(dist: Path, binary: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GPG_")}
    full_env.update(DIST_DIR=str(dist), PROVIDER_RELEASE_BIN=str(binary))
    full_env.update(env or {})
    return subprocess.run(["bash", str(SCRIPT), *args], env=full_env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def fake_binary(tmp_path) -> Path:
    path = tmp_path / "fake-provider"
    path.write_bytes(b"#!/bin/sh\necho not really a provider\n" + os.urandom(64))
    path.chmod(0o755)
    return path


def test_version_comes_from_cargo_toml():
    text = (h.REPO / "Cargo.toml").read_text()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    assert f'version = "{cargo_version()}"' in package


def test_manifest_file():
    assert json.loads((h.REPO / "terraform-registry-manifest.json").read_text()) == MANIFEST


def check_release(dist: Path, binary: Path, version: str) -> None:
    prefix = f"{NAME}_{version}"
    zip_name = f"{prefix}_linux_amd64.zip"

    with zipfile.ZipFile(dist / zip_name) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == [f"{NAME}_v{version}"]
        assert z.read(infos[0]) == binary.read_bytes()
        assert (infos[0].external_attr >> 16) & 0o777 == 0o755

    assert json.loads((dist / f"{prefix}_manifest.json").read_text()) == MANIFEST

    sums = {}
    for line in (dist / f"{prefix}_SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert set(sums) == {zip_name, f"{prefix}_manifest.json"}
    for name, digest in sums.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name


def test_release_files(tmp_path, fake_binary):
    dist = tmp_path / "dist"
    version = cargo_version()
    (tmp_path / "dist").mkdir()
    (dist / f"{NAME}_{version}_darwin_arm64.zip").write_text("left over from an earlier run")

    result = run_release(dist, fake_binary)
    assert result.returncode == 0, result.stdout + result.stderr
    prefix = f"{NAME}_{version}"
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [f"{prefix}_linux_amd64.zip", f"{prefix}_SHA256SUMS", f"{prefix}_manifest.json"])
    check_release(dist, fake_binary, version)
    assert "SIGNING SKIPPED" in result.stdout


def test_release_zip_without_zip_tool(tmp_path, fake_binary):
    """The Python zipfile fallback produces the same layout when `zip` is not installed."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "awk", "dirname", "mkdir", "rm", "uname", "tr", "cp", "sha256sum", "python3", "cat"):
        found = str(Path(sys.executable).resolve()) if tool == "python3" else shutil.which(tool)
        assert found, f"{tool} is needed by release.sh"
        (tools / tool).symlink_to(found)
    dist = tmp_path / "dist"
    result = run_release(dist, fake_binary, env={"PATH": str(tools)})
    assert result.returncode == 0, result.stdout + result.stderr
    check_release(dist, fake_binary, cargo_version())


def test_release_help_and_bad_arguments(tmp_path, fake_binary):
    help_ = run_release(tmp_path / "dist", fake_binary, "--help")
    assert help_.returncode == 0
    assert "--target" in help_.stdout and "rustup target add" in help_.stdout
    bad = run_release(tmp_path / "dist", fake_binary, "--frobnicate")
    assert bad.returncode == 2
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


# ---------------------------------------------------------------------------------------------------------------
# Signing and the Registry's checks (scripts/release-sums.sh, scripts/verify_release.py)

VERIFY = h.REPO / "scripts" / "verify_release.py"


@pytest.fixture(scope="module")
def rsa_key():
    """One fresh RSA key for this file's tests, with a passphrase, as the release workflow's secrets hold it."""
    key = signing.new_key("rsa3072", passphrase="correct horse battery")
    yield key
    key.close()


def key_env(key: signing.Key) -> dict[str, str]:
    """release.sh's environment to sign with `key`."""
    return {"GNUPGHOME": str(key.home), "GPG_FINGERPRINT": key.fingerprint, "GPG_PASSPHRASE": key.passphrase}


def verify(dist: Path, public_key: str, tmp_path: Path, *platforms: str) -> subprocess.CompletedProcess:
    key_file = tmp_path / "public.asc"
    key_file.write_text(public_key)
    args = [arg for p in platforms for arg in ("--platform", p)]
    return subprocess.run([sys.executable, str(VERIFY), str(dist), "--key", str(key_file), *args],
                          capture_output=True, text=True, timeout=300)


def signature_algorithm(sig: Path, key: signing.Key) -> int:
    packets = key.gpg("--list-packets", str(sig)).stdout
    return int(packets.split(":signature packet: algo ", 1)[1].split(",", 1)[0])


def test_release_signs_with_an_rsa_key_the_registry_accepts(tmp_path, fake_binary, rsa_key):
    dist = tmp_path / "dist"
    result = run_release(dist, fake_binary, env=key_env(rsa_key))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SIGNING SKIPPED" not in result.stdout
    sums = dist / f"{NAME}_{cargo_version()}_SHA256SUMS"
    sig = Path(f"{sums}.sig")
    assert not sig.read_bytes().startswith(b"-----BEGIN"), "a binary signature, not ASCII armour"
    assert signature_algorithm(sig, rsa_key) == 1, "an RSA signature"

    checked = verify(dist, rsa_key.public_armored(), tmp_path, "linux_amd64")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # gpg itself agrees, with a keyring that holds only the public key.
    only_public = signing.Key(tmp_path / "public-gnupg", "", "")
    only_public.home.mkdir(mode=0o700)
    only_public.gpg("--import", str(tmp_path / "public.asc"))
    assert only_public.gpg("--verify", str(sig), str(sums), check=False).returncode == 0
    only_public.close()


def test_verify_release_refuses_what_the_registry_refuses(tmp_path, fake_binary, rsa_key):
    """Each way a release can be wrong makes scripts/verify_release.py fail, naming the problem."""
    dist = tmp_path / "dist"
    env = key_env(rsa_key)
    assert run_release(dist, fake_binary, env=env).returncode == 0
    prefix = f"{NAME}_{cargo_version()}"
    sums, sig = dist / f"{prefix}_SHA256SUMS", dist / f"{prefix}_SHA256SUMS.sig"
    public = rsa_key.public_armored()
    assert verify(dist, public, tmp_path).returncode == 0

    def refused(because: str, *platforms: str) -> None:
        result = verify(dist, public, tmp_path, *platforms)
        assert result.returncode == 1 and because in result.stderr, result.stdout + result.stderr

    refused(f"{prefix}_darwin_arm64.zip is missing", "darwin_arm64")

    original = sums.read_bytes()
    sums.write_bytes(original + b"0" * 64 + b"  extra.zip\n")
    refused(f"{sig.name} does not verify")
    refused("lists extra.zip")
    sums.write_bytes(original)

    manifest = dist / f"{prefix}_manifest.json"
    manifest.write_text('{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}')
    refused("its SHA-256 differs")
    refused(f"{manifest.name} is not")
    run_release(dist, fake_binary, env=env)

    armored = rsa_key.gpg("--armor", "--output", "-", "--local-user", rsa_key.fingerprint, "--detach-sign",
                          str(sums)).stdout
    good_sig = sig.read_bytes()
    sig.write_text(armored)
    refused("not a binary OpenPGP signature")
    sig.write_bytes(good_sig)

    other = signing.new_key("rsa2048")
    try:
        result = verify(dist, other.public_armored(), tmp_path)
        assert result.returncode == 1 and "does not verify" in result.stderr, result.stderr
    finally:
        other.close()


def test_verify_release_refuses_an_ed25519_key(tmp_path, fake_binary):
    """The Registry accepts RSA and DSA keys only: a release signed with ed25519 (what this test used to make) is
    refused before it is published."""
    key = signing.new_key("ed25519")
    try:
        dist = tmp_path / "dist"
        result = run_release(dist, fake_binary, env={"GNUPGHOME": str(key.home), "GPG_FINGERPRINT": key.fingerprint})
        assert result.returncode == 0, result.stdout + result.stderr
        checked = verify(dist, key.public_armored(), tmp_path)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "the signing key is EdDSA: the Registry accepts RSA or DSA keys only" in checked.stderr
        assert "signature: the Registry accepts RSA or DSA only" in checked.stderr
    finally:
        key.close()
