"""scripts/release.sh: the Registry release files (zip, SHA256SUMS, manifest, optional .sig).

These tests feed release.sh a small stand-in binary (PROVIDER_RELEASE_BIN), so they check the packaging itself
and run everywhere; test_install.py installs the real release build from the same zip."""

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

import tfharness as h

SCRIPT = h.REPO / "scripts" / "release.sh"
NAME = "terraform-provider-vonage"
MANIFEST = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}


def cargo_version() -> str:
    return subprocess.run([str(h.REPO / "scripts" / "version.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_release(dist: Path, binary: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "GPG_FINGERPRINT"}
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


def test_release_signs_with_gpg(tmp_path, fake_binary):
    h.require(shutil.which("gpg"), "gpg is not installed (signing is optional; release.sh skips it without GPG_FINGERPRINT)")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    gpg_env = {**os.environ, "GNUPGHOME": str(home)}
    try:
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Release Test <release@example.com>",
                        "ed25519", "sign", "1d"], env=gpg_env, check=True, capture_output=True, timeout=60)
        listing = subprocess.run(["gpg", "--list-secret-keys", "--with-colons"], env=gpg_env, check=True,
                                 capture_output=True, text=True).stdout
        fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))

        dist = tmp_path / "dist"
        result = run_release(dist, fake_binary, env={"GNUPGHOME": str(home), "GPG_FINGERPRINT": fingerprint})
        assert result.returncode == 0, result.stdout + result.stderr
        sums = dist / f"{NAME}_{cargo_version()}_SHA256SUMS"
        verify = subprocess.run(["gpg", "--verify", f"{sums}.sig", str(sums)], env=gpg_env, capture_output=True,
                                text=True)
        assert verify.returncode == 0, verify.stderr
        assert "SIGNING SKIPPED" not in result.stdout

        sums.write_text(sums.read_text() + "0" * 64 + "  extra.zip\n")  # a tampered file no longer verifies
        assert subprocess.run(["gpg", "--verify", f"{sums}.sig", str(sums)], env=gpg_env,
                              capture_output=True).returncode != 0
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=gpg_env, capture_output=True)


def test_release_help_and_bad_arguments(tmp_path, fake_binary):
    help_ = run_release(tmp_path / "dist", fake_binary, "--help")
    assert help_.returncode == 0
    assert "--target" in help_.stdout and "rustup target add" in help_.stdout
    bad = run_release(tmp_path / "dist", fake_binary, "--frobnicate")
    assert bad.returncode == 2
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())
