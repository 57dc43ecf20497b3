"""The ephemeral vonage_api_secret (Terraform 1.10+) under real Terraform against the sandbox: a provider alias
configured from it reads the balance, every secret it opens is revoked when Terraform closes it (or, when a failed run
skips the close, when Terraform shuts the provider down), a secret a failed close left is revoked by the next run on the
same machine, and a full account is refused with the ids and creation times that hold its slots."""

from __future__ import annotations

import pytest

import tfharness as h

# Ephemeral resources (1.10+) open and close differently across versions.
pytestmark = pytest.mark.all_terraform_versions


def sandbox_secrets(sandbox: h.Sandbox, api_key: str) -> list[dict]:
    state = sandbox.state()
    for account in state["accounts"] + state["subaccounts"]:
        if account["api_key"] == api_key:
            return account["secrets"]
    raise AssertionError(f"no account {api_key} in the sandbox")


def secret_writes(sandbox: h.Sandbox, api_key: str) -> list[str]:
    return [c["method"] for c in sandbox.calls()
            if c["path"].startswith(f"/accounts/{api_key}/secrets") and c["method"] in ("POST", "DELETE")]


def new_subaccount(sandbox: h.Sandbox, name: str) -> str:
    sub = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": name})
    assert sub.status == 200, sub
    return sub.body["api_key"]


def alias_config(api_key_line: str) -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

ephemeral "vonage_api_secret" "run" {{
{api_key_line}
}}

provider "vonage" {{
  alias      = "run"
  api_key    = ephemeral.vonage_api_secret.run.api_key
  api_secret = ephemeral.vonage_api_secret.run.secret
}}

data "vonage_balance" "as_run" {{
  provider = vonage.run
}}

output "balance" {{
  value = data.vonage_balance.as_run.value
}}
"""


def test_a_provider_alias_configured_from_it_reads_the_balance_and_nothing_is_left(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                      json={"name": "run-as", "use_primary_account_balance": False})
    assert sub.status == 200, sub
    key = sub.body["api_key"]
    # A balance of its own that the primary's credentials would not show.
    assert sandbox._request("PATCH", f"/_sandbox/accounts/{key}", {"balance": 12.5}).status == 200
    before = sandbox_secrets(sandbox, key)
    tf.write("main.tf", alias_config(f'  api_key = "{key}"'))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    # The alias authenticated as the subaccount, with the ephemeral secret.
    assert tf.json("output", "-json")["balance"]["value"] == 12.5
    # Opened during plan and again during apply; each open created a secret and its close revoked it.
    assert secret_writes(sandbox, key) == ["POST", "DELETE", "POST", "DELETE"]
    assert sandbox_secrets(sandbox, key) == before, "the account holds exactly the secrets it had before"
    # Nothing of it reached state.
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    assert [r["address"] for r in resources] == ["data.vonage_balance.as_run"]


def test_the_default_account_is_the_providers(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    before = sandbox_secrets(sandbox, sandbox.api_key)
    tf.write("main.tf", alias_config(""))
    sandbox.clear_calls()
    tf.run("plan").ok()
    assert secret_writes(sandbox, sandbox.api_key) == ["POST", "DELETE"]
    assert sandbox_secrets(sandbox, sandbox.api_key) == before


def test_a_full_account_fails_clearly_listing_ids_and_creation_times(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    assert sandbox.api("POST", f"/accounts/{sandbox.api_key}/secrets", json={"secret": h.strong_secret()}).status == 201
    held = sandbox_secrets(sandbox, sandbox.api_key)
    tf.write("main.tf", alias_config(""))
    sandbox.clear_calls()
    result = tf.run("plan")
    assert result.rc == 1, result.explain()
    assert result.says("No free API secret slot for an ephemeral secret"), result.explain()
    for s in held:
        assert result.says(f"`{s['id']}` (created {s['created_at']})"), result.explain()
    assert result.says("terraform query"), result.explain()
    assert secret_writes(sandbox, sandbox.api_key) == []


def test_a_secret_whose_close_terraform_skips_is_revoked_when_it_shuts_the_provider_down(tf, sandbox):
    """The README's pattern, with a read through the alias that fails: Terraform then skips the ephemeral secret's
    close ("upstream ... errored, so skipping") and shuts the provider down, which revokes it."""
    tf.env.update(sandbox.provider_env)
    key = new_subaccount(sandbox, "skipped")
    before = sandbox_secrets(sandbox, key)
    fault = {"route": "GET /account/get-balance", "kind": "status", "status": 403, "count": 1}
    assert sandbox._request("POST", "/_sandbox/faults", fault).status in (200, 201)
    tf.write("main.tf", alias_config(f'  api_key = "{key}"'))
    sandbox.clear_calls()
    failed = tf.run("plan")
    assert failed.rc == 1 and failed.says("reading the balance"), failed.explain()
    assert secret_writes(sandbox, key) == ["POST", "DELETE"], sandbox.calls()
    assert sandbox_secrets(sandbox, key) == before, "the secret outlived the run"


def test_a_secret_left_by_a_failed_close_is_revoked_by_the_next_run_or_cleaned_up_as_the_docs_say(tf, sandbox):
    """A close that fails names the secret left behind. The next run on the same machine revokes it, since the
    process that opened it has ended. Another machine has no record of it: there the next open finds no free slot,
    and importing the leftover into a vonage_api_secret and destroying it frees the slot, as the docs say."""
    tf.env.update(sandbox.provider_env)
    key = new_subaccount(sandbox, "left")
    before = [s["id"] for s in sandbox_secrets(sandbox, key)]
    fault = {"route": f"DELETE /accounts/{key}/secrets", "kind": "status", "status": 403, "count": 1}

    def fail_a_close(env: dict[str, str]) -> str:
        assert sandbox._request("POST", "/_sandbox/faults", fault).status in (200, 201)
        failed = tf.run("plan", env=env)
        assert failed.rc == 1, failed.explain()
        leftover = [s["id"] for s in sandbox_secrets(sandbox, key) if s["id"] not in before]
        assert len(leftover) == 1
        assert failed.says(f"Ephemeral API secret {leftover[0]} was not revoked"), failed.explain()
        assert failed.says("The next run on this machine"), failed.explain()
        assert failed.says(f"import ID `{key}/{leftover[0]}`"), failed.explain()
        return leftover[0]

    tf.write("main.tf", alias_config(f'  api_key = "{key}"'))
    leftover = fail_a_close({})
    sandbox.clear_calls()
    revoked = tf.run("plan").ok()
    assert revoked.says("Revoked ephemeral API secrets left by a stopped run") and revoked.says(leftover), \
        revoked.explain()
    assert f"DELETE /accounts/{key}/secrets/{leftover}" in [f"{c['method']} {c['path']}" for c in sandbox.calls()]
    assert [s["id"] for s in sandbox_secrets(sandbox, key)] == before

    # A machine (state folder) that did not open it knows nothing of it: the next open is refused, naming both.
    leftover = fail_a_close({"VONAGE_PROVIDER_STATE_DIR": str(tf.scratch / "machine-a")})
    elsewhere = {"VONAGE_PROVIDER_STATE_DIR": str(tf.scratch / "machine-b")}
    blocked = tf.run("plan", env=elsewhere)
    assert blocked.rc == 1 and blocked.says("No free API secret slot for an ephemeral secret"), blocked.explain()
    assert blocked.says(leftover) and not blocked.says("journal"), blocked.explain()

    # There, import it into a vonage_api_secret and destroy that; then the ephemeral secret works again.
    (tf.workdir / "main.tf").rename(tf.workdir / "main.tf.off")
    tf.write("cleanup.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

import {{
  to = vonage_api_secret.leftover
  id = "{key}/{leftover}"
}}

resource "vonage_api_secret" "leftover" {{}}
""")
    tf.run("apply", "-auto-approve", env=elsewhere).ok()
    tf.run("destroy", "-auto-approve", env=elsewhere).ok()
    assert [s["id"] for s in sandbox_secrets(sandbox, key)] == before
    (tf.workdir / "cleanup.tf").unlink()
    (tf.workdir / "main.tf.off").rename(tf.workdir / "main.tf")
    tf.run("plan", env=elsewhere).ok()


