"""Operator trust under real Terraform: plans that cannot brick themselves, diagnostics that name the URL tried
and the attribute at fault, and the way out of every refusal."""

from __future__ import annotations

import socket

import tfharness as h

SUBACCOUNT_WITH_ALIAS = h.PROVIDER_BLOCK + """
variable "team_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "vonage" {}

resource "vonage_subaccount" "team" {
  name      = "team"
  secret_wo = var.team_secret
}

provider "vonage" {
  alias      = "team"
  api_key    = vonage_subaccount.team.api_key
  api_secret = var.team_secret
}

resource "vonage_account_settings" "team" {
  provider        = vonage.team
  mo_callback_url = "CALLBACK_URL"
}
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_suspended_subaccount_does_not_brick_the_plan(tf, sandbox):
    """The documented pattern: a subaccount's callbacks set through a provider alias with its credentials. When
    the subaccount is suspended out of band, its own credentials are refused; the plan still works, warns, and
    plans the reactivation that fixes it."""
    tf.env.update(sandbox.provider_env)
    env = {"TF_VAR_team_secret": h.strong_secret()}
    tf.write("main.tf", SUBACCOUNT_WITH_ALIAS.replace("CALLBACK_URL", sandbox.callback_url("team/inbound")))
    tf.run("apply", "-auto-approve", env=env).ok()
    key = next(r for r in tf.json("show", "-json")["values"]["root_module"]["resources"]
               if r["type"] == "vonage_subaccount")["values"]["api_key"]
    assert sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}",
                       json={"suspended": True}).status == 200

    plan = tf.run("plan", "-detailed-exitcode", env=env)
    assert plan.rc == 2, plan.explain()
    assert plan.says(f"Account {key} is suspended"), plan.explain()
    assert plan.says("-target="), plan.explain()
    assert plan.says("~ suspended = true -> false"), plan.explain()

    tf.run("apply", "-auto-approve", env=env).ok()
    assert sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts/{key}").body["suspended"] is False
    assert tf.run("plan", "-detailed-exitcode", env=env).rc == 0


def test_a_closed_port_is_named_with_its_url(tf, sandbox):
    port = closed_port()
    tf.env.update(sandbox.provider_env)
    tf.env.update(VONAGE_API_URL=f"http://127.0.0.1:{port}", VONAGE_REST_URL=f"http://127.0.0.1:{port}")
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {\n  max_retries = 0\n}\ndata "vonage_balance" "b" {}\n')
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    # The data source's read names the URL it tried (configuring the provider tried too, and a refused connection
    # is not retried, nor does it fail configuration: it may be an outage).
    assert result.says(f"http://127.0.0.1:{port}/account/get-balance"), result.explain()
    assert result.says("connection refused"), result.explain()
    assert not result.says("wait and run Terraform again"), result.explain()


def test_an_untrusted_certificate_points_to_ca_cert_pem_which_fixes_it(tf, tmp_path):
    """A TLS sandbox whose certificate nobody trusts yet: the error says so and names the two ways out, and
    both (the `ca_cert_pem` argument and SSL_CERT_FILE) work."""
    cert = tmp_path / "sandbox-ca.pem"
    box = h.Sandbox(h.sandbox_bin(), tmp_path / "tls-sandbox", extra_args=["--tls", "--tls-cert-out", str(cert)])
    try:
        assert box.url.startswith("https://")
        tf.env.update(box.provider_env)
        data = 'data "vonage_balance" "b" {}\noutput "balance" {\n  value = data.vonage_balance.b.value\n}\n'
        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {\n  max_retries = 0\n}\n' + data)
        untrusted = tf.run("plan")
        assert untrusted.rc == 1, untrusted.explain()
        assert untrusted.says("is not trusted") and untrusted.says("ca_cert_pem"), untrusted.explain()
        assert untrusted.says("SSL_CERT_FILE") and untrusted.says(box.url), untrusted.explain()

        tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{
  ca_cert_pem = file("{cert}")
}}
""" + data)
        tf.run("apply", "-auto-approve").ok()
        assert tf.json("output", "-json")["balance"]["value"] is not None

        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + data)
        tf.run("apply", "-auto-approve", env={"SSL_CERT_FILE": str(cert)}).ok()
    finally:
        box.stop()


def test_a_refused_callback_url_points_at_the_attribute(tf, tmp_path):
    box = h.Sandbox(h.sandbox_bin(), tmp_path / "checking-sandbox", extra_args=["--check-callbacks"])
    try:
        tf.env.update(box.provider_env)
        port = closed_port()
        tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_account_settings" "this" {{
  mo_callback_url = "http://127.0.0.1:{port}/not-listening"
}}
""")
        result = tf.run("apply", "-auto-approve")
        assert result.rc == 1, result.explain()
        assert result.says("mo_callback_url"), result.explain()
        assert not result.says("moCallBackUrl"), result.explain()
        assert result.says('mo_callback_url = "http://127.0.0.1'), "the diagnostic points at the line"
    finally:
        box.stop()


def secret_config(*names: str, api_key: str = h.SANDBOX_API_KEY) -> str:
    key = f'  api_key = "{api_key}"\n'
    blocks = "".join(f"""
resource "vonage_api_secret" "{n}" {{
{key}  secret_wo         = var.value
  secret_wo_version = 1
}}
""" for n in names)
    return h.PROVIDER_BLOCK + """
