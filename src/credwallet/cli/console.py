"""The one factory for rich consoles: every Console in credwallet is made by `make_console`.

Settings, and why:
- emoji=False: rich would turn ":key:" in "did:key:z6Mk…" (and any ":name:" a credential
  carries, such as ":white_heavy_check_mark:") into an emoji, rewriting data.
- highlight=False: no guessing at numbers/URLs to colour in data.
- markup stays on for credwallet's own styles; data is escaped with textsafe.clean.
- colour follows rich's defaults: NO_COLOR, and no styling when not writing to a terminal.
- every text segment is filtered once more on its way out (see SafeConsole.render), so a
  renderer that forgot textsafe.clean still cannot emit a raw control sequence.

Imported lazily (only when something is printed): rich adds to start-up time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from credwallet.cli.textsafe import has_controls, strip_controls


class SafeConsole(Console):
    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterator[Segment]:
        # Control segments (cursor moves of a live progress bar) are rich's own and carry
        # their codes in `control`; a text segment may only carry printable characters.
        for seg in super().render(renderable, options):
            if seg.control is None and has_controls(seg.text):
                yield Segment(strip_controls(seg.text), seg.style)
            else:
                yield seg


def make_console(*, stderr: bool = False, **options: Any) -> Console:
    """A console on stdout (or stderr) that never rewrites or passes through data."""
    console = SafeConsole(stderr=stderr, emoji=False, highlight=False, markup=True, **options)
    if "soft_wrap" not in options:
        # A pipe gets each line whole (for grep, cut and logs); a terminal gets prose wrapped
        # at word boundaries for the eye.
        console.soft_wrap = not console.is_terminal
    return console


# The widest line print_unbroken lays out (a credential field is clipped long before this).
MAX_LINE = 4_000


def _natural_width(console: Console, renderable: RenderableType) -> int:
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update_width(MAX_LINE), renderable).maximum


def fits(console: Console, renderable: RenderableType) -> bool:
    """`renderable` needs no line broken to fit the console's width."""
    return _natural_width(console, renderable) <= console.width


def print_unbroken(console: Console, renderable: RenderableType) -> None:
    """Print a tree or panel so that no line is broken inside a word: a URL, a command or a
    hint stays on one line, whole, to be copied (a narrow terminal wraps the long line for the
    eye, a pipe gets it as it is). rich would fold it at the console's width, or crop it."""
    need = _natural_width(console, renderable)
    width = console.width
    if need <= width:
        console.print(renderable)
        return
    console.width = need  # a width= given to console.print is capped at the console width
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width
