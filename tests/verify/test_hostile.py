"""Hostile input: a failed check or BadInput with a clear message, never a traceback or a hang."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from tests.verify.vutil import NOW, signed_ob3

from credwallet.errors import BadInput
from credwallet.verify import EmptyMaterial, verify_bytes
from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore

SEED = bytes(range(32))


def check(data: bytes) -> Any:
    return verify_bytes(data, now=NOW, material=EmptyMaterial())


def b64(obj: Any) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_deeply_nested_json_is_bad_input() -> None:
    with pytest.raises(BadInput, match="nested"):
        check(b'{"a":' * 5000 + b"1" + b"}" * 5000)


def test_huge_document_is_refused() -> None:
    with pytest.raises(BadInput, match="larger than"):
        check(b'{"x":"' + b"a" * (17 * 1024 * 1024) + b'"}')


def test_not_json_at_all() -> None:
    for data in (b"", b"\x00\x01\x02", b"hello world", b"[1,2,3]"):
        with pytest.raises(BadInput):
            check(data)


def test_blank_node_poisoning_is_capped() -> None:
    """A graph of many interlinked blank nodes makes URDNA2015 exponential: we stop early."""
    n = 40
    nodes = [{"@id": f"_:b{i}", "http://example.org/p": [{"@id": f"_:b{j}"} for j in range(n) if j != i]}
             for i in range(n)]
    doc = {"@context": {"@vocab": "http://example.org/"}, "@graph": nodes}
    start = time.monotonic()
    with pytest.raises(CanonError, match="limit"):
        canonicalize(doc, ContextStore())
    assert time.monotonic() - start < 20


def test_poisoned_credential_fails_cleanly() -> None:
    signed = signed_ob3(SEED)
    n = 40
    graph = [{"id": f"_:b{i}", "type": ["VerifiableCredential"],
              "credentialSubject": [{"id": f"_:b{j}"} for j in range(n) if j != i]}
             for i in range(n)]
    doc = {"@context": signed["@context"], "@graph": graph, "proof": signed["proof"]}
    start = time.monotonic()
    result = check(json.dumps({**doc, "type": ["VerifiableCredential"]}).encode())
    assert time.monotonic() - start < 20
    assert not result.verified
    proof = result.check("proof")
    assert proof is not None and proof.status == "failed"
    assert "limit" in proof.detail


@pytest.mark.parametrize("vm", [
    "did:key:z6Mk0OIl",                              # not base58
    "did:key:z" + "1" * 20,                          # wrong length / prefix
    "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # secp256k1, not Ed25519
    "https://example.org/keys#z6MkNOTbase58O0",      # fragment that is not a key
    "did:web:",                                      # malformed did:web
    "did:web:example.com:..",                        # path traversal
    "x" * 5000,                                      # absurdly long
])
def test_bad_verification_methods(vm: str) -> None:
    doc = signed_ob3(SEED)
    doc["proof"]["verificationMethod"] = vm
    result = check(json.dumps(doc).encode())
    proof = result.check("proof")
    assert proof is not None and proof.status == "failed"
    assert proof.detail
    assert not result.verified


def _jwt(header: dict[str, Any], payload: dict[str, Any], sig: bytes = b"sig") -> bytes:
    return f"{b64(header)}.{b64(payload)}.{b64(sig)}".encode()


CRED = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer", "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:me"}}


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "HS512", "PS256", "RS512", "ES512", ""])
def test_disallowed_jws_algorithms(alg: str) -> None:
    token = _jwt({"alg": alg, "jwk": {"kty": "oct", "k": "c2VjcmV0"}}, {"vc": CRED}, b"")
    result = check(token if alg else token.replace(b'"alg": ""', b""))
    proof = result.check("proof")
    assert proof is not None and proof.status == "failed"
    assert "not allowed" in proof.detail or "no signature" in proof.detail
    assert not result.verified


def test_jwk_header_with_private_key_refused() -> None:
    token = _jwt({"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "d": "BBBB"}},
                 {"vc": CRED})
    result = check(token)
    assert "private" in result.check("proof").detail


def test_jws_with_crit_header_refused() -> None:
    token = _jwt({"alg": "EdDSA", "crit": ["exp"], "kid": "did:example:x"}, {"vc": CRED})
    assert "critical" in check(token).check("proof").detail


def test_malformed_status_list_index() -> None:
    doc = signed_ob3(SEED)
    doc["credentialStatus"] = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                               "statusListIndex": "-5", "statusListCredential": "https://x/y"}
    result = check(json.dumps(doc).encode())
    assert result.check("revocation").status == "failed"


@pytest.mark.parametrize("jwk", [{"kty": "OKP", "crv": "P-256"}, {"kty": "EC", "crv": "Ed25519"}])
def test_jwk_with_another_key_types_curve(jwk: dict[str, Any]) -> None:
    x = base64.urlsafe_b64encode(b"\x01" * 32).rstrip(b"=").decode()
    token = _jwt({"alg": "ES256", "jwk": {**jwk, "x": x, "y": x}}, {"vc": CRED}, b"\x01" * 64)
    result = check(token)
    assert result.check("proof").status == "failed"
    assert "cannot be used" in result.check("proof").detail
