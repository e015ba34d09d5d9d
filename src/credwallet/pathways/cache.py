"""Pathway progress from the wallet's list rows and stored views (credwallet.wallet.views):
the same held credentials as `store.held_credentials`, without reading every entry.

A credential whose stored view is missing or stale (another derivation, other bytes, a cached
document it read has changed) gets its view derived here as `held_credentials` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from credwallet.errors import NotFound
from credwallet.models import WalletData
from credwallet.models.entry import CachedDocument
from credwallet.models.index import CredentialRow
from credwallet.models.view import CredentialView
from credwallet.pathways.evaluate import Evaluator
from credwallet.pathways.held import HeldCredential, credential_status
from credwallet.pathways.progress import PathwayProgress
from credwallet.pathways.store import stored_pathways


def _held(row: CredentialRow, view: CredentialView, now: datetime) -> HeldCredential:
    """As held.held_from_stored, from the row's projected verification (it keeps every check
    the status word and the issuer's trust are read from)."""
    status, reason = credential_status(row.verification, view.expires, now)
    trust = row.verification.check("issuer_trust") if row.verification is not None else None
    if trust is not None and trust.status == "passed":
        view = view.model_copy(update={"issuer": view.issuer.model_copy(update={"trusted": True})})
    return HeldCredential(id=row.id, view=view, status=status, reason=reason)


def held_from_rows(data: WalletData, now: datetime) -> list[HeldCredential]:
    from credwallet.wallet.views import counts_for_pathways, derive, read_views, valid_entry

    rows = data.rows()
    stored = read_views(data.stored_views_json())
    cache: Mapping[str, CachedDocument] = data.cache_lookup()
    cache_sha = data.cache_digests()
    out = []
    for at, row in enumerate(rows):
        if not counts_for_pathways(row):
            continue
        entry = stored.get(row.id)
        if entry is not None and valid_entry(entry, row, cache_sha):
            view = entry.view
        else:
            derived = derive(data.credential_at(at), cache, cache_sha)
            if derived is None:
                continue
            view = CredentialView.model_validate(derived["view"])
        out.append(_held(row, view, now))
    return out


def cached_progress(data: WalletData, now: datetime,
                    names: Sequence[str] | None = None) -> list[PathwayProgress]:
    """store.wallet_progress, with the held credentials from rows and stored views."""
    pathways = stored_pathways(data)
    by_name = {p.name: p for p in pathways}
    missing = [n for n in names or [] if n not in by_name]
    if missing:
        raise NotFound(f"no pathway named {missing[0]!r}", hint="see `credwallet pathway list`")
    chosen = [by_name[n] for n in names] if names else pathways
    ev = Evaluator(held_from_rows(data, now), now, by_name)
    return [ev.evaluate(p) for p in chosen]
