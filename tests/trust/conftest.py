"""Shared fixtures of the trust tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.issuer_site import IssuerSite


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[IssuerSite]:
    """A registry/issuer site on 127.0.0.1; everything else is offline."""
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")  # loopback only
    monkeypatch.setenv("CREDWALLET_HTTP_TIMEOUT", "5")
    s = IssuerSite().start()
    yield s
    s.stop()
