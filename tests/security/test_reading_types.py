"""Type names and the reading rule (verify/reading.py).

An issuer may add its own credential or subject types through its own context (inline, or
fetched at import): `ExampleAchievementCredential` meaning `urn:example:...`, the vaccination
context's `VaccinationEvent`. No verdict reads such a name, so its spelling is the issuer's
business and the credential verifies. What the rule must still stop is relabelling: an added
context that makes a bundled type name (`AchievementCredential`, `OpenBadgeCredential`) stand
for another IRI, or makes a signed bundled type read under another name. Either keeps the RDF,
and so the signature, while changing what a reader by name sees.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes
from tests.verify.vutil import FETCHED, NOW, did_key_of, ob3_credential

SEED = bytes(range(41, 73))
OB3_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def _signed(doc: dict[str, Any]) -> dict[str, Any]:
    _did, vm = did_key_of(SEED)
    return sign_data_integrity(doc, seed=SEED, verification_method=vm,
                               proof_purpose="assertionMethod", created=FETCHED)


def _verify(doc: dict[str, Any]) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=DictMaterial({}))


def _failed(result: Any) -> dict[str, str]:
    return {c.check: c.detail for c in result.checks if c.status == "failed"}


def _with_types(extra_context: dict[str, Any], cred_type: str, subject_type: str) -> dict[str, Any]:
    did, _vm = did_key_of(SEED)
    doc = ob3_credential(did)
    doc["@context"] = [*doc["@context"], extra_context]
    doc["type"] = ["VerifiableCredential", "OpenBadgeCredential", cred_type]
    doc["credentialSubject"]["type"] = ["AchievementSubject", subject_type]
    return doc


def test_an_issuers_own_types_verify() -> None:
    ctx = {"ExampleAchievementCredential": "urn:example:ExampleAchievementCredential",
           "ExampleSubject": {"@id": "https://issuer.example/vocab#ExampleSubject"}}
    result = _verify(_signed(_with_types(ctx, "ExampleAchievementCredential", "ExampleSubject")))
    assert result.check("contexts").status == "passed", _failed(result)
    assert result.verified, _failed(result)


def test_a_bundled_type_name_given_another_meaning_is_refused() -> None:
    """Signed as `urn:example:Thing`; the attacker's context calls that IRI `ClrCredential` (a
    type of a bundled context the document does not name, so no @protected definition stops
    the redefinition) and the JSON now says so. Same RDF, same valid signature."""
    ctx = {"Thing": "urn:example:Thing"}
    signed = _signed(_with_types(ctx, "Thing", "AchievementSubject"))
    assert _verify(signed).verified
    forged = copy.deepcopy(signed)
    forged["@context"][-1] = {"ClrCredential": "urn:example:Thing"}
    forged["type"][2] = "ClrCredential"
    result = _verify(forged)
    assert result.check("proof").status == "passed"  # the RDF did not change
    assert result.check("contexts").status == "failed" and not result.verified


def test_a_bundled_type_read_under_another_name_is_refused() -> None:
    """Signed as OB 3.0's `OpenBadgeCredential` IRI; an added name for the same IRI hides the
    bundled type from a reader by name. (A subject type cannot be renamed this way without
    changing the RDF: its type-scoped context would no longer apply.)"""
    did, _vm = did_key_of(SEED)
    signed = _signed(ob3_credential(did))
    forged = copy.deepcopy(signed)
    forged["@context"] = [*forged["@context"], {"Badge": OB3_VOCAB + "OpenBadgeCredential"}]
    forged["type"] = ["VerifiableCredential", "Badge"]
    result = _verify(forged)
    assert result.check("proof").status == "passed", _failed(result)
    assert result.check("contexts").status == "failed" and not result.verified
