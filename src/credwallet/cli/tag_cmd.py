"""`credwallet tag ID add TAG...` / `credwallet tag ID remove TAG...`: the wallet's own tags."""

from __future__ import annotations

from typing import Annotated

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import has_controls, say
from credwallet.errors import UsageError

TAG_MAX = 100
TagsArg = Annotated[list[str], typer.Argument(metavar="TAG...", help="One or more tags.")]


def clean_tag(value: str) -> str:
    """A tag as stored: spaces folded; 1 to TAG_MAX characters, no control characters."""
    if has_controls(value):
        raise UsageError("a tag must not contain control or bidi characters")
    tag = " ".join(value.split())
    if not tag or len(tag) > TAG_MAX:
        raise UsageError(f"a tag must be 1 to {TAG_MAX} characters")
    return tag


def merge_tags(current: list[str], new: list[str]) -> list[str]:
    """The tags of `new` not already in `current` (compared without regard to case)."""
    seen = {t.casefold() for t in current}
    added: list[str] = []
    for tag in new:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            added.append(tag)
    return added


def register(app: typer.Typer) -> None:
    tag_app = typer.Typer(help="Add or remove the wallet's own tags on a credential.\n\n"
                               "\b\nExamples:\n  credwallet tag 3f2a add job-2026 data\n"
                               "  credwallet tag 3f2a remove data", no_args_is_help=True)
    app.add_typer(tag_app, name="tag")

    @tag_app.callback()
    def _tag(ctx: typer.Context, ref: Annotated[str, typer.Argument(
            metavar="ID", help="Wallet id (or a unique prefix).")]) -> None:
        """Add or remove tags on one credential (used by list --tag and export --tag).

        \b
        Examples:
          credwallet tag 3f2a add job-2026 data
          credwallet tag 3f2a remove data
        """
        ctx.obj = ref

    @tag_app.command("add")
    def add(tctx: typer.Context, tags: TagsArg, json_out: JsonOpt = False, home: HomeOpt = None,
            passphrase_file: PassFileOpt = None) -> None:
        """Add tags (already present ones, in any case, are left as they are).

        \b
        Examples:
          credwallet tag 3f2a add job-2026
          credwallet tag 3f2a add data python --json
        """
        _change(Ctx("tag.add", json_out, home, passphrase_file), str(tctx.obj), tags, add=True)

    @tag_app.command("remove")
    def remove(tctx: typer.Context, tags: TagsArg, json_out: JsonOpt = False,
               home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Remove tags (compared without regard to case; absent ones are reported, not an error).

        \b
        Examples:
          credwallet tag 3f2a remove job-2026
        """
        _change(Ctx("tag.remove", json_out, home, passphrase_file), str(tctx.obj), tags,
                add=False)


def _change(ctx: Ctx, ref: str, raw_tags: list[str], *, add: bool) -> None:
    def body() -> int:
        tags = [clean_tag(t) for t in raw_tags]
        with ctx.transaction() as wallet:
            cred = wallet.find(ref)
            if add:
                changed = merge_tags(cred.tags, tags)
                cred.tags = [*cred.tags, *changed]
                absent: list[str] = []
            else:
                wanted = {t.casefold() for t in tags}
                changed = [t for t in cred.tags if t.casefold() in wanted]
                present = {t.casefold() for t in cred.tags}
                absent = [t for t in tags if t.casefold() not in present]
                cred.tags = [t for t in cred.tags if t.casefold() not in wanted]
            wid, name, now_tags = cred.id, cred.name, list(cred.tags)
        key = "added" if add else "removed"
        payload: dict[str, object] = {"id": wid, "name": name, "tags": now_tags, key: changed}
        if not add:
            payload["absent"] = absent

        def human() -> None:
            verb = "Added" if add else "Removed"
            say(f"{verb}: {', '.join(changed) if changed else 'nothing'}"
                + (f" (not present: {', '.join(absent)})" if absent else ""))
            say(f"Tags of {wid[:12]} {name or '(unnamed)'}: "
                f"{', '.join(now_tags) if now_tags else '(none)'}")

        emit(ctx, payload, human)
        return 0

    run_command(ctx, body)
