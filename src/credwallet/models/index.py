"""The list row of a stored credential: what `list`, `list --json`, `find` and pathway progress
need, kept in payload version 2's index so they never parse or validate the entries themselves
(docs/wallet-format.md, "Index").

A row is derived from its entry only (`CredentialRow.of`); writers rewrite it whenever the entry
changes. Its verification is a projection of the entry's: every check that is not `passed` or
`skipped` (what the status word and the verdict text are made of), and `issuer_trust` (which
lets a pathway rule trust an issuer); details only of failed checks.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from credwallet.models.entry import DamagedEntry, StoredCredential
from credwallet.models.results import CheckName, VerificationResult

_KEPT_PASSED = frozenset({CheckName.ISSUER_TRUST.value})
# Raise when CredentialRow.of or project derive rows differently: rows written under another
# value are derived again from their entries when read (and rewritten on the next save).
ROW_DERIVATION = "rows/1"


class CredentialRow(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save

    id: str
    format: str
    imported_at: datetime
    credential_id: str | None = None
    name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    issued: str | None = None
    expires: str | None = None
    parent_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    damaged: str | None = None  # why the entry's bytes cannot be read (None when they can)
    sha256: str | None = None  # of the entry's original bytes (None when damaged)
    verification: VerificationResult | None = None  # projected (module docstring)

    @classmethod
    def of(cls, cred: StoredCredential) -> CredentialRow:
        try:
            digest: str | None = hashlib.sha256(cred.raw_bytes()).hexdigest()
            damaged = None
        except DamagedEntry as exc:
            digest, damaged = None, exc.message
        return cls(id=cred.id, format=cred.format, imported_at=cred.imported_at,
                   credential_id=cred.credential_id, name=cred.name, issuer_id=cred.issuer_id,
                   issuer_name=cred.issuer_name, issued=cred.issued, expires=cred.expires,
                   parent_id=cred.parent_id, tags=list(cred.tags), damaged=damaged,
                   sha256=digest, verification=project(cred.verification))

    def damage(self) -> str | None:
        """As StoredCredential.damage: why this entry cannot be read (None when it can)."""
        return self.damaged


def project(result: VerificationResult | None) -> VerificationResult | None:
    """The checks a row keeps: failed ones with their detail (the status word's reason),
    warnings by name (the verdict text), `issuer_trust` when it passed (a pathway's trust)."""
    if result is None:
        return None
    kept = [c if c.status == "failed" else c.but(detail="") for c in result.checks
            if c.status in ("failed", "warning") or (c.check in _KEPT_PASSED
                                                      and c.status == "passed")]
    return VerificationResult(verified=result.verified, checked_at=result.checked_at,
                              checks=kept)


class PayloadIndex(BaseModel):
    """Payload version 2's `index` member: one row per credential (in order) and, per cached
    document (in order), its key and the SHA-256 of its body."""

    model_config = ConfigDict(extra="allow")

    # Required (no default): always written, also when empty.
    credentials: list[CredentialRow]
    cache: list[tuple[str, str]]
    derivation: str = ""  # ROW_DERIVATION of the code that wrote the rows
