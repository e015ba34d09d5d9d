"""Helpers for the verification tests: the copied vector corpus and material built from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # inside the 2025..2040 window the manifest assumes
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


class NetworkUsed(AssertionError):
    pass


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    return data


def material_for(entry: dict[str, Any], kind: str = "asset") -> DictMaterial:
    docs = {url: CachedDocument.make(url, kind, (VECTORS / rel).read_bytes(), FETCHED)
            for url, rel in entry.get("assets", {}).items()}
    return DictMaterial(docs)


def vector(rel: str) -> bytes:
    return (VECTORS / rel).read_bytes()


def vector_json(rel: str) -> Any:
    return json.loads(vector(rel))


# --- fresh credentials signed by our own signer (independent checks use the spec vectors) ---

CRED_CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def did_key_of(seed: bytes) -> tuple[str, str]:
    """(did, verification method id) of an Ed25519 seed."""
    import nacl.signing

    from credwallet.didkey import did_key_from_public, verification_method_id

    did = did_key_from_public(bytes(nacl.signing.SigningKey(seed).verify_key))
    return did, verification_method_id(did)


def ob3_credential(issuer: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": list(CRED_CONTEXTS),
        "id": "urn:uuid:2f1e0a6e-8d7e-4a51-9c1c-5a1b1e4c0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Issuer"},
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
    doc.update(extra)
    return doc


def signed_ob3(seed: bytes, *, cryptosuite: str = "eddsa-rdfc-2022", **extra: Any) -> dict[str, Any]:
    from credwallet.verify import sign_data_integrity

    did, vm = did_key_of(seed)
    return sign_data_integrity(ob3_credential(did, **extra), seed=seed, verification_method=vm,
                               proof_purpose="assertionMethod", created=FETCHED,
                               cryptosuite=cryptosuite)


def cached(url: str, body: bytes | str | dict[str, Any], kind: str = "asset",
           status: int = 200) -> CachedDocument:
    data = body if isinstance(body, bytes) else (
        body.encode() if isinstance(body, str) else json.dumps(body).encode())
    return CachedDocument.make(url, kind, data, FETCHED, http_status=status)
