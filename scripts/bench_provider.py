#!/usr/bin/env python3
"""bench_provider.py (`make bench`): the release provider's figures, each printed beside its target.

Everything runs real Terraform (the project's pinned 1.15.5) against a `vonage-sandbox` holding its state in memory
(so no figure waits for the sandbox's disk), and compares with Terraform's built-in `terraform_data`, which starts no
plugin process: the floor. Wall times on a busy machine are noisy, so every provider figure is measured beside its
floor in the same run, alternating.

1. Start-up: spawn -> handshake line as Terraform starts the provider (AutoMTLS with a P-521 client certificate like
   go-plugin's) and the peak RSS (VmHWM) at that point. Targets: < 5 ms, < 10 MiB.
2. Cycle: apply -> no-op `plan -detailed-exitcode` -> destroy of one `vonage_account_settings` with default settings
   against `--rate-limit 30`, in pairs with the same cycle of one `terraform_data`. Target: median of the paired
   ratios <= 1.25x. The same pairs again with the provider's pacing raised to 1000/s show what the processes cost
   without the pacing's waits (information, no target). Then one cycle more with every provider process under GNU
   time for its peak RSS (< 10 MiB).
3. Scale: `terraform apply` and then `terraform plan` of N subaccounts (N = 10, 100, 500), against `--rate-limit 30`
   with the provider's defaults, and against `--rate-limit 0` with the provider's own pacing at its maximum
   (`rate_limit_per_second = 1000`), so that row is the provider's own cost. Each: wall time, API calls (the
   sandbox's call log), peak RSS of the provider processes, and `terraform_data` at the same N.
4. Calls at N = 150 subaccounts, apply and plan, beside the targets N + 2 and 2 (printed, not asserted).
5. 300 resources (150 subaccounts, each with one more `vonage_api_secret` managed through the primary) applied with
   the provider's defaults against `--rate-limit 30`: the 429s in the call log (target 0) and the ratio to the
   rate-limit floor: (apply wall time - Terraform's own cost, a `terraform_data` apply of 300) / (calls / 30 per
   second), target <= 1.2, i.e. the apply takes at most 1.2 x calls / 30 plus Terraform's fixed cost.

It then rewrites its own sections of docs/benchmarks.md (between `<!-- bench:begin NAME -->` and
`<!-- bench:end NAME -->`; everything else in the file is kept) and the plot docs/benchmarks-scale.png.

BENCH_QUICK=1 (or --quick) runs smaller sizes and fewer repeats for iterating, and leaves the docs alone unless
--write-docs is given. Needs `cargo build --release --bins` and scripts/setup.sh first; `make bench` does both.
Prints figures only; it is not a test.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "acceptance"))
import tfharness as h  # noqa: E402  (Terraform runner and sandbox, shared with the acceptance tests)

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
DOC = REPO / "docs" / "benchmarks.md"
PLOT = REPO / "docs" / "benchmarks-scale.png"
GNU_TIME = Path("/usr/bin/time")

TARGET_HANDSHAKE_MS = 5.0
TARGET_RSS_MIB = 10.0
TARGET_CYCLE_RATIO = 1.25
TARGET_FLOOR_RATIO = 1.2
SANDBOX_LIMIT = 30  # requests per second per key, as Vonage documents and the sandbox defaults to


@dataclass
class Sizes:
    handshakes: int
    cycle_pairs: int
    scale_ns: tuple[int, ...]
    scale_repeats: int  # for N <= 100; larger N run once
    calls_n: int
    mixed_subaccounts: int  # the 300-resource run: this many subaccounts, each with one more secret


FULL = Sizes(handshakes=30, cycle_pairs=8, scale_ns=(10, 100, 500), scale_repeats=3, calls_n=150,
             mixed_subaccounts=150)
QUICK = Sizes(handshakes=10, cycle_pairs=3, scale_ns=(10, 50), scale_repeats=1, calls_n=30, mixed_subaccounts=30)


# ---------------------------------------------------------------------------------------------------------------
# Running things


@dataclass
class Bench:
    terraform: h.TerraformBinary
    provider_bin: Path
    sandbox_bin: Path
    scratch: Path
    runs: int = 0

    def workdir(self, label: str) -> Path:
        self.runs += 1
        path = self.scratch / f"{self.runs:03d}-{label}"
        path.mkdir(parents=True)
        return path

    def sandbox(self, label: str, rate_limit: int) -> h.Sandbox:
        return h.Sandbox(self.sandbox_bin, self.workdir(f"sandbox-{label}"), persist=False,
                         extra_args=["--rate-limit", str(rate_limit)])

    def provider_tf(self, label: str, sandbox: h.Sandbox, config: str, measure_rss: bool = False) -> "Measured":
        root = self.workdir(label)
        provider_dir = self.provider_bin.parent.resolve()
        rss_log = None
        if measure_rss and GNU_TIME.exists():
            # A dev_overrides directory whose provider is the real one under GNU time (about 1 ms more per start).
            provider_dir = root / "provider"
            provider_dir.mkdir()
            rss_log = root / "provider-rss.log"
            wrapper = provider_dir / h.PROVIDER_BINARY_NAME
            real = self.provider_bin.resolve()
            wrapper.write_text(f'#!/bin/sh\nexec {GNU_TIME} -f %M -a -o "{rss_log}" "{real}" "$@"\n')
            wrapper.chmod(0o755)
        tf = h.new_terraform(self.terraform, root, provider_dir)
        tf.env.update(sandbox.provider_env)
        tf.write("main.tf", config)
        return Measured(tf, sandbox, rss_log)

    def builtin_tf(self, label: str, config: str) -> "Measured":
        tf = h.new_terraform(self.terraform, self.workdir(label), None)
        tf.write("main.tf", config)
        return Measured(tf, None, None)


@dataclass
class Measured:
    """Terraform in one working directory, with what its runs cost."""

    tf: h.Terraform
    sandbox: h.Sandbox | None
    rss_log: Path | None

    def run(self, *args: str, expect_rc: int = 0) -> "Run":
        if self.sandbox:
            self.sandbox.clear_calls()
        started = time.perf_counter()
        result = self.tf.run(*args, timeout=3600)
        elapsed = time.perf_counter() - started
        if result.rc != expect_rc:
            raise RuntimeError(result.explain())
        calls = self.sandbox.calls() if self.sandbox else []
        return Run(elapsed, calls)

    def peak_rss_kib(self) -> int | None:
        """Largest peak RSS of the provider processes started so far (GNU time's %M), or None."""
        if not self.rss_log or not self.rss_log.exists():
            return None
        values = [int(v) for v in self.rss_log.read_text().split() if v.isdigit()]
        return max(values) if values else None


@dataclass
class Run:
    seconds: float
    calls: list[dict] = field(default_factory=list)

    @property
    def throttled(self) -> int:
        return sum(1 for c in self.calls if c.get("status") == 429)


def median(values):
    return statistics.median(values)


# ---------------------------------------------------------------------------------------------------------------
# 1. Start-up


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
        if fields[:2] != ["1", "6"] or len(fields) < 6 or not fields[5]:
            raise RuntimeError(f"unexpected handshake line {line!r}")
        return elapsed, vm_hwm_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def bench_startup(bench: Bench, runs: int) -> dict[str, float]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": "5,6",
        "PLUGIN_CLIENT_CERT": client_cert(bench.workdir("client-cert")),
        "PLUGIN_UNIX_SOCKET_DIR": str(bench.workdir("sockets")),
    }
    one_handshake(bench.provider_bin, env)  # warm the page cache
    times, rss = zip(*(one_handshake(bench.provider_bin, env) for _ in range(runs)))
    ordered = sorted(times)
    return {
        "median_ms": median(times) * 1000,
        "p90_ms": ordered[max(0, int(round(0.9 * len(ordered))) - 1)] * 1000,
        "rss_max_mib": max(rss) / 1024,
    }


