"""Ed25519Signature2018 (W3C CCG Linked Data Signatures; JFF plugfest badges, MATTR, ACA-Py).

Proof options (the proof without `jws`, with the document's @context) and the document are
canonicalized with URDNA2015 and hashed with SHA-256, proof hash first; the 64 bytes are the
unencoded payload of a detached JWS `{"alg":"EdDSA","b64":false,"crit":["b64"]}`. Keys:
Ed25519VerificationKey2018 (`publicKeyBase58`), Ed25519 Multikey or did:key.
"""

from __future__ import annotations

from credwallet.verify.suites.detached_jws import JwsProofSuite
from credwallet.verify.suites.eddsa_rdfc import rdfc_transform
from credwallet.verify.suites.registry import register

ED25519_SIGNATURE_2018 = register(
    JwsProofSuite(
        name="Ed25519Signature2018",
        proof_type="Ed25519Signature2018",
        cryptosuite=None,
        transform=rdfc_transform,
        value_keys=("jws", "proofValue", "signatureValue"),
        algs=frozenset({"EdDSA"}),
    )
)
