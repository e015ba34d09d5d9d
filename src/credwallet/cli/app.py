"""Builds the typer app from the command modules and runs it behind one error boundary."""

from __future__ import annotations

import sys
from typing import Any

import typer

from credwallet import __version__
from credwallet.cli import (
    backup_cmd,
    demo_cmd,
    identity_cmd,
    import_cmd,
    init_cmd,
    list_cmd,
    passwd_cmd,
    remove_cmd,
    show_cmd,
)
from credwallet.cli.textsafe import json_text, plain

HELP = """credwallet: your learning credentials, verifiable offline.

Keeps signed originals of Open Badges 2.0/3.0, W3C Verifiable Credentials and CLR 2.0
records in one encrypted file; verifies them offline; shows progress toward stacked goals;
exports verified bundles. Every command takes --json and --home."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"credwallet {__version__}")
        raise typer.Exit(0)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="credwallet", help=HELP, no_args_is_help=True, add_completion=False,
        pretty_exceptions_enable=False,  # never print locals (they may hold secrets)
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                     help="Show the version and exit."),
    ) -> None:
        """credwallet command-line wallet."""

    for module in (init_cmd, import_cmd, list_cmd, show_cmd, remove_cmd, passwd_cmd, backup_cmd,
                   identity_cmd, demo_cmd):
        module.register(app)
    _register_optional(app)
    return app


def _register_optional(app: typer.Typer) -> None:
    # Command groups of other capabilities; each module has register(app).
    import importlib

    for name in ("verify_cmd", "refresh_cmd", "pathway_cmd", "progress_cmd", "export_cmd",
                 "trust_cmd"):
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
        sys.stderr.write(f"error: {plain(message)}\nTry 'credwallet --help'.\n")
    return code


def run(args: list[str]) -> int:
    app = build_app()
    try:
        result = app(args=args, prog_name="credwallet", standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # typer/click parse errors carry exit_code + format_message
        if type(exc).__name__ == "Abort":
            sys.stderr.write("aborted\n")
            return 130
        if hasattr(exc, "exit_code") and hasattr(exc, "format_message"):
            return _usage_error(exc, args)
        raise
    return int(result) if isinstance(result, int) else 0
