"""Verification results, shaped exactly as the `<result>` of docs/cli.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CheckStatus = Literal["passed", "failed", "warning", "skipped"]


class CheckName(StrEnum):
    """Every check a result may carry (docs/cli.md). A new check is a new member here."""

    FORMAT = "format"
    CONTEXTS = "contexts"
    PROOF = "proof"
    KEY_BINDING = "key_binding"
    NOT_BEFORE = "not_before"
    EXPIRY = "expiry"
    REVOCATION = "revocation"
    RECIPIENT = "recipient"
    SCHEMA = "schema"
    NESTED = "nested"  # the credentials inside a CLR or presentation
    HOLDER_BINDING = "holder_binding"  # a presentation's holder is the subject of its contents
    ISSUER_TRUST = "issuer_trust"  # the issuer is on the user's trust list or a followed registry
    STORED_ENTRY = "stored_entry"  # a stored entry that cannot even be read (damaged)
    MANIFEST = "manifest"  # a bundle's files match the SHA-256 digests of its manifest


CHECK_NAMES = tuple(n.value for n in CheckName)


class Check(BaseModel):
    """One check's outcome. Frozen: a changed outcome is a new Check, never an edit."""

    model_config = ConfigDict(frozen=True, extra="allow")

    # A stored result may carry a check a newer credwallet added: it stays readable (as text).
    check: CheckName | str
    status: CheckStatus
    detail: str = ""

    def but(self, *, status: CheckStatus | None = None, detail: str | None = None) -> Check:
        """A copy with another status and/or detail."""
        return Check(check=self.check, status=status or self.status,
                     detail=self.detail if detail is None else detail)


@dataclass(frozen=True)
class VerdictPolicy:
    """The one rule that turns checks into "verified": fail closed, no check may have failed.

    Stricter wishes (`verify --require-trusted`) are expressed by the checks themselves (the
    `issuer_trust` check fails), so every verdict, stored or fresh, follows this one rule.
    """

    def verified(self, checks: Iterable[Check]) -> bool:
        return not any(c.status == "failed" for c in checks)


@dataclass(frozen=True)
class ImportPolicy:
    """What a credential needs to be kept at import without `--keep-invalid`: readable,
    known contexts and a proof that verifies. Anything else is kept and reported (an expired
    or revoked credential is still the learner's record)."""

    decisive: frozenset[CheckName] = frozenset({CheckName.FORMAT, CheckName.CONTEXTS, CheckName.PROOF})

    def acceptable(self, checks: Iterable[Check]) -> bool:
        return not any(c.status == "failed" and c.check in self.decisive for c in checks)


VERDICT = VerdictPolicy()
IMPORT_POLICY = ImportPolicy()


class VerificationResult(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save

    id: str | None = None
    source: str | None = None
    verified: bool
    checked_at: datetime
    checks: list[Check] = Field(default_factory=list)
    # Extra, non-contract fields: which key signed, the proof suite, nested results (CLR/VP).
    format: str | None = None
    signer: str | None = None
    suite: str | None = None
    nested: list[VerificationResult] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_checks(cls, checks: list[Check], **kw: Any) -> VerificationResult:
        """`verified` as the verdict policy decides it from the checks (fail closed)."""
        return cls(verified=VERDICT.verified(checks), checks=checks, **kw)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.check == name), None)

    def contract_dict(self) -> dict[str, Any]:
        """The JSON form of the contract (plus the extra fields, which the contract allows)."""
        return self.model_dump(mode="json", exclude_none=False)
