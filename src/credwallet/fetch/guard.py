"""Where a fetch may go: scheme rules and the private-network (SSRF) rule from DESIGN.md.

- The URL the user typed may point anywhere, loopback included (a local issuer).
- https only, except loopback hosts; `--insecure-http` allows plain http elsewhere (warned).
- URLs found inside fetched documents (keys, profiles, status lists, images, contexts) and
  every redirect hop must resolve only to public addresses, except the very endpoint the
  user's source was fetched from: same scheme, same port, and every non-public address one
  the source's name resolved to. Host names are never compared: another port on loopback,
  or another name for 127.0.0.1, is refused. A badge must not make the wallet probe the
  user's network.

Each (host, port) is resolved once per command and the connection goes to exactly the
addresses that were checked (`checked_addresses`, used by the client's network backend),
so a DNS server that answers differently the second time (rebinding) gains nothing.

`--allow-host HOST[:PORT]` (AllowedHost) names a host the user vouches for, an intranet
issuer say: URLs on that exact name or address (and port, when given) may resolve to private
or loopback addresses. Nothing else changes for it: the scheme rule, the address pinning and
offline mode still apply, and no other name gains anything (a name that merely resolves to
the same address is still refused).

CREDWALLET_OFFLINE=1 refuses every host but loopback without even resolving it (offline
imports, test suites).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import idna

from credwallet.errors import BadInput, CredwalletError, NetworkError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class Refused(BadInput):
    """A URL the network rules do not allow (exit 3: the content asked for it)."""

    kind = "url_refused"


@dataclass(frozen=True)
class Origin:
    """Where the user's source was fetched from: scheme, host, port (all None for a file or
    stdin, which have no network origin)."""

    scheme: str | None = None
    host: str | None = None
    port: int | None = None

    @classmethod
    def of(cls, source: str) -> Origin:
        if source.lower().startswith(("http://", "https://")):
            try:
                return cls(*split(source))
            except Refused:
                return cls()
        return cls()


@dataclass(frozen=True)
class AllowedHost:
    """A host named by `--allow-host`: exact name or address, optionally one port."""

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> AllowedHost:
        """`name`, `name:port`, `1.2.3.4[:port]`, `::1` or `[::1]:port`; ValueError otherwise."""
        raw = text.strip()
        port_text: str | None = None
        if raw.startswith("["):
            inside, sep, rest = raw[1:].partition("]")
            if not sep or (rest and not rest.startswith(":")):
                raise ValueError(f"{text!r}: expected [IPv6 address] or [IPv6 address]:PORT")
            host, port_text = inside, (rest[1:] if rest else None)
        elif raw.count(":") == 1:
            host, port_text = raw.split(":")
        else:
            host = raw  # a name, an IPv4 address or a bare IPv6 address (no port)
        if not host or any(c in host for c in "/@?#*% \t") or host.startswith("."):
            raise ValueError(f"{text!r}: expected a host name or address, optionally :PORT "
                             "(no scheme, path or wildcard)")
        if ":" in host or raw.startswith("["):
            try:
                ipaddress.IPv6Address(host)
            except ValueError:
                raise ValueError(f"{text!r}: not a valid IPv6 address") from None
        port: int | None = None
        if port_text is not None:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise ValueError(f"{text!r}: the port must be a number from 1 to 65535")
            port = int(port_text)
        return cls(normal_host(host), port)

    def covers(self, host: str, port: int) -> bool:
        """The URL's own host (normalised) is this one, on this port if one was named."""
        return host == self.host and (self.port is None or self.port == port)

    def __str__(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return shown if self.port is None else f"{shown}:{self.port}"


def normal_host(host: str) -> str:
    host = host.strip("[]").lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not host.isascii():
        # The A-label, as httpx puts it on the wire: the connection layer looks the checked
        # addresses up by that spelling.
        try:
            return idna.encode(host).decode("ascii")
        except idna.IDNAError:
            return host
    return host


def split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or Refused."""
    # A URL must be text: an undecodable byte from the command line (a lone surrogate) or a
    # control character would only crash or confuse the HTTP layer further on.
    if any(0xD800 <= ord(c) <= 0xDFFF or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise Refused(f"{url.encode('utf-8', 'backslashreplace').decode('ascii', 'replace')!r}: "
                      "the URL holds bytes or control characters that are not valid in a URL")
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


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(addr: IPAddress) -> bool:
    """A globally routable unicast address. Addresses that embed an IPv4 one (mapped, NAT64,
    6to4) are judged by what they embed: ::ffff:10.0.0.1 reaches 10.0.0.1."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return is_public(addr.ipv4_mapped)
        if addr in NAT64:
            return is_public(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
        if addr.sixtofour is not None and not is_public(addr.sixtofour):
            return False
    return (addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_loopback
                                    or addr.is_link_local or addr.is_unspecified
                                    or addr.is_private))


def _plain(addr: IPAddress) -> IPAddress:
    """::ffff:a.b.c.d and a.b.c.d are the same endpoint."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _is_loopback(addr: IPAddress) -> bool:
    return _plain(addr).is_loopback


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
    """Checks each URL before it is requested and remembers which addresses it cleared.

    A (host, port) is resolved once per Guard (one command); `checked_addresses` hands the
    same list to the connection layer, which connects to nothing else.
    """

    def __init__(self, *, insecure_http: bool, resolver: Resolver | None = None,
                 allow_hosts: Iterable[AllowedHost] = ()) -> None:
        self.insecure_http = insecure_http
        self.allow_hosts = tuple(allow_hosts)
        self._resolver = resolver or system_resolver
        # Offline mode guards real sockets; an injected resolver (tests) means no real DNS.
        self.offline = resolver is None and os.environ.get("CREDWALLET_OFFLINE") == "1"
        self._cache: dict[tuple[str, int], list[IPAddress]] = {}
        self._checked: dict[tuple[str, int], list[IPAddress]] = {}

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
            found = await self._resolver(host, port)
            if not found:
                raise NetworkError(f"cannot resolve host {host}")
            self._cache.setdefault(key, list(found))  # a concurrent first answer wins
        return self._cache[key]

    async def check(self, url: str, origin: Origin, *, user_given: bool) -> list[str]:
        """Raise Refused if `url` may not be fetched; return warnings (insecure http)."""
        scheme, host, port = split(url)
        addrs = await self.addresses(host, port)
        loopback = all(_is_loopback(a) for a in addrs)
        if not user_given:
            local = [a for a in addrs if not is_public(a)]
            if local and not self.allowed(host, port) and \
                    not await self._same_endpoint(scheme, port, local, origin):
                raise Refused(f"{url} leads to a private or local address; refusing to follow a "
                              "link or redirect there (only the exact address and port of the "
                              "source you gave may be local)",
                              hint=f"if you trust {host}, allow it with --allow-host {host}")
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
        self._checked[(host, port)] = addrs
        return warnings

    def allowed(self, host: str, port: int) -> bool:
        """The user named this exact host (and port) with --allow-host."""
        return any(a.covers(host, port) for a in self.allow_hosts)

    async def _same_endpoint(self, scheme: str, port: int, local: list[IPAddress],
                             origin: Origin) -> bool:
        """Every local address is one the user's source resolved to, on its scheme and port."""
        if origin.host is None or origin.scheme != scheme or origin.port != port:
            return False
        try:
            source = {_plain(a) for a in await self.addresses(origin.host, port)}
        except CredwalletError:
            return False
        return all(_plain(a) in source for a in local)

    def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses `check` cleared for (host, port): the only ones to connect to.
        Empty if no URL on that host and port was checked (then nothing may be connected)."""
        return list(self._checked.get((normal_host(host), port), ()))

    async def is_loopback(self, url: str) -> bool:
        _scheme, host, port = split(url)
        return all(_is_loopback(a) for a in await self.addresses(host, port))
