"""Each step of the W3C and 1EdTech spec vectors: N-Quads, hashes, signature, proofValue."""

from __future__ import annotations

import hashlib
from typing import Any

import nacl.signing
import pytest
from tests.verify.vutil import manifest, vector, vector_json

from credwallet.didkey import multibase_decode
from credwallet.verify import sign_data_integrity
from credwallet.verify.contexts import ContextStore, context_urls
from credwallet.verify.dates import parse_datetime
from credwallet.verify.suites import find_suite

ENTRIES = [e for e in manifest()["entries"] if e.get("intermediates")]


def _text(rel: str) -> str:
    return vector(rel).decode("utf-8")


def _seed(key_pair: dict[str, Any]) -> bytes:
    if "privateKeyMultibase" in key_pair:
        raw = multibase_decode(key_pair["privateKeyMultibase"])
        assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
        return raw[2:34]
    return bytes.fromhex(key_pair["privateKeyHex_seed_then_pub"])[:32]


def _public(key_pair: dict[str, Any]) -> bytes:
    raw = multibase_decode(key_pair["publicKeyMultibase"])
    assert raw[:2] == b"\xed\x01"
    return raw[2:]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_intermediates(entry: dict[str, Any]) -> None:
    inter = entry["intermediates"]
    signed = vector_json(entry["file"])
    proof = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    published_unsigned = vector_json(inter["unsigned"])
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    # Ed25519Signature2020 signers append the suite context to the document before signing.
    assert {**unsigned, "@context": published_unsigned["@context"]} == published_unsigned
    assert unsigned["@context"][: len(published_unsigned["@context"])] == published_unsigned[
        "@context"]
    suite = find_suite(proof["type"], proof.get("cryptosuite"))
    assert suite is not None
    store = ContextStore()
    doc_canon = _text(inter["canonical_document"])
    proof_canon = _text(inter["canonical_proof_config"])

    # The proof configuration we derive matches the published one.
    config = suite.proof_config(unsigned, proof)
    published = vector_json(inter["proof_config"])
    assert {k: v for k, v in config.items() if k != "@context"} == {
        k: v for k, v in published.items() if k != "@context"}

    contexts_known = not store.check(context_urls(unsigned))
    if contexts_known:
        assert suite.transform(unsigned, store).decode() == doc_canon
        assert suite.transform(config, store).decode() == proof_canon

    doc_hash = hashlib.sha256(doc_canon.encode()).hexdigest()
    proof_hash = hashlib.sha256(proof_canon.encode()).hexdigest()
    assert doc_hash == _text(inter["document_hash_hex"]).strip()
    assert proof_hash == _text(inter["proof_hash_hex"]).strip()
    combined = _text(inter["combined_hash_hex"]).strip()
    assert combined == proof_hash + doc_hash

    signature = bytes.fromhex(_text(inter["signature_hex"]).strip())
    assert multibase_decode(_text(inter["proof_value_base58btc"]).strip()) == signature
    assert multibase_decode(proof["proofValue"]) == signature
    key_pair = vector_json(inter["key_pair"])
    nacl.signing.VerifyKey(_public(key_pair)).verify(bytes.fromhex(combined), signature)
    # Ed25519 is deterministic: our signer reproduces the published signature byte for byte.
    seed = _seed(key_pair)
    assert nacl.signing.SigningKey(seed).sign(bytes.fromhex(combined)).signature == signature

    if contexts_known:
        resigned = sign_data_integrity(
            unsigned, seed=seed, verification_method=proof["verificationMethod"],
            proof_purpose=proof["proofPurpose"], created=parse_datetime(proof["created"]),
            cryptosuite=proof.get("cryptosuite") or proof["type"])
        mine = resigned["proof"]
        assert mine["proofValue"] == proof["proofValue"]
