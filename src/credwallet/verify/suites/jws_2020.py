"""JsonWebSignature2020 (W3C CCG): a detached JWS over the same URDNA2015 / SHA-256 input as
Ed25519Signature2018, with the algorithm following the key (JsonWebKey2020 `publicKeyJwk`):
EdDSA (Ed25519), ES256 (P-256), ES256K (secp256k1), ES384 (P-384), PS256 (RSA, >= 2048 bits).
"""

from __future__ import annotations

from credwallet.verify.suites.detached_jws import JwsProofSuite
from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import register

JSON_WEB_SIGNATURE_2020 = register(
    JwsProofSuite(
        name="JsonWebSignature2020",
        proof_type="JsonWebSignature2020",
        cryptosuite=None,
        transform=rdfc_transform,
        value_keys=("jws", "proofValue", "signatureValue"),
        algs=frozenset({"EdDSA", "ES256", "ES256K", "ES384", "PS256"}),
    )
)
