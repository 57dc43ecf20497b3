"""Every default the docs state, observed under real Terraform against the sandbox.

The docs are generated from the schema's descriptions, so "Defaults to X" in a description is a
promise to users. `DEFAULTS` says, for each attribute that makes one, how the default shows up
in behaviour. `test_every_documented_default_is_in_the_table` fails when a description promises
a default that the table does not check, so a new default cannot ship untested.

The provider's URL fallbacks (Vonage's real hosts) are not exercised here: a test must never
reach the real API. `provider::config` tests compare them, with every numeric default, against
the client's settings.
"""

from __future__ import annotations

import re

import pytest

import tfharness as h

PROVIDER = 'provider "vonage" {}\n'


def schema_defaults(tf) -> dict[tuple[str, str, str], str]:
    """(kind, type, attribute path) -> the text after "Defaults to", for every described default."""
    tf.write("main.tf", h.PROVIDER_BLOCK)
    doc = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    found = {}

    def walk(kind, type_name, block, prefix=""):
        for name, attr in block.get("attributes", {}).items():
            match = re.search(r"Defaults to (.+?)(?:[.;,](?:\s|$)|$)", attr.get("description", ""))
            if match:
                found[(kind, type_name, prefix + name)] = match.group(1).strip("`")
        for name, nested in block.get("block_types", {}).items():
            walk(kind, type_name, nested["block"], f"{prefix}{name}.")

    walk("provider", "vonage", doc["provider"]["block"])
    for kind, key in [("resource", "resource_schemas"), ("data", "data_source_schemas"),
                      ("ephemeral", "ephemeral_resource_schemas"), ("list", "list_resource_schemas")]:
        for type_name, schema in doc.get(key, {}).items():
            walk(kind, type_name, schema["block"])
    return found


def apply_outputs(tf, config: str) -> dict:
    tf.write("main.tf", h.PROVIDER_BLOCK + config)
    tf.run("apply", "-auto-approve").ok()
    return {k: v["value"] for k, v in tf.json("output", "-json").items()}


def add_fault(sandbox, **spec) -> None:
    resp = sandbox._request("POST", "/_sandbox/faults", spec)
    assert resp.status in (200, 201), resp


# --------------------------------------------------------------------------------------------------------------
# One observation per documented default. Each gets (tf, sandbox, documented text).


def settings_in_effect(tf, tmp_path_name: str) -> dict[str, str]:
    """The client settings the provider logged at configure (`TF_LOG_PROVIDER=debug`) during a plan."""
    log = tf.workdir / tmp_path_name
    tf.run("plan", env={"TF_LOG": "", "TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(log)}).ok()
    lines = [line for line in log.read_text().splitlines() if "Vonage client configured" in line]
    assert lines, log.read_text()[-2000:]
    return dict(re.findall(r"(\w+)=(\S+)", lines[-1].split("Vonage client configured", 1)[1]))


def provider_retry_max_seconds(tf, sandbox, documented):
    # The default is the budget the client runs with (read from its logged settings: waiting it out would cost
    # 90 s), with no cap on the count ...
    tf.write("main.tf", h.PROVIDER_BLOCK + PROVIDER + 'data "vonage_balance" "b" {}\n')
    used = settings_in_effect(tf, "default.log")
    assert used["retry_max_seconds"] == documented and used["max_retries"] == "none", used
    # ... and the setting bounds real retrying: an outage outlasting it fails after about that long, having tried
    # more than once.
    add_fault(sandbox, route="GET /account/get-balance", kind="status", status=503)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {\n  retry_max_seconds = 1\n}\n'
             + 'data "vonage_balance" "b" {}\n')
    sandbox.clear_calls()
    result = tf.run("plan")
    assert result.rc == 1 and result.says("503"), result.explain()
    attempts = [_seconds(c["time"]) for c in sandbox.calls() if c["path"] == "/account/get-balance"]
    assert len(attempts) >= 2 and attempts[-1] - attempts[0] <= 1.0, attempts


def provider_request_timeout_seconds(tf, sandbox, documented):
    # The default is the timeout the client runs with (read from its logged settings, not waited out: waiting
    # would cost the whole default per run) ...
    tf.write("main.tf", h.PROVIDER_BLOCK + PROVIDER + 'data "vonage_balance" "b" {}\n')
    assert settings_in_effect(tf, "default.log")["request_timeout_seconds"] == documented
    # ... and the setting bounds a real request: one attempt (no retries) against an answer held longer.
    add_fault(sandbox, route="GET /account/get-balance", kind="latency", latency_ms=5000)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {\n  retry_max_seconds = 0\n  request_timeout_seconds = 1\n}\n'
             + 'data "vonage_balance" "b" {}\n')
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    assert result.says("gave no response within 1s"), result.explain()


