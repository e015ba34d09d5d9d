"""Hostile baked images: PNG chunk games and zlib bombs, SVG entity tricks and deep nesting."""

from __future__ import annotations

import functools
import inspect
import json
import struct
import sys
import zlib
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError, InputTooLarge
from credwallet.ingest import unbake
from credwallet.ingest.sniff import Recognised, recognise
from tests.fuzz.invariant import fuzz_settings, outcome, peak_memory

FAST = fuzz_settings(100)
SIG = unbake.PNG_SIGNATURE
CRED = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                   "type": ["VerifiableCredential"], "issuer": "did:example:i",
                   "credentialSubject": {"id": "did:example:s"}}).encode()
IHDR = (b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
IEND = (b"IEND", b"")


def chunk(ctype: bytes, body: bytes, *, crc: int | None = None, length: int | None = None) -> bytes:
    crc = zlib.crc32(ctype + body) if crc is None else crc
    return struct.pack(">I", len(body) if length is None else length) + ctype + body + struct.pack(">I", crc)


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    return SIG + b"".join(chunk(t, b) for t, b in chunks)


def itxt(text: bytes, keyword: bytes = b"openbadgecredential", *,
         compressed: bool = False) -> tuple[bytes, bytes]:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return b"iTXt", keyword + b"\0" + flag + b"\0\0" + (zlib.compress(text) if compressed else text)


def test_baseline_png_and_svg_are_recognised() -> None:
    # The hostile variants below only mean something if the honest ones work.
    rec = recognise(png(IHDR, itxt(CRED), IEND))
    assert rec.format == "vc-ldp" and rec.image_media_type == "image/png"
    rec = recognise(png(IHDR, itxt(CRED, compressed=True), IEND))
    assert rec.format == "vc-ldp"
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
           b"<openbadges:credential>" + escape(CRED.decode()).encode() + b"</openbadges:credential></svg>")
    rec = recognise(svg)
    assert rec.format == "vc-ldp" and rec.image_media_type == "image/svg+xml"


# --- PNG -----------------------------------------------------------------------------------

CHUNK_TYPES = st.sampled_from([b"IHDR", b"IDAT", b"IEND", b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"\0\0\0\0"])
KEYWORDS = st.sampled_from([b"openbadges", b"openbadgecredential", b"Comment", b"", b"openbadges\xff"])


@st.composite
def text_chunks(draw: st.DrawFn) -> tuple[bytes, bytes]:
    ctype = draw(st.sampled_from([b"tEXt", b"zTXt", b"iTXt"]))
    keyword = draw(KEYWORDS)
    payload = draw(st.one_of(st.binary(max_size=60), st.just(CRED), st.just(b"https://example.org/a"),
                             st.just(zlib.compress(CRED)), st.just(b"\x89PNG\r\n\x1a\n")))
    if ctype == b"tEXt":
        body = keyword + b"\0" + payload
    elif ctype == b"zTXt":
        body = keyword + b"\0" + draw(st.sampled_from([b"\0", b"\1", b""])) + payload
    else:
        head = draw(st.binary(min_size=0, max_size=2))
        body = keyword + b"\0" + head + draw(st.sampled_from([b"\0\0", b"en\0", b"", b"\0"])) + payload
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return ctype, body


@st.composite
def png_files(draw: st.DrawFn) -> bytes:
    chunks = draw(st.lists(st.one_of(text_chunks(), st.tuples(CHUNK_TYPES, st.binary(max_size=40))),
                           max_size=5))
    out = SIG
    for ctype, body in chunks:
        crc = draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)))  # sometimes a corrupt CRC
        length = draw(st.one_of(st.none(), st.none(), st.integers(0, 2**32 - 1)))  # sometimes a lie
        out += chunk(ctype, body, crc=crc, length=length)
    if draw(st.booleans()):
        out = out[: draw(st.integers(len(SIG), len(out)))]
    return out


@given(png_files())
@FAST
def test_png_any_chunks(data: bytes) -> None:
    res = outcome(recognise, data)
    if isinstance(res, Recognised):
        assert res.image == data.strip() or res.image == data


@given(st.binary(max_size=300))
@FAST
def test_png_random_tail(tail: bytes) -> None:
    outcome(unbake.recognise_image, SIG + tail)


@pytest.mark.parametrize("length", [0x7FFFFFFF, 0xFFFFFFFF, 2**31 + 12, 100])
def test_png_declared_length_past_end(length: int) -> None:
    data = SIG + chunk(b"iTXt", b"openbadges\0\0\0\0\0{}", length=length)
    res = outcome(recognise, data)
    assert isinstance(res, BadInput)


def test_png_corrupt_crc_is_not_a_crash() -> None:
    # CRCs are deliberately not checked (images are not signed); a wrong one must not matter.
    data = SIG + chunk(IHDR[0], IHDR[1], crc=0) + chunk(*itxt(CRED), crc=1) + chunk(*IEND)
    res = outcome(recognise, data)
    assert isinstance(res, Recognised) and res.format == "vc-ldp"


