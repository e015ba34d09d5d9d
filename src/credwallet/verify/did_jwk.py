"""did:jwk (https://github.com/quartzjer/did-jwk/blob/main/spec.md): the DID is the key.

`did:jwk:<base64url(UTF-8 JSON of a public JWK)>`; its only verification method is `<did>#0`.
Resolution is local and self-certifying, like did:key: whoever holds the private key controls
the DID, so the key is bound to the DID and to nothing else. A JWK with `"use": "enc"` is a
key-agreement key only and never verifies a signature; private members are refused.

Not yet wired into `verify.keys.resolve` (owned elsewhere): the JOSE key selection calls
`resolve_did_jwk` directly, and the hook for `keys.resolve` is two lines (see the 0.2.0 report).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads
from credwallet.verify.keys import KeyUnavailable, ResolvedKey

MAX_DID_JWK = 8192  # an RSA-4096 JWK is ~750 characters of base64url
_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_PRIVATE = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_PUBLIC = {"EC": ("kty", "crv", "x", "y"), "OKP": ("kty", "crv", "x"), "RSA": ("kty", "n", "e")}
_EC_CURVES = {"P-256": 32, "P-384": 48, "secp256k1": 32}


def _b64url(text: str, what: str) -> bytes:
    if not isinstance(text, str) or not _B64URL.match(text) or len(text) > MAX_DID_JWK:
        raise KeyUnavailable(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise KeyUnavailable(f"{what} is not base64url") from exc


def public_key_from_jwk(jwk: Any, vm_id: str) -> ResolvedKey:
    """A ResolvedKey (not bound to anyone) from a public JWK: EC P-256/P-384/secp256k1,
    OKP Ed25519, RSA. Private or symmetric members are refused."""
    if not isinstance(jwk, dict):
        raise KeyUnavailable(f"{vm_id}: the JWK is not a JSON object")
    if any(m in jwk for m in _PRIVATE):
        raise KeyUnavailable(f"{vm_id}: the JWK carries private or symmetric key material")
    kty = jwk.get("kty")
    members = _PUBLIC.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise KeyUnavailable(f"{vm_id}: JWK key type {str(kty)[:20]!r} is not supported")
    if any(not isinstance(jwk.get(m), str) for m in members):
        raise KeyUnavailable(f"{vm_id}: the {kty} JWK lacks {', '.join(members)}")
    public = {m: jwk[m] for m in members}
    key = ResolvedKey(vm_id=vm_id, jwk=public)
    if kty == "OKP":
        if jwk["crv"] != "Ed25519":
            raise KeyUnavailable(f"{vm_id}: OKP curve {jwk['crv'][:20]!r} is not supported")
        key.ed25519 = _b64url(jwk["x"], "the JWK x")
        if len(key.ed25519) != 32:
            raise KeyUnavailable(f"{vm_id}: Ed25519 key is not 32 bytes")
    elif kty == "EC":
        key.ec = ec_public_key(jwk["crv"], jwk["x"], jwk["y"], vm_id)
    return key


def ec_public_key(crv: str, x: str, y: str, vm_id: str) -> Any:
    """A cryptography EC public key; the point must be on the curve."""
    from cryptography.hazmat.primitives.asymmetric import ec

    size = _EC_CURVES.get(crv)
    if size is None:
        raise KeyUnavailable(f"{vm_id}: EC curve {crv[:20]!r} is not supported")
    xb, yb = _b64url(x, "the JWK x"), _b64url(y, "the JWK y")
    if len(xb) != size or len(yb) != size:
        raise KeyUnavailable(f"{vm_id}: {crv} coordinates must be {size} bytes")
    curve: ec.EllipticCurve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(),
                               "secp256k1": ec.SECP256K1()}[crv]
    try:
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(xb, "big"), int.from_bytes(yb, "big"), curve
        ).public_key()
    except ValueError as exc:
        raise KeyUnavailable(f"{vm_id}: the point is not on {crv}") from exc


def resolve_did_jwk(vm_id: str, purpose: str = "assertionMethod") -> ResolvedKey:
    """Resolve `did:jwk:...` or `did:jwk:...#0` to its key, bound to the DID itself."""
    if not isinstance(vm_id, str) or not vm_id.startswith("did:jwk:"):
        raise KeyUnavailable("not a did:jwk")
    did, _, fragment = vm_id.partition("#")
    if fragment not in ("", "0"):
        raise KeyUnavailable(f"did:jwk has one verification method, #0, not #{fragment[:40]}")
    raw = _b64url(did.removeprefix("did:jwk:"), "the did:jwk identifier")
    try:
        jwk = loads(raw, what="did:jwk JWK")
    except BadInput as exc:
        raise KeyUnavailable(f"malformed did:jwk: {exc.message}") from exc
    key = public_key_from_jwk(jwk, f"{did}#0")
    if jwk.get("use") == "enc" and purpose != "keyAgreement":
        # did:jwk spec: a "use": "enc" key appears only under keyAgreement.
        raise KeyUnavailable(f"{did}#0 is an encryption key (use: enc), not listed for {purpose}")
    key.controller = did
    key.bound_controller = did
    key.how = "did:jwk (self-certifying)"
    return key


def did_jwk_of(jwk: dict[str, Any]) -> str:
    """The did:jwk of a public JWK (its public members only, compact JSON)."""
    import json

    kty = jwk.get("kty")
    members = _PUBLIC.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise ValueError("unsupported JWK")
    public = {m: jwk[m] for m in members}
    text = json.dumps(public, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return "did:jwk:" + base64.urlsafe_b64encode(text).rstrip(b"=").decode("ascii")
