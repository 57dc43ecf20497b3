"""examples/ is what users copy and what the docs render: it must be `terraform fmt` clean, every directory must
validate against the real provider, and it must follow the Registry (tfplugindocs) layout."""

from __future__ import annotations

from pathlib import Path

import pytest

import tfharness as h

EXAMPLES = h.REPO / "examples"
EXAMPLE_DIRS = sorted({p.parent for p in EXAMPLES.rglob("*.tf")})


def rel(path: Path) -> str:
    return str(path.relative_to(EXAMPLES))


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


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=[rel(d) for d in EXAMPLE_DIRS])
def test_example_validates(tf, example):
    tf.copy_config(example)
    result = tf.run("validate", "-json")
    doc = result.json()
    assert result.rc == 0 and doc["valid"] is True, f"{rel(example)}:\n{result.explain()}"


def test_registry_layout_matches_schema(tf):
    """Every resource, data source and ephemeral resource has its example (and resources an import.sh), and
    no example names a type the provider does not have."""
    tf.write("main.tf", h.PROVIDER_BLOCK)
    schema = tf.json("providers", "schema", "-json")["provider_schemas"][h.PROVIDER_ADDRESS]
    resources = set(schema.get("resource_schemas", {}))
    data_sources = set(schema.get("data_source_schemas", {}))
    ephemerals = set(schema.get("ephemeral_resource_schemas", {}))

    missing = [f"resources/{r}/resource.tf" for r in resources if not (EXAMPLES / "resources" / r / "resource.tf").is_file()]
    missing += [f"resources/{r}/import.sh" for r in resources if not (EXAMPLES / "resources" / r / "import.sh").is_file()]
    missing += [f"data-sources/{d}/data-source.tf" for d in data_sources
                if not (EXAMPLES / "data-sources" / d / "data-source.tf").is_file()]
    missing += [f"ephemeral-resources/{e}/ephemeral-resource.tf" for e in ephemerals
                if not (EXAMPLES / "ephemeral-resources" / e / "ephemeral-resource.tf").is_file()]
    assert not missing, f"missing examples: {sorted(missing)}"

    unknown = [p.name for p in (EXAMPLES / "resources").iterdir() if p.name not in resources]
    unknown += [p.name for p in (EXAMPLES / "data-sources").iterdir() if p.name not in data_sources]
    if (EXAMPLES / "ephemeral-resources").is_dir():
        unknown += [p.name for p in (EXAMPLES / "ephemeral-resources").iterdir() if p.name not in ephemerals]
    assert not unknown, f"example directories for types the provider does not have: {unknown}"
