"""A real HTTP server on 127.0.0.1 serving complete issuer sites, plus hostile behaviour.

Sites (all generated here, keys made fresh per test session):
- /ob2/...   OB 2.0 hosted issuer: Issuer (with revocationList and image), BadgeClass, hosted
             assertions (one listed as revoked, one answering 410 Gone).
- /ob2s/...  OB 2.0 signed issuer: RSA CryptographicKey, Issuer listing it, RS256 JWS assertion.
- /ob3/...   OB 3.0 issuer with did:web (did:web:127.0.0.1%3APORT:ob3, served over plain http
             because the host is loopback) and a signed BitstringStatusList (index 7 revoked).
- /baked/... baked PNG and SVG images of those credentials.
- /hostile/... slow, endless, redirect loops, wrong types, 404/410/500, invalid JSON, PNG bomb.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import json
import ssl
import struct
import threading
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OB2 = "https://w3id.org/openbadges/v2"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SIGNED_AT = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    ctype: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops bursts of connects (1 s SYN retry)


class IssuerSite:
    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.latency = 0.0  # seconds added to every request (benchmarks)
        self.sni: list[str | None] = []  # TLS server names clients asked for (https only)
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        if tls is not None:  # (certfile, keyfile): serve https
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)

            def record_sni(_sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
                self.sni.append(name)

            ctx.sni_callback = record_sni
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
            self.base = f"https://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> IssuerSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def json(self, path: str, obj: Any, *, status: int = 200,
             ctype: str = "application/ld+json") -> str:
        self.routes[path] = Route(status, json.dumps(obj, indent=1).encode(), ctype)
        return self.url(path)

    def raw(self, path: str, body: bytes, ctype: str, *, status: int = 200,
            headers: dict[str, str] | None = None) -> str:
        self.routes[path] = Route(status, body, ctype, headers or {})
        return self.url(path)

    def custom(self, path: str, fn: Callable[[BaseHTTPRequestHandler], None]) -> str:
        self.routes[path] = Route(handler=fn)
        return self.url(path)


def _handler_for(site: IssuerSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; with Nagle on, every keep-alive
        # response would wait ~40 ms for the client's delayed ACK.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits[path] += 1
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            if site.latency:
                time.sleep(site.latency)
            route = site.routes.get(path)
            if route is None:
                route = Route(404, b'{"error": "not found"}')
            if route.handler is not None:
                route.handler(self)
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.ctype)
            self.send_header("Content-Length", str(len(route.body)))
            for k, v in route.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(route.body)

    return Handler


# --- images ---------------------------------------------------------------------------------


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(
        ">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def make_png(extra_chunks: list[tuple[bytes, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    """A valid 1x1 grey PNG with extra chunks inserted after IHDR."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
    for ctype, body in extra_chunks:
        out += _chunk(ctype, body)
    return out + _chunk(b"IDAT", zlib.compress(b"\x00\x80")) + _chunk(b"IEND", b"")


def itxt(keyword: str, text: bytes, *, compressed: bool = False) -> tuple[bytes, bytes]:
    payload = zlib.compress(text) if compressed else text
    return b"iTXt", keyword.encode() + b"\0" + bytes([1 if compressed else 0, 0]) + b"\0\0" + payload


def baked_png(keyword: str, text: bytes, *, compressed: bool = False) -> bytes:
    return make_png([itxt(keyword, text, compressed=compressed)])


def baked_svg(element: str, text: str, *, verify: str | None = None) -> bytes:
    ns = "http://openbadges.org" if element == "assertion" else "https://purl.imsglobal.org/ob/v3p0"
    inner = f'<openbadges:{element} verify="{verify}"></openbadges:{element}>' if verify else \
        f"<openbadges:{element}><![CDATA[{text}]]></openbadges:{element}>"
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:openbadges="{ns}" viewBox="0 0 10 10">{inner}<circle r="4"/></svg>').encode()


