"""Issue #13 item 3: StatusList2021 as DCC issued it (VCDM 1.1, Ed25519Signature2020),
RevocationList2020, status list credentials secured as VC-JWT, and suspension.

Every list and credential here is really signed (our own signer for Data Integrity, joserfc for
JWS), so the verdict rests only on the status logic under test.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey
from tests.verify.vutil import FETCHED, NOW, cached, did_key_of

from credwallet.models import StoredCredential
from credwallet.models.view import CredentialView
from credwallet.pathways.held import status_of
from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes

SEED = bytes(range(40, 72))
OTHER = bytes(range(80, 112))
URL = "https://issuer.example/status/2021"
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
SL2021 = "https://w3id.org/vc/status-list/2021/v1"
RL2020 = "https://w3id.org/vc-revocation-list-2020/v1"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def encoded(set_bits: set[int], *, multibase: bool = False, nbits: int = 16 * 1024 * 8) -> str:
    bits = bytearray(nbits // 8)
    for i in set_bits:
        bits[i // 8] |= 0x80 >> (i % 8)
    text = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
    return "u" + text if multibase else text


def di_sign(doc: dict[str, Any], seed: bytes = SEED, suite: str = "Ed25519Signature2020") -> dict[str, Any]:
    _, vm = did_key_of(seed)
    return sign_data_integrity(doc, seed=seed, verification_method=vm, proof_purpose="assertionMethod",
                               created=FETCHED, cryptosuite=suite)


def dcc_credential(entry: dict[str, Any], seed: bytes = SEED, *,
                   extra_context: str = SL2021) -> dict[str, Any]:
    """An OB 3.0 credential shaped like the DCC issued them in 2022-23 (VCDM 1.1, OB 3.0.1
    context, the status method's context, Ed25519Signature2020)."""
    did, _ = did_key_of(seed)
    doc = {
        "@context": [VC1, OB3, extra_context, ED2020],
        "id": "urn:uuid:5a1e0c2d-0000-4000-8000-00000000d2c1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": "Profile", "name": "DCC Test Issuer"},
        "issuanceDate": "2023-03-01T00:00:00Z",
        "name": "Mock Degree",
        "credentialSubject": {
            "type": ["AchievementSubject"], "name": "Taylor Tuna",
            "achievement": {"id": "urn:uuid:951b475e-b795-43bc-ba8f-a2d01efd2eb1",
                            "type": ["Achievement"], "name": "Mock Degree",
                            "description": "A mock degree.", "criteria": {"narrative": "Study."}},
        },
        "credentialStatus": entry,
    }
    return di_sign(doc, seed)


def sl2021_entry(index: int, purpose: str = "revocation", url: str = URL) -> dict[str, Any]:
    return {"id": f"{url}#{index}", "type": "StatusList2021Entry", "statusPurpose": purpose,
            "statusListIndex": str(index), "statusListCredential": url}


def sl2021_list(set_bits: set[int], purpose: str = "revocation", seed: bytes = SEED) -> dict[str, Any]:
    did, _ = did_key_of(seed)
    return di_sign({
        "@context": [VC1, SL2021, ED2020], "id": URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": did, "issuanceDate": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": URL + "#list", "type": "StatusList2021",
                              "statusPurpose": purpose, "encodedList": encoded(set_bits)}}, seed)


def run(doc: dict[str, Any], *docs: Any) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=DictMaterial({d.url: d for d in docs}))


# --- StatusList2021 as the DCC issued it ----------------------------------------------------


def test_dcc_status_list_2021_end_to_end() -> None:
    lst = cached(URL, sl2021_list({6}), kind="status_list")
    fine = run(dcc_credential(sl2021_entry(7)), lst)
    assert fine.verified, fine.checks
    rev = fine.check("revocation")
    assert rev.status == "passed" and "index 7 clear" in rev.detail, rev
    assert fine.check("contexts").status == "passed"
    revoked = run(dcc_credential(sl2021_entry(6)), lst)
    assert revoked.check("revocation").status == "failed"
    assert revoked.check("revocation").detail.startswith("revoked: bit 6")


# --- RevocationList2020 ---------------------------------------------------------------------

RL_URL = "https://issuer.example/revocation/2020"


def rl2020_entry(index: Any, url: str = RL_URL) -> dict[str, Any]:
    return {"id": f"{url}#{index}", "type": "RevocationList2020Status",
            "revocationListIndex": index, "revocationListCredential": url}


