#!/usr/bin/env python3
"""check_import_cycles.py: fail when two or more files in `src/` import each other in a loop.

The graph has one node per `.rs` file and an edge F -> G when F names an item defined in G:
through a `use crate::...`, `use super::...`, `use self::...` (or a path that starts at a
module in scope), or through a qualified path in code (`crate::a::b::Item`, `super::x::f()`,
`module::Item` after `use super::module`). A name is followed through `pub use` re-exports to
the file that defines it. Not edges: `mod` lines, and `pub use` re-exports themselves (a parent
module that only names and re-exports its children does not depend on them), unless the file
also uses the re-exported name in its own code.

Uses inside `#[cfg(test)]` modules (inline, or a file declared with `#[cfg(test)] mod x;`) are
left out. A unit test is compiled only into the test binary and sits, by design, above the
code it tests: `framework/upgrade.rs`'s tests drive the upgrade rules through a resource, whose
trait sits above those rules, and `provider/config.rs`'s tests configure the whole provider.
Such a loop runs through test code only, so no production file has to be compiled, read or
changed with another; counting it would push tests out of the files they test.
`--include-tests` lists those loops too, for information.

Every strongly connected component of more than one file is a loop, printed as
`a.rs -> b.rs -> a.rs` with the names that make each step. Generated protobuf code is not in
`src/` (it is included from the build directory), so nothing is excluded for it.

`--self-test` runs the checker on a fixture tree with a known loop and one without, and fails
unless it finds exactly the first.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ITEM_KEYWORDS = {"fn", "struct", "enum", "trait", "type", "const", "static", "union"}
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|::|#!?\[|[{}()\[\];,*<>=!]|\S")
RAW_STRING = re.compile(r'b?r(#*)"')
CHAR_LITERAL = re.compile(r"'(\\.[^']*|[^'\\])'")
MAX_LOOPS_PER_COMPONENT = 20


def strip_comments_and_literals(text: str) -> str:
    """The source with comments, strings and char literals blanked out (newlines kept)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "br" and (m := RAW_STRING.match(text, i)) and (
            i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        ):
            end = '"' + m.group(1)
            j = text.find(end, m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2 : j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2 : j]))
            i = j
        elif c == "'" and (m := CHAR_LITERAL.match(text, i)):
            out.append("' '" + " " * (m.end() - i - 3))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass
class Use:
    """One leaf of a `use` tree: `name` bound in `module` to `path` (a glob when name is '*')."""

    module: tuple[str, ...]
    path: list[str]
    name: str
    public: bool
    test: bool
    line: int


@dataclass
class PathRef:
    """A qualified path in code, written in `module`."""

    module: tuple[str, ...]
    path: list[str]
    test: bool
    line: int


@dataclass
class SourceFile:
    path: Path
    module: tuple[str, ...]
    test: bool  # declared with `#[cfg(test)] mod ...;`
    uses: list[Use] = field(default_factory=list)
    refs: list[PathRef] = field(default_factory=list)
    idents: set[str] = field(default_factory=set)  # identifiers outside `use` and `mod` lines
    children: list[tuple[str, bool]] = field(default_factory=list)  # `mod x;` lines


@dataclass
class Module:
    file: Path
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    items: set[str] = field(default_factory=set)
    uses: list[Use] = field(default_factory=list)


def parse_use_tree(tokens: list[str], i: int, prefix: list[str], out: list[tuple[list, str]]):
    """Parses one use tree at tokens[i]; appends (path, bound name) leaves; returns next i."""
    path = list(prefix)
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            i += 1
            while tokens[i] != "}":
                i = parse_use_tree(tokens, i, path, out)
                if tokens[i] == ",":
                    i += 1
            return i + 1
        if t == "*":
            out.append((path, "*"))
            return i + 1
        if t == "::":
            i += 1
            continue
        path.append(t)
        i += 1
        if i < len(tokens) and tokens[i] == "as":
            out.append((path, tokens[i + 1]))
            return i + 2
        if i >= len(tokens) or tokens[i] != "::":
            name = path[-2] if path[-1] == "self" and len(path) > 1 else path[-1]
            if path[-1] == "self":
                path = path[:-1]
            out.append((path, name))
            return i
    return i


