"""did:key for elliptic-curve keys: P-256 (multicodec 0x1200), P-384 (0x1201), secp256k1 (0xe7).

The multibase (base58btc, 'z') value is the varint multicodec followed by the compressed point
(33 bytes for P-256 and secp256k1, 49 for P-384). Self-certifying like every did:key: the key
is bound to the DID and nothing else. `verify.keys.resolve` already decodes P-256 and P-384;
secp256k1 (ES256K) is decoded only here until the hook is added there (see the 0.2.0 report).
"""

from __future__ import annotations

import base64
from typing import Any

from credwallet.didkey import MultibaseError, multibase_decode
from credwallet.verify.keys import KeyUnavailable, ResolvedKey

# varint(multicodec) -> (JWK crv, compressed point length)
PREFIXES: dict[bytes, tuple[str, int]] = {
    b"\x80\x24": ("P-256", 33),
    b"\x81\x24": ("P-384", 49),
    b"\xe7\x01": ("secp256k1", 33),
}


def _curve(crv: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "secp256k1": ec.SECP256K1()}[crv]


def ec_did_key_curve(vm_id: str) -> str | None:
    """The JWK curve name of an EC did:key (None for any other did:key or a malformed one)."""
    if not isinstance(vm_id, str) or not vm_id.startswith("did:key:z"):
        return None
    try:
        raw = multibase_decode(vm_id.split("#", 1)[0].removeprefix("did:key:"))
    except MultibaseError:
        return None
    found = PREFIXES.get(raw[:2])
    return found[0] if found else None


def resolve_did_key_ec(vm_id: str) -> ResolvedKey:
    """`did:key:z...` or `did:key:z...#z...` (the same value) -> its EC key, bound to the DID."""
    did, _, fragment = vm_id.partition("#")
    mb = did.removeprefix("did:key:")
    if not did.startswith("did:key:") or (fragment and fragment != mb):
        raise KeyUnavailable(f"malformed did:key {vm_id[:200]}: the fragment does not match the key")
    try:
        raw = multibase_decode(mb)
    except MultibaseError as exc:
        raise KeyUnavailable(f"malformed did:key {vm_id[:200]}: {exc}") from exc
    found = PREFIXES.get(raw[:2])
    if found is None:
        raise KeyUnavailable(f"did:key {vm_id[:200]} is not a P-256, P-384 or secp256k1 key")
    crv, size = found
    if len(raw) != 2 + size or raw[2] not in (2, 3):
        raise KeyUnavailable(f"malformed did:key {vm_id[:200]}: not a compressed {crv} point")
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(_curve(crv), raw[2:])
    except ValueError as exc:
        raise KeyUnavailable(f"malformed did:key {vm_id[:200]}: invalid {crv} point") from exc
    numbers = public.public_numbers()
    width = (public.curve.key_size + 7) // 8

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(width, "big")).rstrip(b"=").decode("ascii")

    return ResolvedKey(
        vm_id=f"{did}#{mb}",
        ec=public,
        jwk={"kty": "EC", "crv": crv, "x": b64(numbers.x), "y": b64(numbers.y)},
        controller=did,
        bound_controller=did,
        how="did:key (self-certifying)",
    )
