"""The conformance suite: every managed resource driven down every path Terraform takes, under real Terraform against
the sandbox, failing on any sign that the provider broke Terraform's plan and apply contract.

A resource joins by adding one `Case` to CASES (DESIGN.md says how). Each path is a test of its own, with a fresh
sandbox and working directory:

- create, then a plan that is empty (`-detailed-exitcode` 0);
- an update in place, and the same update with `-refresh=false`;
- a saved plan applied after a change made outside Terraform: it converges on the plan, or fails with a clear
  diagnostic (never "inconsistent result");
- `-replace`, and taint/untaint;
- `-refresh-only` right after create reports nothing;
- import by ID (and by identity on Terraform 1.12+), then an empty plan;
- every argument that accepts one fed a value known only after apply;
- destroy, with the remote effect checked.

Every Terraform run goes through `run`, which fails the test on "inconsistent result", "invalid new value", "Provider
bug", "Provider produced invalid ..." or a crash, whatever the exit code.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

import pytest

import tfharness as h

# Every path Terraform takes differs between versions: the table runs on each one found.
pytestmark = pytest.mark.all_terraform_versions

BROKEN = ("inconsistent result", "invalid new value", "Provider bug", "Provider produced invalid",
          "produced an invalid", "Request cancelled", "panic:", "Plugin did not respond", "crashed")

SECRET = h.strong_secret()
SECRET_PLAIN = h.strong_secret()


def run(tf: h.Terraform, *args: str, rc: int | None = 0) -> h.Result:
    """Run Terraform; fail on any provider-contract breakage, and on an exit code other than `rc` (None: any)."""
    result = tf.run(*args, env={"TF_VAR_secret": SECRET, "TF_VAR_secret_plain": SECRET_PLAIN})
    for needle in BROKEN:
        assert not result.says(needle), f"{needle!r} from terraform {' '.join(args)}:\n{result.explain()}"
    if rc is not None:
        assert result.rc == rc, result.explain()
    return result


# ---------------------------------------------------------------------------------------------------------------
# The table


@dataclass
class Case:
    """One managed resource, described by what the paths need."""

    type: str
    # Arguments to create with, as HCL expressions.
    base: dict[str, str]
    # Arguments an in-place update changes.
    update: dict[str, str]
    # The import ID and the identity of the object in `state` (its attribute values).
    import_id: Callable[[h.Sandbox, dict], str]
    identity: Callable[[h.Sandbox, dict], dict]
    # A change made outside Terraform, between a saved plan and its apply.
    drift: Callable[[h.Sandbox, dict], None]
    # None: the saved plan converges on the plan. Otherwise the summary of the clear error it must fail with.
    drift_error: str | None
    # Arguments that accept a value known only after apply, and the value (HCL) to feed them.
    known_after_apply: dict[str, str]
    # After destroy: True when the object is gone (or, where Vonage cannot delete, in its destroyed state).
    destroyed: Callable[[h.Sandbox, dict], bool]
    # Arguments for the configuration to import into (None: `base`).
    import_args: dict[str, str] | None = None
    # What must exist before the first configuration is applied, made through the sandbox's API: returns the values
    # of string variables that the HCL above refers to as `var.NAME` (declared, with these defaults, in setup.tf).
    setup: Callable[[h.Sandbox], dict[str, str]] | None = None
    timeouts: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.type}.this"

    def config(self, args: dict[str, str], later: dict[str, str] | None = None, import_block: str = "") -> str:
        """The configuration: the resource with `args`; arguments in `later` come from terraform_data outputs."""
        lines, data = [], []
        for name, expr in args.items():
            if later and name in later:
                data.append(f'resource "terraform_data" "later_{name}" {{\n  input = {later[name]}\n}}\n')
                expr = f"terraform_data.later_{name}.output"
            lines.append(f"  {name} = {expr}")
        if self.timeouts and later and "timeouts" in later:
            data.append(f'resource "terraform_data" "later_timeouts" {{\n  input = {later["timeouts"]}\n}}\n')
            lines.append("  timeouts {\n    create = terraform_data.later_timeouts.output\n"
                         "    update = terraform_data.later_timeouts.output\n  }")
        body = "\n".join(lines)
        return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

variable "secret" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

variable "secret_plain" {{
  type      = string
  sensitive = true
}}

{"".join(data)}
resource "{self.type}" "this" {{
{body}
}}
{import_block}
"""


