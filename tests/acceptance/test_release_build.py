"""The binary `make release` builds: its linux_amd64 zip needs glibc 2.17 at most, and serves Terraform (the plugin
handshake, the schema, an apply against the sandbox); its release directory signs and verifies as the Registry
checks it.

The release profile takes minutes to build, so `make test` does not build it: .ci/run runs `make release`, then this
file with RELEASE_DIST=dist. Without RELEASE_DIST the release tests skip, saying so; with it, missing artifacts skip
locally and fail under CI=true (tfharness.require). The glibc check's own guard runs everywhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import signing
import tfharness as h

NAME = "terraform-provider-vonage"
GLIBC_FLOOR = (2, 17)
RELEASE_DIST = os.environ.get("RELEASE_DIST", "")
needs_release = pytest.mark.skipif(
    not RELEASE_DIST,
    reason="checks what `make release` built: .ci/run runs it after `make release` with RELEASE_DIST=dist "
           "(make test builds no release profile)")


def version() -> str:
    return subprocess.run([str(h.REPO / "scripts" / "version.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


def glibc_needed(binary: Path) -> tuple[int, ...] | None:
    """The highest GLIBC_x.y symbol version the binary's dynamic symbols need (`objdump -T`), None if it needs
    none."""
    h.require(shutil.which("objdump"), "objdump is not installed (Debian's binutils)")
    out = subprocess.run(["objdump", "-T", str(binary)], capture_output=True, text=True, check=True).stdout
    found = {tuple(int(x) for x in v.split(".")) for v in re.findall(r"\bGLIBC_([0-9]+(?:\.[0-9]+)+)\b", out)}
    return max(found) if found else None


def test_the_glibc_check_sees_a_newer_glibc(provider_dir):
    """Guards the check below: the debug build, linked by the machine's own toolchain against its glibc (2.36 on
    Debian 12), needs more than 2.17, and the check says so."""
    needed = glibc_needed(provider_dir / NAME)
    assert needed and needed > GLIBC_FLOOR, needed


@pytest.fixture(scope="module")
def dist() -> Path:
    path = Path(RELEASE_DIST)
    return path if path.is_absolute() else h.REPO / path


@pytest.fixture(scope="module")
def release_zip(dist) -> Path:
    zip_path = dist / f"{NAME}_{version()}_linux_amd64.zip"
    h.require(zip_path.is_file(), f"RELEASE_DIST={RELEASE_DIST} has no {zip_path.name}: run `make release`")
    return zip_path


@pytest.fixture(scope="module")
def mirror(release_zip, tmp_path_factory) -> Path:
    """The zip unpacked as Terraform's implied local mirror: terraform.d/plugins/<host>/<ns>/<type>/<ver>/<os_arch>/."""
    root = tmp_path_factory.mktemp("release-mirror")
    package = root / "terraform.d" / "plugins" / "registry.terraform.io" / "vonage" / "vonage" / version() / "linux_amd64"
    package.mkdir(parents=True)
    with zipfile.ZipFile(release_zip) as z:
        for info in z.infolist():
            target = package / info.filename
            target.write_bytes(z.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
    return root


def release_binary(mirror: Path) -> Path:
    return next((mirror / "terraform.d").rglob(f"{NAME}_v*"))


@needs_release
def test_the_release_binary_needs_glibc_2_17_at_most(mirror):
    needed = glibc_needed(release_binary(mirror))
    assert needed is not None, "a dynamically linked binary (zig links against glibc's symbol versions)"
    assert needed <= GLIBC_FLOOR, f"needs GLIBC_{'.'.join(map(str, needed))}"


@needs_release
def test_the_release_binary_does_the_plugin_handshake(mirror, tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "TMPDIR": str(tmp_path), "PLUGIN_PROTOCOL_VERSIONS": "5,6",
           "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"}
    proc = subprocess.Popen([str(release_binary(mirror))], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    parts = line.split("|")
    assert parts[:3] == ["1", "6", "unix"] and parts[4] == "grpc", line
    assert parts[3].startswith(str(tmp_path)), line


@needs_release
def test_the_release_binary_serves_terraform(tf_plain, sandbox, mirror):
    """A plain `terraform init` installs it from the mirror, `providers schema` lists its resources, and
    examples/quickstart applies against the sandbox, with an empty second plan."""
    tf = tf_plain
    shutil.copytree(mirror / "terraform.d", tf.workdir / "terraform.d")
    tf.copy_config(h.REPO / "examples" / "quickstart")
    tf.env.update(sandbox.provider_env, TF_VAR_demo_secret=h.strong_secret())
    init = tf.run("init").ok()
    assert f"Installed vonage/vonage v{version()}" in init.stdout, init.explain()

    schema = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    assert {"vonage_account_settings", "vonage_api_secret", "vonage_subaccount"} <= set(schema["resource_schemas"])

    tf.run("apply", "-auto-approve").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0, "a second plan is empty"
    settings = sandbox.api("POST", "/account/settings").body
    assert settings["mo-callback-url"] == "https://example.com/webhooks/inbound-sms"
    tf.run("destroy", "-auto-approve").ok()


@needs_release
def test_the_release_signs_and_verifies_as_the_registry_checks_it(release_zip, tmp_path):
    """The publish job's script (release-gather.sh) over the real zip, with a fresh RSA key."""
    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copy(release_zip, dist)
    key = signing.new_key("rsa3072")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GPG_") and k != "GNUPGHOME"}
        env["GPG_PRIVATE_KEY"] = key.secret_armored()
        result = subprocess.run(["bash", str(h.REPO / "scripts" / "release-gather.sh"), str(dist), "linux_amd64"],
                                env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "is a valid Registry release (1 zips" in result.stdout
    finally:
        key.close()
