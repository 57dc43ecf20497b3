"""examples/ is what users copy and what the docs render: it must be `terraform fmt` clean, every directory must
validate against the real provider (each with every Terraform its `required_version` admits), it must follow the
Registry (tfplugindocs) layout, and the complete estates apply against the sandbox with an empty second plan."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import tfharness as h

EXAMPLES = h.REPO / "examples"
EXAMPLE_DIRS = sorted({p.parent for p in EXAMPLES.rglob("*.tf")})

# Actions (`action` blocks, `action_trigger`) need Terraform 1.14, and variables declared in test files
# (`variable` blocks in .tftest.hcl, which `terraform validate` checks too) 1.13; examples that use them say so.
ACTIONS = (1, 14)
TEST_VARIABLES = (1, 13)


def required_version(example: Path) -> tuple[int, ...]:
    """The lowest Terraform an example admits: its `required_version = ">= X.Y"`, or (0,) without one."""
    text = "\n".join(p.read_text() for p in example.glob("*.tf"))
    found = re.search(r'required_version\s*=\s*">=\s*([0-9.]+)"', text)
    return tuple(int(x) for x in found.group(1).split(".")) if found else (0,)


ANY_TERRAFORM = [d for d in EXAMPLE_DIRS if required_version(d) < TEST_VARIABLES]
NEEDS_TEST_VARIABLES = [d for d in EXAMPLE_DIRS if required_version(d) == TEST_VARIABLES]
NEEDS_ACTIONS = [d for d in EXAMPLE_DIRS if required_version(d) == ACTIONS]


def rel(path: Path) -> str:
    return str(path.relative_to(EXAMPLES))


def test_every_example_is_validated_by_one_of_the_tests_below():
    assert sorted(ANY_TERRAFORM + NEEDS_TEST_VARIABLES + NEEDS_ACTIONS) == EXAMPLE_DIRS, \
        "add a test for the new required_version"
    for example in EXAMPLE_DIRS:
        text = "\n".join(p.read_text() for p in example.glob("*.tf"))
        if re.search(r'^\s*action\s+"|action_trigger', text, re.M):
            assert required_version(example) >= ACTIONS, f"{rel(example)} uses actions: require Terraform >= 1.14"
        tests = "\n".join(p.read_text() for p in example.rglob("*.tftest.hcl"))
        if re.search(r'^variable\s+"', tests, re.M):
            assert required_version(example) >= TEST_VARIABLES, \
                f"{rel(example)}'s tests declare variables: require Terraform >= 1.13"


def test_examples_exist():
    assert (EXAMPLES / "provider" / "provider.tf").is_file()
    assert (EXAMPLES / "quickstart" / "main.tf").is_file()
    assert len(EXAMPLE_DIRS) >= 8, [rel(d) for d in EXAMPLE_DIRS]


def test_fmt_check(tf_plain):
    result = tf_plain.run("fmt", "-check", "-recursive", "-diff", str(EXAMPLES))
    assert result.rc == 0, "run `terraform fmt -recursive examples`:\n" + result.explain()


def test_fmt_check_catches_bad_formatting(tf_plain):
    """Guards the check above: the same command must flag a misformatted file."""
    tf_plain.write("bad.tf", 'resource "terraform_data" "x" {\ninput="a"\n}\n')
    result = tf_plain.run("fmt", "-check", "-recursive", str(tf_plain.workdir))
    assert result.rc == 3 and "bad.tf" in result.stdout, result.explain()


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=[rel(d) for d in EXAMPLE_DIRS])
def test_example_declares_provider_source(example):
    text = "\n".join(p.read_text() for p in example.glob("*.tf"))
    assert 'source = "vonage/vonage"' in text, f"{rel(example)} needs required_providers vonage = vonage/vonage"


def validates(tf, example: Path) -> None:
    tf.copy_config(example)
    if (example / "tests").is_dir():  # `terraform validate` checks the test files too
        shutil.copytree(example / "tests", tf.workdir / "tests")
    # Terraform 1.14+ also validates the `terraform query` files; older versions ignore them.
    query = ["-query"] if tf.binary.version_tuple() >= (1, 14) else []
    result = tf.run("validate", "-json", *query)
    doc = result.json()
    assert result.rc == 0 and doc["valid"] is True, f"{rel(example)}:\n{result.explain()}"


# Users run the examples on every Terraform this provider supports.
@pytest.mark.all_terraform_versions
@pytest.mark.parametrize("example", ANY_TERRAFORM, ids=[rel(d) for d in ANY_TERRAFORM])
def test_example_validates(tf, example):
    validates(tf, example)


@pytest.mark.min_terraform("1.14")
@pytest.mark.parametrize("example", NEEDS_ACTIONS, ids=[rel(d) for d in NEEDS_ACTIONS])
def test_example_with_actions_validates(tf, example):
    validates(tf, example)


@pytest.mark.min_terraform("1.13")
@pytest.mark.parametrize("example", NEEDS_TEST_VARIABLES, ids=[rel(d) for d in NEEDS_TEST_VARIABLES])
def test_example_with_test_variables_validates(tf, example):
    validates(tf, example)


def test_registry_layout_matches_schema(tf):
    """Every resource, data source and ephemeral resource has its example (and resources an import.sh), and
    no example names a type the provider does not have."""
    tf.write("main.tf", h.PROVIDER_BLOCK)
    schema = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    resources = set(schema.get("resource_schemas", {}))
    data_sources = set(schema.get("data_source_schemas", {}))
    ephemerals = set(schema.get("ephemeral_resource_schemas", {}))
    actions = set(schema.get("action_schemas", {}))

    missing = [f"resources/{r}/resource.tf" for r in resources if not (EXAMPLES / "resources" / r / "resource.tf").is_file()]
    missing += [f"resources/{r}/import.sh" for r in resources if not (EXAMPLES / "resources" / r / "import.sh").is_file()]
    missing += [f"data-sources/{d}/data-source.tf" for d in data_sources
                if not (EXAMPLES / "data-sources" / d / "data-source.tf").is_file()]
    missing += [f"ephemeral-resources/{e}/ephemeral-resource.tf" for e in ephemerals
                if not (EXAMPLES / "ephemeral-resources" / e / "ephemeral-resource.tf").is_file()]
    missing += [f"actions/{a}/action.tf" for a in actions if not (EXAMPLES / "actions" / a / "action.tf").is_file()]
    assert not missing, f"missing examples: {sorted(missing)}"

    unknown = [p.name for p in (EXAMPLES / "resources").iterdir() if p.name not in resources]
    unknown += [p.name for p in (EXAMPLES / "data-sources").iterdir() if p.name not in data_sources]
    if (EXAMPLES / "ephemeral-resources").is_dir():
        unknown += [p.name for p in (EXAMPLES / "ephemeral-resources").iterdir() if p.name not in ephemerals]
    # Terraform before 1.14 does not show action schemas at all.
    if (EXAMPLES / "actions").is_dir() and tf.binary.version_tuple() >= ACTIONS:
        unknown += [p.name for p in (EXAMPLES / "actions").iterdir() if p.name not in actions]
    assert not unknown, f"example directories for types the provider does not have: {unknown}"


@pytest.mark.min_terraform("1.14")
def test_list_resource_examples_match_schema(tf):
    """Every list resource has its `terraform query` example, and no example names one the provider lacks
    (`providers schema -json` shows list resources from Terraform 1.14 on)."""
    tf.write("main.tf", h.PROVIDER_BLOCK)
    schema = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    lists = set(schema.get("list_resource_schemas", {}))
    assert lists, "the provider offers list resources"
    missing = [x for x in lists if not (EXAMPLES / "list-resources" / x / "list-resource.tfquery.hcl").is_file()]
    assert not missing, f"missing examples/list-resources/<name>/list-resource.tfquery.hcl for {missing}"
    unknown = [p.name for p in (EXAMPLES / "list-resources").iterdir() if p.name not in lists]
    assert not unknown, f"list resource examples for types the provider does not have: {unknown}"


@pytest.mark.min_terraform("1.14")
def test_the_subaccounts_estate_applies_and_a_second_plan_is_empty(tf, credit_sandbox):
    """examples/subaccounts, as a user would run it (demo style: the primary's credentials and the sandbox's URL
    in the environment, payments' secret in TF_VAR_payments_secret), against a primary with a credit line."""
    box = credit_sandbox
    tf.copy_config(EXAMPLES / "subaccounts", callbacks_at=box)
    payments_secret = h.strong_secret()
    tf.env.update(box.provider_env, TF_VAR_payments_secret=payments_secret)
    team_numbers = {"support": "447700900123", "search": "447700900456"}  # the example's default
    for number in team_numbers.values():
        seeded = box._request("POST", f"/_sandbox/accounts/{box.api_key}/numbers", {"number": number, "country": "GB"})
        assert seeded.status == 201, seeded
    tf.run("apply", "-auto-approve").ok()
    assert tf.run("plan", "-detailed-exitcode").rc == 0, "a second plan is empty"

    out = {k: v["value"] for k, v in tf.json("output", "-json").items()}
    subs = {s["name"]: s for s in box.api("GET", f"/accounts/{box.api_key}/subaccounts").body["_embedded"]["subaccounts"]}
    assert sorted(subs) == ["acme-marketing", "acme-payments", "acme-search", "acme-support"]
    assert {f"acme-{team}": key for team, key in out["team_api_keys"].items()} == {
        name: s["api_key"] for name, s in subs.items() if name != "acme-payments"}
    # Each team's number moved from the primary to the team's subaccount.
    owners = {n["number"]: n["owner"] for n in box.state()["numbers"]}
    assert {team: owners[number] for team, number in team_numbers.items()} == {
        team: out["team_api_keys"][team] for team in team_numbers}
    payments = subs["acme-payments"]
    assert payments["use_primary_account_balance"] is False
    assert payments["credit_limit"] == -25 and out["payments"]["credit_limit"] == 25
    # The opening float, moved once by the action triggered after create.
    floats = [t for t in box.state()["transfers"] if t["kind"] == "balance"]
    assert [(t["from"], t["to"], t["amount"]) for t in floats] == [(box.api_key, payments["api_key"], 20)]
    assert payments["balance"] == 20
    # Each subaccount has the secret Vonage generated at create and the one managed through the primary; payments'
    # is the one its provider authenticates with, and its callbacks were set with it.
    for name, s in subs.items():
        secrets = box.api("GET", f"/accounts/{s['api_key']}/secrets").body["_embedded"]["secrets"]
        assert len(secrets) == 2, (name, secrets)
    own = box._request("POST", "/account/settings", {}, auth=(payments["api_key"], payments_secret))
    inbound = box.reachable("https://payments.example.com/webhooks/inbound-sms")
    assert own.status == 200 and own.body["mo-callback-url"] == inbound
    primary_settings = box.api("POST", "/account/settings").body
    assert not primary_settings.get("mo-callback-url"), "the primary's callbacks are untouched"
    assert json.dumps(tf.json("show", "-json")).count(payments_secret) == 0, "no secret in state"


def test_the_demo_applies_the_subaccounts_estate(provider_dir, tmp_path):
    """`make demo EXAMPLE=subaccounts`: the demo script applies the estate against a sandbox with a credit line,
    and its second plan is empty (plan -detailed-exitcode exits 0, or the script fails)."""
    sandbox = h.sandbox_bin()
    h.require(sandbox.is_file(), f"{sandbox} not built: run `cargo build --bins`")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "VONAGE_"))}
    env.update(PROVIDER_BIN_DIR=str(provider_dir), VONAGE_SANDBOX_BIN=str(sandbox), TMPDIR=str(tmp_path))
    run = subprocess.run(["bash", str(h.REPO / "scripts" / "demo.sh"), "subaccounts"], env=env, cwd=h.REPO,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "Actions: 1 invoked" in run.stdout and "No changes." in run.stdout, run.stdout[-4000:]


def test_subaccount_rotation_example_rotates_with_overlap(tf, sandbox):
    """examples/subaccount-rotation, applied as a user would: create, then rotate twice. After each apply the
    subaccount holds exactly the two secrets the state names, and the previous one is the former current one."""
    tf.env.update(sandbox.provider_env)
    tf.copy_config(EXAMPLES / "subaccount-rotation")

    def secrets_of(key: str) -> list[str]:
        resp = sandbox.api("GET", f"/accounts/{key}/secrets")
        assert resp.status == 200, resp
        return [s["id"] for s in resp.body["_embedded"]["secrets"]]

    tf.run("apply", "-auto-approve").ok()
    out = {k: v["value"] for k, v in tf.json("output", "-json").items()}
    key = out["subaccount_api_key"]
    assert sorted(secrets_of(key)) == sorted([out["current_secret_id"], out["previous_secret_id"]])
    assert tf.run("plan", "-detailed-exitcode").rc == 0
    for version in (2, 3):
        before = out
        tf.run("apply", "-auto-approve", "-var", f"secret_version={version}").ok()
        out = {k: v["value"] for k, v in tf.json("output", "-json").items()}
        assert out["previous_secret_id"] == before["current_secret_id"]
        assert sorted(secrets_of(key)) == sorted([out["current_secret_id"], out["previous_secret_id"]])
        assert tf.run("plan", "-detailed-exitcode", "-var", f"secret_version={version}").rc == 0
