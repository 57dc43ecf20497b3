"""kill -9 in the middle of an apply, as a CI job's timeout or the OOM killer does it: Terraform and the provider
processes it started die at once, after Vonage made objects and before Terraform recorded them.

`run_estate` drives one estate through it: `before` subaccounts applied normally, then the configuration grows to
`total` and the apply is killed while its subaccount creates are in flight; then an extra secret per subaccount,
killed while the secret creates are in flight. After each kill it re-applies and counts what the sandbox holds:
no subaccount made twice, no third secret, and every object made but not recorded named with the way to adopt it.
Following that advice converges on exactly the declared objects.

"Mid-create" is made deterministic by the sandbox's fault injection, not by timing: every create's answer is
held (a latency fault after the handler, so the object exists while its answer waits) and the kill comes once the
sandbox holds as many new objects as Terraform runs creates at once (its -parallelism). No sleeps: every wait
polls a condition.

Shared by tests/acceptance/test_kill9.py (`make test`, a few subaccounts) and tests/scale/test_kill9_at_scale.py
(dozens, a `.ci/run` step).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import tfharness as h

PARALLELISM = 10
HOLD_MS = 120_000


def wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def estate(n: int, secrets: bool = False, version: int = 1, imports: str = "") -> str:
    config = h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_subaccount" "team" {{
  count = {n}
  name  = "team-${{count.index}}"
}}
"""
    if secrets:
        config += f"""
ephemeral "vonage_generated_secret" "extra" {{
  count = {n}
}}

resource "vonage_api_secret" "extra" {{
  count             = {n}
  api_key           = vonage_subaccount.team[count.index].api_key
  secret_wo         = ephemeral.vonage_generated_secret.extra[count.index].value
  secret_wo_version = {version}
}}
"""
    return config + imports


def import_block(address: str, id_: str) -> str:
    return f'\nimport {{\n  to = {address}\n  id = "{id_}"\n}}\n'


# The sandbox is read through its admin surface, which Vonage's rate limit does not count: polling the API would
# spend the key's 30 requests per second that the provider is pacing itself to.
def subaccounts(sandbox: h.Sandbox) -> list[dict]:
    return sandbox.state()["subaccounts"]


def secrets_of(sandbox: h.Sandbox, key: str) -> list[dict]:
    return next(s["secrets"] for s in sandbox.state()["subaccounts"] if s["api_key"] == key)


def secrets_by_account(sandbox: h.Sandbox) -> dict[str, list[dict]]:
    return {s["api_key"]: s["secrets"] for s in sandbox.state()["subaccounts"]}


def creates(sandbox: h.Sandbox, what: str) -> list[dict]:
    return [c for c in sandbox.calls() if c["method"] == "POST" and c["path"].endswith(what)]


def hold_answers(sandbox: h.Sandbox, route: str) -> None:
    """Every create on `route` happens at once, and its answer waits HOLD_MS."""
    resp = sandbox._request("POST", "/_sandbox/faults", {"route": route, "kind": "latency", "latency_ms": HOLD_MS,
                                                         "after_handler": True})
    assert resp.status in (200, 201), resp


def clear_faults(sandbox: h.Sandbox) -> None:
    assert sandbox._request("DELETE", "/_sandbox/faults").status in (200, 204)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def kill9(running: h.Running) -> list[int]:
    """SIGKILL the running Terraform and every provider process it started (by their ids); return the providers'."""
    terraform = running.proc.pid
    providers = [p for p in _children(terraform)
                 if os.path.basename(os.readlink(f"/proc/{p}/exe")).startswith(h.PROVIDER_BINARY_NAME)]
    assert providers, "the apply's provider process is running"
    os.kill(terraform, signal.SIGKILL)
    for pid in providers:
        os.kill(pid, signal.SIGKILL)
    running.wait(timeout=30)
    wait_for(lambda: all(_gone(p) for p in providers), "the killed provider processes to die")
    return providers


def state_keys(tf: h.Terraform, type_: str) -> dict[str, str]:
    """address -> id of every `type_` object in Terraform's state."""
    resources = tf.json("show", "-json").get("values", {}).get("root_module", {}).get("resources", [])
    return {r["address"]: r["values"]["id"] for r in resources if r["type"] == type_}


