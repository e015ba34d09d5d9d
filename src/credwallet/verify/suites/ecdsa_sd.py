"""Data Integrity `ecdsa-sd-2023` (W3C vc-di-ecdsa, selective disclosure), derived proofs only.

A holder receives a *base* proof from the issuer and presents a *derived* proof that reveals
some statements. Verification of a derived proof (VC DI ECDSA, "Verify Derived Proof"):

1. The multibase-base64url `proofValue` is the header 0xd9 0x5d 0x01 then a CBOR array of
   baseSignature, ephemeral publicKey (P-256 multikey bytes), signatures, compressed label
   map (integer n -> HMAC label bytes) and mandatoryIndexes.
2. The revealed document is canonicalized (URDNA2015); each canonical blank node label
   `c14nN` is replaced by `u` + base64url(label map[N]); the N-Quads are sorted again.
3. The quads at mandatoryIndexes are hashed together (mandatoryHash); the issuer's key must
   have signed SHA-256(canonical proof configuration) || publicKey || mandatoryHash, and the
   ephemeral key must have signed each other quad, one signature per quad, in order.

Base proofs (header 0xd9 0x5d 0x00) carry the issuer's HMAC key and are meant for the holder
only: they fail closed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

from credwallet.didkey import multibase_encode
from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.keys import ResolvedKey
from credwallet.verify.suites.registry import DataIntegritySuite, SuiteError, register

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
MAX_PROOF_VALUE = 1024 * 1024
MAX_ITEMS = 10_000  # CBOR array / map entries (one signature per revealed quad)
_P256_MULTIKEY = b"\x80\x24"
_P384_MULTIKEY = b"\x81\x24"


@dataclass(frozen=True)
class DerivedProof:
    base_signature: bytes
    public_key: bytes  # multikey bytes: multicodec prefix + compressed point
    signatures: list[bytes]
    label_map: dict[str, str]  # "c14nN" -> "u<base64url>"
    mandatory_indexes: list[int]


# --- a minimal, strict CBOR reader (RFC 8949): unsigned ints, byte strings, arrays, maps ---


class _Cbor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise SuiteError("proofValue CBOR is truncated")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def _head(self) -> tuple[int, int]:
        first = self._take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info
        if info in (24, 25, 26, 27):
            return major, int.from_bytes(self._take(1 << (info - 24)), "big")
        raise SuiteError("proofValue CBOR uses an unsupported encoding (indefinite length?)")

    def item(self, depth: int = 0) -> Any:
        if depth > 4:
            raise SuiteError("proofValue CBOR is nested too deeply")
        major, arg = self._head()
        if major == 0:
            return arg
        if major == 2:
            return self._take(arg)
        if major in (4, 5):
            if arg > MAX_ITEMS:
                raise SuiteError("proofValue CBOR has too many entries")
            if major == 4:
                return [self.item(depth + 1) for _ in range(arg)]
            out: dict[Any, Any] = {}
            for _ in range(arg):
                k = self.item(depth + 1)
                if not isinstance(k, int) or k in out:
                    raise SuiteError("proofValue label map keys must be distinct integers")
                out[k] = self.item(depth + 1)
            return out
        raise SuiteError(f"proofValue CBOR has an unexpected item (major type {major})")


def _b64url_nopad(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def parse_derived_proof_value(value: Any) -> DerivedProof:
    if not isinstance(value, str) or not value.startswith("u"):
        raise SuiteError("ecdsa-sd-2023 proofValue is not multibase base64url ('u...')")
    if len(value) > MAX_PROOF_VALUE:
        raise SuiteError("proofValue is too large")
    text = value[1:]
    if not set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise SuiteError("ecdsa-sd-2023 proofValue is not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SuiteError("ecdsa-sd-2023 proofValue is not base64url") from exc
    if raw[:3] == BASE_HEADER:
        raise SuiteError(
            "this is an ecdsa-sd-2023 base proof, which the issuer gives the holder to derive "
            "disclosures from; only derived proofs can be verified"
        )
    if raw[:3] != DERIVED_HEADER:
        raise SuiteError("ecdsa-sd-2023 proofValue has neither the base nor the derived header")
    reader = _Cbor(raw[3:])
    items = reader.item()
    if reader.pos != len(reader.data):
        raise SuiteError("ecdsa-sd-2023 proofValue has trailing bytes")
    if not isinstance(items, list) or len(items) != 5:
        raise SuiteError("ecdsa-sd-2023 derived proofValue is not a 5-element CBOR array")
    base_signature, public_key, signatures, labels, mandatory = items
    if not isinstance(base_signature, bytes) or not isinstance(public_key, bytes):
        raise SuiteError("ecdsa-sd-2023 baseSignature and publicKey must be byte strings")
    if not isinstance(signatures, list) or not all(isinstance(s, bytes) for s in signatures):
        raise SuiteError("ecdsa-sd-2023 signatures must be a list of byte strings")
    if not isinstance(labels, dict) or not all(isinstance(v, bytes) for v in labels.values()):
        raise SuiteError("ecdsa-sd-2023 label map must map integers to byte strings")
    if not isinstance(mandatory, list) or not all(isinstance(i, int) for i in mandatory):
        raise SuiteError("ecdsa-sd-2023 mandatoryIndexes must be a list of integers")
    label_map = {f"c14n{k}": "u" + _b64url_nopad(v) for k, v in labels.items()}
    return DerivedProof(base_signature, public_key, signatures, label_map, mandatory)


# --- N-Quads blank node relabelling ---


def relabel(nquads: str, label_map: dict[str, str]) -> list[str]:
    """Replace every blank node label outside literals and IRIs; return the sorted quads."""
    out: list[str] = []
    for line in nquads.splitlines():
        if line:
            out.append(_relabel_line(line, label_map) + "\n")
    return sorted(out)


def _relabel_line(line: str, label_map: dict[str, str]) -> str:
    parts: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == '"':  # literal: copy up to the closing unescaped quote
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            parts.append(line[i : j + 1])
            i = j + 1
        elif c == "<":  # IRI
            j = line.find(">", i)
            j = n - 1 if j < 0 else j
            parts.append(line[i : j + 1])
            i = j + 1
        elif line.startswith("_:", i) and (i == 0 or line[i - 1] == " "):
            j = i + 2
            while j < n and line[j] not in " \t":
                j += 1
            label = line[i + 2 : j]
            if label not in label_map:
                raise SuiteError(f"blank node _:{label[:20]} is not in the proof's label map")
            parts.append("_:" + label_map[label])
            i = j
        else:
            parts.append(c)
            i += 1
    return "".join(parts)


def _hash_for(public: Any) -> tuple[str, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    if isinstance(public.curve, ec.SECP384R1):
        return "sha384", hashes.SHA384()
    return "sha256", hashes.SHA256()


def _ecdsa_ok(public: Any, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    size = (public.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        raise SuiteError(f"ecdsa-sd-2023 signature is {len(signature)} bytes, not {2 * size}")
    der = encode_dss_signature(
        int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    )
    try:
        public.verify(der, message, ec.ECDSA(_hash_for(public)[1]))
    except InvalidSignature:
        return False
    return True


def _ephemeral_key(raw: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    if raw[:2] == _P256_MULTIKEY and len(raw) == 35:
        curve: ec.EllipticCurve = ec.SECP256R1()
    elif raw[:2] == _P384_MULTIKEY and len(raw) == 51:
        curve = ec.SECP384R1()
    else:
        raise SuiteError("ecdsa-sd-2023 publicKey is not a compressed P-256/P-384 multikey")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, raw[2:])
    except ValueError as exc:
        raise SuiteError("ecdsa-sd-2023 publicKey is not a valid point") from exc


@dataclass(frozen=True)
class EcdsaSdSuite(DataIntegritySuite):
    def verify(
        self,
        unsecured: dict[str, Any],
        proof: dict[str, Any],
        key: ResolvedKey,
        store: ContextStore,
    ) -> bool:
        parsed = parse_derived_proof_value(proof.get("proofValue"))
        why_not = self.accepts(key)
        if why_not is not None:
            raise SuiteError(why_not)
        if "@context" in proof:
            pctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
            dctx = unsecured.get("@context")
            dctx = dctx if isinstance(dctx, list) else [dctx]
            if dctx[: len(pctx)] != pctx:
                raise SuiteError("the proof's @context does not match the document's @context")
        ephemeral = _ephemeral_key(parsed.public_key)
        hash_name, _ = _hash_for(key.ec)
        config = self.proof_config(unsecured, proof)
        proof_hash = hashlib.new(hash_name, self.transform(config, store, memo=True)).digest()
        quads = verify_data(unsecured, parsed, store)
        mandatory_set = set(parsed.mandatory_indexes)
        if len(mandatory_set) != len(parsed.mandatory_indexes) or any(
            i < 0 or i >= len(quads) for i in mandatory_set
        ):
            raise SuiteError("ecdsa-sd-2023 mandatoryIndexes are out of range or repeated")
        mandatory = [q for i, q in enumerate(quads) if i in mandatory_set]
        non_mandatory = [q for i, q in enumerate(quads) if i not in mandatory_set]
        if len(parsed.signatures) != len(non_mandatory):
            raise SuiteError(
                f"ecdsa-sd-2023 proof has {len(parsed.signatures)} signatures for "
                f"{len(non_mandatory)} disclosed non-mandatory statements"
            )
        mandatory_hash = hashlib.new(hash_name, "".join(mandatory).encode("utf-8")).digest()
        if not _ecdsa_ok(key.ec, parsed.base_signature, proof_hash + parsed.public_key + mandatory_hash):
            return False
        return all(
            _ecdsa_ok(ephemeral, sig, quad.encode("utf-8"))
            for sig, quad in zip(parsed.signatures, non_mandatory, strict=True)
        )

    def sign(
        self,
        unsecured: dict[str, Any],
        proof_options: dict[str, Any],
        seed: bytes,
        store: ContextStore,
    ) -> str:
        raise SuiteError("credwallet does not sign with ecdsa-sd-2023")


def verify_data(unsecured: dict[str, Any], parsed: DerivedProof, store: ContextStore) -> list[str]:
    """The revealed document's canonical N-Quads, relabelled with the proof's HMAC labels."""
    try:
        nquads = canonicalize(unsecured, store)
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc
    return relabel(nquads, parsed.label_map)


def public_key_multibase(parsed: DerivedProof) -> str:
    return multibase_encode(parsed.public_key)


def _rdfc(doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes:
    try:
        return canonicalize(doc, store, memo=memo).encode("utf-8")
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc


ECDSA_SD_2023 = register(
    EcdsaSdSuite(
        name="ecdsa-sd-2023",
        proof_type="DataIntegrityProof",
        cryptosuite="ecdsa-sd-2023",
        transform=_rdfc,
        algorithm="ECDSA",
    )
)
