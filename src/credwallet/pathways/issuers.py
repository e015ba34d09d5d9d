"""Pathways name issuers by identifier (a DID or URL), never by display name (#14).

An issuer's name is what its key says about itself, and any key can say any name: a rule that
matched on `issuer_name` was met by an impostor's credential. So a requirement with
`issuer_name` and no `issuer_id` is refused when a pathway is added or checked, and one
already stored (by an older version) matches nothing and is reported as a problem. With
`issuer_id`, `issuer_name` is only the label shown for it.

Refused rather than converted: a pathway file means the same whatever the wallet holds when
it is added (`pathway check` has no wallet at all); the refusal names the ids held under that
name so the user can check one and write it down.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from credwallet.errors import PathwayError
from credwallet.pathways.model import AllOf, AtLeast, CredentialRequirement, CreditSum, Pathway

# Shown on a stored requirement that names its issuer only by name (progress, next steps).
NAME_ONLY_PROBLEM = ("names its issuer only by name (issuer_name), which any key can claim, so "
                     "it matches nothing; give the issuer's id (issuer_id) in the pathway file "
                     "and add it again with --replace")


def name_only(req: CredentialRequirement) -> bool:
    """True when the leaf would have to trust a display name to find its issuer."""
    return req.issuer_name is not None and req.issuer_id is None


def credential_leaves(pathway: Pathway) -> Iterator[CredentialRequirement]:
    stack: list[Any] = list(reversed(pathway.requirements))
    while stack:
        node = stack.pop()
        if isinstance(node, CredentialRequirement):
            yield node
        elif isinstance(node, AllOf | AtLeast | CreditSum):
            stack.extend(reversed(node.of))


def refuse_name_only(pathway: Pathway, held: Mapping[str, list[str]] | None = None) -> None:
    """PathwayError (exit 3) naming the first requirement that matches an issuer by name
    alone. `held`: folded issuer name -> ids of the issuers the wallet holds credentials
    from under that name (they are suggested in the hint, for the user to check)."""
    bad = [leaf for leaf in credential_leaves(pathway) if name_only(leaf)]
    if not bad:
        return
    first = bad[0]
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    name = first.issuer_name or ""
    ids = (held or {}).get(fold(name), [])
    if len(ids) == 1:
        hint = (f'the wallet holds credentials from one issuer of that name: issuer_id = '
                f'"{ids[0]}" (check it is the issuer you mean)')
    elif ids:
        hint = (f"the wallet holds credentials from {len(ids)} different issuers calling "
                f"themselves {name!r} ({', '.join(ids[:3])}): name the real one by its id")
    else:
        hint = "give issuer_id (the issuer's DID or URL); issuer_name may stay as its label"
    raise PathwayError(
        f"pathway {pathway.name!r}: requirement {first.id!r} matches its issuer by name only "
        f"(issuer_name {name!r}){more}; issuers are matched by id (issuer_id), since any key "
        "can call itself by any name", hint=hint)


def fold(name: str | None) -> str:
    return " ".join(name.split()).casefold() if name else ""


def with_issuer_ids(pathway: Pathway, ids: Mapping[str, str]) -> Pathway:
    """A copy of `pathway` with each `issuer_id` found in `ids` replaced by its value (the
    demo's loopback issuer site stands in for the example issuers' published ids)."""
    data = pathway.stored()

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            if isinstance(node.get("issuer_id"), str) and node["issuer_id"] in ids:
                node["issuer_id"] = ids[node["issuer_id"]]
            walk(node.get("of") or [])

    walk(data["requirements"])
    return Pathway.model_validate(data)
