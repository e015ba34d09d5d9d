"""bbs-2023 (W3C vc-di-bbs) derived proofs: the published vectors and every intermediate value,
tampering, base proofs refused by name, key type and binding unchanged (feature options:
test_bbs_features.py)."""

from __future__ import annotations

import base64
import copy
import hashlib
from typing import Any

import base58
import pytest
from tests.verify.vutil import NOW, vector, vector_json

from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import ProofOutcome, verify_proofs
from credwallet.verify.suites import find_suite
from credwallet.verify.suites.bbs_2023 import create_verify_data, parse_derived_proof_value
from credwallet.verify.suites.registry import SuiteError
from credwallet.verify.suites.selective import labelled_quads

W3C = "bbs/vc-di-bbs"
AGREEMENT = "agreement/vc-di-bbs"


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = vector_json(f"{W3C}/derivedRevealDocument.json")
    return doc


def _outcome(doc: dict[str, Any]) -> ProofOutcome:
    report = verify_proofs(doc, material=DictMaterial({}), store=ContextStore(), now=NOW)
    assert len(report.outcomes) == 1
    return report.outcomes[0]


def _raw(doc: dict[str, Any]) -> bytes:
    value = doc["proof"]["proofValue"][1:]
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _with_raw(doc: dict[str, Any], raw: bytes) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return out


def test_baseline_vector_verifies() -> None:
    out = _outcome(_doc())
    assert (out.suite, out.outcome) == ("bbs-2023", "valid"), out.detail
    # The agreement corpus holds the same reveal document.
    assert vector_json(f"{AGREEMENT}/Baseline/derivedRevealDocument.json") == _doc()


def test_baseline_intermediate_values() -> None:
    doc = _doc()
    suite = find_suite("DataIntegrityProof", "bbs-2023")
    assert suite is not None
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    store = ContextStore()
    config = suite.proof_config(unsecured, doc["proof"])
    assert suite.transform(config, store).decode() == vector(f"{W3C}/addProofConfigCanon.txt").decode()
    data = create_verify_data(suite, unsecured, doc["proof"], store)
    hashes = vector_json(f"{W3C}/addHashData.json")
    assert data.header.hex() == hashes["proofHash"] + hashes["mandatoryHash"]
    disclosure = vector_json(f"{W3C}/derivedDisclosureData.json")
    parsed = data.proof
    assert parsed.bbs_proof.hex() == disclosure["bbsProof"]
    assert parsed.label_map == dict(disclosure["labelMap"]["value"])
    assert parsed.mandatory_indexes == disclosure["mandatoryIndexes"]
    assert parsed.selective_indexes == vector_json(f"{W3C}/derivedAdjIndexes.json")["adjSelectiveIndexes"]
    ph = disclosure["presentationHeader"]
    assert parsed.presentation_header == bytes(ph[str(i)] for i in range(len(ph)))
    quads = labelled_quads(unsecured, parsed.label_map, store)
    mandatory = "".join(q for i, q in enumerate(quads) if i in set(parsed.mandatory_indexes))
    assert hashlib.sha256(mandatory.encode()).hexdigest() == hashes["mandatoryHash"]
    # The issuer's key is the vector's key material.
    key_hex = vector_json(f"{W3C}/BBSKeyMaterial.json")["publicKeyHex"]
    vm = doc["proof"]["verificationMethod"].split("#")[1]
    assert base58.b58decode(vm[1:])[2:].hex() == key_hex


@pytest.mark.parametrize("header", [b"\xd9\x5d\x05", b"\xd9\x5d\x07", b"\xd9\x5d\x09"])
def test_baseline_array_under_a_feature_header_is_refused(header: bytes) -> None:
    # Feature options verify (tests/verify/test_bbs_features.py); their arrays are longer.
    with pytest.raises(SuiteError, match="derived proofValue is not a"):
        parse_derived_proof_value(_with_raw(_doc(), header + _raw(_doc())[3:])["proof"]["proofValue"])


@pytest.mark.parametrize("header", [b"\xd9\x5d\x02", b"\xd9\x5d\x04", b"\xd9\x5d\x06", b"\xd9\x5d\x08"])
def test_base_proofs_fail_closed(header: bytes) -> None:
    doc = _with_raw(_doc(), header + _raw(_doc())[3:])
    out = _outcome(doc)
    assert out.outcome == "error"
    assert "bbs-2023 base proof" in out.detail and "only derived proofs" in out.detail


def test_changed_disclosed_value_is_invalid() -> None:
    doc = _doc()
    doc["credentialSubject"]["boards"][1]["brand"] = "Naish"
    assert _outcome(doc).outcome == "invalid"


def test_changed_mandatory_value_is_invalid() -> None:
    doc = _doc()
    doc["credentialSubject"]["sailNumber"] = "Mars101"
    assert _outcome(doc).outcome == "invalid"


