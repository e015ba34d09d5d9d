"""`credwallet progress [NAME...]`: how far the wallet's verified credentials go."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command

if TYPE_CHECKING:
    from rich.tree import Tree

    from credwallet.pathways.progress import NodeProgress, PathwayProgress

ICONS = {"satisfied": "[green]✔[/green]", "partial": "[yellow]◐[/yellow]",
         "missing": "[red]✘[/red]"}
BAR_WIDTH = 20


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    colour = "green" if fraction >= 1 else "yellow" if fraction > 0 else "red"
    return f"[{colour}]{'█' * filled}[/{colour}][dim]{'░' * (width - filled)}[/dim] " \
           f"{fraction * 100:3.0f}%"


def _parse_at(at: str | None) -> datetime | None:
    if at is None:
        return None
    from credwallet.cli.textsafe import plain
    from credwallet.errors import UsageError
    from credwallet.verify.dates import parse_at

    try:
        # Lenient like credential dates in pathways: a bare date is midnight UTC.
        return parse_at(at, lenient=True)
    except ValueError as exc:
        raise UsageError(f"--at {plain(at, oneline=True)[:64]!r}: {exc}") from None


def register(app: typer.Typer) -> None:
    @app.command("progress")
    def progress(
        names: Annotated[list[str] | None, typer.Argument(
            metavar="[NAME]...", help="Pathway name(s); default: every pathway.")] = None,
        at: Annotated[str | None, typer.Option(
            "--at", metavar="ISO-DATETIME", help="Evaluate as of this time (expiry, "
            "'valid within').")] = None,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Progress of every (or one) pathway against the wallet's verified credentials.

        \b
        Examples:
          credwallet progress
          credwallet progress data-analytics --at 2026-12-31T00:00:00Z
        """
        ctx = Ctx("progress", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.pathways.cache import cached_progress

            now = _parse_at(at) or ctx.now()
            wallet = ctx.open_wallet()
            results = cached_progress(wallet, now, names or None)
            payload = {"checked_at": now.isoformat(),
                       "pathways": [r.contract_dict() for r in results]}
            emit(ctx, payload, lambda: render_progress(results))
            return 0

        run_command(ctx, body)


def render_progress(results: list[PathwayProgress]) -> None:
    from credwallet.cli.clip import clipped as escape
    from credwallet.cli.common import stdout_console
    from credwallet.cli.console import print_unbroken

    console = stdout_console()
    if not results:
        console.print("No pathways yet. Add one with `credwallet pathway add FILE` "
                      "(examples in examples/pathways/).", soft_wrap=True)
        return
    # soft_wrap / print_unbroken: URLs and commands are never broken across lines.
    for r in results:
        print_unbroken(console, pathway_tree(r))
        if r.next_steps and not r.complete:
            console.print("  [bold]Next steps[/bold]")
            for step in r.next_steps:
                console.print(f"   • {escape(step.text)}", soft_wrap=True)
                if step.url:
                    console.print(f"      [blue]{escape(step.url)}[/blue]", soft_wrap=True)
        for p in r.problems:
            console.print(f"  [red]problem:[/red] {escape(p)}", soft_wrap=True)
        console.print()


def pathway_tree(r: PathwayProgress) -> Tree:
    from rich.tree import Tree

    from credwallet.cli.clip import clipped as escape

    state = "complete" if r.complete else "in progress"
    head = (f"{ICONS['satisfied' if r.complete else 'partial' if r.progress else 'missing']} "
            f"[bold]{escape(r.title)}[/bold] ({escape(r.name)})\n"
            f"  {bar(r.progress)}  {r.satisfied} of {r.required} requirements, {state}")
    if r.credits is not None:
        head += f"; credits {r.credits.earned:g} / {r.credits.required:g}"
    tree = Tree(head)
    for n in r.requirements:
        _add(tree, n)
    return tree


def _add(tree: Tree, n: NodeProgress) -> None:
    from credwallet.cli.clip import clipped as escape

    label = f"{ICONS[n.state]} {escape(n.title)}"
    if n.type in ("all", "at_least", "credits", "pathway"):
        label += f"  {bar(n.progress, 12)}"
    if n.type in ("all", "at_least") and n.required is not None:
        label += f"  ({min(n.satisfied_count or 0, n.required)}/{n.required})"
    if n.credits is not None:
        label += f"  credits {n.credits.earned:g}/{n.credits.required:g}"
    if n.problem:
        label += f"\n  [red]{escape(n.problem)}[/red]"
    if n.criteria_url and not n.satisfied:
        label += f"\n  [blue]{escape(n.criteria_url)}[/blue]"
    sub = tree.add(label)
    if n.type in ("credential", "credits"):
        for m in n.matched:
            credits = f", {m.credits:g} credits" if m.credits else ""
            sub.add(f"[green]counts:[/green] {escape(m.name)} [dim]({escape(m.id[:12])}"
                    f"{credits})[/dim]")
        for nc in n.not_counted:
            if nc.status in ("used_elsewhere", "not_needed"):
                head = "[dim]not counted here:[/dim]"
            else:
                head = "[red]does not count:[/red]"
            sub.add(f"{head} {escape(nc.name)} "
                    f"[dim]({escape(nc.id[:12])})[/dim]: {escape(nc.reason)}")
    for child in n.requirements:
        _add(sub, child)
