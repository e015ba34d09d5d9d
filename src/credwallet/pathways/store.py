"""Pathways inside the wallet (`WalletData.pathways`), and progress from a wallet.

Stored pathways are re-validated on every load: the wallet payload is trusted to be ours,
but a pathway written by an older version must fail clearly, not half-evaluate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from credwallet.errors import BadInput, NotFound, PathwayError, UsageError
from credwallet.models import WalletData
from credwallet.models.entry import DamagedEntry
from credwallet.pathways.evaluate import Evaluator
from credwallet.pathways.held import HeldCredential, held_from_stored
from credwallet.pathways.issuers import fold, refuse_name_only
from credwallet.pathways.loader import pathway_from_dict
from credwallet.pathways.model import Pathway
from credwallet.pathways.progress import PathwayProgress


def stored_pathways(data: WalletData) -> list[Pathway]:
    out = []
    for i, raw in enumerate(data.pathways):
        label = raw.get("name") if isinstance(raw, dict) else None
        out.append(pathway_from_dict(raw, f"stored pathway {label or '#' + str(i + 1)}"))
    return out


def get_pathway(data: WalletData, name: str) -> Pathway:
    for p in stored_pathways(data):
        if p.name == name:
            return p
    raise NotFound(f"no pathway named {name!r}", hint="see `credwallet pathway list`")


def find_cycle(pathways: Iterable[Pathway]) -> list[str] | None:
    """A dependency cycle among stacked pathways, as a list of names ending where it starts.

    Iterative depth-first search: a wallet may store a chain of any number of pathways each
    stacking the next, which a recursive walk would have to follow frame by frame."""
    refs = {p.name: sorted(p.pathway_refs()) for p in pathways}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    for start in refs:
        if state.get(start) is not None:
            continue
        path = [start]
        state[start] = 1
        todo = [iter(refs[start])]
        while todo:
            dep = next(todo[-1], None)
            if dep is None:
                state[path.pop()] = 2
                todo.pop()
                continue
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep in refs and state.get(dep) is None:
                state[dep] = 1
                path.append(dep)
                todo.append(iter(refs[dep]))
    return None


def add_pathway(data: WalletData, pathway: Pathway, *, replace: bool = False) -> list[str]:
    """Store a pathway; returns warnings (e.g. stacked pathways not in the wallet yet). A
    requirement naming its issuer by name alone is refused (pathways/issuers.py)."""
    refuse_name_only(pathway, held_issuers(data))
    existing = stored_pathways(data)
    if any(p.name == pathway.name for p in existing) and not replace:
        raise UsageError(f"a pathway named {pathway.name!r} already exists",
                         hint="use --replace to overwrite it, or --name to store it under "
                              "another name")
    others = [p for p in existing if p.name != pathway.name]
    cycle = find_cycle([pathway, *others])  # start at the new one: clearer message
    if cycle:
        raise PathwayError(f"pathway {pathway.name!r} would create a cycle: "
                           + " -> ".join(cycle))
    known = {p.name for p in others}
    warnings = [f"stacks pathway {ref!r}, which is not in the wallet yet"
                for ref in sorted(pathway.pathway_refs() - known)]
    data.pathways = [p.stored() for p in others] + [pathway.stored()]
    return warnings


def held_issuers(data: WalletData) -> dict[str, list[str]]:
    """Folded issuer name -> the distinct issuer ids the wallet holds credentials from under
    that name (for the hint of a refused name-only requirement)."""
    out: dict[str, list[str]] = {}
    for cred in data.credentials:
        if cred.issuer_name and cred.issuer_id:
            ids = out.setdefault(fold(cred.issuer_name), [])
            if cred.issuer_id not in ids:
                ids.append(cred.issuer_id)
    return out


def remove_pathway(data: WalletData, name: str) -> list[str]:
    """Remove; returns the names of pathways that stacked it (they will show it missing)."""
    existing = stored_pathways(data)
    if not any(p.name == name for p in existing):
        raise NotFound(f"no pathway named {name!r}", hint="see `credwallet pathway list`")
    rest = [p for p in existing if p.name != name]
    data.pathways = [p.stored() for p in rest]
    return sorted(p.name for p in rest if name in p.pathway_refs())


def held_credentials(data: WalletData, now: datetime) -> list[HeldCredential]:
    """Views of every stored credential with its counting status."""
    from credwallet.ingest.describe import credential_view

    out = []
    for cred in data.credentials:
        if cred.format.startswith("vp-"):
            continue  # an envelope: only the credentials inside can satisfy a requirement
        try:
            view = credential_view(cred, data.cache)
        except (BadInput, DamagedEntry):
            continue  # an entry with no readable credential cannot satisfy anything
        out.append(held_from_stored(cred, view, now))
    return out


def wallet_progress(data: WalletData, now: datetime,
                    names: Sequence[str] | None = None) -> list[PathwayProgress]:
    pathways = stored_pathways(data)
    if names:
        by_name = {p.name: p for p in pathways}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise NotFound(f"no pathway named {missing[0]!r}",
                           hint="see `credwallet pathway list`")
        chosen = [by_name[n] for n in names]
    else:
        chosen = pathways
    ev = Evaluator(held_credentials(data, now), now, {p.name: p for p in pathways})
    return [ev.evaluate(p) for p in chosen]
