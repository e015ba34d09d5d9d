"""A status list credential must say what it is: its `type` includes the list's credential type.

Bitstring Status List 1.0 sec. 2.2 (and StatusList2021 / RevocationList2020 before it): the
status list credential's type MUST include BitstringStatusListCredential (StatusList2021Credential,
RevocationList2020Credential). DCC's fixture `legacy-missingTypeStatus-noExpiry`
(digitalcredentials/vc-test-fixtures) is signed over a list typed only VerifiableCredential, and
DCC's status checker refuses it; so does credwallet.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial
from credwallet.verify.status import vc_revocation_check

URL = "https://issuer.example/status/1"
KINDS = {
    "BitstringStatusListEntry": "BitstringStatusList",
    "StatusList2021Entry": "StatusList2021",
}


def _list(list_type: str, types: list[str]) -> dict[str, Any]:
    raw = gzip.compress(bytes(16 * 1024 // 8))
    b64 = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    encoded = "u" + b64 if list_type == "BitstringStatusList" else b64
    return {"id": URL, "type": types, "issuer": "did:example:issuer",
            "credentialSubject": {"id": URL + "#list", "type": list_type,
                                  "statusPurpose": "revocation", "encodedList": encoded}}


def _check(entry_type: str, types: list[str]) -> tuple[str, str]:
    body = _list(KINDS[entry_type], types)
    doc = {"credentialStatus": {"type": entry_type, "statusPurpose": "revocation",
                                "statusListIndex": "5", "statusListCredential": URL}}
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    cached = CachedDocument.make(URL, "status_list", json.dumps(body).encode(), fetched)
    check = vc_revocation_check(doc, DictMaterial({URL: cached}), lambda _: (True, True, "bound"))
    return check.status, check.detail


@pytest.mark.parametrize("entry_type", sorted(KINDS))
def test_typed_list_answers(entry_type: str) -> None:
    status, _ = _check(entry_type, ["VerifiableCredential", KINDS[entry_type] + "Credential"])
    assert status == "passed"


@pytest.mark.parametrize("entry_type", sorted(KINDS))
@pytest.mark.parametrize("types", [["VerifiableCredential"], ["VerifiableCredential", "StatusList"]])
def test_untyped_list_is_refused(entry_type: str, types: list[str]) -> None:
    status, detail = _check(entry_type, types)
    assert status == "failed"
    assert detail.endswith(f"is not typed {KINDS[entry_type]}Credential")


def test_list_typed_for_another_kind_is_refused() -> None:
    """A BitstringStatusList subject inside a credential typed for StatusList2021 answers nothing."""
    status, _ = _check("BitstringStatusListEntry", ["VerifiableCredential", "StatusList2021Credential"])
    assert status == "failed"
