"""Proof options (verify/dataintegrity.py) and validity dates (verify/checks.py): proof `expires`,
proof chains (`previousProof`), proof sets, and VC 1.1 / 2.0 dates, each with its exact verdict."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from tests.verify.vutil import FETCHED, NOW, did_key_of, ob3_credential

from credwallet.verify import EmptyMaterial, sign_data_integrity, verify_bytes
from credwallet.verify.checks import expiry_check, not_before_check, vc_dates
from credwallet.verify.contexts import ContextStore
from credwallet.verify.suites.registry import find_suite

SEED = bytes(range(160, 192))
OTHER = bytes(range(200, 232))
ISSUER, VM = did_key_of(SEED)


def iso(delta: timedelta) -> str:
    return (NOW + delta).isoformat().replace("+00:00", "Z")


def add_proof(doc: dict[str, Any], *, seed: bytes = SEED, previous: list[dict[str, Any]] | None = None,
              **options: Any) -> dict[str, Any]:
    """`doc` with one more eddsa-rdfc-2022 proof carrying `options`; a chained proof signs the
    document together with the proofs it names (VC Data Integrity, "add proof" with previousProof)."""
    suite = find_suite("DataIntegrityProof", "eddsa-rdfc-2022")
    assert suite is not None
    _, vm = did_key_of(seed)
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
             "created": "2026-01-01T00:00:00Z", "verificationMethod": vm,
             "proofPurpose": "assertionMethod", **options}
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    signing = dict(unsecured)
    if previous:
        signing["proof"] = previous if len(previous) > 1 else previous[0]
    proof["proofValue"] = suite.sign(signing, proof, seed, ContextStore())
    existing = doc.get("proof")
    proofs = [] if existing is None else existing if isinstance(existing, list) else [existing]
    return {**unsecured, "proof": [*proofs, proof] if proofs else proof}


def run(doc: dict[str, Any]) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=EmptyMaterial())


def proof_status(doc: dict[str, Any]) -> tuple[str, str]:
    check = run(doc).check("proof")
    return check.status, check.detail


# --- proof expires ------------------------------------------------------------------------------

def test_expired_proof_is_refused() -> None:
    status, detail = proof_status(add_proof(ob3_credential(ISSUER), expires=iso(-timedelta(seconds=1))))
    assert status == "failed" and "proof expired at" in detail


def test_unexpired_proof_verifies() -> None:
    result = run(add_proof(ob3_credential(ISSUER), expires=iso(timedelta(days=1))))
    assert result.check("proof").status == "passed" and result.verified
    # VC Data Integrity: an error only once the current time is *after* expires.
    assert proof_status(add_proof(ob3_credential(ISSUER), expires=iso(timedelta(0))))[0] == "passed"


@pytest.mark.parametrize("name", ["expires", "created"])
def test_malformed_proof_dates_are_refused(name: str) -> None:
    status, detail = proof_status(add_proof(ob3_credential(ISSUER), **{name: "next tuesday"}))
    assert status == "failed" and f"proof {name} is not a valid date-time" in detail


def test_proof_expiring_later_is_unaffected_by_created() -> None:
    doc = add_proof(ob3_credential(ISSUER), created="2020-01-01T00:00:00Z", expires=iso(timedelta(hours=1)))
    assert proof_status(doc)[0] == "passed"


# --- proof sets and chains -----------------------------------------------------------------------

def verdict(doc: dict[str, Any]) -> tuple[str, str, bool]:
    result = run(doc)
    return result.check("proof").status, result.check("key_binding").status, result.verified


def test_proof_chain_verifies_over_the_previous_proof() -> None:
    """proof-1 by someone else (unbound), proof-2 by the issuer chained to it: only a correctly
    checked chain makes the issuer's proof count."""
    first = add_proof(ob3_credential(ISSUER), seed=OTHER, id="urn:uuid:proof-1")
    chained = add_proof(first, previous=[first["proof"]], id="urn:uuid:proof-2",
                        previousProof="urn:uuid:proof-1")
    assert verdict(chained) == ("passed", "passed", True)
    assert verdict(first) == ("passed", "failed", False)
    # Without its predecessor, the issuer's proof cannot stand.
    status, detail = proof_status({**chained, "proof": [chained["proof"][1]]})
    assert status == "failed" and "does not identify exactly one other proof" in detail
    # A changed predecessor breaks the chained proof too.
    altered = {**chained, "proof": [{**chained["proof"][0], "created": "2026-01-02T00:00:00Z"},
                                    chained["proof"][1]]}
    assert verdict(altered)[0] == "failed"


