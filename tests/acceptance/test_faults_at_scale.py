"""An estate of 10 subaccounts, each with an extra secret, plus the primary's settings, converges in one apply
under every kind of injected fault, alone and mixed with a fixed seed: no duplicate, no orphan, an empty next
plan. `scripts/bench_faults.py` runs the same at 50 subaccounts.

Runs on the pinned Terraform only: the provider's behaviour under faults does not depend on Terraform's version,
and each case applies a whole estate.

The provider retries a failed request 4 times by default (5 attempts). One kind alone is capped at 4 hits, so no
request can exhaust the retries however the draws fall: the case is deterministic in outcome. The mixed case draws
every kind at once, 1.5% each (about 10% of requests fail, one way or another), which leaves a request's five
attempts all failing at about 1 in 100,000.
"""

from __future__ import annotations

import pytest

import faulty_estate as fe
import tfharness as h

N = 10
SEED = "20261130"


@pytest.fixture
def seeded_sandbox(tmp_path):
    h.require(h.sandbox_bin().is_file(), "vonage-sandbox not built: run `cargo build --bins`")
    box = h.Sandbox(h.sandbox_bin(), tmp_path / "sandbox", extra_args=["--fault-seed", SEED])
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def pinned_tf(tmp_path, provider_dir):
    binary = h.terraform_binaries()[0]
    h.require(binary.version, f"{binary.path} is missing: run scripts/setup.sh")
    return h.new_terraform(binary, tmp_path, provider_dir)


@pytest.mark.parametrize("kind", list(fe.FAULT_KINDS))
def test_one_kind_of_fault(kind, pinned_tf, seeded_sandbox):
    outcome = fe.apply_under_faults(pinned_tf, seeded_sandbox, N, [kind], ratio=0.3, count=4)
    assert outcome.apply.rc == 0, outcome.apply.explain()
    assert outcome.faults_injected(), f"no {kind} fault was injected: the case proved nothing"
    fe.check_converged(pinned_tf, seeded_sandbox, N)


def test_every_kind_mixed(pinned_tf, seeded_sandbox):
    outcome = fe.apply_under_faults(pinned_tf, seeded_sandbox, N, list(fe.FAULT_KINDS), ratio=0.015)
    assert outcome.apply.rc == 0, outcome.apply.explain()
    assert len(outcome.faults_injected()) >= 2, outcome.faults_injected()
    fe.check_converged(pinned_tf, seeded_sandbox, N)
