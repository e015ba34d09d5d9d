"""`credwallet passwd`: change the passphrase (re-encrypts with a fresh salt and nonce)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from credwallet.cli.common import (
    Ctx,
    HomeOpt,
    JsonOpt,
    PassFileOpt,
    _prompt,
    emit,
    read_secret_file,
    run_command,
)
from credwallet.errors import PassphraseUnavailable, UsageError


def new_passphrase(path: str | None, ctx: Ctx) -> str:
    value: str | None
    if path:
        if path == "-" and ctx.passphrase_file == "-":
            raise UsageError("stdin cannot carry both the old and the new passphrase")
        value = read_secret_file(path, "new passphrase")
    elif "CREDWALLET_NEW_PASSPHRASE" in os.environ:
        value = os.environ["CREDWALLET_NEW_PASSPHRASE"]
    else:
        value = _prompt("New passphrase", confirm=True)
    if value is None:
        raise PassphraseUnavailable(
            "no new passphrase given and no terminal to ask on",
            hint="use --new-passphrase-file PATH or set CREDWALLET_NEW_PASSPHRASE")
    if not value:
        raise UsageError("the new passphrase is empty")
    return value


def register(app: typer.Typer) -> None:
    @app.command("passwd")
    def passwd(
        new_passphrase_file: Annotated[str | None, typer.Option(
            "--new-passphrase-file", metavar="PATH", help="First line is the new passphrase.")] = None,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Change the wallet passphrase."""
        ctx = Ctx("passwd", json_out, home, passphrase_file)

        def body() -> int:
            store = ctx.store
            store.read_bytes()
            old = ctx.passphrase()
            with store.locked():
                wallet = store.load(old)  # proves the old passphrase before asking the new one
                new = new_passphrase(new_passphrase_file, ctx)
                store.save_locked(new, wallet)
            emit(ctx, {"wallet": str(store.path)}, lambda: print("Passphrase changed."))
            return 0

        run_command(ctx, body)
