"""Which held credentials a leaf requirement matches.

An index over the held credentials (achievement ids, alignments, CTIDs, tags, types,
issuer ids, names) lets a leaf look at a handful of candidates instead of scanning every
credential; 50 pathways over 10,000 credentials stay interactive. Leaves with only a
name pattern fall back to a scan, cached per distinct criteria.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from credwallet.models.view import AchievementView, CredentialView
from credwallet.pathways import saferegex
from credwallet.pathways.held import HeldCredential
from credwallet.pathways.issuers import name_only
from credwallet.pathways.model import CredentialRequirement

CTID_RE = re.compile(r"^ce-[0-9a-fA-F-]{36}$")


@functools.lru_cache(maxsize=1 << 16)
def _fold(s: str | None) -> str:
    return " ".join(s.split()).casefold() if s else ""


@functools.lru_cache(maxsize=1 << 16)
def _url(s: str | None) -> str:
    return s.strip().rstrip("/") if s else ""


@functools.lru_cache(maxsize=1 << 16)
def ctid_of(value: str | None) -> str | None:
    """The CTID in a CTID or a registry URI whose last segment is one."""
    if not value:
        return None
    last = value.strip().rstrip("/").rsplit("/", 1)[-1]
    return last.lower() if CTID_RE.match(last) else None


def _names(v: CredentialView) -> list[str]:
    return [n for n in (v.achievement.name, v.name) if n]


def _ctids(v: CredentialView) -> set[str]:
    out = {ctid_of(v.achievement.id)}
    for a in v.achievement.alignments:
        out.add(ctid_of(a.target_url))
        out.add(ctid_of(a.target_code))
    out.discard(None)
    return {c for c in out if c}


def matches(req: CredentialRequirement, view: CredentialView) -> bool:
    """True when the view satisfies every criterion the leaf gives."""
    ach = view.achievement
    return (_achievement_id_ok(req, ach)
            and _related_ok(req, ach)
            and _ctid_ok(req, view)
            and (req.alignment is None or _alignment_ok(req, view))
            and _name_ok(req, _names(view))
            and _issuer_ok(req, view)
            and _kind_ok(req, ach))


# One helper per criterion (or family of criteria); each is True when its criterion is absent.

def _achievement_id_ok(req: CredentialRequirement, ach: AchievementView) -> bool:
    if req.achievement_id is None:
        return True
    ids = [req.achievement_id] if isinstance(req.achievement_id, str) else req.achievement_id
    return ach.id is not None and _url(ach.id) in {_url(i) for i in ids}


def _related_ok(req: CredentialRequirement, ach: AchievementView) -> bool:
    """The achievement is the target or lists it among its related achievements."""
    if req.related_to is None:
        return True
    target = _url(req.related_to)
    return _url(ach.id) == target or target in {_url(r) for r in ach.related}


def _ctid_ok(req: CredentialRequirement, view: CredentialView) -> bool:
    """The CTID (or the registry URI itself) appears as the achievement id or an alignment."""
    if req.ctid is None:
        return True
    ach = view.achievement
    want = ctid_of(req.ctid) or req.ctid.strip().lower()
    urls = {_url(a.target_url) for a in ach.alignments} | {_url(ach.id)}
    return want in _ctids(view) or _url(req.ctid) in urls


def _name_ok(req: CredentialRequirement, names: list[str]) -> bool:
    """Exact name (case and spacing folded), glob pattern, or regex over either name."""
    if req.name is not None and _fold(req.name) not in {_fold(n) for n in names}:
        return False
    if req.name_pattern is not None:
        pat = _fold(req.name_pattern)
        if not any(fnmatch.fnmatchcase(_fold(n), pat) for n in names):
            return False
    if req.name_regex is not None:
        rx = re.compile(req.name_regex)  # checked safe by the model; re caches compiled ones
        return any(saferegex.search(rx, n) for n in names)
    return True


def _issuer_ok(req: CredentialRequirement, view: CredentialView) -> bool:
    """By id only. `issuer_name` is a label for `issuer_id`; on its own it matches nothing:
    a name is what the issuer's key says about itself, and any key can say any name."""
    if req.issuer_id is not None:
        return _url(view.issuer.id) == _url(req.issuer_id)
    return req.issuer_name is None


def _kind_ok(req: CredentialRequirement, ach: AchievementView) -> bool:
    """Achievement type and tag."""
    if req.achievement_type is not None and (
        _type(ach.achievement_type) != _type(req.achievement_type)
    ):
        return False
    return req.tag is None or _fold(req.tag) in {_fold(t) for t in ach.tags}


def _type(t: str | None) -> str:
    # OB 3.0 extension types are written "ext:Foo"; compare without the prefix.
    return _fold(t).removeprefix("ext:")


def _alignment_ok(req: CredentialRequirement, view: CredentialView) -> bool:
    want = req.alignment
    assert want is not None
    for a in view.achievement.alignments:
        if want.target_url and _url(a.target_url) != _url(want.target_url):
            continue
        if want.target_code and _fold(a.target_code) != _fold(want.target_code):
            continue
        if want.target_framework and _fold(a.target_framework) != _fold(want.target_framework):
            continue
        return True
    return False


