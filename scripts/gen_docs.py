#!/usr/bin/env python3
"""gen_docs.py: write the Registry docs (tfplugindocs layout) from the provider's schema and examples/.

    scripts/gen_docs.py                      # regenerate docs/ from the built provider
    scripts/gen_docs.py --check              # fail with a diff if docs/ is stale
    scripts/gen_docs.py --schema-json FILE   # use a saved `terraform providers schema -json` instead

The schema comes from `terraform providers schema -json`, run by the pinned Terraform (.venv/bin/terraform, or
$TERRAFORM) in a temp dir with dev_overrides pointing at $PROVIDER_BIN_DIR (default target/debug).

Pages: docs/index.md, docs/resources/<short>.md, docs/data-sources/<short>.md,
docs/ephemeral-resources/<short>.md, docs/actions/<short>.md and docs/list-resources/<short>.md (<short> = name
without "vonage_"; a list resource shares its name with the managed resource it lists). Each page body comes from a
template:
templates/index.md.tmpl or templates/<kind dir>/<short>.md.tmpl when present, else the built-in DEFAULT_TEMPLATE. Templates are plain
markdown with these markers, each replaced by a generated section:

    {{ .Description }}   the schema description
    {{ .ExampleUsage }}  "## Example Usage" + examples/<kind>/<name>/<resource|data-source|ephemeral-resource|action|provider>*.tf
                         (list resources: list-resource*.tfquery.hcl, the `terraform query` file)
    {{ .Schema }}        "## Schema" with Required / Optional / Read-Only and nested schemas
    {{ .Import }}        "## Import": import-block.tf, an identity import block built from the resource identity
                         schema (Terraform 1.12+), and import.sh (resources only; empty when there is none)
    {{ tffile "examples/x/y.tf" }}  a file from the repo as a ```terraform block

Any other {{ ... }} marker is an error, so a typo cannot silently vanish from a page.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROVIDER_ADDRESS = "registry.terraform.io/vonage/vonage"
PROVIDER_NAME = "vonage"
WRITE_ONLY_NOTE = "-> **Note:** Write-only arguments are supported in Terraform 1.11 and later."
EPHEMERAL_NOTE = "-> **Note:** Ephemeral resources are supported in Terraform 1.10 and later."
ACTION_NOTE = ("-> **Note:** Actions are supported in Terraform 1.14 and later: invoke one with "
               "`terraform apply -invoke=action.TYPE.NAME`, or from a resource's `lifecycle { action_trigger { ... } }`.")
LIST_NOTE = ("-> **Note:** List resources are supported in Terraform 1.14 and later. They go in `.tfquery.hcl` files "
             "and run with `terraform query`; the arguments below go in the `config` block of a `list` block.")

DEFAULT_TEMPLATE = """# {title}

{{{{ .Description }}}}

{{{{ .ExampleUsage }}}}

{{{{ .Schema }}}}