@functools.cache
def _bomb() -> bytes:
    return zlib.compress(b"\0" * (64 * 1024 * 1024), 9)  # 64 MiB of zeros in ~64 KiB; the cap is 8 MiB


@pytest.mark.parametrize("ctype", [b"iTXt", b"zTXt"])
def test_png_zlib_bomb_is_capped(ctype: bytes) -> None:
    bomb = _bomb()
    body = b"openbadges\0" + (b"\x01\x00\0\0" if ctype == b"iTXt" else b"\0") + bomb
    data = png(IHDR, (ctype, body), IEND)
    result: list[object] = []
    peak = peak_memory(lambda: result.append(outcome(recognise, data)))
    assert isinstance(result[0], InputTooLarge)
    assert peak < 64 * 1024 * 1024, f"inflating a bomb peaked at {peak // 2**20} MiB"


def test_png_many_tiny_chunks() -> None:
    data = SIG + chunk(b"tEXt", b"a\0b") * 200_000
    assert isinstance(outcome(recognise, data), CredwalletError)


def test_png_two_baked_chunks_refused() -> None:
    assert isinstance(outcome(recognise, png(IHDR, itxt(CRED), itxt(CRED), IEND)), BadInput)


def test_other_chunks_never_inflated() -> None:
    data = png(IHDR, (b"zTXt", b"Comment\0\0" + _bomb()), itxt(CRED), IEND)
    peak = peak_memory(lambda: recognise(data))
    assert peak < 16 * 1024 * 1024


# --- SVG -----------------------------------------------------------------------------------

NS = b'xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
HOSTILE_SVGS = {
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                      + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]),
                                                          (b"&" + bytes([97 + i]) + b";") * 10)
                                 for i in range(9))
                      + b"]><svg " + NS + b"><openbadges:credential>&j;</openbadges:credential></svg>",
    "external-entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       b"<svg " + NS + b"><openbadges:credential>&x;</openbadges:credential></svg>",
    "external-dtd": b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd">'
                    b"<svg " + NS + b"><openbadges:credential>{}</openbadges:credential></svg>",
    "parameter-entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]>'
                        b"<svg/>",
    "quadratic-blowup": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "' + b"x" * 50_000 + b'">]><svg>'
                        + b"&a;" * 5_000 + b"</svg>",
    "xinclude": b'<svg xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"'
                b' parse="text"/></svg>',
    "unclosed": b"<svg " + NS + b"><openbadges:credential>",
    "bad-utf8": b"<svg " + NS + b"><openbadges:credential>\xff\xfe</openbadges:credential></svg>",
    "two-credentials": b"<svg " + NS + b"><openbadges:credential>{}</openbadges:credential>"
                       b"<openbadges:credential>{}</openbadges:credential></svg>",
    "empty-credential": b"<svg " + NS + b"><openbadges:credential>  </openbadges:credential></svg>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svg_is_refused_cleanly(name: str) -> None:
    data = HOSTILE_SVGS[name]
    res = outcome(recognise, data, seconds=5)
    assert isinstance(res, CredwalletError), f"{name} was accepted: {res!r}"
    assert "/etc/passwd" not in res.message and "root:" not in res.message


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_svg_deep_nesting(depth: int) -> None:
    data = b"<svg " + NS + b">" + b"<g>" * depth + b"</g>" * depth + b"</svg>"
    assert isinstance(outcome(recognise, data, seconds=10), CredwalletError)


@given(st.text(alphabet='<>/="&;! ?abgsvx:\n-[]', max_size=200))
@FAST
def test_svg_markup_soup(text: str) -> None:
    outcome(recognise, b"<svg " + NS + b">" + text.encode() + b"</svg>")


@given(st.binary(max_size=200))
@FAST
def test_svg_credential_payload_bytes(payload: bytes) -> None:
    outcome(recognise, b"<svg " + NS + b"><openbadges:credential>" + payload
            + b"</openbadges:credential></svg>")


def _nested_svg(levels: int, opener: str) -> bytes:
    doc = CRED.decode()
    for _ in range(levels):
        doc = (f'{opener} xmlns:openbadges="http://openbadges.org"><openbadges:assertion>'
               f"{escape(doc)}</openbadges:assertion></svg>")
    return doc.encode()


def test_svg_inside_svg_with_plain_opener_is_refused() -> None:
    assert isinstance(outcome(recognise, _nested_svg(2, "<svg")), BadInput)


@pytest.mark.parametrize("opener", ["<svg\t", "<svg\n", "<!-- x --><svg"])
def test_image_inside_image_is_refused(opener: str) -> None:
    # An image whose baked payload is another image is nonsense; unbake.py says it refuses it.
    res = outcome(recognise, _nested_svg(2, opener))
    assert isinstance(res, BadInput), f"nested image accepted as {res!r}"


def test_deeply_nested_baked_svg() -> None:
    # Unbounded recursion before unbake.py refused markup payloads: with the default recursion
    # limit 500 levels (a 4 MB file) were needed; a lower limit shows it on a small input.
    data = _nested_svg(120, "<svg\t")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 150)
    try:
        res = outcome(recognise, data)
    finally:
        sys.setrecursionlimit(old)
    assert isinstance(res, BadInput)
