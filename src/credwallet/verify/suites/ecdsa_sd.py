"""Data Integrity `ecdsa-sd-2023` (W3C vc-di-ecdsa, selective disclosure), derived proofs only.

A holder receives a *base* proof from the issuer and presents a *derived* proof that reveals
some statements. Verification of a derived proof (VC DI ECDSA, "Verify Derived Proof"):

1. The multibase-base64url `proofValue` is the header 0xd9 0x5d 0x01 then a CBOR array of
   baseSignature, ephemeral publicKey (P-256 multikey bytes), signatures, compressed label
   map (integer n -> HMAC label bytes) and mandatoryIndexes.
2. The revealed document is canonicalized (URDNA2015); each canonical blank node label
   `c14nN` is replaced by `u` + base64url(label map[N]); the N-Quads are sorted again.
3. The quads at mandatoryIndexes are hashed together (mandatoryHash); the issuer's key must
   have signed SHA-256(canonical proof configuration) || publicKey || mandatoryHash, and the
   ephemeral key must have signed each other quad, one signature per quad, in order.

Base proofs (header 0xd9 0x5d 0x00) carry the issuer's HMAC key and are meant for the holder
only: they fail closed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from credwallet.didkey import multibase_encode
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import ResolvedKey
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register
from credwallet.verify.suites.selective import (
    Cbor,
    b64url_nopad,
    check_proof_context,
    decode_proof_value,
    int_list,
    labelled_quads,
    rdfc_transform,
    relabel,
    split_mandatory,
)

__all__ = ["ECDSA_SD_2023", "DerivedProof", "parse_derived_proof_value", "relabel", "verify_data"]

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
_P256_MULTIKEY = b"\x80\x24"
_P384_MULTIKEY = b"\x81\x24"


@dataclass(frozen=True)
class DerivedProof:
    base_signature: bytes
    public_key: bytes  # multikey bytes: multicodec prefix + compressed point
    signatures: list[bytes]
    label_map: dict[str, str]  # "c14nN" -> "u<base64url>"
    mandatory_indexes: list[int]


def parse_derived_proof_value(value: Any) -> DerivedProof:
    raw = decode_proof_value(value, "ecdsa-sd-2023")
    if raw[:3] == BASE_HEADER:
        raise SuiteError(
            "this is an ecdsa-sd-2023 base proof, which the issuer gives the holder to derive "
            "disclosures from; only derived proofs can be verified"
        )
    if raw[:3] != DERIVED_HEADER:
        raise SuiteError("ecdsa-sd-2023 proofValue has neither the base nor the derived header")
    items = Cbor(raw[3:]).whole()
    if not isinstance(items, list) or len(items) != 5:
        raise SuiteError("ecdsa-sd-2023 derived proofValue is not a 5-element CBOR array")
    base_signature, public_key, signatures, labels, mandatory = items
    if not isinstance(base_signature, bytes) or not isinstance(public_key, bytes):
        raise SuiteError("ecdsa-sd-2023 baseSignature and publicKey must be byte strings")
    if not isinstance(signatures, list) or not all(isinstance(s, bytes) for s in signatures):
        raise SuiteError("ecdsa-sd-2023 signatures must be a list of byte strings")
    if not isinstance(labels, dict) or not all(isinstance(v, bytes) for v in labels.values()):
        raise SuiteError("ecdsa-sd-2023 label map must map integers to byte strings")
    mandatory = int_list(mandatory, "ecdsa-sd-2023 mandatoryIndexes")
    label_map = {f"c14n{k}": "u" + b64url_nopad(v) for k, v in labels.items()}
    return DerivedProof(base_signature, public_key, signatures, label_map, mandatory)


def _hash_for(public: Any) -> tuple[str, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    if isinstance(public.curve, ec.SECP384R1):
        return "sha384", hashes.SHA384()
    return "sha256", hashes.SHA256()


def _ecdsa_ok(public: Any, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    size = (public.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        raise SuiteError(f"ecdsa-sd-2023 signature is {len(signature)} bytes, not {2 * size}")
    der = encode_dss_signature(
        int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    )
    try:
        public.verify(der, message, ec.ECDSA(_hash_for(public)[1]))
    except InvalidSignature:
        return False
    return True


def _ephemeral_key(raw: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    if raw[:2] == _P256_MULTIKEY and len(raw) == 35:
        curve: ec.EllipticCurve = ec.SECP256R1()
    elif raw[:2] == _P384_MULTIKEY and len(raw) == 51:
        curve = ec.SECP384R1()
    else:
        raise SuiteError("ecdsa-sd-2023 publicKey is not a compressed P-256/P-384 multikey")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, raw[2:])
    except ValueError as exc:
        raise SuiteError("ecdsa-sd-2023 publicKey is not a valid point") from exc


@dataclass(frozen=True)
class EcdsaSdSuite(DataIntegritySuite):
    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        parsed = parse_derived_proof_value(proof.get("proofValue"))
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        check_proof_context(unsecured, proof)
        ephemeral = _ephemeral_key(parsed.public_key)
        hash_name, _ = _hash_for(key.ec)
        config = self.proof_config(unsecured, proof)
        proof_hash = hashlib.new(hash_name, self.transform(config, store, memo=True)).digest()
        quads = verify_data(unsecured, parsed, store)
        mandatory, non_mandatory = split_mandatory(quads, parsed.mandatory_indexes, "ecdsa-sd-2023")
        if len(parsed.signatures) != len(non_mandatory):
            raise SuiteError(
                f"ecdsa-sd-2023 proof has {len(parsed.signatures)} signatures for "
                f"{len(non_mandatory)} disclosed non-mandatory statements"
            )
        mandatory_hash = hashlib.new(hash_name, "".join(mandatory).encode("utf-8")).digest()
        if not _ecdsa_ok(key.ec, parsed.base_signature, proof_hash + parsed.public_key + mandatory_hash):
            return False
        return all(
            _ecdsa_ok(ephemeral, sig, quad.encode("utf-8"))
            for sig, quad in zip(parsed.signatures, non_mandatory, strict=True)
        )

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        raise SuiteError("credwallet does not sign with ecdsa-sd-2023")


def verify_data(unsecured: dict[str, Any], parsed: DerivedProof, store: ContextStore) -> list[str]:
    """The revealed document's canonical N-Quads, relabelled with the proof's HMAC labels."""
    return labelled_quads(unsecured, parsed.label_map, store)


def public_key_multibase(parsed: DerivedProof) -> str:
    return multibase_encode(parsed.public_key)


ECDSA_SD_2023 = register(
    EcdsaSdSuite(
        name="ecdsa-sd-2023",
        proof_type="DataIntegrityProof",
        cryptosuite="ecdsa-sd-2023",
        transform=rdfc_transform,
        algorithm="ECDSA",
    )
)
