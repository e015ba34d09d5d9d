"""How long the whole test suite takes: this checkout's HEAD against a baseline commit, back to back.

    .venv/bin/python -m benchmarks.suite_time --baseline dd121f4 [--runs 2] [--report PATH] [PATH...]

Each commit is checked out into its own `git worktree` under a temporary directory (its `src/`
first on PYTHONPATH, the Node stacks linked from this checkout), then the suite runs there the
way CI runs it (`CI=true python -m pytest -q`, each commit with its own pytest options: the
baseline may predate `-n auto`). Runs alternate baseline, HEAD, baseline, HEAD... so both see
the same load. Figures: wall-clock seconds and CPU seconds (user + system of the run and every
process it started), medians over the runs, and HEAD's ratio to the baseline. Not part of
benchmarks/run.py: one pair of runs takes ten minutes or more on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, emit_rows, median

ROOT = Path(__file__).resolve().parent.parent
NODE_STACKS = ("tests/interop/node_modules", "tests/a11y/node_modules")


def worktree(commit: str, parent: Path) -> Path:
    path = parent / commit
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit],
                   check=True, capture_output=True)
    for rel in NODE_STACKS:
        if (ROOT / rel).is_dir() and (path / rel).parent.is_dir():
            (path / rel).symlink_to(ROOT / rel)
    return path


def run_suite(tree: Path, paths: list[str]) -> tuple[float, float, str]:
    """-> (wall seconds, CPU seconds of the run and its children, pytest's summary line)."""
    env = dict(os.environ, CI="true", PYTHONPATH=str(tree / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths],
                          cwd=tree, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [ln for ln in proc.stdout.splitlines() if re.search(r"\d+ (passed|failed)", ln)]
    return wall, cpu, lines[-1] if lines else f"exit {proc.returncode}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, help="the commit to compare HEAD with")
    ap.add_argument("--runs", type=int, default=2, help="runs of each commit (alternating)")
    ap.add_argument("--report", default=None)
    ap.add_argument("paths", nargs="*", help="only these test paths (a quick look; default: all)")
    args = ap.parse_args()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    figures: dict[str, list[tuple[float, float]]] = {args.baseline: [], head: []}
    with tempfile.TemporaryDirectory(prefix="cw-suite-") as tmp:
        trees = {commit: worktree(commit, Path(tmp)) for commit in figures}
        try:
            for i in range(args.runs):
                for commit, tree in trees.items():
                    wall, cpu, summary = run_suite(tree, args.paths)
                    figures[commit].append((wall, cpu))
                    print(f"run {i + 1} {commit}: {wall:.0f} s wall, {cpu:.0f} s CPU; {summary}",
                          flush=True)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                               capture_output=True)
    base, new = figures[args.baseline], figures[head]
    rows = [Row("suite", f"wall, median of {args.runs} ({head})", median([w for w, _ in new]), "s",
                f"same at {args.baseline}", median([w for w, _ in base]), "<= 0.5"),
            Row("suite", f"CPU user+sys, median of {args.runs} ({head})", median([c for _, c in new]),
                "s", f"same at {args.baseline}", median([c for _, c in base]))]
    emit_rows(rows, args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
