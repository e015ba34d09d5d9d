"""VC-JWT, Open Badges 2.0 hosted assertions, and presentations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey
from tests.verify.vutil import (
    FETCHED,
    NOW,
    cached,
    did_key_of,
    manifest,
    material_for,
    ob3_credential,
    signed_ob3,
    vector,
)

from credwallet.verify import DictMaterial, EmptyMaterial, sign_data_integrity, verify_bytes

SEED = bytes(range(32))


def run(data: bytes, material: Any = None) -> Any:
    return verify_bytes(data, now=NOW, material=material or EmptyMaterial())


def _okp_from_seed(seed: bytes) -> OKPKey:
    import base64

    import nacl.signing

    sk = nacl.signing.SigningKey(seed)
    b = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b(bytes(sk.verify_key)),
                              "d": b(bytes(sk))})


def _vc_jwt(header: dict[str, Any], payload: dict[str, Any], key: Any) -> bytes:
    return jws.serialize_compact(header, json.dumps(payload).encode(), key,
                                 algorithms=[header["alg"]]).encode()


def _payload(issuer: str, **claims: Any) -> dict[str, Any]:
    cred = ob3_credential(issuer)
    base = {"iss": issuer, "jti": cred["id"], "sub": "did:example:learner",
            "nbf": int(FETCHED.timestamp()) - 86400 * 365, "vc": cred}
    base["vc"]["validFrom"] = "2025-01-01T00:00:00Z"
    base["nbf"] = 1735689600
    base.update(claims)
    return base


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_eddsa_vc_jwt_with_did_key_kid_is_verified() -> None:
    did, vm = did_key_of(SEED)
    token = _vc_jwt({"alg": "EdDSA", "kid": vm, "typ": "JWT"}, _payload(did), _okp_from_seed(SEED))
    result = run(token)
    assert result.verified, result.checks
    assert result.format == "ob3-jwt"
    assert result.suite == "JWS EdDSA"
    head, payload, sig = token.split(b".")
    bad_sig = sig[:-3] + (b"AAA" if sig[-3:] != b"AAA" else b"BBB")
    assert run(b".".join([head, payload, bad_sig])).check("proof").status == "failed"
    # Re-encode a changed payload under the old signature.
    other = _payload(did)
    other["vc"]["name"] = "Changed"
    forged = b".".join([head, _vc_jwt({"alg": "EdDSA", "kid": vm}, other,
                                       _okp_from_seed(SEED)).split(b".")[1], sig])
    assert run(forged).check("proof").status == "failed"


def test_es256_with_embedded_jwk_is_not_bound() -> None:
    key = ECKey.generate_key("P-256")
    token = _vc_jwt({"alg": "ES256", "jwk": key.as_dict(private=False)},
                    _payload("https://issuer.example/"), key)
    result = run(token)
    assert result.check("proof").status == "passed"
    assert result.check("key_binding").status == "failed"
    assert "carries its own key" in result.check("key_binding").detail


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_small_rsa_key_refused_and_2048_accepted() -> None:
    for bits, ok in ((1024, False), (2048, True)):
        raw = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        key = RSAKey.import_key(raw)
        header = {"alg": "RS256", "jwk": key.as_dict(private=False)}
        try:
            token = _vc_jwt(header, _payload("https://issuer.example/"), key)
        except Exception:  # joserfc itself may refuse to sign with a weak key
            assert not ok
            continue
        proof = run(token).check("proof")
        assert (proof.status == "passed") is ok, proof


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_jwt_claims_must_agree() -> None:
    did, vm = did_key_of(SEED)
    token = _vc_jwt({"alg": "EdDSA", "kid": vm}, _payload(did, iss="did:example:other"),
                    _okp_from_seed(SEED))
    result = run(token)
    assert result.check("schema").status == "failed"
    assert "iss" in result.check("schema").detail
    expired = _vc_jwt({"alg": "EdDSA", "kid": vm}, _payload(did, exp=1700000000),
                      _okp_from_seed(SEED))
    assert run(expired).check("expiry").status == "failed"


def test_baked_jwt_vectors_verify_signature() -> None:
    entry = next(e for e in manifest()["entries"] if e["file"].endswith("ob30/simple-jwt.svg"))
    result = run(vector(entry["file"]))
    assert result.check("proof").status == "passed"


def _hosted_entry() -> dict[str, Any]:
    return next(e for e in manifest()["entries"] if e["file"].endswith("ob20/basic-assertion.json"))


def test_ob2_hosted_with_cached_copy() -> None:
    entry = _hosted_entry()
    raw = vector(entry["file"])
    assertion = json.loads(raw)
    material = material_for(entry)
    material.add(cached(assertion["id"], raw, kind="assertion"))
    result = run(raw, material)
    assert result.check("proof").status == "passed"
    assert "hosts an identical copy" in result.check("proof").detail
    assert result.check("revocation").status == "passed"
    assert result.check("key_binding").status == "passed"

    gone = material_for(entry)
    gone.add(cached(assertion["id"], b"", kind="assertion", status=410))
    result = run(raw, gone)
    assert result.check("revocation").status == "failed"
    assert "410" in result.check("revocation").detail

    changed = material_for(entry)
    changed.add(cached(assertion["id"], {**assertion, "issuedOn": "2016-01-01T00:00:00Z"}))
    assert run(raw, changed).check("proof").status == "failed"


def test_presentation_and_nested_credentials() -> None:
    holder_seed = bytes(range(5, 37))
    holder, holder_vm = did_key_of(holder_seed)
    subject = {**ob3_credential("did:example:x")["credentialSubject"], "id": holder}
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"], "holder": holder,
          "verifiableCredential": [signed_ob3(SEED, credentialSubject=subject)]}
    signed = sign_data_integrity(vp, seed=holder_seed, verification_method=holder_vm,
                                 proof_purpose="authentication", created=FETCHED,
                                 challenge="abc", domain="example.org")
    result = run(json.dumps(signed).encode())
    assert result.verified, result.checks
    assert result.check("holder_binding").status == "passed"
    assert result.format == "vp-ldp"
    assert len(result.nested) == 1 and result.nested[0].verified
    assert result.check("nested").status == "passed"
    assert "challenge 'abc' (no expected value)" in result.check("proof").detail
    data = json.dumps(signed).encode()
    expected = verify_bytes(data, now=NOW, material=EmptyMaterial(), challenge="abc",
                            domain="example.org")
    assert expected.verified
    replayed = verify_bytes(data, now=NOW, material=EmptyMaterial(), challenge="fresh-nonce")
    assert replayed.check("proof").status == "failed"
    assert "not the expected 'fresh-nonce'" in replayed.check("proof").detail

    # Signed by someone who is not the holder.
    _, other_vm = did_key_of(SEED)
    forged = sign_data_integrity(vp, seed=SEED, verification_method=other_vm,
                                 proof_purpose="authentication", created=FETCHED)
    assert run(json.dumps(forged).encode()).check("key_binding").status == "failed"

    # A tampered credential inside a validly signed presentation still fails.
    inner = signed_ob3(SEED)
    inner["name"] = "Something else"
    vp2 = sign_data_integrity({**vp, "verifiableCredential": [inner]}, seed=holder_seed,
                              verification_method=holder_vm, proof_purpose="authentication",
                              created=FETCHED)
    result = run(json.dumps(vp2).encode())
    assert result.check("proof").status == "passed"
    assert result.check("nested").status == "failed"
    assert not result.verified


def test_verify_never_needs_material_methods_beyond_get() -> None:
    class OnlyGet:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def get(self, url: str) -> Any:
            self.asked.append(url)
            return None

    src = OnlyGet()
    data = json.dumps(signed_ob3(SEED, credentialStatus={
        "type": "BitstringStatusListEntry", "statusListIndex": "1",
        "statusListCredential": "https://x.example/list"})).encode()
    result = verify_bytes(data, now=NOW, material=src)
    assert "https://x.example/list" in src.asked
    assert result.check("revocation").status == "warning"
    assert isinstance(DictMaterial().get("x"), type(None))


def test_ob2_signed_without_creator_uses_issuer_keys() -> None:
    """No verification.creator: the keys the (cached) issuer profile declares are tried."""
    entry = next(e for e in manifest()["entries"] if e["file"].endswith("ob20/simple.jwt"))
    material = material_for(entry)
    raw = vector(entry["file"])
    assert run(raw, material).verified
    import base64 as b64

    head, payload, sig = raw.decode().strip().split(".")
    claims = json.loads(b64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    del claims["verification"]["creator"]
    forged_payload = b64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    # Same signature over different bytes: the declared key is found, the signature fails.
    result = run(f"{head}.{forged_payload}.{sig}".encode(), material)
    assert result.check("proof").status == "failed"
    assert "http://example.org/key1.json" in result.check("proof").detail


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_vp_jwt_with_vc_jwt_inside() -> None:
    did, vm = did_key_of(SEED)
    holder_seed = bytes(range(3, 35))
    holder, holder_vm = did_key_of(holder_seed)

    def presented(subject: str) -> bytes:
        payload = _payload(did, sub=subject)
        payload["vc"]["credentialSubject"]["id"] = subject
        inner = _vc_jwt({"alg": "EdDSA", "kid": vm}, payload, _okp_from_seed(SEED)).decode()
        vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
              "type": ["VerifiablePresentation"], "holder": holder, "verifiableCredential": [inner]}
        return _vc_jwt({"alg": "EdDSA", "kid": holder_vm},
                       {"iss": holder, "nonce": "n-1", "aud": "https://rp.example", "vp": vp},
                       _okp_from_seed(holder_seed))

    # Someone else's credential, presented by this holder: the holder is not its subject.
    foreign = run(presented("did:example:someone-else"))
    assert not foreign.verified and foreign.check("holder_binding").status == "failed"
    token = presented(holder)
    result = run(token)
    assert result.format == "vp-jwt"
    assert result.verified, result.checks
    assert result.check("holder_binding").status == "passed"
    assert result.nested[0].verified and result.nested[0].format == "ob3-jwt"
    wrong = verify_bytes(token, now=NOW, material=EmptyMaterial(), challenge="other")
    assert wrong.check("proof").status == "failed"


def test_clr_with_nested_credentials() -> None:
    issuer, vm = did_key_of(SEED)
    nested = [signed_ob3(SEED, id=f"urn:uuid:00000000-0000-4000-8000-00000000000{i}")
              for i in range(2)]
    clr = {"@context": ["https://www.w3.org/ns/credentials/v2",
                        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
           "id": "urn:uuid:11111111-0000-4000-8000-000000000000",
           "type": ["VerifiableCredential", "ClrCredential"],
           "issuer": {"id": issuer, "type": ["Profile"], "name": "Registrar"},
           "validFrom": "2025-01-01T00:00:00Z", "name": "Transcript",
           "credentialSubject": {"id": "did:example:learner", "type": ["ClrSubject"],
                                 "verifiableCredential": nested}}
    signed = sign_data_integrity(clr, seed=SEED, verification_method=vm,
                                 proof_purpose="assertionMethod", created=FETCHED)
    result = run(json.dumps(signed).encode())
    assert result.format == "clr-ldp"
    assert result.verified, result.checks
    assert [r.verified for r in result.nested] == [True, True]


def test_ob2_signed_key_binding_failures() -> None:
    """A valid OB 2.0 signature only verifies when the key and the issuer point at each other."""
    entry = next(e for e in manifest()["entries"] if e["file"].endswith("ob20/simple.jwt"))
    raw = vector(entry["file"])
    org_url = "https://example.org/organization.json"
    key_url = "http://example.org/key1.json"
    org = json.loads(vector(entry["assets"][org_url]))
    key = json.loads(vector(entry["assets"][key_url]))

    def with_docs(**docs: Any) -> DictMaterial:
        material = material_for(entry)
        for url, body in docs.items():
            material.add(cached(url, body))
        return material

    unlisted = run(raw, with_docs(**{org_url: {**org, "publicKey": []}}))
    assert unlisted.check("proof").status == "passed"
    assert unlisted.check("key_binding").status == "failed"
    assert "does not list" in unlisted.check("key_binding").detail
    disowned = run(raw, with_docs(**{key_url: {**key, "owner": "https://evil.example/"}}))
    assert disowned.check("key_binding").status == "failed"
    assert "not the issuer" in disowned.check("key_binding").detail
    no_profile = material_for(entry)
    no_profile = DictMaterial({u: d for u, d in
                               ((u, no_profile.get(u)) for u in entry["assets"] if u != org_url)
                               if d is not None})
    assert run(raw, no_profile).check("key_binding").status == "failed"


def _p256_did(key: Any) -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization

    from credwallet.didkey import multibase_encode

    point = key.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.CompressedPoint)
    mb = multibase_encode(b"\x80\x24" + point)
    return f"did:key:{mb}", f"did:key:{mb}#{mb}"


def test_es256_vc_jwt_with_p256_did_key_is_bound() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = ec.generate_private_key(ec.SECP256R1())
    did, vm = _p256_did(raw)
    assert did.startswith("did:key:zDn")
    token = _vc_jwt({"alg": "ES256", "kid": vm}, _payload(did), ECKey.import_key(raw))
    result = run(token)
    assert result.verified, result.checks
    assert result.check("key_binding").status == "passed"


def test_ecdsa_proof_needs_an_ecdsa_key() -> None:
    doc = signed_ob3(SEED)
    doc["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    proof = run(json.dumps(doc).encode()).check("proof")
    assert proof.status == "failed" and "P-256" in proof.detail


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_vc_jwt_subject_named_only_by_sub_is_the_recipient() -> None:
    did, vm = did_key_of(SEED)
    payload = _payload(did, sub="did:example:me")
    payload["vc"]["credentialSubject"].pop("id")
    token = _vc_jwt({"alg": "EdDSA", "kid": vm}, payload, _okp_from_seed(SEED))
    mine = verify_bytes(token, now=NOW, material=EmptyMaterial(), identities=["did:example:me"])
    assert mine.check("recipient").status == "passed", mine.check("recipient")
    theirs = verify_bytes(token, now=NOW, material=EmptyMaterial(), identities=["did:example:other"])
    assert theirs.check("recipient").status == "warning"
