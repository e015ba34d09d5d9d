"""The VC data model check (verify/checks.vc_schema_check): each rule, and the problem it names.

The detail is what a holder or an employer reads when a credential is refused as malformed, so
each variant asserts the exact problem, not only that something failed.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.verify.vutil import ob3_credential

from credwallet.verify.checks import vc_schema_check

V1 = "https://www.w3.org/2018/credentials/v1"


def _v1(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["@context"] = [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    out["issuanceDate"] = out.pop("validFrom")
    return out


BASE = ob3_credential("did:example:issuer")


def _variant(name: str) -> tuple[dict[str, Any], str]:
    doc = copy.deepcopy(BASE)
    if name == "context":
        doc["@context"] = doc["@context"][1:]
        return doc, "the first @context is not the VC 1.1 or 2.0 context"
    if name == "type":
        doc["type"] = ["OpenBadgeCredential"]
        return doc, "type does not include VerifiableCredential"
    if name == "id":
        doc["id"] = "not-a-uri"
        return doc, "id is not a URI"
    if name == "issuer":
        doc["issuer"] = {"name": "nobody"}
        return doc, "issuer is missing or not a URI"
    if name == "subject":
        doc["credentialSubject"] = ["x"]
        return doc, "credentialSubject is missing or not an object"
    if name in ("validFrom", "validUntil"):
        doc[name] = "tomorrow"
        return doc, f"{name} is not a valid date-time"
    if name in ("issuanceDate", "expirationDate"):
        doc = _v1(doc)
        doc[name] = "someday"
        return doc, f"{name} is not a valid date-time"
    if name == "v1-without-issuanceDate":
        doc = _v1(doc)
        del doc["issuanceDate"]
        return doc, "VC 1.1 credential without issuanceDate"
    if name == "ob3-without-validFrom":
        del doc["validFrom"]
        return doc, "Open Badges 3.0 credential without validFrom"
    if name == "achievement-credential-without-achievement":
        doc["type"] = ["VerifiableCredential", "AchievementCredential"]
        del doc["credentialSubject"]["achievement"]
        return doc, "credentialSubject has no achievement object"
    if name == "achievement-fields":
        ach = doc["credentialSubject"]["achievement"]
        del ach["criteria"], ach["name"]
        ach["type"] = ["Thing"]
        return doc, "achievement lacks name, criteria, type Achievement"
    raise AssertionError(name)


@pytest.mark.parametrize("name", [
    "context", "type", "id", "issuer", "subject", "validFrom", "validUntil", "issuanceDate",
    "expirationDate", "v1-without-issuanceDate", "ob3-without-validFrom",
    "achievement-credential-without-achievement", "achievement-fields",
])
def test_each_rule_names_its_problem(name: str) -> None:
    doc, problem = _variant(name)
    check = vc_schema_check(doc)
    assert check.status == "failed"
    assert problem in check.detail.split("; "), check.detail


def test_a_well_formed_credential_passes_in_both_data_models() -> None:
    for doc in (BASE, _v1(BASE)):
        check = vc_schema_check(doc)
        assert (check.status, check.detail) == ("passed", "required fields present, dates well formed")