def scan(source: SourceFile) -> dict[tuple[str, ...], Module]:
    """Reads one file: its modules (the file's own and inline ones), items, uses and paths."""
    text = strip_comments_and_literals(source.path.read_text(encoding="utf-8"))
    tokens: list[str] = []
    lines: list[int] = []
    line, last = 1, 0
    for m in TOKEN.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        tokens.append(m.group(0))
        lines.append(line)
    modules = {source.module: Module(source.path)}
    # The brace stack: for each open brace, the module it opens, or None for any other brace.
    stack: list[tuple[tuple[str, ...], bool] | None] = []
    current, in_test = source.module, source.test
    pending_cfg_test = False
    i = 0

    def at_module_level() -> bool:
        return not stack or stack[-1] is not None

    while i < len(tokens):
        t = tokens[i]
        if t in ("#[", "#!["):
            depth, j = 1, i + 1
            while depth:
                depth += tokens[j] in ("[", "#[", "#![")
                depth -= tokens[j] == "]"
                j += 1
            attr = "".join(tokens[i + 1 : j - 1])
            if attr == "cfg(test)":
                pending_cfg_test = True
            i = j
            continue
        visibility = False
        j = i
        if t == "pub":
            visibility = True
            j = i + 1
            if tokens[j] == "(":
                while tokens[j] != ")":
                    j += 1
                j += 1
        kw = tokens[j] if j < len(tokens) else ""
        if kw == "mod" and at_module_level():
            name = tokens[j + 1]
            test = in_test or pending_cfg_test
            child = current + (name,)
            modules[current].children[name] = child
            if tokens[j + 2] == ";":
                source.children.append((name, test))
                i = j + 3
            else:  # an inline module
                modules[child] = Module(source.path)
                stack.append((current, in_test))
                current, in_test = child, test
                i = j + 3
            pending_cfg_test = False
            continue
        if kw == "use" and tokens[j + 1 : j + 2] != ["<"]:  # not `impl Trait + use<'a>`
            k = j + 1
            end = k
            while tokens[end] != ";":
                end += 1
            leaves: list[tuple[list, str]] = []
            tree = tokens[k:end]
            if tree and tree[0] == "::":
                tree = tree[1:]
            parse_use_tree(tree, 0, [], leaves)
            for path, name in leaves:
                use = Use(current, path, name, visibility, in_test or pending_cfg_test, lines[i])
                modules[current].uses.append(use)
                source.uses.append(use)
            pending_cfg_test = False
            i = end + 1
            continue
        pending_cfg_test = False
        if t in ITEM_KEYWORDS and at_module_level() and i + 1 < len(tokens):
            name = tokens[i + 1]
            if re.fullmatch(r"[A-Za-z_]\w*", name) and name not in ("fn", "mut", "self"):
                modules[current].items.add(name)
        if t == "macro_rules" and i + 2 < len(tokens):
            modules[current].items.add(tokens[i + 2])
        if t == "{":
            stack.append(None)
        elif t == "}":
            top = stack.pop() if stack else None
            if top is not None:
                current, in_test = top
        elif re.fullmatch(r"[A-Za-z_]\w*", t) and tokens[i + 1 : i + 2] == ["::"]:
            if i == 0 or tokens[i - 1] != "::":
                path = [t]
                k = i + 1
                while k + 1 < len(tokens) and tokens[k] == "::" and re.fullmatch(
                    r"[A-Za-z_]\w*", tokens[k + 1]
                ):
                    path.append(tokens[k + 1])
                    k += 2
                source.refs.append(PathRef(current, path, in_test, lines[i]))
        if re.fullmatch(r"[A-Za-z_]\w*", t):
            source.idents.add(t)
        i += 1
    return modules


