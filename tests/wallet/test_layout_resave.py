"""A version 2 wallet saved without reading its cache keeps every cached document readable.

Regression: entry lines that were never read were written back with their key twice, so the
next command that used them (refresh, verify) found "damaged entry" in a healthy wallet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from credwallet.models import CachedDocument
from credwallet.models.entry import Identity
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 1, 1, tzinfo=UTC)
DOCS = {f"https://issuer{i}.example/did.json": CachedDocument.make(
    f"https://issuer{i}.example/did.json", "did", b'{"id": "did:web:issuer%d.example"}' % i, NOW)
    for i in range(3)}


def test_unread_cache_lines_survive_repeated_saves(isolated_home: Path) -> None:
    store = WalletStore(isolated_home / "wallet.cwlt")
    wallet = new_wallet(NOW)
    wallet.cache.update(DOCS)
    store.create(PASSPHRASE, wallet)
    for n in range(2):  # two saves in a row, neither of which reads the cache
        with store.transaction(PASSPHRASE) as w:
            assert w.lazy("cache")
            w.identities.append(Identity.model_validate(
                {"kind": "email", "value": f"a{n}@b.example", "added_at": NOW}))
    reread = store.load(PASSPHRASE)
    assert {k: d.body_bytes() for k, d in reread.cache.items()} == \
        {k: d.body_bytes() for k, d in DOCS.items()}
