"""Pathway files (TOML, YAML, JSON, CTDL JSON-LD): any input gives a Pathway or a PathwayError."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import CredwalletError, PathwayError
from credwallet.models.view import AchievementView, CredentialView, IssuerView
from credwallet.pathways import Pathway, evaluate, load_pathway_bytes, load_pathway_file
from credwallet.pathways.ctdl import pathway_from_ctdl
from credwallet.pathways.held import HeldCredential
from credwallet.pathways.loader import parse_document
from tests.fuzz.invariant import finishes_in_subprocess, fuzz_settings, outcome
from tests.fuzz.strategies import JSON_VALUES, ODD_SCALARS

FAST = fuzz_settings(80)
SUFFIXES = st.sampled_from(["", ".toml", ".yaml", ".yml", ".json", ".jsonld", ".txt"])
EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "credwallet" / "data" / "examples" / "pathways"


def _load(body: bytes, suffix: str) -> Pathway | CredwalletError:
    res = outcome(load_pathway_bytes, body, "fuzz" + suffix, suffix)
    assert isinstance(res, Pathway | PathwayError), f"wrong error type {res!r}"
    return res


@pytest.mark.parametrize("path", sorted(EXAMPLES.iterdir()), ids=lambda p: p.name)
def test_bundled_examples_load(path: Path) -> None:
    # The mutation tests below start from these; they must be valid to begin with.
    assert isinstance(load_pathway_file(path), Pathway)


@given(st.binary(max_size=300), SUFFIXES)
@FAST
def test_random_bytes(body: bytes, suffix: str) -> None:
    _load(body, suffix)


@given(st.text(alphabet="[]{}=:-,.\"'#&*!|>?@%\n ab1\t", max_size=200), SUFFIXES)
@FAST
def test_syntax_soup(text: str, suffix: str) -> None:
    _load(text.encode(), suffix)


REQ_KEYS = ["type", "id", "title", "of", "count", "credits", "achievement_id", "name", "name_pattern",
            "name_regex", "alignment", "ctid", "pathway", "tag", "allow_reuse", "valid_within_years",
            "count_expired", "issuer_id", "related_to"]


@st.composite
def requirement(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(REQ_KEYS), max_size=4, unique=True))
    node: dict[str, Any] = {k: draw(ODD_SCALARS) for k in keys}
    node["type"] = draw(st.sampled_from(["credential", "all", "at_least", "credits", "pathway", "x", None]))
    if node["type"] in ("all", "at_least", "credits") and depth < 3:
        node["of"] = draw(st.lists(requirement(depth + 1), max_size=3))
    elif node["type"] == "credential" and draw(st.booleans()):
        node["name"] = "Python"
    return node


@st.composite
def pathway_docs(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": draw(st.sampled_from(["ok-name", "", "Bad Name", "x" * 300, 5])),
                           "requirements": draw(st.lists(requirement(), max_size=3))}
    for key in draw(st.lists(st.sampled_from(["schema", "count", "valid_within_years", "count_expired",
                                              "provider", "title", "origin", "extra"]), max_size=3)):
        doc[key] = draw(JSON_VALUES)
    return doc


def _as(doc: dict[str, Any], suffix: str) -> bytes:
    if suffix == ".yaml":
        import yaml

        return yaml.safe_dump(doc).encode()
    return json.dumps(doc).encode()


@given(pathway_docs(), st.sampled_from([".json", ".yaml"]))
@FAST
def test_structured_pathways(doc: dict[str, Any], suffix: str) -> None:
    res = _load(_as(doc, suffix), suffix)
    if isinstance(res, Pathway):
        held = [HeldCredential("c1", CredentialView(format="ob3-ldp", name="Python",
                                                    achievement=AchievementView(name="Python"),
                                                    issuer=IssuerView()), "verified")]
        outcome(evaluate, res, held, __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__(
            "datetime").UTC))


@st.composite
def ctdl_graphs(draw: st.DrawFn) -> dict[str, Any]:
    ids = [f"_:n{i}" for i in range(5)]
    ref = st.one_of(st.sampled_from(ids).map(lambda i: {"@id": i}), st.sampled_from(ids), ODD_SCALARS,
                    st.just("https://credentialengineregistry.org/resources/ce-1234"))
    props = {
        "ceterms:name": st.one_of(ODD_SCALARS, st.just({"en-US": "Name"}), st.just([{"@value": 1}])),
        "ceterms:hasChild": st.lists(ref, max_size=3),
        "ceterms:hasCondition": st.one_of(ref, st.lists(ref, max_size=2)),
        "ceterms:targetComponent": st.lists(ref, max_size=3),
        "ceterms:requiredNumber": ODD_SCALARS,
        "ceterms:proxyFor": st.one_of(ref, ODD_SCALARS),
        "ceterms:creditValue": st.one_of(ODD_SCALARS, st.just([{"schema:value": "3"}])),
        "ceterms:hasConstraint": st.lists(st.fixed_dictionaries(
            {"ceterms:leftSource": st.just(["ceterms:creditValue"]), "ceterms:comparator": ODD_SCALARS,
             "ceterms:rightSource": ODD_SCALARS}), max_size=2),
        "ceterms:ctid": ODD_SCALARS,
    }
    graph = []
    for i, nid in enumerate(ids):
        kind = draw(st.sampled_from(["ceterms:BasicComponent", "ceterms:ComponentCondition",
                                     "ceterms:CourseComponent"]))
        node: dict[str, Any] = {"@id": nid, "@type": "ceterms:Pathway" if i == 0 else kind}
        for key in draw(st.lists(st.sampled_from(sorted(props)), max_size=4, unique=True)):
            node[key] = draw(props[key])
        if i == 0 and draw(st.booleans()):
            node["ceterms:hasDestinationComponent"] = draw(ref)
        graph.append(node)
    return {"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": graph}


@given(ctdl_graphs())
@fuzz_settings(100)
def test_ctdl_graphs(data: dict[str, Any]) -> None:
    res = outcome(pathway_from_ctdl, data, "fuzz.jsonld", seconds=5)
    assert isinstance(res, Pathway | PathwayError), f"wrong error type {res!r}"


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_size_cap(suffix: str) -> None:
    assert isinstance(_load(b"#" * (3 * 1024 * 1024), suffix), PathwayError)


def test_yaml_unsafe_tags_refused() -> None:
    body = b"name: x\nrequirements: !!python/object/apply:os.system ['echo pwned']\n"
    res = _load(body, ".yaml")
    assert isinstance(res, PathwayError)


def test_yaml_alias_expansion_is_not_a_bomb() -> None:
    # "Billion laughs" in YAML: aliases are shared references, so loading stays small; the
    # model then refuses the unknown keys without walking the expansion.
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(96 + i)
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{prev}"] * 10) + "]")
    # CPU time, not wall time: runaway work, not the neighbours on a shared machine.
    start = time.process_time()
    res = _load(("\n".join(lines) + "\n").encode(), ".yaml")
    assert isinstance(res, PathwayError)
    assert time.process_time() - start < 5


@pytest.mark.parametrize(("suffix", "body"), [
    (".json", b"[" * 2_000),
    (".yaml", b"[" * 1_100),
    (".toml", b"a = " + b"[" * 2_000),
    (".json", b'{"a":' * 2_000),
])
def test_deeply_nested_document(suffix: str, body: bytes) -> None:
    # Was a RecursionError (exit 70) before pathways/loader.py capped the depth.
    assert isinstance(_load(body, suffix), PathwayError)


def _nested_pathway(depth: int) -> bytes:
    node: dict[str, Any] = {"type": "credential", "name": "Python"}
    for _ in range(depth):
        node = {"type": "all", "of": [node]}
    return json.dumps({"name": "deep", "requirements": [node]}).encode()


def test_deep_requirement_tree_loads_and_evaluates_or_is_refused() -> None:
    import datetime

    res = _load(_nested_pathway(250), ".json")
    if isinstance(res, Pathway):
        held = [HeldCredential("c1", CredentialView(format="ob3-ldp", name="Python"), "verified")]
        outcome(lambda: evaluate(res, held, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
                .model_dump(mode="json"))


def _diamond_ctdl(levels: int) -> bytes:
    graph: list[dict[str, Any]] = [{"@id": "_:p", "@type": "ceterms:Pathway", "ceterms:name": "P",
                                    "ceterms:hasChild": [{"@id": "_:c0"}]}]
    for i in range(levels):
        graph.append({"@id": f"_:c{i}", "@type": "ceterms:PathwayComponent", "ceterms:name": f"c{i}",
                      "ceterms:hasChild": [{"@id": f"_:c{i + 1}"}, {"@id": f"_:c{i + 1}"}]})
    graph.append({"@id": f"_:c{levels}", "@type": "ceterms:BasicComponent", "ceterms:name": "leaf"})
    return json.dumps({"@graph": graph}).encode()


def test_ctdl_shared_components_do_not_explode() -> None:
    # Was 2^levels work: each component lists the next one twice.
    res = outcome(load_pathway_bytes, _diamond_ctdl(24), "diamond.jsonld", ".jsonld", seconds=5)
    assert isinstance(res, Pathway | PathwayError)


REDOS_CODE = """
import datetime, json
from credwallet.errors import PathwayError
from credwallet.models.view import CredentialView
from credwallet.pathways import evaluate, load_pathway_bytes
from credwallet.pathways.held import HeldCredential
for pattern in PATTERNS:
    try:
        pathway = load_pathway_bytes(json.dumps({"name": "redos", "requirements": [
            {"name_regex": pattern}]}).encode(), "redos.json", ".json")
    except PathwayError:
        continue  # refused when the pathway is loaded: fine
    held = [HeldCredential("c1", CredentialView(format="ob3-ldp", name=NAME), "verified")]
    evaluate(pathway, held, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
"""


def _regex_finishes(patterns: list[str], name: str, seconds: float) -> bool:
    # Python's re cannot be interrupted by a signal, hence a separate process.
    code = f"PATTERNS = {patterns!r}\nNAME = {name!r}\n" + REDOS_CODE
    return finishes_in_subprocess(code, seconds) == 0


def test_name_regex_backtracking_is_bounded() -> None:
    # `^(a+)+$` against 40 a's and a '!' hung `progress` before pathways/saferegex.py.
    patterns = [r"^(a+)+$", r"^(a|a)+$", r"(a*)*b", r"^a*a*a*a*a*a*$", r"^(\w+\s?)*$"]
    assert _regex_finishes(patterns, "a" * 40 + "!", 15), "progress with a backtracking name_regex hung"


# Was a known bug (optional item inside a counted repetition): now refused at validation.
def test_name_regex_counted_optional_repetition_is_bounded() -> None:
    # The subprocess's budget includes its start-up; the unbounded form runs for hours, so a
    # generous budget still tells the two apart on a loaded machine.
    assert _regex_finishes([r"^(a?){30}a{30}$"], "a" * 30 + "!", 15), "progress never finished"


def test_parse_document_sniffs_without_suffix() -> None:
    assert parse_document('{"a": 1}', "x") == {"a": 1}
    assert parse_document("a = 1", "x") == {"a": 1}
    assert parse_document("---\na: 1", "x") == {"a": 1}
