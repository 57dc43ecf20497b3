"""An estate of 10 subaccounts, each with an extra secret, plus the primary's settings, converges in one apply
under every kind of injected fault, alone and mixed with a fixed seed: no duplicate, no orphan, an empty next
plan. `scripts/bench_faults.py` runs the same at 50 subaccounts.

Runs on the pinned Terraform only: the provider's behaviour under faults does not depend on Terraform's version,
and each case applies a whole estate.

The provider retries a failed request until `retry_max_seconds` (90 s by default) have passed, however many attempts
that takes. One kind alone is capped at 4 hits; the mixed case draws every kind at once, 1.5% each (about 10% of
requests fail, one way or another). The last two cases are the small versions of .ci/run's soak runs
(tests/soak/test_soak.py): one request in four failing (a 429, a 503 or an answer lost after the change), and an
outage in the middle of the apply, every request answered 503 for a few seconds.
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


def test_one_request_in_four_failing(pinned_tf, seeded_sandbox):
    outcome = fe.apply_under_mix(pinned_tf, seeded_sandbox, 5, fe.ONE_IN_FOUR)
    assert outcome.apply.rc == 0, outcome.apply.explain()
    failed = sum(outcome.faults_injected().values())
    assert failed >= len(outcome.calls) / 8, (failed, len(outcome.calls))
    fe.check_converged(pinned_tf, seeded_sandbox, 5)


def test_an_outage_in_the_middle_of_an_apply_is_ridden_out(pinned_tf, seeded_sandbox):
    # Five seconds of 503s: longer than the five attempts the provider used to make, and than all their waits.
    outcome = fe.apply_through_outage(pinned_tf, seeded_sandbox, 5, outage_seconds=5, after_posts=2)
    assert outcome.apply.rc == 0, outcome.apply.explain()
    assert fe.outage_ridden(outcome) >= 4, outcome.faults_injected()
    fe.check_converged(pinned_tf, seeded_sandbox, 5)
