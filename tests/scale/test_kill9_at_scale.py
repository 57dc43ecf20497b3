"""kill -9 mid-create at scale (issue 19, item 1): the scenario of tests/acceptance/kill9.py with 40 subaccounts, 20
of them managed before the kill, so a whole -parallelism of subaccount creates and then of secret creates is in
flight when Terraform and its provider processes die. The issue's report: 30 subaccounts, 10 names duplicated; 50,
10 duplicated and 10 secrets orphaned. Here the next runs make nothing twice and name every orphan.

A `.ci/run` step after `make test` (it applies the estate six times); tests/acceptance/test_kill9.py runs the same
with a few subaccounts inside `make test`.
"""

from __future__ import annotations

import kill9


def test_kill9_mid_create_of_40_subaccounts_leaves_no_duplicate_and_names_every_orphan(tf, sandbox):
    kill9.run_estate(tf, sandbox, before=20, total=40)
