"""The provider never revokes the secret it authenticates with, wherever it can know (issue 19, item 2), under real
Terraform against the sandbox.

Vonage cannot say which of an account's secrets a caller uses, so the provider knows only what it can prove or is
told: `vonage_api_secret_rotation` owns both slots of its account (so on the provider's own account it would revoke
the provider's secret sooner or later), an imported secret of the provider's own account may be its credential, and
the provider block's `api_secret_id` names the credential outright. Every refusal names the way out, a `removed`
block with `destroy = false`, and the tests follow it.
"""

from __future__ import annotations

import pytest

import tfharness as h

REMOVED = """
removed {
  from = %s
  lifecycle {
    destroy = false
  }
}
"""


def secret_ids(sandbox: h.Sandbox, api_key: str) -> list[str]:
    return [s["id"] for s in sandbox.api("GET", f"/accounts/{api_key}/secrets").body["_embedded"]["secrets"]]


def revokes(sandbox: h.Sandbox) -> list[str]:
    return [c["path"] for c in sandbox.calls() if c["method"] == "DELETE"]


def state_addresses(tf: h.Terraform) -> list[str]:
    return [r["address"] for r in tf.json("show", "-json").get("values", {}).get("root_module", {}).get("resources", [])]


@pytest.mark.all_terraform_versions
def test_a_rotation_never_reaches_the_providers_own_account(tf, sandbox):
    """Import of the provider's own account is refused at import. A rotation already in state for the account the
    provider authenticates with (here: the provider's credentials were switched to the subaccount's) fails every
    plan and its destroy at plan time, naming the `removed` block, which then forgets it with both secrets intact."""
    tf.env.update(sandbox.provider_env)
    first = h.strong_secret()
    sub = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                      json={"name": "rotated", "secret": first}).body["api_key"]
    current = h.strong_secret()
    env = {"TF_VAR_next": current}
    rotation = h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "next" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

resource "vonage_api_secret_rotation" "sub" {{
  api_key           = "{sub}"
  secret_wo         = var.next
  secret_wo_version = 1
}}
"""
    own = f"""
import {{
  to = vonage_api_secret_rotation.own
  id = "{sandbox.api_key}"
}}

resource "vonage_api_secret_rotation" "own" {{
  api_key   = "{sandbox.api_key}"
  secret_wo = var.next
}}
"""
    tf.write("main.tf", rotation + own)
    refused = tf.run("plan", env=env)
    assert refused.rc == 1, refused.explain()
    assert refused.says("Cannot import the provider's own account into vonage_api_secret_rotation"), \
        refused.explain()
    assert refused.says(f"terraform import vonage_api_secret.NAME {sandbox.api_key}/SECRET_ID"), refused.explain()

    tf.write("main.tf", rotation)
    tf.run("apply", "-auto-approve", env=env).ok()
    both = sorted(secret_ids(sandbox, sub))
    assert len(both) == 2

    # The provider now authenticates as the subaccount, with the rotation's current secret.
    tf.env.update(VONAGE_API_KEY=sub, VONAGE_API_SECRET=current)
    sandbox.clear_calls()
    plan = tf.run("plan", env=env)
    assert plan.rc == 1 and plan.says("vonage_api_secret_rotation on the provider's own account"), plan.explain()
    assert plan.says("lifecycle { destroy = false }"), plan.explain()
    destroy = tf.run("destroy", "-auto-approve", env=env)
    assert destroy.rc == 1 and destroy.says("Terraform refuses to plan it and to destroy it"), destroy.explain()
    assert revokes(sandbox) == [], "nothing revoked"

    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + REMOVED % "vonage_api_secret_rotation.sub")
    tf.run("apply", "-auto-approve").ok()
    assert state_addresses(tf) == []
    assert sorted(secret_ids(sandbox, sub)) == both and revokes(sandbox) == []


@pytest.mark.all_terraform_versions
def test_the_providers_own_secret_warns_when_imported_and_is_refused_when_named(tf, sandbox):
    """An imported secret of the provider's own account may be its credential: its destroy warns at plan. Named by
    `api_secret_id`, its destroy and its replacement fail at plan, and nothing is revoked."""
    tf.env.update(sandbox.provider_env)
    own = secret_ids(sandbox, sandbox.api_key)[0]
    config = h.PROVIDER_BLOCK + """
provider "vonage" {%s}

variable "value" {
  type      = string
  sensitive = true
  ephemeral = true
}

import {
  to = vonage_api_secret.own
  id = "%s/%s"
}

resource "vonage_api_secret" "own" {
  secret_wo         = var.value
  secret_wo_version = 1
}
"""
    env = {"TF_VAR_value": h.strong_secret()}
    tf.write("main.tf", config % ("", sandbox.api_key, own))
    tf.run("apply", "-auto-approve", env=env).ok()
    warned = tf.run("plan", "-destroy", env=env)
    assert warned.rc == 0, warned.explain()
    assert warned.says("Warning: This may revoke the provider's own API secret"), warned.explain()
    assert warned.says("lifecycle { destroy = false }") and warned.says("api_secret_id"), warned.explain()

    tf.write("main.tf", config % (f'\n  api_secret_id = "{own}"\n', sandbox.api_key, own))
    sandbox.clear_calls()
    for args in (["destroy", "-auto-approve"], ["apply", "-auto-approve", "-replace=vonage_api_secret.own"]):
        refused = tf.run(*args, env=env)
        assert refused.rc == 1, refused.explain()
        assert refused.says("Error: This would revoke the provider's own API secret"), refused.explain()
        assert refused.says("lifecycle { destroy = false }"), refused.explain()
    assert revokes(sandbox) == [] and secret_ids(sandbox, sandbox.api_key) == [own]
