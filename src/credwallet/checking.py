"""The verify use cases: stored credentials (in a process pool when there are many, with the
results stored back in the wallet) and files checked without a wallet.

Each run returns a `Checked`: one result per credential or file and its exit code. Nothing
here prints; the caller renders the results and any `not_stored` warning.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from credwallet.errors import (
    BadInput,
    CredwalletError,
    VerificationFailed,
    WalletError,
    WalletLocked,
    WalletWriteError,
)
from credwallet.models import CachedDocument, Check, CheckName, VerificationResult
from credwallet.models.entry import DamagedEntry, StoredCredential, WalletData
from credwallet.models.results import VERDICT

if TYPE_CHECKING:
    from credwallet.trust.check import TrustPolicy

MAX_FILE_BYTES = 16 * 1024 * 1024
POOL_THRESHOLD = 8  # below this, process start-up costs more than it saves
DAMAGED_CHECK = CheckName.STORED_ENTRY


class WalletAccess(Protocol):
    """How a run reaches the wallet: a read-only snapshot, or a read-modify-write transaction."""

    def open_wallet(self) -> WalletData: ...

    def transaction(self) -> AbstractContextManager[WalletData]: ...


class Observer(Protocol):
    """Watches a pooled run (the CLI shows a bar): start(total), advance() per result,
    finish() once, also when the run fails."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...


@dataclass(frozen=True)
class Checked:
    """One result per credential or file, its exit code (0 verified, 1 not verified, 3
    unreadable, 4 damaged), and why the results could not be stored in the wallet, if so."""

    results: list[VerificationResult]
    codes: list[int]
    not_stored: str | None = None
    names: dict[str, str | None] = field(default_factory=dict)  # wallet id -> credential name


# --- one credential (in this process or in a pool worker) ---------------------------------

_worker_state: dict[str, Any] = {}
_Job = tuple[bytes, str, str, str, datetime]


def _init_worker(cache: dict[str, CachedDocument], identities: list[str], holder: str | None,
                 trust: TrustPolicy | None = None) -> None:
    from credwallet.verify import DictMaterial

    _worker_state.update(material=DictMaterial(cache), identities=identities, holder=holder,
                         trust=trust)


def _verify_task(raw: bytes, fmt: str, wallet_id: str, source: str,
                 now: datetime) -> VerificationResult:
    from credwallet.verify import verify_bytes

    try:
        return verify_bytes(
            raw,
            now=now,
            material=_worker_state["material"],
            identities=_worker_state["identities"],
            holder_did=_worker_state["holder"],
            format=fmt,
            wallet_id=wallet_id,
            source=source,
            trust=_worker_state.get("trust"),
        )
    except BadInput as exc:
        return unreadable(exc, now, wallet_id=wallet_id, source=source)
    except DamagedEntry as exc:  # a cached document it needs is damaged
        return damaged(exc, now, wallet_id=wallet_id, source=source)


def _pooled_task(raw: bytes, fmt: str, wallet_id: str, source: str, now: datetime) -> str:
    """`_verify_task` in a pool worker: the result crosses the process boundary as JSON."""
    return _verify_task(raw, fmt, wallet_id, source, now).model_dump_json()


def damaged(exc: DamagedEntry, now: datetime, *, wallet_id: str | None,
            source: str | None) -> VerificationResult:
    """The result for an entry the wallet holds but cannot decode (exit 4 for that item)."""
    return VerificationResult.from_checks(
        [Check(check=DAMAGED_CHECK, status="failed", detail=exc.message)],
        id=wallet_id, source=source, checked_at=now)


def unreadable(exc: CredwalletError, now: datetime, *, wallet_id: str | None = None,
               source: str | None = None) -> VerificationResult:
    """The result for bytes that are no credential at all (exit 3 for that item)."""
    return VerificationResult.from_checks(
        [Check(check=CheckName.FORMAT, status="failed", detail=exc.message)],
        id=wallet_id,
        source=source,
        checked_at=now,
    )


def is_damaged(r: VerificationResult) -> bool:
    return any(c.check == DAMAGED_CHECK and c.status == "failed" for c in r.checks)


