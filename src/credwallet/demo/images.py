"""Tiny image writers for the example badges: a PNG with an iTXt chunk, an SVG with a payload.

Baking layouts follow the Open Badges specifications: PNG iTXt keyword `openbadges` (2.0) or
`openbadgecredential` (3.0), uncompressed; SVG `<openbadges:assertion verify=...>` (2.0) or
`<openbadges:credential>` (3.0) in the namespace https://purl.imsglobal.org/ob/v3p0.
"""

from __future__ import annotations

import struct
import zlib
from html import escape

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def badge_png(rgb: tuple[int, int, int], size: int = 64) -> bytes:
    """A plain round badge: a filled disc on a transparent square (RGBA, 8 bit)."""
    r, g, b = rgb
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            inside = (x - c) ** 2 + (y - c) ** 2 <= (size / 2 - 1) ** 2
            row += bytes((r, g, b, 255) if inside else (0, 0, 0, 0))
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + _chunk(b"IEND", b""))


def bake_png(png: bytes, keyword: str, text: str) -> bytes:
    """Insert an uncompressed iTXt chunk right after IHDR."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    ihdr_len = struct.unpack(">I", png[8:12])[0]
    cut = 8 + 12 + ihdr_len
    itxt = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    return png[:cut] + _chunk(b"iTXt", itxt) + png[cut:]


def badge_svg(label: str, color: str, *, credential: str | None = None,
              assertion_url: str | None = None) -> bytes:
    payload = ""
    if credential is not None:
        payload = f"  <openbadges:credential><![CDATA[{credential}]]></openbadges:credential>\n"
    elif assertion_url is not None:
        payload = f'  <openbadges:assertion verify="{escape(assertion_url)}"/>\n'
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
        ' viewBox="0 0 120 120" width="120" height="120" role="img">\n'
        f"{payload}"
        f'  <title>{escape(label)}</title>\n'
        f'  <circle cx="60" cy="60" r="56" fill="{escape(color)}"/>\n'
        f'  <text x="60" y="66" font-size="14" text-anchor="middle" fill="#ffffff">'
        f"{escape(label[:14])}</text>\n"
        "</svg>\n"
    ).encode()
