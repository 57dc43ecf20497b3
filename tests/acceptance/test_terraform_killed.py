"""Terraform or the provider killed mid-run (kill -9: an OOM kill, a CI job's timeout), with the README's pattern: an
ephemeral vonage_api_secret feeding a provider alias, whose read the sandbox holds so that the secret is open when
the kill comes. Real processes are killed, and the secrets are then counted in the sandbox.

- Terraform killed: its provider processes exit within 2 s, revoking the secret first (or leaving it journalled for
  the next run); a concurrent run on the same machine is refused a slot with the secret named, not revoked.
- The provider that opened the secret killed: the secret stays journalled, and the next run revokes it."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

import tfharness as h
from test_ephemeral_api_secret import alias_config, new_subaccount, sandbox_secrets

# Ephemeral resources (1.10+) open and close differently across versions.
pytestmark = pytest.mark.all_terraform_versions

# The read through the alias is held this long (the provider gives up after its 30 s request timeout): the kills come
# well before.
HOLD_MS = 60_000


def wait_until(condition, within: float, what: str):
    """Polls `condition` until it returns something truthy, which it returns; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, f"not within {within}s: {what}"
        time.sleep(0.02)


def exited(pid: int) -> bool:
    """The process is gone, or has exited and waits for its reaper (a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def providers_of(pid: int) -> list[int]:
    """The provider processes `pid` started (its children running terraform-provider-vonage)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            exe = os.readlink(stat.parent / "exe")
        except OSError:
            continue
        if int(text.rsplit(")", 1)[1].split()[1]) == pid and exe.endswith(h.PROVIDER_BINARY_NAME):
            found.append(int(stat.parent.name))
    return found


def journal(state_dir: Path) -> list[dict]:
    try:
        return json.loads((state_dir / "run-secrets.json").read_text())
    except (OSError, ValueError):
        return []


def hold_reads(sandbox: h.Sandbox) -> None:
    fault = {"route": "GET /account/get-balance", "kind": "latency", "latency_ms": HOLD_MS, "count": 1}
    assert sandbox._request("POST", "/_sandbox/faults", fault).status in (200, 201)


def open_and_held(tf: h.Terraform, sandbox: h.Sandbox, key: str, state_dir: Path, command: str):
    """Starts `terraform <command>` on the alias pattern, and waits until its ephemeral secret is open (journalled
    with its id) and the alias's provider runs, its read held: (the running command, the journal entry)."""
    hold_reads(sandbox)
    tf.write("main.tf", alias_config(f'  api_key = "{key}"'))
    args = [command, "-auto-approve"] if command == "apply" else [command]
    running = tf.start(*args)
    entry = wait_until(lambda: next((e for e in journal(state_dir) if e["api_key"] == key and e["id"]), None),
                       60, "the ephemeral secret is opened and journalled")
    # Terraform starts the alias's provider process once the secret it is configured from is open.
    wait_until(lambda: len(providers_of(running.proc.pid)) >= 2, 60, "the alias's provider process starts")
    return running, entry


def test_killing_terraform_stops_its_providers_within_2s_and_its_run_secret_is_revoked(
        tf, sandbox, tf_binary, provider_dir, tmp_path):
    state_dir = tmp_path / "state"
    tf.env.update(sandbox.provider_env, VONAGE_PROVIDER_STATE_DIR=str(state_dir))
    key = new_subaccount(sandbox, "killed")
    before = sandbox_secrets(sandbox, key)
    running, entry = open_and_held(tf, sandbox, key, state_dir, "apply")

    # A concurrent run on this machine finds both slots taken: the secret is named, and left alone.
    other = h.new_terraform(tf_binary, tmp_path / "concurrent", provider_dir)
    other.env.update(tf.env)
    other.write("main.tf", alias_config(f'  api_key = "{key}"'))
    blocked = other.run("plan")
    assert blocked.rc == 1 and blocked.says("No free API secret slot for an ephemeral secret"), blocked.explain()
    assert blocked.says(f"`{entry['id']}`, opened at {entry['opened_at']} by provider process "
                        f"{entry['owner']['pid']}"), blocked.explain()
    assert blocked.says("a concurrent run may be using it"), blocked.explain()
    assert entry["id"] in [s["id"] for s in sandbox_secrets(sandbox, key)]

    providers = providers_of(running.proc.pid)
    assert entry["owner"]["pid"] in providers, (providers, entry)
    running.proc.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    running.wait()
    wait_until(lambda: all(exited(p) for p in providers), 2.0 - (time.monotonic() - killed),
               f"the provider processes {providers} exit within 2 s of Terraform's kill")

    # The provider revoked its secret before exiting; had Vonage been slow, the journal would keep it instead.
    left = [s["id"] for s in sandbox_secrets(sandbox, key) if s not in before]
    journalled = [e["id"] for e in journal(state_dir)]
    assert left == [] and journalled == [], (left, journalled)
    other.run("plan").ok()
    assert sandbox_secrets(sandbox, key) == before


def test_a_run_secret_whose_provider_was_killed_is_revoked_by_the_next_run(tf, sandbox, tmp_path):
    state_dir = tmp_path / "state"
    tf.env.update(sandbox.provider_env, VONAGE_PROVIDER_STATE_DIR=str(state_dir))
    key = new_subaccount(sandbox, "provider-killed")
    before = sandbox_secrets(sandbox, key)
    running, entry = open_and_held(tf, sandbox, key, state_dir, "plan")
    providers = providers_of(running.proc.pid)
    # The provider that opened the secret dies first, then Terraform (which would wait for the held read).
    os.kill(entry["owner"]["pid"], signal.SIGKILL)
    running.proc.send_signal(signal.SIGKILL)
    running.wait()
    wait_until(lambda: all(exited(p) for p in providers), 2.0, "the other provider processes exit")
    assert entry["id"] in [s["id"] for s in sandbox_secrets(sandbox, key)], "nothing revoked it"
    assert [e["id"] for e in journal(state_dir)] == [entry["id"]]
    # The held read is no part of the next run (a Terraform that had not sent it yet would meet it).
    assert sandbox._request("DELETE", "/_sandbox/faults").status in (200, 204)

    sandbox.clear_calls()
    result = tf.run("plan").ok()
    assert result.says("Revoked ephemeral API secrets left by a stopped run") and result.says(entry["id"]), \
        result.explain()
    assert f"DELETE /accounts/{key}/secrets/{entry['id']}" in [f"{c['method']} {c['path']}" for c in sandbox.calls()]
    assert sandbox_secrets(sandbox, key) == before and journal(state_dir) == []
