"""`credwallet demo`: the whole journey on bundled examples, in a throwaway wallet, offline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, emit, report_error, run_command
from credwallet.errors import VerificationFailed


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        output: Annotated[str, typer.Option(
            "-o", "--output", metavar="DIR", help="Where the exported bundle and page go.")
        ] = "credwallet-demo",
        json_out: JsonOpt = False, home: HomeOpt = None,
    ) -> None:
        """Run the whole journey on bundled examples in a throwaway wallet (no internet needed).

        A local issuer site on 127.0.0.1 serves example credentials (Open Badges 2.0 hosted and
        signed, Open Badges 3.0 with did:web and a status list, baked PNG and SVG, a CLR record);
        they are imported, verified offline, matched against example pathways and exported to
        DIR (default ./credwallet-demo/).

        \b
        Examples:
          credwallet demo
          credwallet demo -o /tmp/credwallet-demo
        """
        ctx = Ctx("demo", json_out, home)

        def body() -> int:
            from credwallet.demo.journey import run_journey

            with tempfile.TemporaryDirectory(prefix="credwallet-demo-") as tmp:
                wallet_home = Path(home) if home else Path(tmp)
                report = run_journey(wallet_home, Path(output), ctx.now(), progress=not ctx.json)
            payload = _payload(report)
            problem = VerificationFailed(
                "demo outcomes differ from what the example site intended: "
                + "; ".join(report.surprises)) if report.surprises else None
            emit(ctx, payload, lambda: _human(report), ok=problem is None, error=problem)
            if problem is not None:
                if not ctx.json:
                    report_error(ctx, problem)
                return problem.exit_code
            return 0

        run_command(ctx, body)


def _payload(report: Any) -> dict[str, Any]:
    return {
        "holder": report.holder,
        "site": report.site_url,
        "imported": [i.contract_dict() for i in report.imported],
        "results": [r.contract_dict() for r in report.results],
        "progress": [p.contract_dict() for p in report.progress],
        "exports": report.exports,
        "surprises": report.surprises,
    }


def _human(report: Any) -> None:
    from rich.rule import Rule
    from rich.table import Table

    from credwallet.cli.common import stdout_console
    from credwallet.cli.progress_cmd import render_progress
    from credwallet.cli.render import render_import, verdict_style, verdict_text
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    console.print(Rule("1. A throwaway wallet and a local issuer site"))
    console.print(f"Wallet holder: {escape(report.holder)}")
    console.print(f"Example issuers publish on {escape(report.site_url)} (did:web documents, a status list, "
                  "Open Badges 2.0 profiles and keys).")
    console.print(Rule("2. Import from the issuers' URLs"))
    render_import(report.imported)
    for item in report.imported:  # the demo site offers one badge over OpenID4VCI
        if item.source.startswith("openid-credential-offer:") and item.status == "imported":
            console.print(f"[dim]{escape(item.name or 'One badge')} came through an OpenID4VCI "
                          "credential offer: issued to this wallet's key (pre-authorized code, "
                          "proof of possession), then verified like the others.[/dim]")
    console.print("[dim]The tampered copy was refused: its signature does not match its content.[/dim]")
    console.print(Rule("3. Verify offline (the issuer site is shut down now)"))
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("credential", ratio=3)
    table.add_column("verdict", ratio=3)
    for r in report.results:
        reason = "; ".join(f"{c.check}: {c.detail}" for c in r.checks if c.status == "failed")
        table.add_row(escape(r.id[:12]) if r.id else "", escape(report.names.get(r.id, "")),
                      f"[{verdict_style(r)}]{escape(verdict_text(r))}[/]"
                      + (f"\n[dim]{escape(reason[:160])}[/dim]" if reason else ""))
    console.print(table)
    console.print(Rule("4. Progress toward stacked goals"))
    render_progress(report.progress)
    console.print(Rule("5. Verified exports"))
    for fmt, path in report.exports.items():
        console.print(f"{fmt:<7} {escape(path)}")
    console.print(Rule("Try it yourself"))
    console.print(
        "credwallet init                           # your own wallet (asks for a passphrase)\n"
        "credwallet identity add you@example.org   # so badges issued to you are recognised\n"
        "credwallet import <badge URL, file, PNG or SVG>\n"
        "credwallet verify --all                   # offline\n"
        "credwallet pathway add --example data-analytics-certificate  # bundled\n"
        "credwallet progress\n"
        "credwallet export --format html -o portfolio.html\n"
        "credwallet verify --file credwallet-demo/...  # anyone can check what you send them")
    if report.surprises:
        console.print("[red]Unexpected outcomes:[/red]")
        for s in report.surprises:
            console.print(f"  {escape(s)}")
