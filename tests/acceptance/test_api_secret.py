"""vonage_api_secret end to end: create, empty plan, rotation (both patterns), drift, import, destroy."""

from __future__ import annotations

import pytest

import tfharness as h


def secret_config(version: int | None = 1, create_before_destroy: bool = False, extra: str = "") -> str:
    version_line = f"  secret_wo_version = {version}" if version is not None else ""
    lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }" if create_before_destroy else ""
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "new_secret" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

resource "vonage_api_secret" "this" {{
  secret_wo = var.new_secret
{version_line}
{lifecycle}
{extra}
}}

output "id" {{
  value = vonage_api_secret.this.id
}}
"""


def secret_ids(sandbox: h.Sandbox, api_key: str | None = None) -> list[str]:
    resp = sandbox.api("GET", f"/accounts/{api_key or sandbox.api_key}/secrets")
    assert resp.status == 200, resp
    return [s["id"] for s in resp.body["_embedded"]["secrets"]]


def can_authenticate(sandbox: h.Sandbox, secret: str) -> bool:
    return sandbox._request("GET", "/account/get-balance", auth=(sandbox.api_key, secret)).status == 200


def state_of(tf: h.Terraform) -> dict:
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    return next(r["values"] for r in resources if r["type"] == "vonage_api_secret")


# Write-only arguments: 1.11 is the first Terraform with them.
@pytest.mark.all_terraform_versions
def test_create_plan_rotate_and_destroy(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    first, second = h.strong_secret(), h.strong_secret()
    seeded = secret_ids(sandbox)
    assert len(seeded) == 1
    tf.write("main.tf", secret_config(1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": first}).ok()
    ids = secret_ids(sandbox)
    assert len(ids) == 2
    created = state_of(tf)
    assert created["id"] in ids and created["api_key"] == sandbox.api_key
    assert created["secret_wo"] is None and created.get("secret") is None
    assert can_authenticate(sandbox, first), "the value sent was the configured one"

    # A plan right after create is empty, even though the write-only value cannot be compared.
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_new_secret": first}).rc == 0

    # Rotation without create_before_destroy: revoke first, then create; the account keeps its other secret.
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": second}).ok()  # same version: nothing happens
    assert secret_ids(sandbox) == ids
    tf.write("main.tf", secret_config(2))
    plan = tf.run("plan", env={"TF_VAR_new_secret": second})
    assert plan.says("must be replaced"), plan.explain()
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": second}).ok()
    rotated = state_of(tf)
    assert rotated["id"] != created["id"]
    after = secret_ids(sandbox)
    assert created["id"] not in after and rotated["id"] in after and seeded[0] in after
    assert can_authenticate(sandbox, second) and not can_authenticate(sandbox, first)
    methods = [c["method"] for c in sandbox.calls() if "/secrets" in c["path"] and c["method"] in ("DELETE", "POST")]
    assert methods == ["DELETE", "POST"], f"old secret revoked before the new one is created: {methods}"

    # Rotation with create_before_destroy needs a free slot: the provider's own secret holds the other one,
    # so Create fails before its POST and explains both ways out. Nothing changes.
    tf.write("main.tf", secret_config(3, create_before_destroy=True))
    result = tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": first})
    assert result.rc == 1, result.explain()
    assert result.says("No free API secret slot") and result.says("create_before_destroy"), result.explain()
    assert sorted(secret_ids(sandbox)) == sorted(after)

    # Destroy revokes (check-destroy against the sandbox's state).
    tf.write("main.tf", secret_config(2))
    tf.run("destroy", "-auto-approve", env={"TF_VAR_new_secret": second}).ok()
    assert secret_ids(sandbox) == seeded


def test_create_before_destroy_rotation_with_a_free_slot(tf, sandbox):
    """The overlap pattern works when the managed secret is the account's only other one (a free slot)."""
    tf.env.update(sandbox.provider_env)
    # Manage a subaccount's secrets with the primary's credentials: the subaccount starts with one secret.
    sub = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "rotation"})
    assert sub.status == 200, sub
    sub_key = sub.body["api_key"]
    seeded = secret_ids(sandbox, sub_key)
    # Free a slot by adopting (importing) the seeded secret and rotating it with create_before_destroy.
    extra = f'  api_key = "{sub_key}"'
    tf.write("main.tf", secret_config(1, create_before_destroy=True, extra=extra))
    tf.run("import", "vonage_api_secret.this", f"{sub_key}/{seeded[0]}", env={"TF_VAR_new_secret": h.strong_secret()}).ok()
    # After import, setting the version for the first time is an in-place update, never a replacement.
    plan = tf.run("plan", "-detailed-exitcode", env={"TF_VAR_new_secret": h.strong_secret()})
    assert plan.rc == 2 and plan.says("update in-place") and "replace" not in plan.stdout, plan.explain()
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": h.strong_secret()}).ok()
    assert secret_ids(sandbox, sub_key) == seeded
    # Now bump: new created first, old revoked after.
    tf.write("main.tf", secret_config(2, create_before_destroy=True, extra=extra))
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": h.strong_secret()}).ok()
    now = secret_ids(sandbox, sub_key)
    assert len(now) == 1 and now[0] != seeded[0] and now[0] == state_of(tf)["id"]


