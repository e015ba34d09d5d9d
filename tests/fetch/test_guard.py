"""The network rules: https only except loopback, and no probing of private networks."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from credwallet.errors import NetworkError
from credwallet.fetch.guard import Guard, IPAddress, Origin, Refused

DNS = {
    "issuer.example": ["93.184.215.14"],
    "intranet.example": ["10.1.2.3"],
    "split.example": ["93.184.215.14", "192.168.1.5"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "local.example": ["127.0.0.1"],
}


async def fake_resolver(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host not in DNS:
        raise NetworkError(f"cannot resolve host {host}")
    return [ipaddress.ip_address(a) for a in DNS[host]]


NO_ORIGIN = Origin(None)


def check(url: str, origin: Origin = NO_ORIGIN, *, user_given: bool = False,
          insecure: bool = False) -> list[str]:
    guard = Guard(insecure_http=insecure, resolver=fake_resolver)
    return asyncio.run(guard.check(url, origin, user_given=user_given))


@pytest.fixture(autouse=True)
def _online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDWALLET_OFFLINE", raising=False)  # the resolver is fake anyway


def test_public_https_from_a_document_is_fine() -> None:
    assert check("https://issuer.example/key.json") == []


@pytest.mark.parametrize("url", [
    "https://intranet.example/admin", "https://10.0.0.1/", "https://169.254.169.254/latest/",
    "https://127.0.0.1:8080/", "https://[::1]/", "https://split.example/x",
    "https://mapped.example/x", "https://0.0.0.0/", "https://local.example/",
])
def test_document_urls_may_not_reach_private_addresses(url: str) -> None:
    with pytest.raises(Refused, match="private or local"):
        check(url, Origin.of("https://issuer.example/badge.json"))


def test_only_the_sources_exact_endpoint_may_be_local() -> None:
    # Same address, port and scheme as the source: fine, whatever the name.
    origin = Origin.of("http://127.0.0.1:8080/badge.json")
    assert check("http://127.0.0.1:8080/key.json", origin) == []
    assert check("http://local.example:8080/key.json", origin) == []  # same endpoint by address
    for url in ("http://127.0.0.1:9999/key.json",  # another port on loopback
                "https://127.0.0.1:8080/key.json",  # another scheme
                "http://127.0.0.2:8080/key.json",  # another loopback address
                "http://[::1]:8080/key.json",
                "http://local.example:9999/key.json"):
        with pytest.raises(Refused, match="private or local"):
            check(url, origin)


def test_a_local_name_is_refused_when_the_source_was_elsewhere() -> None:
    # The source shares nothing with 127.0.0.1 but its name: the host name is never compared.
    origin = Origin.of("http://local.example:8080/badge.json")
    assert check("http://127.0.0.1:8080/key.json", origin) == []  # local.example IS 127.0.0.1
    with pytest.raises(Refused):
        check("http://local.example:8080/key.json", Origin.of("http://127.0.0.2:8080/b.json"))
    with pytest.raises(Refused):
        check("https://intranet.example/key.json", Origin.of("https://intranet.example:8443/"))


@pytest.mark.parametrize("addr", ["64:ff9b::a00:1", "2002:a00:1::1", "ff0e::1", "224.0.0.1",
                                  "100.64.0.1", "::", "fe80::1", "fc00::1", "240.0.0.1",
                                  "::ffff:169.254.169.254", "192.0.2.1"])
def test_embedded_and_special_addresses_are_not_public(addr: str) -> None:
    from credwallet.fetch.guard import is_public

    assert not is_public(ipaddress.ip_address(addr))


def test_public_addresses_are_public() -> None:
    from credwallet.fetch.guard import is_public

    for addr in ("93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14",
                 "64:ff9b::5db8:d70e"):
        assert is_public(ipaddress.ip_address(addr)), addr


def test_each_name_is_resolved_once_per_command() -> None:
    calls: list[str] = []

    async def counting(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        return await fake_resolver(host, port)

    async def main() -> None:
        guard = Guard(insecure_http=False, resolver=counting)
        for _ in range(3):
            await guard.check("https://issuer.example/a", NO_ORIGIN, user_given=False)
        assert guard.checked_addresses("issuer.example", 443) == [
            ipaddress.ip_address("93.184.215.14")]
        assert guard.checked_addresses("issuer.example", 8443) == []  # never checked
        assert guard.checked_addresses("intranet.example", 443) == []

    asyncio.run(main())
    assert calls == ["issuer.example"]


def test_user_given_url_may_point_anywhere() -> None:
    assert check("https://10.0.0.1/badge.json", user_given=True) == []
    assert check("http://127.0.0.1:8080/badge.json", user_given=True) == []


def test_plain_http_needs_loopback_or_the_flag() -> None:
    with pytest.raises(Refused, match="plain http") as err:
        check("http://issuer.example/badge.json", user_given=True)
    assert err.value.exit_code == 3
    warnings = check("http://issuer.example/badge.json", user_given=True, insecure=True)
    assert len(warnings) == 1 and "insecure-http" in warnings[0]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://issuer.example/x",
                                 "https://user:pw@issuer.example/x", "https:///nohost"])
def test_other_schemes_and_credentials_refused(url: str) -> None:
    with pytest.raises(Refused):
        check(url, user_given=True)


def test_offline_mode_refuses_names_without_resolving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    guard = Guard(insecure_http=False)  # the real resolver: must not be called

    async def boom(*a: object, **k: object) -> None:
        raise AssertionError("resolved a name in offline mode")

    monkeypatch.setattr("credwallet.fetch.guard.system_resolver", boom)
    with pytest.raises(NetworkError, match="disabled"):
        asyncio.run(guard.check("https://issuer.example/x", NO_ORIGIN, user_given=True))
    with pytest.raises(NetworkError, match="disabled"):
        asyncio.run(guard.check("https://10.0.0.1/x", NO_ORIGIN, user_given=True))
    assert asyncio.run(guard.check("http://127.0.0.1:1/x", NO_ORIGIN, user_given=True)) == []
