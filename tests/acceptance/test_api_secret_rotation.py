"""vonage_api_secret_rotation end to end: zero-downtime rotation inside Vonage's two secret slots, under real
Terraform against the sandbox. Every step is checked in the sandbox's own state and by authenticating with the
secret values, not only through what Terraform reports."""

from __future__ import annotations

import re

import pytest

import tfharness as h


def rotation_config(api_key: str, version: int | None = 1, extra: str = "", with_value: bool = True) -> str:
    version_line = f"  secret_wo_version = {version}" if version is not None else ""
    value_line = "  secret_wo = var.next_secret" if with_value else ""
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "next_secret" {{
  type      = string
  sensitive = true
  ephemeral = true
  default   = null
}}

resource "vonage_api_secret_rotation" "sub" {{
  api_key = "{api_key}"
{value_line}
{version_line}
{extra}
}}
"""


def new_subaccount(sandbox: h.Sandbox, name: str = "rotated") -> tuple[str, str]:
    """A subaccount created through the API with a known first secret: (api_key, secret)."""
    first = h.strong_secret()
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": name, "secret": first})
    assert resp.status == 200, resp
    return resp.body["api_key"], first


def sandbox_secrets(sandbox: h.Sandbox, api_key: str) -> list[str]:
    """The secret ids the sandbox holds for an account, from its admin state dump."""
    state = sandbox.state()
    for account in state["accounts"] + state["subaccounts"]:
        if account["api_key"] == api_key:
            return [s["id"] for s in account["secrets"]]
    raise AssertionError(f"no account {api_key} in the sandbox")


def authenticates(sandbox: h.Sandbox, api_key: str, secret: str) -> bool:
    return sandbox._request("GET", "/account/get-balance", auth=(api_key, secret)).status == 200


def state_of(tf: h.Terraform) -> dict:
    resources = tf.json("show", "-json")["values"]["root_module"]["resources"]
    return next(r["values"] for r in resources if r["type"] == "vonage_api_secret_rotation")


def writes(sandbox: h.Sandbox, api_key: str) -> list[str]:
    """The secret-changing calls for `api_key`, in order: "POST" or "DELETE <id>"."""
    out = []
    for c in sandbox.calls():
        if c["path"].startswith(f"/accounts/{api_key}/secrets"):
            if c["method"] == "POST":
                out.append("POST")
            elif c["method"] == "DELETE":
                out.append("DELETE " + c["path"].rsplit("/", 1)[1])
    return out


def test_three_rotations_in_a_row_always_leave_two_valid_secrets(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, first = new_subaccount(sandbox)
    seeded = sandbox_secrets(sandbox, sub)
    assert len(seeded) == 1

    # First apply: the existing secret is adopted as "previous", "current" is made from secret_wo.
    values = [first, h.strong_secret()]
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": values[1]}).ok()
    state = state_of(tf)
    assert state["id"] == sub, "the id every resource has is the account's api key"
    assert state["previous_id"] == seeded[0] and state["current_id"] not in seeded
    assert state["secret_wo"] is None and state["rotated_at"]
    assert sorted(sandbox_secrets(sandbox, sub)) == sorted([state["previous_id"], state["current_id"]])
    assert authenticates(sandbox, sub, values[0]) and authenticates(sandbox, sub, values[1])
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": h.strong_secret()}).rc == 0

    for version in (2, 3, 4):
        before = state
        values.append(h.strong_secret())
        tf.write("main.tf", rotation_config(sub, version))
        plan = tf.run("plan", "-out=rotation.tfplan", env={"TF_VAR_next_secret": values[-1]}).ok()
        assert plan.says("update in-place") and "must be replaced" not in plan.stdout, plan.explain()
        change = tf.json("show", "-json", "rotation.tfplan")["resource_changes"][0]["change"]
        # The plan shows the current secret becoming the previous one, and a new current one after apply.
        assert change["actions"] == ["update"]
        assert change["after"]["previous_id"] == before["current_id"]
        assert change["after_unknown"].get("current_id") is True and change["after_unknown"].get("rotated_at")
        sandbox.clear_calls()
        tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": values[-1]}).ok()
        state = state_of(tf)

        # The old current secret is the new previous one; the one before it was revoked, first.
        assert state["previous_id"] == before["current_id"]
        assert state["current_id"] not in (before["current_id"], before["previous_id"])
        assert writes(sandbox, sub) == [f"DELETE {before['previous_id']}", "POST"], sandbox.calls()
        # The sandbox holds exactly those two, throughout.
        assert sorted(sandbox_secrets(sandbox, sub)) == sorted([state["previous_id"], state["current_id"]])
        # The new secret works, the previous one still works, the one before it does not.
        assert authenticates(sandbox, sub, values[-1]), f"rotation {version}: current"
        assert authenticates(sandbox, sub, values[-2]), f"rotation {version}: previous still valid"
        assert not authenticates(sandbox, sub, values[-3]), f"rotation {version}: the one before is revoked"
        assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": h.strong_secret()}).rc == 0

    # Destroy revokes the previous secret and leaves the current one, which applications use.
    tf.run("destroy", "-auto-approve").ok()
    assert sandbox_secrets(sandbox, sub) == [state["current_id"]]
    assert authenticates(sandbox, sub, values[-1]) and not authenticates(sandbox, sub, values[-2])


def test_the_providers_own_account_is_refused_at_plan_time(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    before = sandbox_secrets(sandbox, sandbox.api_key)
    tf.write("main.tf", rotation_config(sandbox.api_key, 1))
    sandbox.clear_calls()
    result = tf.run("plan", env={"TF_VAR_next_secret": h.strong_secret()})
    assert result.rc == 1, result.explain()
    assert result.says("Cannot rotate the provider's own account") and result.says("lock Terraform out")
    assert writes(sandbox, sandbox.api_key) == [] and sandbox_secrets(sandbox, sandbox.api_key) == before


def test_a_full_account_warns_at_plan_listing_its_secrets_and_the_apply_changes_nothing(tf, sandbox):
    """At plan time a new object on a full account cannot be told from the replacement of a tainted one planned
    with -refresh=false (Terraform gives both no prior state): the plan warns, naming the secrets, and the apply
    stops before creating anything."""
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    assert sandbox.api("POST", f"/accounts/{sub}/secrets", json={"secret": h.strong_secret()}).status == 201
    ids = sandbox_secrets(sandbox, sub)
    tf.write("main.tf", rotation_config(sub, 1))
    plan = tf.run("plan", env={"TF_VAR_next_secret": h.strong_secret()})
    assert plan.rc == 0 and plan.says("Warning: Both API secret slots are taken"), plan.explain()
    assert all(plan.says(i) for i in ids) and plan.says("created 20"), plan.explain()
    assert plan.says(f"terraform import vonage_api_secret_rotation.NAME {sub}"), plan.explain()
    sandbox.clear_calls()
    apply = tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()})
    assert apply.rc == 1 and apply.says("Error: Both API secret slots are taken"), apply.explain()
    assert writes(sandbox, sub) == [] and sandbox_secrets(sandbox, sub) == ids


def test_a_missing_value_is_refused_at_plan_time(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, 1))
    result = tf.run("plan")
    assert result.rc == 1 and result.says("No value for the new API secret") and result.says("secret_wo"), \
        result.explain()


def test_drift_a_revoked_previous_frees_its_slot_and_a_revoked_current_is_replaced(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, first = new_subaccount(sandbox)
    value = h.strong_secret()
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": value}).ok()
    state = state_of(tf)

    # The previous secret is revoked out of band: its slot is empty, nothing to plan.
    assert sandbox.api("DELETE", f"/accounts/{sub}/secrets/{state['previous_id']}").status == 204
    plan = tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": h.strong_secret()})
    assert plan.rc == 0, plan.explain()
    tf.run("apply", "-auto-approve", "-refresh-only", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    assert state_of(tf)["previous_id"] is None

    # The next rotation has a free slot: nothing to revoke.
    second = h.strong_secret()
    tf.write("main.tf", rotation_config(sub, 2))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": second}).ok()
    rotated = state_of(tf)
    assert writes(sandbox, sub) == ["POST"]
    assert rotated["previous_id"] == state["current_id"]
    assert sorted(sandbox_secrets(sandbox, sub)) == sorted([rotated["previous_id"], rotated["current_id"]])

    # The current secret is revoked out of band: the plan replaces it, keeping the previous one.
    assert sandbox.api("DELETE", f"/accounts/{sub}/secrets/{rotated['current_id']}").status == 204
    third = h.strong_secret()
    plan = tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": third})
    assert plan.rc == 2 and plan.says("update in-place"), plan.explain()
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": third}).ok()
    healed = state_of(tf)
    assert healed["previous_id"] == rotated["previous_id"] and healed["current_id"] != rotated["current_id"]
    assert sorted(sandbox_secrets(sandbox, sub)) == sorted([healed["previous_id"], healed["current_id"]])
    assert authenticates(sandbox, sub, third) and authenticates(sandbox, sub, value)
    assert not authenticates(sandbox, sub, first)


def test_import_adopts_both_slots_and_recording_a_version_does_not_rotate(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, first = new_subaccount(sandbox)
    newer = h.strong_secret()
    assert sandbox.api("POST", f"/accounts/{sub}/secrets", json={"secret": newer}).status == 201
    older_id, newer_id = sandbox_secrets(sandbox, sub)
    # Without a (sensitive) value in configuration: Terraform would plan recording that sensitivity.
    tf.write("main.tf", rotation_config(sub, None, with_value=False))
    tf.run("import", "vonage_api_secret_rotation.sub", sub).ok()
    state = state_of(tf)
    assert (state["current_id"], state["previous_id"]) == (newer_id, older_id)
    assert state["rotated_at"] and state["id"] == sub
    assert tf.run("plan", "-detailed-exitcode").rc == 0

    # Setting the version for the first time only records it.
    tf.write("main.tf", rotation_config(sub, 1))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    assert writes(sandbox, sub) == [] and state_of(tf)["current_id"] == newer_id

    bad = tf.run("import", "vonage_api_secret_rotation.other", f"{sub}/x")
    assert bad.rc == 1, bad.explain()


def test_recording_a_version_after_import_plans_only_the_version(tf, sandbox):
    """One secret in the account: `previous_id` is null, and an update that rotates nothing keeps it null in the plan
    (not "known after apply")."""
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, None, with_value=False))
    tf.run("import", "vonage_api_secret_rotation.sub", sub).ok()
    assert state_of(tf)["previous_id"] is None
    tf.write("main.tf", rotation_config(sub, 1))
    env = {"TF_VAR_next_secret": h.strong_secret()}
    assert h.planned_changes(tf, "vonage_api_secret_rotation.sub", env=env) == {"secret_wo_version"}


def test_removing_the_version_only_records_it(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    state = state_of(tf)
    tf.write("main.tf", rotation_config(sub, None))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    after = state_of(tf)
    assert writes(sandbox, sub) == [] and after["current_id"] == state["current_id"]
    assert after["secret_wo_version"] is None


def test_a_rotation_whose_create_fails_after_the_revoke_is_finished_by_the_next_apply(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    first = h.strong_secret()
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": first}).ok()
    state = state_of(tf)
    # Vonage refuses the next create (a 403, which is never retried).
    fault = {"route": f"POST /accounts/{sub}/secrets", "kind": "status", "status": 403, "count": 1}
    assert sandbox._request("POST", "/_sandbox/faults", fault).status in (200, 201)
    tf.write("main.tf", rotation_config(sub, 2))
    failed = tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()})
    assert failed.rc == 1, failed.explain()
    # The previous secret is revoked; the current one is kept, and so is the old version.
    half = state_of(tf)
    assert sandbox_secrets(sandbox, sub) == [state["current_id"]]
    assert half["current_id"] == state["current_id"] and half["previous_id"] is None
    assert half["secret_wo_version"] == 1
    assert authenticates(sandbox, sub, first)
    # The next apply rotates again: nothing left to revoke, one create.
    second = h.strong_secret()
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": second}).ok()
    done = state_of(tf)
    assert writes(sandbox, sub) == ["POST"]
    assert done["previous_id"] == state["current_id"] and done["secret_wo_version"] == 2
    assert sorted(sandbox_secrets(sandbox, sub)) == sorted([done["previous_id"], done["current_id"]])
    assert authenticates(sandbox, sub, second) and authenticates(sandbox, sub, first)


def test_a_removed_block_stops_managing_without_revoking(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    held = sorted(sandbox_secrets(sandbox, sub))
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

removed {
  from = vonage_api_secret_rotation.sub

  lifecycle {
    destroy = false
  }
}
""")
    sandbox.clear_calls()
    result = tf.run("apply", "-auto-approve").ok()
    assert result.says("0 destroyed"), result.explain()
    assert writes(sandbox, sub) == [] and sorted(sandbox_secrets(sandbox, sub)) == held
    assert "values" not in tf.json("show", "-json"), "the state is empty"


