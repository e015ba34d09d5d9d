"""TLS trust is the usual one and honours SSL_CERT_FILE (a loopback https issuer)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from credwallet.errors import NetworkError
from tests.fetch.test_client import get
from tests.issuer_site import IssuerSite, self_signed_cert


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[tuple[IssuerSite, str]]:
    cert, key = self_signed_cert(str(tmp_path))
    site = IssuerSite(tls=(cert, key)).start()
    site.json("/issuer.json", {"id": site.url("/issuer.json"), "type": "Issuer"})
    try:
        yield site, cert
    finally:
        site.stop()


def test_untrusted_certificate_is_refused(https_site: tuple[IssuerSite, str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site, _cert = https_site
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(NetworkError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        get(site.url("/issuer.json"))


def test_ssl_cert_file_is_trusted(https_site: tuple[IssuerSite, str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site, cert = https_site
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    resp = get(site.url("/issuer.json"))
    assert resp.status == 200 and resp.final_url.startswith("https://127.0.0.1:")
