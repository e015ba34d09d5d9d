"""A test-only BBS signer and prover (draft-irtf-cfrg-bbs-signatures-06 Sign / ProofGen, and the
pseudonym draft's proof), written from the drafts' algorithm text to make proofs the published
fixtures do not contain: chosen message layouts, and forgeries that are valid but for one check.

Never used by credwallet itself (it only verifies). Randomness comes from `random.Random(seed)`
so every test is reproducible; that is fine for tests and nothing else.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from py_arkworks_bls12381 import G1Point, Scalar

from credwallet.verify.bbs.ciphersuite import API_ID, BP2, P1, R, create_generators
from credwallet.verify.bbs.interface import (
    Proof,
    _challenge,
    calculate_domain,
    messages_to_scalars,
)


def scalar(value: int) -> Scalar:
    return Scalar.from_be_bytes((value % R).to_bytes(32, "big"))


@dataclass(frozen=True)
class Signer:
    sk: Scalar
    pk: bytes

    @classmethod
    def make(cls, seed: int) -> Signer:
        sk = scalar(random.Random(seed).randrange(1, R))
        return cls(sk, (BP2 * sk).to_compressed_bytes())


@dataclass(frozen=True)
class Signed:
    """A signature (A, e) over message scalars with the generators it was made with."""

    signer: Signer
    a: G1Point
    e: Scalar
    generators: list[G1Point]  # Q_1, then one per message
    scalars: list[Scalar]
    header: bytes
    api_id: bytes

    def b(self) -> G1Point:
        domain = calculate_domain(self.signer.pk, self.generators, self.header, self.api_id)
        return P1 + G1Point.multiexp_unchecked(self.generators, [domain, *self.scalars])


def sign(
    signer: Signer,
    scalars: Sequence[Scalar],
    header: bytes = b"",
    api_id: bytes = API_ID,
    generators: Sequence[G1Point] | None = None,
    seed: int = 1,
) -> Signed:
    """CoreSign: A = B * 1/(SK + e) (e random here; the draft derives it by hashing)."""
    gens = list(generators) if generators is not None else create_generators(len(scalars) + 1, api_id)
    e = scalar(random.Random(seed).randrange(1, R))
    partial = Signed(signer, G1Point.identity(), e, gens, list(scalars), header, api_id)
    a = partial.b() * (signer.sk + e).inverse()
    return Signed(signer, a, e, gens, list(scalars), header, api_id)


def sign_messages(signer: Signer, messages: Sequence[bytes], header: bytes = b"") -> Signed:
    return sign(signer, messages_to_scalars(messages), header)


def prove(
    signed: Signed,
    disclosed: Sequence[int],
    ph: bytes = b"",
    nym_context: G1Point | None = None,
    seed: int = 2,
) -> tuple[bytes, G1Point | None]:
    """ProofGen (-06 ProofInit / ProofFinalize, challenge of -06); with `nym_context` (OP), the
    pseudonym draft's proof that pseudonym = OP * (last message). Returns (proof, pseudonym)."""
    rng = random.Random(seed)
    rnd = [scalar(rng.randrange(1, R)) for _ in range(5 + len(signed.scalars))]
    r1, r2, e_t, r1_t, r3_t = rnd[:5]
    hs = signed.generators[1:]
    undisclosed = [j for j in range(len(hs)) if j not in set(disclosed)]
    m_t = rnd[5 : 5 + len(undisclosed)]
    b = signed.b()
    d = b * r2
    abar = signed.a * (r1 * r2)
    bbar = d * r1 - abar * signed.e
    t1 = abar * e_t + d * r1_t
    t2 = d * r3_t
    for j, m in zip(undisclosed, m_t, strict=True):
        t2 = t2 + hs[j] * m
    points = [abar, bbar, d, t1, t2]
    pseudonym = None
    if nym_context is not None:
        pseudonym = nym_context * signed.scalars[-1]
        points += [pseudonym, nym_context, nym_context * m_t[-1]]
    domain = calculate_domain(signed.signer.pk, signed.generators, signed.header, signed.api_id)
    shown = [signed.scalars[i] for i in disclosed]
    c = _challenge(points, list(disclosed), shown, domain, ph, signed.api_id, 6)
    proof = Proof(
        abar,
        bbar,
        d,
        e_t + signed.e * c,
        r1_t - r1 * c,
        r3_t - r2.inverse() * c,
        [m + signed.scalars[j] * c for j, m in zip(undisclosed, m_t, strict=True)],
        c,
    )
    return proof_to_octets(proof), pseudonym


def proof_to_octets(proof: Proof) -> bytes:
    points = b"".join(p.to_compressed_bytes() for p in (proof.abar, proof.bbar, proof.d))
    scalars = [proof.e_hat, proof.r1_hat, proof.r3_hat, *proof.commitments, proof.challenge]
    return points + b"".join(s.to_be_bytes() for s in scalars)


def forge_identity_proof(
    pk: bytes,
    generators: Sequence[G1Point],
    header: bytes,
    messages: Sequence[Scalar],
    ph: bytes = b"",
    api_id: bytes = API_ID,
    seed: int = 3,
) -> Proof:
    """A proof with Abar = Bbar = identity for *any* messages (all disclosed), under any key, with
    no signature at all. The pairing check holds trivially, and the challenge is made to match by
    fixing T2 = Bv * t before hashing (D = Bv * k, then r3^ = (t - c) / k). Only the identity
    check stands between this and "valid"."""
    rng = random.Random(seed)
    k, t, r1_hat, e_hat = (scalar(rng.randrange(1, R)) for _ in range(4))
    domain = calculate_domain(pk, generators, header, api_id)
    bv = P1 + G1Point.multiexp_unchecked(list(generators), [domain, *messages])
    d = bv * k
    identity = G1Point.identity()
    points = [identity, identity, d, d * r1_hat, bv * t]
    c = _challenge(points, list(range(len(messages))), list(messages), domain, ph, api_id, 6)
    return Proof(identity, identity, d, e_hat, r1_hat, (t - c) * k.inverse(), [], c)
