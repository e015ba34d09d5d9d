"""A value JSON-LD drops from the RDF is content no signature covers. pyld drops an IRI that does
not match its absolute-IRI test (a scheme, a colon, no whitespace): an `@id`-typed value such as
"https://evil.example/ x" has a colon but is dropped all the same. Such a document must not
verify (found reviewing bbs-2023, where a derived proof stayed valid with an added
`relatedResource`; every RDFC suite shares the canonicalizer)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.export.helpers import NOW, V2, Issuer
from tests.verify.vutil import vector_json

from credwallet.verify import DictMaterial
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import verify_proofs

UNSIGNED_IRIS = ["https://evil.example/ logo", "https://evil.example/\tx", "urn:evil\nline", "urn:evil\n"]


def _outcome(doc: dict[str, Any]) -> tuple[str, str]:
    report = verify_proofs(doc, material=DictMaterial({}), store=ContextStore(), now=NOW)
    assert len(report.outcomes) == 1
    return report.outcomes[0].outcome, report.outcomes[0].detail


@pytest.mark.parametrize("iri", UNSIGNED_IRIS)
def test_bbs_derived_proof_with_an_added_dropped_iri_does_not_verify(iri: str) -> None:
    doc = vector_json("bbs/vc-di-bbs/derivedRevealDocument.json")
    assert _outcome(doc)[0] == "valid"
    doc = copy.deepcopy(doc)
    doc["relatedResource"] = iri  # @id-typed in the VC 2.0 context
    outcome, detail = _outcome(doc)
    assert outcome != "valid", detail


@pytest.mark.parametrize("iri", UNSIGNED_IRIS)
@pytest.mark.parametrize("where", ["relatedResource", "type"])
def test_eddsa_credential_with_an_added_dropped_iri_does_not_verify(iri: str, where: str) -> None:
    issuer = Issuer()
    unsigned = {"@context": [V2], "type": ["VerifiableCredential"], "issuer": issuer.did,
                "credentialSubject": {"id": "did:example:learner"}}
    signed = issuer.sign(unsigned)
    assert _outcome(signed)[0] == "valid"
    doc = copy.deepcopy(signed)
    if where == "type":
        doc["type"] = [*doc["type"], iri]
    else:
        doc[where] = iri
    outcome, detail = _outcome(doc)
    assert outcome != "valid", detail
