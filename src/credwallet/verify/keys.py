"""Resolve a proof's verification method to a public key, offline, and say what binds it.

Sources, in order: did:key (self-certifying), did:web and HTTP(S) controller / verification
method documents cached at import, and, as a last resort for signature checking only, an
Ed25519 multikey in the URL fragment (`<issuer>#z6Mk...`). A fragment key proves nothing about
who controls it, so it is returned with `bound_controller=None`: the signature can be checked
but the key_binding check fails.
"""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import base58

from credwallet.didkey import MultibaseError, ed25519_from_multikey, multibase_decode
from credwallet.verify.material import MaterialSource, as_of, json_of, lookup


class KeyUnavailable(Exception):
    """No usable key for this verification method (the message says why, one line)."""


@dataclass
class ResolvedKey:
    vm_id: str
    ed25519: bytes | None = None  # raw 32-byte public key
    ec: Any = None  # cryptography EllipticCurvePublicKey (P-256 / P-384), for ecdsa-rdfc-2019
    jwk: dict[str, Any] | None = None  # public JWK (JOSE suites)
    pem: str | None = None  # OB 2.0 CryptographicKey
    controller: str | None = None  # the controller the VM claims
    # The controller proven by offline material (did:key, or a cached controller document that
    # lists this VM for the proof purpose). None = nothing binds the key to anyone.
    bound_controller: str | None = None
    how: str = ""  # human-readable provenance
    as_of: str | None = None
    notes: list[str] = field(default_factory=list)


def did_web_url(did: str) -> str:
    """did:web:example.com:a:b -> https://example.com/a/b/did.json (per the did:web spec)."""
    parts = did.split("#", 1)[0].split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise KeyUnavailable(f"malformed did:web {did!r}")
    host = urllib.parse.unquote(parts[2])
    if "/" in host or "@" in host:
        raise KeyUnavailable(f"malformed did:web host in {did!r}")
    path = [urllib.parse.unquote(p) for p in parts[3:]]
    if any(not p or "/" in p or p in (".", "..") for p in path):
        raise KeyUnavailable(f"malformed did:web path in {did!r}")
    if path:
        return f"https://{host}/{'/'.join(path)}/did.json"
    return f"https://{host}/.well-known/did.json"


# Multicodec prefixes (varint) of the public keys Multikey values carry.
_P256_PREFIX = b"\x80\x24"  # p256-pub 0x1200, 33-byte compressed point
_P384_PREFIX = b"\x81\x24"  # p384-pub 0x1201, 49-byte compressed point


def _apply_multikey(key: ResolvedKey, value: str) -> None:
    """Set `key` from a publicKeyMultibase: Ed25519, or a compressed P-256/P-384 point."""
    raw = multibase_decode(value)
    if raw[:2] in (_P256_PREFIX, _P384_PREFIX):
        from cryptography.hazmat.primitives.asymmetric import ec

        curve: ec.EllipticCurve = ec.SECP256R1() if raw[:2] == _P256_PREFIX else ec.SECP384R1()
        size = 33 if raw[:2] == _P256_PREFIX else 49
        if len(raw) != 2 + size:
            raise MultibaseError(f"not a compressed {curve.name} point")
        try:
            key.ec = ec.EllipticCurvePublicKey.from_encoded_point(curve, raw[2:])
        except ValueError as exc:
            raise MultibaseError(f"invalid {curve.name} point") from exc
        return
    key.ed25519 = ed25519_from_multikey(value)


