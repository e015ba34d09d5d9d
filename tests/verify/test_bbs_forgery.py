"""Concrete forgeries against the BBS verifier, made with a test-only signer and prover
(tests/verify/bbs_prover.py): each is a proof that is right in every respect but the one check
under test, so each test fails if that check goes."""

from __future__ import annotations

import pytest
from py_arkworks_bls12381 import G1Point, G2Point
from tests.verify.bbs_prover import (
    Signed,
    Signer,
    forge_identity_proof,
    proof_to_octets,
    prove,
    scalar,
    sign,
    sign_messages,
)

from credwallet.verify.bbs import BbsInvalid, check_proof, proof_verify
from credwallet.verify.bbs.ciphersuite import create_generators, hash_to_curve_g1, octets_to_g1, octets_to_g2
from credwallet.verify.bbs.extensions import (
    BLIND_API_ID,
    MAX_BLIND_MESSAGES,
    NYM_API_ID,
    check_blind_proof,
    check_proof_with_nym,
    proof_verify_with_nym,
)
from credwallet.verify.bbs.interface import ProofInputs, core_proof_verify, messages_to_scalars

SIGNER = Signer.make(7)
MESSAGES = [b"statement %d" % i for i in range(6)]
HEADER, PH = b"issuer header", b"presentation header"


def test_the_test_prover_makes_valid_proofs() -> None:
    """The baseline every forgery below departs from: an honest proof verifies."""
    signed = sign_messages(SIGNER, MESSAGES, HEADER)
    proof, _ = prove(signed, [1, 3], PH)
    assert check_proof(SIGNER.pk, proof, HEADER, PH, [MESSAGES[1], MESSAGES[3]], [1, 3]) is True


# --- the identity point: Abar = Bbar = identity proves anything under any key ---


def _identity_forgery() -> tuple[ProofInputs, bytes]:
    scalars = messages_to_scalars([b"a degree the issuer never awarded"])
    gens = create_generators(2)
    forged = forge_identity_proof(SIGNER.pk, gens, HEADER, scalars, PH)
    return ProofInputs(SIGNER.pk, forged, gens, HEADER, PH, scalars, [0]), proof_to_octets(forged)


def test_identity_forgery_is_refused_when_serialized() -> None:
    _, octets = _identity_forgery()
    with pytest.raises(BbsInvalid, match="identity"):
        check_proof(SIGNER.pk, octets, HEADER, PH, [b"a degree the issuer never awarded"], [0])
    assert proof_verify(SIGNER.pk, octets, HEADER, PH, [b"a degree the issuer never awarded"], [0]) is False


def test_identity_forgery_is_refused_by_the_core_itself() -> None:
    # The forged proof satisfies the challenge and the pairing; the core must refuse the
    # identity points itself, not rely on every caller having parsed the proof from octets.
    inputs, _ = _identity_forgery()
    with pytest.raises(BbsInvalid, match="identity"):
        core_proof_verify(inputs)


# --- messages and indexes ---


def test_swapped_disclosed_messages_are_invalid() -> None:
    signed = sign_messages(SIGNER, MESSAGES, HEADER)
    proof, _ = prove(signed, [1, 3], PH)
    assert check_proof(SIGNER.pk, proof, HEADER, PH, [MESSAGES[3], MESSAGES[1]], [1, 3]) is False
    # Same messages at shifted indexes (a proof over indexes 1, 3 claimed as 2, 4).
    assert check_proof(SIGNER.pk, proof, HEADER, PH, [MESSAGES[1], MESSAGES[3]], [2, 4]) is False


def test_a_proof_under_another_key_is_invalid() -> None:
    signed = sign_messages(SIGNER, MESSAGES, HEADER)
    proof, _ = prove(signed, [0], PH)
    other = Signer.make(8)
    assert check_proof(other.pk, proof, HEADER, PH, [MESSAGES[0]], [0]) is False


def test_points_outside_the_subgroup_are_refused() -> None:
    # On the curve (the unchecked decoder takes them) but not in the prime-order subgroup.
    g1 = b"\x80" + (4).to_bytes(47, "big")
    g2 = b"\x80" + (2).to_bytes(95, "big")
    assert G1Point.from_compressed_bytes_unchecked(g1).is_in_subgroup() is False
    G2Point.from_compressed_bytes_unchecked(g2)
    with pytest.raises(BbsInvalid):
        octets_to_g1(g1)
    with pytest.raises(BbsInvalid):
        octets_to_g2(g2)
    signed = sign_messages(SIGNER, MESSAGES, HEADER)
    proof, _ = prove(signed, [0], PH)
    assert proof_verify(SIGNER.pk, g1 + proof[48:], HEADER, PH, [MESSAGES[0]], [0]) is False
    assert proof_verify(g2, proof, HEADER, PH, [MESSAGES[0]], [0]) is False


