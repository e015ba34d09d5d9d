"""Where a fetch may go: scheme rules and the private-network (SSRF) rule from DESIGN.md.

- The URL the user typed may point anywhere, loopback included (a local issuer).
- https only, except loopback hosts; `--insecure-http` allows plain http elsewhere (warned).
- URLs found inside fetched documents (keys, profiles, status lists, images, contexts) and
  every redirect hop must not lead to a private, link-local, loopback or otherwise
  non-global address unless the user's source is on that same host: a badge must not make
  the wallet probe the user's network. Every address the host resolves to is checked.

CREDWALLET_OFFLINE=1 refuses every host but loopback without even resolving it (offline
imports, test suites).

Known limit: the check resolves the name, then httpx resolves it again to connect, so a DNS
server that answers differently within that window (rebinding) is not fully stopped.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from credwallet.errors import BadInput, NetworkError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class Refused(BadInput):
    """A URL the network rules do not allow (exit 3: the content asked for it)."""

    kind = "url_refused"


@dataclass(frozen=True)
class Origin:
    """The host of the source the user gave (None for files and stdin)."""

    host: str | None = None

    @classmethod
    def of(cls, source: str) -> Origin:
        if source.lower().startswith(("http://", "https://")):
            return cls(normal_host(urllib.parse.urlsplit(source).hostname or ""))
        return cls(None)


def normal_host(host: str) -> str:
    host = host.strip("[]").lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or Refused."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"malformed URL {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(f"{url}: only http(s) URLs can be fetched")
    if not parts.hostname:
        raise Refused(f"{url}: URL has no host")
    if parts.username or parts.password:
        raise Refused(f"{url}: URLs with credentials are not fetched")
    return scheme, normal_host(parts.hostname), port or (443 if scheme == "https" else 80)


def is_public(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return is_public(addr.ipv4_mapped)
    return addr.is_global and not addr.is_multicast


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [ip]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NetworkError(f"cannot resolve host {host}") from exc
    out: list[IPAddress] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        out.append(ipaddress.ip_address(text))
    if not out:
        raise NetworkError(f"cannot resolve host {host}")
    return out


class Guard:
    """Checks each URL before it is requested; caches name resolution for one run."""

    def __init__(self, *, insecure_http: bool, resolver: Resolver | None = None) -> None:
        self.insecure_http = insecure_http
        self._resolver = resolver or system_resolver
        # Offline mode guards real sockets; an injected resolver (tests) means no real DNS.
        self.offline = resolver is None and os.environ.get("CREDWALLET_OFFLINE") == "1"
        self._cache: dict[tuple[str, int], list[IPAddress]] = {}

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        if self.offline and host != "localhost":
            raise NetworkError(f"network access is disabled (CREDWALLET_OFFLINE=1); not "
                               f"contacting {host}")
        key = (host, port)
        if key not in self._cache:
            self._cache[key] = await self._resolver(host, port)
        return self._cache[key]

    async def check(self, url: str, origin: Origin, *, user_given: bool) -> list[str]:
        """Raise Refused if `url` may not be fetched; return warnings (insecure http)."""
        scheme, host, port = split(url)
        addrs = await self.addresses(host, port)
        loopback = all(a.is_loopback or (isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped
                                         is not None and a.ipv4_mapped.is_loopback)
                       for a in addrs)
        if not user_given and host != origin.host and not all(is_public(a) for a in addrs):
            raise Refused(f"{url} leads to a private or local address; refusing to follow a "
                          "link or redirect there (only the host you gave may be local)")
        warnings: list[str] = []
        if scheme == "http" and not loopback:
            if not self.insecure_http:
                raise Refused(f"{url}: plain http is refused for non-loopback hosts",
                              hint="use https, or --insecure-http to allow it")
            warnings.append(f"fetched {url} over plain http (--insecure-http): it could "
                            "have been altered in transit")
        if self.offline and not loopback:
            raise NetworkError(f"network access is disabled (CREDWALLET_OFFLINE=1); not "
                               f"contacting {host}")
        return warnings

    async def is_loopback(self, url: str) -> bool:
        _scheme, host, port = split(url)
        return all(a.is_loopback for a in await self.addresses(host, port))
