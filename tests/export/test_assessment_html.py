"""The HTML page tells an assessed credential from one that describes no assessment (issue 8)."""

from __future__ import annotations

import copy

from credwallet.export import ExportOptions, run_export
from tests.export.helpers import NOW, Issuer, ob3, wallet_with


def _page(*docs: dict[str, object], include_unverified: bool = False) -> str:
    wallet = wallet_with(*docs)
    opts = ExportOptions(fmt="html", now=NOW, include_unverified=include_unverified)
    return run_export(wallet, opts).content.decode("utf-8")


def test_criteria_only_credential_is_labelled() -> None:
    page = _page(ob3(Issuer("Assessed Academy")))
    assert "<h4>Assessment</h4>" in page  # under the card's own h3
    assert "criteria only" in page
    assert "No assessment described" not in page


def test_credential_without_criteria_evidence_or_results_is_flagged() -> None:
    issuer = Issuer("Participation Org")
    signed = ob3(issuer, name="Attended the webinar")
    bare = copy.deepcopy(signed)
    bare.pop("proof")
    bare["credentialSubject"]["achievement"].pop("criteria")
    # OB 3.0 requires criteria, so such a credential also fails the schema check: exported marked.
    page = _page(issuer.sign(bare), include_unverified=True)
    assert "No assessment described" in page


def test_results_against_required_level_are_shown() -> None:
    issuer = Issuer("Graded College")
    doc = ob3(issuer, name="Statistics 101")
    doc.pop("proof")
    ach = doc["credentialSubject"]["achievement"]
    ach["resultDescription"] = [{
        "id": "urn:uuid:9c6d3e2a-0000-4000-8000-00000000a001", "type": ["ResultDescription"],
        "name": "Final grade", "resultType": "LetterGrade", "allowedValue": ["D", "C", "B", "A"],
        "requiredValue": "C"}]
    doc["credentialSubject"]["result"] = [{
        "type": ["Result"], "resultDescription": "urn:uuid:9c6d3e2a-0000-4000-8000-00000000a001",
        "value": "B"}]
    page = _page(issuer.sign(doc))
    assert "Final grade" in page and "meets the requirement" in page
    assert "No assessment described" not in page
