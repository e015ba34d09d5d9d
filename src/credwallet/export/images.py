"""Badge images made safe to inline in a page: raster images stripped of text chunks,
SVG rebuilt from an allow-list (no script, no event handlers, no external references).

The page also forbids scripts with its Content-Security-Policy and shows images through
<img>, where browsers never run SVG script; sanitising is the third layer, and it also
drops the credential that a baked image carries (it may name the holder).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import urllib.parse
import xml.etree.ElementTree as ET  # builds output only; parsing is xmlsafe.parse_xml
from collections.abc import Mapping

from credwallet.errors import BadInput
from credwallet.export.model import Image
from credwallet.ingest.xmlsafe import parse_xml
from credwallet.models.entry import CachedDocument, DamagedEntry, StoredCredential
from credwallet.models.view import CredentialView

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_SVG_ELEMENTS = 20_000
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Chunks that only describe pixels; text chunks (tEXt/iTXt/zTXt: baked credentials, comments)
# and unknown ones are dropped.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
             b"sBIT", b"pHYs", b"bKGD"}

_SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "filter", "feGaussianBlur",
    "feOffset", "feBlend", "feColorMatrix", "feFlood", "feComposite", "feMerge", "feMergeNode",
    "feDropShadow", "image",
}
_SVG_ATTRS = {
    "id", "class", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height",
    "d", "points", "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity",
    "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "clip-path",
    "clip-rule", "mask", "filter", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "alignment-baseline", "letter-spacing", "dx", "dy",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "fx", "fy", "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits",
    "maskUnits", "maskContentUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "markerUnits", "marker-start", "marker-mid", "marker-end", "stdDeviation", "in", "in2",
    "result", "mode", "values", "type", "operator", "k1", "k2", "k3", "k4", "flood-color",
    "flood-opacity", "filterUnits", "primitiveUnits", "style", "visibility", "display",
    "color", "version", "textLength", "lengthAdjust", "startOffset", "role", "aria-label",
    "href",
}
_URL_VALUE = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_BAD_STYLE = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|\\",
                        re.IGNORECASE)


class UnsafeImage(ValueError):
    pass


def sniff(data: bytes) -> str | None:
    if data.startswith(_PNG_SIG):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def strip_png(data: bytes) -> bytes:
    """The PNG with only pixel-describing chunks (CRCs checked, so damage is refused)."""
    if not data.startswith(_PNG_SIG):
        raise UnsafeImage("not a PNG")
    out = [_PNG_SIG]
    pos = len(_PNG_SIG)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise UnsafeImage("truncated PNG chunk")
        body = data[pos + 8:pos + 8 + length]
        if binascii.crc32(ctype + body) != struct.unpack(">I", data[end - 4:end])[0]:
            raise UnsafeImage("PNG chunk checksum mismatch")
        if ctype in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if ctype == b"IEND":
            return b"".join(out)
    raise UnsafeImage("PNG has no IEND chunk")


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _safe_ref(value: str) -> bool:
    return value.strip().startswith("#")


def _safe_url_values(value: str) -> bool:
    return all(u.startswith("#") for u in _URL_VALUE.findall(value))


def _clean_attr(name: str, value: str, element: str) -> str | None:
    if name.lower().startswith("on") or name not in _SVG_ATTRS:
        return None
    if name == "href":
        if element == "image":
            ok = re.match(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", value.strip())
            return value if ok else None
        return value if _safe_ref(value) else None
    if name == "style" and _BAD_STYLE.search(value):
        return None
    if not _safe_url_values(value):
        return None
    return value


def sanitize_svg(data: bytes) -> bytes:
    """A new SVG holding only allow-listed elements/attributes of the source.

    Iterative, and parsed with the same depth/count caps as at import: an image stored by an
    older version may be nested thousands deep, and must then be left out, not crash."""
    try:
        root = parse_xml(data, "SVG image", forbid_dtd=True)
    except BadInput as exc:
        raise UnsafeImage(exc.message) from None
    ns, name = _local(root.tag)
    if ns != SVG_NS or name != "svg":
        raise UnsafeImage("the document is not an SVG")
    count = 0

    def copy(src: ET.Element) -> ET.Element | None:
        """A clean copy of `src` alone (no children), or None when it is not allowed."""
        nonlocal count
        ns, name = _local(src.tag)
        if ns == SVG_NS and name == "a":
            name = "g"  # keep a link's drawing, drop the link
        if ns != SVG_NS or name not in _SVG_ELEMENTS:
            return None
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise UnsafeImage("SVG has too many elements")
        attrs: dict[str, str] = {}
        for key, value in src.attrib.items():
            ans, aname = _local(key)
            if ans == XLINK_NS and aname == "href":
                aname = "href"
            elif ans is not None:
                continue
            cleaned = _clean_attr(aname, value, name)
            if cleaned is not None:
                attrs[aname] = cleaned
        dst = ET.Element(f"{{{SVG_NS}}}{name}", attrs)
        dst.text = src.text if name in ("text", "tspan", "textPath", "title", "desc") else None
        return dst

    clean = copy(root)
    assert clean is not None  # the root was checked above
    todo: list[tuple[ET.Element, ET.Element, str]] = [(root, clean, name)]
    while todo:
        src, dst, dname = todo.pop()
        for child in src:
            new = copy(child)
            if new is not None:
                new.tail = child.tail if dname in ("text", "tspan", "textPath") else None
                dst.append(new)
                todo.append((child, new, _local(new.tag)[1]))
    ET.register_namespace("", SVG_NS)
    return bytes(ET.tostring(clean, encoding="utf-8", xml_declaration=False))


def make_safe(data: bytes, declared: str | None = None) -> Image | None:
    """A safe copy of an image, or None when it cannot be made safe (it is then omitted)."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    kind = sniff(data)
    try:
        if kind == "image/png":
            return Image(strip_png(data), kind)
        if kind == "image/svg+xml":
            return Image(sanitize_svg(data), kind)
    except UnsafeImage:
        return None
    if kind in ("image/jpeg", "image/gif", "image/webp"):
        return Image(data, kind)
    return None


def decode_data_uri(uri: str) -> bytes | None:
    if not uri.startswith("data:") or "," not in uri:
        return None
    meta, _, payload = uri[5:].partition(",")
    try:
        if meta.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return urllib.parse.unquote_to_bytes(payload)
    except (ValueError, binascii.Error):
        return None


def data_uri(image: Image) -> str:
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def original_image(cred: StoredCredential, view: CredentialView,
                   cache: Mapping[str, CachedDocument]) -> bytes | None:
    """The unmodified badge image bytes: baked original, inline data: URI, or cached fetch.
    None when there is none, or when its cached copy is damaged (left out like any unusable
    image; the credential itself is still exported)."""
    try:
        return _original_image(cred, view, cache)
    except DamagedEntry:
        return None


def _original_image(cred: StoredCredential, view: CredentialView,
                    cache: Mapping[str, CachedDocument]) -> bytes | None:
    if cred.image_key and cred.image_key in cache:
        return cache[cred.image_key].body_bytes()
    for ref in (view.image, view.achievement.image):
        if not ref:
            continue
        if ref.startswith("data:"):
            return decode_data_uri(ref)
        doc = cache.get(ref)
        if doc is not None and doc.http_status == 200:
            return doc.body_bytes()
    return None
