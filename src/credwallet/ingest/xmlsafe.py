"""The one way credwallet parses XML (baked SVG badges, SVG images at export).

Hostile documents are expected, so every step is bounded and total:

* the text encoding is decided here, not by expat: a byte-order mark or the XML declaration
  may name UTF-8, UTF-16 or ISO-8859-1/US-ASCII; any other name (`EBCDIC`, `shift_jis`,
  `rot13`...) is refused before parsing, because expat hands unknown names to Python's codec
  registry, which raises LookupError/ValueError/UnicodeError instead of a parse error;
* the parser only ever sees UTF-8 (the document is decoded and re-encoded, its declaration
  dropped), with DTD entities and external references refused (defusedxml);
* element depth and count are capped while parsing, so later recursive walks (sanitising,
  serialising) can never exhaust the stack;
* any other exception the XML stack raises on the bytes becomes BadInput with one line.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml.ElementTree import DefusedXMLParser

from credwallet.errors import BadInput, CredwalletError

# Real badge SVGs nest a few dozen levels at most (Inkscape groups); 100 keeps every recursive
# walk over an accepted tree far below Python's recursion limit (1000).
MAX_XML_DEPTH = 100
MAX_XML_ELEMENTS = 50_000

_CODECS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "ascii", "ascii": "ascii",
           "iso-8859-1": "latin-1", "latin-1": "latin-1", "latin1": "latin-1",
           "iso8859-1": "latin-1", "utf-16": "utf-16"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, None), (codecs.BOM_UTF32_BE, None),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# The XML declaration: only at the very start of the document (XML 1.0 section 2.8).
_DECL = re.compile(r"""\A<\?xml(?:\s+[A-Za-z_:][-\w.:]*\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*\s*\?>""")
_ENCODING = re.compile(r"""\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _TooBig(Exception):
    pass


class _BoundedBuilder:
    """An ElementTree TreeBuilder that refuses trees deeper or larger than the caps."""

    def __init__(self, max_depth: int, max_elements: int) -> None:
        self._tb = ET.TreeBuilder()
        self._depth = 0
        self._count = 0
        self._max_depth, self._max_elements = max_depth, max_elements

    def start(self, tag: str, attrs: dict[str, str]) -> Any:
        self._depth += 1
        self._count += 1
        if self._depth > self._max_depth:
            raise _TooBig(f"nested more than {self._max_depth} elements deep")
        if self._count > self._max_elements:
            raise _TooBig(f"has more than {self._max_elements} elements")
        return self._tb.start(tag, attrs)

    def end(self, tag: str) -> Any:
        self._depth -= 1
        return self._tb.end(tag)

    def data(self, data: str) -> None:
        self._tb.data(data)

    def close(self) -> ET.Element:
        return self._tb.close()


def _one_line(text: str, limit: int = 160) -> str:
    return " ".join(text.split())[:limit]


def _declared_encoding(data: bytes) -> str | None:
    head = data[:1024].decode("latin-1")  # the declaration itself is ASCII in every codec we read
    m = _DECL.match(head)
    if not m:
        return None
    enc = _ENCODING.search(m.group(0))
    return (enc.group(1) if enc.group(1) is not None else enc.group(2)) if enc else None


def to_text(data: bytes, what: str) -> str:
    """The document as text, decoded by the rules above (BadInput when it cannot be)."""
    codec = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name is None:
                raise BadInput(f"{what} is UTF-32, which is not read; save it as UTF-8")
            codec = name
            break
    else:
        declared = _declared_encoding(data)
        if declared is not None:
            named = _CODECS.get(declared.strip().lower().replace("_", "-"))
            if named is None or named == "utf-16":  # UTF-16 without a byte-order mark
                raise BadInput(f"{what} declares the text encoding "
                               f"{_one_line(declared, 40)!r}; only UTF-8, UTF-16 (with a "
                               "byte-order mark) and ISO-8859-1 are read")
            codec = named
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError:
        raise BadInput(f"{what} is not valid {codec} text") from None
    return text.removeprefix("\ufeff")


def parse_xml(data: bytes, what: str, *, forbid_dtd: bool = False,
              max_depth: int = MAX_XML_DEPTH, max_elements: int = MAX_XML_ELEMENTS) -> ET.Element:
    """The root element of `data`, or BadInput with a one-line reason. Never anything else."""
    text = to_text(data, what)
    m = _DECL.match(text)
    if m:
        # Its encoding name is now meaningless (expat is fed UTF-8); keep the line count.
        text = "\n" * m.group(0).count("\n") + text[m.end():]
    elif text.startswith("<?xml") and (text[5:6].isspace() or text[5:7] == "?>"):
        raise BadInput(f"{what} has a malformed XML declaration")
    parser = DefusedXMLParser(target=_BoundedBuilder(max_depth, max_elements),
                              forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(text.encode("utf-8"))
        root = parser.close()
    except _TooBig as exc:
        raise BadInput(f"{what} {exc}; refused") from None
    except ET.ParseError as exc:
        raise BadInput(f"{what} is not well-formed XML: {_one_line(str(exc))}") from None
    except CredwalletError:
        raise
    except Exception as exc:  # noqa: BLE001 - the contract: hostile bytes never crash the parse
        # defusedxml refusals (entities, DTD, external references), codec and resource errors:
        # the exception text may quote the document, so only its type is named.
        raise BadInput(f"{what} refused ({type(exc).__name__}: entities, external references "
                       "or unreadable markup)") from None
    if not isinstance(root, ET.Element):
        raise BadInput(f"{what} has no root element")
    return root
