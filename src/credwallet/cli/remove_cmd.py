"""`credwallet remove ID...`: delete credentials (all or nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from credwallet.cli.common import (
    Ctx,
    HomeOpt,
    JsonOpt,
    PassFileOpt,
    YesOpt,
    can_ask,
    confirm,
    emit,
    refuse_unconfirmed,
    run_command,
)
from credwallet.cli.textsafe import plain, say
from credwallet.formats import Family, is_known, spec
from credwallet.removal import remove_credentials

if TYPE_CHECKING:
    from credwallet.models.entry import WalletData


def describe(wallet: WalletData, refs: list[str]) -> list[str]:
    """What the confirmation names: each credential asked for, and how many it takes along
    (a CLR or presentation removes the credentials that came in it). Unknown refs raise
    NotFound, as removing would."""
    asked = {c.id: c for c in (wallet.find(ref) for ref in refs)}.values()
    parts = []
    for c in asked:
        inside = sum(1 for x in wallet.credentials if x.parent_id == c.id)
        what = "course credential(s) of this CLR" if is_known(c.format) and \
            spec(c.format).family is Family.CLR else "credential(s) that came in it"
        along = f" (its {inside} {what} are removed too)" if inside else ""
        parts.append(f"{c.id[:12]} {plain(c.name or '(unnamed)', oneline=True)!r}{along}")
    return parts


def register(app: typer.Typer) -> None:
    @app.command("remove")
    def remove(ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Wallet ids or prefixes.")],
               yes: YesOpt = False, json_out: JsonOpt = False, home: HomeOpt = None,
               passphrase_file: PassFileOpt = None) -> None:
        """Delete credentials from the wallet (a CLR or presentation takes the credentials
        that came in it along). Asks first at a terminal; --yes for scripts.

        \b
        Examples:
          credwallet remove 3f2a
          credwallet remove 3f2a 9b1c --yes   # a script: no question asked
        """
        ctx = Ctx("remove", json_out, home, passphrase_file)

        def body() -> int:
            with ctx.transaction() as wallet:
                parts = describe(wallet, ids)  # unknown ids: not_found before any question
                removed = remove_credentials(wallet, ids)
                if not yes and not can_ask():  # never hang on a prompt nobody sees
                    refuse_unconfirmed("remove", "deletes credentials")
                if not yes:  # declined: Interrupted leaves the transaction unsaved
                    confirm(f"Remove {len(removed)} credential(s) from the wallet: "
                            f"{'; '.join(parts)}?")
            emit(ctx, {"removed": removed},
                 lambda: say(f"Removed {len(removed)} credential(s): {', '.join(removed)}"))
            return 0

        run_command(ctx, body)
