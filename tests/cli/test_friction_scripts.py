"""Issue #15, scripts items: Ctrl-C in --json mode still prints one `interrupted` document (a
real process and a real SIGINT), and a missing file is exit 3 for every command that reads one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_inproc
from tests.wallet.test_lock_wait import _holder

MISSING = "no-such-dir/no-such-file.json"
# Every option or argument that names a file to read, with what the command needs besides.
READERS: dict[str, list[str]] = {
    "import SOURCE": ["import", "MISSING"],
    "import --from-file": ["import", "--from-file", "MISSING"],
    "verify --file": ["verify", "--file", "MISSING"],
    "pathway add FILE": ["pathway", "add", "MISSING"],
    "pathway check FILE": ["pathway", "check", "MISSING"],
    "restore PATH": ["restore", "MISSING", "--yes"],
    "--passphrase-file": ["list", "--passphrase-file", "MISSING"],
    "doctor --passphrase-file": ["doctor", "--passphrase-file", "MISSING"],
    "passwd --new-passphrase-file": ["passwd", "--new-passphrase-file", "MISSING"],
    "export --merge": ["export", "-f", "jsonresume", "--merge", "MISSING", "--include-unmatched",
                       "--include-unverified"],
}


@pytest.mark.parametrize("args", list(READERS.values()), ids=list(READERS))
def test_a_missing_file_is_exit_3_for_every_command(wallet_home: Path, tmp_path: Path,
                                                    args: list[str]) -> None:
    missing = str(tmp_path / MISSING)
    argv = [missing if a == "MISSING" else a for a in args]
    before = (wallet_home / "wallet.cwlt").read_bytes()
    res = run_inproc(*argv, "--json")
    assert res.code == 3, res
    doc = res.json()
    assert doc["ok"] is False and doc["error"]["code"] == 3
    assert missing in json.dumps(doc)  # says which file
    human = run_inproc(*argv)
    assert human.code == 3 and "Traceback" not in human.stderr
    assert (wallet_home / "wallet.cwlt").read_bytes() == before


def _interrupt_while_waiting(wallet_home: Path, *extra: str) -> tuple[int, str, str]:
    """Run `identity add` in a real process while another holds the wallet lock, and press
    Ctrl-C (SIGINT) once it says it is waiting."""
    holder = _holder(wallet_home / "wallet.cwlt", 30)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "credwallet", "identity", "add",
                                 "me@example.org", *extra], cwd=REPO, env=dict(os.environ),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "waiting for another credwallet" in line, line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    return proc.returncode, out, err


def test_ctrl_c_in_json_mode_prints_one_interrupted_document(wallet_home: Path) -> None:
    code, out, err = _interrupt_while_waiting(wallet_home, "--json")
    assert code == 130, (out, err)
    assert out.count("\n") == 1, out
    doc = json.loads(out)
    assert doc == {"schema": "credwallet.identity.add/1", "ok": False,
                   "error": {"code": 130, "kind": "interrupted", "message": "interrupted"}}
    assert "Traceback" not in err


def test_ctrl_c_in_human_mode_says_interrupted(wallet_home: Path) -> None:
    code, out, err = _interrupt_while_waiting(wallet_home)
    assert code == 130 and out == "" and "interrupted" in err and "Traceback" not in err


def test_a_missing_tx_code_file_is_exit_3_too(wallet_home: Path, tmp_path: Path) -> None:
    """--tx-code-file is read only when an issuer's offer asks for a transaction code."""
    from tests.oid4vci.issuer import Issuer

    missing = str(tmp_path / MISSING)
    vci = Issuer()
    try:
        res = run_inproc("import", vci.link(vci.offer("OB3_JWT", tx_code="493536")),
                         "--tx-code-file", missing, "--json")
    finally:
        vci.stop()
    assert res.code == 3, res
    assert missing in res.stdout and res.json()["items"][0]["status"] == "failed"


def test_ctrl_c_during_a_stalled_download_in_json_mode(wallet_home: Path) -> None:
    """The same through `import`: Ctrl-C while a loopback server holds the download."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "credwallet", "import",
                                 f"http://127.0.0.1:{port}/badge.json", "--insecure-http",
                                 "--json"], cwd=REPO, env=dict(os.environ),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        server.settimeout(60)
        conn, _ = server.accept()  # the download has started and waits for an answer
        with conn:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    doc = json.loads(out)
    assert out.count("\n") == 1 and doc["schema"] == "credwallet.import/1"
    assert doc["ok"] is False and doc["error"]["kind"] == "interrupted"
