"""A table of invalid configurations, for the provider block and every resource, data source and ephemeral resource,
run under the pinned Terraform against the sandbox: each must fail with an error diagnostic that points at the
attribute (Terraform shows its config line as the diagnostic's snippet), and no run may crash the provider.

Kinds of bad input: wrong types, out-of-range numbers (an infinity among them: Terraform gives `1/0` as +Inf),
fractional numbers where whole ones are expected, empty strings, over-long names, weak secrets, bad URLs, bad
timeouts, values unknown at plan time that turn out invalid, conflicting arguments, and read-only attributes set.

test_bad_inputs.py holds the cases that also check the exact wording and that no secret is echoed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import tfharness as h

# What a provider crash looks like from Terraform's side; none of it may ever appear.
CRASH_SIGNS = ("Plugin did not respond", "panic", "Request cancelled", "plugin exited", "crashed")

DEFAULT_PROVIDER = 'provider "vonage" {}\n'
# terraform_data's output is unknown until apply: a value that is only known to be bad then.
LATER = 'resource "terraform_data" "later" {\n  input = %s\n}\n'


@dataclass(frozen=True)
class Case:
    config: str  # resources, data sources, ephemeral resources (and any terraform_data they use)
    attribute: str  # the name the failing line starts with
    summary: str | None = None  # the diagnostic's summary, where the check exists with a fixed wording
    provider: str = DEFAULT_PROVIDER
    phase: str = "plan"  # "plan" (validate + plan) or "apply" (the value is unknown until then)


def res(kind: str, body: str) -> str:
    return f'resource "{kind}" "x" {{\n{body}\n}}\n'


def data(kind: str, body: str) -> str:
    return f'data "{kind}" "x" {{\n{body}\n}}\n'


def eph(body: str) -> str:
    return f'ephemeral "vonage_generated_secret" "x" {{\n{body}\n}}\n'


def prov(body: str) -> str:
    return f'provider "vonage" {{\n{body}\n}}\n'


SETTINGS_OK = res("vonage_account_settings", '  http_forward_method = "POST_JSON"')
LONG_NAME = "n" * 81
TYPE_ERROR = "Incorrect attribute value type"
READ_ONLY = "Invalid Configuration for Read-Only Attribute"
EMPTY = "Empty string not allowed"
WHOLE = "Not a whole number"
OUT_OF_RANGE = "Value out of range"

CASES: dict[str, Case] = {
    # The provider block.
    "provider/max_retries wrong type": Case(SETTINGS_OK, "max_retries", TYPE_ERROR, prov('  max_retries = "three"')),
    "provider/max_retries out of range": Case(SETTINGS_OK, "max_retries", OUT_OF_RANGE, prov("  max_retries = 101")),
    "provider/max_retries negative": Case(SETTINGS_OK, "max_retries", OUT_OF_RANGE, prov("  max_retries = -1")),
    "provider/max_retries fractional": Case(SETTINGS_OK, "max_retries", WHOLE, prov("  max_retries = 2.5")),
    "provider/max_retries infinite": Case(SETTINGS_OK, "max_retries", None, prov("  max_retries = 1/0")),
    "provider/retry_max_seconds negative": Case(SETTINGS_OK, "retry_max_seconds", OUT_OF_RANGE,
                                                prov("  retry_max_seconds = -1")),
    "provider/request_timeout_seconds zero": Case(SETTINGS_OK, "request_timeout_seconds", OUT_OF_RANGE,
                                                  prov("  request_timeout_seconds = 0")),
    "provider/request_timeout_seconds huge": Case(SETTINGS_OK, "request_timeout_seconds", OUT_OF_RANGE,
                                                  prov("  request_timeout_seconds = 1e30")),
    "provider/rate_limit_per_second negative": Case(SETTINGS_OK, "rate_limit_per_second", OUT_OF_RANGE,
                                                    prov("  rate_limit_per_second = -1")),
    "provider/api_url bad scheme": Case(SETTINGS_OK, "api_url", "Invalid URL", prov('  api_url = "ftp://example.com"')),
    "provider/rest_url not a URL": Case(SETTINGS_OK, "rest_url", "Invalid URL", prov('  rest_url = "example dot com"')),
    "provider/api_url empty": Case(SETTINGS_OK, "api_url", None, prov('  api_url = ""')),
    "provider/api_key empty": Case(SETTINGS_OK, "api_key", EMPTY, prov('  api_key = ""')),
    "provider/api_key dot segment": Case(SETTINGS_OK, "api_key", "Invalid API key", prov('  api_key = "%2e"')),
    "provider/api_secret empty": Case(SETTINGS_OK, "api_secret", EMPTY, prov('  api_secret = ""')),
    "provider/ca_cert_pem not PEM": Case(SETTINGS_OK, "ca_cert_pem", "Not a PEM certificate",
                                         prov('  ca_cert_pem = "hello"')),
    "provider/max_retries unknown then out of range": Case(
        SETTINGS_OK + LATER % "101", "max_retries", OUT_OF_RANGE,
        prov("  max_retries = terraform_data.later.output"), phase="apply"),
    # vonage_account_settings
    "account_settings/mo_callback_url not a URL": Case(
        res("vonage_account_settings", '  mo_callback_url = "not a url"'), "mo_callback_url", "Invalid callback URL"),
    "account_settings/dr_callback_url wrong type": Case(
        res("vonage_account_settings", '  dr_callback_url = ["https://example.com"]'), "dr_callback_url", TYPE_ERROR),
    "account_settings/mo_callback_url empty": Case(
        res("vonage_account_settings", '  mo_callback_url = ""'), "mo_callback_url", None),
    "account_settings/http_forward_method unknown value": Case(
        res("vonage_account_settings", '  http_forward_method = "CARRIER_PIGEON"'), "http_forward_method",
        "Invalid webhook method"),
    "account_settings/http_forward_method bad once known": Case(
        res("vonage_account_settings", "  http_forward_method = terraform_data.later.output")
        + LATER % '"CARRIER_PIGEON"', "http_forward_method", "Invalid webhook method", phase="apply"),
    "account_settings/timeout not a duration": Case(
        res("vonage_account_settings", '  timeouts {\n    create = "soon"\n  }'), "create", "Invalid timeout"),
    "account_settings/timeout negative": Case(
        res("vonage_account_settings", '  timeouts {\n    update = "-5m"\n  }'), "update", "Invalid timeout"),
    "account_settings/timeout beyond any duration": Case(
        res("vonage_account_settings", '  timeouts {\n    delete = "99999999999999999999h"\n  }'), "delete",
        "Invalid timeout"),
    "account_settings/timeout wrong type": Case(
        res("vonage_account_settings", "  timeouts {\n    create = [1]\n  }"), "create", TYPE_ERROR),
    "account_settings/read-only max_calls_per_second": Case(
        res("vonage_account_settings", "  max_calls_per_second = 5"), "max_calls_per_second", READ_ONLY),
    "account_settings/read-only id": Case(res("vonage_account_settings", '  id = "abcd1234"'), "id", READ_ONLY),
    # vonage_api_secret
    "api_secret/weak secret_wo": Case(
        res("vonage_api_secret", '  secret_wo = "alllowercase1"\n  secret_wo_version = 1'), "secret_wo",
        "API secret too weak for Vonage"),
    "api_secret/over-long secret_wo": Case(
        res("vonage_api_secret", f'  secret_wo = "Ab1{"x" * 30}"\n  secret_wo_version = 1'), "secret_wo",
        "API secret too weak for Vonage"),
    "api_secret/empty secret": Case(res("vonage_api_secret", '  secret = ""'), "secret", None),
    "api_secret/conflicting secrets": Case(
        res("vonage_api_secret", '  secret_wo = "Abcdefgh1"\n  secret = "Abcdefgh2"'), "secret",
        "Conflicting secret arguments"),
    "api_secret/secret_wo_version fractional": Case(
        res("vonage_api_secret", '  secret_wo = "Abcdefgh1"\n  secret_wo_version = 1.5'), "secret_wo_version",
        WHOLE),
    "api_secret/secret_wo_version wrong type": Case(
        res("vonage_api_secret", '  secret_wo = "Abcdefgh1"\n  secret_wo_version = "one"'), "secret_wo_version",
        TYPE_ERROR),
    "api_secret/api_key empty": Case(
        res("vonage_api_secret", '  api_key = ""\n  secret_wo = "Abcdefgh1"\n  secret_wo_version = 1'), "api_key",
        EMPTY),
    "api_secret/read-only created_at": Case(
        res("vonage_api_secret", '  secret_wo = "Abcdefgh1"\n  created_at = "yesterday"'), "created_at", READ_ONLY),
    "api_secret/weak secret once known": Case(
        res("vonage_api_secret", "  secret = terraform_data.later.output") + LATER % '"weaksecretvalue"', "secret",
        "API secret too weak for Vonage", phase="apply"),
    # vonage_subaccount
    "subaccount/name empty": Case(res("vonage_subaccount", '  name = ""'), "name", None),
    "subaccount/name over-long": Case(res("vonage_subaccount", f'  name = "{LONG_NAME}"'), "name",
                                      "Invalid subaccount name"),
    "subaccount/name wrong type": Case(res("vonage_subaccount", '  name = { a = "b" }'), "name", TYPE_ERROR),
    "subaccount/weak secret_wo": Case(res("vonage_subaccount", '  name = "team"\n  secret_wo = "short1A"'),
                                      "secret_wo", "API secret too weak for Vonage"),
    "subaccount/use_primary_account_balance wrong type": Case(
        res("vonage_subaccount", '  name = "team"\n  use_primary_account_balance = "maybe"'),
        "use_primary_account_balance", TYPE_ERROR),
    "subaccount/read-only balance": Case(res("vonage_subaccount", '  name = "team"\n  balance = 10'), "balance", READ_ONLY),
    "subaccount/name over-long once known": Case(
        res("vonage_subaccount", "  name = terraform_data.later.output") + LATER % f'"{LONG_NAME}"', "name",
        "Invalid subaccount name", phase="apply"),
    # Data sources
    "balance/api_key empty": Case(data("vonage_balance", '  api_key = ""'), "api_key", EMPTY),
    "balance/api_key wrong type": Case(data("vonage_balance", '  api_key = ["abcd1234"]'), "api_key", TYPE_ERROR),
    "balance/read-only value": Case(data("vonage_balance", "  value = 10"), "value", READ_ONLY),
    "api_secrets/api_key empty": Case(data("vonage_api_secrets", '  api_key = ""'), "api_key", EMPTY),
    "subaccount data/api_key empty": Case(data("vonage_subaccount", '  api_key = ""'), "api_key", EMPTY),
    "api_secrets/api_key dot segment": Case(data("vonage_api_secrets", '  api_key = ".."'), "api_key",
                                            "Not a usable name"),
    "api_secret/api_key dot segment": Case(
        res("vonage_api_secret", '  api_key = "."\n  secret_wo = "Abcdefgh1"\n  secret_wo_version = 1'), "api_key",
        "Not a usable name"),
    "subaccount_number/api_key dot segment": Case(
        res("vonage_subaccount_number", '  api_key = ".."\n  number = "447700900001"\n  country = "GB"'), "api_key",
        "Not a usable name"),
    "api_secrets/read-only secrets": Case(data("vonage_api_secrets", "  secrets = []"), "secrets", READ_ONLY),
    "subaccounts/read-only total_balance": Case(data("vonage_subaccounts", "  total_balance = 1"), "total_balance",
                                                READ_ONLY),
    # The ephemeral resource
    "generated_secret/length too short": Case(eph("  length = 7"), "length", OUT_OF_RANGE),
    "generated_secret/length too long": Case(eph("  length = 26"), "length", OUT_OF_RANGE),
    "generated_secret/length fractional": Case(eph("  length = 10.5"), "length", WHOLE),
    "generated_secret/length infinite": Case(eph("  length = 1/0"), "length", WHOLE),
    "generated_secret/length wrong type": Case(eph('  length = "twenty"'), "length", TYPE_ERROR),
    "generated_secret/read-only value": Case(eph('  value = "Abcdefgh1"'), "value", READ_ONLY),
}


@pytest.fixture
def tf15(provider_dir, tmp_path) -> h.Terraform:
    """The pinned Terraform only: the corpus is about the provider's answers, not about Terraform versions."""
    pinned = next((b for b in h.terraform_binaries() if b.path == h.VENV_TERRAFORM), None)
    h.require(pinned and pinned.version == h.PINNED_TERRAFORM,
              f"Terraform {h.PINNED_TERRAFORM} missing at {h.VENV_TERRAFORM}: run scripts/setup.sh")
    return h.new_terraform(pinned, tmp_path, provider_dir)


