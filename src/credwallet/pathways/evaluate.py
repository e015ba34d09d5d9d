"""Evaluate pathways against held credentials.

Counting rules:
* only verified credentials count (expired ones too when the pathway or leaf says so);
  matching credentials that do not count are listed with the reason;
* within one group a credential counts for at most one child (unless `allow_reuse`).
  Leaves of all-of / at-least-N groups are assigned by maximum bipartite matching
  (augmenting paths), so a greedy first choice never under-counts. When a group mixes
  leaves and sub-groups, both orders (sub-groups first, leaves first) are tried and the
  better kept;
* a credits group sums each distinct credential once: `creditsEarned`, else the
  achievement's `creditsAvailable`, else the value the leaf assigns;
* a stacked pathway is evaluated once (memoised); the credentials it used are not counted
  again by its siblings. Cycles and unknown pathways are reported on the node, never looped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from credwallet.pathways.held import HeldCredential, older_than
from credwallet.pathways.issuers import NAME_ONLY_PROBLEM, name_only
from credwallet.pathways.match import HeldIndex, describe
from credwallet.pathways.model import (
    AllOf,
    AtLeast,
    CredentialRequirement,
    CreditSum,
    Pathway,
    PathwayRequirement,
)
from credwallet.pathways.progress import (
    CreditsProgress,
    CredRef,
    NextStep,
    NodeProgress,
    NotCounted,
    PathwayProgress,
    state_of,
)

EPS = 1e-9
MAX_NEXT_STEPS = 25
MAX_STACK_DEPTH = 16  # pathways stacking pathways; keeps recursion far from Python's limit
MAX_USED_ELSEWHERE = 10  # "already counted elsewhere" hints shown per requirement
Node = CredentialRequirement | PathwayRequirement | AllOf | AtLeast | CreditSum


@dataclass(frozen=True, slots=True)
class _Settings:
    count_expired: bool
    within_years: float | None
    # Inside a credits group, over-satisfied groups keep the children worth most credits;
    # elsewhere the children using fewest credentials (leaving more for siblings).
    prefer_credits: bool = False


@dataclass(slots=True)
class _Res:
    node: NodeProgress
    used: frozenset[str]  # credential ids this child consumes within its parent group
    credit_value: float = 0.0


def credit_value(h: HeldCredential, assigned: float | None) -> float:
    v = h.view
    for value in (v.credits_earned, v.achievement.credits_available, assigned):
        if value is not None and value >= 0:
            return float(value)
    return 0.0


class Evaluator:
    """Evaluates many pathways over one set of held credentials (index built once)."""

    def __init__(self, held: Sequence[HeldCredential], now: datetime,
                 pathways_by_name: Mapping[str, Pathway] | None = None) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.index = HeldIndex(held)
        self.now = now
        self.pathways = dict(pathways_by_name or {})
        self._memo: dict[str, tuple[PathwayProgress, frozenset[str]]] = {}
        self._stack: list[str] = []
        self._split_cache: dict[tuple[int, bool, float | None],
                                tuple[list[HeldCredential], list[NotCounted]]] = {}

    # -- public ---------------------------------------------------------------------------

    def evaluate(self, pathway: Pathway) -> PathwayProgress:
        registered = self.pathways.get(pathway.name) is pathway
        if registered and pathway.name in self._memo:
            return self._memo[pathway.name][0]
        out = self._evaluate(pathway)
        if registered:
            self._memo[pathway.name] = out
        return out[0]

    # -- pathways -------------------------------------------------------------------------

    def _evaluate(self, pathway: Pathway) -> tuple[PathwayProgress, frozenset[str]]:
        self._stack.append(pathway.name)
        try:
            settings = _Settings(pathway.count_expired, pathway.valid_within_years)
            root: AllOf | AtLeast
            if pathway.count is None:
                root = AllOf.model_construct(type="all", id="root", title=None, description=None,
                                             criteria_url=None, of=pathway.requirements,
                                             allow_reuse=False)
            else:
                root = AtLeast.model_construct(type="at_least", id="root", title=None,
                                               description=None, criteria_url=None,
                                               count=pathway.count, of=pathway.requirements,
                                               allow_reuse=False)
            res = self._group(root, settings, frozenset())
        finally:
            self._stack.pop()
        node = res.node
        progress = PathwayProgress(
            name=pathway.name,
            title=pathway.display_title(),
            description=pathway.description,
            url=pathway.url,
            complete=node.satisfied,
            satisfied=min(node.satisfied_count or 0, node.required or 0),
            required=node.required or 0,
            progress=node.progress,
            credits=_total_credits(node.requirements),
            requirements=node.requirements,
            next_steps=_next_steps([node]),
            problems=_problems(node.requirements),
        )
        return progress, res.used

    def _named(self, name: str) -> tuple[PathwayProgress, frozenset[str]] | str:
        if len(self._stack) >= MAX_STACK_DEPTH:
            return f"pathways stacked more than {MAX_STACK_DEPTH} deep; not evaluated"
        if name in self._stack:
            cycle = [*self._stack[self._stack.index(name):], name]
            return "cycle: " + " -> ".join(cycle)
        if name in self._memo:
            return self._memo[name]
        pathway = self.pathways.get(name)
        if pathway is None:
            return f"unknown pathway {name!r} (add it with `credwallet pathway add`)"
        out = self._evaluate(pathway)
        self._memo[name] = out
        return out

    # -- dispatch -------------------------------------------------------------------------

    def _eval(self, node: Node, s: _Settings, taken: frozenset[str]) -> _Res:
        if isinstance(node, CredentialRequirement):
            got = self._counting(node, s, taken)
            chosen = [max(got, key=lambda h: credit_value(h, node.credits))] if got else []
            return self._leaf_res(node, s, taken, chosen)
        if isinstance(node, PathwayRequirement):
            return self._pathway_leaf(node)
        if isinstance(node, CreditSum):
            return self._credits(node, s, taken)
        return self._group(node, s, taken)

    # -- leaves ---------------------------------------------------------------------------

    def _split(self, leaf: CredentialRequirement,
               s: _Settings) -> tuple[list[HeldCredential], list[NotCounted]]:
        count_expired = leaf.count_expired if leaf.count_expired is not None else s.count_expired
        within = leaf.valid_within_years or s.within_years
        key = (id(leaf), count_expired, within)
        hit = self._split_cache.get(key)
        if hit is not None:
            return hit
        counting: list[HeldCredential] = []
        rejected: list[NotCounted] = []
        for h in self.index.matching(leaf):
            if not (h.status == "verified" or (h.status == "expired" and count_expired)):
                reason = h.reason or h.status
                if h.status == "expired":
                    reason += " (this pathway does not count expired credentials)"
                rejected.append(NotCounted.model_construct(id=h.id, name=h.label,
                                                           status=h.status, reason=reason))
            elif within is not None and older_than(h.view, within, self.now):
                rejected.append(NotCounted.model_construct(
                    id=h.id, name=h.label, status="too_old",
                    reason=f"issued more than {within:g} years ago (or issue date unknown)"))
            else:
                counting.append(h)
        self._split_cache[key] = (counting, rejected)
        return counting, rejected

    def _counting(self, leaf: CredentialRequirement, s: _Settings,
                  taken: frozenset[str]) -> list[HeldCredential]:
        return [h for h in self._split(leaf, s)[0] if h.id not in taken]

    def _leaf_res(self, leaf: CredentialRequirement, s: _Settings, taken: frozenset[str],
                  chosen: list[HeldCredential]) -> _Res:
        counting, rejected = self._split(leaf, s)
        not_counted = list(rejected)
        chosen_ids = {h.id for h in chosen}
        elsewhere = 0
        for h in counting:
            if h.id in taken and h.id not in chosen_ids and elsewhere < MAX_USED_ELSEWHERE:
                elsewhere += 1
                not_counted.append(NotCounted.model_construct(
                    id=h.id, name=h.label, status="used_elsewhere",
                    reason="already counted for another requirement"))
        ok = bool(chosen)
        value = sum(credit_value(h, leaf.credits) for h in chosen)
        node = NodeProgress(
            id=leaf.id or "", type="credential", title=describe(leaf), satisfied=ok,
            state=state_of(ok, 1.0 if ok else 0.0), progress=1.0 if ok else 0.0,
            matched_by=[h.id for h in chosen],
            matched=[CredRef.model_construct(id=h.id, name=h.label,
                                             credits=credit_value(h, leaf.credits))
                     for h in chosen],
            not_counted=not_counted, criteria_url=leaf.criteria_url or _criteria_hint(rejected,
                                                                                      self.index),
            description=leaf.description,
            problem=NAME_ONLY_PROBLEM if name_only(leaf) else None,
        )
        return _Res(node, frozenset(chosen_ids), value)

    def _label(self, cid: str) -> str:
        h = self.index.by_id.get(cid)
        return h.label if h else cid

    def _pathway_leaf(self, req: PathwayRequirement) -> _Res:
        got = self._named(req.pathway)
        title = req.title or f"pathway {req.pathway} complete"
        if isinstance(got, str):
            node = NodeProgress(id=req.id or "", type="pathway", title=title, satisfied=False,
                                state="missing", progress=0.0, pathway=req.pathway, problem=got,
                                criteria_url=req.criteria_url, description=req.description)
            return _Res(node, frozenset())
        prog, used = got
        ids = sorted(used)
        value = 0.0
        if prog.complete:
            value = req.credits if req.credits is not None else _sum_credits(prog.requirements)
        node = NodeProgress(
            id=req.id or "", type="pathway", title=title, satisfied=prog.complete,
            state=state_of(prog.complete, prog.progress), progress=prog.progress,
            matched_by=ids, matched=[CredRef(id=i, name=self._label(i)) for i in ids],
            pathway=req.pathway, criteria_url=req.criteria_url or prog.url,
            description=req.description,
            problem=f"in pathway {req.pathway!r}: {prog.problems[0]}" if prog.problems else None,
            credits=CreditsProgress(earned=value, required=req.credits)
            if req.credits is not None else None,
        )
        return _Res(node, used if prog.complete else frozenset(), value)

    # -- groups ---------------------------------------------------------------------------

    def _group(self, g: AllOf | AtLeast, s: _Settings, taken: frozenset[str]) -> _Res:
        need = len(g.of) if isinstance(g, AllOf) else g.count
        results = ([self._eval(c, s, taken) for c in g.of] if g.allow_reuse
                   else self._assign(g.of, s, taken))
        sat = [r for r in results if r.node.satisfied]
        ok = len(sat) >= need
        fractions = sorted((r.node.progress for r in results), reverse=True)[:need]
        progress = min(1.0, sum(fractions) / need)
        # Over-satisfied: count the children that use fewest credentials (then most
        # credits) and free the rest for siblings.
        if s.prefer_credits:
            best = sorted(sat, key=lambda r: (-r.credit_value, len(r.used)))
        else:
            best = sorted(sat, key=lambda r: (len(r.used), -r.credit_value))
        counted = best[:need] if ok else results
        used = frozenset().union(*(r.used for r in counted)) if counted else frozenset()
        title = g.title or (f"all of {len(g.of)}" if isinstance(g, AllOf)
                            else f"at least {need} of {len(g.of)}")
        node = NodeProgress(
            id=g.id or "", type=g.type, title=title, satisfied=ok,
            state=state_of(ok, progress), progress=progress,
            matched_by=sorted(used), required=need, satisfied_count=len(sat),
            criteria_url=g.criteria_url, description=g.description,
            requirements=[r.node for r in results],
        )
        return _Res(node, used, sum(r.credit_value for r in counted))

    def _assign(self, children: list[Any], s: _Settings, taken: frozenset[str]) -> list[_Res]:
        """Evaluate children so that no credential serves two of them."""
        out: dict[int, _Res] = {}
        for i, c in enumerate(children):
            if isinstance(c, PathwayRequirement):
                out[i] = self._pathway_leaf(c)
        base = taken.union(*(r.used for r in out.values())) if out else taken
        leaves = [(i, c) for i, c in enumerate(children) if isinstance(c, CredentialRequirement)]
        groups = [(i, c) for i, c in enumerate(children)
                  if isinstance(c, AllOf | AtLeast | CreditSum)]

        def groups_then_leaves() -> dict[int, _Res]:
            res: dict[int, _Res] = {}
            t = base
            for i, c in groups:
                res[i] = self._eval(c, s, t)
                t = t | res[i].used
            res.update(self._match_leaves(leaves, s, t))
            return res

        def leaves_then_groups() -> dict[int, _Res]:
            res = self._match_leaves(leaves, s, base)
            t = base.union(*(r.used for r in res.values())) if res else base
            for i, c in groups:
                res[i] = self._eval(c, s, t)
                t = t | res[i].used
            return res

        if groups and leaves:
            a, b = groups_then_leaves(), leaves_then_groups()
            out.update(a if _score(a, s) >= _score(b, s) else b)
        else:
            out.update(groups_then_leaves())
        return [out[i] for i in range(len(children))]

    def _match_leaves(self, leaves: list[tuple[int, CredentialRequirement]], s: _Settings,
                      taken: frozenset[str]) -> dict[int, _Res]:
        """Maximum bipartite matching of leaves to distinct credentials (Kuhn's algorithm; inside
        a credits group, the maximum matching that earns most credits)."""
        # Most credits first, so a credits group above gets the most out of each leaf.
        cands = {i: _by_credits(self._counting(leaf, s, taken), leaf.credits)
                 for i, leaf in leaves}
        if s.prefer_credits and len(leaves) > 1:
            best = _max_credit_matching(leaves, cands)
            return self._leaf_results(leaves, s, taken, best, {h.id: i for i, h in best.items()})
        owner: dict[str, int] = {}
        assigned: dict[int, HeldCredential] = {}

        def augment(i: int, seen: set[str]) -> bool:
            for h in cands[i]:
                if h.id in seen:
                    continue
                seen.add(h.id)
                j = owner.get(h.id)
                if j is None or augment(j, seen):
                    owner[h.id] = i
                    assigned[i] = h
                    return True
            return False

        # Fewest candidates first: cheaper and gives scarce credentials to picky leaves.
        for i, _ in sorted(leaves, key=lambda x: len(cands[x[0]])):
            augment(i, set())
        return self._leaf_results(leaves, s, taken, assigned, owner)

    def _leaf_results(self, leaves: list[tuple[int, CredentialRequirement]], s: _Settings,
                      taken: frozenset[str], assigned: dict[int, HeldCredential],
                      owner: dict[str, int]) -> dict[int, _Res]:
        res: dict[int, _Res] = {}
        for i, leaf in leaves:
            h = assigned.get(i)
            # Credentials used by siblings show as "used elsewhere" on this leaf.
            others = taken | (frozenset(owner) - ({h.id} if h else set()))
            res[i] = self._leaf_res(leaf, s, others, [h] if h else [])
        return res

    def _credits(self, g: CreditSum, s: _Settings, taken: frozenset[str]) -> _Res:
        s = replace(s, prefer_credits=True)
        results, t = self._credit_units(g, s, taken)
        offers = self._credit_offers(g, s, t)
        from_units = sum(r.credit_value for r in results.values())
        earned = from_units + sum(v for *_, v in offers)
        ok = earned + EPS >= g.credits
        # Count just enough (largest first) so siblings keep the rest.
        chosen = _just_enough(offers, g.credits - from_units) if ok else offers
        results.update(self._credit_leaf_results(g, s, t, offers, chosen))
        used = frozenset().union(*(r.used for i, r in results.items()
                                   if not isinstance(g.of[i], CredentialRequirement)))
        used = used | {h.id for _, h, _ in chosen}
        progress = min(1.0, earned / g.credits)
        node = NodeProgress(
            id=g.id or "", type="credits", title=g.title or f"at least {g.credits:g} credits",
            satisfied=ok, state=state_of(ok, progress), progress=progress,
            matched_by=sorted(used), credits=CreditsProgress(earned=earned, required=g.credits),
            criteria_url=g.criteria_url, description=g.description,
            requirements=[results[i].node for i in range(len(g.of))],
        )
        return _Res(node, used, earned)

    def _credit_units(self, g: CreditSum, s: _Settings,
                      taken: frozenset[str]) -> tuple[dict[int, _Res], frozenset[str]]:
        """Stacked pathways, then sub-groups, by position, and every credential taken after them.

        Leaves come last: they pick among what the units left."""
        results: dict[int, _Res] = {}
        t = taken
        for i, c in enumerate(g.of):
            if isinstance(c, PathwayRequirement):
                results[i] = self._pathway_leaf(c)
                t = t | results[i].used
        for i, c in enumerate(g.of):
            if isinstance(c, AllOf | AtLeast | CreditSum):
                r = self._eval(c, s, t)
                if not r.node.satisfied and not isinstance(c, CreditSum):
                    r.credit_value = 0.0  # an unfinished unit earns nothing
                results[i] = r
                t = t | r.used
        return results, t

    def _credit_offers(self, g: CreditSum, s: _Settings, taken: frozenset[str]) -> list[_Offer]:
        """Every counting credential of every leaf with its credits; a credential is offered
        once, by the first leaf it matches (the sum counts each credential once)."""
        seen: set[str] = set()
        offers: list[_Offer] = []
        for i, c in enumerate(g.of):
            if isinstance(c, CredentialRequirement):
                mine = [h for h in self._counting(c, s, taken) if h.id not in seen]
                seen.update(h.id for h in mine)
                offers.extend((i, h, credit_value(h, c.credits)) for h in mine)
        return offers

    def _credit_leaf_results(self, g: CreditSum, s: _Settings, taken: frozenset[str],
                             offers: list[_Offer], chosen: list[_Offer]) -> dict[int, _Res]:
        counted_ids = {h.id for _, h, _ in chosen}
        results: dict[int, _Res] = {}
        for i, c in enumerate(g.of):
            if isinstance(c, CredentialRequirement):
                # Show what is counted; extra matches beyond the sum needed stay free.
                hs = [h for j, h, _ in chosen if j == i]
                res = self._leaf_res(c, s, taken, hs)
                spare = [h for j, h, _ in offers if j == i and h.id not in counted_ids]
                res.node.not_counted += [NotCounted.model_construct(
                    id=h.id, name=h.label, status="not_needed",
                    reason="matches, but the credits required are already met")
                    for h in spare[:MAX_USED_ELSEWHERE]]
                results[i] = res
        return results


_Offer = tuple[int, HeldCredential, float]  # (leaf position in the group, credential, its credits)


def _just_enough(offers: list[_Offer], need: float) -> list[_Offer]:
    """The largest offers, in that order, until `need` credits are reached."""
    chosen: list[_Offer] = []
    acc = 0.0
    for offer in sorted(offers, key=lambda x: -x[2]):
        if acc + EPS >= need:
            break
        chosen.append(offer)
        acc += offer[2]
    return chosen


def _max_credit_matching(leaves: list[tuple[int, CredentialRequirement]],
                         cands: dict[int, list[HeldCredential]]) -> dict[int, HeldCredential]:
    """Most leaves matched, then most credits: min-cost max-flow by successive shortest paths
    (Bellman-Ford queue; at most one augmentation per leaf, so it stays small)."""
    from collections import deque

    cred_node: dict[str, int] = {}
    creds: list[HeldCredential] = []
    for i, _leaf in leaves:
        for h in cands[i]:
            if h.id not in cred_node:
                cred_node[h.id] = len(creds)
                creds.append(h)
    n_leaf = len(leaves)
    source, sink = 0, 1 + n_leaf + len(creds)
    graph: list[list[list[Any]]] = [[] for _ in range(sink + 1)]  # [to, cap, cost, rev]

    def edge(a: int, b: int, cost: float) -> None:
        graph[a].append([b, 1, cost, len(graph[b])])
        graph[b].append([a, 0, -cost, len(graph[a]) - 1])

    for k, (i, leaf) in enumerate(leaves):
        edge(source, 1 + k, 0.0)
        for h in cands[i]:
            edge(1 + k, 1 + n_leaf + cred_node[h.id], -credit_value(h, leaf.credits))
    for c in range(len(creds)):
        edge(1 + n_leaf + c, sink, 0.0)
    for _ in range(n_leaf):
        dist = [float("inf")] * (sink + 1)
        prev: list[tuple[int, int] | None] = [None] * (sink + 1)
        dist[source] = 0.0
        queue, queued = deque([source]), {source}
        while queue:
            u = queue.popleft()
            queued.discard(u)
            for ei, (v, cap, cost, _rev) in enumerate(graph[u]):
                if cap > 0 and dist[u] + cost < dist[v] - EPS:
                    dist[v] = dist[u] + cost
                    prev[v] = (u, ei)
                    if v not in queued:
                        queued.add(v)
                        queue.append(v)
        if prev[sink] is None:
            break
        v = sink
        while v != source:
            step = prev[v]
            assert step is not None
            u, ei = step
            e = graph[u][ei]
            e[1] -= 1
            graph[v][e[3]][1] += 1
            v = u
    out: dict[int, HeldCredential] = {}
    for k, (i, _leaf) in enumerate(leaves):
        for v, cap, _cost, _rev in graph[1 + k]:
            if cap == 0 and 1 + n_leaf <= v < sink:
                out[i] = creds[v - 1 - n_leaf]
    return out


def _by_credits(hs: list[HeldCredential], assigned: float | None) -> list[HeldCredential]:
    return sorted(hs, key=lambda h: -credit_value(h, assigned))


def _score(res: dict[int, _Res], s: _Settings) -> tuple[int, float, float]:
    """Which assignment of a mixed group is better: more satisfied children, then (inside a
    credits group) more credits, then more overall progress."""
    satisfied = sum(r.node.satisfied for r in res.values())
    progress = sum(r.node.progress for r in res.values())
    credits = sum(r.credit_value for r in res.values() if r.node.satisfied)
    return (satisfied, credits, progress) if s.prefer_credits else (satisfied, progress, credits)


def _criteria_hint(rejected: list[NotCounted], index: HeldIndex) -> str | None:
    for nc in rejected:
        h = index.by_id.get(nc.id)
        if h and h.view.achievement.criteria_url:
            return h.view.achievement.criteria_url
    return None


def _sum_credits(nodes: list[NodeProgress]) -> float:
    total = 0.0
    for n in nodes:
        if n.type == "credits" and n.credits:
            total += n.credits.earned
        elif n.type == "credential":
            total += sum(m.credits or 0.0 for m in n.matched)
        elif n.type == "pathway" and n.credits:
            total += n.credits.earned
        else:
            total += _sum_credits(n.requirements)
    return total


def _total_credits(nodes: list[NodeProgress]) -> CreditsProgress | None:
    """Credits over the outermost credit groups (and credit-valued stacked pathways)."""
    earned = required = 0.0
    found = False
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if n.credits is not None and n.type in ("credits", "pathway"):
            found = True
            earned += n.credits.earned
            required += n.credits.required
        else:
            stack.extend(n.requirements)
    return CreditsProgress(earned=earned, required=required) if found else None


def _problems(nodes: list[NodeProgress]) -> list[str]:
    out: list[str] = []
    stack = list(nodes)
    while stack:
        n = stack.pop(0)
        if n.problem:
            out.append(f"{n.id}: {n.problem}")
        stack.extend(n.requirements)
    return out


def _next_steps(nodes: list[NodeProgress]) -> list[NextStep]:
    steps: list[NextStep] = []

    def walk(n: NodeProgress) -> None:
        if n.satisfied or len(steps) >= MAX_NEXT_STEPS:
            return
        if n.type == "credential":
            blocked = [c for c in n.not_counted
                       if c.status not in ("used_elsewhere", "not_needed")]
            text = f"earn: {n.title}"
            if n.problem:  # cannot be met as written: earning more would not help
                text = f"fix the pathway: {n.title} {n.problem}"
            elif blocked:
                c = blocked[0]
                text += f" (you hold {c.name!r}, but it does not count: {c.reason})"
            steps.append(NextStep(requirement=n.id, text=text, url=n.criteria_url))
            return
        if n.type == "pathway":
            text = f"complete pathway {n.pathway!r}" + (f" ({n.problem})" if n.problem else "")
            steps.append(NextStep(requirement=n.id, text=text, url=n.criteria_url))
            return
        if n.type == "credits" and n.credits:
            more = n.credits.required - n.credits.earned
            steps.append(NextStep(requirement=n.id,
                                  text=f"earn {more:g} more credits for: {n.title}",
                                  url=n.criteria_url))
        elif n.type == "at_least" and n.required is not None:
            more = n.required - (n.satisfied_count or 0)
            steps.append(NextStep(requirement=n.id,
                                  text=f"complete {more} more of the options for: {n.title}",
                                  url=n.criteria_url))
        for child in n.requirements:
            walk(child)

    for n in nodes:
        walk(n)
    return steps


def evaluate(pathway: Pathway, held: Sequence[HeldCredential], now: datetime,
             pathways_by_name: Mapping[str, Pathway] | None = None) -> PathwayProgress:
    """Progress of one pathway (stacked pathways looked up in `pathways_by_name`)."""
    return Evaluator(held, now, pathways_by_name).evaluate(pathway)


def evaluate_all(pathways: Sequence[Pathway], held: Sequence[HeldCredential],
                 now: datetime) -> list[PathwayProgress]:
    ev = Evaluator(held, now, {p.name: p for p in pathways})
    return [ev.evaluate(p) for p in pathways]
