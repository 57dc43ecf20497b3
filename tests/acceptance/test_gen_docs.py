"""scripts/gen_docs.py against a hand-written schema (fixtures/provider_schema.json): page set, schema sections,
flags, nested schemas, examples, import, templates and the --check mode. No Terraform or provider needed."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tfharness as h

SCRIPT = h.REPO / "scripts" / "gen_docs.py"
FIXTURE = Path(__file__).parent / "fixtures" / "provider_schema.json"

spec = importlib.util.spec_from_file_location("gen_docs", SCRIPT)
gen_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_docs)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return gen_docs.render_all(json.loads(FIXTURE.read_text()))


def section(page: str, heading: str) -> str:
    """Text of a markdown section from `heading` up to the next heading of the same or higher level
    (lines inside ``` fences are never headings)."""
    level = len(heading.split()[0])
    lines = page.splitlines()
    start = lines.index(heading) + 1
    out, fenced = [], False
    for line in lines[start:]:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#") and len(line.split()[0]) <= level and set(line.split()[0]) == {"#"}:
            break
        out.append(line)
    return "\n".join(out)


def test_page_set(pages):
    assert sorted(pages) == [
        "actions/balance_transfer.md",
        "data-sources/api_secrets.md", "data-sources/balance.md", "data-sources/subaccounts.md",
        "ephemeral-resources/generated_secret.md", "index.md", "list-resources/api_secret.md",
        "resources/account_settings.md", "resources/api_secret.md", "resources/subaccount.md",
    ]


def test_front_matter(pages):
    page = pages["resources/account_settings.md"]
    assert page.startswith("---\n")
    front = page.split("---\n")[1]
    assert 'page_title: "vonage_account_settings Resource - vonage"' in front
    assert 'subcategory: ""' in front
    assert "description: |-\n  The SMS settings of a Vonage account" in front
    assert 'page_title: "vonage_balance Data Source - vonage"' in pages["data-sources/balance.md"]
    assert 'page_title: "vonage Provider"' in pages["index.md"]


def test_schema_sections_and_flags(pages):
    page = pages["resources/api_secret.md"]
    optional = section(page, "### Optional")
    read_only = section(page, "### Read-Only")
    assert "- `secret_wo` (String, Write-only) The secret value: 8-25" in optional
    assert "- `secret` (String, Sensitive) The secret value, kept in state." in optional
    assert "- `api_key` (String) API key" in optional  # optional+computed is listed as Optional
    assert "- `timeouts` (Block, Optional) (see [below for nested schema](#nestedblock--timeouts))" in optional
    assert "- `id` (String) The secret's id." in read_only and "created_at" in read_only
    assert "secret_wo" not in read_only
    assert gen_docs.WRITE_ONLY_NOTE in page
    assert '<a id="nestedblock--timeouts"></a>\n### Nested Schema for `timeouts`' in page
    assert "- `update`" not in page  # the fixture's api_secret timeouts has no update
    assert gen_docs.WRITE_ONLY_NOTE not in pages["resources/account_settings.md"]


def test_required_and_deprecated(pages):
    page = pages["resources/subaccount.md"]
    assert "- `name` (String) Name of the subaccount." in section(page, "### Required")
    assert "- `legacy_flag` (Boolean, Deprecated) Kept for compatibility" in section(page, "### Optional")
    assert "- `use_primary_account_balance` (Boolean)" in section(page, "### Optional")


def test_nested_types(pages):
    secrets = pages["data-sources/api_secrets.md"]
    assert "- `secrets` (List of Object) The account's secrets" in secrets
    nested = section(secrets, "### Nested Schema for `secrets`")
    assert "Read-Only:\n\n- `created_at` (String)\n- `id` (String)" in nested
    subs = pages["data-sources/subaccounts.md"]
    assert "- `subaccounts` (Attributes List) The subaccounts. (see [below for nested schema](#nestedatt--subaccounts))" in subs
    assert "- `suspended` (Boolean) Suspended." in section(subs, "### Nested Schema for `subaccounts`")


def test_examples_and_import(pages):
    for rel, example in [
        ("index.md", "provider/provider.tf"),
        ("resources/api_secret.md", "resources/vonage_api_secret/resource.tf"),
        ("resources/account_settings.md", "resources/vonage_account_settings/resource.tf"),
        ("data-sources/balance.md", "data-sources/vonage_balance/data-source.tf"),
    ]:
        body = (h.REPO / "examples" / example).read_text().strip()
        assert f"## Example Usage\n\n```terraform\n{body}\n```" in pages[rel], rel
    assert "versions.tf" not in "".join(pages.values())
    assert 'required_providers' not in section(pages["resources/api_secret.md"], "## Example Usage").split("## Rotating")[0]

    imp = section(pages["resources/api_secret.md"], "## Import")
    assert "import {\n  to = vonage_api_secret.this" in imp
    assert "terraform import vonage_api_secret.this abcd1234/" in imp
    assert "## Import" not in pages["data-sources/balance.md"] and "## Import" not in pages["index.md"]


def test_ephemeral_resource_page(pages):
    page = pages["ephemeral-resources/generated_secret.md"]
    assert 'page_title: "vonage_generated_secret Ephemeral Resource - vonage"' in page
    assert "# vonage_generated_secret (Ephemeral Resource)\n\n" + gen_docs.EPHEMERAL_NOTE in page
    assert "- `value` (String, Sensitive) The generated secret." in section(page, "### Read-Only")
    body = (h.REPO / "examples/ephemeral-resources/vonage_generated_secret/ephemeral-resource.tf").read_text().strip()
    assert f"```terraform\n{body}\n```" in page
    assert "## Import" not in page


def test_action_page(pages):
    page = pages["actions/balance_transfer.md"]
    assert 'page_title: "vonage_balance_transfer Action - vonage"' in page
    assert "# vonage_balance_transfer (Action)\n\n" + gen_docs.ACTION_NOTE in page
    assert "Terraform 1.14 and later" in gen_docs.ACTION_NOTE
    assert "- `amount` (Number) The amount in EUR." in section(page, "### Required")
    assert "- `reference` (String) Free text for the audit log." in section(page, "### Optional")
    assert "### Read-Only" not in page and "## Import" not in page
    body = (h.REPO / "examples/actions/vonage_balance_transfer/action.tf").read_text().strip()
    assert f"```terraform\n{body}\n```" in page


def test_list_resource_page(pages):
    page = pages["list-resources/api_secret.md"]
    assert 'page_title: "vonage_api_secret List Resource - vonage"' in page
    assert page.startswith("---") and "\n# vonage_api_secret (List Resource)\n" in page
    assert gen_docs.LIST_NOTE in page and "Terraform 1.14" in gen_docs.LIST_NOTE
    assert "- `api_key` (String) The account to list." in section(page, "### Optional")
    example = h.REPO / "examples/list-resources/vonage_api_secret/list-resource.tfquery.hcl"
    assert f"## Example Usage\n\n```terraform\n{example.read_text().strip()}\n```" in page
    assert "## Import" not in page
    # The managed resource of the same name keeps its own page.
    assert "(Resource)" in pages["resources/api_secret.md"]


def test_identity_import(pages):
    imp = section(pages["resources/api_secret.md"], "## Import")
    assert ('import {\n  to = vonage_api_secret.this\n  identity = {\n    api_key = "<api_key>"\n'
            '    id      = "<id>"\n  }\n}') in imp
    assert "- `id` (String, Required) The secret's id." in imp
    assert imp.index("id = \"abcd1234/") < imp.index("identity = {") < imp.index("terraform import")
    assert "identity = {" not in pages["resources/account_settings.md"]  # the fixture gives it no identity


def test_templates_are_merged(pages):
    page = pages["resources/api_secret.md"]
    assert "## Rotating a secret" in page
    assert "create_before_destroy = true" in page  # from the tffile marker
    assert "{{" not in "".join(pages.values())
    # the template decides the order: prose before Example Usage, Schema before Import
    assert page.index("At most two secrets") < page.index("## Example Usage") < page.index("## Schema") < page.index("## Import")
    assert "Destroy suspends, it does not delete." in pages["resources/subaccount.md"]


def test_bad_template_markers_are_errors():
    with pytest.raises(SystemExit, match="unknown marker"):
        gen_docs.fill_template("# x\n\n{{ .Schemaa }}\n", {".Schema": ""}, "x.md.tmpl")
    with pytest.raises(SystemExit, match="unrecognised template syntax"):
        gen_docs.fill_template("# x\n\n{{ range .Things }}\n", {".Schema": ""}, "x.md.tmpl")
    with pytest.raises(SystemExit, match="does not exist"):
        gen_docs.fill_template('{{ tffile "examples/nope.tf" }}', {}, "x.md.tmpl")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--schema-json", str(FIXTURE), *args],
                          capture_output=True, text=True, timeout=60)


def test_cli_write_then_check(tmp_path):
    out = tmp_path / "docs"
    assert run_cli("--out", str(out)).returncode == 0
    assert (out / "resources" / "api_secret.md").is_file()

    clean = run_cli("--out", str(out), "--check")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    page = out / "resources" / "api_secret.md"
    page.write_text(page.read_text().replace("(String, Write-only)", "(String, Writeonly)"))
    (out / "resources" / "gone.md").write_text("stale page\n")
    stale = run_cli("--out", str(out), "--check")
    assert stale.returncode == 1
    assert "\n-- `secret_wo` (String, Writeonly)" in stale.stdout
    assert "\n+- `secret_wo` (String, Write-only)" in stale.stdout
    assert "docs/resources/gone.md (committed)" in stale.stdout
    assert "docs/ is stale" in stale.stderr

    assert run_cli("--out", str(out)).returncode == 0  # regenerating removes the stale page and fixes the edit
    assert not (out / "resources" / "gone.md").exists()
    assert run_cli("--out", str(out), "--check").returncode == 0

    # Pages outside index.md and the per-kind folders are hand-written: kept, and not checked.
    notes = out / "vonage-api-notes.md"
    notes.write_text("# notes written by hand\n")
    assert run_cli("--out", str(out), "--check").returncode == 0
    assert run_cli("--out", str(out)).returncode == 0
    assert notes.read_text() == "# notes written by hand\n"
