"""Offline material: documents cached at import (keys, DID documents, status lists, contexts).

Verification reads only from a `MaterialSource`; it never fetches. Every document carries the
time it was fetched, which reports show as the "as of" date of any fact taken from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import Recognised
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


# --- placing fetched documents in the cache --------------------------------------------


@dataclass
class Fetched:
    """What a source yields before it touches the wallet: one credential plus cached material."""

    recognised: Recognised
    source: str
    material: dict[str, CachedDocument] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. a key that could not be fetched
    network_errors: list[str] = field(default_factory=list)  # material lost to the network
    image_url: str | None = None  # material key of the fetched badge image


# One URL needed as several JSON kinds is cached as the first of these: a pinned context is
# only used as one if cached as "context"; then what revocation and key checks read.
KIND_ORDER = ("context", "status_list", "revocation_list", "assertion", "did", "key", "issuer",
              "badgeclass")
IMAGE_PREFIX = "image:"  # where an image goes when its URL also names a JSON document


def rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def place_document(cache: dict[str, CachedDocument], key: str,
                   doc: CachedDocument) -> dict[str, str]:
    """Store `doc` under `key`, where the first use of a URL never decides how it is cached:
    a JSON document (status list, key, profile...) always owns its URL, and an image of the
    same URL lives at `image:<url>`; between JSON kinds the more important kind is kept.
    Returns {url: new key} for an image that is not (or no longer) under its URL."""
    old = cache.get(key)
    alt = IMAGE_PREFIX + key
    if old is None:
        cache[key] = doc
        return {}
    if doc.kind == "image" and old.kind != "image":
        cache[alt] = doc.model_copy(update={"url": alt, "final_url": doc.final_url or key})
        return {key: alt}
    if doc.kind != "image" and old.kind == "image":
        cache[alt] = old.model_copy(update={"url": alt, "final_url": old.final_url or key})
        cache[key] = doc
        return {key: alt}
    if doc.kind != "image" and rank(old.kind) < rank(doc.kind):
        doc = doc.model_copy(update={"kind": old.kind})
    cache[key] = doc
    return {}
