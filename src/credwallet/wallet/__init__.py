"""The encrypted wallet file: format (fileformat), atomic locked storage (store)."""

from credwallet.wallet.fileformat import KdfParams, decrypt_wallet, encrypt_wallet
from credwallet.wallet.store import WalletStore

__all__ = ["KdfParams", "WalletStore", "decrypt_wallet", "encrypt_wallet"]
