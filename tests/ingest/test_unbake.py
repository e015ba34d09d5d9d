"""Baked PNG/SVG: 1EdTech fixtures, every chunk variant, hostile images."""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput, InputTooLarge, UnsupportedFormat
from credwallet.ingest.sniff import recognise
from credwallet.ingest.unbake import MAX_PAYLOAD_BYTES, png_chunks, png_payload, recognise_image
from tests.issuer_site import baked_png, baked_svg, itxt, make_png, png_bomb

VECTORS = Path(__file__).parent / "vectors"
OB3_JSON = json.dumps({
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:1",
    "credentialSubject": {"achievement": {"name": "x"}}}).encode()
OB2_JSON = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                       "id": "https://issuer.example/a/1", "recipient": {"identity": "a@b.c"},
                       "badge": "https://issuer.example/b", "verification": {"type": "hosted"}}
                      ).encode()


@pytest.mark.parametrize(("name", "fmt", "media"), [
    ("ob20/simple-badge.png", "ob2-hosted", "image/png"),
    ("ob30/simple-json.png", "ob3-ldp", "image/png"),
    ("ob30/simple-json.svg", "ob3-ldp", "image/svg+xml"),
    ("ob30/simple-jwt.png", "ob3-jwt", "image/png"),
    ("ob30/simple-jwt.svg", "ob3-jwt", "image/svg+xml"),
    ("ob30/simple-jwt_v1.png", "ob3-jwt", "image/png"),
    ("ob30/simple-jwt_v1.svg", "ob3-jwt", "image/svg+xml"),
])
def test_1edtech_baked_fixtures(name: str, fmt: str, media: str) -> None:
    data = (VECTORS / name).read_bytes()
    rec = recognise(data, name)
    assert rec.format == fmt
    assert rec.image == data and rec.image_media_type == media
    assert rec.document is not None
    assert rec.raw and rec.raw != data  # the payload is stored, not the image
    if fmt == "ob3-jwt":
        assert rec.jwt_header is not None and rec.jwt_header["alg"] == "RS256"


def test_ob2_fixture_payload_is_exact_chunk_text() -> None:
    data = (VECTORS / "ob20/simple-badge.png").read_bytes()
    keyword, payload = png_payload(data)
    assert keyword == b"openbadges"
    assert recognise(data).raw == payload.strip()
    assert json.loads(payload)["id"] == "https://example.org/beths-robotics-badge.json"


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("keyword", ["openbadges", "openbadgecredential"])
def test_itxt_plain_and_compressed(keyword: str, compressed: bool) -> None:
    payload = OB3_JSON if keyword == "openbadgecredential" else OB2_JSON
    rec = recognise_image(baked_png(keyword, payload, compressed=compressed))
    assert rec.raw == payload
    assert rec.format == ("ob3-ldp" if keyword == "openbadgecredential" else "ob2-hosted")


def test_ztxt_chunk() -> None:
    img = make_png([(b"zTXt", b"openbadges\0\0" + zlib.compress(OB2_JSON))])
    assert recognise_image(img).raw == OB2_JSON


def test_legacy_text_url_points_at_hosted_assertion() -> None:
    img = make_png([(b"tEXt", b"openbadges\0https://issuer.example/assertions/7.json")])
    rec = recognise_image(img)
    assert rec.format == "ob2-hosted" and rec.document is None
    assert rec.hosted_url == "https://issuer.example/assertions/7.json"
    assert rec.image == img


def test_other_text_chunks_are_ignored_even_if_compressed_garbage() -> None:
    img = make_png([(b"zTXt", b"Comment\0\0not-zlib"), itxt("openbadges", OB2_JSON)])
    assert recognise_image(img).raw == OB2_JSON


def test_png_without_badge() -> None:
    with pytest.raises(UnsupportedFormat, match="no baked badge"):
        recognise(make_png())


def test_two_badge_chunks_are_ambiguous() -> None:
    img = make_png([itxt("openbadges", OB2_JSON), itxt("openbadgecredential", OB3_JSON)])
    with pytest.raises(BadInput, match="more than one"):
        recognise(img)


def test_decompression_bomb_stops_at_cap() -> None:
    with pytest.raises(InputTooLarge, match="decompression bomb"):
        recognise(png_bomb())


def test_compressed_exactly_at_cap_is_refused_not_truncated() -> None:
    big = b"{" + b" " * MAX_PAYLOAD_BYTES
    with pytest.raises(InputTooLarge):
        recognise(baked_png("openbadges", big, compressed=True))


def test_truncated_png() -> None:
    img = baked_png("openbadges", OB2_JSON)
    with pytest.raises(BadInput, match=r"past the end|truncated"):
        recognise(img[: len(img) // 2])


def test_bad_zlib() -> None:
    img = make_png([(b"iTXt", b"openbadges\0\x01\x00\0\0" + b"not zlib at all")])
    with pytest.raises(BadInput, match="zlib"):
        recognise(img)


def test_svg_assertion_text_and_verify_attribute() -> None:
    rec = recognise(baked_svg("assertion", OB2_JSON.decode()))
    assert rec.format == "ob2-hosted" and rec.raw == OB2_JSON
    rec2 = recognise(baked_svg("assertion", "", verify="https://issuer.example/a/9"))
    assert rec2.hosted_url == "https://issuer.example/a/9" and rec2.document is None


def test_svg_credential() -> None:
    rec = recognise(baked_svg("credential", OB3_JSON.decode()))
    assert rec.format == "ob3-ldp" and rec.image_media_type == "image/svg+xml"


def test_svg_entity_expansion_refused() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
              b"<openbadges:assertion>&b;</openbadges:assertion></svg>")
    with pytest.raises(BadInput, match="refused"):
        recognise(laughs)


def test_svg_external_entity_refused() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
           b"<openbadges:assertion>&x;</openbadges:assertion></svg>")
    with pytest.raises(BadInput):
        recognise(xxe)


def test_svg_without_badge_and_malformed() -> None:
    with pytest.raises(UnsupportedFormat):
        recognise(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>')
    with pytest.raises(BadInput, match="well-formed"):
        recognise(b'<svg xmlns="http://www.w3.org/2000/svg"><circle')


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_png_bodies_fail_cleanly(body: bytes) -> None:
    with contextlib.suppress(BadInput):
        png_chunks(b"\x89PNG\r\n\x1a\n" + body)
        recognise_image(b"\x89PNG\r\n\x1a\n" + body)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_random_chunk_payloads_fail_cleanly(payload: bytes, compressed: bool) -> None:
    with contextlib.suppress(BadInput):
        recognise_image(make_png([(b"iTXt", b"openbadges\0" + bytes([int(compressed), 0])
                                   + b"\0\0" + payload)]))
