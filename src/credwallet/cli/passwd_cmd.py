"""`credwallet passwd`: change the passphrase (re-encrypts with a fresh salt and nonce).

The previous generation (wallet.cwlt.bak) is re-encrypted under the new passphrase in the same
step: a passphrase is usually changed because the old one may be known, so no file in the
home may stay readable with it.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from credwallet.cli.common import (
    AllowWeakOpt,
    Ctx,
    HomeOpt,
    JsonOpt,
    PassFileOpt,
    _prompt,
    emit,
    read_secret_file,
    run_command,
    vet_new_passphrase,
)
from credwallet.cli.textsafe import say
from credwallet.errors import PassphraseUnavailable, UsageError


def new_passphrase(path: str | None, ctx: Ctx) -> tuple[str, bool]:
    """-> (new passphrase, whether it was typed at the terminal)."""
    value: str | None
    typed = False
    if path:
        if path == "-" and ctx.passphrase_file == "-":
            raise UsageError("stdin cannot carry both the old and the new passphrase")
        value = read_secret_file(path, "new passphrase")
    elif "CREDWALLET_NEW_PASSPHRASE" in os.environ:
        value = os.environ["CREDWALLET_NEW_PASSPHRASE"]
    else:
        value = _prompt("New passphrase", confirm=True)
        typed = value is not None
    if value is None:
        raise PassphraseUnavailable(
            "no new passphrase given and no terminal to ask on",
            hint="use --new-passphrase-file PATH or set CREDWALLET_NEW_PASSPHRASE")
    if not value:
        raise UsageError("the new passphrase is empty")
    return value, typed


def register(app: typer.Typer) -> None:
    @app.command("passwd")
    def passwd(
        new_passphrase_file: Annotated[str | None, typer.Option(
            "--new-passphrase-file", metavar="PATH", help="First line is the new passphrase.")] = None,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
        allow_weak: AllowWeakOpt = False,
    ) -> None:
        """Change the wallet passphrase.

        The previous generation (wallet.cwlt.bak) is re-encrypted under the new one too.

        \b
        Examples:
          credwallet passwd
          credwallet passwd --passphrase-file old.txt --new-passphrase-file new.txt
        """
        ctx = Ctx("passwd", json_out, home, passphrase_file)

        def body() -> int:
            store = ctx.store
            store.read_bytes()
            ctx.passphrase()  # asked before the lock is taken (typing takes a while)
            with store.locked():
                # Proves the old passphrase (three tries at a terminal) before asking the new one.
                wallet = ctx.unlock(store.load)
                old = ctx.passphrase()
                new, typed = new_passphrase(new_passphrase_file, ctx)
                vet_new_passphrase(new, typed=typed, allow_weak=allow_weak, what="new passphrase")
                discarded = store.rekey_locked(old, new, wallet)
            if discarded:
                # Say so: a .bak left by a restore under another passphrase is gone now.
                say(f"note: {store.backup_path.name} did not open with the old passphrase; "
                    "it now holds a copy of the current wallet", err=True)
            emit(ctx, {"wallet": str(store.path)}, lambda: say("Passphrase changed."))
            return 0

        run_command(ctx, body)
