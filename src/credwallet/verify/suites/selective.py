"""Pieces shared by the selective-disclosure suites (ecdsa-sd-2023, bbs-2023), derived proofs.

Both W3C specifications build a derived proof the same way: a multibase base64url proofValue of
a 3-byte header and an untagged CBOR array (RFC 8949), a label map from canonical blank node
labels (`c14nN`) to the labels the issuer signed, and mandatory indexes into the relabelled,
sorted canonical N-Quads ("labelReplacementCanonicalize" of vc-di-ecdsa, which vc-di-bbs reuses).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from credwallet.verify.canon import CanonError, canonicalize
from credwallet.verify.contexts import ContextStore
from credwallet.verify.suites.registry import SuiteError

MAX_PROOF_VALUE = 1024 * 1024
MAX_ITEMS = 10_000  # CBOR array / map entries (one per revealed quad at most)
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


# --- a minimal, strict CBOR reader (RFC 8949): unsigned ints, byte strings, arrays, maps ---


class Cbor:
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

    def whole(self) -> Any:
        """The one item the data holds; trailing bytes are refused."""
        value = self.item()
        if self.pos != len(self.data):
            raise SuiteError("proofValue has trailing bytes after its CBOR value")
        return value


def b64url_nopad(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_proof_value(value: Any, suite: str) -> bytes:
    """The bytes of a multibase base64url-no-pad proofValue ('u...'), size-capped."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise SuiteError(f"{suite} proofValue is not multibase base64url ('u...')")
    if len(value) > MAX_PROOF_VALUE:
        raise SuiteError("proofValue is too large")
    text = value[1:]
    if not set(text) <= _B64URL:
        raise SuiteError(f"{suite} proofValue is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SuiteError(f"{suite} proofValue is not base64url") from exc


def int_list(value: Any, what: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        raise SuiteError(f"{what} must be a list of integers")
    return value


def check_proof_context(unsecured: dict[str, Any], proof: dict[str, Any]) -> None:
    """Data Integrity: a proof's own @context must open the document's @context."""
    if "@context" in proof:
        pctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        dctx = unsecured.get("@context")
        dctx = dctx if isinstance(dctx, list) else [dctx]
        if dctx[: len(pctx)] != pctx:
            raise SuiteError("the proof's @context does not match the document's @context")


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


def labelled_quads(unsecured: dict[str, Any], label_map: dict[str, str], store: ContextStore) -> list[str]:
    """The revealed document's canonical N-Quads, relabelled with the proof's label map, sorted."""
    try:
        nquads = canonicalize(unsecured, store)
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc
    return relabel(nquads, label_map)


def split_mandatory(
    quads: list[str], mandatory_indexes: list[int], suite: str
) -> tuple[list[str], list[str]]:
    """(mandatory, non-mandatory) quads, in order; the indexes must be distinct and in range."""
    chosen = set(mandatory_indexes)
    if len(chosen) != len(mandatory_indexes) or any(i < 0 or i >= len(quads) for i in chosen):
        raise SuiteError(f"{suite} mandatoryIndexes are out of range or repeated")
    mandatory = [q for i, q in enumerate(quads) if i in chosen]
    non_mandatory = [q for i, q in enumerate(quads) if i not in chosen]
    return mandatory, non_mandatory


def rdfc_transform(doc: dict[str, Any], store: ContextStore, *, memo: bool = False) -> bytes:
    """RDFC-1.0 canonical N-Quads as bytes (the proof configuration's transform)."""
    try:
        return canonicalize(doc, store, memo=memo).encode("utf-8")
    except CanonError as exc:
        raise SuiteError(str(exc)) from exc
