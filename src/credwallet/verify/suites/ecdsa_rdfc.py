"""Data Integrity `ecdsa-rdfc-2019` (W3C vc-di-ecdsa), verification only.

Transform: RDF Dataset Canonicalization, as for eddsa-rdfc-2022 (with SHA-384 as the
canonicalization hash for P-384 keys); hash: SHA-256 for P-256 keys, SHA-384 for P-384, of the
proof configuration then the document; signature: ECDSA over the
concatenation, encoded as r||s (IEEE P1363). credwallet itself signs with Ed25519 only.
"""

from __future__ import annotations

from typing import Any

from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register


def rdfc_sha384_transform(doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes:
    """RDFC-1.0 with SHA-384 as its hash: the transform for P-384 keys (vc-di-ecdsa sec. 3.3.2)."""
    try:
        return canonicalize(doc, store, memo=memo, hash_name="sha384").encode("utf-8")
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc


ECDSA_RDFC_2019 = register(
    DataIntegritySuite(
        name="ecdsa-rdfc-2019",
        proof_type="DataIntegrityProof",
        cryptosuite="ecdsa-rdfc-2019",
        transform=rdfc_transform,
        algorithm="ECDSA",
        transform_p384=rdfc_sha384_transform,
    )
)
