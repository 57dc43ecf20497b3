"""The provider's schema as real Terraform sees it: `terraform validate` and `terraform providers schema -json`.

The expected attribute flags below are the schema contract of DESIGN.md; docs (scripts/gen_docs.py) and examples
are generated from and checked against the same output.
"""

from __future__ import annotations

import pytest

import tfharness as h

# Each Terraform version reads the schema its own way (write_only, identity).
pytestmark = pytest.mark.all_terraform_versions

CONFIG = h.PROVIDER_BLOCK + """
provider "vonage" {}

variable "new_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vonage_account_settings" "this" {
  mo_callback_url     = "https://example.com/inbound"
  http_forward_method = "POST_JSON"
}

resource "vonage_api_secret" "this" {
  secret_wo         = var.new_secret
  secret_wo_version = 1
}

data "vonage_balance" "this" {}
"""

# A list of objects, as either a `list(object)` type or a list nested attribute; the fields are checked separately.
LIST_OF_OBJECTS = "list of objects"
OBJECT_FIELDS = {
    ("data_source", "vonage_api_secrets", "secrets"): {"id", "created_at"},
    ("data_source", "vonage_subaccounts", "subaccounts"): {"api_key", "name"},
}

# kind -> name -> attribute -> (type, flags). Flags: "required", "optional", "computed", "sensitive", "write_only".
# Only the flags listed are asserted (an optional attribute with a default may also be computed).
EXPECTED = {
    "provider": {
        "vonage": {
            "api_key": ("string", {"optional"}),
            "api_secret": ("string", {"optional", "sensitive"}),
            "api_url": ("string", {"optional"}),
            "rest_url": ("string", {"optional"}),
            "max_retries": ("number", {"optional"}),
            "retry_max_seconds": ("number", {"optional"}),
            "request_timeout_seconds": ("number", {"optional"}),
            "rate_limit_per_second": ("number", {"optional"}),
        },
    },
    "resource": {
        "vonage_account_settings": {
            "id": ("string", {"computed"}),
            "mo_callback_url": ("string", {"optional"}),
            "dr_callback_url": ("string", {"optional"}),
            "http_forward_method": ("string", {"optional"}),
            "max_outbound_request": ("number", {"computed"}),
            "max_inbound_request": ("number", {"computed"}),
            "max_calls_per_second": ("number", {"computed"}),
        },
        "vonage_api_secret": {
            "id": ("string", {"computed"}),
            "created_at": ("string", {"computed"}),
            "api_key": ("string", {"optional", "computed"}),
            "secret_wo": ("string", {"write_only"}),
            "secret_wo_version": ("number", {"optional"}),
            "secret": ("string", {"optional", "sensitive"}),
        },
        "vonage_subaccount": {
            "api_key": ("string", {"computed"}),
            "name": ("string", {"required"}),
            "use_primary_account_balance": ("bool", {"optional"}),
            "suspended": ("bool", {"optional"}),
            "balance": ("number", {"computed"}),
            "credit_limit": ("number", {"computed"}),
            "created_at": ("string", {"computed"}),
            "secret_wo": ("string", {"optional", "write_only"}),  # initial secret only: no version, no rotation
            "primary_account_api_key": ("string", {"computed"}),
        },
    },
    "data_source": {
        "vonage_balance": {
            "api_key": ("string", {"optional", "computed"}),
            "value": ("number", {"computed"}),
            "auto_reload": ("bool", {"computed"}),
        },
        "vonage_api_secrets": {
            "api_key": ("string", {"optional", "computed"}),
            "secrets": (LIST_OF_OBJECTS, {"computed"}),
        },
        "vonage_subaccounts": {
            "primary_account_api_key": ("string", {"computed"}),
            "total_balance": ("number", {"computed"}),
            "total_credit_limit": ("number", {"computed"}),
            "subaccounts": (LIST_OF_OBJECTS, {"computed"}),
        },
    },
    "ephemeral_resource": {
        "vonage_generated_secret": {
            "length": ("number", {"optional"}),
            "value": ("string", {"computed", "sensitive"}),
        },
    },
}

TIMEOUTS = {"vonage_account_settings": {"create", "read", "update", "delete"}, "vonage_api_secret": None}


def provider_schema(tf: h.Terraform) -> dict:
    tf.write("main.tf", CONFIG)
    doc = tf.json("providers", "schema", "-json")
    schemas = doc.get("provider_schemas", {})
    assert h.PROVIDER_ADDRESS in schemas, f"{h.PROVIDER_ADDRESS} not in {sorted(schemas)}"
    return schemas[h.PROVIDER_ADDRESS]


def block_of(schema: dict, kind: str, name: str) -> dict:
    if kind == "provider":
        return schema["provider"]["block"]
    table = schema.get(f"{kind}_schemas", {})
    assert name in table, f"{kind} {name} missing; the provider has {sorted(table)}"
    return table[name]["block"]


def object_fields(spec: dict) -> set[str] | None:
    """Field names when the attribute is a list of objects (a list(object) type or a list nested attribute)."""
    if spec.get("nested_type", {}).get("nesting_mode") == "list":
        return set(spec["nested_type"]["attributes"])
    typ = spec.get("type")
    if isinstance(typ, list) and typ[0] == "list" and isinstance(typ[1], list) and typ[1][0] == "object":
        return set(typ[1][1])
    return None


