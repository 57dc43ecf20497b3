#!/usr/bin/env python3
"""bench_provider.py (`make bench`): print the release provider's startup and end-to-end figures next to targets.

(a) Handshake: spawn the provider as Terraform does (magic cookie, PLUGIN_PROTOCOL_VERSIONS=5,6, a port range and
    a PLUGIN_CLIENT_CERT, i.e. AutoMTLS with a P-521 self-signed CA like go-plugin's), time spawn -> handshake line,
    read peak RSS (VmHWM) from /proc, then terminate it.
(b) Cycle: apply -> no-op `plan -detailed-exitcode` -> destroy of a minimal vonage_account_settings against a
    vonage-sandbox (provider via dev_overrides), versus the same cycle with Terraform's built-in terraform_data
    (no plugin process). Medians and their ratio.

Prints figures only; it is not a test. Needs `cargo build --release --bins` and scripts/setup.sh first.
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "acceptance"))
import tfharness as h  # noqa: E402  (Terraform runner and sandbox, shared with the acceptance tests)

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def client_cert(directory: Path) -> str:
    """PEM of a P-521 self-signed CA:TRUE certificate, as go-plugin's AutoMTLS generates for each client."""
    key, cert = directory / "client.key", directory / "client.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp521r1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/O=HashiCorp/CN=localhost",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=digitalSignature,keyEncipherment,keyAgreement,keyCertSign",
         "-addext", "extendedKeyUsage=clientAuth,serverAuth", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True)
    return cert.read_text()


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def one_handshake(binary: Path, env: dict[str, str]) -> tuple[float, int]:
    """(seconds from spawn to the handshake line, peak RSS in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        line = b""
        while not line.endswith(b"\n"):
            if not sel.select(timeout=10):
                raise RuntimeError(f"no handshake line within 10 s (got {line!r})")
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"provider exited before the handshake (rc {proc.wait()}, got {line!r})")
            line += chunk
        elapsed = time.perf_counter() - start
        fields = line.decode().strip().split("|")
        if fields[:2] != ["1", "6"] or len(fields) < 5:
            raise RuntimeError(f"unexpected handshake line {line!r}")
        return elapsed, vm_hwm_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def bench_handshake(binary: Path, runs: int, scratch: Path) -> dict[str, float]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": "5,6",
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
        "PLUGIN_CLIENT_CERT": client_cert(scratch),
    }
    one_handshake(binary, env)  # warm the page cache
    times, rss = zip(*(one_handshake(binary, env) for _ in range(runs)))
    ordered = sorted(times)
    return {
        "handshake_median_ms": statistics.median(times) * 1000,
        "handshake_p90_ms": ordered[max(0, int(round(0.9 * len(ordered))) - 1)] * 1000,
        "rss_median_mib": statistics.median(rss) / 1024,
        "rss_max_mib": max(rss) / 1024,
    }


PROVIDER_CONFIG = h.PROVIDER_BLOCK + """
resource "vonage_account_settings" "bench" {
  mo_callback_url = "https://example.com/bench"
}
"""
BUILTIN_CONFIG = 'resource "terraform_data" "bench" {\n  input = "bench"\n}\n'


def timed(tf: h.Terraform, *args: str, expect_rc: int = 0) -> float:
    start = time.perf_counter()
    result = tf.run(*args)
    elapsed = time.perf_counter() - start
    if result.rc != expect_rc:
        raise RuntimeError(result.explain())
    return elapsed


def bench_cycles(tf: h.Terraform, cycles: int) -> dict[str, float]:
    per_step = {"apply": [], "plan": [], "destroy": [], "cycle": []}
    timed(tf, "init")
    for _ in range(cycles):
        a = timed(tf, "apply", "-auto-approve")
        p = timed(tf, "plan", "-detailed-exitcode", expect_rc=0)  # rc 0 = no changes
        d = timed(tf, "destroy", "-auto-approve")
        for key, value in zip(per_step, (a, p, d, a + p + d)):
            per_step[key].append(value)
    return {key: statistics.median(values) * 1000 for key, values in per_step.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the release provider (figures only).")
    parser.add_argument("--provider-bin", type=Path, default=REPO / "target" / "release" / h.PROVIDER_BINARY_NAME)
    parser.add_argument("--sandbox-bin", type=Path, default=REPO / "target" / "release" / "vonage-sandbox")
    parser.add_argument("--terraform", type=Path, default=h.VENV_TERRAFORM)
    parser.add_argument("--handshakes", type=int, default=30)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    for path in (args.provider_bin, args.sandbox_bin, args.terraform):
        if not path.exists():
            sys.exit(f"bench: {path} not found (cargo build --release --bins; scripts/setup.sh)")
    for var in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER"):  # logging would distort the timings
        os.environ.pop(var, None)

    binary = h.TerraformBinary(args.terraform, h.terraform_version(args.terraform))
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        scratch = Path(tmp)
        hs = bench_handshake(args.provider_bin, args.handshakes, scratch)

        sandbox = h.Sandbox(args.sandbox_bin, scratch / "sandbox")
        try:
            with_provider = h.new_terraform(binary, scratch / "provider", args.provider_bin.parent.resolve())
            with_provider.env.update(sandbox.provider_env)
            with_provider.write("main.tf", PROVIDER_CONFIG)
            provider = bench_cycles(with_provider, args.cycles)
        finally:
            sandbox.stop()
        builtin_tf = h.new_terraform(binary, scratch / "builtin", None)
        builtin_tf.write("main.tf", BUILTIN_CONFIG)
        builtin = bench_cycles(builtin_tf, args.cycles)

    ratio = provider["cycle"] / builtin["cycle"]
    rows = [
        ("handshake, median", f"{hs['handshake_median_ms']:.2f} ms", "< 5 ms"),
        ("handshake, p90", f"{hs['handshake_p90_ms']:.2f} ms", "< 5 ms"),
        ("peak RSS (VmHWM), median", f"{hs['rss_median_mib']:.1f} MiB", "< 10 MiB"),
        ("peak RSS (VmHWM), max", f"{hs['rss_max_mib']:.1f} MiB", "< 10 MiB"),
        ("cycle vonage_account_settings", f"{provider['cycle']:.0f} ms", ""),
        ("  apply / plan / destroy", f"{provider['apply']:.0f} / {provider['plan']:.0f} / {provider['destroy']:.0f} ms", ""),
        ("cycle terraform_data (built-in)", f"{builtin['cycle']:.0f} ms", ""),
        ("  apply / plan / destroy", f"{builtin['apply']:.0f} / {builtin['plan']:.0f} / {builtin['destroy']:.0f} ms", ""),
        ("ratio provider / built-in", f"{ratio:.2f}x", "<= 1.5x"),
    ]
    print(f"Terraform {binary.version}; {args.handshakes} handshakes (mTLS); {args.cycles} cycles; medians")
    print(f"{'metric':34} {'value':>22}  target")
    for name, value, target in rows:
        print(f"{name:34} {value:>22}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
