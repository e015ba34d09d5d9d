"""Linked Data Signatures suites with a detached JWS: Ed25519Signature2018, JsonWebSignature2020,
EcdsaSecp256r1Signature2019. Public vectors (JFF plugfests, lds-jws2020 spec and fixtures),
tamper tests, and header refusals."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from tests.verify.vutil import NOW, cached, vector, vector_json

from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import ProofOutcome, verify_proofs
from credwallet.verify.keys import ResolvedKey, key_from_vm_object
from credwallet.verify.suites import find_suite
from credwallet.verify.suites.detached_jws import verify_detached
from credwallet.verify.suites.registry import SuiteError

JFF = [
    "w3c-ccg-vc-ed/plugfest-1-2022/plugfest-1-ex-1.json",
    "w3c-ccg-vc-ed/plugfest-1-2022/plugfest-1-ex-2.json",
    # header members in another order: {"alg","crit","b64"}
    "w3c-ccg-vc-ed/plugfest-3-2023/signed_badge_example-p3.json",
]
JWS2020_ISSUER = "https://example.com/issuer/123"


def _outcome(doc: dict[str, Any], material: DictMaterial | None = None) -> ProofOutcome:
    report = verify_proofs(doc, material=material or DictMaterial({}), store=ContextStore(), now=NOW)
    assert len(report.outcomes) == 1
    return report.outcomes[0]


def _jws2020_vectors() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(credential, issuer document) from the spec text and from the suite's own fixtures."""
    spec = (vector_json("w3c-ccg-lds-jws2020/spec/vc_0.json"),
            vector_json("w3c-ccg-lds-jws2020/spec/issuer_0.json"))
    fixture = (vector_json("w3c-ccg-lds-jws2020/fixtures/credential.json")["vc_0"],
               vector_json("w3c-ccg-lds-jws2020/fixtures/issuer.json")["issuer_0"])
    return [spec, fixture]


def _issuer_material(issuer: dict[str, Any]) -> DictMaterial:
    return DictMaterial({JWS2020_ISSUER: cached(JWS2020_ISSUER, issuer)})


# --- Ed25519Signature2018 ---


@pytest.mark.parametrize("rel", JFF)
def test_ed25519_2018_jff_plugfest_badges_verify(rel: str) -> None:
    out = _outcome(vector_json(rel))
    assert out.suite == "Ed25519Signature2018"
    assert out.outcome == "valid", out.detail


@pytest.mark.parametrize("rel", JFF)
def test_ed25519_2018_end_to_end(rel: str) -> None:
    result = verify_bytes(vector(rel), now=NOW, material=DictMaterial({}), source=rel)
    proof = result.check("proof")
    assert proof is not None and proof.status == "passed", proof
    assert "Ed25519Signature2018" in proof.detail


@pytest.mark.parametrize("rel", JFF)
def test_ed25519_2018_one_changed_value_fails(rel: str) -> None:
    doc = vector_json(rel)
    doc["credentialSubject"]["achievement"]["name"] += "!"
    out = _outcome(doc)
    assert out.outcome == "invalid" and "does not match" in out.detail
    doc = vector_json(rel)
    doc["proof"]["created"] = "2022-05-26T20:31:12Z"  # the proof options are signed too
    assert _outcome(doc).outcome == "invalid"


def _with_header(jws: str, header: dict[str, Any]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return encoded + ".." + jws.split("..", 1)[1]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "none", "b64": False, "crit": ["b64"]}, "not allowed"),
        ({"alg": "HS256", "b64": False, "crit": ["b64"]}, "not allowed"),
        ({"alg": "ES256", "b64": False, "crit": ["b64"]}, "not allowed"),
        ({"alg": "EdDSA", "b64": True, "crit": ["b64"]}, "b64"),
        ({"alg": "EdDSA", "b64": False}, "crit"),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64", "exp"]}, "crit"),
    ],
)
def test_ed25519_2018_header_refusals(header: dict[str, Any], message: str) -> None:
    doc = vector_json(JFF[0])
    doc["proof"]["jws"] = _with_header(doc["proof"]["jws"], header)
    out = _outcome(doc)
    assert out.outcome == "error" and message in out.detail, out.detail


@pytest.mark.parametrize(
    "jws",
    ["", "abc", "a.b.c", "eyJhbGciOiJFZERTQSJ9.payload.sig", "!!!..AAAA", "e30..", None, 7],
)
def test_ed25519_2018_malformed_jws(jws: Any) -> None:
    doc = vector_json(JFF[0])
    doc["proof"]["jws"] = jws
    assert _outcome(doc).outcome == "error"


def test_ed25519_2018_signature_bytes_changed() -> None:
    doc = vector_json(JFF[0])
    head, sig = doc["proof"]["jws"].split("..")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[5] ^= 1
    doc["proof"]["jws"] = head + ".." + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    assert _outcome(doc).outcome == "invalid"


# --- JsonWebSignature2020 ---


@pytest.mark.parametrize("index", [0, 1], ids=["spec-w3id-context", "fixture-github-io-context"])
def test_jws2020_spec_vectors_verify(index: int) -> None:
    doc, issuer = _jws2020_vectors()[index]
    out = _outcome(doc, _issuer_material(issuer))
    assert out.suite == "JsonWebSignature2020"
    assert out.outcome == "valid", out.detail
    assert out.key is not None and out.key.bound_controller == JWS2020_ISSUER


