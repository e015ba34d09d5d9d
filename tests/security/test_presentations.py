"""Presentations: nothing but a verified credential's own proof makes content a credential.

- A VP-JWT with both a `vp` and a `vc` claim is refused (the `vc` would ride along unchecked).
- A stored presentation's own fields never become a credential view and never count toward a
  pathway; its contents are stored and judged one by one.
- `holder_binding`: the holder must be the DID subject of what it presents.
- A clear bit in a status list issued by someone else than the credential's issuer proves
  nothing.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import nacl.signing
import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from credwallet.errors import BadInput
from credwallet.ingest.describe import view_of
from credwallet.ingest.sniff import recognise
from credwallet.verify import DictMaterial, EmptyMaterial, sign_data_integrity, verify_bytes
from tests.conftest import run_inproc
from tests.verify.test_keys_status import LIST_URL, _status_list
from tests.verify.vutil import FETCHED, NOW, cached, did_key_of, ob3_credential, signed_ob3

ISSUER = bytes(range(40, 72))
HOLDER = bytes(range(80, 112))
OTHER = bytes(range(120, 152))


def _okp(seed: bytes) -> OKPKey:
    sk = nacl.signing.SigningKey(seed)

    def b(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b(bytes(sk.verify_key)),
                              "d": b(bytes(sk))})


def _jwt(payload: dict[str, Any], seed: bytes) -> bytes:
    _, vm = did_key_of(seed)
    return jws.serialize_compact({"alg": "EdDSA", "kid": vm}, json.dumps(payload).encode(), _okp(seed),
                                 algorithms=["EdDSA"]).encode()


def _issued_to(subject: str, **extra: Any) -> dict[str, Any]:
    base = ob3_credential("did:example:x")["credentialSubject"]
    return signed_ob3(ISSUER, credentialSubject={**base, "id": subject}, **extra)


def _vp(holder_seed: bytes, creds: list[Any]) -> dict[str, Any]:
    holder, vm = did_key_of(holder_seed)
    return sign_data_integrity({"@context": ["https://www.w3.org/ns/credentials/v2"],
                                "type": ["VerifiablePresentation"], "holder": holder,
                                "verifiableCredential": creds},
                               seed=holder_seed, verification_method=vm,
                               proof_purpose="authentication", created=FETCHED)


def _run(doc: Any, material: Any = None) -> Any:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return verify_bytes(data, now=NOW, material=material or EmptyMaterial())


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_vp_jwt_with_an_extra_vc_claim_is_refused() -> None:
    holder, _ = did_key_of(HOLDER)
    fabricated = ob3_credential("did:web:famous.example")  # no proof: nobody issued it
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "holder": holder, "verifiableCredential": []}
    token = _jwt({"iss": holder, "vp": vp, "vc": fabricated}, HOLDER)
    with pytest.raises(BadInput, match="both a vp and a vc claim"):
        recognise(token)
    res = run_inproc("verify", "--file", "-", "--json", input=token)
    assert res.code == 3, res


def test_presentation_fields_never_make_a_credential_view() -> None:
    holder, _ = did_key_of(HOLDER)
    # The holder signs a presentation that itself pretends to be an achievement.
    vp = _vp(HOLDER, [_issued_to(holder)])
    vp_doc = {**vp, "name": "PhD in Physics", "credentialSubject": {
        "id": holder, "achievement": {"id": "https://famous.example/phd", "name": "PhD in Physics"}}}
    view = view_of("vp-ldp", vp_doc)
    assert view.achievement.name is None and view.achievement.id is None
    assert view.name == "Verifiable presentation" and view.issuer.signed is False


def test_holder_binding() -> None:
    holder, _ = did_key_of(HOLDER)
    mine = _run(_vp(HOLDER, [_issued_to(holder)]))
    assert mine.verified, [c for c in mine.checks if c.status != "passed"]
    assert mine.check("holder_binding").status == "passed"
    other, _ = did_key_of(OTHER)
    theirs = _run(_vp(HOLDER, [_issued_to(holder), _issued_to(other)]))
    assert not theirs.verified
    hb = theirs.check("holder_binding")
    assert hb.status == "failed" and "#2" in hb.detail
    # Subjects that are not DIDs cannot be compared with the holder: a warning, not a pass.
    mail = _run(_vp(HOLDER, [_issued_to("mailto:learner@example.com")]))
    assert mail.check("holder_binding").status == "warning"
    # An unsigned presentation proves no holder.
    unsigned = {k: v for k, v in _vp(HOLDER, [_issued_to(other)]).items() if k != "proof"}
    assert _run(unsigned).check("holder_binding").status == "skipped"


def test_holder_key_listed_only_for_assertion_is_not_a_holder() -> None:
    """A VP signed with purpose assertionMethod is not an authentication by the holder."""
    holder, vm = did_key_of(HOLDER)
    vp = sign_data_integrity({"@context": ["https://www.w3.org/ns/credentials/v2"],
                              "type": ["VerifiablePresentation"], "holder": holder,
                              "verifiableCredential": [_issued_to(holder)]},
                             seed=HOLDER, verification_method=vm, proof_purpose="assertionMethod",
                             created=FETCHED)
    result = _run(vp)
    assert not result.verified and result.check("proof").status == "failed"


def _entry(index: int) -> dict[str, Any]:
    return {"id": f"{LIST_URL}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": LIST_URL}


def test_status_list_of_another_issuer_does_not_clear() -> None:
    holder, _ = did_key_of(HOLDER)
    cred = _issued_to(holder, credentialStatus=_entry(4))
    own = DictMaterial({LIST_URL: cached(LIST_URL, _status_list(ISSUER, {5}), kind="status_list")})
    assert _run(cred, own).check("revocation").status == "passed"
    # Same URL, but the list there is signed and issued by someone else.
    foreign = DictMaterial({LIST_URL: cached(LIST_URL, _status_list(OTHER, {5}), kind="status_list")})
    rev = _run(cred, foreign).check("revocation")
    assert rev.status == "warning" and "not by the credential's issuer" in rev.detail
    # A set bit still counts, whoever published it (fail-safe).
    revoked = _issued_to(holder, credentialStatus=_entry(5))
    assert _run(revoked, foreign).check("revocation").status == "failed"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_pathways_never_count_a_presentation_envelope(wallet_home: Any, tmp_path: Any) -> None:
    holder, _ = did_key_of(HOLDER)
    # A holder-signed VP-JWT (it verifies: the holder may sign anything) whose own body claims
    # an achievement. Only an issuer's proof makes a credential.
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "holder": holder, "name": "PhD", "verifiableCredential": [],
          "credentialSubject": {"id": holder, "achievement": {"id": "https://famous.example/phd",
                                                              "name": "PhD"}}}
    token = _jwt({"iss": holder, "vp": vp}, HOLDER)
    assert not [c for c in _run(token).checks if c.status == "failed"]
    path = tmp_path / "vp.jwt"
    path.write_bytes(token)
    assert run_inproc("import", "--keep-invalid", "--json", str(path)).code in (0, 1)
    pathway = tmp_path / "p.json"
    pathway.write_text(json.dumps({"name": "phd", "title": "PhD", "requirements": [
        {"achievement_id": "https://famous.example/phd"}]}))
    added = run_inproc("pathway", "add", str(pathway), "--json")
    assert added.code == 0, added
    progress = run_inproc("progress", "--json").json()
    assert progress["pathways"][0]["complete"] is False
    listed = run_inproc("list", "--json").json()["credentials"]
    assert all(row["name"] != "PhD" for row in listed)
