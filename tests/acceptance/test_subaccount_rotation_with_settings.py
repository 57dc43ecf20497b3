"""examples/subaccount-rotation-with-settings end to end under real Terraform against the sandbox: a subaccount's
secrets rotated by vonage_api_secret_rotation while a provider alias, authenticated with the rotation's current secret,
manages the subaccount's own settings. Through three rotations: no 401 anywhere, the settings change in the very
applies that rotate, the value applications hold stays valid until the rotation after the one that replaced it, and
the subaccount never holds more than Vonage's two secrets."""

from __future__ import annotations

import pytest

import tfharness as h
from test_api_secret_rotation import authenticates, sandbox_secrets

EXAMPLE = h.REPO / "examples" / "subaccount-rotation-with-settings"

# Write-only arguments (1.11+) plan and apply differently across versions.
pytestmark = pytest.mark.all_terraform_versions


def test_three_rotations_while_an_alias_on_the_current_secret_manages_the_settings(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.copy_config(EXAMPLE)
    # The secrets store: the value applications (and the alias) use now, and the one before it.
    current, previous, revoked = h.strong_secret(), None, []
    key = None
    for version in (1, 2, 3, 4):  # the create, then three rotations
        following = h.strong_secret()
        url = sandbox.reachable(f"https://example.com/team/v{version}")  # --strict checks it answers
        args = ["-var", f"secret_version={version}", "-var", f"inbound_sms_url={url}"]
        env = {"TF_VAR_current_secret": current, "TF_VAR_next_secret": following}
        tf.run("apply", "-auto-approve", *args, env=env).ok()
        key = key or tf.json("output", "-json")["subaccount_api_key"]["value"]
        # The alias changed the settings, as the subaccount, in the apply that rotated.
        assert settings_of(sandbox, key, current)["mo-callback-url"] == url
        # Two secrets, never a third: the new one, and the one applications held through the apply.
        assert len(sandbox_secrets(sandbox, key)) == 2
        assert authenticates(sandbox, key, following) and authenticates(sandbox, key, current)
        revoked += [previous] if previous else []
        assert not any(authenticates(sandbox, key, old) for old in revoked), f"rotation {version}"
        # The store makes the new value current; the former one stays valid until the next rotation.
        previous, current = current, following
        env = {"TF_VAR_current_secret": current, "TF_VAR_next_secret": h.strong_secret()}
        assert tf.run("plan", "-detailed-exitcode", *args, env=env).rc == 0, "the alias works with the new value"
    assert len(revoked) == 3


def settings_of(sandbox: h.Sandbox, api_key: str, secret: str) -> dict:
    """The subaccount's settings, read as the subaccount (an empty POST reads them)."""
    resp = sandbox._request("POST", "/account/settings", auth=(api_key, secret))
    assert resp.status == 200, resp
    return resp.body
