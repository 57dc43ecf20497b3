"""Request-level debug logs: with TF_LOG=debug every RPC the provider serves is logged once, with its name, the
type it concerns and its duration, and never with a value from configuration."""

from __future__ import annotations

import re

import tfharness as h

PROVIDER_LINE = "provider.terraform-provider-vonage"


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
