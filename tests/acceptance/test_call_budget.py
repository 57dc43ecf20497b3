"""API-call budgets, counted exactly in the sandbox's call log (times are `make bench`'s business, counts are CI's).

Vonage allows about 30 requests per second per key, so on a real estate the calls, not the CPU, set the floor:
- creating N subaccounts costs at most N + 2 calls per `terraform apply` (the plan's credential check, which is the
  primary's subaccount list, the apply's "before" list, then one POST per subaccount);
- creating N subaccounts with a `vonage_api_secret` each costs at most 2N + 2: a subaccount the apply has just made
  holds only the secret made with it, so its new secret needs no list first;
- refreshing N subaccounts costs at most 2 calls per `terraform plan` (one shared list);
- secrets are read with one list per account, not one GET per secret;
- a plan of N number assignments (`vonage_subaccount_number`) makes at most one call per 100 numbers of each account
  that holds one of them, plus one.
And the freshness that goes with it: a read never returns data older than the command, and drift made between two
commands is always seen.
"""

from __future__ import annotations

import pytest

import tfharness as h

N = 20


def api_calls(sandbox: h.Sandbox) -> list[dict]:
    return [c for c in sandbox.calls() if not c["path"].startswith("/_sandbox")]


def estate(n: int, secrets: bool = False) -> str:
    config = h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_subaccount" "team" {{
  count = {n}
  name  = "team-${{count.index}}"
}}
"""
    if secrets:
        config += f"""
ephemeral "vonage_generated_secret" "extra" {{
  count = {n}
}}

resource "vonage_api_secret" "extra" {{
  count             = {n}
  api_key           = vonage_subaccount.team[count.index].api_key
  secret_wo         = ephemeral.vonage_generated_secret.extra[count.index].value
  secret_wo_version = 1
}}
"""
    return config


@pytest.fixture
def pinned_tf(tmp_path, provider_dir):
    binary = h.terraform_binaries()[0]
    h.require(binary.version, f"{binary.path} is missing: run scripts/setup.sh")
    return h.new_terraform(binary, tmp_path, provider_dir)


def test_creating_n_subaccounts_costs_at_most_n_plus_2_calls(pinned_tf, sandbox):
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate(N))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    calls = api_calls(sandbox)
    posts = [c for c in calls if c["method"] == "POST"]
    assert len(posts) == N
    assert len(calls) <= N + 2, [f"{c['method']} {c['path']}" for c in calls if c["method"] != "POST"]


def test_creating_n_subaccounts_with_a_secret_each_costs_at_most_2n_plus_2_calls(pinned_tf, sandbox):
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate(N, secrets=True))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    calls = api_calls(sandbox)
    posts = [c for c in calls if c["method"] == "POST"]
    assert len(posts) == 2 * N
    assert len(calls) <= 2 * N + 2, [f"{c['method']} {c['path']}" for c in calls if c["method"] != "POST"]
    # Each subaccount holds its first secret and the managed one.
    subs = [a for a in sandbox.state()["subaccounts"] if a["primary_account_api_key"] == sandbox.api_key]
    assert len(subs) == N and all(len(s["secrets"]) == 2 for s in subs)


def test_refreshing_n_subaccounts_costs_at_most_2_calls(pinned_tf, sandbox):
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate(N))
    tf.run("apply", "-auto-approve").ok()
    sandbox.clear_calls()
    tf.run("plan", "-detailed-exitcode").ok()
    calls = api_calls(sandbox)
    assert 1 <= len(calls) <= 2, [f"{c['method']} {c['path']}" for c in calls]


def test_secrets_are_read_with_one_list_per_account(pinned_tf, sandbox):
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate(3, secrets=True))
    tf.run("apply", "-auto-approve").ok()
    sandbox.clear_calls()
    tf.run("plan", "-detailed-exitcode").ok()
    calls = api_calls(sandbox)
    per_secret = [c for c in calls if "/secrets/" in c["path"]]
    assert not per_secret, "no GET per secret"
    lists = [c["path"] for c in calls if c["path"].endswith("/secrets")]
    assert len(lists) == len(set(lists)) == 3, lists


def test_drift_between_two_commands_is_always_seen(pinned_tf, sandbox):
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate(3))
    tf.run("apply", "-auto-approve").ok()
    state = tf.json("show", "-json")["values"]["root_module"]["resources"]
    key = state[1]["values"]["api_key"]
    # Between two commands, out of band.
    assert sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{key}",
                       json={"name": "renamed-by-hand"}).status == 200
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 2 and plan.says('"renamed-by-hand" -> "team-1"'), plan.explain()
    tf.run("apply", "-auto-approve").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0


def test_configuring_the_provider_makes_one_call_the_plan_of_subaccounts_makes_anyway(pinned_tf, sandbox):
    """Configuring the provider checks the credentials with one call, the primary's subaccount list, so that refused
    credentials are one error for the provider block. The list is the process's snapshot: a plan of subaccounts
    reads it anyway (the budgets above hold), and a plan of other resources pays that one call."""
    tf = pinned_tf
    tf.env.update(sandbox.provider_env)
    subaccounts = f"/accounts/{sandbox.api_key}/subaccounts"
    settings = h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_account_settings" "this" {
  mo_callback_url = "%s"
}
"""
    tf.write("main.tf", settings % sandbox.callback_url("mo"))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    # The check when the plan's provider is configured, and again in the apply's, then the settings write.
    assert [c["method"] for c in api_calls(sandbox)] == ["GET", "GET", "POST"], api_calls(sandbox)

    sandbox.clear_calls()
    tf.run("plan", "-detailed-exitcode").ok()
    assert [c["path"] for c in api_calls(sandbox)] == [subaccounts, "/account/settings"], "the check, then one read"

    tf.write("main.tf", settings % sandbox.callback_url("mo2"))
    sandbox.clear_calls()
    tf.run("apply", "-auto-approve").ok()
    assert [c["path"] for c in api_calls(sandbox)] == [subaccounts, "/account/settings"] * 2, \
        "the check and a read, then the check and the update"

    sandbox.clear_calls()
    tf.run("destroy", "-auto-approve").ok()
    # `terraform destroy` configures the provider three times (the refreshing plan, the destroy plan, the apply),
    # each with its check: the check and a read, the check, then the check and the unset.
    assert [c["path"] for c in api_calls(sandbox)] == [subaccounts, "/account/settings", subaccounts, subaccounts,
                                                       "/account/settings"], api_calls(sandbox)


