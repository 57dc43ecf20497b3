"""Bad inputs: each gives a diagnostic at the right attribute path, says what to do, echoes no secret and
never panics the provider."""

from __future__ import annotations

import pytest

import tfharness as h

WEAK = "weaksecretvalue"  # no upper-case letter, no digit

CASES = {
    "weak_write_only_secret": (
        f'resource "vonage_api_secret" "x" {{\n  secret_wo = "{WEAK}"\n  secret_wo_version = 1\n}}',
        "API secret too weak for Vonage",
        "secret_wo",
    ),
    "weak_legacy_secret": (
        f'resource "vonage_api_secret" "x" {{\n  secret = "{WEAK}"\n}}',
        "API secret too weak for Vonage",
        "secret",
    ),
    "both_secrets": (
        'resource "vonage_api_secret" "x" {\n  secret_wo = "Abcdefgh1"\n  secret = "Abcdefgh2"\n}',
        "Conflicting secret arguments",
        "secret",
    ),
    "bad_forward_method": (
        'resource "vonage_account_settings" "x" {\n  http_forward_method = "CARRIER_PIGEON"\n}',
        "Invalid webhook method",
        "http_forward_method",
    ),
    "bad_timeout": (
        'resource "vonage_account_settings" "x" {\n  timeouts {\n    create = "soon"\n  }\n}',
        "Invalid timeout",
        "create",
    ),
    "long_subaccount_name": (
        f'resource "vonage_subaccount" "x" {{\n  name = "{"n" * 81}"\n}}',
        "Invalid subaccount name",
        "name",
    ),
    "bad_provider_url": (
        'resource "vonage_account_settings" "x" {}',
        "Invalid URL",
        "api_url",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_diagnostic_at_its_attribute(tf, case):
    body, summary, attribute = CASES[case]
    provider = 'provider "vonage" {\n  api_url = "not-a-url"\n}' if case == "bad_provider_url" else 'provider "vonage" {}'
    tf.write("main.tf", h.PROVIDER_BLOCK + provider + "\n" + body + "\n")
    result = tf.run("validate", "-json")
    doc = result.json()
    assert not doc["valid"], doc
    matching = [d for d in doc["diagnostics"] if d["summary"] == summary]
    assert matching, doc["diagnostics"]
    d = matching[0]
    assert d["severity"] == "error" and d["detail"]
    assert d["snippet"]["code"].strip().startswith(attribute), d
    for diag in doc["diagnostics"]:
        assert WEAK not in diag["summary"] and WEAK not in diag["detail"], "the provider never echoes a secret"
    assert "panic" not in result.stderr.lower()


GARBAGE_PEM = "-----BEGIN CERTIFICATE-----\\nbm90IGEgY2VydGlmaWNhdGU=\\n-----END CERTIFICATE-----\\n"

# What the client would refuse, checked by `terraform validate` at the attribute (it passed validate and failed at
# configure, as "Could not set up the Vonage client").
PROVIDER_CASES = {
    "url_with_credentials": ('api_url = "https://user:pass@api.nexmo.com"', "Invalid URL", "api_url"),
    "url_with_query": ('rest_url = "https://rest.nexmo.com/?debug=1"', "Invalid URL", "rest_url"),
    "url_with_fragment": ('api_url = "https://api.nexmo.com/#top"', "Invalid URL", "api_url"),
    "api_key_with_colon": ('api_key = "ab:cd1234"', "Invalid API key", "api_key"),
    "api_key_dot_dot": ('api_key = ".."', "Invalid API key", "api_key"),
    "pem_that_is_no_certificate": (f'ca_cert_pem = "{GARBAGE_PEM}"', "Not a PEM certificate", "ca_cert_pem"),
}


@pytest.mark.parametrize("case", sorted(PROVIDER_CASES))
def test_provider_block_values_the_client_would_refuse_fail_validate_at_their_attribute(tf, case):
    line, summary, attribute = PROVIDER_CASES[case]
    tf.write("main.tf", h.PROVIDER_BLOCK + f'provider "vonage" {{\n  {line}\n}}\ndata "vonage_balance" "b" {{}}\n')
    doc = tf.run("validate", "-json").json()
    assert not doc["valid"], doc
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert [d["summary"] for d in errors] == [summary], errors
    assert errors[0]["snippet"]["code"].strip().startswith(attribute), errors[0]
    assert "pass" not in errors[0]["detail"] and "debug=1" not in errors[0]["detail"], "never quoted"


def test_provider_values_from_the_environment_are_refused_naming_the_variable(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.env["VONAGE_API_URL"] = sandbox.url.replace("http://", "http://user:pass@")
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\ndata "vonage_balance" "b" {}\n')
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    assert result.says("Invalid VONAGE_API_URL") and result.says("must not carry credentials"), result.explain()
    assert not result.says("Could not set up the Vonage client") and not result.says("user:pass"), result.explain()


def test_missing_credentials_name_the_attribute_and_the_environment_variable(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.env.pop("VONAGE_API_KEY")
    tf.env.pop("VONAGE_API_SECRET")
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\ndata "vonage_balance" "b" {}\n')
    result = tf.run("plan")
    assert result.rc == 1
    for needle in ("Missing Vonage API key", "VONAGE_API_KEY", "Missing Vonage API secret", "VONAGE_API_SECRET"):
        assert result.says(needle), result.explain()
    assert "panic" not in result.stderr.lower()


def test_wrong_credentials_are_one_error_for_the_provider_block(tf, sandbox):
    """Refused credentials are one error, worded once, whatever the configuration holds: they are checked when the
    provider is configured, not met by every resource in its own way."""
    tf.env.update(sandbox.provider_env)
    tf.env["VONAGE_API_SECRET"] = "Wrong0Secret"
    tf.write("main.tf", h.PROVIDER_BLOCK + """provider "vonage" {}
data "vonage_balance" "b" {}
data "vonage_api_secrets" "s" {}
resource "vonage_subaccount" "team" {
  count = 2
  name  = "team-${count.index}"
}
resource "vonage_account_settings" "this" {
  mo_callback_url = "https://example.com/mo"
}
""")
    result = tf.run("plan", "-json")
    assert result.rc == 1, result.explain()
    errors = [line["diagnostic"] for line in result.json_lines()
              if line.get("type") == "diagnostic" and line["diagnostic"]["severity"] == "error"]
    assert len(errors) == 1, [e["summary"] for e in errors]
    d = errors[0]
    assert d["summary"] == "Vonage refused the provider's credentials", d
    assert ".." not in d["detail"] and d["detail"].count("Check `api_key`") == 1, d["detail"]
    assert "(You did not provide correct credentials)" in d["detail"], d["detail"]
    assert "Wrong0Secret" not in result.stderr + result.stdout


def test_a_transient_failure_of_the_credential_check_is_not_kept(tf, sandbox):
    """The check at configure meets a 503 (no retries here): configuration goes on, and the plans that need the
    check ask again instead of failing every create with the kept failure."""
    tf.env.update(sandbox.provider_env)
    resp = sandbox._request("POST", "/_sandbox/faults", {"route": "GET /accounts/*/subaccounts", "kind": "status",
                                                         "status": 503, "count": 1})
    assert resp.status in (200, 201), resp
    tf.write("main.tf", h.PROVIDER_BLOCK + """provider "vonage" {
  retry_max_seconds = 0
}
resource "vonage_subaccount" "team" {
  count = 3
  name  = "team-${count.index}"
}
""")
    sandbox.clear_calls()
    plan = tf.run("plan")
    assert plan.rc == 0 and plan.says("3 to add"), plan.explain()
    statuses = [c["status"] for c in sandbox.calls() if c["path"].endswith("/subaccounts")]
    assert statuses[:2] == [503, 200], statuses


def test_a_new_secret_needs_a_value(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\nresource "vonage_api_secret" "x" {}\n')
    result = tf.run("plan")
    assert result.rc == 1 and result.says("No value for the new API secret"), result.explain()


def test_giving_up_an_own_balance_is_refused_at_plan_time(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    config = h.PROVIDER_BLOCK + 'provider "vonage" {}\nresource "vonage_subaccount" "s" {\n  name = "own"\n  use_primary_account_balance = %s\n}\n'
    tf.write("main.tf", config % "false")
    tf.run("apply", "-auto-approve").ok()
    tf.write("main.tf", config % "true")
    result = tf.run("plan")
    assert result.rc == 1 and result.says("cannot be given up"), result.explain()


def test_a_path_in_api_url_points_at_api_url_not_at_a_missing_account(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.env["VONAGE_API_URL"] = sandbox.url + "/v2"
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\ndata "vonage_api_secrets" "s" {}\n')
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    assert result.says("Vonage's API is not at `api_url`") and result.says("VONAGE_API_URL"), result.explain()
    assert result.says("without a path of its own such as `/v2`"), result.explain()
    assert not result.says("removed outside Terraform"), result.explain()


def test_a_path_in_the_blocks_api_url_is_reported_at_that_attribute(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    del tf.env["VONAGE_API_URL"]
    tf.write("main.tf", h.PROVIDER_BLOCK + f'provider "vonage" {{\n  api_url = "{sandbox.url}/v2"\n}}\n'
             'data "vonage_api_secrets" "s" {}\n')
    result = tf.run("plan", "-json")
    assert result.rc == 1, result.explain()
    errors = [line["diagnostic"] for line in result.json_lines()
              if line.get("type") == "diagnostic" and line["diagnostic"].get("severity") == "error"]
    assert [e["summary"] for e in errors] == ["Vonage's API is not at `api_url`"], errors
    # Terraform shows the attribute's own line, which it finds only from the diagnostic's attribute path.
    assert "api_url" in errors[0]["snippet"]["code"], errors[0]