def key_from_vm_object(vm: dict[str, Any], vm_id: str) -> ResolvedKey:
    """Public key material of a verification method object (Multikey, Ed25519 2018/2020, JWK)."""
    key = ResolvedKey(
        vm_id=vm_id,
        controller=vm.get("controller") if isinstance(vm.get("controller"), str) else None,
    )
    mb = vm.get("publicKeyMultibase")
    jwk = vm.get("publicKeyJwk")
    b58 = vm.get("publicKeyBase58")
    pem = vm.get("publicKeyPem")
    try:
        if isinstance(mb, str):
            _apply_multikey(key, mb)
        elif isinstance(jwk, dict):
            if "d" in jwk:
                raise KeyUnavailable("verification method publishes a private key; refusing it")
            key.jwk = dict(jwk)
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and isinstance(jwk.get("x"), str):
                key.ed25519 = _b64url(jwk["x"])
            elif jwk.get("kty") == "EC":
                key.ec = _ec_from_jwk(jwk)
        elif isinstance(b58, str):
            raw = bytes(base58.b58decode(b58)) if len(b58) < 100 else b""
            key.ed25519 = raw
        elif isinstance(pem, str):
            key.pem = pem
        else:
            raise KeyUnavailable(f"verification method {vm_id} has no supported public key property")
    except (MultibaseError, ValueError) as exc:
        raise KeyUnavailable(f"verification method {vm_id}: {exc}") from exc
    if key.ed25519 is not None and len(key.ed25519) != 32:
        raise KeyUnavailable(f"verification method {vm_id}: Ed25519 key is not 32 bytes")
    return key


def _ec_from_jwk(jwk: dict[str, Any]) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    curves: dict[Any, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
    curve = curves.get(jwk.get("crv"))
    x, y = jwk.get("x"), jwk.get("y")
    if curve is None or not isinstance(x, str) or not isinstance(y, str):
        raise ValueError("EC JWK must be P-256 or P-384 with x and y")
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_b64url(x), "big"), int.from_bytes(_b64url(y), "big"), curve
    )
    return numbers.public_key()


def _b64url(text: str) -> bytes:
    if len(text) > 2048:
        raise ValueError("JWK member too long")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _listed(doc: dict[str, Any], relationship: str, vm_id: str) -> bool:
    entries = doc.get(relationship)
    for item in entries if isinstance(entries, list) else [entries]:
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str) and _same_vm(ref, vm_id, doc.get("id")):
            return True
    return False


def _same_vm(ref: str, vm_id: str, base: Any) -> bool:
    if ref == vm_id:
        return True
    # Relative references ("#key-1") are relative to the controller document id.
    return ref.startswith("#") and isinstance(base, str) and base + ref == vm_id