def numbers_budget(holders: dict[str, int]) -> int:
    """One call per 100 numbers (a started page) of each holding account, plus one."""
    return sum(-(-held // 100) for held in holders.values()) + 1


def test_a_plan_of_n_number_assignments_reads_each_holders_numbers_once_per_100(pinned_tf, tmp_path):
    binary = h.sandbox_bin()
    h.require(binary.is_file(), f"{binary} not built: run `cargo build --bins`")
    held = [f"4477009{i:05}" for i in range(150)]
    flags = [arg for n in held for arg in ("--number", f"{n}:GB")]
    box = h.Sandbox(binary, tmp_path / "sandbox", extra_args=[*h.sandbox_mode_args(), *flags])
    try:
        tf = pinned_tf
        tf.env.update(box.provider_env)
        keys = [box.api("POST", f"/accounts/{box.api_key}/subaccounts", json={"name": f"team-{i}"}).body["api_key"]
                for i in range(2)]
        assigned = {n: keys[i % 2] for i, n in enumerate(held[:5])}
        tf.write("main.tf", h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + "".join(f"""
resource "vonage_subaccount_number" "n{n}" {{
  api_key = "{key}"
  number  = "{n}"
  country = "GB"
}}
""" for n, key in assigned.items()))
        # Planning N creates reads the primary's 150 numbers (two pages) and the subaccount list.
        box.clear_calls()
        tf.run("plan").ok()
        calls = api_calls(box)
        assert len(calls) <= numbers_budget({box.api_key: 150}), [f"{c['method']} {c['path']}" for c in calls]
        tf.run("apply", "-auto-approve").ok()
        # Refreshing N assignments reads each holding subaccount's numbers once.
        box.clear_calls()
        tf.run("plan", "-detailed-exitcode").ok()
        calls = api_calls(box)
        budget = numbers_budget({keys[0]: 3, keys[1]: 2})
        assert len(calls) <= budget, [f"{c['method']} {c['path']} {c.get('query')}" for c in calls]
        # Besides the numbers, only the credential check (the primary's subaccount list) when the provider is configured.
        assert {c["path"] for c in calls} == {"/account/numbers", f"/accounts/{box.api_key}/subaccounts"}, calls
    finally:
        box.stop()
