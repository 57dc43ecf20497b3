"""The transfer actions (Terraform 1.14+) under real Terraform against the sandbox: invoked by hand with
`-invoke`, triggered after a create, planned without spending, and never sent twice when the answer is lost.
Every case counts the transfers the sandbox saw."""

from __future__ import annotations

import pytest

import tfharness as h
from tfharness import CREDIT_LINE

pytestmark = pytest.mark.min_terraform("1.14")


def transfers(sandbox: h.Sandbox, kind: str) -> list[dict]:
    return [t for t in sandbox.state()["transfers"] if t["kind"] == kind]


def posts(sandbox: h.Sandbox, kind: str) -> list[dict]:
    return [c for c in sandbox.calls() if c["method"] == "POST" and c["path"].endswith(f"/{kind}-transfers")]


def own_balance_subaccount(sandbox: h.Sandbox, name: str) -> str:
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                       json={"name": name, "use_primary_account_balance": False})
    assert made.status == 200, made
    return made.body["api_key"]


def action(kind: str, name: str, from_: str, to: str, amount: str, reference: str | None = None) -> str:
    ref = f'\n    reference = "{reference}"' if reference is not None else ""
    return f"""
action "vonage_{kind}_transfer" "{name}" {{
  config {{
    from   = {from_}
    to     = {to}
    amount = {amount}{ref}
  }}
}}
"""


def test_invoke_by_hand_moves_balance_once(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    key = own_balance_subaccount(sandbox, "funded")
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + action("balance", "fund", f'"{sandbox.api_key}"', f'"{key}"', "12.5", "monthly"))
    # A plan alone moves nothing.
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    assert not posts(sandbox, "balance")
    run = tf.run("apply", "-auto-approve", "-invoke=action.vonage_balance_transfer.fund").ok()
    assert run.says("Actions: 1 invoked"), run.explain()
    assert run.says(f"Transferring 12.5 EUR of balance from {sandbox.api_key} to {key} (reference \"monthly\")"), run.explain()
    [moved] = transfers(sandbox, "balance")
    assert (moved["from"], moved["to"], moved["amount"], moved["reference"]) == (sandbox.api_key, key, 12.5, "monthly")
    assert run.says(f"transfer {moved['id']}"), run.explain()
    assert len(posts(sandbox, "balance")) == 1
    assert sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{key}").body["balance"] == 12.5
    # Invoking again is a second transfer, by design: an action is an event, not a state.
    tf.run("apply", "-auto-approve", "-invoke=action.vonage_balance_transfer.fund").ok()
    assert len(transfers(sandbox, "balance")) == 2


