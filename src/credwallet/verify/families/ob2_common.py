"""What Open Badges 2.0 hosted and signed assertions share: the linked BadgeClass and issuer
profile, structure, contexts and dates.
"""

from __future__ import annotations

from typing import Any

from credwallet.models import Check, CheckName
from credwallet.verify.checks import expiry_check, not_before_check, types_of
from credwallet.verify.contexts import context_urls
from credwallet.verify.dates import parse_datetime
from credwallet.verify.env import Env
from credwallet.verify.keys import own_document
from credwallet.verify.material import Kind, cached_json

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def linked(env: Env, ref: Any, kind: Kind) -> tuple[dict[str, Any] | None, str]:
    """An OB2 linked document: embedded object, or cached at import by URL."""
    if isinstance(ref, dict):
        return ref, "embedded"
    if not isinstance(ref, str):
        return None, "missing"
    held = cached_json(env.material, ref, kind)
    if held.value is None:
        return None, f"{ref} {held.problem}"
    return held.value, f"cached {held.as_of}"


def ob2_graph(
    assertion: dict[str, Any], env: Env
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """BadgeClass and issuer profile as the assertion links them (embedded or cached).

    For display and structure only: what binds a key or a hosting scope is the issuer
    profile fetched from its own id (`own_profile`), never an embedded copy.
    """
    notes: list[str] = []
    badge, how = linked(env, assertion.get("badge"), Kind.BADGECLASS)
    if badge is None:
        notes.append(f"BadgeClass {how}")
        return None, None, notes
    issuer, how = linked(env, badge.get("issuer"), Kind.ISSUER)
    if issuer is None:
        notes.append(f"issuer profile {how}")
    return badge, issuer, notes


def own_profile(badge: dict[str, Any] | None, env: Env) -> tuple[dict[str, Any] | None, str | None, str]:
    """(profile fetched from its own id, the issuer id, why not): the only profile that binds."""
    ref = badge.get("issuer") if badge is not None else None
    ident = ref if isinstance(ref, str) else (ref.get("id") if isinstance(ref, dict) else None)
    if not isinstance(ident, str):
        return None, None, "the BadgeClass names no issuer profile URL"
    profile, why = own_document(env.material, ident, Kind.ISSUER)
    if profile is None:
        return None, ident, f"issuer profile {why}"
    return profile, ident, why


def ob2_schema(
    assertion: dict[str, Any],
    badge: dict[str, Any] | None,
    issuer: dict[str, Any] | None,
    notes: list[str],
) -> Check:
    problems = list(notes)
    if "Assertion" not in {t.rsplit(":", 1)[-1] for t in types_of(assertion)}:
        problems.append("type is not Assertion")
    for key in ("recipient", "badge", "verification", "issuedOn"):
        if key not in assertion:
            problems.append(f"{key} is missing")
    for key in ("issuedOn", "expires"):
        if key in assertion and parse_datetime(assertion[key]) is None:
            problems.append(f"{key} is not a valid date-time")
    issued = parse_datetime(assertion.get("issuedOn"))
    expires = parse_datetime(assertion.get("expires"))
    if issued and expires and expires < issued:
        problems.append("expires is before issuedOn")
    if badge is not None and "BadgeClass" not in {t.rsplit(":", 1)[-1] for t in types_of(badge)}:
        problems.append("badge is not a BadgeClass")
    if issuer is not None and not {t.rsplit(":", 1)[-1] for t in types_of(issuer)} & {
        "Issuer",
        "Profile",
    }:
        problems.append("issuer is not an Issuer/Profile")
    image = assertion.get("image")
    if isinstance(image, str) and image.startswith("data:"):
        problems.append("assertion image is a data: URI (not allowed in OB 2.0 assertions)")
    if problems:
        return Check(check=CheckName.SCHEMA, status="failed", detail="; ".join(problems))
    return Check(
        check=CheckName.SCHEMA, status="passed", detail="Assertion, BadgeClass and Issuer well formed"
    )


def ob2_contexts(assertion: dict[str, Any], env: Env) -> Check:
    urls = context_urls(assertion)
    if not any(u in OB2_CONTEXTS for u in urls):
        return Check(
            check=CheckName.CONTEXTS, status="failed", detail="the Open Badges 2.0 context is missing"
        )
    unknown = env.store.check(urls)
    if unknown:
        return Check(
            check=CheckName.CONTEXTS,
            status="failed",
            detail="unknown context(s), never fetched: " + ", ".join(unknown[:5]),
        )
    return Check(check=CheckName.CONTEXTS, status="passed", detail=f"{len(urls)} context(s), all bundled")


def ob2_dates(assertion: dict[str, Any], env: Env) -> list[Check]:
    return [
        not_before_check(assertion.get("issuedOn"), "issuedOn", env.now),
        expiry_check(assertion.get("expires"), "expires", env.now),
    ]