def provider_rate_limit_per_second(tf, sandbox, documented):
    # 31 reads in one plan: one provider process paces them, so they span at least 30 intervals.
    per_second = float(documented)
    reads = 31
    tf.write("main.tf", h.PROVIDER_BLOCK + PROVIDER
             + f'data "vonage_balance" "b" {{\n  count = {reads}\n}}\n')
    sandbox.clear_calls()
    tf.run("plan").ok()
    calls = [c for c in sandbox.calls() if c["path"] == "/account/get-balance" and c["status"] == 200]
    assert len(calls) == reads
    times = sorted(c["time"] for c in calls)
    spread = _seconds(times[-1]) - _seconds(times[0])
    assert spread >= (reads - 1) / per_second * 0.95, (spread, times)


def _seconds(rfc3339: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def api_secret_api_key(tf, sandbox, documented):
    assert documented == "the provider's `api_key"
    out = apply_outputs(tf, PROVIDER + f"""
resource "vonage_api_secret" "s" {{
  secret = "{h.strong_secret()}"
}}
output "api_key" {{ value = vonage_api_secret.s.api_key }}
output "id" {{ value = vonage_api_secret.s.id }}
""")
    assert out["api_key"] == sandbox.api_key
    listed = sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets").body["_embedded"]["secrets"]
    assert out["id"] in [s["id"] for s in listed]


def subaccount_default(attribute: str):
    def check(tf, sandbox, documented):
        out = apply_outputs(tf, PROVIDER + f"""
resource "vonage_subaccount" "s" {{
  name = "defaults"
}}
output "value" {{ value = vonage_subaccount.s.{attribute} }}
output "key" {{ value = vonage_subaccount.s.api_key }}
""")
        assert str(out["value"]).lower() == documented
        remote = sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{out['key']}").body
        assert str(remote[attribute]).lower() == documented
    return check


def data_api_key(data_source: str, output: str):
    def check(tf, sandbox, documented):
        assert documented == "the provider's `api_key"
        out = apply_outputs(tf, PROVIDER + f"""
data "{data_source}" "d" {{}}
output "api_key" {{ value = data.{data_source}.d.api_key }}
output "shown" {{ value = {output} }}
""")
        assert out["api_key"] == sandbox.api_key
        assert out["shown"] is not None
    return check


def generated_secret_length(tf, sandbox, documented):
    # Ephemeral values cannot be outputs; a precondition sees them.
    n = int(documented)
    config = PROVIDER + f"""
ephemeral "vonage_generated_secret" "g" {{}}
resource "terraform_data" "probe" {{
  lifecycle {{
    precondition {{
      condition     = ephemeral.vonage_generated_secret.g.length == {{N}} && length(ephemeral.vonage_generated_secret.g.value) == {{N}}
      error_message = "not the documented length"
    }}
  }}
}}
"""
    tf.write("main.tf", h.PROVIDER_BLOCK + config.replace("{N}", str(n)))
    tf.run("apply", "-auto-approve").ok()
    # The check can fail: any other length is refused.
    tf.write("main.tf", h.PROVIDER_BLOCK + config.replace("{N}", str(n + 1)))
    wrong = tf.run("apply", "-auto-approve", "-replace=terraform_data.probe")
    assert wrong.rc == 1 and wrong.says("not the documented length"), wrong.explain()


def ephemeral_api_secret_api_key(tf, sandbox, documented):
    # Ephemeral values cannot be outputs; a precondition sees them. The secret is made in that account.
    assert documented == "the provider's `api_key"
    config = PROVIDER + """
ephemeral "vonage_api_secret" "e" {}
resource "terraform_data" "probe" {
  lifecycle {
    precondition {
      condition     = ephemeral.vonage_api_secret.e.api_key == "KEY"
      error_message = "not the provider's api_key"
    }
  }
}
"""
    tf.write("main.tf", h.PROVIDER_BLOCK + config.replace("KEY", sandbox.api_key))
    sandbox.clear_calls()
    tf.run("plan").ok()
    posts = [c["path"] for c in sandbox.calls() if c["method"] == "POST"]
    assert posts == [f"/accounts/{sandbox.api_key}/secrets"], posts
    # The check can fail: another key is refused.
    tf.write("main.tf", h.PROVIDER_BLOCK + config.replace("KEY", "other123"))
    wrong = tf.run("plan")
    assert wrong.rc == 1 and wrong.says("not the provider's api_key"), wrong.explain()


def list_api_secret_api_key(tf, sandbox, documented):
    assert documented == "the provider's `api_key"
    tf.write("main.tf", h.PROVIDER_BLOCK + PROVIDER)
    tf.write("q.tfquery.hcl", 'list "vonage_api_secret" "all" {\n  provider = vonage\n}\n')
    lines = tf.run("query", "-json").ok().json_lines()
    found = [line["list_resource_found"]["identity"] for line in lines if line.get("type") == "list_resource_found"]
    listed = sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets").body["_embedded"]["secrets"]
    assert found == [{"api_key": sandbox.api_key, "id": s["id"]} for s in listed]


# Defaults of list resources, which `providers schema -json` shows from Terraform 1.14 on.
LIST_KIND_SINCE = (1, 14)

DEFAULTS = {
    ("provider", "vonage", "retry_max_seconds"): provider_retry_max_seconds,
    ("provider", "vonage", "request_timeout_seconds"): provider_request_timeout_seconds,
    ("provider", "vonage", "rate_limit_per_second"): provider_rate_limit_per_second,
    ("resource", "vonage_api_secret", "api_key"): api_secret_api_key,
    ("resource", "vonage_subaccount", "use_primary_account_balance"):
        subaccount_default("use_primary_account_balance"),
    ("resource", "vonage_subaccount", "suspended"): subaccount_default("suspended"),
    ("data", "vonage_balance", "api_key"): data_api_key("vonage_balance", "data.vonage_balance.d.value"),
    ("data", "vonage_api_secrets", "api_key"): data_api_key("vonage_api_secrets",
                                                            "data.vonage_api_secrets.d.secrets"),
    ("data", "vonage_numbers", "api_key"): data_api_key("vonage_numbers", "data.vonage_numbers.d.numbers"),
    ("ephemeral", "vonage_generated_secret", "length"): generated_secret_length,
    ("ephemeral", "vonage_api_secret", "api_key"): ephemeral_api_secret_api_key,
    ("list", "vonage_api_secret", "api_key"): list_api_secret_api_key,
}


def expected_defaults(tf) -> set:
    """The table's entries this Terraform can show: list resources only from 1.14 on."""
    old = tf.binary.version_tuple() < LIST_KIND_SINCE
    return {w for w in DEFAULTS if not (old and w[0] == "list")}


# What a version shows of the schema (list resources from 1.14) differs.
@pytest.mark.all_terraform_versions
def test_every_documented_default_is_in_the_table(tf):
    documented = set(schema_defaults(tf))
    expected = expected_defaults(tf)
    assert documented == expected, {"untested": documented - expected,
                                    "no longer documented": expected - documented}


@pytest.mark.parametrize("where", list(DEFAULTS), ids=lambda w: ".".join(w))
def test_documented_default_holds(where, tf, sandbox):
    if where not in expected_defaults(tf):
        pytest.skip(f"{where[0]} resources need Terraform {'.'.join(map(str, LIST_KIND_SINCE))}+")
    tf.env.update(sandbox.provider_env)
    documented = schema_defaults(tf)
    assert where in documented, f"{where} no longer documents a default"
    DEFAULTS[where](tf, sandbox, documented[where])
