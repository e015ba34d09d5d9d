"""Property tests: monotonic progress and exact N-of-M matching."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathway_helpers import NOW, held, pw

from credwallet.pathways import evaluate
from credwallet.pathways.held import HeldCredential

TAGS = ["t0", "t1", "t2", "t3"]

leaf = st.builds(lambda t: {"tag": t}, st.sampled_from(TAGS))


def _group(children: st.SearchStrategy[list[dict[str, Any]]]) -> st.SearchStrategy[dict[str, Any]]:
    def make(kind: str, of: list[dict[str, Any]], n: int, credits: int) -> dict[str, Any]:
        if kind == "all":
            return {"type": "all", "of": of}
        if kind == "at_least":
            return {"type": "at_least", "count": min(n, len(of)), "of": of}
        return {"type": "credits", "credits": credits, "of": of}

    return st.builds(make, st.sampled_from(["all", "at_least", "credits"]), children,
                     st.integers(1, 3), st.integers(1, 8))


trees = st.recursive(leaf, lambda ch: _group(st.lists(ch, min_size=1, max_size=3)),
                     max_leaves=6)
cred = st.builds(
    lambda tags, credits, status: (sorted(set(tags)), credits, status),
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=3),
    st.one_of(st.none(), st.integers(0, 4)),
    st.sampled_from(["verified", "verified", "verified", "revoked", "expired"]),
)


def make_held(specs: list[tuple[list[str], int | None, str]]) -> list[HeldCredential]:
    return [held(f"c{i}", tags=tags, credits_available=credits, status=status)  # type: ignore[arg-type]
            for i, (tags, credits, status) in enumerate(specs)]


def score(pathway: Any, creds: list[HeldCredential]) -> tuple[bool, float]:
    p = evaluate(pathway, creds, NOW)
    return p.complete, p.progress


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(trees, min_size=1, max_size=3), st.lists(cred, max_size=5),
       st.lists(st.sampled_from(TAGS), min_size=1, max_size=3), st.integers(0, 4))
def test_adding_a_verified_match_never_lowers_progress(
        reqs: list[dict[str, Any]], specs: list[Any], new_tags: list[str], credits: int) -> None:
    pathway = pw(reqs)
    before = make_held(specs)
    after = [*before, held("new", tags=sorted(set(new_tags)), credits_available=credits)]
    c0, p0 = score(pathway, before)
    c1, p1 = score(pathway, after)
    assert p1 + 1e-9 >= p0
    assert c1 or not c0


@SETTINGS
@given(st.lists(trees, min_size=1, max_size=3), st.lists(cred, min_size=1, max_size=5),
       st.data())
def test_removing_a_credential_never_raises_progress(
        reqs: list[dict[str, Any]], specs: list[Any], data: st.DataObject) -> None:
    pathway = pw(reqs)
    creds = make_held(specs)
    drop = data.draw(st.integers(0, len(creds) - 1))
    fewer = creds[:drop] + creds[drop + 1:]
    c0, p0 = score(pathway, creds)
    c1, p1 = score(pathway, fewer)
    assert p1 <= p0 + 1e-9
    assert c0 or not c1


def _distinct_matches(leaves: list[str], creds: list[HeldCredential], n: int) -> bool:
    """Brute force: do n leaves have n distinct verified credentials matching them?"""
    ok = [c for c in creds if c.status == "verified"]
    for chosen in itertools.combinations(range(len(leaves)), n):
        for perm in itertools.permutations(ok, n):
            if all(leaves[i] in perm[k].view.achievement.tags for k, i in enumerate(chosen)):
                return True
    return False


@SETTINGS
@given(st.lists(st.sampled_from(TAGS), min_size=1, max_size=4), st.integers(1, 4),
       st.lists(cred, max_size=5))
def test_n_of_m_satisfied_exactly_when_n_distinct_matches(
        leaves: list[str], n: int, specs: list[Any]) -> None:
    n = min(n, len(leaves))
    pathway = pw([{"type": "at_least", "count": n, "of": [{"tag": t} for t in leaves]}])
    creds = make_held(specs)
    assert evaluate(pathway, creds, NOW).complete == _distinct_matches(leaves, creds, n)
