"""Numbers across the family under real Terraform against the sandbox: `vonage_subaccount_number` (assign, drift,
destroy, import, plan-time refusals, a lost answer), the `vonage_number_transfer` action, the `vonage_numbers` data
source and `list "vonage_subaccount_number"`. Every case checks where the sandbox says each number is."""

from __future__ import annotations

import pytest

import tfharness as h

NUMBERS = ["447700900001", "447700900002", "447700900003"]


@pytest.fixture
def numbered(tmp_path):
    """A sandbox whose primary holds NUMBERS from the start (`--number`), in the suite's mode."""
    binary = h.sandbox_bin()
    h.require(binary.is_file(), f"{binary} not built: run `cargo build --bins`")
    flags = [arg for n in NUMBERS for arg in ("--number", f"{n}:GB")]
    box = h.Sandbox(binary, tmp_path / "sandbox", extra_args=[*h.sandbox_mode_args(), *flags])
    try:
        yield box
    finally:
        box.stop()


def holders(sandbox: h.Sandbox) -> dict[str, str]:
    return {n["number"]: n["owner"] for n in sandbox.state()["numbers"]}


def subaccount(sandbox: h.Sandbox, name: str) -> str:
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": name})
    assert made.status == 200, made
    return made.body["api_key"]


def move(sandbox: h.Sandbox, number: str, from_: str, to: str) -> None:
    moved = sandbox.api("POST", f"/accounts/{sandbox.api_key}/transfer-number",
                        json={"from": from_, "to": to, "number": number, "country": "GB"})
    assert moved.status == 200, moved


def transfer_posts(sandbox: h.Sandbox) -> list[dict]:
    return [c for c in sandbox.calls() if c["method"] == "POST" and c["path"].endswith("/transfer-number")]


def assignment(name: str, api_key: str, number: str) -> str:
    return f"""
resource "vonage_subaccount_number" "{name}" {{
  api_key = {api_key}
  number  = "{number}"
  country = "GB"
}}
"""


ESTATE = h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_subaccount" "a" {
  name = "team-a"
}

