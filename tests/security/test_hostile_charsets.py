"""Hostile Content-Type charsets on import (fetch/client.py `as_utf8`, ingest/html.py).

A server names the charset; Python's codec registry also holds codecs that are not text
charsets at all (`hex`, `base64`, `zlib`, `rot13`), one that always raises (`undefined`) and
escape codecs that make lone surrogates out of ASCII (`unicode_escape`). Each crashed the
import (exit 70). Real loopback server, the real CLI in-process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credwallet.fetch.policy import FetchPolicy
from tests.conftest import Cli
from tests.issuer_site import IssuerSite, badge_page, send

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, total_timeout=2.5, backoff=0.01,
                   max_retry_after=1.0)
NOT_TEXT = ["hex", "base64", "zlib", "rot13", "uu", "bz2", "quopri", "undefined",
            "unicode_escape", "raw_unicode_escape", "idna", "punycode"]


@pytest.fixture(scope="module")
def site() -> Iterator[IssuerSite]:
    s = IssuerSite().start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    monkeypatch.setattr(FetchPolicy, "from_env", classmethod(lambda cls: FAST))


def _serve(site: IssuerSite, path: str, body: bytes, ctype: str) -> str:
    return site.custom(path, lambda h: send(h, 200, body, ctype))


def _no_crash(res: Any) -> dict[str, Any]:
    assert res.code in (1, 3, 4), res  # bad input / unsupported: never 70
    assert "Traceback" not in res.stderr, res
    item: dict[str, Any] = res.json()["items"][0]
    assert item["status"] == "failed" and "\n" not in item["error"], item
    return item


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_a_badge_page_in_a_codec_that_is_no_charset(site: IssuerSite, cw: Cli, wallet_home: Any,
                                                   charset: str) -> None:
    page = badge_page("Badge", head='<script type="application/ld+json">{"a": "\\ud800"}</script>')
    url = _serve(site, f"/cs/page-{charset}", page + b"\xff", f"text/html; charset={charset}")
    _no_crash(cw("import", url, "--json"))


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_json_in_a_codec_that_is_no_charset(site: IssuerSite, cw: Cli, wallet_home: Any,
                                            charset: str) -> None:
    body = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                       "name": "caf\u00e9"}).encode("latin-1") + b"\xff"
    url = _serve(site, f"/cs/json-{charset}", body, f"application/json; charset={charset}")
    _no_crash(cw("import", url, "--json"))


def test_an_escape_charset_cannot_make_a_lone_surrogate_in_an_embedded_block(
        site: IssuerSite, cw: Cli, wallet_home: Any) -> None:
    """`unicode_escape` turns the ASCII `\\ud800` into a lone surrogate, which no UTF-8 encoder
    takes: the embedded block must be read as the bytes say, not through an escape codec."""
    block = '{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", ' \
            '"name": "\\ud800"}'
    page = badge_page("Badge", head=f'<script type="application/ld+json">{block}</script>')
    url = _serve(site, "/cs/escape", page + b"\xff", "text/html; charset=unicode_escape")
    _no_crash(cw("import", url, "--json"))
