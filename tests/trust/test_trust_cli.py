"""`credwallet trust ...` through the real entry point."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_trust_add_list_remove(wallet_home: Path) -> None:
    res = run_cli("trust", "add", "did:web:example.edu#key-1", "--label", "Example U", "--json")
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.trust/1" and doc["ok"] is True
    assert doc["issuer"]["value"] == "did:web:example.edu" and doc["added"] is True
    again = run_cli("trust", "add", "did:web:example.edu", "--json").json()
    assert again["added"] is False and again["issuer"]["label"] == "Example U"
    assert run_cli("trust", "add", "HTTPS://Example.org/issuer.json", "--json").code == 0
    listed = run_cli("trust", "list", "--json").json()
    assert [i["value"] for i in listed["issuers"]] == ["did:web:example.edu",
                                                       "https://example.org/issuer.json"]
    assert listed["registries"] == []
    human = run_cli("trust", "list")
    assert "did:web:example.edu" in human.stdout and "Example U" in human.stdout
    gone = run_cli("trust", "remove", "did:web:example.edu", "--json")
    assert gone.code == 0 and gone.json()["removed"]["value"] == "did:web:example.edu"
    missing = run_cli("trust", "remove", "did:web:example.edu", "--json")
    assert missing.code == 6 and missing.json()["error"]["kind"] == "not_found"


def test_trust_add_refuses_names(wallet_home: Path) -> None:
    res = run_cli("trust", "add", "Famous University", "--json")
    assert res.code == 2 and res.json()["ok"] is False
    assert run_cli("trust", "add", "famous.edu").code == 2


def test_registry_add_list_remove(wallet_home: Path) -> None:
    url = "https://digitalcredentials.github.io/issuer-registry/registry.json"
    res = run_cli("trust", "registry", "add", url, "--label", "DCC", "--json")
    assert res.code == 0, res
    reg = res.json()["registry"]
    assert reg["url"] == url and reg["status"] == "pending" and reg["as_of"] is None
    listed = run_cli("trust", "registry", "list", "--json").json()["registries"]
    assert [r["label"] for r in listed] == ["DCC"]
    assert "not fetched yet" in run_cli("trust", "registry", "list").stdout
    assert run_cli("trust", "registry", "add", "ftp://x.example/r.json").code == 2
    assert run_cli("trust", "registry", "remove", url, "--json").code == 0
    assert run_cli("trust", "registry", "remove", url, "--json").code == 6
    assert run_cli("trust", "list", "--json").json()["registries"] == []


def test_trust_needs_a_wallet(isolated_home: Path) -> None:
    res = run_cli("trust", "list", "--json")
    assert res.code == 4 and res.json()["error"]["kind"] == "wallet_missing"


def test_trust_settings_are_encrypted(wallet_home: Path) -> None:
    run_cli("trust", "add", "did:web:secret-issuer.example", "--label", "my-secret-label")
    data = b"".join(p.read_bytes() for p in wallet_home.rglob("*") if p.is_file())
    assert b"secret-issuer" not in data and b"my-secret-label" not in data
