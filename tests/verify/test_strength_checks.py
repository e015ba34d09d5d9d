"""verify/checks.py structure helpers and the schema check: each problem is named exactly."""

from __future__ import annotations

from typing import Any

import pytest
from tests.verify.vutil import ob3_credential

from credwallet.verify.checks import VC_V1, VC_V2, as_list, issuer_id, types_of, vc_schema_check


def test_helpers() -> None:
    assert as_list(None) == [] and as_list(1) == [1] and as_list([1]) == [1]
    assert types_of({"type": ["A", 1], "@type": "B"}) == {"A", "B"}
    assert types_of("A") == set()
    assert issuer_id({"issuer": "did:example:i"}) == "did:example:i"
    assert issuer_id({"issuer": {"id": "did:example:i"}}) == "did:example:i"
    assert issuer_id({"issuer": {"name": "x"}}) is None and issuer_id({}) is None


def _problems(doc: dict[str, Any], presentation: bool = False) -> str:
    check = vc_schema_check(doc, presentation=presentation)
    return "" if check.status == "passed" else check.detail


def test_good_credentials_pass() -> None:
    assert _problems(ob3_credential("did:example:i")) == ""
    v1 = {"@context": [VC_V1], "type": ["VerifiableCredential"], "issuer": "did:example:i",
          "issuanceDate": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:s"}}
    assert _problems(v1) == ""
    assert _problems({"@context": [VC_V2], "type": "VerifiablePresentation"}, presentation=True) == ""


@pytest.mark.parametrize(("change", "problem"), [
    ({"@context": ["https://example.org/ctx"]}, "the first @context is not the VC 1.1 or 2.0 context"),
    ({"type": ["OpenBadgeCredential"]}, "type does not include VerifiableCredential"),
    ({"id": "no-colon"}, "id is not a URI"),
    ({"id": 5}, "id is not a URI"),
    ({"issuer": "nocolon"}, "issuer is missing or not a URI"),
    ({"issuer": None}, "issuer is missing or not a URI"),
    ({"credentialSubject": "did:example:s"}, "credentialSubject is missing or not an object"),
    ({"credentialSubject": []}, "credentialSubject is missing or not an object"),
    ({"validUntil": "soon"}, "validUntil is not a valid date-time"),
    ({"validFrom": "2025-02-30T00:00:00Z"}, "validFrom is not a valid date-time"),
    ({"expirationDate": "x"}, "expirationDate is not a valid date-time"),
    ({"validFrom": None}, "validFrom is not a valid date-time"),
])
def test_each_problem_is_named(change: dict[str, Any], problem: str) -> None:
    assert problem in _problems({**ob3_credential("did:example:i"), **change})


def test_vc11_requires_issuance_date_and_ob3_requires_valid_from() -> None:
    v1 = {"@context": [VC_V1], "type": ["VerifiableCredential"], "issuer": "did:example:i",
          "credentialSubject": {"id": "did:example:s"}}
    assert _problems(v1) == "VC 1.1 credential without issuanceDate"
    doc = ob3_credential("did:example:i")
    del doc["validFrom"]
    assert _problems(doc) == "Open Badges 3.0 credential without validFrom"


@pytest.mark.parametrize(("achievement", "problem"), [
    (None, "credentialSubject has no achievement object"),
    ({"id": "urn:a", "type": "Achievement", "name": "n"}, "achievement lacks criteria"),
    ({"id": "urn:a", "type": "Thing", "name": "n", "criteria": {}}, "achievement lacks type Achievement"),
    ({"type": "Achievement", "criteria": {}}, "achievement lacks id, name"),
])
def test_achievement_problems(achievement: Any, problem: str) -> None:
    doc = ob3_credential("did:example:i")
    doc["credentialSubject"] = {"id": "did:example:s", "achievement": achievement}
    assert _problems(doc) == problem


def test_presentation_type_is_required() -> None:
    assert _problems({"@context": [VC_V2], "type": "VerifiableCredential"}, presentation=True) == (
        "type does not include VerifiablePresentation")
