"""`credwallet doctor`: what a newcomer (or whoever helps them) needs to know about a wallet, in
one report: the home and the wallet file with their permissions, the lock, the key-derivation
parameters, how old the cached status lists and keys are, identities, trust settings, pathways.

Read-only by construction: files are stat'ed and read, the lock is probed with a shared
non-blocking flock that is released at once (nothing is written to the lock file), and the wallet
is opened the way `list` opens it (no lock, no save). Nothing secret is ever part of a fact: no
passphrase, no key seed, no salt or nonce.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from credwallet.errors import CredwalletError, WalletError

Status = Literal["ok", "warning", "failed", "skipped"]

# Past these ages a cached document is worth re-fetching (`credwallet refresh`): revocation
# can happen any day, so status answers age fast; keys and DID documents change rarely.
STATUS_KINDS = ("status_list", "token_status_list", "revocation_list", "assertion")
KEY_KINDS = ("did", "key", "pem_key")
REFRESH_AFTER_DAYS = {**dict.fromkeys(STATUS_KINDS, 7), **dict.fromkeys(KEY_KINDS, 30)}
REGISTRY_REFRESH_AFTER_DAYS = 30


@dataclass(frozen=True)
class Check:
    check: str
    status: Status
    detail: str
    hint: str | None = None
    error: CredwalletError | None = None  # what a failure means as an exit code and kind

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "status": self.status, "detail": self.detail}
        if self.hint:
            out["hint"] = self.hint
        return out


@dataclass
class Report:
    home: Path
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def failure(self) -> CredwalletError | None:
        """The first failure's error (every failure doctor finds is a wallet error, exit 4)."""
        return next((c.error or WalletError(c.detail) for c in self.checks
                     if c.status == "failed"), None)


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


# ------------------------------------------------------------------ without the passphrase


def check_home(report: Report) -> None:
    from credwallet.paths import check_home as refuse_unsafe

    st = _stat(report.home)
    report.facts["home"] = {"path": str(report.home), "exists": st is not None,
                            "mode": _mode(st) if st else None}
    if st is None:
        from credwallet.errors import WalletMissing

        report.add(Check("home", "failed", f"{report.home} does not exist",
                         "create a wallet with `credwallet init`",
                         WalletMissing(f"no wallet home at {report.home}")))
        return
    try:
        refuse_unsafe(report.home)
    except WalletError as exc:
        report.add(Check("home", "failed", exc.message, exc.hint, exc))
        return
    report.add(Check("home", "ok", f"{report.home} (mode {_mode(st)}, yours)"))


def check_wallet_file(report: Report, path: Path) -> bytes | None:
    """Size, mode and age of the wallet file; -> its bytes when it can be read."""
    from credwallet.errors import WalletMissing

    st = _stat(path)
    backup = path.with_name(path.name + ".bak")
    report.facts["wallet"] = {
        "path": str(path), "exists": st is not None, "bytes": st.st_size if st else None,
        "mode": _mode(st) if st else None,
        "modified_at": datetime.fromtimestamp(st.st_mtime).astimezone() if st else None,
        "backup_exists": backup.exists(), "payload_version": None, "credentials": None,
    }
    if st is None:
        report.add(Check("wallet_file", "failed", f"no wallet at {path}",
                         "create one with `credwallet init`", WalletMissing(f"no wallet at {path}")))
        return None
    try:
        blob = path.read_bytes()
    except OSError as exc:
        error = WalletError(f"cannot read {path}: {exc.strerror}")
        report.add(Check("wallet_file", "failed", error.message, error=error))
        return None
    if stat.S_IMODE(st.st_mode) & 0o077:
        report.add(Check("wallet_file", "warning",
                         f"{path} ({st.st_size} bytes) is readable by others (mode {_mode(st)})",
                         f"chmod 600 {path}"))
    else:
        report.add(Check("wallet_file", "ok", f"{path} ({st.st_size} bytes, mode {_mode(st)})"))
    return blob


