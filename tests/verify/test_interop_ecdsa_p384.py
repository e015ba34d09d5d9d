"""ecdsa-rdfc-2019 with P-384 keys: RDFC-1.0 runs with SHA-384 as its hash (vc-di-ecdsa sec. 3.3.2).

The W3C vc-di-ecdsa `employ` P-384 vector (w3c/vc-di-ecdsa@00781de5, TestVectors/
ecdsa-rdfc-2019-p384/employ/, in the agreement corpus) has blank nodes whose labels differ under
SHA-256 and SHA-384 canonicalization, so it verifies only with the specification's hash. A
signer that canonicalized with RDFC's default SHA-256 produced a canonical form of the same
dataset; it is accepted too, and anything else is not.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from tests.verify.vutil import NOW, vector_json

from credwallet.didkey import multibase_decode, multibase_encode
from credwallet.verify import DictMaterial
from credwallet.verify.canon import canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import verify_proofs
from credwallet.verify.suites import find_suite

CORPUS = Path(__file__).resolve().parents[1] / "vectors" / "agreement"
EMPLOY = CORPUS / "vc-di-ecdsa" / "ecdsa-rdfc-2019-p384" / "employ"


def _signed() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EMPLOY / "signedECDSAP384.json").read_text())
    return doc


def _outcome(doc: dict[str, Any]) -> str:
    report = verify_proofs(doc, material=DictMaterial({}), store=ContextStore(), now=NOW)
    (out,) = report.outcomes
    return out.outcome


def test_sha384_canonical_form_is_the_specifications() -> None:
    unsecured = {k: v for k, v in _signed().items() if k != "proof"}
    store = ContextStore()
    expected = (EMPLOY / "canonDocECDSAP384.txt").read_text()
    assert canonicalize(unsecured, store, hash_name="sha384") == expected
    # The labels differ under SHA-256: this vector tells the two hashes apart.
    assert canonicalize(unsecured, store) != expected


def test_p384_employ_vector_verifies_and_a_change_does_not() -> None:
    assert _outcome(_signed()) == "valid"
    changed = _signed()
    changed["credentialSubject"]["givenName"] = "JANE"
    assert _outcome(changed) == "invalid"


def _sign_sha256_canon(unsecured: dict[str, Any], proof: dict[str, Any]) -> str:
    """Sign as a signer that canonicalizes with RDFC's default hash (SHA-256) would."""
    pair = vector_json("w3c-vc-di-ecdsa/TestVectors/p384KeyPair.json")
    secret = multibase_decode(pair["secretKeyMultibase"])[-48:]  # after the 2-byte multicodec
    key = ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP384R1())
    suite = find_suite("DataIntegrityProof", "ecdsa-rdfc-2019")
    assert suite is not None
    config = suite.proof_config(unsecured, proof)
    proof_hash, doc_hash = suite.hash_data(unsecured, config, ContextStore(), "sha384", suite.transform)
    r, s = decode_dss_signature(key.sign(proof_hash + doc_hash, ec.ECDSA(hashes.SHA384())))
    return multibase_encode(r.to_bytes(48, "big") + s.to_bytes(48, "big"))


def test_p384_signed_over_sha256_canonical_form_is_accepted() -> None:
    signed = _signed()
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    proof = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    value = _sign_sha256_canon(unsecured, proof)
    resigned = {**copy.deepcopy(unsecured), "proof": {**proof, "proofValue": value}}
    assert _outcome(resigned) == "valid"
    resigned["credentialSubject"]["givenName"] = "JANE"
    assert _outcome(resigned) == "invalid"
