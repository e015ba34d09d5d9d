"""`credwallet demo`: the whole job on bundled examples, in a throwaway wallet."""

from __future__ import annotations

import secrets
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, emit, run_command


def example_credentials() -> list[Path]:
    root = Path(str(resources.files("credwallet") / "data" / "examples" / "credentials"))
    return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(json_out: JsonOpt = False, home: HomeOpt = None) -> None:
        """Run the whole journey on bundled examples in a throwaway wallet (no internet)."""
        ctx = Ctx("demo", json_out, home)

        def body() -> int:
            from credwallet.cli.list_cmd import row
            from credwallet.importer import exit_code_of, import_all
            from credwallet.wallet.holder import new_wallet

            with tempfile.TemporaryDirectory(prefix="credwallet-demo-") as tmp:
                work = Ctx("demo", True, home or tmp)
                work._passphrase = secrets.token_urlsafe(24)  # throwaway wallet, never shown
                wallet = new_wallet(work.now())
                work.store.create(work.passphrase(), wallet)
                sources = [str(p) for p in example_credentials()]
                with work.transaction() as w:
                    items = import_all(w, sources, now=work.now())
                final = work.open_wallet()
                rows = [row(c) for c in final.credentials]
            payload: dict[str, Any] = {
                "holder": final.holder.did,
                "imported": [i.contract_dict() for i in items],
                "credentials": rows,
            }
            code = exit_code_of(items)

            def human() -> None:
                from credwallet.cli.list_cmd import _human
                from credwallet.cli.render import render_import

                print(f"Throwaway wallet created; holder {final.holder.did}")
                print(f"Importing {len(sources)} bundled example credential(s)...")
                render_import(items)
                _human(final.credentials)

            emit(ctx, payload, human, ok=code in (0, 1))
            return 0 if code in (0, 1) else code

        run_command(ctx, body)