def check_kdf(report: Report, blob: bytes) -> bool:
    """The header's Argon2id parameters against those new saves use; -> header readable."""
    from credwallet.wallet import fileformat

    try:
        params = fileformat.parse_header(blob)[0]
    except WalletError as exc:
        report.add(Check("kdf", "failed", exc.message, exc.hint, exc))
        return False
    report.facts["kdf"] = {"algorithm": fileformat.KDF_ID, "memory_kib": params.m_kib,
                           "passes": params.t, "parallelism": params.p,
                           "default_memory_kib": fileformat.DEFAULT_M_KIB,
                           "default_passes": fileformat.DEFAULT_T}
    summary = f"Argon2id, {params.m_kib} KiB, {params.t} passes"
    if params.m_kib < fileformat.DEFAULT_M_KIB or params.t < fileformat.DEFAULT_T:
        report.add(Check("kdf", "warning",
                         f"{summary}: cheaper than new wallets use "
                         f"({fileformat.DEFAULT_M_KIB} KiB, {fileformat.DEFAULT_T} passes)",
                         "`credwallet passwd` re-encrypts with the current parameters"))
    else:
        report.add(Check("kdf", "ok", summary))
    return True


def probe_lock(lock_path: Path) -> tuple[str, int | None]:
    """-> ("free" | "held" | "unknown", holder pid). A shared non-blocking flock, released at
    once: it conflicts only with a writer's exclusive lock (filelock uses flock on POSIX)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock to probe with
        return "unknown", None
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return "free", None
    except OSError:
        return "unknown", None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 16).strip()
            return "held", int(text) if text.isdigit() else None
        except OSError:
            return "unknown", None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return "free", None
    finally:
        os.close(fd)


def check_lock(report: Report, lock_path: Path) -> None:
    state, pid = probe_lock(lock_path)
    report.facts["lock"] = {"path": str(lock_path), "state": state, "pid": pid}
    if state == "held":
        who = f"pid {pid}" if pid else "another process"
        report.add(Check("lock", "warning", f"held by {who}: another credwallet is changing "
                         "the wallet (commands that write will wait for it)"))
    elif state == "unknown":
        report.add(Check("lock", "skipped", "the lock cannot be probed here"))
    else:
        report.add(Check("lock", "ok", "free"))


# ------------------------------------------------------------------ with the opened wallet


def _age_days(now: datetime, then: datetime) -> float:
    return (now - then) / timedelta(days=1)


def cache_facts(documents: Iterable[tuple[str, datetime]], now: datetime) -> dict[str, Any]:
    """(kind, fetched_at) of every cached document -> per status/key kind: count, oldest,
    newest, how many are past the kind's refresh age."""
    total = 0
    by_kind: dict[str, list[datetime]] = {}
    for kind, fetched_at in documents:
        total += 1
        if kind in REFRESH_AFTER_DAYS:
            by_kind.setdefault(kind, []).append(fetched_at)
    kinds = []
    for kind in (*STATUS_KINDS, *KEY_KINDS):
        times = by_kind.get(kind)
        if not times:
            continue
        limit = REFRESH_AFTER_DAYS[kind]
        kinds.append({"kind": kind, "documents": len(times), "oldest_fetched_at": min(times),
                      "newest_fetched_at": max(times), "refresh_after_days": limit,
                      "stale": sum(1 for t in times if _age_days(now, t) > limit)})
    return {"documents": total, "kinds": kinds,
            "refresh_recommended": any(k["stale"] for k in kinds)}


def check_cache(report: Report, facts: dict[str, Any], now: datetime) -> None:
    report.facts["cache"] = facts
    stale = [k for k in facts["kinds"] if k["stale"]]
    if not stale:
        oldest = [k["oldest_fetched_at"] for k in facts["kinds"]]
        age = f"; the oldest fetched {_age_days(now, min(oldest)):.0f} day(s) ago" if oldest else ""
        report.add(Check("cache", "ok", f"{facts['documents']} cached document(s){age}"))
        return
    parts = [f"{k['stale']} {k['kind'].replace('_', ' ')}(s) older than {k['refresh_after_days']} "
             "days" for k in stale]
    report.add(Check("cache", "warning", "refresh recommended: " + ", ".join(parts),
                     "`credwallet refresh` re-fetches status lists, keys and DID documents"))


