"""A provider configured from values known only after apply: plan handles the unknowns instead of crashing, and
apply configures the provider once they are known."""

from __future__ import annotations

import pytest

import tfharness as h


# How Terraform plans with an unknown provider configuration differs between versions.
@pytest.mark.all_terraform_versions
def test_a_provider_configured_from_a_new_subaccount(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub_secret = h.strong_secret()
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "sub_secret" {{
  type      = string
  sensitive = true
}}

variable "app_secret" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

resource "vonage_subaccount" "team" {{
  name      = "team"
  secret_wo = var.sub_secret
}}

# Configured with the subaccount's own credentials, whose key is unknown until it exists.
provider "vonage" {{
  alias      = "team"
  api_key    = vonage_subaccount.team.api_key
  api_secret = var.sub_secret
  api_url    = "{sandbox.url}"
  rest_url   = "{sandbox.url}"
}}

resource "vonage_api_secret" "team_app" {{
  provider          = vonage.team
  secret_wo         = var.app_secret
  secret_wo_version = 1
}}

output "team_key" {{
  value = vonage_subaccount.team.api_key
}}
""")
    env = {"TF_VAR_sub_secret": sub_secret, "TF_VAR_app_secret": h.strong_secret()}
    plan = tf.run("plan", env=env)
    assert plan.rc == 0, plan.explain()
    assert "panic" not in plan.stderr.lower()
    assert plan.says("vonage_api_secret.team_app will be created"), plan.explain()
    tf.run("apply", "-auto-approve", env=env).ok()
    team_key = tf.json("output", "-json")["team_key"]["value"]
    resources = {r["address"]: r["values"] for r in tf.json("show", "-json")["values"]["root_module"]["resources"]}
    app = resources["vonage_api_secret.team_app"]
    assert app["api_key"] == team_key, "api_key defaulted to the subaccount provider's key"
    listed = sandbox.api("GET", f"/accounts/{team_key}/secrets").body["_embedded"]["secrets"]
    assert app["id"] in [s["id"] for s in listed] and len(listed) == 2
    assert tf.run("plan", "-detailed-exitcode", env=env).rc == 0
