"""`credwallet trust ...`: one run through the real entry point, the rest in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    from credwallet.cli.app import run

    capsys.readouterr()
    code = run(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in args else out


def test_trust_through_the_real_entry_point(wallet_home: Path) -> None:
    res = run_cli("trust", "add", "did:web:example.edu#key-1", "--label", "Example U", "--json")
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.trust.add/1" and doc["ok"] is True
    assert doc["issuer"]["value"] == "did:web:example.edu" and doc["added"] is True
    human = run_cli("trust", "list")
    assert "did:web:example.edu" in human.stdout and "Example U" in human.stdout


def test_trust_add_list_remove(wallet_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(capsys, "trust", "add", "did:web:example.edu", "--label", "Example U")[0] == 0
    code, again = _cli(capsys, "trust", "add", "did:web:example.edu", "--json")
    assert again["added"] is False and again["issuer"]["label"] == "Example U"
    assert _cli(capsys, "trust", "add", "HTTPS://Example.org/issuer.json", "--json")[0] == 0
    code, listed = _cli(capsys, "trust", "list", "--json")
    assert [i["value"] for i in listed["issuers"]] == ["did:web:example.edu",
                                                       "https://example.org/issuer.json"]
    assert [i["kind"] for i in listed["issuers"]] == ["did", "url"]
    assert listed["registries"] == []
    code, gone = _cli(capsys, "trust", "remove", "did:web:example.edu", "--json")
    assert code == 0 and gone["removed"]["value"] == "did:web:example.edu"
    code, missing = _cli(capsys, "trust", "remove", "did:web:example.edu", "--json")
    assert code == 6 and missing["error"]["kind"] == "not_found"


@pytest.mark.parametrize("value", ["Famous University", "famous.edu", "did:web", ""])
def test_trust_add_refuses_names(wallet_home: Path, capsys: pytest.CaptureFixture[str],
                                 value: str) -> None:
    code, out = _cli(capsys, "trust", "add", value, "--json")
    assert code == 2 and out["ok"] is False and out["error"]["kind"] == "usage"


def test_registry_add_list_remove(wallet_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://digitalcredentials.github.io/issuer-registry/registry.json"
    code, out = _cli(capsys, "trust", "registry", "add", url, "--label", "DCC", "--json")
    assert code == 0, out
    reg = out["registry"]
    assert reg["url"] == url and reg["status"] == "pending" and reg["as_of"] is None
    code, listed = _cli(capsys, "trust", "registry", "list", "--json")
    assert [r["label"] for r in listed["registries"]] == ["DCC"]
    assert "not fetched yet" in _cli(capsys, "trust", "registry", "list")[1]
    code, shown = _cli(capsys, "trust", "registry", "show", url, "--json")
    assert code == 0 and shown["issuers"] == [] and shown["registry"]["status"] == "pending"
    assert _cli(capsys, "trust", "registry", "show", "https://other.example/", "--json")[0] == 6
    assert _cli(capsys, "trust", "registry", "add", "ftp://x.example/r.json", "--json")[0] == 2
    assert _cli(capsys, "trust", "registry", "remove", url, "--json")[0] == 0
    assert _cli(capsys, "trust", "registry", "remove", url, "--json")[0] == 6
    assert _cli(capsys, "trust", "list", "--json")[1]["registries"] == []


def test_trust_needs_a_wallet(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _cli(capsys, "trust", "list", "--json")
    assert code == 4 and out["error"]["kind"] == "wallet_missing"


def test_trust_settings_are_encrypted(wallet_home: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _cli(capsys, "trust", "add", "did:web:secret-issuer.example", "--label", "my-secret-label")
    data = b"".join(p.read_bytes() for p in wallet_home.rglob("*") if p.is_file())
    assert b"secret-issuer" not in data and b"my-secret-label" not in data
    _code, listed = _cli(capsys, "trust", "list", "--json")
    assert listed["issuers"][0]["label"] == "my-secret-label"
