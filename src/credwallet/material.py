"""Offline material: documents cached at import (keys, DID documents, status lists, contexts).

Verification reads only from a `MaterialSource`; it never fetches. Every document carries the
time it was fetched, which reports show as the "as of" date of any fact taken from it.

Verifiers ask for a document through one typed request (`lookup`, `fetched_from`,
`cached_json`): the URL and the `Kind` of document wanted. At import the source is a
`RecordingMaterial`, which remembers every request it could not answer; `credwallet.fetch`
fetches those under the network rules the kind's `Rule` names and verification runs again
(docs/architecture.md, "The fetch flow"). So what import fetches is what verification asks
for, and a new format only declares what it looks up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Protocol, assert_never

from credwallet.errors import BadInput
from credwallet.ingest.describe import view_of
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import Recognised
from credwallet.models import CachedDocument

# A cached document larger than this is not parsed: it cannot be a key or status list we need.
MAX_MATERIAL_BYTES = 4 * 1024 * 1024


class MaterialSource(Protocol):
    def get(self, url: str) -> CachedDocument | None: ...


class Kind(StrEnum):
    """What a verifier asks for. The value is how the document is cached (`CachedDocument.kind`)."""

    CONTEXT = "context"  # a JSON-LD context that is not bundled (pinned by digest)
    STATUS_LIST = "status_list"  # a status list credential (JSON or VC-JWT)
    # An IETF Token Status List Token (draft-ietf-oauth-status-list), JWT form, for SD-JWT VCs.
    TOKEN_STATUS_LIST = "token_status_list"
    REVOCATION_LIST = "revocation_list"  # OB 2.0 / 1EdTech revocation list
    ASSERTION = "assertion"  # an OB 2.0 hosted assertion at its own id (410 Gone is an answer)
    DID = "did"  # a did:web document, at the did.json URL the DID names
    KEY = "key"  # verification method / controller / key document, issuer metadata, JWK Set
    PEM_KEY = "pem_key"  # an Open Badges 1.x signing key: a PEM public key at verify.url
    ISSUER = "issuer"  # an OB 2.0 issuer profile
    BADGECLASS = "badgeclass"
    ENDORSEMENT = "endorsement"  # an OB 2.0 hosted endorsement
    IMAGE = "image"  # display only: never asked for by verification


class Accept(Enum):
    """The class of Accept header a kind is fetched with (fetch/ holds the header texts)."""

    JSON = "json"
    DID = "did"
    STATUS_LIST = "status_list"  # JSON-LD, JSON or a VC-JWT
    TOKEN_STATUS_LIST = "token_status_list"  # application/statuslist+jwt
    PEM = "pem"  # a PEM text (an Open Badges 1.x public key)
    IMAGE = "image"


@dataclass(frozen=True)
class Rule:
    """How fetch/ gets a kind of document: everything the network layer knows about kinds."""

    accept: Accept = Accept.JSON
    keep_gone: bool = False  # an HTTP 410 answer is cached (a withdrawn hosted assertion)
    loopback_http: bool = False  # https implied, but a loopback host is asked over plain http
    under_subject: bool = False  # also cached under the identifier it is for (a DID document)
    refreshed: bool = True  # `refresh` fetches it again (a pinned context or an image: never)
    pinned: bool = False  # not bundled: cached once, pinned by digest, the import warns


def rule(kind: Kind) -> Rule:
    """The fetch rule of `kind` (exhaustive: a new kind without a rule is a type error)."""
    match kind:
        case Kind.CONTEXT:
            return Rule(refreshed=False, pinned=True)
        case Kind.STATUS_LIST:
            return Rule(Accept.STATUS_LIST)
        case Kind.TOKEN_STATUS_LIST:
            # Refreshed like any status list: `refresh` fetches it again whatever its `ttl`
            # (the verifier reads `ttl` and `exp` to say when the cached copy is stale).
            return Rule(Accept.TOKEN_STATUS_LIST)
        case Kind.PEM_KEY:
            return Rule(Accept.PEM)
        case Kind.ASSERTION:
            return Rule(keep_gone=True)
        case Kind.DID:
            return Rule(Accept.DID, loopback_http=True, under_subject=True)
        case Kind.REVOCATION_LIST | Kind.KEY | Kind.ISSUER | Kind.BADGECLASS | Kind.ENDORSEMENT:
            return Rule()
        case Kind.IMAGE:
            return Rule(Accept.IMAGE, refreshed=False)
        case _:
            assert_never(kind)


@dataclass(frozen=True)
class Need:
    """A request the material could not answer: the URL (no fragment), the kind wanted, and
    the identifier the document is for when the URL was derived from one (a did:web's DID)."""

    url: str
    kind: Kind
    subject: str | None = None


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

    def same_as(self, other: DictMaterial) -> bool:
        """Every URL answers with the same document in both."""
        return self._docs == other._docs


class EmptyMaterial:
    def get(self, url: str) -> CachedDocument | None:
        return None


class RecordingMaterial:
    """A MaterialSource that remembers what verification asked for and did not get.

    `missed` holds, in order and once each, every typed request that found nothing, and every
    one that found a document cached as a less important kind (fetch/ then re-labels it:
    `place_document`'s ranking). It answers exactly as the source it wraps.
    """

    def __init__(self, inner: MaterialSource) -> None:
        self.inner = inner
        self._missed: dict[Need, None] = {}

    def get(self, url: str) -> CachedDocument | None:
        return self.inner.get(url)

    def record(self, need: Need) -> None:
        self._missed.setdefault(need, None)

    @property
    def missed(self) -> list[Need]:
        return list(self._missed)


# What runs verification against a material source (the import passes the offline verifier).
Probe = Callable[[Recognised, MaterialSource], object]


# --- the typed request API: every verifier's way to the material ------------------------------


def _answer(material: MaterialSource, base: str, kind: Kind, doc: CachedDocument | None,
            subject: str | None = None) -> CachedDocument | None:
    if isinstance(material, RecordingMaterial) and (
            doc is None or (doc.kind != kind and rank(kind) < rank(doc.kind))):
        material.record(Need(base, kind, subject))
    return doc


def lookup(material: MaterialSource, url: str, kind: Kind) -> CachedDocument | None:
    """Find a cached document by URL, tolerating a fragment and a trailing slash difference."""
    if not url:
        return None
    base = url.split("#", 1)[0]
    for candidate in (url, base, base.rstrip("/"), base + "/" if not base.endswith("/") else base):
        doc = material.get(candidate)
        if doc is not None:
            return _answer(material, base, kind, doc)
    return _answer(material, base, kind, None)


def fetched_from(material: MaterialSource, url: str, kind: Kind,
                 subject: str | None = None) -> CachedDocument | None:
    """The document fetched from exactly `url` (fragment aside): provenance, not a lookalike.

    Unlike `lookup`, no trailing-slash tolerance and no entry stored under another key: what
    binds a key or a scope must come from the identifier's own location. `subject`: the
    identifier `url` was derived from (a did:web's DID).
    """
    base = url.split("#", 1)[0]
    doc = material.get(base)
    if doc is None or base not in (doc.url, doc.final_url):
        return _answer(material, base, kind, None, subject)
    return _answer(material, base, kind, doc, subject)


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


@dataclass(frozen=True)
class Held:
    """A cached JSON document as a verifier reads it: the document (None: not cached), its
    JSON object when it answered HTTP 200 with one, and the as-of time of either."""

    doc: CachedDocument | None
    value: dict[str, Any] | None = None

    @property
    def as_of(self) -> str:
        return as_of(self.doc) if self.doc is not None else ""

    @property
    def problem(self) -> str:
        """Why there is no JSON object, to follow the URL ("" when there is one)."""
        if self.doc is None:
            return "was not cached at import"
        if self.doc.http_status != 200:
            return f"answered HTTP {self.doc.http_status} (as of {self.as_of})"
        if self.value is None:
            return f"(as of {self.as_of}) is not JSON"
        return ""


def cached_json(material: MaterialSource, url: str, kind: Kind, *, exact: bool = False,
                subject: str | None = None) -> Held:
    """The JSON object cached for `url` with its as-of time (`exact`: fetched from exactly
    `url`, as `fetched_from`; else found as `lookup` finds it)."""
    doc = fetched_from(material, url, kind, subject) if exact else lookup(material, url, kind)
    if doc is None or doc.http_status != 200:
        return Held(doc)
    parsed = json_of(doc)
    return Held(doc, parsed if isinstance(parsed, dict) else None)


# --- what the display needs ---------------------------------------------------------------------


def display_images(rec: Recognised, cache: Mapping[str, CachedDocument]
                   ) -> tuple[str | None, list[str]]:
    """(the badge image, every http(s) image) the views of `rec` and its contents show: each
    achievement's (the badge: the entry's picture) and each issuer's. Display material, derived
    from the view (verification never asks for an image)."""
    badges: list[str] = []
    others: list[str] = []
    for item in (rec, *rec.children):
        if not isinstance(item.document, dict):
            continue
        try:
            view = view_of(item.format, item.document, cache)
        except (BadInput, ValueError):
            continue
        badges.append(view.achievement.image or "")
        others.append(view.issuer.image or "")
    web = [u for u in dict.fromkeys([*badges, *others])
           if u.lower().startswith(("http://", "https://"))]
    return next((u for u in badges if u in web), None), web


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


# One URL needed as several JSON kinds is cached as the first of these (the order of `Kind`):
# a pinned context is only used as one if cached as "context"; then what revocation and key
# checks read.
KIND_ORDER = tuple(k.value for k in Kind if k is not Kind.IMAGE)
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
