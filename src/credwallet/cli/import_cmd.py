"""`credwallet import SOURCE...`: files, '-' (stdin), URLs; each verified and reported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import plain, say
from credwallet.errors import BadInput, UsageError, items_failed

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class RichProgress:
    """Progress bar on stderr for fetches (an observer `credwallet.fetch` calls)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from credwallet.cli.common import stderr_console

        console = stderr_console()
        # A bar only helps for several sources on a terminal; it never touches stdout.
        if total < 2 or not console.is_terminal:
            return
        # markup=False: the description is shown as given, never parsed for markup or emoji.
        self._progress = Progress(TextColumn("{task.description}", style="bold", markup=False),
                                  BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=console, transient=True)
        self._progress.start()
        self._task = self._progress.add_task(plain(self.label), total=total)

    def advance(self, source: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def print_warnings(lines: list[tuple[str, str]]) -> None:
    """Warnings go to stderr in both output modes (stdout may carry the JSON document)."""
    for where, text in lines:
        say(f"warning: {where}: {text}", err=True)


def parse_allow_hosts(values: list[str] | None) -> list[Any]:
    """`--allow-host` values as `fetch.AllowedHost`s; a malformed one is a usage error."""
    if not values:
        return []
    from credwallet.fetch.guard import AllowedHost

    out = []
    for value in values:
        try:
            out.append(AllowedHost.parse(value))
        except ValueError as exc:
            raise UsageError(f"--allow-host {exc}") from None
    return out


def read_source_list(path: str) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:  # bad input (exit 3), as every missing file
        raise BadInput(f"cannot read source list {path!r}: "
                       f"{getattr(exc, 'strerror', None) or exc}") from None
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        sources: Annotated[list[str] | None, typer.Argument(
            help="https URL, file path (JSON, JWT/JWS, baked PNG/SVG, CLR, presentation), '-', "
                 "or a credential offer: openid-credential-offer:// link, https link carrying "
                 "one, or an image of its QR code")] = None,
        from_file: Annotated[str | None, typer.Option("--from-file", metavar="LIST",
                                                      help="Read sources one per line.")] = None,
        keep_invalid: Annotated[bool, typer.Option(
            "--keep-invalid", help="Keep credentials whose proof fails (marked invalid).")] = False,
        insecure_http: Annotated[bool, typer.Option(
            "--insecure-http", help="Allow plain http:// to non-loopback hosts.")] = False,
        tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag the imported credentials.")] = None,
        allow_host: Annotated[list[str] | None, typer.Option(
            "--allow-host", metavar="HOST[:PORT]",
            help="Allow links to this exact host (name or address, optionally one port) even "
                 "when it resolves to a private or loopback address. Repeatable.")] = None,
        tx_code: Annotated[str | None, typer.Option(
            "--tx-code", metavar="CODE",
            help="Transaction code a credential offer asks for (else asked at a terminal).")] = None,
        tx_code_file: Annotated[str | None, typer.Option(
            "--tx-code-file", metavar="PATH",
            help="Read the transaction code from the first line of PATH ('-' = stdin).")] = None,
        resume: Annotated[bool, typer.Option(
            "--resume", help="Collect credentials an issuer deferred (OpenID4VCI).")] = False,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Import credentials into the wallet; verify each and store the report.

        \b
        Examples:
          credwallet import https://badges.example.org/assertions/42
          credwallet import badge.png transcript-clr.json --tag work
          credwallet import offer-qr.png --tx-code 493536   # an OpenID4VCI offer (docs/oid4vci.md)
        """
        ctx = Ctx("import", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.cli.offer_prompt import CliInteraction
            from credwallet.cli.render import render_import
            from credwallet.importer import exit_code_of
            from credwallet.issuance import import_sources, resume_pending

            allowed = parse_allow_hosts(allow_host)
            all_sources = list(sources or [])
            if from_file:
                all_sources += read_source_list(from_file)
            if not all_sources and not resume:
                raise UsageError("give at least one SOURCE, --from-file LIST or --resume")
            if tx_code is not None and tx_code_file is not None:
                raise UsageError("give --tx-code or --tx-code-file, not both")
            if tx_code_file == "-" and ("-" in all_sources or ctx.passphrase_file == "-"):
                raise UsageError("stdin can carry only one of the passphrase, a credential and "
                                 "the transaction code")
            if all_sources.count("-") > 1:
                raise UsageError("stdin ('-') can be given only once")
            if "-" in all_sources and ctx.passphrase_file == "-":
                raise UsageError("stdin cannot carry both the passphrase and a credential")
            with ctx.transaction() as wallet:
                items = resume_pending(wallet, now=ctx.now(), due_only=False,
                                       insecure_http=insecure_http, allow_hosts=allowed,
                                       keep_invalid=keep_invalid) if resume else []
                items += import_sources(
                    wallet, all_sources, now=ctx.now(), keep_invalid=keep_invalid,
                    insecure_http=insecure_http, tags=tag or [],
                    progress=RichProgress("fetching"), allow_hosts=allowed,
                    interaction=CliInteraction(tx_code=tx_code, tx_code_file=tx_code_file))
            code = exit_code_of(items)
            print_warnings([(i.source, w) for i in items for w in i.warnings])
            failed = sum(1 for i in items if i.exit_code)
            emit(ctx, {"items": [i.contract_dict() for i in items]},
                 lambda: render_import(items), ok=code == 0,
                 error=items_failed(code, failed, len(items), "sources") if code else None)
            return code

        run_command(ctx, body)
