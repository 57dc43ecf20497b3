"""The harness itself (tfharness.py, conftest.py): environment scrubbing, the sandbox plumbing (against a tiny
stand-in, fixtures/fake_sandbox.py), and the rule that a missing prerequisite skips locally but fails in CI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tfharness as h

FIXTURES = Path(__file__).parent / "fixtures"


def executable(path: Path, body: str) -> Path:
    path.write_text(body)
    path.chmod(0o755)
    return path


@pytest.fixture
def fake_sandbox_bin(tmp_path) -> Path:
    return executable(tmp_path / "fake-sandbox", f'#!/bin/sh\nexec "{sys.executable}" "{FIXTURES / "fake_sandbox.py"}" "$@"\n')


def test_terraform_binaries_pinned_first_and_distinct():
    binaries = h.terraform_binaries()
    assert binaries[0].path == h.VENV_TERRAFORM
    assert len({b.id for b in binaries}) == len(binaries)
    for b in binaries[1:]:
        assert b.version and b.path.is_file()


def test_run_environment_is_scrubbed(tmp_path, monkeypatch):
    monkeypatch.setenv("VONAGE_API_SECRET", "Leaked0Secret")
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", str(tmp_path / "shared-cache"))
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "missing.tfrc"))
    fake_tf = executable(tmp_path / "terraform", '#!/bin/sh\necho "stdin=$(cat)"\nenv\npwd\n')
    tf = h.new_terraform(h.TerraformBinary(fake_tf, "9.9.9"), tmp_path / "t", tmp_path / "provider-dir")
    tf.env["VONAGE_API_URL"] = "http://127.0.0.1:9"

    out = tf.run("version").ok().stdout
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert out.splitlines()[0] == "stdin="  # stdin is /dev/null
    assert out.splitlines()[-1] == str(tf.workdir)
    assert "Leaked0Secret" not in out and "TF_PLUGIN_CACHE_DIR" not in env
    assert env["VONAGE_API_URL"] == "http://127.0.0.1:9"
    for key, value in {"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
                       "TF_CLI_ARGS": "-no-color"}.items():
        assert env[key] == value
    assert Path(env["TMPDIR"]).is_relative_to(tmp_path) and Path(env["HOME"]).is_relative_to(tmp_path)
    tfrc = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'"registry.terraform.io/vonage/vonage" = "{tmp_path / "provider-dir"}"' in tfrc
    assert "dev_overrides" in tfrc


def test_sandbox_plumbing(tmp_path, fake_sandbox_bin):
    box = h.Sandbox(fake_sandbox_bin, tmp_path / "sb")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", box.url)
        assert box.provider_env == {"VONAGE_API_KEY": "abcd1234", "VONAGE_API_SECRET": box.api_secret,
                                    "VONAGE_API_URL": box.url, "VONAGE_REST_URL": box.url}
        secret = box.api_secret
        assert 8 <= len(secret) <= 25 and re.search("[a-z]", secret) and re.search("[A-Z]", secret) \
            and re.search("[0-9]", secret)

        resp = box.api("POST", "/accounts/abcd1234/secrets", json={"secret": "New0Secret"})
        assert resp.status == 200 and resp.body["echo"] == {"secret": "New0Secret"}
        assert box._request("GET", "/accounts/abcd1234/secrets", auth=("abcd1234", "Wrong0Secret")).status == 401
        assert box.state()["state_file"] == str(tmp_path / "sb" / "sandbox.json")
        assert [c["method"] for c in box.calls()] == ["POST", "GET"]
        box.clear_calls()
        assert box.calls() == []
    finally:
        box.stop()
    assert box.proc.returncode is not None


def test_sandbox_that_fails_to_start_reports_its_stderr(tmp_path, fake_sandbox_bin):
    with pytest.raises(RuntimeError, match="refusing to start"):
        h.Sandbox(fake_sandbox_bin, tmp_path / "sb", api_secret="fail-at-start", startup_timeout=20)


def run_inner_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_inner.py").write_text(
        "import tfharness\n\ndef test_needs_something():\n    tfharness.require(False, 'widget not built')\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(Path(h.__file__).parent)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(tmp_path / "test_inner.py")], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)


def test_missing_prerequisite_skips_locally(tmp_path):
    result = run_inner_pytest(tmp_path, None)
    assert result.returncode == 0 and "1 skipped" in result.stdout and "widget not built" in result.stdout


def test_missing_prerequisite_fails_in_ci(tmp_path):
    result = run_inner_pytest(tmp_path, "true")
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout
    assert "CI=true and a prerequisite is missing: widget not built" in result.stdout


def test_sandbox_fixture_with_the_real_sandbox(sandbox):
    """The `sandbox` fixture against the built vonage-sandbox: the announced URL, the seeded primary account
    with one secret, Basic auth, and the admin endpoints the tests rely on."""
    listed = sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets")
    assert listed.status == 200 and len(listed.body["_embedded"]["secrets"]) == 1
    assert sandbox._request("GET", "/account/get-balance", auth=(sandbox.api_key, "Wrong0Secret1")).status == 401
    assert [a["api_key"] for a in sandbox.state()["accounts"]] == [sandbox.api_key]
    assert sandbox.api_secret not in json.dumps(sandbox.state())
    assert any(c["path"] == f"/accounts/{sandbox.api_key}/secrets" for c in sandbox.calls())


def run_gated_inner_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    """An inner pytest with the real conftest and an older `terraform` (a stand-in reporting 1.11.4) on PATH."""
    shutil.copy(Path(__file__).parent / "conftest.py", tmp_path / "conftest.py")
    old = tmp_path / "old-bin"
    old.mkdir()
    executable(old / "terraform", "#!/bin/sh\necho '{\"terraform_version\": \"1.11.4\"}'\n")
    (tmp_path / "test_gated.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.min_terraform('1.14')\ndef test_query_feature(tf_binary):\n    assert tf_binary.version\n\n"
        "@pytest.mark.all_terraform_versions\ndef test_everywhere(tf_binary):\n    assert tf_binary.version\n\n"
        "def test_pinned_only(tf_binary):\n    assert tf_binary.version\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(Path(h.__file__).parent)
    env["PATH"] = f"{old}{os.pathsep}{env.get('PATH', '')}"
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-v", "-rs", "-p", "no:cacheprovider",
                           str(tmp_path / "test_gated.py")], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("ci", [None, "true"])
def test_a_version_gated_case_is_skipped_on_older_terraform_never_hidden(tmp_path, ci):
    """Gated and marked tests run on every Terraform found (a gate reports as skipped); others on the pinned one."""
    h.require(h.VENV_TERRAFORM.exists(), "pinned Terraform missing: run scripts/setup.sh")
    result = run_gated_inner_pytest(tmp_path, ci)
    out = result.stdout
    assert result.returncode == 0, out
    assert "test_query_feature[tf1.15.5] PASSED" in out and "test_query_feature[tf1.11.4] SKIPPED" in out, out
    assert "needs Terraform 1.14+" in out and "test_everywhere[tf1.11.4] PASSED" in out, out
    # An unmarked test runs on the pinned Terraform alone.
    assert "test_pinned_only[tf1.15.5] PASSED" in out and "test_pinned_only[tf1.11.4]" not in out, out
    assert "4 passed, 1 skipped" in out, out
