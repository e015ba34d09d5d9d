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


def test_same_host_as_the_users_source_may_be_local() -> None:
    origin = Origin.of("http://127.0.0.1:8080/badge.json")
    assert check("http://127.0.0.1:9999/key.json", origin) == []
    with pytest.raises(Refused):
        check("http://local.example/key.json", origin)  # a different name for loopback


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
