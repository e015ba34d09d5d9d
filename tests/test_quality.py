"""The code stays typed (mypy --strict) and ruff-clean: part of the test suite, so CI enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    # ruff and mypy are test extras: missing means a broken install, never a reason to skip.
    assert found, f"{name} is not installed (pip install -e '.[test]')"
    return [found]


def test_ruff_clean() -> None:
    proc = subprocess.run([*_tool("ruff"), "check", "src", "tests", "benchmarks"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_mypy_strict_clean() -> None:
    proc = subprocess.run([*_tool("mypy"), "--no-incremental"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