@functools.cache
def png_bomb() -> bytes:
    """A compressed iTXt openbadgecredential chunk that inflates to 64 MiB of spaces."""
    z = zlib.compressobj(9)
    comp = z.compress(b"{" + b" " * (64 * 1024 * 1024)) + z.flush()
    return make_png([(b"iTXt", b"openbadgecredential\0\x01\x00\0\0" + comp)])


# --- issuers ------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def status_list(revoked: set[int], size_bits: int = 131072) -> str:
    bits = bytearray(size_bits // 8)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + _b64url(gzip.compress(bytes(bits)))


@dataclass
class Sites:
    site: IssuerSite
    ob2_assertions: list[str]
    ob2_revoked: str
    ob2_gone: str
    ob2_gone_doc: dict[str, Any]
    ob2_signed: str
    ob2_signed_key: str
    ob3_did: str
    ob3_seed: bytes
    ob3_good: str
    ob3_revoked: str
    ob3_status: str
    baked_png: str
    baked_svg: str
    baked_ob2_legacy: str
    sign_ob3: Callable[[dict[str, Any]], dict[str, Any]]
    sign_ob2: Callable[[dict[str, Any]], str] | None = None  # payload -> RS256 compact JWS


def ob2_assertion(site: IssuerSite, path: str, badge: str, email: str = "learner@example.com"
                  ) -> dict[str, Any]:
    return {"@context": OB2, "type": "Assertion", "id": site.url(path),
            "recipient": {"type": "email", "hashed": False, "identity": email},
            "badge": badge, "verification": {"type": "hosted"},
            "issuedOn": "2024-05-01T00:00:00Z"}


def build_sites(site: IssuerSite, n_ob2: int = 3, *, extras: bool = True) -> Sites:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc import jws
    from joserfc.jwk import RSAKey
    from nacl.signing import SigningKey

    from credwallet.didkey import ed25519_multikey
    from credwallet.verify import sign_data_integrity

    png = make_png()
    site.raw("/img/badge.png", png, "image/png")
    site.raw("/img/issuer.png", png, "image/png")

    # OB 2.0 hosted
    issuer = site.json("/ob2/issuer.json", {
        "@context": OB2, "type": "Issuer", "id": site.url("/ob2/issuer.json"),
        "name": "Loopback Academy", "url": site.base, "email": "badges@loopback.test",
        "revocationList": site.url("/ob2/revocations.json"), "image": site.url("/img/issuer.png")})
    badge = site.json("/ob2/badge.json", {
        "@context": OB2, "type": "BadgeClass", "id": site.url("/ob2/badge.json"),
        "name": "Loopback Robotics", "description": "Built a robot on 127.0.0.1.",
        "image": site.url("/img/badge.png"), "criteria": {"narrative": "Build a robot."},
        "issuer": issuer})
    assertions = []
    for i in range(n_ob2):
        path = f"/ob2/assertions/{i}.json"
        assertions.append(site.json(path, ob2_assertion(site, path, badge)))
    revoked = site.json("/ob2/assertions/revoked.json",
                        ob2_assertion(site, "/ob2/assertions/revoked.json", badge))
    site.json("/ob2/revocations.json", {
        "@context": OB2, "type": "RevocationList", "id": site.url("/ob2/revocations.json"),
        "issuer": issuer, "revokedAssertions": [{"id": revoked, "revocationReason": "Cheating"}]})
    gone_doc = ob2_assertion(site, "/ob2/assertions/gone.json", badge)
    gone = site.json("/ob2/assertions/gone.json", {"revoked": True}, status=410)

    # OB 2.0 signed
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    key_url = site.json("/ob2s/key.json", {
        "@context": OB2, "type": "CryptographicKey", "id": site.url("/ob2s/key.json"),
        "owner": site.url("/ob2s/issuer.json"), "publicKeyPem": pem})
    issuer2 = site.json("/ob2s/issuer.json", {
        "@context": OB2, "type": "Issuer", "id": site.url("/ob2s/issuer.json"),
        "name": "Signed Institute", "url": site.base, "email": "sig@loopback.test",
        "publicKey": key_url})
    badge2 = site.json("/ob2s/badge.json", {
        "@context": OB2, "type": "BadgeClass", "id": site.url("/ob2s/badge.json"),
        "name": "Signed Badge", "description": "A signed one.", "image": site.url("/img/badge.png"),
        "criteria": {"narrative": "Sign."}, "issuer": issuer2})
    payload = {"@context": OB2, "type": "Assertion", "id": "urn:uuid:0b2b2b2b-0000-4000-8000-000000000001",
               "recipient": {"type": "email", "hashed": False, "identity": "learner@example.com"},
               "badge": badge2, "verification": {"type": "SignedBadge", "creator": key_url},
               "issuedOn": "2024-05-01T00:00:00Z"}
    private = RSAKey.import_key(rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    def sign_ob2(claims: dict[str, Any]) -> str:
        return jws.serialize_compact({"alg": "RS256"}, json.dumps(claims).encode(), private)

    token = sign_ob2(payload)
    signed = site.raw("/ob2s/assertion.jws", token.encode(), "text/plain")

    # OB 3.0 with did:web and a status list
    seed = bytes(range(1, 33))
    pub = bytes(SigningKey(seed).verify_key)
    did = f"did:web:127.0.0.1%3A{site.port}:ob3"
    vm = did + "#key-1"
    site.json("/ob3/did.json", {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did, "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did,
                                           "publicKeyMultibase": ed25519_multikey(pub)}],
        "assertionMethod": [vm]}, ctype="application/did+json")

    def sign(doc: dict[str, Any]) -> dict[str, Any]:
        return sign_data_integrity(doc, seed=seed, verification_method=vm,
                                   proof_purpose="assertionMethod", created=SIGNED_AT)

    status_url = site.url("/ob3/status/1")
    site.json("/ob3/status/1", sign({
        "@context": [VC2], "id": status_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": status_url + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": status_list({7})}}))

    def ob3(n: int, index: int) -> dict[str, Any]:
        return sign({
            "@context": [VC2, OB3], "id": f"urn:uuid:0b3b3b3b-0000-4000-8000-00000000000{n}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Loopback DID Issuer"},
            "validFrom": "2025-01-01T00:00:00Z", "name": f"Loopback OB3 badge {n}",
            "credentialSubject": {
                "type": ["AchievementSubject"], "id": "did:example:learner",
                "achievement": {"id": site.url(f"/ob3/achievements/{n}"), "type": ["Achievement"],
                                "name": f"Loopback Achievement {n}", "description": "Did it.",
                                "criteria": {"narrative": "Do it."},
                                "image": {"id": site.url("/img/badge.png"), "type": "Image"}}},
            "credentialStatus": {"id": f"{status_url}#{index}", "type": "BitstringStatusListEntry",
                                 "statusPurpose": "revocation", "statusListIndex": str(index),
                                 "statusListCredential": status_url}})

    good_doc = ob3(1, 3)
    good = site.json("/ob3/cred/1.json", good_doc)
    bad = site.json("/ob3/cred/2.json", ob3(2, 7))

    png_url = site.raw("/baked/ob3.png", baked_png("openbadgecredential",
                                                   json.dumps(good_doc).encode(), compressed=True),
                       "image/png")
    svg_url = site.raw("/baked/ob2.svg", baked_svg(
        "assertion", json.dumps(ob2_assertion(site, "/ob2/assertions/0.json", badge))),
        "image/svg+xml")
    site.raw("/baked/gone.svg", baked_svg("assertion", json.dumps(gone_doc)), "image/svg+xml")
    legacy = site.raw("/baked/legacy.png", make_png([(b"tEXt", b"openbadges\0" + assertions[-1]
                                                      .encode())]), "image/png")
    if extras:
        _extra_vc(site, did, seed, sign, good_doc)
    _hostile(site)
    png_bomb(), _gzip_bomb_body()  # build now: compressing 64 MiB in a handler stalls the server
    return Sites(site, assertions, revoked, gone, gone_doc, signed, key_url, did, seed, good, bad,
                 status_url, png_url, svg_url, legacy, sign, sign_ob2)


