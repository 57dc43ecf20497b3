"""A create whose answer is lost, across runs: no duplicate and no orphan.

Each test makes Vonage's answer to a create go missing the hard way. The sandbox applies the create, holds the
answer (an after-handler latency fault), and is stopped during that wait, so the provider's connection drops and
its own reconciliation cannot reach the API either. The sandbox then restarts on the same state file, and the next
`terraform apply` must leave exactly the declared objects, with an empty plan after it.
"""

from __future__ import annotations

import time

import pytest

import tfharness as h


def wait_for(condition, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Restartable:
    """A sandbox that can be stopped and started again on the same state file and credentials."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.box = h.Sandbox(h.sandbox_bin(), workdir)

    def restart(self) -> h.Sandbox:
        self.box.stop()
        self.box = h.Sandbox(h.sandbox_bin(), self.workdir, api_key=self.box.api_key,
                             api_secret=self.box.api_secret)
        return self.box

    def stop(self):
        self.box.stop()


@pytest.fixture
def restartable(tmp_path):
    h.require(h.sandbox_bin().is_file(), "vonage-sandbox not built: run `cargo build --bins`")
    r = Restartable(tmp_path / "sandbox")
    try:
        yield r
    finally:
        r.stop()


def hold_answer(box: h.Sandbox, route: str) -> None:
    """Make the next create on `route` happen at once, and its answer wait 30 s."""
    resp = box._request("POST", "/_sandbox/faults", {"route": route, "kind": "latency", "latency_ms": 30000,
                                                     "count": 1, "after_handler": True})
    assert resp.status in (200, 201), resp


def lose_the_answer(tf, restartable, route: str, created, env=None) -> h.Result:
    """Apply, stop the sandbox once `created()` sees the object made, and return the failed apply."""
    box = restartable.box
    hold_answer(box, route)
    before = box.state_file.read_bytes()
    running = tf.start("apply", "-auto-approve", env=env)
    wait_for(lambda: created(box), "the create to reach the sandbox")
    # The sandbox shows a change before its state file has it (the answer waits for the file, not readers): wait
    # for the file too, or the kill below could lose the object rather than only its answer.
    wait_for(lambda: box.state_file.read_bytes() != before, "the create to reach the sandbox's state file")
    box.proc.kill()  # the held answer is lost with the connection
    box.proc.wait(timeout=10)
    return running.wait()


def subaccounts(box: h.Sandbox) -> list[dict]:
    return box.api("GET", f"/accounts/{box.api_key}/subaccounts").body["_embedded"]["subaccounts"]


def secret_ids(box: h.Sandbox) -> list[str]:
    return [s["id"] for s in box.api("GET", f"/accounts/{box.api_key}/secrets").body["_embedded"]["secrets"]]


SUBACCOUNT = h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_subaccount" "team" {
  name = "team"
}
"""


def test_a_lost_subaccount_create_is_adopted_on_the_next_run(tf, restartable):
    tf.env.update(restartable.box.provider_env)
    tf.write("main.tf", SUBACCOUNT)
    failed = lose_the_answer(tf, restartable, "POST /accounts/*/subaccounts", lambda b: subaccounts(b))
    assert failed.rc == 1, failed.explain()
    assert failed.says('Vonage may have created subaccount "team"'), failed.explain()
    assert failed.says("adopts it"), "the diagnostic says what the next run does"
    assert not failed.says("check with `terraform plan`"), failed.explain()

    box = restartable.restart()
    tf.env.update(box.provider_env)
    made = subaccounts(box)
    assert [s["name"] for s in made] == ["team"]

    plan = tf.run("plan")
    assert plan.rc == 0, plan.explain()
    assert plan.says(f"Subaccount {made[0]['api_key']} will be adopted, not created"), plan.explain()

    box.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    after = subaccounts(box)
    assert [(s["api_key"], s["suspended"]) for s in after] == [(made[0]["api_key"], False)], after
    assert not [c for c in box.calls() if c["method"] == "POST"], "adopted: no second create"
    state = tf.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]
    assert state["api_key"] == made[0]["api_key"]
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_a_lost_subaccount_create_that_never_happened_is_simply_made(tf, restartable):
    """The connection drops before Vonage acts: the record finds nothing, and the next run creates."""
    box = restartable.box
    tf.env.update(box.provider_env)
    tf.write("main.tf", SUBACCOUNT)
    resp = box._request("POST", "/_sandbox/faults", {"route": "POST /accounts/*/subaccounts", "kind": "latency",
                                                     "latency_ms": 30000, "count": 1})
    assert resp.status in (200, 201)
    running = tf.start("apply", "-auto-approve")
    # The fault is taken (and, its count spent, removed) when the POST arrives, which it then holds before
    # the handler runs: once the list is empty, the create is in flight and has not happened.
    wait_for(lambda: box._request("GET", "/_sandbox/faults").body["faults"] == [], "the POST to be held")
    box.proc.kill()
    box.proc.wait(timeout=10)
    assert running.wait().rc == 1

    box = restartable.restart()
    tf.env.update(box.provider_env)
    assert subaccounts(box) == []
    tf.run("apply", "-auto-approve").ok()
    assert [s["name"] for s in subaccounts(box)] == ["team"]
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_two_candidates_stop_the_run_with_both_keys(tf, restartable):
    tf.env.update(restartable.box.provider_env)
    tf.write("main.tf", SUBACCOUNT)
    failed = lose_the_answer(tf, restartable, "POST /accounts/*/subaccounts", lambda b: subaccounts(b))
    assert failed.rc == 1
    box = restartable.restart()
    tf.env.update(box.provider_env)
    twin = box.api("POST", f"/accounts/{box.api_key}/subaccounts", json={"name": "team"})
    keys = sorted(s["api_key"] for s in subaccounts(box))
    assert len(keys) == 2

    box.clear_calls()
    result = tf.run("apply", "-auto-approve")
    assert result.rc == 1, result.explain()
    assert result.says('Several subaccounts named "team"'), result.explain()
    for key in keys:
        assert result.says(f"terraform import ADDRESS {key}"), result.explain()
    assert not [c for c in box.calls() if c["method"] in ("POST", "PATCH")], "nothing made or suspended"
    assert twin.status == 200


