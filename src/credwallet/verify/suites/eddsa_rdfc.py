"""Data Integrity `eddsa-rdfc-2022` (W3C vc-di-eddsa) and its predecessor `eddsa-2022`.

Transform: RDF Dataset Canonicalization (URDNA2015) of the document and of the proof
configuration; hash: SHA-256 of each, proof hash first; Ed25519 over the 64 bytes.
"""

from __future__ import annotations

from typing import Any

from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register


def rdfc_transform(doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes:
    try:
        return canonicalize(doc, store, memo=memo).encode("utf-8")
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc


EDDSA_RDFC_2022 = register(
    DataIntegritySuite(
        name="eddsa-rdfc-2022",
        proof_type="DataIntegrityProof",
        cryptosuite="eddsa-rdfc-2022",
        transform=rdfc_transform,
    )
)

# The 2022 drafts named the same algorithm "eddsa-2022" (data-integrity/v1 context).
EDDSA_2022 = register(
    DataIntegritySuite(
        name="eddsa-2022",
        proof_type="DataIntegrityProof",
        cryptosuite="eddsa-2022",
        transform=rdfc_transform,
    )
)
