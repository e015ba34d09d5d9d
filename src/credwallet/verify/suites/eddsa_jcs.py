"""Data Integrity `eddsa-jcs-2022`: JSON Canonicalization Scheme (RFC 8785) instead of RDFC.

JCS signs the JSON itself, so undefined terms cannot be dropped; contexts are still checked by
the engine because they give the data its meaning.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from credwallet.verify.contexts import ContextStore
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register


def jcs_transform(doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes:
    try:
        return bytes(rfc8785.dumps(doc))
    except (rfc8785.CanonicalizationError, ValueError, TypeError, RecursionError) as exc:
        raise SuiteError(f"JCS canonicalization failed: {str(exc)[:120]}") from exc


EDDSA_JCS_2022 = register(
    DataIntegritySuite(
        name="eddsa-jcs-2022",
        proof_type="DataIntegrityProof",
        cryptosuite="eddsa-jcs-2022",
        transform=jcs_transform,
    )
)
