"""BBS signatures (IRTF CFRG draft-irtf-cfrg-bbs-signatures), ciphersuite BLS12-381-SHA-256.

Verification only: `verify` (a signature over all messages) and `proof_verify` (a proof that
discloses some of them). Revision -05 is the one W3C vc-di-bbs (the bbs-2023 cryptosuite)
references; its vectors use -06's proof challenge (see interface.py), so both are implemented.
The pairing group comes from py-arkworks-bls12381; everything above it (hashing to scalars,
generators, domain, challenge, serialization and every input check) is here.
"""

from credwallet.verify.bbs.interface import (
    MAX_MESSAGES,
    BbsInvalid,
    check_proof,
    proof_verify,
    public_key_from_octets,
    verify,
)

__all__ = ["MAX_MESSAGES", "BbsInvalid", "check_proof", "proof_verify", "public_key_from_octets", "verify"]
