"""Offline verification of every credential format the wallet holds.

    verify_bytes(raw, now=..., material=...)  -> VerificationResult
    verify_stored(cred, wallet, now)          -> VerificationResult
    sign_data_integrity(document, seed=..., ...) -> signed copy (round-trips through verify_bytes)

Never imports credwallet.fetch and never opens a socket: everything comes from bundled
contexts and from the material cached at import (`MaterialSource`).
"""

from credwallet.verify.dataintegrity import sign_data_integrity
from credwallet.verify.engine import verify_bytes, verify_stored
from credwallet.verify.material import DictMaterial, EmptyMaterial, MaterialSource

__all__ = [
    "DictMaterial",
    "EmptyMaterial",
    "MaterialSource",
    "sign_data_integrity",
    "verify_bytes",
    "verify_stored",
]
