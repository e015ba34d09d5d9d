"""verify_bytes on mutated credentials: only CredwalletError may escape, and a mutated signed
credential never verifies."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import nacl.signing
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from credwallet.models import CachedDocument, VerificationResult
from credwallet.verify import DictMaterial, EmptyMaterial, verify_bytes
from tests.fuzz.invariant import fuzz_settings, outcome
from tests.fuzz.strategies import JSON_VALUES, ODD_SCALARS, compact_jws, credential_like
from tests.verify.vutil import NOW, did_key_of, ob3_credential, signed_ob3

SLOW = fuzz_settings(60)
SEED = bytes(range(32))
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
CHECK_STATUSES = {"passed", "failed", "warning", "skipped"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@cache
def signed_jwt() -> str:
    did, vm = did_key_of(SEED)
    cred = ob3_credential(did)
    header = {"alg": "EdDSA", "kid": vm, "typ": "JWT"}
    payload = {"vc": cred, "iss": did, "jti": cred["id"], "sub": "did:example:learner", "nbf": 1735689600}
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    sig = nacl.signing.SigningKey(SEED).sign(signing_input.encode()).signature
    return signing_input + "." + _b64(sig)


@cache
def signed_ldp_json() -> str:
    return json.dumps(signed_ob3(SEED))


def _verify(raw: bytes, material: Any = None) -> VerificationResult | None:
    res = outcome(verify_bytes, raw, now=NOW, material=material or EmptyMaterial(), seconds=20)
    if isinstance(res, VerificationResult):
        assert res.checks, "a result without checks"
        assert all(c.status in CHECK_STATUSES for c in res.checks)
        assert res.verified == (not any(c.status == "failed" for c in res.checks))
        json.dumps(res.model_dump(mode="json"))
        return res
    return None


def test_unmutated_originals_verify() -> None:
    # The mutation properties below are only meaningful if the originals verify.
    for raw in (signed_jwt(), signed_ldp_json()):
        res = _verify(raw.encode())
        assert res is not None and res.verified, res


def _decoded(token: str) -> list[bytes] | None:
    try:
        return [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(".")]
    except ValueError:
        return None


@given(st.data())
@SLOW
def test_mutated_jwt_never_verifies(data: st.DataObject) -> None:
    token = signed_jwt()
    op = data.draw(st.sampled_from(["flip", "insert", "delete", "swap-part", "truncate"]))
    i = data.draw(st.integers(0, len(token) - 1))
    if op == "flip":
        ch = data.draw(st.sampled_from("ABCxyz019-_.=+/ \n"))
        mutated = token[:i] + ch + token[i + 1:]
    elif op == "insert":
        mutated = token[:i] + data.draw(st.text(alphabet="Aa0-_.", min_size=1, max_size=3)) + token[i:]
    elif op == "delete":
        mutated = token[:i] + token[i + 1:]
    elif op == "truncate":
        mutated = token[:i]
    else:
        parts = token.split(".")
        k = data.draw(st.integers(0, 2))
        parts[k] = _b64(json.dumps(data.draw(JSON_VALUES)).encode())
        mutated = ".".join(parts)
    assume(mutated != token)
    # A different spelling of the same signature bytes (unused base64 bits) is the same token.
    same = _decoded(mutated) == _decoded(token) and mutated.rsplit(".", 1)[0] == token.rsplit(".", 1)[0]
    res = _verify(mutated.encode())
    if res is not None and not same:
        assert not res.verified, f"mutated JWT verified: {mutated}"


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


@given(st.data())
@SLOW
def test_mutated_ldp_credential_never_verifies(data: st.DataObject) -> None:
    doc = json.loads(signed_ldp_json())
    path = data.draw(st.sampled_from(_leaves(doc)))
    new = data.draw(st.one_of(ODD_SCALARS, JSON_VALUES))
    target = doc
    for key in path[:-1]:
        target = target[key]
    assume(target[path[-1]] != new)
    original = copy.deepcopy(target[path[-1]])
    if data.draw(st.booleans()) and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = new
    res = _verify(json.dumps(doc).encode())
    if res is not None:
        assert not res.verified, f"verified after changing {path} from {original!r}"


@given(credential_like(), st.one_of(st.none(), JSON_VALUES, st.fixed_dictionaries({
    "type": st.sampled_from(["DataIntegrityProof", "Ed25519Signature2020", "JsonWebSignature2020", "x"]),
    "cryptosuite": st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022", "eddsa-2022", "ecdsa-rdfc-2019",
                                    ""]),
    "verificationMethod": ODD_SCALARS, "proofPurpose": ODD_SCALARS, "proofValue": ODD_SCALARS,
    "created": ODD_SCALARS, "previousProof": ODD_SCALARS,
})))
@SLOW
def test_credential_shaped_documents(doc: dict[str, Any], proof: Any) -> None:
    if proof is not None:
        doc["proof"] = proof
    res = _verify(json.dumps(doc).encode())
    if res is not None:
        assert not res.verified


@given(compact_jws())
@SLOW
def test_random_compact_jws(token: str) -> None:
    res = _verify(token.encode())
    if res is not None:
        assert not res.verified


STATUS_URL = "https://issuer.example/status/1"
DID_WEB_URL = "https://issuer.example/.well-known/did.json"


@given(status_body=st.one_of(st.binary(max_size=100), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                             st.fixed_dictionaries({"type": st.just(["VerifiableCredential",
                                                                     "BitstringStatusListCredential"]),
                                                    "credentialSubject": st.fixed_dictionaries({
                                                        "encodedList": ODD_SCALARS,
                                                        "statusPurpose": ODD_SCALARS})}).map(
                                 lambda v: json.dumps(v).encode())),
       index=ODD_SCALARS, did_body=st.one_of(st.binary(max_size=60), JSON_VALUES.map(
           lambda v: json.dumps(v).encode())),
       http_status=st.sampled_from([200, 404, 410, 500]))
@SLOW
def test_hostile_cached_material(status_body: bytes, index: Any, did_body: bytes, http_status: int) -> None:
    # The credential is validly signed; the status list and a DID document cached for it are junk.
    doc = signed_ob3(SEED, credentialStatus={
        "id": STATUS_URL + "#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": index if isinstance(index, str) else str(index),
        "statusListCredential": STATUS_URL})
    material = DictMaterial({
        STATUS_URL: CachedDocument.make(STATUS_URL, "status_list", status_body, FETCHED,
                                        http_status=http_status),
        DID_WEB_URL: CachedDocument.make(DID_WEB_URL, "did", did_body, FETCHED),
    })
    res = _verify(json.dumps(doc).encode(), material)
    assert res is not None
    revocation = res.check("revocation")
    assert revocation is not None and revocation.status != "passed", "junk status list counted as a pass"


EDGE_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("field", ["validFrom", "validUntil", "issuanceDate", "expirationDate"])
@pytest.mark.parametrize("value", EDGE_DATES)
def test_dates_at_the_edge_of_the_calendar(field: str, value: str) -> None:
    # Converting these to UTC overflows; it used to end in exit 70 for the whole run.
    doc = ob3_credential("did:example:issuer")
    doc[field] = value
    res = _verify(json.dumps(doc).encode())
    assert res is not None and not res.verified
