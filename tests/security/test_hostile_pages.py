"""Hostile badge pages (ingest/html.py): markup that made the standard tokenizer quadratic.

`<a<a<a...` with no `>`: at the end of input HTMLParser.close() retried each unfinished tag
as text, searching the rest of the page for `>` every time: 128 KiB took 17 s of CPU, the
2 MiB a page may be would take hours (the fetch deadline does not bound parsing). A CPU budget
in the style of tests/fuzz/test_crash_classes.py, far above the milliseconds it now takes.
"""

from __future__ import annotations

import time

import pytest

from credwallet.ingest.html import MAX_PAGE_BYTES, read_page

BUDGET_S = 5.0
BLOCK = '{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential"}'
HEAD = (f'<!doctype html><html><head><title>Badge</title>'
        f'<script type="application/ld+json">{BLOCK}</script>'
        '<link rel="alternate" type="application/json" href="/badge.json"></head><body>').encode()


@pytest.mark.parametrize("unit", [b"<a", b"<?", b"</", b"<a b='", b"<!x", b"<!--x"])
def test_unfinished_markup_to_the_end_of_a_page_is_linear(unit: bytes) -> None:
    body = HEAD + unit * ((MAX_PAGE_BYTES - len(HEAD)) // len(unit))
    start = time.process_time()
    page = read_page(body, "https://issuer.example/badges/1")
    assert time.process_time() - start < BUDGET_S
    # What comes before the garbage is still read.
    assert page.title == "Badge"
    assert page.blocks == [BLOCK]
    assert page.alternates == ["https://issuer.example/badge.json"]