class HeldIndex:
    """Held credentials indexed by the keys leaves are most often written against."""

    def __init__(self, held: Sequence[HeldCredential]) -> None:
        self.held = list(held)
        self.by_id = {h.id: h for h in self.held}
        idx: dict[str, defaultdict[str, list[int]]] = {
            k: defaultdict(list) for k in
            ("achievement_id", "related", "ctid", "code", "url", "name", "raw_name",
             "issuer_id", "type", "tag")
        }
        for i, h in enumerate(self.held):
            v, a = h.view, h.view.achievement
            if a.id:
                idx["achievement_id"][_url(a.id)].append(i)
                idx["related"][_url(a.id)].append(i)
            for r in a.related:
                idx["related"][_url(r)].append(i)
            for c in _ctids(v):
                idx["ctid"][c].append(i)
            for al in a.alignments:
                if al.target_code:
                    idx["code"][_fold(al.target_code)].append(i)
                if al.target_url:
                    idx["url"][_url(al.target_url)].append(i)
            for n in _names(v):
                idx["name"][_fold(n)].append(i)
                idx["raw_name"][n].append(i)
            if v.issuer.id:
                idx["issuer_id"][_url(v.issuer.id)].append(i)
            if a.achievement_type:
                idx["type"][_type(a.achievement_type)].append(i)
            for t in a.tags:
                idx["tag"][_fold(t)].append(i)
        self._idx = idx
        self._cache: dict[str, list[HeldCredential]] = {}

    def _candidates(self, req: CredentialRequirement) -> Iterable[int]:
        """Positions that may match, from the most selective indexed criterion given."""
        options = self._indexed_options(req)
        if not options and (req.name_pattern is not None or req.name_regex is not None):
            options.append(self._pattern_hits(req))
        if not options:
            return range(len(self.held))
        return _narrowest(options)

    def _indexed_options(self, req: CredentialRequirement) -> list[list[int]]:
        """One candidate list per indexed criterion the leaf gives, keyed the way matches()
        compares that criterion."""
        ix = self._idx
        options: list[list[int]] = []
        if req.achievement_id is not None:
            ids = req.achievement_id
            ids = [ids] if isinstance(ids, str) else ids
            options.append(sorted({p for i in ids for p in ix["achievement_id"].get(_url(i), [])}))
        if req.related_to is not None:
            options.append(ix["related"].get(_url(req.related_to), []))
        ctid = ctid_of(req.ctid)  # a URI not ending in a CTID is not indexed
        if ctid is not None:
            options.append(ix["ctid"].get(ctid, []))
        if req.alignment is not None:
            if req.alignment.target_code:
                options.append(ix["code"].get(_fold(req.alignment.target_code), []))
            elif req.alignment.target_url:
                options.append(ix["url"].get(_url(req.alignment.target_url), []))
        lookups: tuple[tuple[str | None, str, Callable[[str | None], str]], ...] = (
            (req.name, "name", _fold), (req.issuer_id, "issuer_id", _url),
            (req.achievement_type, "type", _type),
            (req.tag, "tag", _fold))
        for value, index, key in lookups:
            if value is not None:
                options.append(ix[index].get(key(value), []))
        return options

    def _pattern_hits(self, req: CredentialRequirement) -> list[int]:
        """Positions whose name matches the leaf's pattern or regex.

        Patterns are tried once per distinct name, not once per credential."""
        if req.name_pattern is not None:
            rx = re.compile(fnmatch.translate(_fold(req.name_pattern)))
            return sorted({p for n, ps in self._idx["name"].items() if rx.match(n) for p in ps})
        rx = re.compile(req.name_regex or "")
        return sorted({p for n, ps in self._idx["raw_name"].items()
                       if saferegex.search(rx, n) for p in ps})

    def matching(self, req: CredentialRequirement) -> list[HeldCredential]:
        """Every held credential the leaf matches, counting or not, in wallet order."""
        if name_only(req):
            return []  # an issuer named by its name alone (pathways/issuers.py)
        key = repr(req.criteria())  # field order is fixed, so equal criteria give equal keys
        hit = self._cache.get(key)
        if hit is None:
            hit = [self.held[i] for i in self._candidates(req) if matches(req, self.held[i].view)]
            self._cache[key] = hit
        return hit


def _narrowest(options: list[list[int]]) -> list[int]:
    """The shortest candidate list, narrowed by the next ones when that is cheap."""
    options.sort(key=len)
    best = options[0]
    # A second criterion usually narrows a lot (tag AND type): intersect before the
    # full check, when the other list is not much bigger than this one is worth.
    for other in options[1:3]:
        if len(best) > 8 and len(other) <= 50 * len(best):
            keep = set(other)
            best = [p for p in best if p in keep]
    return best


def describe(req: CredentialRequirement) -> str:
    """A short human description of what the leaf asks for."""
    if req.title:
        return req.title
    c: dict[str, Any] = req.criteria()
    parts = []
    for k, v in c.items():
        if k == "alignment":
            v = v.get("target_url") or ":".join(
                x for x in (v.get("target_framework"), v.get("target_code")) if x)
        elif isinstance(v, list):
            v = " or ".join(v)
        elif k == "ctid":
            v = ctid_of(v) or v  # the CTID says it all; the registry URI is long
        parts.append(f"{k.replace('_', ' ')} {v}")
    return "credential with " + ", ".join(parts)
