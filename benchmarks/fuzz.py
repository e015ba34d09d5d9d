"""Long fuzzing run over every target of tests/fuzz/harness.py; reports inputs per second and findings.

    .venv/bin/python benchmarks/fuzz.py --minutes 30              # every target, time shared
    .venv/bin/python benchmarks/fuzz.py --minutes 5 --target resigned-jwt --target fetch
    .venv/bin/python benchmarks/fuzz.py --engine hypothesis       # force the fallback engine

Engines: `atheris` (coverage-guided libFuzzer, one subprocess per target, the harness's
structure-aware mutators as its custom mutator; `pip install '.[fuzz]'`) when it imports,
else `hypothesis` (derandomize off, no example database, batches until the time is up).
`random` runs the same mutators without either, the cheapest loop.

Each new crash (an exception other than a clean CredwalletError, an exit code outside the
contract, a timeout past 5 s, a memory peak past the cap) is written to tests/fuzz/findings/
as `<target>-<sha>.bin` (the input) and `.txt` (summary, replay command, traceback); one file
per distinct crash site. Add the minimal reproducer to tests/fuzz/corpus/<target>/ and a strict
xfail to tests/fuzz/test_findings.py. The run exits 1 when it found anything new.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]

MEMORY_EVERY = 16  # tracemalloc (slow) on one input in this many


def _known_signatures(findings: Path) -> set[str]:
    out = set()
    for txt in findings.glob("*.txt"):
        fields = dict(line.split(": ", 1) for line in txt.read_text(encoding="utf-8").splitlines()[:3]
                      if ": " in line)
        if {"target", "kind", "summary"} <= set(fields):
            out.add(f"{fields['target']}|{fields['kind']}|{fields['summary'].split(': ', 1)[0]}")
    return out


class Recorder:
    """Counts inputs and writes each new distinct finding once."""

    def __init__(self, target: str, findings: Path, stats: Path | None = None) -> None:
        self.target, self.findings, self.stats = target, findings, stats
        from tests.fuzz.test_findings import known_signatures

        # Already reported: earlier runs' files, and the strict xfails of test_findings.py.
        self.known = _known_signatures(findings) | known_signatures()
        self.inputs = 0
        self.new: list[str] = []
        self.kinds: dict[str, int] = {}
        self.started = time.monotonic()
        self._flushed = 0.0

    def run(self, data: bytes) -> None:
        from tests.fuzz.harness import MEMORY_CAP, TARGETS, check

        self.inputs += 1
        cap = MEMORY_CAP if self.inputs % MEMORY_EVERY == 0 else None
        finding = check(TARGETS[self.target], data, memory_cap=cap)
        if finding is not None:
            self.kinds[finding.kind] = self.kinds.get(finding.kind, 0) + 1
            if finding.signature not in self.known:
                self.known.add(finding.signature)
                path = finding.write(self.findings)
                self.new.append(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
                                f"{finding.summary}")
                print(f"  NEW {finding.summary} -> {path}", flush=True)
        if self.stats is not None and time.monotonic() - self._flushed > 2:
            self.flush()

    def flush(self) -> None:
        self._flushed = time.monotonic()
        if self.stats is not None:
            self.stats.write_text(json.dumps(self.row()), encoding="utf-8")

    def row(self) -> dict[str, Any]:
        return {"target": self.target, "inputs": self.inputs, "seconds": time.monotonic() - self.started,
                "new": self.new, "kinds": self.kinds}


# --- engines ------------------------------------------------------------------------------------


def run_random(target: str, seconds: float, findings: Path, seed: int) -> dict[str, Any]:
    from tests.fuzz.harness import TARGETS, generate

    rec = Recorder(target, findings)
    t = TARGETS[target]
    pool = t.seeds()
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rec.run(generate(t, rng, pool))
    return rec.row()


def run_hypothesis(target: str, seconds: float, findings: Path, seed: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from tests.fuzz.harness import TARGETS, generate

    rec = Recorder(target, findings)
    t = TARGETS[target]
    pool = t.seeds()
    deadline = time.monotonic() + seconds

    @given(rnd=st.randoms(use_true_random=False))
    @settings(max_examples=50, deadline=None, database=None, derandomize=False,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    def batch(rnd: random.Random) -> None:
        rec.run(generate(t, rnd, pool))  # records, never fails: the run goes on

    while time.monotonic() < deadline:
        batch()
    return rec.row()


def atheris_worker(target: str, seconds: float, findings: Path, stats: Path, corpus: Path) -> None:
    """Inside the subprocess: instrument credwallet, then hand control to libFuzzer."""
    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

    with atheris.instrument_imports(include=["credwallet"]):
        from tests.fuzz import harness

        import credwallet  # noqa: F401

        t = harness.TARGETS[target]
        seeds = t.seeds()
        for data in seeds:  # imports every module the target reaches, under instrumentation
            harness.check(t, data)
    for i, data in enumerate([*seeds, *(p.read_bytes() for p in harness.target_corpus(t))]):
        (corpus / f"seed-{i:04d}").write_bytes(data)
    rec = Recorder(target, findings, stats)

    def test_one(data: bytes) -> None:
        rec.run(data)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if not data or rng.random() < 0.2:
            return bytes(atheris.Mutate(data, max_size))
        try:
            out = t.mutate(data, rng)
        except Exception:
            out = bytes(atheris.Mutate(data, max_size))
        return out[:max_size]

    argv = [sys.argv[0], f"-max_total_time={max(1, int(seconds))}", "-max_len=2000000", "-timeout=0",
            "-rss_limit_mb=4096", "-print_final_stats=1", f"-seed={random.randrange(1, 2**31)}",
            str(corpus)]
    import atexit

    atexit.register(rec.flush)
    atheris.Setup(argv, test_one, custom_mutator=mutator)
    atheris.Fuzz()


def run_atheris(target: str, seconds: float, findings: Path, seed: int) -> dict[str, Any]:
    del seed
    with tempfile.TemporaryDirectory(prefix="cw-atheris-") as tmp:
        stats = Path(tmp) / "stats.json"
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--target", target,
               "--seconds", str(seconds), "--findings", str(findings), "--stats", str(stats),
               "--corpus", str(corpus)]
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=seconds + 300)
        try:
            row: dict[str, Any] = json.loads(stats.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            row = {"target": target, "inputs": 0, "seconds": time.monotonic() - started, "new": [],
                   "kinds": {}}
        if proc.returncode not in (0, 1):
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            row["new"] = [*row.get("new", []), f"atheris worker exited {proc.returncode}: "
                          + " / ".join(tail)]
        row["corpus"] = len(list(corpus.iterdir()))
        return row


ENGINES = {"random": run_random, "hypothesis": run_hypothesis, "atheris": run_atheris}


def _have_atheris() -> bool:
    import importlib.util

    return importlib.util.find_spec("atheris") is not None


def main() -> int:
    from tests.fuzz.harness import FINDINGS, TARGETS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="total time, shared by the targets")
    ap.add_argument("--target", action="append", choices=sorted(TARGETS), help="repeatable; default all")
    ap.add_argument("--engine", choices=["auto", *ENGINES], default="auto")
    ap.add_argument("--findings", type=Path, default=FINDINGS)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--report", default=None, help="write the rows as JSON")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seconds", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        atheris_worker(args.target[0], args.seconds, args.findings, args.stats, args.corpus)
        return 0
    engine = args.engine if args.engine != "auto" else ("atheris" if _have_atheris() else "hypothesis")
    targets = args.target or sorted(TARGETS)
    seconds = args.minutes * 60 / len(targets)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"fuzzing {len(targets)} target(s), {seconds:.0f} s each, engine {engine}, seed {seed}", flush=True)
    rows = []
    for name in targets:
        print(f"== {name}", flush=True)
        row = ENGINES[engine](name, seconds, args.findings, seed)
        row["engine"] = engine
        rows.append(row)
    print()
    print(f"credwallet fuzzing, {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, engine {engine}")
    print(f"{'target':<16} {'seconds':>8} {'inputs':>9} {'inputs/s':>9} {'crashes':>8} {'new':>4}")
    for r in rows:
        rate = r["inputs"] / r["seconds"] if r["seconds"] else 0.0
        print(f"{r['target']:<16} {r['seconds']:>8.0f} {r['inputs']:>9} {rate:>9.1f} "
              f"{sum(r['kinds'].values()):>8} {len(r['new']):>4}")
    new = [n for r in rows for n in r["new"]]
    print(f"\nnew findings: {len(new)}" + "".join(f"\n  {n}" for n in new))
    if args.report:
        Path(args.report).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
