"""Issue #15, passphrase items, on a real terminal (a pty) where a person would be: `init` says
what to do next, a mistyped passphrase gets three tries, `restore` says whose passphrase it
needs and what opens the wallet afterwards, Ctrl-D at the prompt is "cancelled"."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE, run_inproc
from tests.wallet.test_passphrase_strength import tty_env

OTHER = "violet anchor tundra whisper"


def on_pty(args: list[str], answers: list[tuple[str, str]], env: dict[str, str],
           timeout: float = 60) -> tuple[int, str]:
    """The real entry point on a pty; each answer is typed once its prompt has appeared after
    the previous answer (a prompt asked again is seen again). -> (exit code, what was shown)."""
    pid, fd = pty.fork()
    if pid == 0:  # child: never returns
        os.execve(sys.executable, [sys.executable, "-m", "credwallet", *args], env)
    seen, mark = b"", 0
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if pending and pending[0][0].encode() in seen[mark:]:
                prompt, answer = pending.pop(0)
                mark = seen.index(prompt.encode(), mark) + len(prompt)
                os.write(fd, answer.encode() + (b"" if answer == "\x04" else b"\n"))
        else:
            os.kill(pid, 9)
            pytest.fail(f"no exit within {timeout} s; terminal showed: {seen!r}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def test_init_prints_the_next_steps(isolated_home: Path) -> None:
    res = run_inproc("init")
    assert res.code == 0, res
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Created wallet ") and lines[1].startswith("Holder DID: did:key:")
    steps = res.stdout.split("Next steps:", 1)[1]
    assert "credwallet identity add " in steps and "credwallet backup -o " in steps
    assert "cannot be recovered" in steps
    assert "Next steps" not in run_inproc("init", "--home", str(isolated_home / "b"), "--json").stdout


def test_a_wrong_passphrase_at_a_terminal_gets_three_tries(wallet_home: Path) -> None:
    env = tty_env(CREDWALLET_HOME=str(wallet_home))
    prompt = "Wallet passphrase: "
    code, shown = on_pty(["identity", "add", "me@example.org"],
                         [(prompt, "wrong one"), (prompt, "wrong two"), (prompt, PASSPHRASE)], env)
    assert code == 0, shown
    assert "2 tries left" in shown and "1 try left" in shown
    assert any(i["value"] == "me@example.org"
               for i in run_inproc("identity", "list", "--json").json()["identities"])
    code, shown = on_pty(["list"], [(prompt, "a"), (prompt, "b"), (prompt, "c")], env)
    assert code == 4 and shown.count(prompt) == 3, shown
    assert "wrong passphrase or damaged file" in shown


def test_a_wrong_passphrase_from_the_environment_gets_one_try(wallet_home: Path) -> None:
    res = run_inproc("list", env={"CREDWALLET_PASSPHRASE": "not it"})
    assert res.code == 4 and "try again" not in res.stderr


def test_ctrl_d_at_the_prompt_is_cancelled(wallet_home: Path) -> None:
    before = (wallet_home / "wallet.cwlt").read_bytes()
    env = tty_env(CREDWALLET_HOME=str(wallet_home))
    code, shown = on_pty(["identity", "add", "me@example.org"],
                         [("Wallet passphrase: ", "\x04")], env)
    assert code == 130, shown
    assert "cancelled" in shown and "no terminal" not in shown
    assert (wallet_home / "wallet.cwlt").read_bytes() == before


def test_restore_names_the_backups_passphrase_and_what_opens_afterwards(
        wallet_home: Path, tmp_path: Path) -> None:
    backup = tmp_path / "b.cwlt"
    assert run_inproc("backup", "-o", str(backup)).code == 0
    # The wallet's passphrase changes after the backup: the backup still opens with the old one.
    new = tmp_path / "new"
    new.write_text(OTHER + "\n")
    assert run_inproc("passwd", "--new-passphrase-file", str(new)).code == 0
    env = tty_env(CREDWALLET_HOME=str(wallet_home))
    code, shown = on_pty(["restore", str(backup)],
                         [("Backup passphrase: ", OTHER), ("Backup passphrase: ", PASSPHRASE),
                          ("[y/N]: ", "y")], env)
    assert code == 0, shown
    assert "passphrase the wallet had when it was backed up" in shown
    assert "1 try left" not in shown and "2 tries left" in shown
    assert "now opens with the backup's passphrase" in shown
    WalletStore(wallet_home / "wallet.cwlt").load(PASSPHRASE)
