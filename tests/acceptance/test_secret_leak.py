"""The secret never lands in Terraform's logs (TF_LOG=trace, provider included), the plan JSON or the state,
when `secret_wo` is fed from an ephemeral variable as the examples do."""

from __future__ import annotations

import base64
import re

import tfharness as h

CONFIG = h.PROVIDER_BLOCK + """
provider "vonage" {}

variable "new_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_api_secret" "this" {
  secret_wo         = var.new_secret
  secret_wo_version = 1
}

resource "vonage_subaccount" "team" {
  name      = "leak-check"
  secret_wo = var.new_secret
}
"""


def test_secrets_appear_nowhere(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    log = tf.scratch / "terraform-trace.log"
    env = {"TF_VAR_new_secret": secret, "TF_LOG": "trace", "TF_LOG_PATH": str(log)}
    tf.write("main.tf", CONFIG)
    tf.run("plan", "-out=tfplan", env=env).ok()
    plan_json = tf.run("show", "-json", "tfplan", env=env).ok().stdout
    tf.run("apply", "-auto-approve", "tfplan", env=env).ok()
    tf.run("plan", "-detailed-exitcode", env=env)
    state = (tf.workdir / "terraform.tfstate").read_text()
    logs = log.read_text(errors="replace")
    assert "vonage" in logs and "provider" in logs, "the trace log really covers the provider"
    provider_secret = sandbox.api_secret
    for name, text in {"trace log": logs, "plan JSON": plan_json, "state": state}.items():
        assert secret not in text, f"the write-only secret leaked into the {name}"
        assert provider_secret not in text, f"the provider's own secret leaked into the {name}"
    # And the secret really was used: it authenticates against the sandbox.
    assert sandbox._request("GET", "/account/get-balance", auth=(sandbox.api_key, secret)).status == 200


def test_trace_logs_show_every_vonage_request_and_no_secret(tf, sandbox):
    """TF_LOG=trace: a line per Vonage request (method, path, status, attempt, duration), the wait before a
    retry, an error answer's body; and no secret used in the run, neither as text nor inside a Basic
    `Authorization` header."""
    tf.env.update(sandbox.provider_env)
    secret = h.strong_secret()
    resp = sandbox._request("POST", "/_sandbox/faults",
                            {"route": "GET /account/get-balance", "kind": "status", "status": 503, "count": 1})
    assert resp.status in (200, 201), resp
    log = tf.scratch / "terraform-trace.log"
    env = {"TF_VAR_new_secret": secret, "TF_LOG": "trace", "TF_LOG_PATH": str(log)}
    tf.write("main.tf", CONFIG + 'data "vonage_balance" "b" {}\n')
    tf.run("apply", "-auto-approve", env=env).ok()
    tf.run("destroy", "-auto-approve", env=env).ok()
    logs = log.read_text(errors="replace")

    requests = [line for line in logs.splitlines() if "Vonage API request:" in line]
    served = [c for c in sandbox.calls() if not c["path"].startswith("/_sandbox")]
    assert len(requests) == len(served), (len(requests), len(served))
    for method, path in [("POST", f"/accounts/{sandbox.api_key}/secrets"),
                         ("POST", f"/accounts/{sandbox.api_key}/subaccounts"),
                         ("GET", "/account/get-balance")]:
        mine = [line for line in requests if f"method={method}" in line and f"path={path}" in line]
        assert mine, f"no log line for {method} {path}"
        assert all(f in mine[0] for f in ("status=", "attempt=", "duration_ms=")), mine[0]
    assert any("path=/account/get-balance" in line and "status=503" in line and "attempt=1" in line
               for line in requests)
    assert any("path=/account/get-balance" in line and "status=200" in line and "attempt=2" in line
               for line in requests)
    assert "Vonage API request will be retried" in logs and "wait_ms=" in logs
    # Each line carries Vonage's X-Request-Id, the one the sandbox logged for that request.
    logged_ids = [m.group(1) for line in requests if (m := re.search(r"request_id=(\S+)", line))]
    assert sorted(logged_ids) == sorted(c["request_id"] for c in served), (logged_ids, served)
    assert "Vonage API error body" in logs and "503" in logs

    auth_forms = {s: base64.b64encode(f"{sandbox.api_key}:{s}".encode()).decode()
                  for s in (sandbox.api_secret, secret)}
    for value in (sandbox.api_secret, secret):
        assert value not in logs, "a secret value reached the trace log"
        assert auth_forms[value] not in logs, "a Basic Authorization header reached the trace log"
