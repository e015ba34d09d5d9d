"""Fetch the known-issuer registries the user follows (called by `refresh` only).

Each registry is one GET of the URL the user gave (`credwallet trust registry add`), capped at
the registry size limit, then parsed offline by `credwallet.trust.registry`. Whatever goes
wrong (unreachable, HTTP error, malformed, too large) is recorded on that registry with the
attempt time; the last good copy stays in use with its older as-of time, and verification is
never blocked: the `issuer_trust` check reports it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx

from credwallet.errors import CredwalletError, InputTooLarge
from credwallet.fetch.client import Client
from credwallet.fetch.guard import Origin, Resolver
from credwallet.fetch.policy import FetchPolicy
from credwallet.models.entry import WalletData
from credwallet.trust.model import Registry, dump_trust, load_trust
from credwallet.trust.registry import MAX_REGISTRY_BYTES, record_fetch

ACCEPT_REGISTRY = "application/json, application/ld+json;q=0.9, */*;q=0.1"


async def fetch_registry(client: Client, reg: Registry, now: datetime) -> Registry:
    """One registry: fetch and record the outcome on `reg` (never raises CredwalletError)."""
    try:
        resp = await client.get(reg.url, origin=Origin.of(reg.url), accept=ACCEPT_REGISTRY,
                                max_bytes=MAX_REGISTRY_BYTES, user_given=True)
    except InputTooLarge as exc:
        return record_fetch(reg, at=now, error=exc.message, too_large=True)
    except CredwalletError as exc:
        return record_fetch(reg, at=now, error=exc.message)
    return record_fetch(reg, at=resp.fetched_at, body=resp.body)


def refresh_registries(wallet: WalletData, *, now: datetime, insecure_http: bool = False,
                       policy: FetchPolicy | None = None,
                       transport: httpx.AsyncBaseTransport | None = None,
                       resolver: Resolver | None = None) -> list[dict[str, Any]]:
    """Refresh every followed registry into `wallet.trust`; one summary row per registry."""
    settings = load_trust(wallet.trust)
    if not settings.registries:
        return []

    async def run() -> None:
        async with Client(policy, insecure_http=insecure_http, transport=transport,
                          resolver=resolver) as client:
            await asyncio.gather(*(fetch_registry(client, r, now) for r in settings.registries))

    asyncio.run(run())
    wallet.trust = dump_trust(settings)
    return [registry_row(r) for r in settings.registries]


def registry_row(reg: Registry) -> dict[str, Any]:
    snap = reg.snapshot
    return {"url": reg.url, "label": reg.label, "status": reg.status, "error": reg.error,
            "as_of": snap.fetched_at.isoformat().replace("+00:00", "Z") if snap else None,
            "issuers": len(snap.issuers) if snap else 0}