{{{{ .Import }}}}
"""

# kind -> (docs dir, example dir, example file prefix, title suffix)
KINDS = {
    "resource": ("resources", "resources", "resource", "Resource"),
    "data_source": ("data-sources", "data-sources", "data-source", "Data Source"),
    "ephemeral_resource": ("ephemeral-resources", "ephemeral-resources", "ephemeral-resource", "Ephemeral Resource"),
    "action": ("actions", "actions", "action", "Action"),
    "list_resource": ("list-resources", "list-resources", "list-resource", "List Resource"),
}
# kind -> the note that opens its pages: the Terraform version the kind needs.
NOTES = {"ephemeral_resource": EPHEMERAL_NOTE, "action": ACTION_NOTE, "list_resource": LIST_NOTE}
# kind -> the file name ending of its examples
EXAMPLE_SUFFIX = {"list_resource": ".tfquery.hcl"}


# ------------------------------------------------------------------------------------------------ schema input

def schema_from_terraform() -> dict:
    terraform = os.environ.get("TERRAFORM") or str(REPO / ".venv" / "bin" / "terraform")
    provider_dir = Path(os.environ.get("PROVIDER_BIN_DIR") or REPO / "target" / "debug").resolve()
    if not (provider_dir / f"terraform-provider-{PROVIDER_NAME}").is_file():
        sys.exit(f"gen_docs: {provider_dir}/terraform-provider-{PROVIDER_NAME} not built (cargo build --bins)")
    if not Path(terraform).exists():
        sys.exit(f"gen_docs: {terraform} missing (scripts/setup.sh)")
    with tempfile.TemporaryDirectory(prefix="gen_docs.") as tmp:
        tfrc = Path(tmp, "dev.tfrc")
        tfrc.write_text('provider_installation {\n  dev_overrides {\n'
                        f'    "{PROVIDER_ADDRESS}" = {json.dumps(str(provider_dir))}\n  }}\n  direct {{}}\n}}\n')
        Path(tmp, "main.tf").write_text('terraform {\n  required_providers {\n'
                                        f'    {PROVIDER_NAME} = {{ source = "vonage/{PROVIDER_NAME}" }}\n  }}\n}}\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "VONAGE_"))}
        env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0", TF_CLI_CONFIG_FILE=str(tfrc),
                   TMPDIR=tmp)
        proc = subprocess.run([terraform, "providers", "schema", "-json"], cwd=tmp, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"gen_docs: terraform providers schema -json failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


# ------------------------------------------------------------------------------------------------ rendering

def type_label(typ) -> str:
    if isinstance(typ, str):
        return {"string": "String", "number": "Number", "bool": "Boolean", "dynamic": "Dynamic"}.get(typ, typ)
    kind, inner = typ[0], typ[1]
    if kind in ("list", "set", "map"):
        return f"{kind.capitalize()} of {type_label(inner)}"
    if kind == "object":
        return "Object"
    if kind == "tuple":
        return "Tuple"
    return str(typ)


def object_fields(typ) -> dict | None:
    """The fields of an object type, or of the object elements of a list/set/map type."""
    if isinstance(typ, list):
        if typ[0] == "object":
            return typ[1]
        if typ[0] in ("list", "set", "map"):
            return object_fields(typ[1])
    return None


def flags(spec: dict) -> list[str]:
    out = []
    if spec.get("sensitive"):
        out.append("Sensitive")
    if spec.get("write_only"):
        out.append("Write-only")
    if spec.get("deprecated"):
        out.append("Deprecated")
    return out


def description(spec: dict) -> str:
    return " ".join(spec.get("description", "").split())


class SchemaRenderer:
    """Renders one block (and, below it, every nested block, nested attribute and object type)."""

    def __init__(self):
        self.nested: list[str] = []  # "Nested Schema for ..." sections, appended in discovery order

    def section(self, block: dict, path: list[str], top: bool) -> str:
        groups = {"Required": [], "Optional": [], "Read-Only": []}
        for name, spec in block.get("attributes", {}).items():
            group = "Required" if spec.get("required") else "Optional" if spec.get("optional") else "Read-Only"
            groups[group].append((name, self.attribute_line(name, spec, path)))
        for name, bt in block.get("block_types", {}).items():
            group = "Required" if bt.get("min_items", 0) > 0 else "Optional"
            groups[group].append((name, self.block_line(name, bt, path, group)))
        parts = []
        for group, lines in groups.items():
            if not lines:
                continue
            heading = f"### {group}" if top else f"{group}:"
            parts.append(heading + "\n\n" + "\n".join(line for _, line in sorted(lines)))
        return "\n\n".join(parts)

    def anchor(self, prefix: str, path: list[str]) -> str:
        return f"{prefix}--" + "--".join(path)

    def attribute_line(self, name: str, spec: dict, path: list[str]) -> str:
        if "nested_type" in spec:
            nt = spec["nested_type"]
            mode = nt.get("nesting_mode", "single")
            label = "Attributes" if mode == "single" else f"Attributes {mode.capitalize()}"
            anchor = self.anchor("nestedatt", path + [name])
            self.add_nested(anchor, path + [name], nt)
            ref = f" (see [below for nested schema](#{anchor}))"
        else:
            label = type_label(spec.get("type"))
            fields = object_fields(spec.get("type"))
            ref = ""
            if fields is not None:
                anchor = self.anchor("nestedatt", path + [name])
                obj = {"attributes": {f: {"type": t, "computed": not (spec.get("optional") or spec.get("required")),
                                          "optional": bool(spec.get("optional") or spec.get("required"))}
                                      for f, t in fields.items()}}
                self.add_nested(anchor, path + [name], obj)
                ref = f" (see [below for nested schema](#{anchor}))"
        head = ", ".join([label] + flags(spec))
        desc = description(spec)
        return f"- `{name}` ({head}){(' ' + desc) if desc else ''}{ref}"

    def block_line(self, name: str, bt: dict, path: list[str], group: str) -> str:
        mode = bt.get("nesting_mode", "single")
        label = "Block" if mode in ("single", "group") else f"Block {mode.capitalize()}"
        extra = [group]
        if bt.get("max_items"):
            extra.append(f"Max: {bt['max_items']}")
        anchor = self.anchor("nestedblock", path + [name])
        self.add_nested(anchor, path + [name], bt["block"])
        desc = description(bt["block"])
        return (f"- `{name}` ({', '.join([label] + extra + flags(bt['block']))})"
                f"{(' ' + desc) if desc else ''} (see [below for nested schema](#{anchor}))")

    def add_nested(self, anchor: str, path: list[str], block: dict) -> None:
        slot = len(self.nested)
        self.nested.append("")  # reserve the position so parents come before their children
        body = self.section(block, path, top=False)
        self.nested[slot] = f'<a id="{anchor}"></a>\n### Nested Schema for `{".".join(path)}`\n\n{body}'

    def render(self, block: dict) -> str:
        body = self.section(block, [], top=True)
        has_wo = '"write_only": true' in json.dumps(block)
        parts = ["## Schema"]
        if has_wo:
            parts.append(WRITE_ONLY_NOTE)
        parts.append(body)
        parts.extend(self.nested)
        return "\n\n".join(p for p in parts if p)


def tf_block(path: Path) -> str:
    return f"```terraform\n{path.read_text().strip()}\n```"


def example_usage(example_dir: Path, prefix: str, suffix: str = ".tf") -> str:
    files = sorted(example_dir.glob(f"{prefix}*{suffix}")) if example_dir.is_dir() else []
    if not files:
        return ""
    return "## Example Usage\n\n" + "\n\n".join(tf_block(f) for f in files)


def identity_import(name: str, identity: dict) -> str:
    """An `import { identity = {...} }` example and the identity attributes, from the resource identity schema."""
    attrs = identity.get("attributes", {})
    width = max(len(a) for a in attrs)
    lines = "\n".join(f'    {a.ljust(width)} = "<{a}>"' for a in sorted(attrs))
    example = f"```terraform\nimport {{\n  to = {name}.this\n  identity = {{\n{lines}\n  }}\n}}\n```"
    listing = "\n".join(
        f"- `{a}` ({type_label(spec.get('type'))}, {'Required' if spec.get('required_for_import') else 'Optional'})"
        f"{(' ' + description(spec)) if description(spec) else ''}" for a, spec in sorted(attrs.items()))
    return (f"In Terraform v1.12.0 and later, an `import` block can name the resource by its identity:\n\n{example}"
            f"\n\nIdentity attributes:\n\n{listing}")


def import_section(example_dir: Path, name: str = "", identity: dict | None = None) -> str:
    block, script = example_dir / "import-block.tf", example_dir / "import.sh"
    parts = []
    if block.is_file():
        parts.append("In Terraform v1.5.0 and later, use an `import` block:\n\n" + tf_block(block))
    if identity and identity.get("attributes"):
        parts.append(identity_import(name, identity))
    if script.is_file():
        lead = "The `terraform import` command can also be used:" if parts else "Import is supported using the following syntax:"
        parts.append(f"{lead}\n\n```shell\n{script.read_text().strip()}\n```")
    return "## Import\n\n" + "\n\n".join(parts) if parts else ""


MARKER = re.compile(r"\{\{\s*(\.[A-Za-z]+|tffile\s+\"([^\"]+)\")\s*\}\}")


def fill_template(template: str, sections: dict[str, str], origin: str) -> str:
    def replace(match: re.Match) -> str:
        if match.group(2) is not None:
            path = REPO / match.group(2)
            if not path.is_file():
                raise SystemExit(f"gen_docs: {origin}: tffile {match.group(2)!r} does not exist")
            return tf_block(path)
        key = match.group(1)
        if key not in sections:
            raise SystemExit(f"gen_docs: {origin}: unknown marker {{{{ {key} }}}} (known: {', '.join(sections)})")
        return sections[key]

    text = MARKER.sub(replace, template)
    leftover = re.search(r"\{\{.*?\}\}", text)
    if leftover:
        raise SystemExit(f"gen_docs: {origin}: unrecognised template syntax {leftover.group(0)!r}")
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def front_matter(page_title: str, desc: str) -> str:
    indented = "\n".join("  " + line if line else "" for line in (desc or "").splitlines()) or "  "
    return ("---\n# generated by scripts/gen_docs.py from the provider schema; edit templates/ and examples/\n"
            f'page_title: "{page_title}"\nsubcategory: ""\ndescription: |-\n{indented}\n---\n\n')


def render_page(title: str, page_title: str, block: dict, example_dir: Path, prefix: str,
                template_path: Path, with_import: bool, identity: dict | None = None, note: str = "",
                example_suffix: str = ".tf") -> str:
    desc = block.get("description", "").strip()
    sections = {
        ".Description": "\n\n".join(p for p in (note, desc) if p),
        ".ExampleUsage": example_usage(example_dir, prefix, example_suffix),
        ".Schema": SchemaRenderer().render(block),
        ".Import": import_section(example_dir, title.split()[0], identity) if with_import else "",
    }
    if template_path.is_file():
        template, origin = template_path.read_text(), str(template_path.relative_to(REPO))
    else:
        template, origin = DEFAULT_TEMPLATE.format(title=title), "default template"
    return front_matter(page_title, desc) + fill_template(template, sections, origin)


def render_all(schema_doc: dict) -> dict[str, str]:
    """Relative path under docs/ -> page text."""
    try:
        schema = schema_doc["provider_schemas"][PROVIDER_ADDRESS]
    except KeyError:
        raise SystemExit(f"gen_docs: {PROVIDER_ADDRESS} not in the schema JSON")
    pages = {
        "index.md": render_page(f"{PROVIDER_NAME} Provider", f"{PROVIDER_NAME} Provider",
                                schema["provider"]["block"], REPO / "examples" / "provider", "provider",
                                REPO / "templates" / "index.md.tmpl", with_import=False),
    }
    for kind, (docs_dir, examples_dir, prefix, suffix) in KINDS.items():
        for name, entry in sorted(schema.get(f"{kind}_schemas", {}).items()):
            short = name.removeprefix(f"{PROVIDER_NAME}_")
            pages[f"{docs_dir}/{short}.md"] = render_page(
                f"{name} ({suffix})", f"{name} {suffix} - {PROVIDER_NAME}", entry["block"],
                REPO / "examples" / examples_dir / name, prefix,
                REPO / "templates" / docs_dir / f"{short}.md.tmpl", with_import=(kind == "resource"),
                identity=schema.get("resource_identity_schemas", {}).get(name) if kind == "resource" else None,
                note=NOTES.get(kind, ""), example_suffix=EXAMPLE_SUFFIX.get(kind, ".tf"))
    return pages


# ------------------------------------------------------------------------------------------------ output

def generated_location(rel: Path) -> bool:
    """gen_docs owns index.md and the per-kind folders; other pages in docs/ (API notes,
    benchmarks) are written by hand and left alone."""
    kind_dirs = {docs_dir for docs_dir, _, _, _ in KINDS.values()}
    return rel == Path("index.md") or (len(rel.parts) > 1 and rel.parts[0] in kind_dirs)


def existing_pages(docs: Path) -> dict[str, str]:
    if not docs.is_dir():
        return {}
    return {str(p.relative_to(docs)): p.read_text() for p in sorted(docs.rglob("*.md"))
            if generated_location(p.relative_to(docs))}


def write_pages(pages: dict[str, str], docs: Path) -> None:
    for rel in set(existing_pages(docs)) - set(pages):  # pages of removed resources
        (docs / rel).unlink()
    for rel, text in pages.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def check_pages(pages: dict[str, str], docs: Path) -> int:
    """Regenerate into a temp dir, compare with docs/, print a unified diff; 0 when identical."""
    with tempfile.TemporaryDirectory(prefix="docs-check.") as tmp:
        write_pages(pages, Path(tmp))
        fresh = existing_pages(Path(tmp))
    current = existing_pages(docs)
    diff = []
    for rel in sorted(set(fresh) | set(current)):
        diff.extend(difflib.unified_diff(current.get(rel, "").splitlines(True), fresh.get(rel, "").splitlines(True),
                                         f"{docs.name}/{rel} (committed)", f"{docs.name}/{rel} (generated)"))
    if diff:
        sys.stdout.writelines(diff)
        print("\ndocs-check: docs/ is stale; run `make docs` and commit the result", file=sys.stderr)
        return 1
    print(f"docs-check: docs/ is up to date ({len(fresh)} pages)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema-json", type=Path, help="saved `terraform providers schema -json` output")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="docs directory (default: docs/)")
    parser.add_argument("--check", action="store_true", help="do not write; fail with a diff if --out is stale")
    args = parser.parse_args(argv)

    schema_doc = json.loads(args.schema_json.read_text()) if args.schema_json else schema_from_terraform()
    pages = render_all(schema_doc)
    if args.check:
        return check_pages(pages, args.out)
    write_pages(pages, args.out)
    print(f"gen_docs: wrote {len(pages)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