def test_rotated_at_versions_a_downstream_write_only_argument(tf, sandbox):
    """The docs' recipe for rotate_after: a number that changes with every rotation, made from rotated_at."""
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, 1) + """
output "downstream_version" {
  value = parseint(formatdate("YYYYMMDDhhmmss", vonage_api_secret_rotation.sub.rotated_at), 10)
}
""")
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    rotated_at = state_of(tf)["rotated_at"]
    version = tf.json("output", "-json")["downstream_version"]["value"]
    assert version == int("".join(re.findall(r"\d", rotated_at))[:14]), (version, rotated_at)


@pytest.mark.min_terraform("1.12")
def test_import_by_identity(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    tf.write("main.tf", rotation_config(sub, None, with_value=False) + f"""
import {{
  to = vonage_api_secret_rotation.sub
  identity = {{
    api_key = "{sub}"
  }}
}}
""")
    tf.run("apply", "-auto-approve").ok()
    resource = tf.json("show", "-json")["values"]["root_module"]["resources"][0]
    assert resource["values"]["current_id"] == sandbox_secrets(sandbox, sub)[0]
    assert resource["values"]["previous_id"] is None
    assert resource.get("identity") == {"api_key": sub}
    assert tf.run("plan", "-detailed-exitcode").rc == 0


@pytest.mark.parametrize("refresh", [True, False], ids=["refresh", "no_refresh"])
@pytest.mark.parametrize("how", ["replace", "taint"])
def test_a_replacement_fits_in_the_slots_its_destroy_frees(how, refresh, tf, sandbox):
    """Terraform plans a replacement's create as a plain create, with both slots taken by the object it replaces:
    the plan must not refuse it as a full account, and the destroy that runs first makes the room. With
    -refresh=false a -replace still knows what its destroy frees (from the first plan's private state); a tainted
    object is planned with no prior state at all, so its plan warns and the apply checks again after the
    destroy."""
    tf.env.update(sandbox.provider_env)
    sub, _ = new_subaccount(sandbox)
    first = h.strong_secret()
    tf.write("main.tf", rotation_config(sub, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": first}).ok()
    state = state_of(tf)
    assert len(sandbox_secrets(sandbox, sub)) == 2
    if how == "taint":
        tf.run("taint", "vonage_api_secret_rotation.sub").ok()
    args = ["-replace=vonage_api_secret_rotation.sub"] if how == "replace" else []
    if not refresh:
        args.append("-refresh=false")
    second = h.strong_secret()
    plan = tf.run("plan", *args, env={"TF_VAR_next_secret": second}).ok()
    assert plan.says("1 to add") and plan.says("1 to destroy"), plan.explain()
    warned = how == "taint" and not refresh
    assert plan.says("Warning: Both API secret slots are taken") == warned, plan.explain()
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve", *args, env={"TF_VAR_next_secret": second}).ok()
    replaced = state_of(tf)
    # Destroy revoked the previous secret; create adopted the old current one and made a new one.
    assert writes(sandbox, sub) == [f"DELETE {state['previous_id']}", "POST"], sandbox.calls()
    assert replaced["previous_id"] == state["current_id"]
    assert sorted(sandbox_secrets(sandbox, sub)) == sorted([replaced["previous_id"], replaced["current_id"]])
    assert authenticates(sandbox, sub, second) and authenticates(sandbox, sub, first)
    assert tf.run("plan", "-detailed-exitcode", env={"TF_VAR_next_secret": h.strong_secret()}).rc == 0


def test_changing_the_account_replaces_the_resource(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    first, _ = new_subaccount(sandbox, "first")
    second, _ = new_subaccount(sandbox, "second")
    tf.write("main.tf", rotation_config(first, 1))
    tf.run("apply", "-auto-approve", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    tf.write("main.tf", rotation_config(second, 1))
    plan = tf.run("plan", env={"TF_VAR_next_secret": h.strong_secret()}).ok()
    assert plan.says("must be replaced") and plan.says("forces replacement"), plan.explain()
