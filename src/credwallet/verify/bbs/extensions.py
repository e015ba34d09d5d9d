"""Proof verification of the two companion drafts bbs-2023's feature options use.

- Blind BBS (draft-irtf-cfrg-bbs-blind-signatures): `blind_proof_verify` (BlindProofVerify).
  The signature covers the signer's L messages, then the prover's committed ones: first the
  `secret_prover_blind` (generator Q_2), then each committed message (J_1, ..., J_M). The
  verifier learns how many committed messages there are from the proof's length alone.
- Per-verifier linkability (draft-irtf-cfrg-bbs-per-verifier-linkability):
  `proof_verify_with_nym` (ProofVerifyWithNym). Same message layout, plus the nym secret as the
  last committed message; the proof also shows pseudonym = OP * nym_secret with
  OP = hash_to_curve_g1(context_id, api_id).

Revisions (tests/vectors/bbs/README.md): the CFRG repositories' states of March 2025
(blind-signatures commit 2e4d079, per-verifier-linkability commit b3d6334: the -01 texts with
their first test vectors), which is what W3C vc-di-bbs's feature-option vectors (February 2025)
were made with. Where the draft text and its own fixtures disagree, the fixtures are followed,
as later commits of the drafts do:

- BlindProofVerify's proof_len_floor is the three-point proof's (3 points, 4 scalars), not
  "2 * octet_point_length + 3 * octet_scalar_length";
- BlindProofVerify's api_id is ciphersuite_id || "BLIND_H2G_HM2S_" (its Parameters say
  "H2G_HM2S_"); the pseudonym interface's is ciphersuite_id || "H2G_HM2S_PSEUDONYM_" (its
  ProofGenWithNym says "BLIND_H2G_HM2S_");
- OP is hash_to_curve_g1(context_id) with api_id as the DST in both directions (the text omits
  the DST on the verifying side);
- the challenge is -06's (section 3.6.4 of the BBS draft), with (pseudonym, OP, Uv) after
  (Abar, Bbar, D, T1, T2) for pseudonym proofs.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_arkworks_bls12381 import G1Point

from credwallet.verify.bbs.ciphersuite import (
    CIPHERSUITE_ID,
    OCTET_SCALAR_LENGTH,
    BbsInvalid,
    create_generators,
    hash_to_curve_g1,
    octets_to_g1,
    octets_to_g2,
)
from credwallet.verify.bbs.interface import (
    MAX_MESSAGES,
    PROOF_FLOOR,
    NymClaim,
    ProofInputs,
    check_header,
    check_indexes,
    core_proof_verify,
    messages_to_scalars,
    octets_to_proof,
)

BLIND_API_ID = CIPHERSUITE_ID + b"BLIND_H2G_HM2S_"
NYM_API_ID = CIPHERSUITE_ID + b"H2G_HM2S_PSEUDONYM_"
MAX_CONTEXT_ID = 64 * 1024
# Messages after the signer's (prover blind, committed messages, nym secret): bbs-2023 uses at
# most three. Capped apart from MAX_MESSAGES because each interface's blind generators are a
# sequence of their own: without it a document of several feature-option proofs could make
# five full generator sequences (about 1 s each on a busy 2-core machine) in one verification.
MAX_BLIND_MESSAGES = 64

__all__ = [
    "BLIND_API_ID",
    "MAX_BLIND_MESSAGES",
    "NYM_API_ID",
    "blind_proof_verify",
    "check_blind_proof",
    "check_proof_with_nym",
    "proof_verify_with_nym",
    "undisclosed_count",
]


def undisclosed_count(proof: bytes) -> int:
    """U: the undisclosed messages a proof of this length covers (its m^ responses); 0 if short."""
    return max((len(proof) - PROOF_FLOOR) // OCTET_SCALAR_LENGTH, 0)


def _inputs(
    api_id: bytes,
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    signer_count: int,
    disclosed: tuple[Sequence[bytes], Sequence[int]],
    committed: tuple[Sequence[bytes], Sequence[int]],
    min_blind: int = 0,
) -> ProofInputs:
    """prepare_parameters and the index shift shared by both drafts' verification.

    Messages 0..L-1 are the signer's; L is the prover blind (Q_2); L+1+j is committed message j.
    `min_blind`: the fewest messages after the signer's the interface needs.
    """
    check_header(header, ph)
    octets_to_g2(pk)
    parsed = octets_to_proof(proof)
    (messages, indexes), (cmessages, cindexes) = disclosed, committed
    if isinstance(signer_count, bool) or not isinstance(signer_count, int):
        raise BbsInvalid("the signer's message count L is not an integer")
    if not 0 <= signer_count <= MAX_MESSAGES:
        raise BbsInvalid(f"the signer's message count L must be an integer in 0..{MAX_MESSAGES}")
    if len(messages) != len(indexes) or len(cmessages) != len(cindexes):
        raise BbsInvalid("disclosed messages and indexes differ in number")
    total = len(indexes) + len(cindexes) + len(parsed.commitments)
    # Q_2 and one J per committed message (and the nym secret); none when the signature was made
    # without a commitment (the draft's "no commitment" proofs).
    blind_count = total - signer_count
    if total > MAX_MESSAGES or blind_count < 0:
        raise BbsInvalid(f"the proof's length does not fit L = {signer_count} signer messages")
    if blind_count > MAX_BLIND_MESSAGES:
        raise BbsInvalid(
            f"the proof covers {blind_count} messages after the signer's L = {signer_count}, "
            f"more than {MAX_BLIND_MESSAGES}"
        )
    if blind_count < min_blind:
        raise BbsInvalid(
            f"the proof covers {blind_count} message(s) after the signer's L = {signer_count}; "
            f"this interface needs at least {min_blind}"
        )
    shifted = [j + signer_count + 1 for j in check_indexes(cindexes, max(blind_count - 1, 0))]
    all_indexes = check_indexes(indexes, signer_count) + shifted
    generators = create_generators(signer_count + 1, api_id)
    generators += create_generators(blind_count, b"BLIND_" + api_id)
    scalars = messages_to_scalars(messages, api_id) + messages_to_scalars(cmessages, api_id)
    return ProofInputs(pk, parsed, generators, header, ph, scalars, all_indexes, api_id)


def check_blind_proof(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    signer_count: int,
    disclosed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
    committed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
) -> bool:
    """BlindProofVerify; malformed input raises BbsInvalid.

    `disclosed`: (messages, indexes) among the signer's `signer_count` (L) messages;
    `committed`: (messages, indexes) among the prover's committed messages.
    """
    inputs = _inputs(BLIND_API_ID, pk, proof, header, ph, signer_count, disclosed, committed)
    return core_proof_verify(inputs)


def nym_claim(pseudonym: bytes, context_id: bytes) -> NymClaim:
    """The pseudonym (a G1 point, not the identity) and OP for `context_id`."""
    if len(context_id) > MAX_CONTEXT_ID:
        raise BbsInvalid(f"context id is longer than {MAX_CONTEXT_ID} bytes")
    point = octets_to_g1(pseudonym)  # not the identity
    if point == G1Point():
        raise BbsInvalid("pseudonym is the base point BP1, which the draft rules out")
    return NymClaim(point, hash_to_curve_g1(context_id, NYM_API_ID))


def check_proof_with_nym(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    pseudonym: bytes,
    context_id: bytes,
    signer_count: int,
    disclosed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
    committed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
) -> bool:
    """ProofVerifyWithNym; malformed input raises BbsInvalid. The nym secret is never disclosed."""
    claim = nym_claim(pseudonym, context_id)
    # The nym secret is a committed message (the last), after the prover blind: without both,
    # the "secret" would be the prover blind or a message the signer chose and knows.
    inputs = _inputs(NYM_API_ID, pk, proof, header, ph, signer_count, disclosed, committed, min_blind=2)
    return core_proof_verify(inputs, nym=claim)


def blind_proof_verify(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    signer_count: int,
    disclosed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
    committed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
) -> bool:
    """BlindProofVerify: VALID (True) or INVALID (False) for any input."""
    try:
        return check_blind_proof(pk, proof, header, ph, signer_count, disclosed, committed)
    except BbsInvalid:
        return False


def proof_verify_with_nym(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    pseudonym: bytes,
    context_id: bytes,
    signer_count: int,
    disclosed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
    committed: tuple[Sequence[bytes], Sequence[int]] = ((), ()),
) -> bool:
    """ProofVerifyWithNym: VALID (True) or INVALID (False) for any input."""
    try:
        return check_proof_with_nym(
            pk, proof, header, ph, pseudonym, context_id, signer_count, disclosed, committed
        )
    except BbsInvalid:
        return False
