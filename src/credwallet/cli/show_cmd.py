"""`credwallet show ID`: everything about one credential."""

from __future__ import annotations

from typing import Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.models.entry import StoredCredential
from credwallet.models.view import CredentialView

# Human output lists at most this many alignments, endorsements or checks: rich renders a
# tree node by node, and a credential may carry thousands (--json is never cut short).
MAX_SHOWN = 50


def register(app: typer.Typer) -> None:
    @app.command("show")
    def show(cred_id: str = typer.Argument(..., metavar="ID", help="Wallet id or unique prefix."),
             json_out: JsonOpt = False, home: HomeOpt = None,
             passphrase_file: PassFileOpt = None) -> None:
        """Show everything about one credential.

        \b
        Examples:
          credwallet show 3f2a
          credwallet show 3f2a --json
        """
        ctx = Ctx("show", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.cli.list_cmd import status_word
            from credwallet.errors import BadInput
            from credwallet.ingest.describe import credential_view, document_of
            from credwallet.trust.assessment import assessment_summary

            wallet = ctx.open_wallet()
            cred = wallet.find(cred_id)  # reads this one entry only
            cache = wallet.cache_lookup()  # each cached document read when looked up
            try:
                document: Any = document_of(cred)
                view = credential_view(cred, cache)
            except BadInput:
                document, view = None, CredentialView(format=cred.format, wallet_id=cred.id)
            payload = {"credential": {
                "id": cred.id, "name": cred.name, "issuer": cred.issuer_name or cred.issuer_id,
                "format": cred.format, "issued": cred.issued, "expires": cred.expires,
                "source": cred.source, "imported_at": cred.imported_at.isoformat(),
                "document": document,
                "verification": cred.verification.contract_dict() if cred.verification else None,
                "status": status_word(cred),
                "view": view.model_dump(mode="json"), "assessment": assessment_summary(view),
                "parent": cred.parent_id,
                "children": cred.children, "tags": cred.tags, "kept_invalid": cred.kept_invalid,
                "cached": [{"url": u, "kind": cache[u].kind,
                            "fetched_at": cache[u].fetched_at.isoformat(),
                            "sha256": cache[u].sha256}
                           for u in cred.cache_urls if u in cache],
            }}
            emit(ctx, payload, lambda: _human(cred, view))
            return 0

        run_command(ctx, body)


def _add_endorsements(tree: Any, endorsements: Any) -> None:
    """Endorsers by verified identifier and trust status; a self-asserted name only as
    "calls itself '...'" (credwallet.trust.signals)."""
    from credwallet.cli.clip import clipped as escape
    from credwallet.trust.signals import endorsement_lines

    items = [e for e in endorsements or [] if isinstance(e, dict)]
    if not items:
        return
    node = tree.add(f"[bold]Endorsements[/bold]: {len(items)}")
    shown = items[:MAX_SHOWN]
    if len(items) > MAX_SHOWN:
        node.add(f"[dim]the first {MAX_SHOWN} of {len(items)} (--json shows all)[/dim]")
    for e, text in zip(shown, endorsement_lines(shown), strict=True):
        # Green only for a verified endorsement by an endorser on the user's lists.
        trusted = (e.get("endorser") or {}).get("trust") in ("trust_list", "registry")
        style = "green" if e.get("verdict") == "verified" and trusted else "yellow"
        line = node.add(f"[{style}]{escape(text)}[/{style}]")
        if e.get("verdict") != "verified":
            failed = [str(c.get("check")) for c in e.get("checks", [])
                      if isinstance(c, dict) and c.get("status") == "failed"]
            why = f"failed: {', '.join(failed)}" if failed else str(e.get("reason") or "")[:200]
            if why:
                line.add(f"[dim]{escape(why)}[/dim]")


def _human(cred: StoredCredential, view: CredentialView) -> None:
    from rich.panel import Panel
    from rich.tree import Tree

    from credwallet.cli.clip import clipped as escape
    from credwallet.cli.common import stdout_console
    from credwallet.cli.render import verdict_style, verdict_text

    def add(tree: Tree, label: str, value: object) -> None:
        if value not in (None, "", []):
            tree.add(f"[bold]{label}[/bold]: {escape(str(value))}")

    tree = Tree(f"[bold]{escape(view.name or cred.name or '(unnamed)')}[/bold]")
    add(tree, "Wallet id", cred.id)
    add(tree, "Credential id", view.credential_id)
    issuer = tree.add("[bold]Issuer[/bold]")
    add(issuer, "Name", view.issuer.name)
    add(issuer, "Id", view.issuer.id)
    add(issuer, "URL", view.issuer.url)
    if not view.issuer.signed:
        issuer.add("[yellow]from an unsigned issuer profile fetched at import[/yellow]")
    add(tree, "Issued", view.issued)
    add(tree, "Expires", view.expires)
    add(tree, "Description", view.description)
    ach = tree.add("[bold]Achievement[/bold]")
    add(ach, "Name", view.achievement.name)
    add(ach, "Id", view.achievement.id)
    add(ach, "Type", view.achievement.achievement_type)
    add(ach, "Criteria", view.achievement.criteria_narrative)
    add(ach, "Criteria URL", view.achievement.criteria_url)
    add(ach, "Credits available", view.achievement.credits_available)
    add(ach, "Tags", ", ".join(view.achievement.tags))
    aligned = view.achievement.alignments
    for a in aligned[:MAX_SHOWN]:
        add(ach, "Alignment", " · ".join(x for x in (a.target_name, a.target_code,
                                                     a.target_framework, a.target_url) if x))
    if len(aligned) > MAX_SHOWN:
        ach.add(f"[dim]… and {len(aligned) - MAX_SHOWN} more alignments (--json shows all)[/dim]")
    add(tree, "Credits earned", view.credits_earned)
    # Results and evidence are shown in the Assessment group (with their requirements).
    from credwallet.cli.trust_cmd import add_assessment_tree
    from credwallet.trust.assessment import assessment_summary

    add_assessment_tree(tree, assessment_summary(view))
    _add_endorsements(tree, cred.verification.extra.get("endorsements")
                      if cred.verification else None)
    add(tree, "Format", cred.format)
    add(tree, "Source", cred.source)
    add(tree, "Imported", cred.imported_at.isoformat())
    add(tree, "Contains", ", ".join(cred.children[:MAX_SHOWN])
        + (f" … and {len(cred.children) - MAX_SHOWN} more" if len(cred.children) > MAX_SHOWN else ""))
    add(tree, "Part of", cred.parent_id)
    ver = cred.verification
    from credwallet.cli.list_cmd import status_word

    word = status_word(cred)
    text = verdict_text(ver)
    text = f"{word.upper()} ({text})" if word in ("revoked", "suspended") else text
    vnode = tree.add(f"[bold]Verification[/bold]: [{verdict_style(ver)}]{escape(text)}[/]")
    if ver is not None:
        vnode.add(f"checked at {ver.checked_at.isoformat()}")
        for c in ver.checks[:MAX_SHOWN]:
            vnode.add(f"{c.check}: {c.status} {escape(c.detail)}")
    from credwallet.cli.console import fits, print_unbroken

    console = stdout_console()
    panel = Panel(tree, expand=False)
    if fits(console, panel):
        console.print(panel)
    else:  # no frame: a line that is wider than the terminal is not broken (a URL, an id)
        print_unbroken(console, tree)
