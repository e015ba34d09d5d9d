"""Fixtures for network tests: a real loopback issuer site and fast, offline-safe limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from credwallet.fetch.policy import FetchPolicy
from tests.issuer_site import Sites, running_sites

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, total_timeout=2.5, backoff=0.01,
                   max_retry_after=1.0)


@pytest.fixture(scope="session")
def sites() -> Iterator[Sites]:
    with running_sites() as s:
        yield s


@pytest.fixture(autouse=True)
def fast_offline(monkeypatch: pytest.MonkeyPatch) -> FetchPolicy:
    """Short timeouts, and no host but loopback is ever contacted (not even DNS)."""
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    monkeypatch.setattr(FetchPolicy, "from_env", classmethod(lambda cls: FAST))
    return FAST