variable "value" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "vonage" {}
""" + blocks


def listed_secrets(sandbox) -> list[str]:
    return [s["id"] for s in sandbox.api("GET", f"/accounts/{sandbox.api_key}/secrets").body["_embedded"]["secrets"]]


def test_a_secret_that_cannot_fit_is_named_at_plan_and_refused_before_any_create(tf, sandbox):
    """A warning at plan, not an error: Terraform plans a tainted secret's replacement as a plain create, so the
    provider cannot tell a full account from one about to free a slot. The apply refuses before its POST."""
    tf.env.update(sandbox.provider_env)
    extra = sandbox.api("POST", f"/accounts/{sandbox.api_key}/secrets", json={"secret": h.strong_secret()})
    assert extra.status == 201
    tf.write("main.tf", secret_config("app"))
    sandbox.clear_calls()
    value = h.strong_secret()
    plan = tf.run("plan", env={"TF_VAR_value": value})
    assert plan.rc == 0, plan.explain()
    assert plan.says("Warning: No free API secret slot") and plan.says(f"Account {sandbox.api_key}"), plan.explain()
    for secret_id in listed_secrets(sandbox):
        assert plan.says(secret_id), plan.explain()
    apply = tf.run("apply", "-auto-approve", env={"TF_VAR_value": value})
    assert apply.rc == 1 and apply.says("Error: No free API secret slot"), apply.explain()
    assert not [c for c in sandbox.calls() if c["method"] == "POST"], "refused before any create"
    # The newest secret, made outside this configuration, is named with its creation time as what an interrupted
    # run may have left, with both ways out.
    newest = extra.body
    assert apply.says(f"The newest, `{newest['id']}` (created {newest['created_at']}), may be one an interrupted run"
                      " left"), apply.explain()
    assert apply.says("revoke it in the Vonage dashboard"), apply.explain()
    assert apply.says(f"terraform import ADDRESS {sandbox.api_key}/{newest['id']}"), apply.explain()
    assert apply.says("bump `secret_wo_version`"), apply.explain()


def test_two_new_secrets_for_one_free_slot_are_named_at_plan(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", secret_config("a", "b"))
    value = h.strong_secret()
    plan = tf.run("plan", env={"TF_VAR_value": value})
    assert plan.rc == 0 and plan.says("Warning: No free API secret slot"), plan.explain()
    apply = tf.run("apply", "-auto-approve", env={"TF_VAR_value": value})
    # The two creates run at once: the second is refused by the provider's check before its POST, or, when both
    # checks ran before either POST, by Vonage; either way with the limit named.
    assert apply.rc == 1, apply.explain()
    assert apply.says("Error: No free API secret slot") or apply.says("the most Vonage allows"), apply.explain()
    assert len(listed_secrets(sandbox)) == 2, "one fits, the other is refused"


def test_a_rotation_by_version_or_replace_fits_in_two_slots(tf, sandbox):
    """The account holds the provider's own secret and the managed one: a rotation revokes first, so it fits."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", secret_config("app"))
    tf.run("apply", "-auto-approve", env={"TF_VAR_value": h.strong_secret()}).ok()
    assert len(listed_secrets(sandbox)) == 2
    tf.run("apply", "-auto-approve", "-replace=vonage_api_secret.app", env={"TF_VAR_value": h.strong_secret()}).ok()
    tf.write("main.tf", secret_config("app").replace("secret_wo_version = 1", "secret_wo_version = 2"))
    tf.run("apply", "-auto-approve", env={"TF_VAR_value": h.strong_secret()}).ok()
    assert len(listed_secrets(sandbox)) == 2


def test_an_account_the_provider_cannot_manage_fails_at_plan_on_api_key(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", secret_config("app", api_key="zzzz9999"))
    plan = tf.run("plan", env={"TF_VAR_value": h.strong_secret()})
    assert plan.rc == 1, plan.explain()
    assert plan.says("The provider cannot manage this account's secrets"), plan.explain()
    assert plan.says('api_key = "zzzz9999"'), "the diagnostic points at the attribute"


def test_wrong_credentials_fail_a_plan_that_only_creates(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.env["VONAGE_API_SECRET"] = "Wrong0Secret"
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n\nresource "vonage_subaccount" "new" {\n  name = "new"\n}\n')
    plan = tf.run("plan")
    assert plan.rc == 1, plan.explain()
    assert plan.says("Vonage refused the provider's credentials"), plan.explain()
    assert not plan.says("Wrong0Secret"), "the secret is never echoed"


def test_an_account_without_the_subaccounts_api_fails_a_subaccount_create_at_plan(tf, tmp_path):
    """`--strict` refuses the Subaccounts API (403 unprovisioned) until the account is provisioned: the plan of a
    create says so at the resource, before any apply, and the same configuration plans once it is provisioned."""
    box = h.Sandbox(h.sandbox_bin(), tmp_path / "strict-sandbox", extra_args=["--strict"])
    try:
        tf.env.update(box.provider_env)
        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n\nresource "vonage_subaccount" "new" {\n'
                 '  name = "new"\n}\n')
        plan = tf.run("plan")
        assert plan.rc == 1, plan.explain()
        assert plan.says("not provisioned"), plan.explain()
        assert plan.says('resource "vonage_subaccount" "new"'), "the diagnostic points at the resource"
        assert not [c for c in box.calls() if c["method"] != "GET"], box.calls()

        admin = box._request("PATCH", f"/_sandbox/accounts/{box.api_key}", json_body={"subaccounts_provisioned": True})
        assert admin.status == 200, admin
        tf.run("apply", "-auto-approve").ok()
        assert tf.run("plan", "-detailed-exitcode").rc == 0
    finally:
        box.stop()
