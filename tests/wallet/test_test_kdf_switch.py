"""The test suite's cheap-KDF switch is never suggested to a user: not in a message, not in
--help, not in a user document. It weakens every wallet written while it is set."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from credwallet.wallet.fileformat import WEAK_ENV
from tests.conftest import run_inproc

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "src" / "credwallet" / "wallet" / "fileformat.py"


def user_facing_files() -> list[Path]:
    files = [p for p in (ROOT / "src").rglob("*") if p.is_file() and "egg-info" not in str(p)]
    files += [p for p in (ROOT / "docs").rglob("*") if p.is_file()]
    return [*files, ROOT / "README.md", ROOT / "SECURITY.md"]


def test_no_source_or_document_names_the_switch() -> None:
    found = []
    for path in user_facing_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        lines = [ln for ln in text.splitlines() if WEAK_ENV in ln]
        if path == DEFINITION:  # the one place that reads it: `WEAK_ENV = "..."`
            lines = [ln for ln in lines if not ln.startswith("WEAK_ENV = ")]
        found += [f"{path.relative_to(ROOT)}: {ln.strip()}" for ln in lines]
    assert not found, "\n".join(found)


def test_no_help_text_names_the_switch() -> None:
    spec = importlib.util.spec_from_file_location("gen_command_docs_kdf",
                                                  ROOT / "tools" / "gen_command_docs.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_command_docs_kdf", gen)
    spec.loader.exec_module(gen)
    text = gen.render()
    assert "## credwallet passwd" in text and "INSECURE" not in text


def test_a_weak_kdf_wallet_is_refused_without_naming_the_switch(
        wallet_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEAK_ENV)  # the wallet was written with the switch; a user has not set it
    for args in (["list"], ["list", "--json"]):
        res = run_inproc(*args)
        assert res.code == 4 and "below the safe minimum" in res.stdout + res.stderr, res
        assert WEAK_ENV not in res.stdout + res.stderr and "INSECURE" not in res.stdout + res.stderr
