"""Registry fetch (credwallet.fetch.registry) against an in-memory HTTP transport: no sockets."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from credwallet.fetch.policy import FetchPolicy
from credwallet.fetch.registry import refresh_registries
from credwallet.models import WalletData
from credwallet.models.entry import Holder
from credwallet.trust.check import TrustPolicy, issuer_trust_check
from credwallet.trust.model import TrustSettings, dump_trust, load_trust

NOW = datetime(2026, 5, 1, tzinfo=UTC)
GOOD = {"meta": {"updated": "2026-04-01"},
        "registry": {"did:web:good.example": {"name": "Good College"}}}
POLICY = FetchPolicy(retries=0, backoff=0.0)


async def _public(host: str, port: int) -> list[Any]:
    return [ipaddress.ip_address("93.184.216.34")]


def _wallet(*urls: str) -> WalletData:
    settings = TrustSettings()
    for u in urls:
        settings.add_registry(u, None, NOW)
    return WalletData(created_at=NOW, holder=Holder(did="did:key:z6Mk", private_seed_b64="",
                                                    created_at=NOW), trust=dump_trust(settings))


def _body(status: int, data: bytes) -> httpx.Response:
    # A stream, not content: the client reads the body itself, with its size cap.
    return httpx.Response(status, stream=httpx.ByteStream(data),
                          headers={"content-type": "application/json"})


def _handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/good.json":
        return _body(200, json.dumps(GOOD).encode())
    if path == "/broken.json":
        return _body(200, b"<html>maintenance</html>")
    if path == "/huge.json":
        return _body(200, b"[" + b" " * (5 * 1024 * 1024) + b"]")
    return _body(404, b"")


def _refresh(wallet: WalletData) -> list[dict[str, Any]]:
    return refresh_registries(wallet, now=NOW, policy=POLICY,
                              transport=httpx.MockTransport(_handler), resolver=_public)


def test_refresh_fetches_parses_and_caches_with_as_of() -> None:
    wallet = _wallet("https://reg.example/good.json")
    rows = _refresh(wallet)
    assert rows[0]["status"] == "ok" and rows[0]["issuers"] == 1 and rows[0]["as_of"]
    settings = load_trust(wallet.trust)
    check = issuer_trust_check("did:web:good.example", TrustPolicy(settings))
    assert check.status == "passed" and "Good College" in check.detail


def test_unreachable_malformed_and_huge_registries_never_raise() -> None:
    wallet = _wallet("https://reg.example/missing.json", "https://reg.example/broken.json",
                     "https://reg.example/huge.json")
    rows = _refresh(wallet)
    assert [r["status"] for r in rows] == ["unreachable", "malformed", "too_large"]
    assert "404" in rows[0]["error"]
    check = issuer_trust_check("did:web:good.example", TrustPolicy(load_trust(wallet.trust)))
    assert check.status == "warning"
    for word in ("was unreachable", "was malformed", "was too large"):
        assert word in check.detail


def test_failed_refresh_keeps_the_previous_copy() -> None:
    wallet = _wallet("https://reg.example/good.json")
    _refresh(wallet)
    settings = load_trust(wallet.trust)
    settings.registries[0].url = "https://reg.example/gone.json"  # now answers 404
    wallet.trust = dump_trust(settings)
    (row,) = _refresh(wallet)
    assert row["status"] == "unreachable" and row["issuers"] == 1
    check = issuer_trust_check("did:web:good.example", TrustPolicy(load_trust(wallet.trust)))
    assert check.status == "passed"


def test_plain_http_registry_is_refused_without_flag() -> None:
    wallet = _wallet("http://reg.example/good.json")
    (row,) = _refresh(wallet)
    assert row["status"] == "unreachable" and "plain http" in row["error"]


def test_no_registries_no_network() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    wallet = _wallet()
    assert refresh_registries(wallet, now=NOW, transport=httpx.MockTransport(boom),
                              resolver=_public) == []
    assert json.dumps(wallet.trust)  # untouched, still serialisable