def _find_vm(doc: dict[str, Any], vm_id: str) -> dict[str, Any] | None:
    if doc.get("id") == vm_id and any(
        k in doc for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58", "publicKeyPem")
    ):
        return doc
    for rel in (
        "verificationMethod",
        "assertionMethod",
        "authentication",
        "publicKey",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        entries = doc.get(rel)
        for item in entries if isinstance(entries, list) else [entries]:
            if (
                isinstance(item, dict)
                and isinstance(item.get("id"), str)
                and _same_vm(item["id"], vm_id, doc.get("id"))
            ):
                return item
    return None


def resolve(vm_id: Any, material: MaterialSource, purpose: str = "assertionMethod") -> ResolvedKey:
    """Resolve a verification method id; raises KeyUnavailable with a one-line reason."""
    if not isinstance(vm_id, str) or not vm_id:
        raise KeyUnavailable("proof has no verificationMethod")
    if len(vm_id) > 2048:
        raise KeyUnavailable("verificationMethod is too long")
    if vm_id.startswith("did:key:"):
        did, _, fragment = vm_id.partition("#")
        mb = did.removeprefix("did:key:")
        key = ResolvedKey(vm_id=vm_id, controller=did, bound_controller=did, how="did:key (self-certifying)")
        try:
            if fragment and fragment != mb:
                raise MultibaseError("the fragment does not match the key")
            _apply_multikey(key, mb)
        except MultibaseError as exc:
            raise KeyUnavailable(f"malformed did:key {vm_id}: {exc}") from exc
        return key
    if vm_id.startswith("did:web:"):
        return _resolve_controlled(vm_id, did_web_url(vm_id), material, purpose, "did:web")
    if vm_id.startswith("did:"):
        method = vm_id.split(":", 2)[1]
        raise KeyUnavailable(f"DID method did:{method} is not supported offline")
    scheme = urllib.parse.urlsplit(vm_id).scheme.lower()
    if scheme in ("https", "http"):
        return _resolve_controlled(vm_id, vm_id, material, purpose, "key document")
    if not scheme:
        raise KeyUnavailable(f"verificationMethod {vm_id!r} is not a URI")
    if "#" in vm_id and scheme in ("urn",):
        # e.g. urn:uuid:...#z6Mk...: nothing can be resolved, only the fragment can be read.
        return _fragment_key(vm_id, f"{scheme}: identifiers cannot be resolved")
    raise KeyUnavailable(f"verificationMethod scheme {scheme}: is not supported")


def _resolve_controlled(
    vm_id: str, doc_url: str, material: MaterialSource, purpose: str, label: str
) -> ResolvedKey:
    cached = lookup(material, doc_url)
    parsed = json_of(cached) if cached is not None and cached.http_status == 200 else None
    if not isinstance(parsed, dict):
        reason = (
            f"{label} {doc_url.split('#', 1)[0]} was not cached at import"
            if cached is None
            else f"{label} {doc_url} is unusable (HTTP {cached.http_status} as of {as_of(cached)})"
        )
        return _fragment_key(vm_id, reason)
    assert cached is not None
    vm = _find_vm(parsed, vm_id)
    if vm is None:
        # e.g. an OB 3.0 issuer profile that does not publish its keys: the fragment may still
        # let us check the maths, but the document binds nothing.
        return _fragment_key(
            vm_id, f"{label} {doc_url.split('#', 1)[0]} (as of {as_of(cached)}) does not list {vm_id}"
        )
    key = key_from_vm_object(vm, vm_id)
    key.as_of = as_of(cached)
    key.how = f"{label} {doc_url} (cached {key.as_of})"
    controller_id = key.controller or (parsed.get("id") if vm is not parsed else None)
    key.controller = controller_id if isinstance(controller_id, str) else None
    # Binding: a controller document (this one, or the controller's own cached document)
    # must list the VM under the proof purpose.
    ctrl_doc: dict[str, Any] | None = None
    if key.controller is not None and parsed.get("id") == key.controller:
        ctrl_doc = parsed
    elif key.controller is not None:
        cdoc = lookup(material, key.controller)
        cparsed = json_of(cdoc) if cdoc is not None and cdoc.http_status == 200 else None
        if isinstance(cparsed, dict) and cparsed.get("id") == key.controller:
            ctrl_doc = cparsed
    if label == "did:web" and key.controller != vm_id.split("#", 1)[0]:
        key.notes.append(f"controller {key.controller} is not the DID {vm_id.split('#', 1)[0]}")
    elif ctrl_doc is None:
        key.notes.append(f"no cached controller document for {key.controller}")
    elif not _listed(ctrl_doc, purpose, vm_id):
        key.notes.append(f"controller document {key.controller} does not list the key for {purpose}")
    else:
        key.bound_controller = key.controller
    return key


def _fragment_key(vm_id: str, reason: str) -> ResolvedKey:
    """The `<controller>#<multibase>` convention: usable for the maths, never for binding."""
    base, _, fragment = vm_id.partition("#")
    if not fragment:
        raise KeyUnavailable(reason)
    key = ResolvedKey(
        vm_id=vm_id,
        controller=base,
        bound_controller=None,
        how="key taken from the verification method's URL fragment",
    )
    try:
        _apply_multikey(key, fragment)
    except MultibaseError as exc:
        raise KeyUnavailable(f"{reason}, and the URL fragment is not a public key ({exc})") from exc
    key.notes.append(f"{reason}; nothing binds the fragment key to {base}")
    return key


def binding_detail(key: ResolvedKey, expected: str | None, role: str = "issuer") -> tuple[bool, str]:
    """Is the key bound to `expected` (the issuer or holder)? Returns (ok, detail)."""
    if expected is None:
        return False, f"the credential names no {role}; the key cannot be bound to one"
    if key.bound_controller is None:
        extra = "; ".join(key.notes) or "no controller document binds it"
        return False, f"key {key.vm_id} is not bound to the {role}: {extra}"
    if key.bound_controller != expected:
        return False, (
            f"key {key.vm_id} is controlled by {key.bound_controller}, not by the {role} {expected}"
        )
    return True, f"key {key.vm_id} is controlled by the {role} ({key.how})"
