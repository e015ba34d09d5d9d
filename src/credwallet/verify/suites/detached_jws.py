"""Detached JWS with unencoded payload (RFC 7797), as used by the Linked Data Signatures suites
Ed25519Signature2018, JsonWebSignature2020 and EcdsaSecp256r1Signature2019.

The `jws` value is `<protected header>..<signature>`; the header must say `"b64": false` and
list exactly `"b64"` in `crit`. The signing input is the ASCII header, a dot, then the raw
payload bytes (here: SHA-256 of the canonical proof options || SHA-256 of the canonical
document). Keys come from the verification method only; header members that carry or point at
keys (`jwk`, `jku`, `x5u`, `x5c`) are never used.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing

from credwallet.didkey import MultibaseError, multibase_decode
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import ResolvedKey
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError

MAX_JWS = 16 * 1024
MIN_RSA_BITS = 2048
# alg -> (key family, curve for EC, digest, raw signature length or None)
_ALGS: dict[str, tuple[str, str | None, str, int | None]] = {
    "EdDSA": ("OKP", "Ed25519", "", 64),
    "ES256": ("EC", "P-256", "sha256", 64),
    "ES384": ("EC", "P-384", "sha384", 96),
    "ES256K": ("EC", "secp256k1", "sha256", 64),
    "PS256": ("RSA", None, "sha256", None),
}


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64url(text: str, what: str) -> bytes:
    if not set(text) <= _B64URL:
        raise SuiteError(f"jws {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SuiteError(f"jws {what} is not base64url") from exc


def parse_detached(jws: Any, allowed: frozenset[str]) -> tuple[str, dict[str, Any], bytes]:
    """(encoded header, header, signature) of a detached, unencoded-payload JWS."""
    if not isinstance(jws, str):
        raise SuiteError("proof has no jws string")
    if len(jws) > MAX_JWS:
        raise SuiteError("jws is too large")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "" or not parts[0] or not parts[2]:
        raise SuiteError("jws is not a detached JWS (expected '<header>..<signature>')")
    try:
        header = json.loads(_b64url(parts[0], "header"))
    except (ValueError, RecursionError) as exc:
        raise SuiteError("jws header is not JSON") from exc
    if not isinstance(header, dict):
        raise SuiteError("jws header is not a JSON object")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed:
        shown = alg[:40] if isinstance(alg, str) else type(alg).__name__
        allowed_text = ", ".join(sorted(allowed))
        raise SuiteError(f"jws algorithm {shown!r} is not allowed here (allowed: {allowed_text})")
    if header.get("b64") is not False:
        raise SuiteError('jws header must have "b64": false (detached, unencoded payload)')
    if header.get("crit") != ["b64"]:
        raise SuiteError('jws header "crit" must be exactly ["b64"]')
    return parts[0], header, _b64url(parts[2], "signature")


def verify_detached(jws: Any, payload: bytes, key: ResolvedKey, allowed: frozenset[str]) -> bool:
    """True when `jws` signs `payload` with `key` under an allowed algorithm."""
    encoded_header, header, signature = parse_detached(jws, allowed)
    signing_input = encoded_header.encode("ascii") + b"." + payload
    return verify_raw(str(header["alg"]), signing_input, signature, key)


def verify_raw(alg: str, message: bytes, signature: bytes, key: ResolvedKey) -> bool:
    """Check a JOSE signature (raw r||s for ECDSA) over `message`; the key must fit `alg`."""
    family, curve, digest, size = _ALGS[alg]
    if size is not None and len(signature) != size:
        raise SuiteError(f"{alg} signature is {len(signature)} bytes, expected {size}")
    if family == "OKP":
        if key.ed25519 is None or len(key.ed25519) != 32:
            raise SuiteError(f"{alg} needs an Ed25519 key; {key.vm_id} is not one")
        try:
            nacl.signing.VerifyKey(key.ed25519).verify(message, signature)
        except nacl.exceptions.BadSignatureError:
            return False
        return True
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    algorithm: hashes.HashAlgorithm = hashes.SHA384() if digest == "sha384" else hashes.SHA256()
    if family == "EC":
        public = ec_key(key)
        if public is None or curve_name(public) != curve:
            raise SuiteError(f"{alg} needs a {curve} key; {key.vm_id} is not one")
        half = len(signature) // 2
        der = encode_dss_signature(
            int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        )
        try:
            public.verify(der, message, ec.ECDSA(algorithm))
        except InvalidSignature:
            return False
        return True
    rsa_public = rsa_key(key)
    if rsa_public.key_size < MIN_RSA_BITS:
        raise SuiteError(f"RSA key is {rsa_public.key_size} bits; at least {MIN_RSA_BITS} required")
    try:
        rsa_public.verify(
            signature,
            message,
            padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size),
            algorithm,
        )
    except InvalidSignature:
        return False
    return True


def curve_name(public: Any) -> str:
    name = str(public.curve.name)
    return {"secp256r1": "P-256", "secp384r1": "P-384"}.get(name, name)


def ec_key(key: ResolvedKey) -> Any:
    """The EC public key: the resolver's (P-256/P-384) or, for secp256k1, the JWK it kept."""
    if key.ec is not None:
        return key.ec
    jwk = key.jwk
    if jwk is None or jwk.get("kty") != "EC" or jwk.get("crv") != "secp256k1":
        return None
    from cryptography.hazmat.primitives.asymmetric import ec

    x, y = jwk.get("x"), jwk.get("y")
    if not isinstance(x, str) or not isinstance(y, str) or len(x) > 64 or len(y) > 64:
        raise SuiteError(f"secp256k1 JWK of {key.vm_id} needs x and y")
    try:
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(_b64url(x, "JWK x"), "big"),
            int.from_bytes(_b64url(y, "JWK y"), "big"),
            ec.SECP256K1(),
        )
        return numbers.public_key()
    except ValueError as exc:
        raise SuiteError(f"secp256k1 JWK of {key.vm_id} is not a point on the curve") from exc


