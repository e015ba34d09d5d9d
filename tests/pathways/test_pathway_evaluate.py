"""Evaluation: matchers, groups, credits, counting rules, stacking, cycles."""

from __future__ import annotations

import pytest
from pathway_helpers import NOW, held, pw

from credwallet.pathways import evaluate
from credwallet.pathways.evaluate import evaluate_all


def node(progress, rid):  # type: ignore[no-untyped-def]
    stack = list(progress.requirements)
    while stack:
        n = stack.pop()
        if n.id == rid:
            return n
        stack.extend(n.requirements)
    raise KeyError(rid)


@pytest.mark.parametrize(("leaf", "cred", "ok"), [
    ({"achievement_id": "https://x.example/1"}, {"achievement_id": "https://x.example/1"}, True),
    ({"achievement_id": "https://x.example/1"}, {"achievement_id": "https://x.example/1/"}, True),
    ({"achievement_id": ["u:1", "u:2"]}, {"achievement_id": "u:2"}, True),
    ({"achievement_id": "u:1"}, {"achievement_id": "u:2"}, False),
    ({"name": "Intro to  SQL"}, {"name": "intro to sql"}, True),
    ({"name": "Intro to SQL"}, {"name": "Intro to SQL II"}, False),
    ({"name_pattern": "python*"}, {"name": "Python Foundations"}, True),
    ({"name_pattern": "python*"}, {"name": "Advanced Python"}, False),
    ({"name_regex": r"\bSQL\b"}, {"name": "Applied SQL"}, True),
    ({"name_regex": r"^SQL$"}, {"name": "Applied SQL"}, False),
    ({"issuer_id": "https://i.example"}, {"issuer_id": "https://i.example"}, True),
    ({"issuer_id": "https://i.example"}, {"issuer_id": "https://j.example"}, False),
    # A name is self-asserted: on its own it matches nothing, trusted issuer or not (#14).
    ({"issuer_name": "skills institute"}, {"issuer_name": "Skills Institute"}, False),
    ({"issuer_name": "skills institute"},
     {"issuer_name": "Skills Institute", "issuer_id": "https://i.example"}, False),
    # With issuer_id the name is only a label: the id decides, whatever name either gives.
    ({"issuer_id": "https://i.example", "issuer_name": "Old Name"},
     {"issuer_id": "https://i.example", "issuer_name": "New Name"}, True),
    ({"issuer_id": "https://i.example", "issuer_name": "Skills Institute"},
     {"issuer_id": "did:key:z6MkImpostor", "issuer_name": "Skills Institute"}, False),
    ({"achievement_type": "Certificate"}, {"achievement_type": "Certificate"}, True),
    ({"achievement_type": "Certificate"}, {"achievement_type": "Badge"}, False),
    ({"achievement_type": "MicroCredential"}, {"achievement_type": "ext:MicroCredential"}, True),
    ({"tag": "Elective"}, {"tags": ["elective", "data"]}, True),
    ({"tag": "elective"}, {"tags": ["core"]}, False),
    ({"related_to": "u:old"}, {"achievement_id": "u:new", "related": ["u:old"]}, True),
    ({"related_to": "u:old"}, {"achievement_id": "u:old"}, True),
    ({"related_to": "u:old"}, {"achievement_id": "u:new"}, False),
    ({"alignment": {"target_code": "DA.1", "target_framework": "Skills"}},
     {"alignments": [{"target_code": "da.1", "target_framework": "skills"}]}, True),
    ({"alignment": {"target_code": "DA.1", "target_framework": "Skills"}},
     {"alignments": [{"target_code": "DA.1", "target_framework": "Other"}]}, False),
    ({"alignment": {"target_url": "https://f.example/s/1"}},
     {"alignments": [{"target_url": "https://f.example/s/1"}]}, True),
    ({"ctid": "ce-8a1c1f4e-1b2c-4d3e-9f00-0a1b2c3d4e5f"},
     {"alignments": [{"target_url":
                      "https://credentialengineregistry.org/resources/ce-8a1c1f4e-1b2c-4d3e-9f00-0a1b2c3d4e5f"}]},
     True),
    ({"ctid": "https://credentialengineregistry.org/resources/ce-8a1c1f4e-1b2c-4d3e-9f00-0a1b2c3d4e5f"},
     {"alignments": [{"target_code": "ce-8a1c1f4e-1b2c-4d3e-9f00-0a1b2c3d4e5f",
                      "target_type": "ceterms:Credential"}]}, True),
    ({"ctid": "ce-8a1c1f4e-1b2c-4d3e-9f00-0a1b2c3d4e5f"},
     {"alignments": [{"target_code": "ce-00000000-1b2c-4d3e-9f00-0a1b2c3d4e5f"}]}, False),
    ({"tag": "data", "issuer_id": "https://i.example"},
     {"tags": ["data"], "issuer_id": "https://other.example"}, False),
])
def test_each_matcher(leaf: dict, cred: dict, ok: bool) -> None:
    prog = evaluate(pw([leaf]), [held("c1", **cred)], NOW)
    assert prog.complete is ok
    assert prog.requirements[0].matched_by == (["c1"] if ok else [])


