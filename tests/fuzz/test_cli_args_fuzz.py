"""Odd command-line arguments, in-process through the real entry point (credwallet.cli.app.run):
never exit 70, and with --json always exactly one JSON document on stdout."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.cli.app import run
from tests.conftest import PASSPHRASE, run_inproc
from tests.fuzz.invariant import fuzz_settings

DATA = Path(__file__).resolve().parents[1] / "data"
VALUES = ["", " ", "-", "x" * 3000, "é", "../../etc/hostname", "0", "-1", "1e999", "NaN", "2026-13-45",
          "9999-12-31T23:59:59Z", "http://127.0.0.1:9/x", "https://", "did:web:", "a=b", "=", "ISSUER=123",
          "/dev/null", "/tmp", "/nonexistent/x", "data-analytics-certificate"]
# Commands that take one value; writes go to a fresh temp directory (see the test).
COMMANDS = [["show"], ["remove"], ["verify"], ["verify", "--at"], ["verify", "--file"], ["progress"],
            ["progress", "--at"], ["export", "--format"], ["export", "--format", "html", "--pathway"],
            ["export", "--format", "linkedin", "--org-id"], ["export", "--format", "jsonresume", "--merge"],
            ["export", "--format", "vp", "--challenge"], ["export", "--format", "markdown", "--tag"],
            ["identity", "add"], ["identity", "remove"], ["pathway", "show"], ["pathway", "remove"],
            ["pathway", "check"], ["trust", "add"], ["trust", "remove"], ["trust", "registry", "show"],
            ["restore"], ["import", "--from-file"]]


@pytest.fixture(scope="module")
def populated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("args") / "home"
    env = {"CREDWALLET_HOME": str(home), "CREDWALLET_PASSPHRASE": PASSPHRASE,
           "CREDWALLET_INSECURE_TEST_KDF": "1", "CREDWALLET_OFFLINE": "1"}
    init = run_inproc("init", env=env)
    assert init.code == 0 and "weak" not in init.stderr, init
    run_inproc("import", "--keep-invalid", str(DATA / "ob30-simple.json"), str(DATA / "clr-simple.json"),
            env=env)
    return home


def _run(args: list[str]) -> tuple[int, str]:
    import sys

    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""))  # '-' reads an empty stdin, as from /dev/null
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(args)
    finally:
        sys.stdin = stdin
    return code, out.getvalue()


@given(command=st.sampled_from(COMMANDS), value=st.sampled_from(VALUES))
@fuzz_settings(60)
def test_odd_arguments(populated_home: Path, command: list[str], value: str) -> None:
    import os

    saved = {k: os.environ.get(k) for k in ("CREDWALLET_HOME", "CREDWALLET_PASSPHRASE", "CREDWALLET_OFFLINE")}
    os.environ.update(CREDWALLET_HOME=str(populated_home), CREDWALLET_PASSPHRASE=PASSPHRASE,
                      CREDWALLET_OFFLINE="1")
    try:
        code, stdout = _run([*command, value, "--json"])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert code != 70, f"credwallet {' '.join(command)} {value[:40]!r}: {stdout[:300]}"
    doc = json.loads(stdout)
    assert doc["ok"] is (code == 0)
    assert code == 0 or doc["error"]["code"] == code
