"""Open Badges 2.0 hosted assertions: the issuer's own server is the trust anchor."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from credwallet.models import Check, CheckName
from credwallet.verify.checks import as_list, ob2_recipients, recipient_check
from credwallet.verify.env import Env, Outcome, format_check
from credwallet.verify.families.ob2_common import ob2_contexts, ob2_dates, ob2_graph, ob2_schema, own_profile
from credwallet.verify.material import Kind, as_of, fetched_from, json_of
from credwallet.verify.status import EntryResult, combine, ob2_revocation_list_check


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a URL, by its parsed authority (never a raw string prefix)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return parts.scheme.lower(), parts.hostname.lower().rstrip("."), port if port != default else None


def _host_text(origin: tuple[str, str, int | None] | None) -> str:
    if origin is None:
        return "?"
    return origin[1] + (f":{origin[2]}" if origin[2] is not None else "")


def _ob2_scope(assertion_id: str, issuer: dict[str, Any] | None, why: str) -> Check:
    """Hosted verification: the assertion URL must be in the issuer's declared scope.

    The scope comes only from the issuer profile fetched from its own id (`own_profile`).
    """
    if issuer is None or not isinstance(issuer.get("id"), str):
        return Check(
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"hosting scope cannot be checked: {why}",
        )
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str) and s]
    origins = [o.lower() for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
    where = _origin(assertion_id)
    if where is None:
        return Check(
            check=CheckName.KEY_BINDING, status="failed", detail=f"assertion id {assertion_id} is not a URL"
        )
    # A prefix must also keep the origin: "https://issuer.example" must not admit
    # "https://issuer.example.attacker.net/...".
    if starts and not any(
        assertion_id.startswith(s) and (_origin(s) is None or _origin(s) == where) for s in starts
    ):
        return Check(
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"assertion id {assertion_id} does not start with the issuer's "
            f"allowed prefix(es) {starts}",
        )
    if origins and _host_text(where) not in origins and where[1] not in origins:
        return Check(
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"assertion host {_host_text(where)} is not in the issuer's allowedOrigins {origins}",
        )
    home = _origin(issuer["id"])
    if not starts and not origins and (home is None or home[1:] != where[1:]):
        return Check(
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"assertion host {_host_text(where)} differs from the issuer's host "
            f"{_host_text(home)} and the issuer declares no other origin",
        )
    return Check(
        check=CheckName.KEY_BINDING,
        status="passed",
        detail=f"assertion URL is within the issuer {issuer['id']}'s hosting scope",
    )


def verify_hosted(assertion: dict[str, Any], env: Env, fmt: str) -> Outcome:
    checks = [
        format_check(fmt),
        ob2_contexts(assertion, env),
    ]
    badge, issuer, notes = ob2_graph(assertion, env)
    profile, _, profile_why = own_profile(badge, env)
    aid = assertion.get("id") if isinstance(assertion.get("id"), str) else None
    vtype = (
        assertion.get("verification", {}).get("type")
        if isinstance(assertion.get("verification"), dict)
        else None
    )
    revocations: list[EntryResult] = []
    if aid is None or not aid.startswith(("https://", "http://")):
        proof = Check(
            check=CheckName.PROOF, status="failed", detail="hosted assertion id is not an HTTP(S) URL"
        )
    elif isinstance(vtype, str) and vtype.rsplit(":", 1)[-1] not in ("hosted", "HostedBadge"):
        proof = Check(
            check=CheckName.PROOF,
            status="failed",
            detail=f"verification type {vtype!r} needs a signature, but none is present",
        )
    else:
        cached = fetched_from(env.material, aid, Kind.ASSERTION)
        if cached is None:
            proof = Check(
                check=CheckName.PROOF,
                status="failed",
                detail=f"the issuer's hosted copy at {aid} was not cached at import; it "
                "cannot be confirmed offline",
            )
            revocations.append(EntryResult("warning", "hosted status not checked (no cached copy)"))
        elif cached.http_status == 410:
            proof = Check(
                check=CheckName.PROOF,
                status="failed",
                detail=f"the issuer no longer hosts it: HTTP 410 (as of {as_of(cached)})",
            )
            revocations.append(
                EntryResult("failed", f"revoked: HTTP 410 Gone at {aid} (as of {as_of(cached)})")
            )
        elif cached.http_status != 200:
            proof = Check(
                check=CheckName.PROOF,
                status="failed",
                detail=f"hosted copy answered HTTP {cached.http_status} (as of {as_of(cached)})",
            )
        else:
            hosted = json_of(cached)
            if isinstance(hosted, dict) and hosted.get("revoked") is True:
                proof = Check(
                    check=CheckName.PROOF,
                    status="passed",
                    detail=f"issuer hosts it at {aid} (as of {as_of(cached)})",
                )
                reason = hosted.get("revocationReason")
                revocations.append(
                    EntryResult(
                        "failed",
                        f"revoked{f' ({reason})' if isinstance(reason, str) else ''}: the "
                        f"hosted copy says so (as of {as_of(cached)})",
                    )
                )
            elif hosted == assertion:
                proof = Check(
                    check=CheckName.PROOF,
                    status="passed",
                    detail=f"issuer hosts an identical copy at {aid} (as of {as_of(cached)})",
                )
                revocations.append(EntryResult("passed", f"hosted copy not revoked (as of {as_of(cached)})"))
            else:
                proof = Check(
                    check=CheckName.PROOF,
                    status="failed",
                    detail=f"the copy hosted at {aid} (as of {as_of(cached)}) differs from this one",
                )
    checks.append(proof)
    checks.append(
        _ob2_scope(aid, profile, profile_why)
        if aid
        else Check(check=CheckName.KEY_BINDING, status="failed", detail="no assertion id")
    )
    checks += ob2_dates(assertion, env)
    revocations.append(ob2_revocation_list_check(assertion, profile, env.material))
    checks.append(combine(revocations))
    checks.append(recipient_check(ob2_recipients(assertion), env.identities))
    checks.append(ob2_schema(assertion, badge, issuer, notes))
    return Outcome(checks, aid, "OB 2.0 hosted")
