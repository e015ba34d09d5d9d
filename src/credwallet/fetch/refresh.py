"""`refresh`: the one online re-check of credentials already in the wallet.

Re-fetches what can change after import (status lists, revocation lists, hosted OB 2.0
assertions, DID and key documents, issuer profiles; never pinned contexts or images), stores
each with its new as-of time, re-verifies offline and says what changed: newly revoked, a key
rotated (and whether the key that signed is still published), expiring within 30 days.
A document that could not be fetched keeps its previous cached copy (and its older as-of).

What is re-fetched is derived as at import (`fetch/rounds.py`): verification runs against the
fresh copies only (plus the wallet's pinned contexts, which are never fetched again), so every
document it reads is fetched anew, and one it newly needs (a rotated key's new controller) too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from credwallet.errors import CredwalletError
from credwallet.fetch.client import Client
from credwallet.fetch.documents import Fetcher, Gathered, Session
from credwallet.fetch.guard import AllowedHost, Origin, Resolver
from credwallet.fetch.policy import FetchPolicy
from credwallet.fetch.rounds import derive, offline_verification
from credwallet.ingest.sniff import as_list, recognise
from credwallet.material import Kind, MaterialSource, Probe, as_of, json_of, place_document, rule
from credwallet.models.entry import CachedDocument, StoredCredential, WalletData
from credwallet.models.results import VerificationResult

EXPIRY_WINDOW = timedelta(days=30)
KEY_KINDS = (Kind.DID, Kind.KEY)
NEVER_REFETCHED = frozenset(k for k in Kind if not rule(k).refreshed)

Verifier = Callable[[StoredCredential, WalletData, datetime], VerificationResult]


@dataclass
class Fetch:
    url: str
    kind: str
    http_status: int
    changed: bool
    as_of: str


@dataclass
class RefreshItem:
    id: str
    name: str | None
    status: str = "refreshed"  # refreshed | failed (some fetch failed; old copies kept)
    fetched: list[Fetch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    newly_revoked: bool = False
    key_rotations: list[str] = field(default_factory=list)
    signing_key: str | None = None
    expires: str | None = None
    expiring_soon: bool = False
    was_verified: bool | None = None
    verification: VerificationResult | None = None

    @property
    def exit_code(self) -> int:
        return 5 if self.errors else 0

    def contract_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "status": self.status,
            "fetched": [f.__dict__ for f in self.fetched], "errors": self.errors,
            "changes": self.changes, "newly_revoked": self.newly_revoked,
            "key_rotations": self.key_rotations, "signing_key": self.signing_key,
            "expires": self.expires, "expiring_soon": self.expiring_soon,
            "was_verified": self.was_verified,
            "verified": self.verification.verified if self.verification else None,
            "verification": self.verification.contract_dict() if self.verification else None,
        }


def refresh_wallet(wallet: WalletData, creds: Sequence[StoredCredential], *, now: datetime,
                   insecure_http: bool = False, progress: Any = None,
                   verifier: Verifier | None = None, policy: FetchPolicy | None = None,
                   transport: httpx.AsyncBaseTransport | None = None,
                   resolver: Resolver | None = None,
                   allow_hosts: Sequence[AllowedHost] = ()) -> list[RefreshItem]:
    """Refresh `creds` (entries of `wallet`) in place; one RefreshItem each, in order."""
    pinned = _Pinned(wallet.cache)
    gathered = asyncio.run(_gather_all(list(creds), insecure_http=insecure_http,
                                       observer=progress, policy=policy, transport=transport,
                                       resolver=resolver, allow_hosts=allow_hosts,
                                       probe=offline_verification(now), pinned=pinned))
    items: list[RefreshItem] = []
    for cred, got in zip(creds, gathered, strict=True):
        items.append(_apply(wallet, cred, got, now))
    # Verify after every cache update: credentials share documents (one issuer, one list).
    for cred, item in zip(creds, items, strict=True):
        _reverify(wallet, cred, item, now, verifier)
    return items


async def _gather_all(creds: list[StoredCredential], *, insecure_http: bool, observer: Any,
                      policy: FetchPolicy | None, transport: httpx.AsyncBaseTransport | None,
                      resolver: Resolver | None, allow_hosts: Sequence[AllowedHost],
                      probe: Probe, pinned: MaterialSource,
                      ) -> list[Gathered | CredwalletError]:
    async with Client(policy, insecure_http=insecure_http, transport=transport,
                      resolver=resolver, allow_hosts=allow_hosts) as client:
        session = Session(client, skip_kinds=NEVER_REFETCHED)
        if observer is not None:
            observer.start(len(creds))

        async def one(cred: StoredCredential) -> Gathered | CredwalletError:
            try:
                fetcher = Fetcher(session, Origin.of(cred.source))
                await derive(fetcher, recognise(cred.raw_bytes(), cred.source), probe,
                             pinned=pinned)
                return fetcher.out
            except CredwalletError as exc:
                return exc
            finally:
                if observer is not None:
                    observer.advance(cred.id)

        try:
            return list(await asyncio.gather(*(one(c) for c in creds)))
        finally:
            if observer is not None:
                observer.finish()


class _Pinned:
    """The wallet's copies of what refresh never fetches again (contexts), read when asked."""

    def __init__(self, cache: Mapping[str, CachedDocument]) -> None:
        self.cache = cache

    def get(self, url: str) -> CachedDocument | None:
        doc = self.cache.get(url)
        return doc if doc is not None and doc.kind in NEVER_REFETCHED else None


