"""Verify and ProofVerify of the BBS Signatures Interface (draft-irtf-cfrg-bbs-signatures-05/-06).

Sections 3.4.2 / 3.5.2 (CoreVerify), 3.4.4 / 3.5.4 (CoreProofVerify), 3.6.3 (ProofVerifyInit),
3.6.4 (challenge) and 4.2 (domain, serialization). Two layers:

- `check_proof` / `check_signature` raise `BbsInvalid` when an input is malformed (a length, a
  point, a scalar, an index or a count) and return False when the input is well formed but the
  cryptography does not hold;
- `proof_verify` / `verify` are the draft's interface: VALID (True) or INVALID (False), never an
  exception, whatever the bytes.

Revision -05 errata, followed as the fixtures and the other implementations do: ProofVerify's
deserialization (section 3.5.4, "2 * octet_point_length + 3 * octet_scalar_length") and
octets_to_proof's loop ("for i in (0, 1)") still describe the older two-point proof; a -05 proof
has three points (Abar, Bbar, D) and at least four scalars (e^, r1^, r3^, ..., c), which is what
octets_to_proof's length floor states and what is parsed here.

Revision: W3C vc-di-bbs cites -05, but its published test vectors and Digital Bazaar's bbs-2023
implementation compute the proof challenge as -06 does (R, then each disclosed index followed by
its message, then Abar, Bbar, D, T1, T2, domain; -05 puts the points first and the indexes and
messages in two runs). Nothing else that verification uses differs between -05 and -06 (checked
against both revisions' fixtures, tests/vectors/bbs/), so `check_proof` takes the revision and
defaults to -06, the one bbs-2023 credentials are made with.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from credwallet.verify.bbs.ciphersuite import (
    API_ID,
    BP2,
    OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
    P1,
    BbsInvalid,
    create_generators,
    hash_to_scalar,
    i2osp,
    octets_to_g1,
    octets_to_g2,
    octets_to_scalar,
    scalar_to_octets,
)

# Caps (docs/limits.md): generators are derived per message, so the message count bounds work.
MAX_MESSAGES = 2048
MAX_HEADER = 64 * 1024  # header and presentation header, bytes
_SIGNATURE_LENGTH = OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH
PROOF_FLOOR = 3 * OCTET_POINT_LENGTH + 4 * OCTET_SCALAR_LENGTH

__all__ = [
    "MAX_MESSAGES",
    "BbsInvalid",
    "check_proof",
    "check_signature",
    "proof_verify",
    "public_key_from_octets",
    "verify",
]


@dataclass(frozen=True)
class Proof:
    abar: G1Point
    bbar: G1Point
    d: G1Point
    e_hat: Scalar
    r1_hat: Scalar
    r3_hat: Scalar
    commitments: list[Scalar]  # one per undisclosed message
    challenge: Scalar


def public_key_from_octets(pk: bytes) -> G2Point:
    """octets_to_pubkey with KeyValidate; raises BbsInvalid."""
    return octets_to_g2(pk)


def messages_to_scalars(messages: Sequence[bytes], api_id: bytes = API_ID) -> list[Scalar]:
    """Section 4.1.2 (MAP_TO_SCALAR_ID "HM2S_") under an interface's api_id."""
    dst = api_id + b"MAP_MSG_TO_SCALAR_AS_HASH_"
    return [hash_to_scalar(m, dst) for m in messages]


def _serialize_points(points: Sequence[G1Point]) -> bytes:
    return b"".join(p.to_compressed_bytes() for p in points)


def calculate_domain(
    pk: bytes, generators: Sequence[G1Point], header: bytes, api_id: bytes = API_ID
) -> Scalar:
    """Section 4.2.3: generators is (Q_1, H_1, ..., H_L)."""
    dom_octs = i2osp(len(generators) - 1, 8) + _serialize_points(generators) + api_id
    return hash_to_scalar(pk + dom_octs + i2osp(len(header), 8) + header, api_id + b"H2S_")


def octets_to_proof(data: bytes) -> Proof:
    """Section 4.2.4.5, with the three points of a -05 proof."""
    if len(data) < PROOF_FLOOR:
        raise BbsInvalid(f"proof is {len(data)} bytes, shorter than the {PROOF_FLOOR}-byte minimum")
    body = len(data) - 3 * OCTET_POINT_LENGTH
    if body % OCTET_SCALAR_LENGTH:
        raise BbsInvalid("proof length is not three points and a whole number of scalars")
    if body // OCTET_SCALAR_LENGTH - 4 > MAX_MESSAGES:
        raise BbsInvalid(f"proof commits to more than {MAX_MESSAGES} undisclosed messages")
    points = [octets_to_g1(data[i * OCTET_POINT_LENGTH : (i + 1) * OCTET_POINT_LENGTH]) for i in range(3)]
    start = 3 * OCTET_POINT_LENGTH
    scalars = [
        octets_to_scalar(data[i : i + OCTET_SCALAR_LENGTH])
        for i in range(start, len(data), OCTET_SCALAR_LENGTH)
    ]
    abar, bbar, d = points
    return Proof(abar, bbar, d, scalars[0], scalars[1], scalars[2], scalars[3:-1], scalars[-1])


