"""Where OID4VCI requests may go, per input form (docs/oid4vci.md "Network rules",
fetch/NETWORK.md): a link the learner typed or pasted counts as the source they gave (its
host may be local); a QR code image is data from someone else, like a baked badge (every host
it names must be public unless `--allow-host` names it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.oid4vci.issuer import Issuer


def qr(path: Path, text: str) -> str:
    import segno

    segno.make(text, error="m").save(str(path), scale=4)
    return str(path)


def refused_local(res: Any) -> str:
    assert res.code == 3, res.stdout + res.stderr
    doc = res.json()
    [item] = doc["items"]
    assert item["status"] == "failed"
    assert "private or local address" in item["error"], item["error"]
    return str(item["error"])


def test_qr_offer_by_value_naming_a_local_issuer_needs_allow_host(
        cw: Any, wallet: Path, issuer: Issuer, tmp_path: Path) -> None:
    image = qr(tmp_path / "offer.png", issuer.link(issuer.offer("OB3_JWT")))
    refused_local(cw("import", image, "--json"))
    assert issuer.requests == []  # nothing was asked of the local address
    assert cw("list", "--json").json()["credentials"] == []
    res = cw("import", image, "--allow-host", f"127.0.0.1:{issuer.port}", "--json")
    assert res.code == 0, res.stdout + res.stderr
    assert res.json()["items"][0]["status"] == "imported"


def test_qr_offer_by_reference_to_a_local_address_needs_allow_host(
        cw: Any, wallet: Path, issuer: Issuer, tmp_path: Path) -> None:
    image = qr(tmp_path / "offer.png", issuer.link_by_reference(issuer.offer("OB3_JWT")))
    refused_local(cw("import", image, "--json"))
    assert issuer.requests == []
    res = cw("import", image, "--allow-host", f"127.0.0.1:{issuer.port}", "--json")
    assert res.code == 0, res.stdout + res.stderr


def test_qr_https_link_to_a_local_address_is_refused(cw: Any, wallet: Path,
                                                     tmp_path: Path) -> None:
    image = qr(tmp_path / "link.png", "https://127.0.0.1:9/badge.json")
    refused_local(cw("import", image, "--json"))


def test_typed_links_may_name_a_local_issuer(cw: Any, wallet: Path, issuer: Issuer) -> None:
    for link in (issuer.link(issuer.offer("OB3_JWT")),
                 issuer.link_by_reference(issuer.offer("OB3_JWT"))):
        res = cw("import", link, "--json")
        assert res.code == 0, res.stdout + res.stderr


def test_typed_offer_uri_cannot_lend_its_exception_to_another_local_issuer(
        cw: Any, wallet: Path, issuer: Issuer) -> None:
    other = Issuer()
    try:
        # The offer is served by `issuer` (the URI typed) but names `other`, on another port.
        link = issuer.link_by_reference(other.offer("OB3_JWT"))
        refused_local(cw("import", link, "--json"))
        assert other.requests == []
        res = cw("import", link, "--allow-host", f"127.0.0.1:{other.port}", "--json")
        assert res.code == 0, res.stdout + res.stderr
    finally:
        other.stop()


@pytest.mark.parametrize("where", ["authorization_servers", "token_endpoint",
                                   "credential_endpoint"])
def test_hosts_named_by_the_issuer_must_be_public(cw: Any, wallet: Path, issuer: Issuer,
                                                  where: str) -> None:
    other = Issuer()
    try:
        issuer.elsewhere[where] = other
        res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
        refused_local(res)
        assert other.requests == []
    finally:
        other.stop()


def test_metadata_redirected_to_another_server_is_refused(cw: Any, wallet: Path,
                                                          issuer: Issuer) -> None:
    # An open redirect on the issuer's host must not let another server (even one the learner
    # allowed) speak for the issuer: that server would name where the code is sent.
    other = Issuer()
    try:
        other.claim_issuer = issuer.issuer
        issuer.metadata_redirect = f"{other.base}/.well-known/openid-credential-issuer/oid4vci"
        res = cw("import", issuer.link(issuer.offer("OB3_JWT")),
                 "--allow-host", f"127.0.0.1:{other.port}", "--json")
        assert res.code == 3, res.stdout + res.stderr
        assert "redirected to another server" in res.json()["items"][0]["error"]
        assert ("POST", "/oid4vci/token") not in other.requests
    finally:
        other.stop()


def test_qr_https_link_to_an_allowed_host_is_imported(cw: Any, wallet: Path, issuer: Issuer,
                                                      tmp_path: Path, monkeypatch: Any) -> None:
    from tests.issuer_site import IssuerSite, self_signed_cert

    cert, key = self_signed_cert(str(tmp_path))
    site = IssuerSite(tls=(cert, key)).start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", cert)
        jwt = issuer.credential("OB3_JWT", {"did": "did:example:learner"})
        site.raw("/badge.jwt", jwt.encode(), "application/jwt")
        image = qr(tmp_path / "link.png", site.url("/badge.jwt"))
        refused_local(cw("import", image, "--json"))
        res = cw("import", image, "--allow-host", f"127.0.0.1:{site.port}", "--json")
        assert res.code == 0, res.stdout + res.stderr
        [item] = res.json()["items"]
        assert item["status"] == "imported" and item["format"] == "ob3-jwt"
        assert item["source"] == image
    finally:
        site.stop()
