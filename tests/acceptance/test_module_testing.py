"""examples/testing, as docs/guides/testing-modules.md tells module authors to run it: `terraform test` with a mocked
provider (no network, no credentials) and against vonage-sandbox; and the guide's warning that mocks skip the
provider's own plan-time checks, which the sandbox keeps.

The example's sandbox tests declare variables in the test file, which Terraform 1.13 introduced: older binaries report
these tests as skipped (min_terraform)."""

from __future__ import annotations

import shutil

import pytest

import tfharness as h

EXAMPLE = h.REPO / "examples" / "testing"
pytestmark = pytest.mark.min_terraform("1.13")


def copy_example(tf: h.Terraform) -> None:
    tf.copy_config(EXAMPLE)
    shutil.copytree(EXAMPLE / "tests", tf.workdir / "tests")


def sandbox_vars(box: h.Sandbox) -> list[str]:
    """The guide's way to aim tests/sandbox.tftest.hcl at a sandbox elsewhere: plain -var values."""
    return [f"-var=sandbox_url={box.url}", f"-var=sandbox_api_key={box.api_key}",
            f"-var=sandbox_api_secret={box.api_secret}"]


def no_vonage_env(tf: h.Terraform) -> None:
    for name in [k for k in tf.env if k.startswith("VONAGE_")]:
        del tf.env[name]


def test_both_ways_pass(tf, credit_sandbox):
    """`terraform test` runs both files: the mocked one, then the sandbox one, whose runs create a subaccount, turn it
    into one with its own balance and credit, and whose teardown destroys it (Vonage suspends, so does the
    sandbox)."""
    box = credit_sandbox
    copy_example(tf)
    no_vonage_env(tf)
    result = tf.run("test", *sandbox_vars(box))
    assert result.rc == 0, result.explain()
    assert "tests/mocked.tftest.hcl... pass" in result.stdout, result.explain()
    assert "tests/sandbox.tftest.hcl... pass" in result.stdout, result.explain()
    assert result.says("Success! 5 passed, 0 failed."), result.explain()

    subs = box.api("GET", f"/accounts/{box.api_key}/subaccounts").body["_embedded"]["subaccounts"]
    assert [(s["name"], s["use_primary_account_balance"], s["credit_limit"], s["suspended"]) for s in subs] == [
        ("acme-payments", False, -25, True)], subs


def test_mocks_need_no_network_and_no_credentials(tf, sandbox):
    """The mocked file passes with no VONAGE_* credentials at all, and with the provider aimed at a sandbox it never
    calls it."""
    copy_example(tf)
    no_vonage_env(tf)
    result = tf.run("test", "-filter=tests/mocked.tftest.hcl")
    assert result.rc == 0 and result.says("Success! 3 passed, 0 failed."), result.explain()

    tf.env.update(sandbox.provider_env)
    result = tf.run("test", "-filter=tests/mocked.tftest.hcl")
    assert result.rc == 0, result.explain()
    assert sandbox.calls() == []


def test_mocks_still_need_the_provider_installed(tf_plain):
    """Terraform starts the real provider even for a mocked test (for its schema and its validation): with no
    provider installed (no `terraform init`, no dev override), the mocked file cannot run."""
    copy_example(tf_plain)
    result = tf_plain.run("test", "-filter=tests/mocked.tftest.hcl")
    assert result.rc != 0 and result.says("unknown provider registry.terraform.io/vonage/vonage"), result.explain()


def test_mocked_computed_values_are_unknown_until_a_mocked_apply(tf):
    """A `command = plan` run cannot assert on a computed value (api_key); the mocked file asserts on it in a
    `command = apply` run, which creates nothing."""
    copy_example(tf)
    mocked = (EXAMPLE / "tests" / "mocked.tftest.hcl").read_text()
    tf.write("tests/plan_mocked.tftest.hcl", mocked[:mocked.index("\nrun ")] + """
run "api_key_at_plan" {
  command = plan
  variables {
    team = "search"
  }
  assert {
    condition     = output.api_key == "a1b2c3d4"
    error_message = "The mock's api_key."
  }
}
""")
    result = tf.run("test", "-filter=tests/plan_mocked.tftest.hcl")
    assert result.rc != 0 and result.says("Unknown condition value"), result.explain()