def error_diagnostics(result: h.Result) -> list[dict]:
    return [line["diagnostic"] for line in result.json_lines()
            if line.get("type") == "diagnostic" and line["diagnostic"].get("severity") == "error"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_an_error_at_its_attribute_and_never_a_crash(tf15, sandbox, name):
    case = CASES[name]
    tf15.env.update(sandbox.provider_env)
    tf15.write("main.tf", h.PROVIDER_BLOCK + case.provider + case.config)
    if case.phase == "apply":
        plan = tf15.run("plan", "-json")
        assert plan.rc == 0, f"{name}: the value is unknown at plan time, so the plan passes\n{plan.explain()}"
        result = tf15.run("apply", "-auto-approve", "-json")
    else:
        result = tf15.run("plan", "-json")
    for sign in CRASH_SIGNS:
        assert sign.lower() not in (result.stdout + result.stderr).lower(), f"{name}: {sign!r}\n{result.explain()}"
    assert result.rc == 1, f"{name}: not refused\n{result.explain()}"
    errors = error_diagnostics(result)
    assert errors, f"{name}: no error diagnostic\n{result.explain()}"
    at_attribute = [d for d in errors if d.get("snippet", {}).get("code", "").strip().startswith(case.attribute)]
    shown = [(d["summary"], d.get("snippet", {}).get("code", "").strip()) for d in errors]
    assert at_attribute, f"{name}: no error points at `{case.attribute}`: {shown}"
    d = at_attribute[0]
    assert d["summary"] and d["detail"], f"{name}: {d}"
    assert not d["summary"].startswith("Provider bug"), f"{name}: a user's mistake is not a provider bug: {d}"
    if case.summary:
        assert any(x["summary"] == case.summary for x in at_attribute), f"{name}: {shown}"
