"""End to end: forged, impersonated and laundered credentials never read as verified.

One real HTTP server on loopback plays two parties. The victim issuer lives at
http://127.0.0.1:PORT/victim/... (did:web:127.0.0.1%3APORT:victim); the attacker at
http://localhost:PORT/attacker/... (another origin by name, and its own did:web). The attacker
serves documents that *claim* to be the victim's. Each attack is imported through the real command
tree, in-process (which fetches what it needs from the site), then `verify --all` must refuse it
for the reason the rule gives; the genuine credentials of the same issuer still verify
(controls).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import OKPKey, RSAKey

from credwallet.didkey import did_key_from_public, ed25519_multikey
from credwallet.verify import sign_data_integrity
from tests.conftest import run_inproc
from tests.issuer_site import OB2, OB3, VC2, IssuerSite, status_list

V_SEED = bytes(range(1, 33))
A_SEED = bytes(range(101, 133))
CRED = "https://www.w3.org/2018/credentials#"


def _pub(seed: bytes) -> bytes:
    return bytes(nacl.signing.SigningKey(seed).verify_key)


def _okp(seed: bytes) -> OKPKey:
    import base64

    sk = nacl.signing.SigningKey(seed)
    b = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b(bytes(sk.verify_key)),
                              "d": b(bytes(sk))})


def _sign(doc: dict[str, Any], seed: bytes, vm: str) -> dict[str, Any]:
    return sign_data_integrity(doc, seed=seed, verification_method=vm, proof_purpose="assertionMethod",
                               created=datetime(2025, 1, 1, tzinfo=UTC))


def _controller_doc(ident: str, vm: str, seed: bytes, *, claimed_id: str | None = None,
                    controller: str | None = None) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": claimed_id or ident,
            "verificationMethod": [{"id": vm, "type": "Multikey",
                                    "controller": controller or claimed_id or ident,
                                    "publicKeyMultibase": ed25519_multikey(_pub(seed))}],
            "assertionMethod": [vm]}


def _credential(issuer: str, n: str, *, status: tuple[str, int] | None = None,
                **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2, OB3], "id": f"urn:uuid:5ec0e17e-0000-4000-8000-0000000000{n}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Victim University"},
        "validFrom": "2025-01-01T00:00:00Z", "name": f"Degree {n}",
        "credentialSubject": {
            "type": ["AchievementSubject"], "id": "did:example:learner",
            "achievement": {"id": f"https://victim.example/achievements/{n}", "type": ["Achievement"],
                            "name": f"Achievement {n}", "description": "Studied.",
                            "criteria": {"narrative": "Pass the exam."}}}}
    if status is not None:
        url, index = status
        doc["credentialStatus"] = {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
                                   "statusPurpose": "revocation", "statusListIndex": str(index),
                                   "statusListCredential": url}
    doc.update(extra)
    return doc


class World:
    """The victim's genuine site and the attacker's, on one loopback server."""

    def __init__(self, site: IssuerSite) -> None:
        self.site = site
        port = site.port
        self.v = f"http://127.0.0.1:{port}"
        self.a = f"http://localhost:{port}"
        # Victim: did:web, an http(s)-identified issuer, a status list, OB 2.0 hosted and signed.
        self.v_did = f"did:web:127.0.0.1%3A{port}:victim"
        self.v_vm = self.v_did + "#key-1"
        site.json("/victim/did.json", _controller_doc(self.v_did, self.v_vm, V_SEED))
        self.v_url_issuer = f"{self.v}/victim/issuer"
        self.v_url_vm = self.v_url_issuer + "#key-1"
        site.json("/victim/issuer", _controller_doc(self.v_url_issuer, self.v_url_vm, V_SEED))
        self.v_didkey = did_key_from_public(_pub(V_SEED))
        self.status = f"{self.v}/victim/status"
        site.json("/victim/status", _sign({
            "@context": [VC2], "id": self.status,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": self.v_did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": self.status + "#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": status_list({7})}},
            V_SEED, self.v_vm))
        self.genuine = _sign(_credential(self.v_did, "01", status=(self.status, 3)), V_SEED, self.v_vm)
        self.revoked = _sign(_credential(self.v_did, "02", status=(self.status, 7)), V_SEED, self.v_vm)
        self.expired = _sign(_credential(self.v_did, "03", status=(self.status, 4),
                                         validUntil="2025-06-01T00:00:00Z"), V_SEED, self.v_vm)
        self.genuine_url_issuer = _sign(_credential(self.v_url_issuer, "04"), V_SEED, self.v_url_vm)
        for name in ("genuine", "revoked", "expired", "genuine_url_issuer"):
            site.json(f"/victim/creds/{name}.json", getattr(self, name))

        self.v_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ob2_profile = f"{self.v}/victim/ob2/issuer.json"
        self.ob2_key = f"{self.v}/victim/ob2/key.json"
        site.json("/victim/ob2/key.json", {"@context": OB2, "type": "CryptographicKey", "id": self.ob2_key,
                                           "owner": self.ob2_profile, "publicKeyPem": _pem(self.v_rsa)})
        site.json("/victim/ob2/issuer.json", {
            "@context": OB2, "type": "Issuer", "id": self.ob2_profile, "name": "Victim University",
            "url": self.v, "email": "badges@victim.test", "publicKey": self.ob2_key})
        self.ob2_badge = site.json("/victim/ob2/badge.json", {
            "@context": OB2, "type": "BadgeClass", "id": f"{self.v}/victim/ob2/badge.json",
            "name": "Victim Badge", "description": "Real.", "image": f"{self.v}/victim/img.png",
            "criteria": {"narrative": "Earn it."}, "issuer": self.ob2_profile})
        site.json("/victim/ob2/hosted.json", self.ob2_hosted(f"{self.v}/victim/ob2/hosted.json",
                                                             self.ob2_badge))
        site.raw("/victim/ob2/signed.jws", self.ob2_signed(self.ob2_key, self.ob2_badge, self.v_rsa),
                 "text/plain")

        # The attacker's own key and a controller document that claims to be the victim's.
        self.a_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.a_keys = f"{self.a}/attacker/keys"
        self.a_vm = self.a_keys + "#k1"
        self.a_did = f"did:web:localhost%3A{port}:attacker"

    def ob2_hosted(self, aid: str, badge: Any) -> dict[str, Any]:
        return {"@context": OB2, "type": "Assertion", "id": aid,
                "recipient": {"type": "email", "hashed": False, "identity": "learner@example.com"},
                "badge": badge, "verification": {"type": "hosted"}, "issuedOn": "2024-05-01T00:00:00Z"}

    def ob2_signed(self, creator: str, badge: Any, key: Any) -> bytes:
        payload = {"@context": OB2, "type": "Assertion",
                   "id": "urn:uuid:0b2b2b2b-5ec0-4000-8000-000000000001",
                   "recipient": {"type": "email", "hashed": False, "identity": "learner@example.com"},
                   "badge": badge, "verification": {"type": "SignedBadge", "creator": creator},
                   "issuedOn": "2024-05-01T00:00:00Z"}
        private = RSAKey.import_key(key.private_bytes(serialization.Encoding.PEM,
                                                      serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
        return jws.serialize_compact({"alg": "RS256"}, json.dumps(payload).encode(), private).encode()

    def serve_attacker(self, path: str, body: Any, ctype: str = "application/ld+json") -> str:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.site.raw(path, data, ctype)
        return self.a + path


def _pem(key: Any) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    site = IssuerSite().start()
    try:
        yield World(site)
    finally:
        site.stop()


def _import(*sources: str) -> None:
    res = run_inproc("import", "--keep-invalid", "--json", *sources)
    assert res.code in (0, 1, 5), res
    assert res.code != 70 and "Traceback" not in res.stderr, res


def _verdicts(wallet: Path) -> dict[str, dict[str, Any]]:
    """import source (else name) -> verify result, from `verify --all --json`."""
    res = run_inproc("verify", "--all", "--json")
    assert res.code in (0, 1), res
    listing = {c["id"]: c for c in run_inproc("list", "--json").json()["credentials"]}
    out: dict[str, dict[str, Any]] = {}
    for r in res.json()["results"]:
        cred = listing.get(r["id"], {})
        out[str(r.get("source") or cred.get("name") or r["id"])] = r
    return out


def _check(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["check"] == name)


def _only(wallet: Path, *sources: str) -> dict[str, Any]:
    _import(*sources)
    results = _verdicts(wallet)
    assert len(results) == 1, results.keys()
    return next(iter(results.values()))


# --- controls ------------------------------------------------------------------------------


def test_genuine_credentials_of_the_victim_verify(world: World, wallet_home: Path) -> None:
    _import(f"{world.v}/victim/creds/genuine.json", f"{world.v}/victim/creds/genuine_url_issuer.json",
            f"{world.v}/victim/ob2/hosted.json", f"{world.v}/victim/ob2/signed.jws")
    results = _verdicts(wallet_home)
    assert len(results) == 4
    for key, result in results.items():
        assert result["verified"], (key, [c for c in result["checks"] if c["status"] != "passed"])


def test_genuine_revoked_and_expired_are_refused_as_such(world: World, wallet_home: Path) -> None:
    _import(f"{world.v}/victim/creds/revoked.json", f"{world.v}/victim/creds/expired.json")
    results = _verdicts(wallet_home)
    assert _check(results[f"{world.v}/victim/creds/revoked.json"], "revocation")["status"] == "failed"
    assert _check(results[f"{world.v}/victim/creds/expired.json"], "expiry")["status"] == "failed"


# --- 1. impersonation through a self-declared controller document ------------------------


def _refused_binding(result: dict[str, Any]) -> None:
    """Not verified, and the key was never taken as the issuer's (math may still be fine)."""
    assert not result["verified"], result
    assert _check(result, "key_binding")["status"] != "passed", result
    assert "failed" in (_check(result, "key_binding")["status"], _check(result, "proof")["status"])


