"""JSON-LD canonicalization (RDFC-1.0 / URDNA2015 via pyld) in "safe mode", with work caps.

A Data Integrity signature covers the canonical RDF of a document, so anything the JSON-LD
processor silently drops (undefined terms, relative IRIs in @id/@type) is unsigned content a
reader would still see. Safe mode turns every such drop into an error, as jsonld.js's
`safe: true` does. Blank-node "poisoning" graphs make URDNA2015 exponential; the work counter
below stops them well before a user would notice a hang.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015

from credwallet.verify.contexts import ContextLimit, ContextStore

MAX_QUADS = 20_000
MAX_CANON_WORK = 5_000  # N-degree hashing steps; the richest real credential seen needs 60


class CanonError(Exception):
    """The document cannot be canonicalized safely; the message says why (one line)."""


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise CanonError("canonicalization work limit exceeded (blank-node poisoning?)")


class _CappedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015, unchanged except for a work budget on the exponential steps."""

    def __init__(self, budget: _Budget, hash_name: str = "sha256") -> None:
        super().__init__()
        self._budget = budget
        self._hash_name = hash_name

    def create_hash(self) -> Any:
        # RDFC-1.0 names its hash a parameter; ecdsa-rdfc-2019 uses SHA-384 with P-384 keys.
        return hashlib.new(self._hash_name)

    def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
        self._budget.spend()
        return super().hash_n_degree_quads(id_, issuer)

    def hash_related_blank_node(self, related: Any, quad: Any, issuer: Any, position: Any) -> Any:
        self._budget.spend()
        return super().hash_related_blank_node(related, quad, issuer, position)


# pyld's own absolute-IRI test (jsonld._is_absolute_iri): toRDF silently drops any IRI that fails
# it, so a colon is not enough ("https://x.example/ y" has one and is dropped). \Z, not $: pyld
# keeps "urn:x\n" and writes the newline into the N-Quads; jsonld.js drops it.
_ABS_IRI = re.compile(r"\A([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*\Z")


def _is_abs_iri(value: str) -> bool:
    return _ABS_IRI.match(value) is not None


def _check_expanded(node: Any, where: str = "") -> None:
    """Reject relative @id/@type left after expansion (pyld would drop their triples)."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item, where)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        dtype = node.get("@type")
        if isinstance(dtype, str) and not _is_abs_iri(dtype) and dtype != "@json":
            raise CanonError(f"relative datatype {dtype!r} found (not covered by the signature)")
        return
    node_id = node.get("@id")
    if isinstance(node_id, str) and not (_is_abs_iri(node_id) or node_id.startswith("_:")):
        raise CanonError(f"relative id {node_id!r} found (not covered by the signature)")
    for t in node.get("@type", []) if isinstance(node.get("@type"), list) else []:
        if isinstance(t, str) and not (_is_abs_iri(t) or t.startswith("_:")):
            raise CanonError(f"relative @type reference {t!r} found (undefined term?)")
    for key, value in node.items():
        if key in ("@id", "@type", "@value", "@language", "@direction"):
            continue
        _check_expanded(value, key)


class _SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)

    @staticmethod
    def _dropped(prop: str | None) -> None:
        raise CanonError(
            f"property {prop!r} is not defined by any @context (it would be dropped from the signed data)"
        )

    def expand(self, input_: Any, options: Any) -> Any:
        out = super().expand(input_, options)
        _check_expanded(out)
        return out


# Proof configurations recur (the same for every credential an issuer signs in one batch) and
# canonicalization is a pure function of (JSON, context set): callers may ask to memoize.
_MEMO: dict[tuple[frozenset[tuple[str, str]], str, str], str] = {}
_MEMO_MAX_ENTRIES = 512
_MEMO_MAX_JSON = 4096


def canonicalize(
    doc: dict[str, Any], store: ContextStore, *, memo: bool = False, hash_name: str = "sha256"
) -> str:
    """Canonical N-Quads of `doc` (URDNA2015, i.e. RDFC-1.0 with `hash_name`), contexts from
    `store` only.

    Raises CanonError for unknown contexts, dropped terms, relative IRIs, too much work.
    """
    if not memo:
        return _canonicalize(doc, store, hash_name)
    try:
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise CanonError("document is not plain JSON") from exc
    if len(text) > _MEMO_MAX_JSON:
        return _canonicalize(doc, store, hash_name)
    key = (store.cache_key(), hash_name, text)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _canonicalize(doc, store, hash_name)
        if len(_MEMO) >= _MEMO_MAX_ENTRIES:
            _MEMO.clear()
        _MEMO[key] = hit
    return hit


def _canonicalize(doc: dict[str, Any], store: ContextStore, hash_name: str = "sha256") -> str:
    # Every exception a JSON-LD processor can raise on hostile input (KeyError for
    # `{"@vocab": null}`, TypeError for "@set" as a property, OverflowError for a huge number,
    # ...) becomes a CanonError: a failed check with a one-line reason, never an internal error.
    try:
        opts: dict[str, Any] = {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "base": None,
            "documentLoader": store.loader,
            "contextResolver": store.resolver(doc),
            "processingMode": "json-ld-1.1",
        }
        rdf_opts = {k: v for k, v in opts.items() if k not in ("format", "algorithm")}
        rdf_opts["produceGeneralizedRdf"] = False
        dataset = _SafeProcessor().to_rdf(doc, rdf_opts)
    except (CanonError, ContextLimit) as exc:
        raise CanonError(str(exc)) from exc
    except RecursionError as exc:
        raise CanonError("document is nested too deeply to canonicalize") from exc
    except Exception as exc:
        raise CanonError(_jsonld_reason(exc)) from exc
    quads = sum(len(v) for v in dataset.values())
    if quads > MAX_QUADS:
        raise CanonError(f"document has {quads} RDF statements (limit {MAX_QUADS})")
    try:
        out = _CappedURDNA2015(_Budget(MAX_CANON_WORK), hash_name).main(
            dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"}
        )
    except CanonError:
        raise
    except RecursionError as exc:
        raise CanonError("canonicalization recursion limit reached") from exc
    except Exception as exc:
        raise CanonError(f"canonicalization failed: {_one_line(exc)}") from exc
    return str(out)


def _one_line(exc: BaseException) -> str:
    """First line of an exception, ASCII only (its text may echo hostile input); a builtin
    exception's type is named too (a bare KeyError reads "'@vocab'")."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text[:160].encode("ascii", "backslashreplace").decode("ascii")
    if type(exc).__module__ != "builtins":
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _jsonld_reason(exc: BaseException) -> str:
    """The innermost pyld message, and any CanonError / ContextLimit it wraps."""
    seen = 0
    cur: BaseException | None = exc
    last = "JSON-LD error"
    while cur is not None and seen < 20:
        if isinstance(cur, (CanonError, ContextLimit)):
            return str(cur)
        if isinstance(cur, jsonld.JsonLdError):
            msg = getattr(cur, "message", None) or (str(cur).splitlines()[0] if str(cur) else "")
            if msg:
                last = str(msg).encode("ascii", "backslashreplace").decode("ascii")
        else:
            last = _one_line(cur)
        cur = cur.__cause__ or getattr(cur, "cause", None)
        seen += 1
    return f"JSON-LD processing failed: {last[:200]}"
