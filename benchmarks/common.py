"""Shared shape of benchmark figures, so benchmarks/run.py can print them in one table."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass


@dataclass
class Row:
    benchmark: str
    figure: str
    value: float
    unit: str
    baseline: str | None = None  # what the same-run baseline is
    baseline_value: float | None = None
    target: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0) or self.baseline_value is None:
            return None
        return self.value / self.baseline_value


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def emit_rows(rows: list[Row], path: str | None) -> None:
    """Print a table and, with --report PATH, write the rows as JSON for benchmarks/run.py."""
    print_table(rows)
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump([{**asdict(r), "ratio": r.ratio} for r in rows], fh, indent=1)


def print_table(rows: list[Row]) -> None:
    head = (f"{'benchmark':<14} {'figure':<44} {'value':>10} {'unit':<6} {'baseline':<34} "
            f"{'base':>9} {'ratio':>7}  target")
    print(head)
    print("-" * len(head))
    for r in rows:
        base = f"{r.baseline_value:9.3f}" if r.baseline_value is not None else " " * 9
        ratio = f"{r.ratio:7.2f}" if r.ratio is not None else " " * 7
        print(f"{r.benchmark:<14} {r.figure:<44} {r.value:10.3f} {r.unit:<6} {(r.baseline or ''):<34} "
              f"{base} {ratio}  {r.target or ''}")
