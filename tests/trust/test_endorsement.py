"""Endorsements verified by the same engine; upstream verdicts from the 1EdTech fixtures."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.verify import EmptyMaterial, verify_bytes
from tests.trust.helpers import (
    ISSUER_SEED,
    NOW,
    credential,
    endorsement,
    endorsement_jwt,
    manifest_entry,
    material_for,
    raw,
    sign,
    vc_jwt,
    vector,
    vector_json,
)

VALID = "1edtech-inspector/ob30/endorsement-valid.json"
ERR = "1edtech-inspector/ob30/endorsement-err-schema-status-refresh.json"
OB2 = "1edtech-inspector/ob20/assertion-with-endorsements.json"


def _verify(doc: dict[str, Any], material: Any = None) -> Any:
    return verify_bytes(raw(doc), now=NOW, material=material or EmptyMaterial())


def _endorsements(result: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = result.extra["endorsements"]
    return found


def test_upstream_valid_endorsement_keeps_its_upstream_signature_verdict() -> None:
    expected = manifest_entry(VALID)["expected"]
    assert expected["signature"] is True and expected["key_bound_to_issuer"] is None
    fixture = vector_json(VALID)
    cred = sign(credential(endorsement=[fixture]), ISSUER_SEED)
    result = _verify(cred)
    assert result.verified, result.checks  # the credential itself is fine
    (e,) = _endorsements(result)
    assert e["signature"] is True  # upstream: valid signature
    # Key in the VM fragment of an https issuer id: binding not provable offline (null upstream),
    # so it is reported, and the credential is unaffected.
    binding = next(c for c in e["checks"] if c["check"] == "key_binding")
    assert binding["status"] != "passed"
    assert e["verdict"] == "not_verified"
    assert e["on"] == "credential"
    assert e["endorser"] == {"id": "https://state.gov/issuers/565049", "id_verified": False,
                             "verified_id": None, "trust": "unverified", "trust_label": None,
                             "registry": None, "name": "State Department of Education",
                             "name_verified": False, "trusted": False}
    assert e["comment"] == "1EdTech University is in good standing"
    assert e["endorses"]["id"] == "https://1edtech.edu/issuers/565049"


def test_upstream_invalid_endorsement_is_not_verified_and_never_fails_the_credential() -> None:
    assert manifest_entry(ERR)["upstream"]["result"].startswith("invalid")
    # A VC-JWT outer credential: the fixture's VC 1.1 contexts cannot be embedded in VC 2.0
    # JSON-LD (protected terms), and a JWT's signature does not depend on JSON-LD.
    token = vc_jwt(credential(endorsement=[vector_json(ERR)]), ISSUER_SEED)
    result = verify_bytes(token.encode(), now=NOW, material=EmptyMaterial())
    assert result.verified
    (e,) = _endorsements(result)
    assert e["verdict"] == "not_verified"
    assert e["signature"] is False


def test_fully_verified_endorsements_on_every_site() -> None:
    base = credential()
    ach_id = base["credentialSubject"]["achievement"]["id"]
    issuer_id = base["issuer"]["id"]
    base["endorsement"] = [endorsement(base["id"], "solid credential")]
    # endorsementJwt is defined by no published OB 3.0 JSON-LD context, so it only travels in
    # VC-JWT credentials (whose signature does not depend on JSON-LD).
    base["credentialSubject"]["achievement"]["endorsementJwt"] = [
        endorsement_jwt(ach_id, "rigorous assessment")]
    base["issuer"]["endorsement"] = [endorsement(issuer_id, "accredited issuer")]
    token = vc_jwt(base, ISSUER_SEED)
    result = verify_bytes(token.encode(), now=NOW, material=EmptyMaterial())
    assert result.verified, result.checks
    found = _endorsements(result)
    assert [(e["on"], e["form"], e["verdict"]) for e in found] == [
        ("credential", "embedded", "verified"),
        ("issuer", "embedded", "verified"),
        ("achievement", "jwt", "verified"),
    ], [e["reason"] for e in found]
    assert [e["endorses"]["what"] for e in found] == ["the credential", "the issuer",
                                                     "the achievement"]
    assert found[2]["comment"] == "rigorous assessment"
    assert all(e["endorser"]["name"] == "Accrediting Body" for e in found)
    # The endorser's key is bound to its id; its name is only what it says about itself.
    assert all(e["endorser"]["id_verified"] and e["endorser"]["trust"] == "unknown"
               for e in found)
    assert not any(e["endorser"]["name_verified"] for e in found)


def test_tampered_endorsement_is_reported_but_credential_still_verifies() -> None:
    base = credential()
    bad = endorsement(base["id"], "fine")
    bad["credentialSubject"]["endorsementComment"] = "the best programme in the world"
    result = _verify(sign(credential(endorsement=[bad]), ISSUER_SEED))
    assert result.verified
    (e,) = _endorsements(result)
    assert e["verdict"] == "not_verified" and e["signature"] is False
    assert "proof" in e["reason"]


def test_garbage_endorsements_are_unreadable_not_errors() -> None:
    base = credential()
    base["endorsement"] = ["https://example.org/endorsement.json", {"hello": "world"}]
    base["endorsementJwt"] = ["not-a-jwt", 42]
    result = verify_bytes(vc_jwt(base, ISSUER_SEED).encode(), now=NOW, material=EmptyMaterial())
    assert result.verified, result.checks
    verdicts = [e["verdict"] for e in _endorsements(result)]
    assert verdicts == ["unreadable"] * 4


def test_endorsement_that_is_not_an_endorsement_credential() -> None:
    other = sign(credential(), bytes(range(1, 33)))  # a valid OpenBadgeCredential, wrong type
    result = _verify(sign(credential(endorsement=[other]), ISSUER_SEED))
    (e,) = _endorsements(result)
    assert e["verdict"] == "not_verified" and "EndorsementCredential" in e["reason"]


def test_endorsement_count_is_capped() -> None:
    from credwallet.verify import endorsement as mod

    items = [{"not": "signed"}] * (mod.MAX_ENDORSEMENTS + 5)
    result = _verify(credential(endorsement=items))
    found = _endorsements(result)
    assert len(found) == mod.MAX_ENDORSEMENTS + 1
    assert found[-1]["verdict"] == "unsupported"


def test_ob2_hosted_endorsements_from_cached_copies() -> None:
    entry = manifest_entry(OB2)
    assert entry["upstream"]["result"] == "valid"
    result = verify_bytes(vector(OB2), now=NOW, material=material_for(entry))
    found = _endorsements(result)
    assert len(found) == 4
    assert [e["on"] for e in found] == ["credential", "credential", "achievement", "achievement"]
    assert all(e["verdict"] == "verified" for e in found), [e["reason"] for e in found]
    assert all(e["comment"] == "Pretty good" for e in found)
    assert all(e["endorser"]["name"] == "Example Issuer" for e in found)
    assert found[0]["endorses"]["what"] == "the achievement"


def test_ob2_endorsements_not_cached_are_unavailable() -> None:
    result = verify_bytes(vector(OB2), now=NOW, material=EmptyMaterial())
    found = _endorsements(result)
    # The BadgeClass is embedded in this assertion, so its endorsements are listed too.
    assert [e["verdict"] for e in found] == ["unavailable"] * 4
    assert "cannot be checked offline" in found[0]["reason"]


def test_ob2_endorsement_hosted_elsewhere_is_not_verified() -> None:
    from credwallet.models import CachedDocument
    from credwallet.verify import DictMaterial
    from tests.trust.helpers import SIGNED_AT

    entry = manifest_entry(OB2)
    docs = {url: CachedDocument.make(url, "asset", (vector(rel)), SIGNED_AT)
            for url, rel in entry["assets"].items()}
    forged = json.loads(vector("1edtech-inspector/ob20/assets/endorsement-1.json"))
    forged["issuer"] = "https://famous-university.example/issuer.json"
    url = "https://example.org/endorsement-1.json"
    docs[url] = CachedDocument.make(url, "asset", json.dumps(forged).encode(), SIGNED_AT)
    found = _endorsements(verify_bytes(vector(OB2), now=NOW, material=DictMaterial(docs)))
    assert found[0]["verdict"] == "not_verified"
    assert "not hosted on its issuer's host" in found[0]["reason"]


@pytest.mark.parametrize("depth", [1])
def test_endorsements_of_endorsements_are_not_followed(depth: int) -> None:
    inner = endorsement("urn:x", "inner")
    outer = copy.deepcopy(endorsement("urn:y", "outer"))
    outer.pop("proof")
    outer["endorsement"] = [inner]
    outer = sign(outer, bytes(range(1, 33)))
    result = _verify(sign(credential(endorsement=[outer]), ISSUER_SEED))
    (e,) = _endorsements(result)
    assert e["verdict"] == "verified"


def test_oversized_endorsement_jwt_is_unreadable() -> None:
    from credwallet.verify import endorsement as mod

    base = credential(endorsementJwt=["a" * (mod.MAX_JWT_CHARS + 1)])
    result = verify_bytes(vc_jwt(base, ISSUER_SEED).encode(), now=NOW, material=EmptyMaterial())
    assert result.verified
    assert [e["verdict"] for e in _endorsements(result)] == ["unreadable"]


_junk = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                     lambda kids: st.lists(kids, max_size=3)
                     | st.dictionaries(st.sampled_from(["type", "issuer", "id", "proof",
                                                        "credentialSubject", "validFrom"]),
                                       kids, max_size=4), max_leaves=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(_junk, max_size=3), st.lists(_junk, max_size=2))
def test_no_endorsement_can_break_the_credential(embedded: list[Any], jwts: list[Any]) -> None:
    # (No "@context" keys: unknown contexts anywhere in the credential are the credential's own
    # problem, checked by the engine's contexts check.)
    base = credential(endorsement=embedded, endorsementJwt=jwts)
    base["issuer"]["endorsement"] = embedded[:1]
    result = verify_bytes(vc_jwt(base, ISSUER_SEED).encode(), now=NOW, material=EmptyMaterial())
    assert result.verified, result.checks
    assert len(_endorsements(result)) == len(embedded) + len(embedded[:1]) + len(jwts)
