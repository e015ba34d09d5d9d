"""The displayable facts of one exported credential, already scrubbed of private identifiers.

Every text renderer (page, resume, LinkedIn, plain JSON) reads these, so a value withheld
here is withheld everywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from credwallet.export.identity import Scrubber
from credwallet.export.model import ExportItem
from credwallet.models.results import VerificationResult


def parse_date(value: str | None) -> datetime | None:
    """ISO-8601 date or date-time as written in credentials ('Z', offsets, bare dates)."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        try:
            dt = datetime.strptime(text[:10], "%Y-%m-%d")
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def day(value: str | None) -> str | None:
    dt = parse_date(value)
    return dt.date().isoformat() if dt else None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def human_date(value: str | None) -> str | None:
    """'2024-03-15T00:00:00Z' -> '15 March 2024' (UTC; None when it is not a date)."""
    dt = parse_date(value)
    if dt is None:
        return None
    dt = dt.astimezone(UTC)
    return f"{dt.day} {_MONTHS[dt.month - 1]} {dt.year}"


# What a percent-decoded identifier must not contain to be shown decoded: controls, spaces,
# bidi marks (they could make one identifier look like another).
_UNSHOWABLE = re.compile("[\x00-\x20\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                         "\ufeff\ud800-\udfff]")


def display_id(value: str | None) -> str | None:
    """A DID as people read it: `did:web:example.edu%3A8443` -> `did:web:example.edu:8443`.
    For display only (the signed data keeps the encoded form); anything else, and a DID whose
    decoding would show invisible or control characters, is returned unchanged."""
    if not value or not value.startswith("did:") or "%" not in value:
        return value
    try:
        decoded = unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value
    return value if _UNSHOWABLE.search(decoded) else decoded


def _document(raw: bytes) -> Any:
    """The credential as JSON: the JSON-LD document, or a JWT's payload (its `vc` claim)."""
    text = raw.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            return None
    parts = text.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
        return payload["vc"]
    return payload


def subject_name(item: ExportItem) -> str | None:
    """The name the issuer wrote for the subject (`credentialSubject.name`), if any: part of
    the signed credential, unlike the holder's own `identity name`."""
    try:
        doc = _document(item.cred.raw_bytes())
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    subjects = doc.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if not isinstance(subject, dict):
            continue
        name = subject.get("name")
        if isinstance(name, dict):  # a language value {"@value": ...}
            name = name.get("@value")
        if isinstance(name, str) and " ".join(name.split()):
            return " ".join(name.split())[:200]
    return None


def public_https(url: str | None) -> str | None:
    """`url` if it is an https URL on a public-looking host (not localhost or an IP literal)."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or "." not in host or parts.username or parts.password:
        return None
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".test",
                                             ".example", ".invalid")):
        return None
    if host.replace(".", "").isdigit() or ":" in host:
        return None
    return url.strip()


_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _readable(tag: str) -> str:
    """A keyword as words: `data-analytics` -> `data analytics` (other text unchanged)."""
    return tag.replace("-", " ").replace("_", " ") if _SLUG.fullmatch(tag) else tag


def skills(item: ExportItem) -> list[str]:
    """The skills a credential states, by name: its alignments' target names (the skills or
    competencies of a framework) and field of study. Keywords (`tag`) are shown only when no
    alignment names a skill, and then as words, not slugs."""
    ach = item.view.achievement
    named = [a.target_name for a in ach.alignments if a.target_name and a.target_name.strip()]
    keywords = [] if named else [_readable(t.strip()) for t in ach.tags]
    out: list[str] = []
    for value in [*named, *keywords, ach.field_of_study]:
        if value and value.strip() and " ".join(value.split()).casefold() not in (
                " ".join(s.split()).casefold() for s in out):
            out.append(" ".join(value.split()))
    return out


def status_word(item: ExportItem) -> str:
    """The status `list`, `show` and pathway progress agree on (pathways/held.py), as of the
    export's own check, in the reader's terms."""
    from credwallet.pathways.held import credential_status

    now = item.result.checked_at if item.result is not None else datetime.now(UTC)
    status, _why = credential_status(item.result, item.view.expires, now)
    return {"failed": "not_verified", "unverified": "not_verified"}.get(status, status)


def verification_facts(result: VerificationResult | None) -> dict[str, Any]:
    if result is None:
        return {"verified": False, "checked_at": None, "signer": None, "suite": None,
                "summary": "not verified", "checks": [], "registry_listings": []}
    failed = [c for c in result.checks if c.status == "failed"]
    warnings = [c for c in result.checks if c.status == "warning"]
    summary = "verified" if result.verified else "NOT verified"
    if failed:
        summary += " (" + "; ".join(f"{c.check}: {c.detail}" for c in failed[:3]) + ")"
    return {
        "verified": result.verified,
        "checked_at": result.checked_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "signer": result.signer, "suite": result.suite, "summary": summary,
        "warnings": [f"{c.check}: {c.detail}" for c in warnings],
        "checks": [c.model_dump(mode="json") for c in result.checks],
        "registry_listings": _registry_listings(result),
    }


def _registry_listings(result: VerificationResult) -> list[dict[str, Any]]:
    """Known-issuer registries that list the (signature-proven) issuer, from the trust check's
    structured finding: a public fact the reader can check for themselves."""
    trust = result.extra.get("issuer_trust")
    listed = trust.get("listed_in") if isinstance(trust, dict) else None
    return [dict(x) for x in listed if isinstance(x, dict) and x.get("registry")] \
        if isinstance(listed, list) else []


def facts(item: ExportItem, scrub: Scrubber, *, include_identity: bool) -> dict[str, Any]:
    from credwallet.export.links import verify_link

    v = item.view
    ach = v.achievement
    out: dict[str, Any] = {
        "id": item.cred.id,
        "credential_id": v.credential_id,
        "format": v.format,
        "name": item.title,
        "description": v.description,
        "issuer": {"name": v.issuer.name, "id": v.issuer.id, "url": v.issuer.url,
                   "signed": v.issuer.signed},
        "issued": v.issued, "valid_from": v.valid_from, "expires": v.expires,
        "achievement": {
            "id": ach.id, "name": ach.name, "type": ach.achievement_type,
            "description": ach.description, "criteria_url": ach.criteria_url,
            "criteria": ach.criteria_narrative, "credits_available": ach.credits_available,
            "field_of_study": ach.field_of_study, "tags": list(ach.tags),
            "alignments": [a.model_dump(mode="json", exclude_none=True) for a in ach.alignments],
            "signed": ach.signed,
        },
        "credits_earned": v.credits_earned,
        "results": v.results,
        "evidence": v.evidence,
        "skills": skills(item),
        "public_url": public_https(v.public_url),
        # What an employer can follow to check it at the issuer (export/links.py), or None.
        "verify_link": verify_link(v),
        "verification": verification_facts(item.result),
        # One word for the reader: verified, not_verified, expired, revoked, suspended.
        "status": status_word(item),
        "unverified": not item.verified,
        # False only with --include-unmatched; `not_issued_to_holder` then says why.
        "issued_to_holder": item.issued_to_holder,
        "not_issued_to_holder": None if item.issued_to_holder
        else item.not_holder_why or "its recipient is not the holder",
        "parent": item.cred.parent_id,
        # credentialSubject.name as the issuer wrote it (signed), not the holder's own name.
        "subject_name": subject_name(item),
    }
    if include_identity:
        out["subject"] = {"id": v.subject_id, "recipient": v.recipient}
    result: dict[str, Any] = scrub.deep(out)
    return result
