"""Import a Credential Engine CTDL pathway (JSON-LD `ceterms:Pathway`) into the model.

Mapping (CTDL term -> model):
* `ceterms:Pathway` -> Pathway; its `hasDestinationComponent`s (else `hasChild`) are the
  top-level requirements.
* a `*Component` with `ceterms:proxyFor` (a registry URI whose last segment is a CTID) ->
  a leaf matching credentials aligned to that URI or CTID; `creditValue` becomes the credits
  the leaf is worth when the credential states none. A destination component with
  conditions is reached by meeting them, or by already holding the credential it stands for.
* a component with `hasCondition` -> the conditions (all of them); with only `hasChild` ->
  all of its children; with neither -> a leaf matching the component's name.
* `ceterms:ComponentCondition` -> at least `requiredNumber` of its `targetComponent`s and
  nested `hasCondition`s (all of them when absent); a `hasConstraint` summing
  `creditValue` (leftSource creditValue, comparator >=, rightSource N) -> a credits group.
Language maps (`{"en-US": "..."}`) are read preferring en-US, en, then any.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from credwallet.errors import PathwayError
from credwallet.pathways.loader import pathway_from_dict
from credwallet.pathways.match import ctid_of
from credwallet.pathways.model import Pathway

PREFIX = "ceterms:"
MAX_EXPANDED = 2_000
MAX_NESTING = 15  # component/condition levels (each becomes a requirement level or two)


def _get(node: dict[str, Any], key: str) -> Any:
    for k in (PREFIX + key, key):
        if k in node:
            return node[k]
    return None


def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def text(v: Any) -> str | None:
    """Plain string from a string, a JSON-LD value object, or a language map."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        for item in v:
            t = text(item)
            if t:
                return t
        return None
    if isinstance(v, dict):
        if "@value" in v:
            return str(v["@value"])
        for lang in ("en-US", "en-us", "en", "en-GB"):
            if lang in v:
                return text(v[lang])
        for val in v.values():
            t = text(val)
            if t:
                return t
    return None


def _types(node: dict[str, Any]) -> list[str]:
    return [str(t) for t in _list(node.get("@type") or node.get("type"))]


def _number(v: Any) -> float | None:
    for item in _list(v):
        if isinstance(item, bool):
            continue
        if isinstance(item, int | float):
            return float(item)
        if isinstance(item, str):
            try:
                return float(item)
            except ValueError:
                continue
        if isinstance(item, dict):
            for k in ("ceterms:value", "schema:value", "value", "@value", "qdata:value",
                      "ceterms:minValue", "schema:minValue"):
                if k in item:
                    n = _number(item[k])
                    if n is not None:
                        return n
    return None


