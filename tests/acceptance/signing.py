"""GPG keys for the release tests: a fresh key in a keyring of its own (a temporary GNUPGHOME), as the release
workflow's GPG_PRIVATE_KEY secret would hold it. RSA by default: the Terraform Registry refuses other kinds."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tfharness as h


@dataclass
class Key:
    home: Path
    fingerprint: str
    passphrase: str

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "GNUPGHOME": str(self.home)}

    def gpg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", self.passphrase,
                               *args], env=self.env, capture_output=True, text=True, check=check, timeout=120)

    def secret_armored(self) -> str:
        return self.gpg("--armor", "--export-secret-keys", self.fingerprint).stdout

    def public_armored(self) -> str:
        return self.gpg("--armor", "--export", self.fingerprint).stdout

    def close(self) -> None:
        subprocess.run(["gpgconf", "--kill", "all"], env=self.env, capture_output=True)
        shutil.rmtree(self.home, ignore_errors=True)


def new_key(algorithm: str = "rsa3072", passphrase: str = "") -> Key:
    """A signing key made now (`gpg --quick-gen-key`), valid for a day."""
    h.require(shutil.which("gpg"), "gpg is not installed (scripts/setup.sh installs Debian's gnupg as root)")
    home = Path(tempfile.mkdtemp(prefix="release-test-gnupg-"))
    home.chmod(0o700)
    # A throwaway key: spare gpg-agent the seconds it spends calibrating the passphrase protection.
    (home / "gpg-agent.conf").write_text("s2k-count 65536\n")
    key = Key(home, "", passphrase)
    key.gpg("--quick-gen-key", "Release Test <release@example.com>", algorithm, "sign", "1d")
    listing = key.gpg("--list-secret-keys", "--with-colons").stdout
    key.fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    return key