resource "vonage_subaccount" "b" {
  name = "team-b"
}
""" + assignment("a1", "vonage_subaccount.a.api_key", "+447700900001") \
    + assignment("a2", "vonage_subaccount.a.api_key", "447700900002") \
    + assignment("b3", "vonage_subaccount.b.api_key", "447700900003")


def test_three_numbers_to_two_subaccounts_drift_is_shown_and_fixed_and_destroy_returns_them(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    tf.write("main.tf", ESTATE)
    tf.run("apply", "-auto-approve").ok()
    resources = {r["address"]: r["values"] for r in tf.json("show", "-json")["values"]["root_module"]["resources"]}
    a, b = resources["vonage_subaccount.a"]["api_key"], resources["vonage_subaccount.b"]["api_key"]
    assert holders(box) == {NUMBERS[0]: a, NUMBERS[1]: a, NUMBERS[2]: b}
    a1 = resources["vonage_subaccount_number.a1"]
    assert (a1["id"], a1["number"], a1["held_by"], a1["type"], a1["features"]) == \
        (f"{a}/{NUMBERS[0]}", "+447700900001", a, "mobile-lvn", ["VOICE", "SMS"])
    assert len(transfer_posts(box)) == 3
    assert tf.run("plan", "-detailed-exitcode").rc == 0, "an empty plan, the + included"

    # Moved outside Terraform: the plan shows where it is, one apply moves it back.
    move(box, NUMBERS[0], a, b)
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 2 and plan.says(f'~ held_by = "{b}" -> "{a}"'), plan.explain()
    assert plan.says("Plan: 0 to add, 1 to change, 0 to destroy."), plan.explain()
    tf.run("apply", "-auto-approve").ok()
    assert holders(box)[NUMBERS[0]] == a
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    tf.run("destroy", "-auto-approve").ok()
    assert holders(box) == {n: box.api_key for n in NUMBERS}, "destroy returns every number to the primary"


def test_import_adopts_an_assignment_with_an_empty_plan_after(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    key = subaccount(box, "imported")
    move(box, NUMBERS[1], box.api_key, key)
    config = h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + assignment("n", f'"{key}"', "+447700900002")
    tf.write("main.tf", config)
    tf.run("import", "vonage_subaccount_number.n", f"{key}/{NUMBERS[1]}").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0, "the + in configuration is the imported number"
    state = tf.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]
    assert (state["number"], state["country"], state["held_by"]) == (NUMBERS[1], "GB", key)
    # A subaccount that does not hold the number cannot be imported as its holder.
    tf.run("state", "rm", "vonage_subaccount_number.n").ok()
    wrong = tf.run("import", "vonage_subaccount_number.n", f"{key}/{NUMBERS[0]}")
    assert wrong.rc == 1 and wrong.says(f"Subaccount {key} does not hold number {NUMBERS[0]}"), wrong.explain()
    assert not transfer_posts(box)[1:], "importing moves nothing"


def test_the_plan_refuses_what_cannot_move_and_moves_nothing(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    mine, other, paused = subaccount(box, "mine"), subaccount(box, "other"), subaccount(box, "paused")
    move(box, NUMBERS[2], box.api_key, other)
    assert box.api("PATCH", f"/accounts/{box.api_key}/subaccounts/{paused}", json={"suspended": True}).status == 200
    cases = [
        (f'"{mine}"', NUMBERS[2], f"Number {NUMBERS[2]} is held by {other}, not by the primary", "number"),
        (f'"{mine}"', "447700999999", "No account of the family holds number 447700999999", "number"),
        (f'"{box.api_key}"', NUMBERS[0], "Numbers are assigned to subaccounts", "api_key"),
        ('"zzzz9999"', NUMBERS[0], "Unknown subaccount", "api_key"),
        (f'"{paused}"', NUMBERS[0], f"Account {paused} is suspended", "api_key"),
        (f'"{mine}"', "44-77", "Invalid phone number", "number"),
    ]
    box.clear_calls()
    for key, number, summary, attribute in cases:
        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + assignment("n", key, number))
        plan = tf.run("plan")
        assert plan.rc == 1 and plan.says(summary) and plan.says(f"{attribute} ="), plan.explain()
    assert not [c for c in box.calls() if c["method"] != "GET"], "nothing was moved"


def test_a_move_whose_answer_is_lost_happens_once(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    key = subaccount(box, "lossy")
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + assignment("n", f'"{key}"', NUMBERS[0]))
    fault = box._request("POST", "/_sandbox/faults", {
        "route": "POST /accounts/*/transfer-number", "kind": "drop", "count": 1, "after_handler": True})
    assert fault.status in (200, 201), fault
    box.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    assert len(transfer_posts(box)) == 1, transfer_posts(box)
    assert holders(box)[NUMBERS[0]] == key
    assert tf.run("plan", "-detailed-exitcode").rc == 0


ACTION = """
action "vonage_number_transfer" "move" {{
  config {{
    from    = "{from_}"
    to      = "{to}"
    number  = "{number}"
    country = "GB"
  }}
}}
"""


@pytest.mark.min_terraform("1.14")
def test_the_action_moves_a_number_once_and_the_plan_refuses_one_from_does_not_hold(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    key = subaccount(box, "by-hand")
    config = h.PROVIDER_BLOCK + 'provider "vonage" {}\n'
    tf.write("main.tf", config + ACTION.format(from_=box.api_key, to=key, number="+" + NUMBERS[0]))
    assert tf.run("plan", "-detailed-exitcode").rc == 0 and not transfer_posts(box), "a plan moves nothing"
    # The answer is lost after the move: reconciled by reading, never sent twice.
    fault = box._request("POST", "/_sandbox/faults", {
        "route": "POST /accounts/*/transfer-number", "kind": "drop", "count": 1, "after_handler": True})
    assert fault.status in (200, 201), fault
    run = tf.run("apply", "-auto-approve", "-invoke=action.vonage_number_transfer.move").ok()
    assert run.says(f"Moved number {NUMBERS[0]} (GB) from {box.api_key} to {key}"), run.explain()
    assert holders(box)[NUMBERS[0]] == key and len(transfer_posts(box)) == 1
    # Invoked again, `from` no longer holds it: refused at plan.
    again = tf.run("apply", "-auto-approve", "-invoke=action.vonage_number_transfer.move")
    assert again.rc == 1 and again.says(f"Account {box.api_key} does not hold number {NUMBERS[0]}"), again.explain()
    assert again.says("from ="), again.explain()
    assert len(transfer_posts(box)) == 1


def test_the_data_source_lists_an_accounts_numbers_as_the_numbers_api_shows_them(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    key = subaccount(box, "listed")
    linked = box._request("POST", f"/_sandbox/accounts/{key}/numbers", {
        "number": "14155550100", "country": "US", "type": "landline", "features": ["VOICE"],
        "app_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "voice_callback_type": "app",
        "voice_callback_value": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"})
    assert linked.status == 201, linked
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

data "vonage_numbers" "primary" {{}}

data "vonage_numbers" "sub" {{
  api_key         = "{key}"
  has_application = true
}}

output "primary" {{ value = [for n in data.vonage_numbers.primary.numbers : n.number] }}
output "sub" {{ value = data.vonage_numbers.sub.numbers }}
""")
    tf.run("apply", "-auto-approve").ok()
    out = {k: v["value"] for k, v in tf.json("output", "-json").items()}
    assert out["primary"] == NUMBERS
    [n] = out["sub"]
    assert (n["number"], n["country"], n["type"], n["features"], n["app_id"], n["voice_callback_type"]) == \
        ("14155550100", "US", "landline", ["VOICE"], "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "app")
    assert n["mo_http_url"] is None


@pytest.mark.min_terraform("1.14")
def test_query_finds_the_subaccounts_numbers_and_generates_importable_configuration(tf, numbered):
    box = numbered
    tf.env.update(box.provider_env)
    key = subaccount(box, "queried")
    move(box, NUMBERS[2], box.api_key, key)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n')
    tf.write("q.tfquery.hcl", 'list "vonage_subaccount_number" "all" {\n  provider = vonage\n}\n')
    lines = tf.run("query", "-json").ok().json_lines()
    found = [line["list_resource_found"] for line in lines if line.get("type") == "list_resource_found"]
    assert [f["identity"] for f in found] == [{"api_key": key, "number": NUMBERS[2]}]
    assert found[0]["display_name"] == f"+{NUMBERS[2]} (GB, VOICE SMS) held by {key}"
    tf.run("query", "-generate-config-out=generated.tf").ok()
    tf.run("apply", "-auto-approve").ok()
    assert "Plan: 1 to import" not in tf.run("plan").ok().stdout
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    assert holders(box)[NUMBERS[2]] == key and not transfer_posts(box)[1:]
