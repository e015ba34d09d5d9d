"""The HTTP client against a real loopback server: limits, redirects, retries, headers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

import pytest

from credwallet import __version__
from credwallet.errors import InputTooLarge, NetworkError
from credwallet.fetch.client import ACCEPT_CREDENTIAL, Client, HttpStatusError, Response
from credwallet.fetch.guard import Origin, Refused
from credwallet.fetch.policy import FetchPolicy
from tests.issuer_site import Sites

T = TypeVar("T")


def run(fn: Callable[[Client], Awaitable[T]], policy: FetchPolicy | None = None) -> T:
    async def main() -> T:
        async with Client(policy) as client:
            return await fn(client)

    return asyncio.run(main())


def get(url: str, policy: FetchPolicy | None = None, **kw: Any) -> Response:
    origin = kw.pop("origin", Origin.of(url))
    kw.setdefault("user_given", True)
    return run(lambda c: c.get(url, origin=origin, **kw), policy)


def test_headers_user_agent_and_accept(sites: Sites) -> None:
    url = sites.ob2_assertions[0]
    resp = get(url, accept=ACCEPT_CREDENTIAL)
    assert resp.status == 200 and resp.media_type == "application/ld+json"
    path = url.split(str(sites.site.port), 1)[1]
    headers = [h for p, h in sites.site.requests if p == path][-1]
    assert headers["user-agent"].startswith(f"credwallet/{__version__}")
    assert headers["accept"].startswith("application/ld+json")


def test_slow_server_times_out(sites: Sites) -> None:
    start = time.monotonic()
    with pytest.raises(NetworkError, match="timed out"):
        get(sites.site.url("/hostile/slow"))
    assert time.monotonic() - start < 4.5


def test_dripping_body_hits_the_wall_clock_deadline(sites: Sites) -> None:
    # One byte every 0.3 s never trips the 2 s read timeout; the 2.5 s deadline stops it.
    start = time.monotonic()
    with pytest.raises(NetworkError, match=r"timed out after 2\.5 s"):
        get(sites.site.url("/hostile/drip"))
    assert time.monotonic() - start < 4


def test_endless_body_is_capped(sites: Sites) -> None:
    with pytest.raises(InputTooLarge, match="larger than"):
        get(sites.site.url("/hostile/endless"), max_bytes=256 * 1024)


def test_gzip_bomb_is_capped_after_decompression(sites: Sites) -> None:
    with pytest.raises(InputTooLarge, match="larger than the 1 MiB"):
        get(sites.site.url("/hostile/gzip-bomb"), max_bytes=1024 * 1024)


def test_declared_length_over_cap_is_refused_early(sites: Sites) -> None:
    with pytest.raises(InputTooLarge, match="more than"):
        get(sites.site.url("/hostile/bomb.png"), max_bytes=1024)


def test_server_error_is_retried_then_reported(sites: Sites) -> None:
    before = sites.site.hits["/hostile/500"]
    with pytest.raises(HttpStatusError, match="HTTP 500") as err:
        get(sites.site.url("/hostile/500"))
    assert err.value.exit_code == 5 and err.value.status == 500
    assert sites.site.hits["/hostile/500"] - before == 3  # 1 + 2 retries


def test_429_with_retry_after_then_success(sites: Sites) -> None:
    calls = {"n": 0}

    def flaky(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        status, body = (429, b"slow down") if calls["n"] == 1 else (200, b'{"ok": true}')
        h.send_response(status)
        h.send_header("Retry-After", "0")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    url = sites.site.custom("/test/flaky", flaky)
    resp = get(url)
    assert resp.body == b'{"ok": true}' and calls["n"] == 2


def test_404_is_not_retried(sites: Sites) -> None:
    before = sites.site.hits["/nowhere"]
    with pytest.raises(HttpStatusError, match="404"):
        get(sites.site.url("/nowhere"))
    assert sites.site.hits["/nowhere"] - before == 1


def test_allowed_status_is_returned(sites: Sites) -> None:
    resp = get(sites.ob2_gone, allow_status=(410,))
    assert resp.status == 410


def test_redirect_loop_and_cap(sites: Sites) -> None:
    with pytest.raises(NetworkError, match="redirect loop"):
        get(sites.site.url("/hostile/loop-a"))
    with pytest.raises(NetworkError, match="more than 5 redirects"):
        get(sites.site.url("/hostile/chain-0"))


def test_relative_redirect_is_followed_and_recorded(sites: Sites) -> None:
    sites.site.raw("/test/moved", b"", "text/plain", status=301,
                   headers={"Location": "/ob2/badge.json"})
    resp = get(sites.site.url("/test/moved"))
    assert resp.final_url == sites.site.url("/ob2/badge.json")
    assert resp.url == sites.site.url("/test/moved")


def test_redirect_to_private_network_is_refused(sites: Sites) -> None:
    with pytest.raises(Refused, match="private or local"):
        get(sites.site.url("/hostile/to-private"))


def test_connection_refused_is_a_network_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match="cannot connect") as err:
        get(f"http://127.0.0.1:{port}/x")
    assert err.value.exit_code == 5


def test_concurrency_is_bounded(sites: Sites) -> None:
    policy = FetchPolicy(concurrency=2, total_timeout=10)
    active = {"now": 0, "max": 0}
    import threading

    lock = threading.Lock()

    def slowish(h: BaseHTTPRequestHandler) -> None:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.05)
        with lock:
            active["now"] -= 1
        h.send_response(200)
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"{}")

    for i in range(8):
        sites.site.custom(f"/test/c{i}", slowish)

    async def many(c: Client) -> list[Response]:
        return list(await asyncio.gather(*(
            c.get(sites.site.url(f"/test/c{i}"), origin=Origin.of(sites.site.url("/")))
            for i in range(8))))

    assert len(run(many, policy)) == 8
    assert active["max"] <= 2


@pytest.mark.parametrize(("value", "expected"), [
    ("0", 0.0), ("3", 3.0), ("-3", 0.0), ("nan", None), ("inf", None), ("99999", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("garbage", None), ("Wed, 99 Foo", None), (None, None),
])
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    from credwallet.fetch.client import _retry_after

    assert _retry_after(value, 10.0) == expected


def test_malformed_redirect_location(sites: Sites) -> None:
    url = sites.site.raw("/test/bad-location", b"", "text/plain", status=302,
                         headers={"Location": "http://[::1/x"})
    with pytest.raises(NetworkError, match=r"(?i)location"):
        get(url)