def run_estate(tf: h.Terraform, sandbox: h.Sandbox, before: int, total: int) -> None:
    tf.env.update(sandbox.provider_env)
    if before:
        tf.write("main.tf", estate(before))
        tf.run("apply", "-auto-approve").ok()

    # Subaccounts: the creates Terraform starts are made, their answers held, and then everything is killed.
    in_flight = min(PARALLELISM, total - before)
    tf.write("main.tf", estate(total))
    hold_answers(sandbox, "POST /accounts/*/subaccounts")
    running = tf.start("apply", "-auto-approve", f"-parallelism={PARALLELISM}")
    wait_for(lambda: len(subaccounts(sandbox)) == before + in_flight, "the subaccount creates to be made")
    kill9(running)
    clear_faults(sandbox)
    made = subaccounts(sandbox)
    assert len(made) == before + in_flight, made
    managed = set(state_keys(tf, "vonage_subaccount").values())
    orphans = [s for s in made if s["api_key"] not in managed]
    assert len(orphans) == in_flight, (orphans, managed)

    # The next apply makes nothing, and names each one with the import block that adopts it.
    sandbox.clear_calls()
    again = tf.run("apply", "-auto-approve")
    assert again.rc == 1, again.explain()
    for s in orphans:
        assert again.says(f'Error: An active subaccount named "{s["name"]}" already exists'), again.explain()
        assert again.says(f'id = "{s["api_key"]}"'), again.explain()
    assert creates(sandbox, "/subaccounts") == [], "no subaccount made twice"
    assert len(subaccounts(sandbox)) == before + in_flight

    # Following the advice: the import blocks adopt them, and the rest is created.
    blocks = "".join(import_block(f"vonage_subaccount.team[{s['name'].split('-')[1]}]", s["api_key"])
                     for s in orphans)
    tf.write("main.tf", estate(total, imports=blocks))
    tf.run("apply", "-auto-approve").ok()
    made = subaccounts(sandbox)
    assert sorted(s["name"] for s in made) == sorted(f"team-{i}" for i in range(total)), "each name once"
    keys = [s["api_key"] for s in made]
    first_secret = {k: [s["id"] for s in secrets] for k, secrets in secrets_by_account(sandbox).items()}
    assert all(len(ids) == 1 for ids in first_secret.values()), first_secret

    # Secrets: an extra one per subaccount; the creates Terraform starts are made, and everything is killed.
    in_flight = min(PARALLELISM, total)
    tf.write("main.tf", estate(total, secrets=True))
    hold_answers(sandbox, "POST /accounts/*/secrets")
    running = tf.start("apply", "-auto-approve", f"-parallelism={PARALLELISM}")
    full = lambda: [k for k, ids in secrets_by_account(sandbox).items() if len(ids) == 2]  # noqa: E731
    wait_for(lambda: len(full()) == in_flight, "the secret creates to be made")
    kill9(running)
    clear_faults(sandbox)
    orphaned = {k: next(s for s in secrets_of(sandbox, k) if s["id"] not in first_secret[k]) for k in full()}
    assert len(orphaned) == in_flight

    # The next apply makes no third secret anywhere and names each orphan, the newest secret of its account.
    again = tf.run("apply", "-auto-approve")
    assert again.rc == 1, again.explain()
    for key, orphan in orphaned.items():
        assert again.says(f"Account {key} already has 2 API secrets"), again.explain()
        assert again.says(f"The newest, `{orphan['id']}` (created {orphan['created_at']}), may be one an "
                          "interrupted run left"), again.explain()
    assert all(len(ids) == 2 for ids in secrets_by_account(sandbox).values()), "never a third secret"
    assert len(state_keys(tf, "vonage_api_secret")) == total - in_flight

    # Following the advice, both ways: the first orphan is adopted (import, then a new secret_wo_version replaces
    # it, its value being unknown), the others are revoked as from the dashboard.
    index = {s["api_key"]: s["name"].split("-")[1] for s in made}
    adopted, *revoked = orphaned
    for key in revoked:
        assert sandbox.api("DELETE", f"/accounts/{key}/secrets/{orphaned[key]['id']}").status == 204
    block = import_block(f"vonage_api_secret.extra[{index[adopted]}]", f"{adopted}/{orphaned[adopted]['id']}")
    tf.write("main.tf", estate(total, secrets=True, imports=block))
    tf.run("apply", "-auto-approve").ok()
    assert state_keys(tf, "vonage_api_secret")[f"vonage_api_secret.extra[{index[adopted]}]"] == orphaned[adopted]["id"]
    tf.write("main.tf", estate(total, secrets=True, version=2))
    tf.run("apply", "-auto-approve").ok()

    # Exactly the declared objects: each subaccount once, each with its first secret and the managed one.
    assert len(subaccounts(sandbox)) == total
    managed_secrets = state_keys(tf, "vonage_api_secret")
    assert len(managed_secrets) == total
    now = secrets_by_account(sandbox)
    for key in keys:
        ids = [s["id"] for s in now[key]]
        assert len(ids) == 2 and first_secret[key][0] in ids, (key, ids)
        assert orphaned.get(key, {}).get("id") not in ids
    assert set(managed_secrets.values()) <= {s["id"] for secrets in now.values() for s in secrets}
    assert tf.run("plan", "-detailed-exitcode").rc == 0
