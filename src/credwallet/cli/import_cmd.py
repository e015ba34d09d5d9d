"""`credwallet import SOURCE...`: files, '-' (stdin), URLs; each verified and reported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.errors import UsageError


def read_source_list(path: str) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read source list {path!r}: {exc}") from None
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        sources: Annotated[list[str] | None, typer.Argument(
            help="https URL, file path (JSON, JWT/JWS, baked PNG/SVG, CLR, presentation) or '-'")] = None,
        from_file: Annotated[str | None, typer.Option("--from-file", metavar="LIST",
                                                      help="Read sources one per line.")] = None,
        keep_invalid: Annotated[bool, typer.Option(
            "--keep-invalid", help="Keep credentials whose proof fails (marked invalid).")] = False,
        insecure_http: Annotated[bool, typer.Option(
            "--insecure-http", help="Allow plain http:// to non-loopback hosts.")] = False,
        tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag the imported credentials.")] = None,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Import credentials into the wallet; verify each and store the report."""
        ctx = Ctx("import", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.cli.render import render_import
            from credwallet.importer import exit_code_of, import_all

            all_sources = list(sources or [])
            if from_file:
                all_sources += read_source_list(from_file)
            if not all_sources:
                raise UsageError("give at least one SOURCE or --from-file LIST")
            if all_sources.count("-") > 1:
                raise UsageError("stdin ('-') can be given only once")
            if "-" in all_sources and ctx.passphrase_file == "-":
                raise UsageError("stdin cannot carry both the passphrase and a credential")
            with ctx.transaction() as wallet:
                items = import_all(wallet, all_sources, now=ctx.now(), keep_invalid=keep_invalid,
                                   insecure_http=insecure_http, tags=tag or [],
                                   progress=not ctx.json)
            code = exit_code_of(items)
            emit(ctx, {"items": [i.contract_dict() for i in items]},
                 lambda: render_import(items), ok=code == 0)
            return code

        run_command(ctx, body)
