"""`credwallet refresh [ID...]`: the one online re-check (status lists, hosted assertions, DIDs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command

if TYPE_CHECKING:  # the fetch stack (httpx, asyncio) loads only when refresh runs
    from credwallet.fetch.refresh import RefreshItem


def register(app: typer.Typer) -> None:
    @app.command("refresh")
    def refresh(
        ids: Annotated[list[str] | None, typer.Argument(
            help="Wallet ids (or unique prefixes); default: every credential.")] = None,
        insecure_http: Annotated[bool, typer.Option(
            "--insecure-http", help="Allow plain http:// to non-loopback hosts.")] = False,
        allow_host: Annotated[list[str] | None, typer.Option(
            "--allow-host", metavar="HOST[:PORT]",
            help="Allow links to this exact host (name or address, optionally one port) even "
                 "when it resolves to a private or loopback address. Repeatable.")] = None,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Re-fetch status lists, hosted assertions and DID documents; re-verify; report changes.

        \b
        Examples:
          credwallet refresh
          credwallet refresh 3f2a
          credwallet refresh --allow-host badges.intranet.example
        """
        ctx = Ctx("refresh", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.cli.import_cmd import RichProgress, parse_allow_hosts
            from credwallet.errors import items_failed, most_serious
            from credwallet.fetch.refresh import refresh_wallet
            from credwallet.importer import default_verifier
            from credwallet.issuance import resume_pending

            allowed = parse_allow_hosts(allow_host)
            with ctx.transaction() as wallet:
                if ids:
                    chosen = []
                    for ref in ids:
                        cred = wallet.find(ref)
                        if cred not in chosen:
                            chosen.append(cred)
                else:
                    chosen = list(wallet.credentials)
                # A full refresh also updates the known-issuer registries the user follows
                # (first, so the re-verification below already uses them).
                registries = [] if ids else _refresh_registries(wallet, ctx, insecure_http)
                items = refresh_wallet(wallet, chosen, now=ctx.now(), insecure_http=insecure_http,
                                       progress=RichProgress("refreshing"), allow_hosts=allowed,
                                       verifier=default_verifier())
                # A full refresh also collects deferred OID4VCI credentials whose wait is over.
                issuances = [] if ids else resume_pending(
                    wallet, now=ctx.now(), due_only=True, insecure_http=insecure_http,
                    allow_hosts=allowed)
            code = most_serious([i.exit_code for i in items] + [i.exit_code for i in issuances])
            emit(ctx, {"results": [i.contract_dict() for i in items], "registries": registries,
                       "issuances": [i.contract_dict() for i in issuances],
                       "checked_at": ctx.now().isoformat().replace("+00:00", "Z")},
                 lambda: _human(items, registries, issuances), ok=code == 0,
                 error=items_failed(code, sum(1 for i in items if i.exit_code)
                                    + sum(1 for j in issuances if j.exit_code),
                                    len(items) + len(issuances), "credentials") if code else None)
            return code

        run_command(ctx, body)


def _refresh_registries(wallet: Any, ctx: Ctx, insecure_http: bool) -> list[dict[str, Any]]:
    try:
        from credwallet.fetch.registry import refresh_registries
    except ImportError:
        return []
    rows: list[dict[str, Any]] = refresh_registries(wallet, now=ctx.now(),
                                                    insecure_http=insecure_http)
    return rows


def _human(items: list[RefreshItem], registries: list[dict[str, Any]],
           issuances: list[Any]) -> None:
    from credwallet.cli.common import stdout_console
    from credwallet.cli.render import verdict_style, verdict_text
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    for reg in registries:
        state = "updated" if reg.get("status") == "ok" else f"[red]{escape(str(reg.get('status')))}[/red]"
        console.print(f"registry  {escape(str(reg.get('url')))}: {state}"
                      + (f" ({escape(str(reg['error']))})" if reg.get("error") else ""))
    if issuances:
        from credwallet.cli.render import render_import

        render_import(issuances)
    if not items:
        console.print("No credentials to refresh.")
        return
    for it in items:
        fetched = len(it.fetched)
        head = f"{it.id}  {escape(it.name or '(unnamed)')}  ({fetched} document(s) re-fetched)"
        console.print(("[red]failed[/red]    " if it.errors else "refreshed ") + head)
        for line in it.changes + it.key_rotations:
            console.print(f"          [yellow]{escape(line)}[/yellow]")
        for err in it.errors:
            console.print(f"          [red]{escape(err)}[/red] (kept the previous copy)")
        if it.signing_key:
            console.print(f"          signed by {escape(it.signing_key)}")
        if it.verification is not None:
            console.print(f"          [{verdict_style(it.verification)}]"
                          f"{escape(verdict_text(it.verification))}[/]")