class Crate:
    """A crate's module tree, read from its root file."""

    def __init__(self, root: Path, name: str, lib: Crate | None = None):
        self.files: list[SourceFile] = []
        self.modules: dict[tuple[str, ...], Module] = {}
        self.name = name
        self.lib = lib
        self._read(SourceFile(root, (), False), root.parent, mod_rs=True)

    def _read(self, source: SourceFile, directory: Path, mod_rs: bool):
        self.files.append(source)
        self.modules.update(scan(source))
        own_dir = directory if mod_rs else directory / source.path.stem
        for name, test in source.children:
            flat, nested = own_dir / f"{name}.rs", own_dir / name / "mod.rs"
            if flat.exists():
                self._read(SourceFile(flat, source.module + (name,), test), own_dir, False)
            elif nested.exists():
                self._read(SourceFile(nested, source.module + (name,), test), own_dir / name, True)

    def resolve(self, module: tuple[str, ...], path: list[str], seen=None):
        """What `path`, written in `module`, names: ("module", crate, module path), or
        ("item", file, name), or None when it is outside the crate (std, a dependency)."""
        seen = set() if seen is None else seen
        key = (module, tuple(path))
        if key in seen or not path:
            return None
        seen.add(key)
        first, rest = path[0], path[1:]
        crate = self
        if first == "crate":
            cur = ()
        elif first == "self":
            cur = module
        elif first == "super":
            cur = module[:-1]
            while rest and rest[0] == "super":
                cur, rest = cur[:-1], rest[1:]
        elif self.lib is not None and first == self.lib.name:
            crate, cur = self.lib, ()
        else:
            return self._walk(module, path, seen, scoped=True)
        return crate._walk(cur, rest, seen)

    def _walk(self, cur: tuple[str, ...], rest: list[str], seen, scoped=False):
        """Walks `rest` down from module `cur`. `scoped`: the first name is looked up in scope
        (where an unknown name is outside the crate) rather than inside a module."""
        for index, name in enumerate(rest):
            mod = self.modules.get(cur)
            if mod is None:
                return None
            if name in mod.children:
                cur = mod.children[name]
                continue
            if name in mod.items:
                return ("item", mod.file, name)
            for use in mod.uses:
                if use.name == name:
                    target = self.resolve(use.module, use.path, seen)
                    if target is None:
                        return None
                    if target[0] == "item":
                        return target
                    return target[1]._walk(target[2], rest[index + 1 :], seen)
            for use in mod.uses:
                if use.name == "*":
                    target = self.resolve(use.module, use.path, seen)
                    if target and target[0] == "module":
                        found = target[1]._walk(target[2], rest[index:], seen)
                        if found:
                            return found
            if scoped and index == 0:
                return None
            # A name the module's own text does not define (generated by a macro): its file.
            return ("item", mod.file, name)
        return ("module", self, cur)


def lib_name(src: Path) -> str:
    """The library crate's name, by which the binaries' paths start (`[lib] name`)."""
    manifest = src.parent / "Cargo.toml"
    if not manifest.exists():
        return "lib"
    cargo = tomllib.loads(manifest.read_text(encoding="utf-8"))
    default = cargo.get("package", {}).get("name", "lib").replace("-", "_")
    return cargo.get("lib", {}).get("name", default)


def build_graph(src: Path, include_tests: bool):
    """Edges (from file, to file) -> {name: line of its first use}, for every crate in `src`."""
    lib = Crate(src / "lib.rs", lib_name(src)) if (src / "lib.rs").exists() else None
    crates = [lib] if lib else []
    for root in [src / "main.rs", *sorted((src / "bin").glob("*.rs"))]:
        if root.exists():
            crates.append(Crate(root, root.stem, lib))
    edges: dict[tuple[Path, Path], dict[str, int]] = {}

    def add(source: SourceFile, target, what: str, line: int):
        if target and target[0] == "item" and target[1] != source.path:
            edges.setdefault((source.path, target[1]), {}).setdefault(what, line)

    for crate in crates:
        for source in crate.files:
            for use in source.uses:
                if use.test and not include_tests:
                    continue
                if use.public and use.name not in source.idents:
                    continue  # a re-export only
                target = crate.resolve(use.module, use.path)
                if use.name == "*" and target and target[0] == "module":
                    module = target[1].modules.get(target[2])
                    if module:
                        add(source, ("item", module.file), "::".join(use.path + ["*"]), use.line)
                    continue
                add(source, target, "::".join(use.path), use.line)
            for ref in source.refs:
                if ref.test and not include_tests:
                    continue
                add(source, crate.resolve(ref.module, ref.path), "::".join(ref.path), ref.line)
    return edges


