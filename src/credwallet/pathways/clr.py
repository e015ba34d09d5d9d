"""Derive a pathway from a CLR 2.0 record's `association` graph.

CLR associations give structure but no counts, so every parent needs all of its children:
* `isParentOf` (source is the parent), `isChildOf` and `isPartOf` (target is the parent)
  build the tree; roots are achievements that are parents and nobody's child;
* `exactMatchOf` and `replacedBy` make the two achievements interchangeable in a leaf;
* `precedes` only orders siblings; `isPeerOf` / `isRelatedTo` carry no requirement.
The derived pathway reads structure only; whether a credential counts is still decided by
its own verification.
"""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from typing import Any

from credwallet.errors import PathwayError
from credwallet.pathways.loader import pathway_from_dict
from credwallet.pathways.model import Pathway


def _jwt_payload(token: str) -> dict[str, Any] | None:
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    vc = data.get("vc")
    return vc if isinstance(vc, dict) else data


def clr_document(raw: bytes) -> dict[str, Any]:
    """The CLR credential as JSON (JSON-LD document or the payload of a VC-JWT)."""
    text = raw.decode("utf-8", errors="replace").strip()
    doc: Any
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PathwayError(f"stored CLR is not valid JSON: {exc}") from None
    else:
        doc = _jwt_payload(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("credentialSubject"), dict):
        raise PathwayError("the stored credential is not a CLR (no credentialSubject object)")
    return doc


def _achievements(subject: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def add(a: Any) -> None:
        if isinstance(a, dict) and isinstance(a.get("id"), str):
            out.setdefault(a["id"], a)

    for a in subject.get("achievement") or []:
        add(a)
    for vc in subject.get("verifiableCredential") or []:
        cred = _jwt_payload(vc) if isinstance(vc, str) else vc
        if isinstance(cred, dict):
            cs = cred.get("credentialSubject")
            for s in cs if isinstance(cs, list) else [cs]:
                if isinstance(s, dict):
                    add(s.get("achievement"))
    return out


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", s).strip("-._").lower()[:60] or "clr"


def pathway_from_clr(doc: dict[str, Any], *, name: str | None = None,
                     source: str = "CLR") -> Pathway:
    subject = doc["credentialSubject"]
    achievements = _achievements(subject)
    children: defaultdict[str, list[str]] = defaultdict(list)
    has_parent: set[str] = set()
    same: defaultdict[str, set[str]] = defaultdict(set)
    before: defaultdict[str, set[str]] = defaultdict(set)
    for assoc in subject.get("association") or []:
        if not isinstance(assoc, dict):
            continue
        kind, src, dst = assoc.get("associationType"), assoc.get("sourceId"), assoc.get("targetId")
        if not isinstance(src, str) or not isinstance(dst, str) or src == dst:
            continue
        if kind == "isParentOf":
            parent, child = src, dst
        elif kind in ("isChildOf", "isPartOf"):
            parent, child = dst, src
        elif kind in ("exactMatchOf", "replacedBy"):
            same[src].add(dst)
            same[dst].add(src)
            continue
        elif kind == "precedes":
            before[dst].add(src)
            continue
        else:
            continue
        if child not in children[parent]:
            children[parent].append(child)
        has_parent.add(child)

    def label(aid: str) -> str:
        return str(achievements.get(aid, {}).get("name") or aid)

    def order(ids: list[str]) -> list[str]:
        # Stable order that puts prerequisites (`precedes`) first.
        done: list[str] = []
        pending = list(ids)
        while pending:
            ready = [i for i in pending if not (before[i] & set(pending))] or pending[:1]
            done.append(ready[0])
            pending.remove(ready[0])
        return done

    def build(aid: str, path: list[str]) -> dict[str, Any]:
        if aid in path:
            raise PathwayError(f"{source}: association cycle: "
                               + " -> ".join(label(a) for a in [*path, aid]))
        a = achievements.get(aid, {})
        criteria = a.get("criteria")
        common = {
            "title": label(aid),
            "description": a.get("description") if isinstance(a.get("description"), str)
            else None,
            "criteria_url": criteria.get("id") if isinstance(criteria, dict)
            and isinstance(criteria.get("id"), str) else None,
        }
        common = {k: v for k, v in common.items() if v}
        kids = order(children.get(aid, []))
        if kids:
            return {"type": "all", **common, "of": [build(k, [*path, aid]) for k in kids]}
        ids = [aid, *sorted(same[aid])]
        return {"type": "credential", **common,
                "achievement_id": ids if len(ids) > 1 else aid}

    roots = [p for p in children if p not in has_parent]
    if children and not roots:
        raise PathwayError(f"{source}: association cycle: every parent is also a child")
    if not roots:
        roots = list(achievements)
    if not roots:
        raise PathwayError(f"{source}: the CLR has no achievements or associations to derive "
                           "a pathway from")
    reqs = [build(r, []) for r in order(roots)]
    title = doc.get("name") if isinstance(doc.get("name"), str) else None
    issuer = doc.get("issuer")
    provider = None
    if isinstance(issuer, dict):
        provider = {k: issuer[k] for k in ("id", "name", "url")
                    if isinstance(issuer.get(k), str)} or None
    elif isinstance(issuer, str):
        provider = {"id": issuer}
    data: dict[str, Any] = {
        "name": name or _slug(title or "clr") + "-pathway",
        "title": f"{title} (from CLR associations)" if title else "Pathway from CLR",
        "description": "Derived from the association graph of a Comprehensive Learner Record: "
                       "each parent achievement needs all of its children.",
        "requirements": reqs,
        "origin": {"kind": "clr", "ref": source},
    }
    if provider:
        data["provider"] = provider
    return pathway_from_dict(data, source)
