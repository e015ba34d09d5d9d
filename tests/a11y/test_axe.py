"""Accessibility of the exported portfolio page: axe-core (Deque's rules engine, pinned in
tests/a11y/package-lock.json; install with tests/a11y/setup.sh) run inside real headless
Chromium against the page at 1280 and 400 CSS px, collapsed and with every <details> open.
No violation of impact "serious" or "critical" is allowed (#14).

Marked `browser`: skips without chromium, node or the installed axe-core on a developer's
machine; under CI=true any such skip is a failure (tests/conftest.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credwallet.export import ExportOptions, run_export
from tests.a11y.cdp import Browser
from tests.conftest import chromium_path, missing_dependency
from tests.export.helpers import NOW, Issuer, add, data_uri, ob3, png
from tests.export.test_page_height import ten_credentials

pytestmark = pytest.mark.browser
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """
(async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)}));
})()
"""
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true); true"


@pytest.fixture(scope="module")
def axe_source() -> str:
    # node is what installs axe-core (tests/a11y/setup.sh); the test itself only needs the file.
    if shutil.which("node") is None or not AXE.is_file():
        missing_dependency("node or tests/a11y/node_modules/axe-core missing "
                           "(run tests/a11y/setup.sh)")
    return AXE.read_text(encoding="utf-8")


def _pages(work: Path) -> dict[str, Path]:
    """The ten-credential page, and one with what the reader must be warned about: a credential
    not issued to the holder, an expired one, images, a long description."""
    pages = {"ten": run_export(ten_credentials(), ExportOptions(fmt="html", now=NOW)).content}
    issuer = Issuer("Open Data Academy")
    wallet = ten_credentials()
    add(wallet, ob3(issuer, name="Expired Badge", valid_until="2025-01-01T00:00:00Z",
                    cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e0e0",
                    image=data_uri(png((200, 30, 30), size=48), "image/png"),
                    description="long text " * 60), keep_invalid=True)
    add(wallet, ob3(issuer, name="Someone Else's Badge", subject_id="did:example:someone-else",
                    cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e1e1"))
    pages["marked"] = run_export(wallet, ExportOptions(
        fmt="html", now=NOW, include_unverified=True, include_unmatched=True)).content
    out = {}
    for name, body in pages.items():
        out[name] = work / f"{name}.html"
        out[name].write_bytes(body)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, dict[str, Path]]]:
    chromium = chromium_path()
    if chromium is None:
        missing_dependency("chromium is not installed (.ci/run installs the Debian package)")
    work = tmp_path_factory.mktemp("a11y")
    with Browser(chromium, work / "profile") as b:
        yield b, _pages(work)


def _serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("page", ["ten", "marked"])
@pytest.mark.parametrize("width", [1280, 400])
@pytest.mark.parametrize("opened", [False, True], ids=["collapsed", "opened"])
def test_no_serious_or_critical_axe_violations(browser: tuple[Browser, dict[str, Path]],
                                               axe_source: str, page: str, width: int,
                                               opened: bool) -> None:
    b, pages = browser
    session = b.open(pages[page].as_uri(), width)
    assert b.evaluate(session, "document.title")  # the page loaded
    if opened:
        b.evaluate(session, OPEN_ALL)
    b.evaluate(session, axe_source + "\n;true")
    violations = b.evaluate(session, RUN_AXE)
    assert isinstance(violations, list)
    assert _serious(violations) == [], json.dumps(_serious(violations), indent=1)


def test_axe_finds_what_it_should(browser: tuple[Browser, dict[str, Path]],
                                  axe_source: str, tmp_path: Path) -> None:
    """The harness can fail: an image without alt text and grey-on-white text are reported."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
                   '<h1>x</h1><img src="data:image/png;base64,'
                   + data_uri(png(), "image/png").split(",", 1)[1] + '">'
                   '<p style="color:#bbb;background:#fff">faint</p></main></body></html>',
                   encoding="utf-8")
    b, _ = browser
    session = b.open(bad.as_uri(), 1280)
    b.evaluate(session, axe_source + "\n;true")
    found = {v["id"] for v in _serious(b.evaluate(session, RUN_AXE))}
    assert {"image-alt", "color-contrast"} <= found
