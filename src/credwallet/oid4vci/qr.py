"""A QR code in an image file -> the text it holds (zxing-cpp, decoded with Pillow).

Both are PyPI wheels with no system packages. The image is bounded before decoding: Pillow's
own decompression-bomb limit, and a pixel cap here.
"""

from __future__ import annotations

import io

from credwallet.errors import BadInput

MAX_PIXELS = 40_000_000
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"RIFF")


def looks_like_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC)


def decode(data: bytes, source: str) -> list[str]:
    """Every QR code's text in the image (possibly none)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        raise BadInput(f"{source}: reading QR codes needs the zxing-cpp and Pillow packages") \
            from None
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise BadInput(f"{source}: the image is too large to scan for a QR code")
            gray = img.convert("L")
    except BadInput:
        raise
    except Exception as exc:  # noqa: BLE001  (Pillow raises many types for a bad image)
        raise BadInput(f"{source}: not a readable image ({type(exc).__name__})") from None
    found = zxingcpp.read_barcodes(gray)
    return [r.text for r in found
            if r.valid and r.text and r.format == zxingcpp.BarcodeFormat.QRCode]
