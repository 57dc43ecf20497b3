"""Destroy without surprises (issue 19, item 6), under real Terraform against the sandbox.

- An account's last API secret is left in place with a warning, decided by Vonage's 403 `#delete-last-secret`,
  not by a count: two parallel destroys of an account's two secrets both count two.
- A replacement of an account's only secret (a rotation by `secret_wo_version`) still rotates: the destroy half
  leaves the old secret, and the create half revokes it once the new one exists.
"""

from __future__ import annotations

import pytest

import tfharness as h


def secret_ids(sandbox: h.Sandbox, api_key: str) -> list[str]:
    return [s["id"] for s in sandbox.api("GET", f"/accounts/{api_key}/secrets").body["_embedded"]["secrets"]]


def authenticates(sandbox: h.Sandbox, api_key: str, secret: str) -> bool:
    return sandbox._request("GET", f"/accounts/{api_key}/secrets", auth=(api_key, secret)).status == 200


def new_subaccount(sandbox: h.Sandbox, secret: str, **extra) -> str:
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "adopted", "secret": secret,
                                                                                 **extra})
    assert resp.status == 200, resp
    return resp.body["api_key"]


def imported_secrets(sub: str, ids: list[str], value: bool = False) -> str:
    """A `vonage_api_secret` per id, imported by an import block; with `value`, each takes `var.value` at version 1."""
    args = "  secret_wo         = var.value\n  secret_wo_version = %s\n" if value else ""
    blocks = "".join(f"""
import {{
  to = vonage_api_secret.s{i}
  id = "{sub}/{secret_id}"
}}

resource "vonage_api_secret" "s{i}" {{
  api_key = "{sub}"
{args}}}
""" for i, secret_id in enumerate(ids))
    variable = '\nvariable "value" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n'
    return h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + (variable if value else "") + blocks


def test_parallel_destroys_of_an_accounts_two_secrets_leave_the_last_with_a_warning(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub = new_subaccount(sandbox, h.strong_secret())
    assert sandbox.api("POST", f"/accounts/{sub}/secrets", json={"secret": h.strong_secret()}).status == 201
    both = secret_ids(sandbox, sub)
    tf.write("main.tf", imported_secrets(sub, both))
    tf.run("apply", "-auto-approve").ok()

    destroy = tf.run("destroy", "-auto-approve")
    assert destroy.rc == 0, destroy.explain()
    left = secret_ids(sandbox, sub)
    assert len(left) == 1 and left[0] in both, left
    assert destroy.says(f"Warning: API secret {left[0]} left in place: it is the last of account {sub}"), \
        destroy.explain()
    assert destroy.says("revoke it in the Vonage dashboard"), destroy.explain()
    assert "vonage_api_secret" not in (tf.workdir / "terraform.tfstate").read_text()


@pytest.mark.all_terraform_versions
def test_rotating_an_accounts_only_secret_revokes_it_once_the_new_one_exists(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    old_value, new_value = h.strong_secret(), h.strong_secret()
    sub = new_subaccount(sandbox, old_value)
    [only] = secret_ids(sandbox, sub)
    config = imported_secrets(sub, [only], value=True)
    tf.write("main.tf", config % "1")
    tf.run("apply", "-auto-approve", env={"TF_VAR_value": old_value}).ok()  # imports and records version 1

    tf.write("main.tf", config % "2")
    sandbox.clear_calls()
    rotated = tf.run("apply", "-auto-approve", env={"TF_VAR_value": new_value})
    assert rotated.rc == 0, rotated.explain()
    assert rotated.says(f"API secret {only} left in place") and rotated.says("that create revokes this one"), \
        rotated.explain()
    now = secret_ids(sandbox, sub)
    assert len(now) == 1 and now[0] != only, now
    writes = [(c["method"], c["path"].rsplit("/", 1)[-1], c["status"]) for c in sandbox.calls()
              if c["method"] in ("POST", "DELETE")]
    assert writes == [("DELETE", only, 403), ("POST", "secrets", 201), ("DELETE", only, 204)], writes
    assert authenticates(sandbox, sub, new_value) and not authenticates(sandbox, sub, old_value)
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_value": new_value}).rc == 0
