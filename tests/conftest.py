"""Test isolation: every test gets its own wallet home, a cheap (test-only) KDF and no real HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cw-home"
    monkeypatch.setenv("CREDWALLET_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-home" / ".local" / "share"))
    monkeypatch.setenv("CREDWALLET_INSECURE_TEST_KDF", "1")
    monkeypatch.setenv("CREDWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("CREDWALLET_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # Imports fetch linked documents: outside loopback, refuse without even a DNS lookup.
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    yield home


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess[bytes]) -> None:
        self.code = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}>"


def run_cli(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> CliResult:
    """Run the real entry point (`python -m credwallet`) in a subprocess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "credwallet", *args], input=input,
                          capture_output=True, env=full_env, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)
    return CliResult(proc)


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture
def wallet_home(isolated_home: Path) -> Path:
    """A home with an initialised wallet."""
    res = run_cli("init", "--json")
    assert res.code == 0, res
    return isolated_home
