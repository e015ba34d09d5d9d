"""`credwallet remove ID...`: delete credentials (all or nothing)."""

from __future__ import annotations

from typing import Annotated

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import say
from credwallet.removal import remove_credentials


def register(app: typer.Typer) -> None:
    @app.command("remove")
    def remove(ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Wallet ids or prefixes.")],
               json_out: JsonOpt = False, home: HomeOpt = None,
               passphrase_file: PassFileOpt = None) -> None:
        """Delete credentials from the wallet."""
        ctx = Ctx("remove", json_out, home, passphrase_file)

        def body() -> int:
            with ctx.transaction() as wallet:
                removed = remove_credentials(wallet, ids)
            emit(ctx, {"removed": removed},
                 lambda: say(f"Removed {len(removed)} credential(s): {', '.join(removed)}"))
            return 0

        run_command(ctx, body)
