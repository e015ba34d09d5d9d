"""Containers (CLR, presentations): each contained credential is verified on its own.
"""

from __future__ import annotations

from collections.abc import Callable

from credwallet.formats import Family, spec
from credwallet.ingest import Recognised
from credwallet.models import Check, CheckName, VerificationResult
from credwallet.verify.env import MAX_DEPTH, Env

ChildVerifier = Callable[[Recognised, Env], VerificationResult]

def nested(rec: Recognised, env: Env, verify: ChildVerifier) -> list[VerificationResult]:
    results: list[VerificationResult] = []
    for child in rec.children:
        if env.depth >= MAX_DEPTH:
            results.append(
                VerificationResult.from_checks(
                    [Check(check=CheckName.FORMAT, status="failed", detail="credentials nested too deeply")],
                    checked_at=env.now,
                    format=child.format,
                )
            )
            continue
        res = verify(child, env.deeper())
        doc = child.document if isinstance(child.document, dict) else {}
        res.source = doc.get("id") if isinstance(doc.get("id"), str) else None
        results.append(res)
    return results

def nested_check(nested: list[VerificationResult], fmt: str, *, signed: bool = True) -> Check:
    """`signed`: the container's own proof verified. An empty CLR, or an empty presentation
    nobody signed, establishes nothing at all: that fails; a signed empty presentation (the
    holder authenticating) only warns."""
    if not nested:
        empty_ok = spec(fmt).family is not Family.CLR and signed
        return Check(check=CheckName.NESTED, status="warning" if empty_ok else "failed",
                     detail="contains no credentials")
    bad = [r for r in nested if not r.verified]
    if bad:
        names = ", ".join((r.source or f"#{nested.index(r) + 1}") for r in bad[:5])
        return Check(
            check=CheckName.NESTED,
            status="failed",
            detail=f"{len(bad)} of {len(nested)} contained credential(s) did not verify: {names}",
        )
    return Check(
        check=CheckName.NESTED,
        status="passed",
        detail=f"all {len(nested)} contained credential(s) verified",
    )
