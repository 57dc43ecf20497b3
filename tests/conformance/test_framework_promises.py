"""The framework's promises under real Terraform, one test per gap a probe found (issue 14): each reproduces the
probe's steps and checks that Terraform now gets what terraform-plugin-framework would give it."""

from __future__ import annotations

import pytest

import tfharness as h

# The framework's promises hold on each Terraform version found.
pytestmark = pytest.mark.all_terraform_versions

BROKEN = ("inconsistent result", "invalid new value", "Provider bug", "produced an invalid", "Request cancelled",
          "panic", "Plugin did not respond")


def assert_no_provider_bug(result: h.Result) -> None:
    for needle in BROKEN:
        assert not result.says(needle), f"{needle!r} in:\n{result.explain()}"


def config(body: str) -> str:
    return h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + body


def test_timeouts_parse_like_go_and_every_bad_one_is_reported(tf):
    tf.write("main.tf", config("""
resource "vonage_account_settings" "x" {
  timeouts {
    create = "9000000000000000h"
    read   = "500us"
    update = "0"
    delete = "soon"
  }
}
"""))
    result = tf.run("validate", "-json")
    assert_no_provider_bug(result)
    doc = result.json()
    timeouts = [d for d in doc["diagnostics"] if d["summary"] == "Invalid timeout"]
    assert sorted(d["snippet"]["code"].strip().split()[0] for d in timeouts) == ["create", "delete"], timeouts
    assert all(d["severity"] == "error" and "no limit" in d["detail"] for d in timeouts)
    assert [d for d in doc["diagnostics"] if d["severity"] == "error"] == timeouts, "500us and 0 are durations"


def diagnostics_by_summary(result: h.Result, summary: str) -> list[dict]:
    return [d for d in result.json()["diagnostics"] if d["summary"] == summary]


def configured_attribute(d: dict) -> str:
    return d["snippet"]["code"].strip().split()[0]


def test_integer_attributes_refuse_fractions_and_overflow_at_the_attribute(tf):
    for value, summary in (("8.5", "Not a whole number"), ("1e30", "Value out of range"), ("30", "Value out of range")):
        tf.write("main.tf", config(f'ephemeral "vonage_generated_secret" "g" {{\n  length = {value}\n}}\n'))
        result = tf.run("validate", "-json")
        assert_no_provider_bug(result)
        found = diagnostics_by_summary(result, summary)
        assert found and configured_attribute(found[0]) == "length", result.explain()
        assert "8 to 25" in found[0]["detail"]


