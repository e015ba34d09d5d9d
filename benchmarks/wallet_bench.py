"""Wallet unlock and `list --json` at 1,000 and 10,000 credentials; `--version` start-up.

Prints wall time split into KDF, decrypt, parse and render, plus peak memory, each beside a
same-run baseline (plain json.loads of the same payload). Medians over several runs.

    .venv/bin/python benchmarks/wallet_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row, emit_rows, median
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
        peak = 0.0
        for _ in range(runs):
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "credwallet", "list", "--json"], env=env,
                                    stdout=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall.append(time.perf_counter() - t0)
            assert status == 0
            peak = max(peak, usage.ru_maxrss / 1024)
        size = store.path.stat().st_size
    return {"kdf": median(kdf), "decrypt": median(dec), "parse": median(parse),
            "render": median(render), "baseline_json_loads": median(baseline),
            "command_wall": median(wall), "file_mb": size / 1e6, "peak_mib": peak}


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


def rows(runs: int, sizes: list[int]) -> list[Row]:
    os.environ.pop("CREDWALLET_INSECURE_TEST_KDF", None)  # real KDF parameters
    out: list[Row] = []
    for n in sizes:
        r = bench_list(n, runs)
        non_kdf = r["decrypt"] + r["parse"] + r["render"]
        b = f"list {n:,}"
        out += [
            Row("wallet", f"{b}: KDF (Argon2id 64 MiB, t=3)", r["kdf"], "s"),
            Row("wallet", f"{b}: decrypt", r["decrypt"], "s"),
            Row("wallet", f"{b}: parse (pydantic)", r["parse"], "s", "json.loads of same payload",
                r["baseline_json_loads"]),
            Row("wallet", f"{b}: render JSON", r["render"], "s"),
            Row("wallet", f"{b}: all but KDF", non_kdf, "s", target="< 0.5 s at 10,000"),
            Row("wallet", f"{b}: whole command (new process)", r["command_wall"], "s"),
            Row("wallet", f"{b}: peak RSS of the command", r["peak_mib"], "MiB"),
            Row("wallet", f"{b}: wallet file size", r["file_mb"], "MB"),
        ]
    v, py = bench_version(runs)
    out.append(Row("wallet", "credwallet --version", v, "s", "python -c pass", py, "< 0.2 s"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--report", default=None, help="write the rows as JSON here")
    ap.add_argument("--quick", action="store_true", help="3 runs, 1,000 credentials only")
    args = ap.parse_args()
    runs, sizes = (3, "1000") if args.quick else (args.runs, args.sizes)
    emit_rows(rows(runs, [int(x) for x in sizes.split(",")]), args.report)


if __name__ == "__main__":
    main()
