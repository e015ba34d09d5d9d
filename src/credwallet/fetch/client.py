"""The one HTTP client: httpx with limits, manual redirects, bounded retries, streamed caps.

Every request: Accept headers for JSON-LD/JSON (or images), a `credwallet/<version>`
User-Agent, connect/read timeouts plus a wall-clock deadline, a size cap enforced while the
body streams (after decompression, so a gzip bomb stops at the cap), redirects followed by
hand so each hop passes the network guard, retries with backoff on 429/5xx. TLS trust and
proxies come from the environment (certifi or SSL_CERT_FILE / SSL_CERT_DIR, HTTPS_PROXY...).

Connections are pinned: the URL (so the Host header, TLS SNI and certificate check) keeps
the name, but the socket goes only to an address the guard resolved and cleared for that
host and port (`PinnedBackend`), never to a second DNS answer.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import ipaddress
import os
import ssl
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

from credwallet import __version__
from credwallet.errors import BadInput, CredwalletError, InputTooLarge, NetworkError
from credwallet.fetch.guard import AllowedHost, Guard, Origin, Refused, Resolver
from credwallet.fetch.policy import FetchPolicy
from credwallet.ingest.charset import text_codec

USER_AGENT = f"credwallet/{__version__} (+https://github.com/credwallet)"
ACCEPT_CREDENTIAL = ("application/ld+json, application/vc+ld+json;q=0.95, application/json;q=0.9, "
                     "application/vc+jwt;q=0.8, application/jwt;q=0.8, image/png;q=0.5, "
                     "image/svg+xml;q=0.5, */*;q=0.1")
ACCEPT_JSON = "application/ld+json, application/json;q=0.9, */*;q=0.1"
ACCEPT_DID = "application/did+ld+json, application/did+json;q=0.95, application/json;q=0.9, */*;q=0.1"
ACCEPT_IMAGE = "image/png, image/svg+xml, image/*;q=0.8"
REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUS = (429, 500, 502, 503, 504)


@dataclass
class Response:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    media_type: str | None
    body: bytes
    fetched_at: datetime
    warnings: list[str] = field(default_factory=list)
    charset: str | None = None  # the Content-Type charset parameter, as sent


@dataclass(frozen=True)
class _Answer:
    """One HTTP exchange: a redirect (`location`) or a body."""
    status: int
    location: str | None = None
    media: str | None = None
    charset: str | None = None
    body: bytes = b""


class HttpStatusError(NetworkError):
    """The server answered, but not with the document (404, 500 ...)."""

    kind = "http_status"

    def __init__(self, message: str, status: int, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class _Retry(Exception):
    def __init__(self, error: CredwalletError, delay: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.delay = delay


def _asked_wait(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta or HTTP date); None when absent or
    unreadable (then our own backoff applies)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError, IndexError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _retry_after(value: str | None, limit: float) -> float | None:
    seconds = _asked_wait(value)
    return seconds if seconds is not None and seconds <= limit else None


def _busy(url: str, status: int, asked: float | None, limit: float) -> CredwalletError | _Retry:
    """A 429/5xx answer: retried (after the Retry-After asked for, when it is short), or, when
    the server asks for a longer wait than `limit`, an error now: retrying sooner than asked
    is impolite and useless."""
    error = HttpStatusError(f"{url}: HTTP {status} {_reason(status)}", status,
                            hint="the issuer's server is busy or limiting requests; "
                                 "try again later")
    if asked is not None and asked > limit:
        wait = f"{asked:.0f} s" if asked < 1e7 else "a very long time"
        return HttpStatusError(f"{error.message} (the server asks to wait {wait} before "
                               "trying again)", status, hint=error.hint)
    return _Retry(error, asked)


def as_utf8(body: bytes, charset: str | None) -> bytes:
    """A JSON text in UTF-16 or UTF-32 (byte-order mark or charset), or in a declared
    single-byte charset that is not valid UTF-8, re-encoded as UTF-8, the one encoding JSON
    readers must accept (RFC 8259 8.1); anything else is returned as it came."""
    encoding = _text_encoding(body, charset)
    if encoding is None:
        return body
    try:
        text = body.decode(encoding).removeprefix("\ufeff")
    except (UnicodeError, LookupError):
        return body
    return text.encode("utf-8") if text.lstrip()[:1] in ("{", "[") else body


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _text_encoding(body: bytes, charset: str | None) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    # Only a text charset counts: the codec registry also answers to `hex`, `undefined`,
    # `unicode_escape`... (ingest/charset.py), which a server may name to crash the reader.
    codec = text_codec(charset)
    if codec is None or codec in ("utf-8", "ascii"):
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return codec
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return codec  # not UTF-8 at all: believe the declared charset
    return None  # valid UTF-8 whatever the header says (a wrong default charset)


class _Decoder:
    """Content-Encoding decoding with an output cap (httpx's own decoder has none)."""

    def __init__(self, encoding: str) -> None:
        enc = encoding.strip().lower()
        self._z: zlib._Decompress | None = None
        self._head = b""  # deflate: zlib-wrapped (RFC 9110) or raw (what many servers send)
        if enc in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(wbits=47)
        elif enc not in ("", "identity", "deflate"):
            raise BadInput(f"unsupported Content-Encoding {encoding!r} (credwallet asks for "
                           "gzip or deflate only)")
        self._deflate = enc == "deflate"

    def feed(self, chunk: bytes, room: int) -> bytes:
        if self._deflate and self._z is None:
            self._head += chunk
            if len(self._head) < 2:
                return b""
            chunk, self._head = self._head, b""
            zlib_header = chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            self._z = zlib.decompressobj() if zlib_header else zlib.decompressobj(wbits=-15)
        if self._z is None:
            return chunk[:room + 1]
        try:
            out = self._z.decompress(chunk, room + 1)
        except zlib.error as exc:
            raise BadInput("response body is not valid compressed data") from exc
        if self._z.unconsumed_tail:
            return out + b"\0"  # more than `room`: the caller sees the overflow
        return out


@functools.cache
def _tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    # Loading the trust store costs ~0.1 s; reuse it for every client of the process.
    return httpx.create_ssl_context(trust_env=True)


def tls_context() -> ssl.SSLContext:
    """The usual trust: certifi, or SSL_CERT_FILE / SSL_CERT_DIR when set."""
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to the addresses the guard checked for that host and port.

    httpcore asks to connect to the URL's host name; this resolves nothing itself, so the
    address that was checked is the address that is connected (no DNS-rebinding window).
    TLS is then started by httpcore with the host name as SNI and for certificate checks.
    """

    def __init__(self, guard: Guard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        addrs = self._guard.checked_addresses(host, port)
        if not addrs:
            raise httpcore.ConnectError(f"{host}:{port} was not checked by the network rules")
        failure: Exception | None = None
        for addr in addrs:
            try:
                return await self._inner.connect_tcp(
                    str(addr), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the next checked address, like a resolver-driven connect
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (request/response mapping, error mapping) over a connection
    pool whose network backend is `PinnedBackend`."""

    def __init__(self, backend: PinnedBackend, *, ssl_context: ssl.SSLContext,
                 limits: httpx.Limits) -> None:
        super().__init__(verify=ssl_context, limits=limits, trust_env=True)
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            # httpx changed its internals: refuse to run unpinned rather than silently.
            raise RuntimeError("unsupported httpx version: cannot pin connections")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=backend)


