"""IETF Token Status List (draft-ietf-oauth-status-list) for SD-JWT VCs, from material cached at import.

A Referenced Token (an SD-JWT VC) names `status.status_list = {idx, uri}`. The Status List
Token fetched from `uri` at import or `refresh` (material kind `token_status_list`) is read
here, never fetched:

* Only the JWT form (`typ` `statuslist+jwt`) is verified; the CWT form is refused by name.
* The signature must verify with a key bound to the **Referenced Token's issuer**, found by the
  SD-JWT VC family's own issuer-key resolution (handed in as `KeyFinder`: JWT VC Issuer Metadata,
  a DID `iss`); a key the list token merely carries (`jwk`, an unanchored `x5c`) binds nothing.
* `sub` equals `uri` exactly; `iss`, when the list has one, equals the Referenced Token's; `iat`
  present and not in the future; `nbf` passed; `exp` not passed (an expired list answers
  nothing: the check fails and says so); `ttl`, when present, a positive number: past
  fetch time + `ttl` the cached copy is stale, so a VALID reading is only a warning.
* `status_list`: `bits` in {1, 2, 4, 8}; `lst` base64url of ZLIB (RFC 1950) data, inflated with
  a hard cap of `MAX_LIST_BYTES` (a zip bomb stops there); each index is a block of `bits` bits
  packed from the least significant bit of each byte (draft section 4.1); an index beyond the
  list fails.
* Values (draft section 7): 0x00 VALID passes; 0x01 INVALID fails as "revoked"; 0x02 SUSPENDED
  fails as "suspended" (the word `list` and pathways show); anything else (0x03 and 0x0C-0x0F
  are application specific, the rest unassigned) fails: a status credwallet cannot interpret
  never reads as valid.

No cached list (never fetched, an HTTP error) is a warning: not checked, which is not a pass.
Every answer states the time the list was fetched ("as of ...").
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from credwallet.models import Check, CheckName
from credwallet.models.entry import CachedDocument
from credwallet.verify.dates import iso, numeric_date
from credwallet.verify.keys import KeyUnavailable, ResolvedKey
from credwallet.verify.material import Kind, MaterialSource, as_of, fetched_from
from credwallet.verify.suites import jose

# The inflated byte array: 16 MiB (2^27 one-bit entries; the draft's test vectors hold 2^20
# entries, 1 MiB at 8 bits). Inflating stops at the cap, so a zip bomb costs milliseconds.
MAX_LIST_BYTES = 16 * 1024 * 1024
BITS = (1, 2, 4, 8)
CLOCK_SKEW = timedelta(minutes=5)
MAX_INDEX = MAX_LIST_BYTES * 8
STATUS_NAMES = {0x00: "VALID", 0x01: "INVALID", 0x02: "SUSPENDED"}
APPLICATION_SPECIFIC = frozenset({0x03, *range(0x0C, 0x10)})
JWT_TYP = "statuslist+jwt"
CWT_MEDIA_TYPE = "application/statuslist+cwt"

# The issuer's candidate keys for a JWS header (each saying what binds it), or why there are
# none; may raise KeyUnavailable / jose.JwsError. Supplied by the SD-JWT VC family.
KeyFinder = Callable[[dict[str, Any]], tuple[list[ResolvedKey], str]]


class TokenStatusError(Exception):
    """The Status List cannot answer (one line, said in the check's detail)."""


def _show(value: Any) -> str:
    """A claim value as the detail quotes it: strings quoted (cut at 200), others at 40 characters."""
    return repr(value[:200]) if isinstance(value, str) else repr(value)[:40]


@dataclass(frozen=True)
class Reference:
    """A Referenced Token's `status.status_list`."""

    idx: int
    uri: str


def reference(claim: Any) -> Reference:
    """Validate `status.status_list` (draft section 6.1): `idx` a non-negative integer, `uri` an
    https URL (plain http only on a loopback host, as the fetch rules allow)."""
    if not isinstance(claim, dict):
        raise TokenStatusError("status.status_list is not an object")
    idx, uri = claim.get("idx"), claim.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int):
        raise TokenStatusError(f"status_list idx {_show(idx)} is not an integer")
    if idx < 0:
        raise TokenStatusError(f"status_list idx {idx} is negative")
    if idx >= MAX_INDEX:
        raise TokenStatusError(f"status_list idx {idx} is beyond any list credwallet reads "
                               f"({MAX_INDEX} entries)")
    if not isinstance(uri, str) or not uri:
        raise TokenStatusError("status_list uri is missing or not a string")
    problem = _uri_problem(uri)
    if problem:
        raise TokenStatusError(f"status_list uri {uri[:200]!r} {problem}")
    return Reference(idx, uri)


def _uri_problem(uri: str) -> str:
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "is not a URL"
    if not host or parts.username is not None or parts.password is not None:
        return "is not an http(s) URL with a host (and no user name)"
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and _loopback(host):
        return ""
    return "is not an https URL (plain http only on a loopback host)"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the Status List (draft section 4) -----------------------------------------------------------


