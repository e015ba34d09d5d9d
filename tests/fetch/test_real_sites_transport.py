"""Import from issuer hosts whose HTTP is untidy: types, charsets, encodings, redirects, partial
bodies, rate limits. Real loopback servers; each case is a behaviour seen on real hosts."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from credwallet.fetch.guard import AllowedHost
from credwallet.models.entry import WalletData
from tests.conftest import Cli
from tests.importing.test_import_sites import checks, new_wallet, one
from tests.issuer_site import IssuerSite, Sites, ob2_assertion, send


def _doc(sites: Sites, path: str) -> bytes:
    return json.dumps(ob2_assertion(sites.site, path, sites.site.url("/ob2/badge.json")),
                      indent=1).encode()


def _serve(site: IssuerSite, path: str, make: Callable[[BaseHTTPRequestHandler], None]) -> str:
    return site.custom(path, make)


def _ok(w: WalletData, item: Any) -> None:
    assert item.status == "imported", item
    assert item.verification is not None and item.verification.verified, item.verification
    assert checks(item)["proof"] == "passed"


@pytest.mark.parametrize("ctype", [
    "text/plain", "application/octet-stream", "text/html", "application/json; charset=UTF-8",
    "application/ld+json;charset=\"utf-8\"", None, "text/plain; charset=iso-8859-1"])
def test_json_under_any_content_type(sites: Sites, ctype: str | None) -> None:
    path = f"/real/t/ctype-{abs(hash(ctype))}"
    body = _doc(sites, path)
    url = _serve(sites.site, path, lambda h: send(h, 200, body, ctype))
    w = new_wallet()
    _ok(w, one(w, url))


@pytest.mark.parametrize(("name", "encode", "ctype"), [
    ("bom", lambda b: b"\xef\xbb\xbf" + b, "application/json"),
    ("utf16le-bom", lambda b: b.decode().encode("utf-16"), "application/json"),
    ("utf16be-bom", lambda b: b"\xfe\xff" + b.decode().encode("utf-16-be"), "application/json"),
    ("utf16-charset", lambda b: b.decode().encode("utf-16-le"), "application/json; charset=utf-16le"),
    ("utf32-bom", lambda b: b.decode().encode("utf-32"), "application/json"),
])
def test_json_text_encodings(sites: Sites, name: str, encode: Callable[[bytes], bytes],
                             ctype: str) -> None:
    path = f"/real/t/enc-{name}"
    body = encode(_doc(sites, path))
    url = _serve(sites.site, path, lambda h: send(h, 200, body, ctype))
    w = new_wallet()
    _ok(w, one(w, url))


def _raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(wbits=-15)
    return z.compress(data) + z.flush()


@pytest.mark.parametrize(("name", "encoding", "compress", "chunked"), [
    ("gzip", "gzip", gzip.compress, False),
    ("gzip-chunked", "gzip", gzip.compress, True),
    ("zlib-deflate", "deflate", zlib.compress, False),
    ("raw-deflate", "deflate", _raw_deflate, False),
    ("identity-chunked", "identity", lambda b: b, True),
    ("upper-case", "GZIP", gzip.compress, False),
])
def test_content_encodings_and_chunked(sites: Sites, name: str, encoding: str,
                                       compress: Callable[[bytes], bytes], chunked: bool) -> None:
    path = f"/real/t/ce-{name}"
    body = compress(_doc(sites, path))
    url = _serve(sites.site, path, lambda h: send(h, 200, body, "application/json",
                                                  headers={"Content-Encoding": encoding},
                                                  chunked=chunked))
    w = new_wallet()
    _ok(w, one(w, url))


def test_brotli_unasked_is_a_clear_error(sites: Sites) -> None:
    url = _serve(sites.site, "/real/t/br", lambda h: send(
        h, 200, b"\x0b\x02\x80{}\x03", "application/json", headers={"Content-Encoding": "br"}))
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 3, item
    assert "br" in (item.error or "") and "\n" not in (item.error or "")


def test_gzip_bomb_at_import_is_refused_under_the_cap(sites: Sites, cw: Cli,
                                                       wallet_home: Any) -> None:
    bomb = gzip.compress(b" " * (17 * 1024 * 1024), 1)  # inflates past the 16 MiB cap
    url = _serve(sites.site, "/real/t/bomb", lambda h: send(
        h, 200, bomb, "application/json", headers={"Content-Encoding": "gzip"}, chunked=True))
    res = cw("import", url, "--json")
    assert res.code == 3, res
    assert res.json()["items"][0]["error"].endswith("allowed")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_chains_with_relative_locations(sites: Sites, status: int) -> None:
    site = sites.site
    final = f"/real/t/r{status}/final.json"
    site.raw(final, _doc(sites, final), "application/json")
    site.raw(f"/real/t/r{status}/b", b"moved", "text/html", status=status,
             headers={"Location": "final.json"})
    url = site.raw(f"/real/t/r{status}/a", b"", "text/plain", status=status,
                   headers={"Location": f"/real/t/r{status}/b"})
    w = new_wallet()
    item = one(w, url)
    _ok(w, item)
    # The hosted copy is the one fetched at the assertion's own id.
    assert w.cache[site.url(final)].kind == "assertion"


def test_redirect_to_another_port_needs_allow_host(sites: Sites) -> None:
    other = IssuerSite().start()
    try:
        path = "/real/t/elsewhere.json"
        body = json.dumps(ob2_assertion(other, path, sites.site.url("/ob2/badge.json"))).encode()
        other.raw(path, body, "application/json")
        url = sites.site.raw("/real/t/to-other-port", b"", "text/plain", status=302,
                             headers={"Location": other.url(path)})
        w = new_wallet()
        item = one(w, url)
        assert item.status == "failed" and item.exit_code == 3, item
        assert "private or local" in (item.error or "")
        assert f"--allow-host {'127.0.0.1'}" in (item.hint or ""), item
        # Allowed, it is fetched; its id is on the other origin, outside the issuer's default
        # scope (the issuer's own host and port): kept, but not verified (trust-model.md).
        w = new_wallet()
        item = one(w, url, allow_hosts=[AllowedHost("127.0.0.1", other.port)])
        assert item.status == "imported" and item.verification is not None, item
        assert not item.verification.verified
        assert checks(item)["key_binding"] == "failed"
        assert w.cache[other.url(path)].kind == "assertion"  # fetched from its own id
    finally:
        other.stop()


def test_a_copy_at_a_that_claims_id_b_is_checked_at_b(sites: Sites) -> None:
    site = sites.site
    b = site.json("/real/t/id-b.json", json.loads(_doc(sites, "/real/t/id-b.json")))
    forged = json.loads(_doc(sites, "/real/t/id-b.json"))
    forged["recipient"]["identity"] = "mallory@example.com"
    a = site.raw("/real/t/id-a.json", json.dumps(forged).encode(), "text/plain")
    w = new_wallet()
    item = one(w, a)
    # The copy at its id differs from the one served at A: not the issuer's assertion.
    assert item.status == "failed" and item.exit_code == 1, item
    assert w.cache == {} and not w.credentials
    item = one(w, b)
    _ok(w, item)


def test_redirect_loop_is_a_network_error(sites: Sites, cw: Cli, wallet_home: Any) -> None:
    res = cw("import", sites.site.url("/hostile/loop-a"), "--json")
    assert res.code == 5 and "redirect loop" in res.json()["items"][0]["error"], res


def test_body_shorter_than_its_content_length(sites: Sites) -> None:
    body = _doc(sites, "/real/t/short")
    url = _serve(sites.site, "/real/t/short", lambda h: send(
        h, 200, body[:50], "application/json", length=len(body)))
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 5, item
    assert "cannot connect" not in (item.error or "")
    assert "closed" in (item.error or "") and "\n" not in (item.error or ""), item


def test_connection_closed_mid_chunked_body(sites: Sites) -> None:
    def cut(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        piece = b'{"@context": "https://w3id.org/openbadges/v2", "type": '
        h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        h.close_connection = True

    url = _serve(sites.site, "/real/t/cut", cut)
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 5, item
    assert "closed" in (item.error or ""), item


def test_429_with_a_short_retry_after_is_retried_once_politely(sites: Sites) -> None:
    calls: list[float] = []
    body = _doc(sites, "/real/t/429")

    def limited(h: BaseHTTPRequestHandler) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            send(h, 429, b"<html>slow down</html>", "text/html", headers={"Retry-After": "1"})
        else:
            send(h, 200, body, "application/json")

    url = _serve(sites.site, "/real/t/429", limited)
    w = new_wallet()
    _ok(w, one(w, url))
    assert calls[1] - calls[0] >= 0.9  # it waited as asked


@pytest.mark.parametrize("status", [429, 503])
def test_a_long_retry_after_is_not_hammered(sites: Sites, status: int, cw: Cli,
                                            wallet_home: Any) -> None:
    path = f"/real/t/busy-{status}"
    url = sites.site.raw(path, b"<html><title>Busy</title></html>", "text/html",
                         status=status, headers={"Retry-After": "3600"})
    before = sites.site.hits[path]
    res = cw("import", url, "--json")
    assert res.code == 5, res
    item = res.json()["items"][0]
    assert sites.site.hits[path] - before == 1  # asked to wait an hour: no retry now
    assert f"HTTP {status}" in item["error"] and "3600" in item["error"], item
    assert "later" in (item["hint"] or ""), item


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone_with_an_html_body(sites: Sites, status: int, cw: Cli,
                                              wallet_home: Any) -> None:
    url = sites.site.raw(f"/real/t/html-{status}", b"<!doctype html><title>Oops</title>",
                         "text/html", status=status)
    res = cw("import", url, "--json")
    assert res.code == (5 if status == 404 else 3), res
    item = res.json()["items"][0]
    assert f"HTTP {status}" in item["error"] and "\n" not in item["error"]


def test_huge_response_header(sites: Sites) -> None:
    url = _serve(sites.site, "/real/t/huge-header", lambda h: send(
        h, 200, b"{}", "application/json", headers={"X-Padding": "a" * 200_000}))
    before = sites.site.hits["/real/t/huge-header"]
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 5, item
    assert "header" in (item.error or "").lower(), item
    assert sites.site.hits["/real/t/huge-header"] - before == 1  # will not change: no retry
    assert "cannot connect" not in (item.error or "")


def test_ob2_whose_linked_documents_misbehave(sites: Sites) -> None:
    """BadgeClass as text/plain with a BOM behind a 303; issuer profile raw-deflated and
    chunked with no length, after one 503; the assertion UTF-16 with a charset."""
    site = sites.site
    issuer_doc = json.loads(site.routes["/ob2/issuer.json"].body)
    issuer_doc["id"] = site.url("/real/t/m/issuer")
    issuer_doc.pop("revocationList")
    profile = json.dumps(issuer_doc).encode()
    hits = {"n": 0}

    def issuer(h: BaseHTTPRequestHandler) -> None:
        hits["n"] += 1
        if hits["n"] == 1:
            send(h, 503, b"busy", "text/plain", headers={"Retry-After": "0"})
        else:
            send(h, 200, _raw_deflate(profile), "text/plain",
                 headers={"Content-Encoding": "deflate"}, chunked=True)

    site.custom("/real/t/m/issuer", issuer)
    badge_doc = json.loads(site.routes["/ob2/badge.json"].body)
    badge_doc.update(id=site.url("/real/t/m/badge"), issuer=site.url("/real/t/m/issuer"))
    site.raw("/real/t/m/badge.txt", b"\xef\xbb\xbf" + json.dumps(badge_doc).encode(),
             "text/plain")
    site.raw("/real/t/m/badge", b"", "text/html", status=303,
             headers={"Location": "/real/t/m/badge.txt"})
    doc = ob2_assertion(site, "/real/t/m/a", site.url("/real/t/m/badge"))
    url = _serve(site, "/real/t/m/a", lambda h: send(
        h, 200, json.dumps(doc).encode("utf-16-le"), "application/ld+json; charset=UTF-16LE"))
    w = new_wallet()
    item = one(w, url)
    _ok(w, item)
    assert w.cache[site.url("/real/t/m/issuer")].kind == "issuer"
    assert w.cache[site.url("/real/t/m/badge")].kind == "badgeclass"
    assert item.name == "Loopback Robotics"


def test_a_redirect_to_plain_http_elsewhere_is_refused(sites: Sites) -> None:
    """Each hop is judged by its own scheme: a redirect (from https or http) to plain http on
    a public host is refused unless --insecure-http, before any connection is made."""
    import asyncio
    import ipaddress

    from credwallet.errors import CredwalletError
    from credwallet.fetch.client import Client
    from credwallet.fetch.guard import IPAddress, Origin, Refused

    async def resolver(host: str, port: int) -> list[IPAddress]:
        if host == "issuer.example":
            return [ipaddress.ip_address("93.184.216.34")]
        return [ipaddress.ip_address("127.0.0.1")]

    url = sites.site.raw("/real/t/downgrade", b"", "text/plain", status=301,
                         headers={"Location": "http://issuer.example/assertion.json"})

    async def fetch() -> CredwalletError:
        async with Client(None, resolver=resolver) as client:
            try:
                await client.get(url, origin=Origin.of(url), user_given=True)
            except CredwalletError as exc:
                return exc
        raise AssertionError("fetched")

    err = asyncio.run(fetch())
    assert isinstance(err, Refused) and "plain http" in err.message, err
    assert "--insecure-http" in (err.hint or "")


def test_a_rate_limited_key_document_is_a_network_failure(sites: Sites, cw: Cli,
                                                          wallet_home: Any) -> None:
    """The DID document answers 429 with a long Retry-After: the proof cannot be checked
    because of the network, so the import says so (exit 5, try later), not "invalid" (exit 1)."""
    from credwallet.verify import sign_data_integrity
    from tests.issuer_site import OB3, SIGNED_AT, VC2

    site = sites.site
    did = f"did:web:127.0.0.1%3A{site.port}:real:busy"
    site.raw("/real/busy/did.json", b"slow down", "text/plain", status=429,
             headers={"Retry-After": "3600"})
    doc = json.loads(site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc.pop("credentialStatus")
    doc.update({"@context": [VC2, OB3], "id": "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000b5",
                "issuer": {"id": did, "type": ["Profile"], "name": "Busy issuer"}})
    signed = sign_data_integrity(doc, seed=sites.ob3_seed, verification_method=did + "#key-1",
                                 proof_purpose="assertionMethod", created=SIGNED_AT)
    url = site.json("/real/busy/cred.json", signed)
    res = cw("import", url, "--json")
    assert res.code == 5, res
    item = res.json()["items"][0]
    assert "HTTP 429" in item["error"] and "later" in item["hint"], item


def test_a_copy_at_a_claiming_an_id_on_another_origin(sites: Sites) -> None:
    """Served at A with no redirect, claiming id B on another origin: B is a link (the
    source's endpoint is A's), so B on a local address is refused and, with nothing fetched
    from its own id, the hosted proof fails: not imported. Allowed, B's copy is the one
    checked, and B is outside the issuer's scope: kept, not verified (trust-model.md)."""
    other = IssuerSite().start()
    try:
        path = "/real/t/b-elsewhere.json"
        body = json.dumps(ob2_assertion(other, path, sites.site.url("/ob2/badge.json"))).encode()
        other.raw(path, body, "application/json")
        a = sites.site.raw("/real/t/a-claims-b", body, "application/json")
        w = new_wallet()
        item = one(w, a)
        assert item.status == "failed" and item.exit_code == 1, item
        assert "proof" in (item.error or "") and not w.credentials
        assert other.hits[path] == 0
        item = one(w, a, allow_hosts=[AllowedHost("127.0.0.1", other.port)])
        assert item.status == "imported" and other.hits[path] == 1, item
        assert checks(item)["proof"] == "passed" and checks(item)["key_binding"] == "failed"
    finally:
        other.stop()