def subaccount_url(sandbox: h.Sandbox, state: dict) -> str:
    return f"/accounts/{sandbox.api_key}/subaccounts/{state['api_key']}"


def post_form(sandbox: h.Sandbox, path: str, fields: dict) -> int:
    """A form POST with the primary's Basic credentials, as the dashboard would make."""
    req = urllib.request.Request(sandbox.url + path, data=urllib.parse.urlencode(fields).encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    token = base64.b64encode(f"{sandbox.api_key}:{sandbox.api_secret}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status


def settings(sandbox: h.Sandbox) -> dict:
    return sandbox.api("POST", "/account/settings").body


def secret_ids(sandbox: h.Sandbox, api_key: str) -> list[str]:
    return [s["id"] for s in sandbox.api("GET", f"/accounts/{api_key}/secrets").body["_embedded"]["secrets"]]


def a_subaccount(sandbox: h.Sandbox) -> dict[str, str]:
    """A subaccount of the provider's account, with its one first secret: `var.subaccount_api_key`."""
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                       json={"name": "conformance-rotated", "secret": h.strong_secret()})
    assert resp.status == 200, resp
    return {"subaccount_api_key": resp.body["api_key"]}


NUMBER = "447700900123"


def a_subaccount_and_a_number(sandbox: h.Sandbox) -> dict[str, str]:
    """A subaccount of the provider's account, and a number the primary holds: `var.subaccount_api_key`,
    `var.number`."""
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "conformance-numbers"})
    assert resp.status == 200, resp
    seeded = sandbox._request("POST", f"/_sandbox/accounts/{sandbox.api_key}/numbers",
                              {"number": NUMBER, "country": "GB"})
    assert seeded.status == 201, seeded
    return {"subaccount_api_key": resp.body["api_key"], "number": NUMBER}


def move_number(sandbox: h.Sandbox, state: dict, to: str) -> None:
    """Moves the case's number from where the state says to `to`, outside Terraform."""
    resp = sandbox.api("POST", f"/accounts/{sandbox.api_key}/transfer-number",
                       json={"from": state["held_by"], "to": to, "number": NUMBER, "country": "GB"})
    assert resp.status == 200, resp


def number_holder(sandbox: h.Sandbox) -> str:
    return next(n["owner"] for n in sandbox.state()["numbers"] if n["number"] == NUMBER)


