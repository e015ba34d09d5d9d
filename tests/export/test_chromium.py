"""The portfolio page in real headless Chromium: what a reader sees, and nothing runs.

Needs Debian's `chromium` (`.ci/run` installs it): skips without it, fails under CI=true.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from credwallet.export import ExportOptions, run_export
from tests.conftest import chromium_path
from tests.export.helpers import HOSTILE_SVG, NOW, Issuer, data_uri, ob3, png, wallet_with

CHROMIUM = chromium_path()
pytestmark = pytest.mark.browser  # tests/conftest.py skips, or under CI fails, without chromium

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--no-first-run", "--enable-logging=stderr", "--v=0"]


def chromium(page: Path, *extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={cwd / 'profile'}", *extra,
                           page.as_uri()], capture_output=True, text=True, timeout=90, cwd=cwd)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and raw pixels of an 8-bit RGB/RGBA PNG."""
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and ctype in (2, 6) and interlace == 0
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def count_colour(pixels: bytes, bpp: int, rgb: tuple[int, int, int], tol: int = 8) -> int:
    n = 0
    for i in range(0, len(pixels), bpp):
        if all(abs(pixels[i + k] - rgb[k]) <= tol for k in range(3)):
            n += 1
    return n


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    hostile = Issuer('<script>document.title="PWNED"</script>Hostile Issuer')
    wallet = wallet_with(
        ob3(hostile, name='Données & 数据 <img src=x onerror=document.title="X">',
            image=data_uri(png((255, 0, 255), size=96), "image/png"), tags=["SQL"],
            alignments=[{"targetName": "Data analysis", "targetUrl": "https://example.org/a"}]),
        ob3(hostile, name="Hostile SVG badge", cred_id="urn:uuid:svg",
            image=data_uri(HOSTILE_SVG, "image/svg+xml"), description="long text " * 400),
        ob3(hostile, name="No Image Badge", cred_id="urn:uuid:noimg", description=None,
            criteria=None))
    page = run_export(wallet, ExportOptions(fmt="html", now=NOW)).content.decode("utf-8")
    work = tmp_path_factory.mktemp("chromium")
    path = work / "portfolio.html"
    path.write_text(page, encoding="utf-8")
    return path, page


def test_reader_sees_the_text_and_nothing_runs(rendered: tuple[Path, str]) -> None:
    path, _ = rendered
    res = chromium(path, "--dump-dom", cwd=path.parent)
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert "<title>Verified learning credentials</title>" in dom  # no script changed it
    assert "Hostile SVG badge" in dom and "No Image Badge" in dom
    assert "Données &amp; 数据 &lt;img src=x onerror" in dom
    assert "How to verify this yourself" in dom and "Verified" in dom
    # One inert data block (the signed presentation, type application/vp+json); no other script.
    data_blocks = re.findall(r'<script type="application/vp\+json"[^>]*>', dom)
    assert dom.lower().count("<script") == len(data_blocks) <= 1
    assert console_lines(res.stderr) == []  # no CSP violation, no error of any kind


def test_images_load_and_layout_renders(rendered: tuple[Path, str]) -> None:
    path, _ = rendered
    shot = path.parent / "shot.png"
    res = chromium(path, f"--screenshot={shot}", "--window-size=1000,1200",
                   "--force-device-scale-factor=0.5", "--hide-scrollbars", cwd=path.parent)
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    width, height, bpp, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (500, 600)
    # The magenta badge is drawn 3rem (48 CSS px) square on the card's collapsed line, 24
    # device px at scale 0.5: ~576.
    assert count_colour(pixels, bpp, (255, 0, 255)) > 450
    assert console_lines(res.stderr) == []


def test_csp_blocks_script_even_if_escaping_failed(rendered: tuple[Path, str]) -> None:
    """Defence in depth: inject a script into the page; the page's own policy must stop it."""
    path, page = rendered
    evil = path.parent / "injected.html"
    evil.write_text(page.replace("<main>", '<main><script>document.title="RAN"</script>', 1),
                    encoding="utf-8")
    res = chromium(evil, "--dump-dom", cwd=path.parent)
    assert "<title>Verified learning credentials</title>" in res.stdout
    assert any("Content Security Policy" in line for line in console_lines(res.stderr))
