"""Issuer / authorization server confusion: the offer's server hint, RFC 9207 `iss`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.oid4vci.issuer import Issuer

BROWSER = Path(__file__).with_name("browser.py")


def test_an_offer_cannot_pick_an_unlisted_authorization_server(cw: Any, wallet: Path,
                                                               issuer: Issuer) -> None:
    # The issuer lists no authorization_servers: it is its own. An offer naming another server
    # (even one the learner allowed) must not get the code.
    other = Issuer()
    try:
        offer = issuer.offer("OB3_JWT", server=other.issuer)
        res = cw("import", issuer.link(offer), "--allow-host", f"127.0.0.1:{other.port}",
                 "--json")
        assert res.code == 3, res.stdout + res.stderr
        assert "does not list" in res.json()["items"][0]["error"]
        assert other.requests == []
        ok = cw("import", issuer.link(issuer.offer("OB3_JWT", server=issuer.issuer)), "--json")
        assert ok.code == 0, ok.stdout
    finally:
        other.stop()


@pytest.mark.parametrize(("mode", "code"), [("good", 0), ("missing", 3),
                                            ("https://attacker.example", 3)])
def test_rfc9207_iss_in_the_authorization_response(cw: Any, wallet: Path, issuer: Issuer,
                                                   monkeypatch: Any, mode: str,
                                                   code: int) -> None:
    monkeypatch.setenv("BROWSER", f"{sys.executable} {BROWSER} %s")
    issuer.iss_mode = mode
    res = cw("import", issuer.link(issuer.offer("OB3_LDP", grant="auth")), "--json")
    assert res.code == code, res.stdout + res.stderr
    if code:
        assert "RFC 9207" in res.json()["items"][0]["error"]
        assert ("POST", "/oid4vci/token") not in issuer.requests


def test_iss_is_checked_when_sent_even_if_not_advertised() -> None:
    from credwallet.oid4vci.errors import IssuanceError
    from credwallet.oid4vci.grants import code_from_redirect
    from credwallet.oid4vci.metadata import AuthServer

    server = AuthServer("https://as.example", "https://as.example/token")
    assert code_from_redirect({"state": "s", "code": "c"}, "s", server) == "c"
    assert code_from_redirect({"state": "s", "code": "c", "iss": "https://as.example"}, "s",
                              server) == "c"
    with pytest.raises(IssuanceError, match="mix-up"):
        code_from_redirect({"state": "s", "code": "c", "iss": "https://as.example/"}, "s", server)