def test_an_integer_known_only_at_apply_is_checked_at_apply(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", config("""
resource "terraform_data" "length" {
  input = 8.5
}

ephemeral "vonage_generated_secret" "g" {
  length = terraform_data.length.output
}

resource "vonage_api_secret" "s" {
  secret_wo         = ephemeral.vonage_generated_secret.g.value
  secret_wo_version = 1
}
"""))
    plan = tf.run("plan")
    assert plan.rc == 0, plan.explain()
    assert_no_provider_bug(plan)
    apply = tf.run("apply", "-auto-approve")
    assert apply.rc == 1 and apply.says("Not a whole number"), apply.explain()
    assert_no_provider_bug(apply)


def test_an_unknown_write_only_value_is_not_a_missing_one(tf, sandbox):
    """secret_wo from a value known only after apply, and from an ephemeral resource whose config is unknown at plan
    time: the plan waits for the value and apply uses it."""
    tf.env.update(sandbox.provider_env)
    derived = h.strong_secret()
    tf.write("main.tf", config(f"""
resource "terraform_data" "later" {{
  input = "{derived}"
}}

resource "vonage_api_secret" "derived" {{
  secret_wo         = terraform_data.later.output
  secret_wo_version = 1
}}

resource "terraform_data" "length" {{
  input = 20
}}

ephemeral "vonage_generated_secret" "g" {{
  length = terraform_data.length.output
}}

resource "vonage_subaccount" "from_ephemeral" {{
  name      = "from-ephemeral"
  secret_wo = ephemeral.vonage_generated_secret.g.value
}}
"""))
    plan = tf.run("plan")
    assert plan.rc == 0, plan.explain()
    assert_no_provider_bug(plan)
    apply = tf.run("apply", "-auto-approve")
    assert apply.rc == 0, apply.explain()
    assert_no_provider_bug(apply)
    listed = sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets").body["_embedded"]["secrets"]
    assert len(listed) == 2
    ok = sandbox._request("GET", "/account/get-balance", auth=(sandbox.api_key, derived))
    assert ok.status == 200, "the secret was made from the value known only after apply"
    assert tf.run("plan", "-detailed-exitcode").rc == 0


READ_ONLY = {
    "resource_balance": ('resource "vonage_subaccount" "s" {\n  name    = "x"\n  balance = 5\n}\n', "balance"),
    "resource_created_at": (
        'resource "vonage_api_secret" "s" {\n  secret_wo  = "Abcdefgh1"\n  created_at = "2024-01-01T00:00:00Z"\n}\n',
        "created_at"),
    "data_source_value": ('data "vonage_balance" "b" {\n  value = 1\n}\n', "value"),
    "ephemeral_value": ('ephemeral "vonage_generated_secret" "g" {\n  value = "Abcdefgh1"\n}\n', "value"),
}


def test_read_only_attributes_are_refused_in_configuration(tf):
    for name, (body, attribute) in READ_ONLY.items():
        tf.write("main.tf", config(body))
        result = tf.run("validate", "-json")
        assert_no_provider_bug(result)
        found = diagnostics_by_summary(result, "Invalid Configuration for Read-Only Attribute")
        assert [configured_attribute(d) for d in found] == [attribute], (name, result.explain())
        assert not result.json()["valid"]


def test_an_empty_api_key_is_refused_before_it_reaches_the_api(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    for body in ('resource "vonage_api_secret" "s" {\n  api_key   = ""\n  secret_wo = "Abcdefgh1"\n}\n',
                 'data "vonage_api_secrets" "s" {\n  api_key = ""\n}\n'):
        tf.write("main.tf", config(body))
        sandbox.clear_calls()
        result = tf.run("plan", "-json")
        assert result.rc == 1, result.explain()
        assert_no_provider_bug(result)
        errors = [line["diagnostic"] for line in result.json_lines()
                  if line.get("type") == "diagnostic" and line["diagnostic"]["severity"] == "error"]
        assert [d["summary"] for d in errors] == ["Empty string not allowed"], errors
        assert configured_attribute(errors[0]) == "api_key"
        assert not [c for c in sandbox.calls() if "/secrets" in c["path"]], "nothing reached the API"


def test_a_default_from_the_provider_is_planned_as_a_known_value(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", config("""
variable "new_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_api_secret" "s" {
  secret_wo         = var.new_secret
  secret_wo_version = 1
}

output "api_key" {
  value = vonage_api_secret.s.api_key
}
"""))
    env = {"TF_VAR_new_secret": h.strong_secret()}
    tf.run("plan", "-out", "create.tfplan", env=env).ok()
    plan = tf.json("show", "-json", "create.tfplan")
    change = next(c["change"] for c in plan["resource_changes"] if c["address"] == "vonage_api_secret.s")
    assert change["after"]["api_key"] == sandbox.api_key, change
    assert not change["after_unknown"].get("api_key"), change
    assert plan["planned_values"]["outputs"]["api_key"]["value"] == sandbox.api_key
    apply = tf.run("apply", "create.tfplan", env=env)
    assert apply.rc == 0, apply.explain()
    assert_no_provider_bug(apply)
    assert tf.run("plan", "-detailed-exitcode", env=env).rc == 0


def subaccount_config(name: str) -> str:
    return config(f'resource "vonage_subaccount" "s" {{\n  name = "{name}"\n}}\n')


def subaccount_state(tf: h.Terraform) -> dict:
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    return next(r["values"] for r in resources if r["address"] == "vonage_subaccount.s")


def test_created_at_agrees_between_create_read_and_update(tf, sandbox):
    """Vonage answers a create with milliseconds and later reads with .000Z: no drift, no inconsistent result."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", subaccount_config("stamped"))
    tf.run("apply", "-auto-approve").ok()
    created_at = subaccount_state(tf)["created_at"]
    assert created_at.endswith("Z") and "." not in created_at, created_at
    refresh = tf.run("plan", "-refresh-only", "-detailed-exitcode", "-out", "refresh.tfplan")
    assert not refresh.says("changed outside of Terraform"), refresh.explain()
    assert not tf.json("show", "-json", "refresh.tfplan").get("resource_drift")
    # Terraform before 1.15.0 can exit 2 while saying "No changes" (hashicorp/terraform#36403).
    assert refresh.rc == 0 or (refresh.rc == 2 and tf.binary.version_tuple() < (1, 15)), refresh.explain()
    tf.write("main.tf", subaccount_config("stamped-renamed"))
    update = tf.run("apply", "-auto-approve", "-refresh=false")
    assert update.rc == 0, update.explain()
    assert_no_provider_bug(update)
    assert subaccount_state(tf)["created_at"] == created_at
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_a_saved_plan_applied_after_drift_converges_on_the_plan(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", subaccount_config("before"))
    tf.run("apply", "-auto-approve").ok()
    key = subaccount_state(tf)["api_key"]
    tf.write("main.tf", subaccount_config("after"))
    tf.run("plan", "-out", "p1").ok()
    drift = sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}", json={"suspended": True})
    assert drift.status == 200 and drift.body["suspended"] is True, drift
    apply = tf.run("apply", "p1")
    assert apply.rc == 0, apply.explain()
    assert_no_provider_bug(apply)
    remote = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{key}").body
    assert remote["name"] == "after" and remote["suspended"] is False, remote
    assert tf.run("plan", "-detailed-exitcode").rc == 0
