"""The loopback issuer site and fast, offline-safe fetch limits: shared with tests/fetch."""

from tests.fetch.conftest import FAST, fast_offline, sites

__all__ = ["FAST", "fast_offline", "sites"]
