"""`credwallet verify`: offline verification of stored credentials or of files (no wallet needed)."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from credwallet.checking import check_files, check_stored, summary_error
from credwallet.cli.clip import clip
from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import plain, say
from credwallet.errors import UsageError, most_serious
from credwallet.models import VerificationResult

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def _parse_at(value: str | None, ctx: Ctx) -> datetime:
    if value is None:
        return ctx.now()
    from credwallet.verify.dates import parse_at

    try:
        return parse_at(value)
    except ValueError as exc:
        raise UsageError(f"--at {plain(value, oneline=True)[:64]!r}: {exc}") from None


class _ProgressBar:
    """A transient progress bar on stderr while a process pool verifies."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from credwallet.cli.common import stderr_console

        # markup=False: a task description is never parsed for markup or emoji codes.
        self._progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                                  MofNCompleteColumn(), console=stderr_console(), transient=True)
        self._progress.start()
        self._task = self._progress.add_task("verifying", total=total)

    def advance(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _progress(ctx: Ctx) -> _ProgressBar | None:
    """A bar only when a person is watching (not --json, stderr a terminal)."""
    return None if ctx.json or not sys.stderr.isatty() else _ProgressBar()


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        ids: Annotated[
            list[str] | None, typer.Argument(metavar="ID", help="Wallet ids (or unique prefixes).")
        ] = None,
        all_: Annotated[bool, typer.Option("--all", help="Verify every stored credential.")] = False,
        files: Annotated[
            list[str] | None,
            typer.Option("--file", metavar="PATH", help="Verify a file; needs no wallet (repeatable)."),
        ] = None,
        at: Annotated[
            str | None, typer.Option("--at", metavar="ISO-DATETIME", help="Check validity as of this time.")
        ] = None,
        require_trusted: Annotated[
            bool,
            typer.Option(
                "--require-trusted",
                help="Also fail credentials whose issuer is on no trust list or followed registry.",
            ),
        ] = False,
        offline: Annotated[
            bool,
            typer.Option(
                "--offline",
                help="For --file: fetch nothing (also CREDWALLET_OFFLINE=1); say what could not be checked.",
            ),
        ] = False,
        challenge: Annotated[
            str | None,
            typer.Option("--challenge", metavar="TEXT", help="For --file: the challenge (JWT nonce) the "
                         "presentation must carry."),
        ] = None,
        domain: Annotated[
            str | None,
            typer.Option("--domain", metavar="TEXT", help="For --file: the domain (JWT aud) the "
                         "presentation must carry; also the verifier id a bbs-2023 pseudonym "
                         "without its own nym_domain was made for."),
        ] = None,
        allow_host: Annotated[
            list[str] | None,
            typer.Option("--allow-host", metavar="HOST[:PORT]",
                         help="For --file: allow fetching from this exact host even when it resolves "
                              "to a private or loopback address (an intranet issuer). Repeatable."),
        ] = None,
        verbose: Annotated[
            bool,
            typer.Option("--verbose", "-v", help="Human output: every check of every credential "
                         "(by default --all shows one line each and details only for failures)."),
        ] = False,
        json_out: JsonOpt = False,
        home: HomeOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Verify credentials: the wallet's own offline, from what was cached at import; a file
        (credential, presentation, bundle zip or portfolio page) needs no wallet and fetches what
        it lacks unless --offline.

        \b
        Examples:
          credwallet verify --all
          credwallet verify --file presentation.json --challenge 8f3e --domain jobs.example
          credwallet verify --file credwallet-bundle.zip --offline
        """
        ctx = Ctx("verify", json_out, home, passphrase_file)

        def body() -> int:
            refs = list(ids or [])
            paths = list(files or [])
            if not refs and not all_ and not paths:
                raise UsageError("nothing to verify: give credential ids, --all, or --file PATH")
            now = _parse_at(at, ctx)
            results: list[VerificationResult] = []
            codes: list[int] = []
            names: dict[str, str | None] = {}
            if refs or all_:
                # A verdict at a hypothetical --at time, or under a stricter policy than the
                # wallet's, is not stored as the credential's "last verification".
                stored = check_stored(
                    ctx,
                    refs,
                    all_=all_,
                    now=now,
                    store_results=at is None and not require_trusted,
                    require_trusted=require_trusted,
                    progress=_progress(ctx),
                )
                if stored.not_stored is not None:
                    say(f"warning: verification results not stored in the wallet: "
                        f"{stored.not_stored}", err=True)
                results += stored.results
                codes += stored.codes
                names = stored.names
            if paths:
                no_network = offline or os.environ.get("CREDWALLET_OFFLINE") == "1"
                from credwallet.cli.import_cmd import parse_allow_hosts

                checked = check_files(paths, now, require_trusted=require_trusted,
                                      offline=no_network, challenge=challenge, domain=domain,
                                      allow_hosts=parse_allow_hosts(allow_host))
                results += checked.results
                codes += checked.codes
            code = most_serious(codes) if codes else 0
            emit(
                ctx,
                {"results": [r.contract_dict() for r in results]},
                lambda: (render_summary(results, names, verbose=verbose) if all_
                         else render_results(results)),
                ok=code == 0,
                error=summary_error(results, codes, code),
            )
            return code

        run_command(ctx, body)


def render_summary(results: list[VerificationResult], names: dict[str, str | None], *,
                   verbose: bool = False) -> None:
    """`verify --all`: one line per credential (verdict, name, wallet id), the failed and
    warning checks only under those that did not verify, then a count. A container's
    contents are shown once, inside it, under their own wallet ids."""
    from rich.text import Text

    from credwallet.cli.common import stdout_console

    console = stdout_console()
    if not results:
        console.print("Nothing to verify: the wallet is empty.")
        return
    top = {r.id: r for r in results if r.id}
    inside = {n.extra.get("wallet_id") for r in results for n in r.nested} - {None}
    for result in results:
        if result.id in inside:
            continue  # shown inside its container
        _summary_line(console, result, names, top, indent="", verbose=verbose)
    ok = sum(1 for r in results if r.verified)
    bad = len(results) - ok
    line = f"{len(results)} credential(s): {ok} verified, {bad} not verified"
    warned = sum(1 for r in results if r.verified and any(c.status == "warning" for c in r.checks))
    if warned:
        line += f" ({warned} verified with warnings)"
    console.print(Text(line, style="bold"), soft_wrap=True)


def _summary_line(console: Any, result: VerificationResult, names: dict[str, str | None],
                  top: dict[str, VerificationResult], *, indent: str, verbose: bool) -> None:
    from rich.text import Text

    wid = result.id or result.extra.get("wallet_id")
    # A contained credential stored on its own: its own (stored) verdict is the one shown.
    shown = top.get(wid, result) if indent and isinstance(wid, str) else result
    line = Text(indent)
    if shown.verified:
        line.append("VERIFIED    ", style="bold green")
    else:
        line.append("NOT VERIFIED", style="bold red")
    name = names.get(wid) if isinstance(wid, str) else None
    label = name or (shown.source if not isinstance(wid, str) else None) or "(unnamed)"
    line.append(f"  {plain(clip(label, 120), oneline=True)}")
    if isinstance(wid, str):
        line.append(f"  {plain(wid[:12], oneline=True)}", style="dim")
    console.print(line, soft_wrap=True)
    if verbose and shown.signer:
        console.print(Text(f"{' ' * len(indent)}    signed by "
                           f"{plain(clip(shown.signer), oneline=True)}", style="dim"),
                      soft_wrap=True)
    if not shown.verified or verbose:
        for c in shown.checks:
            if c.status in ("failed", "warning") or verbose:
                detail = Text(f"{' ' * len(indent)}    {plain(clip(c.check, 80), oneline=True)} ")
                detail.append(plain(clip(c.status, 20), oneline=True),
                              style=_STYLE.get(c.status, ""))
                detail.append(f": {plain(clip(c.detail, 300), oneline=True)}")
                console.print(detail, soft_wrap=True)
    for child in result.nested:
        _summary_line(console, child, names, top, indent=indent + "  └ ", verbose=verbose)


def render_results(results: list[VerificationResult]) -> None:
    from credwallet.cli.common import stdout_console

    console = stdout_console()
    if not results:
        console.print("Nothing to verify: the wallet is empty.")
    for result in results:
        _render_one(console, result, indent="")


_STYLE = {"passed": "green", "failed": "red", "warning": "yellow", "skipped": "dim"}


def _render_one(console: Any, result: VerificationResult, indent: str) -> None:
    from rich.table import Table
    from rich.text import Text

    who = result.id[:12] if result.id else (result.source or "credential")
    line = Text(indent)
    if result.verified:
        line.append("VERIFIED", style="bold green")
        warnings = [c.check for c in result.checks if c.status == "warning"]
        if warnings:
            line.append(f" (warnings: {', '.join(warnings)})", style="yellow")
    else:
        line.append("NOT VERIFIED", style="bold red")
        failed = [c.check for c in result.checks if c.status == "failed"]
        line.append(f" (failed: {', '.join(failed)})")
    # Text() parses neither markup nor emoji; the strings (file names, signer ids, check
    # details quoting the credential) only need their control characters replaced.
    line.append(f"  {plain(clip(who), oneline=True)}")
    if result.format:
        line.append(f"  [{plain(clip(result.format, 80), oneline=True)}]", style="dim")
    console.print(line, soft_wrap=True)
    details = []
    if result.signer:
        details.append(f"signed by {plain(clip(result.signer), oneline=True)}")
    if result.suite:
        details.append(f"suite {plain(clip(result.suite, 200))}")
    details.append(f"checked at {result.checked_at.isoformat().replace('+00:00', 'Z')}")
    console.print(Text(f"{indent}  " + "; ".join(details), style="dim"), soft_wrap=True)
    table = Table(show_header=True, header_style="bold", pad_edge=False, box=None)
    table.add_column(indent + "check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for c in result.checks:
        table.add_row(Text(indent + plain(clip(c.check, 80))),
                      Text(plain(clip(c.status, 20)), style=_STYLE.get(c.status, "")),
                      Text(plain(clip(c.detail))))
    console.print(table)
    for child in result.nested:
        _render_one(console, child, indent=indent + "    ")
    if not indent:
        console.print()