@pytest.mark.parametrize("fragment", ["k1", "multikey"])
@pytest.mark.parametrize("target", ["url_issuer", "did_web", "did_key"])
def test_self_declared_controller_document_binds_nothing(world: World, wallet_home: Path,
                                                          target: str, fragment: str) -> None:
    victim = {"url_issuer": world.v_url_issuer, "did_web": world.v_did, "did_key": world.v_didkey}[target]
    frag = ed25519_multikey(_pub(A_SEED)) if fragment == "multikey" else "k1"
    vm = f"{world.a}/attacker/{target}/{fragment}/keys#{frag}"
    # The attacker's document names itself after the victim and lists the attacker's key.
    world.serve_attacker(f"/attacker/{target}/{fragment}/keys",
                         _controller_doc(victim, vm, A_SEED, claimed_id=victim))
    forged = _sign(_credential(victim, "10"), A_SEED, vm)
    url = world.serve_attacker(f"/attacker/{target}/{fragment}/cred.json", forged)
    result = _only(wallet_home, url)
    _refused_binding(result)
    if fragment == "multikey":
        # The signature is mathematically the attacker's: only the binding can refuse it.
        assert _check(result, "proof")["status"] == "passed"
        assert _check(result, "key_binding")["status"] == "failed"


def test_vc_jwt_kid_on_a_self_declared_document_binds_nothing(world: World, wallet_home: Path) -> None:
    world.serve_attacker("/attacker/jwt/keys", _controller_doc(
        world.v_did, f"{world.a}/attacker/jwt/keys#k1", A_SEED, claimed_id=world.v_did))
    cred = _credential(world.v_did, "11")
    payload = {"iss": world.v_did, "jti": cred["id"], "sub": "did:example:learner", "nbf": 1735689600,
               "vc": cred}
    token = jws.serialize_compact({"alg": "EdDSA", "kid": f"{world.a}/attacker/jwt/keys#k1"},
                                  json.dumps(payload).encode(), _okp(A_SEED), algorithms=["EdDSA"])
    url = world.serve_attacker("/attacker/jwt/cred.jwt", token.encode(), "text/plain")
    _refused_binding(_only(wallet_home, url))


