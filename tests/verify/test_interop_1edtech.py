"""1EdTech's inspector fixtures: where credwallet disagrees, the difference is the issuer's document.

The inspector takes an OB 3.0 issuer's key from the fragment of `<issuer>#<multibase key>` and
never asks the issuer. credwallet verifies the same signature but binds the key only through the
controller document fetched from the issuer's own URL (docs/trust-model.md). These tests pin both
halves, so that the recorded disagreements in the agreement corpus stay what they claim to be.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.models import CachedDocument, VerificationResult
from credwallet.verify import DictMaterial, verify_bytes

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
SIMPLE = VECTORS / "1edtech-inspector" / "ob30" / "simple.json"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


def _verify(raw: bytes, docs: dict[str, Any] | None = None) -> VerificationResult:
    material = DictMaterial(
        {
            url: CachedDocument.make(url, "key", json.dumps(doc).encode(), FETCHED)
            for url, doc in (docs or {}).items()
        }
    )
    return verify_bytes(raw, now=NOW, material=material, source=str(SIMPLE))


def _status(result: VerificationResult, name: str) -> str:
    check = result.check(name)
    assert check is not None, name
    return check.status


def _issuer_document(issuer: str, vm: str, multibase: str, relation: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase}
        ],
        relation: [vm],
    }


def _fixture() -> tuple[bytes, str, str, str]:
    raw = SIMPLE.read_bytes()
    doc = json.loads(raw)
    (proof,) = doc["proof"]  # one proof, in a list
    vm = proof["verificationMethod"]
    issuer, _, multibase = vm.partition("#")
    assert doc["issuer"]["id"] == issuer  # the inspector's shape: <issuer>#<key>
    return raw, issuer, vm, multibase


def test_fragment_key_signs_but_binds_nothing_offline() -> None:
    raw, _, _, _ = _fixture()
    result = _verify(raw)
    assert _status(result, "proof") == "passed"
    assert _status(result, "key_binding") == "failed"
    assert not result.verified


def test_the_issuers_own_document_listing_the_key_binds_it() -> None:
    raw, issuer, vm, multibase = _fixture()
    result = _verify(raw, {issuer: _issuer_document(issuer, vm, multibase, "assertionMethod")})
    assert _status(result, "key_binding") == "passed", result.check("key_binding")
    assert result.verified, [c for c in result.checks if c.status == "failed"]


def test_an_issuer_document_that_does_not_list_the_key_for_assertions_binds_nothing() -> None:
    raw, issuer, vm, multibase = _fixture()
    result = _verify(raw, {issuer: _issuer_document(issuer, vm, multibase, "authentication")})
    assert _status(result, "proof") == "passed"
    assert _status(result, "key_binding") == "failed"
    assert "does not list the key" in (result.check("key_binding") or result.checks[0]).detail
    assert not result.verified