def strongly_connected(nodes, succ):
    """Tarjan's algorithm, iterative."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out


def elementary_loops(component, succ):
    """The simple cycles within one component, each starting at its smallest file."""
    members = set(component)
    loops = []
    for start in sorted(members):
        allowed = {m for m in members if m >= start}
        path = [start]

        def walk(node):
            for nxt in sorted(succ.get(node, ())):
                if len(loops) >= MAX_LOOPS_PER_COMPONENT:
                    return
                if nxt == start:
                    loops.append(path + [start])
                elif nxt in allowed and nxt not in path:
                    path.append(nxt)
                    walk(nxt)
                    path.pop()

        walk(start)
    return loops


def find_loops(src: Path, include_tests: bool = False):
    edges = build_graph(src, include_tests)
    succ: dict[Path, set[Path]] = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    nodes = sorted(set(succ) | {b for targets in succ.values() for b in targets})
    loops = []
    for component in strongly_connected(nodes, succ):
        if len(component) > 1:
            loops.extend(elementary_loops(component, succ))
    return loops, edges


def report(src: Path, include_tests: bool) -> int:
    loops, edges = find_loops(src, include_tests)
    base = src.parent
    for loop in loops:
        print(" -> ".join(str(p.relative_to(base)) for p in loop))
        for a, b in zip(loop, loop[1:]):
            named = sorted(edges[(a, b)].items(), key=lambda item: item[1])
            names = ", ".join(f"{name} (line {line})" for name, line in named)
            print(f"    {a.relative_to(base)} names {names}")
    if loops:
        print(f"check_import_cycles: {len(loops)} import loop(s) between files in {src}; move "
              "what both files need below both of them", file=sys.stderr)
        return 1
    return 0


FIXTURE = {
    "lib.rs": "pub mod a;\npub mod b;\npub mod c;\npub mod d;\n",
    # a -> b (through a re-export in d) -> a: a loop.
    "a.rs": "use crate::d::Thing;\npub const LIMIT: u32 = 2;\npub fn f(_: Thing) {}\n",
    "b.rs": "pub struct Thing;\npub fn g() -> u32 { super::a::LIMIT }\n",
    # c only re-exports a; d only re-exports b; neither re-export is an edge.
    "c.rs": "pub use crate::a::LIMIT;\n#[cfg(test)]\nmod tests {\n    use crate::d::Thing;\n}\n",
    "d.rs": "pub use super::b::Thing;\n// use crate::c::LIMIT;\nconst S: &str = \"crate::c::LIMIT\";\n",
}


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name, text in FIXTURE.items():
            (src / name).write_text(text, encoding="utf-8")
        loops, _ = find_loops(src)
        found = [" -> ".join(p.name for p in loop) for loop in loops]
        if found != ["a.rs -> b.rs -> a.rs"]:
            print(f"check_import_cycles --self-test: expected one loop a.rs -> b.rs -> a.rs, "
                  f"found {found}", file=sys.stderr)
            return 1
        (src / "b.rs").write_text("pub struct Thing;\npub fn g() -> u32 { 2 }\n")
        loops, _ = find_loops(src)
        if loops:
            print(f"check_import_cycles --self-test: found loops in a tree without one: {loops}",
                  file=sys.stderr)
            return 1
    print("check_import_cycles --self-test: finds the fixture's loop, and none once it is gone")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=str(Path(__file__).resolve().parent.parent
                                                        / "src"))
    parser.add_argument("--self-test", action="store_true",
                        help="check the checker on a fixture tree with a known loop")
    parser.add_argument("--include-tests", action="store_true",
                        help="count uses inside #[cfg(test)] modules too (informational)")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    return report(Path(args.src), args.include_tests)


if __name__ == "__main__":
    sys.exit(main())
