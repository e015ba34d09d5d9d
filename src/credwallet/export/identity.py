"""Keep the holder's private identifiers (e-mail, phone) out of exports unless asked.

Derived text (pages, resume lines, reports) is scrubbed. Signed originals cannot be edited
without breaking their proof, so a credential whose original names the holder in clear text
is left out of formats that carry originals, with a reason that says how to include it.
DIDs and URLs are not treated as private: a presentation needs the subject's DID to show
the holder is the subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from credwallet.models.entry import WalletData

PRIVATE_KINDS = ("email", "phone", "other")
REDACTED = "[withheld]"
_EMAIL_RE = re.compile(r"[^\s@\"'<>]+@[^\s@\"'<>]+\.[A-Za-z]{2,}")


def private_values(wallet: WalletData) -> list[str]:
    out: set[str] = set()
    for ident in wallet.identities:
        if ident.kind not in PRIVATE_KINDS:
            continue
        value = ident.value.strip()
        for prefix in ("mailto:", "tel:"):
            if value.lower().startswith(prefix):
                value = value[len(prefix):]
        if len(value) >= 3:  # shorter values would redact ordinary words
            out.add(value)
    return sorted(out, key=len, reverse=True)


class Scrubber:
    """Replaces private values inside any text that leaves the wallet."""

    def __init__(self, values: Iterable[str], enabled: bool = True) -> None:
        vals = [v for v in values if v]
        self.enabled = enabled and bool(vals)
        self._re = re.compile("|".join(re.escape(v) for v in vals), re.IGNORECASE) \
            if self.enabled else None

    def text(self, value: str) -> str:
        if self._re is None:
            return value
        return self._re.sub(REDACTED, value)

    def finds(self, value: str) -> bool:
        """Does `value` hold a private value (that this scrubber would replace)?"""
        return self._re is not None and self._re.search(value) is not None

    def opt(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def deep(self, value: Any) -> Any:
        if self._re is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        return value


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def plaintext_identity(document: Any, raw_text: str, values: Iterable[str]) -> str | None:
    """Why this original would disclose the holder's identifier, or None when it would not."""
    low = raw_text.lower()
    for v in values:
        if v.lower() in low:
            return "its signed original contains one of your identifiers in clear text"
    if isinstance(document, dict):
        recipient = document.get("recipient")
        if isinstance(recipient, dict) and recipient.get("hashed") is not True \
                and isinstance(recipient.get("identity"), str) and "$" not in recipient["identity"]:
            return "its signed original names the recipient in clear text (unhashed OB 2.0 recipient)"
        subjects = document.get("credentialSubject")
        for subject in subjects if isinstance(subjects, list) else [subjects]:
            if not isinstance(subject, dict):
                continue
            sid = subject.get("id")
            if isinstance(sid, str) and sid.lower().startswith(("mailto:", "tel:")):
                return "its signed original identifies the subject by e-mail or phone"
            idents = subject.get("identifier")
            for ident in idents if isinstance(idents, list) else [idents]:
                if isinstance(ident, dict) and _is_false(ident.get("hashed")) \
                        and str(ident.get("identityType", "")).lower() in (
                            "emailaddress", "phone", "sourcedid", "sissourcedid", "studentid"):
                    return "its signed original names the subject in clear text (unhashed identifier)"
            if isinstance(subject.get("email"), str) and _EMAIL_RE.search(subject["email"]):
                return "its signed original contains the subject's e-mail address"
    return None