def test_revoked_outside_terraform_is_recreated(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    value = h.strong_secret()
    tf.write("main.tf", secret_config(1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": value}).ok()
    gone = state_of(tf)["id"]
    assert sandbox.api("DELETE", f"/accounts/{sandbox.api_key}/secrets/{gone}").status == 204
    plan = tf.run("plan", "-detailed-exitcode", env={"TF_VAR_new_secret": value})
    assert plan.rc == 2 and plan.says("will be created"), plan.explain()
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": value}).ok()
    assert state_of(tf)["id"] != gone and state_of(tf)["id"] in secret_ids(sandbox)


def test_import_verify_and_the_last_secret_is_never_revoked(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    only = secret_ids(sandbox)[0]
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

import {{
  to = vonage_api_secret.own
  id = "{sandbox.api_key}/{only}"
}}

resource "vonage_api_secret" "own" {{}}
""")
    tf.run("apply", "-auto-approve").ok()
    imported = state_of(tf)
    assert imported["id"] == only and imported["api_key"] == sandbox.api_key and imported["created_at"]
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    # Vonage refuses to revoke the last secret (it is the provider's own credential here): the destroy leaves it in
    # place with a warning and succeeds.
    result = tf.run("destroy", "-auto-approve")
    assert result.rc == 0, result.explain()
    assert result.says(f"Warning: API secret {only} left in place: it is the last of account {sandbox.api_key}")
    assert result.says("provider's own credential"), result.explain()
    assert secret_ids(sandbox) == [only]
    assert "vonage_api_secret" not in (tf.workdir / "terraform.tfstate").read_text()


def test_a_bad_import_id_is_explained(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", secret_config(None))
    result = tf.run("import", "vonage_api_secret.this", "just-an-id", env={"TF_VAR_new_secret": h.strong_secret()})
    assert result.rc == 1 and result.says("API_KEY/SECRET_ID"), result.explain()


@pytest.mark.min_terraform("1.12")
def test_import_by_identity(tf, sandbox):
    """Terraform 1.12+ import blocks can name the secret by its identity instead of an ID string."""
    tf.env.update(sandbox.provider_env)
    only = secret_ids(sandbox)[0]
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

import {{
  to = vonage_api_secret.own
  identity = {{
    api_key = "{sandbox.api_key}"
    id      = "{only}"
  }}
}}

resource "vonage_api_secret" "own" {{}}
""")
    tf.run("apply", "-auto-approve").ok()
    state = tf.json("show", "-json")["values"]["root_module"]["resources"][0]
    assert state["values"]["id"] == only and state["values"]["created_at"]
    assert state.get("identity") == {"api_key": sandbox.api_key, "id": only}, state
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_rotating_the_providers_own_secret_is_explained_as_a_lockout(tf, sandbox):
    """The API cannot map a credential to a secret id, so Terraform cannot stop a configuration from rotating the
    secret the provider authenticates with. When that happens, the 401 that follows is explained as exactly that."""
    tf.env.update(sandbox.provider_env)
    own = secret_ids(sandbox)[0]  # the seeded secret, which the provider authenticates with
    tf.write("main.tf", secret_config(1))
    tf.run("import", "vonage_api_secret.this", f"{sandbox.api_key}/{own}", env={"TF_VAR_new_secret": h.strong_secret()}).ok()
    tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": h.strong_secret()}).ok()  # records version 1
    assert secret_ids(sandbox) == [own], "recording the version did not rotate"
    # A second secret exists, so the revoke is allowed; then the provider's own credential is gone.
    assert sandbox.api("POST", f"/accounts/{sandbox.api_key}/secrets", json={"secret": h.strong_secret()}).status == 201
    tf.write("main.tf", secret_config(2))
    result = tf.run("apply", "-auto-approve", env={"TF_VAR_new_secret": h.strong_secret()})
    assert result.rc == 1, result.explain()
    assert result.says("after this run revoked API secret") and result.says(f"{sandbox.api_key}/{own}"), result.explain()
    assert result.says("locked itself out"), result.explain()
    # The test's own credential is gone too: look through the admin surface.
    remaining = [s["id"] for a in sandbox.state()["accounts"] if a["api_key"] == sandbox.api_key for s in a["secrets"]]
    assert own not in remaining and len(remaining) == 1


# An ephemeral value into a write-only argument: 1.11 is the first Terraform with both.
@pytest.mark.all_terraform_versions
def test_a_generated_ephemeral_secret_feeds_secret_wo(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

ephemeral "vonage_generated_secret" "app" {
  length = 20
}

resource "vonage_api_secret" "app" {
  secret_wo         = ephemeral.vonage_generated_secret.app.value
  secret_wo_version = 1
}
""")
    tf.run("apply", "-auto-approve").ok()
    created = state_of(tf)
    assert created["id"] in secret_ids(sandbox) and len(secret_ids(sandbox)) == 2
    assert created["secret_wo"] is None
    # A new value is generated on every run, but without a version bump nothing is rotated.
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    bad = tf.write("bad.tf", 'ephemeral "vonage_generated_secret" "short" {\n  length = 4\n}\n')
    result = tf.run("validate")
    assert result.rc == 1 and result.says("Value out of range") and result.says("from 8 to 25"), result.explain()
    bad.unlink()
