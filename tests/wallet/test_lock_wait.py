"""A command that has to wait for the wallet lock says so at once, naming the holder's pid
(issue 15), with a real second process holding the lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from credwallet.errors import WalletLocked
from credwallet.wallet.store import WalletStore
from tests.conftest import Cli

HOLD = """
import sys, time
from pathlib import Path
from credwallet.wallet.store import WalletStore
with WalletStore(Path(sys.argv[1])).locked():
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_waiting_command_names_the_holder_at_once(wallet_home: Path, cw: Cli) -> None:
    holder = _holder(wallet_home / "wallet.cwlt", 1.5)
    try:
        started = time.monotonic()
        res = cw("identity", "add", "learner@example.com", "--json")
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert res.code == 0, res
    assert f"waiting for another credwallet, pid {holder.pid}" in res.stderr
    assert res.json()["ok"] is True  # stdout is still one JSON document
    assert waited >= 0.5, "it did wait for the holder"
    # Free again: no message, and the pid is no longer in the lock file.
    again = cw("identity", "add", "other@example.com", "--json")
    assert again.code == 0 and "waiting" not in again.stderr
    assert (wallet_home / "wallet.cwlt.lock").read_text().strip() == ""


def test_a_lock_that_stays_taken_names_its_holder(wallet_home: Path) -> None:
    holder = _holder(wallet_home / "wallet.cwlt", 5)
    try:
        with pytest.raises(WalletLocked, match=f"pid {holder.pid}"), \
                WalletStore(wallet_home / "wallet.cwlt").locked(timeout=0.2):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