def check_header(header: bytes, ph: bytes = b"") -> None:
    if len(header) > MAX_HEADER or len(ph) > MAX_HEADER:
        raise BbsInvalid(f"header or presentation header is longer than {MAX_HEADER} bytes")


def check_indexes(indexes: Sequence[int], length: int) -> list[int]:
    """Disclosed indexes: integers in 0..length-1, strictly ascending."""
    out = list(indexes)
    if any(not isinstance(i, int) or isinstance(i, bool) or i < 0 or i >= length for i in out):
        raise BbsInvalid(f"a disclosed index is outside 0..{length - 1}")
    if any(a >= b for a, b in itertools.pairwise(out)):
        raise BbsInvalid("disclosed indexes are not strictly ascending")
    return out


@dataclass(frozen=True)
class NymClaim:
    """A pseudonym and its context's point OP = hash_to_curve_g1(context_id, api_id)
    (per-verifier linkability draft): the proof's last undisclosed message is the nym secret."""

    pseudonym: G1Point
    op: G1Point


@dataclass(frozen=True)
class ProofInputs:
    """What CoreProofVerify is given once the interface has chosen its api_id and generators."""

    pk: bytes
    proof: Proof
    generators: Sequence[G1Point]  # (Q_1, H_1, ..., H_L): H_i is the generator of message i
    header: bytes
    ph: bytes
    scalars: Sequence[Scalar]  # the disclosed messages, mapped to scalars
    indexes: Sequence[int]  # their positions, ascending
    api_id: bytes = API_ID


def core_proof_verify(inputs: ProofInputs, revision: int = 6, nym: NymClaim | None = None) -> bool:
    """CoreProofVerify (section 3.6.4) for any interface; with `nym`, CoreProofVerifyWithNym.

    Raises BbsInvalid on a malformed input (the pairing inputs are valid points by then)."""
    w = octets_to_g2(inputs.pk)
    parsed, indexes = inputs.proof, list(inputs.indexes)
    # octets_to_proof refuses them already; a Proof built any other way must not skip the check:
    # with Abar = Bbar = identity the pairing holds for any messages and the challenge can be
    # simulated (tests/verify/test_bbs_forgery.py).
    if G1Point.identity() in (parsed.abar, parsed.bbar, parsed.d):
        raise BbsInvalid("a proof point is the identity")
    q1, hs = inputs.generators[0], inputs.generators[1:]
    undisclosed = sorted(set(range(len(hs))) - set(indexes))
    if len(undisclosed) != len(parsed.commitments) or len(indexes) != len(inputs.scalars):
        raise BbsInvalid("the proof's undisclosed messages do not match the generators")
    domain = calculate_domain(inputs.pk, inputs.generators, inputs.header, inputs.api_id)
    c = parsed.challenge
    # ProofVerifyInit (section 3.6.3)
    t1 = G1Point.multiexp_unchecked([parsed.bbar, parsed.abar, parsed.d], [c, parsed.e_hat, parsed.r1_hat])
    bv = P1 + G1Point.multiexp_unchecked([q1, *(hs[i] for i in indexes)], [domain, *inputs.scalars])
    t2 = G1Point.multiexp_unchecked(
        [bv, parsed.d, *(hs[j] for j in undisclosed)], [c, parsed.r3_hat, *parsed.commitments]
    )
    points = [parsed.abar, parsed.bbar, parsed.d, t1, t2]
    if nym is not None:
        # PseudonymProofVerifyInit: the nym secret is the last message, so its response is the
        # last commitment; Uv = OP * m^_nym - pseudonym * c.
        if not undisclosed or undisclosed[-1] != len(hs) - 1:
            raise BbsInvalid("the pseudonym's secret (the last message) must stay undisclosed")
        uv = G1Point.multiexp_unchecked([nym.op, nym.pseudonym], [parsed.commitments[-1], -c])
        if uv == G1Point.identity():
            return False
        points += [nym.pseudonym, nym.op, uv]
    expected = _challenge(points, indexes, inputs.scalars, domain, inputs.ph, inputs.api_id, revision)
    if expected != c:
        return False
    return GT.pairing_check([parsed.abar, parsed.bbar], [w, -BP2])