# --- pseudonyms: the nym secret must be the holder's committed message ---


CONTEXT = b"https://verifier.example/"


def _nym_signed(blind: int) -> tuple[int, list[bytes], Signed]:
    """A pseudonym-interface signature whose last of `blind` messages after the signer's L is
    the nym secret (blind = 2: prover blind and nym secret, as ProofGenWithNym makes them)."""
    signer_count = len(MESSAGES) - blind
    shown = MESSAGES[:signer_count]
    scalars = messages_to_scalars(shown, NYM_API_ID) + [scalar(1000 + i) for i in range(blind)]
    gens = create_generators(signer_count + 1, NYM_API_ID) + create_generators(blind, b"BLIND_" + NYM_API_ID)
    return signer_count, shown, sign(SIGNER, scalars, HEADER, NYM_API_ID, gens)


@pytest.mark.parametrize("blind", [0, 1, 2])
def test_the_nym_secret_must_follow_the_prover_blind(blind: int) -> None:
    # With no message after the signer's, the "nym secret" would be a statement the issuer chose
    # (and can compute every pseudonym from); with one, the prover blind. Only 2+ is a pseudonym.
    signer_count, shown, signed = _nym_signed(blind)
    op = hash_to_curve_g1(CONTEXT, NYM_API_ID)
    proof, nym = prove(signed, [0], PH, nym_context=op)
    assert nym is not None
    args = (SIGNER.pk, proof, HEADER, PH, nym.to_compressed_bytes(), CONTEXT, signer_count, ([shown[0]], [0]))
    if blind >= 2:
        assert check_proof_with_nym(*args) is True
        # ... and only for the context it was made for.
        other = (*args[:5], b"https://another.example/", *args[6:])
        assert proof_verify_with_nym(*other) is False
    else:
        with pytest.raises(BbsInvalid, match="at least 2"):
            check_proof_with_nym(*args)
        assert proof_verify_with_nym(*args) is False


def test_the_base_point_is_not_a_pseudonym() -> None:
    _, shown, signed = _nym_signed(2)
    proof, _ = prove(signed, [0], PH, nym_context=hash_to_curve_g1(CONTEXT, NYM_API_ID))
    with pytest.raises(BbsInvalid, match="base point"):
        check_proof_with_nym(
            SIGNER.pk,
            proof,
            HEADER,
            PH,
            G1Point().to_compressed_bytes(),
            CONTEXT,
            len(shown),
            ([shown[0]], [0]),
        )


def test_a_claimed_signer_count_must_be_the_signed_one() -> None:
    # L picks the generators and enters the domain: moving one message from the signer's part to
    # the blind part (or back) breaks the proof, so the proof's own L cannot be chosen freely.
    signer_count = 4
    scalars = [*messages_to_scalars(MESSAGES[:signer_count], BLIND_API_ID), scalar(5), scalar(6)]
    gens = create_generators(signer_count + 1, BLIND_API_ID) + create_generators(2, b"BLIND_" + BLIND_API_ID)
    signed = sign(SIGNER, scalars, HEADER, BLIND_API_ID, gens)
    proof, _ = prove(signed, [0], PH)
    shown = ([MESSAGES[0]], [0])
    assert check_blind_proof(SIGNER.pk, proof, HEADER, PH, signer_count, shown) is True
    for claimed in (signer_count - 1, signer_count + 1):
        assert check_blind_proof(SIGNER.pk, proof, HEADER, PH, claimed, shown) is False


@pytest.mark.parametrize("nym", [False, True])
def test_messages_after_the_signers_are_capped_before_generators_are_made(nym: bool) -> None:
    # Each interface's blind generators are a sequence of their own (a hash to the curve each):
    # the cap keeps a document of several feature-option proofs within the time budget.
    signed = sign_messages(SIGNER, MESSAGES, HEADER)
    proof, _ = prove(signed, [], PH)
    padded = proof[:-32] + proof[144:176] * (MAX_BLIND_MESSAGES - len(MESSAGES) + 1) + proof[-32:]
    with pytest.raises(BbsInvalid, match=f"more than {MAX_BLIND_MESSAGES}"):
        if nym:
            check_proof_with_nym(SIGNER.pk, padded, HEADER, PH, proof[:48], CONTEXT, 0)
        else:
            check_blind_proof(SIGNER.pk, padded, HEADER, PH, 0)
    # One fewer is refused only by the cryptography.
    fits = proof[:-32] + proof[144:176] * (MAX_BLIND_MESSAGES - len(MESSAGES)) + proof[-32:]
    assert check_blind_proof(SIGNER.pk, fits, HEADER, PH, 0) is False
