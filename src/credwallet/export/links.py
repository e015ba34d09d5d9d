"""Where an employer can check a credential themselves (#14 item 7).

Only a link that leads to the issuer's own copy is offered: an Open Badges 2.0 hosted
assertion's URL (the issuer serves the assertion there; that is how a hosted badge is
verified) or an Open Badges 3.0 / W3C credential's `id` when it is a public https URL. A
signed OB 2.0 badge's id, a `urn:uuid:`, a private or loopback address: no link, and the
reader is told to verify the presentation sent with the résumé instead.
"""

from __future__ import annotations

from typing import Any, Literal, assert_never

from credwallet.export.facts import public_https
from credwallet.formats import Family, Securing, UnknownFormat, spec
from credwallet.models.view import CredentialView

LinkKind = Literal["hosted_assertion", "credential_id"]
ATTACHED = "verify with the attached presentation"


def link_kind(fmt: str) -> LinkKind | None:
    """What a public https `id` of a credential in format `fmt` is, if it can be followed."""
    try:
        family = spec(fmt).family
    except UnknownFormat:
        return None
    match family:
        case Family.OB2_HOSTED:
            return "hosted_assertion"
        case Family.OB1:
            # A hosted 1.x assertion lives at its id (verify.url); a signed one's id is `uid:`.
            return "hosted_assertion" if spec(fmt).securing is Securing.HOSTED else None
        case Family.VC_DATA_INTEGRITY | Family.VC_JWT | Family.CLR:
            return "credential_id"
        case Family.OB2_SIGNED | Family.SD_JWT_VC | Family.VP_DATA_INTEGRITY | Family.VP_JWT:
            # A signed 2.0 badge is checked by its signature, not at its id; the others have
            # no id that names a hosted copy.
            return None
        case _:
            assert_never(family)


def verify_link(view: CredentialView) -> dict[str, Any] | None:
    """`{"url", "kind"}` for a credential an employer can follow, else None."""
    kind = link_kind(view.format)
    url = public_https(view.credential_id) if kind else None
    return {"url": url, "kind": kind} if url and kind else None


def link_label(link: dict[str, Any] | None) -> str:
    """How a line of text names the link (or its absence)."""
    if link is None:
        return ATTACHED
    if link["kind"] == "hosted_assertion":
        return "verify at the issuer (hosted assertion)"
    return "verify at the issuer"
