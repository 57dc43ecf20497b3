"""A quiet plan: an update plans only what it changes. Values Vonage sets and no change of ours can move (the
settings' max_* limits, a forward method left out) keep the value Terraform last read, instead of turning
"(known after apply)" on every update."""

from __future__ import annotations

import tfharness as h


def settings(mo: str) -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_account_settings" "this" {{
  mo_callback_url = "{mo}"
}}
"""


def test_a_settings_update_plans_only_the_url_it_changes(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", settings(sandbox.callback_url("mo")))
    tf.run("apply", "-auto-approve").ok()
    tf.write("main.tf", settings(sandbox.callback_url("mo2")))
    assert h.planned_changes(tf, "vonage_account_settings.this") == {"mo_callback_url"}
    tf.run("apply", "-auto-approve").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0

