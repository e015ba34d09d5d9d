"""Baked badge images: the credential carried inside a PNG chunk or an SVG element.

PNG (Open Badges baking): an iTXt chunk with keyword `openbadges` (OB 2.0) or
`openbadgecredential` (OB 3.0), compressed or not; legacy OB 1.0 images carry a tEXt
`openbadges` chunk holding only a hosted assertion URL. SVG: `<openbadges:assertion>` (OB 2.0,
`verify` attribute or text) and `<openbadges:credential>` (OB 3.0, text or `verify`), parsed
by ingest/xmlsafe.py (encoding, entities, depth and element count are decided there). The
payload is recognised like any other input; the image itself is kept so it can be exported
with the credential.

Hostile images are expected: chunk lengths are checked against the data, compressed text is
inflated with a hard output cap (a zlib bomb stops at the cap), and at most one baked
payload is accepted. Strict where it matters, tolerant elsewhere: the baked chunk is validated
strictly (a malformed one refuses the image), while a text chunk that is not ours and is
malformed (no keyword separator, an empty keyword) is skipped, as image viewers skip it;
it is never inflated. The chunk structure itself (lengths, truncation) stays strict.
"""

from __future__ import annotations

import struct
import zlib

from credwallet.errors import BadInput, InputTooLarge, UnsupportedFormat
from credwallet.ingest.sniff import Recognised, recognise
from credwallet.ingest.xmlsafe import parse_xml

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAKED_KEYWORDS = (b"openbadges", b"openbadgecredential")
# Largest baked payload we inflate; real ones are a few KiB, a CLR maybe a few MiB.
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024
MAX_CHUNKS = 100_000

SVG_NAMESPACES = ("http://openbadges.org", "https://purl.imsglobal.org/ob/v3p0",
                  "https://purl.imsglobal.org/spec/ob/v3p0")
SVG_ELEMENTS = ("assertion", "credential")


def _inflate(data: bytes, what: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES)
    except zlib.error as exc:
        raise BadInput(f"{what}: compressed text is not valid zlib data") from exc
    if inflater.unconsumed_tail or len(out) >= MAX_PAYLOAD_BYTES:
        raise InputTooLarge(f"{what}: compressed text inflates past "
                            f"{MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB (decompression bomb?)")
    return out


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of every chunk up to IEND. CRCs are not checked: images are not signed."""
    if not data.startswith(PNG_SIGNATURE):
        raise BadInput("not a PNG image")
    pos = len(PNG_SIGNATURE)
    chunks: list[tuple[bytes, bytes]] = []
    while pos < len(data):
        if pos + 8 > len(data):
            raise BadInput("PNG is truncated (incomplete chunk header)")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        end = pos + 8 + length
        if end + 4 > len(data):
            raise BadInput(f"PNG chunk {ctype!r} runs past the end of the file")
        chunks.append((ctype, data[pos + 8:end]))
        if len(chunks) > MAX_CHUNKS:
            raise BadInput("PNG has too many chunks")
        pos = end + 4
        if ctype == b"IEND":
            break
    return chunks


def _text_chunk(ctype: bytes, body: bytes) -> tuple[bytes, bytes] | None:
    """(keyword, text) of a baked tEXt / zTXt / iTXt chunk; None for any other chunk,
    including text chunks with another keyword, well formed or not."""
    if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
        return None
    keyword, sep, rest = body.partition(b"\0")
    if not sep:
        if body.startswith(BAKED_KEYWORDS):
            # Ours, but broken: strict, never guessed at.
            raise BadInput(f"PNG {ctype.decode()} chunk {body[:19].decode('latin-1')!r}... "
                           "(a baked badge) has no keyword separator")
        return None  # someone else's malformed chunk: skipped, like image viewers do
    if keyword not in BAKED_KEYWORDS:
        return None  # not ours: skipped whatever it holds, never inflated
    what = f"PNG {ctype.decode()} chunk {keyword.decode('latin-1')!r}"
    if ctype == b"tEXt":
        return keyword, rest
    if ctype == b"zTXt":
        if not rest or rest[0] != 0:
            raise BadInput(f"{what}: unknown compression method")
        return keyword, _inflate(rest[1:], what)
    # iTXt: compression flag, method, language tag \0, translated keyword \0, text (UTF-8).
    if len(rest) < 2:
        raise BadInput(f"{what} is truncated")
    flag, method = rest[0], rest[1]
    parts = rest[2:].split(b"\0", 2)
    if len(parts) != 3:
        raise BadInput(f"{what} is malformed (missing language or translated keyword)")
    text = parts[2]
    if flag == 1:
        if method != 0:
            raise BadInput(f"{what}: unknown compression method {method}")
        text = _inflate(text, what)
    elif flag != 0:
        raise BadInput(f"{what}: bad compression flag {flag}")
    return keyword, text


def png_payload(data: bytes) -> tuple[bytes, bytes]:
    """(keyword, payload) of the single baked chunk of a PNG."""
    found: list[tuple[bytes, bytes]] = []
    for ctype, body in png_chunks(data):
        hit = _text_chunk(ctype, body)
        if hit is not None and hit[0] in BAKED_KEYWORDS:
            found.append(hit)
    if not found:
        raise UnsupportedFormat("PNG image carries no baked badge (no openbadges or "
                                "openbadgecredential chunk)")
    if len(found) > 1:
        raise BadInput("PNG image carries more than one baked badge chunk")
    return found[0]


def svg_payload(data: bytes) -> bytes:
    """Text of the `openbadges:assertion` / `openbadges:credential` element of an SVG."""
    root = parse_xml(data, "SVG image")
    hits = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if local in SVG_ELEMENTS and (ns in SVG_NAMESPACES or "openbadges" in ns):
            hits.append(el)
    if not hits:
        raise UnsupportedFormat("SVG image carries no baked badge (no openbadges:assertion or "
                                "openbadges:credential element)")
    if len(hits) > 1:
        raise BadInput("SVG image carries more than one baked badge element")
    el = hits[0]
    verify = el.get("verify")
    text = (el.text or "").strip()
    payload = verify.strip() if verify and verify.strip() else text
    if not payload:
        raise BadInput("the SVG badge element is empty")
    return payload.encode("utf-8")


def recognise_image(data: bytes) -> Recognised:
    """Recognise a baked PNG or SVG; the result carries the image for export."""
    if data.startswith(PNG_SIGNATURE):
        _keyword, payload = png_payload(data)
        media = "image/png"
    else:
        payload = svg_payload(data)
        media = "image/svg+xml"
    payload = payload.strip()
    # A baked payload is JSON, a JWS or a URL: anything markup-like or binary is refused here,
    # so an image can never recurse into unbaking another image.
    if payload.startswith(PNG_SIGNATURE) or payload[:1] == b"<":
        raise BadInput("baked payload is itself an image")
    if payload.startswith((b"http://", b"https://")) and b"\n" not in payload \
            and len(payload) < 4096:
        # Legacy baking: only a pointer to the hosted assertion; fetching completes it.
        url = payload.decode("ascii", "replace")
        return Recognised("ob2-hosted", b"", "application/ld+json", image=data,
                          image_media_type=media, hosted_url=url)
    rec = recognise(payload)
    rec.image = data
    rec.image_media_type = media
    return rec

