#!/usr/bin/env python3
"""bench_faults.py (`make bench`): the faulty estate at scale.

Applies 50 subaccounts (BENCH_FAULT_N), each with an extra API secret, plus the primary's settings, in one
`terraform apply` against a sandbox that injects every fault kind at once with a fixed seed (429 with
Retry-After, 500, 502, 503, 2 s latency, connection resets, truncated bodies, answers lost after the change), then
checks that exactly the declared objects exist and that the next plan is empty. Prints the wall time, the API
calls, the faults injected by kind, and the verdict. CI runs the same at 10 subaccounts
(tests/acceptance/test_faults_at_scale.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "acceptance"))
import faulty_estate as fe  # noqa: E402
import tfharness as h  # noqa: E402


def main() -> int:
    n = int(os.environ.get("BENCH_FAULT_N", "50"))
    ratio = float(os.environ.get("BENCH_FAULT_RATIO", "0.01"))
    binary = h.terraform_binaries()[0]
    if not binary.version:
        print("bench_faults: the pinned Terraform is missing: run scripts/setup.sh", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-faults.") as tmp:
        tmp = Path(tmp)
        box = h.Sandbox(h.sandbox_bin(), tmp / "sandbox", extra_args=["--fault-seed", "20261130"])
        try:
            tf = h.new_terraform(binary, tmp, h.provider_bin_dir())
            outcome = fe.apply_under_faults(tf, box, n, list(fe.FAULT_KINDS), ratio)
            if outcome.apply.rc != 0:
                print(outcome.apply.explain(), file=sys.stderr)
                print(f"faults: {n} subaccounts under every fault kind: apply FAILED")
                return 1
            fe.check_converged(tf, box, n)
        finally:
            box.stop()
    faults = ", ".join(f"{k} {v}" for k, v in sorted(outcome.faults_injected().items()))
    print(f"faults: {n} subaccounts + {n} secrets + settings under every fault kind "
          f"(ratio {ratio} each, seed 20261130): converged in one apply, {outcome.seconds:.1f} s, "
          f"{len(outcome.calls)} API calls; injected: {faults}; no duplicate, no orphan, empty next plan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
