"""`credwallet remove ID...`: delete credentials (all or nothing)."""

from __future__ import annotations

from typing import Annotated

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import say
from credwallet.models.entry import WalletData


def remove_entries(wallet: WalletData, ids: list[str]) -> list[str]:
    """Remove credentials (a container takes its contained credentials along). -> removed ids."""
    targets = {wallet.find(ref).id for ref in ids}  # NotFound before anything changes
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


def register(app: typer.Typer) -> None:
    @app.command("remove")
    def remove(ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Wallet ids or prefixes.")],
               json_out: JsonOpt = False, home: HomeOpt = None,
               passphrase_file: PassFileOpt = None) -> None:
        """Delete credentials from the wallet."""
        ctx = Ctx("remove", json_out, home, passphrase_file)

        def body() -> int:
            with ctx.transaction() as wallet:
                removed = remove_entries(wallet, ids)
            emit(ctx, {"removed": removed},
                 lambda: say(f"Removed {len(removed)} credential(s): {', '.join(removed)}"))
            return 0

        run_command(ctx, body)