def rl2020_list(set_bits: set[int], seed: bytes = SEED) -> dict[str, Any]:
    did, _ = did_key_of(seed)
    return di_sign({
        "@context": [VC1, RL2020, ED2020], "id": RL_URL,
        "type": ["VerifiableCredential", "RevocationList2020Credential"],
        "issuer": did, "issuanceDate": "2021-01-01T00:00:00Z",
        "credentialSubject": {"id": RL_URL + "#list", "type": "RevocationList2020",
                              "encodedList": encoded(set_bits)}}, seed)


def test_revocation_list_2020() -> None:
    lst = cached(RL_URL, rl2020_list({9}), kind="status_list")
    revoked = run(dcc_credential(rl2020_entry("9"), extra_context=RL2020), lst)
    rev = revoked.check("revocation")
    assert rev.status == "failed" and rev.detail.startswith("revoked: bit 9"), rev
    assert not revoked.verified
    fine = run(dcc_credential(rl2020_entry("10"), extra_context=RL2020), lst)
    assert fine.verified, fine.checks
    assert "index 10 clear" in fine.check("revocation").detail
    # Not cached: a warning naming the URL, never "not revoked".
    missing = run(dcc_credential(rl2020_entry("10"), extra_context=RL2020))
    assert missing.check("revocation").status == "warning"
    assert RL_URL in missing.check("revocation").detail


def test_revocation_list_2020_rules() -> None:
    cred = dcc_credential(rl2020_entry("10"), extra_context=RL2020)
    # Someone else's list: a clear bit proves nothing; a set bit still counts.
    theirs = cached(RL_URL, rl2020_list({9}, seed=OTHER))
    assert run(cred, theirs).check("revocation").status == "warning"
    assert run(dcc_credential(rl2020_entry("9"), extra_context=RL2020), theirs).check(
        "revocation").status == "failed"
    # A tampered list does not verify.
    tampered = rl2020_list({10})
    tampered["credentialSubject"]["encodedList"] = encoded(set())
    check = run(dcc_credential(rl2020_entry("10"), extra_context=RL2020), cached(RL_URL, tampered)).check(
        "revocation")
    assert check.status == "failed" and "does not verify" in check.detail
    # A list of another kind answers nothing.
    other_kind = cached(RL_URL, sl2021_list(set()))
    check = run(cred, other_kind).check("revocation")
    assert check.status == "failed" and "is not a RevocationList2020" in check.detail
    # The index field is RevocationList2020's own.
    bad = run(dcc_credential(rl2020_entry("-1"), extra_context=RL2020), cached(RL_URL, rl2020_list(set())))
    assert bad.check("revocation").status == "failed"
    assert "revocationListIndex" in bad.check("revocation").detail


# --- status lists secured as VC-JWT ---------------------------------------------------------

JWT_URL = "https://issuer.example/status/jwt"


def okp(seed: bytes) -> OKPKey:
    import nacl.signing

    sk = nacl.signing.SigningKey(seed)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64(bytes(sk.verify_key)),
                              "d": b64(bytes(sk))})


