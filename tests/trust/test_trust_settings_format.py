"""Trust settings follow the payload discipline: newer is refused as "upgrade", unknown fields survive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from credwallet.wallet import fileformat
from credwallet.wallet.holder import new_wallet
from tests.conftest import Cli

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PW = "correct horse battery staple"
ISSUER = "did:web:issuer.example"


def _write(path: Path, trust: dict[str, object]) -> None:
    data: dict[str, object] = json.loads(new_wallet(NOW).model_dump_json())
    data["trust"] = trust
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(fileformat.encrypt_wallet(json.dumps(data).encode(), PW))
    path.chmod(0o600)


def _saved_trust(path: Path) -> dict[str, object]:
    trust: dict[str, object] = json.loads(fileformat.decrypt_wallet(path.read_bytes(), PW))["trust"]
    return trust


def test_unknown_trust_fields_survive_a_trust_change(isolated_home: Path, cw: Cli) -> None:
    path = isolated_home / "wallet.cwlt"
    _write(path, {"version": 1, "future_policy": {"min_level": 3},
                  "issuers": [{"value": ISSUER, "kind": "did", "added_at": "2026-01-01T00:00:00Z",
                               "pinned_key": "z6Mk..."}],
                  "registries": []})
    res = cw("trust", "add", "did:web:other.example", "--json")
    assert res.code == 0, res.stderr
    saved = _saved_trust(path)
    assert saved["future_policy"] == {"min_level": 3}
    issuers = saved["issuers"]
    assert isinstance(issuers, list)
    assert issuers[0]["pinned_key"] == "z6Mk..."
    assert [i["value"] for i in issuers] == [ISSUER, "did:web:other.example"]


def test_newer_trust_settings_are_refused_as_upgrade_and_left_alone(isolated_home: Path,
                                                                     cw: Cli) -> None:
    path = isolated_home / "wallet.cwlt"
    # A newer layout need not validate as this one: the version alone decides.
    _write(path, {"version": 2, "issuers": {"by_id": {}}})
    before = path.read_bytes()
    res = cw("trust", "add", "did:web:other.example", "--json")
    assert res.code == 4
    err = res.json()["error"]
    assert err["kind"] == "unsupported_version"
    assert "newer credwallet" in err["message"]
    assert path.read_bytes() == before


def test_malformed_trust_settings_of_this_version_are_damage(isolated_home: Path, cw: Cli) -> None:
    path = isolated_home / "wallet.cwlt"
    _write(path, {"version": 1, "issuers": "not a list"})
    res = cw("trust", "list", "--json")
    assert res.code == 4
    assert res.json()["error"]["kind"] == "wallet_corrupted"