def _slug(s: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", s).strip("-._").lower()
    return slug[:64] or "ctdl-pathway"


class _Converter:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.source = source
        self.nodes: dict[str, dict[str, Any]] = {}
        self.ids_used: set[str] = set()
        self.stack: list[str] = []
        self.budget = MAX_EXPANDED
        self._collect(data)

    def _collect(self, v: Any) -> None:
        if isinstance(v, list):
            for item in v:
                self._collect(item)
        elif isinstance(v, dict):
            nid = v.get("@id")
            if isinstance(nid, str) and len(v) > 1:
                self.nodes.setdefault(nid, v)
                ctid = _get(v, "ctid")
                if isinstance(ctid, str):
                    self.nodes.setdefault(ctid.lower(), v)
            for key, val in v.items():
                if key != "@context":
                    self._collect(val)

    def resolve(self, ref: Any) -> dict[str, Any] | str:
        """A node, or the unresolved reference string."""
        if isinstance(ref, dict):
            if len(ref) > 1 or "@id" not in ref:
                return ref
            ref = ref["@id"]
        ref = str(ref)
        node = self.nodes.get(ref)
        if node is None:
            c = ctid_of(ref)
            node = self.nodes.get(c) if c else None
        return node if node is not None else ref

    def _key(self, node: dict[str, Any]) -> str:
        return str(node.get("@id") or _get(node, "ctid") or id(node))

    def _new_id(self, node: dict[str, Any]) -> str | None:
        ctid = _get(node, "ctid")
        if isinstance(ctid, str) and ctid not in self.ids_used:
            self.ids_used.add(ctid)
            return ctid
        return None

    def _leaf_for_ref(self, ref: str, where: str) -> dict[str, Any]:
        if ctid_of(ref):
            return {"type": "credential", "ctid": ref, "title": f"registry resource {ref}"}
        raise PathwayError(f"{self.source}: {where} refers to {ref!r}, which is not in the "
                           "document and is not a registry URI with a CTID")

    def _spend(self) -> None:
        # A component shared by several parents is repeated under each; a graph of shared
        # components ("diamonds") would otherwise expand exponentially.
        self.budget -= 1
        if self.budget < 0:
            raise PathwayError(f"{self.source}: the pathway expands to more than "
                               f"{MAX_EXPANDED} requirements (components shared by many "
                               "parents are repeated under each); refused")

    def component(self, ref: Any, destination: bool = False) -> dict[str, Any]:
        self._spend()
        node = self.resolve(ref)
        if isinstance(node, str):
            return self._leaf_for_ref(node, "a component reference")
        key = self._key(node)
        self._enter(key, text(_get(node, "name")) or key)
        try:
            return self._component(node, destination)
        finally:
            self.stack.pop()

    def _component(self, node: dict[str, Any], destination: bool) -> dict[str, Any]:
        name = text(_get(node, "name"))
        common: dict[str, Any] = {
            "title": name,
            "description": text(_get(node, "description")),
            "criteria_url": text(_get(node, "subjectWebpage")),
        }
        proxy = _get(node, "proxyFor")
        proxy_uri = text(proxy["@id"] if isinstance(proxy, dict) and "@id" in proxy else proxy)
        conditions = _list(_get(node, "hasCondition"))
        children = _list(_get(node, "hasChild"))
        credits = _number(_get(node, "creditValue"))
        nid = self._new_id(node)
        leaf: dict[str, Any] | None = None
        if proxy_uri:
            leaf = {"type": "credential", **common}
            if ctid_of(proxy_uri):
                leaf["ctid"] = proxy_uri
            else:
                leaf["alignment"] = {"target_url": proxy_uri}
            if credits is not None:
                leaf["credits"] = credits
            if not (destination and (conditions or children)):
                return _with_id(leaf, nid)
        structure: dict[str, Any] | None = None
        if conditions:
            conds = [self.condition(c) for c in conditions]
            structure = conds[0] if len(conds) == 1 else {"type": "all", "of": conds}
        elif children:
            structure = {"type": "all", "of": [self.component(c) for c in children]}
        if structure is not None and leaf is not None:
            # A destination is reached by meeting its conditions, or by already holding the
            # credential it stands for.
            leaf["title"] = f"{name or 'the credential'} itself"
            leaf.pop("credits", None)
            structure.setdefault("title", f"requirements for {name}" if name else None)
            return _with_id({"type": "at_least", "count": 1, **common,
                             "of": [_with_id(structure, None), leaf]}, nid)
        if structure is not None:
            if not structure.get("title"):
                structure = {**structure, **{k: v for k, v in common.items() if v}}
            else:
                structure.update({k: v for k, v in common.items() if v and k != "title"})
            return _with_id(structure, nid)
        if not name:
            raise PathwayError(f"{self.source}: component {self._key(node)} has no proxyFor, "
                               "conditions, children or name, so nothing can satisfy it")
        leaf = {"type": "credential", **common, "name": name}
        if credits is not None:
            leaf["credits"] = credits
        return _with_id(leaf, nid)

    def condition(self, ref: Any) -> dict[str, Any]:
        self._spend()
        node = self.resolve(ref)
        if isinstance(node, str):
            raise PathwayError(f"{self.source}: condition {node!r} is not in the document")
        key = self._key(node)
        self._enter(key, text(_get(node, "name")) or key)
        try:
            return self._condition(node)
        finally:
            self.stack.pop()

    def _enter(self, key: str, label: str) -> None:
        if key in self.stack:
            raise PathwayError(f"{self.source}: components or conditions form a cycle at "
                               f"{label}")
        if len(self.stack) >= MAX_NESTING:
            raise PathwayError(f"{self.source}: components and conditions are nested more "
                               f"than {MAX_NESTING} deep")
        self.stack.append(key)

    def _condition(self, node: dict[str, Any]) -> dict[str, Any]:
        label = text(_get(node, "name")) or text(_get(node, "description"))
        items = [self.component(t) for t in _list(_get(node, "targetComponent"))]
        items += [self.condition(c) for c in _list(_get(node, "hasCondition"))]
        if not items:
            raise PathwayError(f"{self.source}: condition {label or node.get('@id') or ''!r} "
                               "has no targetComponent or nested condition")
        required = _number(_get(node, "requiredNumber"))
        credits = self._credit_constraint(node)
        common = {"title": label, "description": text(_get(node, "description"))}
        groups: list[dict[str, Any]] = []
        if required is not None and required < 0:
            raise PathwayError(f"{self.source}: condition {label!r}: requiredNumber is negative")
        if required is not None and 0 < required < len(items):
            groups.append({"type": "at_least", "count": int(required), "of": items})
        elif required is not None and required > len(items):
            raise PathwayError(f"{self.source}: condition {label!r} requires {required:g} of "
                               f"only {len(items)} components, so it can never be satisfied")
        elif credits is None:
            groups.append({"type": "all", "of": items})
        if credits is not None:
            of = _strip_ids(copy.deepcopy(items)) if groups else items
            groups.append({"type": "credits", "credits": credits, "of": of})
        # Count and credit constraints judge the same selection of components, so the
        # two groups may share credentials.
        out = groups[0] if len(groups) == 1 else {"type": "all", "allow_reuse": True,
                                                  "of": groups}
        out.update({k: v for k, v in common.items() if v})
        return out

    def _credit_constraint(self, node: dict[str, Any]) -> float | None:
        for c in _list(_get(node, "hasConstraint")):
            cn = self.resolve(c)
            if not isinstance(cn, dict):
                continue
            left = " ".join(str(x) for x in _list(_get(cn, "leftSource")))
            comparator = " ".join(str(text(x) or x) for x in _list(_get(cn, "comparator")))
            if "creditValue" not in left or ("lessThan" in comparator):
                continue
            n = _number(_get(cn, "rightSource"))
            if n is not None:
                if n <= 0:
                    raise PathwayError(f"{self.source}: credit constraint must be positive")
                return n
        return None


def _with_id(d: dict[str, Any], nid: str | None) -> dict[str, Any]:
    if nid:
        d["id"] = nid
    return {k: v for k, v in d.items() if v is not None}


def _strip_ids(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for it in items:
        it.pop("id", None)
        _strip_ids(it.get("of", []))
    return items


def pathway_from_ctdl(data: Any, source: str, name: str | None = None) -> Pathway:
    conv = _Converter(data if isinstance(data, dict) else {"@graph": data}, source)
    candidates = [n for n in {id(v): v for v in conv.nodes.values()}.values()
                  if any(t.rsplit(":", 1)[-1] == "Pathway" for t in _types(n))]
    if not candidates:
        raise PathwayError(f"{source}: no ceterms:Pathway in this JSON-LD document")
    pw = candidates[0]
    title = text(_get(pw, "name"))
    ctid = _get(pw, "ctid")
    dests = _list(_get(pw, "hasDestinationComponent"))
    if dests:
        reqs = [conv.component(d, destination=True) for d in dests]
    else:
        reqs = [conv.component(c) for c in _list(_get(pw, "hasChild"))]
    if not reqs:
        raise PathwayError(f"{source}: the pathway has no hasDestinationComponent or hasChild")
    owner = _list(_get(pw, "ownedBy") or _get(pw, "offeredBy"))
    provider: dict[str, Any] | None = None
    if owner:
        o = conv.resolve(owner[0])
        provider = ({"id": o} if isinstance(o, str)
                    else {"id": o.get("@id"), "name": text(_get(o, "name")),
                          "url": text(_get(o, "subjectWebpage"))})
        provider = {k: v for k, v in provider.items() if v} or None
    doc: dict[str, Any] = {
        "name": name or _slug(title or str(ctid or "ctdl-pathway")),
        "title": title,
        "description": text(_get(pw, "description")),
        "url": text(_get(pw, "subjectWebpage")),
        "provider": provider,
        "requirements": reqs,
        "origin": {"kind": "ctdl", "ref": source,
                   "ctid": ctid if isinstance(ctid, str) else None},
    }
    return pathway_from_dict({k: v for k, v in doc.items() if v is not None}, source)
