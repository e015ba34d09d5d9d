"""Entry point. `--version` answers before any heavy import (startup-time budget)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from credwallet import __version__

        sys.stdout.write(f"credwallet {__version__}\n")
        return
    from credwallet.cli.app import run

    sys.exit(run(args))
