"""`credwallet init`: create the wallet and the holder's did:key."""

from __future__ import annotations

import typer

from credwallet.cli.common import (
    AllowWeakOpt,
    Ctx,
    HomeOpt,
    JsonOpt,
    PassFileOpt,
    emit,
    run_command,
    vet_new_passphrase,
)
from credwallet.cli.textsafe import say
from credwallet.errors import WalletExists


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(json_out: JsonOpt = False, home: HomeOpt = None,
             passphrase_file: PassFileOpt = None, allow_weak: AllowWeakOpt = False) -> None:
        """Create a new encrypted wallet and the holder's Ed25519 key (did:key).

        \b
        Examples:
          credwallet init
          credwallet --home ~/wallets/work init
          CREDWALLET_PASSPHRASE=... credwallet init --allow-weak-passphrase   # a test wallet
        """
        ctx = Ctx("init", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.wallet.holder import new_wallet

            store = ctx.store
            if store.exists():
                raise WalletExists(f"a wallet already exists at {store.path}")
            passphrase = ctx.passphrase(confirm=True)
            vet_new_passphrase(passphrase, typed=ctx.passphrase_typed, allow_weak=allow_weak)
            wallet = new_wallet(ctx.now())
            store.create(passphrase, wallet)
            emit(ctx, {"wallet": str(store.path), "holder": wallet.holder.did},
                 lambda: say(f"Created wallet {store.path}\nHolder DID: {wallet.holder.did}"))
            return 0

        run_command(ctx, body)
