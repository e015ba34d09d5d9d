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
check. They fail closed, as for ecdsa-sd-2023.

Feature options (vc-di-bbs section 3.3.6 and "Optional Features"), in bbs_features.py:
anonymous holder binding (0x05, Blind BBS ProofVerify) and pseudonyms (0x07, and 0x09 with
holder binding; ProofVerifyWithNym), each with lengthBBSMessages (the signer's message count L)
appended to the array, and the pseudonym before it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from credwallet.verify.bbs import BbsInvalid, check_proof, public_key_from_octets
from credwallet.verify.bbs.extensions import check_blind_proof, check_proof_with_nym, undisclosed_count
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
# Derived proof headers (vc-di-bbs section 3.3.6) and the array lengths each may carry: the spec
# text appends (nym_domain, pseudonym, lengthBBSMessages) for pseudonyms; the published vectors
# carry (pseudonym, lengthBBSMessages) only, the verifier supplying nym_domain. Both are read.
_DERIVED = {
    BASELINE_HEADER: ("baseline", (5,)),
    b"\xd9\x5d\x05": ("anonymous_holder_binding", (6,)),
    b"\xd9\x5d\x07": ("pseudonym", (7, 8)),
    b"\xd9\x5d\x09": ("holder_binding_pseudonym", (7, 8)),
}


@dataclass(frozen=True)
class DerivedProof:
    bbs_proof: bytes
    label_map: dict[str, str]  # "c14nN" -> "bM"
    mandatory_indexes: list[int]
    selective_indexes: list[int]
    presentation_header: bytes
    feature: str = "baseline"
    signer_count: int | None = None  # lengthBBSMessages: the messages the issuer signed (L)
    pseudonym: bytes | None = None  # a compressed G1 point
    nym_domain: bytes | None = None  # only when the proof value carries it (spec layout)


def _feature_fields(feature: str, rest: list[Any]) -> dict[str, Any]:
    """The items after presentationHeader: [nym_domain,] [pseudonym,] lengthBBSMessages."""
    if feature == "baseline":
        return {}
    *nym, length = rest
    if not isinstance(length, int):
        raise SuiteError("bbs-2023 lengthBBSMessages must be an integer")
    fields: dict[str, Any] = {"feature": feature, "signer_count": length}
    if nym:
        if not all(isinstance(v, bytes) for v in nym):
            raise SuiteError("bbs-2023 pseudonym and nym_domain must be byte strings")
        fields["pseudonym"] = nym[-1]
        fields["nym_domain"] = nym[0] if len(nym) == 2 else None
    return fields


def parse_derived_proof_value(value: Any) -> DerivedProof:
    """parseDerivedProofValue (vc-di-bbs section 3.3.6), every feature option."""
    raw = decode_proof_value(value, SUITE)
    header = raw[:3]
    if header in _BASE_HEADERS:
        raise SuiteError(
            "this is a bbs-2023 base proof, which the issuer gives the holder to derive "
            "disclosures from; only derived proofs can be verified"
        )
    if header not in _DERIVED:
        raise SuiteError("bbs-2023 proofValue does not start with a bbs-2023 derived proof header")
    feature, lengths = _DERIVED[header]
    items = Cbor(raw[3:]).whole()
    if not isinstance(items, list) or len(items) not in lengths:
        sizes = " or ".join(map(str, lengths))
        raise SuiteError(f"bbs-2023 {feature} derived proofValue is not a {sizes}-element CBOR array")
    bbs_proof, labels, mandatory, selective, presentation_header, *rest = items
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
        **_feature_fields(feature, rest),
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


def _nym_context(parsed: DerivedProof, verifier: str | None) -> bytes:
    """The pseudonym's context id: the proof's nym_domain, else the verifier's own id."""
    mine = verifier.encode("utf-8") if verifier is not None else None
    if parsed.nym_domain is None:
        if mine is None:
            raise SuiteError(
                "this bbs-2023 pseudonym proof does not carry its nym_domain: it can be checked only "
                "for the verifier it was made for (give that verifier's id as the domain, --domain)"
            )
        return mine
    if mine is not None and mine != parsed.nym_domain:
        raise SuiteError("this bbs-2023 pseudonym was made for another nym_domain than the verifier's domain")
    return parsed.nym_domain


def _committed_secrets(data: VerifyData, nym: bool) -> int:
    """How many prover secrets the issuer signed blind (besides the prover blind and the nym
    secret), read from the proof's length: what the proof shows, whatever the header says."""
    assert data.proof.signer_count is not None
    total = len(data.proof.selective_indexes) + undisclosed_count(data.proof.bbs_proof)
    return max(total - data.proof.signer_count - 1 - int(nym), 0)


def _binding_note(secrets: int) -> str:
    if secrets == 0:
        return "no holder secret is bound (the presenter need not be the holder)"
    return (
        f"holder binding: the presenter knows the {secrets} secret(s) the issuer signed blind for the "
        "holder (not who the holder is)"
    )


def check_derived(pk: bytes, data: VerifyData, verifier: str | None = None) -> tuple[bool, str]:
    """ProofVerify for the proof's feature option: (valid, what else the proof shows)."""
    parsed = data.proof
    disclosed = (data.messages, parsed.selective_indexes)
    header, ph = data.header, parsed.presentation_header
    if parsed.feature == "baseline":
        return check_proof(pk, parsed.bbs_proof, header, ph, *disclosed), ""
    assert parsed.signer_count is not None
    if parsed.pseudonym is None:  # anonymous_holder_binding
        ok = check_blind_proof(pk, parsed.bbs_proof, header, ph, parsed.signer_count, disclosed)
        return ok, _binding_note(_committed_secrets(data, nym=False))
    context = _nym_context(parsed, verifier)
    ok = check_proof_with_nym(
        pk, parsed.bbs_proof, header, ph, parsed.pseudonym, context, parsed.signer_count, disclosed
    )
    shown = context.decode("utf-8", "replace")[:200]
    note = (
        f"pseudonym {parsed.pseudonym.hex()} for nym_domain {shown!r} (the same holder presenting "
        f"this credential to this nym_domain again shows the same pseudonym); "
        + _binding_note(_committed_secrets(data, nym=True))
    )
    return ok, note


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

    def check(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
        *,
        domain: str | None = None,
    ) -> tuple[bool, str]:
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        assert key.bls12381_g2 is not None
        check_proof_context(unsecured, proof)
        data = create_verify_data(self, unsecured, proof, store)
        try:
            return check_derived(key.bls12381_g2, data, domain)
        except BbsInvalid as exc:
            raise SuiteError(f"bbs-2023 proof is malformed: {exc}") from exc

    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        return self.check(unsecured, proof, key, store)[0]

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
