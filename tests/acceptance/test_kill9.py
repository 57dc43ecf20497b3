"""kill -9 mid-create, with a few subaccounts (issue 19, item 1): Terraform and its provider processes are killed
while creates are in flight, and the next runs make nothing twice and name everything made but not recorded. The
scenario is in kill9.py; tests/scale/test_kill9_at_scale.py runs it with dozens of subaccounts (a `.ci/run` step).

Runs on the pinned Terraform only: what a kill leaves behind does not depend on Terraform's version.
"""

from __future__ import annotations

import kill9


def test_kill9_mid_create_leaves_no_duplicate_and_names_every_orphan(tf, sandbox):
    kill9.run_estate(tf, sandbox, before=1, total=4)