def all_blocks(schema: dict):
    """(label, block) for the provider and every resource and data source, nested blocks and nested attributes
    included."""
    def walk(label, block):
        yield label, block
        for child, nested in block.get("block_types", {}).items():
            yield from walk(f"{label}.{child}", nested["block"])
        for child, spec in block.get("attributes", {}).items():
            if "nested_type" in spec:
                yield from walk(f"{label}.{child}", spec["nested_type"])

    yield from walk("provider", schema["provider"]["block"])
    for kind in ("resource", "data_source", "ephemeral_resource"):
        for name, entry in schema.get(f"{kind}_schemas", {}).items():
            yield from walk(f"{kind} {name}", entry["block"])


def test_validate(tf):
    tf.write("main.tf", CONFIG)
    doc = tf.run("validate", "-json").json()
    assert doc["valid"] is True, doc["diagnostics"]
    assert doc["error_count"] == 0


def test_validate_rejects_unknown_attribute(tf):
    tf.write("main.tf", h.PROVIDER_BLOCK + 'resource "vonage_account_settings" "x" {\n  no_such_thing = 1\n}\n')
    result = tf.run("validate", "-json")
    assert result.rc == 1, result.explain()
    doc = result.json()
    assert doc["valid"] is False
    assert any("no_such_thing" in (d.get("detail", "") + d.get("summary", "")) for d in doc["diagnostics"]), doc


def test_schema_lists_core_types(tf):
    schema = provider_schema(tf)
    assert {"vonage_account_settings", "vonage_api_secret"} <= set(schema["resource_schemas"])
    assert "vonage_balance" in schema["data_source_schemas"]

    provider_attrs = schema["provider"]["block"]["attributes"]
    assert provider_attrs["api_secret"].get("sensitive") is True
    assert not provider_attrs["api_key"].get("sensitive", False)

    secret_attrs = schema["resource_schemas"]["vonage_api_secret"]["block"]["attributes"]
    if tf.binary.version_tuple() >= (1, 11):  # older CLIs drop the flag from the JSON
        assert secret_attrs["secret_wo"].get("write_only") is True, secret_attrs["secret_wo"]
    assert "secret_wo" not in {a for a, v in secret_attrs.items() if v.get("computed")}


@pytest.mark.parametrize("kind,name", [(k, n) for k, names in EXPECTED.items() for n in names])
def test_schema_contract(tf, kind, name):
    block = block_of(provider_schema(tf), kind, name)
    attrs = block.get("attributes", {})
    problems = []
    for attr, (typ, flags) in EXPECTED[kind][name].items():
        if attr not in attrs:
            problems.append(f"{attr}: missing")
            continue
        got = attrs[attr]
        if typ == LIST_OF_OBJECTS:
            fields = object_fields(got)
            want = OBJECT_FIELDS[(kind, name, attr)]
            if fields is None or not want <= fields:
                problems.append(f"{attr}: want a list of objects with {sorted(want)}, got {got.get('type') or got.get('nested_type')}")
        elif got.get("type") != typ:
            problems.append(f"{attr}: type {got.get('type')!r}, want {typ!r}")
        for flag in flags:
            if flag == "write_only" and tf.binary.version_tuple() < (1, 11):
                continue
            if got.get(flag) is not True:
                problems.append(f"{attr}: not {flag}")
    assert not problems, f"{kind} {name}: " + "; ".join(problems)

    if kind == "resource" and name in TIMEOUTS:
        assert "timeouts" in block.get("block_types", {}), f"{name} has no timeouts block"
        want = TIMEOUTS[name]
        got = set(block["block_types"]["timeouts"]["block"].get("attributes", {}))
        if want is not None:
            assert got == want, f"{name} timeouts: {sorted(got)}"


def test_schema_secret_values_are_never_plain(tf):
    """Anything that carries secret material is Sensitive or write-only: the docs promise it never shows in plans.
    A secret's id (`id`, the provider's `api_secret_id`) and version are no secret: Vonage lists ids to anyone who
    may manage the account, and state shows them."""
    schema = provider_schema(tf)
    leaks = [f"{label}.{attr}" for label, block in all_blocks(schema)
             for attr, spec in block.get("attributes", {}).items()
             if "secret" in attr and spec.get("type") == "string" and not attr.endswith(("_version", "_id"))
             and not (spec.get("sensitive") or spec.get("write_only") or attr == "id")]
    assert not leaks, f"secret-like string attributes that are neither sensitive nor write-only: {leaks}"


def test_schema_every_attribute_is_described(tf):
    """Docs are generated from schema descriptions, so an undocumented attribute is a docs bug."""
    schema = provider_schema(tf)
    undocumented = [f"{label}.{attr}" for label, block in all_blocks(schema)
                    for attr, spec in block.get("attributes", {}).items()
                    if not spec.get("description", "").strip()]
    assert not undocumented, f"attributes without a description: {undocumented}"


@pytest.mark.min_terraform("1.12")
def test_resource_identities(tf):
    """Resource identity (Terraform 1.12+): what an `import { identity = {...} }` block names, matching import IDs."""
    identities = provider_schema(tf).get("resource_identity_schemas", {})
    want = {"vonage_account_settings": {"api_key"}, "vonage_api_secret": {"api_key", "id"},
            "vonage_subaccount": {"api_key"}}
    got = {name: {a for a, spec in identities.get(name, {}).get("attributes", {}).items()
                  if spec.get("required_for_import")} for name in want}
    assert got == want
