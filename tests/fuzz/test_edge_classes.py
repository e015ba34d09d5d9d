"""Issue #17, the JSON / JSON-LD / JOSE edge: each crash class as a regression test through the
real entry point, then property tests that generate the class broadly.

Classes: lone surrogates (and other values no later stage can write); exceptions leaking from
pyld; one credential poisoning the process-wide context cache for the next; mistyped JOSE header
members reaching joserfc; unbounded JSON-LD work (repeated contexts, huge value lists).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import random
import time
from functools import cache
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput
from credwallet.ingest import jsonutil
from credwallet.ingest.jsonutil import check_tree
from credwallet.models import VerificationResult
from credwallet.verify import EmptyMaterial, verify_bytes
from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import MAX_CONTEXT_ENTRIES, MAX_JSONLD_VALUES, ContextStore
from credwallet.verify.reading import reading_problem
from credwallet.verify.suites import jose
from tests.fuzz.invariant import fuzz_settings, outcome, run_inproc, time_limit
from tests.verify.vutil import NOW, did_key_of, signed_ob3

SEED = bytes(range(32))
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SETTINGS = fuzz_settings(25)


@cache
def _good(n: int = 0) -> dict[str, Any]:
    return signed_ob3(SEED, **({"id": f"urn:uuid:2f1e0a6e-8d7e-4a51-9c1c-5a1b1e4c{n:04d}"} if n else {}))


def good(n: int = 0) -> dict[str, Any]:
    """A signed OB 3.0 credential; `n` gives another credential id (a wallet keeps one per id)."""
    return copy.deepcopy(_good(n))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(header: dict[str, Any], payload: dict[str, Any] | None = None, *,
        raw_header: bytes | None = None) -> str:
    did, _vm = did_key_of(SEED)
    body = payload if payload is not None else {"vc": good(), "iss": did, "nbf": 1735689600}
    signing_input = _b64(raw_header or json.dumps(header).encode()) + "." + _b64(json.dumps(body).encode())
    sig = nacl.signing.SigningKey(SEED).sign(signing_input.encode()).signature
    return signing_input + "." + _b64(sig)


def write(tmp: Path, name: str, data: str | bytes) -> str:
    p = tmp / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


def clean(res: Any, codes: set[int]) -> Any:
    """The contract at the entry point: an allowed code, never 70, no traceback, one-line error."""
    assert "Traceback" not in res.stderr, res
    assert "internal error" not in res.stdout + res.stderr, res
    assert res.code in codes, res
    if res.stdout.lstrip().startswith("{"):
        doc = json.loads(res.stdout)
        err = doc.get("error") or {}
        assert "\n" not in str(err.get("message", "")), res
        return doc
    return None


def verdict(raw: bytes) -> VerificationResult | None:
    res = outcome(verify_bytes, raw, now=NOW, material=EmptyMaterial(), seconds=20)
    if isinstance(res, VerificationResult):
        json.dumps(res.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
        for c in res.checks:
            assert "\n" not in c.detail, c
        return res
    return None


# --- 1. lone surrogates and values nothing later can write -------------------------------------


@pytest.mark.parametrize("text, where", [
    ('{"a": ["ok", "\\ud800"]}', "$.a[1]"),
    ('{"a": {"b c": "x\\udfffy"}}', '$.a["b c"]'),
    ('{"\\udc00": 1}', "a key in $"),
    ('{"a": {"\\ud83d": 1}}', "a key in $.a"),
])
def test_loads_refuses_lone_surrogates_naming_the_path(text: str, where: str) -> None:
    with pytest.raises(BadInput) as info:
        jsonutil.loads(text, what="credential JSON")
    msg = info.value.message
    assert msg.startswith("credential JSON") and where in msg and "surrogate" in msg
    msg.encode("ascii")  # the message itself is safe to print anywhere


def test_loads_keeps_real_surrogate_pairs_and_refuses_raw_surrogates_in_str_input() -> None:
    assert jsonutil.loads('"\\ud83d\\ude00"') == "\U0001f600"
    with pytest.raises(BadInput, match="surrogate"):
        jsonutil.loads('["\ud800"]')


@pytest.mark.parametrize("text", ["[1e400]", "[-1e999]", "[NaN]", "[Infinity]", "[1" + "0" * 400 + "]",
                                  "[1E+309]", "[-1" + "0" * 309 + "]", "[1" + "0" * 309 + ".5]",
                                  '{"a": "x", "b": 2e308}'])
def test_loads_refuses_numbers_beyond_a_double(text: str) -> None:
    with pytest.raises(BadInput):
        jsonutil.loads(text)
    assert jsonutil.loads("[1" + "0" * 300 + "]")[0] == 10**300
    # The per-number hooks run only when a number could leave a double's range; others still
    # read exactly as the standard parser reads them.
    assert jsonutil.loads("[1e308, -2.5e-400, 12345678901234567890, 7]") == [
        1e308, -0.0, 12345678901234567890, 7]


def test_check_tree_for_other_parsers() -> None:
    bomb = yaml.safe_load("a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)))
    start = time.process_time()
    check_tree(bomb, "bomb.yaml")  # shared containers are walked once: 8**9 values, instantly
    assert time.process_time() - start < 1
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(BadInput, match="contains itself"):
        check_tree(yaml.safe_load("a: &a [*a]"), "loop.yaml")
    for bad in ({"x": float("nan")}, {"x": [float("inf")]}, {"x": 10**400}, {"x": "\udc80"}):
        with pytest.raises(BadInput):
            check_tree(bad, "t")
    with pytest.raises(BadInput, match="nested more than 3"):
        check_tree([[[[1]]]], "t", max_depth=3)


def test_surrogate_credential_is_bad_input_everywhere(isolated_home: Path, tmp_path: Path) -> None:
    text = json.dumps(good()).replace('"name": "', '"name": "\\ud800', 1)
    key = json.dumps(good()).replace('"name": "', '"\\udfff": "x", "name": "', 1)
    token = jwt({"alg": "EdDSA", "kid": "k\\ud800"}, raw_header=b'{"alg": "EdDSA", "kid": "k\\ud800"}')
    for name, data in (("v.json", text), ("k.json", key), ("t.jwt", token)):
        path = write(tmp_path, name, data)
        clean(run_inproc("verify", "--file", path), {3})
        doc = clean(run_inproc("verify", "--json", "--file", path), {3})
        assert doc["ok"] is False
    assert clean(run_inproc("init", "--json"), {0})
    for name in ("v.json", "k.json", "t.jwt"):
        doc = clean(run_inproc("import", str(tmp_path / name), "--keep-invalid", "--json"), {3})
        assert doc["items"][0]["status"] == "failed"
    listed = clean(run_inproc("list", "--json"), {0})
    assert listed["credentials"] == []


@pytest.mark.parametrize("suffix, body", [
    (".yaml", "schema: credwallet.pathway/1\nname: x\ntitle: \"\\ud800\"\nrequirements: []\n"),
    (".json", '{"schema": "credwallet.pathway/1", "name": "x", "title": "\\udfff", "requirements": []}'),
    (".yaml", "schema: credwallet.pathway/1\nname: x\ntitle: t\nweight: .inf\nrequirements: []\n"),
    (".toml", 'schema = "credwallet.pathway/1"\nname = "x"\ntitle = "t"\nweight = nan\n'),
])
def test_pathway_files_get_the_same_check(isolated_home: Path, tmp_path: Path, suffix: str,
                                          body: str) -> None:
    path = write(tmp_path, "p" + suffix, body)
    clean(run_inproc("pathway", "check", path), {3})
    clean(run_inproc("init", "--json"), {0})
    clean(run_inproc("pathway", "add", path, "--json"), {3})


def _strings(node: Any, out: list[list[Any]], path: list[Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            out.append([*path, ("key", k)])
            _strings(v, out, [*path, k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _strings(v, out, [*path, i])
    elif isinstance(node, str):
        out.append(path)


@given(st.data())
@SETTINGS
def test_a_lone_surrogate_anywhere_is_refused_at_the_edge(data: st.DataObject) -> None:
    """A random lone surrogate at a random position of a random string or key of a valid
    credential (embedded proof or JWT): exit-3-class BadInput, never an exception."""
    doc = good()
    targets: list[list[Any]] = []
    _strings(doc, targets, [])
    target = data.draw(st.sampled_from(targets))
    lone = chr(data.draw(st.integers(0xD800, 0xDFFF)))
    parent: Any = doc
    for step in target[:-1]:
        parent = parent[step]
    last = target[-1]
    if isinstance(last, tuple):
        old = last[1]
        pos = data.draw(st.integers(0, len(old)))
        parent[old[:pos] + lone + old[pos:]] = parent.pop(old)
    else:
        old = parent[last]
        pos = data.draw(st.integers(0, len(old)))
        parent[last] = old[:pos] + lone + old[pos:]
    raw = json.dumps(doc).encode("ascii")  # the surrogate travels as a \uXXXX escape
    if data.draw(st.booleans()):
        did, vm = did_key_of(SEED)
        raw = jwt({"alg": "EdDSA", "kid": vm}, {"vc": doc, "iss": did}).encode("ascii")
    res = outcome(verify_bytes, raw, now=NOW, material=EmptyMaterial(), seconds=20)
    assert isinstance(res, BadInput), res
    assert "surrogate" in res.message


# --- 2. exceptions from the JSON-LD processor -------------------------------------------------


@pytest.mark.parametrize("mutate", [
    lambda d: d["@context"].append({"@vocab": None}),
    lambda d: d.__setitem__("@set", 1),
    lambda d: d["credentialSubject"].__setitem__("@set", {"a": 1}),
    lambda d: d["@context"].append({"x": {"@id": "urn:x", "@container": "@set",
                                          "@context": {"@vocab": None}}}),
    lambda d: d["@context"].append({"@propagate": "yes"}),
    lambda d: d["@context"].append({"@version": 1.0}),
    lambda d: d["@context"].append({"@import": 5}),
    lambda d: d["@context"].append({"@protected": True, "name": None}),
])
def test_jsonld_processor_exceptions_are_failed_checks(mutate: Any, tmp_path: Path) -> None:
    doc = good()
    mutate(doc)
    with time_limit(20):
        try:
            canonicalize(doc, ContextStore())
        except CanonError as exc:
            assert "\n" not in str(exc)
        problem = reading_problem(doc, ContextStore())
        assert problem is None or "\n" not in problem
    res = verdict(json.dumps(doc).encode())
    assert res is not None and not res.verified
    clean(run_inproc("verify", "--json", "--file", write(tmp_path, "c.json", json.dumps(doc))), {1})


def test_a_number_beyond_a_double_inside_canonicalization_is_a_canon_error() -> None:
    doc = good()
    doc["credentialSubject"]["achievement"]["name"] = 10**400  # only reachable from Python
    with pytest.raises(CanonError):
        canonicalize(doc, ContextStore())


KEYWORDS = ["@vocab", "@base", "@language", "@direction", "@import", "@propagate", "@protected",
            "@version", "@type", "@id", "@context", "@container", "@reverse", "@nest", "@set",
            "@list", "@graph", "@included", "@json", "@none", "@index", "@value", "name", "type",
            "credentialSubject", "achievement"]
ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                st.floats(allow_nan=False, allow_infinity=False),
                st.sampled_from(["", "@id", "@json", "@set", "@vocab", "urn:x", VC2, OB3, "x:y", "_:b"]))
CONTEXT_VALUES = st.recursive(ODD, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYWORDS), inner, max_size=3)), max_leaves=8)
HOSTILE_CONTEXTS = st.dictionaries(st.sampled_from(KEYWORDS), CONTEXT_VALUES, min_size=1, max_size=4)


@given(HOSTILE_CONTEXTS, st.booleans(), st.sampled_from(KEYWORDS))
@SETTINGS
def test_random_keyword_misuse_never_escapes_and_never_poisons(ctx: dict[str, Any], top: bool,
                                                              prop: str) -> None:
    """Random JSON-LD keyword misuse in an inline @context (or as a property): the hostile
    document fails cleanly, and a good credential verified right after still verifies."""
    doc = good()
    if top:
        doc["@context"] = [*doc["@context"], ctx]
    else:
        doc["credentialSubject"]["@context"] = ctx
        doc["credentialSubject"][prop] = {"@id": "urn:x"}
    with time_limit(20):
        with contextlib.suppress(CanonError):
            canonicalize(doc, ContextStore())
        reading_problem(doc, ContextStore())
    verdict(json.dumps(doc).encode())
    after = verdict(json.dumps(good()).encode())
    assert after is not None and after.verified, after


# --- 3. one credential must not affect another's verdict --------------------------------------


POISON = [
    {"@import": VC2},
    {"@import": OB3},
    {"@import": OB3, "name": "urn:evil:name", "_uuid": "x"},
    {"@import": VC2, "@vocab": None},
]


@pytest.mark.parametrize("poison", POISON)
def test_a_poisoning_credential_does_not_change_the_next_verdict(poison: dict[str, Any], tmp_path: Path,
                                                                 isolated_home: Path) -> None:
    bad = good(1)
    bad["@context"] = poison
    bad2 = good(2)
    bad2["@context"] = [*bad2["@context"], poison]
    paths = [write(tmp_path, n, json.dumps(d)) for n, d in (("a.json", bad), ("b.json", bad2))]
    ok = write(tmp_path, "ok.json", json.dumps(good(3)))
    # Each alone (bad2 may verify: importing a context it already has changes nothing signed).
    alone = [clean(run_inproc("verify", "--json", "--file", p), {0, 1})["results"][0]["verified"]
             for p in (*paths, ok)]
    assert alone[0] is False and alone[2] is True
    doc = clean(run_inproc("verify", "--json", "--file", paths[0], "--file", paths[1], "--file", ok), {1})
    assert [r["verified"] for r in doc["results"]] == alone, doc["results"]
    # The same in a wallet: the hostile ones kept with --keep-invalid, then verify --all.
    clean(run_inproc("init", "--json"), {0})
    clean(run_inproc("import", *paths, "--keep-invalid", "--json"), {0, 1})
    clean(run_inproc("import", ok, "--json"), {0})
    for _ in range(2):
        doc = clean(run_inproc("verify", "--all", "--json"), {1})
        assert sorted(r["verified"] for r in doc["results"]) == sorted(alone), doc["results"]


def test_shared_context_documents_are_untouched_by_hostile_credentials() -> None:
    from credwallet.verify.contexts import bundled_contexts

    before = json.dumps(bundled_contexts(), sort_keys=True)
    for poison in POISON:
        doc = good()
        doc["@context"] = [VC2, OB3, poison]
        verdict(json.dumps(doc).encode())
    assert json.dumps(bundled_contexts(), sort_keys=True) == before


# --- 4. JOSE header members -------------------------------------------------------------------


HEADER_CASES = [
    ("crit", None), ("crit", []), ("crit", {}), ("crit", "b64"), ("crit", [1]), ("crit", ["exp"]),
    ("kid", 5), ("kid", None), ("kid", ["a"]), ("typ", {}), ("cty", 1.5), ("jwk", "k"), ("jwk", []),
    ("jwk", {"kty": 1}), ("jwk", {"kty": "OKP", "crv": "Ed25519", "x": ["a"]}), ("x5c", "a"),
    ("x5c", [1]), ("b64", "false"), ("b64", None), ("x5t#S256", 0), ("jku", []), ("alg", ["EdDSA"]),
]


@pytest.mark.parametrize("member, value", HEADER_CASES)
def test_mistyped_jose_header_members_are_a_failed_proof(member: str, value: Any, tmp_path: Path) -> None:
    _did, vm = did_key_of(SEED)
    header: dict[str, Any] = {"alg": "EdDSA", "kid": vm, member: value}
    token = jwt(header)
    with pytest.raises(jose.JwsError):
        jose.parse_compact(token)
    res = verdict(token.encode())
    assert res is None or not res.verified
    clean(run_inproc("verify", "--json", "--file", write(tmp_path, "t.jwt", token)), {1, 3})


JSON_ANY = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5)),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                        max_leaves=6)
MEMBERS = ["alg", "kid", "typ", "cty", "crit", "jwk", "x5c", "x5u", "x5t", "x5t#S256", "jku", "b64",
           "zip", "enc", "epk", "iv", "url", "nonce"]


@given(st.dictionaries(st.sampled_from(MEMBERS), JSON_ANY, max_size=4), st.booleans())
@SETTINGS
def test_random_jose_header_member_types_never_escape(extra: dict[str, Any], keep_alg: bool) -> None:
    _did, vm = did_key_of(SEED)
    header = {"alg": "EdDSA", "kid": vm, **extra}
    if keep_alg:
        header["alg"] = "EdDSA"
    token = jwt(header)
    try:
        jose.parse_compact(token)
    except jose.JwsError as exc:
        assert "\n" not in str(exc)
    verdict(token.encode())


# --- 5. bounded JSON-LD work ------------------------------------------------------------------
# Budgets are CPU time of this process (runaway work), not wall time, which on a shared 2-core
# machine also measures the neighbours.


def test_repeated_contexts_are_capped_fast(tmp_path: Path) -> None:
    doc = good()
    doc["@context"] = doc["@context"] * 3000  # the 463 KB report: 25 s before the cap
    start = time.process_time()
    res = clean(run_inproc("verify", "--json", "--file", write(tmp_path, "r.json", json.dumps(doc))), {1})
    assert time.process_time() - start < 5
    details = " ".join(c["detail"] for c in res["results"][0]["checks"])
    assert f"@context entries (limit {MAX_CONTEXT_ENTRIES}" in details


@pytest.mark.parametrize("shape", ["tags", "nested", "spread"])
def test_large_jsonld_inputs_finish_within_budget(shape: str, tmp_path: Path) -> None:
    doc = good()
    rnd = random.Random(17)
    if shape == "tags":  # distinct values on one node: quadratic in pyld without the cap
        doc["credentialSubject"]["achievement"]["tag"] = [f"t{rnd.random()}" for i in range(100_000)]
    elif shape == "nested":  # many context entries spread over nodes, each a repeat
        doc["credentialSubject"]["achievement"] = [
            {"@context": [OB3], "id": f"urn:uuid:{i}", "type": "Achievement"}
            for i in range(MAX_CONTEXT_ENTRIES - 2)]
    else:  # just under the value cap, all on one node: pyld's worst case
        doc["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(MAX_JSONLD_VALUES - 60)]
    start = time.process_time()
    clean(run_inproc("verify", "--json", "--file", write(tmp_path, "big.json", json.dumps(doc))), {1})
    assert time.process_time() - start < 5


def test_blank_node_poisoning_under_the_value_cap_still_hits_the_work_cap() -> None:
    n = 30
    nodes = [{"@id": f"_:b{i}", "http://example.org/p": [{"@id": f"_:b{j}"} for j in range(n) if j != i]}
             for i in range(n)]
    with pytest.raises(CanonError, match="work limit"):
        canonicalize({"@context": {"@vocab": "http://example.org/"}, "@graph": nodes}, ContextStore())