# ---------------------------------------------------------------------------------------------------------------
# 2. The apply -> no-op plan -> destroy cycle


SETTINGS_CONFIG = h.PROVIDER_BLOCK + """
resource "vonage_account_settings" "bench" {
  mo_callback_url = "https://example.com/bench"
}
"""
BUILTIN_CYCLE_CONFIG = 'resource "terraform_data" "bench" {\n  input = "bench"\n}\n'


def cycle(m: Measured) -> tuple[float, float, float]:
    apply = m.run("apply", "-auto-approve").seconds
    plan = m.run("plan", "-detailed-exitcode").seconds  # rc 0: no changes
    destroy = m.run("destroy", "-auto-approve").seconds
    return apply, plan, destroy


def bench_cycle(bench: Bench, pairs: int, config: str = SETTINGS_CONFIG) -> dict:
    sandbox = bench.sandbox("cycle", SANDBOX_LIMIT)
    try:
        provider = bench.provider_tf("cycle-provider", sandbox, config)
        builtin = bench.builtin_tf("cycle-builtin", BUILTIN_CYCLE_CONFIG)
        for m in (provider, builtin):
            m.run("init")
            cycle(m)  # warm-up, not counted
        ours, floor, ratios = [], [], []
        for i in range(pairs):
            # Alternate which goes first, so a drift in the machine's load favours neither.
            order = (provider, builtin) if i % 2 == 0 else (builtin, provider)
            done = {id(m): cycle(m) for m in order}
            p, b = done[id(provider)], done[id(builtin)]
            ours.append(p)
            floor.append(b)
            ratios.append(sum(p) / sum(b))
        # One more cycle with every provider process under GNU time, for the peak RSS under Terraform.
        rss = bench.provider_tf("cycle-rss", sandbox, config, measure_rss=True)
        rss.run("init")
        cycle(rss)
        starts = len(rss.rss_log.read_text().split()) if rss.rss_log and rss.rss_log.exists() else None
    finally:
        sandbox.stop()
    return {
        "pairs": pairs,
        "provider_ms": [median(x[i] for x in ours) * 1000 for i in range(3)],
        "builtin_ms": [median(x[i] for x in floor) * 1000 for i in range(3)],
        "provider_cycle_ms": median(sum(x) for x in ours) * 1000,
        "builtin_cycle_ms": median(sum(x) for x in floor) * 1000,
        "ratio": median(ratios),
        "ratio_range": (min(ratios), max(ratios)),
        "rss_kib": rss.peak_rss_kib(),
        "processes": starts,
    }


