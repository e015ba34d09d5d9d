"""Open Badges 1.x verification offline (sockets blocked): provenance of the linked documents,
the origin binding, the algorithm allow-list and missing material, on the 1EdTech validator's
1.0 fixtures (tests/ingest/vectors/ob1) placed at https URLs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.models import CachedDocument, VerificationResult
from credwallet.verify import DictMaterial, verify_bytes

OB1 = Path(__file__).resolve().parents[1] / "ingest" / "vectors" / "ob1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
AT = datetime(2026, 5, 1, tzinfo=UTC)
ISSUER, BADGE, ASSERTION = ("https://a.example/issuer", "https://a.example/badgeclass",
                            "https://a.example/instance")


def vector(name: str) -> dict[str, Any]:
    doc = json.loads((OB1 / f"{name}.json").read_text())
    assert isinstance(doc, dict)
    return doc


def cached(url: str, kind: str, body: Any, status: int = 200) -> CachedDocument:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return CachedDocument.make(url, kind, raw, AT, http_status=status)


def assertion() -> dict[str, Any]:
    doc = vector("1_0_basic_assertion")
    doc["badge"], doc["verify"] = BADGE, {"type": "hosted", "url": ASSERTION}
    return doc


def material(doc: dict[str, Any], **replace: CachedDocument) -> DictMaterial:
    badge = {**vector("1_0_basic_badgeclass"), "issuer": ISSUER}
    docs = {ASSERTION: cached(ASSERTION, "assertion", doc),
            BADGE: cached(BADGE, "badgeclass", badge),
            ISSUER: cached(ISSUER, "issuer", vector("1_0_basic_issuer")), **replace}
    return DictMaterial(docs)


def statuses(result: VerificationResult) -> dict[str, str]:
    return {c.check: c.status for c in result.checks}


def test_validator_fixture_verifies_hosted() -> None:
    doc = assertion()
    result = verify_bytes(json.dumps(doc).encode(), now=NOW, material=material(doc))
    assert result.verified, result.checks
    assert statuses(result)["contexts"] == "skipped"


def test_missing_hosted_copy_is_not_a_pass() -> None:
    doc = assertion()
    badge = {**vector("1_0_basic_badgeclass"), "issuer": ISSUER}
    linked = DictMaterial({BADGE: cached(BADGE, "badgeclass", badge),
                           ISSUER: cached(ISSUER, "issuer", vector("1_0_basic_issuer"))})
    result = verify_bytes(json.dumps(doc).encode(), now=NOW, material=linked)
    got = statuses(result)
    assert got["proof"] == "failed" and got["revocation"] == "warning"
    assert not result.verified


def test_1_1_issuer_naming_itself_otherwise_binds_nothing() -> None:
    doc = assertion()
    liar = {**vector("1_1_basic_issuer"), "id": "https://victim.example/issuer"}
    result = verify_bytes(json.dumps(doc).encode(), now=NOW,
                          material=material(doc, **{ISSUER: cached(ISSUER, "issuer", liar)}))
    got = statuses(result)
    assert got["key_binding"] == "failed"
    binding = result.check("key_binding")
    assert binding is not None and "names itself" in binding.detail


def test_hosted_copy_served_elsewhere_does_not_count() -> None:
    doc = assertion()
    # Cached under the assertion URL but fetched from another one (a redirect elsewhere is
    # recorded as final_url; a document stored under a URL it was not fetched from is not).
    moved = cached("https://mirror.example/instance", "assertion", doc)
    result = verify_bytes(json.dumps(doc).encode(), now=NOW, material=material(doc, **{ASSERTION: moved}))
    assert statuses(result)["proof"] == "failed"


def test_signed_with_another_algorithm_is_refused() -> None:
    doc = vector("1_0_basic_assertion")
    doc["verify"] = {"type": "signed", "url": "https://a.example/key.pem"}

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    for alg in ("HS256", "none", "ES256"):
        token = f"{part({'alg': alg})}.{part(doc)}.c2ln"
        pem = cached("https://a.example/key.pem", "pem_key", b"-----BEGIN PUBLIC KEY-----\nAAAA\n")
        result = verify_bytes(token.encode(), now=NOW, material=DictMaterial({pem.url: pem}))
        proof = result.check("proof")
        assert proof is not None and proof.status == "failed" and "not allowed" in proof.detail


def test_signed_without_the_key_cached_fails_the_proof() -> None:
    doc = vector("1_0_basic_assertion")
    doc["verify"] = {"type": "signed", "url": "https://a.example/key.pem"}

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    result = verify_bytes(f"{part({'alg': 'RS256'})}.{part(doc)}.c2ln".encode(), now=NOW,
                          material=DictMaterial({}))
    proof = result.check("proof")
    assert proof is not None and proof.status == "failed" and "was not cached" in proof.detail
    assert statuses(result)["key_binding"] == "skipped"