def test_removed_statement_is_refused() -> None:
    doc = _doc()
    del doc["credentialSubject"]["boards"][1]["brand"]
    assert _outcome(doc).outcome in ("error", "invalid")
    assert _outcome(doc).outcome != "valid"


@pytest.mark.parametrize("at", [5, 60, 100, 150, 300, -40])
def test_changed_proof_byte_is_refused(at: int) -> None:
    raw = bytearray(_raw(_doc()))
    # Inside bbsProof: the CBOR array head (1), byte string head (3) then the proof.
    offset = 3 + 1 + 3 + (at if at >= 0 else 528 + at)
    raw[offset] ^= 0x04
    out = _outcome(_with_raw(_doc(), bytes(raw)))
    assert out.outcome in ("invalid", "error"), out.detail


def test_changed_presentation_header_is_invalid() -> None:
    raw = _raw(_doc())
    assert raw.endswith(bytes.fromhex("44113377aa"))
    out = _outcome(_with_raw(_doc(), raw[:-1] + b"\xab"))
    assert out.outcome == "invalid"


def test_wrong_bbs_header_is_invalid() -> None:
    # The BBS header is SHA-256(proof configuration) || mandatoryHash: a changed proof option
    # (created) changes it.
    doc = _doc()
    doc["proof"]["created"] = "2023-08-15T23:36:39Z"
    assert _outcome(doc).outcome == "invalid"


def test_another_issuer_key_is_invalid() -> None:
    other = vector_json("bbs/cfrg-06/keypair.json")["keyPair"]["publicKey"]
    mb = "z" + base58.b58encode(b"\xeb\x01" + bytes.fromhex(other)).decode()
    doc = _doc()
    doc["proof"]["verificationMethod"] = f"did:key:{mb}#{mb}"
    assert _outcome(doc).outcome == "invalid"


def test_non_bls_key_is_refused() -> None:
    doc = _doc()
    mb = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    doc["proof"]["verificationMethod"] = f"did:key:{mb}#{mb}"
    out = _outcome(doc)
    assert out.outcome == "invalid" and "not a BLS12-381 G2 key" in out.detail


def test_bls_key_not_on_the_curve_is_refused() -> None:
    mb = "z" + base58.b58encode(b"\xeb\x01" + b"\xa0" + b"\x11" * 95).decode()
    doc = _doc()
    doc["proof"]["verificationMethod"] = f"did:key:{mb}#{mb}"
    out = _outcome(doc)
    assert out.outcome == "invalid" and "BLS12-381 key is unusable" in out.detail


def test_key_binding_is_still_required() -> None:
    # The vector's issuer is an https URL, its key a did:key: the proof is valid, but nothing
    # binds the key to the issuer.
    result = verify_bytes(vector(f"{W3C}/derivedRevealDocument.json"), now=NOW, material=DictMaterial({}))
    assert result.check("proof").status == "passed"
    assert result.check("key_binding").status == "failed"


def test_an_ecdsa_sd_document_relabelled_bbs_is_refused() -> None:
    doc = vector_json("w3c-vc-di-ecdsa/TestVectors/ecdsa-sd-2023/employ/derivedRevealDocument.json")
    doc["proof"]["cryptosuite"] = "bbs-2023"
    out = _outcome(doc)
    assert out.outcome == "invalid" and "BLS12-381" in out.detail


@pytest.mark.parametrize("value", [
    None, 7, "", "u", "z2V0D", "uAAAA", "u2V0D", "u2V0DgA", "u2V0DhQ", "u2V0Dn_8", "u2V0DhUA", "u!!",
])
def test_malformed_proof_values_are_errors(value: Any) -> None:
    with pytest.raises(SuiteError):
        parse_derived_proof_value(value)
    doc = _doc()
    doc["proof"]["proofValue"] = value
    assert _outcome(doc).outcome == "error"


def test_label_map_must_be_integers_and_distinct() -> None:
    raw = _raw(_doc())
    # The label map (CBOR map of 6) follows the 528-byte bbsProof.
    at = 3 + 1 + 3 + 528
    assert raw[at] == 0xA6
    dup = bytearray(raw)
    dup[at + 2] = dup[at + 4]  # give c14n0 the label of c14n1
    with pytest.raises(SuiteError, match="two blank nodes"):
        parse_derived_proof_value(_with_raw(_doc(), bytes(dup))["proof"]["proofValue"])
    text = bytearray(raw)
    text[at + 2] = 0x40  # an empty byte string where an integer label belongs
    with pytest.raises(SuiteError):
        parse_derived_proof_value(_with_raw(_doc(), bytes(text))["proof"]["proofValue"])


def test_selective_index_count_must_match_disclosed_statements() -> None:
    doc = _doc()
    doc["credentialSubject"]["extra"] = "not signed"
    out = _outcome(doc)
    assert out.outcome == "error"
