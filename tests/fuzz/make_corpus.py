"""Writes tests/fuzz/corpus/: the nasty inputs the fuzz tests found or were built to try.

Run `python -m tests.fuzz.make_corpus` from the repository root to rebuild it; the files are
committed so the replay test does not depend on this script staying the same.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS = Path(__file__).resolve().parent / "corpus"
CRED = {"@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b7c5d1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Badge",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                              "achievement": {"id": "https://example.org/a", "type": ["Achievement"],
                                              "name": "A", "criteria": {"narrative": "n"}}}}
NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
SIG = b"\x89PNG\r\n\x1a\n"
IHDR = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jws(header: object, payload: object, sig: bytes = b"\0" * 64) -> bytes:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}.{b64(sig)}".encode()


def chunk(ctype: bytes, body: bytes, length: int | None = None, crc: int | None = None) -> bytes:
    return (struct.pack(">I", len(body) if length is None else length) + ctype + body
            + struct.pack(">I", zlib.crc32(ctype + body) if crc is None else crc))


def png(*chunks: bytes) -> bytes:
    return SIG + chunk(b"IHDR", IHDR) + b"".join(chunks) + chunk(b"IEND", b"")


def nested_svg(levels: int, opener: str) -> bytes:
    doc = json.dumps(CRED)
    for _ in range(levels):
        doc = (f'{opener} xmlns:openbadges="http://openbadges.org"><openbadges:assertion>'
               f"{escape(doc)}</openbadges:assertion></svg>")
    return doc.encode()


def svg(doctype: str, payload: str) -> bytes:
    return (f'<?xml version="1.0"?>{doctype}<svg {NS}><openbadges:credential>{payload}'
            "</openbadges:credential></svg>").encode()


def credential_files() -> dict[str, bytes]:
    laughs = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    return {
        "empty.json": b"",
        "whitespace.txt": b" \n\t\r\n ",
        "bom-only.json": b"\xef\xbb\xbf",
        "utf16.json": json.dumps(CRED).encode("utf-16"),
        "deep-array.json": b"[" * 100_000,
        "deep-object.json": b'{"a":' * 20_000,
        "nan.json": b'{"type": "VerifiableCredential", "credentialSubject": NaN}',
        "top-level-array.json": json.dumps([CRED]).encode(),
        "odd-types.json": json.dumps({**CRED, "issuer": 5, "credentialSubject": [None, 1, "x"],
                                      "validFrom": {"@value": []}, "name": ["\u202eevil", 1],
                                      "proof": "x"}).encode(),
        "terminal-escapes.json": json.dumps({**CRED, "name": "\x1b[2J\x1b[31mPWNED\x07\x1b]0;title\x07",
                                             "description": "\r\x1b[1A overwritten"}).encode(),
        "vp-5000-children.json": json.dumps({"type": "VerifiablePresentation",
                                             "verifiableCredential": [{"type": "VerifiableCredential"}]
                                             * 5000}).encode(),
        "clr-junk-children.json": json.dumps({"type": ["VerifiableCredential", "ClrCredential"],
                                              "credentialSubject": {"verifiableCredential": [
                                                  "not.a.jwt", 5, None, {"type": "Nothing"},
                                                  {"type": "EnvelopedVerifiableCredential",
                                                   "id": "data:application/vc+jwt,x.y.z"}]}}).encode(),
        "vp-in-vp.json": json.dumps({"type": "VerifiablePresentation", "verifiableCredential": [
            {"type": "VerifiablePresentation", "verifiableCredential": [
                {"type": "VerifiablePresentation", "verifiableCredential": [CRED]}]}]}).encode(),
        "ob2-assertion-odd.json": json.dumps({"@context": "https://w3id.org/openbadges/v2",
                                              "type": "Assertion", "id": 5, "recipient": "x",
                                              "badge": ["a"], "verification": {"type": []},
                                              "issuedOn": "yesterday"}).encode(),
        "badgeclass.json": json.dumps({"@context": "https://w3id.org/openbadges/v2",
                                       "type": "BadgeClass", "id": "https://example.org/b"}).encode(),
        "alg-none.jwt": jws({"alg": "none"}, {"vc": CRED, "iss": "did:example:issuer"}, b""),
        "alg-hs256.jwt": jws({"alg": "HS256", "kid": "did:example:issuer#k"}, {"vc": CRED}),
        "crit-header.jwt": jws({"alg": "EdDSA", "crit": ["exp"], "kid": "did:key:z6Mk"}, {"vc": CRED}),
        "jwk-private.jwt": jws({"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA",
                                                         "d": "AA"}}, {"vc": CRED}),
        "kid-odd.jwt": jws({"alg": "RS256", "kid": ["did:web:127.0.0.1%3A22"]}, {"vc": CRED, "iss": 5}),
        "payload-array.jwt": jws({"alg": "RS256"}, [CRED]),
        "vc-claim-string.jwt": jws({"alg": "RS256"}, {"vc": "x", "type": "VerifiableCredential"}),
        # joserfc raises KeyError for an OKP key with an EC curve (was exit 70).
        "jwk-wrong-curve.jwt": jws({"alg": "ES256", "jwk": {"kty": "OKP", "crv": "P-256",
                                                            "x": b64(b"\x01" * 32)}}, {"vc": CRED}),
        # Converting a date at the edge of the calendar to UTC overflows (was exit 70).
        "edge-date.json": json.dumps({**CRED, "validFrom": "0001-01-01T00:00:00+14:00"}).encode(),
        "url.txt": b"https://169.254.169.254/latest/meta-data/",
        "random.bin": bytes((i * 7919) % 251 for i in range(4096)),
        "zlib-bomb.png": png(chunk(b"iTXt", b"openbadgecredential\0\x01\x00\0\0"
                                   + zlib.compress(b"\0" * (32 * 1024 * 1024), 9))),
        "huge-chunk-length.png": SIG + chunk(b"iTXt", b"openbadges\0\0\0\0\0{}", length=0xFFFFFFF0),
        "bad-crc.png": png(chunk(b"tEXt", b"openbadges\0not json", crc=0)),
        "truncated.png": png(chunk(b"iTXt", b"openbadges\0\0\0\0\0" + json.dumps(CRED).encode()))[:60],
        "two-baked-chunks.png": png(chunk(b"tEXt", b"openbadges\0{}"), chunk(b"tEXt", b"openbadges\0{}")),
        "png-in-png.png": png(chunk(b"tEXt", b"openbadges\0" + png(chunk(b"tEXt", b"openbadges\0{}")))),
        "billion-laughs.svg": svg(f'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">{laughs}]>', "&j;"),
        "external-entity.svg": svg('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        "external-dtd.svg": svg('<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/x.dtd">', "{}"),
        "deep-elements.svg": f"<svg {NS}>".encode() + b"<g>" * 50_000 + b"</g>" * 50_000 + b"</svg>",
        "svg-in-svg.svg": nested_svg(2, "<svg"),
        # The payload of a baked image must not be unbaked again (was accepted with "<svg\\t").
        "svg-in-svg-tab.svg": nested_svg(2, "<svg\t"),
    }


def pathway_files() -> dict[str, bytes]:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    cycle = {"@graph": [
        {"@id": "_:p", "@type": "ceterms:Pathway", "ceterms:name": "P", "ceterms:hasChild": {"@id": "_:a"}},
        {"@id": "_:a", "@type": "ceterms:BasicComponent", "ceterms:name": "A",
         "ceterms:hasChild": {"@id": "_:b"}},
        {"@id": "_:b", "@type": "ceterms:BasicComponent", "ceterms:name": "B",
         "ceterms:hasChild": {"@id": "_:a"}},
    ]}
    diamond: list[dict[str, object]] = [{"@id": "_:p", "@type": "ceterms:Pathway", "ceterms:name": "P",
                                         "ceterms:hasChild": [{"@id": "_:c0"}]}]
    for i in range(24):
        diamond.append({"@id": f"_:c{i}", "@type": "ceterms:PathwayComponent", "ceterms:name": f"c{i}",
                        "ceterms:hasChild": [{"@id": f"_:c{i + 1}"}, {"@id": f"_:c{i + 1}"}]})
    diamond.append({"@id": "_:c24", "@type": "ceterms:BasicComponent", "ceterms:name": "leaf"})
    return {
        "yaml-python-tag.yaml": b"name: x\nrequirements: !!python/object/apply:os.system ['echo pwned']\n",
        "yaml-laughs.yaml": ("\n".join(lines) + "\n").encode(),
        "yaml-non-string-keys.yaml": b"? [1, 2]\n: x\nname: x\n",
        "not-utf8.toml": b"name = \"\xff\xfe\"\n",
        "count-too-big.json": json.dumps({"name": "x", "count": 10**30, "requirements": [
            {"type": "at_least", "count": 2**64, "of": [{"name": "a"}]}]}).encode(),
        "bad-regex.json": json.dumps({"name": "x", "requirements": [{"name_regex": "(("}]}).encode(),
        "self-cycle.json": json.dumps({"name": "x", "requirements": [{"pathway": "x"}]}).encode(),
        "ctdl-cycle.jsonld": json.dumps(cycle).encode(),
        "ctdl-nan-required.jsonld": json.dumps({"@graph": [
            {"@id": "_:p", "@type": "ceterms:Pathway", "ceterms:name": "P",
             "ceterms:hasDestinationComponent": {"@id": "_:d"}},
            {"@id": "_:d", "@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": "NaN",
             "ceterms:targetComponent": [{"@id": "_:c"}]},
            {"@id": "_:c", "@type": "ceterms:BasicComponent", "ceterms:name": "c"}]}).encode(),
        # Found by these tests; fixed in pathways/ (depth caps, shared CTDL components).
        "deep.json": b"[" * 2_000,
        "deep.yaml": b"[" * 1_100,
        "deep.toml": b"a = " + b"[" * 2_000,
        "ctdl-diamond.jsonld": json.dumps({"@graph": diamond}).encode(),
    }


def wallet_files() -> dict[str, bytes]:
    def header(**kdf: object) -> bytes:
        k = {"id": "argon2id", "m_kib": 65536, "p": 1, "t": 3, **kdf}
        h = {"aead": "xchacha20poly1305-ietf", "kdf": k, "nonce": base64.b64encode(b"\0" * 24).decode(),
             "salt": base64.b64encode(b"\0" * 16).decode()}
        return json.dumps(h, sort_keys=True, separators=(",", ":")).encode()

    tail = b"\n" + b"\0" * 48
    return {
        "empty.cwlt": b"",
        "magic-only.cwlt": b"credwallet/v1\n",
        "future-version.cwlt": b"credwallet/v2\n" + header() + tail,
        "huge-m-kib.cwlt": b"credwallet/v1\n" + header(m_kib=2**40) + tail,
        "huge-t.cwlt": b"credwallet/v1\n" + header(t=10**12) + tail,
        "float-t.cwlt": b"credwallet/v1\n" + header(t=3.0) + tail,
        "negative-m.cwlt": b"credwallet/v1\n" + header(m_kib=-65536) + tail,
        "duplicate-keys.cwlt": b"credwallet/v1\n" + header().replace(b'"p":1', b'"p":1,"p":4') + tail,
        "truncated-ciphertext.cwlt": b"credwallet/v1\n" + header() + b"\n" + b"\0" * 8,
        "no-header-newline.cwlt": b"credwallet/v1\n" + b"{" * 5000,
        # Was a RecursionError in parse_header.
        "deep-header.cwlt": b"credwallet/v1\n" + b"[" * 1000 + tail,
    }


def main() -> None:
    for sub, files in (("credential", credential_files()), ("pathway", pathway_files()),
                       ("wallet", wallet_files())):
        (CORPUS / sub).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (CORPUS / sub / name).write_bytes(data)


if __name__ == "__main__":
    main()
