"""The reading rule's fast path never lets a verdict-gating field read differently.

`plainly_bundled` lets documents that use only bundled context URLs and plain bundled
spellings skip the expand-and-compact comparison: nobody but the issuer chose what their keys
mean. Over the whole conformance corpus, the test credentials and hostile variants of them,
whenever the fast path accepts a document, every field that gates the verdict reads the same
by key name as in the trusted reading. (The full reading is stricter about oddities of the
issuer's own making, such as properties of an unknown type; those gate nothing.)
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.reading import _synonyms, plainly_bundled, trusted_reading
from tests.verify.vutil import signed_ob3

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


def _documents() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(VECTORS.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(doc, dict) and "@context" in doc:
            out.append((str(path.relative_to(VECTORS)), doc))
    return out


DOCS = _documents()


def test_the_corpus_is_there() -> None:
    assert len(DOCS) > 20
    assert sum(plainly_bundled(d) for _, d in DOCS) > 5  # the fast path is really used


def _signable(doc: dict[str, Any]) -> bool:
    """Safe mode accepts it: otherwise no proof over it can pass, whatever the keys say."""
    try:
        canonicalize({k: v for k, v in doc.items() if k != "proof"}, ContextStore())
    except CanonError:
        return False
    return True


GATING = ("credentialStatus", "validFrom", "validUntil", "issuanceDate", "expirationDate", "issuer",
          "credentialSubject", "type")
PROOF_GATING = ("expires", "proofPurpose", "verificationMethod", "challenge", "domain", "cryptosuite")


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return [_norm(v) for v in value] if len(value) != 1 else _norm(value[0])
    if isinstance(value, dict):
        if set(value) <= {"id", "@id"} and value:
            return next(iter(value.values()))
        if "@value" in value:
            return value["@value"]
        return {k: _norm(v) for k, v in value.items() if k != "@context"}
    return value


def _ids(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    return [i.get("id") if isinstance(i, dict) else i for i in items]


def _same(a: Any, b: Any, key: str) -> bool:
    if key in ("issuer", "credentialSubject"):  # what gates: who issued, who it is about
        return _ids(a) == _ids(b)
    a, b = _norm(a), _norm(b)
    if key == "type":
        la, lb = (a if isinstance(a, list) else [a]), (b if isinstance(b, list) else [b])
        return len(la) == len(lb) and all(x == y or _synonyms(x, y) for x, y in zip(la, lb, strict=True))
    return bool(a == b)


def _gating_differences(doc: dict[str, Any]) -> list[str]:
    reading = trusted_reading(doc, ContextStore())
    out = [k for k in GATING if not _same(doc.get(k), reading.get(k), k)]
    lit_proofs = doc.get("proof") if isinstance(doc.get("proof"), list) else [doc.get("proof")]
    read_proofs = reading.get("proof") if isinstance(reading.get("proof"), list) else [reading.get("proof")]
    def sig(p: dict[str, Any]) -> Any:
        return p.get("proofValue") or p.get("jws")

    by_value = {sig(p): p for p in read_proofs if isinstance(p, dict) and sig(p)}
    for proof in lit_proofs:
        if isinstance(proof, dict) and sig(proof) in by_value:
            other = by_value[sig(proof)]
            out += [f"proof.{k}" for k in PROOF_GATING if not _same(proof.get(k), other.get(k), k)]
    return out


@pytest.mark.parametrize("name,doc", DOCS, ids=[n for n, _ in DOCS])
def test_fast_path_keeps_every_gating_field_on_the_corpus(name: str, doc: dict[str, Any]) -> None:
    if plainly_bundled(doc) and _signable(doc):
        assert _gating_differences(doc) == [], name


SEED = bytes(range(9, 41))
BASE = signed_ob3(SEED)
KEYS = ["credentialStatus", "validUntil", "name", "criteria", "Criteria", "expires", "expiration",
        "@nest", "uid", "https://www.w3.org/2018/credentials#validUntil", "cred:validUntil", "achievement"]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_fast_path_agrees_with_the_full_reading_on_variants(data: st.DataObject) -> None:
    doc = copy.deepcopy(BASE)
    subject = doc["credentialSubject"]
    target = data.draw(st.sampled_from([doc, subject, subject["achievement"], doc["proof"]]))
    key = data.draw(st.sampled_from(KEYS))
    # Well-typed values only: a value of the wrong shape fails its own check whatever it reads as.
    if key == "credentialStatus":
        choices: list[Any] = [{"id": "urn:x:1", "type": "BitstringStatusListEntry"}]
    elif key in ("validUntil", "expires", "expiration", "https://www.w3.org/2018/credentials#validUntil",
                 "cred:validUntil"):
        choices = ["2030-01-01T00:00:00Z"]
    else:
        choices = ["x", {"id": "urn:x:1"}]
    value = data.draw(st.sampled_from(choices))
    target[key] = value
    if data.draw(st.booleans()):
        doc["@context"] = [*doc["@context"], {"renamed": "https://www.w3.org/2018/credentials#validUntil"}]
    if plainly_bundled(doc) and _signable(doc):
        assert _gating_differences(doc) == [], (key, value)
