"""Make untrusted text (credential names, descriptions, URLs) safe to print on a terminal.

Credential content is attacker-controlled: raw control characters and escape sequences could
clear the screen, forge output lines, set the window title, write the clipboard (OSC 52) or
plant hidden links (OSC 8); rich markup in it could restyle output. Every human renderer
passes such text through `clean` (imported as `escape`), plain writes through `plain`/`say`,
and JSON documents through `json_text`.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

# C0 (but tab/newline), DEL, C1 (0x80-0x9f: 0x9b is a one-byte CSI on some terminals), bidi
# embeddings/overrides/isolates and marks that reorder what is shown, and the Unicode
# line/paragraph separators some terminals and editors treat as newlines.
_UNSAFE_CHARS = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                 "\u202a-\u202e\u2066-\u2069")
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw although a terminal may act on it (it
# already escapes C0), plus lone surrogates, which cannot even be encoded as UTF-8.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """Every control character (tab and newline kept) replaced by U+FFFD.

    Replacing each character (not whole sequences) is enough: without its ESC/CSI/OSC
    introducer the rest of a sequence is inert text, and the U+FFFD shows where it was."""
    cleaned = _UNSAFE.sub("\ufffd", text)
    return _SURROGATE.sub("\ufffd", cleaned)  # lone surrogates cannot be encoded to UTF-8


def has_controls(text: str) -> bool:
    return _UNSAFE.search(text) is not None or _SURROGATE.search(text) is not None


def clean(text: object, *, oneline: bool = False) -> str:
    """rich-markup-escaped text with control characters replaced by U+FFFD."""
    from rich.markup import escape as markup_escape  # lazy: error paths need no rich

    return markup_escape(plain(text, oneline=oneline))


def plain(text: object, *, oneline: bool = False) -> str:
    """For plain (non-rich) writes: control characters replaced, nothing else changed.

    oneline: newlines become spaces too, where a line break in data could pass for a line of
    credwallet's own (a name ending in "\\nVERIFIED ...")."""
    out = strip_controls(str(text))
    return out.replace("\n", " ") if oneline else out


def say(text: object, *, err: bool = False) -> None:
    """One line on stdout (or stderr) that may hold data: controls replaced, no rich/markup."""
    stream = sys.stderr if err else sys.stdout
    stream.write(plain(text, oneline=True) + "\n")
    stream.flush()


def json_text(doc: Any) -> str:
    """One JSON document in which no character a terminal could act on appears raw.

    json.dumps escapes C0 (ESC becomes \\u001b) even with ensure_ascii=False, but not DEL,
    C1, bidi controls or lone surrogates; those can only occur inside strings, so \\uXXXX
    there is the same JSON value."""
    text = json.dumps(doc, ensure_ascii=False, default=str)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
