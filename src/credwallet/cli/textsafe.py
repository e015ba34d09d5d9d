"""Make untrusted text (credential names, descriptions, URLs) safe to print on a terminal.

Credential content is attacker-controlled: raw control characters and escape sequences could
clear the screen, forge output lines or set the window title; rich markup in it could restyle
output. Every human renderer passes such text through `clean` (imported as `escape`).
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape as _markup_escape

# C0 (but tab/newline) and C1 controls, DEL, and bidi overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def strip_controls(text: str) -> str:
    cleaned = _UNSAFE.sub("\ufffd", text)
    return "".join("\ufffd" if unicodedata.category(ch) == "Cs" else ch for ch in cleaned) \
        if any("\ud800" <= ch <= "\udfff" for ch in cleaned) else cleaned


def clean(text: object) -> str:
    """rich-markup-escaped text with control characters replaced by U+FFFD."""
    return _markup_escape(strip_controls(str(text)))