CASES = [
    Case(
        type="vonage_account_settings",
        base={"mo_callback_url": '"https://example.com/mo"', "dr_callback_url": '"https://example.com/dr"',
              "http_forward_method": '"POST_JSON"'},
        update={"dr_callback_url": '"https://example.com/dr2"'},
        import_id=lambda sandbox, state: sandbox.api_key,
        identity=lambda sandbox, state: {"api_key": sandbox.api_key},
        drift=lambda sandbox, state: post_form(sandbox, "/account/settings",
                                               {"moCallBackUrl": "https://elsewhere.example/x"}),
        drift_error=None,
        known_after_apply={"mo_callback_url": '"https://example.com/later"',
                           "dr_callback_url": '"https://example.com/later-dr"',
                           "http_forward_method": '"POST_QUERY_PARAMS"', "timeouts": '"5m"'},
        destroyed=lambda sandbox, state: not settings(sandbox).get("mo-callback-url")
        and not settings(sandbox).get("dr-callback-url"),
    ),
    Case(
        type="vonage_api_secret",
        base={"secret_wo": "var.secret", "secret_wo_version": "1"},
        update={},  # only the timeouts block updates in place; see `extra`
        import_id=lambda sandbox, state: f"{state['api_key']}/{state['id']}",
        identity=lambda sandbox, state: {"api_key": state["api_key"], "id": state["id"]},
        drift=lambda sandbox, state: sandbox.api("DELETE", f"/accounts/{state['api_key']}/secrets/{state['id']}"),
        drift_error="API secret revoked outside Terraform",
        known_after_apply={"api_key": f'"{h.SANDBOX_API_KEY}"', "secret_wo": "var.secret_plain",
                           "secret_wo_version": "1", "timeouts": '"5m"'},
        destroyed=lambda sandbox, state: state["id"] not in secret_ids(sandbox, state["api_key"]),
        # Adopting an existing secret: no value, no version.
        import_args={},
    ),
    Case(
        type="vonage_subaccount",
        base={"name": '"conformance"', "secret_wo": "var.secret"},
        update={"name": '"conformance-renamed"', "return_funds_on_destroy": "true"},
        import_id=lambda sandbox, state: state["api_key"],
        identity=lambda sandbox, state: {"api_key": state["api_key"]},
        drift=lambda sandbox, state: sandbox.api("PATCH", subaccount_url(sandbox, state), json={"suspended": True}),
        drift_error=None,
        known_after_apply={"name": '"later"', "use_primary_account_balance": "true", "suspended": "false",
                           "secret_wo": "var.secret_plain", "allow_duplicate_name": "false",
                           "return_funds_on_destroy": "true", "timeouts": '"5m"'},
        destroyed=lambda sandbox, state: sandbox.api("GET", subaccount_url(sandbox, state)).body["suspended"] is True,
        import_args={"name": '"conformance"'},
    ),
    Case(
        type="vonage_api_secret_rotation",
        # It refuses the provider's own account: it rotates a subaccount's secrets.
        base={"api_key": "var.subaccount_api_key", "secret_wo": "var.secret", "secret_wo_version": "1"},
        update={"secret_wo_version": "2"},  # a rotation
        import_id=lambda sandbox, state: state["api_key"],
        identity=lambda sandbox, state: {"api_key": state["api_key"]},
        # The current secret, which the planned rotation keeps as the new previous one, is revoked.
        drift=lambda sandbox, state: sandbox.api("DELETE",
                                                 f"/accounts/{state['api_key']}/secrets/{state['current_id']}"),
        drift_error="The current API secret changed since the plan",
        known_after_apply={"api_key": "var.subaccount_api_key", "secret_wo": "var.secret_plain",
                           "secret_wo_version": "1", "rotate_after": '"720h"', "timeouts": '"5m"'},
        # Destroy revokes the previous secret and leaves the current one.
        destroyed=lambda sandbox, state: secret_ids(sandbox, state["api_key"]) == [state["current_id"]],
        # Adopting both secrets as they are: no value, no version.
        import_args={"api_key": "var.subaccount_api_key"},
        setup=a_subaccount,
    ),
    Case(
        type="vonage_subaccount_number",
        base={"api_key": "var.subaccount_api_key", "number": "var.number", "country": '"GB"'},
        update={},  # only the timeouts block updates in place: every argument replaces
        import_id=lambda sandbox, state: f"{state['api_key']}/{NUMBER}",
        identity=lambda sandbox, state: {"api_key": state["api_key"], "number": NUMBER},
        # Moved back to the primary outside Terraform: the saved plan's apply moves it to the subaccount again.
        drift=lambda sandbox, state: move_number(sandbox, state, sandbox.api_key),
        drift_error=None,
        known_after_apply={"api_key": "var.subaccount_api_key", "number": f'"+{NUMBER}"', "country": '"GB"',
                           "timeouts": '"5m"'},
        destroyed=lambda sandbox, state: number_holder(sandbox) == sandbox.api_key,
        setup=a_subaccount_and_a_number,
    ),
]

IDS = [c.type for c in CASES]


def timeouts_update(case: Case) -> str:
    return "  timeouts {\n    update = \"7m\"\n  }" if case.timeouts else ""


def updated_config(case: Case) -> str:
    """The configuration of an in-place update: `update`'s arguments, or a changed timeouts block."""
    text = case.config({**case.base, **case.update})
    if not case.update:
        text = text.replace(f'resource "{case.type}" "this" {{\n', f'resource "{case.type}" "this" {{\n'
                            + timeouts_update(case) + "\n", 1)
    return text


