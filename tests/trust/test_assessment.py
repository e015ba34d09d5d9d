"""Assessment summary: criteria, evidence, results against resultDescription, flags."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from credwallet.ingest.describe import view_of
from credwallet.models import CachedDocument
from credwallet.trust.assessment import NO_ASSESSMENT, assessment_summary
from tests.trust.helpers import credential, vector, vector_json

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _summary(doc: dict[str, Any], fmt: str = "ob3-ldp", cache: Any = None) -> dict[str, Any]:
    return assessment_summary(view_of(fmt, doc, cache))


def test_complete_ob3_credential_results_against_descriptions() -> None:
    s = _summary(vector_json("1edtech-inspector/ob30/complete.json"))
    assert s["assessment"] == "assessed" and NO_ASSESSMENT not in s["flags"]
    assert s["criteria"]["narrative"].startswith("# Degree Requirements")
    assert [e["name"] for e in s["evidence"]] == ["Final Project Report", "Final Project Code"]
    assert s["activity"] == {"start": "2010-01-01T00:00:00Z", "end": "2010-01-02T00:00:00Z"}
    assert s["credits"] == {"earned": 42.0, "available": 36.0}
    grade, level, status = s["results"]
    # "A" against requiredValue "C" in allowedValue D < C < B < A.
    assert grade["name"] == "Final Project Grade" and grade["result_type"] == "LetterGrade"
    assert grade["value"] == "A" and grade["required_value"] == "C"
    assert grade["meets_requirement"] is True and "meets the required C" in grade["detail"]
    # achievedLevel is resolved to its rubric level (defined under another description).
    assert level["achieved_level"]["name"] == "Mastery"
    assert level["achieved_level"]["level"] == "Mastered"
    assert status["status"] == "Completed" and status["meets_requirement"] is None
    assert s["issuer"]["signed"] is True and s["issuer"]["source"] == "signed credential"


def _with_results(results: list[dict[str, Any]], descriptions: list[dict[str, Any]]
                  ) -> dict[str, Any]:
    doc = credential()
    doc["credentialSubject"]["result"] = results
    doc["credentialSubject"]["achievement"]["resultDescription"] = descriptions
    return _summary(doc)


LEVELS = [{"id": "urn:l:basic", "name": "Basic"}, {"id": "urn:l:good", "name": "Good"},
          {"id": "urn:l:master", "name": "Mastery"}]


def test_rubric_level_below_the_required_level_is_flagged() -> None:
    desc = {"id": "urn:rd:1", "name": "Essay", "resultType": "RubricCriterionLevel",
            "requiredLevel": "urn:l:good", "rubricCriterionLevel": LEVELS}
    low = _with_results([{"resultDescription": "urn:rd:1", "achievedLevel": "urn:l:basic"}], [desc])
    (r,) = low["results"]
    assert r["meets_requirement"] is False
    assert r["required_level"]["name"] == "Good"
    assert "level Basic is below the required level Good" in r["detail"]
    assert "a result is below its required level or value" in low["flags"]
    high = _with_results([{"resultDescription": "urn:rd:1", "achievedLevel": "urn:l:master"}],
                         [desc])
    assert high["results"][0]["meets_requirement"] is True


def test_numeric_values_and_unknown_references() -> None:
    desc = {"id": "urn:rd:2", "name": "Score", "resultType": "Percent", "requiredValue": "70"}
    s = _with_results([{"resultDescription": "urn:rd:2", "value": "65"},
                       {"resultDescription": "urn:rd:missing", "value": "90"},
                       {"resultDescription": "urn:rd:2", "achievedLevel": "urn:l:nowhere"}],
                      [desc])
    ok, missing, bad_level = s["results"]
    assert ok["meets_requirement"] is False and "65 is below the required 70" in ok["detail"]
    assert "not described by the achievement" in missing["detail"]
    assert "not among the achievement's rubric levels" in bad_level["detail"]


def test_participation_badge_is_flagged_no_assessment() -> None:
    doc = credential()
    del doc["credentialSubject"]["achievement"]["criteria"]
    s = _summary(doc)
    assert s["assessment"] == "none" and s["flags"] == [NO_ASSESSMENT]


def test_criteria_only_is_said_plainly() -> None:
    s = _summary(credential())
    assert s["assessment"] == "criteria only"
    assert s["flags"] == ["criteria only: no evidence or results of an assessment"]


def test_ob2_issuer_from_unsigned_profile_is_marked() -> None:
    # Signed OB 2.0 assertion whose BadgeClass and Issuer were fetched (unsigned) at import.
    assertion = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                 "id": "urn:uuid:1", "badge": "https://example.org/badge.json",
                 "recipient": {"type": "email", "identity": "a@b.c", "hashed": False},
                 "verification": {"type": "signed"}, "issuedOn": "2020-01-01T00:00:00Z"}
    badge = {"id": "https://example.org/badge.json", "type": "BadgeClass", "name": "Robots",
             "criteria": {"narrative": "Build a robot"},
             "issuer": "https://example.org/issuer.json"}
    issuer = {"id": "https://example.org/issuer.json", "type": "Issuer", "name": "Famous U"}
    cache = {u: CachedDocument.make(u, "asset", json.dumps(d).encode(), AT)
             for u, d in ((badge["id"], badge), (issuer["id"], issuer))}
    s = _summary(assertion, "ob2-signed", cache)
    assert s["issuer"]["name"] == "Famous U" and s["issuer"]["signed"] is False
    assert "unsigned issuer profile" in s["issuer"]["source"]
    assert "criteria come from an unsigned document fetched at import" in s["flags"]


def test_hostile_sizes_are_capped() -> None:
    doc = credential(evidence=[{"id": f"https://e.example/{i}"} for i in range(500)])
    assert len(_summary(doc)["evidence"]) == 100
    assert vector("1edtech-inspector/ob30/complete.json")  # corpus present


def test_quality_signals_bundle_for_renderers() -> None:
    from credwallet.trust.check import TrustPolicy
    from credwallet.trust.signals import quality_signals
    from credwallet.verify import EmptyMaterial, verify_bytes
    from tests.trust.helpers import ENDORSER_SEED, ISSUER_SEED, NOW, did_of, endorsement, sign

    doc = sign(credential(endorsement=[endorsement("urn:uuid:7d6f1c3e-1111-4a51-9c1c-5a1b1e4c0001",
                                                   "solid")]), ISSUER_SEED)
    result = verify_bytes(json.dumps(doc).encode(), now=NOW, material=EmptyMaterial(),
                          trust=TrustPolicy())
    signals = quality_signals(view_of("ob3-ldp", doc), result)
    assert signals["issuer"]["name"] == "Test Issuer" and signals["issuer"]["signed"] is True
    assert signals["issuer_trust"]["status"] == "warning"
    assert signals["issuer_trust"]["trusted"] is False
    assert signals["assessment"]["assessment"] == "criteria only"
    assert signals["endorsements"]["count"] == signals["endorsements"]["verified"] == 1
    endorser = did_of(ENDORSER_SEED)[0]
    assert signals["endorsements"]["lines"] == [
        f"unknown endorser {endorser} (on none of your trust lists or registries), calls itself "
        "'Accrediting Body'; endorses the credential: \u201csolid\u201d (endorsement verified)"]
    empty = quality_signals(view_of("ob3-ldp", doc), None)
    assert empty["endorsements"]["count"] == 0 and empty["issuer_trust"]["status"] is None
