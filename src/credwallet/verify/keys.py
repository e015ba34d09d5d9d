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
from credwallet.verify.material import Kind, MaterialSource, cached_json


class KeyUnavailable(Exception):
    """No usable key for this verification method (the message says why, one line)."""


@dataclass
class ResolvedKey:
    vm_id: str
    ed25519: bytes | None = None  # raw 32-byte public key
    ec: Any = None  # cryptography EllipticCurvePublicKey (P-256 / P-384), for ecdsa-rdfc-2019
    jwk: dict[str, Any] | None = None  # public JWK (JOSE suites)
    pem: str | None = None  # OB 2.0 CryptographicKey
    bls12381_g2: bytes | None = None  # 96-byte compressed G2 point (bbs-2023); checked by verify/bbs
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
_BLS12381_G2_PREFIX = b"\xeb\x01"  # bls12_381-g2-pub 0xeb, 96-byte compressed point


def _apply_multikey(key: ResolvedKey, value: str) -> None:
    """Set `key` from a publicKeyMultibase: Ed25519, a compressed P-256/P-384 or BLS12-381 G2 point."""
    raw = multibase_decode(value)
    if raw[:2] == _BLS12381_G2_PREFIX:
        if len(raw) != 2 + 96:
            raise MultibaseError("not a compressed BLS12-381 G2 point")
        key.bls12381_g2 = raw[2:]
        return
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
    """Resolve a verification method id; raises KeyUnavailable with a one-line reason.

    The key is bound to a controller only by the W3C Controlled Identifiers rule ("retrieve
    verification method"): the controller document must have been fetched from the
    controller's own identifier and name itself by it. See `_bind`.
    """
    if not isinstance(vm_id, str) or not vm_id:
        raise KeyUnavailable("proof has no verificationMethod")
    if len(vm_id) > 2048:
        raise KeyUnavailable("verificationMethod is too long")
    # did:jwk and secp256k1 did:keys live in their own modules, which build on this one.
    if vm_id.startswith("did:jwk:"):
        from credwallet.verify.did_jwk import resolve_did_jwk

        return resolve_did_jwk(vm_id, purpose)
    if vm_id.startswith("did:key:"):
        from credwallet.verify.did_key_ec import ec_did_key_curve, resolve_did_key_ec

        if ec_did_key_curve(vm_id) == "secp256k1":
            return resolve_did_key_ec(vm_id)
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
        did_web_url(vm_id)  # malformed did:web: refuse before any lookup
        return _resolve_controlled(vm_id, material, purpose)
    if vm_id.startswith("did:"):
        method = vm_id.split(":", 2)[1]
        raise KeyUnavailable(f"DID method did:{method} is not supported")
    scheme = urllib.parse.urlsplit(vm_id).scheme.lower()
    if scheme in ("https", "http"):
        return _resolve_controlled(vm_id, material, purpose)
    if not scheme:
        raise KeyUnavailable(f"verificationMethod {vm_id!r} is not a URI")
    if "#" in vm_id and scheme in ("urn",):
        # e.g. urn:uuid:...#z6Mk...: nothing can be resolved, only the fragment can be read.
        return _fragment_key(vm_id, f"{scheme}: identifiers cannot be resolved")
    raise KeyUnavailable(f"verificationMethod scheme {scheme}: is not supported")


def document_url(identifier: str) -> str | None:
    """Where the controller document of `identifier` (a DID or URL, no fragment) lives."""
    if identifier.startswith("did:web:"):
        try:
            return did_web_url(identifier)
        except KeyUnavailable:
            return None
    if identifier.startswith(("https://", "http://")) and "#" not in identifier:
        return identifier
    return None


def _kind_of(identifier: str, kind: Kind = Kind.KEY) -> Kind:
    return Kind.DID if identifier.startswith("did:web:") else kind


def own_document(material: MaterialSource, identifier: str,
                 kind: Kind = Kind.KEY) -> tuple[dict[str, Any] | None, str]:
    """The controller document of `identifier`, only if it came from the identifier itself.

    It must have been fetched from the identifier's own location (a did:web's did.json URL, an
    https identifier's exact URL) and its `id` must be the identifier. A document fetched
    anywhere else, or naming itself otherwise, binds nothing: anyone can write
    `"id": "<victim>"` on their own server. Returns (document or None, why not / provenance).
    `kind`: what an https identifier's document is (a did:web's is always a DID document).
    """
    url = document_url(identifier)
    if url is None:
        return None, f"{identifier} has no resolvable controller document"
    held = cached_json(material, url, _kind_of(identifier, kind), exact=True, subject=identifier)
    if held.value is None:
        return None, f"{url} {held.problem}"
    if held.value.get("id") != identifier:
        return None, (
            f"the document at {url} names itself {str(held.value.get('id'))[:200]!r}, not {identifier}"
        )
    return held.value, f"{url} (cached {held.as_of})"


def _absolute(ref: Any, base: str) -> str | None:
    """A verification method reference, made absolute against its controller document id."""
    if not isinstance(ref, str) or not ref:
        return None
    return base + ref if ref.startswith("#") else ref


def _resolve_controlled(vm_id: str, material: MaterialSource, purpose: str) -> ResolvedKey:
    base = vm_id.split("#", 1)[0]
    label = "did:web" if base.startswith("did:web:") else "controller document"
    doc, why = own_document(material, base)
    if doc is None:
        return _fragment_key(vm_id, why)
    vm = _find_vm(doc, vm_id)
    if vm is None:
        return _fragment_key(vm_id, f"{label} {base} ({why}) does not list {vm_id}")
    key = key_from_vm_object(vm, vm_id)
    key.as_of = cached_json(material, document_url(base) or base, _kind_of(base), exact=True).as_of
    doc_id = str(doc["id"])
    if vm is doc:
        # A standalone key document (security v1/v2 style): `controller`, or legacy `owner`.
        label = "key document"
        controller = vm.get("controller") or vm.get("owner")
    else:
        controller = _absolute(vm.get("controller"), doc_id) or doc_id
    key.how = f"{label} {why}"
    key.controller = controller if isinstance(controller, str) else None
    key.bound_controller = _bind(key, doc, vm is doc, material, purpose)
    return key


def _bind(key: ResolvedKey, doc: dict[str, Any], standalone: bool, material: MaterialSource,
          purpose: str) -> str | None:
    """The controller that provably controls the key, or None (with a note saying why)."""
    doc_id = str(doc["id"])
    if key.controller is None:
        key.notes.append(f"{key.vm_id} names no controller")
        return None
    if not standalone:
        # Controlled Identifiers: the method's controller is the document it was found in.
        if key.controller != doc_id:
            key.notes.append(f"its controller {key.controller} is not the document {doc_id} listing it")
            return None
        if not _listed(doc, purpose, key.vm_id):
            key.notes.append(f"controller document {doc_id} does not list the key for {purpose}")
            return None
        return doc_id
    # Standalone key document: its controller's own document must list it for the purpose.
    ctrl_doc, why = own_document(material, key.controller)
    if ctrl_doc is None:
        key.notes.append(f"controller {key.controller}: {why}")
        return None
    if not _listed(ctrl_doc, purpose, key.vm_id):
        key.notes.append(f"controller document {key.controller} does not list the key for {purpose}")
        return None
    return key.controller


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