def test_attacker_did_web_document_claiming_the_victims_did(world: World, wallet_home: Path) -> None:
    vm = world.a_did + "#k1"
    world.serve_attacker("/attacker/did.json", _controller_doc(world.a_did, vm, A_SEED,
                                                               claimed_id=world.v_did))
    forged = _sign(_credential(world.v_did, "12"), A_SEED, vm)
    _refused_binding(_only(wallet_home, world.serve_attacker("/attacker/didweb-cred.json", forged)))


# --- 2. OB 2.0 signed with a lying issuer profile ----------------------------------------


def test_ob2_signed_embedded_profile_listing_the_attackers_key(world: World, wallet_home: Path) -> None:
    a_key = world.serve_attacker("/attacker/ob2/key.json", {
        "@context": OB2, "type": "CryptographicKey", "id": f"{world.a}/attacker/ob2/key.json",
        "owner": world.ob2_profile, "publicKeyPem": _pem(world.a_rsa)})
    badge = {"@context": OB2, "type": "BadgeClass", "id": f"{world.a}/attacker/ob2/badge",
             "name": "Victim Badge", "description": "Fake.", "image": f"{world.v}/victim/img.png",
             "criteria": {"narrative": "None."},
             "issuer": {"@context": OB2, "type": "Issuer", "id": world.ob2_profile,
                        "name": "Victim University",
                        "url": world.v, "email": "badges@victim.test", "publicKey": a_key}}
    token = world.ob2_signed(a_key, badge, world.a_rsa)
    result = _only(wallet_home, world.serve_attacker("/attacker/ob2/signed.jws", token, "text/plain"))
    assert not result["verified"]
    assert _check(result, "key_binding")["status"] == "failed"


