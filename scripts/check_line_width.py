#!/usr/bin/env python3
"""check_line_width.py: fail when a Rust line is wider than rustfmt's 100 columns.

rustfmt leaves alone any expression it cannot fit, most often a chain holding a long string
literal, and `cargo fmt --check` still passes. This check makes that visible, so long strings
get broken with `\\` continuations and rustfmt really formats every file.

Exempt: comments (doc tables), raw strings (JSON fixtures) and a literal with no space in it
(a URL or a query string cannot be broken at a word).
"""

import re
import subprocess
import sys

MAX = 100
SPACELESS_LITERAL = re.compile(r'^\s*"[^ "]*",?\)?;?$')


def exempt(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("//") or 'r#"' in line or SPACELESS_LITERAL.match(line) is not None


def main() -> int:
    files = subprocess.run(["git", "ls-files", "*.rs"], capture_output=True, text=True,
                           check=True).stdout.split()
    wide = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if len(line) > MAX and not exempt(line):
                    wide.append(f"{path}:{number}: {len(line)} columns")
    for w in wide:
        print(w)
    if wide:
        print(f"check_line_width: {len(wide)} line(s) over {MAX} columns; break long strings "
              "with `\\` continuations so rustfmt can format them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
