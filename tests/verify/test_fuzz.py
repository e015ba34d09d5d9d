"""Property: whatever the bytes, verification returns a result or raises BadInput; nothing else."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.verify.vutil import NOW, signed_ob3

from credwallet.errors import BadInput
from credwallet.verify import EmptyMaterial, verify_bytes

BASE = signed_ob3(bytes(range(32)))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20)


def _run(data: bytes) -> None:
    try:
        result = verify_bytes(data, now=NOW, material=EmptyMaterial())
    except BadInput as exc:
        assert exc.message
        return
    assert all(c.detail for c in result.checks)
    assert result.verified == (not any(c.status == "failed" for c in result.checks))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(sorted(BASE)), value=json_values)
def test_any_top_level_value(key: str, value: Any) -> None:
    doc = dict(BASE)
    doc[key] = value
    _run(json.dumps(doc).encode())


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from(sorted(BASE["proof"])), value=json_values)
def test_any_proof_value(key: str, value: Any) -> None:
    doc = json.loads(json.dumps(BASE))
    doc["proof"][key] = value
    _run(json.dumps(doc).encode())


@settings(max_examples=40, deadline=None)
@given(header=st.dictionaries(st.sampled_from(["alg", "kid", "jwk", "crit", "b64", "typ"]),
                              json_values, max_size=4),
       payload=json_values, sig=st.binary(max_size=80))
def test_any_jws(header: dict[str, Any], payload: Any, sig: bytes) -> None:
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    body = {"vc": {**BASE, "proof": None}} if payload is None else payload
    token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(body).encode())}.{b64(sig)}"
    _run(token.encode())


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(data: bytes) -> None:
    _run(data)
