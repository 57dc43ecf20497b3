"""Destroy without surprises (issue 19, item 6), under real Terraform against the sandbox.

- An account's last API secret is left in place with a warning, decided by Vonage's 403 `#delete-last-secret`,
  not by a count: two parallel destroys of an account's two secrets both count two.
- A replacement of an account's only secret (a rotation by `secret_wo_version`) still rotates: the destroy half
  leaves the old secret, and the create half revokes it once the new one exists.
- A plan that suspends a subaccount holding money warns with the amounts, and `return_funds_on_destroy` returns
  them to the primary first, once, even when Vonage's answer to the transfer is lost.
"""

from __future__ import annotations

import pytest

import tfharness as h


def secret_ids(sandbox: h.Sandbox, api_key: str) -> list[str]:
    return [s["id"] for s in sandbox.api("GET", f"/accounts/{api_key}/secrets").body["_embedded"]["secrets"]]


def authenticates(sandbox: h.Sandbox, api_key: str, secret: str) -> bool:
    return sandbox._request("GET", f"/accounts/{api_key}/secrets", auth=(api_key, secret)).status == 200


def new_subaccount(sandbox: h.Sandbox, secret: str, **extra) -> str:
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "adopted", "secret": secret,
                                                                                 **extra})
    assert resp.status == 200, resp
    return resp.body["api_key"]


def imported_secrets(sub: str, ids: list[str], value: bool = False) -> str:
    """A `vonage_api_secret` per id, imported by an import block; with `value`, each takes `var.value` at version 1."""
    args = "  secret_wo         = var.value\n  secret_wo_version = %s\n" if value else ""
    blocks = "".join(f"""
import {{
  to = vonage_api_secret.s{i}
  id = "{sub}/{secret_id}"
}}

resource "vonage_api_secret" "s{i}" {{
  api_key = "{sub}"
{args}}}
""" for i, secret_id in enumerate(ids))
    variable = '\nvariable "value" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n'
    return h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + (variable if value else "") + blocks


def test_parallel_destroys_of_an_accounts_two_secrets_leave_the_last_with_a_warning(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub = new_subaccount(sandbox, h.strong_secret())
    assert sandbox.api("POST", f"/accounts/{sub}/secrets", json={"secret": h.strong_secret()}).status == 201
    both = secret_ids(sandbox, sub)
    tf.write("main.tf", imported_secrets(sub, both))
    tf.run("apply", "-auto-approve").ok()

    destroy = tf.run("destroy", "-auto-approve")
    assert destroy.rc == 0, destroy.explain()
    left = secret_ids(sandbox, sub)
    assert len(left) == 1 and left[0] in both, left
    assert destroy.says(f"Warning: API secret {left[0]} left in place: it is the last of account {sub}"), \
        destroy.explain()
    assert destroy.says("revoke it in the Vonage dashboard"), destroy.explain()
    assert "vonage_api_secret" not in (tf.workdir / "terraform.tfstate").read_text()


@pytest.mark.all_terraform_versions
def test_rotating_an_accounts_only_secret_revokes_it_once_the_new_one_exists(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    old_value, new_value = h.strong_secret(), h.strong_secret()
    sub = new_subaccount(sandbox, old_value)
    [only] = secret_ids(sandbox, sub)
    config = imported_secrets(sub, [only], value=True)
    tf.write("main.tf", config % "1")
    tf.run("apply", "-auto-approve", env={"TF_VAR_value": old_value}).ok()  # imports and records version 1

    tf.write("main.tf", config % "2")
    sandbox.clear_calls()
    rotated = tf.run("apply", "-auto-approve", env={"TF_VAR_value": new_value})
    assert rotated.rc == 0, rotated.explain()
    assert rotated.says(f"API secret {only} left in place") and rotated.says("that create revokes this one"), \
        rotated.explain()
    now = secret_ids(sandbox, sub)
    assert len(now) == 1 and now[0] != only, now
    writes = [(c["method"], c["path"].rsplit("/", 1)[-1], c["status"]) for c in sandbox.calls()
              if c["method"] in ("POST", "DELETE")]
    assert writes == [("DELETE", only, 403), ("POST", "secrets", 201), ("DELETE", only, 204)], writes
    assert authenticates(sandbox, sub, new_value) and not authenticates(sandbox, sub, old_value)
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_value": new_value}).rc == 0


def funded(extra: str = "") -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_subaccount" "team" {{
  name                        = "funded"
  use_primary_account_balance = false
  credit_limit                = 25
{extra}}}
"""


@pytest.mark.all_terraform_versions
def test_destroy_warns_of_the_money_it_leaves_and_returns_it_once_when_asked(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    tf.write("main.tf", funded())
    tf.run("apply", "-auto-approve").ok()
    key = tf.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]["api_key"]
    funding = box.api("POST", f"/accounts/{primary}/balance-transfers",
                      json={"from": primary, "to": key, "amount": 4.25})
    assert funding.status == 200, funding

    plan = tf.run("plan", "-destroy")
    assert plan.rc == 0, plan.explain()
    assert plan.says(f"Warning: Subaccount {key} still holds 4.25 EUR of balance and 25 EUR of credit"), plan.explain()
    assert plan.says("return_funds_on_destroy = true"), plan.explain()

    tf.write("main.tf", funded("  return_funds_on_destroy = true\n"))
    tf.run("apply", "-auto-approve").ok()
    # Both answers are lost once, after Vonage made the transfer: each is found by its unique reference.
    for kind in ("balance", "credit"):
        resp = box._request("POST", "/_sandbox/faults", {"route": f"POST /accounts/*/{kind}-transfers", "kind": "drop",
                                                         "after_handler": True, "count": 1})
        assert resp.status in (200, 201), resp
    primary_before = next(a for a in box.state()["accounts"] if a["api_key"] == primary)
    destroy = tf.run("destroy", "-auto-approve")
    assert destroy.rc == 0, destroy.explain()
    assert not destroy.says("still holds"), destroy.explain()

    state = box.state()
    sub = next(s for s in state["subaccounts"] if s["api_key"] == key)
    assert (sub["suspended"], sub["balance"], sub["credit_limit"]) == (True, 0, 0), sub
    returned = sorted((t["kind"], t["amount"]) for t in state["transfers"] if t["from"] == key)
    assert returned == [("balance", 4.25), ("credit", 25)], "each moved once"
    assert all(t["reference"].startswith("tf-return-") for t in state["transfers"] if t["from"] == key)
    primary_after = next(a for a in state["accounts"] if a["api_key"] == primary)
    assert primary_after["balance"] == primary_before["balance"] + 4.25
    assert primary_after["credit_limit"] == primary_before["credit_limit"] - 25
    lost = [c["path"].rsplit("/", 1)[1] for c in box.calls() if c["method"] == "POST" and c.get("fault")]
    assert sorted(lost) == ["balance-transfers", "credit-transfers"], "both answers were lost"
