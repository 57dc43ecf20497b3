"""Request-level debug logs: with TF_LOG=debug every RPC the provider serves is logged once, with its name, the
type it concerns and its duration, and never with a value from configuration; and every line the provider logs
says what caused it: the RPC being served (`tf_rpc`, `tf_req_id`, the type key), or else the process's phase
(`tf_phase`)."""

from __future__ import annotations

import re

import tfharness as h

PROVIDER_LINE = "provider.terraform-provider-vonage"

# A provider line in Terraform's log: `<time> [DEBUG] provider.terraform-provider-vonage: <message>: k=v k="v w"`.
# Terraform prints the provider's JSON keys in no fixed order.
VALUE = r'"(?:[^"\\]|\\.)*"|\S*'
FIELD = re.compile(rf"([\w@.-]+)=({VALUE})")
LOGGED = re.compile(rf"\[\w+\]\s+provider\.terraform-provider-vonage: (.*?): ((?:[\w@.-]+=(?:{VALUE})\s*)+)$")

# The log key naming the type an RPC is about, as `session.rs` names it.
TYPE_KEYS = {
    "tf_resource_type": {"ValidateResourceConfig", "UpgradeResourceState", "ReadResource", "PlanResourceChange",
                         "ApplyResourceChange", "ImportResourceState"},
    "tf_data_source_type": {"ValidateDataResourceConfig", "ReadDataSource"},
}
PHASES = {"startup", "serving", "shutdown"}


def test_every_rpc_is_logged_with_its_type_and_duration_and_no_value(tf, sandbox, tmp_path):
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

variable "first_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_subaccount" "logged" {
  name      = "logged-subaccount"
  secret_wo = var.first_secret
}

data "vonage_balance" "b" {}
""")
    log = tmp_path / "terraform.log"
    env = {"TF_LOG": "DEBUG", "TF_LOG_PATH": str(log), "TF_VAR_first_secret": secret}
    tf.run("apply", "-auto-approve", env=env).ok()
    lines = [line for line in log.read_text().splitlines() if PROVIDER_LINE in line]
    served = [line for line in lines if "Served request" in line]

    rpcs = {m.group(1) for line in served if (m := re.search(r"tf_rpc=(\w+)", line))}
    for rpc in ("GetProviderSchema", "ValidateProviderConfig", "ConfigureProvider", "ValidateResourceConfig",
                "PlanResourceChange", "ApplyResourceChange", "ReadDataSource"):
        assert rpc in rpcs, f"{rpc} not logged; logged: {sorted(rpcs)}"
    for line in served:
        assert re.search(r"tf_req_duration_ms=\d+", line), line
        if "tf_rpc=PlanResourceChange" in line or "tf_rpc=ApplyResourceChange" in line:
            assert "tf_resource_type=vonage_subaccount" in line, line
        if "tf_rpc=ReadDataSource" in line:
            assert "tf_data_source_type=vonage_balance" in line, line
    assert len([line for line in served if "tf_rpc=ApplyResourceChange" in line]) == 1, "logged once per RPC"

    for value in (secret, sandbox.api_secret, "logged-subaccount"):
        leaked = [line for line in lines if value in line]
        assert not leaked, f"a configuration value reached the provider's log: {leaked[:2]}"


def test_tf_log_provider_logs_the_provider_alone(tf, sandbox, tmp_path):
    """The provider page's promise: TF_LOG_PROVIDER=debug shows the provider's request lines without Terraform's
    own debug output."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n\ndata "vonage_balance" "b" {}\n')
    log = tmp_path / "provider-only.log"
    tf.run("plan", env={"TF_LOG": "", "TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(log)}).ok()
    text = log.read_text()
    assert re.search(r"Vonage API request: .*path=/account/get-balance", text), text[-2000:]
    assert "request_id=" in text
    assert "ReferenceTransformer" not in text, "Terraform's own debug lines are not switched on"


def provider_lines(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each provider line of a Terraform log, as (message, fields); a line that does not parse fails the test."""
    parsed = []
    for line in text.splitlines():
        if PROVIDER_LINE not in line:
            continue
        m = LOGGED.search(line)
        assert m, f"a provider line that is not the provider's own JSON log line: {line}"
        parsed.append((m.group(1), {k: v.strip('"') for k, v in FIELD.findall(m.group(2))}))
    return parsed


def test_every_provider_line_names_its_cause(tf, sandbox, tmp_path):
    """TF_LOG_PROVIDER=debug, as the provider page advises: each Vonage request line names the RPC that made it,
    the call (`tf_req_id`, the id of that RPC's "Served request" line) and the type it was about; the lines match
    the sandbox's call log one for one; every other line names an RPC or the process's phase."""
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

variable "new_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_api_secret" "caused" {
  secret_wo         = var.new_secret
  secret_wo_version = 1
}

resource "vonage_subaccount" "caused" {
  name      = "caused-subaccount"
  secret_wo = var.new_secret
}

data "vonage_balance" "b" {}
""")
    log = tmp_path / "provider-only.log"
    env = {"TF_LOG": "", "TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(log), "TF_VAR_new_secret": secret}
    tf.run("apply", "-auto-approve", env=env).ok()
    text = log.read_text()
    lines = provider_lines(text)

    served = [f for message, f in lines if message == "Served request"]
    calls = {(f["tf_rpc"], f["tf_req_id"]): f for f in served}
    assert len({f["tf_req_id"] for f in served}) == len(served), "each call has an id of its own"
    requests = [f for message, f in lines if message == "Vonage API request"]
    assert requests, text[-2000:]
    for f in requests:
        rpc = f.get("tf_rpc")
        assert rpc and f.get("tf_req_id"), f"a request line without its RPC's context: {f}"
        call = calls.get((rpc, f["tf_req_id"]))
        assert call, f"a request line whose tf_req_id is no served call of {rpc}: {f}"
        if rpc == "ConfigureProvider":
            # The credential check: the provider block's call, which no resource or data source type owns.
            continue
        key = next((k for k, rpcs in TYPE_KEYS.items() if rpc in rpcs), None)
        assert key and f.get(key), f"a request line without its type: {f}"
        assert call[key] == f[key], (call, f)

    def made_by(method: str, path: str) -> set[tuple[str, str]]:
        return {(f["tf_rpc"], f.get("tf_resource_type") or f.get("tf_data_source_type"))
                for f in requests if f["method"] == method and f["path"] == path}

    key = sandbox.api_key
    assert made_by("POST", f"/accounts/{key}/subaccounts") == {("ApplyResourceChange", "vonage_subaccount")}
    assert made_by("POST", f"/accounts/{key}/secrets") == {("ApplyResourceChange", "vonage_api_secret")}
    assert made_by("GET", "/account/get-balance") == {("ReadDataSource", "vonage_balance")}

    # One line per request the sandbox served, with the X-Request-Id it answered with.
    api_calls = [c for c in sandbox.calls() if not c["path"].startswith("/_sandbox")]
    assert sorted(f.get("request_id") for f in requests) == sorted(c["request_id"] for c in api_calls), \
        (requests, api_calls)

    for message, f in lines:
        in_rpc = "tf_rpc" in f and "tf_req_id" in f
        assert in_rpc != ("tf_phase" in f), f"a line that names no cause, or two: {message}: {f}"
        assert in_rpc or f["tf_phase"] in PHASES, f"an unknown phase: {message}: {f}"
    phases = {f["tf_phase"] for _, f in lines if "tf_phase" in f}
    assert {"startup", "shutdown"} <= phases, phases

    for value in (secret, sandbox.api_secret, "caused-subaccount"):
        assert value not in text, "a configuration value reached the provider's log"