def test_chained_proof_signed_without_its_predecessor_fails() -> None:
    first = add_proof(ob3_credential(ISSUER), seed=OTHER, id="urn:uuid:proof-1")
    # Signed over the bare document, yet claims to follow proof-1.
    forged = add_proof(first, id="urn:uuid:proof-2", previousProof="urn:uuid:proof-1")
    assert verdict(forged) == ("passed", "failed", False)
    assert "signature does not match" in run(forged).check("proof").detail


@pytest.mark.parametrize("previous", ["urn:uuid:missing", ["urn:uuid:proof-1", "urn:uuid:missing"], 7])
def test_previous_proof_must_name_one_other_proof(previous: Any) -> None:
    first = add_proof(ob3_credential(ISSUER), id="urn:uuid:proof-1")
    chained = add_proof(first, seed=SEED, previous=[first["proof"]], id="urn:uuid:proof-2",
                        previousProof="urn:uuid:proof-1")
    chained["proof"][1]["previousProof"] = previous
    only_second = {**chained, "proof": [{**chained["proof"][0], "proofValue": "zBad"}, chained["proof"][1]]}
    assert proof_status(only_second)[0] == "failed"


def test_proof_naming_itself_as_previous_fails() -> None:
    doc = add_proof(ob3_credential(ISSUER), id="urn:uuid:self", previousProof="urn:uuid:self")
    status, detail = proof_status(doc)
    assert status == "failed" and "does not identify exactly one other proof" in detail


def test_proof_set_one_good_proof_suffices_and_the_bound_one_is_reported() -> None:
    doc = add_proof(add_proof(ob3_credential(ISSUER), seed=OTHER), seed=SEED)
    result = run(doc)
    assert result.check("proof").status == "passed" and result.check("key_binding").status == "passed"
    assert result.check("proof").detail.startswith(f"eddsa-rdfc-2022 by {VM}")
    assert result.verified


def test_too_many_proofs_are_reported() -> None:
    doc = ob3_credential(ISSUER)
    for _ in range(17):
        doc = add_proof(doc)
    check = run(doc).check("proof")
    assert check.status == "passed" and "more than 16 proofs" in check.detail


def test_wrong_proof_purpose_and_non_object_proof() -> None:
    status, detail = proof_status(add_proof(ob3_credential(ISSUER), proofPurpose="authentication"))
    assert status == "failed" and "proofPurpose is 'authentication', expected 'assertionMethod'" in detail
    status, detail = proof_status({**ob3_credential(ISSUER), "proof": ["not a proof"]})
    assert status == "failed" and "proof is not a JSON object" in detail


def test_unsupported_cryptosuite_is_named() -> None:
    doc = add_proof(ob3_credential(ISSUER))
    doc["proof"]["cryptosuite"] = "example-2030"
    status, detail = proof_status(doc)
    assert status == "failed" and "unsupported proof type 'example-2030'" in detail


# --- validity dates ------------------------------------------------------------------------------

def _vc11(**dates: str) -> dict[str, Any]:
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
           "issuer": ISSUER, "credentialSubject": {"id": "did:example:learner"}, **dates}
    return sign_data_integrity(doc, seed=SEED, verification_method=VM, proof_purpose="assertionMethod",
                               created=FETCHED)


def test_vc11_future_issuance_date_is_not_valid_yet() -> None:
    result = run(_vc11(issuanceDate=iso(timedelta(days=1))))
    check = result.check("not_before")
    assert check.status == "failed" and "not valid yet: issuanceDate is" in check.detail
    assert not result.verified
    past = run(_vc11(issuanceDate=iso(-timedelta(days=1))))
    assert past.check("not_before").status == "passed" and past.verified


def test_vc11_expiration_date() -> None:
    result = run(_vc11(issuanceDate="2025-01-01T00:00:00Z", expirationDate=iso(-timedelta(seconds=1))))
    assert result.check("expiry").status == "failed" and not result.verified
    fine = run(_vc11(issuanceDate="2025-01-01T00:00:00Z", expirationDate=iso(timedelta(seconds=1))))
    assert fine.check("expiry").status == "passed" and fine.verified


