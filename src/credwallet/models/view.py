"""A format-independent view of one credential, for show, pathways and export.

Built by `credwallet.ingest.describe.credential_view` from the signed original (and, for
OB 2.0, the BadgeClass/Issuer snapshots cached at import). `signed` flags say whether a value
came from signed data or only from an unsigned fetched document.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Alignment(BaseModel):
    target_name: str | None = None
    target_url: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None
    target_description: str | None = None


class IssuerView(BaseModel):
    id: str | None = None
    name: str | None = None
    url: str | None = None
    email: str | None = None
    image: str | None = None
    signed: bool = True  # False when only known from an unsigned fetched profile
    # The issuer id is on the user's trust list or a followed registry (issuer_trust passed).
    # Only then may a pathway rule match the issuer by its (self-asserted) name.
    trusted: bool = False


class AchievementView(BaseModel):
    id: str | None = None
    name: str | None = None
    description: str | None = None
    achievement_type: str | None = None
    criteria_url: str | None = None
    criteria_narrative: str | None = None
    image: str | None = None
    credits_available: float | None = None
    field_of_study: str | None = None
    tags: list[str] = Field(default_factory=list)
    alignments: list[Alignment] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)  # ids of related achievements
    result_descriptions: list[dict[str, Any]] = Field(default_factory=list)
    signed: bool = True


class CredentialView(BaseModel):
    wallet_id: str | None = None
    credential_id: str | None = None
    format: str
    name: str | None = None
    description: str | None = None
    issuer: IssuerView = Field(default_factory=IssuerView)
    achievement: AchievementView = Field(default_factory=AchievementView)
    subject_id: str | None = None
    recipient: dict[str, Any] | None = None  # OB2 recipient object (may be hashed)
    issued: str | None = None  # ISO-8601 as written in the credential
    valid_from: str | None = None
    expires: str | None = None
    credits_earned: float | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    activity_start: str | None = None
    activity_end: str | None = None
    image: str | None = None  # URL or data: URI of the credential/badge image
    public_url: str | None = None  # an https URL where the credential can be viewed/verified
    endorsement_count: int = 0
