"""Data Integrity proofs (verify/dataintegrity.py): what a result says about the proofs it found,
and what the signer writes, through sign_data_integrity and verify_bytes with real Ed25519 keys.

VC Data Integrity 1.0: `created` and `expires` are XML Schema dateTimeStamp values; a proof is
named by its `type` and, for DataIntegrityProof, its `cryptosuite`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from tests.verify.vutil import NOW, did_key_of, ob3_credential

from credwallet.models import VerificationResult
from credwallet.verify import DictMaterial, EmptyMaterial, sign_data_integrity, verify_bytes
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import MAX_PROOFS, verify_proofs

SEED = bytes(range(90, 122))
ISSUER, VM = did_key_of(SEED)


def run(doc: dict[str, Any], at: datetime = NOW) -> VerificationResult:
    return verify_bytes(json.dumps(doc).encode(), now=at, material=EmptyMaterial())


def sign(doc: dict[str, Any], **options: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "seed": SEED,
        "verification_method": VM,
        "proof_purpose": "assertionMethod",
        "created": NOW - timedelta(days=1),
        **options,
    }
    return sign_data_integrity(doc, **args)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is UTC+05:30 (the signer must not depend on it)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- what the signer writes ---------------------------------------------------------------


def test_signed_dates_are_utc_whatever_the_local_time_zone(far_from_utc: None) -> None:
    east = timezone(timedelta(hours=2))
    created = datetime(2026, 5, 1, 14, 30, 15, 987654, tzinfo=east)
    expires = datetime(2026, 7, 1, 2, 0, 0, 500000, tzinfo=east)
    proof = sign(ob3_credential(ISSUER), created=created, expires=expires)["proof"]
    # The same instants, in UTC, whole seconds, with Z: what verifiers and peers expect to read.
    assert proof["created"] == "2026-05-01T12:30:15Z"
    assert proof["expires"] == "2026-07-01T00:00:00Z"


def test_signed_expiry_bounds_the_proof() -> None:
    expires = datetime(2026, 7, 1, tzinfo=UTC)
    doc = sign(ob3_credential(ISSUER), expires=expires)
    before = run(doc, expires - timedelta(seconds=1))
    assert before.check("proof").status == "passed" and before.verified
    at = run(doc, expires)  # expired only once the time is after `expires`
    assert at.check("proof").status == "passed"
    after = run(doc, expires + timedelta(seconds=1))
    assert after.check("proof").status == "failed" and not after.verified


def test_without_expires_the_proof_has_none() -> None:
    doc = sign(ob3_credential(ISSUER))
    assert "expires" not in doc["proof"]
    assert run(doc, NOW + timedelta(days=365 * 10)).check("proof").status == "passed"


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_each_suite_signs_what_verifies(cryptosuite: str) -> None:
    doc = sign(ob3_credential(ISSUER), cryptosuite=cryptosuite)
    result = run(doc)
    assert result.verified, result.checks
    assert result.signer == VM
    assert result.suite == cryptosuite


def test_challenge_and_domain_are_signed_only_when_given() -> None:
    bare = sign(ob3_credential(ISSUER), proof_purpose="authentication")["proof"]
    assert "challenge" not in bare and "domain" not in bare
    empty = sign(ob3_credential(ISSUER), proof_purpose="authentication", challenge="", domain="")["proof"]
    assert (empty["challenge"], empty["domain"]) == ("", "")


# --- what the result says about the proofs ------------------------------------------------------


def _with_proof(proof: dict[str, Any]) -> dict[str, Any]:
    return {**ob3_credential(ISSUER), "proof": proof}


@pytest.mark.parametrize(
    ("proof", "suite"),
    [
        ({"type": "DataIntegrityProof", "cryptosuite": "bbs-2023"}, "bbs-2023"),
        ({"type": "BbsBlsSignature2020"}, "BbsBlsSignature2020"),
        ({"type": "ExampleProof2030", "cryptosuite": "example-2030"}, "ExampleProof2030/example-2030"),
        ({"type": "ExampleProof2030", "cryptosuite": 7}, "ExampleProof2030"),
        ({"type": ["DataIntegrityProof"], "cryptosuite": "eddsa-rdfc-2022"}, "proof without a type"),
        ({"cryptosuite": "eddsa-rdfc-2022"}, "proof without a type"),
    ],
)
def test_unsupported_proofs_are_named_in_the_result(proof: dict[str, Any], suite: str) -> None:
    body = {
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": VM,
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQ",
        **proof,
    }
    result = run(_with_proof(body))
    assert result.check("proof").status == "failed" and not result.verified
    assert result.suite == suite


def test_every_proof_of_an_unverified_set_is_named() -> None:
    good = sign(ob3_credential(ISSUER))["proof"]
    doc = {
        **ob3_credential(ISSUER),
        "proof": [{"type": "BbsBlsSignature2020"}, {**good, "proofValue": good["proofValue"][:-4] + "abcd"}],
    }
    result = run(doc)
    assert not result.verified
    assert result.suite == "BbsBlsSignature2020, eddsa-rdfc-2022"


def test_a_valid_proof_beside_unsupported_ones_counts() -> None:
    good = sign(ob3_credential(ISSUER))["proof"]
    doc = {**ob3_credential(ISSUER), "proof": [{"type": "BbsBlsSignature2020"}, good]}
    result = run(doc)
    assert result.verified and result.signer == VM and result.suite == "eddsa-rdfc-2022"


# --- proof sets -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [MAX_PROOFS, MAX_PROOFS + 1])
def test_a_proof_set_is_checked_up_to_its_cap(count: int) -> None:
    """Each proof is checked in its place (its index names it); past MAX_PROOFS the rest are
    one error outcome, at index MAX_PROOFS, not silently dropped and not reported at the cap."""
    signed = sign(ob3_credential(ISSUER))
    doc = {**signed, "proof": [signed["proof"]] * count}
    report = verify_proofs(doc, material=DictMaterial({}), store=ContextStore(), now=NOW)
    checked = report.outcomes[:MAX_PROOFS]
    assert [o.index for o in checked] == list(range(MAX_PROOFS))
    assert all(o.outcome == "valid" for o in checked)
    if count == MAX_PROOFS:
        assert len(report.outcomes) == MAX_PROOFS
    else:
        [extra] = report.outcomes[MAX_PROOFS:]
        assert (extra.index, extra.suite, extra.outcome) == (MAX_PROOFS, "proof set", "error")
        assert f"more than {MAX_PROOFS} proofs" in extra.detail
        assert extra.line() == f"proof set: more than {MAX_PROOFS} proofs; the rest were not checked"
    assert checked[0].line() == f"{checked[0].suite} by {VM}: {checked[0].detail}"


def _second(bad: dict[str, Any]) -> Any:
    """The outcome of `bad` as the second proof of a set whose first proof is good."""
    signed = sign(ob3_credential(ISSUER))
    doc = {**signed, "proof": [signed["proof"], bad]}
    report = verify_proofs(doc, material=DictMaterial({}), store=ContextStore(), now=NOW)
    assert [o.index for o in report.outcomes] == [0, 1]
    assert report.outcomes[0].outcome == "valid"
    return report.outcomes[1]


def test_each_refusal_names_its_proof_and_key() -> None:
    """An outcome keeps its place in the set, the verification method it names and, once the
    key is resolved, the key: the report line says which proof failed, by whom, and why."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from credwallet.didkey import multibase_encode

    good = sign(ob3_credential(ISSUER))["proof"]
    unknown = {**good, "cryptosuite": "example-2030"}
    out = _second(unknown)
    assert (out.suite, out.outcome, out.vm_id) == ("example-2030", "unsupported", VM)
    assert out.detail == "unsupported proof type 'example-2030'"

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    mb = multibase_encode(b"\x80\x24" + point)
    p256_vm = f"did:key:{mb}#{mb}"
    wrong_key = _second({**good, "verificationMethod": p256_vm})
    assert (wrong_key.outcome, wrong_key.vm_id) == ("invalid", p256_vm)
    assert wrong_key.key is not None and wrong_key.key.vm_id == p256_vm
    assert wrong_key.line().startswith(f"eddsa-rdfc-2022 by {p256_vm}: ")

    chained = _second({**good, "previousProof": "urn:uuid:nowhere"})
    assert (chained.outcome, chained.vm_id) == ("invalid", VM)
    assert chained.key is not None and chained.key.vm_id == VM
    assert "urn:uuid:nowhere" in chained.detail


def test_a_malformed_proof_keeps_its_place_and_names_no_method() -> None:
    not_an_object = _second("proof")  # type: ignore[arg-type]
    assert (not_an_object.index, not_an_object.outcome) == (1, "invalid")
    assert not_an_object.detail == "proof is not a JSON object"
    good = sign(ob3_credential(ISSUER))["proof"]
    odd_method = _second({**good, "verificationMethod": {"id": VM}})
    assert odd_method.outcome == "invalid" and odd_method.vm_id is None
