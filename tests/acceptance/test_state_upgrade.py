"""State upgrades under real Terraform. The provider writes `vonage_api_secret_rotation` state at schema version 0;
a later build with that resource at version 1 (the fixture tests/fixtures/upgraded_provider.rs, where `rotated_at`
is renamed `last_rotated_at`, built by `cargo build --examples`) must read it through UpgradeResourceState, keep
managing the object, and refuse state it cannot read with an error that says what to do and shows no value."""

from __future__ import annotations

import json

import pytest

import tfharness as h

UPGRADED_DIR = h.provider_bin_dir() / "examples"


@pytest.fixture
def upgraded_dir() -> str:
    binary = UPGRADED_DIR / h.PROVIDER_BINARY_NAME
    h.require(binary.is_file(), f"{binary} not built: run `cargo build --examples`")
    return str(UPGRADED_DIR)


def config(api_key: str, version: int) -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "next_secret" {{
  type      = string
  sensitive = true
  ephemeral = true
  default   = null
}}

resource "vonage_api_secret_rotation" "sub" {{
  api_key           = "{api_key}"
  secret_wo         = var.next_secret
  secret_wo_version = {version}
}}
"""


def stored(tf: h.Terraform) -> dict:
    """The rotation resource's instance as the state file holds it: schema_version and attributes."""
    state = json.loads((tf.workdir / "terraform.tfstate").read_text())
    resource = next(r for r in state["resources"] if r["type"] == "vonage_api_secret_rotation")
    return resource["instances"][0]


def use_provider(tf: h.Terraform, directory: str) -> None:
    """Point the working directory's dev_overrides at another build of the provider."""
    with open(tf.cli_config, "w") as f:
        f.write(h.dev_overrides_tfrc(directory))


def written_at_version_0(tf: h.Terraform, sandbox: h.Sandbox) -> tuple[str, dict]:
    """Apply with the real provider and return the subaccount and the state it stored (version 0)."""
    tf.env.update(sandbox.provider_env)
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "upgraded"})
    assert resp.status == 200, resp
    sub = resp.body["api_key"]
    tf.write("main.tf", config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    instance = stored(tf)
    assert instance["schema_version"] == 0 and instance["attributes"]["rotated_at"], instance
    return sub, instance


def test_version_0_state_is_upgraded_and_the_object_stays_managed(tf, sandbox, upgraded_dir):
    sub, v0 = written_at_version_0(tf, sandbox)
    use_provider(tf, upgraded_dir)
    assert tf.run("version").ok()

    # Reading the version-0 state through the upgrader plans nothing.
    plan = tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": h.strong_secret()})
    assert plan.rc == 0, plan.explain()
    tf.run("apply", "-auto-approve", "-refresh-only").ok()
    v1 = stored(tf)
    assert v1["schema_version"] == 1
    assert v1["attributes"]["last_rotated_at"] == v0["attributes"]["rotated_at"]
    assert "rotated_at" not in v1["attributes"]
    for kept in ("api_key", "current_id", "previous_id", "secret_wo_version"):
        assert v1["attributes"][kept] == v0["attributes"][kept], kept

    # The upgraded object keeps working: a rotation.
    tf.write("main.tf", config(sub, 2))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    rotated = stored(tf)["attributes"]
    assert rotated["previous_id"] == v0["attributes"]["current_id"]
    assert rotated["last_rotated_at"] and rotated["current_id"] != v0["attributes"]["current_id"]


@pytest.mark.parametrize("corrupt, says", [
    # A value of the wrong type: the path is named, the value never shown.
    (lambda a: a.update(secret_wo_version="Leaked0Value"), "secret_wo_version` does not fit the schema"),
    # Readable, but unusable: the upgrader's own refusal.
    (lambda a: a.update(api_key=None), "names no account"),
], ids=["wrong-type", "no-account"])
def test_state_the_upgrader_cannot_read_is_refused_clearly(tf, sandbox, upgraded_dir, corrupt, says):
    _, _ = written_at_version_0(tf, sandbox)
    path = tf.workdir / "terraform.tfstate"
    state = json.loads(path.read_text())
    corrupt(next(r for r in state["resources"] if r["type"] == "vonage_api_secret_rotation")
            ["instances"][0]["attributes"])
    path.write_text(json.dumps(state))
    use_provider(tf, upgraded_dir)
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    assert result.says(says) and result.says("terraform state rm"), result.explain()
    assert "Leaked0Value" not in result.stdout + result.stderr


def test_a_moved_block_from_terraform_data_is_refused_as_the_guide_says(tf, sandbox):
    """docs/guides/state-upgrades.md: the provider accepts no `moved` from other resource types."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n\nresource "terraform_data" "secret" {\n'
             '  input = "abcd1234/some-id"\n}\n')
    tf.run("apply", "-auto-approve").ok()
    tf.write("main.tf", h.PROVIDER_BLOCK + """provider "vonage" {}

moved {
  from = terraform_data.secret
  to   = vonage_api_secret.secret
}

resource "vonage_api_secret" "secret" {}
""")
    result = tf.run("plan")
    assert result.rc == 1 and result.says("Unsupported `moved` across resource types"), result.explain()
