"""did:key for Ed25519 (multicodec 0xed01, multibase base58btc 'z').

Spec facts: https://w3c-ccg.github.io/did-method-key/ and the Multikey format of
Controlled Identifiers 1.0 (publicKeyMultibase = 'z' + base58btc(0xed 0x01 + 32-byte key)).
"""

from __future__ import annotations

import base58

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv, used by some key pair exports


class MultibaseError(ValueError):
    pass


def multibase_decode(value: str) -> bytes:
    """Decode base58btc multibase ('z...'). Other bases are not used by these suites."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 512:
        raise MultibaseError("expected a base58btc multibase value starting with 'z'")
    try:
        return bytes(base58.b58decode(value[1:]))
    except ValueError as exc:
        raise MultibaseError("malformed base58btc") from exc


def multibase_encode(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def ed25519_multikey(public_key: bytes) -> str:
    if len(public_key) != 32:
        raise MultibaseError("an Ed25519 public key is 32 bytes")
    return multibase_encode(ED25519_PUB_PREFIX + public_key)


def ed25519_from_multikey(value: str) -> bytes:
    raw = multibase_decode(value)
    if raw[:2] != ED25519_PUB_PREFIX or len(raw) != 34:
        raise MultibaseError("not an Ed25519 multikey (0xed01 + 32 bytes)")
    return raw[2:]


def did_key_from_public(public_key: bytes) -> str:
    return "did:key:" + ed25519_multikey(public_key)


def verification_method_id(did: str) -> str:
    """The key's verification method id: did:key:z6Mk...#z6Mk..."""
    return f"{did}#{did.removeprefix('did:key:')}"


def public_from_did_key(did: str) -> bytes:
    """Ed25519 public key of a did:key (with or without a #fragment)."""
    base, _, fragment = did.partition("#")
    if not base.startswith("did:key:"):
        raise MultibaseError("not a did:key")
    mb = base.removeprefix("did:key:")
    if fragment and fragment != mb:
        raise MultibaseError("did:key fragment does not match the key")
    return ed25519_from_multikey(mb)
