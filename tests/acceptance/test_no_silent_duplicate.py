"""No silent duplicate subaccount (issue 19, item 1), under real Terraform against the sandbox.

Vonage cannot delete a subaccount, so a second one of the same name made by mistake stays forever. A plan that
creates a `vonage_subaccount` fails when an active one of that name exists, naming it and the `import` block that
adopts it; the block works as given; `allow_duplicate_name = true` creates one on purpose; a name known only at
apply is checked just before the POST. The kill -9 runs are in test_kill9.py (a few subaccounts) and
tests/scale/test_kill9_at_scale.py (dozens, a `.ci/run` step).
"""

from __future__ import annotations

import pytest

import tfharness as h


def subaccounts(sandbox: h.Sandbox) -> list[dict]:
    return sandbox.api("GET", f"/accounts/{sandbox.api_key}/subaccounts").body["_embedded"]["subaccounts"]


def posts(sandbox: h.Sandbox) -> list[dict]:
    return [c for c in sandbox.calls() if c["method"] == "POST" and c["path"].endswith("/subaccounts")]


TEAM = h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "vonage_subaccount" "team" {
  name = "team"
}
"""


@pytest.mark.all_terraform_versions
def test_a_create_of_an_existing_name_fails_naming_the_import_block_that_adopts_it(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "team"}).body
    # A suspended subaccount of the name is no duplicate.
    old = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "team"}).body
    assert sandbox.api("PATCH", f"/accounts/{sandbox.api_key}/subaccounts/{old['api_key']}",
                       json={"suspended": True}).status == 200
    tf.write("main.tf", TEAM)
    sandbox.clear_calls()
    refused = tf.run("plan")
    assert refused.rc == 1, refused.explain()
    assert refused.says('Error: An active subaccount named "team" already exists'), refused.explain()
    assert refused.says(f"{made['api_key']} (created {made['created_at'][:19]}"), refused.explain()
    assert not refused.says(old["api_key"]), "a suspended one is not named"
    assert refused.says('name = "team"'), "the diagnostic points at the attribute"
    block = f'import {{\n    to = ADDRESS\n    id = "{made["api_key"]}"\n  }}'
    assert block in refused.stdout + refused.stderr, refused.explain()
    assert refused.says("allow_duplicate_name = true"), refused.explain()
    assert posts(sandbox) == []

    # The block, as given, adopts it.
    tf.write("main.tf", TEAM + "\n" + block.replace("ADDRESS", "vonage_subaccount.team").replace("\n  ", "\n") + "\n")
    tf.run("apply", "-auto-approve").ok()
    assert posts(sandbox) == [], "adopted, not created"
    state = tf.json("show", "-json")["values"]["root_module"]["resources"]
    assert [r["values"]["api_key"] for r in state] == [made["api_key"]]

    # On purpose, a second one.
    tf.write("main.tf", TEAM + """
resource "vonage_subaccount" "twin" {
  name                 = "team"
  allow_duplicate_name = true
}
""")
    tf.run("apply", "-auto-approve").ok()
    active = [s for s in subaccounts(sandbox) if s["name"] == "team" and not s["suspended"]]
    assert len(active) == 2 and len(posts(sandbox)) == 1, active


def test_a_name_known_only_at_apply_is_checked_just_before_the_post(tf, sandbox):
    tf.env.update(sandbox.provider_env)
    made = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", json={"name": "later"}).body
    tf.write("main.tf", h.PROVIDER_BLOCK + """
provider "vonage" {}

resource "terraform_data" "name" {
  input = "later"
}

resource "vonage_subaccount" "later" {
  name = terraform_data.name.output
}
""")
    sandbox.clear_calls()
    result = tf.run("apply", "-auto-approve")
    assert result.rc == 1, result.explain()
    assert result.says('Error: An active subaccount named "later" already exists'), result.explain()
    assert result.says(made["api_key"]), result.explain()
    assert posts(sandbox) == [], "refused before the POST"
    assert [s["name"] for s in subaccounts(sandbox)] == ["later"]