# ---------------------------------------------------------------------------------------------------------------
# 3-5. Scale


def subaccounts_config(n: int, provider_block: str = "") -> str:
    return h.PROVIDER_BLOCK + provider_block + f"""
resource "vonage_subaccount" "bench" {{
  count = {n}
  name  = "bench-${{count.index}}"
}}
"""


def mixed_config(subaccounts: int) -> str:
    """`subaccounts` subaccounts, each with one more API secret managed with the primary's credentials."""
    return subaccounts_config(subaccounts) + f"""
resource "vonage_api_secret" "bench" {{
  count             = {subaccounts}
  api_key           = vonage_subaccount.bench[count.index].api_key
  secret_wo         = "Bench${{count.index}}Secret"
  secret_wo_version = 1
}}
"""


def builtin_config(n: int) -> str:
    return f"""resource "terraform_data" "bench" {{
  count = {n}
  input = "bench-${{count.index}}"
}}
"""


FAST_PROVIDER = '\nprovider "vonage" {\n  rate_limit_per_second = 1000\n}\n'


@dataclass
class ScaleRow:
    n: int
    limit: int
    apply_s: float
    plan_s: float
    apply_calls: int
    plan_calls: int
    apply_429: int
    builtin_apply_s: float
    builtin_plan_s: float
    rss_kib: int | None


