"""Import: sources -> recognised credentials -> stored entries, each verified and reported.

The wallet is only changed for sources that succeeded; a failed source leaves no trace.
Network sources are handled by `credwallet.fetch` (the only network code) when present.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from credwallet.errors import BadInput, CredwalletError, InputTooLarge, most_serious
from credwallet.formats import spec
from credwallet.ingest.describe import view_of
from credwallet.ingest.sniff import MAX_INPUT_BYTES, Recognised, recognise
from credwallet.material import IMAGE_PREFIX, KIND_ORDER, Fetched, Probe, place_document, rank
from credwallet.models.entry import CachedDocument, StoredCredential, WalletData, encode_raw
from credwallet.models.results import IMPORT_POLICY, CheckName, VerificationResult


@dataclass
class ImportItem:
    source: str
    status: str  # imported | duplicate | failed
    id: str | None = None
    format: str | None = None
    name: str | None = None
    error: str | None = None
    hint: str | None = None  # what to do about `error` (e.g. "--allow-host ...")
    exit_code: int = 0
    verification: VerificationResult | None = None
    children: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def contract_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "status": self.status, "id": self.id, "format": self.format,
            "name": self.name, "error": self.error, "hint": self.hint,
            "verification": self.verification.contract_dict() if self.verification else None,
            "children": self.children, "warnings": self.warnings,
        }


def wallet_id_for(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def read_local(source: str, stdin: BinaryIO | None = None) -> bytes:
    """Bytes of a file path or '-' (stdin), with a size cap."""
    if source == "-":
        stream = stdin or sys.stdin.buffer
        data = stream.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        try:
            if path.is_dir():
                raise BadInput(f"{source} is a directory")
            with path.open("rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise BadInput(f"no such file: {source}") from None
        except OSError as exc:
            raise BadInput(f"cannot read {source}: {exc.strerror}") from None
        except ValueError:  # e.g. an embedded NUL byte in the path
            raise BadInput(f"not a usable file name: {source!r}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLarge(f"{source} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    return data


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def load_local(source: str, stdin: BinaryIO | None = None) -> Fetched:
    return Fetched(recognise(read_local(source, stdin), source), source)


def _entry(rec: Recognised, source: str, now: datetime, parent: str | None,
           cache: dict[str, CachedDocument]) -> StoredCredential:
    text, enc = encode_raw(rec.raw)
    wid = wallet_id_for(rec.raw)
    entry = StoredCredential(id=wid, format=rec.format, media_type=rec.media_type, raw=text,
                             raw_encoding=enc, source=source, imported_at=now, parent_id=parent)
    if rec.document is not None:
        view = view_of(rec.format, rec.document, cache, wallet_id=wid)
        entry.credential_id = view.credential_id
        entry.name = view.name
        entry.issuer_id = view.issuer.id
        entry.issuer_name = view.issuer.name
        entry.issued = view.issued
        entry.expires = view.expires
        entry.achievement_id = view.achievement.id
    return entry


class HeldIndex:
    """Where `_duplicate_of` looks: the first held credential with a wallet id, and the first
    with a (credential id, format, container) key. Made once per import run and caught up as
    entries are committed (an import only appends), so a run of n sources does not scan the
    wallet n times."""

    def __init__(self, creds: list[StoredCredential]) -> None:
        self.creds = creds
        self._ids: dict[str, int] = {}
        self._keys: dict[tuple[str, str, str | None], int] = {}
        self._count = 0

    def holds_id(self, wallet_id: str) -> bool:
        self._catch_up()
        return wallet_id in self._ids

    def duplicate_of(self, entry: StoredCredential) -> StoredCredential | None:
        self._catch_up()
        hits = [self._ids.get(entry.id)]
        if entry.credential_id:
            hits.append(self._keys.get((entry.credential_id, entry.format, entry.parent_id)))
        found = [h for h in hits if h is not None]
        return self.creds[min(found)] if found else None

    def _catch_up(self) -> None:
        for at in range(self._count, len(self.creds)):
            c = self.creds[at]
            self._ids.setdefault(c.id, at)
            if c.credential_id:
                self._keys.setdefault((c.credential_id, c.format, c.parent_id), at)
        self._count = len(self.creds)


def _duplicate_of(wallet: WalletData, entry: StoredCredential,
                  held: HeldIndex | None = None) -> StoredCredential | None:
    """The held credential `entry` duplicates: the same wallet id, or the same credential id
    in the same format and container (the first in wallet order)."""
    if held is None or held.creds is not wallet.credentials or len(held.creds) < held._count:
        held = HeldIndex(wallet.credentials)
    return held.duplicate_of(entry)


Verifier = Callable[[StoredCredential, WalletData, datetime], VerificationResult]


def default_verifier() -> Verifier | None:
    try:
        from credwallet.verify import verify_stored
    except ImportError:
        return None
    return verify_stored


def proof_failed(result: VerificationResult) -> str | None:
    """Reason a credential must be refused at import (the import policy's decisive checks)."""
    if IMPORT_POLICY.acceptable(result.checks):
        return None
    check = next(c for c in result.checks if c.status == "failed" and c.check in IMPORT_POLICY.decisive)
    return f"{check.check}: {check.detail}"


def add_fetched(wallet: WalletData, fetched: Fetched, *, now: datetime, keep_invalid: bool = False,
                verifier: Verifier | None = None, tags: Sequence[str] = (),
                held: HeldIndex | None = None) -> ImportItem:
    """Store one fetched source (and its children) in `wallet`, or change nothing.
    `held`: the run's duplicate lookup (import_all), else one is made for this call."""
    rec = fetched.recognised
    if rec.document is None and rec.hosted_url:
        raise BadInput(f"{fetched.source} only points at {rec.hosted_url}; the hosted assertion "
                       "could not be fetched")
    # Everything is staged on a copy of the cache; the wallet changes only in _commit.
    cache = dict(wallet.cache)
    moved = _place_material(cache, fetched)
    top = _entry(rec, fetched.source, now, None, cache)
    top.cache_urls = sorted(set(fetched.material) | set(moved.values()))
    top.tags = list(tags)
    item = ImportItem(source=fetched.source, status="imported", id=top.id, format=top.format,
                      name=top.name, warnings=list(fetched.warnings))
    dup = _duplicate_of(wallet, top, held)
    if dup is not None:
        item.status, item.id, item.name = "duplicate", dup.id, dup.name
        item.verification = dup.verification
        # Re-importing what is held with --tag tags it (nothing else about it changes).
        seen = {t.casefold() for t in dup.tags}
        for tag in tags:
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                dup.tags.append(tag)
        return item
    children = [_entry(c, fetched.source, now, top.id, cache) for c in rec.children]
    _attach_image(top, fetched, cache, moved, now)
    if verifier is not None:
        staged = wallet.model_copy(update={"cache": cache,
                                           "credentials": [*wallet.credentials, top, *children]})
        kept = _verify_staged(item, top, children, fetched, _Staging(staged, now, verifier),
                              keep_invalid=keep_invalid)
        if kept is None:
            return item
        children = kept
    top.children = [c.id for c in children]
    item.children = top.children
    _commit(wallet, cache, moved, top, children, held)
    return item


def _place_material(cache: dict[str, CachedDocument], fetched: Fetched) -> dict[str, str]:
    """Put the fetched documents in `cache`; the keys that moved (old -> new)."""
    moved: dict[str, str] = {}
    for key, doc in fetched.material.items():
        moved.update(place_document(cache, key, doc))
    return moved


def _attach_image(top: StoredCredential, fetched: Fetched, cache: dict[str, CachedDocument],
                  moved: dict[str, str], now: datetime) -> None:
    """Point `top` at its badge image: the baked one, else the fetched image if it was cached."""
    rec = fetched.recognised
    if rec.image is not None:
        key = f"baked:{hashlib.sha256(rec.image).hexdigest()}"
        cache[key] = CachedDocument.make(key, "image", rec.image, now,
                                         media_type=rec.image_media_type)
        top.image_key = key
    elif fetched.image_url is not None:
        image_key = moved.get(fetched.image_url, fetched.image_url)
        if image_key in cache and cache[image_key].kind == "image":
            top.image_key = image_key


@dataclass(frozen=True)
class _Staging:
    """The wallet as it would be after the import, and how to verify entries against it."""
    wallet: WalletData
    now: datetime
    verifier: Verifier

    def verify(self, entry: StoredCredential) -> VerificationResult:
        return self.verifier(entry, self.wallet, self.now)


def _verify_staged(item: ImportItem, top: StoredCredential, children: list[StoredCredential],
                   fetched: Fetched, staging: _Staging, *,
                   keep_invalid: bool) -> list[StoredCredential] | None:
    """Verify the staged entries: the children to store, or None when the import is refused
    (`item` then says why)."""
    result = staging.verify(top)
    top.verification = result
    item.verification = result
    reason = proof_failed(result)
    if reason is not None and _withdrawn(fetched.recognised, staging.wallet.cache):
        reason = None  # a hosted assertion answering 410 is revoked: kept and marked
    if reason is not None:
        if not keep_invalid:
            _refuse(item, reason, fetched.network_errors)
            return None
        top.kept_invalid = True
    for child in children:
        child.verification = staging.verify(child)
    if spec(fetched.recognised.format).is_presentation and children and not keep_invalid:
        return _sound_contents(item, children)
    return children


def _refuse(item: ImportItem, reason: str, network_errors: Sequence[str]) -> None:
    item.status, item.error, item.exit_code = "failed", f"not imported: {reason}", 1
    if network_errors:
        # The proof could not be checked because material was lost to the network.
        item.error += f" (network: {network_errors[0]})"
        item.exit_code = 5
        item.hint = "a document the proof needs could not be fetched; try the import again later"


def _sound_contents(item: ImportItem,
                    children: list[StoredCredential]) -> list[StoredCredential] | None:
    """A presentation is only an envelope: each credential in it must stand on its own.
    The children that do, or None (the import refused) when none does."""
    refused = [c for c in children if c.verification and _unsound(c.verification)]
    kept = [c for c in children if c not in refused]
    if refused:
        item.warnings.append(f"{len(refused)} contained credential(s) refused: "
                             + "; ".join(proof_failed(c.verification) or "contents do not verify"
                                         for c in refused if c.verification))
    if not kept:
        item.status, item.exit_code = "failed", 1
        item.error = "not imported: no credential in the presentation verifies"
        return None
    return kept


def _commit(wallet: WalletData, cache: dict[str, CachedDocument], moved: dict[str, str],
            top: StoredCredential, children: list[StoredCredential],
            held: HeldIndex | None = None) -> None:
    """Apply a staged import to the real wallet (only once everything succeeded)."""
    wallet.cache = cache
    for cred in wallet.credentials if moved else ():  # an image that gave its URL to a document
        if cred.image_key in moved:
            cred.image_key = moved[cred.image_key]
    wallet.credentials.extend([top, *[c for c in children
                                      if _duplicate_of(wallet, c, held) is None]])


def _unsound(result: VerificationResult) -> bool:
    """Its proof fails, or (for a nested container) something inside it does."""
    return proof_failed(result) is not None or any(
        c.check == CheckName.NESTED and c.status == "failed" for c in result.checks)


def _withdrawn(rec: Recognised, cache: dict[str, CachedDocument]) -> bool:
    """A hosted assertion (OB 2.0, or 1.x at its `verify.url`) whose issuer now answers 410
    Gone where it is hosted."""
    doc = rec.document
    if doc is None or rec.format not in ("ob2-hosted", "ob1-hosted"):
        return False
    verify = doc.get("verify") if rec.format == "ob1-hosted" else None
    urls = [doc.get("id"), verify.get("url") if isinstance(verify, dict) else None]
    return any(isinstance(u, str) and (c := cache.get(u)) is not None and c.http_status == 410
               for u in urls)


def failed_item(source: str, exc: CredwalletError) -> ImportItem:
    return ImportItem(source=source, status="failed", error=exc.message, hint=exc.hint,
                      exit_code=exc.exit_code)


def exit_code_of(items: Sequence[ImportItem]) -> int:
    return most_serious([i.exit_code for i in items])


Pending = Fetched | str  # a loaded local source, or a URL still to fetch


def import_all(wallet: WalletData, sources: Sequence[str], *, now: datetime,
               keep_invalid: bool = False, insecure_http: bool = False, tags: Sequence[str] = (),
               progress: bool | Any = False, stdin: BinaryIO | None = None,
               allow_hosts: Sequence[Any] = ()) -> list[ImportItem]:
    """Import every source; one ImportItem per source, in order. Failures change nothing.

    `allow_hosts`: `fetch.AllowedHost`s (--allow-host) whose private addresses may be fetched.
    """
    items: list[ImportItem | None] = [None] * len(sources)
    pending: list[tuple[int, Pending]] = []
    for i, source in enumerate(sources):
        if is_url(source):
            pending.append((i, source))
            continue
        try:
            pending.append((i, load_local(source, stdin)))
        except CredwalletError as exc:
            items[i] = failed_item(source, exc)
    verifier = default_verifier()
    once = None if verifier is None else VerifyOnce(
        wallet, now, [p for _i, p in pending if not isinstance(p, str)], verifier)
    completed = complete_online(pending, insecure_http=insecure_http, progress=progress,
                                allow_hosts=allow_hosts, now=now,
                                probe=once.probe if once is not None else None)
    verifier = once.verify if once is not None else None
    held = HeldIndex(wallet.credentials)
    for i, outcome in completed:
        if isinstance(outcome, CredwalletError):
            items[i] = failed_item(sources[i], outcome)
            continue
        try:
            items[i] = add_fetched(wallet, outcome, now=now, keep_invalid=keep_invalid,
                                   verifier=verifier, tags=tags, held=held)
        except CredwalletError as exc:
            items[i] = failed_item(sources[i], exc)
    return [it for it in items if it is not None]


class VerifyOnce:
    """The fetch layer's probe (what verification asks for, fetch/rounds.py) run as the
    import's own verification of each local source: the probe's last round, which asked for
    nothing it did not get, is with the same bytes, material, identities, holder, trust and
    `now` exactly what `verify_stored` of the staged entry computes, so the import keeps it
    instead of verifying every credential a second time. Anything else (a URL source, a
    contained credential, a round that missed something) is verified as before."""

    def __init__(self, wallet: WalletData, now: datetime, local: Sequence[Fetched],
                 fallback: Verifier) -> None:
        from credwallet.verify.engine import wallet_trust

        self.now = now
        self.identities = [i.value for i in wallet.identities]
        self.holder = wallet.holder.did
        self.trust = wallet_trust(wallet)
        self.sources = {id(f.recognised): f.source for f in local}
        self.fallback = fallback
        self.done: dict[str, VerificationResult] = {}

    def probe(self, rec: Recognised, material: Any) -> object:
        from credwallet.verify.engine import verify_bytes

        source = self.sources.get(id(rec))
        wid = wallet_id_for(rec.raw)
        result = verify_bytes(rec.raw, now=self.now, material=material, format=rec.format,
                              identities=self.identities if source is not None else (),
                              holder_did=self.holder if source is not None else None,
                              trust=self.trust if source is not None else None,
                              wallet_id=wid if source is not None else None, source=source)
        if source is not None and not getattr(material, "missed", True):
            self.done[wid] = result
        else:
            self.done.pop(wid, None)
        return result

    def verify(self, entry: StoredCredential, staged: WalletData,
               when: datetime) -> VerificationResult:
        kept = self.done.pop(entry.id, None) if when == self.now else None
        if kept is not None and kept.source == entry.source:
            return kept
        return self.fallback(entry, staged, when)


def complete_online(pending: list[tuple[int, Pending]], *, insecure_http: bool,
                    progress: bool | Any, allow_hosts: Sequence[Any] = (),
                    now: datetime | None = None, probe: Probe | None = None,
                    ) -> list[tuple[int, Fetched | CredwalletError]]:
    """Fetch URL sources and the material (keys, profiles, status lists) every source needs:
    what verification at `now` asks for and does not find (fetch/rounds.py).

    `progress`: False, True (no display from the core), or an observer (see fetch.Observer).
    `probe`: that verification (default: the offline verifier at `now`).
    """
    from credwallet import fetch  # the network layer, loaded only when a command needs it
    from credwallet.fetch.rounds import offline_verification

    result: list[tuple[int, Fetched | CredwalletError]] = fetch.complete(
        pending, insecure_http=insecure_http, progress=progress, allow_hosts=allow_hosts,
        probe=probe or offline_verification(now))
    return result


__all__ = [
    "IMAGE_PREFIX",
    "KIND_ORDER",
    "Fetched",
    "ImportItem",
    "add_fetched",
    "default_verifier",
    "import_all",
    "place_document",
    "rank",
]
