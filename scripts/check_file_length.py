#!/usr/bin/env python3
"""check_file_length.py: fail when a hand-written source file in `src/` or `tests/` has more
than 800 lines.

A file that long holds more than one concern; split it the way DESIGN.md lays files out (a
resource becomes a folder, an engine a file per RPC, tests a file per concern). Checked: every
`.rs` and `.py` file git tracks or would track (new files count before their first commit),
whatever the folders under `src/` and `tests/` are. Not checked: generated code, which says so
in its first lines (`@generated`, as prost and tonic write it).

`EXEMPT` names files that are being split on another branch, each with the reason; an entry
whose file is gone or short again fails the check too, so that it is removed with the split.

Python 3.11 standard library only.
"""

import subprocess
import sys
from pathlib import Path

MAX = 800
ROOTS = ("src", "tests")
SUFFIXES = (".rs", ".py")
GENERATED_MARK = "@generated"
EXEMPT: dict[str, str] = {}


ROOT = Path(__file__).resolve().parent.parent


def source_files() -> list[str]:
    """Every `.rs` and `.py` file under ROOTS that git tracks or would track."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "--",
         *ROOTS],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")
    return sorted({p for p in listed if p.endswith(SUFFIXES) and (ROOT / p).is_file()})


def generated(lines: list[str]) -> bool:
    return any(GENERATED_MARK in line for line in lines[:5])


def main() -> int:
    lengths = {}
    for path in source_files():
        lines = (ROOT / path).read_text(encoding="utf-8", errors="replace").splitlines()
        if not generated(lines):
            lengths[path] = len(lines)
    long_files = [f"{path}: {count} lines" for path, count in lengths.items()
                  if count > MAX and path not in EXEMPT]
    stale = [f"{path}: exempt ({why}) but now {lengths.get(path, 'gone')}"
             for path, why in EXEMPT.items() if lengths.get(path, 0) <= MAX]
    for line in long_files + stale:
        print(line)
    if long_files:
        print(f"check_file_length: {len(long_files)} file(s) over {MAX} lines; split each by "
              "concern (DESIGN.md: one file, or one folder once it outgrows a file)",
              file=sys.stderr)
    if stale:
        print("check_file_length: remove the exemption(s) above from EXEMPT", file=sys.stderr)
    return 1 if long_files or stale else 0


if __name__ == "__main__":
    sys.exit(main())
