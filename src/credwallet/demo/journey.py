"""The demo journey as a library function: no printing, returns a report the CLI renders.

throwaway wallet -> local issuer site on 127.0.0.1 -> import from its URLs -> site shut down ->
offline verification -> pathway progress -> bundle + HTML export -> summary.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from credwallet.importer import ImportItem
from credwallet.issuance import import_sources
from credwallet.models.entry import Identity, WalletData
from credwallet.models.results import VerificationResult
from credwallet.wallet.store import WalletStore

# Pathways are added in dependency order (the degree pathway stacks the certificate).
PATHWAY_FILES = ("data-analytics-certificate.toml", "it-support-specialist.ctdl.jsonld",
                 "aas-information-technology.yaml")


@dataclass
class DemoReport:
    wallet_home: str
    holder: str
    site_url: str
    sources: list[tuple[str, str]]
    expectations: dict[str, str]
    imported: list[ImportItem] = field(default_factory=list)
    results: list[VerificationResult] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # wallet id -> name
    progress: list[Any] = field(default_factory=list)  # PathwayProgress
    exports: dict[str, str] = field(default_factory=dict)  # format -> path
    surprises: list[str] = field(default_factory=list)  # outcomes that differ from expected


def examples_dir() -> Path:
    return Path(str(resources.files("credwallet") / "data" / "examples"))


@contextmanager
def _wallet(home: Path, now: datetime) -> Iterator[tuple[WalletStore, str]]:
    from credwallet.wallet.holder import new_wallet

    store = WalletStore(home / "wallet.cwlt")
    passphrase = secrets.token_urlsafe(24)  # throwaway wallet: never shown, never stored
    store.create(passphrase, new_wallet(now))
    yield store, passphrase


def run_journey(home: Path, out_dir: Path, now: datetime, *, progress: bool) -> DemoReport:
    from credwallet.demo.server import serve
    from credwallet.demo.site import build_site, load_catalog
    from credwallet.export.model import ExportOptions
    from credwallet.export.runner import run_export
    from credwallet.pathways import load_pathway_file
    from credwallet.pathways.issuers import with_issuer_ids
    from credwallet.pathways.store import add_pathway, wallet_progress
    from credwallet.verify import verify_stored

    learner = load_catalog()["learners"][0]
    with _wallet(home, now) as (store, pw):
        with store.transaction(pw) as w:
            w.identities.append(Identity(kind="email", value=learner["email"], added_at=now))
            holder = w.holder.did
        with serve(lambda base: build_site(base, holder, now)) as site:
            report = DemoReport(str(home), holder, site.base_url, site.sources, site.expectations)
            with store.transaction(pw) as w:
                report.imported = import_sources(w, [url for _label, url in site.sources],
                                                 now=now, progress=progress)
        # The site is gone: everything from here on is offline.
        with store.transaction(pw) as w:
            _trust_demo_issuers(w, now)
            for cred in w.credentials:
                cred.verification = verify_stored(cred, w, now)
                report.results.append(cred.verification)
                report.names[cred.id] = cred.name or "(unnamed)"
            for name in PATHWAY_FILES:
                # The example pathways name the example issuers' published ids; here the
                # loopback site's did:web keys stand in for them.
                pathway = with_issuer_ids(load_pathway_file(examples_dir() / "pathways" / name),
                                          site.issuer_ids)
                add_pathway(w, pathway, replace=True)
        wallet = store.load(pw)
        report.progress = wallet_progress(wallet, now)
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt, filename in (("bundle", "credwallet-demo-bundle.zip"), ("html", "portfolio.html")):
            result = run_export(wallet, ExportOptions(fmt=fmt, now=now))
            target = out_dir / filename
            target.write_bytes(result.content)
            report.exports[fmt] = str(target)
        report.surprises = _surprises(report, wallet)
    return report


def _surprises(report: DemoReport, wallet: WalletData) -> list[str]:
    """Compare each source's outcome with what the example site meant it to be."""
    out = []
    by_id = {c.id: c for c in wallet.credentials}
    for item in report.imported:
        expected = report.expectations.get(item.source)
        if expected is None:
            continue
        if expected == "tampered":
            if item.status != "failed":
                out.append(f"{item.source}: a tampered credential was accepted")
            continue
        cred = by_id.get(item.id or "")
        if cred is None or cred.verification is None:
            out.append(f"{item.source}: not imported ({item.error})")
            continue
        failed = {c.check for c in cred.verification.checks if c.status == "failed"}
        want = {"valid": set(), "revoked": {"revocation"}, "expired": {"expiry"}}.get(expected, set())
        if failed != want:
            out.append(f"{item.source}: expected {expected}, failed checks {sorted(failed) or 'none'}")
    return out


def _trust_demo_issuers(wallet: Any, now: datetime) -> None:
    """The learner recognises the example issuers (as a user would after checking them): the
    checks show them as on the holder's trust list. Pathways match issuers by id either way."""
    from credwallet.trust.model import dump_trust, load_trust

    settings = load_trust(wallet.trust)
    for cred in wallet.credentials:
        if cred.issuer_id and not cred.issuer_id.startswith("did:key:"):
            settings.add_issuer(cred.issuer_id, cred.issuer_name or "demo example issuer", now)
    wallet.trust = dump_trust(settings)