def bench_scale_once(bench: Bench, n: int, limit: int) -> ScaleRow:
    """One fresh sandbox: apply then plan N subaccounts, beside terraform_data at N."""
    builtin = bench.builtin_tf(f"scale{n}-builtin", builtin_config(n))
    builtin.run("init")
    b_apply = builtin.run("apply", "-auto-approve").seconds
    sandbox = bench.sandbox(f"scale{n}-rl{limit}", limit)
    try:
        block = FAST_PROVIDER if limit == 0 else ""
        m = bench.provider_tf(f"scale{n}-rl{limit}", sandbox, subaccounts_config(n, block), measure_rss=True)
        m.run("init")
        apply = m.run("apply", "-auto-approve")
        plan = m.run("plan", "-detailed-exitcode")
    finally:
        sandbox.stop()
    b_plan = builtin.run("plan", "-detailed-exitcode").seconds
    return ScaleRow(n, limit, apply.seconds, plan.seconds, len(apply.calls), len(plan.calls), apply.throttled,
                    b_apply, b_plan, m.peak_rss_kib())


def bench_scale(bench: Bench, sizes: Sizes) -> list[ScaleRow]:
    rows = []
    for n in sizes.scale_ns:
        for limit in (SANDBOX_LIMIT, 0):
            repeats = sizes.scale_repeats if n <= 100 else 1
            runs = [bench_scale_once(bench, n, limit) for _ in range(repeats)]
            rss = [r.rss_kib for r in runs if r.rss_kib is not None]
            rows.append(ScaleRow(
                n, limit,
                median(r.apply_s for r in runs), median(r.plan_s for r in runs),
                runs[-1].apply_calls, runs[-1].plan_calls, max(r.apply_429 for r in runs),
                median(r.builtin_apply_s for r in runs), median(r.builtin_plan_s for r in runs),
                max(rss) if rss else None))
            print(f"  scale N={n} --rate-limit {limit}: apply {rows[-1].apply_s:.2f} s, plan {rows[-1].plan_s:.2f} s",
                  flush=True)
    return rows


def bench_mixed(bench: Bench, subaccounts: int) -> dict:
    resources = 2 * subaccounts
    builtin = bench.builtin_tf("mixed-builtin", builtin_config(resources))
    builtin.run("init")
    b_apply = builtin.run("apply", "-auto-approve").seconds
    sandbox = bench.sandbox("mixed", SANDBOX_LIMIT)
    try:
        m = bench.provider_tf("mixed", sandbox, mixed_config(subaccounts))
        m.run("init")
        apply = m.run("apply", "-auto-approve")
    finally:
        sandbox.stop()
    floor = len(apply.calls) / SANDBOX_LIMIT
    return {"resources": resources, "apply_s": apply.seconds, "calls": len(apply.calls), "throttled": apply.throttled,
            "builtin_apply_s": b_apply, "floor_s": floor, "ratio": (apply.seconds - b_apply) / floor}


def bench_calls(bench: Bench, n: int, rows: list[ScaleRow]) -> dict:
    row = next((r for r in rows if r.n == n and r.limit == SANDBOX_LIMIT), None)
    if row is None:
        sandbox = bench.sandbox(f"calls{n}", SANDBOX_LIMIT)
        try:
            m = bench.provider_tf(f"calls{n}", sandbox, subaccounts_config(n))
            m.run("init")
            apply = m.run("apply", "-auto-approve")
            plan = m.run("plan", "-detailed-exitcode")
        finally:
            sandbox.stop()
        return {"n": n, "apply": len(apply.calls), "plan": len(plan.calls)}
    return {"n": n, "apply": row.apply_calls, "plan": row.plan_calls}


# ---------------------------------------------------------------------------------------------------------------
# Report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}"


