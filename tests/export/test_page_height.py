"""The portfolio page is short enough to read: its height in real headless Chromium.

Measured, not guessed: chromium takes a tall screenshot (scaled down), and the page ends at the
last row that is not background. 10 credentials at 1280 px and at a phone's 390 px.

Measured when written (10 credentials): before the reader-facing page (#14) 15,580 px at
1280 px and 38,868 px at 390 px; with cards, about 3,500 and 6,300; with the summary table and
collapsed details, 1,968 and 3,664. "About three screens" at 1280 px (of some 900 px each) is
the budget there; a phone gets one and a half times the 1280 budget for its narrower lines.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from credwallet.export import ExportOptions, run_export
from credwallet.models.entry import WalletData
from tests.conftest import chromium_path
from tests.export.helpers import NOW, Issuer, data_uri, ob3, png, wallet_with
from tests.export.test_chromium import FLAGS, decode_png

CHROMIUM = chromium_path()
SCALE = 0.5  # device pixels per CSS pixel (chromium's smallest): fewer pixels to decode


def ten_credentials() -> WalletData:
    """10 credentials from 4 issuers, with images, descriptions, criteria, skills."""
    issuers = [Issuer("Université de Genève"), Issuer("Open Data Academy"),
               Issuer("Cloud Skills Institute"), Issuer(None)]
    docs = []
    for n in range(10):
        docs.append(ob3(
            issuers[n % 4], name=f"Course {n}: Data Analysis Fundamentals",
            cred_id=f"urn:uuid:4d7f0f1e-0001-4f00-9a00-0000000000{n:02d}",
            image=data_uri(png((30 * n % 255, 90, 160), size=64), "image/png") if n % 3 else None,
            description="Analyses data sets with spreadsheets and Python. " * 3,
            tags=["SQL", "Python", "Statistics"],
            alignments=[{"targetName": "Data analysis", "targetUrl": "https://example.org/a",
                         "targetFramework": "ESCO"}]))
    return wallet_with(*docs)


def page_height(page: Path, width: int, tall: int) -> int:
    """CSS px from the top of the page to the last row drawn in anything but white, in a
    window `tall` CSS px high (a page as tall as the window has not been measured)."""
    assert CHROMIUM is not None
    shot = page.parent / f"shot-{width}.png"
    res = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={page.parent / 'profile'}",
                          f"--screenshot={shot}", f"--window-size={width},{tall}",
                          f"--force-device-scale-factor={SCALE}", "--hide-scrollbars",
                          page.as_uri()], capture_output=True, text=True, timeout=120,
                         cwd=page.parent)
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    w, h, bpp, pixels = decode_png(shot.read_bytes())
    scale = w / width  # the screenshot's own scale, whatever chromium made of SCALE
    stride = w * bpp
    for y in range(h - 1, -1, -1):
        row = pixels[y * stride:(y + 1) * stride]
        if any(row[i + k] < 245 for i in range(0, stride, bpp) for k in range(3)):
            return round((y + 1) / scale)
    return 0


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = run_export(ten_credentials(), ExportOptions(fmt="html", now=NOW)).content
    path = tmp_path_factory.mktemp("height") / "portfolio.html"
    path.write_bytes(html)
    return path


@pytest.mark.browser
@pytest.mark.parametrize(("width", "budget"), [(1280, 2700), (390, 4100)])
def test_ten_credentials_fit_the_height_budget(page: Path, width: int, budget: int) -> None:
    tall = budget + 2000
    height = page_height(page, width, tall)
    assert tall - 100 > height > 1000, height  # measured something, and the page fits the window
    assert height < budget, f"{height} px at {width} px wide"
