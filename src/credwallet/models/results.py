"""Verification results, shaped exactly as the `<result>` of docs/cli.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

CheckStatus = Literal["passed", "failed", "warning", "skipped"]

# Names fixed by the contract; more may be added.
CHECK_NAMES = (
    "format",
    "proof",
    "key_binding",
    "not_before",
    "expiry",
    "revocation",
    "recipient",
    "schema",
    "contexts",
    # beyond the contract's list:
    "nested",  # the credentials inside a CLR or presentation
    "issuer_trust",  # the issuer is on the user's trust list or a followed registry
)


class Check(BaseModel):
    check: str
    status: CheckStatus
    detail: str = ""


class VerificationResult(BaseModel):
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
        """`verified` is true only when no check failed (fail closed)."""
        return cls(verified=not any(c.status == "failed" for c in checks), checks=checks, **kw)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.check == name), None)

    def contract_dict(self) -> dict[str, Any]:
        """The JSON form of the contract (plus the extra fields, which the contract allows)."""
        return self.model_dump(mode="json", exclude_none=False)
