"""`credwallet identity add|list|remove`: the holder's identifiers for recipient matching;
`credwallet identity name`: the name exports show, as stated by the holder."""

from __future__ import annotations

import re
from typing import Literal

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, iso, run_command
from credwallet.cli.textsafe import has_controls, say
from credwallet.errors import NotFound, UsageError
from credwallet.models.entry import Identity

IdentityKind = Literal["email", "url", "phone", "did", "other"]
_EMAIL = re.compile(r"^(mailto:)?[^@\s]+@[^@\s]+\.[^@\s]+$", re.IGNORECASE)
_PHONE = re.compile(r"^(tel:)?\+?[0-9 ().-]{6,}$")
NAME_MAX = 200


def holder_name(value: str) -> str:
    """The name as it will be shown: spaces folded; 1 to NAME_MAX characters, no control or
    bidi characters (a name is printed in pages, resumes and terminals)."""
    if has_controls(value):
        raise UsageError("the name must not contain control or bidi characters")
    name = " ".join(value.split())
    if not name or len(name) > NAME_MAX:
        raise UsageError(f"the name must be 1 to {NAME_MAX} characters")
    return name


def classify(value: str) -> tuple[IdentityKind, str]:
    """Kind and normalised value (e-mail lower-cased without mailto:, phone digits only)."""
    v = value.strip()
    if not v or len(v) > 2048:
        raise UsageError("identity must be 1 to 2048 characters")
    if _EMAIL.match(v):
        return "email", v.removeprefix("mailto:").lower()
    if v.startswith("did:"):
        return "did", v
    if v.lower().startswith(("http://", "https://")):
        return "url", v
    if _PHONE.match(v):
        digits = re.sub(r"[^0-9]", "", v)
        return "phone", ("+" if v.removeprefix("tel:").startswith("+") else "") + digits
    return "other", v


def register(app: typer.Typer) -> None:
    identity_app = typer.Typer(help="The holder's own identifiers (e-mail, URL, phone, DID)."
                        "\n\n\b\nExamples:"
                        "\n  credwallet identity add you@example.org"
                        "\n  credwallet identity list",
                               no_args_is_help=True)
    app.add_typer(identity_app, name="identity")

    @identity_app.command("add")
    def add(value: str = typer.Argument(..., metavar="VALUE"), json_out: JsonOpt = False,
            home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Add an identifier used to match badge recipients.

        \b
        Examples:
          credwallet identity add you@example.org
          credwallet identity add https://example.org/~you
        """
        ctx = Ctx("identity.add", json_out, home, passphrase_file)

        def body() -> int:
            kind, norm = classify(value)
            with ctx.transaction() as wallet:
                exists = any(i.value == norm for i in wallet.identities)
                if not exists:
                    wallet.identities.append(Identity(kind=kind, value=norm, added_at=ctx.now()))
            emit(ctx, {"identity": {"kind": kind, "value": norm}, "added": not exists},
                 lambda: say(f"{'Already present' if exists else 'Added'}: {kind} {norm}"))
            return 0

        run_command(ctx, body)

    @identity_app.command("list")
    def list_(json_out: JsonOpt = False, home: HomeOpt = None,
              passphrase_file: PassFileOpt = None) -> None:
        """List the holder's identifiers.

        \b
        Examples:
          credwallet identity list
        """
        ctx = Ctx("identity.list", json_out, home, passphrase_file)

        def body() -> int:
            wallet = ctx.open_wallet()
            rows = [{"kind": i.kind, "value": i.value, "added_at": iso(i.added_at)}
                    for i in wallet.identities]

            def human() -> None:
                say(f"holder  {wallet.holder.did}")
                if wallet.holder.name:
                    say(f"name    {wallet.holder.name} (as you state it; see `identity name`)")
                for r in rows:
                    say(f"{r['kind']:<7} {r['value']}")

            emit(ctx, {"holder": wallet.holder.did, "holder_name": wallet.holder.name,
                       "identities": rows}, human)
            return 0

        run_command(ctx, body)

    @identity_app.command("remove")
    def remove(value: str = typer.Argument(..., metavar="VALUE"), json_out: JsonOpt = False,
               home: HomeOpt = None, passphrase_file: PassFileOpt = None) -> None:
        """Remove an identifier.

        \b
        Examples:
          credwallet identity remove you@example.org
        """
        ctx = Ctx("identity.remove", json_out, home, passphrase_file)

        def body() -> int:
            _kind, norm = classify(value)
            with ctx.transaction() as wallet:
                before = len(wallet.identities)
                wallet.identities = [i for i in wallet.identities if i.value != norm]
                if len(wallet.identities) == before:
                    raise NotFound(f"no identity {norm!r} in the wallet")
            emit(ctx, {"removed": norm}, lambda: say(f"Removed {norm}"))
            return 0

        run_command(ctx, body)

    @identity_app.command("name")
    def name_(value: str | None = typer.Argument(None, metavar="[NAME]"),
              clear: bool = typer.Option(False, "--clear", help="Remove the stored name."),
              json_out: JsonOpt = False, home: HomeOpt = None,
              passphrase_file: PassFileOpt = None) -> None:
        """Set (or --clear, or show) the name exports show for the holder.

        Exports present it as stated by the holder ("Alex Rivera (as stated by the holder)"):
        nothing signed vouches for it. It is never put inside a signed presentation.

        \b
        Examples:
          credwallet identity name "Alex Rivera"
          credwallet identity name
          credwallet identity name --clear
        """
        ctx = Ctx("identity.name", json_out, home, passphrase_file)

        def body() -> int:
            if clear and value is not None:
                raise UsageError("give a NAME or --clear, not both")
            if value is None and not clear:
                wallet = ctx.open_wallet()
                current = wallet.holder.name
                emit(ctx, {"name": current, "changed": False},
                     lambda: say(f"name: {current}" if current else
                                 "no name set (`credwallet identity name \"Your Name\"`)"))
                return 0
            new = None if clear else holder_name(value or "")
            with ctx.transaction() as wallet:
                changed = wallet.holder.name != new
                wallet.holder.name = new
            emit(ctx, {"name": new, "changed": changed},
                 lambda: say(f"Name set: {new}" if new else
                             ("Name removed" if changed else "No name was set")))
            return 0

        run_command(ctx, body)