def _proxy_mounts(ssl_context: ssl.SSLContext, limits: httpx.Limits
                  ) -> dict[str, httpx.AsyncBaseTransport | None]:
    """Proxies from the environment, as httpx itself reads them (a custom transport turns
    httpx's own reading off). NO_PROXY hosts map to None: the pinned default transport.
    Through a proxy it is the proxy that resolves and connects."""
    info = urllib.request.getproxies()
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    for scheme in ("http", "https", "all"):
        proxy = info.get(scheme)
        if proxy:
            mounts[f"{scheme}://"] = httpx.AsyncHTTPTransport(
                verify=ssl_context, limits=limits, trust_env=True,
                proxy=proxy if "://" in proxy else f"http://{proxy}")
    if not mounts:
        return {}
    for host in (h.strip() for h in info.get("no", "").split(",")):
        if host == "*":
            return {}
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif host.lower() == "localhost" or _is_ip(host):
            mounts[f"all://{host if ':' not in host else '[' + host + ']'}"] = None
        else:
            mounts[f"all://*{host}"] = None
    return mounts


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class Client:
    """Async fetcher shared by all sources of one command (one connection pool).

    `transport` replaces the network entirely (tests with in-memory servers); `backend`
    replaces only the socket layer under the pinning (tests that record connections).
    """

    def __init__(self, policy: FetchPolicy | None = None, *, insecure_http: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None,
                 backend: httpcore.AsyncNetworkBackend | None = None,
                 allow_hosts: Iterable[AllowedHost] = ()) -> None:
        self.policy = policy or FetchPolicy.from_env()
        self.guard = Guard(insecure_http=insecure_http, resolver=resolver,
                           allow_hosts=allow_hosts)
        self._semaphore = asyncio.Semaphore(self.policy.concurrency)
        timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
        limits = httpx.Limits(max_connections=self.policy.concurrency,
                              max_keepalive_connections=self.policy.concurrency)
        ctx = tls_context()
        mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
        if transport is None:
            transport = PinnedTransport(PinnedBackend(self.guard, backend), ssl_context=ctx,
                                        limits=limits)
            mounts = _proxy_mounts(ctx, limits)
        self._http = httpx.AsyncClient(
            timeout=timeout, limits=limits, follow_redirects=False, trust_env=True,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            transport=transport, mounts=mounts, verify=ctx)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def get(self, url: str, *, origin: Origin, accept: str = ACCEPT_JSON,
                  max_bytes: int | None = None, user_given: bool = False,
                  allow_status: tuple[int, ...] = ()) -> Response:
        """GET `url` (following checked redirects). Non-2xx raises HttpStatusError unless the
        status is in `allow_status` (e.g. 410 for a hosted assertion), then it is returned."""
        cap = max_bytes if max_bytes is not None else self.policy.max_document_bytes
        warnings: list[str] = []
        seen: set[str] = set()
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            if current in seen:
                raise NetworkError(f"{url}: redirect loop (back to {current})")
            seen.add(current)
            warnings += await self.guard.check(current, origin, user_given=user_given and
                                               current == url)
            answer = await self._attempts(current, accept, cap)
            status, location = answer.status, answer.location
            if status in REDIRECTS:
                if not location:
                    raise NetworkError(f"{current}: HTTP {status} redirect without a Location")
                try:
                    current = urllib.parse.urljoin(current, location)
                except ValueError:
                    raise NetworkError(f"{url}: redirect to a malformed Location") from None
                continue
            if not 200 <= status < 300 and status not in allow_status:
                raise HttpStatusError(f"{current}: HTTP {status} {_reason(status)}", status)
            body = as_utf8(answer.body, answer.charset)
            if len(body) > cap:  # a single-byte charset re-encoded grows up to 3 times
                raise InputTooLarge(f"{current}: response is larger than the {_size(cap)} allowed "
                                    f"once re-encoded as UTF-8 from {answer.charset}")
            return Response(url=url, final_url=current, status=status, media_type=answer.media,
                            body=body, fetched_at=datetime.now(UTC), warnings=warnings,
                            charset=answer.charset)
        raise NetworkError(f"{url}: more than {self.policy.max_redirects} redirects")

    async def _attempts(self, url: str, accept: str, cap: int) -> _Answer:
        attempt = 0
        while True:
            try:
                async with self._semaphore:
                    return await self._once(url, accept, cap)
            except _Retry as retry:
                if attempt >= self.policy.retries:
                    raise retry.error from None
                delay = retry.delay if retry.delay is not None else \
                    self.policy.backoff * (2 ** attempt)
                attempt += 1
                await asyncio.sleep(delay)

    async def _once(self, url: str, accept: str, cap: int) -> _Answer:
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                return await self._stream(url, accept, cap)
        except TimeoutError:
            raise NetworkError(f"{url}: timed out after {self.policy.total_timeout:g} s") from None
        except httpx.TimeoutException:
            raise NetworkError(f"{url}: timed out (no data for "
                               f"{self.policy.read_timeout:g} s)") from None
        except httpx.RemoteProtocolError as exc:
            # The server broke HTTP: closed early (may pass: retried), or sent what will not
            # change on a second try (oversized headers, a malformed answer).
            why, transient = _broken(exc)
            error = NetworkError(f"{url}: {why}")
            raise (_Retry(error) if transient else error) from None
        except httpx.ConnectError as exc:
            error = NetworkError(f"{url}: cannot connect ({_short(exc)})")
            if "CERTIFICATE" in str(exc) or "SSL" in str(exc):
                raise error from None  # TLS trust does not get better by retrying
            raise _Retry(error) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise Refused(f"{url}: {_short(exc)}") from None
        except httpx.HTTPError as exc:  # TransportError, DecodingError, ...
            raise NetworkError(f"{url}: network error ({_short(exc)})") from None

    async def _stream(self, url: str, accept: str, cap: int) -> _Answer:
        async with self._http.stream("GET", url, headers={"Accept": accept}) as resp:
            status = resp.status_code
            if status in REDIRECTS:
                return _Answer(status, location=resp.headers.get("location"))
            if status in RETRY_STATUS:
                raise _busy(url, status, _asked_wait(resp.headers.get("retry-after")),
                            self.policy.max_retry_after)
            media, body = await read_capped(resp, url, cap)
            return _Answer(status, media=media, charset=charset_of(resp.headers), body=body)


