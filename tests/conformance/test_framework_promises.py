"""The framework's promises under real Terraform, one test per gap a probe found (issue 14): each reproduces the
probe's steps and checks that Terraform now gets what terraform-plugin-framework would give it."""

from __future__ import annotations

import tfharness as h

BROKEN = ("inconsistent result", "invalid new value", "Provider bug", "produced an invalid", "Request cancelled",
          "panic", "Plugin did not respond")


def assert_no_provider_bug(result: h.Result) -> None:
    for needle in BROKEN:
        assert not result.says(needle), f"{needle!r} in:\n{result.explain()}"


def config(body: str) -> str:
    return h.PROVIDER_BLOCK + 'provider "vonage" {}\n' + body


def test_timeouts_parse_like_go_and_every_bad_one_is_reported(tf):
    tf.write("main.tf", config("""
resource "vonage_account_settings" "x" {
  timeouts {
    create = "9000000000000000h"
    read   = "500us"
    update = "0"
    delete = "soon"
  }
}
"""))
    result = tf.run("validate", "-json")
    assert_no_provider_bug(result)
    doc = result.json()
    timeouts = [d for d in doc["diagnostics"] if d["summary"] == "Invalid timeout"]
    assert sorted(d["snippet"]["code"].strip().split()[0] for d in timeouts) == ["create", "delete"], timeouts
    assert all(d["severity"] == "error" and "no limit" in d["detail"] for d in timeouts)
    assert [d for d in doc["diagnostics"] if d["severity"] == "error"] == timeouts, "500us and 0 are durations"
