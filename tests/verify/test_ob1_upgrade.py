"""Open Badges 1.0 / 1.1 upgraded to the 2.0 model as the 1EdTech validator does, on the
validator's own fixtures (tests/ingest/vectors/ob1, provenance in tests/ingest/vectors/PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credwallet.errors import BadInput, UnsupportedFormat
from credwallet.ingest import ob1
from credwallet.ingest.sniff import recognise

OB1 = Path(__file__).resolve().parents[1] / "ingest" / "vectors" / "ob1"


def vector(name: str) -> dict[str, Any]:
    doc = json.loads((OB1 / f"{name}.json").read_text())
    assert isinstance(doc, dict)
    return doc


def test_1_0_hosted_assertion_takes_verify_url_as_id() -> None:
    doc = vector("1_0_basic_assertion")
    up = ob1.upgrade_assertion(doc)
    assert up["id"] == doc["verify"]["url"] == "http://a.com/instance"
    assert up["type"] == "Assertion"
    assert up["@context"] == ob1.OB2_CONTEXT
    # v2 aliases `verify` to `verification`: the same object, url kept.
    assert up["verification"] == {"type": "hosted", "url": "http://a.com/instance"}
    assert "verify" not in up
    # A plain date becomes a date-time (UTC), as the validator writes it.
    assert up["issuedOn"] == "2015-04-30T00:00:00+00:00"
    assert doc["issuedOn"] == "2015-04-30"  # the input is not changed


def test_1_0_signed_assertion_takes_uid() -> None:
    doc = vector("1_0_basic_assertion")
    doc["verify"] = {"type": "signed", "url": "http://a.com/key.pem"}
    assert ob1.upgrade_assertion(doc)["id"] == "uid:123abc"
    del doc["uid"]
    with pytest.raises(ob1.UpgradeError, match="cannot give the assertion an id"):
        ob1.upgrade_assertion(doc)


def test_1_1_assertion_keeps_its_id_and_dates() -> None:
    doc = vector("1_1_basic_assertion")
    up = ob1.upgrade_assertion(doc)
    assert up["id"] == "https://example.org/beths-robotics-badge.json"
    assert up["issuedOn"] == "2016-12-31T23:59:59Z"  # already a date-time: untouched
    assert up["@context"] == ob1.OB2_CONTEXT


@pytest.mark.parametrize(("value", "expected"), [
    (1500423730, "2017-07-19T00:22:10+00:00"),  # the validator's own test value
    ("1500423730", "2017-07-19T00:22:10+00:00"),
    ("1500423730.5", "2017-07-19T00:22:10.500000+00:00"),
    ("2016-05-15", "2016-05-15T00:00:00+00:00"),
    ("2016-05-15T10:00:00", "2016-05-15T10:00:00+00:00"),
])
def test_dates_become_iso_date_times(value: Any, expected: str) -> None:
    doc = vector("1_1_basic_assertion")
    doc["issuedOn"] = value
    doc["expires"] = value
    up = ob1.upgrade_assertion(doc)
    assert up["issuedOn"] == expected
    assert up["expires"] == expected


@pytest.mark.parametrize("value", ["last tuesday", True, [2016], "2016-13-45"])
def test_unreadable_date_is_refused(value: Any) -> None:
    doc = vector("1_1_basic_assertion")
    doc["issuedOn"] = value
    with pytest.raises(ob1.UpgradeError, match="as a date"):
        ob1.upgrade_assertion(doc)
    with pytest.raises(BadInput, match=r"cannot be read in the 2\.0 model"):
        recognise(json.dumps(doc).encode())


def test_1_0_badgeclass_and_issuer_take_the_url_they_came_from() -> None:
    badge = ob1.upgrade_linked(vector("1_0_basic_badgeclass"), "http://a.com/badgeclass", "BadgeClass")
    assert badge["id"] == "http://a.com/badgeclass"
    assert badge["type"] == "BadgeClass"
    assert badge["issuer"] == "http://a.com/issuer"
    issuer = ob1.upgrade_linked(vector("1_0_basic_issuer"), "http://a.com/issuer", "Issuer")
    assert issuer["id"] == "http://a.com/issuer"
    assert issuer["type"] == "Issuer"
    assert issuer["@context"] == ob1.OB2_CONTEXT


def test_1_1_issuer_org_alias_becomes_issuer() -> None:
    doc = vector("1_1_basic_issuer")
    doc["type"] = "IssuerOrg"  # the v1 context's alias, as the validator tests it
    up = ob1.upgrade_linked(doc, "https://example.org/organization.json", "Issuer")
    assert up["type"] == "Issuer"
    assert up["id"] == "https://example.org/organization.json"


def test_alignment_terms_are_renamed() -> None:
    doc = vector("1_1_basic_badgeclass")
    doc["alignment"] = [
        {"name": "Target 1 Name", "description": "Target 1 Description", "url": "http://example.org/target-1"},
        {"name": "Target 2 Name", "url": "http://example.org/target-2", "targetUrl": "http://kept"},
    ]
    up = ob1.upgrade_linked(doc, doc["id"], "BadgeClass")
    first, second = up["alignment"]
    assert first == {"targetName": "Target 1 Name", "targetDescription": "Target 1 Description",
                     "targetUrl": "http://example.org/target-1"}
    # An existing 2.0 term wins; the 1.x one stays beside it.
    assert second["targetUrl"] == "http://kept" and second["url"] == "http://example.org/target-2"
    single = ob1.upgrade_linked({**doc, "alignment": {"url": "http://x", "name": "X"}}, doc["id"],
                                "BadgeClass")
    assert single["alignment"] == {"targetUrl": "http://x", "targetName": "X"}


def test_revocation_list_of_uids() -> None:
    rlist = {"123abc": "Issued in error", "other": "x"}
    assert ob1.revoked_in(rlist, {"123abc"}) == (True, "Issued in error")
    assert ob1.revoked_in(rlist, {"nope"}) == (False, None)
    assert ob1.revoked_in({"revokedAssertions": [{"id": "uid:1", "revocationReason": "r"}]},
                          {"uid:1"}) == (True, "r")


def test_recognised_as_ob1_with_the_upgraded_document() -> None:
    rec = recognise((OB1 / "1_0_basic_assertion.json").read_bytes())
    assert rec.format == "ob1-hosted"
    assert rec.hosted_url == "http://a.com/instance"
    assert rec.document is not None and rec.document["id"] == "http://a.com/instance"
    assert rec.raw == (OB1 / "1_0_basic_assertion.json").read_bytes()  # stored as issued
    rec11 = recognise((OB1 / "1_1_basic_assertion.json").read_bytes())
    assert rec11.format == "ob1-hosted"
    assert rec11.hosted_url == "https://example.org/beths-robotics-badge.json"


def test_0_5_shape_is_refused_precisely() -> None:
    # The validator reads a bare-string recipient without a context as 0.5.
    with pytest.raises(UnsupportedFormat, match=r"Open Badges 0\.5 assertions"):
        recognise((OB1 / "1_0_assertion_with_errors.json").read_bytes())


def test_1_1_badgeclass_is_not_a_credential() -> None:
    with pytest.raises(UnsupportedFormat, match="Open Badges BadgeClass, not a credential"):
        recognise((OB1 / "1_1_basic_badgeclass.json").read_bytes())
