"""`credwallet trust ...`: the issuers and known-issuer registries the user trusts.

    trust add VALUE [--label L]        trust an issuer id (DID, issuer URL, OB 2.0 profile id)
    trust remove VALUE
    trust list                         trusted issuers and registries
    trust registry add URL [--label L] follow a registry (fetched by `credwallet refresh`)
    trust registry remove URL
    trust registry list
    trust registry show URL            the issuers in its cached copy

Settings live in the encrypted wallet. Only `refresh` goes online to fetch registries.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, iso, run_command
from credwallet.cli.textsafe import say
from credwallet.errors import NotFound, UsageError

LabelOpt = Annotated[str | None, typer.Option("--label", metavar="L",
                                              help="Your own name for it.")]


def _issuer_dict(entry: Any) -> dict[str, Any]:
    return {"value": entry.value, "kind": entry.kind, "label": entry.label,
            "added_at": iso(entry.added_at)}


def _registry_dict(reg: Any) -> dict[str, Any]:
    snap = reg.snapshot
    return {
        "url": reg.url, "label": reg.label, "added_at": iso(reg.added_at),
        "status": reg.status, "error": reg.error, "last_attempt_at": iso(reg.last_attempt_at),
        "as_of": iso(snap.fetched_at) if snap else None,
        "name": snap.name if snap else None, "updated": snap.updated if snap else None,
        "format": snap.format if snap else None, "issuers": len(snap.issuers) if snap else 0,
    }


def _print_registries(rows: list[dict[str, Any]]) -> None:
    from credwallet.cli.common import stdout_console
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    if not rows:
        console.print("No registries. Add one with `credwallet trust registry add URL`.")
    for r in rows:
        label = f" ({escape(r['label'])})" if r["label"] else ""
        console.print(f"registry {escape(r['url'])}{label}", soft_wrap=True)
        if r["as_of"]:
            console.print(f"         {r['issuers']} issuer(s), as of {escape(r['as_of'])}"
                          + (f", registry updated {escape(r['updated'])}" if r["updated"] else ""))
        if r["status"] == "pending":
            console.print("         [yellow]not fetched yet: run `credwallet refresh`[/yellow]")
        elif r["status"] != "ok":
            console.print(f"         [yellow]last refresh: {escape(r['status'])}"
                          f" ({escape(r['error'] or '')})[/yellow]")


def _issuer_of_stored(wallet: Any, ref: str) -> tuple[str, list[str]]:
    """The issuer id of a stored credential, with a note when its signature did not prove it."""
    cred = wallet.find(ref)
    if not cred.issuer_id:
        raise UsageError(f"credential {cred.id} names no issuer id")
    ver = cred.verification
    binding = ver.check("key_binding") if ver is not None else None
    notes = []
    if binding is None or binding.status != "passed":
        notes.append(f"credential {cred.id} does not prove it comes from {cred.issuer_id} "
                     "(its key binding did not pass); you now trust that id, not this copy")
    return cred.issuer_id, notes


def register(app: typer.Typer) -> None:
    trust_app = typer.Typer(help="Issuers and known-issuer registries you trust."
                        "\n\n\b\nExamples:"
                        "\n  credwallet trust add did:web:university.example"
                        "\n  credwallet trust list",
                            no_args_is_help=True)
    registry_app = typer.Typer(help="Known-issuer registries (fetched by `credwallet refresh`)."
                        "\n\n\b\nExamples:"
                        "\n  credwallet trust registry add https://registry.example.org/registry.json"
                        "\n  credwallet refresh",
                               no_args_is_help=True)
    app.add_typer(trust_app, name="trust")
    trust_app.add_typer(registry_app, name="registry")

    @trust_app.command("add")
    def add(value: Annotated[str | None, typer.Argument(
                metavar="VALUE", help="Issuer DID, issuer id URL or OB 2.0 profile id.")] = None,
            issuer_of: Annotated[str | None, typer.Option(
                "--issuer-of", metavar="ID",
                help="Trust the issuer of this stored credential instead of giving VALUE.")
            ] = None,
            label: LabelOpt = None, json_out: JsonOpt = False, home: HomeOpt = None,
            passphrase_file: PassFileOpt = None) -> None:
        """Trust an issuer (matched by its id, never by its name).

        \b
        Examples:
          credwallet trust add did:web:university.example --label "Example University"
          credwallet trust add --issuer-of 3f2a
        """
        ctx = Ctx("trust.add", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import dump_trust, load_trust

            if (value is None) == (issuer_of is None):
                raise UsageError("give either an issuer id VALUE or --issuer-of ID")
            notes: list[str] = []
            with ctx.transaction() as wallet:
                target = value
                if issuer_of is not None:
                    target, notes = _issuer_of_stored(wallet, issuer_of)
                assert target is not None
                settings = load_trust(wallet.trust)
                entry, added = settings.add_issuer(target, label, ctx.now())
                wallet.trust = dump_trust(settings)
            row = _issuer_dict(entry)

            def human() -> None:
                say(f"{'Trusted' if added else 'Already trusted'}: {row['value']}"
                      + (f" ({row['label']})" if row["label"] else ""))
                for note in notes:
                    say(f"note: {note}")

            emit(ctx, {"issuer": row, "added": added, "notes": notes}, human)
            return 0

        run_command(ctx, body)

    @trust_app.command("remove")
    def remove(value: str = typer.Argument(..., metavar="VALUE"), json_out: JsonOpt = False,
               home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Stop trusting an issuer.

        \b
        Examples:
          credwallet trust remove did:web:university.example
        """
        ctx = Ctx("trust.remove", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import dump_trust, load_trust

            with ctx.transaction() as wallet:
                settings = load_trust(wallet.trust)
                gone = settings.remove_issuer(value)
                if gone is None:
                    raise NotFound(f"{value.strip()!r} is not on your trust list",
                                   hint="see `credwallet trust list`")
                wallet.trust = dump_trust(settings)
            emit(ctx, {"removed": _issuer_dict(gone)}, lambda: say(f"Removed {gone.value}"))
            return 0

        run_command(ctx, body)

    @trust_app.command("list")
    def list_(json_out: JsonOpt = False, home: HomeOpt = None,
              passphrase_file: PassFileOpt = None) -> None:
        """List trusted issuers and followed registries.

        \b
        Examples:
          credwallet trust list
        """
        ctx = Ctx("trust.list", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import load_trust

            settings = load_trust(ctx.open_wallet().trust)
            issuers = [_issuer_dict(i) for i in settings.issuers]
            registries = [_registry_dict(r) for r in settings.registries]

            def human() -> None:
                if not issuers:
                    say("No trusted issuers. Add one with `credwallet trust add ISSUER-ID`.")
                for r in issuers:
                    say(f"{r['kind']:<4} {r['value']}" + (f"  ({r['label']})" if r["label"]
                                                            else ""))
                _print_registries(registries)

            emit(ctx, {"issuers": issuers, "registries": registries}, human)
            return 0

        run_command(ctx, body)

    @registry_app.command("add")
    def registry_add(url: str = typer.Argument(..., metavar="URL"), label: LabelOpt = None,
                     json_out: JsonOpt = False, home: HomeOpt = None,
                     passphrase_file: PassFileOpt = None) -> None:
        """Follow a known-issuer registry (DCC registry.json or a credwallet list).

        \b
        Examples:
          credwallet trust registry add https://registry.example.org/registry.json --label DCC
        """
        ctx = Ctx("trust.registry.add", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import dump_trust, load_trust

            with ctx.transaction() as wallet:
                settings = load_trust(wallet.trust)
                reg, added = settings.add_registry(url, label, ctx.now())
                wallet.trust = dump_trust(settings)
            row = _registry_dict(reg)
            note = "fetched by `credwallet refresh`; until then it lists nobody"
            emit(ctx, {"registry": row, "added": added, "note": note},
                 lambda: say(f"{'Added' if added else 'Already followed'}: {row['url']} "
                               f"({note})"))
            return 0

        run_command(ctx, body)

    @registry_app.command("remove")
    def registry_remove(url: str = typer.Argument(..., metavar="URL"), json_out: JsonOpt = False,
                        home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Stop following a registry (its cached copy is deleted).

        \b
        Examples:
          credwallet trust registry remove https://registry.example.org/registry.json
        """
        ctx = Ctx("trust.registry.remove", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import dump_trust, load_trust

            with ctx.transaction() as wallet:
                settings = load_trust(wallet.trust)
                gone = settings.remove_registry(url)
                if gone is None:
                    raise NotFound(f"{url.strip()!r} is not a followed registry",
                                   hint="see `credwallet trust registry list`")
                wallet.trust = dump_trust(settings)
            emit(ctx, {"removed": _registry_dict(gone)}, lambda: say(f"Removed {gone.url}"))
            return 0

        run_command(ctx, body)

    @registry_app.command("show")
    def registry_show(url: str = typer.Argument(..., metavar="URL"), json_out: JsonOpt = False,
                      home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Show the issuers in a registry's cached copy.

        \b
        Examples:
          credwallet trust registry show https://registry.example.org/registry.json
        """
        ctx = Ctx("trust.registry.show", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import load_trust

            reg = load_trust(ctx.open_wallet().trust).find_registry(url)
            if reg is None:
                raise NotFound(f"{url.strip()!r} is not a followed registry",
                               hint="see `credwallet trust registry list`")
            issuers = [e.model_dump(mode="json")
                       for e in (reg.snapshot.issuers.values() if reg.snapshot else [])]

            def human() -> None:
                _print_registries([_registry_dict(reg)])
                for e in issuers:
                    say(f"  {e['id']}  {e['name'] or ''}")

            emit(ctx, {"registry": _registry_dict(reg), "issuers": issuers}, human)
            return 0

        run_command(ctx, body)

    @registry_app.command("list")
    def registry_list(json_out: JsonOpt = False, home: HomeOpt = None,
                      passphrase_file: PassFileOpt = None) -> None:
        """List followed registries with their as-of times.

        \b
        Examples:
          credwallet trust registry list
        """
        ctx = Ctx("trust.registry.list", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.trust.model import load_trust

            settings = load_trust(ctx.open_wallet().trust)
            rows = [_registry_dict(r) for r in settings.registries]
            emit(ctx, {"registries": rows}, lambda: _print_registries(rows))
            return 0

        run_command(ctx, body)


def add_assessment_tree(tree: Any, summary: dict[str, Any]) -> None:
    """`credwallet show`: the assessment line group of the credential tree (show_cmd draws the
    endorsements itself)."""
    from credwallet.cli.textsafe import clean as escape

    node = tree.add(f"[bold]Assessment[/bold]: {escape(summary['assessment'])}")
    for flag in summary["flags"]:
        node.add(f"[yellow]{escape(flag)}[/yellow]")
    for r in summary["results"]:
        line = node.add(escape(_result_head(r)))
        if r.get("detail"):
            line.add(f"[dim]{escape(r['detail'])}[/dim]")
    for e in summary["evidence"]:
        node.add("Evidence: " + escape(e.get("name") or e.get("id") or e.get("narrative") or "?"))
    act = summary["activity"]
    if act["start"] or act["end"]:
        node.add(f"Activity: {escape(act['start'] or '?')} to {escape(act['end'] or '?')}")
    credits = _credits_line(summary["credits"])
    if credits:
        node.add(credits)


def _result_head(r: dict[str, Any]) -> str:
    """'Name: achieved' and, when a requirement is known, whether it is met (unescaped)."""
    level = (r.get("achieved_level") or {})
    got = r.get("value") or level.get("name") or level.get("id") or r.get("status") or "?"
    head = f"{r.get('name') or 'Result'}: {got}"
    if r.get("meets_requirement") is not None:
        head += " (meets the requirement)" if r["meets_requirement"] else " (below requirement)"
    return head


def _credits_line(credits: dict[str, Any]) -> str:
    """'Credits: E earned of A available' ('?' for an unknown part), or '' when neither is known."""
    earned, available = credits["earned"], credits["available"]
    if earned is None and available is None:
        return ""
    return (f"Credits: {earned if earned is not None else '?'} earned"
            + (f" of {available} available" if available is not None else ""))