async def read_capped(resp: httpx.Response, url: str, cap: int) -> tuple[str | None, bytes]:
    """A streamed response's media type and body, decoded, refused as soon as it passes `cap`
    (declared or actual, after decompression: a small gzip bomb is stopped too)."""
    media = resp.headers.get("content-type", "").split(";", 1)[0].strip().lower() or None
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise InputTooLarge(f"{url}: response is {int(declared)} bytes, more than the "
                            f"{_size(cap)} allowed")
    decoder = _Decoder(resp.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_raw():
        piece = decoder.feed(chunk, cap - size)
        size += len(piece)
        if size > cap:
            raise InputTooLarge(f"{url}: response is larger than the {_size(cap)} allowed")
        parts.append(piece)
    return media, b"".join(parts)


def charset_of(headers: httpx.Headers) -> str | None:
    """The charset parameter of Content-Type (lower-cased, unquoted), or None."""
    for param in headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _broken(exc: Exception) -> tuple[str, bool]:
    """What a protocol error from the HTTP layer means for the person reading it, and whether
    it may pass (a connection closed early) or not (the server's answer is malformed)."""
    text = str(exc)
    if "without sending complete message body" in text or "incomplete chunked" in text.lower():
        return ("the server closed the connection before the whole response arrived "
                f"({_short(exc)})"), True
    if "disconnected without sending a response" in text:
        return "the server closed the connection without answering", True
    if "too long" in text.lower() or "too large" in text.lower():
        return "the server's response headers are too large to accept", False
    return f"the server's answer is not valid HTTP ({_short(exc)})", False


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"
