"""Connections go to the address that was checked, never to a second DNS answer (issue #11).

Real loopback servers, names mapped by a fake resolver; addresses "resolved" to public IPs
are never connected to: a recording socket layer refuses them before any packet is sent.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import httpcore
import pytest

from credwallet.errors import NetworkError
from credwallet.fetch.client import Client, Response
from credwallet.fetch.guard import IPAddress, Origin, Refused
from credwallet.fetch.policy import FetchPolicy
from tests.fetch.conftest import FAST
from tests.issuer_site import IssuerSite, Sites, self_signed_cert

T = TypeVar("T")
PUBLIC = "93.184.215.14"  # never contacted: Recorder refuses every non-loopback address


class Recorder(httpcore.AsyncNetworkBackend):
    """The socket layer under the pinning: records every address asked for and only lets
    loopback through (so a test can never reach the internet)."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        self.connects.append(host)
        if not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"test: refusing to connect to {host}")
        return await self.inner.connect_tcp(host, port, timeout=timeout,
                                            local_address=local_address,
                                            socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise AssertionError("no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def resolver_of(table: dict[str, list[list[str]]], calls: list[str]
                ) -> Callable[[str, int], Awaitable[list[IPAddress]]]:
    """A fake DNS: each name answers its lists in turn (the last one repeats)."""

    async def resolve(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        answers = table[host]
        n = sum(1 for c in calls if c == host) - 1
        return [ipaddress.ip_address(a) for a in answers[min(n, len(answers) - 1)]]

    return resolve


def run(fn: Callable[[Client], Awaitable[T]], resolver: Any, backend: Recorder,
        policy: FetchPolicy = FAST) -> T:
    async def main() -> T:
        async with Client(policy, resolver=resolver, backend=backend) as client:
            return await fn(client)

    return asyncio.run(main())


def test_named_host_is_connected_at_the_checked_address_with_its_host_header(
        sites: Sites) -> None:
    calls: list[str] = []
    backend = Recorder()
    port = sites.site.port
    url = f"http://issuer.test:{port}/ob2/issuer.json"
    resp: Response = run(lambda c: c.get(url, origin=Origin.of(url), user_given=True),
                         resolver_of({"issuer.test": [["127.0.0.1"]]}, calls), backend)
    assert resp.status == 200
    assert backend.connects == ["127.0.0.1"] and calls == ["issuer.test"]
    headers = [h for p, h in sites.site.requests if p == "/ob2/issuer.json"][-1]
    assert headers["host"] == f"issuer.test:{port}"


def test_rebinding_dns_cannot_redirect_the_connection(sites: Sites) -> None:
    """Public on the first answer, loopback afterwards: the connection still goes to the
    public address that was checked (refused here by the recorder), never to 127.0.0.1."""
    calls: list[str] = []
    backend = Recorder()
    port = sites.site.port
    before = sites.site.hits["/ob2/issuer.json"]
    resolver = resolver_of({"rebind.test": [[PUBLIC], ["127.0.0.1"]],
                            "source.test": [[PUBLIC]]}, calls)
    url = f"https://rebind.test:{port}/ob2/issuer.json"  # a link inside a document

    async def twice(c: Client) -> None:
        for _ in range(2):
            with pytest.raises(NetworkError, match="cannot connect"):
                await c.get(url, origin=Origin.of("https://source.test/b.json"))

    c_policy = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, total_timeout=2.5,
                           backoff=0.01, retries=2)
    run(twice, resolver, backend, c_policy)
    assert calls == ["rebind.test"]  # resolved once for the whole command
    assert backend.connects == [PUBLIC] * 6  # 2 requests x 3 attempts, all at the checked one
    assert sites.site.hits["/ob2/issuer.json"] == before


def test_loopback_name_in_a_document_is_refused_when_the_source_was_elsewhere(
        sites: Sites) -> None:
    calls: list[str] = []
    backend = Recorder()
    port = sites.site.port
    before = sites.site.hits["/ob2/issuer.json"]
    resolver = resolver_of({"issuer.example": [[PUBLIC]], "sneaky.test": [["127.0.0.1"]],
                            "localhost": [["127.0.0.1", "::1"]]}, calls)

    async def fetch(c: Client) -> None:
        # The source was a public host: nothing local may be reached from its documents.
        for url in (f"http://sneaky.test:{port}/ob2/issuer.json",
                    f"http://localhost:{port}/ob2/issuer.json",
                    f"http://127.0.0.1:{port}/ob2/issuer.json"):
            with pytest.raises(Refused, match="private or local"):
                await c.get(url, origin=Origin.of(f"https://issuer.example:{port}/a.json"))
        # The source was another loopback address on the same port: still refused.
        with pytest.raises(Refused, match="private or local"):
            await c.get(f"http://sneaky.test:{port}/ob2/issuer.json",
                        origin=Origin.of(f"http://127.0.0.2:{port}/a.json"))

    run(fetch, resolver, backend)
    assert backend.connects == [] and sites.site.hits["/ob2/issuer.json"] == before


def test_another_port_on_loopback_is_refused_for_documents_and_redirects(sites: Sites) -> None:
    other = IssuerSite().start()
    try:
        other.json("/secret.json", {"secret": True})
        site = sites.site
        hop = site.raw("/test/to-other-port", b"", "text/plain", status=302,
                       headers={"Location": other.url("/secret.json")})
        source = site.url("/ob2/assertions/0.json")
        backend = Recorder()

        async def fetch(c: Client) -> None:
            with pytest.raises(Refused, match="private or local"):
                await c.get(other.url("/secret.json"), origin=Origin.of(source))
            # Even what the user typed cannot redirect to another local port.
            with pytest.raises(Refused, match="private or local"):
                await c.get(hop, origin=Origin.of(hop), user_given=True)
            ok = await c.get(site.url("/ob2/issuer.json"), origin=Origin.of(source))
            assert ok.status == 200  # the source's own endpoint is fine

        run(fetch, None, backend)
        assert other.hits["/secret.json"] == 0
        assert set(backend.connects) == {"127.0.0.1"}
    finally:
        other.stop()


def test_a_host_never_checked_is_never_connected() -> None:
    from credwallet.fetch.client import PinnedBackend
    from credwallet.fetch.guard import Guard

    backend = Recorder()
    pinned = PinnedBackend(Guard(insecure_http=False), backend)
    with pytest.raises(httpcore.ConnectError, match="not checked"):
        asyncio.run(pinned.connect_tcp("127.0.0.1", 1))
    assert backend.connects == []


def test_tls_is_verified_for_the_name_while_connecting_to_the_checked_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = self_signed_cert(str(tmp_path), ("issuer.test",))
    wrong = self_signed_cert(str(tmp_path), ("other.test",))
    calls: list[str] = []
    resolver = resolver_of({"issuer.test": [["127.0.0.1"]]}, calls)
    for cert, ok in ((good, True), (wrong, False)):
        site = IssuerSite(tls=cert).start()
        try:
            site.json("/issuer.json", {"id": "x", "type": "Issuer"})
            monkeypatch.setenv("SSL_CERT_FILE", cert[0])
            url = f"https://issuer.test:{site.port}/issuer.json"
            backend = Recorder()

            async def fetch(c: Client, url: str = url) -> Response:
                return await c.get(url, origin=Origin.of(url), user_given=True)

            if ok:
                assert run(fetch, resolver, backend).status == 200
                assert site.requests[-1][1]["host"] == f"issuer.test:{site.port}"
            else:
                with pytest.raises(NetworkError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                    run(fetch, resolver, backend)
            assert site.sni and set(site.sni) == {"issuer.test"}
            assert set(backend.connects) == {"127.0.0.1"}
        finally:
            site.stop()


def test_environment_proxies_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned transport replaces httpx's default one, so proxies are read here instead."""
    import httpx

    from credwallet.fetch.client import _proxy_mounts, tls_context

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
                 "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    limits = httpx.Limits()
    assert _proxy_mounts(tls_context(), limits) == {}
    monkeypatch.setenv("HTTPS_PROXY", "proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,.corp.test")
    mounts = _proxy_mounts(tls_context(), limits)
    assert isinstance(mounts["https://"], httpx.AsyncHTTPTransport)
    assert mounts["all://localhost"] is None and mounts["all://127.0.0.1"] is None
    assert mounts["all://*.corp.test"] is None
    monkeypatch.setenv("NO_PROXY", "*")
    assert _proxy_mounts(tls_context(), limits) == {}
