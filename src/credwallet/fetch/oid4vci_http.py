"""`oid4vci.http.Http` over the one HTTP client: OID4VCI requests obey every network rule.

GETs go through `Client.get` (checked redirects, retries, size caps). POSTs (token, nonce,
credential, deferred and notification endpoints) are checked by the same guard against the
same origin, pinned to the checked addresses, capped in size and time, and never retried or
redirected: a token request must not be replayed, and a redirected POST is refused.

The origin is what the learner typed or pasted: the `credential_offer_uri` of a link they gave,
else the credential issuer of an offer by value they gave. So a local issuer works (its own
endpoint may be loopback, like any source the user typed) while every other host an issuer
names (an authorization server, a token endpoint) must be public unless `--allow-host` names
it. An offer read from a QR code image is data from someone else, like a baked badge: it has
no origin (`origin_url=""`), so every host it leads to must be public unless allowed.

Protocol requests never use `--insecure-http`: they carry codes and tokens, so plain http is
refused off loopback whatever the flag says (`with_http`).

Tokens are only ever put in an `Authorization` header; no message built here contains one.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from credwallet.errors import NetworkError
from credwallet.fetch.client import (
    ACCEPT_CREDENTIAL,
    REDIRECTS,
    Client,
    HttpStatusError,
    Response,
    read_capped,
)
from credwallet.fetch.guard import AllowedHost, Origin, Refused, Resolver
from credwallet.fetch.policy import FetchPolicy
from credwallet.oid4vci.http import ACCEPT_JSON, Reply

T = TypeVar("T")


class ClientHttp:
    def __init__(self, client: Client, origin: Origin) -> None:
        self.client = client
        self.origin = origin

    async def get(self, url: str, *, accept: str = ACCEPT_JSON,
                  user_given: bool = False) -> Reply:
        origin = Origin.of(url) if user_given else self.origin
        resp = await self.client.get(url, origin=origin, accept=accept, user_given=user_given,
                                     allow_status=tuple(range(400, 500)))
        return Reply(url, resp.status, resp.media_type, resp.body, resp.final_url)

    async def post(self, url: str, *, form: Mapping[str, str] | None = None,
                   body: Any = None, bearer: str | None = None) -> Reply:
        await self.client.guard.check(url, self.origin, user_given=False)
        headers = {"Accept": ACCEPT_JSON}
        content = b""
        if form is not None:
            content = urllib.parse.urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            content = json.dumps(body, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        policy = self.client.policy
        try:
            async with self.client._semaphore, asyncio.timeout(policy.total_timeout):
                status, media, data = await self._stream(url, content, headers,
                                                         policy.max_source_bytes)
        except TimeoutError:
            raise NetworkError(f"{url}: timed out after {policy.total_timeout:g} s") from None
        except httpx.TimeoutException:
            raise NetworkError(f"{url}: timed out (no data for {policy.read_timeout:g} s)") \
                from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise Refused(f"{url}: not a URL that can be requested") from None
        except httpx.HTTPError as exc:
            raise NetworkError(f"{url}: cannot connect ({type(exc).__name__})") from None
        if status in REDIRECTS:
            raise NetworkError(f"{url}: answered a POST with a redirect (HTTP {status}); "
                               "not followed")
        if status >= 500:
            raise HttpStatusError(f"{url}: HTTP {status}", status)
        return Reply(url, status, media, data)

    async def _stream(self, url: str, content: bytes, headers: dict[str, str],
                      cap: int) -> tuple[int, str | None, bytes]:
        async with self.client._http.stream("POST", url, content=content,
                                            headers=headers) as resp:
            media, data = await read_capped(resp, url, cap)
            return resp.status_code, media, data


def with_http(work: Callable[[ClientHttp], Awaitable[T]], *, origin_url: str,
              allow_hosts: Sequence[AllowedHost] = (), policy: FetchPolicy | None = None,
              resolver: Resolver | None = None) -> T:
    """Run `work` with an Http whose origin is `origin_url` ("" for none: an offer that came
    inside a file), one event loop, one client. Plain http only to loopback: no
    `--insecure-http` for requests that carry codes and tokens."""

    async def main() -> T:
        async with Client(policy, insecure_http=False, allow_hosts=allow_hosts,
                          resolver=resolver) as client:
            return await work(ClientHttp(client, Origin.of(origin_url)))

    return asyncio.run(main())


def fetch_named(url: str, *, insecure_http: bool = False, allow_hosts: Sequence[AllowedHost] = (),
                policy: FetchPolicy | None = None) -> Response:
    """GET a credential at a URL that data named (a QR code's https link): like a link inside a
    baked badge, it has no origin, so it must lead to public addresses unless allowed."""

    async def main() -> Response:
        async with Client(policy, insecure_http=insecure_http, allow_hosts=allow_hosts) as client:
            return await client.get(url, origin=Origin(), accept=ACCEPT_CREDENTIAL,
                                    max_bytes=client.policy.max_source_bytes, user_given=False,
                                    allow_status=(410,))

    return asyncio.run(main())
