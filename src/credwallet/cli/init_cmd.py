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

# What a newcomer does next: without an identity, badges issued to their e-mail are not
# recognised as theirs; without a backup, a lost disk or passphrase loses every credential.
NEXT_STEPS = """Next steps:
  credwallet identity add you@example.org     # the e-mail (or URL, phone) your badges name
  credwallet import https://badges.example.org/assertions/42
  credwallet backup -o wallet-backup.cwlt     # keep it elsewhere; it opens with this passphrase
The passphrase cannot be recovered: without it, neither the wallet nor its backups open."""


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
            def human() -> None:
                for line in (f"Created wallet {store.path}", f"Holder DID: {wallet.holder.did}",
                             *NEXT_STEPS.splitlines()):
                    say(line)  # say() keeps each line whole (it folds line breaks in data)

            emit(ctx, {"wallet": str(store.path), "holder": wallet.holder.did}, human)
            return 0

        run_command(ctx, body)
