"""`credwallet backup -o PATH` and `credwallet restore PATH`.

A backup is the encrypted wallet file itself (same format, same passphrase), checked to
decrypt before it is written; restore checks the backup decrypts before replacing anything,
and keeps the replaced wallet as wallet.cwlt.bak.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Annotated

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
from credwallet.cli.textsafe import say
from credwallet.errors import BadInput, UsageError, WalletWriteError


def _write_new_file(path: Path, blob: bytes, *, force: bool) -> None:
    try:
        exists = path.exists()
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot use {str(path)[:200]!r} as the backup file: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    if exists and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WalletWriteError(f"cannot write backup {path}: {exc.strerror}") from None


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup(
        output: Annotated[str, typer.Option("-o", "--output", metavar="PATH", help="Backup file.")],
        force: Annotated[bool, typer.Option("--force", help="Overwrite PATH.")] = False,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Write an encrypted backup of the whole wallet.

        \b
        Examples:
          credwallet backup -o wallet-2026-05.cwlt
          credwallet backup -o /media/usb/wallet.cwlt --force
        """
        ctx = Ctx("backup", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.wallet.fileformat import decrypt_wallet

            # No lock: saves replace the file atomically, so one read sees one whole generation
            # (and a read-only wallet home can still be backed up).
            store = ctx.store
            blob = store.read_bytes()
            # A backup nobody can open is no backup.
            ctx.unlock(lambda passphrase: decrypt_wallet(blob, passphrase))
            _write_new_file(Path(output), blob, force=force)
            emit(ctx, {"output": output, "bytes": len(blob)},
                 lambda: say(f"Backup written to {output} ({len(blob)} bytes, encrypted)."))
            return 0

        run_command(ctx, body)

    @app.command("restore")
    def restore(
        path: Annotated[str, typer.Argument(metavar="PATH", help="A backup made by `backup`.")],
        allow_expensive_kdf: Annotated[bool, typer.Option(
            "--allow-expensive-kdf",
            help="Open a backup whose key derivation asks for more than 256 MiB or 8 passes "
                 "(up to 1 GiB / 16 passes).")] = False,
        yes: YesOpt = False, json_out: JsonOpt = False, home: HomeOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Replace the wallet with a backup (the current wallet is kept as wallet.cwlt.bak).
        Asks first at a terminal when a wallet exists; --yes for scripts.

        \b
        Examples:
          credwallet restore wallet-2026-05.cwlt
          credwallet restore /media/usb/wallet.cwlt --yes   # a script
        """
        ctx = Ctx("restore", json_out, home, passphrase_file)

        def body() -> int:
            from pydantic import ValidationError

            from credwallet.errors import WalletCorrupted
            from credwallet.models.entry import WalletData
            from credwallet.wallet import fileformat
            from credwallet.wallet.store import WalletStore

            if Path(path).name in ("", ".", ".."):
                raise UsageError(f"{path!r} is not the path of a backup file")
            try:  # a missing (or unnameable) file is bad input, as for every command
                os.stat(path)
            except FileNotFoundError:
                raise BadInput(f"no such file: {path}") from None
            except (OSError, ValueError) as exc:
                raise BadInput(f"cannot read {str(path)[:200]!r}: "
                               f"{getattr(exc, 'strerror', None) or exc}") from None
            # Read once (size-capped) and restore exactly the bytes that were checked.
            blob = WalletStore(Path(path)).read_bytes()
            params, salt, _nonce, _aad, _ct = fileformat.parse_header(blob)
            if not allow_expensive_kdf:
                # Before the passphrase prompt: a hostile backup costs nothing to refuse.
                fileformat.check_foreign_cost(params)
            if not json_out:
                say("The backup opens with the passphrase the wallet had when it was backed up.",
                    err=True)
            ctx.prompt_label = "Backup passphrase"

            def open_backup(passphrase: str) -> WalletData:
                key = fileformat.derive_key(passphrase, salt, params)
                try:  # decrypts and validates the structure, as opening a wallet does
                    return WalletData.model_validate_json(fileformat.decrypt_with_key(blob, key))
                except ValidationError:
                    raise WalletCorrupted("backup payload does not match the expected "
                                          "structure") from None

            wallet = ctx.unlock(open_backup)
            store = ctx.store
            replacing = store.path.exists()
            if replacing and not yes and not can_ask():  # never hang on a prompt nobody sees
                refuse_unconfirmed("restore", "replaces the current wallet")
            if replacing and not yes:
                confirm(f"Replace the wallet in {store.path.parent} with this backup "
                        f"({len(wallet.credentials)} credential(s))? The current wallet is kept "
                        "as wallet.cwlt.bak.")
            with store.locked():
                store.write_atomic(blob)
            def human() -> None:
                say(f"Restored {len(wallet.credentials)} credential(s) into {store.path}.")
                say("The wallet now opens with the backup's passphrase (the one just given), "
                    "not with the one it had before.")

            emit(ctx, {"wallet": str(store.path), "credentials": len(wallet.credentials)}, human)
            return 0

        run_command(ctx, body)
