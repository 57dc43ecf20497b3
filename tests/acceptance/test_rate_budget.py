"""One rate budget per API key on the machine, under real Terraform: each provider block runs in a process of its
own, and the processes that use one key share its pacing through a file in the provider's per-user folder (the
per-test HOME here). The soak version (three blocks, 150 resources, any -parallelism) is
tests/soak/test_soak.py, a step of .ci/run.
"""

from __future__ import annotations

import tfharness as h

READS = 15


def blocks(rates: list[float]) -> str:
    """One provider block per rate (the first the default one, the others aliases), each reading the balance READS
    times."""
    config = h.PROVIDER_BLOCK
    for i, rate in enumerate(rates):
        alias = f'  alias = "p{i}"\n' if i else ""
        provider = f"vonage.p{i}" if i else "vonage"
        config += f'provider "vonage" {{\n{alias}  rate_limit_per_second = {rate}\n}}\n'
        config += f'data "vonage_balance" "b{i}" {{\n  count    = {READS}\n  provider = {provider}\n}}\n'
    return config


def balance_reads(sandbox: h.Sandbox) -> list[dict]:
    return [c for c in sandbox.calls() if c["path"] == "/account/get-balance"]


def test_provider_blocks_of_one_key_share_one_budget(tf, tmp_path):
    # Two blocks at 10/s against a key allowed 10/s: each process alone would send 10 in its first second.
    box = h.Sandbox(h.sandbox_bin(), tmp_path / "sandbox", extra_args=["--rate-limit", "10"])
    try:
        tf.env.update(box.provider_env)
        tf.write("main.tf", blocks([10, 10]))
        tf.run("plan").ok()
        reads = balance_reads(box)
        assert len(reads) == 2 * READS and not [c for c in reads if c["status"] == 429], \
            [c["status"] for c in reads]
    finally:
        box.stop()
    # The budget is a file in the per-user folder, named by a hash, holding times and rates: never the key.
    folder = tf.scratch / "home" / ".local" / "state" / "terraform-provider-vonage"
    files = list(folder.glob("pace-*"))
    assert len(files) == 1, list(folder.iterdir())
    assert h.SANDBOX_API_KEY not in files[0].name and h.SANDBOX_API_KEY not in files[0].read_text()
    assert oct(folder.stat().st_mode & 0o777) == "0o700" and oct(files[0].stat().st_mode & 0o777) == "0o600"
