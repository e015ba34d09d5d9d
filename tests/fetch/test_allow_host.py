"""`--allow-host HOST[:PORT]`: one named host may resolve to private addresses; nothing else
changes (scheme rule, pinning, other names, offline mode)."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from credwallet.errors import NetworkError
from credwallet.fetch.guard import AllowedHost, Guard, IPAddress, Origin, Refused

DNS = {
    "intranet.example": ["10.1.2.3"],
    "alias.example": ["10.1.2.3"],  # another name for the same private address
    "sub.intranet.example": ["10.1.2.4"],
    "split.example": ["93.184.215.14", "192.168.1.5"],
    "issuer.example": ["93.184.215.14"],
}
NO_ORIGIN = Origin()


async def fake_resolver(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host not in DNS:
        raise NetworkError(f"cannot resolve host {host}")
    return [ipaddress.ip_address(a) for a in DNS[host]]


def guard(*allowed: str, insecure: bool = False) -> Guard:
    return Guard(insecure_http=insecure, resolver=fake_resolver,
                 allow_hosts=[AllowedHost.parse(a) for a in allowed])


def check(g: Guard, url: str) -> list[str]:
    return asyncio.run(g.check(url, NO_ORIGIN, user_given=False))


@pytest.mark.parametrize(("text", "host", "port"), [
    ("intranet.example", "intranet.example", None),
    ("Intranet.Example.", "intranet.example", None),
    ("intranet.example:8443", "intranet.example", 8443),
    ("10.1.2.3", "10.1.2.3", None),
    ("10.1.2.3:443", "10.1.2.3", 443),
    ("::1", "::1", None),
    ("[::1]", "::1", None),
    ("[::1]:8080", "::1", 8080),
    ("bücher.example", "xn--bcher-kva.example", None),
])
def test_parse(text: str, host: str, port: int | None) -> None:
    assert AllowedHost.parse(text) == AllowedHost(host, port)


@pytest.mark.parametrize("text", [
    "", "https://intranet.example", "intranet.example/path", "user@intranet.example",
    "*.example", "intranet.example:0", "intranet.example:70000", "intranet.example:x",
    "[::1", "[::1]x", "[nothex]:80", ".example", "a b",
])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        AllowedHost.parse(text)


def test_private_link_refused_without_the_flag() -> None:
    with pytest.raises(Refused, match="private or local") as err:
        check(guard(), "https://intranet.example/key.json")
    assert err.value.hint is not None and "--allow-host intranet.example" in err.value.hint


def test_named_host_may_be_private() -> None:
    g = guard("intranet.example")
    assert check(g, "https://intranet.example/key.json") == []
    # The connection goes to exactly the addresses that were checked.
    assert g.checked_addresses("intranet.example", 443) == [ipaddress.ip_address("10.1.2.3")]


def test_port_is_exact_when_given() -> None:
    g = guard("intranet.example:8443")
    assert check(g, "https://intranet.example:8443/key.json") == []
    with pytest.raises(Refused):
        check(g, "https://intranet.example/key.json")  # 443
    with pytest.raises(Refused):
        check(g, "https://intranet.example:8444/key.json")


def test_names_are_exact_not_resolved() -> None:
    g = guard("intranet.example")
    with pytest.raises(Refused):  # same address, other name
        check(g, "https://alias.example/key.json")
    with pytest.raises(Refused):
        check(g, "https://sub.intranet.example/key.json")  # no wildcard, even for subdomains
    with pytest.raises(Refused):  # the address the name resolves to is not the name
        check(g, "https://10.1.2.3/key.json")


def test_address_form() -> None:
    g = guard("10.1.2.3")
    assert check(g, "https://10.1.2.3/key.json") == []
    with pytest.raises(Refused):  # a name resolving there is still refused
        check(g, "https://intranet.example/key.json")


def test_other_rules_stay() -> None:
    # Plain http to a non-loopback host still needs --insecure-http.
    with pytest.raises(Refused, match="plain http"):
        check(guard("intranet.example"), "http://intranet.example/key.json")
    warnings = check(guard("intranet.example", insecure=True), "http://intranet.example/k")
    assert warnings and "plain http" in warnings[0]
    # A host with both public and private addresses is covered only when named.
    with pytest.raises(Refused):
        check(guard("intranet.example"), "https://split.example/")
    assert check(guard("split.example"), "https://split.example/") == []
    # Public hosts are unaffected.
    assert check(guard("intranet.example"), "https://issuer.example/") == []


def test_offline_mode_still_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    g = Guard(insecure_http=False, allow_hosts=[AllowedHost.parse("intranet.example")])
    with pytest.raises(NetworkError, match="CREDWALLET_OFFLINE"):
        asyncio.run(g.check("https://intranet.example/", NO_ORIGIN, user_given=False))