def is_unreadable(r: VerificationResult) -> bool:
    return len(r.checks) == 1 and r.checks[0].check == "format" and r.checks[0].status == "failed"


def _stored_code(r: VerificationResult) -> int:
    return 0 if r.verified else 4 if is_damaged(r) else 3 if is_unreadable(r) else 1


# --- stored credentials ----------------------------------------------------------------------

def check_stored(access: WalletAccess, refs: Sequence[str], *, all_: bool, now: datetime,
                 store_results: bool, require_trusted: bool = False,
                 progress: Observer | None = None) -> Checked:
    """Verify stored credentials (`refs`, or every one with `all_`) offline, from the material
    cached at import. With `store_results`, each result becomes the credential's last
    verification; a read-only or locked wallet is still verified, and `not_stored` says why
    nothing was recorded."""
    results: list[VerificationResult] | None = None
    not_stored: str | None = None
    names: dict[str, str | None] = {}
    if not store_results:
        wallet = access.open_wallet()
        results = verify_wallet(wallet, refs, all_=all_, now=now,
                                require_trusted=require_trusted, progress=progress)
        names = _names(wallet)
    else:
        try:
            with access.transaction() as wallet:
                results = verify_wallet(wallet, refs, all_=all_, now=now,
                                        require_trusted=require_trusted, progress=progress)
                names = _names(wallet)
                by_id = {r.id: r for r in results}
                for cred in wallet.credentials:
                    if cred.id in by_id:
                        cred.verification = by_id[cred.id]
        except WalletError as exc:
            # A read-only or locked wallet can still be verified; only the record is lost.
            if type(exc) not in (WalletLocked, WalletWriteError, WalletError):
                raise
            if results is None:
                wallet = access.open_wallet()
                results = verify_wallet(wallet, refs, all_=all_, now=now,
                                        require_trusted=require_trusted, progress=progress)
                names = _names(wallet)
            not_stored = exc.message
    return Checked(results, [_stored_code(r) for r in results], not_stored, names)


def _names(wallet: WalletData) -> dict[str, str | None]:
    return {c.id: c.name for c in wallet.credentials}


def _selected(wallet: WalletData, refs: Sequence[str], all_: bool) -> list[StoredCredential]:
    creds = list(wallet.credentials) if all_ else []
    for ref in refs:  # NotFound (exit 6) for an unknown id, before any work
        cred = wallet.find(ref)
        if cred not in creds:
            creds.append(cred)
    return creds


def verify_wallet(wallet: WalletData, refs: Sequence[str], *, all_: bool, now: datetime,
                  require_trusted: bool = False,
                  progress: Observer | None = None) -> list[VerificationResult]:
    """One result per selected credential, in order; a damaged entry is reported as such and
    the others are still verified. Many credentials are verified in a process pool.

    A container's nested results name the stored credentials they are (`extra.wallet_id`), so
    a renderer can show a CLR's courses once, inside it. A contained credential whose container
    is verified in the same run is not verified again: its own result (what the wallet stores
    for it) is the container's nested result for it, given what only a top-level verification
    adds (the issuer's trust, the endorsements; `_from_container`)."""
    creds = _selected(wallet, refs, all_)
    selected = {c.id for c in creds}
    inside = {c.id for c in creds if c.parent_id is not None and c.parent_id in selected}
    done = _verify_each(wallet, [c for c in creds if c.id not in inside], now=now,
                        require_trusted=require_trusted, progress=progress)
    by_wallet_id = {c.id: c for c in wallet.credentials}
    for c in creds:
        if c.id in inside:  # in wallet order: a container before what it contains
            parent = done.get(c.parent_id or "")
            own = _from_container(c, parent, wallet, now, require_trusted) if parent else None
            done[c.id] = own if own is not None else _verify_each(
                wallet, [c], now=now, require_trusted=require_trusted, progress=None)[c.id]
        _label_nested(c, done[c.id], by_wallet_id)
    return [done[c.id] for c in creds]


