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

    def hash_data(
        self, unsecured: dict[str, Any], proof_config: dict[str, Any], store: ContextStore
    ) -> tuple[bytes, bytes]:
        """(proof_hash, document_hash): SHA-256 of each canonical form."""
        proof_hash = hashlib.sha256(self.transform(proof_config, store, memo=True)).digest()
        doc_hash = hashlib.sha256(self.transform(unsecured, store)).digest()
        return proof_hash, doc_hash

    def proof_config(self, unsecured: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
        config = {k: v for k, v in proof.items() if k not in self.value_keys}
        if "@context" in unsecured:
            config["@context"] = unsecured["@context"]
        return config

    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        public_key: bytes,
        store: ContextStore,
    ) -> bool:
        value = proof.get("proofValue")
        if not isinstance(value, str):
            raise SuiteError("proof has no proofValue string")
        try:
            signature = multibase_decode(value)
        except MultibaseError as exc:
            raise SuiteError(f"proofValue is not base58btc multibase: {exc}") from exc
        if len(signature) != 64:
            raise SuiteError(f"proofValue decodes to {len(signature)} bytes, not a 64-byte Ed25519 signature")
        if len(public_key) != 32:
            raise SuiteError("Ed25519 public key is not 32 bytes")
        if self.cryptosuite is not None and "@context" in proof:
            # Data Integrity: a proof's own @context must open the document's @context.
            pctx, dctx = _as_list(proof["@context"]), _as_list(unsecured.get("@context"))
            if dctx[: len(pctx)] != pctx:
                raise SuiteError("the proof's @context does not match the document's @context")
        proof_hash, doc_hash = self.hash_data(unsecured, self.proof_config(unsecured, proof), store)
        try:
            nacl.signing.VerifyKey(public_key).verify(proof_hash + doc_hash, signature)
        except nacl.exceptions.BadSignatureError:
            return False
        return True

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        proof_hash, doc_hash = self.hash_data(unsecured, self.proof_config(unsecured, proof_options), store)
        signed = nacl.signing.SigningKey(seed).sign(proof_hash + doc_hash)
        return multibase_encode(signed.signature)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_REGISTRY: dict[tuple[str, str | None], DataIntegritySuite] = {}


def register(suite: DataIntegritySuite) -> DataIntegritySuite:
    _REGISTRY[(suite.proof_type, suite.cryptosuite)] = suite
    return suite


# Known suites we deliberately do not implement: named in reports as unsupported.
UNSUPPORTED = {
    "ecdsa-sd-2023": "selective-disclosure ECDSA (ecdsa-sd-2023) is not supported",
    "ecdsa-rdfc-2019": "ECDSA (ecdsa-rdfc-2019) is not supported",
    "ecdsa-jcs-2019": "ECDSA (ecdsa-jcs-2019) is not supported",
    "bbs-2023": "BBS (bbs-2023) is not supported",
}


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
    from credwallet.verify.suites import ed25519_2020, eddsa_jcs, eddsa_rdfc  # noqa: F401
