"""Which credentials an export holds, and why the others were left out.

Selection order: explicit ids, else a pathway's satisfying credentials, else every
credential; `--tag` narrows any of these. Only verified credentials go out unless the
user asks for unverified ones too (they are then marked as such in every format). Only
credentials issued to the holder go out unless the user asks for the others too
(`--include-unmatched`; marked "not issued to the holder" in every format, never in a
presentation). Pathway progress never counts credentials issued to someone else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from credwallet.errors import BadInput, UsageError
from credwallet.export.holder import FLAG, MARK, holder_match, holder_only
from credwallet.export.identity import Scrubber, plaintext_identity, private_values
from credwallet.export.images import make_safe, original_image
from credwallet.export.model import CARRIES_ORIGINALS, ExportItem, ExportOptions, Skipped
from credwallet.ingest.describe import credential_view, document_of
from credwallet.models.entry import DamagedEntry, StoredCredential, WalletData
from credwallet.models.results import VerificationResult

if TYPE_CHECKING:
    from credwallet.pathways.progress import NodeProgress, PathwayProgress

Verifier = Callable[[StoredCredential, WalletData, datetime], VerificationResult]


@dataclass
class Selection:
    items: list[ExportItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    progress: PathwayProgress | None = None
    scrub: Scrubber = field(default_factory=lambda: Scrubber([], enabled=False))
    # Left out because not issued to the holder: wallet id -> why (see export/holder.py)
    unmatched: dict[str, str] = field(default_factory=dict)


def _matched_ids(nodes: list[NodeProgress]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.extend(i for i in n.matched_by if i not in out)
        out.extend(i for i in _matched_ids(n.requirements) if i not in out)
    return out


def _tags_of(cred: StoredCredential, wallet: WalletData) -> set[str]:
    """The wallet's own tags plus the achievement's keywords (`tag` in Open Badges)."""
    tags = {t.casefold() for t in cred.tags}
    with contextlib.suppress(BadInput, DamagedEntry):
        tags |= {t.casefold() for t in credential_view(cred, wallet.cache).achievement.tags}
    return tags


def _why_not_verified(result: VerificationResult | None) -> str:
    if result is None:
        return "not verified yet (run `credwallet verify`)"
    failed = [c for c in result.checks if c.status == "failed"]
    if failed:
        return "did not verify (" + "; ".join(f"{c.check}: {c.detail}" for c in failed[:3]) + ")"
    return "did not verify"


def _raw_text(cred: StoredCredential, document: Any) -> str:
    import json

    text = cred.raw_bytes().decode("utf-8", "replace")
    return text + "\n" + json.dumps(document, ensure_ascii=False)


def select(wallet: WalletData, opts: ExportOptions, *,
           verifier: Verifier | None = None) -> Selection:
    """Pick the credentials to export. `verifier` re-checks each one offline as of `opts.now`;
    without one the stored verification result is used."""
    sel = Selection(scrub=Scrubber(private_values(wallet), enabled=not opts.include_identity))
    by_id = {c.id: c for c in wallet.credentials}
    if opts.ids:
        chosen: list[StoredCredential] = []
        for ref in opts.ids:
            cred = wallet.find(ref)
            cred.raw_bytes()  # a damaged entry asked for by id fails the export (exit 4)
            if cred not in chosen:
                chosen.append(cred)
    elif opts.pathway:
        from credwallet.pathways.store import wallet_progress

        # Progress (and so the pathway's selection) counts only the holder's credentials.
        sel.progress = wallet_progress(holder_only(wallet), opts.now, [opts.pathway])[0]
        chosen = [by_id[i] for i in _matched_ids(sel.progress.requirements) if i in by_id]
    else:
        chosen = list(wallet.credentials)
    if opts.tags:
        wanted = {t.casefold() for t in opts.tags}
        chosen = [c for c in chosen if wanted & _tags_of(c, wallet)]
    if not chosen:
        raise UsageError("nothing to export: no credential matches the selection",
                         hint="see `credwallet list`; ids, --pathway and --tag select credentials")
    secrets = private_values(wallet)
    for cred in chosen:
        item_or_reason = _prepare(cred, wallet, opts, verifier, secrets)
        if isinstance(item_or_reason, Unmatched):
            sel.unmatched[cred.id] = item_or_reason.why
            hint = (f"a presentation never holds it, even with {FLAG}" if opts.fmt == "vp"
                    else f"pass {FLAG} to export it marked as such")
            sel.skipped.append(Skipped(cred.id, f"{MARK}: {item_or_reason.why}; {hint}"))
        elif isinstance(item_or_reason, str):
            sel.skipped.append(Skipped(cred.id, item_or_reason))
        else:
            sel.items.append(item_or_reason)
    return sel


@dataclass(frozen=True)
class Unmatched:
    why: str


def _prepare(cred: StoredCredential, wallet: WalletData, opts: ExportOptions,
             verifier: Verifier | None, secrets: list[str]) -> ExportItem | Unmatched | str:
    if cred.format.startswith("image"):
        return "an image without a credential inside"
    try:
        document = document_of(cred)
        view = credential_view(cred, wallet.cache)
    except BadInput as exc:
        return f"unreadable stored credential ({exc.message})"
    except DamagedEntry as exc:  # the others are still exported
        return exc.message
    result = verifier(cred, wallet, opts.now) if verifier is not None else cred.verification
    if not (result is not None and result.verified) and not opts.include_unverified:
        return _why_not_verified(result) + "; pass --include-unverified to export it marked as such"
    match = holder_match(result)
    if not match.matched and not opts.include_unmatched:
        return Unmatched(match.why or MARK)
    if opts.fmt in CARRIES_ORIGINALS and not opts.include_identity:
        leak = plaintext_identity(document, _raw_text(cred, document), secrets)
        if leak:
            return f"{leak}; pass --include-identity to export it anyway"
    raw_image = original_image(cred, view, wallet.cache)
    image = make_safe(raw_image) if raw_image else None
    return ExportItem(cred=cred, view=view, result=result, image=image,
                      issued_to_holder=match.matched, not_holder_why=match.why)