def test_only_verified_count_and_reasons_are_shown() -> None:
    creds = [
        held("rev", achievement_id="u:a", status="revoked", reason="revoked: listed"),
        held("bad", achievement_id="u:a", status="failed", reason="failed verification (proof)"),
        held("unv", achievement_id="u:a", status="unverified", reason="not verified yet"),
        held("exp", achievement_id="u:a", status="expired", reason="expired on 2025-01-01"),
    ]
    prog = evaluate(pw([{"achievement_id": "u:a"}]), creds, NOW)
    assert not prog.complete
    n = prog.requirements[0]
    assert n.state == "missing"
    assert {c.id: c.status for c in n.not_counted} == {
        "rev": "revoked", "bad": "failed", "unv": "unverified", "exp": "expired"}
    assert "revoked" in next(c.reason for c in n.not_counted if c.id == "rev")
    assert any("does not count" in s.text for s in prog.next_steps)


def test_expired_counts_when_allowed_at_pathway_or_leaf() -> None:
    creds = [held("exp", achievement_id="u:a", status="expired")]
    assert evaluate(pw([{"achievement_id": "u:a"}], count_expired=True), creds, NOW).complete
    assert evaluate(pw([{"achievement_id": "u:a", "count_expired": True}]), creds, NOW).complete
    assert not evaluate(pw([{"achievement_id": "u:a", "count_expired": False}],
                           count_expired=True), creds, NOW).complete


def test_valid_within_years() -> None:
    old = held("old", achievement_id="u:a", issued="2019-01-01T00:00:00Z")
    new = held("new", achievement_id="u:a", issued="2025-01-01T00:00:00Z")
    p = pw([{"achievement_id": "u:a", "valid_within_years": 3}])
    assert not evaluate(p, [old], NOW).complete
    assert evaluate(p, [old], NOW).requirements[0].not_counted[0].status == "too_old"
    assert evaluate(p, [old, new], NOW).requirements[0].matched_by == ["new"]
    assert not evaluate(pw([{"achievement_id": "u:a"}], valid_within_years=2), [old], NOW).complete


def test_all_of_needs_distinct_credentials() -> None:
    # One credential tagged both ways cannot satisfy both leaves.
    c = held("c1", tags=["sql", "python"])
    p = pw([{"tag": "sql"}, {"tag": "python"}])
    prog = evaluate(p, [c], NOW)
    assert not prog.complete and prog.satisfied == 1 and prog.required == 2
    assert any(nc.status == "used_elsewhere" for r in prog.requirements for nc in r.not_counted)
    assert evaluate(pw([{"type": "all", "allow_reuse": True, "of": [{"tag": "sql"},
                                                                     {"tag": "python"}]}]),
                    [c], NOW).complete


def test_matching_beats_greedy() -> None:
    # Leaf A matches c1 and c2; leaf B matches only c1. Greedy A->c1 would fail B.
    c1 = held("c1", tags=["a", "b"])
    c2 = held("c2", tags=["a"])
    prog = evaluate(pw([{"id": "A", "tag": "a"}, {"id": "B", "tag": "b"}]), [c1, c2], NOW)
    assert prog.complete
    assert node(prog, "A").matched_by == ["c2"] and node(prog, "B").matched_by == ["c1"]


