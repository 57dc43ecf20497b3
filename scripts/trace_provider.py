#!/usr/bin/env python3
"""trace_provider.py: where each provider process's time goes, from spawn to exit, under real Terraform.

Runs apply -> no-op plan -> destroy cycles of one `vonage_account_settings` (as `make bench` does) while the kernel's
tracer records, for every provider process: Terraform's fork, the exec, the page faults, the handshake line, the
accepted connection and the exit (tracepoints), and entry and return of the provider's own functions (uprobes on
the release binary's symbols): `main`, the key and certificate, the TLS configuration, the three TLS handshake
steps that run in the provider, every RPC method and `GRPCController.Shutdown`. It prints, per phase, the median
over the processes of its wall time and page faults, and who is running: `ours` (the provider), `Terraform`, or
`kernel`.

The tracer adds a few microseconds per event, so the phases read a little long; compare them with each other.
Needs root, tracefs (/sys/kernel/tracing) with uprobes, and a release build with symbols (`strip = "debuginfo"`).

    sudo .venv/bin/python scripts/trace_provider.py [--cycles 3] [--provider-bin target/release/...]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "acceptance"))
import tfharness as h  # noqa: E402

TRACEFS = Path("/sys/kernel/tracing")
INSTANCE = TRACEFS / "instances" / "vonage-provider"
GROUP = "vonageprovider"
COMM = "terraform-provi"  # the kernel keeps 15 characters of a process name

# uprobe label -> demangled symbol (regex)
FUNCTIONS = {
    "main": r"main",
    "key": r"tfvonage::plugin::tls::generate_server_identity",
    "tls_config": r"tfvonage::plugin::tls::server_config",
    "tls_hello": r"<rustls::server::hs::ExpectClientHello as .*>::handle",
    "tls_client_cert": r"<rustls::server::tls13::ExpectCertificateVerify as .*>::handle",
    "tls_finished": r"<rustls::server::tls13::ExpectFinished as .*>::handle",
    "shutdown": r"<tfvonage::plugin::side_services::Controller as .*>::shutdown::\{\{closure\}\}",
}
RPC = re.compile(r"<tfvonage::tfplugin::service::ProviderService<P> as tfvonage::tfplugin::proto::provider_server::"
                 r"Provider>::([a-z_]+)::\{\{closure\}\}")

# (phase, from marker, to marker, who runs)
PHASES = [
    ("spawn (fork to exec)", "fork", "exec", "Terraform"),
    ("exec to main: loading, linking, relocation", "exec", "main", "kernel + ld.so"),
    ("runtime start: std, tokio, socket", "main", "key_in", "ours"),
    ("key and certificate", "key_in", "key_out", "ours"),
    ("TLS configuration", "tls_config_in", "tls_config_out", "ours"),
    ("handshake line written", "tls_config_out", "handshake_line", "ours"),
    ("Terraform reads it and connects", "handshake_line", "tls_hello_in", "Terraform"),
    ("TLS: ClientHello to server flight", "tls_hello_in", "tls_hello_out", "ours"),
    ("TLS: Terraform checks us, signs (P-521)", "tls_hello_out", "tls_client_cert_in", "Terraform"),
    ("TLS: client certificate check (P-521)", "tls_client_cert_in", "tls_client_cert_out", "ours"),
    ("HTTP/2 set-up and first request", "tls_finished_out", "first_rpc", "Terraform"),
    ("RPCs, served", None, None, "ours"),
    ("between RPCs", None, None, "Terraform"),
    ("last RPC to Shutdown", "last_rpc", "shutdown_in", "Terraform"),
    ("Shutdown to exit_group", "shutdown_in", "exit_group", "ours"),
    ("exit_group to exited", "exit_group", "exited", "kernel"),
]


def write(path: Path, text: str, append: bool = False) -> None:
    fd = os.open(path, os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC))  # tracefs refuses seeks
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def symbol_offsets(binary: Path) -> dict[str, int]:
    """File offsets of the traced functions in `binary`."""
    text = None
    for line in subprocess.run(["readelf", "-lW", str(binary)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        p = line.split()
        if p and p[0] == "LOAD" and "E" in "".join(p[6:-1]):
            text = (int(p[2], 16), int(p[1], 16), int(p[4], 16))  # vaddr, offset, size
    if text is None:
        sys.exit(f"trace: no executable segment in {binary}")
    vaddr, offset, size = text
    found = {}
    for line in subprocess.run(["nm", "-C", str(binary)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in ("t", "T") or not parts[0]:
            continue
        addr, name = int(parts[0], 16), parts[2]
        label = next((k for k, rx in FUNCTIONS.items() if re.fullmatch(rx, name)), None)
        if (m := RPC.fullmatch(name)) is not None:
            label = "rpc_" + m.group(1)
        if label and vaddr <= addr < vaddr + size:
            found[label] = addr - vaddr + offset
    missing = [k for k in FUNCTIONS if k not in found]
    if "main" in missing or "shutdown" in missing:
        sys.exit(f"trace: symbols not found in {binary}: {missing} (a release build with symbols is needed)")
    if missing:
        print(f"trace: inlined in this build, so their phases merge with their neighbours': {missing}")
    return found


def start_tracing(binary: Path) -> None:
    if not (TRACEFS / "uprobe_events").exists():
        sys.exit("trace: needs root and tracefs with uprobes at /sys/kernel/tracing")
    INSTANCE.mkdir(exist_ok=True)
    write(INSTANCE / "tracing_on", "0")
    write(INSTANCE / "buffer_size_kb", "65536")
    write(INSTANCE / "trace_clock", "mono")
    write(INSTANCE / "trace", "")
    for label, offset in symbol_offsets(binary).items():
        write(TRACEFS / "uprobe_events", f"p:{GROUP}/{label}_in {binary}:0x{offset:x}\n", append=True)
        if label != "main":
            write(TRACEFS / "uprobe_events", f"r:{GROUP}/{label}_out {binary}:0x{offset:x}\n", append=True)
    events = INSTANCE / "events"
    write(events / GROUP / "enable", "1")
    filters = {
        "sched/sched_process_fork": 'parent_comm == "terraform"',
        "sched/sched_process_exec": f'filename ~ "*/{binary.name}"',
        "sched/sched_process_exit": f'comm == "{COMM}"',
        "syscalls/sys_enter_write": f'comm == "{COMM}" && fd == 1',
        "syscalls/sys_enter_exit_group": f'comm == "{COMM}"',
        "exceptions/page_fault_user": f'comm == "{COMM}"',
    }
    for event, condition in filters.items():
        write(events / event / "filter", condition)
        write(events / event / "enable", "1")
    write(INSTANCE / "tracing_on", "1")


def stop_tracing() -> str:
    write(INSTANCE / "tracing_on", "0")
    write(INSTANCE / "events" / "enable", "0")
    data = (INSTANCE / "trace").read_text()
    for line in (TRACEFS / "uprobe_events").read_text().splitlines():
        if line[2:].startswith(GROUP + "/"):
            write(TRACEFS / "uprobe_events", f"-:{line.split()[0][2:]}\n", append=True)
    INSTANCE.rmdir()
    return data


LINE = re.compile(r"^\s*.+?-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+):\s+(\S+):\s*(.*)$")


def processes(data: str) -> list[list[tuple[str, float]]]:
    """Per provider process, its markers in time order (page faults as `fault`)."""
    forks: dict[int, float] = {}
    marks: dict[int, list[tuple[str, float]]] = collections.OrderedDict()
    for line in data.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pid, ts, name, rest = int(m.group(1)), float(m.group(2)), m.group(3).split("(")[0], m.group(4)
        if name == "sched_process_fork":
            forks[int(re.search(r"child_pid=(\d+)", rest).group(1))] = ts
        elif name == "sched_process_exec":
            marks[pid] = [("fork", forks.get(pid, ts)), ("exec", ts)]
        elif pid in marks:
            name = {"sys_write": "handshake_line", "sys_exit_group": "exit_group", "sched_process_exit": "exited",
                    "page_fault_user": "fault", "main_in": "main"}.get(name, name)
            marks[pid].append((name, ts))
    return [sorted(v, key=lambda m: m[1]) for v in marks.values() if any(n == "exited" for n, _ in v)]


def phases_of(marks: list[tuple[str, float]]) -> dict[str, tuple[float, int]]:
    """phase -> (milliseconds, page faults) for one process."""
    faults = [t for n, t in marks if n == "fault"]
    named = [(n, t) for n, t in marks if n != "fault"]
    first: dict[str, float] = {}
    for n, t in named:
        first.setdefault(n, t)
    rpcs = [(n, t) for n, t in named if n.startswith("rpc_")]
    if rpcs:
        first["first_rpc"] = rpcs[0][1]
        first["last_rpc"] = rpcs[-1][1]
    count = lambda a, b: sum(1 for t in faults if a <= t < b)  # noqa: E731
    out = {}
    for phase, a, b, _ in PHASES:
        if a and b and a in first and b in first:
            out[phase] = ((first[b] - first[a]) * 1e3, count(first[a], first[b]))
    # Served RPCs: each poll of an RPC's future is an entry and a return; an RPC runs from its first entry to
    # its last return, and the time between one RPC's end and the next one's start is Terraform's.
    served, between, served_faults, between_faults, prev_end = 0.0, 0.0, 0, 0, None
    spans: dict[str, list[float]] = {}
    for n, t in rpcs:
        spans.setdefault(n[:-3] if n.endswith(("_in", "_out")) else n, []).append(t)
    for name in sorted(spans, key=lambda k: spans[k][0]):
        start, end = spans[name][0], spans[name][-1]
        served += end - start
        served_faults += count(start, end)
        if prev_end is not None and start > prev_end:
            between += start - prev_end
            between_faults += count(prev_end, start)
        prev_end = end
    if rpcs:
        out["RPCs, served"] = (served * 1e3, served_faults)
        out["between RPCs"] = (between * 1e3, between_faults)
    total = named[-1][1] - named[0][1]
    out["whole process (fork to exited)"] = (total * 1e3, len(faults))
    return out


def report(procs: list[list[tuple[str, float]]]) -> None:
    table = [phases_of(p) for p in procs]
    print(f"{len(table)} provider processes; median per process (ms, page faults)")
    print(f"{'phase':46} {'who':15} {'ms':>7} {'faults':>7}")
    for phase, _, _, who in PHASES + [("whole process (fork to exited)", None, None, "")]:
        values = [t[phase] for t in table if phase in t]
        if not values:
            continue
        ms = statistics.median(v[0] for v in values)
        faults = statistics.median(v[1] for v in values)
        print(f"{phase:46} {who:15} {ms:7.3f} {faults:7.0f}")
    print()
    print("each RPC, served (its first poll to its last return; an API call's wait included)")
    print(f"{'RPC':36} {'calls':>6} {'median ms':>10} {'max ms':>8}")
    per_rpc: dict[str, list[float]] = collections.defaultdict(list)
    for p in procs:
        for name, (start, end) in rpc_spans(p).items():
            per_rpc[name].append((end - start) * 1e3)
    for name, values in sorted(per_rpc.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"{name:36} {len(values):6} {statistics.median(values):10.3f} {max(values):8.3f}")
    print()
    print("whole process by what it served (median ms)")
    kinds: dict[str, list[float]] = collections.defaultdict(list)
    for p, t in zip(procs, table):
        served = set(rpc_spans(p))
        kind = ("schema only" if served <= {"get_provider_schema", "get_resource_identity_schemas"}
                else "configured, with an API call" if "configure_provider" in served
                else "other")
        kinds[kind].append(t["whole process (fork to exited)"][0])
    for kind, values in sorted(kinds.items()):
        print(f"  {kind:32} {len(values):3} processes {statistics.median(values):8.3f}")


def rpc_spans(marks: list[tuple[str, float]]) -> dict[str, tuple[float, float]]:
    """RPC name -> (first entry, last return) in one process."""
    spans: dict[str, list[float]] = {}
    for n, t in marks:
        if n.startswith("rpc_"):
            spans.setdefault(n[4:].removesuffix("_in").removesuffix("_out"), []).append(t)
    return {k: (v[0], v[-1]) for k, v in spans.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from-trace", type=Path, help="report on a trace kept earlier, without running anything")
    parser.add_argument("--provider-bin", type=Path, default=REPO / "target" / "release" / h.PROVIDER_BINARY_NAME)
    parser.add_argument("--sandbox-bin", type=Path, default=REPO / "target" / "release" / "vonage-sandbox")
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--keep-trace", type=Path, help="write the raw trace here")
    args = parser.parse_args()
    if args.from_trace:
        report(processes(args.from_trace.read_text()))
        return 0
    binary = args.provider_bin.resolve()
    terraform = h.TerraformBinary(h.VENV_TERRAFORM, h.terraform_version(h.VENV_TERRAFORM))
    for var in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER"):
        os.environ.pop(var, None)
    with tempfile.TemporaryDirectory(prefix="trace.") as tmp:
        sandbox = h.Sandbox(args.sandbox_bin, Path(tmp) / "sandbox", persist=False,
                            extra_args=["--rate-limit", "30"])
        try:
            tf = h.new_terraform(terraform, Path(tmp) / "tf", binary.parent)
            tf.env.update(sandbox.provider_env)
            tf.write("main.tf", h.PROVIDER_BLOCK + 'resource "vonage_account_settings" "bench" {\n'
                     '  mo_callback_url = "https://example.com/bench"\n}\n')
            tf.run("init").ok()
            start_tracing(binary)
            try:
                for _ in range(args.cycles):
                    tf.run("apply", "-auto-approve").ok()
                    tf.run("plan", "-detailed-exitcode").ok()
                    tf.run("destroy", "-auto-approve").ok()
            finally:
                data = stop_tracing()
        finally:
            sandbox.stop()
    if args.keep_trace:
        args.keep_trace.write_text(data)
    report(processes(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
