"""pytest wiring for the long runs of `.ci/run` (not `make test`): the same harness and fixtures as the acceptance
tests.

The machinery is tests/acceptance/tfharness.py; the fixtures (`tf_binary` parametrized over every Terraform found,
`provider_dir`, `tf`, `sandbox`) are the ones tests/acceptance/conftest.py defines, loaded from that file so every
suite stays one harness. Missing prerequisites skip locally and fail under CI=true (tfharness.require).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ACCEPTANCE = Path(__file__).resolve().parents[1] / "acceptance"
sys.path.insert(0, str(ACCEPTANCE))

_spec = importlib.util.spec_from_file_location("acceptance_conftest", ACCEPTANCE / "conftest.py")
_acceptance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_acceptance)

pytest_configure = _acceptance.pytest_configure
pytest_generate_tests = _acceptance.pytest_generate_tests
pytest_report_header = _acceptance.pytest_report_header
tf_binary = _acceptance.tf_binary
provider_dir = _acceptance.provider_dir
tf = _acceptance.tf
sandbox = _acceptance.sandbox
no_terraform_files_left_in_repo = _acceptance.no_terraform_files_left_in_repo
