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


def endorsement_lines(endorsements: list[dict[str, Any]]) -> list[str]:
    """One honest sentence per endorsement ("X endorses the issuer: '...' (verified)")."""
    out = []
    for e in endorsements:
        endorser = e.get("endorser") or {}
        who = endorser.get("name") or endorser.get("id") or "an unknown endorser"
        if endorser.get("name") and not endorser.get("name_verified"):
            who += " (name not verified)"
        what = (e.get("endorses") or {}).get("what") or f"this {e.get('on', 'credential')}"
        line = f"{who} endorses {what}"
        if e.get("comment"):
            line += f": \u201c{e['comment']}\u201d"
        out.append(f"{line} ({str(e.get('verdict', 'not_verified')).replace('_', ' ')})")
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
