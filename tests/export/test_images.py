"""Badge images made safe for the page: PNG text chunks dropped, SVG rebuilt from an allow-list."""

from __future__ import annotations

import pytest

from credwallet.export.images import (
    MAX_IMAGE_BYTES,
    UnsafeImage,
    decode_data_uri,
    make_safe,
    sanitize_svg,
    sniff,
    strip_png,
)
from tests.export.helpers import HOSTILE_SVG, png


def test_png_keeps_pixels_drops_text() -> None:
    baked = png(text=b'{"credential": "alice@example.net"}')
    clean = strip_png(baked)
    assert b"tEXt" not in clean and b"alice" not in clean
    assert clean == png()  # exactly the pixel chunks of the same image


def test_damaged_png_is_refused() -> None:
    data = bytearray(png())
    data[40] ^= 0xFF  # inside IDAT: CRC no longer matches
    with pytest.raises(UnsafeImage):
        strip_png(bytes(data))
    assert make_safe(bytes(data)) is None
    assert make_safe(png()[:-12]) is None  # no IEND


def test_hostile_svg_is_rebuilt_without_active_content() -> None:
    out = sanitize_svg(HOSTILE_SVG).lower()
    for bad in (b"script", b"onload", b"onclick", b"foreignobject", b"iframe", b"javascript",
                b"evil.test", b"<a"):
        assert bad not in out, bad
    assert b"<circle" in out and b"<rect" in out
    assert b'fill="#00aa00"' in out  # the linked shape stays, without its link


@pytest.mark.parametrize("svg", [
    b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    b'<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    b"<svg><unclosed>",
    b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>',
])
def test_svg_with_entities_or_not_svg_is_omitted(svg: bytes) -> None:
    with pytest.raises(UnsafeImage):
        sanitize_svg(svg)


def test_svg_keeps_local_references_and_styles_but_not_remote_ones() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           b'<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
           b'<rect fill="url(#g)" style="stroke:blue" width="5" height="5"/>'
           b'<use xlink:href="#g"/><use href="https://evil.test/s.svg#x"/>'
           b'<rect style="background:url(https://evil.test/)" fill="url(https://evil.test/#p)"/>'
           b'<text>Hi <tspan>there</tspan> all</text></svg>')
    out = sanitize_svg(svg).decode()
    assert 'fill="url(#g)"' in out and 'style="stroke:blue"' in out and 'href="#g"' in out
    assert "evil" not in out
    assert "Hi " in out and "there" in out and " all" in out


def test_make_safe_by_content_not_by_label() -> None:
    assert make_safe(b"GIF89a" + b"\x00" * 10) is not None
    assert make_safe(b"<html><script>alert(1)</script></html>") is None
    assert make_safe(b"") is None
    assert make_safe(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_IMAGE_BYTES) is None
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"


def test_data_uris() -> None:
    assert decode_data_uri("data:image/png;base64,aGk=") == b"hi"
    assert decode_data_uri("data:image/svg+xml,%3Csvg%2F%3E") == b"<svg/>"
    assert decode_data_uri("https://example.org/x.png") is None
