"""Data Integrity `ecdsa-jcs-2019` (W3C vc-di-ecdsa), verification only.

As ecdsa-rdfc-2019 with the JSON Canonicalization Scheme (RFC 8785) instead of RDFC: SHA-256
(P-256 keys) or SHA-384 (P-384) of the canonical proof configuration then of the canonical
document; ECDSA signature r||s in a base58btc `proofValue`.
"""

from __future__ import annotations

from credwallet.verify.suites.eddsa_jcs import jcs_transform
from credwallet.verify.suites.registry import DataIntegritySuite, register

ECDSA_JCS_2019 = register(
    DataIntegritySuite(
        name="ecdsa-jcs-2019",
        proof_type="DataIntegrityProof",
        cryptosuite="ecdsa-jcs-2019",
        transform=jcs_transform,
        algorithm="ECDSA",
    )
)
