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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "a", "all", "at_least", "credits", "pathway", "credential", "x",
                       "ce-11111111-2222-4333-8444-555555555501"]),
    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(
        st.sampled_from(["name", "type", "of", "count", "credits", "tag", "requirements",
                         "pathway", "id", "achievement_id", "alignment", "target_code",
                         "allow_reuse", "valid_within_years"]), ch, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_document_is_a_pathway_or_a_pathway_error(doc: Any) -> None:
    from credwallet.errors import PathwayError
    from credwallet.pathways.loader import pathway_from_dict

    try:
        p = pathway_from_dict(doc, "fuzz")
    except PathwayError as exc:
        assert exc.message.startswith("fuzz")
    else:
        evaluate(p, [held("c", tags=["a", "x"])], NOW)


ctdl_keys = ["@id", "@type", "ceterms:name", "ceterms:hasChild", "ceterms:hasCondition",
             "ceterms:targetComponent", "ceterms:requiredNumber", "ceterms:proxyFor",
             "ceterms:hasDestinationComponent", "ceterms:creditValue", "ceterms:hasConstraint",
             "ceterms:leftSource", "ceterms:rightSource"]
ctdl_refs = st.sampled_from(["n1", "n2", "n3", "https://credentialengineregistry.org/resources/"
                             "ce-11111111-2222-4333-8444-555555555501", "ceterms:creditValue",
                             "ceterms:Pathway", "ceterms:CourseComponent", "3", "-1"])
ctdl_values = st.recursive(
    ctdl_refs | st.integers(-2, 4) | st.dictionaries(st.sampled_from(["en-US", "@id"]), ctdl_refs,
                                                     max_size=1),
    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.sampled_from(ctdl_keys), ch,
                                                          max_size=4),
    max_leaves=10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries(
    {"@id": st.sampled_from(["n1", "n2", "n3"]),
     "@type": st.sampled_from(["ceterms:Pathway", "ceterms:CourseComponent",
                               "ceterms:ComponentCondition"])},
    optional={k: ctdl_values for k in ctdl_keys[2:]}), max_size=4))
def test_any_ctdl_graph_imports_or_fails_clearly(graph: list[dict[str, Any]]) -> None:
    from credwallet.errors import PathwayError
    from credwallet.pathways.ctdl import pathway_from_ctdl

    try:
        p = pathway_from_ctdl({"@graph": graph}, "fuzz.jsonld")
    except PathwayError as exc:
        assert "fuzz.jsonld" in exc.message
    else:
        evaluate(p, [], NOW)
