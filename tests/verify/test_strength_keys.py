"""Key resolution and binding (verify/keys.py) and proof handling (verify/dataintegrity.py): each
test pins an exact verdict that a one-token change in those files would flip.

Credentials are really signed (Ed25519 with our signer, P-256 with `cryptography`); controller
documents are cached material, bound only under the W3C Controlled Identifiers rule.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import nacl.signing
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from tests.verify.vutil import FETCHED, NOW, cached, did_key_of, ob3_credential

from credwallet.didkey import ed25519_multikey, multibase_encode
from credwallet.verify import DictMaterial, EmptyMaterial, sign_data_integrity, verify_bytes
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import KeyUnavailable, did_web_url, document_url, resolve
from credwallet.verify.suites.registry import find_suite

SEED = bytes(range(100, 132))
PUB = bytes(nacl.signing.SigningKey(SEED).verify_key)
MB = ed25519_multikey(PUB)
DID = "did:web:issuer.example"
DID_URL = "https://issuer.example/.well-known/did.json"
PROFILE = "https://issuer.example/profile"
KEY_URL = "https://issuer.example/keys/1"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def run(doc: dict[str, Any], *docs: Any) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=DictMaterial({d.url: d for d in docs}))


def verdict(result: Any) -> tuple[str, str, bool]:
    return result.check("proof").status, result.check("key_binding").status, result.verified


def signed(issuer: str, vm: str, seed: bytes = SEED, purpose: str = "assertionMethod",
           **doc_extra: Any) -> dict[str, Any]:
    return sign_data_integrity(ob3_credential(issuer, **doc_extra), seed=seed, verification_method=vm,
                               proof_purpose=purpose, created=FETCHED)


def did_doc(vms: list[dict[str, Any]], **relationships: Any) -> Any:
    return cached(DID_URL, {"@context": ["https://www.w3.org/ns/did/v1"], "id": DID,
                            "verificationMethod": vms, **relationships}, kind="did")


# --- relative references and the Controlled Identifiers rule ---------------------------------

def test_relative_verification_method_references_bind() -> None:
    doc = signed(DID, f"{DID}#key-1")
    vm = {"id": "#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    assert verdict(run(doc, did_doc([vm], assertionMethod=["#key-1"]))) == ("passed", "passed", True)
    # Listed under another fragment: found, but not listed for assertionMethod.
    result = run(doc, did_doc([vm], assertionMethod=["#key-2"]))
    assert verdict(result) == ("passed", "failed", False)
    assert "does not list the key for assertionMethod" in result.check("key_binding").detail
    # A relative controller means the document itself.
    rel = {**vm, "controller": "#"}
    assert verdict(run(doc, did_doc([rel], assertionMethod=[f"{DID}#key-1"])))[1] == "failed"


def test_relationship_listed_as_embedded_object_or_single_value() -> None:
    doc = signed(DID, f"{DID}#key-1")
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    embedded = cached(DID_URL, {"id": DID, "assertionMethod": [vm]}, kind="did")
    assert verdict(run(doc, embedded)) == ("passed", "passed", True)
    single = cached(DID_URL, {"id": DID, "verificationMethod": vm, "assertionMethod": f"{DID}#key-1"})
    assert verdict(run(doc, single)) == ("passed", "passed", True)


def test_controller_must_be_the_document_listing_the_key() -> None:
    doc = signed(DID, f"{DID}#key-1")
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": "did:web:other.example",
          "publicKeyMultibase": MB}
    result = run(doc, did_doc([vm], assertionMethod=[f"{DID}#key-1"]))
    assert verdict(result) == ("passed", "failed", False)
    assert "is not the document" in result.check("key_binding").detail
    no_controller = {k: v for k, v in vm.items() if k != "controller"}
    assert verdict(run(doc, did_doc([no_controller], assertionMethod=[f"{DID}#key-1"]))) == (
        "passed", "passed", True)  # a method without `controller` belongs to its document


def test_document_naming_itself_otherwise_binds_nothing() -> None:
    doc = signed(DID, f"{DID}#key-1")
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    other = cached(DID_URL, {"id": "did:web:evil.example", "verificationMethod": [vm],
                             "assertionMethod": [vm["id"]]})
    assert verdict(run(doc, other))[0] == "failed"  # the fragment "key-1" is no key by itself
    gone = cached(DID_URL, b"", status=404)
    assert "HTTP 404" in run(doc, gone).check("proof").detail
    assert verdict(run(doc, cached(DID_URL, b"not json")))[0] == "failed"


# --- standalone key documents -----------------------------------------------------------------

def _key_doc(**extra: Any) -> Any:
    return cached(KEY_URL, {"@context": ["https://w3id.org/security/v2"], "id": KEY_URL, "type": "Multikey",
                            "publicKeyMultibase": MB, **extra}, kind="key")


def _profile(listed: list[str] | None, relationship: str = "assertionMethod", pid: str = PROFILE) -> Any:
    body: dict[str, Any] = {"id": pid, "type": "Profile", "name": "Issuer"}
    if listed is not None:
        body[relationship] = listed
    return cached(pid, body, kind="issuer")


def test_standalone_key_document_bound_by_its_controller() -> None:
    doc = signed(PROFILE, KEY_URL)
    result = run(doc, _key_doc(controller=PROFILE), _profile([KEY_URL]))
    assert verdict(result) == ("passed", "passed", True)
    assert "key document" in result.check("proof").detail
    # Legacy `owner` is read as the controller.
    assert verdict(run(doc, _key_doc(owner=PROFILE), _profile([KEY_URL]))) == ("passed", "passed", True)


@pytest.mark.parametrize("case", ["not listed", "wrong purpose", "no profile", "no controller",
                                  "profile names itself otherwise"])
def test_standalone_key_document_not_bound(case: str) -> None:
    doc = signed(PROFILE, KEY_URL)
    key = _key_doc() if case == "no controller" else _key_doc(controller=PROFILE)
    docs = {
        "not listed": [_profile([])],
        "wrong purpose": [_profile([KEY_URL], "authentication")],
        "no profile": [],
        "no controller": [_profile([KEY_URL])],
        "profile names itself otherwise": [cached(PROFILE, {"id": "https://issuer.example/other",
                                                            "assertionMethod": [KEY_URL]})],
    }[case]
    assert verdict(run(doc, key, *docs)) == ("passed", "failed", False)


def test_standalone_key_document_of_another_controller() -> None:
    other = "https://other.example/profile"
    doc = signed(PROFILE, KEY_URL)
    result = run(doc, _key_doc(controller=other), _profile([KEY_URL], pid=other))
    assert verdict(result) == ("passed", "failed", False)
    assert f"controlled by {other}, not by the issuer" in result.check("key_binding").detail


# --- publicKeyJwk -------------------------------------------------------------------------------

def test_okp_jwk_verification_method() -> None:
    doc = signed(DID, f"{DID}#jwk")
    vm = {"id": f"{DID}#jwk", "type": "JsonWebKey", "controller": DID,
          "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64(PUB)}}
    assert verdict(run(doc, did_doc([vm], assertionMethod=[vm["id"]]))) == ("passed", "passed", True)
    wrong = {**vm, "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64(bytes(32))}}
    assert verdict(run(doc, did_doc([wrong], assertionMethod=[vm["id"]])))[0] == "failed"
    private = {**vm, "publicKeyJwk": {**vm["publicKeyJwk"], "d": b64(SEED)}}
    result = run(doc, did_doc([private], assertionMethod=[vm["id"]]))
    assert result.check("proof").status == "failed" and "private key" in result.check("proof").detail


def _ecdsa_signed(private: ec.EllipticCurvePrivateKey, issuer: str, vm: str) -> dict[str, Any]:
    suite = find_suite("DataIntegrityProof", "ecdsa-rdfc-2019")
    assert suite is not None
    doc = ob3_credential(issuer)
    options = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019",
               "created": "2026-01-01T00:00:00Z", "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    p384 = isinstance(private.curve, ec.SECP384R1)
    proof_hash, doc_hash = suite.hash_data(doc, suite.proof_config(doc, options), ContextStore(),
                                           "sha384" if p384 else "sha256")
    der = private.sign(proof_hash + doc_hash, ec.ECDSA(hashes.SHA384() if p384 else hashes.SHA256()))
    r, s = decode_dss_signature(der)
    size = 48 if p384 else 32
    options["proofValue"] = multibase_encode(r.to_bytes(size, "big") + s.to_bytes(size, "big"))
    return {**doc, "proof": options}


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()], ids=["P-256", "P-384"])
def test_ec_jwk_verification_method(curve: ec.EllipticCurve) -> None:
    private = ec.generate_private_key(curve)
    numbers = private.public_key().public_numbers()
    size = 48 if isinstance(curve, ec.SECP384R1) else 32
    jwk = {"kty": "EC", "crv": "P-384" if size == 48 else "P-256",
           "x": b64(numbers.x.to_bytes(size, "big")), "y": b64(numbers.y.to_bytes(size, "big"))}
    vm = {"id": f"{DID}#ec", "type": "JsonWebKey", "controller": DID, "publicKeyJwk": jwk}
    doc = _ecdsa_signed(private, DID, vm["id"])
    assert verdict(run(doc, did_doc([vm], assertionMethod=[vm["id"]]))) == ("passed", "passed", True)
    other = ec.generate_private_key(curve).public_key().public_numbers()
    wrong = {**vm, "publicKeyJwk": {**jwk, "x": b64(other.x.to_bytes(size, "big")),
                                    "y": b64(other.y.to_bytes(size, "big"))}}
    assert verdict(run(doc, did_doc([wrong], assertionMethod=[vm["id"]])))[0] == "failed"
    bad_curve = {**vm, "publicKeyJwk": {**jwk, "crv": "P-521"}}
    assert verdict(run(doc, did_doc([bad_curve], assertionMethod=[vm["id"]])))[0] == "failed"


def test_ecdsa_proof_with_an_ed25519_key_is_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    doc = _ecdsa_signed(private, DID, f"{DID}#key-1")
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    result = run(doc, did_doc([vm], assertionMethod=[vm["id"]]))
    assert result.check("proof").status == "failed" and "P-256/P-384" in result.check("proof").detail


# --- did:web and other identifiers -----------------------------------------------------------------

@pytest.mark.parametrize("did", ["did:web:victim.example%40evil.example", "did:web:user%40victim.example",
                                 "did:web:victim.example%2Fevil", "did:web:a:b%2Fc", "did:web:a::b"])
def test_did_web_userinfo_and_slashes_refused(did: str) -> None:
    with pytest.raises(KeyUnavailable, match="malformed did:web"):
        did_web_url(did)
    assert document_url(did) is None
    doc = signed(did, f"{did}#key-1")
    result = run(doc, cached("https://evil.example/.well-known/did.json", {"id": did}))
    assert result.check("proof").status == "failed" and "malformed did:web" in result.check("proof").detail


def test_did_web_port_is_decoded() -> None:
    assert did_web_url("did:web:issuer.example%3A8443:u:alice") == "https://issuer.example:8443/u/alice/did.json"
    assert document_url("https://issuer.example/p") == "https://issuer.example/p"
    assert document_url("https://issuer.example/p#k") is None
    assert document_url("urn:uuid:1") is None


def test_did_key_fragment_must_match() -> None:
    did, vm = did_key_of(SEED)
    assert resolve(vm, EmptyMaterial()).bound_controller == did
    other = ed25519_multikey(bytes(nacl.signing.SigningKey(bytes(32)).verify_key))
    with pytest.raises(KeyUnavailable, match="does not match"):
        resolve(f"{did}#{other}", EmptyMaterial())
    assert resolve(did, EmptyMaterial()).ed25519 == PUB  # no fragment: the key itself


@pytest.mark.parametrize(("vm", "reason"), [
    (None, "no verificationMethod"), ("", "no verificationMethod"), ("x" * 2049, "too long"),
    ("did:example:123#k", "did:example is not supported"), ("key-1", "not a URI"),
    ("ftp://issuer.example/k", "ftp: is not supported"), ("urn:uuid:1", "is not supported"),
])
def test_unusable_verification_methods(vm: Any, reason: str) -> None:
    with pytest.raises(KeyUnavailable, match=reason):
        resolve(vm, EmptyMaterial())


def test_urn_fragment_key_is_never_bound() -> None:
    key = resolve(f"urn:uuid:1#{MB}", EmptyMaterial())
    assert key.ed25519 == PUB and key.bound_controller is None


# --- presentations ------------------------------------------------------------------------------

def _vp(holder: str | None, vm: str, purpose: str = "authentication") -> dict[str, Any]:
    body: dict[str, Any] = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                            "type": ["VerifiablePresentation"]}
    if holder is not None:
        body["holder"] = holder
    return sign_data_integrity(body, seed=SEED, verification_method=vm, proof_purpose=purpose,
                               created=FETCHED)


@pytest.mark.parametrize(("listed_for", "expected"), [
    ("authentication", ("passed", "passed", True)),
    ("assertionMethod", ("passed", "failed", False)),
])
def test_vp_holder_key_must_be_listed_for_authentication(listed_for: str,
                                                         expected: tuple[str, str, bool]) -> None:
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    result = run(_vp(DID, vm["id"]), did_doc([vm], **{listed_for: [vm["id"]]}))
    assert verdict(result) == expected


def test_vp_signed_for_assertion_is_refused() -> None:
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    result = run(_vp(DID, vm["id"], purpose="assertionMethod"),
                 did_doc([vm], authentication=[vm["id"]], assertionMethod=[vm["id"]]))
    assert result.check("proof").status == "failed" and "expected 'authentication'" in result.check(
        "proof").detail


def test_signed_vp_without_holder_is_not_bound() -> None:
    _, vm = did_key_of(SEED)
    result = run(_vp(None, vm))
    assert verdict(result) == ("passed", "failed", False)
    assert "names no holder" in result.check("key_binding").detail
    did, _ = did_key_of(SEED)
    assert verdict(run(_vp(did, vm))) == ("passed", "passed", True)


# --- verification method shapes, unit by unit ---------------------------------------------------

def _resolved(vm: dict[str, Any], relationship: str = "assertionMethod", **doc: Any) -> Any:
    body = {"id": DID, "verificationMethod": [vm], relationship: [vm["id"]], **doc}
    return resolve(vm["id"], DictMaterial({DID_URL: cached(DID_URL, body)}))


def test_key_from_vm_object_fields() -> None:
    from credwallet.verify.keys import key_from_vm_object

    key = key_from_vm_object({"controller": "did:example:c", "publicKeyMultibase": MB}, "did:example:c#k")
    assert (key.vm_id, key.controller, key.ed25519) == ("did:example:c#k", "did:example:c", PUB)
    assert key_from_vm_object({"controller": 5, "publicKeyMultibase": MB}, "x").controller is None
    with pytest.raises(KeyUnavailable, match="no supported public key property"):
        key_from_vm_object({"id": "x"}, "x")


def test_base58_and_pem_methods() -> None:
    import base58

    b58 = {"id": f"{DID}#b58", "type": "Ed25519VerificationKey2018", "controller": DID,
           "publicKeyBase58": base58.b58encode(PUB).decode()}
    key = _resolved(b58)
    assert key.ed25519 == PUB and key.bound_controller == DID
    assert key.as_of == "2026-01-01T00:00:00Z"
    doc = signed(DID, b58["id"])
    assert verdict(run(doc, did_doc([b58], assertionMethod=[b58["id"]]))) == ("passed", "passed", True)
    with pytest.raises(KeyUnavailable, match="not 32 bytes"):
        _resolved({**b58, "publicKeyBase58": "1" * 100})
    with pytest.raises(KeyUnavailable, match="not 32 bytes"):
        _resolved({**b58, "publicKeyBase58": base58.b58encode(PUB[:31]).decode()})
    pem = {"id": f"{DID}#pem", "type": "CryptographicKey", "controller": DID,
           "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}
    key = _resolved(pem)
    assert key.pem == pem["publicKeyPem"] and key.ed25519 is None and key.ec is None


def test_jwk_fields_and_curves() -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(PUB)}
    key = _resolved({"id": f"{DID}#j", "controller": DID, "publicKeyJwk": jwk})
    assert key.jwk == jwk and key.ed25519 == PUB
    x25519 = _resolved({"id": f"{DID}#j", "controller": DID,
                        "publicKeyJwk": {"kty": "OKP", "crv": "X25519", "x": b64(PUB)}})
    assert x25519.ed25519 is None  # not a signing key
    numbers = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    for broken in ({"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big"))},
                   {"kty": "EC", "crv": "P-256", "y": b64(numbers.y.to_bytes(32, "big"))},
                   {"kty": "EC", "crv": "P-256", "x": "A" * 3000, "y": "A"}):
        with pytest.raises(KeyUnavailable):
            _resolved({"id": f"{DID}#j", "controller": DID, "publicKeyJwk": broken})


@pytest.mark.parametrize("relationship", ["authentication", "publicKey", "capabilityInvocation",
                                          "capabilityDelegation", "assertionMethod"])
def test_method_defined_under_any_relationship_is_found(relationship: str) -> None:
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID, "publicKeyMultibase": MB}
    body: dict[str, Any] = {"id": DID, relationship: [vm]}
    if relationship != "assertionMethod":
        body["assertionMethod"] = [vm["id"]]
    key = resolve(vm["id"], DictMaterial({DID_URL: cached(DID_URL, body)}))  # default purpose
    assert key.ed25519 == PUB and key.bound_controller == DID


def test_document_top_level_key_is_not_the_listed_method() -> None:
    """A controller document with key properties of its own is not every method it lists."""
    other = ed25519_multikey(bytes(nacl.signing.SigningKey(bytes(32)).verify_key))
    vm = {"id": f"{PROFILE}#key-1", "type": "Multikey", "controller": PROFILE, "publicKeyMultibase": MB}
    profile = cached(PROFILE, {"id": PROFILE, "publicKeyMultibase": other, "assertionMethod": [vm]})
    assert verdict(run(signed(PROFILE, vm["id"]), profile)) == ("passed", "passed", True)


def test_empty_controller_means_the_document() -> None:
    vm = {"id": f"{DID}#key-1", "type": "Multikey", "controller": "", "publicKeyMultibase": MB}
    assert _resolved(vm).bound_controller == DID


def test_fragment_key_fields() -> None:
    key = resolve(f"https://issuer.example/p#{MB}", EmptyMaterial())
    assert (key.vm_id, key.controller, key.bound_controller) == (f"https://issuer.example/p#{MB}",
                                                                 "https://issuer.example/p", None)
    assert key.how == "key taken from the verification method's URL fragment"
    assert "was not cached at import" in key.notes[0]
    with pytest.raises(KeyUnavailable, match="was not cached"):
        resolve("https://issuer.example/p", EmptyMaterial())


@pytest.mark.parametrize("did", ["did:web", "did:webx:a", "dud:web:a", "did:web:a:.", "did:web:a:b:"])
def test_malformed_did_web_forms(did: str) -> None:
    with pytest.raises(KeyUnavailable, match="malformed did:web"):
        did_web_url(did)


def test_binding_detail_roles() -> None:
    from credwallet.verify.keys import ResolvedKey, binding_detail

    key = ResolvedKey(vm_id="v", bound_controller="did:example:a", how="h")
    assert binding_detail(key, None) == (
        False, "the credential names no issuer; the key cannot be bound to one")
    assert binding_detail(key, "did:example:a")[0] is True
    assert binding_detail(key, "did:example:b", "holder") == (
        False, "key v is controlled by did:example:a, not by the holder did:example:b")
    unbound = ResolvedKey(vm_id="v", notes=["n1", "n2"])
    assert binding_detail(unbound, "did:example:a") == (False, "key v is not bound to the issuer: n1; n2")
