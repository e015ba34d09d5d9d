"""Run one export: select, render the chosen format, return bytes plus what was left out."""

from __future__ import annotations

import json
from typing import Any

from credwallet.errors import UsageError, VerificationFailed
from credwallet.export import bundle as bundle_mod
from credwallet.export.facts import facts as facts_of
from credwallet.export.html import render_html
from credwallet.export.images import original_image
from credwallet.export.linkedin import SETTING, render_text
from credwallet.export.model import FORMATS, ExportOptions, ExportResult, Skipped
from credwallet.export.resume import json_resume, render_markdown
from credwallet.export.select import Selection, Verifier, select
from credwallet.export.vp import Presentation, build_presentation, check_presentation
from credwallet.models.entry import WalletData

JSON_SCHEMA = "credwallet.export-json/1"
REPORT_SCHEMA = "credwallet.export-report/1"


class NothingToExport(VerificationFailed):
    kind = "nothing_to_export"


def _json_bytes(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _stamp(opts: ExportOptions) -> str:
    return opts.now.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def org_ids_of(wallet: WalletData, opts: ExportOptions) -> dict[str, str]:
    saved = wallet.settings.get(SETTING)
    merged = {str(k): str(v) for k, v in saved.items()} if isinstance(saved, dict) else {}
    merged.update(opts.org_ids)
    return merged


def run_export(wallet: WalletData, opts: ExportOptions, *,
               verifier: Verifier | None = None) -> ExportResult:
    """Render `opts.fmt` for the selected credentials. Reads `wallet`, never changes it."""
    if opts.fmt not in FORMATS:
        raise UsageError(f"unknown export format {opts.fmt!r}",
                         hint="one of: " + ", ".join(FORMATS))
    sel = select(wallet, opts, verifier=verifier)
    if not sel.items:
        reasons = "; ".join(f"{s.id}: {s.reason}" for s in sel.skipped[:3])
        raise NothingToExport(f"nothing to export: every selected credential was left out ({reasons})")
    result = _render(sel, wallet, opts)
    result.unmatched = _unmatched(sel, result)
    return result


def _unmatched(sel: Selection, result: ExportResult) -> list[dict[str, Any]]:
    """Credentials not issued to the holder: left out, or (--include-unmatched) exported marked.
    A presentation never holds them, so for `vp` they are always left out."""
    out = [{"id": i, "why": why, "exported": False} for i, why in sel.unmatched.items()]
    exported = set(result.credentials)
    out += [{"id": i.cred.id, "why": i.not_holder_why, "exported": i.cred.id in exported}
            for i in sel.items if not i.issued_to_holder]
    return out


def _for_receiver(skipped: list[Skipped], sel: Selection) -> list[Skipped]:
    """What an exported document says was left out: not the credentials issued to someone
    else (they are nothing to the receiver, and naming them would hint at other people)."""
    return [s for s in skipped if s.id not in sel.unmatched]


def _render(sel: Selection, wallet: WalletData, opts: ExportOptions) -> ExportResult:
    facts = [facts_of(i, sel.scrub, include_identity=opts.include_identity) for i in sel.items]
    ids = [i.cred.id for i in sel.items]
    skipped = list(sel.skipped)
    fmt = opts.fmt
    if fmt == "vp":
        pres = _presentation(sel, wallet, opts)
        skipped += pres.skipped
        return ExportResult(fmt, pres.to_bytes(), "application/vp+ld+json",
                            [i.cred.id for i in pres.included], skipped, "presentation.json")
    if fmt == "html":
        page = render_html(facts, sel.items, holder=wallet.holder.did, generated=_stamp(opts),
                           progress=sel.progress, presentation=_page_presentation(sel, wallet, opts),
                           holder_name=wallet.holder.name)
        return ExportResult(fmt, page.encode("utf-8"), "text/html", ids, skipped, "portfolio.html")
    if fmt == "linkedin":
        text = render_text(facts, org_ids_of(wallet, opts))
        return ExportResult(fmt, text.encode("utf-8"), "text/plain", ids, skipped, "linkedin.txt")
    if fmt == "markdown":
        return ExportResult(fmt, render_markdown(facts, wallet.holder.name).encode("utf-8"),
                            "text/markdown", ids,
                            skipped, "resume.md")
    if fmt == "jsonresume":
        return ExportResult(fmt, _json_bytes(json_resume(facts, opts.merge, wallet.holder.name)),
                            "application/json",
                            ids, skipped, "resume.json")
    if fmt == "json":
        doc = {"schema": JSON_SCHEMA, "generated": _stamp(opts), "holder": wallet.holder.did,
               # self-asserted (`identity name`), not covered by any signature
               "holder_name": wallet.holder.name,
               "pathway": sel.scrub.deep(sel.progress.contract_dict()) if sel.progress else None,
               "credentials": [{**f, "original": _original(i.cred)}
                               for f, i in zip(facts, sel.items, strict=True)],
               "skipped": [s.as_dict() for s in _for_receiver(skipped, sel)]}
        return ExportResult(fmt, _json_bytes(doc), "application/json", ids, skipped,
                            "credentials.json")
    return _bundle(sel, facts, wallet, opts, skipped)


def _original(cred: Any) -> dict[str, Any]:
    raw = cred.raw_bytes()
    try:
        return {"media_type": cred.media_type, "encoding": "utf-8", "data": raw.decode("utf-8")}
    except UnicodeDecodeError:
        import base64

        return {"media_type": cred.media_type, "encoding": "base64",
                "data": base64.b64encode(raw).decode("ascii")}


def _page_presentation(sel: Selection, wallet: WalletData, opts: ExportOptions) -> str | None:
    """The signed presentation a page carries, so `verify --file page.html` checks it as sent
    (None when none of the page's credentials can go into one)."""
    try:
        pres = _presentation(sel, wallet, opts)
    except NothingToExport:
        return None
    text = pres.to_bytes().decode("utf-8")
    # Signed originals cannot be redacted: a page without --include-identity carries none that
    # would reveal a private identifier (the bundle and the presentation file still do).
    return None if sel.scrub.finds(text) else text


def _presentation(sel: Selection, wallet: WalletData, opts: ExportOptions) -> Presentation:
    pres = build_presentation(sel.items, wallet, opts)
    if not pres.included:
        reasons = "; ".join(f"{s.id}: {s.reason}" for s in pres.skipped[:3])
        raise NothingToExport(f"nothing to put in a presentation ({reasons})")
    check_presentation(pres, wallet, opts)
    return pres


def _report(sel: Selection, facts: list[dict[str, Any]], wallet: WalletData, opts: ExportOptions,
            skipped: list[Skipped], pres_check: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "schema": REPORT_SCHEMA, "generated": _stamp(opts), "holder": wallet.holder.did,
        "credentials": [{"id": f["id"], "name": f["name"],
                         "issuer": f["issuer"].get("name") or f["issuer"].get("id"),
                         "format": f["format"], "verification": f["verification"],
                         "issued_to_holder": f["issued_to_holder"],
                         "not_issued_to_holder": f["not_issued_to_holder"]}
                        for f in facts],
        "presentation": pres_check,
        "skipped": [s.as_dict() for s in _for_receiver(skipped, sel)],
    }


def _bundle(sel: Selection, facts: list[dict[str, Any]], wallet: WalletData, opts: ExportOptions,
            skipped: list[Skipped]) -> ExportResult:
    from credwallet.export.facts import verification_facts
    from credwallet.verify import DictMaterial, verify_bytes

    files: dict[str, bytes] = {}
    pres_check: dict[str, Any] | None = None
    pres = build_presentation(sel.items, wallet, opts)
    if pres.included:
        check_presentation(pres, wallet, opts)
        files["presentation.json"] = pres.to_bytes()
        result = verify_bytes(files["presentation.json"], now=opts.now,
                              material=DictMaterial(wallet.cache), holder_did=wallet.holder.did,
                              format="vp-ldp")
        pres_check = verification_facts(result)
        pres_check["credentials"] = [i.cred.id for i in pres.included]
    pres_notes = [Skipped(s.id, "left out of presentation.json only: " + s.reason)
                  for s in pres.skipped]
    not_holder: list[dict[str, Any]] = []
    for item in sel.items:
        raw_image = original_image(item.cred, item.view, wallet.cache) \
            if item.cred.image_key else None
        media = wallet.cache[item.cred.image_key].media_type if item.cred.image_key \
            and item.cred.image_key in wallet.cache else None
        from credwallet.export.images import sniff

        cached = (raw_image, media or sniff(raw_image) or "") if raw_image else None
        originals = bundle_mod.original_files(item, cached)
        files.update(originals)
        if not item.issued_to_holder:
            not_holder.append({"id": item.cred.id, "why": item.not_holder_why,
                               "files": sorted(originals)})
    files["portfolio.html"] = render_html(facts, sel.items, holder=wallet.holder.did,
                                          generated=_stamp(opts), progress=sel.progress,
                                          holder_name=wallet.holder.name).encode("utf-8")
    report = _report(sel, facts, wallet, opts, [*skipped, *pres_notes], pres_check)
    files["verification-report.json"] = _json_bytes(report)
    files["verification-report.txt"] = bundle_mod.text_report(report).encode("utf-8")
    files["resume.md"] = render_markdown(facts, wallet.holder.name).encode("utf-8")
    files["resume.json"] = _json_bytes(json_resume(facts, None, wallet.holder.name))
    files["linkedin.txt"] = render_text(facts, org_ids_of(wallet, opts)).encode("utf-8")
    blob = bundle_mod.build_zip(files, created=opts.now, holder=wallet.holder.did,
                                not_issued_to_holder=not_holder, holder_name=wallet.holder.name)
    return ExportResult("bundle", blob, "application/zip", [i.cred.id for i in sel.items],
                        [*skipped, *pres_notes], "credentials-bundle.zip")
