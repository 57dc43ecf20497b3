"""vonage_subaccount's declarative credit line, end to end: real Terraform, the real provider, the real sandbox
(with a primary that has a credit line) over HTTP. Every step checks what the sandbox holds and which credit
transfers it saw, not only what Terraform says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tfharness as h
from tfharness import CREDIT_LINE

ADDRESS = "vonage_subaccount.team"
FIXTURES = Path(__file__).parent / "fixtures"


def config(credit: str | None = None, name: str = "postpaid", shared: bool = False, extra: str = "") -> str:
    lines = [f'  name = "{name}"']
    if not shared:
        lines.append("  use_primary_account_balance = false")
    if credit is not None:
        lines.append(f"  credit_limit = {credit}")
    body = "\n".join(lines)
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_subaccount" "team" {{
{body}
{extra}
}}
"""


def values(tf) -> dict:
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    return next(r for r in resources if r["address"] == ADDRESS)["values"]


def family(sandbox: h.Sandbox) -> dict:
    resp = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts")
    assert resp.status == 200, resp
    return resp.body


def api_credit(sandbox: h.Sandbox, key: str) -> float:
    """The subaccount's credit_limit as the API shows it (zero or negative)."""
    resp = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{key}")
    assert resp.status == 200, resp
    return resp.body["credit_limit"]


def credit_transfers(sandbox: h.Sandbox) -> list[tuple[str, str, float]]:
    """Every credit transfer the sandbox holds, as (from, to, amount), in no particular order."""
    return sorted((t["from"], t["to"], t["amount"]) for t in sandbox.state()["transfers"] if t["kind"] == "credit")


def posts(sandbox: h.Sandbox, kind: str = "credit") -> list[dict]:
    return [c for c in sandbox.calls() if c["method"] == "POST" and c["path"].endswith(f"/{kind}-transfers")]


