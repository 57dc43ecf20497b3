"""vonage_subaccount end to end: real Terraform, the real provider, the real sandbox over HTTP.

Vonage cannot delete a subaccount, so destroy suspends it; every test checks what the sandbox
holds, not only what Terraform says.
"""

from __future__ import annotations

import pytest

import tfharness as h


def subaccount_config(name: str, extra: str = "") -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_subaccount" "team" {{
  name = "{name}"
{extra}
}}
"""


def state_of(tf) -> dict:
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    return next(r for r in resources if r["type"] == "vonage_subaccount")


def remote(sandbox: h.Sandbox, key: str) -> dict:
    resp = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{key}")
    assert resp.status == 200, resp
    return resp.body


def all_subaccounts(sandbox: h.Sandbox) -> list[dict]:
    resp = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts")
    assert resp.status == 200, resp
    return resp.body["_embedded"]["subaccounts"]


def plan_actions(tf, *args: str, env: dict | None = None) -> list[str]:
    """The actions `terraform plan -json` plans for vonage_subaccount.team."""
    lines = tf.run("plan", "-json", *args, env=env).ok().json_lines()
    return [line["change"]["action"] for line in lines
            if line.get("type") == "planned_change" and line["change"]["resource"]["addr"] == "vonage_subaccount.team"]


def test_create_rename_and_suspend_in_place_then_destroy_suspends(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    tf.write("main.tf", subaccount_config("payments", 'secret_wo = var.initial\n') + """
variable "initial" {
  type      = string
  sensitive = true
  ephemeral = true
}
""")
    env = {"TF_VAR_initial": secret}
    tf.run("apply", "-auto-approve", env=env).ok()
    created = state_of(tf)["values"]
    key = created["api_key"]
    assert created["name"] == "payments" and created["suspended"] is False
    assert created["use_primary_account_balance"] is True
    assert created["primary_account_api_key"] == sandbox.api_key
    assert created["secret_wo"] is None, "write-only values are never in state"
    assert remote(sandbox, key)["name"] == "payments"
    # The write-only secret is the subaccount's: it authenticates.
    assert sandbox._request("GET", "/account/get-balance", auth=(key, secret)).status == 200
    assert tf.run("plan", "-detailed-exitcode", env=env).rc == 0

    # Rename: an in-place update of the same subaccount.
    tf.write("main.tf", subaccount_config("payments-eu", 'secret_wo = var.initial\n') + """
variable "initial" {
  type      = string
  sensitive = true
  ephemeral = true
}
""")
    assert plan_actions(tf, env=env) == ["update"]
    tf.run("apply", "-auto-approve", env=env).ok()
    assert state_of(tf)["values"]["api_key"] == key
    assert remote(sandbox, key)["name"] == "payments-eu"

    # Suspend and reactivate in place.
    tf.write("main.tf", subaccount_config("payments-eu", "suspended = true"))
    assert plan_actions(tf) == ["update"]
    tf.run("apply", "-auto-approve").ok()
    assert remote(sandbox, key)["suspended"] is True
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    tf.write("main.tf", subaccount_config("payments-eu", "suspended = false"))
    tf.run("apply", "-auto-approve").ok()
    assert remote(sandbox, key)["suspended"] is False

    # Destroy suspends: the subaccount still exists, suspended, and no other was touched.
    tf.run("destroy", "-auto-approve").ok()
    assert remote(sandbox, key)["suspended"] is True
    assert [s["api_key"] for s in all_subaccounts(sandbox)] == [key]


def test_drift_is_planned_back(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", subaccount_config("ops"))
    tf.run("apply", "-auto-approve").ok()
    key = state_of(tf)["values"]["api_key"]
    patched = sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}",
                          json={"name": "renamed-by-hand", "suspended": True})
    assert patched.status == 200, patched
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 2 and plan.says('"renamed-by-hand" -> "ops"'), plan.explain()
    tf.run("apply", "-auto-approve").ok()
    assert (remote(sandbox, key)["name"], remote(sandbox, key)["suspended"]) == ("ops", False)
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_giving_up_an_own_balance_is_refused_at_plan_time(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", subaccount_config("own-funds", "use_primary_account_balance = false"))
    tf.run("apply", "-auto-approve").ok()
    tf.write("main.tf", subaccount_config("own-funds", "use_primary_account_balance = true"))
    sandbox.clear_calls()
    plan = tf.run("plan")
    assert plan.rc == 1 and plan.says("A subaccount's own balance cannot be given up"), plan.explain()
    assert plan.says("use_primary_account_balance"), plan.explain()
    assert not [c for c in sandbox.calls() if c["method"] == "PATCH"], "refused before any change"


def test_import_by_key_then_an_empty_plan(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "legacy"})
    assert made.status == 200, made
    key = made.body["api_key"]
    tf.write("main.tf", subaccount_config("legacy"))
    tf.run("import", "vonage_subaccount.team", key).ok()
    values = state_of(tf)["values"]
    assert values["api_key"] == key and values["name"] == "legacy" and values["created_at"]
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    assert len(all_subaccounts(sandbox)) == 1, "import created nothing"


def test_import_block_and_a_bad_import_id(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "blocked"})
    key = made.body["api_key"]
    tf.write("main.tf", subaccount_config("blocked") + f"""
import {{
  to = vonage_subaccount.team
  id = "{key}"
}}
""")
    tf.run("apply", "-auto-approve").ok()
    assert state_of(tf)["values"]["api_key"] == key
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    tf.write("main.tf", subaccount_config("blocked"))
    tf.run("state", "rm", "vonage_subaccount.team").ok()
    bad = tf.run("import", "vonage_subaccount.team", f"{sandbox.api_key}/{key}")
    assert bad.rc == 1 and bad.says("Expected the subaccount's API key"), bad.explain()
    missing = tf.run("import", "vonage_subaccount.team", "zzzz9999")
    assert missing.rc == 1 and missing.says("Cannot import non-existent remote object"), missing.explain()


@pytest.mark.min_terraform("1.12")
def test_import_by_identity(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "by-identity"})
    key = made.body["api_key"]
    tf.write("main.tf", subaccount_config("by-identity") + f"""
import {{
  to = vonage_subaccount.team
  identity = {{
    api_key = "{key}"
  }}
}}
""")
    tf.run("apply", "-auto-approve").ok()
    state = state_of(tf)
    assert state["values"]["api_key"] == key
    assert state.get("identity") == {"api_key": key}, state
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    tf.run("destroy", "-auto-approve").ok()
    assert remote(sandbox, key)["suspended"] is True


def test_a_saved_plan_applied_after_drift_converges(tf, sandbox):
    """Plan a rename to a file, suspend the subaccount out of band, then apply the file: the update sends
    every planned value, so the result is what the plan said (not 'inconsistent result after apply')."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", subaccount_config("before"))
    tf.run("apply", "-auto-approve").ok()
    key = state_of(tf)["values"]["api_key"]
    tf.write("main.tf", subaccount_config("after"))
    tf.run("plan", "-out=p1").ok()
    drift = sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}", json={"suspended": True})
    assert drift.status == 200, drift
    tf.run("apply", "-auto-approve", "p1").ok()
    assert (remote(sandbox, key)["name"], remote(sandbox, key)["suspended"]) == ("after", False)
    assert tf.run("plan", "-detailed-exitcode").rc == 0
