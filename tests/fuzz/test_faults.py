"""Fault injection beyond tests/wallet/test_store.py: a really full disk, a read-only home,
SIGKILL during a passphrase change, a restore and a CLI import, and a damaged previous
generation. Every test checks that nothing was lost, instead of assuming it."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credwallet.errors import DecryptionFailed, WalletError, WalletWriteError
from credwallet.models.entry import Identity
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE
from tests.fuzz.invariant import run_inproc

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PW = "fault tests pw"
DATA = Path(__file__).resolve().parents[1] / "data"
PAGE = 4096


def make_store(home: Path, identities: int = 0) -> WalletStore:
    store = WalletStore(home / "wallet.cwlt")
    wallet = new_wallet(NOW)
    wallet.identities = [Identity(kind="other", value=f"seed-{i}", added_at=NOW) for i in range(identities)]
    store.create(PW, wallet)
    return store


def values(store: WalletStore, pw: str = PW) -> list[str]:
    return [i.value for i in store.load(pw).identities]


def temp_files(home: Path) -> list[Path]:
    return sorted(home.glob(".*.tmp"))


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at `where` (root only); skips the test where mounting is impossible."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(mount: Path, leave_bytes: int) -> Path:
    """Fill the file system so that about `leave_bytes` stay free (page granularity)."""
    filler = mount / "filler"
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * max(0, free - leave_bytes))
    return filler


# --- disk full -----------------------------------------------------------------------------


def _disk_full_sweep(tmp_path: Path) -> tuple[set[bool], list[int]]:
    """Sweep the free space from nothing to enough for a save. -> (outcomes seen, free-page
    counts after which a temp file was left behind). Asserts the content after every save."""
    leaks: list[int] = []
    with tmpfs(tmp_path / "mnt", "2m") as mnt:
        store = make_store(mnt / "home", identities=60)  # a wallet of a few pages
        size = store.path.stat().st_size
        assert size > PAGE
        expected = values(store)
        outcomes = set()
        for free_pages in range(0, 2 * (size // PAGE + 2) + 2):
            filler = fill(mnt, free_pages * PAGE)
            try:
                with store.transaction(PW) as w:
                    w.identities.append(Identity(kind="other", value=f"added-{free_pages}", added_at=NOW))
                saved = True
            except WalletWriteError as exc:
                saved = False
                assert "No space left" in exc.message and PW not in exc.message
            finally:
                filler.unlink()
            outcomes.add(saved)
            if saved:
                expected.append(f"added-{free_pages}")
            assert values(store) == expected, f"{free_pages} free pages: wallet content is wrong"
            if temp_files(store.path.parent):
                leaks.append(free_pages)
                for t in temp_files(store.path.parent):
                    t.unlink()
    return outcomes, leaks


@pytest.mark.slow
def test_disk_full_at_every_stage_of_a_save(tmp_path: Path) -> None:
    """Each save either happens completely or fails with WalletWriteError, and the wallet always
    opens with the old or the new content, whatever the free space."""
    outcomes, _leaks = _disk_full_sweep(tmp_path)
    assert outcomes == {True, False}, "the sweep never reached both outcomes"


def test_disk_full_leaves_no_temp_file(tmp_path: Path) -> None:
    # The disk filling while wallet.cwlt.bak was written used to leave the new generation's
    # temp file (a full encrypted wallet) behind.
    _outcomes, leaks = _disk_full_sweep(tmp_path)
    assert not leaks, f"temp file left behind with {leaks} free pages"


def test_disk_full_through_the_cli(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        home = mnt / "home"
        env = {"CREDWALLET_HOME": str(home), "CREDWALLET_OFFLINE": "1"}
        assert run_inproc("init", "--json", env=env).code == 0
        before = (home / "wallet.cwlt").read_bytes()
        filler = fill(mnt, 0)
        res = run_inproc("import", str(DATA / "w3c-signedDataInt.json"), "--json", env=env)
        assert res.code == 4, res
        doc = json.loads(res.stdout)
        assert doc["error"]["kind"] == "write_failed" and "Traceback" not in res.stderr
        assert (home / "wallet.cwlt").read_bytes() == before
        filler.unlink()
        res = run_inproc("import", str(DATA / "w3c-signedDataInt.json"), "--json", env=env)
        assert res.code in (0, 1), res  # space again: the same import now works
        assert res.json()["items"][0]["status"] == "imported"


# --- read-only home ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def read_only_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    # Module scope: the home is never written to once it is read-only, so tests can share it.
    with tmpfs(tmp_path_factory.mktemp("ro") / "mnt", "2m") as mnt:
        home = mnt / "home"
        env = {"CREDWALLET_HOME": str(home), "CREDWALLET_OFFLINE": "1", "CREDWALLET_PASSPHRASE": PASSPHRASE,
               "CREDWALLET_INSECURE_TEST_KDF": "1"}
        assert run_inproc("init", "--json", env=env).code == 0
        res = run_inproc("import", str(DATA / "w3c-signedDataInt.json"), "--keep-invalid", env=env)
        assert res.code in (0, 1), res
        proc = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if proc.returncode != 0:
            pytest.skip("cannot remount read-only")
        yield home, env


def test_read_only_home_reads_work_and_writes_fail_cleanly(read_only_home: tuple[Path, dict[str, str]],
                                                           tmp_path: Path) -> None:
    home, env = read_only_home
    before = (home / "wallet.cwlt").read_bytes()
    # The stored W3C example is issued to someone else: --include-unmatched exports it marked.
    for args in (["list"], ["export", "--format", "json", "--include-unverified",
                            "--include-unmatched", "-o", str(tmp_path / "out.json")]):
        res = run_inproc(*args, "--json", env=env)
        assert res.code == 0, (args, res)
    assert len(json.loads((tmp_path / "out.json").read_bytes())["credentials"]) == 1
    for args in (["identity", "add", "me@example.org"], ["import", str(DATA / "ob30-simple.json")]):
        res = run_inproc(*args, "--json", env=env)
        assert res.code == 4, (args, res)
        assert json.loads(res.stdout)["error"]["code"] == 4 and "Traceback" not in res.stderr
    assert (home / "wallet.cwlt").read_bytes() == before


def test_read_only_home_verify_and_backup(read_only_home: tuple[Path, dict[str, str]],
                                          tmp_path: Path) -> None:
    # Both used to take the write lock and fail with "cannot lock the wallet".
    _home, env = read_only_home
    res = run_inproc("verify", "--all", "--json", env=env)
    assert res.code in (0, 1), res
    res = run_inproc("backup", "-o", str(tmp_path / "copy.cwlt"), "--json", env=env)
    assert res.code == 0, res


# --- SIGKILL -------------------------------------------------------------------------------

PASSWD_LOOP = r"""
import sys
from pathlib import Path
from credwallet.wallet.store import WalletStore
store = WalletStore(Path(sys.argv[1]))
old, new = sys.argv[2], sys.argv[3]
i = 0
while True:
    with store.locked():
        wallet = store.load(old)
        store.save_locked(new, wallet)
    old, new = new, old
    i += 1
    print(i, flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_passphrase_changes(tmp_path: Path) -> None:
    """Killed at random moments while re-encrypting: the wallet opens with exactly one of the two
    passphrases, with all its content, every time."""
    store = make_store(tmp_path / "home", identities=5)
    expected = values(store)
    rng = random.Random(7)
    current = PW
    other = "the other passphrase"
    for _round in range(8):
        proc = subprocess.Popen([sys.executable, "-c", PASSWD_LOOP, str(store.path), current, other],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        opened = []
        for pw in (current, other):
            with contextlib.suppress(DecryptionFailed):
                opened.append((pw, values(store, pw)))
        assert len(opened) == 1, f"wallet opens with {len(opened)} of the two passphrases"
        current, content = opened[0]
        other = PW if current != PW else "the other passphrase"
        assert content == expected, "content changed or lost during a passphrase change"
        # The previous generation opens too (with one of the two passphrases).
        assert any(_opens(store.backup_path, pw) for pw in (PW, "the other passphrase"))


def _opens(path: Path, pw: str) -> bool:
    try:
        WalletStore(path).load(pw)
    except WalletError:
        return False
    return True


RESTORE_LOOP = r"""
import sys
from pathlib import Path
from credwallet.wallet.store import WalletStore
store = WalletStore(Path(sys.argv[1]))
blobs = [Path(p).read_bytes() for p in sys.argv[2:]]
i = 0
while True:
    with store.locked():
        store.write_atomic(blobs[i % 2])
    i += 1
    print(i, flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_restore(tmp_path: Path) -> None:
    store = make_store(tmp_path / "home", identities=3)
    first = tmp_path / "first.cwlt"
    first.write_bytes(store.path.read_bytes())
    with store.transaction(PW) as w:
        w.identities = w.identities[:1]
        w.settings["pad"] = "z" * 50_000  # a different size, so a torn copy would show
    second = tmp_path / "second.cwlt"
    second.write_bytes(store.path.read_bytes())
    rng = random.Random(11)
    for _round in range(8):
        proc = subprocess.Popen([sys.executable, "-c", RESTORE_LOOP, str(store.path), str(first),
                                 str(second)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert store.path.read_bytes() in (first.read_bytes(), second.read_bytes())
        assert store.backup_path.read_bytes() in (first.read_bytes(), second.read_bytes())
        store.load(PW)


@pytest.mark.slow
def test_sigkill_during_cli_imports(wallet_home: Path) -> None:
    """The real entry point killed mid-import: the wallet opens and keeps every credential an
    earlier run reported as imported."""
    sources = [DATA / n for n in ("w3c-signedDataInt.json", "ob30-simple.json", "ob30-simple.jwt",
                                  "clr-simple.json")]
    env = dict(os.environ, CREDWALLET_OFFLINE="1")
    rng = random.Random(3)
    confirmed: set[str] = set()
    for i, src in enumerate(sources):
        proc = subprocess.Popen([sys.executable, "-m", "credwallet", "import", "--keep-invalid", str(src),
                                 "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        if i % 2:
            time.sleep(rng.uniform(0.3, 1.2))
            proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=120)
        if proc.returncode in (0, 1):
            confirmed |= {it["id"] for it in json.loads(out)["items"] if it["id"]}
        res = run_inproc("list", "--json", env={"CREDWALLET_OFFLINE": "1"})
        assert res.code == 0, res
        held = {c["id"] for c in res.json()["credentials"]}
        assert confirmed <= held, f"lost {confirmed - held}"
    assert confirmed, "no import ever finished"


# --- damaged previous generation -----------------------------------------------------------


def test_damaged_backup_generation_does_not_block_saves(tmp_path: Path) -> None:
    store = make_store(tmp_path / "home", identities=2)
    with store.transaction(PW) as w:
        w.settings["x"] = 1
    store.backup_path.write_bytes(b"credwallet/v1\n{garbage")
    with store.transaction(PW) as w:
        w.settings["x"] = 2
    assert store.load(PW).settings["x"] == 2
    assert WalletStore(store.backup_path).load(PW).settings["x"] == 1  # a good generation again


def test_truncated_wallet_recovers_from_previous_generation(isolated_home: Path) -> None:
    """A crash that leaves the wallet file empty (some file systems do): exit 4 with a hint,
    and `restore wallet.cwlt.bak` brings back everything but the last save."""
    wallet_home = isolated_home
    assert run_inproc("init").code == 0
    store = WalletStore(wallet_home / "wallet.cwlt")
    for value in ("one@example.org", "two@example.org"):
        with store.transaction(PASSPHRASE) as w:
            w.identities.append(Identity(kind="email", value=value, added_at=NOW))
    wallet = wallet_home / "wallet.cwlt"
    wallet.write_bytes(b"")
    res = run_inproc("list", "--json")
    assert res.code == 4 and res.json()["error"]["kind"] == "wallet_corrupted", res
    assert "wallet.cwlt.bak" in res.json()["error"].get("hint", "")
    assert run_inproc("restore", str(wallet_home / "wallet.cwlt.bak"), "--yes").code == 0
    ids = [i["value"] for i in run_inproc("identity", "list", "--json").json()["identities"]]
    assert ids == ["one@example.org"]
    assert PASSPHRASE not in res.stdout + res.stderr