def decode(status_list: Any) -> tuple[int, bytes]:
    """(bits, inflated byte array) of a `status_list` claim; TokenStatusError says what is wrong."""
    if not isinstance(status_list, dict):
        raise TokenStatusError("the status_list claim is missing or not an object")
    bits, lst = status_list.get("bits"), status_list.get("lst")
    # `type(...) is int`: JSON 2.0 equals 2 (and True equals 1), but indexes nothing.
    if type(bits) is not int or bits not in BITS:
        raise TokenStatusError(f"bits {_show(bits)} is not one of 1, 2, 4, 8")
    if not isinstance(lst, str) or not lst:
        raise TokenStatusError("lst is missing or not a string")
    try:
        compressed = base64.b64decode(lst + "=" * (-len(lst) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TokenStatusError("lst is not base64url") from exc
    return bits, inflate(compressed)


def inflate(compressed: bytes) -> bytes:
    """DEFLATE in the ZLIB format (RFC 1950), at most MAX_LIST_BYTES out."""
    inflater = zlib.decompressobj(wbits=15)
    try:
        raw = inflater.decompress(compressed, MAX_LIST_BYTES)
        # At the cap: one more byte out of what is left means the list is larger than allowed.
        if not inflater.eof and inflater.decompress(inflater.unconsumed_tail, 1):
            raise TokenStatusError(f"lst inflates to more than {MAX_LIST_BYTES // (1024 * 1024)} MiB "
                                   "(refused: a decompression bomb or an oversized list)")
    except zlib.error as exc:
        raise TokenStatusError("lst is not ZLIB/DEFLATE data") from exc
    if not inflater.eof:
        raise TokenStatusError("lst is truncated ZLIB data")
    if inflater.unused_data:
        raise TokenStatusError("lst has data after the end of its ZLIB stream")
    return raw


def value_at(raw: bytes, idx: int, bits: int) -> int:
    """The status of `idx`: a block of `bits` bits, blocks packed from the least significant
    bit ("0") to the most significant ("7") of each byte, bytes in order (draft section 4.1)."""
    per_byte = 8 // bits
    if idx >= len(raw) * per_byte:
        raise TokenStatusError(f"index {idx} is beyond the list ({len(raw) * per_byte} entries of "
                               f"{bits} bit{'s' if bits > 1 else ''})")
    shift = (idx % per_byte) * bits
    return (raw[idx // per_byte] >> shift) & ((1 << bits) - 1)


# --- the Status List Token (draft section 5.1) ------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A verified Status List Token's claims that matter after the signature."""

    bits: int
    raw: bytes
    iat: datetime
    exp: datetime | None
    ttl: float | None
    key: str


def _token(doc: CachedDocument) -> jose.CompactJws:
    body = doc.body_bytes()
    if doc.media_type == CWT_MEDIA_TYPE or body[:1] in (b"\xd2", b"\xd1", b"\x84"):
        raise TokenStatusError("is a Status List Token in CWT form (application/statuslist+cwt), "
                               "which credwallet does not verify (only the JWT form)")
    try:
        parsed = jose.parse_compact(body.decode("ascii"))
    except UnicodeDecodeError as exc:
        raise TokenStatusError("is not a Status List Token in JWT form") from exc
    except jose.JwsError as exc:
        raise TokenStatusError(f"is not a usable Status List Token in JWT form: {exc}") from exc
    typ = parsed.header.get("typ")
    shown = typ.strip().lower().removeprefix("application/") if isinstance(typ, str) else None
    if shown != JWT_TYP:
        raise TokenStatusError(f"has typ {_show(typ)}, not {JWT_TYP}")
    return parsed


def _signed_by_issuer(parsed: jose.CompactJws, iss: str | None, keys: KeyFinder) -> str:
    """The issuer key that signed the list; TokenStatusError when none does."""
    if iss is None:
        raise TokenStatusError("cannot be tied to the credential's issuer: the credential has no iss")
    try:
        candidates, why_none = keys(parsed.header)
    except (KeyUnavailable, jose.JwsError) as exc:
        raise TokenStatusError(f"has no key of the issuer {iss}: {exc}") from exc
    if not candidates:
        raise TokenStatusError(f"has no key of the issuer {iss}: {why_none}")
    problems: list[str] = []
    for key in candidates:
        try:
            ok = jose.verify_signature(parsed, key)
        except jose.JwsError as exc:
            problems.append(str(exc))
            continue
        if not ok:
            problems.append(f"the signature does not verify with {key.vm_id}")
        elif key.bound_controller != iss:
            why = "; ".join(key.notes) or "nothing binds it to the issuer"
            problems.append(f"it is signed by {key.vm_id}, a key not bound to the issuer {iss} ({why})")
        else:
            return key.vm_id
    raise TokenStatusError("is not signed by the credential's issuer: " + "; ".join(problems[:4]))


def _date(claims: dict[str, Any], name: str) -> datetime | None:
    """A NumericDate claim (None when absent; TokenStatusError when it is not one)."""
    if name not in claims:
        return None
    value = claims[name]
    when = numeric_date(value)
    if when is None:
        raise TokenStatusError(f"has {name} {_show(value)}, not a NumericDate")
    return when


def _claims(claims: dict[str, Any], ref: Reference, iss: str | None, now: datetime,
            key: str) -> Answer:
    if claims.get("sub") != ref.uri:
        raise TokenStatusError(f"has sub {_show(claims.get('sub'))}, not the uri the credential "
                               f"names ({ref.uri[:200]})")
    if "iss" in claims and claims["iss"] != iss:
        raise TokenStatusError(f"is issued by {_show(claims['iss'])}, not the credential's "
                               f"issuer {iss}")
    iat, nbf, exp = (_date(claims, n) for n in ("iat", "nbf", "exp"))
    if iat is None:
        raise TokenStatusError("has no iat (required)")
    if iat > now + CLOCK_SKEW:
        raise TokenStatusError(f"was issued at {iso(iat)}, after the time of the check ({iso(now)})")
    if nbf is not None and nbf > now + CLOCK_SKEW:
        raise TokenStatusError(f"is not valid before {iso(nbf)} (checked at {iso(now)})")
    if exp is not None and exp <= now:
        raise TokenStatusError(f"expired at {iso(exp)} (checked at {iso(now)}): its statuses may no "
                               "longer be relied upon; `credwallet refresh` fetches a current one")
    ttl = claims.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not ttl > 0):
        raise TokenStatusError(f"has ttl {_show(ttl)}, not a positive number of seconds")
    try:
        bits, raw = decode(claims.get("status_list"))
    except TokenStatusError as exc:
        raise TokenStatusError(f"has an unusable status_list: {exc}") from exc
    return Answer(bits, raw, iat, exp, float(ttl) if ttl is not None else None, key)


def read(doc: CachedDocument, ref: Reference, iss: str | None, now: datetime, keys: KeyFinder) -> Answer:
    """Verify the cached Status List Token `doc` for `ref` (TokenStatusError: why it answers nothing)."""
    parsed = _token(doc)
    key = _signed_by_issuer(parsed, iss, keys)
    return _claims(parsed.payload, ref, iss, now, key)


# --- the check ------------------------------------------------------------------------------------


def _stale(answer: Answer, doc: CachedDocument, now: datetime) -> str | None:
    """When the cached copy outlived its `ttl` (fetch time + ttl), the time it did; else None."""
    if answer.ttl is None:
        return None
    try:
        until = doc.fetched_at + timedelta(seconds=answer.ttl)
    except OverflowError:
        return None
    return iso(until) if until < now else None


def status_check(claim: Any, iss: str | None, material: MaterialSource, now: datetime,
                 keys: KeyFinder) -> Check:
    """The `revocation` check of a Referenced Token whose `status` holds `status_list` = `claim`."""
    name = CheckName.REVOCATION
    try:
        ref = reference(claim)
    except TokenStatusError as exc:
        return Check(check=name, status="failed", detail=f"Token Status List: {exc}")
    where = f"Status List Token {ref.uri[:200]}"
    doc = fetched_from(material, ref.uri, Kind.TOKEN_STATUS_LIST)
    if doc is None:
        return Check(check=name, status="warning",
                     detail=f"status not checked: {where} was not cached at import "
                            "(run `credwallet refresh`)")
    when = as_of(doc)
    if doc.http_status != 200:
        return Check(check=name, status="warning",
                     detail=f"status not checked: {where} answered HTTP {doc.http_status} (as of {when})")
    try:
        answer = read(doc, ref, iss, now, keys)
        value = value_at(answer.raw, ref.idx, answer.bits)
    except TokenStatusError as exc:
        return Check(check=name, status="failed",
                     detail=f"status not established: {where} (as of {when}) {exc}")
    return _verdict(value, ref, answer, doc, now)


def _verdict(value: int, ref: Reference, answer: Answer, doc: CachedDocument, now: datetime) -> Check:
    name = CheckName.REVOCATION
    at = f"index {ref.idx} of {ref.uri[:200]} (as of {as_of(doc)}, list issued {iso(answer.iat)})"
    if value == 0x01:
        return Check(check=name, status="failed", detail=f"revoked: INVALID (0x01) at {at}")
    if value == 0x02:
        return Check(check=name, status="failed", detail=f"suspended: SUSPENDED (0x02) at {at}")
    if value != 0x00:
        kind = "an application-specific status" if value in APPLICATION_SPECIFIC else "an unassigned status"
        return Check(check=name, status="failed",
                     detail=f"status not established: 0x{value:02X} at {at} is {kind} credwallet cannot "
                            "interpret (never read as valid)")
    stale = _stale(answer, doc, now)
    if stale is not None:
        return Check(check=name, status="warning",
                     detail=f"VALID (0x00) at {at}, but the list's ttl ran out at {stale}: the issuer may "
                            "have changed it since (run `credwallet refresh`)")
    return Check(check=name, status="passed",
                 detail=f"not revoked or suspended: VALID (0x00) at {at}, signed by {answer.key}")
