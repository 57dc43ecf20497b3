"""The secret never lands in Terraform's logs (TF_LOG=trace, provider included), the plan JSON or the state,
when `secret_wo` is fed from an ephemeral variable as the examples do."""

from __future__ import annotations

import tfharness as h

CONFIG = h.PROVIDER_BLOCK + """
provider "vonage" {}

variable "new_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_api_secret" "this" {
  secret_wo         = var.new_secret
  secret_wo_version = 1
}

resource "vonage_subaccount" "team" {
  name      = "leak-check"
  secret_wo = var.new_secret
}
"""


def test_secrets_appear_nowhere(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    log = tf.scratch / "terraform-trace.log"
    env = {"TF_VAR_new_secret": secret, "TF_LOG": "trace", "TF_LOG_PATH": str(log)}
    tf.write("main.tf", CONFIG)
    tf.run("plan", "-out=tfplan", env=env).ok()
    plan_json = tf.run("show", "-json", "tfplan", env=env).ok().stdout
    tf.run("apply", "-auto-approve", "tfplan", env=env).ok()
    tf.run("plan", "-detailed-exitcode", env=env)
    state = (tf.workdir / "terraform.tfstate").read_text()
    logs = log.read_text(errors="replace")
    assert "vonage" in logs and "provider" in logs, "the trace log really covers the provider"
    provider_secret = sandbox.api_secret
    for name, text in {"trace log": logs, "plan JSON": plan_json, "state": state}.items():
        assert secret not in text, f"the write-only secret leaked into the {name}"
        assert provider_secret not in text, f"the provider's own secret leaked into the {name}"
    # And the secret really was used: it authenticates against the sandbox.
    assert sandbox._request("GET", "/account/get-balance", auth=(sandbox.api_key, secret)).status == 200
