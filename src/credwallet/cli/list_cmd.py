"""`credwallet list`: one row per credential."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, run_command
from credwallet.errors import UsageError
from credwallet.models.entry import StoredCredential
from credwallet.models.index import CredentialRow

# A stored credential or its list row (the index of payload version 2): the same fields here.
Listed = StoredCredential | CredentialRow


class Status(StrEnum):
    verified = "verified"
    failed = "failed"
    expired = "expired"
    revoked = "revoked"
    suspended = "suspended"
    unverified = "unverified"


class SortKey(StrEnum):
    name = "name"
    issuer = "issuer"
    issued = "issued"
    imported = "imported"


PLAIN_COLUMNS = ("id", "name", "issuer", "format", "issued", "expires", "status", "tags")


def status_word(c: Listed, now: datetime | None = None) -> str:
    """verified / expired / revoked / suspended / failed / unverified (as pathway progress)."""
    from credwallet.pathways.held import credential_status

    return credential_status(c.verification, c.expires, now or datetime.now(UTC))[0]


def row(c: Listed, now: datetime | None = None) -> dict[str, Any]:
    """One `list --json` row, already in its output form (timestamps RFC 3339 UTC with `Z`:
    what the emitter's json_ready would make of them, so `_emit_rows` can skip that pass)."""
    from credwallet.cli.common import utc_z

    return {
        "id": c.id, "name": c.name, "issuer": c.issuer_name or c.issuer_id, "format": c.format,
        "issued": c.issued, "expires": c.expires,
        "verified": c.verification.verified if c.verification else None,
        "status": status_word(c, now),
        "last_verified_at": utc_z(c.verification.checked_at) if c.verification else None,
        "parent": c.parent_id,
        "damaged": c.damage(),  # None, or why the stored entry cannot be read
        "tags": list(c.tags),
    }


def _emit_rows(ctx: Ctx, rows: list[dict[str, Any]]) -> None:
    """`emit` of {"credentials": rows} without its json_ready pass over every value: `row`
    already writes the output form (tests/cli/test_scale.py holds them equal). At 10,000 rows
    that pass is 130,000 calls."""
    import sys

    from credwallet.cli.textsafe import json_text

    doc = {"schema": ctx.schema, "ok": True, "credentials": rows}
    sys.stdout.write(json_text(doc) + "\n")
    sys.stdout.flush()


def _has(text: str | None, needle: str) -> bool:
    return needle.casefold() in (text or "").casefold()


def select(creds: list[CredentialRow], *, issuer: str | None = None,
           tags: list[str] | None = None, status: str | None = None,
           search: str | None = None, sort: str | None = None, limit: int | None = None,
           now: datetime | None = None) -> list[CredentialRow]:
    """The credentials `list` shows: every filter must match (--tag: each given tag, compared
    without regard to case); sorted by `sort` (stable; wallet order otherwise); at most
    `limit`."""
    now = now or datetime.now(UTC)
    out = list(creds)
    if issuer:
        out = [c for c in out if _has(c.issuer_name, issuer) or _has(c.issuer_id, issuer)]
    for tag in tags or []:
        out = [c for c in out if tag.casefold() in {t.casefold() for t in c.tags}]
    if status:
        out = [c for c in out if status_word(c, now) == status]
    if search:
        out = [c for c in out if any(_has(v, search) for v in
                                     (c.name, c.issuer_name, c.issuer_id, c.id, c.credential_id,
                                      c.format, *c.tags))]
    if sort == "name":
        out.sort(key=lambda c: ((c.name or "").casefold(), c.name is None))
    elif sort == "issuer":
        out.sort(key=lambda c: (c.issuer_name or c.issuer_id or "").casefold())
    elif sort == "issued":
        out.sort(key=lambda c: (c.issued is None, c.issued or ""))
    elif sort == "imported":
        out.sort(key=lambda c: c.imported_at)
    return out[:limit] if limit is not None else out


def register(app: typer.Typer) -> None:
    @app.command("list")
    def list_(
        issuer: Annotated[str | None, typer.Option(
            "--issuer", metavar="TEXT", help="Only credentials whose issuer name or id contains "
            "TEXT (any case).")] = None,
        tag: Annotated[list[str] | None, typer.Option(
            "--tag", metavar="TAG", help="Only credentials with this tag (any case; repeatable: "
            "all of them).")] = None,
        status: Annotated[Status | None, typer.Option(
            "--status", help="Only credentials with this status word.")] = None,
        search: Annotated[str | None, typer.Option(
            "--search", metavar="TEXT", help="Only credentials whose name, issuer, id, format or "
            "tags contain TEXT (any case).")] = None,
        sort: Annotated[SortKey | None, typer.Option(
            "--sort", help="Sort by this field (default: wallet order, contents after their "
            "container).")] = None,
        limit: Annotated[int | None, typer.Option(
            "--limit", metavar="N", min=0, help="Show at most N credentials.")] = None,
        plain_out: Annotated[bool, typer.Option(
            "--plain", help="Tab-separated lines for scripts: a header line, then one line per "
            "credential; no decoration.")] = False,
        json_out: JsonOpt = False, home: HomeOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """List the credentials in the wallet, optionally filtered, sorted and limited.

        \b
        Examples:
          credwallet list --status failed
          credwallet list --tag job-2026 --sort issued
          credwallet list --search python --plain | cut -f1
        """
        ctx = Ctx("list", json_out, home, passphrase_file)

        def body() -> int:
            if plain_out and json_out:
                raise UsageError("--plain and --json cannot be combined")
            wallet = ctx.open_wallet()
            now = ctx.now()
            every = wallet.rows()  # the index: no entry is read or validated
            shown = select(every, issuer=issuer, tags=tag,
                           status=status.value if status else None, search=search,
                           sort=sort.value if sort else None, limit=limit, now=now)
            filtered = len(shown) != len(every)
            if json_out:
                _emit_rows(ctx, [row(c, now) for c in shown])
            elif plain_out:
                _plain(shown, now)
            else:
                _human(shown, now, total=len(every) if filtered else None)
            return 0

        run_command(ctx, body)


def _field(value: object) -> str:
    """One --plain field: controls replaced, tabs and line breaks become spaces."""
    from credwallet.cli.textsafe import plain

    return plain("" if value is None else value, oneline=True).replace("\t", " ")


def _plain(creds: list[CredentialRow], now: datetime) -> None:
    import sys

    lines = ["\t".join(PLAIN_COLUMNS)]
    for c in creds:
        lines.append("\t".join(_field(v) for v in (
            c.id, c.name, c.issuer_name or c.issuer_id, c.format, c.issued, c.expires,
            status_word(c, now), ",".join(c.tags))))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


NARROW = 90  # below this many columns, `list` shows id, name (issuer, tags) and status only
# Up to this many rows `list` draws one table; past it, rows are streamed as fixed-width lines
# (a table of thousands of rows costs seconds before its first line), through a pager when
# stdout is a terminal.
TABLE_ROWS = 200


def _word(c: CredentialRow, now: datetime) -> str:
    word = "damaged" if c.damage() else status_word(c, now)
    return word.upper() if word in ("revoked", "suspended") else word


def _verdict(c: CredentialRow, now: datetime) -> str:
    from credwallet.cli.render import verdict_text

    damage = c.damage()
    if damage:
        return damage
    word = status_word(c, now)
    # Revoked and suspended say so first: "NOT verified: revocation" alone hides which.
    text = verdict_text(c.verification)
    return f"{word.upper()} ({text})" if word in ("revoked", "suspended") else text


def _narrow(console: Any, creds: list[CredentialRow], title: str, now: datetime) -> None:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from credwallet.cli.clip import clipped as escape
    from credwallet.cli.render import verdict_style

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=1)
    table.add_column("status", no_wrap=True)
    for c in creds:
        lines: list[Text] = [Text.from_markup(("└ " if c.parent_id else "")
                                              + escape(c.name or "(unnamed)"), overflow="fold")]
        issuer = c.issuer_name or c.issuer_id
        if issuer:  # often a URL or a DID: cut with …, never broken across lines
            lines.append(_one_line(issuer, style="dim"))
        if c.tags:
            lines.append(Text.from_markup("[dim]tags: " + escape(", ".join(c.tags)) + "[/]"))
        style = "red" if c.damage() else verdict_style(c.verification)
        table.add_row(c.id[:8], Group(*lines), f"[{style}]{_word(c, now)}[/]")
    console.print(table)


def _one_line(text: str, *, style: str = "") -> Any:
    """A cell line that is cut with … at the column's edge, never wrapped or folded."""
    from rich.text import Text

    from credwallet.cli.clip import clip
    from credwallet.cli.textsafe import plain

    return Text(plain(clip(text), oneline=True), style=style, no_wrap=True, overflow="ellipsis")


def _human(creds: list[CredentialRow], now: datetime, total: int | None = None) -> None:
    from rich.table import Table

    from credwallet.cli.clip import clipped as escape
    from credwallet.cli.common import stdout_console
    from credwallet.cli.render import verdict_style

    console = stdout_console()
    if not creds and total:
        console.print(f"No credential matches (the wallet holds {total}).", soft_wrap=True)
        return
    if not creds:
        console.print("The wallet is empty. Add credentials with `credwallet import SOURCE`.",
                      soft_wrap=True)
        return
    title = f"{len(creds)} credential(s)" + (f" of {total}" if total is not None else "")
    if len(creds) > TABLE_ROWS:
        _stream(creds, now, title, console.width, console.is_terminal)
        return
    if console.width < NARROW:
        _narrow(console, creds, title, now)
        return
    table = Table(title=title, title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=3)
    table.add_column("issuer", no_wrap=True, overflow="ellipsis", ratio=2)  # URLs, DIDs
    table.add_column("issued", no_wrap=True)
    table.add_column("expires", no_wrap=True)
    table.add_column("last verification", overflow="fold", ratio=2)
    for c in creds:
        name = ("  └ " if c.parent_id else "") + (c.name or "(unnamed)")
        style = "red" if c.damage() else verdict_style(c.verification)
        cell = escape(name)
        if c.tags:
            cell += "\n[dim]tags: " + escape(", ".join(c.tags)) + "[/]"
        table.add_row(c.id[:12], cell, _one_line(c.issuer_name or c.issuer_id or ""),
                      escape((c.issued or "")[:10]), escape((c.expires or "")[:10]),
                      f"[{style}]{escape(_verdict(c, now))}[/]")
    console.print(table)


def _fit(text: str, width: int) -> str:
    """`text` on one line in exactly `width` terminal cells: cut with … or padded."""
    if text.isascii():  # one cell per character (controls were replaced already)
        return text[:width - 1] + "…" if len(text) > width else text.ljust(width)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _stream(creds: list[CredentialRow], now: datetime, title: str, width: int,
            terminal: bool) -> None:
    """One fixed-width line per credential, written as it is made (a pager on a terminal)."""
    import sys
    from collections.abc import Iterator

    from credwallet.cli.textsafe import plain

    wide = width >= NARROW
    # Fixed columns, each field cut to its width with …, so no line is ever wrapped.
    rest = max(width - (12 + 10 + 10) - 5 * 2, 30) if wide else max(width - 8 - 10 - 2 * 2, 20)
    name_w, issuer_w = (rest * 3 // 7, rest * 2 // 7) if wide else (rest, 0)
    verdict_w = rest - name_w - issuer_w if wide else 10

    def lines() -> Iterator[str]:
        yield title
        if wide:
            yield "  ".join((_fit("id", 12), _fit("name", name_w), _fit("issuer", issuer_w),
                             _fit("issued", 10), _fit("expires", 10), "last verification"))
        else:
            yield "  ".join((_fit("id", 8), _fit("name", name_w), "status"))
        for c in creds:
            name = plain(("└ " if c.parent_id else "") + (c.name or "(unnamed)"), oneline=True)
            if c.tags:
                name += plain(" [tags: " + ", ".join(c.tags) + "]", oneline=True)
            if wide:
                yield "  ".join((c.id[:12].ljust(12), _fit(name, name_w),
                                 _fit(plain(c.issuer_name or c.issuer_id or "", oneline=True),
                                      issuer_w),
                                 _fit(plain((c.issued or "")[:10], oneline=True), 10),
                                 _fit(plain((c.expires or "")[:10], oneline=True), 10),
                                 _fit(plain(_verdict(c, now), oneline=True), verdict_w).rstrip()))
            else:
                yield "  ".join((c.id[:8].ljust(8), _fit(name, name_w),
                                 _word(c, now)[:verdict_w]))

    if terminal:
        import pydoc

        pydoc.pager("\n".join(lines()) + "\n")
        return
    out = sys.stdout
    batch: list[str] = []
    for line in lines():
        batch.append(line)
        if len(batch) >= 500:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    out.write("\n".join(batch) + ("\n" if batch else ""))
    out.flush()
