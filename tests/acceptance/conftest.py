"""pytest wiring for the acceptance tests; the machinery itself is in tfharness.py.

Fixtures:
- `tf_binary`: the pinned Terraform (id `tf1.15.5`) for every test that uses it directly or through `tf` /
  `tf_plain`; parametrized over every `terraform_binaries()` (ids `tf1.15.5`, `tf1.11.4`, ...) for the tests that
  are about what differs between Terraform versions: those marked `all_terraform_versions` (the conformance suite,
  the schema, write-only and ephemeral values) and the version gates (`min_terraform`), which report as skipped
  on an older binary.
- `provider_dir`: the directory holding the built terraform-provider-vonage (PROVIDER_BIN_DIR, default target/debug).
- `tf`: Terraform in a fresh working dir with dev_overrides for the provider. Its env aims the provider at a
  closed port, so a test that forgets the sandbox can never reach the real Vonage API.
- `tf_plain`: Terraform with no CLI config (TF_CLI_CONFIG_FILE=/dev/null): fmt, built-in-only configs, and
  providers installed the real way (mirror, ~/.terraform.d/plugins in the per-test HOME).
- `sandbox`: a running vonage-sandbox with a fresh state; `sandbox.provider_env` aims the provider at it.
  `sandbox.callback_url(name)` is a callback URL that answers 200 (the sandbox's own webhook receiver), so a test's
  callbacks pass `--strict`'s check offline.
- `credit_sandbox`: the same, with a primary that has a credit line of `tfharness.CREDIT_LINE` EUR (`--credit-limit`).
- `unlimited_sandbox`: the same, without Vonage's 30 requests per second (`--rate-limit 0`), for a test that sets up
  more than that in a burst and is not about the limit.

Both fixtures start the sandbox with the arguments in VONAGE_SANDBOX_ARGS too (shell words, e.g.
`--strict --provision-subaccounts`): `.ci/run` runs the suite that way, so the provider is rehearsed under Vonage's
strictest rules.

Missing prerequisites skip locally and fail under CI=true (tfharness.require).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tfharness as h

# A closed port on loopback: a provider configured from this env fails fast instead of calling Vonage.
UNREACHABLE_PROVIDER_ENV = {
    "VONAGE_API_KEY": h.SANDBOX_API_KEY,
    "VONAGE_API_SECRET": "Unused0Secret",
    "VONAGE_API_URL": "http://127.0.0.1:9",
    "VONAGE_REST_URL": "http://127.0.0.1:9",
}


def pytest_report_header(config):
    lines = [f"terraform: {b.path} ({b.version or 'missing: run scripts/setup.sh'})" for b in h.terraform_binaries()]
    lines.append(f"provider dir: {h.provider_bin_dir()}; sandbox: {h.sandbox_bin()}; CI={h.in_ci()}")
    return lines


def pytest_configure(config):
    config.addinivalue_line("markers", "min_terraform(version): the feature needs Terraform at least this new; "
                                       "older binaries report the test as skipped")
    config.addinivalue_line("markers", "all_terraform_versions: run on every Terraform found (the pinned one and "
                                       "any other on PATH), not only on the pinned one")


def runs_on_every_version(metafunc) -> bool:
    """A test about what differs between Terraform versions: marked so, or gated by a version."""
    return any(next(metafunc.definition.iter_markers(name), None) is not None
               for name in ("all_terraform_versions", "min_terraform"))


def pytest_generate_tests(metafunc):
    if "tf_binary" in metafunc.fixturenames:
        binaries = h.terraform_binaries()
        if not runs_on_every_version(metafunc):
            binaries = binaries[:1]  # the pinned Terraform, listed first (even when missing, so it fails visibly)
        metafunc.parametrize("tf_binary", binaries, ids=[b.id for b in binaries], indirect=True)


def version_floor(node) -> tuple[int, ...] | None:
    marker = node.get_closest_marker("min_terraform")
    return tuple(int(p) for p in marker.args[0].split(".")) if marker else None


@pytest.fixture
def tf_binary(request) -> h.TerraformBinary:
    binary: h.TerraformBinary = request.param
    h.require(binary.version, f"{binary.path} is missing or does not run: run scripts/setup.sh")
    floor = version_floor(request.node)
    if floor and binary.version_tuple() < floor:
        # A version gate, not a missing prerequisite: skipped even under CI=true, and visible as skipped.
        pytest.skip(f"needs Terraform {'.'.join(map(str, floor))}+; {binary.path} is {binary.version}")
    return binary


@pytest.fixture
def provider_dir() -> Path:
    directory = h.provider_bin_dir()
    binary = directory / h.PROVIDER_BINARY_NAME
    h.require(binary.is_file(), f"{binary} not built: run `cargo build --bins` (or set PROVIDER_BIN_DIR)")
    return directory


@pytest.fixture
def tf(tf_binary, provider_dir, tmp_path) -> h.Terraform:
    runner = h.new_terraform(tf_binary, tmp_path, provider_dir)
    runner.env.update(UNREACHABLE_PROVIDER_ENV)
    return runner


@pytest.fixture
def tf_plain(tf_binary, tmp_path) -> h.Terraform:
    runner = h.new_terraform(tf_binary, tmp_path, None)
    runner.env.update(UNREACHABLE_PROVIDER_ENV)
    return runner


def _sandbox(tmp_path, *extra_args: str):
    binary = h.sandbox_bin()
    h.require(binary.is_file(), f"{binary} not built: run `cargo build --bins` (or set VONAGE_SANDBOX_BIN)")
    box = h.Sandbox(binary, tmp_path / "sandbox", extra_args=[*h.sandbox_mode_args(), *extra_args])
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def sandbox(tmp_path):
    yield from _sandbox(tmp_path)


@pytest.fixture
def credit_sandbox(tmp_path):
    yield from _sandbox(tmp_path, "--credit-limit", str(h.CREDIT_LINE))


@pytest.fixture
def unlimited_sandbox(tmp_path):
    yield from _sandbox(tmp_path, "--rate-limit", "0")


def _terraform_litter() -> set[Path]:
    roots = [h.REPO / "examples", h.REPO / "tests"]
    found: set[Path] = set()
    for root in roots:
        if root.is_dir():
            for pattern in (".terraform.lock.hcl", ".terraform", "terraform.tfstate"):
                found.update(root.rglob(pattern))
    return found


@pytest.fixture(scope="session", autouse=True)
def no_terraform_files_left_in_repo():
    """Tests run in tmp dirs: fail the session if a lock file, .terraform/ or state appears in the repo."""
    before = _terraform_litter()
    yield
    new = _terraform_litter() - before
    assert not new, f"tests left Terraform files in the repository: {sorted(map(str, new))}"
