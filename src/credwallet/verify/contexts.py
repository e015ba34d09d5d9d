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
from credwallet.verify.material import Kind, MaterialSource, json_of, lookup

MAX_CONTEXT_URLS = 32  # per document; real credentials use 2-6
# @context entries anywhere in one document, duplicates included: each costs a context
# processing (the richest real credential, a CLR, has 27). Repeats are not free.
MAX_CONTEXT_ENTRIES = 64
# JSON values (objects, arrays, scalars) in one document handed to the JSON-LD processor. pyld's
# node map de-duplicates each property's values by linear scan, so its work grows with the
# square of the values one node ends up with (4,000 distinct tags: 8 s). 2,000 keeps the worst
# case near 1.5 s; the richest real credential in the corpus (an OB 3.0 "complete") has 553.
MAX_JSONLD_VALUES = 2_000
# Context-processing work in one JSON-LD operation, in term definitions: each context the
# processor has not processed yet against the active context costs its own terms plus the
# active context it copies. A verification does three operations; one typical credential needs
# ~2,000 units, the CLR vectors ~15,000; 300,000 units take about a second on this class of box.
MAX_CONTEXT_WORK = 300_000


class ContextLimit(Exception):
    """A document asks for more JSON-LD context work than the caps allow (one-line message)."""


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
    doc = lookup(material, url, Kind.CONTEXT)
    if doc is None or doc.kind != Kind.CONTEXT or doc.http_status != 200:
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


def context_entries(doc: Any) -> tuple[int, bool, int]:
    """(number of @context entries anywhere in `doc`, duplicates included; whether every one
    is a bundled context URL; number of JSON values in `doc`)."""
    count, only_bundled, values = 0, True, 0
    bundled = bundled_contexts()
    stack = [doc]
    while stack:
        node = stack.pop()
        values += 1
        if isinstance(node, dict):
            if "@context" in node:
                ctx = node["@context"]
                items = ctx if isinstance(ctx, list) else [ctx]
                count += len(items)
                only_bundled = only_bundled and all(isinstance(c, str) and c in bundled for c in items)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count, only_bundled, values


def check_context_entries(doc: Any) -> bool:
    """Raise ContextLimit for a document with too many @context entries or JSON values; True
    when it names bundled context URLs only (then it may share the process-wide cache)."""
    count, only_bundled, values = context_entries(doc)
    if count > MAX_CONTEXT_ENTRIES:
        raise ContextLimit(f"the document has {count} @context entries (limit {MAX_CONTEXT_ENTRIES}, "
                           "repeats included)")
    if values > MAX_JSONLD_VALUES:
        raise ContextLimit(f"the document has {values} JSON values (limit {MAX_JSONLD_VALUES} for "
                           "JSON-LD processing)")
    return only_bundled


# Processed-context caches shared across verifications, one per set of extra (wallet-cached)
# contexts. pyld edits cached context documents in place (`@import` merges the importing
# context into the imported one) and caches inline contexts by content, so a cache that ever saw
# a hostile context is not trustworthy. Rule: only a document whose every @context is a bundled
# URL uses a shared cache; any other document gets a private cache that dies with the operation.
_CACHE_LOCK = threading.Lock()
_RESOLVER_CACHES: dict[frozenset[tuple[str, str]], dict[Any, Any]] = {}


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Mapping) else 0


class _BudgetResolver(ContextResolver):  # type: ignore[misc]
    """pyld's resolver with a cap on the context-processing work of one operation.

    pyld asks the resolver for every context it is about to process (top level, embedded,
    type- and property-scoped), so this is where all of that work can be counted.
    """

    def __init__(self, shared_cache: dict[Any, Any], loader: Any, max_context_urls: int) -> None:
        super().__init__(shared_cache, loader, max_context_urls=max_context_urls)
        self.work = 0

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        resolved = super().resolve(active_ctx, context, base, cycles)
        base_cost = _size(active_ctx.get("mappings")) if isinstance(active_ctx, Mapping) else 0
        for rc in resolved:
            if "_uuid" in active_ctx and rc.get_processed(active_ctx) is not None:
                self.work += 1  # a cache hit is cheap
            else:
                self.work += 1 + base_cost + _size(rc.document)
                base_cost += _size(rc.document)
        if self.work > MAX_CONTEXT_WORK:
            raise ContextLimit(f"JSON-LD context processing needs more than {MAX_CONTEXT_WORK} "
                               "units of work (too many or too large contexts)")
        return resolved


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
        if hit is None:
            return "unknown"
        # Pinned by digest when the credential was imported; it never decides what a term
        # credwallet reads means (verify/reading.py compacts with bundled contexts only).
        return (f"fetched at import, not bundled: {url} "
                f"(pinned by digest, cached at import {hit[1].fetched_at:%Y-%m-%d})")

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

    def resolver(self, doc: Any) -> ContextResolver:
        """A resolver for one JSON-LD operation on `doc` (see the sharing rule above).

        Raises ContextLimit when `doc` has too many @context entries.
        """
        if not check_context_entries(doc):
            return _BudgetResolver({}, self.loader, MAX_CONTEXT_URLS)
        key = self.cache_key()
        with _CACHE_LOCK:
            cache = _RESOLVER_CACHES.get(key)
            if cache is None:
                if len(_RESOLVER_CACHES) > 64:
                    _RESOLVER_CACHES.clear()
                cache = _RESOLVER_CACHES[key] = {}
            elif len(cache) > 512:
                cache.clear()
        return _BudgetResolver(cache, self.loader, MAX_CONTEXT_URLS)
