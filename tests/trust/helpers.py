"""Helpers for the trust tests: credentials and endorsements signed by did:key test keys.

Upstream endorsement fixtures come from tests/vectors (a byte copy of shared/vectors, see
tests/vectors/PROVENANCE.md): 1EdTech digital-credentials-public-validator @ 38254719.
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.signing
from joserfc import jws
from joserfc.jwk import OKPKey

from credwallet.didkey import did_key_from_public, verification_method_id
from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial, sign_data_integrity

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 1, 1, tzinfo=UTC)
ISSUER_SEED = bytes(range(32))
ENDORSER_SEED = bytes(range(1, 33))
CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def vector(rel: str) -> bytes:
    return (VECTORS / rel).read_bytes()


def vector_json(rel: str) -> Any:
    return json.loads(vector(rel))


def manifest_entry(rel: str) -> dict[str, Any]:
    data = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    return next(e for e in data["entries"] if e["file"] == rel)


def material_for(entry: dict[str, Any]) -> DictMaterial:
    return DictMaterial({url: CachedDocument.make(url, "asset", (VECTORS / rel).read_bytes(),
                                                  SIGNED_AT)
                         for url, rel in entry.get("assets", {}).items()})


def did_of(seed: bytes) -> tuple[str, str]:
    did = did_key_from_public(bytes(nacl.signing.SigningKey(seed).verify_key))
    return did, verification_method_id(did)


def sign(doc: dict[str, Any], seed: bytes) -> dict[str, Any]:
    _did, vm = did_of(seed)
    return sign_data_integrity(doc, seed=seed, verification_method=vm,
                               proof_purpose="assertionMethod", created=SIGNED_AT)


def credential(issuer: str | None = None, **extra: Any) -> dict[str, Any]:
    did = issuer or did_of(ISSUER_SEED)[0]
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": "urn:uuid:7d6f1c3e-1111-4a51-9c1c-5a1b1e4c0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Test Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in teams.",
                "criteria": {"narrative": "Team project"},
            },
        },
    }
    doc.update(copy.deepcopy(extra))
    return doc


def endorsement(subject_id: str, comment: str = "Good programme",
                seed: bytes = ENDORSER_SEED) -> dict[str, Any]:
    did, _vm = did_of(seed)
    return sign({
        "@context": list(CONTEXTS),
        "id": "urn:uuid:0e6c3f1a-2222-4a51-9c1c-5a1b1e4c0002",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Accrediting Body"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Endorsement",
        "credentialSubject": {"id": subject_id, "type": ["EndorsementSubject"],
                              "endorsementComment": comment},
    }, seed)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vc_jwt(vc: dict[str, Any], seed: bytes) -> str:
    """A VC-JWT (EdDSA, did:key kid) carrying `vc` in its `vc` claim."""
    did, vm = did_of(seed)
    sk = nacl.signing.SigningKey(seed)
    key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": _b64(bytes(sk.verify_key)),
                             "d": _b64(bytes(sk))})
    subject = vc.get("credentialSubject", {})
    payload = {"iss": did, "jti": vc["id"], "sub": subject.get("id"), "nbf": 1735689600,
               "vc": vc}
    return jws.serialize_compact({"alg": "EdDSA", "kid": vm, "typ": "JWT"},
                                 json.dumps(payload).encode(), key, algorithms=["EdDSA"])


def endorsement_jwt(subject_id: str, comment: str, seed: bytes = ENDORSER_SEED) -> str:
    vc = {k: v for k, v in endorsement(subject_id, comment, seed).items() if k != "proof"}
    return vc_jwt(vc, seed)


def raw(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()