def _challenge(
    points: Sequence[G1Point],
    indexes: Sequence[int],
    scalars: Sequence[Scalar],
    domain: Scalar,
    ph: bytes,
    api_id: bytes,
    revision: int,
) -> Scalar:
    """ProofChallengeCalculate (section 3.6.4); the pseudonym draft appends (pseudonym, OP, Uv)
    to the points, in -06's order."""
    r = len(indexes)
    if revision == 5:
        disclosed = b"".join(i2osp(i, 8) for i in indexes) + b"".join(map(scalar_to_octets, scalars))
        c_arr = _serialize_points(points) + i2osp(r, 8) + disclosed
    else:  # -06: R, then each index followed by its message, then the points
        disclosed = b"".join(i2osp(i, 8) + scalar_to_octets(m) for i, m in zip(indexes, scalars, strict=True))
        c_arr = i2osp(r, 8) + disclosed + _serialize_points(points)
    c_octs = c_arr + scalar_to_octets(domain) + i2osp(len(ph), 8) + ph
    return hash_to_scalar(c_octs, api_id + b"H2S_")


def check_proof(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    disclosed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    revision: int = 6,
) -> bool:
    """ProofVerify (section 3.5.4 with CoreProofVerify 3.6.4); malformed input raises BbsInvalid.

    `revision`: 5 or 6, the draft whose challenge input order is used (the one difference
    between the two for verification, see the module docstring).
    """
    if revision not in (5, 6):
        raise BbsInvalid(f"unknown BBS draft revision {revision}")
    check_header(header, ph)
    octets_to_g2(pk)
    parsed = octets_to_proof(proof)
    r = len(disclosed_indexes)
    length = len(parsed.commitments) + r
    if length > MAX_MESSAGES:
        raise BbsInvalid(f"the proof covers more than {MAX_MESSAGES} messages")
    if len(disclosed_messages) != r:
        raise BbsInvalid(f"{len(disclosed_messages)} disclosed messages for {r} disclosed indexes")
    indexes = check_indexes(disclosed_indexes, length)
    scalars = messages_to_scalars(disclosed_messages)
    inputs = ProofInputs(pk, parsed, create_generators(length + 1), header, ph, scalars, indexes)
    return core_proof_verify(inputs, revision)


def check_signature(pk: bytes, signature: bytes, header: bytes, messages: Sequence[bytes]) -> bool:
    """Verify (section 3.4.2 with CoreVerify 3.6.2); malformed input raises BbsInvalid."""
    if len(messages) > MAX_MESSAGES:
        raise BbsInvalid(f"more than {MAX_MESSAGES} messages")
    generators = create_generators(len(messages) + 1)
    return core_verify(pk, signature, generators, header, messages_to_scalars(messages))


def core_verify(
    pk: bytes,
    signature: bytes,
    generators: Sequence[G1Point],
    header: bytes,
    scalars: Sequence[Scalar],
    api_id: bytes = API_ID,
) -> bool:
    """CoreVerify (section 3.6.2) over message scalars, one per generator after Q_1."""
    check_header(header)
    if len(signature) != _SIGNATURE_LENGTH:
        raise BbsInvalid(f"signature is {len(signature)} bytes, not {_SIGNATURE_LENGTH}")
    if len(generators) != len(scalars) + 1:
        raise BbsInvalid("one generator per message, plus Q_1, is needed")
    a = octets_to_g1(signature[:OCTET_POINT_LENGTH])
    e = octets_to_scalar(signature[OCTET_POINT_LENGTH:])
    w = octets_to_g2(pk)
    domain = calculate_domain(pk, generators, header, api_id)
    b = P1 + G1Point.multiexp_unchecked(list(generators), [domain, *scalars])
    return GT.pairing_check([a, b], [w + BP2 * e, -BP2])


def proof_verify(
    pk: bytes,
    proof: bytes,
    header: bytes = b"",
    ph: bytes = b"",
    disclosed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    revision: int = 6,
) -> bool:
    """ProofVerify: VALID (True) or INVALID (False) for any input."""
    try:
        return check_proof(pk, proof, header, ph, disclosed_messages, disclosed_indexes, revision)
    except BbsInvalid:
        return False


def verify(pk: bytes, signature: bytes, header: bytes = b"", messages: Sequence[bytes] = ()) -> bool:
    """Verify: VALID (True) or INVALID (False) for any input."""
    try:
        return check_signature(pk, signature, header, messages)
    except BbsInvalid:
        return False
