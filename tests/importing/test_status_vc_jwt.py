"""Issue #13 item 3: a did:web OB 3.0 credential whose BitstringStatusList credential is served
as a VC-JWT (compact JWS, application/vc+jwt) imports: the JWT is cached as the status list,
the list's did:web key is fetched, and the status is read from the verified list."""

from __future__ import annotations

import base64
import json
from typing import Any

import nacl.signing
import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from credwallet.importer import import_all
from tests.importing.test_import_sites import NOW, new_wallet
from tests.issuer_site import VC2, Sites, status_list

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt_list(sites: Sites, url: str, revoked: set[int], *, seed: bytes | None = None,
              did: str | None = None) -> bytes:
    sk = nacl.signing.SigningKey(seed or sites.ob3_seed)
    key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": _b64(bytes(sk.verify_key)),
                             "d": _b64(bytes(sk))})
    payload = {"@context": [VC2], "id": url,
               "type": ["VerifiableCredential", "BitstringStatusListCredential"],
               "issuer": did or sites.ob3_did, "validFrom": "2025-01-01T00:00:00Z",
               "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList",
                                     "statusPurpose": "revocation", "encodedList": status_list(revoked)}}
    header = {"alg": "EdDSA", "kid": (did or sites.ob3_did) + "#key-1", "typ": "vc+jwt"}
    return jws.serialize_compact(header, json.dumps(payload).encode(), key,
                                 algorithms=["EdDSA"]).encode()


def _credential(sites: Sites, list_url: str, index: int, n: int) -> str:
    doc: dict[str, Any] = json.loads(sites.site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc["id"] = f"urn:uuid:0b3b3b3b-0000-4000-8000-0000000013{n:02d}"
    doc["credentialStatus"] = {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
                               "statusPurpose": "revocation", "statusListIndex": str(index),
                               "statusListCredential": list_url}
    return sites.site.json(f"/test/status-jwt-cred-{n}.json", sites.sign_ob3(doc))


def _revocation(item: Any) -> Any:
    assert item.verification is not None, item
    return {c.check: c for c in item.verification.checks}["revocation"]


def test_status_list_served_as_vc_jwt_imports(sites: Sites) -> None:
    list_url = sites.site.raw("/test/status-jwt", _jwt_list(sites, sites.site.url("/test/status-jwt"), {7}),
                              "application/vc+jwt")
    w = new_wallet()
    fine, revoked = import_all(w, [_credential(sites, list_url, 3, 1), _credential(sites, list_url, 7, 2)],
                               now=NOW)
    assert fine.status == "imported", fine
    assert w.cache[list_url].kind == "status_list"
    assert w.cache[list_url].body_bytes().startswith(b"eyJ")
    rev = _revocation(fine)
    assert rev.status == "passed" and "index 3 clear" in rev.detail, rev
    assert fine.verification is not None and fine.verification.verified
    assert not any("status_list" in x and "unusable" in x for x in fine.warnings), fine.warnings
    rev = _revocation(revoked)
    assert rev.status == "failed" and rev.detail.startswith("revoked: bit 7"), rev


def test_vc_jwt_status_list_signed_by_another_key_is_not_trusted(sites: Sites) -> None:
    """The kid names the issuer's did:web key, but another key signed (served as text/plain):
    cached as the status list, and it does not verify."""
    url = sites.site.url("/test/status-jwt-forged")
    sites.site.raw("/test/status-jwt-forged", _jwt_list(sites, url, set(), seed=bytes(32)), "text/plain")
    w = new_wallet()
    [item] = import_all(w, [_credential(sites, url, 3, 3)], now=NOW)
    assert item.status == "imported", item  # kept: a failed status is the learner's record
    assert w.cache[url].kind == "status_list"
    rev = _revocation(item)
    assert rev.status == "failed" and "does not verify" in rev.detail, rev


def test_vc_jwt_status_list_key_of_its_own_issuer_is_fetched(sites: Sites) -> None:
    """A list issued by another did:web: its DID document (named only inside the JWT) is
    fetched, so the list verifies; being someone else's list, a clear bit is only a warning."""
    from credwallet.didkey import ed25519_multikey

    site = sites.site
    seed = bytes(range(100, 132))
    did = f"did:web:127.0.0.1%3A{site.port}:lists"
    site.json("/lists/did.json", {
        "@context": ["https://www.w3.org/ns/did/v1"], "id": did,
        "verificationMethod": [{"id": did + "#key-1", "type": "Multikey", "controller": did,
                                "publicKeyMultibase": ed25519_multikey(
                                    bytes(nacl.signing.SigningKey(seed).verify_key))}],
        "assertionMethod": [did + "#key-1"]}, ctype="application/did+json")
    url = site.url("/test/status-jwt-other")
    token = _jwt_list(sites, url, set(), seed=seed, did=did)
    site.raw("/test/status-jwt-other", token, "application/vc+jwt")
    w = new_wallet()
    [item] = import_all(w, [_credential(sites, url, 3, 4)], now=NOW)
    assert w.cache[f"https://127.0.0.1:{site.port}/lists/did.json"].kind == "did"
    rev = _revocation(item)
    assert rev.status == "warning" and "not by the credential's issuer" in rev.detail, rev