def test_a_new_subaccount_is_topped_up_after_create_once(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_subaccount" "new" {
  name                        = "topped-up"
  use_primary_account_balance = false
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.vonage_balance_transfer.welcome]
    }
  }
}
""" + action("balance", "welcome", f'"{sandbox.api_key}"', "vonage_subaccount.new.api_key", "5"))
    run = tf.run("apply", "-auto-approve").ok()
    assert run.says("Actions: 1 invoked"), run.explain()
    key = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts").body["_embedded"]["subaccounts"][0]["api_key"]
    [moved] = transfers(sandbox, "balance")
    assert (moved["from"], moved["to"], moved["amount"]) == (sandbox.api_key, key, 5)
    assert moved["reference"].startswith("tf-action-"), "no reference given: the provider set a unique one"
    # The trigger fires on create only: later plans and applies move nothing.
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    tf.run("apply", "-auto-approve").ok()
    assert len(transfers(sandbox, "balance")) == 1
    assert len(posts(sandbox, "balance")) == 1


def test_an_invocation_whose_answer_is_lost_is_not_sent_twice(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    key = own_balance_subaccount(box, "postpaid")
    # An earlier transfer with the same accounts, amount and reference must not be taken for this one.
    assert box.api("POST", f"/accounts/{box.api_key}/credit-transfers",
                   json={"from": box.api_key, "to": key, "amount": 10, "reference": "quarterly"}).status == 200
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + action("credit", "allocate", f'"{box.api_key}"', f'"{key}"', "10", "quarterly"))
    fault = box._request("POST", "/_sandbox/faults", {
        "route": "POST /accounts/*/credit-transfers", "kind": "drop", "count": 1, "after_handler": True})
    assert fault.status in (200, 201), fault
    box.clear_calls()
    run = tf.run("apply", "-auto-approve", "-invoke=action.vonage_credit_transfer.allocate").ok()
    assert run.says("Action complete"), run.explain()
    assert len(posts(box, "credit")) == 1, posts(box, "credit")
    assert len(transfers(box, "credit")) == 2, "the earlier one and this one, never a third"
    assert box.api("GET", f"/accounts/{box.api_key}/subaccounts/{key}").body["credit_limit"] == -20


def test_the_plan_refuses_what_cannot_work_without_moving_anything(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    own = own_balance_subaccount(box, "own")
    shared = box.api("POST", f"/accounts/{box.api_key}/subaccounts", json={"name": "shared"}).body["api_key"]
    primary = f'"{box.api_key}"'
    cases = [
        (action("credit", "x", primary, f'"{own}"', str(CREDIT_LINE + 1)), "Not enough credit to transfer", "amount"),
        (action("balance", "x", f'"{own}"', primary, "1"), "Not enough balance to transfer", "amount"),
        (action("balance", "x", primary, f'"{shared}"', "1"), "Subaccount without its own balance", "to"),
        (action("balance", "x", primary, '"zzzz9999"', "1"), "Unknown account", "to"),
        (action("balance", "x", primary, primary, "1"), "Transfer to the same account", "to"),
        (action("balance", "x", primary, f'"{own}"', "-1"), "Invalid amount", "amount"),
    ]
    box.clear_calls()
    for body, summary, attribute in cases:
        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + body)
        kind = "credit" if "vonage_credit_transfer" in body else "balance"
        run = tf.run("apply", "-auto-approve", f"-invoke=action.vonage_{kind}_transfer.x")
        assert run.rc == 1 and run.says(summary) and run.says(f"{attribute} ="), run.explain()
    assert not [c for c in box.calls() if c["method"] != "GET"], "nothing was moved"
    assert not box.state()["transfers"]


def test_the_primary_can_give_its_balance_plus_its_unspent_credit_line(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    key = own_balance_subaccount(box, "funded")
    balance = box.api("GET", "/account/get-balance").body["value"]
    assert balance == 100
    primary = f'"{box.api_key}"'
    # 100 EUR of balance and a 100 EUR credit line: 150 can go, 200.01 cannot.
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + action("balance", "big", primary, f'"{key}"', str(balance + CREDIT_LINE + 0.01)))
    refused = tf.run("apply", "-auto-approve", "-invoke=action.vonage_balance_transfer.big")
    assert refused.rc == 1 and refused.says(f"has {int(balance + CREDIT_LINE)} EUR of balance (including its credit line)"), refused.explain()
    assert refused.says(f"Lower `amount` to at most {int(balance + CREDIT_LINE)}"), refused.explain()
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + action("balance", "big", primary, f'"{key}"', "150"))
    tf.run("apply", "-auto-approve", "-invoke=action.vonage_balance_transfer.big").ok()
    assert box.api("GET", "/account/get-balance").body["value"] == -50
    assert [t["amount"] for t in transfers(box, "balance")] == [150]


def test_a_transfer_to_a_suspended_subaccount_warns_at_plan(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    key = own_balance_subaccount(sandbox, "asleep")
    assert sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}", json={"suspended": True}).status == 200
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + action("balance", "fund", f'"{sandbox.api_key}"', f'"{key}"', "1"))
    plan = tf.run("plan", "-invoke=action.vonage_balance_transfer.fund").ok()
    assert plan.says(f"Warning: Subaccount {key} is suspended") and plan.says("suspended = false"), plan.explain()
    assert not posts(sandbox, "balance"), "a plan moves nothing"
