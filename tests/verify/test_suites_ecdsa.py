"""ecdsa-jcs-2019 and ecdsa-sd-2023 against the W3C vc-di-ecdsa test vectors (every published
intermediate value), tamper tests, and base proofs failing closed (bbs-2023: test_bbs_2023.py)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from tests.verify.vutil import NOW, vector, vector_json

from credwallet.didkey import multibase_decode
from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import ProofOutcome, verify_proofs
from credwallet.verify.suites import find_suite
from credwallet.verify.suites.ecdsa_sd import parse_derived_proof_value, public_key_multibase, verify_data
from credwallet.verify.suites.registry import SuiteError

TV = "w3c-vc-di-ecdsa/TestVectors"
CITIZENSHIP_V4RC1 = "https://w3id.org/citizenship/v4rc1"  # bundled too; given here explicitly
SD_SETS = ["employ", "prc"]


def _store(sd: bool = False) -> ContextStore:
    if not sd:
        return ContextStore()
    ctx = vector_json("w3c-ccg-citizenship-vocab/citizenship-v4rc1.jsonld")
    return ContextStore(extra={CITIZENSHIP_V4RC1: ctx})


def _outcome(doc: dict[str, Any], store: ContextStore) -> ProofOutcome:
    report = verify_proofs(doc, material=DictMaterial({}), store=store, now=NOW)
    assert len(report.outcomes) == 1
    return report.outcomes[0]


# --- ecdsa-jcs-2019 ---

JCS = [("p256", "P256"), ("p384", "P384")]


@pytest.mark.parametrize(("folder", "tag"), JCS)
def test_ecdsa_jcs_2019_vectors(folder: str, tag: str) -> None:
    base = f"{TV}/ecdsa-jcs-2019-{folder}"
    signed = vector_json(f"{base}/signedJCSECDSA{tag}.json")
    out = _outcome(signed, _store())
    assert (out.suite, out.outcome) == ("ecdsa-jcs-2019", "valid"), out.detail
    # Every intermediate: canonical forms, hashes, signature.
    suite = find_suite("DataIntegrityProof", "ecdsa-jcs-2019")
    assert suite is not None
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = suite.proof_config(unsecured, signed["proof"])
    assert config == vector_json(f"{base}/proofConfigJCSECDSA{tag}.json")
    store = _store()
    assert suite.transform(unsecured, store) == vector(f"{base}/canonDocJCSECDSA{tag}.txt").strip()
    assert suite.transform(config, store) == vector(f"{base}/proofCanonJCSECDSA{tag}.txt").strip()
    hash_name = "sha384" if tag == "P384" else "sha256"
    proof_hash, doc_hash = suite.hash_data(unsecured, config, store, hash_name)
    assert proof_hash.hex() == vector(f"{base}/proofHashJCSECDSA{tag}.txt").decode().strip()
    assert doc_hash.hex() == vector(f"{base}/docHashJCSECDSA{tag}.txt").decode().strip()
    assert (proof_hash + doc_hash).hex() == vector(f"{base}/combinedHashJCSECDSA{tag}.txt").decode().strip()
    sig_hex = vector(f"{base}/sigHexJCSECDSA{tag}.txt").decode().strip()
    assert multibase_decode(signed["proof"]["proofValue"]).hex() == sig_hex


@pytest.mark.parametrize(("folder", "tag"), JCS)
def test_ecdsa_jcs_2019_one_changed_value_fails(folder: str, tag: str) -> None:
    signed = vector_json(f"{TV}/ecdsa-jcs-2019-{folder}/signedJCSECDSA{tag}.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Counterexamples"
    assert _outcome(signed, _store()).outcome == "invalid"
    signed = vector_json(f"{TV}/ecdsa-jcs-2019-{folder}/signedJCSECDSA{tag}.json")
    signed["proof"]["created"] = "2023-02-24T23:36:39Z"
    assert _outcome(signed, _store()).outcome == "invalid"


def test_ecdsa_jcs_2019_end_to_end() -> None:
    rel = f"{TV}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"
    result = verify_bytes(vector(rel), now=NOW, material=DictMaterial({}), source=rel)
    proof = result.check("proof")
    assert proof is not None and proof.status == "passed", proof


# --- ecdsa-sd-2023 derived proofs ---


def _derived(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = vector_json(f"{TV}/ecdsa-sd-2023/{name}/derivedRevealDocument.json")
    return doc


@pytest.mark.parametrize("name", SD_SETS)
def test_ecdsa_sd_2023_derived_vectors_verify(name: str) -> None:
    out = _outcome(_derived(name), _store(sd=True))
    assert (out.suite, out.outcome) == ("ecdsa-sd-2023", "valid"), out.detail


@pytest.mark.parametrize("name", SD_SETS)
def test_ecdsa_sd_2023_intermediates(name: str) -> None:
    base = f"{TV}/ecdsa-sd-2023/{name}"
    doc = _derived(name)
    parsed = parse_derived_proof_value(doc["proof"]["proofValue"])
    published = vector_json(f"{base}/verifyDerivedProofValue.json")
    assert parsed.base_signature.hex() == published["baseSignature"]
    assert public_key_multibase(parsed) == published["publicKey"]
    assert [s.hex() for s in parsed.signatures] == published["signatures"]
    assert sorted(parsed.label_map.items()) == sorted(tuple(p) for p in published["labelMap"])
    assert parsed.mandatory_indexes == published["mandatoryIndexes"]
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    quads = verify_data(unsecured, parsed, _store(sd=True))
    assert quads == vector_json(f"{base}/verifyNQuads.json")
    expected = vector_json(f"{base}/verifyCreateVerifyData.json")
    mandatory = [q for i, q in enumerate(quads) if i in set(parsed.mandatory_indexes)]
    assert [q for q in quads if q not in mandatory] == expected["nonMandatory"]
    assert hashlib.sha256("".join(mandatory).encode()).hexdigest() == expected["mandatoryHash"]
    suite = find_suite("DataIntegrityProof", "ecdsa-sd-2023")
    assert suite is not None
    config = suite.proof_config(unsecured, doc["proof"])
    proof_hash = hashlib.sha256(suite.transform(config, _store(sd=True))).hexdigest()
    assert proof_hash == expected["proofHash"]


@pytest.mark.parametrize("name", SD_SETS)
def test_ecdsa_sd_2023_one_changed_value_fails(name: str) -> None:
    doc = _derived(name)
    doc["credentialSubject"]["birthCountry"] = "Atlantis"  # a selectively disclosed value
    assert _outcome(doc, _store(sd=True)).outcome == "invalid"
    doc = _derived(name)
    doc["validUntil"] = "2039-12-03T00:00:00Z"  # a mandatory value
    assert _outcome(doc, _store(sd=True)).outcome == "invalid"
    doc = _derived(name)
    doc["proof"]["created"] = "2023-08-15T23:36:39Z"  # the proof configuration
    assert _outcome(doc, _store(sd=True)).outcome == "invalid"


@pytest.mark.parametrize("name", SD_SETS)
def test_ecdsa_sd_2023_added_or_removed_statements_fail(name: str) -> None:
    doc = _derived(name)
    doc["credentialSubject"]["givenName"] = "Mallory"  # a statement nobody signed
    out = _outcome(doc, _store(sd=True))
    assert out.outcome in ("invalid", "error") and out.outcome != "valid"
    doc = _derived(name)
    del doc["credentialSubject"]["birthCountry"]
    out = _outcome(doc, _store(sd=True))
    assert out.outcome == "error" and "signatures for" in out.detail, out.detail


@pytest.mark.parametrize("name", SD_SETS)
def test_ecdsa_sd_2023_base_proof_fails_closed(name: str) -> None:
    doc = vector_json(f"{TV}/ecdsa-sd-2023/{name}/addSignedSDBase.json")
    out = _outcome(doc, _store(sd=True))
    assert out.outcome == "error"
    assert "ecdsa-sd-2023 base proof" in out.detail and "only derived proofs" in out.detail


@pytest.mark.parametrize(
    "value",
    ["u", "z2V0B", "uAAAA", "u2V0B", "u2V0BgA", "u2V0BhQ", "u2V0Bn_8", 7, None],
)
def test_ecdsa_sd_2023_malformed_proof_values(value: Any) -> None:
    with pytest.raises(SuiteError):
        parse_derived_proof_value(value)
    doc = _derived("employ")
    doc["proof"]["proofValue"] = value
    assert _outcome(doc, _store(sd=True)).outcome == "error"


def test_ecdsa_sd_2023_1edtech_derived_credential() -> None:
    rel = "1edtech-inspector/ob30/sd/derivedcredential.json"
    out = _outcome(vector_json(rel), _store())
    assert (out.suite, out.outcome) == ("ecdsa-sd-2023", "valid"), out.detail
    doc = vector_json(rel)
    doc["credentialSubject"]["achievement"]["name"] = "Solo work"
    assert _outcome(doc, _store()).outcome != "valid"