def _from_container(cred: StoredCredential, container: VerificationResult, wallet: WalletData,
                    now: datetime, require_trusted: bool) -> VerificationResult | None:
    """`cred`'s result taken from its container's nested result for it: the same checks of the
    same bytes at the same time, plus what verify_bytes adds to a top-level result (annotate:
    issuer trust, endorsements). None when there is none to take (then it is verified)."""
    from credwallet.ingest.sniff import recognise
    from credwallet.verify import DictMaterial, verify_bytes
    from credwallet.verify.endorsement import annotate
    from credwallet.verify.engine import wallet_trust

    nested = next((n for n in container.nested if n.extra.get("wallet_id") == cred.id), None)
    if nested is None:
        return None
    try:
        rec = recognise(cred.raw_bytes(), cred.source)
    except (BadInput, DamagedEntry):
        return None  # verified on its own, which reports it as it should
    result = nested.model_copy(deep=True, update={"id": cred.id, "source": cred.source,
                                                  "format": cred.format})
    result.extra.pop("wallet_id", None)
    mine = [*(i.value for i in wallet.identities), wallet.holder.did]
    annotate(result, rec, now=now, material=DictMaterial(wallet.cache),
             trust=wallet_trust(wallet, require_trusted=require_trusted), identities=mine,
             verify=verify_bytes)
    return result


def _label_nested(cred: StoredCredential, result: VerificationResult,
                  by_wallet_id: dict[str, StoredCredential]) -> None:
    """Mark each nested result of a stored container with the wallet id of the stored entry it
    is (matched by credential id, else by position when every child was stored)."""
    if not result.nested or not cred.children:
        return
    children = [by_wallet_id[i] for i in cred.children if i in by_wallet_id]
    unclaimed = list(children)
    for n in result.nested:
        match = next((c for c in unclaimed if c.credential_id and c.credential_id == n.source),
                     None)
        if match is not None:
            n.extra["wallet_id"] = match.id
            unclaimed.remove(match)
    if len(children) == len(result.nested) and all("wallet_id" not in n.extra
                                                   for n in result.nested):
        for n, c in zip(result.nested, children, strict=True):
            n.extra["wallet_id"] = c.id


def _verify_each(wallet: WalletData, creds: list[StoredCredential], *, now: datetime,
                 require_trusted: bool,
                 progress: Observer | None) -> dict[str, VerificationResult]:
    from credwallet.verify.engine import wallet_trust

    identities = [i.value for i in wallet.identities]
    trust = wallet_trust(wallet, require_trusted=require_trusted)
    broken: dict[str, VerificationResult] = {}
    jobs: list[_Job] = []
    for c in creds:
        try:
            jobs.append((c.raw_bytes(), c.format, c.id, c.source, now))
        except DamagedEntry as exc:
            broken[c.id] = damaged(exc, now, wallet_id=c.id, source=c.source)
    if not jobs:
        return broken
    _init_worker(wallet.cache, identities, wallet.holder.did, trust)
    if len(jobs) > POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        fresh = _verify_in_pool(jobs, (wallet.cache, identities, wallet.holder.did, trust),
                                progress)
    else:
        fresh = [_verify_task(*job) for job in jobs]
    done = iter(fresh)
    return {c.id: broken[c.id] if c.id in broken else next(done) for c in creds}