def commit() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def mib(kib: int | None) -> str:
    return "n/a (no GNU time)" if kib is None else f"{kib / 1024:.1f} MiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def summary_rows(startup, cyc, unpaced, calls, mixed) -> list[tuple[str, str, str, str]]:
    """(metric, value, target, met?) rows."""
    rows = [
        ("handshake (spawn to handshake line), median", f"{startup['median_ms']:.2f} ms",
         f"< {TARGET_HANDSHAKE_MS:.0f} ms", verdict(startup["median_ms"] < TARGET_HANDSHAKE_MS)),
        ("handshake, p90", f"{startup['p90_ms']:.2f} ms", f"< {TARGET_HANDSHAKE_MS:.0f} ms",
         verdict(startup["p90_ms"] < TARGET_HANDSHAKE_MS)),
        ("peak RSS at the handshake, max", f"{startup['rss_max_mib']:.1f} MiB", f"< {TARGET_RSS_MIB:.0f} MiB",
         verdict(startup["rss_max_mib"] < TARGET_RSS_MIB)),
    ]
    if cyc["rss_kib"] is not None:
        rows.append((f"peak RSS under Terraform, max of a cycle's {cyc['processes']} processes", mib(cyc["rss_kib"]),
                     f"< {TARGET_RSS_MIB:.0f} MiB", verdict(cyc["rss_kib"] / 1024 < TARGET_RSS_MIB)))
    p, b = cyc["provider_ms"], cyc["builtin_ms"]
    lo, hi = cyc["ratio_range"]
    rows += [
        ("cycle, vonage_account_settings (apply / plan / destroy)",
         f"{cyc['provider_cycle_ms']:.0f} ms ({p[0]:.0f} / {p[1]:.0f} / {p[2]:.0f})", "", ""),
        ("cycle, terraform_data: the floor (apply / plan / destroy)",
         f"{cyc['builtin_cycle_ms']:.0f} ms ({b[0]:.0f} / {b[1]:.0f} / {b[2]:.0f})", "", ""),
        (f"cycle ratio to the floor, median of {cyc['pairs']} pairs (range)",
         f"{cyc['ratio']:.2f}x ({lo:.2f}-{hi:.2f})", f"<= {TARGET_CYCLE_RATIO}x",
         verdict(cyc["ratio"] <= TARGET_CYCLE_RATIO)),
        (f"cycle ratio with the provider's pacing at 1000/s (processes only), median of {unpaced['pairs']} pairs",
         f"{unpaced['ratio']:.2f}x ({unpaced['ratio_range'][0]:.2f}-{unpaced['ratio_range'][1]:.2f})",
         "(information)", ""),
        (f"API calls, apply of N = {calls['n']} subaccounts", str(calls["apply"]), f"N + 2 = {calls['n'] + 2}",
         verdict(calls["apply"] <= calls["n"] + 2)),
        (f"API calls, plan of N = {calls['n']} subaccounts", str(calls["plan"]), "2", verdict(calls["plan"] <= 2)),
        (f"429 answers, apply of {mixed['resources']} resources (defaults, --rate-limit {SANDBOX_LIMIT})",
         str(mixed["throttled"]), "0", verdict(mixed["throttled"] == 0)),
        (f"apply of {mixed['resources']} resources: (wall - terraform_data) / (calls / {SANDBOX_LIMIT} per s)",
         f"{mixed['ratio']:.2f} (({mixed['apply_s']:.1f} - {mixed['builtin_apply_s']:.1f}) s / "
         f"{mixed['floor_s']:.1f} s)", f"<= {TARGET_FLOOR_RATIO}",
         verdict(mixed["ratio"] <= TARGET_FLOOR_RATIO)),
    ]
    return rows


def print_report(version, startup, cyc, unpaced, scale, calls, mixed) -> None:
    print()
    print(f"Terraform {version}; provider {commit()}; {machine()}")
    rows = summary_rows(startup, cyc, unpaced, calls, mixed)
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':{width}}  {'value':>26}  {'target':>10}")
    for name, value, target, met in rows:
        print(f"{name:{width}}  {value:>26}  {target:>10}  {met}")
    print(f"  (rate-limit floor: {mixed['calls']} calls / {SANDBOX_LIMIT} per s = "
          f"{mixed['calls'] / SANDBOX_LIMIT:.1f} s, + terraform_data apply of {mixed['resources']}: "
          f"{mixed['builtin_apply_s']:.1f} s)")
    print()
    print("scale: N subaccounts; provider / terraform_data wall time; API calls; peak RSS of the provider")
    for line in scale_table(scale):
        print("  " + line)


