"""`passwd` leaves nothing readable with the old passphrase: the previous generation is
re-encrypted, the replaced ciphertext is overwritten once unlinked, and a SIGKILL at any moment
leaves a wallet that opens with the old or the new passphrase (and never an old-passphrase .bak
next to a new-passphrase wallet)."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credwallet.errors import WalletError
from credwallet.models.entry import Identity
from credwallet.wallet import fileformat
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE, run_inproc

NEW = "a sturdy replacement passphrase"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def opens_with(path: Path, pw: str) -> bool:
    try:
        WalletStore(path).load(pw)
    except WalletError:
        return False
    return True


def files_opening_with(home: Path, pw: str) -> list[str]:
    """Every file in the home (temp files included) that decrypts with `pw`."""
    found = []
    for p in sorted(home.iterdir()):
        if p.is_file() and p.stat().st_size:
            try:
                fileformat.decrypt_wallet(p.read_bytes(), pw)
            except WalletError:
                continue
            found.append(p.name)
    return found


def identities(path: Path, pw: str) -> list[str]:
    return [i.value for i in WalletStore(path).load(pw).identities]


def passwd(*args: str, new: str = NEW) -> tuple[int, str]:
    res = run_inproc("passwd", *args, env={"CREDWALLET_NEW_PASSPHRASE": new})
    return res.code, res.stderr


def test_passwd_reencrypts_the_previous_generation(wallet_home: Path) -> None:
    for addr in ("one@example.org", "two@example.org"):
        assert run_inproc("identity", "add", addr).code == 0
    wallet, bak = wallet_home / "wallet.cwlt", wallet_home / "wallet.cwlt.bak"
    assert identities(bak, PASSPHRASE) == ["one@example.org"]  # the generation before the last

    code, err = passwd()
    assert code == 0, err
    assert "note:" not in err
    assert files_opening_with(wallet_home, PASSPHRASE) == []  # nothing left for the old one
    assert identities(wallet, NEW) == ["one@example.org", "two@example.org"]
    assert identities(bak, NEW) == ["one@example.org"]  # still the previous generation
    assert not list(wallet_home.glob(".*.tmp"))
    for p in (wallet, bak):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert stat.S_IMODE(wallet_home.stat().st_mode) == 0o700


def test_passwd_with_no_previous_generation_creates_one(wallet_home: Path) -> None:
    bak = wallet_home / "wallet.cwlt.bak"
    assert not bak.exists()  # init writes one generation only
    code, err = passwd()
    assert code == 0 and "note:" not in err, err
    assert opens_with(bak, NEW) and files_opening_with(wallet_home, PASSPHRASE) == []


@pytest.mark.parametrize("bak_content", ["other passphrase", "damaged"])
def test_passwd_replaces_a_previous_generation_it_cannot_open(wallet_home: Path,
                                                              bak_content: str) -> None:
    # E.g. `restore` of a backup made under another passphrase keeps the replaced wallet as .bak.
    bak = wallet_home / "wallet.cwlt.bak"
    if bak_content == "damaged":
        bak.write_bytes(b"credwallet/v1\n{garbage")
    else:
        bak.write_bytes(fileformat.encrypt_wallet(new_wallet(NOW).model_dump_json().encode(),
                                                  "some third passphrase"))
    code, err = passwd()
    assert code == 0, err
    assert "wallet.cwlt.bak did not open with the old passphrase" in err
    assert identities(bak, NEW) == identities(wallet_home / "wallet.cwlt", NEW)
    assert files_opening_with(wallet_home, PASSPHRASE) == []


def test_replaced_ciphertext_is_overwritten_but_hard_links_are_left_alone(wallet_home: Path) -> None:
    assert run_inproc("identity", "add", "one@example.org").code == 0
    wallet, bak = wallet_home / "wallet.cwlt", wallet_home / "wallet.cwlt.bak"
    kept = wallet_home.parent / "my-own-copy.cwlt"
    os.link(bak, kept)  # someone else's name for the old .bak: must keep its content
    kept_before = kept.read_bytes()
    with open(wallet, "rb") as old_wallet:  # a reader holding the old generation open
        size = os.fstat(old_wallet.fileno()).st_size
        code, err = passwd()
        assert code == 0, err
        assert os.fstat(old_wallet.fileno()).st_nlink == 0
        assert os.pread(old_wallet.fileno(), size, 0) == b"\0" * size
    assert kept.read_bytes() == kept_before and opens_with(kept, PASSPHRASE)


def test_stale_temp_files_under_the_old_passphrase_are_removed(wallet_home: Path) -> None:
    stale = wallet_home / ".wallet.cwlt.0123456789ab.tmp"
    stale.write_bytes((wallet_home / "wallet.cwlt").read_bytes())  # a killed writer's copy
    code, err = passwd()
    assert code == 0, err
    assert not stale.exists()
    assert files_opening_with(wallet_home, PASSPHRASE) == []


def test_wrong_old_passphrase_changes_nothing(wallet_home: Path) -> None:
    before = {p.name: p.read_bytes() for p in wallet_home.iterdir() if p.is_file()}
    res = run_inproc("passwd", env={"CREDWALLET_PASSPHRASE": "not the passphrase at all",
                                 "CREDWALLET_NEW_PASSPHRASE": NEW})
    assert res.code == 4, res
    assert {p.name: p.read_bytes() for p in wallet_home.iterdir() if p.is_file()} == before


REKEY_ONCE = r"""
import sys
from pathlib import Path
from credwallet.wallet.store import WalletStore
store = WalletStore(Path(sys.argv[1]))
old, new = sys.argv[2], sys.argv[3]
print("ready", flush=True)
with store.locked():
    wallet = store.load(old)
    store.rekey_locked(old, new, wallet)
print("done", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_rekey_never_leaves_an_old_passphrase_file(tmp_path: Path) -> None:
    """Killed at random moments of a passphrase change: the wallet opens with exactly one of the
    two passphrases and keeps its content; once it opens with the new one, no file in the home
    (previous generation, temp files) opens with the old one."""
    home = tmp_path / "home"
    store = WalletStore(home / "wallet.cwlt")
    wallet = new_wallet(NOW)
    wallet.identities = [Identity(kind="other", value=f"id-{i}", added_at=NOW) for i in range(3)]
    store.create("first passphrase here", wallet)
    with store.transaction("first passphrase here") as w:
        w.settings["pad"] = "p" * 3_000_000  # big enough for the kill to land mid-write
    expected = identities(store.path, "first passphrase here")
    rng = random.Random(5)
    current, other = "first passphrase here", "second passphrase here"
    # One undisturbed run times a change on this machine, so the kills spread over all of it.
    proc = subprocess.Popen([sys.executable, "-c", REKEY_ONCE, str(store.path), current, other],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.readline()
    t0 = time.perf_counter()
    assert proc.stdout.readline() == b"done\n"
    duration = time.perf_counter() - t0
    assert proc.wait() == 0
    current, other = other, current
    committed = set()
    for _round in range(20):
        proc = subprocess.Popen([sys.executable, "-c", REKEY_ONCE, str(store.path), current, other],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 1.5 * duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        opened = [pw for pw in (current, other) if opens_with(store.path, pw)]
        assert len(opened) == 1, f"wallet opens with {len(opened)} of the two passphrases"
        assert identities(store.path, opened[0]) == expected
        committed.add(opened[0] == other)
        if opened[0] == other:  # committed: the old passphrase must open nothing
            assert files_opening_with(home, current) == []
            assert opens_with(store.backup_path, other)
            current, other = other, current
    assert committed == {True, False}, "the kills never landed on both sides of the commit"
