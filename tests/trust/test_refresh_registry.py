"""`credwallet refresh` fetches followed registries (real HTTP on 127.0.0.1); verify uses them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.issuer_site import IssuerSite
from tests.trust.helpers import ISSUER_SEED, credential, did_of, sign


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    from credwallet.cli.app import run

    capsys.readouterr()
    code = run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _trust(result: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in result["checks"] if c["check"] == "issuer_trust")
    return found


def test_refresh_fetches_registry_and_verify_names_it(
        wallet_home: Path, tmp_path: Path, site: IssuerSite,
        capsys: pytest.CaptureFixture[str]) -> None:
    did = did_of(ISSUER_SEED)[0]
    good = site.json("/registry.json", {"meta": {"updated": "2026-01-01"},
                                        "registry": {did: {"name": "Test Issuer Inc."}}},
                     ctype="application/json")
    broken = site.raw("/broken.json", b"<html>oops</html>", "text/html")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(credential(), ISSUER_SEED)))
    code, out = _cli(capsys, "import", str(path))
    assert code == 0, out
    cid = out["items"][0]["id"]
    assert _cli(capsys, "trust", "registry", "add", good, "--label", "Local")[0] == 0
    assert _cli(capsys, "trust", "registry", "add", broken)[0] == 0
    assert _trust(_cli(capsys, "verify", cid)[1]["results"][0])["status"] == "warning"

    code, out = _cli(capsys, "refresh")
    rows = {r["url"]: r for r in out["registries"]}
    assert rows[good]["status"] == "ok" and rows[good]["issuers"] == 1, out
    assert rows[broken]["status"] == "malformed"
    assert site.hits["/registry.json"] == 1
    # Registries are fetched before the re-verification, which already uses them.
    assert _trust(out["results"][0]["verification"])["status"] == "passed"
    code, shown = _cli(capsys, "trust", "registry", "show", good)
    assert [i["id"] for i in shown["issuers"]] == [did]
    assert shown["issuers"][0]["name"] == "Test Issuer Inc."

    code, out = _cli(capsys, "verify", cid, "--require-trusted")
    assert code == 0, out
    check = _trust(out["results"][0])
    assert check["status"] == "passed" and "Test Issuer Inc." in check["detail"]
    assert "as of" in check["detail"]

    # The registry goes away: the last good copy stays in use, and the check says so.
    site.routes.pop("/registry.json")
    _cli(capsys, "refresh")
    listed = {r["url"]: r for r in _cli(capsys, "trust", "registry", "list")[1]["registries"]}
    assert listed[good]["status"] == "unreachable" and listed[good]["issuers"] == 1
    assert _trust(_cli(capsys, "verify", cid)[1]["results"][0])["status"] == "passed"
