"""What the evaluator knows about one held credential: its view and whether it counts.

Only verified credentials count. The status is derived from the stored verification
result and re-checked against `now` (a credential verified last year may have expired since).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from credwallet.models import StoredCredential, VerificationResult
from credwallet.models.view import CredentialView
from credwallet.verify.dates import shift
from credwallet.verify.dates import years as years_delta

Status = Literal["verified", "expired", "revoked", "suspended", "failed", "unverified"]


@dataclass(frozen=True, slots=True)
class HeldCredential:
    id: str
    view: CredentialView
    status: Status
    reason: str | None = None  # why it does not count (None when verified)

    @property
    def label(self) -> str:
        return self.view.achievement.name or self.view.name or self.id


@functools.lru_cache(maxsize=1 << 14)
def parse_when(value: str | None) -> datetime | None:
    """ISO-8601 as written in credentials (date-only and 'Z' accepted); naive means UTC."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt


def status_of(verification: VerificationResult | None, view: CredentialView,
              now: datetime) -> tuple[Status, str | None]:
    return credential_status(verification, view.expires, now)


def credential_status(verification: VerificationResult | None, expires_at: str | None,
                      now: datetime) -> tuple[Status, str | None]:
    """The one status word (and why) `list`, `show` and pathway progress agree on."""
    if verification is None:
        return "unverified", "not verified yet (run `credwallet verify`)"
    failed = [c for c in verification.checks if c.status == "failed"]
    names = {c.check for c in failed}
    if "revocation" in names:
        detail = next(c.detail for c in failed if c.check == "revocation")
        if not detail:
            return "revoked", "revoked"
        # A set suspension bit (and no revocation) is a suspension: the issuer may lift it.
        parts = [p.strip().lower() for p in detail.split("; ")]
        if any(p.startswith("suspended:") for p in parts) and not any(
            p.startswith("revoked") for p in parts
        ):
            return "suspended", detail
        if any(p.startswith("revoked") for p in parts):
            return "revoked", detail
        # The status could not be established (a list that expired, failed its own checks or
        # does not cover the index): not shown as revoked, which the issuer never said.
        return "failed", f"failed verification (revocation: {detail})"
    if failed and names <= {"expiry"}:
        return "expired", failed[0].detail or "expired"
    if failed or not verification.verified:
        first = failed[0] if failed else None
        why = f"{first.check}: {first.detail}" if first else "verification failed"
        return "failed", f"failed verification ({why})"
    expires = parse_when(expires_at)
    if expires is not None and expires <= now:
        return "expired", f"expired on {expires.date().isoformat()}"
    return "verified", None


def held_from_stored(cred: StoredCredential, view: CredentialView, now: datetime) -> HeldCredential:
    status, reason = status_of(cred.verification, view, now)
    return HeldCredential(id=cred.id, view=view, status=status, reason=reason)


def issued_at(view: CredentialView) -> datetime | None:
    return parse_when(view.valid_from) or parse_when(view.issued)


def older_than(view: CredentialView, years: float, now: datetime) -> bool:
    when = issued_at(view)
    if when is None:
        return True  # cannot show it is recent enough: fail closed
    # Clamped: a window reaching back before year 1 holds every dated credential.
    return when < shift(now, -years_delta(years))