def jwt_list(set_bits: set[int], *, seed: bytes = SEED, iss_seed: bytes | None = None,
             purpose: str = "revocation", vcdm1: bool = False) -> str:
    """A BitstringStatusListCredential as a VC-JWT (VCDM 2.0 JOSE, or VCDM 1.1 `vc` claim)."""
    iss, _ = did_key_of(iss_seed or seed)
    _, vm = did_key_of(seed)
    subject = {"id": JWT_URL + "#list", "type": "BitstringStatusList", "statusPurpose": purpose,
               "encodedList": encoded(set_bits, multibase=True)}
    if vcdm1:
        cred = {"@context": [VC1, SL2021], "type": ["VerifiableCredential", "StatusList2021Credential"],
                "credentialSubject": {**subject, "type": "StatusList2021",
                                      "encodedList": encoded(set_bits)}}
        payload: dict[str, Any] = {"iss": iss, "jti": JWT_URL, "nbf": 1735689600, "vc": cred}
        header = {"alg": "EdDSA", "kid": vm, "typ": "JWT"}
    else:
        payload = {"@context": [VC2], "id": JWT_URL,
                   "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                   "issuer": iss, "validFrom": "2025-01-01T00:00:00Z", "credentialSubject": subject}
        header = {"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}
    return jws.serialize_compact(header, json.dumps(payload).encode(), okp(seed), algorithms=["EdDSA"])


def bitstring_credential(index: int, purpose: str = "revocation", url: str = JWT_URL,
                         entry_type: str = "BitstringStatusListEntry") -> dict[str, Any]:
    did, _ = did_key_of(SEED)
    contexts = [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    doc = {"@context": contexts + ([SL2021] if entry_type == "StatusList2021Entry" else []),
           "id": "urn:uuid:5a1e0c2d-0000-4000-8000-00000000d2c2",
           "type": ["VerifiableCredential", "OpenBadgeCredential"],
           "issuer": {"id": did, "type": ["Profile"], "name": "JWT List Issuer"},
           "validFrom": "2025-01-01T00:00:00Z", "name": "Badge",
           "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner",
                                 "achievement": {"id": "https://issuer.example/a", "type": ["Achievement"],
                                                 "name": "A", "description": "A.",
                                                 "criteria": {"narrative": "A."}}},
           "credentialStatus": {"id": f"{url}#{index}", "type": entry_type, "statusPurpose": purpose,
                                "statusListIndex": str(index), "statusListCredential": url}}
    return di_sign(doc, SEED, "eddsa-rdfc-2022")


def jwt_cached(token: str) -> Any:
    doc = cached(JWT_URL, token.encode(), kind="status_list")
    return doc.model_copy(update={"media_type": "application/vc+jwt"})


@pytest.mark.parametrize("vcdm1", [False, True])
def test_vc_jwt_status_list(vcdm1: bool) -> None:
    lst = jwt_cached(jwt_list({5}, vcdm1=vcdm1))
    kind = "StatusList2021Entry" if vcdm1 else "BitstringStatusListEntry"
    fine = run(bitstring_credential(4, entry_type=kind), lst)
    assert fine.verified, fine.checks
    assert fine.check("revocation").status == "passed", fine.check("revocation")
    revoked = run(bitstring_credential(5, entry_type=kind), lst)
    assert revoked.check("revocation").status == "failed"
    assert revoked.check("revocation").detail.startswith("revoked: bit 5")


def test_vc_jwt_status_list_must_verify() -> None:
    token = jwt_list({5})
    head, payload, sig = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["credentialSubject"]["encodedList"] = encoded(set(), multibase=True)  # "un-revoke"
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    check = run(bitstring_credential(5), jwt_cached(f"{head}.{body}.{sig}")).check("revocation")
    assert check.status == "failed" and "does not verify" in check.detail, check
    # Not a JWT, not JSON: still refused.
    check = run(bitstring_credential(5), jwt_cached("not.a.jwt!")).check("revocation")
    assert check.status == "failed"


def test_vc_jwt_status_list_key_binding() -> None:
    # Signed by another did:key's key while claiming our issuer: the kid is not bound to the
    # list's issuer, so a clear bit is only a warning (a set bit still counts).
    unbound = jwt_cached(jwt_list({5}, seed=OTHER, iss_seed=SEED))
    clear = run(bitstring_credential(4), unbound).check("revocation")
    assert clear.status == "warning" and "not bound" in clear.detail, clear
    assert run(bitstring_credential(5), unbound).check("revocation").status == "failed"
    # A list issued (and bound) by someone else: a clear bit proves nothing.
    theirs = jwt_cached(jwt_list({5}, seed=OTHER))
    check = run(bitstring_credential(4), theirs).check("revocation")
    assert check.status == "warning" and "not by the credential's issuer" in check.detail, check


# --- suspension ------------------------------------------------------------------------------


def test_suspension_reads_suspended() -> None:
    lst = cached(URL, sl2021_list({6}, purpose="suspension"), kind="status_list")
    result = run(dcc_credential(sl2021_entry(6, "suspension")), lst)
    rev = result.check("revocation")
    assert rev.status == "failed" and rev.detail.startswith("suspended: bit 6"), rev
    stored = StoredCredential.model_construct(verification=result)
    status, reason = status_of(stored.verification, CredentialView.model_construct(expires=None), NOW)
    assert status == "suspended", (status, reason)
    assert reason is not None and reason.startswith("suspended")
    fine = run(dcc_credential(sl2021_entry(7, "suspension")), lst)
    assert fine.check("revocation").status == "passed"
    assert status_of(fine, CredentialView.model_construct(expires=None), NOW)[0] == "verified"


def test_revoked_and_suspended_reads_revoked() -> None:
    from credwallet.models import Check, VerificationResult

    both = "revoked: bit 1 is set in x; suspended: bit 2 is set in y"
    result = VerificationResult.model_construct(
        verified=False, checks=[Check(check="revocation", status="failed", detail=both)])
    assert status_of(result, CredentialView.model_construct(expires=None), NOW)[0] == "revoked"
