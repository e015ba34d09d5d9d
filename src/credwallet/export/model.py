"""Inputs and outputs of an export, and what one selected credential carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credwallet.models.entry import StoredCredential
from credwallet.models.results import VerificationResult
from credwallet.models.view import CredentialView

FORMATS = ("vp", "bundle", "html", "linkedin", "markdown", "jsonresume", "json")

# Formats that carry the signed originals (and so any identifier written inside them).
CARRIES_ORIGINALS = frozenset({"vp", "bundle", "json"})


@dataclass
class ExportOptions:
    fmt: str
    now: datetime
    ids: list[str] = field(default_factory=list)
    pathway: str | None = None
    tags: list[str] = field(default_factory=list)
    include_unverified: bool = False
    include_identity: bool = False
    include_unmatched: bool = False  # credentials not issued to the holder, marked as such
    challenge: str | None = None
    domain: str | None = None
    merge: dict[str, Any] | None = None  # an existing JSON Resume to merge certificates into
    org_ids: dict[str, str] = field(default_factory=dict)  # issuer id or name -> LinkedIn org id


@dataclass
class Image:
    data: bytes
    media_type: str


@dataclass
class ExportItem:
    """One selected credential with everything the renderers need."""

    cred: StoredCredential
    view: CredentialView
    result: VerificationResult | None
    image: Image | None = None
    # Fail safe: an item nobody checked is treated as someone else's (see export/holder.py).
    issued_to_holder: bool = False
    not_holder_why: str | None = None

    @property
    def verified(self) -> bool:
        return self.result is not None and self.result.verified

    @property
    def title(self) -> str:
        return self.view.name or self.view.achievement.name or self.cred.name or "(unnamed credential)"

    @property
    def issuer_name(self) -> str:
        i = self.view.issuer
        return i.name or i.id or self.cred.issuer_name or self.cred.issuer_id or "(unknown issuer)"


@dataclass
class Skipped:
    id: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason}


@dataclass
class ExportResult:
    fmt: str
    content: bytes
    media_type: str
    credentials: list[str]
    skipped: list[Skipped]
    suggested_name: str
    # Credentials not issued to the holder: [{"id", "why", "exported"}] (export/holder.py)
    unmatched: list[dict[str, Any]] = field(default_factory=list)

    @property
    def binary(self) -> bool:
        return self.fmt == "bundle"

    def contract_dict(self, output: str | None) -> dict[str, Any]:
        return {"format": self.fmt, "output": output, "credentials": self.credentials,
                "skipped": [s.as_dict() for s in self.skipped],
                "unmatched": self.unmatched_summary()}

    def unmatched_summary(self) -> dict[str, Any]:
        exported = sum(1 for u in self.unmatched if u["exported"])
        return {"left_out": len(self.unmatched) - exported, "included": exported,
                "credentials": list(self.unmatched)}
