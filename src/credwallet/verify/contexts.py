"""JSON-LD contexts for offline verification: the bundled, hash-pinned set plus contexts cached
at import. Nothing is ever fetched; an unknown context URL is an error the report names.

Bundled files are checked against `index.json` (sha256 of canonical JSON; the primary copy and
each published variant are accepted). Contexts cached at import are pinned by the digest stored
with them. Processed contexts are cached per set of extra contexts, so a wallet's own cached
context can never leak into another verification under the same URL.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from pyld.context_resolver import ContextResolver

from credwallet.models import CachedDocument
from credwallet.verify.material import MaterialSource, json_of, lookup

MAX_CONTEXT_URLS = 32  # per document; real credentials use 2-6


class UnknownContext(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(f"context {url} is not bundled and was not cached at import")
        self.url = url


def canonical_json_sha256(obj: Any) -> str:
    data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=2)
def bundled_contexts(variants: bool = False) -> dict[str, dict[str, Any]]:
    """URL -> parsed context document, each verified against its pinned hash.

    `variants=True` picks, for the URLs that have one, the other published copy (the 1EdTech
    validator's OB 3.0.3 adds the terms `jti` and `endorsementJwt`).
    """
    root = resources.files("credwallet.data") / "contexts"
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for url, entry in index.items():
        chosen = entry["variants"][0] if variants and entry.get("variants") else entry
        doc = json.loads((root / chosen["file"]).read_text(encoding="utf-8"))
        if canonical_json_sha256(doc) != chosen["sha256_of_canonical_json"]:
            # A modified bundled file is a broken installation: refuse to use it.
            raise RuntimeError(f"bundled context {chosen['file']} does not match its pinned hash")
        out[url] = doc
    return out


@lru_cache(maxsize=1)
def urls_with_variants() -> frozenset[str]:
    root = resources.files("credwallet.data") / "contexts"
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return frozenset(url for url, entry in index.items() if entry.get("variants"))


def bundled_context_hashes() -> dict[str, set[str]]:
    root = resources.files("credwallet.data") / "contexts"
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return {
        url: {e["sha256_of_canonical_json"]} | {v["sha256_of_canonical_json"] for v in e.get("variants", [])}
        for url, e in index.items()
    }


def cached_context(material: MaterialSource, url: str) -> tuple[dict[str, Any], CachedDocument] | None:
    """A context cached at import, if present, of kind "context", and matching its digest."""
    doc = lookup(material, url)
    if doc is None or doc.kind != "context" or doc.http_status != 200:
        return None
    if hashlib.sha256(doc.body_bytes()).hexdigest() != doc.sha256:
        return None
    parsed = json_of(doc)
    if not isinstance(parsed, dict) or "@context" not in parsed:
        return None
    return parsed, doc


def context_urls(doc: Any, limit: int = 10_000) -> list[str]:
    """Every context URL a document references (top level and scoped/embedded @context)."""
    found: list[str] = []
    stack = [doc]
    steps = 0
    while stack and steps < limit:
        steps += 1
        node = stack.pop()
        if isinstance(node, dict):
            ctx = node.get("@context")
            for c in ctx if isinstance(ctx, list) else [ctx]:
                if isinstance(c, str) and c not in found:
                    found.append(c)
            stack.extend(v for k, v in node.items() if k != "@context" or isinstance(v, (list, dict)))
        elif isinstance(node, list):
            stack.extend(node)
    return found


# Processed-context caches, one per set of extra (wallet-cached) contexts.
_CACHE_LOCK = threading.Lock()
_RESOLVER_CACHES: dict[frozenset[tuple[str, str]], dict[Any, Any]] = {}


class ContextStore:
    """Bundled contexts plus those cached in `material`; a pyld document loader over them."""

    def __init__(
        self,
        material: MaterialSource | None = None,
        extra: Mapping[str, dict[str, Any]] | None = None,
        *,
        variants: bool = False,
    ) -> None:
        self._material = material
        self.variants = variants
        self._extra: dict[str, tuple[dict[str, Any], CachedDocument]] = {}
        # Contexts supplied by the caller (signing with a private extension context).
        self._given: dict[str, dict[str, Any]] = dict(extra or {})

    def known(self, url: str) -> bool:
        return self._get(url) is not None

    def source_of(self, url: str) -> str:
        if url in bundled_contexts(self.variants):
            return "bundled" + (" (1EdTech copy)" if self.variants and url in urls_with_variants() else "")
        hit = self._extra.get(url)
        return f"cached at import {hit[1].fetched_at:%Y-%m-%d}" if hit else "unknown"

    def _get(self, url: str) -> dict[str, Any] | None:
        bundled = bundled_contexts(self.variants).get(url)
        if bundled is not None:
            return bundled
        if url in self._extra:
            return self._extra[url][0]
        if url in self._given:
            return self._given[url]
        if self._material is None:
            return None
        hit = cached_context(self._material, url)
        if hit is None:
            return None
        self._extra[url] = hit
        return hit[0]

    def check(self, urls: Iterable[str]) -> list[str]:
        """The URLs among `urls` that are neither bundled nor cached."""
        return [u for u in urls if not self.known(u)]

    def loader(self, url: str, options: Any = None) -> dict[str, Any]:
        doc = self._get(url)
        if doc is None:
            raise UnknownContext(url)
        # tag "static" lets pyld keep the processed context in the shared cache (it is keyed by
        # the set of extra contexts, see resolver()); a copy because pyld edits documents in place.
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(doc), "tag": "static"}

    def cache_key(self) -> frozenset[tuple[str, str]]:
        """Identity of the context set in use: bundled plus these extra contexts."""
        return frozenset(
            [(u, d.sha256) for u, (_, d) in self._extra.items()]
            + [(u, canonical_json_sha256(c)) for u, c in self._given.items()]
            + ([("@variants", "1edtech")] if self.variants else [])
        )

    def with_variants(self) -> ContextStore:
        """The same store, reading the other published copy of contexts that have two."""
        other = ContextStore(self._material, self._given, variants=True)
        other._extra = dict(self._extra)
        return other

    def resolver(self) -> ContextResolver:
        key = self.cache_key()
        with _CACHE_LOCK:
            cache = _RESOLVER_CACHES.get(key)
            if cache is None:
                if len(_RESOLVER_CACHES) > 64:
                    _RESOLVER_CACHES.clear()
                cache = _RESOLVER_CACHES[key] = {}
            elif len(cache) > 512:
                cache.clear()
        return ContextResolver(cache, self.loader, max_context_urls=MAX_CONTEXT_URLS)