def state_of(tf: h.Terraform, address: str) -> dict:
    resources = tf.json("show", "-json").get("values", {}).get("root_module", {}).get("resources", [])
    found = [r["values"] for r in resources if r["address"] == address]
    return found[0] if found else {}


def prepare(case: Case, tf: h.Terraform, sandbox: h.Sandbox) -> dict[str, str]:
    """Aim the provider at the sandbox and run the case's setup; its values become variables in setup.tf."""
    tf.env.update(sandbox.provider_env)
    values = case.setup(sandbox) if case.setup else {}
    tf.write("setup.tf", "".join(f'variable "{name}" {{\n  type    = string\n  default = "{value}"\n}}\n\n'
                                 for name, value in values.items()))
    return values


def value_of(expr: str, values: dict[str, str]) -> str:
    """What an argument's HCL expression from the table evaluates to: a literal, or a setup variable."""
    if expr.startswith("var.") and expr[4:] in values:
        return values[expr[4:]]
    return expr.strip('"')


def same(got, want: str) -> bool:
    """A state value against a literal from the table (numbers and bools compared as Terraform prints them)."""
    return str(got).lower() == want.lower()


@pytest.fixture
def created(tf, sandbox):
    """A function that creates `case`'s object with its base configuration and returns its state."""

    def create(case: Case) -> dict:
        prepare(case, tf, sandbox)
        tf.write("main.tf", case.config(case.base))
        run(tf, "apply", "-auto-approve")
        return state_of(tf, case.address)

    return create


def empty_plan(tf: h.Terraform) -> None:
    run(tf, "plan", "-detailed-exitcode", rc=0)


def refresh_finds_nothing(tf: h.Terraform) -> None:
    """`plan -refresh-only` reports no drift. Terraform before 1.15.0 can exit 2 from `-detailed-exitcode` while
    saying "No changes" (hashicorp/terraform#36403, fixed by "remove the use of reflect.DeepEqual for states"), so
    there the saved plan's JSON is the judge."""
    result = run(tf, "plan", "-refresh-only", "-detailed-exitcode", "-out", "refresh.tfplan", rc=None)
    assert result.rc in (0, 2), result.explain()
    assert not result.says("changed outside of Terraform"), result.explain()
    plan = tf.json("show", "-json", "refresh.tfplan")
    assert not plan.get("resource_drift") and not plan.get("resource_changes"), plan.get("resource_drift")
    if tf.binary.version_tuple() >= (1, 15):
        assert result.rc == 0, result.explain()


# ---------------------------------------------------------------------------------------------------------------
# The paths


def test_every_managed_resource_has_a_case(tf):
    """The table covers the provider: a new resource fails here until it joins CASES."""
    tf.write("main.tf", h.PROVIDER_BLOCK)
    schema = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    assert sorted(schema["resource_schemas"]) == sorted(IDS)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_then_empty_plan(case, tf, created):
    state = created(case)
    assert state, "the object is in state"
    empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("refresh", ["refresh", "no_refresh"])
