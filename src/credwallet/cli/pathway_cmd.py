"""`credwallet pathway add|list|show|remove|check`: manage stacking pathways."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command

if TYPE_CHECKING:
    from credwallet.pathways.model import Pathway


def summary(p: Pathway) -> dict[str, Any]:
    return {
        "name": p.name, "title": p.display_title(), "description": p.description, "url": p.url,
        "provider": p.provider.model_dump(exclude_none=True) if p.provider else None,
        "requirements": len(p.requirements), "stacks": sorted(p.pathway_refs()),
        "origin": p.origin.model_dump(exclude_none=True) if p.origin else None,
    }


def register(app: typer.Typer) -> None:
    group = typer.Typer(name="pathway", help="Manage stacking pathways (goals made of "
                        "credentials)."
                        "\n\n\b\nExamples:"
                        "\n  credwallet pathway examples"
                        "\n  credwallet pathway add --example data-analytics-certificate"
                        "\n  credwallet progress", no_args_is_help=True)
    app.add_typer(group, name="pathway")

    @group.command("add")
    def add(
        source: Annotated[str | None, typer.Argument(
            metavar="FILE|URL", help="Pathway file (TOML, YAML, JSON or CTDL JSON-LD), URL, "
            "or - for stdin.")] = None,
        from_clr: Annotated[str | None, typer.Option(
            "--from-clr", metavar="ID", help="Derive the pathway from a stored CLR's "
            "association graph.")] = None,
        example: Annotated[str | None, typer.Option(
            "--example", metavar="NAME", help="Add one of the example pathways bundled with "
            "credwallet (see `credwallet pathway examples`).")] = None,
        name: Annotated[str | None, typer.Option("--name", help="Store under this name.")] = None,
        replace: Annotated[bool, typer.Option(
            "--replace", help="Overwrite a pathway of the same name.")] = False,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Add a pathway from a file, a URL, a stored CLR (--from-clr ID) or a bundled
        example (--example NAME).

        \b
        Examples:
          credwallet pathway add --example data-analytics-certificate
          credwallet pathway add https://example.edu/pathways/data-analytics-certificate.json
          credwallet pathway add --from-clr 3f2a
        """
        ctx = Ctx("pathway.add", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.errors import UsageError
            from credwallet.pathways.sources import (
                add_to_wallet,
                from_stored_clr,
                load_source,
                renamed,
            )

            if [source, from_clr, example].count(None) != 2:
                raise UsageError("give one of FILE|URL, --from-clr ID or --example NAME")
            loaded = (renamed(load_source(source, stdin=sys.stdin.buffer), name)
                      if source is not None else None)
            if example is not None:
                from credwallet.pathways.examples import find_example

                loaded = renamed(find_example(example)[1], name)
            with ctx.transaction() as wallet:
                if loaded is None:
                    assert from_clr is not None
                    loaded = from_stored_clr(wallet, from_clr, name)
                added = add_to_wallet(wallet, loaded, replace=replace)
            pathway, replaced, warnings = added.pathway, added.replaced, added.warnings
            payload = {"action": "added", "pathway": summary(pathway), "replaced": replaced,
                       "warnings": warnings}

            def human() -> None:
                from credwallet.cli.common import stderr_console, stdout_console
                from credwallet.cli.textsafe import clean as escape

                verb = "replaced" if replaced else "added"
                stdout_console().print(
                    f"{verb} pathway [bold]{escape(pathway.name)}[/bold]: "
                    f"{escape(pathway.display_title())} ({len(pathway.requirements)} "
                    "top-level requirement(s))\nsee progress with "
                    f"`credwallet progress {escape(pathway.name)}`")
                for w in warnings:
                    stderr_console().print(f"[yellow]warning:[/yellow] {escape(w)}")

            emit(ctx, payload, human)
            return 0

        run_command(ctx, body)

    @group.command("check")
    def check(
        source: Annotated[str, typer.Argument(metavar="FILE|URL")],
        json_out: JsonOpt = False, home: HomeOpt = None,
    ) -> None:
        """Validate a pathway definition without a wallet (exit 3 with the field if bad).

        \b
        Examples:
          credwallet pathway check my-pathway.toml
        """
        ctx = Ctx("pathway.check", json_out, home)

        def body() -> int:
            from credwallet.pathways.issuers import refuse_name_only
            from credwallet.pathways.sources import load_source

            pathway = load_source(source, stdin=sys.stdin.buffer)
            refuse_name_only(pathway)  # as `pathway add` would
            emit(ctx, {"action": "checked", "pathway": pathway.stored()},
                 lambda: _human_show(pathway))
            return 0

        run_command(ctx, body)

    @group.command("examples")
    def examples(json_out: JsonOpt = False, home: HomeOpt = None) -> None:
        """List the example pathways bundled with credwallet (no wallet needed).

        \b
        Examples:
          credwallet pathway examples
          credwallet pathway add --example aas-information-technology
        """
        ctx = Ctx("pathway.examples", json_out, home)

        def body() -> int:
            from credwallet.pathways.examples import example_files
            from credwallet.pathways.loader import load_pathway_file

            found = [(path.name, load_pathway_file(path)) for path in example_files()]
            emit(ctx, {"action": "examples",
                       "examples": [{"file": f, "pathway": summary(p)} for f, p in found]},
                 lambda: _human_examples(found))
            return 0

        run_command(ctx, body)

    @group.command("list")
    def list_(json_out: JsonOpt = False, home: HomeOpt = None,
              passphrase_file: PassFileOpt = None) -> None:
        """List the stored pathways.

        \b
        Examples:
          credwallet pathway list
        """
        ctx = Ctx("pathway.list", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.pathways.store import stored_pathways

            pathways = stored_pathways(ctx.open_wallet())
            emit(ctx, {"action": "list", "pathways": [summary(p) for p in pathways]},
                 lambda: _human_list(pathways))
            return 0

        run_command(ctx, body)

    @group.command("show")
    def show(name: Annotated[str, typer.Argument(metavar="NAME")], json_out: JsonOpt = False,
             home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Show a pathway's definition as a tree.

        \b
        Examples:
          credwallet pathway show data-analytics
        """
        ctx = Ctx("pathway.show", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.pathways.store import get_pathway

            pathway = get_pathway(ctx.open_wallet(), name)
            emit(ctx, {"action": "show", "pathway": pathway.stored()},
                 lambda: _human_show(pathway))
            return 0

        run_command(ctx, body)

    @group.command("remove")
    def remove(name: Annotated[str, typer.Argument(metavar="NAME")], json_out: JsonOpt = False,
               home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Remove a pathway.

        \b
        Examples:
          credwallet pathway remove data-analytics
        """
        ctx = Ctx("pathway.remove", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.pathways.store import remove_pathway

            with ctx.transaction() as wallet:
                stacked_by = remove_pathway(wallet, name)

            def human() -> None:
                from credwallet.cli.common import stdout_console
                from credwallet.cli.textsafe import clean as escape

                out = f"removed pathway {escape(name)}"
                if stacked_by:
                    out += ("\n[yellow]note:[/yellow] still stacked by: "
                            + escape(", ".join(stacked_by)))
                stdout_console().print(out)

            emit(ctx, {"action": "removed", "removed": name, "stacked_by": stacked_by}, human)
            return 0

        run_command(ctx, body)


def _human_list(pathways: list[Pathway]) -> None:
    from credwallet.cli.common import stdout_console
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    if not pathways:
        console.print("No pathways yet. Add one with `credwallet pathway add FILE`.")
        return
    console.print(f"{len(pathways)} pathway(s)")
    for p in pathways:
        facts = []
        if p.provider and (p.provider.name or p.provider.id):
            facts.append(p.provider.name or p.provider.id or "")
        facts.append(f"{len(p.requirements)} top-level requirement(s)")
        if p.pathway_refs():
            facts.append("stacks " + ", ".join(sorted(p.pathway_refs())))
        if p.origin and p.origin.kind in ("ctdl", "clr"):
            facts.append(f"from {p.origin.kind.upper()}")
        console.print(f"[bold]{escape(p.name)}[/bold]  {escape(p.display_title())}\n"
                      f"    [dim]{escape(' · '.join(facts))}[/dim]")


def requirement_label(node: Any) -> str:
    from credwallet.cli.textsafe import clean as escape
    from credwallet.pathways.match import describe
    from credwallet.pathways.model import AllOf, AtLeast, CredentialRequirement, CreditSum

    if isinstance(node, CredentialRequirement):
        crit = describe(node.model_copy(update={"title": None}))
        if node.title:
            return f"[bold]{escape(node.title)}[/bold] [dim]({escape(crit)})[/dim]"
        return escape(crit)
    if isinstance(node, AllOf):
        head = f"all of {len(node.of)}"
    elif isinstance(node, AtLeast):
        head = f"at least {node.count} of {len(node.of)}"
    elif isinstance(node, CreditSum):
        head = f"at least {node.credits:g} credits from"
    else:
        head = f"pathway {node.pathway} complete"
    if node.title:
        return f"[bold]{escape(node.title)}[/bold] ({escape(head)})"
    return escape(head)


def _human_show(pathway: Pathway) -> None:
    from rich.tree import Tree

    from credwallet.cli.common import stdout_console
    from credwallet.cli.textsafe import clean as escape

    head = f"[bold]{escape(pathway.display_title())}[/bold] ({escape(pathway.name)})"
    if pathway.provider and (pathway.provider.name or pathway.provider.id):
        head += f"\nprovider: {escape(pathway.provider.name or pathway.provider.id or '')}"
    if pathway.url:
        head += f"\n{escape(pathway.url)}"
    if pathway.description:
        head += f"\n[dim]{escape(pathway.description)}[/dim]"
    root = Tree(head)
    top = Tree(f"needs {'all' if pathway.count is None else f'at least {pathway.count}'} of:")

    def add(tree: Tree, nodes: list[Any]) -> None:
        for n in nodes:
            # Short ids help when editing the file; generated CTDL ids are just noise here.
            shown_id = f"[dim]{escape(n.id)}[/dim] " if n.id and len(n.id) <= 24 else ""
            label = shown_id + requirement_label(n)
            if n.criteria_url:
                label += f"\n[blue]{escape(n.criteria_url)}[/blue]"
            add(tree.add(label), list(getattr(n, "of", [])))

    add(top, list(pathway.requirements))
    root.children.append(top)
    extras = []
    if pathway.count_expired:
        extras.append("expired credentials count")
    if pathway.valid_within_years:
        extras.append(f"credentials issued within {pathway.valid_within_years:g} years")
    if extras:
        root.add("; ".join(extras))
    stdout_console().print(root)


def _human_examples(found: list[tuple[str, Pathway]]) -> None:
    from credwallet.cli.textsafe import say

    for file, pathway in found:
        stacks = f" (stacks {', '.join(sorted(pathway.pathway_refs()))})" \
            if pathway.pathway_refs() else ""
        say(f"{pathway.name}  {pathway.display_title()}{stacks}  [{file}]")
    say("add one with: credwallet pathway add --example NAME")
