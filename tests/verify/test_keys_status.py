"""Key resolution and binding from cached material; status lists and their own proofs."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import nacl.signing
import pytest
from tests.verify.vutil import FETCHED, NOW, cached, ob3_credential

from credwallet.didkey import ed25519_multikey
from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes
from credwallet.verify.keys import KeyUnavailable, did_web_url
from credwallet.verify.status import StatusError, bit_at, decode_bitstring

SEED = bytes(range(32))
PUB = bytes(nacl.signing.SigningKey(SEED).verify_key)
MB = ed25519_multikey(PUB)


def run(doc: dict[str, Any], *docs: Any) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW,
                        material=DictMaterial({d.url: d for d in docs}))


@pytest.mark.parametrize("did,url", [
    ("did:web:example.com", "https://example.com/.well-known/did.json"),
    ("did:web:example.com:issuers:7#key-1", "https://example.com/issuers/7/did.json"),
    ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
])
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:", "did:web:a:..", "did:web:a%2Fb", "did:key:x"])
def test_did_web_url_rejects(did: str) -> None:
    with pytest.raises(KeyUnavailable):
        did_web_url(did)


def _did_web_setup(list_for: str = "assertionMethod", vm_key: bytes = PUB) -> tuple[dict[str, Any],
                                                                                    Any]:
    did = "did:web:issuer.example"
    vm = f"{did}#key-1"
    doc = sign_data_integrity(ob3_credential(did), seed=SEED, verification_method=vm,
                              proof_purpose="assertionMethod", created=FETCHED)
    did_doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": did,
               "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did,
                                       "publicKeyMultibase": ed25519_multikey(vm_key)}],
               list_for: [vm]}
    return doc, cached("https://issuer.example/.well-known/did.json", did_doc, kind="did")


def test_did_web_from_cache_is_bound() -> None:
    doc, did_doc = _did_web_setup()
    result = run(doc, did_doc)
    assert result.verified, result.checks
    assert "did:web https://issuer.example/.well-known/did.json" in result.check("proof").detail


def test_did_web_key_not_listed_for_assertion() -> None:
    doc, did_doc = _did_web_setup(list_for="authentication")
    result = run(doc, did_doc)
    assert result.check("proof").status == "passed"
    binding = result.check("key_binding")
    assert binding.status == "failed" and "assertionMethod" in binding.detail


def test_did_web_document_with_other_key() -> None:
    doc, did_doc = _did_web_setup(vm_key=bytes(nacl.signing.SigningKey(bytes(32)).verify_key))
    assert run(doc, did_doc).check("proof").status == "failed"


def test_did_web_not_cached_is_unbound() -> None:
    doc, _ = _did_web_setup()
    result = run(doc)
    assert result.check("proof").status == "failed"  # "#key-1" is no key by itself
    assert "not cached" in result.check("proof").detail


def test_https_controller_document_binds_key() -> None:
    issuer = "https://issuer.example/profile"
    vm = f"{issuer}#{MB}"
    doc = sign_data_integrity(ob3_credential(issuer), seed=SEED, verification_method=vm,
                              proof_purpose="assertionMethod", created=FETCHED)
    # Fragment key alone: signature checks out, binding does not.
    unbound = run(doc)
    assert unbound.check("proof").status == "passed"
    assert unbound.check("key_binding").status == "failed"
    assert not unbound.verified
    profile = {"@context": ["https://www.w3.org/ns/did/v1"], "id": issuer,
               "assertionMethod": [{"id": vm, "type": "Multikey", "controller": issuer,
                                    "publicKeyMultibase": MB}]}
    bound = run(doc, cached(issuer, profile, kind="issuer"))
    assert bound.verified, bound.checks
    # A profile controlled by someone else does not bind it.
    profile["assertionMethod"][0]["controller"] = "https://evil.example/"
    assert run(doc, cached(issuer, profile)).check("key_binding").status == "failed"


def test_bit_order_is_msb_first() -> None:
    bits = bytes([0b10000000, 0b00000001])
    assert [bit_at(bits, i) for i in (0, 1, 7, 8, 15)] == [1, 0, 0, 0, 1]
    assert bit_at(bytes([0b01100000]), 0, size=2) == 1
    with pytest.raises(StatusError):
        bit_at(bits, 16)


def _encoded(bits: bytearray, multibase: bool = True) -> str:
    text = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
    return ("u" + text) if multibase else text


def test_decompression_bomb_refused() -> None:
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (40 * 1024 * 1024))).decode()
    with pytest.raises(StatusError, match="allowed size"):
        decode_bitstring(bomb)


LIST_URL = "https://issuer.example/status/1"


def _status_list(seed: bytes, set_bits: set[int], *, list2021: bool = False) -> dict[str, Any]:
    from tests.verify.vutil import did_key_of

    did, vm = did_key_of(seed)
    bits = bytearray(16 * 1024)
    for i in set_bits:
        bits[i // 8] |= 0x80 >> (i % 8)
    subject_type = "StatusList2021" if list2021 else "BitstringStatusList"
    lst = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": LIST_URL,
           "type": ["VerifiableCredential", "BitstringStatusListCredential"],
           "issuer": did, "validFrom": "2025-01-01T00:00:00Z",
           "credentialSubject": {"id": LIST_URL + "#list", "type": subject_type,
                                 "statusPurpose": "revocation",
                                 "encodedList": _encoded(bits, not list2021)}}
    if list2021:
        lst["@context"].append("https://www.w3.org/ns/credentials/status/v1")  # type: ignore[attr-defined]
        lst["credentialSubject"]["type"] = "BitstringStatusList"
        lst["credentialSubject"]["encodedList"] = _encoded(bits, False)
    return sign_data_integrity(lst, seed=seed, verification_method=vm,
                               proof_purpose="assertionMethod", created=FETCHED)


def _with_status(index: int) -> dict[str, Any]:
    from tests.verify.vutil import signed_ob3

    entry = {"id": f"{LIST_URL}#{index}", "type": "BitstringStatusListEntry",
             "statusPurpose": "revocation", "statusListIndex": str(index),
             "statusListCredential": LIST_URL}
    return signed_ob3(SEED, credentialStatus=entry)


@pytest.mark.parametrize("list2021", [False, True])
def test_bitstring_status(list2021: bool) -> None:
    lst = cached(LIST_URL, _status_list(SEED, {5}, list2021=list2021), kind="status_list")
    revoked = run(_with_status(5), lst)
    rev = revoked.check("revocation")
    assert rev.status == "failed" and "revoked" in rev.detail and "2026-01-01" in rev.detail
    assert not revoked.verified
    fine = run(_with_status(4), lst)
    assert fine.check("revocation").status == "passed", fine.check("revocation")
    assert "as of 2026-01-01" in fine.check("revocation").detail
    assert fine.verified


def test_tampered_status_list_fails() -> None:
    lst = _status_list(SEED, {5})
    lst["credentialSubject"]["encodedList"] = _encoded(bytearray(16 * 1024))  # "un-revoke"
    result = run(_with_status(5), cached(LIST_URL, lst))
    rev = result.check("revocation")
    assert rev.status == "failed" and "does not verify" in rev.detail


def test_status_list_missing_or_gone_is_a_warning() -> None:
    assert run(_with_status(5)).check("revocation").status == "warning"
    gone = run(_with_status(5), cached(LIST_URL, b"", status=404))
    assert gone.check("revocation").status == "warning"
    assert "HTTP 404" in gone.check("revocation").detail
    assert gone.verified  # a warning is not a failure; the report says it was not checked


def test_profile_without_keys_leaves_fragment_key_unbound() -> None:
    """An issuer profile cached at import that publishes no keys binds nothing."""
    issuer = "https://issuer.example/profile"
    vm = f"{issuer}#{MB}"
    doc = sign_data_integrity(ob3_credential(issuer), seed=SEED, verification_method=vm,
                              proof_purpose="assertionMethod", created=FETCHED)
    profile = {"id": issuer, "type": ["Profile"], "name": "Issuer"}
    result = run(doc, cached(issuer, profile, kind="issuer"))
    assert result.check("proof").status == "passed"
    binding = result.check("key_binding")
    assert binding.status == "failed" and "does not list" in binding.detail


def test_1edtech_revocation_list() -> None:
    from tests.verify.vutil import vector_json

    doc = vector_json("1edtech-inspector/ob30/credential-status-revoked.json")
    url = doc["credentialStatus"]["id"]
    listed = {"revokedCredentials": [{"id": doc["id"], "revocationDate": "2023-01-01"}]}
    result = run(doc, cached(url, listed, kind="revocation_list"))
    assert result.check("revocation").status == "failed"
    assert "revoked" in result.check("revocation").detail
    listed["revokedCredentials"][0]["revoked"] = False  # type: ignore[index]
    assert run(doc, cached(url, listed)).check("revocation").status == "passed"
    assert run(doc, cached(url, {"revokedCredentials": []})).check("revocation").status == "passed"


def test_expired_status_list_only_warns_when_clear() -> None:
    from tests.verify.vutil import did_key_of

    _, vm = did_key_of(SEED)
    lst = _status_list(SEED, {5})
    del lst["proof"]
    lst["validUntil"] = "2025-03-01T00:00:00Z"
    lst = sign_data_integrity(lst, seed=SEED, verification_method=vm,
                              proof_purpose="assertionMethod", created=FETCHED)
    clear = run(_with_status(4), cached(LIST_URL, lst))
    assert clear.check("revocation").status == "warning"
    assert "expired" in clear.check("revocation").detail
    assert run(_with_status(5), cached(LIST_URL, lst)).check("revocation").status == "failed"


def test_context_cached_at_import_is_used_and_pinned() -> None:
    from tests.verify.vutil import did_key_of

    from credwallet.models import CachedDocument

    url = "https://example.org/contexts/custom.jsonld"
    context = {"@context": {"customTerm": "https://example.org/vocab#customTerm"}}
    issuer, vm = did_key_of(SEED)
    cred = ob3_credential(issuer)
    cred["@context"].append(url)
    cred["customTerm"] = "extension value"
    signed = sign_data_integrity(cred, seed=SEED, verification_method=vm,
                                 proof_purpose="assertionMethod", created=FETCHED,
                                 extra_contexts={url: context})
    assert run(signed).check("contexts").status == "failed"  # not cached: never fetched
    good = cached(url, context, kind="context")
    result = run(signed, good)
    assert result.verified, result.checks
    assert "cached at import" in result.check("contexts").detail
    # Only documents cached as contexts count, and only with the digest recorded at import.
    assert run(signed, cached(url, context, kind="asset")).check("contexts").status == "failed"
    tampered = CachedDocument(**{**good.model_dump(), "body": json.dumps(
        {"@context": {"customTerm": "https://evil.example/#x"}})})
    assert run(signed, tampered).check("contexts").status == "failed"
