"""Human (rich) rendering of result models. No computation here."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from credwallet.cli.common import stdout_console

if TYPE_CHECKING:
    from credwallet.importer import ImportItem
    from credwallet.models.results import VerificationResult


def verdict_text(result: VerificationResult | None) -> str:
    if result is None:
        return "never checked"
    if result.verified:
        warnings = [c.check for c in result.checks if c.status == "warning"]
        return "verified" + (f" (warnings: {', '.join(warnings)})" if warnings else "")
    failed = [c.check for c in result.checks if c.status == "failed"]
    return "NOT verified: " + ", ".join(failed)


def verdict_style(result: VerificationResult | None) -> str:
    if result is None:
        return "yellow"
    return "green" if result.verified else "red"


def render_import(items: Sequence[ImportItem]) -> None:
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    # One line per fact, never broken: a source is a path or a URL, a hint names a command.
    line = functools.partial(console.print, soft_wrap=True)
    for it in items:
        if it.status == "failed":
            line(f"[red]failed[/red]     {escape(it.source, oneline=True)}: "
                 f"{escape(it.error or '', oneline=True)}")
            if it.hint:
                line(f"           hint: {escape(it.hint, oneline=True)}")
            continue
        if it.status == "pending":  # an OID4VCI issuer deferred it (no id yet)
            line(f"[yellow]pending[/yellow]    {escape(it.source, oneline=True)}: "
                 f"{escape(it.name or '(unnamed)', oneline=True)}")
            continue
        label = "[green]imported[/green] " if it.status == "imported" else "[yellow]duplicate[/yellow]"
        extra = f" (+{len(it.children)} contained)" if it.children else ""
        line(f"{label}  {it.id}  {escape(it.name or '(unnamed)', oneline=True)}  "
             f"{escape('[' + (it.format or '?') + ']')}{extra}")
        if it.verification is not None:
            line(f"           [{verdict_style(it.verification)}]"
                 f"{escape(verdict_text(it.verification))}[/]")