def test_at_least_n() -> None:
    p = pw([{"type": "at_least", "count": 2, "id": "el",
             "of": [{"tag": "x"}, {"tag": "y"}, {"tag": "z"}]}])
    assert not evaluate(p, [held("1", tags=["x"])], NOW).complete
    prog = evaluate(p, [held("1", tags=["x"])], NOW)
    assert node(prog, "el").state == "partial" and node(prog, "el").progress == 0.5
    assert evaluate(p, [held("1", tags=["x"]), held("2", tags=["z"])], NOW).complete
    # one credential carrying every tag still counts once
    assert not evaluate(p, [held("1", tags=["x", "y", "z"])], NOW).complete


def test_credit_sums_and_fallbacks() -> None:
    creds = [
        held("e", tags=["el"], credits_earned=4, credits_available=3),  # earned wins: 4
        held("a", tags=["el"], credits_available=3),                    # available: 3
        held("n", tags=["el"]),                                         # leaf assigns 2
    ]
    p = pw([{"type": "credits", "credits": 9, "id": "cr", "of": [{"tag": "el", "credits": 2}]}])
    prog = evaluate(p, creds, NOW)
    assert prog.complete
    assert prog.credits is not None and prog.credits.earned == 9 and prog.credits.required == 9
    prog = evaluate(p, creds[:2], NOW)
    assert not prog.complete and node(prog, "cr").state == "partial"
    assert node(prog, "cr").progress == pytest.approx(7 / 9)


def test_credit_sum_counts_each_credential_once() -> None:
    c = held("c", tags=["a", "b"], credits_available=5)
    p = pw([{"type": "credits", "credits": 10, "of": [{"tag": "a"}, {"tag": "b"}]}])
    prog = evaluate(p, [c], NOW)
    assert not prog.complete and prog.credits is not None and prog.credits.earned == 5


def test_group_and_leaf_share_pool_without_double_count() -> None:
    # The credits group could swallow the SQL badge; the SQL leaf must still get it and
    # the group take the two other electives.
    creds = [held("sql", tags=["sql", "el"], credits_available=3),
             held("e1", tags=["el"], credits_available=3),
             held("e2", tags=["el"], credits_available=3)]
    p = pw([{"id": "cr", "type": "credits", "credits": 6, "of": [{"tag": "el"}]},
            {"id": "sql", "tag": "sql"}])
    prog = evaluate(p, creds, NOW)
    assert prog.complete, prog.model_dump_json(indent=1)
    assert node(prog, "sql").matched_by == ["sql"]
    assert "sql" not in node(prog, "cr").matched_by


def test_stacked_pathway_and_credits() -> None:
    cert = pw([{"achievement_id": "u:a"}, {"achievement_id": "u:b"}], name="cert")
    degree = pw([{"type": "credits", "credits": 15, "id": "cr", "of": [
        {"type": "pathway", "pathway": "cert", "credits": 12}, {"tag": "el"}]}], name="degree")
    creds = [held("a", achievement_id="u:a", tags=["el"], credits_available=3),
             held("b", achievement_id="u:b"), held("e", tags=["el"], credits_available=3)]
    progs = {p.name: p for p in evaluate_all([cert, degree], creds, NOW)}
    assert progs["cert"].complete
    d = progs["degree"]
    assert d.complete
    # 'a' completed the certificate; it is not counted again as an elective
    assert d.credits is not None and d.credits.earned == 15
    assert not evaluate_all([cert, degree], creds[:2], NOW)[1].complete


def test_unknown_and_cyclic_pathways_are_reported() -> None:
    a = pw([{"pathway": "b"}], name="a")
    b = pw([{"pathway": "a"}], name="b")
    out = evaluate_all([a, b], [], NOW)
    assert not out[0].complete
    assert any("cycle" in p for p in out[0].problems)
    lone = evaluate(pw([{"pathway": "ghost"}], name="x"), [], NOW, {})
    assert "unknown pathway" in lone.problems[0]


