"""VC-JWT (issue #13 item 4): key selection without `kid`, did:jwk, EC did:key, the `jwk` header
bound by the issuer's own document, PS/ES algorithms, VCDM 1.1 claim mapping, VCDM 2.0 JOSE.

Every token here is signed in the test with a freshly generated or fixed key (joserfc).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey
from tests.verify.vutil import NOW, cached, did_key_of, ob3_credential

from credwallet.errors import BadInput, UnsupportedFormat
from credwallet.ingest import recognise
from credwallet.ingest.describe import credential_view
from credwallet.models import StoredCredential
from credwallet.verify import DictMaterial, EmptyMaterial, verify_bytes
from credwallet.verify.did_jwk import did_jwk_of, resolve_did_jwk
from credwallet.verify.did_key_ec import ec_did_key_curve, resolve_did_key_ec
from credwallet.verify.keys import KeyUnavailable
from credwallet.verify.suites import jose

SEED = bytes(range(32))
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def okp(seed: bytes = SEED) -> OKPKey:
    import nacl.signing

    sk = nacl.signing.SigningKey(seed)
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64(bytes(sk.verify_key)),
                              "d": b64(bytes(sk))})


def sign(header: dict[str, Any], payload: dict[str, Any], key: Any) -> bytes:
    return jws.serialize_compact(header, json.dumps(payload).encode(), key,
                                 algorithms=[header["alg"]]).encode()


def run(token: bytes, material: Any = None, **kw: Any) -> Any:
    return verify_bytes(token, now=NOW, material=material or EmptyMaterial(), **kw)


def did_jwk(key: Any) -> str:
    return did_jwk_of(key.as_dict(private=False))


def vc2_payload(issuer: str, **extra: Any) -> dict[str, Any]:
    return {"iss": issuer, "sub": "did:example:learner", "nbf": 1735689600,
            "vc": ob3_credential(issuer, **extra)}


def vc1_claims_only(issuer: str, **claims: Any) -> dict[str, Any]:
    """A VCDM 1.1 JWT whose credential leaves issuer, dates, id and subject id to the claims."""
    payload = {"iss": issuer, "nbf": 1735689600, "jti": "urn:uuid:7d0a1c52-0000-4000-8000-000000000001",
               "sub": "did:example:learner",
               "vc": {"@context": [VC1], "type": ["VerifiableCredential"],
                      "credentialSubject": {"degree": {"type": "BachelorDegree"}}}}
    payload.update(claims)
    return payload


# --- did:jwk and EC did:key ------------------------------------------------------------


def test_did_jwk_issuer_without_kid_is_bound() -> None:
    key = okp()
    issuer = did_jwk(key)
    result = run(sign({"alg": "EdDSA", "typ": "JWT"}, vc2_payload(issuer), key))
    assert result.verified, result.checks
    assert result.signer == issuer + "#0"
    assert "did:jwk (self-certifying)" in result.check("key_binding").detail
    # "#0" relative to the issuer, and the whole DID URL, name the same key.
    for kid in ("#0", issuer + "#0", issuer):
        assert run(sign({"alg": "EdDSA", "kid": kid}, vc2_payload(issuer), key)).verified, kid


def test_did_jwk_p256_p384_and_wrong_curve() -> None:
    for alg, crv in (("ES256", "P-256"), ("ES384", "P-384")):
        key = ECKey.generate_key(crv)
        issuer = did_jwk(key)
        result = run(sign({"alg": alg, "kid": issuer + "#0"}, vc2_payload(issuer), key))
        assert result.verified, (alg, result.checks)
        assert result.suite == f"JWS {alg}"
    p384 = ECKey.generate_key("P-384")
    issuer = did_jwk(p384)
    # A token saying ES256 over a P-384 key: refused before the maths.
    header = base64.urlsafe_b64encode(json.dumps({"alg": "ES256", "kid": issuer + "#0"}).encode())
    good = sign({"alg": "ES384", "kid": issuer + "#0"}, vc2_payload(issuer), p384).split(b".")
    forged = b".".join([header.rstrip(b"="), good[1], good[2]])
    proof = run(forged).check("proof")
    assert proof.status == "failed" and "needs a P-256 key" in proof.detail


def test_did_jwk_refusals() -> None:
    key = ECKey.generate_key("P-256")
    private = "did:jwk:" + b64(json.dumps(key.as_dict(private=True)).encode())
    with pytest.raises(KeyUnavailable, match="private"):
        resolve_did_jwk(private)
    enc = "did:jwk:" + b64(json.dumps({**key.as_dict(private=False), "use": "enc"}).encode())
    with pytest.raises(KeyUnavailable, match="encryption key"):
        resolve_did_jwk(enc + "#0")
    assert resolve_did_jwk(enc, "keyAgreement").bound_controller == enc
    with pytest.raises(KeyUnavailable, match="#0"):
        resolve_did_jwk(did_jwk(key) + "#1")
    for bad in ("did:jwk:", "did:jwk:!!", "did:jwk:" + b64(b"[1]"), "did:jwk:" + b64(b'{"kty":"oct"}')):
        with pytest.raises(KeyUnavailable):
            resolve_did_jwk(bad)
    # A signed credential from an encryption key fails the proof, with the reason.
    token = sign({"alg": "ES256"}, vc2_payload(enc), key)
    proof = run(token).check("proof")
    assert proof.status == "failed" and "use: enc" in proof.detail


def _compressed_did_key(public: Any, prefix: bytes) -> str:
    from credwallet.didkey import multibase_encode

    point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return "did:key:" + multibase_encode(prefix + point)


def test_secp256k1_did_key_es256k_without_kid() -> None:
    raw = ec.generate_private_key(ec.SECP256K1())
    issuer = _compressed_did_key(raw.public_key(), b"\xe7\x01")
    assert issuer.startswith("did:key:zQ3s") and ec_did_key_curve(issuer) == "secp256k1"
    key = ECKey.import_key(raw)
    result = run(sign({"alg": "ES256K"}, vc2_payload(issuer), key))
    assert result.verified, result.checks
    assert result.suite == "JWS ES256K"
    assert run(sign({"alg": "ES256K", "kid": issuer}, vc2_payload(issuer), key)).verified
    # The resolver decodes the other EC did:keys too (keys.resolve already knows those).
    others = ((ec.SECP256R1(), b"\x80\x24", "P-256"), (ec.SECP384R1(), b"\x81\x24", "P-384"))
    for curve, prefix, crv in others:
        did = _compressed_did_key(ec.generate_private_key(curve).public_key(), prefix)
        resolved = resolve_did_key_ec(did)
        assert resolved.jwk is not None and resolved.jwk["crv"] == crv and resolved.bound_controller == did
    with pytest.raises(KeyUnavailable):
        resolve_did_key_ec(issuer + "#zSomethingElse")


def test_ed25519_did_key_without_kid() -> None:
    issuer, _ = did_key_of(SEED)
    result = run(sign({"alg": "EdDSA"}, vc2_payload(issuer), okp()))
    assert result.verified, result.checks
    # Someone else's key with no kid: the issuer's did:key does not verify it.
    other = run(sign({"alg": "EdDSA"}, vc2_payload(issuer), okp(bytes(range(1, 33)))))
    assert other.check("proof").status == "failed"


# --- algorithms ------------------------------------------------------------------------


def test_ps256_ps384_with_rsa_did_jwk() -> None:
    key = RSAKey.generate_key(2048)
    issuer = did_jwk(key)
    for alg in ("PS256", "PS384", "RS256"):
        result = run(sign({"alg": alg}, vc2_payload(issuer), key))
        assert result.verified, (alg, result.checks)


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "ES512", "PS512", "Ed25519"])
def test_algorithms_outside_the_allow_list_are_refused(alg: str) -> None:
    head = b64(json.dumps({"alg": alg}).encode())
    body = b64(json.dumps(vc2_payload(did_key_of(SEED)[0])).encode())
    proof = run(f"{head}.{body}.c2ln".encode()).check("proof")
    assert proof.status == "failed" and "is not allowed" in proof.detail
    assert alg not in jose.ALLOWED_ALGS


def test_thumbprint_rfc7638_example() -> None:
    # RFC 7638 section 3.1: the example RSA key and its thumbprint.
    n = ("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
         "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
         "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
         "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
    assert jose.thumbprint({"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}) \
        == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert jose.thumbprint({"kty": "oct", "k": "AAAA"}) is None


# --- the jwk header, bound by the issuer's own document --------------------------------


def _did_web_material(did: str, jwk: dict[str, Any], relationship: str = "assertionMethod",
                      doc_id: str | None = None, url: str = "https://issuer.example/.well-known/did.json"
                      ) -> DictMaterial:
    vm = {"id": f"{did}#key-1", "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk}
    doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": doc_id or did,
           "verificationMethod": [vm], relationship: [f"{did}#key-1"]}
    return DictMaterial({url: cached(url, doc, kind="did")})


def test_jwk_header_bound_when_the_issuers_own_document_lists_it() -> None:
    did = "did:web:issuer.example"
    key = ECKey.generate_key("P-256")
    public = key.as_dict(private=False)
    token = sign({"alg": "ES256", "jwk": public}, vc2_payload(did), key)
    result = run(token, _did_web_material(did, public))
    assert result.verified, result.checks
    assert "thumbprint" in result.check("key_binding").detail
    assert result.signer == f"{did}#key-1"
    # Listed for authentication only: not an assertion key.
    auth = run(token, _did_web_material(did, public, "authentication"))
    assert auth.check("proof").status == "passed" and auth.check("key_binding").status == "failed"
    # A document naming itself otherwise binds nothing.
    other = run(token, _did_web_material(did, public, doc_id="did:web:attacker.example"))
    assert other.check("key_binding").status == "failed"
    assert "names itself" in other.check("key_binding").detail
    # The issuer lists a different key: the header's own key stays unbound.
    stranger = ECKey.generate_key("P-256").as_dict(private=False)
    unlisted = run(token, _did_web_material(did, stranger))
    assert unlisted.check("key_binding").status == "failed"
    assert "no key with thumbprint" in unlisted.check("key_binding").detail


def test_jwk_header_must_be_the_self_certifying_issuers_key() -> None:
    key = okp()
    issuer = did_jwk(key)
    public = key.as_dict(private=False)
    assert run(sign({"alg": "EdDSA", "jwk": public}, vc2_payload(issuer), key)).verified
    other = okp(bytes(range(1, 33)))
    result = run(sign({"alg": "EdDSA", "jwk": other.as_dict(private=False)}, vc2_payload(issuer), other))
    assert result.check("proof").status == "failed"
    assert "differs" in result.check("proof").detail


# --- VCDM 1.1 claim mapping ------------------------------------------------------------


def test_vcdm11_claims_stand_in_for_missing_properties() -> None:
    issuer, vm = did_key_of(SEED)
    token = sign({"alg": "EdDSA", "kid": vm}, vc1_claims_only(issuer), okp())
    result = run(token, identities=["did:example:learner"])
    assert result.verified, result.checks
    assert result.format == "vc-jwt"
    assert result.check("key_binding").status == "passed"  # issuer from iss
    assert "2025-01-01T00:00:00Z (issuanceDate)" in result.check("not_before").detail
    assert result.check("recipient").status == "passed"
    # exp as the only expiry: enforced.
    expired = run(sign({"alg": "EdDSA", "kid": vm}, vc1_claims_only(issuer, exp=1767225600), okp()))
    assert expired.check("expiry").status == "failed"
    # nbf in the future: not yet valid.
    future = run(sign({"alg": "EdDSA", "kid": vm}, vc1_claims_only(issuer, nbf=1893456000), okp()))
    assert future.check("not_before").status == "failed"
    # The view reads the same mapping.
    view = credential_view(stored(token, "vc-jwt"))
    assert view.issuer.id == issuer and view.issued == "2025-01-01T00:00:00Z"
    assert view.credential_id == "urn:uuid:7d0a1c52-0000-4000-8000-000000000001"
    assert view.subject_id == "did:example:learner"


def stored(raw: bytes, fmt: str) -> StoredCredential:
    from datetime import UTC, datetime

    from credwallet.models.entry import encode_raw

    text, encoding = encode_raw(raw)
    return StoredCredential(id="0" * 12, format=fmt, raw=text, raw_encoding=encoding, source="test",
                            imported_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_vcdm11_claim_conflicts_fail_schema() -> None:
    issuer, vm = did_key_of(SEED)
    base = vc1_claims_only(issuer)
    base["vc"].update({"issuer": issuer, "issuanceDate": "2025-01-01T00:00:00Z",
                       "id": "urn:uuid:7d0a1c52-0000-4000-8000-000000000001"})
    base["vc"]["credentialSubject"]["id"] = "did:example:learner"
    assert run(sign({"alg": "EdDSA", "kid": vm}, base, okp())).verified
    for claim, value in (("iss", "did:example:other"), ("jti", "urn:uuid:other"),
                         ("sub", "did:example:someone"), ("nbf", 1700000000)):
        payload = json.loads(json.dumps(base))
        payload[claim] = value
        schema = run(sign({"alg": "EdDSA", "kid": vm}, payload, okp())).check("schema")
        assert schema.status == "failed" and claim in schema.detail, (claim, schema)


# --- VCDM 2.0 JOSE ---------------------------------------------------------------------


def _vc2(issuer: str) -> dict[str, Any]:
    return {"@context": [VC2], "id": "urn:uuid:0c07c1ce-0000-4000-8000-000000000002",
            "type": ["VerifiableCredential"], "issuer": issuer, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "name": "Sam"}}


def test_vc_jwt_payload_is_the_credential() -> None:
    issuer, vm = did_key_of(SEED)
    token = sign({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, _vc2(issuer), okp())
    result = run(token)
    assert result.verified, result.checks
    assert result.format == "vc-jwt"
    # A vc claim inside a vc+jwt: two readings of one signature, refused.
    with pytest.raises(BadInput, match="ambiguous"):
        recognise(sign({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, {**_vc2(issuer), "vc": {}}, okp()))
    # A JWT claim contradicting the credential beside it.
    clash = sign({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, {**_vc2(issuer), "iss": "did:example:x"},
                 okp())
    assert run(clash).check("schema").status == "failed"
    # An SD-JWT part is not a VC-JWT.
    with pytest.raises(UnsupportedFormat, match="SD-JWT"):
        recognise(sign({"alg": "EdDSA", "typ": "dc+sd-jwt"}, _vc2(issuer), okp()))


def _vp_jwt(holder_seed: bytes, credentials: list[Any], typ: str = "vp+jwt") -> bytes:
    holder, holder_vm = did_key_of(holder_seed)
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder,
          "verifiableCredential": credentials}
    return sign({"alg": "EdDSA", "kid": holder_vm, "typ": typ}, vp, okp(holder_seed))


def test_vp_jwt_with_enveloped_vc_jwt() -> None:
    issuer, vm = did_key_of(SEED)
    holder_seed = bytes(range(3, 35))
    holder, _ = did_key_of(holder_seed)
    cred = {**_vc2(issuer), "credentialSubject": {"id": holder, "name": "Sam"}}
    inner = sign({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, cred, okp()).decode()
    envelope = {"@context": [VC2], "type": ["EnvelopedVerifiableCredential"],
                "id": f"data:application/vc+jwt,{inner}"}
    token = _vp_jwt(holder_seed, [envelope])
    result = run(token)
    assert result.format == "vp-jwt"
    assert result.verified, result.checks
    assert result.nested[0].verified and result.nested[0].format == "vc-jwt"
    assert result.check("holder_binding").status == "passed"
    # Strict on the media type and the data: URL form.
    for bad, error in ((f"data:application/vc+ld+json+jwt,{inner}", UnsupportedFormat),
                       (f"data:application/vc+jwt;base64,{inner}", UnsupportedFormat),
                       (f"data:application/dc+sd-jwt,{inner}~", UnsupportedFormat),
                       (f"https://example.com/{inner}", BadInput),
                       ("data:application/vc+jwt", BadInput)):
        with pytest.raises(error):
            recognise(_vp_jwt(holder_seed, [{**envelope, "id": bad}]))
    # A VCDM 1.1 token (vc claim) is not what application/vc+jwt names.
    legacy = sign({"alg": "EdDSA", "kid": vm}, vc2_payload(issuer), okp()).decode()
    with pytest.raises(BadInput, match="vc claim"):
        recognise(_vp_jwt(holder_seed, [{**envelope, "id": f"data:application/vc+jwt,{legacy}"}]))
    # A presentation inside the envelope.
    nested_vp = _vp_jwt(holder_seed, []).decode()
    with pytest.raises(BadInput):
        recognise(_vp_jwt(holder_seed, [{**envelope, "id": f"data:application/vc+jwt,{nested_vp}"}]))
    # typ vp+jwt over a credential, typ vc+jwt over a presentation: refused.
    with pytest.raises(BadInput):
        recognise(sign({"alg": "EdDSA", "kid": vm, "typ": "vp+jwt"}, cred, okp()))
    with pytest.raises(BadInput):
        recognise(_vp_jwt(holder_seed, [envelope], typ="vc+jwt"))
