"""The transfer-history data sources and data "vonage_subaccount" under real Terraform against the sandbox."""

from __future__ import annotations

import tfharness as h
from tfharness import CREDIT_LINE


def own_balance_subaccount(sandbox: h.Sandbox, name: str) -> str:
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                       json={"name": name, "use_primary_account_balance": False})
    assert made.status == 200, made
    return made.body["api_key"]


def transfer(sandbox: h.Sandbox, kind: str, from_: str, to: str, amount: float, reference: str | None = None) -> dict:
    body = {"from": from_, "to": to, "amount": amount}
    if reference is not None:
        body["reference"] = reference
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/{kind}-transfers", json=body)
    assert resp.status == 200, resp
    return resp.body


def outputs(tf) -> dict:
    return {k: v["value"] for k, v in tf.json("output", "-json").items()}


def test_balance_and_credit_history_newest_first_with_date_and_subaccount_filters(tf, credit_sandbox):
    box = credit_sandbox
    primary = box.api_key
    tf.env.update(box.provider_env)
    a = own_balance_subaccount(box, "a")
    b = own_balance_subaccount(box, "b")
    first = transfer(box, "balance", primary, a, 10, "first")
    # Transfers carry whole-second times: the sandbox's clock moves a second on, so the second one lands in a later
    # second.
    box.advance_clock(1000)
    second = transfer(box, "balance", primary, b, 2.5)
    third = transfer(box, "balance", b, primary, 1)
    credit = transfer(box, "credit", primary, a, 30, "line")
    assert first["created_at"] < second["created_at"]

    def history(kind: str, name: str, start: str, end: str | None = None, subaccount: str | None = None) -> str:
        extra = f'\n  end_date   = "{end}"' if end else ""
        extra += f'\n  subaccount = "{subaccount}"' if subaccount else ""
        return f"""
data "vonage_{kind}_transfers" "{name}" {{
  start_date = "{start}"{extra}
}}

output "{kind}_{name}" {{
  value = data.vonage_{kind}_transfers.{name}.transfers
}}
"""

    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
             + history("balance", "all", "2020-01-01T00:00:00Z")
             + history("balance", "a", "2020-01-01T00:00:00Z", subaccount=a)
             + history("balance", "b", "2020-01-01T00:00:00Z", subaccount=b)
             + history("balance", "before", "2020-01-01T00:00:00Z", end=first["created_at"])
             + history("balance", "after", second["created_at"])
             + history("credit", "all", "2020-01-01T00:00:00+02:00"))
    tf.run("apply", "-auto-approve").ok()
    out = outputs(tf)

    def ids(key: str) -> list[str]:
        return [t["id"] for t in out[key]]

    everything = out["balance_all"]
    assert {t["id"] for t in everything} == {first["id"], second["id"], third["id"]}
    assert ids("balance_all")[-1] == first["id"], "newest first: the oldest is last"
    times = [t["created_at"] for t in everything]
    assert times == sorted(times, reverse=True)
    by_id = {t["id"]: t for t in everything}
    assert by_id[first["id"]]["reference"] == "first" and by_id[second["id"]]["reference"] is None
    assert (by_id[third["id"]]["from"], by_id[third["id"]]["to"], by_id[third["id"]]["amount"]) == (b, primary, 1)
    assert ids("balance_a") == [first["id"]]
    assert set(ids("balance_b")) == {second["id"], third["id"]}, "to and from the subaccount"
    assert ids("balance_before") == [first["id"]]
    assert set(ids("balance_after")) == {second["id"], third["id"]}
    assert ids("credit_all") == [credit["id"]]
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_dates_are_checked_at_plan_time(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    for start, end, summary, attribute in [
        ("2026-01-01", None, "Invalid date", "start_date"),
        ("2026-01-01T00:00:00Z", "tomorrow", "Invalid date", "end_date"),
        ("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", "End date before start date", "end_date"),
    ]:
        end_line = f'\n  end_date   = "{end}"' if end else ""
        tf.write("main.tf", h.PROVIDER_BLOCK + f"""
data "vonage_credit_transfers" "x" {{
  start_date = "{start}"{end_line}
}}
""")
        sandbox.clear_calls()
        result = tf.run("validate")
        assert result.rc == 1 and result.says(summary) and result.says(f"{attribute} ="), result.explain()
        assert not sandbox.calls(), "refused before any API call"


def test_one_subaccount_by_key_with_the_apis_sign(tf, credit_sandbox):
    box = credit_sandbox
    tf.env.update(box.provider_env)
    key = own_balance_subaccount(box, "postpaid")
    transfer(box, "credit", box.api_key, key, 25)
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

data "vonage_subaccount" "this" {{
  api_key = "{key}"
}}

output "sub" {{
  value = data.vonage_subaccount.this
}}

data "vonage_subaccounts" "all" {{}}

output "family" {{
  value = data.vonage_subaccounts.all
}}
""")
    tf.run("apply", "-auto-approve").ok()
    sub = outputs(tf)["sub"]
    assert sub["name"] == "postpaid" and sub["primary_account_api_key"] == box.api_key
    assert sub["credit_limit"] == -25, "data sources keep the API's sign"
    assert sub["balance"] == 0 and sub["use_primary_account_balance"] is False and sub["suspended"] is False
    family = outputs(tf)["family"]
    assert [s["credit_limit"] for s in family["subaccounts"]] == [-25], "the list keeps the API's sign too"
    assert family["total_credit_limit"] == -CREDIT_LINE, "the primary's -75 and the subaccount's -25"
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

data "vonage_subaccount" "this" {
  api_key = "zzzz9999"
}
""")
    missing = tf.run("plan")
    assert missing.rc == 1 and missing.says("Subaccount not found"), missing.explain()
    assert missing.says(f"Account {box.api_key} has no subaccount zzzz9999"), missing.explain()
