"""Turn examples/catalog.json into held credentials (unsigned OB 3.0 documents -> views)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credwallet.ingest.describe import view_of
from credwallet.pathways.held import HeldCredential

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "examples" / "catalog.json"


def catalog() -> dict[str, Any]:
    return json.loads(CATALOG.read_text("utf-8"))


def ob3_document(cat: dict[str, Any], holding: dict[str, Any]) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential a catalog holding describes."""
    ach = next(a for a in cat["achievements"] if a["key"] == holding["achievement"])
    issuer = next(i for i in cat["issuers"] if i["key"] == ach["issuer"])
    achievement = {k: v for k, v in ach.items() if k not in ("key", "issuer")}
    achievement["creator"] = {"id": issuer["id"], "type": ["Profile"]}
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": achievement}
    if "creditsEarned" in holding:
        subject["creditsEarned"] = holding["creditsEarned"]
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": holding["credential_id"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {k: issuer[k] for k in ("id", "type", "name", "url", "email")},
        "validFrom": holding["validFrom"],
        "name": ach["name"],
        "credentialSubject": subject,
    }
    if "validUntil" in holding:
        doc["validUntil"] = holding["validUntil"]
    return doc


def held_from_catalog(learner: str = "alex") -> list[HeldCredential]:
    cat = catalog()
    person = next(x for x in cat["learners"] if x["key"] == learner)
    out = []
    for i, h in enumerate(person["holds"]):
        view = view_of("ob3-ldp", ob3_document(cat, h), wallet_id=f"cat{i:02d}")
        status = {"valid": "verified", "revoked": "revoked", "expired": "expired"}[h["status"]]
        reason = None if status == "verified" else f"{status} (catalog)"
        out.append(HeldCredential(id=f"cat{i:02d}", view=view, status=status,  # type: ignore[arg-type]
                                  reason=reason))
    return out
