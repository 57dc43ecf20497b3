"""vonage_account_settings end to end: real Terraform, the real provider, the real sandbox over HTTP."""

from __future__ import annotations

import pytest

import tfharness as h


def settings_config(mo: str | None, dr: str | None, extra: str = "") -> str:
    lines = []
    if mo is not None:
        lines.append(f'  mo_callback_url = "{mo}"')
    if dr is not None:
        lines.append(f'  dr_callback_url = "{dr}"')
    body = "\n".join(lines)
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_account_settings" "this" {{
{body}
{extra}
}}
"""


def post_form(sandbox: h.Sandbox, path: str, fields: dict) -> int:
    """A form POST with the primary's Basic credentials, as the dashboard or another tool would make."""
    import base64
    import urllib.parse
    import urllib.request

    req = urllib.request.Request(sandbox.url + path, data=urllib.parse.urlencode(fields).encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    token = base64.b64encode(f"{sandbox.api_key}:{sandbox.api_secret}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status


def remote_settings(sandbox: h.Sandbox) -> dict:
    resp = sandbox.api("POST", "/account/settings")
    assert resp.status == 200, resp
    return resp.body


def test_create_update_drift_import_and_destroy(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    mo, dr, mo2, elsewhere = (sandbox.callback_url(name) for name in ("mo", "dr", "mo2", "elsewhere"))
    tf.write("main.tf", settings_config(mo, dr))
    tf.run("apply", "-auto-approve").ok()
    assert remote_settings(sandbox)["mo-callback-url"] == mo
    assert remote_settings(sandbox)["dr-callback-url"] == dr

    # Create, then a plan that is empty.
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    state = tf.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]
    assert state["id"] == sandbox.api_key
    assert state["max_calls_per_second"] == 30

    # Update in place.
    tf.write("main.tf", settings_config(mo2, None))
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 2 and plan.says("update in-place"), plan.explain()
    tf.run("apply", "-auto-approve").ok()
    remote = remote_settings(sandbox)
    assert remote["mo-callback-url"] == mo2
    assert not remote.get("dr-callback-url"), "a URL left out of the configuration is unset"

    # Drift: someone changes the URL in the dashboard; the next plan shows it and apply repairs it.
    assert post_form(sandbox, "/account/settings", {"moCallBackUrl": elsewhere}) == 200
    drift = tf.run("plan", "-detailed-exitcode")
    assert drift.rc == 2 and drift.says(elsewhere), drift.explain()
    tf.run("apply", "-auto-approve").ok()
    assert remote_settings(sandbox)["mo-callback-url"] == mo2

    # Import-verify: a fresh working directory imports by api key and plans no change.
    fresh = h.new_terraform(tf.binary, tf.scratch / "import", None)
    fresh.cli_config = tf.cli_config  # the same dev_overrides
    fresh.env.update(sandbox.provider_env)
    fresh.write("main.tf", settings_config(mo2, None))
    fresh.run("import", "vonage_account_settings.this", sandbox.api_key).ok()
    assert fresh.run("plan", "-detailed-exitcode").rc == 0
    imported = fresh.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]
    assert imported["mo_callback_url"] == mo2
    assert imported["dr_callback_url"] is None

    # Destroy unsets both URLs (check-destroy against the sandbox's state).
    tf.run("destroy", "-auto-approve").ok()
    remote = remote_settings(sandbox)
    assert not remote.get("mo-callback-url") and not remote.get("dr-callback-url")


def test_import_refuses_another_accounts_key_with_an_explanation(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", settings_config(sandbox.callback_url("mo"), None))
    result = tf.run("import", "vonage_account_settings.this", "zzzz9999")
    assert result.rc == 1
    assert result.says("acts only on the account whose credentials make the call"), result.explain()


def test_a_bad_url_is_refused_at_plan_time_with_its_attribute(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", settings_config("not a url", "ftp://example.com/x"))
    result = tf.run("validate", "-json")
    doc = result.json()
    assert not doc["valid"]
    found = {d["snippet"]["code"].split("=")[0].strip() for d in doc["diagnostics"] if d.get("snippet")}
    assert {"mo_callback_url", "dr_callback_url"} <= found, doc
    assert all(d["summary"] == "Invalid callback URL" for d in doc["diagnostics"] if d["severity"] == "error")
    assert "panic" not in result.stderr.lower()
    # Nothing reached the API.
    assert not [c for c in sandbox.calls() if "settings" in str(c)]


def test_a_timeouts_block_bounds_an_operation(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    held = sandbox._request("POST", "/_sandbox/faults",
                            {"route": "POST /account/settings", "kind": "latency", "latency_ms": 8000, "count": 1})
    assert held.status in (200, 201), held
    tf.write("main.tf", settings_config(sandbox.callback_url("mo"), None, extra='  timeouts {\n    create = "1s"\n  }'))
    result = tf.run("apply", "-auto-approve")
    assert result.rc == 1, result.explain()
    assert result.says("Timed out creating vonage_account_settings") and result.says("timeouts"), result.explain()


@pytest.mark.min_terraform("1.12")
def test_import_by_identity(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", settings_config(sandbox.callback_url("mo"), None) + f"""
import {{
  to = vonage_account_settings.this
  identity = {{
    api_key = "{sandbox.api_key}"
  }}
}}
""")
    tf.run("apply", "-auto-approve").ok()
    resource = tf.json("show", "-json")["values"]["root_module"]["resources"][0]
    assert resource["values"]["id"] == sandbox.api_key
    assert resource.get("identity") == {"api_key": sandbox.api_key}, resource
    assert remote_settings(sandbox)["mo-callback-url"] == sandbox.callback_url("mo")