def test_credit_is_allocated_raised_reduced_and_returned(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    tf.write("main.tf", config("25"))
    tf.run("apply", "-auto-approve").ok()
    key = values(tf)["api_key"]
    assert values(tf)["credit_limit"] == 25, "the state holds the positive amount allocated"
    assert api_credit(box, key) == -25, "the API shows it negated"
    assert family(box)["_embedded"]["primary_account"]["credit_limit"] == -(CREDIT_LINE - 25)
    assert credit_transfers(box) == [(primary, key, 25)]
    [allocated] = [t for t in box.state()["transfers"] if t["kind"] == "credit"]
    assert allocated["reference"].startswith("tf-credit-limit-"), allocated
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    # Raise: only credit_limit changes in the plan, and one transfer moves the difference.
    tf.write("main.tf", config("40"))
    assert h.planned_changes(tf, ADDRESS) == {"credit_limit"}
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -40
    # Reduce: the difference goes back to the primary.
    tf.write("main.tf", config("10.5"))
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -10.5
    # Return it all.
    tf.write("main.tf", config("0"))
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == 0
    assert values(tf)["credit_limit"] == 0
    assert family(box)["_embedded"]["primary_account"]["credit_limit"] == -CREDIT_LINE
    assert credit_transfers(box) == sorted([(primary, key, 25), (primary, key, 15), (key, primary, 29.5),
                                            (key, primary, 10.5)])
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    # Left out of the configuration, the credit line is no longer managed: nothing to do.
    tf.write("main.tf", config(None))
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_a_credit_line_set_at_create_on_a_subaccount_switched_to_its_own_balance(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    tf.write("main.tf", config(None, shared=True))
    tf.run("apply", "-auto-approve").ok()
    key = values(tf)["api_key"]
    assert values(tf)["credit_limit"] is None and values(tf)["balance"] is None
    # Switching to an own balance moves the balance and the credit line; nothing else.
    tf.write("main.tf", config("20"))
    assert h.planned_changes(tf, ADDRESS) == {"use_primary_account_balance", "balance", "credit_limit"}
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -20
    assert (values(tf)["balance"], values(tf)["credit_limit"]) == (0, 20)
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_credit_out_of_band_is_drift_that_apply_settles(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    tf.write("main.tf", config("25"))
    tf.run("apply", "-auto-approve").ok()
    key = values(tf)["api_key"]
    back = box.api("POST", f"/accounts/{primary}/credit-transfers",
                   json={"from": key, "to": primary, "amount": 10, "reference": "by hand"})
    assert back.status == 200, back
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 2 and plan.says("credit_limit = 15 -> 25"), plan.explain()
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -25
    assert credit_transfers(box).count((primary, key, 10)) == 1
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_what_cannot_work_is_refused_at_plan_time(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    # A shared-balance subaccount (the default) has no credit line.
    tf.write("main.tf", config("5", shared=True))
    shared = tf.run("plan")
    assert shared.rc == 1 and shared.says("A credit line needs an own balance"), shared.explain()
    assert shared.says('on main.tf line') and shared.says("credit_limit"), shared.explain()
    # A negative amount is the API's sign, not this attribute's.
    tf.write("main.tf", config("-5"))
    negative = tf.run("plan")
    assert negative.rc == 1 and negative.says("Invalid credit limit"), negative.explain()
    # More than the primary's unspent credit line.
    tf.write("main.tf", config(str(CREDIT_LINE + 1)))
    box.clear_calls()
    too_much = tf.run("plan")
    assert too_much.rc == 1 and too_much.says("Not enough credit to transfer"), too_much.explain()
    assert too_much.says(f"Account {box.api_key} has {CREDIT_LINE} EUR of unspent credit available"), too_much.explain()
    assert too_much.says(f"set it to at most {CREDIT_LINE}"), too_much.explain()
    assert not [c for c in box.calls() if c["method"] != "GET"], "a plan changes nothing"

    # Returning credit the subaccount has spent.
    tf.write("main.tf", config("30"))
    tf.run("apply", "-auto-approve").ok()
    key = values(tf)["api_key"]
    spent = box._request("PATCH", f"/_sandbox/accounts/{key}", {"balance": -12})
    assert spent.status == 200, spent
    tf.write("main.tf", config("10"))
    spent_plan = tf.run("plan")
    assert spent_plan.rc == 1 and spent_plan.says(f"Account {key} has 18 EUR of unspent credit available, less than the 20 EUR"), spent_plan.explain()
    assert spent_plan.says("set it to at least 12"), spent_plan.explain()
    tf.write("main.tf", config("12"))
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -12


def test_a_lost_transfer_answer_is_reconciled_not_sent_twice(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    tf.write("main.tf", config("0"))
    tf.run("apply", "-auto-approve").ok()
    key = values(tf)["api_key"]
    fault = box._request("POST", "/_sandbox/faults", {
        "route": "POST /accounts/*/credit-transfers", "kind": "drop", "count": 1, "after_handler": True})
    assert fault.status in (200, 201), fault
    box.clear_calls()
    tf.write("main.tf", config("35"))
    tf.run("apply", "-auto-approve").ok()
    assert len(posts(box)) == 1, posts(box)
    assert credit_transfers(box) == [(box.api_key, key, 35)]
    assert api_credit(box, key) == -35
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_import_shows_the_positive_allocation_and_destroy_leaves_it(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    made = box.api("POST", f"/accounts/{primary}/subaccounts", json={"name": "postpaid", "use_primary_account_balance": False})
    key = made.body["api_key"]
    assert box.api("POST", f"/accounts/{primary}/credit-transfers",
                   json={"from": primary, "to": key, "amount": 7.25}).status == 200
    tf.write("main.tf", config("7.25"))
    tf.run("import", ADDRESS, key).ok()
    assert values(tf)["credit_limit"] == 7.25 and values(tf)["id"] == key
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    box.clear_calls()
    tf.run("destroy", "-auto-approve").ok()
    remote = box.api("GET", f"/accounts/{primary}/subaccounts/{key}").body
    assert remote["suspended"] is True and remote["credit_limit"] == -7.25, "destroy suspends and moves no credit"
    assert not posts(box)


def legacy_state(key: str, created_at: str) -> str:
    """The fixture state, written by the provider at schema version 0 (before `id`, with the API's negative
    credit_limit), aimed at a subaccount of this sandbox."""
    text = (FIXTURES / "subaccount_state_v0.tfstate").read_text()
    doc = json.loads(text)
    [instance] = doc["resources"][0]["instances"]
    assert instance["schema_version"] == 0 and "id" not in instance["attributes"], "a version-0 state"
    old_key, old_created = instance["attributes"]["api_key"], instance["attributes"]["created_at"]
    return text.replace(old_key, key).replace(old_created, created_at)


def test_state_written_before_id_and_the_positive_credit_limit_upgrades_without_a_change(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    made = box.api("POST", f"/accounts/{primary}/subaccounts",
                   json={"name": "legacy-credit", "use_primary_account_balance": False})
    key = made.body["api_key"]
    assert box.api("POST", f"/accounts/{primary}/credit-transfers",
                   json={"from": primary, "to": key, "amount": 20}).status == 200
    created_at = box.api("GET", f"/accounts/{primary}/subaccounts/{key}").body["created_at"]
    tf.write("terraform.tfstate", legacy_state(key, created_at))
    # The configuration the old state was written from.
    tf.write("main.tf", config(None, name="legacy-credit"))
    # Without a refresh, the upgrade alone must plan nothing: `id` is filled, the sign flipped.
    assert tf.run("plan", "-refresh=false", "-detailed-exitcode").rc == 0
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    tf.run("apply", "-refresh-only", "-auto-approve").ok()
    upgraded = values(tf)
    assert upgraded["id"] == key and upgraded["credit_limit"] == 20, upgraded
    state = json.loads((tf.workdir / "terraform.tfstate").read_text())
    assert state["resources"][0]["instances"][0]["schema_version"] == 1
    # Declaring the same credit line now changes nothing; raising it moves the difference once.
    tf.write("main.tf", config("20", name="legacy-credit"))
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    tf.write("main.tf", config("30", name="legacy-credit"))
    tf.run("apply", "-auto-approve").ok()
    assert api_credit(box, key) == -30
    assert credit_transfers(box).count((primary, key, 10)) == 1


@pytest.mark.parametrize("shared", [True, False], ids=["shared-balance", "own-balance"])
def test_renaming_plans_exactly_one_changed_attribute(tf, credit_sandbox, shared):
    tf.env.update(credit_sandbox.provider_env)
    tf.write("main.tf", config(None if shared else "5", name="before", shared=shared))
    tf.run("apply", "-auto-approve").ok()
    assert values(tf)["id"] == values(tf)["api_key"]
    tf.write("main.tf", config(None if shared else "5", name="after", shared=shared))
    assert h.planned_changes(tf, ADDRESS) == {"name"}
    tf.run("apply", "-auto-approve").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0