def test_update_in_place(case, refresh, tf, sandbox, created):
    before = created(case)
    tf.write("main.tf", updated_config(case))
    plan = run(tf, "plan", "-detailed-exitcode", rc=2)
    assert plan.says("update in-place") and not plan.says("must be replaced"), plan.explain()
    run(tf, "apply", "-auto-approve", *(["-refresh=false"] if refresh == "no_refresh" else []))
    after = state_of(tf, case.address)
    for name, expr in case.update.items():
        assert same(after[name], expr.strip('"')), (name, after)
    if not case.update:
        assert after["timeouts"]["update"] == "7m", after
    assert case.identity(sandbox, before) == case.identity(sandbox, after), "an update keeps the object"
    empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_saved_plan_applied_after_drift(case, tf, sandbox, created):
    state = created(case)
    tf.write("main.tf", updated_config(case))
    run(tf, "plan", "-out", "update.tfplan")
    case.drift(sandbox, state)
    if case.drift_error is None:
        run(tf, "apply", "update.tfplan")
        empty_plan(tf)
    else:
        apply = run(tf, "apply", "update.tfplan", rc=1)
        assert apply.says(case.drift_error), apply.explain()
        # The next plan sees the change and repairs it.
        run(tf, "apply", "-auto-approve")
        empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_replace_and_taint(case, tf, created):
    created(case)
    run(tf, "apply", "-auto-approve", f"-replace={case.address}")
    empty_plan(tf)
    run(tf, "taint", case.address)
    plan = run(tf, "plan", "-detailed-exitcode", rc=2)
    assert plan.says("tainted"), plan.explain()
    run(tf, "untaint", case.address)
    empty_plan(tf)
    run(tf, "taint", case.address)
    run(tf, "apply", "-auto-approve")
    empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_refresh_only_right_after_create_reports_nothing(case, tf, created):
    created(case)
    refresh_finds_nothing(tf)
    run(tf, "apply", "-refresh-only", "-auto-approve")
    empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_import_then_empty_plan(case, tf, sandbox, created):
    state = created(case)
    import_config = case.config(case.base if case.import_args is None else case.import_args)
    run(tf, "state", "rm", case.address)
    tf.write("main.tf", import_config)
    run(tf, "import", case.address, case.import_id(sandbox, state))
    empty_plan(tf)
    if tf.binary.version_tuple() >= (1, 12):
        # And by identity, with an import block.
        run(tf, "state", "rm", case.address)
        identity = ", ".join(f'{k} = "{v}"' for k, v in case.identity(sandbox, state).items())
        block = f"import {{\n  to       = {case.address}\n  identity = {{ {identity} }}\n}}\n"
        tf.write("main.tf", import_config + block)
        run(tf, "apply", "-auto-approve")
        tf.write("main.tf", import_config)
        empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_known_only_after_apply(case, tf, sandbox):
    values = prepare(case, tf, sandbox)
    later = case.known_after_apply
    args = {**case.base, **{k: v for k, v in later.items() if k != "timeouts"}}
    tf.write("main.tf", case.config(args, later=later))
    plan = run(tf, "plan", "-out", "later.tfplan")
    assert plan.says("known after apply"), plan.explain()
    run(tf, "apply", "later.tfplan")
    state = state_of(tf, case.address)
    for name, expr in later.items():
        if name == "timeouts":
            assert state["timeouts"]["create"] == expr.strip('"'), state
        elif name not in ("secret_wo",):
            want = value_of(expr, values)
            assert same(state[name], want), (name, state[name], want)
    empty_plan(tf)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_destroy(case, tf, sandbox, created):
    state = created(case)
    run(tf, "destroy", "-auto-approve")
    assert state_of(tf, case.address) == {}
    assert case.destroyed(sandbox, state), f"{case.type} not destroyed remotely"


# ---------------------------------------------------------------------------------------------------------------
# Data sources: read during plan when their configuration is known, during apply when it is not.

DATA_SOURCES = {
    "vonage_balance": {"api_key": f'"{h.SANDBOX_API_KEY}"'},
    "vonage_api_secrets": {"api_key": f'"{h.SANDBOX_API_KEY}"'},
    "vonage_subaccounts": {},
}


@pytest.mark.parametrize("name", sorted(DATA_SOURCES))
def test_data_source_read_at_plan_and_with_values_known_only_after_apply(name, tf, sandbox):
    tf.env.update(sandbox.provider_env)
    args = DATA_SOURCES[name]
    known = "\n".join(f"  {k} = {v}" for k, v in args.items())
    later = "\n".join(f"  {k} = terraform_data.later_{k}.output" for k in args)
    data = "".join(f'resource "terraform_data" "later_{k}" {{\n  input = {v}\n}}\n' for k, v in args.items())
    tf.write("main.tf", h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

{data}
data "{name}" "known" {{
{known}
}}

data "{name}" "later" {{
{later}
}}

output "same" {{
  value = jsonencode(data.{name}.known) == jsonencode(data.{name}.later)
}}
""")
    plan = run(tf, "plan")
    if args:
        assert plan.says(f"data.{name}.later will be read during apply"), plan.explain()
    run(tf, "apply", "-auto-approve")
    assert tf.json("output", "-json")["same"]["value"] is True
    empty_plan(tf)
