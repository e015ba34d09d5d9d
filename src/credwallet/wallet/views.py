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

from credwallet import __version__
from credwallet.errors import BadInput
from credwallet.models.entry import DamagedEntry, WalletData
from credwallet.models.index import CredentialRow
from credwallet.models.view import AchievementView, Alignment, CredentialView, IssuerView

if TYPE_CHECKING:
    from credwallet.models.entry import CachedDocument, StoredCredential

# Raise when credwallet.ingest.describe derives views differently (a new field, a fix).
VIEW_DERIVATION = 1
DERIVATION = f"views/{VIEW_DERIVATION}+credwallet/{__version__}"


def counts_for_pathways(row: CredentialRow) -> bool:
    """A presentation is an envelope, and a damaged entry has no readable credential."""
    return not row.format.startswith("vp-") and row.damaged is None


def valid_entry(entry: Any, row: CredentialRow, cache_sha: Mapping[str, str]) -> bool:
    if not isinstance(entry, dict) or entry.get("raw") != row.sha256 or row.sha256 is None:
        return False
    deps = entry.get("deps")
    return isinstance(deps, dict) and isinstance(entry.get("view"), dict) and all(
        cache_sha.get(url) == sha for url, sha in deps.items())


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


def view_from_stored(data: dict[str, Any]) -> CredentialView:
    """Rebuild a stored view without validating it again: it was written by model_dump of a
    valid view, in this same payload, by this same derivation (checked by the caller)."""
    issuer = IssuerView.model_construct(**data.get("issuer", {}))
    ach = dict(data.get("achievement", {}))
    ach["alignments"] = [Alignment.model_construct(**a) for a in ach.get("alignments", [])]
    fields = {**data, "issuer": issuer, "achievement": AchievementView.model_construct(**ach)}
    return CredentialView.model_construct(**fields)