def test_the_value_is_24_characters_and_meets_vonages_rule(tf, sandbox):
    """As its description says. Ephemeral values cannot be outputs; a precondition sees them."""
    tf.env.update(sandbox.provider_env)
    check = """
ephemeral "vonage_api_secret" "e" {}

resource "terraform_data" "probe" {
  lifecycle {
    precondition {
      condition     = length(ephemeral.vonage_api_secret.e.secret) == LENGTH && can(regex("[a-z]", ephemeral.vonage_api_secret.e.secret)) && can(regex("[A-Z]", ephemeral.vonage_api_secret.e.secret)) && can(regex("[0-9]", ephemeral.vonage_api_secret.e.secret))
      error_message = "not as documented"
    }
  }
}
"""
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + check.replace("LENGTH", "24"))
    tf.run("plan").ok()
    tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + check.replace("LENGTH", "25"))
    wrong = tf.run("plan")
    assert wrong.rc == 1 and wrong.says("not as documented"), wrong.explain()


def test_a_revoke_whose_answer_was_lost_is_checked_in_the_list_not_reported_as_left_valid(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    before = sandbox_secrets(sandbox, sandbox.api_key)
    # No retries: the DELETE's answer is lost after Vonage revoked the secret, and only the list can tell.
    config = alias_config("").replace('provider "vonage" {}', 'provider "vonage" {\n  retry_max_seconds = 0\n}', 1)
    tf.write("main.tf", config)
    resp = sandbox._request("POST", "/_sandbox/faults", {"route": "DELETE /accounts", "kind": "drop",
                                                         "after_handler": True, "count": 1})
    assert resp.status in (200, 201), resp
    plan = tf.run("plan")
    assert plan.rc == 0 and not plan.says("was not revoked"), plan.explain()
    assert sandbox_secrets(sandbox, sandbox.api_key) == before
