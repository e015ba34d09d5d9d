"""`credwallet list`: one row per credential."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.models.entry import StoredCredential


def status_word(c: StoredCredential, now: datetime | None = None) -> str:
    """verified / expired / revoked / suspended / failed / unverified (as pathway progress)."""
    from credwallet.pathways.held import credential_status

    return credential_status(c.verification, c.expires, now or datetime.now(UTC))[0]


def row(c: StoredCredential, now: datetime | None = None) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name, "issuer": c.issuer_name or c.issuer_id, "format": c.format,
        "issued": c.issued, "expires": c.expires,
        "verified": c.verification.verified if c.verification else None,
        "status": status_word(c, now),
        "last_verified_at": c.verification.checked_at.isoformat() if c.verification else None,
        "parent": c.parent_id,
        "damaged": c.damage(),  # None, or why the stored entry cannot be read
    }


def register(app: typer.Typer) -> None:
    @app.command("list")
    def list_(json_out: JsonOpt = False, home: HomeOpt = None,
              passphrase_file: PassFileOpt = None) -> None:
        """List the credentials in the wallet."""
        ctx = Ctx("list", json_out, home, passphrase_file)

        def body() -> int:
            wallet = ctx.open_wallet()
            rows = [row(c) for c in wallet.credentials]
            emit(ctx, {"credentials": rows}, lambda: _human(wallet.credentials))
            return 0

        run_command(ctx, body)


def _human(creds: list[StoredCredential]) -> None:
    from rich.table import Table

    from credwallet.cli.clip import clipped as escape
    from credwallet.cli.common import stdout_console
    from credwallet.cli.render import verdict_style, verdict_text

    console = stdout_console()
    if not creds:
        console.print("The wallet is empty. Add credentials with `credwallet import SOURCE`.")
        return
    table = Table(title=f"{len(creds)} credential(s)", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=3)
    table.add_column("issuer", overflow="fold", ratio=2)
    table.add_column("issued", no_wrap=True)
    table.add_column("expires", no_wrap=True)
    table.add_column("last verification", overflow="fold", ratio=2)
    for c in creds:
        name = ("  └ " if c.parent_id else "") + (c.name or "(unnamed)")
        damage = c.damage()
        word = status_word(c)
        # Revoked and suspended say so first: "NOT verified: revocation" alone hides which.
        text = verdict_text(c.verification)
        text = f"{word.upper()} ({text})" if word in ("revoked", "suspended") else text
        verdict = (f"[red]{escape(damage)}[/]" if damage else
                   f"[{verdict_style(c.verification)}]{escape(text)}[/]")
        table.add_row(c.id[:12], escape(name), escape(c.issuer_name or c.issuer_id or ""),
                      escape((c.issued or "")[:10]), escape((c.expires or "")[:10]), verdict)
    console.print(table)
