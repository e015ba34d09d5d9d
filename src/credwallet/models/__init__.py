"""Pydantic models shared by the core and the CLI."""

from credwallet.models.entry import (
    CachedDocument,
    Holder,
    Identity,
    StoredCredential,
    WalletData,
)
from credwallet.models.results import Check, CheckName, CheckStatus, VerificationResult

__all__ = [
    "CachedDocument",
    "Check",
    "CheckName",
    "CheckStatus",
    "Holder",
    "Identity",
    "StoredCredential",
    "VerificationResult",
    "WalletData",
]
