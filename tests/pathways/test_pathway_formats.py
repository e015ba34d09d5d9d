"""Pathway files: validation errors, formats, schema, CTDL import, CLR derivation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from catalog_creds import REPO, held_from_catalog
from pathway_helpers import NOW, held

from credwallet.errors import PathwayError
from credwallet.pathways import evaluate, load_pathway_bytes, pathway_json_schema
from credwallet.pathways.clr import clr_document, pathway_from_clr
from credwallet.pathways.ctdl import pathway_from_ctdl
from credwallet.pathways.loader import load_pathway_file

DATA = Path(__file__).parent / "data"
EXAMPLES = REPO / "examples" / "pathways"


def load(text: str, suffix: str = ".toml") -> Any:
    return load_pathway_bytes(text.encode(), f"p{suffix}", suffix)


@pytest.mark.parametrize(("text", "needle"), [
    ('name = "x"\nrequirements = [{tag = "a", colour = "red"}]',
     "p.toml: requirements[0].colour: unknown field"),
    ('name = "x"\nmystery = 1\nrequirements = [{tag = "a"}]', "p.toml: mystery: unknown field"),
    ('name = "x"\nrequirements = [{type = "credits", credits = -2, of = [{tag = "a"}]}]',
     "requirements[0].credits"),
    ('name = "x"\nrequirements = [{tag = "a", credits = -1}]', "requirements[0].credits"),
    ('name = "x"\nrequirements = [{tag = "a", valid_within_years = -3}]',
     "requirements[0].valid_within_years"),
    ('name = "x"\nrequirements = [{type = "at_least", count = 3, of = [{tag = "a"}]}]',
     "can never be satisfied"),
    ('name = "x"\nrequirements = [{type = "at_least", count = 0, of = [{tag = "a"}]}]',
     "requirements[0].count"),
    ('name = "x"\nrequirements = [{title = "nothing"}]', "can match nothing"),
    ('name = "x"\nrequirements = [{name_regex = "(unclosed"}]', "not a valid regular expression"),
    ('name = "x"\nrequirements = [{alignment = {target_framework = "F"}}]', "target_code"),
    ('name = "x"\nrequirements = [{pathway = "x"}]', "cycle"),
    ('name = "x"\nrequirements = [{id = "a", tag = "t"}, {id = "a", tag = "u"}]', "used twice"),
    ('name = "x"\nrequirements = []', "requirements"),
    ('name = "has space"\nrequirements = [{tag = "a"}]', "name"),
    ('name = "x"\nrequirements = [{type = "sometimes", tag = "a"}]', "requirements[0]"),
    ('requirements = [{tag = "a"}]', "name: Field required"),
    ('name = "x"\nrequirements = [{tag = "a"}', "not valid TOML"),
])
def test_validation_errors_name_file_and_field(text: str, needle: str) -> None:
    with pytest.raises(PathwayError) as exc:
        load(text)
    assert needle in exc.value.message
    assert exc.value.exit_code == 3


def test_yaml_json_and_toml_give_the_same_model() -> None:
    doc = {"name": "same", "requirements": [{"tag": "a"}, {"type": "at_least", "count": 1,
                                                          "of": [{"tag": "b"}, {"tag": "c"}]}]}
    import yaml

    toml = ('name = "same"\n[[requirements]]\ntag = "a"\n[[requirements]]\ntype = "at_least"\n'
            'count = 1\nof = [{tag = "b"}, {tag = "c"}]\n')
    a = load(json.dumps(doc), ".json")
    b = load(yaml.safe_dump(doc), ".yaml")
    c = load(toml, ".toml")
    assert a.stored() == b.stored() == c.stored()
    # no suffix: sniffed
    assert load_pathway_bytes(toml.encode(), "stdin").stored() == c.stored()
    assert load_pathway_bytes(json.dumps(doc).encode(), "stdin").stored() == c.stored()


def test_stored_form_round_trips() -> None:
    for f in EXAMPLES.iterdir():
        p = load_pathway_file(f)
        again = load(json.dumps(p.stored()), ".json")
        assert again == p


def test_schema_file_is_current() -> None:
    committed = json.loads((REPO / "docs" / "pathway.schema.json").read_text("utf-8"))
    assert committed == pathway_json_schema()


def test_schema_accepts_examples_and_rejects_unknown_fields() -> None:
    schema = pathway_json_schema()
    assert schema["additionalProperties"] is False
    assert "requirements" in schema["required"]


def test_too_large_and_not_utf8() -> None:
    with pytest.raises(PathwayError, match="larger than"):
        load_pathway_bytes(b" " * (3 * 1024 * 1024), "big.toml", ".toml")
    with pytest.raises(PathwayError, match="UTF-8"):
        load_pathway_bytes(b"\xff\xfe\x00", "bin.toml", ".toml")
    with pytest.raises(PathwayError, match="no such file"):
        load_pathway_file("/nonexistent/p.toml")


# -- CTDL ---------------------------------------------------------------------------------

R = "https://credentialengineregistry.org/resources/"
CT = "ce-11111111-2222-4333-8444-5555555555"


def _comp(n: str, name: Any, **kw: Any) -> dict[str, Any]:
    return {"@id": R + CT + n, "@type": "ceterms:CourseComponent", "ceterms:ctid": CT + n,
            "ceterms:name": name, **kw}


def ctdl(conditions: list[dict[str, Any]], comps: list[dict[str, Any]]) -> dict[str, Any]:
    dest = {"@id": R + CT + "00", "@type": "ceterms:CredentialComponent",
            "ceterms:ctid": CT + "00", "ceterms:name": {"en-US": "Goal"},
            "ceterms:proxyFor": R + "ce-99999999-2222-4333-8444-555555555500",
            "ceterms:hasCondition": conditions}
    pw = {"@id": R + CT + "99", "@type": "ceterms:Pathway", "ceterms:ctid": CT + "99",
          "ceterms:name": {"es": "Ruta", "en-US": "Route"},
          "ceterms:hasDestinationComponent": {"@id": R + CT + "00"}}
    return {"@context": "https://credreg.net/ctdl/schema/context/json",
            "@graph": [pw, dest, *comps]}


def aligned(cid: str, ctid_or_uri: str, **kw: Any) -> Any:
    return held(cid, alignments=[{"target_url": ctid_or_uri}], **kw)


def test_ctdl_required_number_and_language_maps() -> None:
    comps = [_comp(str(i).zfill(2), {"en-US": f"Course {i}"},
                   **{"ceterms:proxyFor": R + f"ce-aaaaaaaa-2222-4333-8444-5555555555{i:02d}"})
             for i in (1, 2, 3)]
    doc = ctdl([{"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 2,
                 "ceterms:targetComponent": [R + CT + "01", {"@id": R + CT + "02"},
                                             R + CT + "03"]}], comps)
    p = pathway_from_ctdl(doc, "t.jsonld")
    assert p.name == "route" and p.title == "Route"
    assert p.origin is not None and p.origin.ctid == CT + "99"
    u = R + "ce-aaaaaaaa-2222-4333-8444-5555555555"
    one = [aligned("a", u + "01")]
    assert not evaluate(p, one, NOW).complete
    # the CTID alone (as targetCode) is enough
    two = [*one, held("b", alignments=[{"target_code": "ce-aaaaaaaa-2222-4333-8444-555555555503"}])]
    assert evaluate(p, two, NOW).complete


def test_ctdl_nested_conditions_and_credit_constraint() -> None:
    u = R + "ce-bbbbbbbb-2222-4333-8444-5555555555"
    comps = [_comp(f"0{i}", f"C{i}", **{"ceterms:proxyFor": u + f"0{i}",
                                       "ceterms:creditValue": [{"ceterms:value": 3}]})
             for i in (1, 2, 3, 4)]
    doc = ctdl([{"@type": "ceterms:ComponentCondition",
                 "ceterms:targetComponent": [R + CT + "01"],
                 "ceterms:hasCondition": [{"@type": "ceterms:ComponentCondition",
                                           "ceterms:targetComponent": [R + CT + "02",
                                                                       R + CT + "03",
                                                                       R + CT + "04"],
                                           "ceterms:hasConstraint": [{
                                               "ceterms:leftSource": ["ceterms:creditValue"],
                                               "ceterms:comparator":
                                                   "comparison:greaterThanEqualTo",
                                               "ceterms:rightSource": ["6"]}]}]}], comps)
    p = pathway_from_ctdl(doc, "t.jsonld")
    base = [aligned("c1", u + "01")]
    assert not evaluate(p, [*base, aligned("c2", u + "02")], NOW).complete
    prog = evaluate(p, [*base, aligned("c2", u + "02"), aligned("c4", u + "04")], NOW)
    assert prog.complete and prog.credits is not None and prog.credits.earned == 6


def test_ctdl_holding_the_destination_credential_is_enough() -> None:
    comps = [_comp("01", "C1", **{"ceterms:proxyFor": R + CT + "77"})]
    doc = ctdl([{"@type": "ceterms:ComponentCondition",
                 "ceterms:targetComponent": [R + CT + "01"]}], comps)
    p = pathway_from_ctdl(doc, "t")
    goal = aligned("g", R + "ce-99999999-2222-4333-8444-555555555500")
    assert evaluate(p, [goal], NOW).complete
    assert evaluate(p, [aligned("c", R + CT + "77")], NOW).complete
    assert not evaluate(p, [], NOW).complete


def test_ctdl_errors_are_clear() -> None:
    with pytest.raises(PathwayError, match="no ceterms:Pathway"):
        pathway_from_ctdl({"@graph": [{"@id": "x", "@type": "ceterms:Course"}]}, "t")
    doc = ctdl([{"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 5,
                 "ceterms:targetComponent": [R + CT + "01"]}],
               [_comp("01", "C1", **{"ceterms:proxyFor": R + CT + "77"})])
    with pytest.raises(PathwayError, match="can never be satisfied"):
        pathway_from_ctdl(doc, "t")
    loop = ctdl([], [])
    loop["@graph"][1].pop("ceterms:hasCondition")
    loop["@graph"][1].pop("ceterms:proxyFor")
    loop["@graph"][1]["ceterms:hasChild"] = [R + CT + "00"]
    with pytest.raises(PathwayError, match="cycle"):
        pathway_from_ctdl(loop, "t")


def test_ctdl_unresolved_ctid_reference_becomes_a_leaf() -> None:
    doc = ctdl([{"@type": "ceterms:ComponentCondition",
                 "ceterms:targetComponent": [R + "ce-cccccccc-2222-4333-8444-555555555501"]}], [])
    p = pathway_from_ctdl(doc, "t")
    assert evaluate(p, [aligned("x", R + "ce-cccccccc-2222-4333-8444-555555555501")],
                    NOW).complete


def test_ctdl_example_against_catalog() -> None:
    p = load_pathway_file(EXAMPLES / "it-support-specialist.ctdl.jsonld")
    prog = evaluate(p, held_from_catalog(), NOW)
    assert not prog.complete
    route = prog.requirements[0].requirements[0]
    assert route.title == "requirements for IT Support Specialist Certificate"
    core = route.requirements[0]
    assert core.satisfied and core.title == "Core technical courses"
    assert prog.credits is not None and prog.credits.earned == 6


# -- CLR ------------------------------------------------------------------------------------

def test_clr_spec_example() -> None:
    doc = clr_document((DATA / "clr-spec-example.json").read_bytes())
    p = pathway_from_clr(doc, source="spec")
    assert p.requirements[0].title == "Achievement 1"  # type: ignore[union-attr]
    child = "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002"
    assert evaluate(p, [held("x", achievement_id=child)], NOW).complete
    assert not evaluate(p, [held("y", achievement_id="urn:uuid:other")], NOW).complete


def test_clr_inspector_complex_graph() -> None:
    doc = clr_document((DATA / "clr-inspector-complex.json").read_bytes())
    p = pathway_from_clr(doc, name="nursing")
    root = p.requirements[0]
    assert root.type == "all" and len(root.of) == 5  # type: ignore[union-attr]
    assert p.name == "nursing"


def _clr(assocs: list[tuple[str, str, str]], names: dict[str, str]) -> dict[str, Any]:
    return {"type": ["VerifiableCredential", "ClrCredential"], "name": "Record",
            "credentialSubject": {
                "achievement": [{"id": k, "name": v} for k, v in names.items()],
                "association": [{"associationType": t, "sourceId": s, "targetId": d}
                                for t, s, d in assocs]}}


def test_clr_association_kinds() -> None:
    doc = _clr([("isChildOf", "u:a", "u:prog"), ("isPartOf", "u:b", "u:prog"),
                ("precedes", "u:b", "u:a"), ("exactMatchOf", "u:a", "u:a2")],
               {"u:prog": "Program", "u:a": "A", "u:b": "B", "u:a2": "A (old id)"})
    p = pathway_from_clr(doc)
    kids = p.requirements[0].of  # type: ignore[union-attr]
    assert [k.title for k in kids] == ["B", "A"]  # precedes orders siblings
    assert kids[1].achievement_id == ["u:a", "u:a2"]
    assert evaluate(p, [held("1", achievement_id="u:a2"), held("2", achievement_id="u:b")],
                    NOW).complete


def test_clr_cycle_and_non_clr() -> None:
    with pytest.raises(PathwayError, match="cycle"):
        pathway_from_clr(_clr([("isParentOf", "u:a", "u:b"), ("isParentOf", "u:b", "u:a")],
                              {"u:a": "A", "u:b": "B"}))
    with pytest.raises(PathwayError, match="not a CLR"):
        clr_document(b'{"type": ["VerifiableCredential"]}')
    with pytest.raises(PathwayError, match="no achievements"):
        pathway_from_clr(_clr([], {}))


def test_docs_example_is_valid() -> None:
    import re

    text = (REPO / "docs" / "pathways.md").read_text("utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.S)
    assert block is not None
    assert load(block.group(1)).name == "data-analytics-certificate"


def test_bundled_examples_load_in_stacking_order() -> None:
    from credwallet.models import WalletData
    from credwallet.pathways.examples import example_pathways
    from credwallet.pathways.store import add_pathway, stored_pathways
    from credwallet.wallet.holder import new_wallet

    wallet: WalletData = new_wallet(NOW)
    for p in example_pathways():
        assert add_pathway(wallet, p) == []  # no "not in the wallet yet" warnings
    assert len(stored_pathways(wallet)) >= 3


# -- hostile definitions ------------------------------------------------------------------

@pytest.mark.parametrize(("suffix", "body"), [
    (".json", b"[" * 5_000), (".yaml", b"[" * 5_000), (".toml", b"a = " + b"[" * 5_000),
    (".json", b'{"a":' * 5_000),
])
def test_deep_documents_are_refused(suffix: str, body: bytes) -> None:
    with pytest.raises(PathwayError):
        load_pathway_bytes(body, "deep" + suffix, suffix)


def test_deep_requirement_trees_are_refused() -> None:
    node: dict[str, Any] = {"tag": "x"}
    for _ in range(17):
        node = {"type": "all", "of": [node]}
    with pytest.raises(PathwayError, match="nested more than"):
        load(json.dumps({"name": "deep", "requirements": [node]}), ".json")


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    import time

    lines = ["name: bomb", "a: &a [{tag: x}, {tag: x}, {tag: x}, {tag: x}, {tag: x}]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 5) + "]")
    lines.append("requirements: [{type: all, of: *i}]")
    start = time.monotonic()
    with pytest.raises(PathwayError, match="values"):
        load("\n".join(lines) + "\n", ".yaml")
    assert time.monotonic() - start < 5


@pytest.mark.parametrize(("levels", "why"), [(12, "expands to more than"),
                                             (30, "nested more than")])
def test_ctdl_diamonds_are_refused_quickly(levels: int, why: str) -> None:
    import time

    graph: list[dict[str, Any]] = [{"@id": "_:p", "@type": "ceterms:Pathway", "ceterms:name": "P",
                                    "ceterms:hasChild": [{"@id": "_:c0"}]}]
    for i in range(levels):
        graph.append({"@id": f"_:c{i}", "@type": "ceterms:BasicComponent", "ceterms:name": f"c{i}",
                      "ceterms:hasChild": [{"@id": f"_:c{i + 1}"}, {"@id": f"_:c{i + 1}"}]})
    graph.append({"@id": f"_:c{levels}", "@type": "ceterms:BasicComponent", "ceterms:name": "leaf"})
    start = time.monotonic()
    with pytest.raises(PathwayError, match=why):
        pathway_from_ctdl({"@graph": graph}, "diamond.jsonld")
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("pattern", ["^(a+)+$", "(a|ab)*c", r"(a)\1", "a*b*c*d", "x" * 600])
def test_runaway_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(PathwayError, match="name_regex is refused"):
        load(json.dumps({"name": "r", "requirements": [{"name_regex": pattern}]}), ".json")


@pytest.mark.parametrize("pattern", [r"\bSQL\b", "^(Intro|Advanced) .* SQL$", r"^[A-Z]{3}-\d{3}"])
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert load(json.dumps({"name": "r", "requirements": [{"name_regex": pattern}]}), ".json")


def test_long_stacks_are_cut_not_recursed() -> None:
    from credwallet.pathways.evaluate import evaluate_all
    from credwallet.pathways.model import Pathway

    chain = [Pathway.model_validate({"name": f"p{i}", "requirements": [{"pathway": f"p{i + 1}"}]})
             for i in range(60)]
    chain.append(Pathway.model_validate({"name": "p60", "requirements": [{"tag": "x"}]}))
    out = evaluate_all(chain, [held("c", tags=["x"])], NOW)
    assert out[-1].complete
    assert not out[0].complete and "stacked more than" in " ".join(out[0].problems)
