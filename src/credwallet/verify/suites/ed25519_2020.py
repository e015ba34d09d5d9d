"""Ed25519Signature2020 (W3C CCG): the pre-Data-Integrity suite still issued by many wallets.

Same algorithm as eddsa-rdfc-2022 (URDNA2015, SHA-256 of proof options then document, Ed25519),
with no `cryptosuite` property; the proof options take the document's @context.
"""

from __future__ import annotations

from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import DataIntegritySuite, register

ED25519_SIGNATURE_2020 = register(
    DataIntegritySuite(
        name="Ed25519Signature2020",
        proof_type="Ed25519Signature2020",
        cryptosuite=None,
        transform=rdfc_transform,
        value_keys=("proofValue", "jws", "signatureValue"),
    )
)
