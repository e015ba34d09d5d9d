"""Offline material: documents cached at import (keys, DID documents, status lists, contexts).

Verification reads only from a `MaterialSource`; it never fetches. Every document carries the
time it was fetched, which reports show as the "as of" date of any fact taken from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads
from credwallet.models import CachedDocument

# A cached document larger than this is not parsed: it cannot be a key or status list we need.
MAX_MATERIAL_BYTES = 4 * 1024 * 1024


class MaterialSource(Protocol):
    def get(self, url: str) -> CachedDocument | None: ...


class DictMaterial:
    """MaterialSource over `dict[url, CachedDocument]` (WalletData.cache)."""

    def __init__(self, docs: Mapping[str, CachedDocument] | None = None) -> None:
        self._docs: dict[str, CachedDocument] = dict(docs or {})
        # Redirected fetches are findable under their final URL too.
        for doc in list(self._docs.values()):
            if doc.final_url and doc.final_url not in self._docs:
                self._docs[doc.final_url] = doc

    def get(self, url: str) -> CachedDocument | None:
        return self._docs.get(url)

    def add(self, doc: CachedDocument) -> None:
        self._docs[doc.url] = doc


class EmptyMaterial:
    def get(self, url: str) -> CachedDocument | None:
        return None


def lookup(material: MaterialSource, url: str) -> CachedDocument | None:
    """Find a cached document by URL, tolerating a fragment and a trailing slash difference."""
    if not url:
        return None
    base = url.split("#", 1)[0]
    for candidate in (url, base, base.rstrip("/"), base + "/" if not base.endswith("/") else base):
        doc = material.get(candidate)
        if doc is not None:
            return doc
    return None


def fetched_from(material: MaterialSource, url: str) -> CachedDocument | None:
    """The document fetched from exactly `url` (fragment aside): provenance, not a lookalike.

    Unlike `lookup`, no trailing-slash tolerance and no entry stored under another key: what
    binds a key or a scope must come from the identifier's own location.
    """
    base = url.split("#", 1)[0]
    doc = material.get(base)
    if doc is None or base not in (doc.url, doc.final_url):
        return None
    return doc


def json_of(doc: CachedDocument) -> Any:
    """Parse a cached document's body as JSON (None when it is not JSON or too large)."""
    body = doc.body_bytes()
    if len(body) > MAX_MATERIAL_BYTES:
        return None
    text = body.lstrip()
    # The 1EdTech mock context file starts with a URL line; real documents never do.
    try:
        return loads(text, what=f"cached document {doc.url}")
    except BadInput:
        return None


def as_of(doc: CachedDocument) -> str:
    return doc.fetched_at.isoformat().replace("+00:00", "Z")