def _extra_vc(site: IssuerSite, did: str, seed: bytes,
              sign: Callable[[dict[str, Any]], dict[str, Any]], good: dict[str, Any]) -> None:
    """VC-JWT (kid on did:web), CLR, HTTP(S) key document, a context that is not bundled."""
    from joserfc import jws
    from joserfc.jwk import OKPKey
    from nacl.signing import SigningKey

    from credwallet.didkey import ed25519_multikey
    from credwallet.verify import sign_data_integrity

    pub = bytes(SigningKey(seed).verify_key)
    unsigned = {k: v for k, v in good.items() if k != "proof"}
    okp = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": _b64url(pub), "d": _b64url(seed)})
    claims = {"iss": did, "jti": unsigned["id"], "nbf": 1735689600, "vc": unsigned}
    with warnings.catch_warnings():  # joserfc prefers "Ed25519"; OB 3.0 issuers use "EdDSA"
        warnings.simplefilter("ignore")
        token = jws.serialize_compact({"alg": "EdDSA", "kid": did + "#key-1", "typ": "JWT"},
                                      json.dumps(claims).encode(), okp, algorithms=["EdDSA"])
    site.raw("/vc/cred.jwt", token.encode(), "application/vc+jwt")

    site.json("/vc/clr.json", sign({
        "@context": [VC2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB3],
        "id": "urn:uuid:c1c1c1c1-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Loopback DID Issuer"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Loopback learner record",
        "credentialSubject": {"type": ["ClrSubject"], "id": "did:example:learner",
                              "verifiableCredential": [good]}}))

    # An issuer identified by an https URL whose controller document lists its key.
    ctl = site.url("/ctl/issuer.json")
    key2 = bytes(range(40, 72))
    site.json("/ctl/issuer.json", {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ctl, "verificationMethod": [{
            "id": ctl + "#key-1", "type": "Multikey", "controller": ctl,
            "publicKeyMultibase": ed25519_multikey(bytes(SigningKey(key2).verify_key))}],
        "assertionMethod": [ctl + "#key-1"]})
    ext = site.url("/ctx/ext.json")
    site.json("/ctx/ext.json", {"@context": {"@protected": True,
                                             "loopbackNote": "https://loopback.test/vocab#note"}})
    doc = {k: v for k, v in unsigned.items()}
    doc.update({"@context": [VC2, OB3, ext], "id": "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000c1",
                "issuer": {"id": ctl, "type": ["Profile"], "name": "URL issuer"},
                "loopbackNote": "served with a context credwallet does not bundle"})
    doc.pop("credentialStatus", None)
    site.json("/ctl/cred.json", sign_data_integrity(
        doc, seed=key2, verification_method=ctl + "#key-1", proof_purpose="assertionMethod",
        created=SIGNED_AT, extra_contexts={ext: json.loads(site.routes["/ctx/ext.json"].body)}))