def test_ob2_signed_profile_served_from_another_url(world: World, wallet_home: Path) -> None:
    a_key = f"{world.a}/attacker/ob2b/key.json"
    world.serve_attacker("/attacker/ob2b/key.json", {
        "@context": OB2, "type": "CryptographicKey", "id": a_key, "owner": world.ob2_profile,
        "publicKeyPem": _pem(world.a_rsa)})
    profile = world.serve_attacker("/attacker/ob2b/profile.json", {
        "@context": OB2, "type": "Issuer", "id": world.ob2_profile, "name": "Victim University",
        "url": world.v, "email": "badges@victim.test", "publicKey": a_key})
    badge = world.serve_attacker("/attacker/ob2b/badge.json", {
        "@context": OB2, "type": "BadgeClass", "id": f"{world.a}/attacker/ob2b/badge.json",
        "name": "Victim Badge", "description": "Fake.", "image": f"{world.v}/victim/img.png",
        "criteria": {"narrative": "None."}, "issuer": profile})
    token = world.ob2_signed(a_key, badge, world.a_rsa)
    result = _only(wallet_home, world.serve_attacker("/attacker/ob2b/signed.jws", token, "text/plain"))
    assert not result["verified"]
    assert _check(result, "key_binding")["status"] == "failed"


# --- 3. OB 2.0 hosted on the attacker's origin ---------------------------------------------


def test_ob2_hosted_on_attacker_origin_with_embedded_scope(world: World, wallet_home: Path) -> None:
    aid = f"{world.a}/attacker/ob2/hosted.json"
    badge = {"@context": OB2, "type": "BadgeClass", "id": f"{world.a}/attacker/ob2/hbadge",
             "name": "Victim Badge", "description": "Fake.", "image": f"{world.v}/victim/img.png",
             "criteria": {"narrative": "None."},
             "issuer": {"@context": OB2, "type": "Issuer", "id": world.ob2_profile,
                        "name": "Victim University",
                        "url": world.v, "email": "badges@victim.test",
                        "verification": {"type": "hosted", "allowedOrigins": ["localhost",
                                                                              f"localhost:{world.site.port}"],
                                         "startsWith": [f"{world.a}/attacker/"]}}}
    world.serve_attacker("/attacker/ob2/hosted.json", world.ob2_hosted(aid, badge))
    result = _only(wallet_home, aid)
    assert not result["verified"]
    assert _check(result, "key_binding")["status"] == "failed"


# --- 4. laundering revoked or expired credentials by aliasing terms ------------------------


def _laundered(doc: dict[str, Any], field: str, how: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    value = out.pop(field)
    iri = CRED + field
    if how == "alias":
        definition: dict[str, Any] = {"@id": iri, "@type": "@id"} if field == "credentialStatus" else {
            "@id": iri, "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
        out["@context"] = [*out["@context"], {"renamed": definition}]
        out["renamed"] = value
    elif how == "iri":
        out[iri] = value if field == "credentialStatus" else {
            "@value": value, "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
    else:  # "@nest" moves the property out of sight of a key-name reader
        out["@nest"] = {field: value}
    return out


@pytest.mark.parametrize("how", ["alias", "iri", "nest"])
@pytest.mark.parametrize("which", ["revoked", "expired"])
def test_aliased_gating_field_does_not_launder(world: World, wallet_home: Path, which: str, how: str) -> None:
    original = getattr(world, which)
    field = "credentialStatus" if which == "revoked" else "validUntil"
    # The holder re-publishes the credential with the field renamed: same RDF, same signature.
    url = world.serve_attacker(f"/attacker/laundry/{which}-{how}.json", _laundered(original, field, how))
    result = _only(wallet_home, url)
    assert not result["verified"], result
    assert _check(result, "proof")["status"] == "passed", "the signature must still match (a real attack)"
    assert _check(result, "contexts")["status"] == "failed", result
