"""`rotate_after` under real Terraform against the sandbox: a rotation by time is decided when Terraform refreshes,
so a plan applies as it was planned however late it is applied (saved, or approved slowly), `-refresh=false` never
rotates by time, and the next refresh plans the rotation.

Time moves through the provider's test clock (`VONAGE_PROVIDER_TEST_CLOCK_FILE`, see src/provider/clock.rs), never by
sleeping. Terraform plans an instance again at apply time only when its plan changes it, so each late apply here
also changes `timeouts`: without that, Terraform would not ask the provider a second time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import tfharness as h
from test_api_secret_rotation import authenticates, new_subaccount, rotation_config, state_of, writes

# Write-only arguments (1.11+) plan and apply differently across versions.
pytestmark = pytest.mark.all_terraform_versions

EVERY_HOUR = '  rotate_after = "1h"'
WITH_TIMEOUTS = EVERY_HOUR + '\n  timeouts {\n    update = "5m"\n  }'


class Clock:
    """The provider's test clock: a file holding the time every provider process of `tf` takes for now."""

    def __init__(self, tf: h.Terraform):
        self.file = tf.scratch / "clock"
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self._write()
        tf.env["VONAGE_PROVIDER_TEST_CLOCK_FILE"] = str(self.file)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)
        self._write()

    def _write(self) -> None:
        self.file.write_text(self.now.strftime("%Y-%m-%dT%H:%M:%SZ"))


def rotating_every_hour(tf: h.Terraform, sandbox: h.Sandbox) -> tuple[Clock, str, dict]:
    """A subaccount whose secrets rotate every hour, just created: (clock, its api key, the resource's state)."""
    tf.env.update(sandbox.provider_env)
    clock = Clock(tf)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, 1, EVERY_HOUR))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    return clock, sub, state_of(tf)


def test_a_saved_plan_applies_after_the_due_time_and_the_next_refresh_rotates(tf, sandbox):
    clock, sub, state = rotating_every_hour(tf, sandbox)
    value = {"TF_VAR_next_secret": h.strong_secret()}
    tf.write("main.tf", rotation_config(sub, 1, WITH_TIMEOUTS))
    plan = tf.run("plan", "-out=later.tfplan", env=value).ok()
    assert plan.says("update in-place"), plan.explain()

    # The rotation falls due between the plan and its apply: the plan applies as it was made.
    clock.advance(hours=2)
    sandbox.clear_calls()
    tf.run("apply", "later.tfplan", env=value).ok()
    assert writes(sandbox, sub) == [], "the saved plan rotated nothing"
    assert state_of(tf)["current_id"] == state["current_id"]

    # Without a refresh nothing falls due.
    assert tf.run("plan", "-refresh=false", "-detailed-exitcode", env=value).rc == 0

    # The next refresh finds the rotation due, and the apply carries it out.
    plan = tf.run("plan", "-detailed-exitcode", env=value)
    assert plan.rc == 2 and plan.says("update in-place"), plan.explain()
    tf.run("apply", "-auto-approve", env=value).ok()
    rotated = state_of(tf)
    assert rotated["previous_id"] == state["current_id"] and rotated["rotated_at"] > state["rotated_at"]
    assert writes(sandbox, sub) == [f"DELETE {state['previous_id']}", "POST"], sandbox.calls()
    assert authenticates(sandbox, sub, value["TF_VAR_next_secret"])

    invalid = rotation_config(sub, 1, '  rotate_after = "30 days"')
    tf.write("main.tf", invalid)
    result = tf.run("validate")
    assert result.rc == 1 and result.says("Invalid rotate_after"), result.explain()


def test_a_plan_approved_after_the_due_time_applies_as_planned(tf, sandbox):
    clock, sub, state = rotating_every_hour(tf, sandbox)
    tf.write("main.tf", rotation_config(sub, 1, WITH_TIMEOUTS))
    sandbox.clear_calls()
    # Terraform asks for approval (so TF_INPUT must allow input) and waits for a person.
    running = tf.start("apply", env={"TF_INPUT": "1", "TF_VAR_next_secret": h.strong_secret()}, interactive=True)
    running.read_until("Enter a value:")
    clock.advance(hours=2)
    running.answer("yes")
    result = running.wait()
    assert result.rc == 0 and result.says("0 added, 1 changed, 0 destroyed"), result.explain()
    assert writes(sandbox, sub) == [], "the approved plan rotated nothing"
    assert state_of(tf)["current_id"] == state["current_id"]