def test_vc_dates_field_choice() -> None:
    assert vc_dates({"issuanceDate": "a"}) == (("a", "issuanceDate"), (None, "expirationDate"))
    assert vc_dates({"issuanceDate": "a", "validFrom": "b"})[0] == ("b", "validFrom")
    assert vc_dates({"issuanceDate": "a", "validUntil": "c"})[0] == (None, "validFrom")
    assert vc_dates({"validUntil": "c", "expirationDate": "d"})[1] == ("c", "validUntil")
    assert vc_dates({"expirationDate": "d"})[1] == ("d", "expirationDate")


def test_date_boundaries() -> None:
    assert not_before_check(iso(timedelta(0)), "validFrom", NOW).status == "passed"  # valid from now
    assert not_before_check(iso(timedelta(seconds=1)), "validFrom", NOW).status == "failed"
    assert not_before_check("2025-13-01T00:00:00Z", "validFrom", NOW).status == "failed"
    assert not_before_check(None, "validFrom", NOW).status == "passed"
    assert expiry_check(iso(timedelta(0)), "validUntil", NOW).status == "failed"  # expired at now
    assert expiry_check(iso(timedelta(seconds=1)), "validUntil", NOW).status == "passed"
    assert expiry_check("tomorrow", "validUntil", NOW).status == "failed"
    assert expiry_check(None, "validUntil", NOW).status == "passed"


# --- signing ---------------------------------------------------------------------------------------

def test_signing_adds_the_suite_context_only_where_needed() -> None:
    v1 = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "issuer": ISSUER, "issuanceDate": "2025-01-01T00:00:00Z",
          "credentialSubject": {"id": "did:example:learner"}}
    di = sign_data_integrity(v1, seed=SEED, verification_method=VM, proof_purpose="assertionMethod",
                             created=FETCHED)
    assert di["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert v1["@context"] == ["https://www.w3.org/2018/credentials/v1"]  # the input is not changed
    legacy = sign_data_integrity(v1, seed=SEED, verification_method=VM, proof_purpose="assertionMethod",
                                 created=FETCHED, cryptosuite="Ed25519Signature2020")
    assert legacy["@context"][-1] == "https://w3id.org/security/suites/ed25519-2020/v1"
    assert legacy["proof"]["type"] == "Ed25519Signature2020" and "cryptosuite" not in legacy["proof"]
    for doc in (di, legacy):
        result = run(doc)
        assert result.check("proof").status == "passed" and result.verified, result.checks
    v2 = sign_data_integrity(ob3_credential(ISSUER), seed=SEED, verification_method=VM,
                             proof_purpose="assertionMethod", created=FETCHED)
    assert len(v2["@context"]) == 2  # VC 2.0 defines the proof terms already


def test_signing_options_and_refusals() -> None:
    doc = sign_data_integrity(ob3_credential(ISSUER), seed=SEED, verification_method=VM,
                              proof_purpose="authentication", created=NOW.replace(microsecond=123),
                              challenge="c-1", domain="example.org")
    proof = doc["proof"]
    assert (proof["challenge"], proof["domain"], proof["created"]) == ("c-1", "example.org",
                                                                       "2026-06-01T00:00:00Z")
    twice = sign_data_integrity(doc, seed=OTHER, verification_method=did_key_of(OTHER)[1],
                                proof_purpose="assertionMethod", created=FETCHED)
    assert isinstance(twice["proof"], list) and len(twice["proof"]) == 2
    with pytest.raises(ValueError, match="32 bytes"):
        sign_data_integrity(doc, seed=SEED[:31], verification_method=VM, proof_purpose="x", created=FETCHED)
    with pytest.raises(ValueError, match="unsupported cryptosuite"):
        sign_data_integrity(doc, seed=SEED, verification_method=VM, proof_purpose="x", created=FETCHED,
                            cryptosuite="example-2030")
    with pytest.raises(ValueError, match="cannot sign"):
        sign_data_integrity({**ob3_credential(ISSUER), "undefinedTerm": 1}, seed=SEED,
                            verification_method=VM, proof_purpose="x", created=FETCHED)