def test_the_sandbox_tests_never_use_vonage_env(tf, credit_sandbox):
    """The sandbox file's provider is configured from its own variables: VONAGE_* credentials in the environment
    (here: wrong ones aimed at a closed port) play no part."""
    copy_example(tf)
    tf.env.update({"VONAGE_API_KEY": "zzzz9999", "VONAGE_API_SECRET": "Wrong0Secret",
                   "VONAGE_API_URL": "http://127.0.0.1:9", "VONAGE_REST_URL": "http://127.0.0.1:9"})
    result = tf.run("test", "-filter=tests/sandbox.tftest.hcl", *sandbox_vars(credit_sandbox))
    assert result.rc == 0 and result.says("Success! 2 passed, 0 failed."), result.explain()


def test_a_sandbox_that_is_not_running_fails_the_sandbox_tests(tf):
    """Guards the test above: the variables do reach the provider (a closed port fails the first run)."""
    copy_example(tf)
    result = tf.run("test", "-filter=tests/sandbox.tftest.hcl", "-var=sandbox_url=http://127.0.0.1:9")
    assert result.rc != 0 and result.says("Cannot reach Vonage"), result.explain()


# The provider's checks, each in a file of its own (after a run fails, `terraform test` skips the rest of its file):
# - one it makes when Terraform validates the configuration (a subaccount name is 1 to 80 characters);
# - two it makes when it plans: one with the account's data (credit the primary's credit line cannot cover), one
#   with the prior state (a subaccount's own balance cannot be given up).
VALIDATE_RUN = """
run "a_name_over_80_characters" {
  command = plan
  variables {
    team = "%s"
  }
}
""" % ("x" * 90)
PLAN_RUNS = {
    "credit": """
run "more_credit_than_the_primary_has" {
  command = plan
  variables {
    team         = "payments"
    credit_limit = 500
  }
}
""",
    "give_up": """
run "an_own_balance" {
  variables {
    team         = "payments"
    credit_limit = 25
  }
}

run "back_to_the_primary_balance" {
  command = plan
  variables {
    team = "payments"
  }
}
""",
}


def write_edge_tests(tf: h.Terraform) -> None:
    for way in ("mocked", "sandbox"):
        head = (EXAMPLE / "tests" / f"{way}.tftest.hcl").read_text()
        head = head[:head.index("\nrun ")]  # the provider (mocked or configured) and variables, without the runs
        for check, runs in {"validate": VALIDATE_RUN, **PLAN_RUNS}.items():
            tf.write(f"tests/{check}_{way}.tftest.hcl", head + runs)


def test_mocks_skip_the_providers_plan_time_checks_the_sandbox_keeps(tf, credit_sandbox):
    """The provider's plan-time checks (PlanResourceChange) do not run with a mocked provider: plans the sandbox
    refuses, with the provider's diagnostic, pass."""
    copy_example(tf)
    write_edge_tests(tf)

    result = tf.run("test", "-filter=tests/credit_mocked.tftest.hcl", "-filter=tests/give_up_mocked.tftest.hcl")
    assert result.rc == 0 and result.says("Success! 3 passed, 0 failed."), result.explain()

    result = tf.run("test", "-filter=tests/credit_sandbox.tftest.hcl", "-filter=tests/give_up_sandbox.tftest.hcl",
                    *sandbox_vars(credit_sandbox))
    assert result.rc != 0 and result.says("1 passed, 2 failed"), result.explain()
    assert result.says('run "more_credit_than_the_primary_has"... fail'), result.explain()
    assert result.says("Raising `credit_limit` from") and result.says("primary's credit line"), result.explain()
    assert result.says('run "back_to_the_primary_balance"... fail'), result.explain()
    assert result.says("A subaccount's own balance cannot be given up"), result.explain()


def test_mocks_keep_the_providers_validation(tf, credit_sandbox):
    """What the provider checks when Terraform validates the configuration it checks under a mock too."""
    copy_example(tf)
    write_edge_tests(tf)
    for way, extra in (("mocked", []), ("sandbox", sandbox_vars(credit_sandbox))):
        result = tf.run("test", f"-filter=tests/validate_{way}.tftest.hcl", *extra)
        assert result.rc != 0 and result.says("0 passed, 1 failed"), result.explain()
        assert result.says("Invalid subaccount name") and result.says("it has 95"), result.explain()
