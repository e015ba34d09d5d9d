"""The holder's own Ed25519 key (did:key), created at `init`."""

from __future__ import annotations

import base64
from datetime import datetime

from credwallet.didkey import did_key_from_public, verification_method_id
from credwallet.models.entry import Holder, WalletData


def new_wallet(now: datetime) -> WalletData:
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    holder = Holder(did=did_key_from_public(bytes(key.verify_key)),
                    private_seed_b64=base64.b64encode(bytes(key)).decode("ascii"), created_at=now)
    return WalletData(created_at=now, holder=holder)


def holder_seed(wallet: WalletData) -> bytes:
    return base64.b64decode(wallet.holder.private_seed_b64)


def holder_verification_method(wallet: WalletData) -> str:
    return verification_method_id(wallet.holder.did)
