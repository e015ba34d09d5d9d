"""Badge pages read by ingest/html.py: what is found, the caps, and hostile markup."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from credwallet.ingest.html import MAX_BLOCKS, MAX_LINKS, looks_like_html, read_page

BASE = "https://issuer.example/badges/42"


def test_title_alternates_blocks_and_links() -> None:
    page = read_page("""<!doctype html><html><head><base href="https://cdn.example/x/">
<title>  Robotics &amp;\n Co\x1b[31m \u202e</title>
<link rel="Alternate stylesheet" type="application/ld+json" href="/alt-stylesheet.json">
<link rel="alternate" type="Application/JSON; charset=utf-8" href="a.json#frag">
<link rel="alternate" type="text/html" href="other.html">
<link rel="alternate" type="application/json" href="javascript:alert(1)">
<script type="application/ld+json">{"a": "&amp;</b>"}</script>
<script>{"not": "json-ld"}</script>
</head><body><a href="/dl/badge.png">Badge image</a><a download href="x">Get</a>
<a href="page.html">more</a></body></html>""".encode(), BASE)
    assert page.title == "Robotics & Co[31m"
    assert page.alternates == ["https://cdn.example/alt-stylesheet.json",
                               "https://cdn.example/x/a.json"]
    assert page.blocks == ['{"a": "&amp;</b>"}']  # script text is never unescaped
    assert page.links == ["https://cdn.example/dl/badge.png", "https://cdn.example/x/x"]


def test_caps_on_blocks_links_and_tags() -> None:
    many = "".join(f'<script type="application/ld+json">{{"n": {i}}}</script>'
                   f'<a download href="/f{i}">f</a>' for i in range(100))
    page = read_page(f"<html><title>t</title>{many}".encode(), BASE)
    assert len(page.blocks) == MAX_BLOCKS and len(page.links) == MAX_LINKS
    deep = b"<html>" + b"<div>" * 500_000 + b"<title>late</title>"
    start = time.process_time()
    page = read_page(deep, BASE)
    assert page.title is None  # past the tag and size caps: never read
    assert time.process_time() - start < 3


def test_markup_the_tokenizer_gives_up_on_is_the_end_of_the_page() -> None:
    page = read_page(b"<title>kept</title><![foo[ <a href='http://[::1'>x</a>", BASE)
    assert page.title == "kept"
    assert read_page(b"<a download href='http://[::1/x'>x</a>", BASE).links == []


def test_charset_and_bom() -> None:
    assert read_page("<title>Zürich</title>".encode("latin-1"), BASE, "iso-8859-1").title \
        == "Zürich"
    assert read_page(b"\xef\xbb\xbf<title>Z\xc3\xbcrich</title>", BASE, "iso-8859-1").title \
        == "Zürich"
    assert read_page(b"<title>x</title>", BASE, "no-such-charset").title == "x"


def test_looks_like_html() -> None:
    assert looks_like_html(b"\n  <!DOCTYPE html><html>")
    assert looks_like_html(b"<!-- hi --><html>")
    assert looks_like_html(b"<p>hello", "text/html")
    assert not looks_like_html(b'{"@context": []}', "text/html")
    assert not looks_like_html(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "text/html")
    assert not looks_like_html(b"<?xml version='1.0'?><svg/>")


@given(st.binary(max_size=2000) | st.text(alphabet="<>!/[]-=\"' abtilesrcp?&#;x:", max_size=400)
       .map(str.encode))
def test_any_bytes_read_without_raising(data: bytes) -> None:
    page = read_page(data, BASE)
    assert page.title is None or "\n" not in page.title
