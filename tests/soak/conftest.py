"""pytest wiring for the soak runs (tests/soak): the acceptance harness (tests/acceptance/tfharness.py) and the faulty
estate, with the few fixtures the soak tests use. These runs are long; they are steps of .ci/run, after `make test`,
and `make test` keeps a small version of each (tests/acceptance/test_faults_at_scale.py, test_rate_budget.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "acceptance"))

import tfharness as h  # noqa: E402


@pytest.fixture
def pinned_tf(tmp_path) -> h.Terraform:
    binary = h.terraform_binaries()[0]
    h.require(binary.version, f"{binary.path} is missing: run scripts/setup.sh")
    provider_dir = h.provider_bin_dir()
    h.require((provider_dir / h.PROVIDER_BINARY_NAME).is_file(), f"no provider built in {provider_dir}")
    return h.new_terraform(binary, tmp_path, provider_dir)


@pytest.fixture
def sandbox_factory(tmp_path):
    """Starts sandboxes with extra arguments; stops them all at the end of the test."""
    h.require(h.sandbox_bin().is_file(), "vonage-sandbox not built: run `cargo build --bins`")
    started: list[h.Sandbox] = []

    def start(*extra_args: str) -> h.Sandbox:
        box = h.Sandbox(h.sandbox_bin(), tmp_path / f"sandbox-{len(started)}", extra_args=list(extra_args),
                        persist=False)
        started.append(box)
        return box

    yield start
    for box in started:
        box.stop()