def test_top_level_count_and_next_steps_with_criteria_links() -> None:
    p = pw([{"achievement_id": "u:a", "criteria_url": "https://x.example/a"},
            {"achievement_id": "u:b"}, {"achievement_id": "u:c"}], count=2)
    prog = evaluate(p, [held("a", achievement_id="u:a")], NOW)
    assert prog.required == 2 and prog.satisfied == 1 and not prog.complete
    steps = prog.next_steps
    assert steps[0].text.startswith("complete 1 more of the options")
    assert {s.requirement for s in steps} >= {"r2", "r3"}
    p2 = pw([{"achievement_id": "u:a", "criteria_url": "https://x.example/a"}])
    assert evaluate(p2, [], NOW).next_steps[0].url == "https://x.example/a"


def test_contract_shape() -> None:
    p = pw([{"achievement_id": "u:a"}, {"type": "at_least", "count": 1, "of": [{"tag": "t"}]}])
    doc = evaluate(p, [held("a", achievement_id="u:a")], NOW).contract_dict()
    for key in ("name", "complete", "satisfied", "required", "credits", "requirements"):
        assert key in doc
    assert doc["credits"] is None
    for n in doc["requirements"]:
        assert isinstance(n["satisfied"], bool) and isinstance(n["matched_by"], list)
    assert doc["requirements"][1]["requirements"][0]["matched_by"] == []


def test_expiry_is_rechecked_against_now() -> None:
    from credwallet.models import Check, VerificationResult
    from credwallet.pathways.held import status_of

    c = held("x", achievement_id="u:a", expires="2026-01-01T00:00:00Z")
    ok = VerificationResult(verified=True, checked_at=NOW, checks=[Check(check="proof",
                                                                          status="passed")])
    assert status_of(ok, c.view, NOW)[0] == "expired"
    rev = VerificationResult.from_checks([Check(check="revocation", status="failed",
                                                detail="revoked: bit 3 is set")], checked_at=NOW)
    assert status_of(rev, c.view, NOW) == ("revoked", "revoked: bit 3 is set")
    # A status that could not be established is a failure, not a revocation nobody declared.
    unknown = VerificationResult.from_checks([Check(check="revocation", status="failed",
                                                    detail="Status List Token has expired")],
                                             checked_at=NOW)
    assert status_of(unknown, c.view, NOW) == (
        "failed", "failed verification (revocation: Status List Token has expired)")
    exp = VerificationResult.from_checks([Check(check="expiry", status="failed")],
                                         checked_at=NOW)
    assert status_of(exp, c.view, NOW)[0] == "expired"
    assert status_of(None, c.view, NOW)[0] == "unverified"


def test_matching_inside_credit_group_maximises_credits() -> None:
    # Kuhn's algorithm alone could give t1=C(0), t2=B(2): 2 credits. Best is t1=B, t2=A: 3.
    creds = [held("A", tags=["t2"], credits_available=1),
             held("B", tags=["t1", "t2"], credits_available=2),
             held("C", tags=["t1"])]
    p = pw([{"type": "credits", "credits": 3, "of": [
        {"type": "all", "id": "both", "of": [{"id": "one", "tag": "t1"}, {"id": "two", "tag": "t2"}]}]}])
    prog = evaluate(p, creds, NOW)
    assert prog.complete
    assert node(prog, "one").matched_by == ["B"] and node(prog, "two").matched_by == ["A"]


def test_at_least_keeps_leaner_children_for_siblings() -> None:
    # The over-satisfied electives group must not keep the two-credential sub-group when
    # one leaf is enough, or the sibling requirement loses its only credential.
    creds = [held("x", tags=["t0"]), held("y", tags=["t2"]), held("z", tags=["t0"])]
    p = pw([{"type": "at_least", "count": 1, "of": [
        {"tag": "t2"}, {"type": "all", "of": [{"tag": "t0"}, {"tag": "t0"}]}]},
        {"id": "sib", "tag": "t0"}])
    assert evaluate(p, creds, NOW).complete