def check_identities(report: Report, holder_did: str, name: str | None,
                     identities: list[tuple[str, str]]) -> None:
    report.facts["identities"] = {"holder": holder_did, "name": name,
                                  "identifiers": [{"kind": k, "value": v} for k, v in identities]}
    if not identities:
        report.add(Check("identities", "warning",
                         f"holder {holder_did}; no e-mail, URL or phone: badges issued to one "
                         "of yours are not recognised as yours",
                         "credwallet identity add you@example.org"))
        return
    report.add(Check("identities", "ok", f"holder {holder_did}; {len(identities)} identifier(s)"))


def check_trust(report: Report, trust: Any, now: datetime) -> None:
    """`trust`: the wallet's TrustSettings."""
    registries = []
    problems = []
    for reg in trust.registries:
        as_of = reg.snapshot.fetched_at if reg.snapshot else None
        registries.append({"url": reg.url, "status": reg.status, "as_of": as_of})
        if as_of is None:
            problems.append(f"{reg.url} never fetched")
        elif _age_days(now, as_of) > REGISTRY_REFRESH_AFTER_DAYS:
            problems.append(f"{reg.url} older than {REGISTRY_REFRESH_AFTER_DAYS} days")
    report.facts["trust"] = {"issuers": len(trust.issuers), "registries": registries}
    summary = (f"{len(trust.issuers)} trusted issuer(s), {len(registries)} followed "
               f"registr{'y' if len(registries) == 1 else 'ies'}")
    if problems:
        report.add(Check("trust", "warning", f"{summary}; refresh recommended: "
                         + "; ".join(problems), "`credwallet refresh` fetches the registries"))
    else:
        report.add(Check("trust", "ok", summary))


def check_pathways(report: Report, pathways: list[Any]) -> None:
    """`pathways`: the stored Pathway models."""
    names = [p.name for p in pathways]
    problems = [f"{p.name} stacks {ref}, which is not stored" for p in pathways
                for ref in sorted(p.pathway_refs()) if ref not in names]
    report.facts["pathways"] = {"names": names, "problems": problems}
    if problems:
        report.add(Check("pathways", "warning", "; ".join(problems),
                         "credwallet pathway add --example NAME (or the pathway's file)"))
    elif not names:
        report.add(Check("pathways", "ok", "none yet (credwallet pathway examples lists some)"))
    else:
        report.add(Check("pathways", "ok", f"{len(names)}: {', '.join(names)}"))


def check_contents(report: Report, wallet: Any, now: datetime) -> None:
    """Everything that needs the opened wallet (`wallet`: WalletData)."""
    from credwallet.pathways.store import stored_pathways
    from credwallet.trust.model import load_trust

    report.facts["wallet"].update(payload_version=wallet.payload_version,
                                  credentials=len(wallet.rows()))
    check_cache(report, cache_facts(((d.kind, d.fetched_at) for d in wallet.cache.values()), now),
                now)
    check_identities(report, wallet.holder.did, wallet.holder.name,
                     [(i.kind, i.value) for i in wallet.identities])
    for name, step in (("trust", lambda: check_trust(report, load_trust(wallet.trust), now)),
                       ("pathways", lambda: check_pathways(report, stored_pathways(wallet)))):
        _guarded(report, name, step)


def _guarded(report: Report, name: str, step: Callable[[], None]) -> None:
    """A part of the payload this version cannot read is that part's failure, not the end of
    the report."""
    try:
        step()
    except CredwalletError as exc:
        error = exc if isinstance(exc, WalletError) else WalletError(exc.message)
        report.add(Check(name, "failed", exc.message, exc.hint, error))


SECTIONS = ("home", "wallet", "kdf", "lock", "cache", "identities", "trust", "pathways")


def skip_rest(report: Report, why: str, *, unlock: bool = True) -> None:
    """The checks that need the opened wallet, reported as skipped (and their facts null)."""
    for name in ("unlock", "cache", "identities", "trust", "pathways")[0 if unlock else 1:]:
        report.add(Check(name, "skipped", why))


def document(report: Report) -> dict[str, Any]:
    """The report's `--json` fields (schema credwallet.doctor/1)."""
    out: dict[str, Any] = {"checks": [c.as_dict() for c in report.checks]}
    for name in SECTIONS:
        out[name] = report.facts.get(name)
    return out
