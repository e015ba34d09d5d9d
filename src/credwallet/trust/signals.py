"""All quality and trust signals of one credential in one plain dict, for renderers
(`show`, the HTML export, resume formats): issuer display with its provenance, the trust
finding, the assessment summary and the endorsements with their verdicts.

Pure: it reads the view and a stored VerificationResult, it never verifies anything itself.
"""

from __future__ import annotations

from typing import Any

from credwallet.models import VerificationResult
from credwallet.models.view import CredentialView
from credwallet.trust.assessment import assessment_summary


def _quoted(value: str) -> str:
    """Issuer-written text on one line, quoted, so it cannot forge the rest of the line."""
    return "'" + " ".join(value.split())[:200] + "'"


def endorser_text(endorser: dict[str, Any]) -> str:
    """Who endorsed, by verified identifier and trust status; the self-asserted name only as
    "calls itself '...'", after the identifier, so it never reads as a verified identity."""
    ident = endorser.get("verified_id") if endorser.get("id_verified") else None
    trust = endorser.get("trust")
    label = endorser.get("trust_label")
    as_label = f" as {_quoted(label)}" if isinstance(label, str) and label.strip() else ""
    if ident and trust == "trust_list":
        who = f"{ident} (trusted: on your trust list{as_label})"
    elif ident and trust == "registry":
        where = endorser.get("registry") or "a followed registry"
        who = f"{ident} (trusted: listed{as_label} in registry {where})"
    elif ident:
        who = f"unknown endorser {ident} (on none of your trust lists or registries)"
    else:
        # Proof or key binding failed, or never checked: the id is only a claim.
        claimed = endorser.get("id")
        who = ("unverified endorser" + (f" (claims to be {claimed})" if claimed
                                        else " (no identifier)"))
    name = endorser.get("name")
    if isinstance(name, str) and name.strip():
        who += f", calls itself {_quoted(name)}"
    return who


def endorsement_lines(endorsements: list[dict[str, Any]]) -> list[str]:
    """One honest sentence per endorsement: "Endorsed by <identifier> (<trust>), calls itself
    '<name>', endorses the issuer: "..." (endorsement verified)"."""
    out = []
    for e in endorsements:
        who = endorser_text(e.get("endorser") or {})
        what = (e.get("endorses") or {}).get("what") or f"this {e.get('on', 'credential')}"
        line = f"{who}; endorses {what}"
        if e.get("comment"):
            line += f": \u201c{' '.join(str(e['comment']).split())}\u201d"
        verdict = str(e.get("verdict", "not_verified"))
        shown = "verified" if verdict == "verified" else verdict.replace("_", " ").upper()
        out.append(f"{line} (endorsement {shown})")
    return out


def quality_signals(view: CredentialView, result: VerificationResult | None) -> dict[str, Any]:
    extra = result.extra if result is not None else {}
    endorsements = [e for e in extra.get("endorsements", []) if isinstance(e, dict)]
    trust = extra.get("issuer_trust") if isinstance(extra.get("issuer_trust"), dict) else None
    check = result.check("issuer_trust") if result is not None else None
    summary = assessment_summary(view)
    return {
        "issuer": summary.pop("issuer"),
        "issuer_trust": {**(trust or {}), "detail": check.detail if check else None,
                         "status": check.status if check else None},
        "assessment": summary,
        "endorsements": {
            "count": len(endorsements),
            "verified": sum(e.get("verdict") == "verified" for e in endorsements),
            "items": endorsements,
            "lines": endorsement_lines(endorsements),
        },
        "verified_at": result.checked_at.isoformat().replace("+00:00", "Z") if result else None,
    }
