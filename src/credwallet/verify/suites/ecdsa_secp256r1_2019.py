"""EcdsaSecp256r1Signature2019 (W3C CCG, legacy): P-256 ECDSA with SHA-256 over
SHA-256(canonical proof options) || SHA-256(canonical document) (URDNA2015).

The signature is either a detached JWS (`jws`, alg ES256, b64=false) or, as Digital Bazaar's
implementation writes it, a multibase base58btc `proofValue` holding r||s.
"""

from __future__ import annotations

from credwallet.verify.suites.detached_jws import JwsProofSuite
from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import register

ECDSA_SECP256R1_SIGNATURE_2019 = register(
    JwsProofSuite(
        name="EcdsaSecp256r1Signature2019",
        proof_type="EcdsaSecp256r1Signature2019",
        cryptosuite=None,
        transform=rdfc_transform,
        value_keys=("jws", "proofValue", "signatureValue"),
        algs=frozenset({"ES256"}),
        proof_value_alg="ES256",
    )
)
