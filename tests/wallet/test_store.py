"""Atomic, locked storage: crashes, concurrent writers, failing writes, backups, permissions."""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credwallet.errors import DecryptionFailed, WalletExists, WalletMissing
from credwallet.models.entry import Identity
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PW = "pw for store tests"


def make_store(tmp_path: Path) -> WalletStore:
    store = WalletStore(tmp_path / "home" / "wallet.cwlt")
    store.create(PW, new_wallet(NOW))
    return store


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    before = store.path.read_bytes()
    with pytest.raises(WalletExists):
        store.create(PW, new_wallet(NOW))
    assert store.path.read_bytes() == before


def test_file_mode_is_0600(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    with store.transaction(PW) as w:
        w.identities.append(Identity(kind="email", value="a@b.example", added_at=NOW))
    for p in (store.path, store.backup_path):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_backup_holds_previous_generation(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    with store.transaction(PW) as w:
        w.identities.append(Identity(kind="email", value="one@x.example", added_at=NOW))
    with store.transaction(PW) as w:
        w.identities.append(Identity(kind="email", value="two@x.example", added_at=NOW))
    assert len(store.load(PW).identities) == 2
    assert len(store.load(PW, store.backup_path).identities) == 1


def test_failed_block_saves_nothing(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction(PW) as w:
        w.identities.append(Identity(kind="email", value="x@y.example", added_at=NOW))
        raise RuntimeError("boom")
    assert store.path.read_bytes() == before


def test_wrong_passphrase_leaves_file_untouched(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    before = store.path.read_bytes()
    with pytest.raises(DecryptionFailed), store.transaction("nope"):
        pass
    assert store.path.read_bytes() == before


def test_missing_wallet(tmp_path: Path) -> None:
    with pytest.raises(WalletMissing):
        WalletStore(tmp_path / "none" / "wallet.cwlt").load(PW)


def test_unchanged_transaction_does_not_rewrite(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    before = store.path.read_bytes()
    with store.transaction(PW):
        pass
    assert store.path.read_bytes() == before


WRITER = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from credwallet.models.entry import Identity
from credwallet.wallet.store import WalletStore
store = WalletStore(Path(sys.argv[1]))
i = 0
while True:
    with store.transaction(sys.argv[2]) as w:
        n = len(w.identities)
        w.identities.append(Identity(kind="other", value=f"n{n}", added_at=datetime.now(UTC)))
        w.settings["pad"] = "x" * (1000 * (n % 50))  # vary the size of the file
    i += 1
    print(i, flush=True)
"""


def test_sigkill_during_saves_never_breaks_the_wallet(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    rng = random.Random(1234)
    last_count = 0
    for _round in range(25):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), PW],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one save done: the process is in its loop
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        wallet = store.load(PW)  # must open: old or new content, never damaged
        values = [i.value for i in wallet.identities]
        assert values == [f"n{k}" for k in range(len(values))]  # a consistent generation
        assert len(values) >= last_count  # nothing saved before was lost
        last_count = len(values)
    assert last_count > 25


def test_two_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    code = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from credwallet.models.entry import Identity
from credwallet.wallet.store import WalletStore
store = WalletStore(Path(sys.argv[1]))
for k in range(15):
    with store.transaction(sys.argv[2]) as w:
        w.identities.append(Identity(kind="other", value=f"{sys.argv[3]}-{k}", added_at=datetime.now(UTC)))
"""
    procs = [subprocess.Popen([sys.executable, "-c", code, str(store.path), PW, tag])
             for tag in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0
    values = {i.value for i in store.load(PW).identities}
    assert values == {f"{t}-{k}" for t in "ab" for k in range(15)}


def test_failing_write_keeps_the_old_wallet(tmp_path: Path) -> None:
    """A write that fails part-way (file size limit: EFBIG, like a full disk) changes nothing."""
    store = make_store(tmp_path)
    before = store.path.read_bytes()
    code = r"""
import resource, signal, sys
from pathlib import Path
from credwallet.errors import WalletWriteError
from credwallet.wallet.store import WalletStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = WalletStore(Path(sys.argv[1]))
with store.transaction(sys.argv[2]) as w:
    w.settings["big"] = "y" * 2_000_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
"""
    proc = subprocess.run([sys.executable, "-c", code, str(store.path), PW], capture_output=True)
    assert proc.returncode != 0
    assert b"WalletWriteError" in proc.stderr
    assert b"y" * 100 not in proc.stderr  # no payload in the error
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob(".*.tmp"))  # temp file cleaned up
    store.load(PW)


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    stale = store.path.with_name(".wallet.cwlt.deadbeef.tmp")
    stale.write_bytes(b"half written")
    with store.transaction(PW) as w:
        w.settings["x"] = 1
    assert not stale.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to an unprivileged user")
def test_read_only_home_gives_clear_error() -> None:
    # Not under pytest's basetemp: that is 0700 root, so the unprivileged child could not even
    # read the wallet and the exit 4 would come from there instead of the read-only home.
    tmp_path = Path(tempfile.mkdtemp(prefix="credwallet-ro-", dir="/tmp"))
    try:
        _read_only_home_gives_clear_error(tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _read_only_home_gives_clear_error(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    os.chmod(tmp_path, 0o755)
    home = store.path.parent
    os.chown(home, 65534, 65534)
    os.chown(store.path, 65534, 65534)
    os.chown(store.backup_path.parent, 65534, 65534)
    os.chown(store.lock_path, 65534, 65534)  # so the write itself is what fails
    os.chmod(home, 0o500)  # read-only directory for the owner
    before = store.path.read_bytes()
    code = r"""
import os, sys
from pathlib import Path
import filelock, nacl.pwhash, nacl.bindings, nacl.exceptions, secrets, contextlib
from credwallet.errors import WalletError
from credwallet.wallet.store import WalletStore
os.setgid(65534); os.setuid(65534)  # after imports: the interpreter lives under /root
store = WalletStore(Path(sys.argv[1]))
try:
    with store.transaction(sys.argv[2]) as w:
        w.settings["x"] = 1
except WalletError as exc:
    print(type(exc).__name__, exc.exit_code, exc.message)
    sys.exit(4)
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", code, str(store.path), PW], capture_output=True,
                          env=env)
    os.chmod(home, 0o700)
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout.startswith(b"WalletWriteError 4 cannot"), proc.stdout  # not a read error
    assert store.path.read_bytes() == before
