"""Is a received credential bound to the holder? (the wallet's rule for OID4VCI receipts)

The proof of possession told the issuer which key to bind to; the credential must then name
that key's DID as its subject, or carry that key in `cnf`:
- W3C VC (JSON-LD or JWT), Open Badges 3.0, CLR: a `credentialSubject.id` (or the JWT `sub`)
  is the holder DID, and no subject names anybody else;
- SD-JWT VC: `cnf.jwk` is the holder's public key (same RFC 7638 thumbprint) or `cnf.kid` is
  the holder's key (its DID URL). A `sub` alone is a name, not a binding: without `cnf` no
  key binding JWT can ever be made for it, so it is refused.
A credential the issuer bound to someone else is refused, whatever else it proves.
"""

from __future__ import annotations

from typing import Any

from credwallet.ingest.sniff import Recognised, as_list
from credwallet.oid4vci.proof import HolderKey


def unbound_reason(rec: Recognised, key: HolderKey) -> str | None:
    """None when `rec` is bound to `key`; otherwise why not (one line)."""
    if rec.format == "sd-jwt-vc":
        return _sd_jwt(rec, key)
    subjects = _subject_ids(rec)
    if not subjects:
        return f"it names no subject, so it is not bound to your key {key.did}"
    others = [s for s in subjects if s != key.did]
    if key.did in subjects and not others:
        return None
    return f"it is bound to {others[0][:120]}, not to your key {key.did}"


def _subject_ids(rec: Recognised) -> list[str]:
    out: list[str] = []
    doc = rec.document or {}
    for s in as_list(doc.get("credentialSubject")):
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            out.append(s["id"])
    payload = rec.jwt_payload or {}
    if isinstance(payload.get("sub"), str) and payload["sub"] not in out:
        out.append(payload["sub"])
    return out


def _sd_jwt(rec: Recognised, key: HolderKey) -> str | None:
    from credwallet.ingest import sdjwt
    from credwallet.verify.suites.jose import thumbprint

    try:
        payload: dict[str, Any] = sdjwt.split(rec.raw.decode("ascii", "replace")).payload
    except (sdjwt.SdJwtError, UnicodeError):
        return "it is not a readable SD-JWT"
    cnf = payload.get("cnf")
    if isinstance(cnf, dict):
        jwk = cnf.get("jwk")
        if isinstance(jwk, dict) and thumbprint(jwk) == thumbprint(key.public_jwk):
            return None
        if cnf.get("kid") in (key.kid, key.did):
            return None
        if isinstance(jwk, dict) or "kid" in cnf:
            return f"its cnf key is not your key {key.did}"
    return f"it carries no cnf key (SD-JWT key binding), so it is not bound to your key {key.did}"
