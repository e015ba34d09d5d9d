"""Inputs and outputs of an export, and what one selected credential carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from credwallet.errors import UsageError
from credwallet.models.entry import StoredCredential
from credwallet.models.results import VerificationResult
from credwallet.models.view import CredentialView


@dataclass(frozen=True)
class ExportFormat:
    """What one export format is, for the options that apply to it and for its output."""

    name: str
    json_document: bool = False  # the output is one JSON document
    binary: bool = False  # a zip archive: never text
    presentation: bool = False  # is a signed presentation: --challenge/--domain apply
    # carries the holder's signed presentation (the page embeds one): --expires-in applies
    signed: bool = False
    merges: bool = False  # can merge into an existing document (--merge)


EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("vp", json_document=True, presentation=True, signed=True),
    ExportFormat("bundle", binary=True, presentation=True, signed=True),
    ExportFormat("html", signed=True),
    ExportFormat("linkedin"),
    ExportFormat("markdown"),
    ExportFormat("jsonresume", json_document=True, merges=True),
    ExportFormat("json", json_document=True),
)}

FORMATS = tuple(EXPORT_FORMATS)

# Formats that carry the signed originals (and so any identifier written inside them).
CARRIES_ORIGINALS = frozenset({"vp", "bundle", "json"})


def export_format(fmt: str, *, ids: bool = False, pathway: bool = False, merge: bool = False,
                  challenge: bool = False, expires: bool = False) -> ExportFormat:
    """The format `fmt` names, once the options given with it are known to apply to it (a
    UsageError says which does not): credential ids or a pathway (not both), --merge,
    --challenge/--domain, --expires-in."""
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None:
        raise UsageError(f"unknown format {fmt!r}", hint="one of: " + ", ".join(FORMATS))
    if ids and pathway:
        raise UsageError("give credential ids or --pathway, not both")
    if merge and not spec.merges:
        merging = [f.name for f in EXPORT_FORMATS.values() if f.merges]
        raise UsageError("--merge only applies to --format " + " and ".join(merging))
    if challenge and not spec.presentation:
        presenting = [f.name for f in EXPORT_FORMATS.values() if f.presentation]
        raise UsageError("--challenge and --domain only apply to " + " and ".join(presenting))
    if expires and not spec.signed:
        signing = [f.name for f in EXPORT_FORMATS.values() if f.signed]
        raise UsageError("--expires-in only applies to the formats that carry a signed "
                         "presentation: " + ", ".join(signing))
    return spec


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
    expires_in: timedelta | None = None  # the holder's presentation proof expires after this


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
