"""JWS verification for VC-JWT (Open Badges 3.0 / VCDM) and Open Badges 2.0 signed badges.

Strict algorithm allow-list: RS256, PS256, PS384 (RSA keys of at least 2048 bits), ES256 (P-256),
ES384 (P-384), ES256K (secp256k1) and EdDSA (Ed25519), each verified by joserfc on top of
`cryptography`. "none", HMAC and everything else are refused before any key is touched; the
algorithm is pinned for the library call too, so a header cannot switch it, and the key must be
of the algorithm's type and curve. Unknown `crit` headers and unencoded payloads (`b64: false`)
are refused.
"""

from __future__ import annotations

import base64
import binascii
import warnings
from dataclasses import dataclass
from typing import Any

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads
from credwallet.verify.keys import ResolvedKey

ALLOWED_ALGS = frozenset({"RS256", "PS256", "PS384", "ES256", "ES384", "ES256K", "EdDSA"})
# Key type and (EC) curve each allowed algorithm needs (RFC 7518 3.4, RFC 8812 3.2, RFC 8037).
ALG_KEY: dict[str, tuple[str, str | None]] = {
    "RS256": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES256K": ("EC", "secp256k1"),
    "EdDSA": ("OKP", "Ed25519"),
}
MAX_TOKEN = 4 * 1024 * 1024
MIN_RSA_BITS = 2048


class JwsError(Exception):
    """Malformed or disallowed token (message is one line)."""


@dataclass
class CompactJws:
    token: str
    header: dict[str, Any]
    payload: dict[str, Any]


def _b64url_json(part: str, what: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise JwsError(f"JWS {what} is not base64url-encoded JSON") from exc
    try:
        # The same checked parser as every other JSON input (surrogates, depth, numbers).
        value = loads(raw, what=f"JWS {what}")
    except BadInput as exc:
        raise JwsError(exc.message) from exc
    if not isinstance(value, dict):
        raise JwsError(f"JWS {what} is not a JSON object")
    return value


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, str) for x in v)


# Type of each registered JWS header member (RFC 7515 4.1, RFC 7797): checked before joserfc
# sees the header, so a mistyped member is a one-line refusal, not an exception in the library.
_HEADER_TYPES: dict[str, tuple[str, Any]] = {
    "alg": ("a string", lambda v: isinstance(v, str)),
    "kid": ("a string", lambda v: isinstance(v, str)),
    "typ": ("a string", lambda v: isinstance(v, str)),
    "cty": ("a string", lambda v: isinstance(v, str)),
    "jku": ("a string", lambda v: isinstance(v, str)),
    "x5u": ("a string", lambda v: isinstance(v, str)),
    "x5t": ("a string", lambda v: isinstance(v, str)),
    "x5t#S256": ("a string", lambda v: isinstance(v, str)),
    "jwk": ("an object", lambda v: isinstance(v, dict)),
    "x5c": ("a non-empty list of strings", _str_list),
    "crit": ("a non-empty list of strings", _str_list),
    "b64": ("a boolean", lambda v: isinstance(v, bool)),
}
# Extensions named in `crit` that this verifier understands: none (b64=false is refused).
UNDERSTOOD_CRIT: frozenset[str] = frozenset()


def check_header(header: dict[str, Any]) -> None:
    """Raise JwsError unless every registered member has its registered type and `crit` names
    only understood extensions (RFC 7515 4.1.11: otherwise the JWS must be rejected)."""
    for name, (kind, ok) in _HEADER_TYPES.items():
        if name in header and not ok(header[name]):
            raise JwsError(f"JWS header {name!r} is not {kind}")
    jwk = header.get("jwk")
    if jwk is not None:
        for name in ("kty", "crv", "x", "y", "n", "e", "kid", "use", "alg"):
            if name in jwk and not isinstance(jwk[name], str):
                raise JwsError(f"JWS header jwk member {name!r} is not a string")
    crit = header.get("crit")
    if crit is not None:
        unknown = [c for c in crit if c not in UNDERSTOOD_CRIT]
        if unknown:
            raise JwsError(f"critical header parameters {unknown[:5]!r} are not understood")


def parse_compact(token: str | bytes, allowed: frozenset[str] = ALLOWED_ALGS) -> CompactJws:
    text = token.decode("ascii", "replace") if isinstance(token, bytes) else token
    text = text.strip()
    if len(text) > MAX_TOKEN:
        raise JwsError("token is too large")
    parts = text.split(".")
    if len(parts) != 3:
        raise JwsError("not a compact JWS (expected three dot-separated parts)")
    header = _b64url_json(parts[0], "header")
    payload = _b64url_json(parts[1], "payload")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed:
        shown = alg if isinstance(alg, str) else type(alg).__name__
        raise JwsError(f"algorithm {shown[:40]!r} is not allowed (allowed: {', '.join(sorted(allowed))})")
    if header.get("b64") is False:
        raise JwsError("unencoded payloads (b64: false) are not supported")
    check_header(header)
    if not parts[2]:
        raise JwsError("token has no signature")
    return CompactJws(text, header, payload)


def _jose_key(key: ResolvedKey, alg: str) -> Any:
    # joserfc (and cryptography's hazmat layers) load lazily: most credentials are not JWTs.
    from joserfc.jwk import import_key

    try:
        if key.jwk is not None:
            jwk = {k: v for k, v in key.jwk.items() if k in ("kty", "crv", "x", "y", "n", "e", "kid")}
            return import_key(jwk)
        if key.ed25519 is not None:
            x = base64.urlsafe_b64encode(key.ed25519).rstrip(b"=").decode("ascii")
            return import_key({"kty": "OKP", "crv": "Ed25519", "x": x})
        if key.ec is not None:
            return import_key(_ec_jwk(key.ec))
        if key.pem is not None:
            pem = key.pem.encode("utf-8")
            return import_key(pem, "RSA") if ALG_KEY[alg][0] == "RSA" else import_key(pem, "EC")
    except Exception as exc:  # joserfc/cryptography raise many types on bad keys
        # (KeyError for a JWK whose curve belongs to another key type, ValueError, TypeError, ...)
        raise JwsError(f"key {key.vm_id} cannot be used: {_reason(exc)}") from exc
    raise JwsError(f"key {key.vm_id} has no public key material")


