"""The trusted reading of a JSON-LD document: its keys must mean what the bundled contexts say.

A Data Integrity signature covers the document's RDF, not its JSON keys. Anyone holding a
signed credential can add a context that renames `credentialStatus`, `validUntil`, `issuer`,
... (same IRIs, new key names), write a property as an absolute IRI, or tuck it under `@nest`:
the RDF and so the signature are unchanged, but code that reads `doc["credentialStatus"]` sees
"no status". The same trick can move signed text into a displayed field.

Rule: expand the document with its own contexts, compact the result with only the bundled
(hash-pinned) contexts it names, and require every term a bundled context defines to read the
same in the document as in that compacted form. Inline contexts and contexts fetched at import
never decide what a known term means. A document that reads differently is refused (its
`contexts` check fails); one that passes can be read by key name everywhere, safely.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from pyld import jsonld

from credwallet.verify.contexts import ContextLimit, ContextStore, bundled_contexts

# Contained credentials are verified (and read) on their own, with their own contexts.
CONTAINED = frozenset({"verifiableCredential"})
MAX_DIFF_NODES = 200_000
# The known terms of the document being compared (set by full_reading_problem).
_KNOWN: ContextVar[frozenset[str] | None] = ContextVar("known_terms", default=None)
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


@lru_cache(maxsize=64)
def known_terms(urls: tuple[str, ...] | None = None) -> frozenset[str]:
    """Every term the given bundled contexts (default: all of them) define, top level or scoped.

    A document is compared only on the terms of the bundled contexts it names: a term some
    unrelated bundled context defines is no business of a document that never named it.
    """
    terms: set[str] = set()
    bundled = bundled_contexts()
    chosen = bundled.values() if urls is None else [bundled[u] for u in urls if u in bundled]
    stack: list[Any] = [doc.get("@context") for doc in chosen]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if not key.startswith("@"):
                    terms.add(key)
                if isinstance(value, dict) and "@context" in value:
                    stack.append(value["@context"])
    return frozenset(terms)


@lru_cache(maxsize=1)
def _term_iris() -> dict[str, frozenset[str]]:
    """term -> the IRIs bundled contexts map it to (a term may be defined in several scopes)."""
    out: dict[str, set[str]] = {}
    stack: list[Any] = [doc.get("@context") for doc in bundled_contexts().values()]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        vocab_value = node.get("@vocab")
        vocab: str = vocab_value if isinstance(vocab_value, str) else ""
        for key, value in node.items():
            if key.startswith("@"):
                continue
            iri = value.get("@id") if isinstance(value, dict) else value
            for _ in range(4):  # a term defined as another term ("AchievementCredential")
                nxt = node.get(iri) if isinstance(iri, str) and iri != key else None
                target = nxt.get("@id") if isinstance(nxt, dict) else nxt
                if not isinstance(target, str) or target == iri:
                    break
                iri = target
            if isinstance(iri, str):
                prefix, colon, rest = iri.partition(":")
                base = node.get(prefix)
                if colon and isinstance(base, str) and not rest.startswith("//"):
                    iri = base + rest
                elif not colon:
                    iri = vocab + iri
                out.setdefault(key, set()).add(iri)
            if isinstance(value, dict) and "@context" in value:
                stack.append(value["@context"])
    return {k: frozenset(v) for k, v in out.items()}


def _foreign_type(literal: Any, reading: Any) -> bool:
    """A type name that no bundled context defines, read as an IRI no bundled term names: a type
    the issuer's own (inline or fetched) context adds, e.g. `ExampleAchievementCredential` for
    `urn:example:...`. Nothing credwallet decides reads it, so its spelling is the issuer's
    business. A bundled type name read as anything else, or another name read as a bundled
    type, still differs: that is the relabelling the rule exists to stop."""
    if not isinstance(literal, str) or not isinstance(reading, str):
        return False
    iris = _term_iris()
    if literal in iris or reading in iris or ":" not in reading:
        return False
    # Read as the IRI of a type some bundled context names (one the document swapped for an
    # inline copy, so its reading no longer shows the term): a bundled type under another
    # name, which readers by name would miss (a revoked `StatusList2021Entry` read as `Foo`).
    return not _names_bundled_iri(reading)


def _type_as_bundled_iri(literal: Any) -> bool:
    """A type value written as the IRI (absolute or compact) of a type a bundled context names,
    instead of by that name: `https://w3id.org/vc/status-list#StatusList2021Entry`."""
    return (isinstance(literal, str) and literal not in _term_iris() and ":" in literal
            and _names_bundled_iri(literal))


@lru_cache(maxsize=1)
def _bundled_iris() -> frozenset[str]:
    """Every IRI a bundled term maps to."""
    return frozenset(iri for found in _term_iris().values() for iri in found)


def _names_bundled_iri(reading: str) -> bool:
    """`reading` (an absolute IRI, or a compact one through a bundled prefix) is an IRI a
    bundled term maps to."""
    if reading in _bundled_iris():
        return True
    prefix, _, rest = reading.partition(":")
    return not rest.startswith("//") and any(
        base + rest in _bundled_iris() for base in _term_iris().get(prefix, ()))


def _synonyms(a: Any, b: Any) -> bool:
    """Two type names the bundled contexts map to one IRI (OB 3.0's `Criteria`/`criteria`)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    iris = _term_iris()
    return bool(iris.get(a, frozenset()) & iris.get(b, frozenset()))


def trusted_context(doc: dict[str, Any]) -> list[str]:
    """The bundled context URLs the document names at top level, in its order."""
    ctx = doc.get("@context")
    items = ctx if isinstance(ctx, list) else [ctx]
    bundled = bundled_contexts()
    return [c for c in items if isinstance(c, str) and c in bundled]


def trusted_reading(doc: dict[str, Any], store: ContextStore) -> dict[str, Any]:
    """`doc` expanded with its own contexts and compacted with the bundled ones it names.

    Raises jsonld.JsonLdError (and the like) when the document cannot be processed.
    """
    opts: dict[str, Any] = {
        "documentLoader": store.loader,
        "contextResolver": store.resolver(doc),
        "base": None,
        "processingMode": "json-ld-1.1",
    }
    expanded = jsonld.expand(doc, dict(opts))
    compacted = jsonld.compact(expanded, {"@context": trusted_context(doc)}, dict(opts))
    return compacted if isinstance(compacted, dict) else {}


def reading_problem(doc: dict[str, Any], store: ContextStore) -> str | None:
    """None when every known term reads the same both ways; else what differs (one line)."""
    if plainly_bundled(doc):
        return None
    return full_reading_problem(doc, store)


# Bundled terms that share their IRI with another bundled term, where credwallet reads one
# spelling (or reads both alike, as with "tag"/"tags"). Any other spelling of such an IRI takes
# the full reading, which compares it with what credwallet reads.
_READ_SPELLINGS = frozenset({
    "id", "type", "achievement", "address", "geo", "creator", "result", "rubricCriterionLevel",
    "criteria", "image", "tag", "tags", "expires", "revokedAssertions", "dc", "dct",
})


@lru_cache(maxsize=1)
def _other_spellings() -> frozenset[str]:
    by_iri: dict[str, set[str]] = {}
    for term, iris in _term_iris().items():
        for iri in iris:
            by_iri.setdefault(iri, set()).add(term)
    out: set[str] = set()
    for terms in by_iri.values():
        if len(terms) > 1:
            out |= terms - _READ_SPELLINGS
    return frozenset(out)


def plainly_bundled(doc: Any, limit: int = MAX_DIFF_NODES) -> bool:
    """A document whose every context is a bundled URL and whose every key is a plain bundled
    spelling reads the same as its trusted reading: nothing it says can mean anything but what
    the bundled contexts say (no inline or fetched context, no IRI or compact-IRI key, no
    keyword such as `@nest`, no second spelling of an IRI). Such documents skip the (costly)
    expand-and-compact comparison; every other document takes it. `test_reading_fast_path`
    checks the two agree over the whole conformance corpus and hostile variants.
    """
    bundled = bundled_contexts()
    others = _other_spellings()
    stack: list[Any] = [doc]
    steps = 0
    while stack:
        steps += 1
        if steps > limit:
            return False
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key == "@context":
                urls = value if isinstance(value, list) else [value]
                if not all(isinstance(u, str) and u in bundled for u in urls):
                    return False
                continue
            if key.startswith("@") or ":" in key or key in others:
                return False
            if isinstance(value, (dict, list)):
                stack.append(value)
    return True


def full_reading_problem(doc: dict[str, Any], store: ContextStore) -> str | None:
    """The reading rule itself: expand with the document's own contexts, compact with the
    bundled ones, compare every known term."""
    try:
        reading = trusted_reading(doc, store)
    except RecursionError:
        return "the document is nested too deeply to read"
    except ContextLimit as exc:
        return f"the document cannot be read with the bundled contexts: {exc}"
    except Exception as exc:  # noqa: BLE001 - pyld raises many types on hostile input
        return f"the document cannot be read with the bundled contexts ({type(exc).__name__})"
    budget = [MAX_DIFF_NODES]
    token = _KNOWN.set(known_terms(tuple(trusted_context(doc))))
    try:
        return _diff(doc, reading, "", budget, store)
    finally:
        _KNOWN.reset(token)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _scalar(value: Any) -> Any:
    """A value object reads as its value (a typed date is still the same date text)."""
    if isinstance(value, dict) and "@value" in value:
        return value["@value"]
    return value


def _ref(value: Any) -> Any:
    """A node reference reads as its id: {"id": X} and "X" say the same for an @id term."""
    if isinstance(value, dict) and len(value) == 1:
        only = next(iter(value))
        if only in ("id", "@id") and isinstance(value[only], str):
            return value[only]
    return value


def _is_type(path: str) -> bool:
    bare = path.rsplit("[", 1)[0] if path.endswith("]") else path
    return bare == "type" or bare.endswith(".type")


def _diff(literal: Any, reading: Any, path: str, budget: list[int], store: ContextStore) -> str | None:
    budget[0] -= 1
    if budget[0] < 0:
        return "the document is too large to read safely"
    if isinstance(literal, list) or isinstance(reading, list):
        lits, reads = _as_list(literal), _as_list(reading)
        if len(lits) != len(reads):
            return f"{path or 'the document'} holds {len(lits)} value(s) but reads as {len(reads)}"
        for i, (a, b) in enumerate(zip(lits, reads, strict=True)):
            if _is_type(path) and (_synonyms(a, b) or _foreign_type(_scalar(a), _scalar(b))):
                continue
            found = _diff(a, b, f"{path}[{i}]", budget, store)
            if found:
                return found
        return None
    literal, reading = _ref(_scalar(literal)), _ref(_scalar(reading))
    if _is_type(path) and (_synonyms(literal, reading) or _foreign_type(literal, reading)):
        return None
    if _is_type(path) and _type_as_bundled_iri(literal):
        # Equal in both readings when the document does not name the context whose term it
        # is (its terms defined inline instead): readers by name would miss the type.
        return (f"{path} writes the type {str(literal)[:120]} as an IRI, not by the name its "
                "bundled context gives it")
    if isinstance(literal, dict) and isinstance(reading, dict):
        return _diff_node(literal, reading, path, budget, store)
    if isinstance(literal, dict) or isinstance(reading, dict) or literal != reading:
        return f"{path or 'the document'} reads differently under the bundled contexts"
    return None


def _diff_node(
    literal: dict[str, Any], reading: dict[str, Any], path: str, budget: list[int], store: ContextStore
) -> str | None:
    if path and _embedded_credential(literal):
        # An embedded credential (an endorsement, say) brings its own full context list: it is
        # read, like any document, against the bundled contexts it names.
        inner = reading_problem(literal, store)
        return f"{path}: {inner}" if inner else None
    known = _KNOWN.get() or known_terms()
    for key in literal:
        if key.startswith("@") and key != "@context" and literal[key] != reading.get(key):
            return f"{path}{key} is a JSON-LD keyword credwallet does not read (it would hide data)"
    keys = {k for k in reading if not k.startswith("@") and ":" not in k}
    keys |= {k for k in literal if k in known}
    for key in sorted(keys - CONTAINED):
        where = f"{path}.{key}" if path else key
        if key not in literal:
            twin = next((k for k in literal if k not in reading and _synonyms(k, key)), None)
            if twin is not None:  # one IRI, two bundled spellings ("achievement"/"Achievement")
                found = _diff(literal[twin], reading[key], where, budget, store)
                if found:
                    return found
                continue
            return f"'{where}' is present in the signed data under another name"
        if key not in reading:
            if any(k not in literal and _synonyms(k, key) for k in reading):
                continue  # compared above, under the reading's spelling
            if _read_as_iri(key, literal[key], reading, where, budget, store):
                continue
            return f"'{where}' does not mean what the bundled contexts define (redefined term)"
        found = _diff(literal[key], reading[key], where, budget, store)
        if found:
            return found
    return None


def _embedded_credential(node: dict[str, Any]) -> bool:
    ctx = node.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first in (VC_V1, VC_V2)


def _read_as_iri(
    key: str, value: Any, reading: dict[str, Any], where: str, budget: list[int], store: ContextStore
) -> bool:
    """The term was compacted to an IRI (no bundled term fits its shape there), but that IRI
    is one the bundled contexts define for this very term name, with the same value."""
    meanings = _term_iris().get(key, frozenset())
    for other, read in reading.items():
        if (
            ":" in other
            and _expand_key(other) in meanings
            and _diff(value, read, where, budget, store) is None
        ):
            return True
    return False


def _expand_key(key: str) -> str:
    prefix, _, rest = key.partition(":")
    if rest.startswith("//"):
        return key
    base = _term_iris().get(prefix, frozenset())
    return next(iter(base)) + rest if len(base) == 1 else key
