"""Import of N hosted OB 2.0 badges from a loopback issuer adding latency to every request.

Compares one `import_all` call with every URL (concurrent fetches, shared issuer graph) with
importing the badges one by one (one call per URL, as a user running `credwallet import URL`
N times would), and with one call limited to a single request in flight. Prints medians,
the speed-up, and peak Python heap (tracemalloc) and process RSS.

    .venv/bin/python -m benchmarks.import_bench [--badges 200] [--latency 0.05] [--runs 3]
        [--quick] [--report PATH]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.issuer_site import running_sites

from benchmarks.common import Row, emit_rows, median
from credwallet.fetch.policy import FetchPolicy
from credwallet.importer import ImportItem, import_all
from credwallet.models.entry import Holder, WalletData

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def wallet() -> WalletData:
    holder = Holder(did="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
                    private_seed_b64="AA==", created_at=NOW)
    return WalletData(created_at=NOW, holder=holder)


def use_policy(policy: FetchPolicy) -> None:
    FetchPolicy.from_env = classmethod(lambda cls: policy)  # type: ignore[method-assign,assignment]


def check(items: list[ImportItem], n: int) -> None:
    bad = [i for i in items if i.status != "imported"]
    if bad or len(items) != n:
        raise SystemExit(f"benchmark import failed: {bad[:3]}")


def timed(fn: Callable[[], list[ImportItem]], n: int, *, trace: bool) -> tuple[float, int]:
    """Wall time, or (with trace) peak Python heap: tracemalloc slows Python several times,
    so time and memory come from separate runs."""
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    items = fn()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    check(items, n)
    return elapsed, peak


def concurrent(urls: list[str], policy: FetchPolicy, trace: bool = False) -> tuple[float, int]:
    use_policy(policy)
    w = wallet()
    return timed(lambda: import_all(w, urls, now=NOW), len(urls), trace=trace)


def one_by_one(urls: list[str], policy: FetchPolicy, trace: bool = False) -> tuple[float, int]:
    use_policy(policy)
    w = wallet()

    def run() -> list[ImportItem]:
        items: list[ImportItem] = []
        for url in urls:
            items += import_all(w, [url], now=NOW)
        return items

    return timed(run, len(urls), trace=trace)


def serve(n: int, latency: float, out: mp.Queue[tuple[list[str], int]], stop: Any) -> None:
    """The issuer runs in its own process so its threads do not share our GIL."""
    with running_sites(n_ob2=n, extras=False) as sites:
        sites.site.latency = latency
        out.put((sites.ob2_assertions, 0))
        stop.wait()
        out.put(([], sum(sites.site.hits.values())))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--badges", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds added per request")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=FetchPolicy().concurrency)
    ap.add_argument("--quick", action="store_true", help="50 badges, one run")
    ap.add_argument("--report", default=None, help="write rows as JSON (benchmarks/run.py)")
    args = ap.parse_args()
    if args.quick:
        args.badges, args.runs = min(args.badges, 50), 1
    base = replace(FetchPolicy(), concurrency=args.concurrency)
    ctx = mp.get_context("fork")
    queue: mp.Queue[tuple[list[str], int]] = ctx.Queue()
    stop = ctx.Event()
    server = ctx.Process(target=serve, args=(args.badges, args.latency, queue, stop), daemon=True)
    server.start()
    try:
        urls, _ = queue.get(timeout=120)
        import_all(wallet(), urls[:1], now=NOW)  # warm-up: imports, TLS trust store
        conc = [concurrent(urls, base) for _ in range(args.runs)]
        single = [concurrent(urls, replace(base, concurrency=1)) for _ in range(args.runs)]
        seq = [one_by_one(urls, base) for _ in range(args.runs)]
        heap_conc = concurrent(urls, base, trace=True)[1]
        heap_seq = one_by_one(urls[: max(1, len(urls) // 4)], base, trace=True)[1]
        stop.set()
        _, requests = queue.get(timeout=60)
    finally:
        stop.set()
        server.join(timeout=10)
    t_conc = median([t for t, _ in conc])
    t_single = median([t for t, _ in single])
    t_seq = median([t for t, _ in seq])
    mib = 1024 * 1024
    n, ms = args.badges, f"{args.latency * 1000:.0f} ms"
    print(f"{n} hosted OB 2.0 badges, {ms} added per request, median of {args.runs} run(s), "
          f"{requests} requests served; speed-up vs one by one {t_seq / t_conc:.1f}x "
          f"(target >= 10x), vs 1 in flight {t_single / t_conc:.1f}x")
    rows = [
        Row("import", f"{n} hosted badges, {args.concurrency} in flight", t_conc, "s",
            f"one by one ({n} imports)", t_seq, "ratio <= 0.10 (10x faster)"),
        Row("import", f"{n} hosted badges, 1 in flight, 1 command", t_single, "s",
            f"one by one ({n} imports)", t_seq, None),
        Row("import", f"peak heap, {n} badges concurrent", heap_conc / mib, "MiB",
            f"peak heap, one by one ({max(1, n // 4)})", heap_seq / mib, None),
        Row("import", "process peak RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "MiB", None, None, None),
    ]
    emit_rows(rows, args.report)


if __name__ == "__main__":
    main()
