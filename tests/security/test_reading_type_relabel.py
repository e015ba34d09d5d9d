"""The reading rule's issuer-defined type names (verify/reading.py `_foreign_type`) must not
hide a type a bundled context defines.

Attack: take a signed credential whose status entry is `StatusList2021Entry` (revoked), put an
inline copy of the status-list context where the bundled URL was, with the entry type renamed
`Foo` (same IRI, same scoped context). The RDF, and so the signature, are unchanged; the
document no longer names the bundled context, so its reading shows the full IRI. Read by name,
the status entry is an "unsupported" type: a revoked credential verified with a warning.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credwallet.verify.contexts import bundled_contexts
from tests.verify.test_status_methods import SL2021, URL, dcc_credential, run, sl2021_entry, sl2021_list
from tests.verify.vutil import cached

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _inline_copy(url: str, renames: dict[str, str]) -> dict[str, Any]:
    ctx: dict[str, Any] = copy.deepcopy(bundled_contexts()[url]["@context"])
    for old, new in renames.items():
        ctx[new] = ctx.pop(old)
    return ctx


def _relabelled(signed: dict[str, Any], new_type: str, *, compact: bool = False) -> dict[str, Any]:
    forged = copy.deepcopy(signed)
    ctx = _inline_copy(SL2021, {"StatusList2021Entry": new_type})
    if compact:  # the type written as a compact IRI through a prefix the inline context adds,
        # the entry's properties lifted to the top (no type-scoped context applies to it)
        ctx["sl"] = "https://w3id.org/vc/status-list#"
        ctx.update({k: v for k, v in ctx[new_type]["@context"].items() if not k.startswith("@")})
    forged["@context"] = [c if c != SL2021 else ctx for c in forged["@context"]]
    forged["credentialStatus"]["type"] = "sl:StatusList2021Entry" if compact else new_type
    return forged


@pytest.mark.parametrize(("new_type", "compact"), [("Foo", False), ("statusList2021Entry", False),
                                                    ("Foo", True)])
def test_a_revoked_status_entry_cannot_be_relabelled_into_an_unknown_type(new_type: str,
                                                                          compact: bool) -> None:
    lst = cached(URL, sl2021_list({6}), kind="status_list")
    signed = dcc_credential(sl2021_entry(6))
    assert run(signed, lst).check("revocation").status == "failed"
    result = run(_relabelled(signed, new_type, compact=compact), lst)
    assert result.check("proof").status == "passed"  # the RDF did not change
    assert not result.verified, [(c.check, c.status, c.detail[:120]) for c in result.checks]
    assert result.check("contexts").status == "failed"



def test_a_revoked_status_entry_cannot_hide_behind_its_own_iri() -> None:
    """The same hiding without a new name: the bundled status-list context dropped, the entry's
    properties defined inline with their own IRIs, and its type written as the absolute IRI.
    Literal and reading then agree (both the IRI), so no rename shows; but the type a bundled
    context names is written so that readers by name miss it."""
    lst = cached(URL, sl2021_list({6}), kind="status_list")
    signed = dcc_credential(sl2021_entry(6))
    scoped = bundled_contexts()[SL2021]["@context"]["StatusList2021Entry"]["@context"]
    inline = {k: v for k, v in scoped.items() if not k.startswith("@") and k not in ("id", "type")}
    forged = copy.deepcopy(signed)
    forged["@context"] = [c for c in forged["@context"] if c != SL2021] + [inline]
    forged["credentialStatus"]["type"] = "https://w3id.org/vc/status-list#StatusList2021Entry"
    result = run(forged, lst)
    assert result.check("proof").status == "passed"  # the RDF did not change
    assert result.check("contexts").status == "failed", result.check("contexts")
    assert not result.verified
