"""Benchmark: progress of 50 pathways over 10,000 held credentials (target < 1 s).

Views are built in memory (no wallet unlock, no signatures): what is measured is the
evaluator itself, index build included. Baselines on the same data:
* floor: one plain pass over every credential reading the fields leaves use;
* naive: every leaf scanning every credential with the same matcher (no index), measured
  on a few pathways and scaled up.

Run: .venv/bin/python benchmarks/pathways_bench.py [--credentials N] [--pathways N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from credwallet.models.view import AchievementView, Alignment, CredentialView, IssuerView
from credwallet.pathways.evaluate import Evaluator
from credwallet.pathways.held import HeldCredential
from credwallet.pathways.match import matches
from credwallet.pathways.model import CredentialRequirement, Pathway

NOW = datetime(2026, 11, 28, tzinfo=UTC)
N_ACH = 2_000
N_TAGS = 120
N_ISSUERS = 25
REG = "https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-"


def ach_id(i: int) -> str:
    return f"https://issuer{i % N_ISSUERS}.example.edu/achievements/{i}"


def make_held(n: int, rng: random.Random) -> list[HeldCredential]:
    out = []
    statuses = ["verified"] * 17 + ["expired", "revoked", "failed"]
    for k in range(n):
        i = rng.randrange(N_ACH)
        view = CredentialView(
            wallet_id=f"w{k}", format="ob3-ldp", name=f"Achievement {i}",
            issuer=IssuerView(id=f"https://issuer{i % N_ISSUERS}.example.edu",
                              name=f"Issuer {i % N_ISSUERS}"),
            achievement=AchievementView(
                id=ach_id(i), name=f"Achievement {i}",
                achievement_type=rng.choice(["Badge", "Course", "Certificate"]),
                credits_available=rng.choice([None, 1, 2, 3, 4]),
                tags=[f"tag{rng.randrange(N_TAGS)}" for _ in range(rng.randrange(1, 4))],
                alignments=[Alignment(target_code=f"SK-{i % 400}", target_framework="Skills",
                                      target_url=f"{REG}{i:012d}")],
                related=[ach_id((i + 1) % N_ACH)] if i % 7 == 0 else [],
            ),
            issued=f"20{rng.randrange(18, 26)}-0{rng.randrange(1, 10)}-15T00:00:00Z",
        )
        status: Any = rng.choice(statuses)
        out.append(HeldCredential(id=f"w{k}", view=view, status=status,
                                  reason=None if status == "verified" else status))
    return out


def leaf(rng: random.Random) -> dict[str, Any]:
    i = rng.randrange(N_ACH)
    kind = rng.randrange(8)
    if kind == 0:
        return {"tag": f"tag{rng.randrange(N_TAGS)}", "achievement_type": "Course"}
    if kind == 1:
        return {"alignment": {"target_code": f"SK-{i % 400}", "target_framework": "Skills"}}
    if kind == 2:
        return {"ctid": f"{REG}{i:012d}"}
    if kind == 3:
        return {"name_pattern": f"achievement {i // 10}?"}
    if kind == 4:
        return {"related_to": ach_id(i)}
    if kind == 5:
        return {"issuer_id": f"https://issuer{i % N_ISSUERS}.example.edu",
                "tag": f"tag{rng.randrange(N_TAGS)}", "valid_within_years": 5}
    return {"achievement_id": [ach_id(i), ach_id((i + 3) % N_ACH)]}


def make_pathways(n: int, rng: random.Random) -> list[Pathway]:
    out: list[Pathway] = []
    for p in range(n):
        reqs: list[dict[str, Any]] = [
            {"type": "all", "of": [leaf(rng) for _ in range(4)]},
            {"type": "at_least", "count": 2, "of": [leaf(rng) for _ in range(5)]},
            {"type": "credits", "credits": 12, "of": [
                {"tag": f"tag{rng.randrange(N_TAGS)}", "credits": 1} for _ in range(3)]},
        ]
        if p >= 5 and p % 5 == 0:
            reqs.append({"pathway": f"bench-{p - 5}"})
        out.append(Pathway.model_validate({"name": f"bench-{p}", "requirements": reqs}))
    return out


def run_once(pathways: list[Pathway], held: list[HeldCredential]) -> tuple[float, float]:
    """(wall seconds, CPU seconds): CPU time is the fairer figure on a busy shared machine."""
    t0, c0 = time.perf_counter(), time.process_time()
    ev = Evaluator(held, NOW, {p.name: p for p in pathways})
    results = [ev.evaluate(p) for p in pathways]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert len(results) == len(pathways)
    return elapsed, cpu


def floor(held: list[HeldCredential]) -> float:
    t0 = time.perf_counter()
    n = 0
    for h in held:
        a = h.view.achievement
        n += len(a.tags) + len(a.alignments) + len(a.related) + (a.id is not None)
        n += h.view.issuer.id is not None
    assert n > 0
    return time.perf_counter() - t0


def leaves_of(nodes: list[Any]) -> list[CredentialRequirement]:
    out: list[CredentialRequirement] = []
    for n in nodes:
        if isinstance(n, CredentialRequirement):
            out.append(n)
        elif hasattr(n, "of"):
            out.extend(leaves_of(n.of))
    return out


def naive(pathways: list[Pathway], held: list[HeldCredential]) -> float:
    t0 = time.perf_counter()
    for p in pathways:
        for lf in leaves_of(list(p.requirements)):
            _ = [h for h in held if matches(lf, h.view)]
    return time.perf_counter() - t0


def view_building(n: int) -> float:
    """CPU seconds to turn n stored OB 3.0 JSON credentials into held credentials, as
    `credwallet progress` does after unlocking (JSON parsing + credential_view)."""
    import json

    from credwallet.models import Check, StoredCredential, VerificationResult, WalletData
    from credwallet.pathways.store import held_credentials
    from credwallet.wallet.holder import new_wallet

    wallet: WalletData = new_wallet(NOW)
    ok = VerificationResult(verified=True, checked_at=NOW,
                            checks=[Check(check="proof", status="passed")])
    for k in range(n):
        i = k % N_ACH
        doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": f"urn:uuid:{k}",
               "type": ["VerifiableCredential", "OpenBadgeCredential"],
               "issuer": {"id": f"https://issuer{i % N_ISSUERS}.example.edu", "name": "I"},
               "validFrom": "2025-01-01T00:00:00Z", "name": f"Achievement {i}",
               "credentialSubject": {"achievement": {
                   "id": ach_id(i), "name": f"Achievement {i}", "tag": [f"tag{i % N_TAGS}"],
                   "alignment": [{"targetCode": f"SK-{i % 400}", "targetFramework": "Skills"}],
                   "creditsAvailable": 3}}}
        wallet.credentials.append(StoredCredential(
            id=f"s{k}", format="ob3-ldp", raw=json.dumps(doc), source="bench",
            imported_at=NOW, verification=ok))
    c0 = time.process_time()
    held = held_credentials(wallet, NOW)
    assert len(held) == n
    return time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--credentials", type=int, default=10_000)
    ap.add_argument("--pathways", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--report", default=None, help="write rows as JSON (benchmarks/run.py)")
    ap.add_argument("--quick", action="store_true", help="3 runs")
    args = ap.parse_args()
    if args.quick:
        args.runs = 3
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    held = make_held(args.credentials, rng)
    pathways = make_pathways(args.pathways, rng)
    setup = time.perf_counter() - t0
    n_leaves = sum(len(leaves_of(list(p.requirements))) for p in pathways)
    runs = [run_once(pathways, held) for _ in range(args.runs)]
    times = [w for w, _ in runs]
    med = statistics.median(times)
    cpu = statistics.median(c for _, c in runs)
    base = statistics.median(floor(held) for _ in range(args.runs))
    sample = pathways[:5]
    naive_est = naive(sample, held) * len(pathways) / len(sample)
    print(f"data: {args.credentials} credentials, {args.pathways} pathways, {n_leaves} leaves "
          f"(built in {setup:.2f} s, not measured)")
    print(f"evaluate all pathways: median {med * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); target < 1000 ms: "
          f"{'PASS' if med < 1.0 else 'FAIL'}")
    print(f"  CPU time: median {cpu * 1000:.0f} ms (wall time above includes waiting for "
          "the CPU when the machine is busy)")
    print(f"baseline, one plain pass over the credentials: {base * 1000:.1f} ms")
    print(f"baseline, naive per-leaf scan without index (estimated from {len(sample)} "
          f"pathways): {naive_est * 1000:.0f} ms")
    views = view_building(args.credentials)
    print(f"not in the target, for reference: building the {args.credentials} views from "
          f"stored JSON (what `progress` does before evaluating): {views * 1000:.0f} ms CPU")
    if args.report:
        from benchmarks.common import Row, emit_rows

        n = f"{args.pathways} pathways x {args.credentials:,} creds"
        emit_rows([
            Row("pathways", f"{n}: evaluate (wall)", med, "s", "one plain pass over the creds", base,
                "< 1 s"),
            Row("pathways", f"{n}: evaluate (CPU)", cpu, "s", "naive per-leaf scan (estimated)",
                naive_est),
            Row("pathways", f"build {args.credentials:,} views from stored JSON", views, "s"),
        ], args.report)


if __name__ == "__main__":
    main()
