"""`credwallet verify --require-trusted`: unknown issuers fail, for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.trust.helpers import ISSUER_SEED, credential, did_of, sign


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    from credwallet.cli.app import run

    capsys.readouterr()
    code = run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _trust(result: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in result["checks"] if c["check"] == "issuer_trust")
    return found


def test_require_trusted_fails_unknown_issuers(wallet_home: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(credential(), ISSUER_SEED)))
    code, out = _cli(capsys, "import", str(path))
    cid = out["items"][0]["id"]
    code, out = _cli(capsys, "verify", cid, "--require-trusted")
    assert code == 1 and out["ok"] is False
    (result,) = out["results"]
    assert result["verified"] is False and _trust(result)["status"] == "failed"
    # The stored verdict is the policy-free one (a policy run is not "the last verification").
    assert _cli(capsys, "list")[1]["credentials"][0]["verified"] is True
    code, out = _cli(capsys, "verify", "--file", str(path), "--require-trusted")
    assert code == 1 and _trust(out["results"][0])["status"] == "failed"
    assert _cli(capsys, "trust", "add", did_of(ISSUER_SEED)[0])[0] == 0
    code, out = _cli(capsys, "verify", cid, "--require-trusted")
    assert code == 0 and _trust(out["results"][0])["status"] == "passed"


def test_trust_the_issuer_of_a_stored_credential(wallet_home: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(credential(), ISSUER_SEED)))
    cid = _cli(capsys, "import", str(path))[1]["items"][0]["id"]
    code, out = _cli(capsys, "trust", "add", "--issuer-of", cid[:8], "--label", "From badge")
    assert code == 0 and out["issuer"]["value"] == did_of(ISSUER_SEED)[0]
    assert out["notes"] == []  # did:key issuer, proven by the signature
    code, out = _cli(capsys, "verify", cid, "--require-trusted")
    assert code == 0 and _trust(out["results"][0])["status"] == "passed"
    assert _cli(capsys, "trust", "add", "did:web:x.example", "--issuer-of", cid)[0] == 2
    assert _cli(capsys, "trust", "add")[0] == 2
    assert _cli(capsys, "trust", "add", "--issuer-of", "ffffffffff")[0] == 6


def test_issuer_of_an_unproven_credential_comes_with_a_note(
        wallet_home: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.trust.helpers import VECTORS

    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    code, out = _cli(capsys, "import", str(VECTORS / "1edtech-inspector/ob30/complete.json"),
                     "--keep-invalid")
    cid = out["items"][0]["id"]
    code, out = _cli(capsys, "trust", "add", "--issuer-of", cid)
    assert code == 0 and out["issuer"]["value"] == "https://1edtech.edu/issuers/565049"
    assert "does not prove it comes from" in out["notes"][0]