SECRET = h.PROVIDER_BLOCK + """
variable "value" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "vonage" {}

resource "vonage_api_secret" "app" {
  secret_wo         = var.value
  secret_wo_version = 1
}
"""


def test_a_lost_secret_create_leaves_no_orphan(tf, restartable):
    box = restartable.box
    tf.env.update(box.provider_env)
    tf.write("main.tf", SECRET)
    own = secret_ids(box)
    first, second = h.strong_secret(), h.strong_secret()
    failed = lose_the_answer(tf, restartable, "POST /accounts/*/secrets", lambda b: len(secret_ids(b)) == 2,
                             env={"TF_VAR_value": first})
    assert failed.rc == 1, failed.explain()
    assert failed.says("Vonage may have created an API secret"), failed.explain()

    box = restartable.restart()
    tf.env.update(box.provider_env)
    orphan = [i for i in secret_ids(box) if i not in own]
    assert len(orphan) == 1

    plan = tf.run("plan", env={"TF_VAR_value": second})
    assert plan.rc == 0, plan.explain()
    assert plan.says(f"Secret {orphan[0]} will be revoked and created again"), plan.explain()
    assert not plan.says("No free API secret slot"), plan.explain()

    tf.run("apply", "-auto-approve", env={"TF_VAR_value": second}).ok()
    now = secret_ids(box)
    assert len(now) == 2 and own[0] in now and orphan[0] not in now, now
    managed = tf.json("show", "-json")["values"]["root_module"]["resources"][0]["values"]["id"]
    assert managed in now and managed != orphan[0]
    # The secret holds the configured value: it authenticates.
    assert box._request("GET", "/account/get-balance", auth=(box.api_key, second)).status == 200
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_value": second}).rc == 0


def test_ctrl_c_during_a_slow_create_keeps_the_object_in_state(tf, sandbox):
    """Ctrl-C while Vonage takes 2 s to answer a create: the provider starts nothing new, but the create in flight
    is answered and recorded, so Terraform's state never misses the subaccount Vonage made."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_subaccount" "first" {
  name = "first"
}

resource "vonage_subaccount" "second" {
  name       = "second"
  depends_on = [vonage_subaccount.first]
}
""")
    resp = sandbox._request("POST", "/_sandbox/faults", {"route": "POST /accounts/*/subaccounts", "kind": "latency",
                                                         "latency_ms": 2000, "count": 1, "after_handler": True})
    assert resp.status in (200, 201)
    running = tf.start("apply", "-auto-approve")
    wait_for(lambda: subaccounts(sandbox), "the first create to reach the sandbox")
    running.interrupt()
    result = running.wait()
    assert result.says("Interrupt received"), result.explain()

    made = subaccounts(sandbox)
    assert [s["name"] for s in made] == ["first"], "nothing new started after the interrupt"
    state = tf.json("show", "-json")["values"]["root_module"]["resources"]
    assert [(r["address"], r["values"]["api_key"]) for r in state] == [("vonage_subaccount.first", made[0]["api_key"])]
    tf.run("apply", "-auto-approve").ok()
    assert sorted(s["name"] for s in subaccounts(sandbox)) == ["first", "second"]
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_a_create_that_fails_after_the_subaccount_exists_adopts_it_next_time(tf, sandbox):
    """The subaccount is made, then the follow-up (suspending it) fails: Terraform keeps it tainted, and the
    next apply takes that same subaccount over instead of suspending it and making another."""
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {
  max_retries = 0
}

resource "vonage_subaccount" "parked" {
  name      = "parked"
  suspended = true
}
""")
    resp = sandbox._request("POST", "/_sandbox/faults", {"route": "PATCH /accounts/*/subaccounts", "kind": "status",
                                                         "status": 503, "count": 1})
    assert resp.status in (200, 201)
    failed = tf.run("apply", "-auto-approve")
    assert failed.rc == 1, failed.explain()
    made = subaccounts(sandbox)
    assert [(s["name"], s["suspended"]) for s in made] == [("parked", False)]

    plan = tf.run("plan")
    assert plan.rc == 0 and plan.says(f"Subaccount {made[0]['api_key']} will be adopted"), plan.explain()
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    assert [(s["api_key"], s["suspended"]) for s in subaccounts(sandbox)] == [(made[0]["api_key"], True)]
    assert not [c for c in sandbox.calls() if c["method"] == "POST"], "adopted, not made again"
    assert tf.run("plan", "-detailed-exitcode").rc == 0