def _hostile(site: IssuerSite) -> None:
    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(6)
        body = b"{}"
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(100):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Connection", "close")
        h.end_headers()
        chunk = b"[" * 0 + b" " * 65536
        try:
            h.wfile.write(b"{")
            for _ in range(100_000):
                h.wfile.write(chunk)
        except OSError:
            pass
        h.close_connection = True

    def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
        body = _gzip_bomb_body()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    site.custom("/hostile/slow", slow)
    site.custom("/hostile/drip", drip)
    site.custom("/hostile/endless", endless)
    site.custom("/hostile/gzip-bomb", gzip_bomb)
    site.raw("/hostile/loop-a", b"", "text/plain", status=302,
             headers={"Location": "/hostile/loop-b"})
    site.raw("/hostile/loop-b", b"", "text/plain", status=302,
             headers={"Location": "/hostile/loop-a"})
    for i in range(10):
        site.raw(f"/hostile/chain-{i}", b"", "text/plain", status=301,
                 headers={"Location": f"/hostile/chain-{i + 1}"})
    site.raw("/hostile/html", b"<!doctype html><html><body>Your badge!</body></html>",
             "text/html")
    site.raw("/hostile/500", b"oops", "text/plain", status=500)
    site.raw("/hostile/410", b"gone", "text/plain", status=410)
    site.raw("/hostile/badjson", b'{"@context": "https://w3id.org/openbadges/v2", "type": ',
             "application/json")
    site.raw("/hostile/bomb.png", png_bomb(), "image/png")
    site.raw("/hostile/to-private", b"", "text/plain", status=302,
             headers={"Location": "http://10.0.0.1/secret"})


