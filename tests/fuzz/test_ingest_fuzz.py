"""Property tests over credential recognition, bounded JSON and the credential view."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError, InputTooLarge
from credwallet.formats import FORMAT_IDS
from credwallet.ingest import jsonutil
from credwallet.ingest.describe import view_of
from credwallet.ingest.sniff import Recognised, recognise, recognise_json
from credwallet.models.view import CredentialView
from tests.fuzz.invariant import fuzz_settings, outcome
from tests.fuzz.strategies import JSON_VALUES, compact_jws, credential_like

FAST = fuzz_settings(100)

FORMATS = list(FORMAT_IDS)  # every format the registry knows


def _check_recognised(rec: Recognised, depth: int = 0) -> None:
    assert rec.format and isinstance(rec.raw, bytes)
    assert rec.document is None or isinstance(rec.document, dict)
    for child in rec.children:
        _check_recognised(child, depth + 1)


@given(st.binary(max_size=400))
@FAST
@example(b"\xef\xbb\xbf")
@example(b"\x89PNG\r\n\x1a\n")
@example(b"<svg")
@example(b"a.b.c")
@example(b"{" * 70)
def test_recognise_random_bytes(data: bytes) -> None:
    res = outcome(recognise, data)
    if isinstance(res, Recognised):
        _check_recognised(res)


@given(JSON_VALUES)
@FAST
def test_recognise_any_json(value: Any) -> None:
    res = outcome(recognise, json.dumps(value).encode())
    if isinstance(res, Recognised):
        _check_recognised(res)


@given(credential_like())
@FAST
def test_recognise_credential_shaped_json(doc: dict[str, Any]) -> None:
    res = outcome(recognise, json.dumps(doc).encode())
    if isinstance(res, Recognised):
        _check_recognised(res)
        assert res.raw == json.dumps(doc).encode(), "the signed original must be kept byte for byte"


@given(compact_jws())
@fuzz_settings(60)
def test_recognise_compact_jws(token: str) -> None:
    res = outcome(recognise, token.encode())
    if isinstance(res, Recognised):
        _check_recognised(res)
        assert res.raw == token.encode()
        assert isinstance(res.jwt_header, dict) and isinstance(res.jwt_payload, dict)


@st.composite
def containers(draw: st.DrawFn) -> dict[str, Any]:
    """CLRs and presentations whose children are odd: JWT strings, enveloped data: URIs, junk."""
    child = st.one_of(credential_like(), compact_jws(), JSON_VALUES,
                      compact_jws().map(lambda t: {"type": "EnvelopedVerifiableCredential",
                                                   "id": "data:application/vc+jwt," + t}))
    kids = draw(st.lists(child, max_size=4))
    if draw(st.booleans()):
        return {"type": ["VerifiableCredential", "ClrCredential"],
                "credentialSubject": {"verifiableCredential": kids}}
    return {"type": "VerifiablePresentation", "verifiableCredential": kids}


@given(containers())
@fuzz_settings(40)
def test_recognise_nested_children(doc: dict[str, Any]) -> None:
    res = outcome(recognise, json.dumps(doc).encode())
    if isinstance(res, Recognised):
        assert res.is_container
        _check_recognised(res)


def test_container_child_count_is_capped() -> None:
    doc = {"type": "VerifiablePresentation",
           "verifiableCredential": [{"type": "VerifiableCredential"}] * 5000}
    with pytest.raises(InputTooLarge):
        recognise(json.dumps(doc).encode())


def test_recognise_json_refuses_non_objects() -> None:
    for value in ([], "x", 1, None, [{"type": "VerifiableCredential"}]):
        assert isinstance(outcome(recognise_json, value), CredwalletError)


# --- bounded JSON -------------------------------------------------------------------------


@given(st.text(alphabet='[]{}",:0123456789tfnaelrsu \\', max_size=300))
@FAST
def test_loads_json_shaped_text(text: str) -> None:
    outcome(jsonutil.loads, text)
    outcome(jsonutil.loads, text.encode())


@given(depth=st.integers(min_value=1, max_value=5000), opener=st.sampled_from(["[", '{"a":']))
@fuzz_settings(40)
def test_loads_depth_cap(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * depth + "1" + closer * depth
    res = outcome(jsonutil.loads, text)
    if depth > jsonutil.MAX_DEPTH:
        assert isinstance(res, BadInput) and "nested" in res.message
    else:
        assert not isinstance(res, CredwalletError)


def test_loads_depth_scan_ignores_brackets_in_strings() -> None:
    text = json.dumps({"a": "[" * 1000 + "{" * 1000})
    assert jsonutil.loads(text) == {"a": "[" * 1000 + "{" * 1000}


@pytest.mark.parametrize("data", [b"NaN", b"[Infinity]", b'{"a": -Infinity}', b"\xff\xfe{}",
                                  b'"\\ud800"', b'{"a":1,"a":2}', b"1" * 5000])
def test_loads_odd_documents(data: bytes) -> None:
    outcome(jsonutil.loads, data)


def test_loads_size_cap() -> None:
    big = b"[" + b"0," * (jsonutil.MAX_JSON_BYTES // 2) + b"0]"
    assert isinstance(outcome(jsonutil.loads, big), InputTooLarge)


# --- the credential view -------------------------------------------------------------------


@given(fmt=st.sampled_from(FORMATS), doc=credential_like())
@fuzz_settings(150)
def test_view_of_never_crashes(fmt: str, doc: dict[str, Any]) -> None:
    res = outcome(view_of, fmt, doc)
    assert isinstance(res, CredentialView), f"view_of raised {res!r}"
    assert res.format == fmt
    json.dumps(res.model_dump(mode="json"))  # what `show --json` prints must serialise


@given(fmt=st.sampled_from(FORMATS), doc=st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=8))
@FAST
def test_view_of_arbitrary_objects(fmt: str, doc: dict[str, Any]) -> None:
    assert isinstance(outcome(view_of, fmt, doc), CredentialView)
