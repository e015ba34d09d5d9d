"""Revocation and suspension from status material cached at import (never fetched here).

Supported: W3C BitstringStatusList and its predecessors StatusList2021 and RevocationList2020
(gzip + base64url, bit 0 is the most significant bit of the first byte), the 1EdTech revocation
list, and Open Badges 2.0 `revocationList` / hosted 410. A status list credential may be a JSON
credential with an embedded proof or a VC-JWT (compact JWS); either way it must verify.
Every answer says "as of" the time the material was fetched.
Missing material is a warning: the credential was not checked, which is not the same as
"not revoked".
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credwallet.errors import CredwalletError
from credwallet.ingest.sniff import recognise_jws, with_jwt_claims
from credwallet.models import Check, CheckName
from credwallet.verify.checks import as_list, types_of
from credwallet.verify.material import Held, Kind, MaterialSource, as_of, cached_json, json_of, lookup

MAX_LIST_BITS = 1 << 27  # 16 MiB decompressed; the spec minimum is 16 KiB
MAX_ENTRIES = 8

# (sound?, trusted?, detail) for a status list credential: its JSON, or its compact JWS when it
# is a VC-JWT; supplied by the engine (recursion-safe).
ListVerifier = Callable[[dict[str, Any] | str], tuple[bool, bool, str]]


class StatusError(Exception):
    pass


@dataclass
class EntryResult:
    status: str  # passed / failed / warning
    detail: str


def decode_bitstring(encoded: Any) -> bytes:
    """encodedList -> raw bits. Accepts multibase base64url ('u', Bitstring) and bare base64url."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusError("encodedList is missing")
    if len(encoded) > MAX_LIST_BITS // 4:
        raise StatusError("encodedList is too large")
    text = encoded[1:] if encoded.startswith("u") else encoded
    # Some StatusList2021 issuers wrote standard base64 ("+", "/"); anything else outside the
    # alphabet is refused rather than silently skipped.
    altchars = b"+/" if ("+" in text or "/" in text) else b"-_"
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StatusError("encodedList is not base64url") from exc
    try:
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(compressed, MAX_LIST_BITS // 8)
        if inflater.unconsumed_tail:
            raise StatusError("status list decompresses to more than the allowed size")
        if not inflater.eof:
            raise StatusError("encodedList is truncated gzip data")
    except zlib.error as exc:
        raise StatusError("encodedList is not gzip data") from exc
    return raw


def bit_at(bits: bytes, index: int, size: int = 1) -> int:
    """Status value at `index` (entries of `size` bits, most significant bit first)."""
    start = index * size
    if start + size > len(bits) * 8:
        raise StatusError(f"statusListIndex {index} is outside the list ({len(bits) * 8} bits)")
    value = 0
    for pos in range(start, start + size):
        value = (value << 1) | ((bits[pos // 8] >> (7 - pos % 8)) & 1)
    return value


def _parse_index(value: Any) -> int:
    if isinstance(value, bool):
        raise StatusError("statusListIndex is not an integer")
    if isinstance(value, int):
        idx = value
    elif isinstance(value, str) and value.isdigit() and len(value) < 12:
        idx = int(value)
    else:
        raise StatusError(f"statusListIndex {value!r} is not a non-negative integer")
    if idx < 0:
        raise StatusError("statusListIndex is negative")
    return idx


# The list type each entry type points to: an answer from a list of another kind is no answer.
LIST_TYPE = {
    "BitstringStatusListEntry": "BitstringStatusList",
    "StatusList2021Entry": "StatusList2021",
    "RevocationList2020Status": "RevocationList2020",
}
# RevocationList2020 names its fields after revocation, its only purpose (its list states none).
REVOCATION_LIST_2020 = "RevocationList2020"


def _entry_fields(list_type: str) -> tuple[str, str]:
    """(URL field, index field) of a status entry pointing to a `list_type` list."""
    if list_type == REVOCATION_LIST_2020:
        return "revocationListCredential", "revocationListIndex"
    return "statusListCredential", "statusListIndex"


def list_credential(body: Any, raw: bytes) -> tuple[dict[str, Any] | str, dict[str, Any]] | None:
    """(what the list verifier checks, the list credential) of a cached status list: a JSON
    credential is both; a VC-JWT is its compact JWS and the credential its claims carry (the
    `vc` claim completed from `iss`, `nbf`... as for any VC-JWT). None when it is neither."""
    if isinstance(body, dict):
        return body, body
    if body is not None or len(raw) > 4 * 1024 * 1024:
        return None
    try:
        token = raw.decode("ascii").strip()
        rec = recognise_jws(token)
    except (UnicodeDecodeError, CredwalletError):
        return None
    if rec.format not in ("vc-jwt", "ob3-jwt") or not isinstance(rec.document, dict):
        return None
    return token, with_jwt_claims(rec.document, rec.jwt_payload)


def _message(entry: dict[str, Any], value: int) -> str:
    """The entry's statusMessage text for `value` ("" when it gives none)."""
    for item in as_list(entry.get("statusMessage"))[:256]:
        if isinstance(item, dict) and isinstance(item.get("message"), str):
            code = item.get("status")
            try:
                matches = isinstance(code, str) and int(code, 16) == value
            except ValueError:
                matches = False
            if matches:
                return f" ({item['message'][:200]})"
    return ""


def _bitstring_entry(
    entry: dict[str, Any], list_type: str, material: MaterialSource, verify_list: ListVerifier
) -> EntryResult:
    url_field, index_field = _entry_fields(list_type)
    url = entry.get(url_field)
    rl2020 = list_type == REVOCATION_LIST_2020
    purpose = "revocation" if rl2020 else entry.get("statusPurpose") or "revocation"
    if not isinstance(url, str):
        return EntryResult("failed", f"status entry has no {url_field} URL")
    try:
        index = _parse_index(entry.get(index_field))
    except StatusError as exc:
        return EntryResult("failed", str(exc).replace("statusListIndex", index_field))
    cached = lookup(material, url, Kind.STATUS_LIST)
    if cached is None:
        return EntryResult(
            "warning",
            f"{purpose} not checked: status list {url} was not cached at import (run `credwallet refresh`)",
        )
    if cached.http_status != 200:
        return EntryResult(
            "warning",
            f"{purpose} not checked: status list {url} answered HTTP "
            f"{cached.http_status} (as of {as_of(cached)})",
        )
    when = as_of(cached)
    found = list_credential(json_of(cached), cached.body_bytes())
    if found is None:
        return EntryResult(
            "failed", f"status list {url} (as of {when}) is neither a JSON credential nor a VC-JWT"
        )
    checked, lst = found
    ok, bound, why = verify_list(checked)
    if not ok:
        return EntryResult("failed", f"status list {url} (as of {when}) does not verify: {why}")
    subject = lst.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return EntryResult("failed", f"status list {url} has no credentialSubject")
    if list_type not in types_of(subject):
        return EntryResult("failed", f"status list {url} is not a {list_type}")
    # The list's own type says what it is (Bitstring Status List 1.0 sec. 2.2, StatusList2021
    # sec. 2.2, RevocationList2020 sec. 2.2: the credential type MUST include ...Credential).
    if f"{list_type}Credential" not in types_of(lst):
        return EntryResult("failed", f"status list {url} is not typed {list_type}Credential")
    # A RevocationList2020 states no purpose: its bits are revocations by definition.
    list_purposes = ["revocation"] if rl2020 else as_list(subject.get("statusPurpose"))
    if not list_purposes:
        # The list must say what its bits mean; without it a clear bit answers nothing.
        return EntryResult("failed", f"status list {url} has no statusPurpose")
    if purpose not in list_purposes:
        return EntryResult("failed", f"status list purpose {list_purposes} does not match {purpose!r}")
    size = 1 if rl2020 else entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 16:
        return EntryResult("failed", "statusSize is not an integer between 1 and 16")
    try:
        value = bit_at(decode_bitstring(subject.get("encodedList")), index, size)
    except StatusError as exc:
        return EntryResult("failed", f"status list {url}: {exc}")
    if value and purpose in ("revocation", "suspension"):
        word = "revoked" if purpose == "revocation" else "suspended"
        return EntryResult("failed", f"{word}: bit {index} is set in {url} (as of {when})")
    if value:
        return EntryResult(
            "warning",
            f"status {purpose} value {value}{_message(entry, value)} at index {index} (as of {when})",
        )
    if not bound:
        return EntryResult(
            "warning",
            f"not {purpose}-flagged at index {index} (as of {when}), but {why}",
        )
    return EntryResult(
        "passed",
        f"not {'revoked' if purpose == 'revocation' else purpose}: "
        f"index {index} clear in {url} (as of {when})",
    )


def _onedtech_entry(
    entry: dict[str, Any], credential_id: str | None, material: MaterialSource
) -> EntryResult:
    url = entry.get("id")
    if not isinstance(url, str):
        return EntryResult("failed", "1EdTechRevocationList entry has no id URL")
    held = cached_json(material, url, Kind.REVOCATION_LIST)
    doc, when = held.value, held.as_of
    if doc is None:
        return _no_revocation_list(url, held)
    # 1EdTech Revocation List Status Method: revoked when the credential's id is listed under
    # revokedCredentials with `revoked` true or omitted.
    # A bare id string (not the spec's object form) is read as revoked: the issuer listed it.
    revoked = {
        item["id"] if isinstance(item, dict) else item
        for item in as_list(doc.get("revokedCredentials"))
        if isinstance(item, str)
        or (
            isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and item.get("revoked", True) is not False
        )
    }
    if credential_id is not None and credential_id in revoked:
        return EntryResult("failed", f"revoked: listed in {url} (as of {when})")
    return EntryResult("passed", f"not revoked: absent from {url} (as of {when})")


def _no_revocation_list(url: str, held: Held) -> EntryResult:
    """A revocation list that cannot be read: not checked (absent, an HTTP error) or failed
    (served, but not a JSON object)."""
    if held.doc is None or held.doc.http_status != 200:
        return EntryResult("warning", f"revocation not checked: revocation list {url} {held.problem}")
    return EntryResult("failed", f"revocation list {url} {held.problem}")


def _revoked_ids(doc: dict[str, Any], keys: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for key in keys:
        for item in as_list(doc.get(key)):
            if isinstance(item, str):
                out.add(item)
            elif isinstance(item, dict):
                for k in ("id", "uid"):
                    if isinstance(item.get(k), str):
                        out.add(item[k])
    return out


def vc_revocation_check(doc: dict[str, Any], material: MaterialSource, verify_list: ListVerifier) -> Check:
    entries = as_list(doc.get("credentialStatus"))
    if not entries:
        return Check(
            check=CheckName.REVOCATION,
            status="passed",
            detail="the credential declares no status: the issuer cannot revoke it",
        )
    results: list[EntryResult] = []
    for entry in entries[:MAX_ENTRIES]:
        if not isinstance(entry, dict):
            results.append(EntryResult("failed", "credentialStatus entry is not an object"))
            continue
        etypes = types_of(entry)
        known = sorted(etypes & set(LIST_TYPE))
        if known:
            results.append(_bitstring_entry(entry, LIST_TYPE[known[0]], material, verify_list))
        elif "1EdTechRevocationList" in etypes:
            cid = doc.get("id") if isinstance(doc.get("id"), str) else None
            results.append(_onedtech_entry(entry, cid, material))
        else:
            results.append(
                EntryResult(
                    "warning",
                    f"status type {sorted(etypes) or '?'} is not supported; status not checked",
                )
            )
    return combine(results)


def combine(results: list[EntryResult]) -> Check:
    # Fail closed: an entry that did not explicitly pass or warn counts as failed.
    failed = [r.detail for r in results if r.status not in ("passed", "warning")]
    if failed:
        return Check(check=CheckName.REVOCATION, status="failed", detail="; ".join(failed))
    warned = [r.detail for r in results if r.status == "warning"]
    if warned:
        return Check(check=CheckName.REVOCATION, status="warning", detail="; ".join(warned))
    return Check(check=CheckName.REVOCATION, status="passed", detail="; ".join(r.detail for r in results))


def ob2_revocation_list_check(
    assertion: dict[str, Any], issuer: dict[str, Any] | None, material: MaterialSource
) -> EntryResult:
    """OB 2.0: the issuer profile's revocationList (if it publishes one)."""
    if issuer is None:
        return EntryResult("warning", "revocation not checked: issuer profile was not cached")
    url = issuer.get("revocationList")
    if url is None:
        return EntryResult("passed", "the issuer publishes no revocation list")
    if not isinstance(url, str):
        return EntryResult("failed", "issuer revocationList is not a URL")
    held = cached_json(material, url, Kind.REVOCATION_LIST)
    doc, when = held.value, held.as_of
    if doc is None:
        return _no_revocation_list(url, held)
    revoked = _revoked_ids(doc, ("revokedAssertions",))
    ids = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str)}
    if ids & revoked:
        reason = next(
            (
                i.get("revocationReason")
                for i in as_list(doc.get("revokedAssertions"))
                if isinstance(i, dict) and i.get("id") in ids and i.get("revocationReason")
            ),
            None,
        )
        extra = f" ({reason})" if isinstance(reason, str) else ""
        return EntryResult("failed", f"revoked{extra}: listed in {url} (as of {when})")
    return EntryResult("passed", f"not revoked: absent from {url} (as of {when})")
