"""Weak passphrases: refused when typed at a terminal (a real pty), warned about when they come
from a file or the environment, accepted with --allow-weak-passphrase."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

from credwallet.wallet.store import WalletStore
from credwallet.wallet.strength import MAX_CHARS, estimate
from tests.conftest import PASSPHRASE, run_inproc

WEAK = "password123"
STRONG = "violet anchor tundra whisper"


def run_on_pty(args: list[str], answers: list[tuple[str, str]], env: dict[str, str],
               timeout: float = 60) -> tuple[int, str]:
    """Run the real entry point with a pty as its controlling terminal, typing each answer
    when its prompt appears. -> (exit code, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # child: never returns
        os.execve(sys.executable, [sys.executable, "-m", "credwallet", *args], env)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            # Type only once the prompt is up: getpass flushes anything typed earlier.
            if pending and seen.decode("utf-8", "replace").endswith(pending[0][0]):
                os.write(fd, pending.pop(0)[1].encode() + b"\n")
        else:
            os.kill(pid, 9)
            pytest.fail(f"no exit within {timeout} s; terminal showed: {seen!r}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def tty_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CREDWALLET_PASSPHRASE", "CREDWALLET_NEW_PASSPHRASE")}
    env.update(extra)
    return env


def typed_twice(label: str, value: str) -> list[tuple[str, str]]:
    return [(f"{label}: ", value), (f"{label} (again): ", value)]


def test_init_refuses_a_weak_passphrase_typed_at_a_terminal(isolated_home: Path) -> None:
    code, shown = run_on_pty(["init"], typed_twice("Wallet passphrase", WEAK), tty_env())
    assert code == 2, shown
    line = next(ln for ln in shown.splitlines() if ln.startswith("error:"))
    assert "too weak" in line and "This is a very common password" in line  # the estimator's why
    assert "--allow-weak-passphrase" in shown and "random words" in shown  # and what to do
    assert WEAK not in shown  # getpass does not echo, and no message repeats it
    assert not (isolated_home / "wallet.cwlt").exists()


def test_init_accepts_a_strong_passphrase_typed_at_a_terminal(isolated_home: Path) -> None:
    code, shown = run_on_pty(["init"], typed_twice("Wallet passphrase", STRONG), tty_env())
    assert code == 0, shown
    assert "warning" not in shown
    WalletStore(isolated_home / "wallet.cwlt").load(STRONG)


def test_allow_weak_passphrase_flag_at_a_terminal(isolated_home: Path) -> None:
    code, shown = run_on_pty(["init", "--allow-weak-passphrase"],
                             typed_twice("Wallet passphrase", WEAK), tty_env())
    assert code == 0, shown
    WalletStore(isolated_home / "wallet.cwlt").load(WEAK)


def test_passwd_refuses_a_weak_new_passphrase_typed_at_a_terminal(wallet_home: Path) -> None:
    before = (wallet_home / "wallet.cwlt").read_bytes()
    code, shown = run_on_pty(["passwd"], typed_twice("New passphrase", "qwerty"),
                             tty_env(CREDWALLET_PASSPHRASE=PASSPHRASE))
    assert code == 2, shown
    assert "new passphrase is too weak" in shown
    assert (wallet_home / "wallet.cwlt").read_bytes() == before
    code, shown = run_on_pty(["passwd"], typed_twice("New passphrase", STRONG),
                             tty_env(CREDWALLET_PASSPHRASE=PASSPHRASE))
    assert code == 0, shown
    WalletStore(wallet_home / "wallet.cwlt").load(STRONG)


def test_weak_passphrase_from_the_environment_is_a_warning(isolated_home: Path) -> None:
    res = run_inproc("init", "--json", env={"CREDWALLET_PASSPHRASE": WEAK})
    assert res.code == 0, res
    assert res.json()["ok"] is True  # stdout stays one JSON document
    warning = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warning) == 1 and "too weak" in warning[0] and "--allow-weak-passphrase" in warning[0]
    assert WEAK not in res.stderr


def test_weak_new_passphrase_from_a_file_is_a_warning(wallet_home: Path, tmp_path: Path) -> None:
    new = tmp_path / "new-pass"
    new.write_text("abc123\n")
    res = run_inproc("passwd", "--new-passphrase-file", str(new))
    assert res.code == 0, res
    assert "warning: the new passphrase is too weak" in res.stderr
    WalletStore(wallet_home / "wallet.cwlt").load("abc123")


def test_allow_weak_passphrase_silences_the_warning(isolated_home: Path) -> None:
    res = run_inproc("init", "--allow-weak-passphrase", env={"CREDWALLET_PASSPHRASE": WEAK})
    assert res.code == 0 and "warning" not in res.stderr, res


def test_the_test_suites_passphrase_is_not_weak(isolated_home: Path) -> None:
    res = run_inproc("init")
    assert res.code == 0 and res.stderr == "", res


def test_estimate_handles_long_and_unicode_passphrases() -> None:
    assert not estimate("ü" * 3 + " violet anchor tundra whisper" * 20).weak  # past zxcvbn's cap
    assert estimate("a" * (MAX_CHARS * 3)).weak
    assert estimate("credwallet2024").weak  # the app's own name is among the first guesses
