"""Freshly signed credentials verify; any change to the signed content does not."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.verify.vutil import NOW, did_key_of, signed_ob3

from credwallet.models import VerificationResult
from credwallet.verify import EmptyMaterial, verify_bytes

SEED = bytes(range(32))
OTHER = bytes(range(1, 33))


def check(doc: dict[str, Any]) -> VerificationResult:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=EmptyMaterial())


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_fresh_credential_verifies(suite: str) -> None:
    doc = signed_ob3(SEED, cryptosuite=suite)
    result = check(doc)
    assert result.verified, result.checks
    assert result.check("key_binding").status == "passed"  # type: ignore[union-attr]
    assert result.signer == did_key_of(SEED)[1]
    assert result.suite == suite


def _string_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("proof", "@context"):
                yield from _string_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _string_paths(v, (*path, i))
    elif isinstance(node, str):
        yield path


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_one_changed_character_anywhere_fails(suite: str) -> None:
    original = signed_ob3(SEED, cryptosuite=suite)
    paths = list(_string_paths(original))
    assert len(paths) > 10
    for path in paths:
        doc = copy.deepcopy(original)
        value = _get(doc, path)
        # Change the last character (keeps IRIs absolute, so the failure is the signature's).
        _set(doc, path, value[:-1] + ("X" if value[-1:] != "X" else "Y"))
        result = check(doc)
        assert not result.verified, path
        proof = result.check("proof")
        assert proof is not None and proof.status == "failed", (path, result.checks)


def test_swapped_issuer_fails() -> None:
    doc = signed_ob3(SEED)
    doc["issuer"]["id"] = did_key_of(OTHER)[0]
    assert check(doc).check("proof").status == "failed"  # type: ignore[union-attr]


def test_resigned_by_another_key_is_not_bound() -> None:
    """A valid signature by someone else's key is not the issuer's credential."""
    from credwallet.verify import sign_data_integrity

    doc = signed_ob3(SEED)
    del doc["proof"]
    _, other_vm = did_key_of(OTHER)
    doc = sign_data_integrity(doc, seed=OTHER, verification_method=other_vm,
                              proof_purpose="assertionMethod", created=NOW)
    result = check(doc)
    assert result.check("proof").status == "passed"  # type: ignore[union-attr]
    assert result.check("key_binding").status == "failed"  # type: ignore[union-attr]
    assert not result.verified


@pytest.mark.parametrize("mutate,message", [
    (lambda v: v[:-2] + ("1" if v[-2] != "1" else "2") + v[-1], "does not match"),
    (lambda v: v[:20] + "0OIl" + v[24:], "not base58btc"),
    (lambda v: v[:-10], "bytes, not a 64-byte"),
    (lambda v: "u" + v[1:], "base58btc multibase"),
    (lambda v: "", "base58btc multibase"),
])
def test_corrupted_proof_value(mutate: Any, message: str) -> None:
    doc = signed_ob3(SEED)
    doc["proof"]["proofValue"] = mutate(doc["proof"]["proofValue"])
    result = check(doc)
    proof = result.check("proof")
    assert proof is not None and proof.status == "failed"
    assert message in proof.detail


def test_wrong_purpose_and_expired_proof() -> None:
    doc = signed_ob3(SEED)
    doc["proof"]["proofPurpose"] = "authentication"
    assert "proofPurpose" in check(doc).check("proof").detail  # type: ignore[union-attr]


def test_multiple_proofs_any_valid_and_unsupported_named() -> None:
    doc = signed_ob3(SEED)
    bogus = {"type": "DataIntegrityProof", "cryptosuite": "example-2030",
             "verificationMethod": "did:key:zDnaeXYZ", "proofPurpose": "assertionMethod",
             "proofValue": "u1234"}
    doc["proof"] = [bogus, doc["proof"]]
    result = check(doc)
    assert result.verified
    assert "example-2030" in result.check("proof").detail  # type: ignore[union-attr]
    doc["proof"] = [bogus]
    result = check(doc)
    assert not result.verified
    assert "unsupported proof type" in result.check("proof").detail  # type: ignore[union-attr]


def test_expired_and_not_yet_valid() -> None:
    late = signed_ob3(SEED, validFrom="2099-01-01T00:00:00Z")
    assert check(late).check("not_before").status == "failed"  # type: ignore[union-attr]
    gone = signed_ob3(SEED, validUntil="2025-06-01T00:00:00Z")
    result = check(gone)
    assert result.check("expiry").status == "failed"  # type: ignore[union-attr]
    assert "expired at 2025-06-01" in result.check("expiry").detail  # type: ignore[union-attr]
    assert result.check("proof").status == "passed"  # type: ignore[union-attr]


def test_undefined_term_fails_safe_mode() -> None:
    """A signature over a dropped (undefined) term proves nothing: the credential fails."""
    from credwallet.verify import sign_data_integrity

    doc = signed_ob3(SEED)
    del doc["proof"]
    doc["notInAnyContext"] = "surprise"
    with pytest.raises(ValueError, match="not defined"):
        sign_data_integrity(doc, seed=SEED, verification_method=did_key_of(SEED)[1],
                            proof_purpose="assertionMethod", created=NOW)
    signed = signed_ob3(SEED)
    signed["notInAnyContext"] = "surprise"
    result = check(signed)
    assert not result.verified
    assert result.check("contexts").status == "failed"  # type: ignore[union-attr]
    assert "notInAnyContext" in result.check("contexts").detail  # type: ignore[union-attr]


def test_relative_type_fails_safe_mode() -> None:
    signed = signed_ob3(SEED)
    signed["credentialSubject"]["achievement"]["type"] = ["Achievement", "NotAType"]
    result = check(signed)
    assert result.check("contexts").status == "failed"  # type: ignore[union-attr]
    assert "NotAType" in result.check("contexts").detail  # type: ignore[union-attr]


def test_unknown_context_is_never_fetched() -> None:
    signed = signed_ob3(SEED)
    signed["@context"].append("https://example.org/unknown-context.jsonld")
    result = check(signed)
    assert result.check("contexts").status == "failed"  # type: ignore[union-attr]
    assert "unknown-context" in result.check("contexts").detail  # type: ignore[union-attr]
    assert result.check("proof").status == "skipped"  # type: ignore[union-attr]
    assert not result.verified


def test_ob303_variant_terms_verify_with_the_1edtech_copy() -> None:
    """`endorsementJwt` is defined only by the 1EdTech copy of OB 3.0.3: accepted via that copy."""
    from credwallet.verify.contexts import ContextStore
    from credwallet.verify.suites import find_suite

    doc = signed_ob3(SEED)
    proof = doc.pop("proof")
    doc["endorsementJwt"] = ["eyJhbGciOiJub25lIn0.e30."]
    suite = find_suite("DataIntegrityProof", "eddsa-rdfc-2022")
    assert suite is not None
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["proofValue"] = suite.sign(doc, options, SEED, ContextStore(variants=True))
    result = check({**doc, "proof": options})
    assert result.verified, result.checks
    assert "1EdTech validator's copy" in result.check("proof").detail  # type: ignore[union-attr]
    # Any other undefined term still fails safe mode.
    doc["somethingUndefined"] = 1
    result = check({**doc, "proof": options})
    assert result.check("contexts").status == "failed"  # type: ignore[union-attr]


def test_proof_context_must_prefix_document_context() -> None:
    doc = signed_ob3(SEED)
    doc["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    assert check(doc).check("proof").status == "passed"  # type: ignore[union-attr]
    doc["proof"]["@context"] = ["https://w3id.org/security/data-integrity/v2"]
    result = check(doc)
    assert result.check("proof").status == "failed"  # type: ignore[union-attr]
    assert "@context" in result.check("proof").detail  # type: ignore[union-attr]
