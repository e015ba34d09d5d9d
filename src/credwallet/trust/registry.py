"""Known-issuer registries: parse fetched bytes into a cached snapshot (pure, no network).

Two formats are read:

1. The Digital Credentials Consortium "known issuer" registry used by DCC wallets
   (e.g. https://digitalcredentials.github.io/issuer-registry/registry.json)::

       {"meta": {"created": "...", "updated": "..."},
        "registry": {"did:key:z6Mk...": {"name": "...", "location": "...", "url": "..."}}}

   Older copies name the map "entries" instead of "registry"; both are accepted.

2. The credwallet registry format: a JSON list of issuers, or an object holding one::

       [{"id": "did:web:example.edu", "name": "Example University", "url": "https://example.edu"}]
       {"name": "My list", "updated": "2026-01-01", "issuers": [{"id": ...}, ...]}

Anything else is a clear `RegistryError`. A registry is data about issuers, never a
credential: it grants no signature validity, it only names issuers somebody vouches for.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from credwallet.errors import BadInput, InputTooLarge
from credwallet.ingest.jsonutil import loads
from credwallet.trust.model import Registry, RegistryIssuer, RegistrySnapshot, normalise_issuer_id

MAX_REGISTRY_BYTES = 4 * 1024 * 1024
MAX_REGISTRY_ENTRIES = 100_000
MAX_FIELD_CHARS = 2048


class RegistryError(BadInput):
    kind = "bad_registry"


class RegistryTooLarge(InputTooLarge):
    kind = "registry_too_large"


def parse_registry(body: bytes, *, fetched_at: datetime) -> RegistrySnapshot:
    """Bytes of a registry document -> snapshot (as of `fetched_at`). Raises RegistryError."""
    if len(body) > MAX_REGISTRY_BYTES:
        raise RegistryTooLarge(f"registry is larger than {MAX_REGISTRY_BYTES // (1024 * 1024)} MiB")
    try:
        doc = loads(body, what="registry")
    except InputTooLarge as exc:
        raise RegistryTooLarge(exc.message) from None
    except BadInput as exc:
        raise RegistryError(exc.message) from None
    sha = hashlib.sha256(body).hexdigest()
    if isinstance(doc, dict) and isinstance(doc.get("registry") or doc.get("entries"), dict):
        return _dcc(doc, sha, fetched_at)
    if isinstance(doc, list) or (isinstance(doc, dict) and isinstance(doc.get("issuers"), list)):
        return _credwallet(doc, sha, fetched_at)
    raise RegistryError("not a known-issuer registry: expected a DCC registry ({\"registry\": "
                        "{DID: {name, url}}}) or a list of {id, name, url}")


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RegistryError(f"{where} must be a string")
    value = value.strip()
    if len(value) > MAX_FIELD_CHARS:
        raise RegistryError(f"{where} is longer than {MAX_FIELD_CHARS} characters")
    return value or None


def _entry(issuer_id: Any, fields: Any, where: str) -> RegistryIssuer:
    if not isinstance(issuer_id, str) or not issuer_id.strip():
        raise RegistryError(f"{where}: issuer id must be a non-empty string")
    if not isinstance(fields, dict):
        raise RegistryError(f"{where}: entry for {issuer_id[:80]!r} must be an object")
    ident = _text(issuer_id, f"{where} id")
    assert ident is not None
    return RegistryIssuer(id=ident, name=_text(fields.get("name"), f"{where} name"),
                          url=_text(fields.get("url"), f"{where} url"),
                          location=_text(fields.get("location"), f"{where} location"))


def _check_count(n: int) -> None:
    if n > MAX_REGISTRY_ENTRIES:
        raise RegistryTooLarge(f"registry lists more than {MAX_REGISTRY_ENTRIES} issuers")


def _dcc(doc: dict[str, Any], sha: str, fetched_at: datetime) -> RegistrySnapshot:
    found = doc.get("registry")
    entries: dict[str, Any] = found if isinstance(found, dict) else doc["entries"]
    _check_count(len(entries))
    raw_meta = doc.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    issuers: dict[str, RegistryIssuer] = {}
    for key, fields in entries.items():
        entry = _entry(key, fields, "registry entry")
        issuers[normalise_issuer_id(entry.id)] = entry
    return RegistrySnapshot(format="dcc-known-issuers", name=_text(doc.get("name"), "name"),
                            updated=_text(meta.get("updated"), "meta.updated")
                            if isinstance(meta.get("updated"), str) else None,
                            fetched_at=fetched_at, sha256=sha, issuers=issuers)


def _credwallet(doc: dict[str, Any] | list[Any], sha: str, fetched_at: datetime
                ) -> RegistrySnapshot:
    items = doc if isinstance(doc, list) else doc["issuers"]
    _check_count(len(items))
    issuers: dict[str, RegistryIssuer] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RegistryError(f"issuer #{i + 1} must be an object with an id")
        entry = _entry(item.get("id"), item, f"issuer #{i + 1}")
        issuers[normalise_issuer_id(entry.id)] = entry
    head = doc if isinstance(doc, dict) else {}
    return RegistrySnapshot(format="credwallet", name=_text(head.get("name"), "name"),
                            updated=_text(head.get("updated"), "updated"),
                            fetched_at=fetched_at, sha256=sha, issuers=issuers)


def record_fetch(reg: Registry, *, at: datetime, body: bytes | None = None,
                 error: str | None = None, too_large: bool = False) -> Registry:
    """Apply one refresh attempt to `reg` (in place). A failed attempt keeps the last good
    snapshot (and its older as-of time) and records what went wrong."""
    reg.last_attempt_at = at
    if body is None:
        reg.status = "too_large" if too_large else "unreachable"
        reg.error = error or "not fetched"
        return reg
    try:
        reg.snapshot = parse_registry(body, fetched_at=at)
    except RegistryTooLarge as exc:
        reg.status, reg.error = "too_large", exc.message
    except RegistryError as exc:
        reg.status, reg.error = "malformed", exc.message
    else:
        reg.status, reg.error = "ok", None
    return reg