def _verify_in_pool(jobs: list[_Job], initargs: tuple[Any, ...],
                    progress: Observer | None) -> list[VerificationResult]:
    # Verify the first one here: forked workers then inherit the imported modules and the
    # processed bundled contexts instead of each warming up from cold.
    first = _verify_task(*jobs[0])
    rest = jobs[1:]
    from concurrent.futures import ProcessPoolExecutor  # lazy: startup time

    with ProcessPoolExecutor(max_workers=os.cpu_count(), initializer=_init_worker,
                             initargs=initargs) as pool:
        stream = pool.map(
            _pooled_task,
            *zip(*rest, strict=True),
            chunksize=max(1, min(32, len(rest) // (4 * (os.cpu_count() or 1)))),
        )
        dumped = _collect(stream, len(rest), progress)
    return [first, *(VerificationResult.model_validate_json(d) for d in dumped)]


def _collect(stream: Iterator[str], total: int, progress: Observer | None) -> list[str]:
    if progress is None:
        return list(stream)
    out: list[str] = []
    progress.start(total)
    try:
        for item in stream:
            out.append(item)
            progress.advance()
    finally:
        progress.finish()
    return out


# --- files, without a wallet -----------------------------------------------------------------

def check_files(paths: Iterable[str], now: datetime, *, require_trusted: bool = False,
                offline: bool = True, challenge: str | None = None, domain: str | None = None,
                allow_hosts: Sequence[Any] = ()) -> Checked:
    """Files checked without a wallet: a credential, a presentation, a bundle zip or a page.

    Online (the default for files), what verification needs is fetched now under the network
    rules, and each fetched item is reported with its time; offline, nothing is fetched and the
    checks say what could not be established.
    """
    from credwallet.verify.engine import walletless_trust

    trust = walletless_trust(require_trusted=require_trusted)
    results: list[VerificationResult] = []
    codes: list[int] = []
    for path in paths:
        result, code = _check_file(path, now, trust, offline=offline, challenge=challenge,
                                   domain=domain, allow_hosts=allow_hosts)
        results.append(result)
        codes.append(code)
    return Checked(results, codes)


def _read_file(path: str) -> bytes | BadInput:
    """The file's bytes, or why it cannot be read (that file's result). A file over
    MAX_FILE_BYTES raises BadInput instead, which ends the whole run (exit 3)."""
    try:
        p = Path(path)
        if p.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        return p.read_bytes()
    except OSError as exc:
        return BadInput(f"cannot read {path}: {exc.strerror}")


def _check_file(path: str, now: datetime, trust: TrustPolicy | None, *, offline: bool,
                challenge: str | None, domain: str | None,
                allow_hosts: Sequence[Any]) -> tuple[VerificationResult, int]:
    from credwallet.artifact import gather_online, open_artifact
    from credwallet.verify import DictMaterial, EmptyMaterial, MaterialSource, verify_bytes

    raw = _read_file(path)
    if isinstance(raw, BadInput):
        return unreadable(raw, now, source=path), raw.exit_code
    try:
        opened = open_artifact(raw, path)

        def verify(material: MaterialSource) -> VerificationResult:
            return verify_bytes(opened.data, now=now, material=material, source=path,
                                trust=trust, challenge=challenge, domain=domain)

        gathered = None if offline else gather_online(opened.data, path, now=now, verify=verify,
                                                      allow_hosts=list(allow_hosts))
        result = gathered.result if gathered and gathered.result is not None else verify(
            DictMaterial(gathered.material) if gathered else EmptyMaterial())
    except BadInput as exc:
        return unreadable(exc, now, source=path), exc.exit_code
    if opened.checks:
        checks = [*opened.checks, *result.checks]
        result = result.model_copy(update={"checks": checks, "verified": VERDICT.verified(checks)})
    result.extra["opened_as"] = opened.kind
    if gathered is not None:
        result.extra["fetched"] = gathered.fetched
        result.extra["fetch_problems"] = gathered.problems
    else:
        result.extra["fetched"] = None  # offline: nothing was fetched
    return result, 0 if result.verified else 1


# --- the run's summary -----------------------------------------------------------------------

def summary_error(results: Sequence[VerificationResult], codes: Sequence[int],
                  code: int) -> CredwalletError | None:
    """The contract's `error` object for a run that did not end in exit 0."""
    if code == 0:
        return None
    bad = sum(1 for c in codes if c != 0)
    unreadable_count = sum(1 for c in codes if c == 3)
    message = f"{bad} of {len(results)} did not verify" + (
        f" ({unreadable_count} unreadable)" if unreadable_count else ""
    )
    damaged_count = sum(1 for c in codes if c == 4)
    if damaged_count:
        message += f" ({damaged_count} damaged)"
    if code == 4:
        return DamagedEntry(message)
    return BadInput(message) if code == 3 else VerificationFailed(message)


__all__ = ["MAX_FILE_BYTES", "POOL_THRESHOLD", "Checked", "Observer", "WalletAccess",
           "check_files", "check_stored", "summary_error", "verify_wallet"]
