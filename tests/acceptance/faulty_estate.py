"""An estate applied under injected faults: N subaccounts, each with an extra API secret managed through the
primary, plus the primary's callback settings, against a sandbox that fails a share of requests in every way a
real API does. Shared by tests/acceptance/test_faults_at_scale.py (CI, N=10) and scripts/bench_faults.py (N=50).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import tfharness as h

# One fault of each kind the provider must survive; `ratio` is the share of requests it hits.
FAULT_KINDS = {
    "429": {"kind": "status", "status": 429, "retry_after": 1},
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "latency-2s": {"kind": "latency", "latency_ms": 2000},
    "reset": {"kind": "drop"},
    "truncated": {"kind": "truncate"},
    "lost-after-change": {"kind": "drop", "after_handler": True},
}


def estate_config(n: int) -> str:
    return h.PROVIDER_BLOCK + f"""
provider "vonage" {{}}

resource "vonage_account_settings" "primary" {{
  mo_callback_url = "https://example.com/inbound"
  dr_callback_url = "https://example.com/receipts"
}}

resource "vonage_subaccount" "team" {{
  count = {n}
  name  = "team-${{count.index}}"
}}

ephemeral "vonage_generated_secret" "extra" {{
  count = {n}
}}

resource "vonage_api_secret" "extra" {{
  count             = {n}
  api_key           = vonage_subaccount.team[count.index].api_key
  secret_wo         = ephemeral.vonage_generated_secret.extra[count.index].value
  secret_wo_version = 1
}}
"""


@dataclass
class Outcome:
    apply: h.Result
    seconds: float
    calls: list[dict]

    def faults_injected(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        for c in self.calls:
            if c.get("fault"):
                seen[c["fault"]] = seen.get(c["fault"], 0) + 1
        return seen


def install_faults(sandbox: h.Sandbox, kinds: list[str], ratio: float, count: int | None) -> None:
    """Each kind hits `ratio` of the requests, at most `count` times (None: until cleared)."""
    for kind in kinds:
        spec = dict(FAULT_KINDS[kind], ratio=ratio)
        if count is not None:
            spec["count"] = count
        resp = sandbox._request("POST", "/_sandbox/faults", spec)
        assert resp.status in (200, 201), (kind, resp)


def apply_under_faults(tf: h.Terraform, sandbox: h.Sandbox, n: int, kinds: list[str], ratio: float,
                       count: int | None = None) -> Outcome:
    tf.env.update(sandbox.provider_env)
    tf.write("main.tf", estate_config(n))
    sandbox.clear_calls()
    install_faults(sandbox, kinds, ratio, count)
    started = time.monotonic()
    result = tf.run("apply", "-auto-approve")
    seconds = time.monotonic() - started
    calls = [c for c in sandbox.calls() if not c["path"].startswith("/_sandbox")]
    sandbox._request("DELETE", "/_sandbox/faults")
    return Outcome(result, seconds, calls)


def check_converged(tf: h.Terraform, sandbox: h.Sandbox, n: int) -> None:
    """Exactly the declared objects exist, and the next plan is empty. Read from the sandbox's state dump, which
    the API's rate limit does not apply to."""
    dump = sandbox.state()
    accounts = {a["api_key"]: a for a in dump["accounts"]}
    subs = [a for a in dump["subaccounts"] if a["primary_account_api_key"] == sandbox.api_key]
    names = sorted(s["name"] for s in subs)
    assert names == sorted(f"team-{i}" for i in range(n)), f"duplicates or missing subaccounts: {names}"
    assert not [s for s in subs if s["suspended"]], "nothing was suspended"
    state = tf.json("show", "-json")["values"]["root_module"]["resources"]
    managed = {r["values"]["id"] for r in state if r["type"] == "vonage_api_secret"}
    for s in subs:
        ids = {x["id"] for x in s["secrets"]}
        assert len(ids) == 2, f"{s['name']} has {len(ids)} secrets: an orphan or a missing one"
        assert len(ids & managed) == 1, f"{s['name']}: the managed secret is one of its two"
    primary = accounts[sandbox.api_key]
    assert primary["settings"]["mo_callback_url"] == "https://example.com/inbound"
    plan = tf.run("plan", "-detailed-exitcode")
    assert plan.rc == 0, plan.explain()