def verify_signature(parsed: CompactJws, key: ResolvedKey) -> bool:
    """True when the signature verifies with `key` under the header's (allowed) algorithm."""
    from joserfc import jws
    from joserfc.errors import JoseError, SecurityWarning
    from joserfc.jws import JWSRegistry

    alg = str(parsed.header["alg"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # weak keys are refused below instead
        jkey = _jose_key(key, alg)
    expected_kty, expected_crv = ALG_KEY[alg]
    if getattr(jkey, "key_type", None) != expected_kty:
        raise JwsError(f"{alg} needs an {expected_kty} key; {key.vm_id} is {jkey.key_type}")
    if expected_kty == "RSA":
        size = jkey.raw_value.key_size if hasattr(jkey.raw_value, "key_size") else 0
        if size < MIN_RSA_BITS:
            raise JwsError(f"RSA key is {size} bits; at least {MIN_RSA_BITS} required")
    elif getattr(jkey, "curve_name", None) != expected_crv:
        raise JwsError(f"{alg} needs a {expected_crv} key; {key.vm_id} is {getattr(jkey, 'curve_name', '?')}")
    registry = JWSRegistry(algorithms=[alg])
    # Credential headers carry whole RSA JWKs; joserfc's 512-byte default is for API tokens.
    registry.max_header_length = 16 * 1024
    registry.max_payload_length = MAX_TOKEN
    registry.max_signature_length = 2048
    try:
        with warnings.catch_warnings():
            # joserfc flags EdDSA as "deprecated" (RFC 9864 prefers "Ed25519"); OB 3.0 issuers
            # use EdDSA, and the allow-list above is our policy.
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(parsed.token, jkey, registry=registry)
    except JoseError as exc:
        if type(exc).__name__ == "BadSignatureError":
            return False
        raise JwsError(f"JWS cannot be verified: {_reason(exc)}") from exc
    except Exception as exc:  # any other library exception is a failed proof
        raise JwsError(f"JWS cannot be verified: {_reason(exc)}") from exc
    return True


def _reason(exc: BaseException) -> str:
    """One short ASCII line for a library exception (its text may echo hostile input)."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text[:120].encode("ascii", "backslashreplace").decode("ascii")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def header_key(header: dict[str, Any]) -> ResolvedKey | None:
    """A key embedded in the header (`jwk`): usable for the maths, bound to nobody."""
    jwk = header.get("jwk")
    if jwk is None:
        return None
    if not isinstance(jwk, dict):
        raise JwsError("jwk header is not an object")
    if "d" in jwk or "p" in jwk or "k" in jwk:
        raise JwsError("jwk header contains private or symmetric key material")
    key = ResolvedKey(
        vm_id="the JWS header's jwk", jwk=dict(jwk), how="a key the token carries itself, published by no one"
    )
    key.notes.append("the JWS carries its own key; no controller document binds it")
    return key


def _ec_jwk(public_key: Any) -> dict[str, Any]:
    """Public JWK of a cryptography EC key (P-256 / P-384 / secp256k1)."""
    size = (public_key.curve.key_size + 7) // 8
    numbers = public_key.public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(size, "big")).rstrip(b"=").decode("ascii")

    crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp256k1": "secp256k1"}.get(
        public_key.curve.name, "?"
    )
    return {"kty": "EC", "crv": crv, "x": b64(numbers.x), "y": b64(numbers.y)}


def same_public_key(a: ResolvedKey, b: ResolvedKey) -> bool:
    def members(k: ResolvedKey) -> tuple[Any, ...] | None:
        if k.ec is not None:
            j = _ec_jwk(k.ec)
            return ("EC", j["crv"], j["x"], j["y"], None, None)
        if k.jwk is not None:
            return tuple(k.jwk.get(m) for m in ("kty", "crv", "x", "y", "n", "e"))
        if k.ed25519 is not None:
            x = base64.urlsafe_b64encode(k.ed25519).rstrip(b"=").decode("ascii")
            return ("OKP", "Ed25519", x, None, None, None)
        return None

    ma, mb = members(a), members(b)
    return ma is not None and ma == mb


# RFC 7638 3.2: the required members of each key type, in lexicographic order.
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x"), "RSA": ("e", "kty", "n")}


def public_jwk(key: ResolvedKey) -> dict[str, Any] | None:
    """The public JWK of a resolved key, whatever form it was published in."""
    if key.ec is not None:
        return _ec_jwk(key.ec)
    if key.jwk is not None:
        return key.jwk
    if key.ed25519 is not None:
        x = base64.urlsafe_b64encode(key.ed25519).rstrip(b"=").decode("ascii")
        return {"kty": "OKP", "crv": "Ed25519", "x": x}
    return None


def thumbprint(jwk: dict[str, Any] | None) -> str | None:
    """RFC 7638 JWK SHA-256 thumbprint (base64url), or None for a JWK it is not defined for."""
    import hashlib
    import json

    if not isinstance(jwk, dict):
        return None
    kty = jwk.get("kty")
    members = _THUMBPRINT_MEMBERS.get(kty) if isinstance(kty, str) else None
    if members is None or any(not isinstance(jwk.get(m), str) for m in members):
        return None
    text = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
