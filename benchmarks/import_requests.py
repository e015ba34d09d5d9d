"""HTTP requests per import: the bundled demo site and the loopback test issuer sites.

Imports every source of each site one at a time into a fresh wallet and counts the HTTP
requests the fetch layer sends for it (every attempt and redirect hop), the documents cached,
and the verdict. `--json PATH` writes the per-source rows, `--compare PATH` prints the change
against such a file (the figures before and after a change to what import fetches).

    .venv/bin/python -m benchmarks.import_requests [--json PATH] [--compare PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.issuer_site import running_sites

from credwallet.fetch import client as client_mod
from credwallet.importer import import_all
from credwallet.models.entry import Holder, WalletData

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HOLDER = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"


def wallet() -> WalletData:
    holder = Holder(did=HOLDER, private_seed_b64="AA==", created_at=NOW)
    return WalletData(created_at=NOW, holder=holder)


@contextmanager
def counting() -> Iterator[list[str]]:
    """Every request attempt the client makes (the URL), in order."""
    seen: list[str] = []
    original = client_mod.Client._once

    async def once(self: Any, url: str, accept: str, cap: int) -> Any:
        seen.append(url)
        return await original(self, url, accept, cap)

    client_mod.Client._once = once  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        client_mod.Client._once = original  # type: ignore[method-assign]


def measure(label: str, url: str) -> dict[str, Any]:
    w = wallet()
    with counting() as seen:
        start = time.perf_counter()
        [item] = import_all(w, [url], now=NOW)
        elapsed = time.perf_counter() - start
    checks = {c.check: c.status for c in item.verification.checks} if item.verification else {}
    return {"label": label, "status": item.status, "requests": len(seen),
            "cached": sorted(f"{d.kind}" for d in w.cache.values()),
            "verified": item.verification.verified if item.verification else None,
            "checks": checks, "seconds": round(elapsed, 3)}


def demo_sources() -> Iterator[tuple[str, str]]:
    from credwallet.demo.server import serve
    from credwallet.demo.site import build_site

    with serve(lambda base: build_site(base, HOLDER, NOW)) as site:
        for label, url in site.sources:
            yield "demo: " + label, url


def test_site_sources() -> Iterator[tuple[str, str]]:
    with running_sites(n_ob2=1) as s:
        site = s.site
        for label, url in [("ob2 hosted", s.ob2_assertions[0]), ("ob2 revoked", s.ob2_revoked),
                           ("ob2 signed", s.ob2_signed), ("ob3 did:web + status", s.ob3_good),
                           ("ob3 revoked", s.ob3_revoked), ("baked png", s.baked_png),
                           ("baked svg", s.baked_svg), ("legacy baked", s.baked_ob2_legacy),
                           ("vc-jwt", site.url("/vc/cred.jwt")), ("clr", site.url("/vc/clr.json")),
                           ("https controller + context", site.url("/ctl/cred.json"))]:
            yield "site: " + label, url


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--json", default=None)
    ap.add_argument("--compare", default=None)
    args = ap.parse_args()
    rows = [measure(label, url) for gen in (demo_sources, test_site_sources)
            for label, url in gen()]
    before = {}
    if args.compare:
        before = {r["label"]: r for r in json.loads(Path(args.compare).read_text())}
    total = sum(r["requests"] for r in rows)
    for r in rows:
        old = before.get(r["label"])
        delta = f" (before {old['requests']})" if old else ""
        same = "" if not old else ("" if old["checks"] == r["checks"] and
                                   old["status"] == r["status"] else "  VERDICT CHANGED")
        print(f"{r['requests']:>3} requests{delta:<14} {r['seconds']:>6.2f}s  {r['status']:<9} "
              f"{r['label']}{same}")
    old_total = sum(r["requests"] for r in before.values()) if before else None
    print(f"total {total} requests over {len(rows)} imports"
          + (f" (before {old_total})" if old_total is not None else ""))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
