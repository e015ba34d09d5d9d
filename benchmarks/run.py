"""Run every benchmark and print all figures in one table, each beside its same-run baseline.

    .venv/bin/python benchmarks/run.py [--quick]

Each benchmarks/<name>_bench.py accepts `--report PATH` (rows as JSON, see benchmarks/common.py)
and `--quick` (fewer runs / smaller sizes, for a fast look). Figures are medians over runs;
the machine is shared and noisy, so read ratios rather than absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("wallet_bench", "verify_bench", "import_bench", "pathways_bench", "scale_bench")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes")
    ap.add_argument("--only", default=None, help="comma-separated benchmark names")
    args = ap.parse_args()
    names = [n for n in ORDER if (HERE / f"{n}.py").exists()]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    rows: list[dict[str, object]] = []
    failures = []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), str(HERE.parent / "src")]))
    for name in names:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            report = fh.name
        cmd = [sys.executable, "-m", f"benchmarks.{name}", "--report", report]
        if args.quick:
            cmd.append("--quick")
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=HERE.parent, env=env)
        print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
        try:
            rows += json.loads(Path(report).read_text())
        except (OSError, ValueError):
            failures.append(name)
        if proc.returncode != 0:
            failures.append(name)
        Path(report).unlink(missing_ok=True)
    print()
    print(f"credwallet benchmarks, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    sys.path.insert(0, str(HERE.parent))
    from benchmarks.common import Row, print_table

    print_table([Row(**{k: v for k, v in r.items() if k != "ratio"}) for r in rows])  # type: ignore[arg-type]
    if failures:
        print(f"failed: {', '.join(sorted(set(failures)))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
