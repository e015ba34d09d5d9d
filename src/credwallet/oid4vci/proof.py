"""The holder's keys and `jwt` proofs of possession (OID4VCI 1.0 appendix F.1).

Two holder keys, both from the wallet's one secret (so nothing new is stored):
- Ed25519, the wallet's own `did:key` (EdDSA): used whenever the issuer accepts it;
- P-256, `did:jwk` (ES256), for issuers that accept only ES256. Its private scalar is derived
  from the wallet's Ed25519 seed with HKDF-SHA256 (RFC 5869; info names its use), so the same
  wallet always has the same P-256 key, and the key never leaves the encrypted payload.

A proof JWT: header `typ: openid4vci-proof+jwt`, `alg`, and `kid` (a DID URL) or `jwk` (when
the issuer binds to a bare key); claims `aud` (the credential issuer), `iat`, and `nonce` when
the issuer gave one. No `iss`: anonymous pre-authorized access and public clients both allow
leaving it out, and it would only add a client id nobody registered.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credwallet.errors import UnsupportedFormat
from credwallet.oid4vci.errors import printable
from credwallet.oid4vci.metadata import Configuration

PROOF_TYP = "openid4vci-proof+jwt"
P256_INFO = b"credwallet holder key: did:jwk P-256 v1"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class HolderKey:
    did: str
    kid: str  # the DID URL of the key
    alg: str
    public_jwk: dict[str, str]
    _seed: bytes = field(repr=False)

    def sign(self, message: bytes) -> bytes:
        if self.alg in ("EdDSA", "Ed25519"):
            from nacl.signing import SigningKey

            return bytes(SigningKey(self._seed).sign(message).signature)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        der = _p256_private(self._seed).sign(message, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JWS form (RFC 7518 3.4)


def ed25519_key(seed: bytes, alg: str = "EdDSA") -> HolderKey:
    from nacl.signing import SigningKey

    from credwallet.didkey import did_key_from_public, verification_method_id

    public = bytes(SigningKey(seed).verify_key)
    did = did_key_from_public(public)
    return HolderKey(did, verification_method_id(did), alg,
                     {"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}, seed)


def _p256_private(seed: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    counter = 0
    while True:  # HKDF-Expand output as a scalar; retry in the ~2^-32 case it is out of range
        okm = _hkdf(seed, P256_INFO + bytes([counter]))
        scalar = int.from_bytes(okm, "big")
        if 0 < scalar < P256_ORDER:
            return ec.derive_private_key(scalar, ec.SECP256R1())
        counter += 1


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    import hmac

    prk = hmac.new(b"credwallet", ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def p256_key(seed: bytes) -> HolderKey:
    from credwallet.verify.did_jwk import did_jwk_of

    numbers = _p256_private(seed).public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
           "y": b64url(numbers.y.to_bytes(32, "big"))}
    did = did_jwk_of(jwk)
    return HolderKey(did, did + "#0", "ES256", jwk, seed)


@dataclass(frozen=True)
class ProofPlan:
    """Which key signs the proofs, and how the key is named in them."""

    key: HolderKey
    header: str  # "kid" or "jwk"


def plan_for(config: Configuration, seed: bytes) -> ProofPlan | None:
    """The key and header an issuer accepts for `config`; None when it asks for no proof."""
    if not config.proof_types:
        return None
    if "jwt" not in config.proof_types:
        raise UnsupportedFormat(f"the issuer accepts only {', '.join(config.proof_types)[:80]} "
                                "proofs for this credential; credwallet sends jwt proofs")
    algs = config.proof_algs
    methods = set(config.binding_methods)
    ed_alg = next((a for a in ("EdDSA", "Ed25519") if a in algs), None)
    if ed_alg is not None and (not methods or methods & {"did:key", "did", "jwk"}):
        header = "jwk" if methods and not methods & {"did:key", "did"} else "kid"
        return ProofPlan(ed25519_key(seed, ed_alg), header)
    if "ES256" in algs and (not methods or methods & {"did:jwk", "did", "jwk"}):
        header = "jwk" if methods and not methods & {"did:jwk", "did"} else "kid"
        return ProofPlan(p256_key(seed), header)
    raise UnsupportedFormat(
        "the issuer accepts proofs signed with "
        f"{printable(', '.join(algs) or 'no algorithm', 80)} bound by "
        f"{printable(', '.join(sorted(methods)) or 'no method', 80)}; credwallet signs with "
        "EdDSA (did:key) or ES256 (did:jwk)")


def proof_jwt(plan: ProofPlan, *, audience: str, nonce: str | None, now: datetime) -> str:
    header: dict[str, Any] = {"typ": PROOF_TYP, "alg": plan.key.alg}
    if plan.header == "jwk":
        header["jwk"] = plan.key.public_jwk
    else:
        header["kid"] = plan.key.kid
    claims: dict[str, Any] = {"aud": audience, "iat": int(now.timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    signing_input = (b64url(_json(header)) + "." + b64url(_json(claims))).encode("ascii")
    return signing_input.decode("ascii") + "." + b64url(plan.key.sign(signing_input))


def proofs(plan: ProofPlan, count: int, *, audience: str, nonce: str | None,
           now: datetime) -> dict[str, Sequence[str]]:
    """The `proofs` member of a credential request: `count` proofs of the same key (credwallet
    has one key per algorithm, so a batch is several credentials bound to it)."""
    return {"jwt": [proof_jwt(plan, audience=audience, nonce=nonce, now=now)
                    for _ in range(count)]}


def _json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
