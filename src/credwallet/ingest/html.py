"""Issuer badge pages: what an HTML page says about the credential it shows.

Issuers e-mail a link to a web page, not to the credential. A page may carry the credential
in a `<script type="application/ld+json">` block, or point at its JSON with
`<link rel="alternate" type="application/ld+json|application/json|application/vc+ld+json">`.
This module only reads the markup (the standard library's tokenizer; no tree, no script is
ever run, nothing is fetched here): the page's title, those alternates and embedded blocks,
and links a person could use (a `download` link, a `.json`, `.png` or `.svg` file) for the
error message when there is nothing to follow. `fetch/pages.py` decides what to fetch.

Bounded: at most `MAX_PAGE_BYTES` of the page are read, at most `MAX_TAGS` tags, `MAX_BLOCKS`
embedded blocks and `MAX_LINKS` links of each kind; past a cap the rest of the page is ignored.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from credwallet.ingest.charset import text_codec

MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_TAGS = 20_000
MAX_BLOCKS = 16
MAX_LINKS = 8
MAX_TITLE = 120
HTML_TYPES = ("text/html", "application/xhtml+xml")
CREDENTIAL_TYPES = ("application/ld+json", "application/json", "application/vc+ld+json")
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<link",
               b"<script", b"<div", b"<p>", b"<h1")
_SPACE = re.compile(r"\s+")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Page:
    title: str | None = None
    alternates: list[str] = field(default_factory=list)  # absolute URLs, document order
    blocks: list[str] = field(default_factory=list)  # application/ld+json script texts
    links: list[str] = field(default_factory=list)  # download / .json / baked image links


def looks_like_html(body: bytes, media_type: str | None = None) -> bool:
    """An HTML document, by its first bytes (or, when they say nothing, its media type)."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_START):
        return True
    if head.startswith(b"<!--") and b"<html" in body[:8192].lower():
        return True
    return media_type in HTML_TYPES and head.startswith(b"<") and b"<svg" not in head[:256]


def read_page(body: bytes, base: str, charset: str | None = None) -> Page:
    """What the page at `base` shows and links to (see the module docstring for the caps)."""
    parser = _Reader(base)
    # A cap, or markup the tokenizer gives up on (`<![foo[` raises AssertionError in
    # _markupbase): what was read so far is the page.
    with contextlib.suppress(_Stop, AssertionError, ValueError):
        # No close(): at the end of the input the standard tokenizer retries every unfinished
        # `<a` as text, each time searching the rest of the page for '>' (quadratic: 64 KiB of
        # `<a` took 6 s of CPU, 2 MiB hours). What close() would still read lies after the last
        # complete tag, where no `</title>` or `</script>` can be: nothing this reader keeps.
        parser.feed(_text(body[:MAX_PAGE_BYTES], charset))
    page = parser.page
    if page.title is not None:
        title = _UNSAFE.sub("", _SPACE.sub(" ", page.title)).strip()
        page.title = (title[:MAX_TITLE - 1] + "…" if len(title) > MAX_TITLE else title) or None
    return page


def _text(body: bytes, charset: str | None) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    # An unknown charset, or a codec that is no charset (`hex`, `undefined`, `unicode_escape`:
    # ingest/charset.py): UTF-8 it is.
    return body.decode(text_codec(charset) or "utf-8", "replace")


class _Stop(Exception):
    """A cap was reached: the rest of the page is not read."""


class _Reader(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.page = Page()
        self._tags = 0
        self._in: str | None = None  # "title" or "block" while inside one
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tags += 1
        if self._tags > MAX_TAGS:
            raise _Stop
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and a.get("href") and self._tags < 64:
            self.base = self._absolute(a["href"]) or self.base
        elif tag == "title" and self.page.title is None:
            self._open("title")
        elif tag == "script" and _media(a.get("type", "")) == "application/ld+json":
            self._open("block")
        elif tag == "link" and "alternate" in a.get("rel", "").lower().split() and \
                _media(a.get("type", "")) in CREDENTIAL_TYPES:
            self._add(self.page.alternates, a.get("href", ""))
        elif tag == "a" and self._useful(a):
            self._add(self.page.links, a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._in == "title" and tag == "title":
            self.page.title = "".join(self._buf)
            self._in = None
        elif self._in == "block" and tag == "script":
            if len(self.page.blocks) < MAX_BLOCKS:
                self.page.blocks.append("".join(self._buf))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._buf.append(data)

    def _open(self, what: str) -> None:
        self._in, self._buf = what, []

    def _useful(self, a: dict[str, str]) -> bool:
        try:
            path = urllib.parse.urlsplit(a.get("href", "")).path.lower()
        except ValueError:  # e.g. an unclosed IPv6 bracket
            return False
        return "download" in a or path.endswith((".json", ".jsonld", ".png", ".svg", ".jwt"))

    def _add(self, into: list[str], href: str) -> None:
        url = self._absolute(href)
        if url is not None and url not in into and len(into) < MAX_LINKS:
            into.append(url)

    def _absolute(self, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            url = urllib.parse.urljoin(self.base, href)
        except ValueError:
            return None
        return url.split("#", 1)[0] if url.lower().startswith(("http://", "https://")) else None


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


__all__ = ["CREDENTIAL_TYPES", "MAX_PAGE_BYTES", "Page", "looks_like_html", "read_page"]
