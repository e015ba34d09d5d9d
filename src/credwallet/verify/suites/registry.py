"""Registry of embedded-proof (Data Integrity / Linked Data) suites.

A suite turns (unsecured document, proof options) into the bytes that are signed, and checks an
Ed25519 signature over them. Lookup is by (proof `type`, `cryptosuite`); legacy suites such as
Ed25519Signature2020 have no cryptosuite and register with None.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import nacl.exceptions
import nacl.signing

from credwallet.didkey import MultibaseError, multibase_decode, multibase_encode
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import ResolvedKey


class SuiteError(Exception):
    """The proof cannot be checked by this suite (malformed value, canonicalization failed)."""


class Transform(Protocol):
    def __call__(self, doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes: ...


@dataclass(frozen=True)
class DataIntegritySuite:
    name: str  # shown in reports, e.g. "eddsa-rdfc-2022"
    proof_type: str
    cryptosuite: str | None
    transform: Transform  # canonical bytes of a JSON-LD document (RDFC N-Quads or JCS)
    # Properties removed from the proof to form the proof configuration.
    value_keys: tuple[str, ...] = ("proofValue",)
    algorithm: str = "Ed25519"  # or "ECDSA" (P-256 with SHA-256, P-384 with SHA-384), "BBS"
    # ecdsa-rdfc-2019 with a P-384 key canonicalizes with SHA-384 as RDFC-1.0's hash (vc-di-ecdsa
    # sec. 3.3.2 and its P-384 test vectors); None: the one transform for every key.
    transform_p384: Transform | None = None

    def hash_data(
        self,
        unsecured: dict[str, Any],
        proof_config: dict[str, Any],
        store: ContextStore,
        hash_name: str = "sha256",
        transform: Transform | None = None,
    ) -> tuple[bytes, bytes]:
        """(proof_hash, document_hash): the hash of each canonical form."""
        transform = transform or self.transform
        proof_hash = hashlib.new(hash_name, transform(proof_config, store, memo=True)).digest()
        doc_hash = hashlib.new(hash_name, transform(unsecured, store)).digest()
        return proof_hash, doc_hash

    def proof_config(self, unsecured: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
        config = {k: v for k, v in proof.items() if k not in self.value_keys}
        if "@context" in unsecured:
            config["@context"] = unsecured["@context"]
        return config

    def accepts(self, key: ResolvedKey) -> str | None:
        """Why `key` cannot be used with this suite (None when it can)."""
        if self.algorithm == "ECDSA":
            # Only the curves of the suite: a secp256k1 (or any other) key is refused, not
            # treated as P-256.
            curve = getattr(getattr(key.ec, "curve", None), "name", None)
            if curve in ("secp256r1", "secp384r1"):
                return None
            return "the verification method is not a P-256/P-384 key"
        return None if key.ed25519 is not None else "the verification method is not an Ed25519 key"

    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        value = proof.get("proofValue")
        if not isinstance(value, str):
            raise SuiteError("proof has no proofValue string")
        try:
            signature = multibase_decode(value)
        except MultibaseError as exc:
            raise SuiteError(f"proofValue is not base58btc multibase: {exc}") from exc
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        if self.cryptosuite is not None and "@context" in proof:
            # Data Integrity: a proof's own @context must open the document's @context.
            pctx, dctx = _as_list(proof["@context"]), _as_list(unsecured.get("@context"))
            if dctx[: len(pctx)] != pctx:
                raise SuiteError("the proof's @context does not match the document's @context")
        if self.algorithm == "ECDSA":
            return _verify_ecdsa(self, unsecured, proof, key.ec, signature, store)
        assert key.ed25519 is not None
        if len(signature) != 64:
            raise SuiteError(f"proofValue decodes to {len(signature)} bytes, not a 64-byte Ed25519 signature")
        if len(key.ed25519) != 32:
            raise SuiteError("Ed25519 public key is not 32 bytes")
        proof_hash, doc_hash = self.hash_data(unsecured, self.proof_config(unsecured, proof), store)
        try:
            nacl.signing.VerifyKey(key.ed25519).verify(proof_hash + doc_hash, signature)
        except nacl.exceptions.BadSignatureError:
            return False
        return True

    def check(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
        *,
        domain: str | None = None,
    ) -> tuple[bool, str]:
        """`verify`, plus what a valid proof shows beyond "valid" (a bbs-2023 pseudonym); `domain`
        is the verifier's own (a bbs-2023 pseudonym's nym_domain when the proof omits it)."""
        return self.verify(unsecured, proof, key, store), ""

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        if self.algorithm != "Ed25519":
            raise SuiteError(f"credwallet signs with Ed25519 only, not {self.name}")
        proof_hash, doc_hash = self.hash_data(unsecured, self.proof_config(unsecured, proof_options), store)
        signed = nacl.signing.SigningKey(seed).sign(proof_hash + doc_hash)
        return multibase_encode(signed.signature)


def _verify_ecdsa(
    suite: DataIntegritySuite,
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    public_key: Any,
    signature: bytes,
    store: ContextStore,
) -> bool:
    """ecdsa-rdfc-2019: IEEE P1363 (r||s) signature over proof hash || document hash."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    p384 = isinstance(public_key.curve, ec.SECP384R1)
    size = 48 if p384 else 32
    if len(signature) != 2 * size:
        raise SuiteError(
            f"proofValue decodes to {len(signature)} bytes, not a {2 * size}-byte "
            f"{public_key.curve.name} signature"
        )
    hash_name, algorithm = ("sha384", hashes.SHA384()) if p384 else ("sha256", hashes.SHA256())
    der = encode_dss_signature(
        int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    )
    # P-384: the specification's canonical form first, then the SHA-256 one that some signers
    # produce. Both are canonical forms of the same dataset (only blank node labels differ), so
    # accepting either changes what is signed by no statement.
    transforms = [suite.transform]
    if p384 and suite.transform_p384 is not None:
        transforms.insert(0, suite.transform_p384)
    config = suite.proof_config(unsecured, proof)
    for transform in transforms:
        proof_hash, doc_hash = suite.hash_data(unsecured, config, store, hash_name, transform)
        try:
            public_key.verify(der, proof_hash + doc_hash, ec.ECDSA(algorithm))
        except InvalidSignature:
            continue
        return True
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_REGISTRY: dict[tuple[str, str | None], DataIntegritySuite] = {}


def register(suite: DataIntegritySuite) -> DataIntegritySuite:
    _REGISTRY[(suite.proof_type, suite.cryptosuite)] = suite
    return suite


# Known suites we deliberately do not implement: named in reports as unsupported.
UNSUPPORTED: dict[str, str] = {}


def find_suite(proof_type: Any, cryptosuite: Any) -> DataIntegritySuite | None:
    _load()
    if not isinstance(proof_type, str):
        return None
    return _REGISTRY.get((proof_type, cryptosuite if isinstance(cryptosuite, str) else None))


def registered() -> list[DataIntegritySuite]:
    _load()
    return list(_REGISTRY.values())


def _load() -> None:
    # Import for the side effect of registration (kept lazy to avoid import cycles).
    from credwallet.verify.suites import (  # noqa: F401
        bbs_2023,
        ecdsa_jcs,
        ecdsa_rdfc,
        ecdsa_sd,
        ecdsa_secp256r1_2019,
        ed25519_2018,
        ed25519_2020,
        eddsa_jcs,
        eddsa_rdfc,
        jws_2020,
    )
