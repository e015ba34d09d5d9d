"""A wallet home someone else can write to is refused (exit 4, kind unsafe_home) by every
command that touches the wallet; new homes are created 0700 whatever the umask."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from credwallet.paths import check_home
from tests.conftest import CliResult, run_inproc

as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="needs root to hand a directory to another user")
NOBODY = 65534


def assert_unsafe(res: CliResult, home: Path, fix: str) -> None:
    doc = res.json()
    assert res.code == 4, res
    assert doc["error"]["kind"] == "unsafe_home", doc
    assert str(home) in doc["error"]["message"] and fix in doc["error"]["hint"], doc


@pytest.mark.parametrize("mode", [0o770, 0o720, 0o707, 0o777, 0o1777])
def test_group_or_other_writable_home_is_refused(wallet_home: Path, mode: int) -> None:
    os.chmod(wallet_home, mode)
    try:
        assert_unsafe(run_inproc("list", "--json"), wallet_home, f"chmod 700 {wallet_home}")
    finally:
        os.chmod(wallet_home, 0o700)


@pytest.mark.parametrize("args", [["passwd"], ["backup", "-o", "OUT"], ["identity", "add", "a@b.example"],
                                  ["restore", "OUT"], ["verify", "--all"]])
def test_every_wallet_command_checks_the_home(wallet_home: Path, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "copy.cwlt"
    if "restore" in args:
        assert run_inproc("backup", "-o", str(out)).code == 0
    before = {p.name: p.read_bytes() for p in wallet_home.iterdir() if p.is_file()}
    os.chmod(wallet_home, 0o775)
    try:
        res = run_inproc(*[str(out) if a == "OUT" else a for a in args], "--json",
                      env={"CREDWALLET_NEW_PASSPHRASE": "violet anchor tundra whisper"})
        assert_unsafe(res, wallet_home, "chmod 700")
    finally:
        os.chmod(wallet_home, 0o700)
    assert {p.name: p.read_bytes() for p in wallet_home.iterdir() if p.is_file()} == before


def test_init_refuses_an_existing_unsafe_home(isolated_home: Path) -> None:
    isolated_home.mkdir(mode=0o700)
    os.chmod(isolated_home, 0o777)
    res = run_inproc("init", "--json")
    assert_unsafe(res, isolated_home, "chmod 700")
    assert list(isolated_home.iterdir()) == []


def test_a_readable_but_not_writable_home_is_fine(wallet_home: Path) -> None:
    os.chmod(wallet_home, 0o755)  # others can list it, not change it; the files stay 0600
    assert run_inproc("list").code == 0


def test_new_home_is_0700_whatever_the_umask(isolated_home: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "credwallet", "init"], capture_output=True,
                          stdin=subprocess.DEVNULL, umask=0)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(isolated_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((isolated_home / "wallet.cwlt").stat().st_mode) == 0o600
    assert run_inproc("passwd", env={"CREDWALLET_NEW_PASSPHRASE": "violet anchor tundra whisper"}).code == 0
    for name in ("wallet.cwlt", "wallet.cwlt.bak"):
        assert stat.S_IMODE((isolated_home / name).stat().st_mode) == 0o600


def test_missing_home_or_a_file_is_left_to_the_store(tmp_path: Path) -> None:
    check_home(tmp_path / "not-yet")
    (tmp_path / "a-file").write_text("x")
    check_home(tmp_path / "a-file")
    assert run_inproc("list", "--json", env={"CREDWALLET_HOME": str(tmp_path / "a-file")}).code == 4


@as_root
def test_home_owned_by_another_user_is_refused(wallet_home: Path) -> None:
    os.chown(wallet_home, NOBODY, NOBODY)
    try:
        res = run_inproc("list", "--json")
        assert_unsafe(res, wallet_home, f"chown 0 {wallet_home}")
        assert f"uid {NOBODY}" in res.json()["error"]["message"]
    finally:
        os.chown(wallet_home, 0, 0)


@as_root
def test_symlinked_home_must_be_our_own_link(wallet_home: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-home"
    link.symlink_to(wallet_home)
    assert run_inproc("list", env={"CREDWALLET_HOME": str(link)}).code == 0
    os.lchown(link, NOBODY, NOBODY)  # its owner could re-point it at a home of their own
    res = run_inproc("list", "--json", env={"CREDWALLET_HOME": str(link)})
    assert res.code == 4 and res.json()["error"]["kind"] == "unsafe_home", res


CHILD = r"""
import contextlib, io, json, os, sys
from credwallet.cli.app import run

def call(home):
    os.environ["CREDWALLET_HOME"] = home
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = run(["list", "--json"])
    return code, json.loads(out.getvalue())["error"]["kind"]

call("/nonexistent/credwallet-home")  # as root first: the interpreter's files live under /root
os.setgid(65534); os.setuid(65534)
print(json.dumps([call(home) for home in sys.argv[1:]]))
"""


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    # Not under pytest's basetemp: that is 0700 root, so another uid could not even look.
    base = Path(tempfile.mkdtemp(prefix="credwallet-test-", dir="/tmp"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@as_root
def test_unprivileged_user_refuses_a_home_owned_by_root(shared_tmp: Path) -> None:
    roots = shared_tmp / "root-owned"
    roots.mkdir(mode=0o700)
    own = shared_tmp / "nobody-owned"
    own.mkdir(mode=0o700)
    os.chown(own, NOBODY, NOBODY)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(roots), str(own)], capture_output=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # root's directory is someone else's to this user; its own empty home just has no wallet yet.
    assert json.loads(proc.stdout) == [[4, "unsafe_home"], [4, "wallet_missing"]]
