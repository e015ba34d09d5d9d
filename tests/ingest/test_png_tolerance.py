"""Baked PNGs: strict on the badge chunk, tolerant of other, malformed text chunks."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from credwallet.errors import BadInput
from credwallet.ingest.sniff import recognise
from credwallet.ingest.unbake import PNG_SIGNATURE, png_chunks, png_payload

REAL_PNG = Path(__file__).parent / "vectors" / "ob20" / "simple-badge.png"


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(
        ">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def rebuild(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return PNG_SIGNATURE + b"".join(chunk(t, b) for t, b in chunks)


def insert_after_ihdr(data: bytes, *extra: tuple[bytes, bytes]) -> bytes:
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR"
    return rebuild([chunks[0], *extra, *chunks[1:]])


def replace_baked_chunk(data: bytes, payload: bytes) -> bytes:
    """The real image with its openbadges chunk swapped for an iTXt one holding `payload`."""
    chunks = [c for c in png_chunks(data) if not c[1].startswith(b"openbadges\0")]
    body = b"openbadges\0\x00\x00\0\0" + payload
    return rebuild([chunks[0], (b"iTXt", body), *chunks[1:]])


def test_the_real_fixture_has_one_baked_chunk() -> None:
    keyword, _payload = png_payload(REAL_PNG.read_bytes())
    assert keyword == b"openbadges"


@pytest.mark.parametrize("junk", [
    (b"tEXt", b"Comment without any keyword separator"),  # the real-world case
    (b"tEXt", b""),
    (b"zTXt", b"Raw profile type exif\0\x00not zlib at all"),  # never inflated
    (b"zTXt", b"Software\0\x07bad method"),
    (b"iTXt", b"XML:com.adobe.xmp\0\x01"),  # truncated iTXt
    (b"iTXt", b"Description\0\x05\x09no-nul-after-flags"),
    (b"tEXt", b"k" * 200 + b"\0over-long keyword"),
    (b"iTXt", b"\0empty keyword"),
])
def test_unrelated_malformed_text_chunks_are_skipped(junk: tuple[bytes, bytes]) -> None:
    original = REAL_PNG.read_bytes()
    image = insert_after_ihdr(original, junk)
    rec = recognise(image, "badge.png")
    assert rec.format == "ob2-hosted"
    assert rec.raw == recognise(original).raw  # the same payload, byte for byte
    assert rec.image == image  # the image is kept as given


def test_malformed_chunks_before_and_after_a_valid_itxt_badge() -> None:
    original = REAL_PNG.read_bytes()
    payload = png_payload(original)[1]
    image = replace_baked_chunk(original, payload)
    image = insert_after_ihdr(image, (b"tEXt", b"no separator here"),
                              (b"zTXt", b"Comment\0\x00\xff\xfe"))
    assert png_payload(image) == (b"openbadges", payload)


@pytest.mark.parametrize(("body", "message"), [
    (b"openbadges", "no keyword separator"),
    (b"openbadges{\"@context\": \"x\"}", "no keyword separator"),
    (b"openbadgecredential", "no keyword separator"),
])
def test_a_badge_chunk_without_separator_is_refused(body: bytes, message: str) -> None:
    image = insert_after_ihdr(REAL_PNG.read_bytes(), (b"tEXt", body))
    with pytest.raises(BadInput, match=message):
        recognise(image)


@pytest.mark.parametrize(("ctype", "body", "message"), [
    (b"iTXt", b"openbadgecredential\0\x01", "is truncated"),
    (b"iTXt", b"openbadgecredential\0\x00\x00only-one-part", "missing language"),
    (b"iTXt", b"openbadgecredential\0\x02\x00\0\0{}", "bad compression flag"),
    (b"iTXt", b"openbadgecredential\0\x01\x00\0\0not zlib", "not valid zlib"),
    (b"zTXt", b"openbadgecredential\0\x05xx", "unknown compression method"),
])
def test_the_badge_chunk_stays_strict_next_to_a_valid_one(ctype: bytes, body: bytes,
                                                          message: str) -> None:
    # A broken second badge chunk is never skipped, even when a valid one is present.
    image = insert_after_ihdr(REAL_PNG.read_bytes(), (b"tEXt", b"junk"), (ctype, body))
    with pytest.raises(BadInput, match=message):
        recognise(image)


def test_chunk_structure_stays_strict() -> None:
    data = insert_after_ihdr(REAL_PNG.read_bytes(), (b"tEXt", b"no separator"))
    with pytest.raises(BadInput, match="runs past the end"):
        recognise(data[:-20])
