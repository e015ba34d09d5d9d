"""Throughput of offline verification: credwallet vs Digital Bazaar's reference verifier (Node).

    python benchmarks/verify_bench.py [--count 1000] [--repeat 3] [--no-node] [--no-cli]

Both sides verify the same N eddsa-rdfc-2022 credentials (issued by the reference
implementation when node is available, else by credwallet's signer), offline, with contexts
from credwallet's bundled set. Reported: median milliseconds per credential for
  * credwallet in-process on one core (warm: processed contexts cached),
  * credwallet with a process pool on every core (including pool start-up),
  * `credwallet verify --all` end to end on a wallet holding the N credentials (one process
    invocation: start-up, decrypt, verify on every core, store the reports),
  * the Node reference verifier (@digitalbazaar/vc, warm, one core: Node is single-threaded),
and the ratios. Set up the reference with tests/interop/setup.sh. Output files go to
benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INTEROP = REPO / "tests" / "interop"
OUT = REPO / "benchmarks" / "out"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def node_ready() -> bool:
    return shutil.which("node") is not None and (INTEROP / "node_modules" / "@digitalbazaar" /
                                                 "vc").is_dir()


def make_credentials(count: int, use_node: bool) -> tuple[list[bytes], str]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"credentials-{count}.json"
    if use_node:
        proc = subprocess.run(["node", str(INTEROP / "reference.mjs"), "issue", str(count),
                               "eddsa-rdfc-2022", "07" * 32], capture_output=True, check=True,
                              cwd=INTEROP)
        path.write_bytes(proc.stdout)
        issuer = "Digital Bazaar reference issuer"
    else:
        sys.path.insert(0, str(REPO))
        from tests.verify.vutil import signed_ob3

        docs = [signed_ob3(bytes([7] * 32), id=f"urn:uuid:7a1b2c3d-0000-4000-8000-{i:012d}",
                           name=f"Badge {i}") for i in range(count)]
        path.write_text(json.dumps(docs))
        issuer = "credwallet signer (node unavailable)"
    docs = json.loads(path.read_text())
    return [json.dumps(d).encode() for d in docs], issuer


def _verify_one(raw: bytes) -> bool:
    from credwallet.verify import EmptyMaterial, verify_bytes

    return verify_bytes(raw, now=NOW, material=EmptyMaterial()).verified


def python_one_core(creds: list[bytes]) -> tuple[float, float]:
    """(wall, cpu) milliseconds per credential, warm, in this process."""
    _verify_one(creds[0])  # warm-up: bundled contexts processed once per process
    start, cpu = time.perf_counter(), time.process_time()
    ok = sum(_verify_one(c) for c in creds)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    assert ok == len(creds), f"only {ok} of {len(creds)} verified"
    return elapsed * 1000 / len(creds), used * 1000 / len(creds)


def python_all_cores(creds: list[bytes], workers: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        ok = sum(pool.map(_verify_one, creds, chunksize=max(1, len(creds) // (4 * workers))))
    elapsed = time.perf_counter() - start
    assert ok == len(creds)
    return elapsed * 1000 / len(creds)


def node_reference(count: int) -> tuple[float, float]:
    """(wall, cpu) milliseconds per credential, warm, in one Node process."""
    proc = subprocess.run(["node", str(INTEROP / "reference.mjs"), "bench",
                           str(OUT / f"credentials-{count}.json")], capture_output=True,
                          check=True, cwd=INTEROP)
    out = json.loads(proc.stdout)
    assert out["verified"] == out["count"], out
    return float(out["per_credential_ms"]), float(out["cpu_per_credential_ms"])


def cli_wallet(creds: list[bytes]) -> tuple[dict[str, str], Path]:
    home = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    env = dict(os.environ, CREDWALLET_HOME=str(home), CREDWALLET_PASSPHRASE="bench",
               NO_COLOR="1")
    src = home / "src"
    src.mkdir()
    paths = []
    for i, raw in enumerate(creds):
        p = src / f"c{i}.json"
        p.write_bytes(raw)
        paths.append(str(p))
    run = [sys.executable, "-m", "credwallet"]
    subprocess.run([*run, "init", "--json"], env=env, check=True, capture_output=True)
    listing = src / "sources.txt"
    listing.write_text("\n".join(paths))
    subprocess.run([*run, "import", "--json", "--from-file", str(listing)], env=env,
                   check=True, capture_output=True)
    return env, home


def cli_verify_all(env: dict[str, str], count: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "credwallet", "verify", "--all", "--json"],
                          env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    results = json.loads(proc.stdout)["results"]
    assert proc.returncode == 0 and len(results) == count, proc.stderr[-500:]
    return elapsed * 1000 / count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-node", action="store_true")
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--report", default=None, help="write rows as JSON (benchmarks/run.py)")
    ap.add_argument("--quick", action="store_true", help="200 credentials, 1 run")
    args = ap.parse_args()
    if args.quick:
        args.count, args.repeat = 200, 1
    use_node = node_ready() and not args.no_node
    workers = os.cpu_count() or 1
    creds, issuer = make_credentials(args.count, use_node)
    print(f"{args.count} eddsa-rdfc-2022 credentials issued by the {issuer}; "
          f"{workers} core(s); median of {args.repeat} run(s)")

    # Interleaved repeats: on a shared machine both sides see the same background load.
    py1: list[tuple[float, float]] = []
    ref: list[tuple[float, float]] = []
    pool: list[float] = []
    for _ in range(args.repeat):
        py1.append(python_one_core(creds))
        if use_node:
            ref.append(node_reference(args.count))
        pool.append(python_all_cores(creds, workers))
    rows: dict[str, tuple[float, float | None]] = {
        "credwallet, 1 core (in-process)": (statistics.median(w for w, _ in py1),
                                            statistics.median(c for _, c in py1)),
        f"credwallet, {workers} cores (process pool)": (statistics.median(pool), None),
    }
    if not args.no_cli:
        env, home = cli_wallet(creds)
        try:
            rows["credwallet verify --all (CLI, end to end)"] = (statistics.median(
                cli_verify_all(env, args.count) for _ in range(args.repeat)), None)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    node: tuple[float, float] | None = None
    if use_node:
        node = (statistics.median(w for w, _ in ref), statistics.median(c for _, c in ref))
        rows["reference @digitalbazaar/vc (Node, 1 core)"] = node

    width = max(len(k) for k in rows)
    print(f"{'':{width}}  wall ms/cred  creds/s  cpu ms/cred"
          + ("  speed vs reference (wall / cpu)" if node else ""))
    for name, (wall, cpu) in rows.items():
        cpu_text = f"{cpu:11.2f}" if cpu is not None else f"{'-':>11}"
        ratio = ""
        if node:
            ratio = f"  {node[0] / wall:5.2f}x" + (f" / {node[1] / cpu:5.2f}x" if cpu else "")
        print(f"{name:{width}}  {wall:12.2f}  {1000 / wall:7.0f}  {cpu_text}{ratio}")
    if node is None:
        print("(reference verifier not available: run tests/interop/setup.sh)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {workers} core(s)")
    if args.report:
        from benchmarks.common import Row, emit_rows

        emit_rows([Row("verify", f"{name}, {args.count:,} creds", wall, "ms/cred",
                       "Node reference, ms/cred" if node else None, node[0] if node else None,
                       "ratio <= 1 on one core" if node and "1 core" in name else None)
                   for name, (wall, _cpu) in rows.items() if not name.startswith("reference")],
                  args.report)
    (OUT / "verify_bench.json").write_text(json.dumps(
        {"count": args.count, "cores": workers, "issuer": issuer,
         "ms_per_credential_wall_cpu": rows, "load_average": os.getloadavg()[0]},
        indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
