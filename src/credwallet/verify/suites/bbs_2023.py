"""Data Integrity `bbs-2023` (W3C vc-di-bbs, "Verify Derived Proof"), derived proofs only.

A holder receives a *base* proof from the issuer (a BBS signature over the credential's
non-mandatory statements, plus the HMAC key that shuffles blank node labels) and presents a
*derived* proof: a zero-knowledge BBS proof that discloses some statements. Verification:

1. `proofValue` is multibase base64url: header 0xd9 0x5d 0x03 (baseline) then an untagged CBOR
   array of bbsProof, the compressed label map (integer N -> integer M, i.e. `c14nN` -> `bM`),
   mandatoryIndexes, selectiveIndexes and presentationHeader.
2. The revealed document is canonicalized (RDFC-1.0), each `c14nN` relabelled `bM`, the N-Quads
   sorted again; the quads at mandatoryIndexes are the mandatory ones, the rest are disclosed.
3. BBS ProofVerify (draft-irtf-cfrg-bbs-signatures, verify/bbs/: -06's challenge, which the
   W3C vectors and Digital Bazaar use although vc-di-bbs cites -05) with the issuer's
   BLS12-381 G2 key, header = SHA-256(canonical proof configuration) || SHA-256(mandatory
   quads), the disclosed quads (UTF-8) as messages at selectiveIndexes, and the presentation
   header.

Base proofs (headers 0xd9 0x5d 0x02/04/06/08) are meant for the holder only: they carry the
issuer's HMAC key, which links every disclosure, and they are not a BBS proof a verifier can
check. They fail closed, as for ecdsa-sd-2023. The feature options (anonymous holder binding
0x05, pseudonyms 0x07 and 0x09) use the companion CFRG drafts (blind BBS, per-verifier
linkability) that credwallet does not implement: they are refused by name, never half-checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from credwallet.verify.bbs import BbsInvalid, check_proof, public_key_from_octets
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import ResolvedKey
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register
from credwallet.verify.suites.selective import (
    Cbor,
    check_proof_context,
    decode_proof_value,
    int_list,
    labelled_quads,
    rdfc_transform,
    split_mandatory,
)

SUITE = "bbs-2023"
BASELINE_HEADER = b"\xd9\x5d\x03"
_BASE_HEADERS = {b"\xd9\x5d\x02", b"\xd9\x5d\x04", b"\xd9\x5d\x06", b"\xd9\x5d\x08"}
_FEATURES = {
    b"\xd9\x5d\x05": "anonymous_holder_binding",
    b"\xd9\x5d\x07": "pseudonym",
    b"\xd9\x5d\x09": "holder_binding_pseudonym",
}


@dataclass(frozen=True)
class DerivedProof:
    bbs_proof: bytes
    label_map: dict[str, str]  # "c14nN" -> "bM"
    mandatory_indexes: list[int]
    selective_indexes: list[int]
    presentation_header: bytes


def parse_derived_proof_value(value: Any) -> DerivedProof:
    """parseDerivedProofValue (vc-di-bbs section 3.3.6), baseline only."""
    raw = decode_proof_value(value, SUITE)
    header = raw[:3]
    if header in _BASE_HEADERS:
        raise SuiteError(
            "this is a bbs-2023 base proof, which the issuer gives the holder to derive "
            "disclosures from; only derived proofs can be verified"
        )
    if header in _FEATURES:
        raise SuiteError(
            f"bbs-2023 derived proofs with the {_FEATURES[header]} feature option are not supported "
            "(they need the blind BBS / per-verifier linkability CFRG drafts); only baseline proofs are"
        )
    if header != BASELINE_HEADER:
        raise SuiteError("bbs-2023 proofValue does not start with a bbs-2023 derived proof header")
    items = Cbor(raw[3:]).whole()
    if not isinstance(items, list) or len(items) != 5:
        raise SuiteError("bbs-2023 derived proofValue is not a 5-element CBOR array")
    bbs_proof, labels, mandatory, selective, presentation_header = items
    if not isinstance(bbs_proof, bytes) or not isinstance(presentation_header, bytes):
        raise SuiteError("bbs-2023 bbsProof and presentationHeader must be byte strings")
    if not isinstance(labels, dict) or not all(isinstance(v, int) for v in labels.values()):
        raise SuiteError("bbs-2023 label map must map integers to integers")
    label_map = {f"c14n{k}": f"b{v}" for k, v in labels.items()}
    if len(set(label_map.values())) != len(label_map):
        raise SuiteError("bbs-2023 label map maps two blank nodes to one label")
    return DerivedProof(
        bbs_proof,
        label_map,
        int_list(mandatory, "bbs-2023 mandatoryIndexes"),
        int_list(selective, "bbs-2023 selectiveIndexes"),
        presentation_header,
    )


@dataclass(frozen=True)
class VerifyData:
    """createVerifyData (vc-di-bbs section 3.3.7): what ProofVerify is given."""

    header: bytes  # proofHash || mandatoryHash
    messages: list[bytes]  # the disclosed non-mandatory quads, UTF-8
    proof: DerivedProof


def create_verify_data(
    suite: DataIntegritySuite, unsecured: dict[str, Any], proof: dict[str, Any], store: ContextStore
) -> VerifyData:
    parsed = parse_derived_proof_value(proof.get("proofValue"))
    config = suite.proof_config(unsecured, proof)
    proof_hash = hashlib.sha256(suite.transform(config, store, memo=True)).digest()
    quads = labelled_quads(unsecured, parsed.label_map, store)
    mandatory, non_mandatory = split_mandatory(quads, parsed.mandatory_indexes, SUITE)
    if len(non_mandatory) != len(parsed.selective_indexes):
        raise SuiteError(
            f"bbs-2023 proof discloses {len(parsed.selective_indexes)} statements but the document "
            f"has {len(non_mandatory)} non-mandatory ones"
        )
    mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
    return VerifyData(proof_hash + mandatory_hash, [q.encode("utf-8") for q in non_mandatory], parsed)


@dataclass(frozen=True)
class Bbs2023Suite(DataIntegritySuite):
    def accepts(self, key: ResolvedKey) -> str | None:
        if key.bls12381_g2 is None:
            return "the verification method is not a BLS12-381 G2 key (Multikey 0xeb)"
        try:
            public_key_from_octets(key.bls12381_g2)  # KeyValidate: canonical, subgroup, not identity
        except BbsInvalid as exc:
            return f"the verification method's BLS12-381 key is unusable: {exc}"
        return None

    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        assert key.bls12381_g2 is not None
        check_proof_context(unsecured, proof)
        data = create_verify_data(self, unsecured, proof, store)
        try:
            return check_proof(
                key.bls12381_g2,
                data.proof.bbs_proof,
                data.header,
                data.proof.presentation_header,
                data.messages,
                data.proof.selective_indexes,
            )
        except BbsInvalid as exc:
            raise SuiteError(f"bbs-2023 proof is malformed: {exc}") from exc

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        raise SuiteError("credwallet does not sign with bbs-2023")


BBS_2023 = register(
    Bbs2023Suite(
        name=SUITE,
        proof_type="DataIntegrityProof",
        cryptosuite=SUITE,
        transform=rdfc_transform,
        algorithm="BBS",
    )
)
