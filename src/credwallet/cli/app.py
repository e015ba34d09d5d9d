"""Builds the typer app from the command modules and runs it behind one error boundary."""

from __future__ import annotations

import functools
import sys
from typing import Any

import typer

from credwallet import __version__
from credwallet.cli import (
    backup_cmd,
    demo_cmd,
    doctor_cmd,
    identity_cmd,
    import_cmd,
    init_cmd,
    list_cmd,
    passwd_cmd,
    remove_cmd,
    show_cmd,
)
from credwallet.cli.common import HomeOpt, help_pointer, set_root_home
from credwallet.cli.textsafe import json_text, plain

HELP = """credwallet: your learning credentials, verifiable offline.

Keeps signed originals of Open Badges 2.0/3.0, W3C Verifiable Credentials and CLR 2.0
records in one encrypted file; verifies them offline; shows progress toward stacked goals;
exports verified bundles. Every command takes --json and --home; -h is --help.

\b
Examples:
  credwallet demo                    # the whole journey, nothing to set up
  credwallet init
  credwallet import https://badges.example.org/assertions/42"""

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"credwallet {__version__}")
        raise typer.Exit(0)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="credwallet", help=HELP, no_args_is_help=True, add_completion=True,
        context_settings=CONTEXT,
        pretty_exceptions_enable=False,  # never print locals (they may hold secrets)
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                     help="Show the version and exit."),
        home: HomeOpt = None,
    ) -> None:
        """credwallet command-line wallet."""
        set_root_home(home)

    for module in (init_cmd, import_cmd, list_cmd, show_cmd, remove_cmd, passwd_cmd, backup_cmd,
                   identity_cmd, demo_cmd, doctor_cmd):
        module.register(app)
    _register_optional(app)
    return app


def _register_optional(app: typer.Typer) -> None:
    # Command groups of other capabilities; each module has register(app).
    import importlib

    for name in ("verify_cmd", "refresh_cmd", "pathway_cmd", "progress_cmd", "export_cmd",
                 "trust_cmd", "tag_cmd"):
        try:
            module = importlib.import_module(f"credwallet.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"credwallet.cli.{name}":
                raise
            continue
        module.register(app)


def _usage_error(exc: Any, args: list[str]) -> int:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    code = int(getattr(exc, "exit_code", 2) or 2)
    if "--json" in args:
        doc = {"schema": "credwallet.usage/1", "ok": False,
               "error": {"code": code, "kind": "usage", "message": message}}
        sys.stdout.write(json_text(doc) + "\n")
    else:
        click_ctx = getattr(exc, "ctx", None)
        path = getattr(click_ctx, "command_path", "") or "credwallet"
        where = ".".join(path.split()[1:])
        sys.stderr.write(f"error: {plain(message)}\n{help_pointer(where)}\n")
    return code


def _plain_usage_name(param: Any) -> str:
    """`ID...` / `[ID]...` as click writes them, not typer's `{ID...}...`."""
    name = str(param.metavar or param.name.upper())
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required or name.startswith("[") else f"[{name}]"


def _unbroken_words() -> None:
    """Help is wrapped between words only: never inside `--allow-weak-passphrase`, a file name
    or a URL (textwrap would split at hyphens, and cut a word longer than the line). Typer's
    copy of click builds its TextWrapper from this module attribute on every wrap."""
    try:
        from typer._click import _textwrap
    except ImportError:  # another typer layout: help still works, only wraps as before
        return
    base = _textwrap.TextWrapper
    if getattr(base, "credwallet_unbroken", False):
        return

    class Unbroken(base):  # type: ignore[misc, valid-type]
        credwallet_unbroken = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.update(break_on_hyphens=False, break_long_words=False)
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = Unbroken  # type: ignore[misc]


def tidy_help(command: Any) -> Any:
    """Help without Python types: every argument shows its metavar only (typer would add
    `<list[str]>` and wrap required ones in braces), and a parameter someone forgot to give a
    metavar gets its upper-cased name instead of `<str>`."""
    # Duck-typed: typer carries its own copy of click, so no isinstance against `click`.
    for param in getattr(command, "params", []):
        kind = getattr(param, "param_type_name", "")
        if kind == "argument":
            if param.metavar is None:
                param.metavar = param.name.upper() if param.name else "ARG"
            param.display_type_rich = lambda ctx: None
            param.get_usage_pieces = (
                lambda ctx, p=param: [_plain_usage_name(p)])
        elif kind == "option" and not param.is_flag and param.metavar is None \
                and not param.count:
            param.metavar = (param.name or "value").upper().replace("_", "-")
    for sub in (getattr(command, "commands", None) or {}).values():
        tidy_help(sub)
    return command


@functools.cache
def _command() -> Any:
    """The click command tree, built once per process. Building it is most of an in-process
    call's cost (typer inspects every command's signature): the tests call `run` thousands of
    times; the entry point calls it once."""
    import typer.main

    _unbroken_words()
    return tidy_help(typer.main.get_command(build_app()))


COMPLETE_VAR = "_CREDWALLET_COMPLETE"


def _click_completion_order() -> None:
    """Shell completion answers `_CREDWALLET_COMPLETE=<instruction>`. Typer spells it
    `source_bash` / `complete_bash`; click's documentation (and habit) spells it `bash_source` /
    `bash_complete`. Accept both: the typer script each shell gets is the same either way."""
    import os

    shell, _, instruction = os.environ.get(COMPLETE_VAR, "").partition("_")
    if shell in ("bash", "zsh", "fish") and instruction in ("source", "complete"):
        os.environ[COMPLETE_VAR] = f"{instruction}_{shell}"


def run(args: list[str]) -> int:
    set_root_home(None)
    _click_completion_order()
    command = _command()
    try:
        result = command.main(args=args, prog_name="credwallet", standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # typer/click parse errors carry exit_code + format_message
        if type(exc).__name__ == "Abort":
            sys.stderr.write("aborted\n")
            return 130
        if type(exc).__name__ == "NoArgsIsHelpError":
            # Bare `credwallet` or a group without its subcommand: asking for nothing is
            # asking for help, not a mistake (docs/cli.md).
            sys.stdout.write(exc.ctx.get_help() + "\n")  # type: ignore[attr-defined]
            return 0
        if hasattr(exc, "exit_code") and hasattr(exc, "format_message"):
            return _usage_error(exc, args)
        raise
    return int(result) if isinstance(result, int) else 0
