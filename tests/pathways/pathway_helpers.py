"""Builders for held credentials (views built directly; no signatures needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credwallet.models.view import AchievementView, Alignment, CredentialView, IssuerView
from credwallet.pathways.held import HeldCredential, Status
from credwallet.pathways.model import Pathway

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def held(cid: str, *, achievement_id: str | None = None, name: str | None = None,
         status: Status = "verified", reason: str | None = None, issuer_id: str | None = None,
         issuer_name: str | None = None, tags: list[str] | None = None,
         achievement_type: str | None = None, credits_available: float | None = None,
         credits_earned: float | None = None, alignments: list[dict[str, str]] | None = None,
         related: list[str] | None = None, issued: str | None = "2025-01-10T00:00:00Z",
         expires: str | None = None, criteria_url: str | None = None,
         issuer_trusted: bool = True) -> HeldCredential:
    view = CredentialView(
        wallet_id=cid, format="ob3-ldp", name=name,
        issuer=IssuerView(id=issuer_id, name=issuer_name, trusted=issuer_trusted),
        achievement=AchievementView(
            id=achievement_id, name=name, achievement_type=achievement_type,
            credits_available=credits_available, tags=tags or [],
            alignments=[Alignment(**a) for a in (alignments or [])], related=related or [],
            criteria_url=criteria_url),
        issued=issued, valid_from=issued, expires=expires, credits_earned=credits_earned,
    )
    if status != "verified" and reason is None:
        reason = status
    return HeldCredential(id=cid, view=view, status=status, reason=reason)


def pw(requirements: list[dict[str, Any]], name: str = "p", **kw: Any) -> Pathway:
    return Pathway.model_validate({"name": name, "requirements": requirements, **kw})
