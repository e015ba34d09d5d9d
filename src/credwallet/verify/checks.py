"""Checks that do not involve cryptography: validity dates, structure, recipient."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from credwallet.models import Check, CheckName
from credwallet.verify.dates import iso, parse_datetime


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(doc: Any) -> set[str]:
    if not isinstance(doc, dict):
        return set()
    return {t for key in ("type", "@type") for t in as_list(doc.get(key)) if isinstance(t, str)}


def issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def not_before_check(value: Any, field: str, now: datetime) -> Check:
    if value is None:
        return Check(check=CheckName.NOT_BEFORE, status="passed", detail=f"no {field}: valid from issuance")
    start = parse_datetime(value)
    if start is None:
        return Check(
            check=CheckName.NOT_BEFORE,
            status="failed",
            detail=f"{field} {value!r} is not a valid date-time",
        )
    if start > now:
        return Check(
            check=CheckName.NOT_BEFORE,
            status="failed",
            detail=f"not valid yet: {field} is {iso(start)} (checked at {iso(now)})",
        )
    return Check(check=CheckName.NOT_BEFORE, status="passed", detail=f"valid since {iso(start)} ({field})")


def expiry_check(value: Any, field: str, now: datetime) -> Check:
    if value is None:
        return Check(check=CheckName.EXPIRY, status="passed", detail="no expiration date")
    end = parse_datetime(value)
    if end is None:
        return Check(
            check=CheckName.EXPIRY, status="failed", detail=f"{field} {value!r} is not a valid date-time"
        )
    if end <= now:
        return Check(
            check=CheckName.EXPIRY,
            status="failed",
            detail=f"expired at {iso(end)} ({field}; checked at {iso(now)})",
        )
    return Check(check=CheckName.EXPIRY, status="passed", detail=f"valid until {iso(end)} ({field})")


VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def vc_dates(doc: dict[str, Any]) -> tuple[tuple[Any, str], tuple[Any, str]]:
    """((start value, field), (end value, field)) for VCDM 2.0 or 1.1."""
    if "validFrom" in doc or "validUntil" in doc or "issuanceDate" not in doc:
        start = (doc.get("validFrom"), "validFrom")
    else:
        start = (doc.get("issuanceDate"), "issuanceDate")
    end = (
        (doc.get("validUntil"), "validUntil")
        if "validUntil" in doc
        else (doc.get("expirationDate"), "expirationDate")
    )
    return start, end


def vc_schema_check(doc: dict[str, Any], *, presentation: bool = False) -> Check:
    problems: list[str] = []
    ctx = as_list(doc.get("@context"))
    if not ctx or ctx[0] not in (VC_V1, VC_V2):
        problems.append("the first @context is not the VC 1.1 or 2.0 context")
    types = types_of(doc)
    main = "VerifiablePresentation" if presentation else "VerifiableCredential"
    if main not in types:
        problems.append(f"type does not include {main}")
    if "id" in doc and (not isinstance(doc["id"], str) or ":" not in doc["id"]):
        problems.append("id is not a URI")
    if not presentation:
        iss = issuer_id(doc)
        if iss is None or ":" not in iss:
            problems.append("issuer is missing or not a URI")
        subjects = as_list(doc.get("credentialSubject"))
        if not subjects or not all(isinstance(s, dict) for s in subjects):
            problems.append("credentialSubject is missing or not an object")
        v2 = ctx[:1] == [VC_V2]
        for key in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
            if key in doc and parse_datetime(doc[key]) is None:
                problems.append(f"{key} is not a valid date-time")
        if not v2 and "issuanceDate" not in doc:
            problems.append("VC 1.1 credential without issuanceDate")
        if types & {"OpenBadgeCredential", "AchievementCredential"}:
            if v2 and "validFrom" not in doc:
                problems.append("Open Badges 3.0 credential without validFrom")
            problems += _achievement_problems(subjects)
    if problems:
        return Check(check=CheckName.SCHEMA, status="failed", detail="; ".join(problems))
    return Check(check=CheckName.SCHEMA, status="passed", detail="required fields present, dates well formed")


def _achievement_problems(subjects: list[Any]) -> list[str]:
    """OB 3.0 AchievementSubject: an achievement with id, type Achievement, name, criteria."""
    for subject in subjects:
        if not isinstance(subject, dict):
            continue
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict):
            return ["credentialSubject has no achievement object"]
        missing = [k for k in ("id", "name", "criteria") if k not in achievement]
        if "Achievement" not in types_of(achievement):
            missing.append("type Achievement")
        if missing:
            return [f"achievement lacks {', '.join(missing)}"]
    return []


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate (legal in JSON \u escapes) still hashes to *something*
    # instead of raising; such a value can only ever fail to match.
    return text.encode(errors="surrogatepass")  # UTF-8


def _hash_matches(identity_hash: str, salt: str | None, candidate: str) -> bool:
    """Total over any strings (identity_matches lets only strings in): the credential's side is
    hostile input, so every value is compared as bytes (hmac.compare_digest refuses non-ASCII
    str) and no encoding step can raise."""
    algo, _, digest = identity_hash.partition("$")
    algo = algo.lower()
    if algo not in ("sha256", "md5") or not digest:
        return False
    data = _utf8(candidate) + (_utf8(salt) if salt else b"")
    computed = (
        hashlib.sha256(data).hexdigest()
        if algo == "sha256"
        else hashlib.md5(data, usedforsecurity=False).hexdigest()
    )
    return hmac.compare_digest(computed.encode(), _utf8(digest.lower()))


def _is_email(value: str) -> bool:
    """An e-mail address (or mailto: URI); a DID or URL holding an @ is not one."""
    return "@" in value and not value.startswith(("did:", "http"))


def _normalise(kind: str | None, value: str) -> list[str]:
    """Forms an identity may take in a credential: e-mails are matched case-insensitively."""
    forms = [value]
    if _is_email(value):
        forms += [value.lower(), f"mailto:{value}", f"mailto:{value.lower()}"]
    return forms


def identity_matches(claimed: str, hashed: bool, salt: str | None, mine: Sequence[str]) -> str | None:
    """Which of `mine` the claimed recipient identity is (None if none)."""
    if not isinstance(claimed, str):
        return None
    for value in mine:
        if not isinstance(value, str):
            continue
        for form in _normalise(None, value):
            if hashed:
                if _hash_matches(claimed, salt, form):
                    return value
            elif claimed == form or (_is_email(form) and claimed.lower() == form.lower()):
                return value
    return None


def recipient_check(candidates: list[tuple[str, bool, str | None]], mine: Sequence[str]) -> Check:
    """`candidates`: (identity, hashed, salt) the credential names as its subject/recipient."""
    if not candidates:
        return Check(
            check=CheckName.RECIPIENT,
            status="warning",
            detail="the credential names no recipient identifier",
        )
    if not mine:
        return Check(
            check=CheckName.RECIPIENT,
            status="warning",
            detail="no wallet identities to compare with the recipient",
        )
    for claimed, hashed, salt in candidates:
        hit = identity_matches(claimed, hashed, salt, mine)
        if hit is not None:
            how = "salted hash of " if hashed else ""
            return Check(check=CheckName.RECIPIENT, status="passed", detail=f"recipient is {how}{hit}")
    shown = ", ".join(c if not h else "a hashed identity" for c, h, _ in candidates[:3])
    return Check(
        check=CheckName.RECIPIENT,
        status="warning",
        detail=f"recipient ({shown}) matches none of the wallet's identities",
    )


def vc_recipients(doc: dict[str, Any]) -> list[tuple[str, bool, str | None]]:
    out: list[tuple[str, bool, str | None]] = []
    for s in as_list(doc.get("credentialSubject")):
        if not isinstance(s, dict):
            continue
        if isinstance(s.get("id"), str):
            out.append((s["id"], False, None))
        for ident in as_list(s.get("identifier")):
            if isinstance(ident, dict) and isinstance(ident.get("identityHash"), str):
                out.append(
                    (
                        ident["identityHash"],
                        bool(ident.get("hashed")),
                        ident.get("salt") if isinstance(ident.get("salt"), str) else None,
                    )
                )
    return out


def ob2_recipients(doc: dict[str, Any]) -> list[tuple[str, bool, str | None]]:
    r = doc.get("recipient")
    if isinstance(r, dict) and isinstance(r.get("identity"), str):
        salt = r.get("salt") if isinstance(r.get("salt"), str) else None
        return [(r["identity"], bool(r.get("hashed")), salt)]
    return []
