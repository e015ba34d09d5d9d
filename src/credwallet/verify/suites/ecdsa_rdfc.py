"""Data Integrity `ecdsa-rdfc-2019` (W3C vc-di-ecdsa), verification only.

Transform: RDF Dataset Canonicalization, as for eddsa-rdfc-2022; hash: SHA-256 for P-256 keys,
SHA-384 for P-384, of the proof configuration then the document; signature: ECDSA over the
concatenation, encoded as r||s (IEEE P1363). credwallet itself signs with Ed25519 only.
"""

from __future__ import annotations

from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import DataIntegritySuite, register

ECDSA_RDFC_2019 = register(
    DataIntegritySuite(
        name="ecdsa-rdfc-2019",
        proof_type="DataIntegrityProof",
        cryptosuite="ecdsa-rdfc-2019",
        transform=rdfc_transform,
        algorithm="ECDSA",
    )
)