def rsa_key(key: ResolvedKey) -> Any:
    jwk = key.jwk
    if jwk is None or jwk.get("kty") != "RSA":
        raise SuiteError(f"PS256 needs an RSA key; {key.vm_id} is not one")
    from cryptography.hazmat.primitives.asymmetric import rsa

    n, e = jwk.get("n"), jwk.get("e")
    if not isinstance(n, str) or not isinstance(e, str) or len(n) > 2048 or len(e) > 16:
        raise SuiteError(f"RSA JWK of {key.vm_id} needs n and e")
    try:
        return rsa.RSAPublicNumbers(
            int.from_bytes(_b64url(e, "JWK e"), "big"), int.from_bytes(_b64url(n, "JWK n"), "big")
        ).public_key()
    except ValueError as exc:
        raise SuiteError(f"RSA JWK of {key.vm_id} is not a valid key") from exc


@dataclass(frozen=True)
class JwsProofSuite(DataIntegritySuite):
    """A Linked Data Signatures suite whose proof carries a detached JWS (`jws`) over
    SHA-256(canonical proof options) || SHA-256(canonical document); some also accept a
    multibase `proofValue` holding the raw signature (`proof_value_alg`)."""

    algs: frozenset[str] = frozenset()
    proof_value_alg: str | None = None  # algorithm of a `proofValue` signature, if accepted

    def accepts(self, key: ResolvedKey) -> str | None:
        usable = {
            "EdDSA": key.ed25519 is not None,
            "ES256": key.ec is not None and curve_name(key.ec) == "P-256",
            "ES384": key.ec is not None and curve_name(key.ec) == "P-384",
            "ES256K": (key.ec is not None and curve_name(key.ec) == "secp256k1")
            or (key.jwk is not None and key.jwk.get("crv") == "secp256k1"),
            "PS256": key.jwk is not None and key.jwk.get("kty") == "RSA",
        }
        if any(usable[a] for a in self.algs):
            return None
        return f"the verification method is not a key for {self.name} ({', '.join(sorted(self.algs))})"

    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        jws = proof.get("jws")
        value = proof.get("proofValue")
        if jws is not None and value is not None:
            raise SuiteError("proof has both jws and proofValue")
        if jws is None and (self.proof_value_alg is None or value is None):
            wanted = "jws" if self.proof_value_alg is None else "jws or proofValue"
            raise SuiteError(f"proof has no {wanted}")
        if jws is not None:
            parse_detached(jws, self.algs)  # refuse a bad header before canonicalizing
        else:
            signature = _multibase_signature(value)
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        proof_hash, doc_hash = self.hash_data(unsecured, self.proof_config(unsecured, proof), store)
        if jws is not None:
            return verify_detached(jws, proof_hash + doc_hash, key, self.algs)
        assert self.proof_value_alg is not None
        return verify_raw(self.proof_value_alg, proof_hash + doc_hash, signature, key)

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        raise SuiteError(f"credwallet does not sign with {self.name}")


def _multibase_signature(value: Any) -> bytes:
    if not isinstance(value, str):
        raise SuiteError("proofValue is not a string")
    try:
        return multibase_decode(value)
    except MultibaseError as exc:
        raise SuiteError(f"proofValue is not base58btc multibase: {exc}") from exc