def _apply(wallet: WalletData, cred: StoredCredential, got: Gathered | CredwalletError,
           now: datetime) -> RefreshItem:
    item = RefreshItem(id=cred.id, name=cred.name, expires=cred.expires)
    item.was_verified = cred.verification.verified if cred.verification else None
    if isinstance(got, CredwalletError):
        item.status, item.errors = "failed", [got.message]
        return item
    item.errors = list(got.failures)
    if item.errors:
        item.status = "failed"
    for url, doc in sorted(got.material.items()):
        old = wallet.cache.get(url)
        changed = old is None or old.sha256 != doc.sha256 or old.http_status != doc.http_status
        if url.startswith("did:"):
            wallet.cache[url] = doc  # the DID-keyed twin of the did.json entry
            continue
        item.fetched.append(Fetch(url, doc.kind, doc.http_status, changed, as_of(doc)))
        if changed and old is not None:
            item.changes.append(f"{doc.kind} {url} changed since {_iso(old.fetched_at)}")
            if doc.kind in KEY_KINDS:
                item.key_rotations += _key_changes(url, old, doc)
        if old is not None and old.http_status == 200 and doc.http_status == 410:
            item.changes.append(f"{url} now answers 410 Gone")
        # Same placement rule as import: an image never takes a JSON document's URL.
        for moved_from, moved_to in place_document(wallet.cache, url, doc).items():
            for other in wallet.credentials:
                if other.image_key == moved_from:
                    other.image_key = moved_to
        if url not in cred.cache_urls:
            cred.cache_urls.append(url)
    item.expiring_soon = _expiring(cred.expires, now)
    if item.expiring_soon:
        item.changes.append(f"expires {cred.expires}, within {EXPIRY_WINDOW.days} days")
    return item


def _reverify(wallet: WalletData, cred: StoredCredential, item: RefreshItem, now: datetime,
              verifier: Verifier | None) -> None:
    if verifier is None:
        return
    before = cred.verification
    after = verifier(cred, wallet, now)
    cred.verification = after
    item.verification = after
    item.signing_key = after.signer
    if after.signer:
        cred.extra["signing_key"] = {"id": after.signer, "recorded_at": _iso(now)}
        for line in item.key_rotations:
            if after.signer.split("#", 1)[0] in line or after.signer in line:
                item.changes.append(f"the key that signed this credential ({after.signer}) is "
                                    "affected by a key change")
                break
    old_rev = before.check("revocation") if before else None
    new_rev = after.check("revocation")
    if new_rev is not None and new_rev.status == "failed" and (
            old_rev is None or old_rev.status != "failed"):
        item.newly_revoked = True
        item.changes.append(f"newly revoked: {new_rev.detail}")
    if before is not None and before.verified != after.verified:
        item.changes.append("now verifies" if after.verified else "no longer verifies")


def _key_changes(url: str, old: CachedDocument, new: CachedDocument) -> list[str]:
    """Human lines for keys added, removed or replaced between two key/DID documents."""
    before, after = _keys_of(old), _keys_of(new)
    out: list[str] = []
    for vm in sorted(before.keys() - after.keys()):
        out.append(f"key {vm} was removed from {url}")
    for vm in sorted(after.keys() - before.keys()):
        out.append(f"key {vm} was added to {url}")
    for vm in sorted(before.keys() & after.keys()):
        if before[vm] != after[vm]:
            out.append(f"key {vm} in {url} now has different key material (rotated)")
    return out


def _keys_of(doc: CachedDocument) -> dict[str, str]:
    parsed = json_of(doc) if doc.http_status == 200 else None
    if not isinstance(parsed, dict):
        return {}
    out: dict[str, str] = {}
    candidates = [parsed]
    for rel in ("verificationMethod", "assertionMethod", "authentication", "publicKey"):
        candidates += [v for v in as_list(parsed.get(rel)) if isinstance(v, dict)]
    base = str(parsed["id"]) if isinstance(parsed.get("id"), str) else ""
    for vm in candidates:
        vid = vm.get("id")
        material = {k: vm[k] for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyPem",
                                       "publicKeyBase58") if k in vm}
        if isinstance(vid, str) and material:
            full = base + vid if vid.startswith("#") else vid
            out[full] = json.dumps(material, sort_keys=True)
    return out


def _expiring(expires: str | None, now: datetime) -> bool:
    from credwallet.verify.dates import parse_datetime, shift

    when = parse_datetime(expires) if expires else None
    return when is not None and now < when <= shift(now, EXPIRY_WINDOW)  # total at year 9999


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