@functools.cache
def _gzip_bomb_body() -> bytes:
    return gzip.compress(b" " * (64 * 1024 * 1024))


@contextlib.contextmanager
def running_sites(n_ob2: int = 3, *, extras: bool = True) -> Iterator[Sites]:
    site = IssuerSite().start()
    try:
        yield build_sites(site, n_ob2, extras=extras)
    finally:
        site.stop()


def self_signed_cert(directory: str, names: tuple[str, ...] = ()) -> tuple[str, str]:
    """A CA-flagged self-signed certificate for 127.0.0.1 (certfile, keyfile); `names` are
    DNS names it is valid for instead (a test resolver maps them to 127.0.0.1)."""
    import ipaddress
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "credwallet test issuer")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(n) for n in names] if names else
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = f"{directory}/cert.pem", f"{directory}/key.pem"
    if names:  # several certificates may share a directory
        certfile, keyfile = (f"{directory}/{'-'.join(names)}.{part}.pem" for part in ("cert", "key"))
    with open(certfile, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(keyfile, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    return certfile, keyfile


# --- real-world issuer behaviour (tests/fetch/test_real_sites*.py) --------------------------
# What issuer hosts seen in the wild do that a well-behaved site does not: content negotiation,
# HTML badge pages, odd types and encodings, partial bodies. Each helper adds routes; none
# changes the routes above.


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None = None, *,
         headers: dict[str, str] | None = None, length: int | None = None,
         chunked: bool = False) -> None:
    """One response: `length` overrides Content-Length (a lie), `chunked` sends it in
    Transfer-Encoding: chunked pieces with no Content-Length."""
    h.send_response(status)
    if ctype is not None:
        h.send_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    if chunked:
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for at in range(0, len(body), 7):
            piece = body[at:at + 7]
            h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
        return
    h.send_header("Content-Length", str(len(body) if length is None else length))
    if length is not None and length != len(body):
        h.send_header("Connection", "close")
        h.close_connection = True
    h.end_headers()
    h.wfile.write(body)


def badge_page(title: str, *, head: str = "", body: str = "") -> bytes:
    """An issuer's HTML badge page (what the e-mail links to)."""
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>{title}</title>\n"
            f"{head}</head><body><h1>{title}</h1>{body}"
            "<script>document.write('no script is ever run')</script></body></html>").encode()


def negotiated(site: IssuerSite, path: str, doc: bytes, page: bytes, *, by: str,
               ctype: str = "application/ld+json") -> str:
    """`path` answers `page` (HTML) unless asked for JSON the way `by` says:
    "accept": an Accept naming application/json or application/ld+json, "badgr": any Accept
    that does not name text/html (Badgr / Canvas Credentials serve their page to anything that
    does), "accept-exact": only an Accept that is exactly application/json,
    "format": only `?format=json`, "suffix": only `<path>.json`, "never": always HTML."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        accept = h.headers.get("Accept", "")
        query = h.path.partition("?")[2]
        wants = {"accept": "application/json" in accept or "application/ld+json" in accept,
                 "badgr": "text/html" not in accept,  # Badgr's is_requesting_html()
                 "accept-exact": accept.strip() == "application/json",
                 "format": "format=json" in query.split("&"),
                 "suffix": h.path.split("?", 1)[0].endswith(".json"),
                 "never": False}[by]
        if wants:
            send(h, 200, doc, ctype)
        else:
            send(h, 200, page, "text/html; charset=utf-8")

    site.custom(path, handler)
    if by == "suffix":
        site.custom(path + ".json", handler)
    return site.url(path)
