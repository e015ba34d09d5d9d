"""The credential views stored with a payload version 2 (`views`), so pathway progress does not
rebuild 10,000 views from the signed originals on every run.

A view is derived data: it is valid only for the bytes it was derived from (the row's SHA-256
of the original), for the cached documents it read (their SHA-256, e.g. an OB 2.0 BadgeClass),
and for the code that derived it: `derivation` names VIEW_DERIVATION and the package version,
and a stored set made under another one is dropped whole. Writers recompute what is missing or
stale on every save; readers use a view only when all three still match, else derive it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from credwallet import __version__
from credwallet.errors import BadInput
from credwallet.models.entry import DamagedEntry, WalletData
from credwallet.models.index import CredentialRow
from credwallet.models.view import CredentialView

if TYPE_CHECKING:
    from credwallet.models.entry import CachedDocument, StoredCredential

# Raise when credwallet.ingest.describe derives views differently (a new field, a fix).
VIEW_DERIVATION = 1
DERIVATION = f"views/{VIEW_DERIVATION}+credwallet/{__version__}"


def counts_for_pathways(row: CredentialRow) -> bool:
    """A presentation is an envelope, and a damaged entry has no readable credential."""
    return not row.format.startswith("vp-") and row.damaged is None


def valid_entry(entry: Any, row: CredentialRow, cache_sha: Mapping[str, str]) -> bool:
    """A stored view (a dict as written, or a StoredView as read) is still `row`'s."""
    raw: Any
    deps: Any
    if isinstance(entry, StoredView):
        raw, deps, view_ok = entry.raw, entry.deps, True
    elif isinstance(entry, dict):
        raw, deps, view_ok = entry.get("raw"), entry.get("deps"), isinstance(entry.get("view"),
                                                                            dict)
    else:
        return False
    return (row.sha256 is not None and raw == row.sha256 and view_ok and isinstance(deps, dict)
            and all(cache_sha.get(url) == sha for url, sha in deps.items()))


def derive(cred: StoredCredential, cache: Mapping[str, CachedDocument],
           cache_sha: Mapping[str, str]) -> dict[str, Any] | None:
    """The stored form of `cred`'s view (None when it has no readable credential)."""
    from credwallet.ingest.describe import credential_view

    try:
        view = credential_view(cred, cache)
    except (BadInput, DamagedEntry):
        return None
    return {"deps": {u: cache_sha[u] for u in cred.cache_urls if u in cache_sha},
            "view": view.model_dump(mode="json", exclude_defaults=True)}


def refresh_views(wallet: WalletData, rows: list[CredentialRow], cache_sha: Mapping[str, str],
                  old: dict[str, Any]) -> dict[str, Any]:
    """The `views` member to write: stored views still valid, others derived now."""
    previous = old.get("entries") if old.get("derivation") == DERIVATION else None
    previous = previous if isinstance(previous, dict) else {}
    entries: dict[str, Any] = {}
    cache: Mapping[str, CachedDocument] | None = None
    for at, row in enumerate(rows):
        if not counts_for_pathways(row):
            continue
        entry = previous.get(row.id)
        if not valid_entry(entry, row, cache_sha):
            cache = cache if cache is not None else wallet.cache_lookup()
            entry = derive(wallet.credential_at(at), cache, cache_sha)
            if entry is None:
                continue
            entry = {"raw": row.sha256, **entry}
        entries[row.id] = entry
    return {"derivation": DERIVATION, "entries": entries}


class StoredView(BaseModel):
    """One entry of `views.entries`."""

    raw: str
    deps: dict[str, str] = Field(default_factory=dict)
    view: CredentialView


class StoredViews(BaseModel):
    """The `views` member, read in one pass (pydantic-core parses and builds it: rebuilding
    10,000 views model by model in Python costs seconds)."""

    derivation: str = ""
    entries: dict[str, StoredView] = Field(default_factory=dict)


def read_views(text: bytes) -> dict[str, StoredView]:
    """The stored views of this derivation ({} when there are none, they are of another
    derivation, or they do not parse: a derived cache is never an error)."""
    if not text:
        return {}
    try:
        stored = StoredViews.model_validate_json(text)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return {}
    return stored.entries if stored.derivation == DERIVATION else {}
