"""Issue #15: `credwallet doctor`, one read-only report (human and --json): home and wallet file
with permissions, lock, KDF parameters, age of cached status lists and keys ("refresh
recommended"), identities, trust, pathways. It never prints a secret and never changes a file."""

from __future__ import annotations

import base64
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from credwallet.models.entry import CachedDocument
from credwallet.wallet import fileformat
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE, Cli
from tests.wallet.test_lock_wait import _holder

CHECKS = ["home", "wallet_file", "kdf", "lock", "unlock", "cache", "identities", "trust", "pathways"]


def _files(home: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in home.iterdir() if p.is_file()}


def _status(doc: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["status"] for c in doc["checks"]}


def _doctor(cw: Cli, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    res = cw("doctor", "--json", *args, env=env)
    assert res.stdout.count("\n") == 1, res
    return res.code, res.json()


def test_a_fresh_wallet(cw: Cli, wallet_home: Path) -> None:
    before = _files(wallet_home)
    code, doc = _doctor(cw)
    assert code == 0 and doc["ok"] is True, doc
    assert [c["check"] for c in doc["checks"]] == CHECKS
    status = _status(doc)
    assert status["home"] == status["wallet_file"] == status["lock"] == status["unlock"] == "ok"
    assert status["identities"] == "warning"  # none yet: badges to the holder go unrecognised
    # The suite's cheap KDF is below what new wallets use: doctor says so.
    assert status["kdf"] == "warning" and doc["kdf"]["memory_kib"] == fileformat.WEAK_M_KIB
    assert doc["wallet"]["mode"] == "0600" and doc["home"]["mode"] == "0700"
    assert doc["lock"] == {"path": str(wallet_home / "wallet.cwlt.lock"), "state": "free",
                           "pid": None}
    assert _files(wallet_home) == before  # read-only: no byte and no mtime changed


def test_it_never_prints_a_secret(cw: Cli, wallet_home: Path) -> None:
    blob = (wallet_home / "wallet.cwlt").read_bytes()
    _params, salt, nonce, _aad, _ct = fileformat.parse_header(blob)
    seed = WalletStore(wallet_home / "wallet.cwlt").load(PASSPHRASE).holder.private_seed_b64
    printed = cw("doctor", "--json").stdout + cw("doctor").stdout + cw("doctor").stderr
    for secret in (PASSPHRASE, seed, base64.b64encode(salt).decode(),
                   base64.b64encode(nonce).decode()):
        assert secret not in printed


def _cache(home: Path, ages: dict[str, tuple[str, float]]) -> None:
    """Cached documents (url -> (kind, age in days)) written into the wallet."""
    now = datetime.now(UTC)
    store = WalletStore(home / "wallet.cwlt")
    with store.transaction(PASSPHRASE) as wallet:
        for url, (kind, days) in ages.items():
            wallet.cache[url] = CachedDocument.make(url, kind, b"{}", now - timedelta(days=days))


def test_old_status_lists_and_keys_recommend_a_refresh(cw: Cli, wallet_home: Path) -> None:
    _cache(wallet_home, {"https://i.example/status/1": ("status_list", 1),
                         "https://i.example/keys/1": ("key", 2),
                         "https://i.example/context": ("context", 400)})
    code, doc = _doctor(cw)
    assert code == 0 and _status(doc)["cache"] == "ok", doc
    assert doc["cache"]["documents"] == 3 and doc["cache"]["refresh_recommended"] is False
    _cache(wallet_home, {"https://i.example/status/2": ("status_list", 10),
                         "https://i.example/did.json": ("did", 45),
                         "https://i.example/statuslists/1": ("token_status_list", 8)})
    code, doc = _doctor(cw)
    assert code == 0 and _status(doc)["cache"] == "warning", doc
    kinds = {k["kind"]: k for k in doc["cache"]["kinds"]}
    assert kinds["status_list"]["documents"] == 2 and kinds["status_list"]["stale"] == 1
    assert kinds["did"]["stale"] == 1 and kinds["key"]["stale"] == 0
    assert kinds["token_status_list"]["stale"] == 1  # an IETF Token Status List ages as a status
    assert "context" not in kinds  # pinned contexts do not age
    assert doc["cache"]["refresh_recommended"] is True
    human = cw("doctor").stdout
    line = next(ln for ln in human.splitlines() if ln.startswith("warning  cache"))
    assert "refresh recommended" in line and "credwallet refresh" in human


def test_identities_trust_and_pathways(cw: Cli, wallet_home: Path) -> None:
    assert cw("identity", "add", "learner@example.org").code == 0
    assert cw("trust", "add", "did:web:university.example").code == 0
    assert cw("pathway", "add", "--example", "aas-information-technology").code == 0
    code, doc = _doctor(cw)
    assert code == 0, doc
    status = _status(doc)
    assert status["identities"] == "ok"
    assert doc["identities"]["identifiers"] == [{"kind": "email", "value": "learner@example.org"}]
    assert doc["identities"]["holder"].startswith("did:key:")
    assert status["trust"] == "ok" and doc["trust"]["issuers"] == 1
    # It stacks the certificate pathway, which is not stored.
    assert status["pathways"] == "warning"
    assert doc["pathways"]["problems"] == [
        "aas-information-technology stacks data-analytics-certificate, which is not stored"]
    assert cw("trust", "registry", "add", "https://registry.example.org/r.json").code == 0
    code, doc = _doctor(cw)
    assert _status(doc)["trust"] == "warning"  # never fetched: refresh recommended
    assert doc["trust"]["registries"][0]["as_of"] is None


def test_no_wallet_is_exit_4_with_every_section_it_could_not_read(cw: Cli,
                                                                   isolated_home: Path) -> None:
    code, doc = _doctor(cw)
    assert code == 4 and doc["ok"] is False
    assert doc["error"]["kind"] == "wallet_missing"
    assert _status(doc)["home"] == "failed" and doc["kdf"] is None and doc["cache"] is None
    assert [c["check"] for c in doc["checks"]] == CHECKS  # every check, skipped or not
    assert not isolated_home.exists()  # doctor does not create the home


def test_wrong_or_no_passphrase(cw: Cli, wallet_home: Path) -> None:
    code, doc = _doctor(cw, env={"CREDWALLET_PASSPHRASE": "not the passphrase"})
    assert code == 4 and doc["error"]["kind"] == "decrypt_failed"
    assert _status(doc)["unlock"] == "failed" and _status(doc)["cache"] == "skipped"
    os.environ.pop("CREDWALLET_PASSPHRASE")
    try:
        code, doc = _doctor(cw)
    finally:
        os.environ["CREDWALLET_PASSPHRASE"] = PASSPHRASE
    # What needs no passphrase is still reported; the rest is skipped, not a failure.
    assert code == 0 and _status(doc)["unlock"] == "skipped", doc
    assert doc["kdf"] is not None and doc["identities"] is None


def test_permissions(cw: Cli, wallet_home: Path) -> None:
    wallet = wallet_home / "wallet.cwlt"
    os.chmod(wallet, 0o644)
    code, doc = _doctor(cw)
    assert code == 0 and _status(doc)["wallet_file"] == "warning"
    assert f"chmod 600 {wallet}" in json.dumps(doc)
    os.chmod(wallet, 0o600)
    os.chmod(wallet_home, 0o775)
    try:
        code, doc = _doctor(cw)
    finally:
        os.chmod(wallet_home, 0o700)
    assert code == 4 and doc["error"]["kind"] == "unsafe_home"
    assert _status(doc)["unlock"] == "skipped"  # no passphrase typed into an unsafe home


def test_a_held_lock_is_reported_without_waiting(cw: Cli, wallet_home: Path) -> None:
    holder = _holder(wallet_home / "wallet.cwlt", 30)
    try:
        started = time.monotonic()
        code, doc = _doctor(cw)
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert code == 0 and doc["lock"]["state"] == "held" and doc["lock"]["pid"] == holder.pid
    assert _status(doc)["lock"] == "warning"
    assert took < 20  # it did not wait for the lock (a waiting command gives up after 30 s)


def test_human_report_is_one_line_per_check(cw: Cli, wallet_home: Path) -> None:
    res = cw("doctor")
    assert res.code == 0, res
    lines = res.stdout.splitlines()
    assert [ln.split()[1] for ln in lines if not ln.startswith(" ")][:-1] == CHECKS
    assert lines[-1].endswith("0 failed, 0 skipped")
