"""The real install paths with the release build: scripts/install.sh into ~/.terraform.d/plugins and the release zip
unpacked as a mirror, each followed by a plain `terraform init` with no CLI config at all (no dev_overrides).

The binary is PROVIDER_RELEASE_BIN if set, else built here with `cargo build --release` (slow when cold). `make test`
sets it to the debug build it has just made: what these tests check (the install paths, the zip, the lock file's
hashes, a plain `terraform init`) does not depend on the profile, and the optimised build is made and served by
`make release`.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import tfharness as h

NAME = "terraform-provider-vonage"
QUICKSTART = h.REPO / "examples" / "quickstart"


@pytest.fixture(scope="session")
def release_binary() -> Path:
    prebuilt = os.environ.get("PROVIDER_RELEASE_BIN")
    if prebuilt:
        h.require(Path(prebuilt).is_file(), f"PROVIDER_RELEASE_BIN={prebuilt} does not exist")
        return Path(prebuilt)
    h.require(shutil.which("cargo"), "cargo is not installed (or set PROVIDER_RELEASE_BIN)")
    locked = ["--locked"] if (h.REPO / "Cargo.lock").exists() else []
    build = subprocess.run(["cargo", "build", "--release", "--bin", NAME, *locked], cwd=h.REPO,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3600)
    assert build.returncode == 0, build.stderr[-5000:]
    return h.REPO / "target" / "release" / NAME


def version() -> str:
    return subprocess.run([str(h.REPO / "scripts" / "version.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


def platform_dir() -> str:
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
    return f"{platform.system().lower()}_{arch}"


def lock_entry(workdir: Path) -> tuple[str, list[str]]:
    """(version, hashes) recorded for vonage/vonage in the working dir's .terraform.lock.hcl."""
    text = (workdir / ".terraform.lock.hcl").read_text()
    block = re.search(r'provider "registry\.terraform\.io/vonage/vonage" \{(.*?)\n\}', text, re.S)
    assert block, text
    ver = re.search(r'version\s*=\s*"([^"]+)"', block.group(1)).group(1)
    return ver, re.findall(r'"((?:h1|zh):[^"]+)"', block.group(1))


def run_install(home: Path, binary: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "PROVIDER_RELEASE_BIN": str(binary)}
    result = subprocess.run(["bash", str(h.REPO / "scripts" / "install.sh")], env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def installed_dir(home: Path) -> Path:
    return home / ".terraform.d" / "plugins" / "registry.terraform.io" / "vonage" / "vonage" / version() / platform_dir()


def plan_file_texts(plan: Path) -> str:
    with zipfile.ZipFile(plan) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def sandbox_secret_ids(sandbox: h.Sandbox) -> set[str]:
    resp = sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets")
    assert resp.status == 200, resp
    return {s["id"] for s in resp.body["_embedded"]["secrets"]}


def test_install_then_plain_init_apply_quickstart(tf_plain, sandbox, release_binary):
    tf = tf_plain
    home = tf.scratch / "home"
    run_install(home, release_binary)
    plugin_dir = installed_dir(home)
    installed = plugin_dir / f"{NAME}_v{version()}"
    assert installed.read_bytes() == release_binary.read_bytes()
    assert os.access(installed, os.X_OK)

    demo_secret = h.strong_secret()
    tf.copy_config(QUICKSTART, callbacks_at=sandbox)
    tf.env.update(sandbox.provider_env, TF_VAR_demo_secret=demo_secret)
    assert tf.cli_config == os.devnull

    init = tf.run("init").ok()
    assert f"Installed vonage/vonage v{version()}" in init.stdout, init.explain()
    locked_version, hashes = lock_entry(tf.workdir)
    assert locked_version == version()
    assert h.h1_dirhash(plugin_dir) in hashes, (hashes, h.h1_dirhash(plugin_dir))

    tf.run("plan", "-out=tfplan").ok()
    assert demo_secret not in plan_file_texts(tf.workdir / "tfplan")
    before = sandbox_secret_ids(sandbox)
    tf.run("apply", "-auto-approve", "tfplan").ok()
    noop = tf.run("plan", "-detailed-exitcode")
    assert noop.rc == 0, "second plan is not empty:\n" + noop.explain()

    outputs = {k: v["value"] for k, v in tf.json("output", "-json").items()}
    assert isinstance(outputs["balance"], (int, float))
    assert outputs["settings"]["mo_callback_url"] == sandbox.reachable("https://example.com/webhooks/inbound-sms")
    assert outputs["secret_id"] in sandbox_secret_ids(sandbox) - before
    assert demo_secret not in (tf.workdir / "terraform.tfstate").read_text()

    tf.run("destroy", "-auto-approve").ok()
    assert outputs["secret_id"] not in sandbox_secret_ids(sandbox)


def test_reinstalling_same_version_needs_a_fresh_lock_file(tf_plain, release_binary):
    tf = tf_plain
    home = tf.scratch / "home"
    run_install(home, release_binary)
    assert "nothing to do" in run_install(home, release_binary).stdout

    tf.write("main.tf", h.PROVIDER_BLOCK + 'data "vonage_balance" "this" {}\n')
    tf.run("init").ok()
    tf.run("validate").ok()

    rebuilt = tf.scratch / "rebuilt"
    rebuilt.write_bytes(release_binary.read_bytes() + b"\0" * 16)  # same version, different bytes
    rebuilt.chmod(0o755)
    note = run_install(home, rebuilt).stdout
    assert "rm .terraform.lock.hcl && terraform init" in note

    broken = tf.run("validate")
    assert broken.rc != 0 and "checksum" in broken.stderr, broken.explain()
    tf.run("init", "-upgrade")  # as the note says, this does not help ...
    assert tf.run("validate").rc != 0
    (tf.workdir / ".terraform.lock.hcl").unlink()  # ... but a fresh lock file does
    tf.run("init").ok()
    tf.run("validate").ok()
    assert h.h1_dirhash(installed_dir(home)) in lock_entry(tf.workdir)[1]


def test_release_zip_works_as_a_mirror(tf_plain, release_binary):
    tf = tf_plain
    dist = tf.scratch / "dist"
    env = {**os.environ, "DIST_DIR": str(dist), "PROVIDER_RELEASE_BIN": str(release_binary)}
    subprocess.run(["bash", str(h.REPO / "scripts" / "release.sh")], env=env, stdin=subprocess.DEVNULL,
                   capture_output=True, check=True, timeout=600)

    # Unpack the zip as Terraform's implied local mirror ./terraform.d/plugins/<host>/<ns>/<type>/<ver>/<os_arch>/.
    package = tf.workdir / "terraform.d" / "plugins" / "registry.terraform.io" / "vonage" / "vonage" / version() / platform_dir()
    package.mkdir(parents=True)
    with zipfile.ZipFile(dist / f"{NAME}_{version()}_{platform_dir()}.zip") as z:
        for info in z.infolist():
            target = package / info.filename
            target.write_bytes(z.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)

    tf.write("main.tf", h.PROVIDER_BLOCK.replace('source = "vonage/vonage"',
                                                 f'source  = "vonage/vonage"\n      version = "{version()}"')
             + 'data "vonage_balance" "this" {}\n')
    tf.run("init").ok()
    assert lock_entry(tf.workdir) == (version(), [h.h1_dirhash(package)])
    tf.run("validate").ok()  # the zipped binary starts and serves its schema
