"""Human output shows at most a screenful of any one data field.

A credential may hold a multi-megabyte string (a name, a date, an id quoted in a check
detail); rich wraps text character by character, so rendering it costs tens of seconds and
shows nothing useful. `--json` output is never clipped.
"""

from __future__ import annotations

DISPLAY_LIMIT = 1_000  # characters of one field in human output


def clip(text: object, limit: int = DISPLAY_LIMIT) -> str:
    s = text if isinstance(text, str) else str(text)
    if len(s) <= limit:
        return s
    return s[:limit] + f"… ({len(s) - limit} more characters; --json shows them all)"


def clipped(text: object, *, oneline: bool = False) -> str:
    """textsafe.clean (markup-escaped, controls replaced) of the clipped text."""
    from credwallet.cli.textsafe import clean

    return clean(clip(text), oneline=oneline)
