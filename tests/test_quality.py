"""The code stays typed (mypy --strict) and ruff-clean: part of the test suite, so CI enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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


def _blocks(blocks: Iterable[Any]) -> Iterator[Any]:
    """Every radon block: functions, classes, and the methods, inner classes and closures in them."""
    for block in blocks:
        yield block
        yield from _blocks(getattr(block, "methods", ()))
        yield from _blocks(getattr(block, "inner_classes", ()))
        yield from _blocks(getattr(block, "closures", ()))


def test_no_function_grades_e_or_f() -> None:
    """Cyclomatic complexity (radon) stays at grade D or better: `radon cc -n E src` prints nothing."""
    try:
        from radon.complexity import cc_rank, cc_visit
    except ImportError:  # a test extra, like ruff and mypy: missing is a broken install
        raise AssertionError("radon is not installed (pip install -e '.[test]')") from None
    offenders: dict[str, None] = {}  # cc_visit lists methods both alone and in their class
    for path in sorted((ROOT / "src" / "credwallet").rglob("*.py")):
        for block in _blocks(cc_visit(path.read_text(encoding="utf-8"))):
            rank = cc_rank(block.complexity)
            if rank in ("E", "F"):
                offenders[f"{path.relative_to(ROOT)}:{block.lineno} {block.fullname} "
                          f"grades {rank} ({block.complexity})"] = None
    assert not offenders, ("split these into smaller functions:\n" + "\n".join(offenders))
