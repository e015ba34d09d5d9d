"""Wallet unlock and `list --json` at 1,000 and 10,000 credentials; `--version` start-up.

Prints wall time split into KDF, decrypt, parse and render, plus peak memory, each beside a
same-run baseline (plain json.loads of the same payload). Medians over several runs.

    .venv/bin/python benchmarks/wallet_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from credwallet.cli.list_cmd import row
from credwallet.models.entry import StoredCredential
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "tests" / "data" / "w3c-signedDataInt.json").read_text()
NOW = datetime(2026, 11, 1, tzinfo=UTC)
PW = "benchmark passphrase"


def build(n: int, home: Path) -> WalletStore:
    wallet = new_wallet(NOW)
    for i in range(n):
        raw = SAMPLE.replace("Alumni Credential", f"Alumni Credential {i}")
        wallet.credentials.append(StoredCredential(
            id=f"{i:016x}", format="vc-ldp", raw=raw, source=f"/tmp/c{i}.json", imported_at=NOW,
            name=f"Alumni Credential {i}", issuer_id="https://vc.example/issuers/5678",
            issued="2023-01-01T00:00:00Z"))
    store = WalletStore(home / "wallet.cwlt")
    store.create(PW, wallet)
    return store


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_list(n: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(n, Path(tmp))
        kdf, dec, parse, render, baseline = [], [], [], [], []
        for _ in range(runs):
            wallet = store.load(PW)
            t0 = time.perf_counter()
            out = json.dumps({"schema": "credwallet.list/1", "ok": True,
                              "credentials": [row(c) for c in wallet.credentials]})
            render.append(time.perf_counter() - t0)
            kdf.append(store.timings["kdf_s"])
            dec.append(store.timings["decrypt_s"])
            parse.append(store.timings["parse_s"])
            from credwallet.wallet.fileformat import decrypt_wallet
            plaintext = decrypt_wallet(store.path.read_bytes(), PW)
            t0 = time.perf_counter()
            json.loads(plaintext)
            baseline.append(time.perf_counter() - t0)
            assert len(out) > n
        # whole command, real process, including interpreter start-up
        env = dict(os.environ, CREDWALLET_HOME=tmp, CREDWALLET_PASSPHRASE=PW)
        env.pop("CREDWALLET_INSECURE_TEST_KDF", None)
        wall = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "credwallet", "list", "--json"], env=env,
                           stdout=subprocess.DEVNULL, check=True)
            wall.append(time.perf_counter() - t0)
        size = store.path.stat().st_size
    return {"kdf": median(kdf), "decrypt": median(dec), "parse": median(parse),
            "render": median(render), "baseline_json_loads": median(baseline),
            "command_wall": median(wall), "file_mb": size / 1e6}


def bench_version(runs: int) -> tuple[float, float]:
    def timed(args: list[str]) -> float:
        xs = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
            xs.append(time.perf_counter() - t0)
        return median(xs)

    return (timed([sys.executable, "-m", "credwallet", "--version"]),
            timed([sys.executable, "-c", "pass"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000,10000")
    args = ap.parse_args()
    os.environ.pop("CREDWALLET_INSECURE_TEST_KDF", None)  # real KDF parameters
    print(f"{'credentials':>11} {'KDF s':>7} {'decrypt s':>9} {'parse s':>8} {'render s':>8} "
          f"{'non-KDF s':>9} {'json.loads s':>12} {'cmd wall s':>10} {'file MB':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        r = bench_list(n, args.runs)
        non_kdf = r["decrypt"] + r["parse"] + r["render"]
        print(f"{n:>11} {r['kdf']:>7.3f} {r['decrypt']:>9.3f} {r['parse']:>8.3f} {r['render']:>8.3f} "
              f"{non_kdf:>9.3f} {r['baseline_json_loads']:>12.3f} {r['command_wall']:>10.3f} "
              f"{r['file_mb']:>8.1f}")
    v, py = bench_version(args.runs)
    print(f"credwallet --version: {v:.3f} s median (bare interpreter start: {py:.3f} s, "
          f"ratio {v / py:.2f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
