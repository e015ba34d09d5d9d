"""The remove use case: delete credentials from a wallet, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from credwallet.models.entry import WalletData


def remove_credentials(wallet: WalletData, refs: Sequence[str]) -> list[str]:
    """Remove the credentials `refs` names (ids or unique prefixes); a container takes its
    contained credentials along, and cached material nothing refers to any more goes too.

    Every reference is resolved first, so an unknown one raises NotFound before anything
    changes. Returns the removed ids, sorted.
    """
    targets = {wallet.find(ref).id for ref in refs}  # NotFound before anything changes
    for c in wallet.credentials:
        if c.parent_id in targets:
            targets.add(c.id)
    wallet.credentials = [c for c in wallet.credentials if c.id not in targets]
    for c in wallet.credentials:
        c.children = [x for x in c.children if x not in targets]
    # Drop cached material that nothing refers to any more.
    used = {u for c in wallet.credentials for u in c.cache_urls}
    used |= {c.image_key for c in wallet.credentials if c.image_key}
    wallet.cache = {k: v for k, v in wallet.cache.items() if k in used or v.kind == "context"}
    return sorted(targets)


__all__ = ["remove_credentials"]
