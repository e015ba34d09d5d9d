from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE
from tests.oid4vci.issuer import Issuer


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    iss = Issuer()
    yield iss
    iss.stop()


@pytest.fixture
def wallet(cw: Any, isolated_home: Path) -> Path:
    res = cw("init", "--json")
    assert res.code == 0, res.stderr
    return isolated_home


def payload_text(home: Path) -> str:
    """The decrypted wallet payload, as stored."""
    from credwallet.wallet.store import WalletStore

    return WalletStore(home / "wallet.cwlt").load(PASSPHRASE).model_dump_json()


def file_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.iterdir()) if p.is_file())
