"""Data sources under real Terraform against the sandbox."""

from __future__ import annotations

import tfharness as h


def test_balance_secrets_and_subaccounts(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "listed", "use_primary_account_balance": False})
    assert sub.status == 200, sub
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

data "vonage_balance" "own" {{}}
data "vonage_balance" "sub" {{
  api_key = "{sub.body["api_key"]}"
}}
data "vonage_api_secrets" "own" {{}}
data "vonage_subaccounts" "all" {{}}

output "balance" {{ value = data.vonage_balance.own.value }}
output "auto_reload" {{ value = data.vonage_balance.own.auto_reload }}
output "sub_balance" {{ value = data.vonage_balance.sub.value }}
output "secret_count" {{ value = length(data.vonage_api_secrets.own.secrets) }}
output "subaccount_names" {{ value = data.vonage_subaccounts.all.subaccounts[*].name }}
""")
    tf.run("apply", "-auto-approve").ok()
    out = {k: v["value"] for k, v in tf.json("output", "-json").items()}
    remote = sandbox.api("GET", "/account/get-balance").body
    assert out["balance"] == remote["value"]
    assert out["auto_reload"] is False
    assert out["sub_balance"] == 0
    assert out["secret_count"] == 1
    assert out["subaccount_names"] == ["listed"]
