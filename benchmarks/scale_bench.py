"""Everyday commands at any wallet size (issue 15): the same commands on a wallet of 10 and one
of 10,000 reference-issued credentials, in the same run, each a new `credwallet` process with
the real KDF.

    .venv/bin/python -m benchmarks.scale_bench [--quick] [--runs 5] [--size 10000]

Both wallets are made the way a person would make them: `credwallet init`, `credwallet import`
of one file per credential (eddsa-rdfc-2022 credentials issued by the Node reference,
tests/interop/, else by credwallet's own signer), and the three bundled example pathways.
Reported (medians; peak RSS is the largest of the runs, from os.wait4 of each child):

  * import of every file in one command (time, peak RSS), beside the same import by
    credwallet as it was before the work on issue 15 (BEFORE_REV, from git), in the same run;
  * `show ID`, `list --json`, `list` (human, piped, 120 columns), `progress --json` on both
    wallets, each beside its target's baseline: show/list --json at the small size, human list
    and progress beside list --json at the large size;
  * `verify --all` (full mode only: it is the slow one).

`--quick` uses 1,000 credentials and 3 runs (the ratios then say less).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Row, emit_rows, median

REPO = Path(__file__).resolve().parent.parent
PW = "benchmark passphrase"
# The last commit before the work on issue 15: its import is timed in the same run (below).
BEFORE_REV = "dd121f4"


def credentials(count: int) -> list[bytes]:
    from benchmarks.verify_bench import OUT, make_credentials, node_ready

    for cached in sorted(OUT.glob("credentials-*.json")):
        size = cached.stem.rpartition("-")[2]
        if size.isdigit() and int(size) >= count:  # issuing 10,000 takes the reference ~2 min
            return [json.dumps(d).encode() for d in json.loads(cached.read_text())[:count]]
    docs, _issuer = make_credentials(count, node_ready())
    return docs


def run(args: list[str], env: dict[str, str], *, stdout: int | None = subprocess.DEVNULL,
        ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one `credwallet ARGS` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "credwallet", *args], env=env,
                            stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"credwallet {' '.join(args[:3])} exited {code}: {err[-500:]}")
    return wall, usage.ru_maxrss / 1024


def write_files(docs: list[bytes], n: int, root: Path) -> list[str]:
    files = root / f"files-{n}"
    files.mkdir(exist_ok=True)
    paths = []
    for i, doc in enumerate(docs[:n]):
        p = files / f"c{i:05d}.json"
        p.write_bytes(doc)
        paths.append(str(p))
    return paths


def env_for(home: Path, src: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, CREDWALLET_HOME=str(home), CREDWALLET_PASSPHRASE=PW, COLUMNS="120")
    env.pop("CREDWALLET_INSECURE_TEST_KDF", None)  # the real KDF parameters
    if src is not None:  # another credwallet's source tree first on the path
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    return env


def import_before(paths: list[str], root: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of the same import by credwallet as it was at BEFORE_REV."""
    src = root / "before"
    src.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", BEFORE_REV, "src"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    env = env_for(root / "home-before", src / "src")
    run(["init", "--allow-weak-passphrase"], env)
    return run(["import", *paths], env)


class Wallet:
    """A wallet home made by the real CLI, holding `n` imported credentials."""

    def __init__(self, n: int, docs: list[bytes], root: Path) -> None:
        self.n = n
        self.home = root / f"home-{n}"
        self.paths = write_files(docs, n, root)
        self.env = env_for(self.home)
        run(["init", "--allow-weak-passphrase"], self.env)
        self.import_s, self.import_mib = run(["import", *self.paths], self.env)
        for example in sorted((REPO / "examples" / "pathways").iterdir()):
            run(["pathway", "add", str(example)], self.env)
        out = subprocess.run([sys.executable, "-m", "credwallet", "list", "--json"],
                             env=self.env, capture_output=True, check=True).stdout
        ids = [r["id"] for r in json.loads(out)["credentials"]]
        assert len(ids) == n, f"{len(ids)} of {n} imported"
        self.some_id = ids[len(ids) // 2]

    def timed(self, args: list[str], runs: int, **kw: object) -> tuple[float, float]:
        walls, peaks = [], []
        for _ in range(runs):
            wall, peak = run(args, self.env, **kw)  # type: ignore[arg-type]
            walls.append(wall)
            peaks.append(peak)
        return median(walls), max(peaks)


COMMANDS: dict[str, Callable[[Wallet], list[str]]] = {
    "show": lambda w: ["show", w.some_id, "--json"],
    "list --json": lambda w: ["list", "--json"],
    "list (human)": lambda w: ["list"],
    "progress --json": lambda w: ["progress", "--json"],
}


def rows(size: int, runs: int, with_verify: bool) -> list[Row]:
    docs = credentials(size)
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cw-scale-") as tmp:
        small, big = Wallet(10, docs, Path(tmp)), Wallet(size, docs, Path(tmp))
        before_s, before_mib = import_before(big.paths, Path(tmp))
        out.append(Row("scale", f"import {size:,} files, one command", big.import_s, "s",
                       f"the same import at {BEFORE_REV}", before_s, "ratio <= 0.5 (2x faster)"))
        out.append(Row("scale", f"import {size:,} files: peak RSS", big.import_mib, "MiB",
                       f"the same import at {BEFORE_REV}", before_mib))
        figures: dict[tuple[str, int], tuple[float, float]] = {}
        for name, argv in COMMANDS.items():
            for w in (small, big):
                figures[name, w.n] = w.timed(argv(w), runs)
        n = f"{size:,}"
        t = {k: v[0] for k, v in figures.items()}
        out += [
            Row("scale", f"show at {n}", t["show", size], "s", "show at 10", t["show", 10],
                "ratio <= 1.5"),
            Row("scale", f"list --json at {n}", t["list --json", size], "s", "list --json at 10",
                t["list --json", 10], "ratio <= 2"),
            Row("scale", f"list (human, piped) at {n}", t["list (human)", size], "s",
                f"list --json at {n}", t["list --json", size], "ratio <= 1.5"),
            Row("scale", f"progress --json at {n}", t["progress --json", size], "s",
                f"list --json at {n}", t["list --json", size], "ratio <= 1.5"),
            Row("scale", "progress --json at 10", t["progress --json", 10], "s"),
            Row("scale", f"show at {n}: peak RSS", figures["show", size][1], "MiB",
                target="<= 250 MiB"),
            Row("scale", f"list --json at {n}: peak RSS", figures["list --json", size][1], "MiB",
                target="<= 250 MiB"),
            Row("scale", f"list (human) at {n}: peak RSS", figures["list (human)", size][1],
                "MiB", target="<= 250 MiB"),
            Row("scale", f"wallet file at {n}", (big.home / "wallet.cwlt").stat().st_size / 1e6,
                "MB"),
        ]
        if with_verify:
            wall, peak = big.timed(["verify", "--all", "--json"], 1, ok=(0, 1))
            out.append(Row("scale", f"verify --all at {n}", wall, "s"))
            out.append(Row("scale", f"verify --all at {n}: peak RSS", peak, "MiB"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--report", default=None, help="write the rows as JSON here")
    ap.add_argument("--quick", action="store_true", help="1,000 credentials, 3 runs")
    ap.add_argument("--no-verify", action="store_true", help="skip verify --all")
    args = ap.parse_args()
    size, runs = (1_000, 3) if args.quick else (args.size, args.runs)
    emit_rows(rows(size, runs, with_verify=not (args.quick or args.no_verify)), args.report)


if __name__ == "__main__":
    main()
