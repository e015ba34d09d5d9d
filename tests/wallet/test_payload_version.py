"""Payload format discipline: a newer payload is refused, unknown fields are never dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credwallet.errors import UnsupportedVersion
from credwallet.wallet import fileformat
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import PAYLOAD_VERSION, WalletStore
from tests.conftest import run_inproc

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PW = "correct horse battery staple"


def _write_payload(path: Path, payload: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(fileformat.encrypt_wallet(json.dumps(payload).encode(), PW))
    path.chmod(0o600)


def _payload(**extra: object) -> dict[str, object]:
    data: dict[str, object] = json.loads(new_wallet(NOW).model_dump_json())
    data.update(extra)
    return data


def test_newer_payload_is_refused_and_left_alone(isolated_home: Path) -> None:
    path = isolated_home / "wallet.cwlt"
    _write_payload(path, _payload(payload_version=PAYLOAD_VERSION + 1, badges_v2=[{"x": 1}]))
    before = path.read_bytes()
    with pytest.raises(UnsupportedVersion, match="newer credwallet"):
        WalletStore(path).load(PW)
    res = run_inproc("list", "--json")
    assert res.code == 4, res
    assert res.json()["error"]["kind"] == "unsupported_version"
    assert run_inproc("identity", "add", "a@b.example").code == 4
    assert path.read_bytes() == before


def test_newer_payload_that_no_longer_validates_is_still_called_newer(isolated_home: Path) -> None:
    path = isolated_home / "wallet.cwlt"
    _write_payload(path, {"payload_version": PAYLOAD_VERSION + 5, "holder": "a new layout"})
    with pytest.raises(UnsupportedVersion):
        WalletStore(path).load(PW)


def test_unknown_fields_survive_a_save(isolated_home: Path) -> None:
    path = isolated_home / "wallet.cwlt"
    payload = _payload(future_section={"kept": True})
    payload["holder"]["future_key_kind"] = "ed448"  # type: ignore[index]
    _write_payload(path, payload)
    assert run_inproc("identity", "add", "a@b.example", "--json").code == 0
    saved = json.loads(fileformat.decrypt_wallet(path.read_bytes(), PW))
    assert saved["future_section"] == {"kept": True}
    assert saved["holder"]["future_key_kind"] == "ed448"
    assert saved["identities"][0]["value"] == "a@b.example"
