"""The text codec a server's `charset` parameter names, when it names a text charset at all.

Python's codec registry answers to more names than charsets: `hex`, `base64`, `zlib`, `rot13`
(bytes-to-bytes, `bytes.decode` refuses them with LookupError), `undefined` (always raises
UnicodeError), and escape or IDNA codecs (`unicode_escape`, `raw_unicode_escape`, `idna`,
`punycode`, `utf-7`) that rewrite ASCII, e.g. `\\ud800` into a lone surrogate no UTF-8 encoder
takes. A server sending any of these crashed the import; none is a charset a web page or a
JSON document is served in (the WHATWG Encoding Standard lists none of them), so they count as
no charset.
"""

from __future__ import annotations

import codecs

# Codec names (as `codecs.lookup(...).name` spells them) that are text codecs in Python but
# not charsets: they rewrite ASCII or always fail.
NOT_CHARSETS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode",
                          "utf-7"})


def text_codec(charset: str | None) -> str | None:
    """Python's name for the text charset `charset` names; None when it names none."""
    if not charset or len(charset) > 64:
        return None
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):
        return None
    name = info.name.replace("_", "-")
    if not getattr(info, "_is_text_encoding", True) or name in NOT_CHARSETS:
        return None
    return info.name


__all__ = ["NOT_CHARSETS", "text_codec"]
