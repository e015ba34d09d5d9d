"""Interoperability with Digital Bazaar's reference implementation (@digitalbazaar/vc).

Both directions, offline on both sides: their issuer -> our verifier (including tampering),
our signer -> their verifier (credentials and a holder-signed presentation).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tests.interop.conftest import reference
from tests.verify.vutil import FETCHED, NOW, did_key_of, signed_ob3

from credwallet.verify import EmptyMaterial, sign_data_integrity, verify_bytes

SEED_HEX = "07" * 32


def ours(doc: dict[str, Any]) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=EmptyMaterial())


@pytest.mark.interop
@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020", "ecdsa-rdfc-2019",
                                   "ecdsa-rdfc-2019-p384"])
def test_reference_issued_credentials_verify(suite: str) -> None:
    creds = reference("issue", "3", suite, SEED_HEX)
    for cred in creds:
        result = ours(cred)
        assert result.verified, result.checks
        assert result.check("key_binding").status == "passed"
        assert result.suite == suite.removesuffix("-p384")


@pytest.mark.interop
@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020", "ecdsa-rdfc-2019"])
def test_reference_issued_tampered_do_not_verify(suite: str) -> None:
    (cred,) = reference("issue", "1", suite, SEED_HEX)
    changed = copy.deepcopy(cred)
    changed["credentialSubject"]["achievement"]["name"] += "!"
    swapped = copy.deepcopy(cred)
    swapped["issuer"]["id"] = did_key_of(bytes(32))[0]
    corrupted = copy.deepcopy(cred)
    pv = corrupted["proof"]["proofValue"]
    corrupted["proof"]["proofValue"] = pv[:-1] + ("2" if pv[-1] != "2" else "3")
    for doc in (changed, swapped, corrupted):
        result = ours(doc)
        assert not result.verified
        assert result.check("proof").status == "failed"


@pytest.mark.interop
def test_our_credentials_verify_in_the_reference(tmp_path: Path) -> None:
    docs = [signed_ob3(bytes([9] * 32)),
            signed_ob3(bytes([9] * 32), cryptosuite="Ed25519Signature2020")]
    tampered = copy.deepcopy(docs[0])
    tampered["name"] = "Forged"
    path = tmp_path / "ours.json"
    path.write_text(json.dumps([*docs, tampered]))
    results = reference("verify", str(path))
    assert [r["verified"] for r in results] == [True, True, False]


def _subject(did: str) -> dict[str, Any]:
    return {"id": did, "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.com/achievements/teamwork",
                            "type": ["Achievement"], "name": "Teamwork",
                            "description": "Works well in teams.",
                            "criteria": {"narrative": "Team project"}}}


def _presentation(holder_seed: bytes, creds: list[dict[str, Any]]) -> dict[str, Any]:
    holder, vm = did_key_of(holder_seed)
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"], "holder": holder, "verifiableCredential": creds}
    return sign_data_integrity(vp, seed=holder_seed, verification_method=vm,
                               proof_purpose="authentication", created=FETCHED,
                               challenge="c-123", domain="employer.example")


@pytest.mark.interop
def test_our_presentation_verifies_in_the_reference(tmp_path: Path) -> None:
    """A holder-signed presentation of credentials issued to that holder (ours and one the
    reference issued) verifies in both, and only with the right challenge."""
    holder_seed = bytes([11] * 32)
    holder, _ = did_key_of(holder_seed)
    (theirs,) = reference("issue", "1", "eddsa-rdfc-2022", SEED_HEX, holder)
    assert theirs["credentialSubject"]["id"] == holder
    signed = _presentation(holder_seed, [signed_ob3(bytes([9] * 32), credentialSubject=_subject(holder)),
                                         theirs])
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(signed))
    assert reference("verify-vp", str(path), "c-123", "employer.example")["verified"] is True
    assert reference("verify-vp", str(path), "other", "employer.example")["verified"] is False
    result = ours(signed)
    assert result.verified, result.checks
    assert result.check("holder_binding").status == "passed"


@pytest.mark.interop
def test_presentation_of_another_subjects_credential_is_refused_by_us(tmp_path: Path) -> None:
    """The reference stack does not bind the holder to the subjects; our verifier does: a
    presentation whose credential names another DID fails holder_binding."""
    holder_seed = bytes([11] * 32)
    signed = _presentation(holder_seed, [signed_ob3(bytes([9] * 32))])  # to did:example:learner
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(signed))
    assert reference("verify-vp", str(path), "c-123", "employer.example")["verified"] is True
    result = ours(signed)
    assert not result.verified
    assert result.check("holder_binding").status == "failed"