def scale_table(rows: list[ScaleRow]) -> list[str]:
    out = ["| N | sandbox | apply | terraform_data apply | plan | terraform_data plan | calls apply / plan "
           "| 429s | provider peak RSS |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        limit = f"--rate-limit {r.limit}" + (" (provider at 1000/s)" if r.limit == 0 else "")
        out.append(f"| {r.n} | {limit} | {r.apply_s:.2f} s | {r.builtin_apply_s:.2f} s | {r.plan_s:.2f} s "
                   f"| {r.builtin_plan_s:.2f} s | {r.apply_calls} / {r.plan_calls} | {r.apply_429} "
                   f"| {mib(r.rss_kib)} |")
    return out


def plot(rows: list[ScaleRow], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (wall, calls) = plt.subplots(1, 2, figsize=(11, 6))
    ns = sorted({r.n for r in rows})
    styles = {SANDBOX_LIMIT: "-", 0: "--"}
    for limit in (SANDBOX_LIMIT, 0):
        sel = sorted((r for r in rows if r.limit == limit), key=lambda r: r.n)
        label = f"--rate-limit {limit}" + (" (provider 1000/s)" if limit == 0 else "")
        wall.plot([r.n for r in sel], [r.apply_s for r in sel], "o" + styles[limit], color="C0",
                  label=f"provider apply, {label}")
        wall.plot([r.n for r in sel], [r.plan_s for r in sel], "s" + styles[limit], color="C1",
                  label=f"provider plan, {label}")
        if limit == SANDBOX_LIMIT:
            calls.plot([r.n for r in sel], [r.apply_calls for r in sel], "o-", color="C0", label="apply")
            calls.plot([r.n for r in sel], [max(r.plan_calls, 0.8) for r in sel], "s-", color="C1", label="plan")
    base = sorted((r for r in rows if r.limit == SANDBOX_LIMIT), key=lambda r: r.n)
    wall.plot([r.n for r in base], [r.builtin_apply_s for r in base], "o:", color="grey",
              label="terraform_data apply (floor)")
    wall.plot([r.n for r in base], [r.builtin_plan_s for r in base], "s:", color="silver",
              label="terraform_data plan (floor)")
    wall.plot(ns, [n / SANDBOX_LIMIT for n in ns], "-", color="C3", alpha=0.4, linewidth=3,
              label=f"N / {SANDBOX_LIMIT} per s")
    calls.plot(ns, [n + 2 for n in ns], "--", color="C0", alpha=0.6, label="target apply: N + 2")
    calls.plot(ns, [2 for _ in ns], "--", color="C1", alpha=0.6, label="target plan: 2")
    for ax, title, ylabel in ((wall, "Wall time against N", "seconds"),
                              (calls, f"API calls against N (--rate-limit {SANDBOX_LIMIT})", "calls")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns)
        ax.set_xticklabels([str(n) for n in ns])
        ax.set_xlabel("N subaccounts")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        # Below the axes, so that no line is hidden behind it.
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.suptitle(f"terraform-provider-vonage against vonage-sandbox, {datetime.date.today().isoformat()}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- bench:begin {name} -->", f"<!-- bench:end {name} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def write_docs(version, startup, cyc, unpaced, scale, calls, mixed, sizes: Sizes, doc: Path = DOC,
               plot_path: Path = PLOT) -> None:
    """Rewrite the generated sections of `doc` (everything else in it is kept) and the plot."""
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        f"Measured {today} by `make bench` on {machine()}, with Terraform {version} and the release build of "
        f"commit {commit()}. Provider and floor were measured in the same run, alternating.",
        "",
        "| metric | value | target | |",
        "|---|---:|---:|---|",
    ]
    head += [f"| {m} | {v} | {t} | {ok} |" for m, v, t, ok in summary_rows(startup, cyc, unpaced, calls, mixed)]
    head += ["",
             f"The rate-limit floor of the {mixed['resources']}-resource apply is its {mixed['calls']} API calls at "
             f"{SANDBOX_LIMIT} per second ({mixed['calls'] / SANDBOX_LIMIT:.1f} s); the ratio compares it with the "
             f"apply's wall time less Terraform's own cost for {mixed['resources']} `terraform_data` resources "
             f"({mixed['builtin_apply_s']:.1f} s). The call targets (N + 2 for an apply of N subaccounts, 2 for its "
             "plan) are printed here and asserted in CI by tests/acceptance/test_call_budget.py.",
             "",
             "The second cycle ratio raises the provider's pacing to 1000/s: the difference between the two is the "
             "pacing's waits (a process that checks the credentials and then makes its operation's request waits "
             f"1/{SANDBOX_LIMIT} s for the second one), the rest is what the provider's processes cost. See the "
             "breakdown below."]
    scale_body = [
        "`terraform apply` of N new subaccounts, then `terraform plan` of them (no changes), against a fresh "
        "in-memory sandbox; `terraform_data` with the same N beside them. With `--rate-limit 0` the provider's own "
        "pacing is raised to its maximum (`rate_limit_per_second = 1000`), so those rows show what the provider "
        "itself costs; with `--rate-limit 30` it keeps its defaults. Medians of "
        f"{sizes.scale_repeats} runs for N <= 100, one run above; calls from the sandbox's call log; peak RSS is "
        "the largest of the provider's processes (GNU time).",
        "",
        *scale_table(scale),
        "",
        f"![Wall time and API calls against N, log scales]({plot_path.name})",
    ]
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    text = replace_section(text, "summary", "\n".join(head))
    text = replace_section(text, "scale", "\n".join(scale_body))
    doc.write_text(text)
    plot(scale, plot_path)
    print(f"\nbench: wrote {doc} (its generated sections) and {plot_path}")


# ---------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the release provider (figures only).")
    parser.add_argument("--provider-bin", type=Path, default=REPO / "target" / "release" / h.PROVIDER_BINARY_NAME)
    parser.add_argument("--sandbox-bin", type=Path, default=REPO / "target" / "release" / "vonage-sandbox")
    parser.add_argument("--terraform", type=Path, default=h.VENV_TERRAFORM)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1",
                        help="smaller sizes, fewer repeats, docs left alone (also BENCH_QUICK=1)")
    parser.add_argument("--write-docs", action="store_true", help="write the docs even with --quick")
    args = parser.parse_args()
    for path in (args.provider_bin, args.sandbox_bin, args.terraform):
        if not path.exists():
            sys.exit(f"bench: {path} not found (cargo build --release --bins; scripts/setup.sh)")
    for var in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER"):  # logging would distort the timings
        os.environ.pop(var, None)
    sizes = QUICK if args.quick else FULL
    if not GNU_TIME.exists():
        print(f"bench: {GNU_TIME} not found: peak RSS under Terraform is not measured (apt-get install time)")

    binary = h.TerraformBinary(args.terraform, h.terraform_version(args.terraform))
    scratch = Path(tempfile.mkdtemp(prefix="bench."))
    try:
        bench = Bench(binary, args.provider_bin, args.sandbox_bin, scratch)
        print(f"bench: {'quick' if args.quick else 'full'} run in {scratch}", flush=True)
        startup = bench_startup(bench, sizes.handshakes)
        print(f"  start-up: {startup['median_ms']:.2f} ms median", flush=True)
        cyc = bench_cycle(bench, sizes.cycle_pairs)
        print(f"  cycle: {cyc['ratio']:.2f}x the floor", flush=True)
        unpaced = bench_cycle(bench, sizes.cycle_pairs, SETTINGS_CONFIG + FAST_PROVIDER)
        print(f"  cycle, pacing at 1000/s: {unpaced['ratio']:.2f}x the floor", flush=True)
        scale = bench_scale(bench, sizes)
        calls = bench_calls(bench, sizes.calls_n, scale)
        mixed = bench_mixed(bench, sizes.mixed_subaccounts)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_report(binary.version, startup, cyc, unpaced, scale, calls, mixed)
    if not args.quick or args.write_docs:
        write_docs(binary.version, startup, cyc, unpaced, scale, calls, mixed, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