@pytest.mark.parametrize("index", [0, 1])
def test_jws2020_one_changed_value_fails(index: int) -> None:
    doc, issuer = _jws2020_vectors()[index]
    doc = copy.deepcopy(doc)
    doc["credentialSubject"]["degree"]["name"] = "Bachelor of Arts"
    assert _outcome(doc, _issuer_material(issuer)).outcome == "invalid"


def test_jws2020_key_of_another_type_is_refused() -> None:
    doc, issuer = _jws2020_vectors()[0]
    issuer = copy.deepcopy(issuer)
    p384 = vector_json("w3c-ccg-lds-jws2020/fixtures/keypair.json")["keypair_2"]["publicKeyJwk"]
    issuer["publicKey"][0]["publicKeyJwk"] = p384
    out = _outcome(doc, _issuer_material(issuer))
    assert out.outcome == "error" and "EdDSA needs an Ed25519 key" in out.detail, out.detail


def _jwk_key(name: str) -> ResolvedKey:
    pair = vector_json("w3c-ccg-lds-jws2020/fixtures/keypair.json")[name]
    jwk = pair["publicKeyJwk"]
    try:
        return key_from_vm_object({"id": pair["id"], "publicKeyJwk": jwk}, pair["id"])
    except Exception:
        # secp256k1: the resolver keeps only P-256/P-384 EC keys; the suite reads the JWK.
        return ResolvedKey(vm_id=pair["id"], jwk=dict(jwk))


@pytest.mark.parametrize(
    ("key", "sig", "alg"), [("keypair_0", "signature_0", "EdDSA"), ("keypair_1", "signature_1", "ES256K")]
)
def test_jws2020_spec_message_vectors(key: str, sig: str, alg: str) -> None:
    """The spec's detached JWS of "hello world": the primitive under every JWS suite."""
    jws = vector_json("w3c-ccg-lds-jws2020/fixtures/signature.json")[sig]
    message = vector_json("w3c-ccg-lds-jws2020/fixtures/message.json")["message_0"].encode()
    allowed = frozenset({"EdDSA", "ES256K", "ES256", "ES384", "PS256"})
    assert verify_detached(jws, message, _jwk_key(key), allowed) is True
    assert verify_detached(jws, message + b"!", _jwk_key(key), allowed) is False
    with pytest.raises(SuiteError, match="not allowed"):
        verify_detached(jws, message, _jwk_key(key), frozenset({"PS256"} - {alg}))


# --- EcdsaSecp256r1Signature2019 (no public vector found: own signatures with a fixed key) ---

P256_SCALAR = 0x1F2E3D4C5B6A79880123456789ABCDEF0F1E2D3C4B5A69788796A5B4C3D2E1F0


def _p256() -> tuple[Any, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from credwallet.didkey import multibase_encode

    private = ec.derive_private_key(P256_SCALAR, ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    mb = multibase_encode(b"\x80\x24" + point)
    return private, f"did:key:{mb}#{mb}"


def _r1_credential(vm: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "https://www.w3.org/2018/credentials/examples/v1"],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": vm.split("#")[0],
        "issuanceDate": "2020-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": "Example University"},
    }


def _sign_r1(style: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from credwallet.didkey import multibase_encode

    private, vm = _p256()
    doc = _r1_credential(vm)
    proof = {"type": "EcdsaSecp256r1Signature2019", "created": "2021-01-01T00:00:00Z",
             "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    suite = find_suite("EcdsaSecp256r1Signature2019", None)
    assert suite is not None
    proof_hash, doc_hash = suite.hash_data(doc, suite.proof_config(doc, proof), ContextStore())
    header = base64.urlsafe_b64encode(b'{"alg":"ES256","b64":false,"crit":["b64"]}').rstrip(b"=")
    message = header + b"." + proof_hash + doc_hash if style == "jws" else proof_hash + doc_hash
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if style == "jws":
        proof["jws"] = header.decode() + ".." + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    else:
        proof["proofValue"] = multibase_encode(raw)
    return {**doc, "proof": proof}


@pytest.mark.parametrize("style", ["jws", "proofValue"])
def test_ecdsa_secp256r1_2019_verifies_and_detects_tampering(style: str) -> None:
    doc = _sign_r1(style)
    out = _outcome(doc)
    assert (out.suite, out.outcome) == ("EcdsaSecp256r1Signature2019", "valid"), out.detail
    doc["credentialSubject"]["alumniOf"] = "Another University"
    assert _outcome(doc).outcome == "invalid"


def test_ecdsa_secp256r1_2019_needs_a_p256_key() -> None:
    doc = _sign_r1("jws")
    ed = vector_json(JFF[0])["proof"]["verificationMethod"]
    doc["proof"]["verificationMethod"] = ed
    out = _outcome(doc)
    assert out.outcome == "invalid" and "not a key for EcdsaSecp256r1Signature2019" in out.detail


def test_ecdsa_secp256r1_2019_refuses_both_values() -> None:
    doc = _sign_r1("jws")
    doc["proof"]["proofValue"] = _sign_r1("proofValue")["proof"]["proofValue"]
    out = _outcome(doc)
    assert out.outcome == "error" and "both" in out.detail
