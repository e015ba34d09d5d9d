"""Open Badges 1.0 / 1.1 assertions, read in the 2.0 model (`credwallet.ingest.ob1`).

Hosted: the issuer serves an identical copy at the assertion's `verify.url` (1.1: its `id`), on
the origin of the issuer profile fetched from its own URL. Signed: a JWS (RS256) whose key is
the PEM public key at `verify.url`, on that same origin. The 1.x specification itself binds
nothing to the issuer; the origin rule is credwallet's, the same as the OB 2.0 default hosting
scope (docs/trust-model.md). Revocation: HTTP 410 / `revoked` for a hosted copy, and the
issuer's `revocationList` (a JSON object of `uid` -> reason) for both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from credwallet.formats import Securing, spec
from credwallet.ingest import Recognised
from credwallet.ingest import ob1 as upgrade
from credwallet.ingest.jsonutil import loads
from credwallet.models import Check, CheckName
from credwallet.verify.checks import ob2_recipients, recipient_check
from credwallet.verify.dates import parse_datetime
from credwallet.verify.env import Env, Outcome, doc_of, format_check
from credwallet.verify.families.ob2_common import ob2_dates
from credwallet.verify.keys import ResolvedKey
from credwallet.verify.material import Kind, as_of, cached_json, fetched_from, json_of
from credwallet.verify.status import EntryResult, combine
from credwallet.verify.suites import jose

Origin = tuple[str, str, int | None]


def _origin(url: Any) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, by its parsed authority."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    default = 443 if scheme == "https" else 80
    return scheme, parts.hostname.lower().rstrip("."), None if port in (None, default) else port


def _text(origin: Origin | None) -> str:
    if origin is None:
        return "?"
    return f"{origin[0]}://{origin[1]}" + (f":{origin[2]}" if origin[2] is not None else "")


class Graph:
    """The BadgeClass and issuer profile an assertion links to, each upgraded to 2.0 and each
    fetched from exactly its own URL (a 1.1 document naming itself otherwise binds nothing)."""

    def __init__(self, assertion: dict[str, Any], env: Env) -> None:
        self.notes: list[str] = []
        self.badge = self._linked(assertion.get("badge"), Kind.BADGECLASS, env)
        ref = self.badge.get("issuer") if self.badge is not None else None
        self.issuer = self._linked(ref, Kind.ISSUER, env)
        self.issuer_url = self.issuer.get("id") if self.issuer is not None else None

    def _linked(self, ref: Any, kind: Kind, env: Env) -> dict[str, Any] | None:
        what = "BadgeClass" if kind is Kind.BADGECLASS else "issuer profile"
        if isinstance(ref, dict):  # embedded: read, but only its own URL's copy counts
            ref = ref.get("id")
        if not isinstance(ref, str):
            self.notes.append(f"the {what} is not linked by URL")
            return None
        held = cached_json(env.material, ref, kind, exact=True)
        if held.value is None:
            self.notes.append(f"{what} {ref} {held.problem}")
            return None
        declared = held.value.get("id")
        if declared is not None and declared != ref:
            self.notes.append(f"the {what} fetched from {ref} names itself {str(declared)[:200]!r}")
            return None
        expected: upgrade.Class = "BadgeClass" if kind is Kind.BADGECLASS else "Issuer"
        return upgrade.upgrade_linked(held.value, ref, expected)


def verify_ob1(rec: Recognised, env: Env) -> Outcome:
    assertion = doc_of(rec)
    graph = Graph(assertion, env)
    checks = [
        format_check(rec.format),
        Check(check=CheckName.CONTEXTS, status="skipped",
              detail="Open Badges 1.x is read by its upgrade to the 2.0 terms (the 1EdTech "
                     "validator's rules), not by JSON-LD processing"),
    ]
    revocations: list[EntryResult] = []
    if spec(rec.format).securing is Securing.JWS:
        proof, binding, signer = _signed(rec, graph, env)
        suite = "OB 1.x JWS (RS256)"
    else:
        proof, binding, signer = _hosted(rec, graph, env, revocations)
        suite = "OB 1.x hosted"
    checks += [proof, binding, *ob2_dates(assertion, env)]
    revocations.append(_revocation_list(assertion, graph, env))
    checks.append(combine(revocations))
    checks.append(recipient_check(ob2_recipients(assertion), env.identities))
    checks.append(_schema(assertion, graph))
    return Outcome(checks, signer, suite)


def _original(rec: Recognised) -> dict[str, Any]:
    """The 1.x document as issued (before the upgrade)."""
    if rec.jwt_payload is not None:
        return rec.jwt_payload
    parsed = loads(rec.raw, what="Open Badges 1.x assertion")
    return parsed if isinstance(parsed, dict) else {}


def _on_issuer_origin(url: str, graph: Graph, what: str) -> Check:
    """`url` (the hosted copy or the key) lies on the origin of the issuer's own profile."""
    if graph.issuer_url is None:
        why = "; ".join(graph.notes) or "no issuer profile"
        return Check(check=CheckName.KEY_BINDING, status="failed",
                     detail=f"the {what} cannot be tied to the issuer: {why}")
    where, home = _origin(url), _origin(graph.issuer_url)
    if where is None or where != home:
        return Check(check=CheckName.KEY_BINDING, status="failed",
                     detail=f"the {what} at {url} is not on the origin of the issuer profile "
                            f"{graph.issuer_url} ({_text(home)})")
    return Check(check=CheckName.KEY_BINDING, status="passed",
                 detail=f"the {what} is on the origin of the issuer profile {graph.issuer_url}")


def _hosted(rec: Recognised, graph: Graph, env: Env,
            revocations: list[EntryResult]) -> tuple[Check, Check, str | None]:
    url = rec.hosted_url
    if url is None or _origin(url) is None:
        fail = "the assertion has no hosted URL (verify.url or id) to check it at"
        return (Check(check=CheckName.PROOF, status="failed", detail=fail),
                Check(check=CheckName.KEY_BINDING, status="failed", detail=fail), url)
    binding = _on_issuer_origin(url, graph, "hosted assertion")
    cached = fetched_from(env.material, url, Kind.ASSERTION)
    if cached is None:
        revocations.append(EntryResult("warning", "hosted status not checked (no cached copy)"))
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"the issuer's hosted copy at {url} was not cached at import; it "
                            "cannot be confirmed offline"), binding, url
    when = as_of(cached)
    if cached.http_status == 410:
        revocations.append(EntryResult("failed", f"revoked: HTTP 410 Gone at {url} (as of {when})"))
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"the issuer no longer hosts it: HTTP 410 (as of {when})"), binding, url
    if cached.http_status != 200:
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"hosted copy answered HTTP {cached.http_status} (as of {when})"), binding, url
    hosted = json_of(cached)
    if isinstance(hosted, dict) and hosted.get("revoked") is True:
        revocations.append(EntryResult("failed", f"revoked: the hosted copy says so (as of {when})"))
        return Check(check=CheckName.PROOF, status="passed",
                     detail=f"issuer hosts it at {url} (as of {when})"), binding, url
    if hosted != _original(rec):
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"the copy hosted at {url} (as of {when}) differs from this one"), binding, url
    revocations.append(EntryResult("passed", f"hosted copy not revoked (as of {when})"))
    return Check(check=CheckName.PROOF, status="passed",
                 detail=f"issuer hosts an identical copy at {url} (as of {when})"), binding, url


def _signed(rec: Recognised, graph: Graph, env: Env) -> tuple[Check, Check, str | None]:
    skipped = Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature")
    _vtype, key_url = upgrade.verify_object(_original(rec))
    if key_url is None or _origin(key_url) is None:
        return Check(check=CheckName.PROOF, status="failed",
                     detail="verify.url (the issuer's public key) is missing or not an http(s) URL"
                     ), skipped, None
    cached = fetched_from(env.material, key_url, Kind.PEM_KEY)
    if cached is None or cached.http_status != 200:
        why = "was not cached at import" if cached is None else f"answered HTTP {cached.http_status}"
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"public key {key_url} {why}"), skipped, key_url
    pem = cached.body_bytes().decode("utf-8", "replace").strip()
    if not pem.startswith("-----BEGIN "):
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"{key_url} (as of {as_of(cached)}) is not a PEM public key"), skipped, key_url
    key = ResolvedKey(vm_id=key_url, pem=pem, how=f"PEM public key {key_url} (as of {as_of(cached)})")
    try:
        ok = jose.verify_signature(jose.parse_compact(rec.raw, frozenset({"RS256"})), key)
    except jose.JwsError as exc:
        return Check(check=CheckName.PROOF, status="failed", detail=str(exc)), skipped, key_url
    if not ok:
        return Check(check=CheckName.PROOF, status="failed",
                     detail=f"JWS signature by {key_url} does not match the content"), skipped, key_url
    return (Check(check=CheckName.PROOF, status="passed",
                  detail=f"valid JWS RS256 signature by the key at {key_url} (as of {as_of(cached)})"),
            _on_issuer_origin(key_url, graph, "signing key"), key_url)


def _revocation_list(assertion: dict[str, Any], graph: Graph, env: Env) -> EntryResult:
    if graph.issuer is None:
        return EntryResult("warning", "revocation list not checked: issuer profile was not cached")
    url = graph.issuer.get("revocationList")
    if url is None:
        return EntryResult("passed", "the issuer publishes no revocation list")
    if not isinstance(url, str):
        return EntryResult("failed", "issuer revocationList is not a URL")
    held = cached_json(env.material, url, Kind.REVOCATION_LIST)
    if held.value is None:
        return EntryResult("warning", f"revocation list {url} {held.problem}")
    ids = {str(v) for v in (assertion.get("uid"), assertion.get("id")) if isinstance(v, str | int)}
    revoked, reason = upgrade.revoked_in(held.value, ids)
    if revoked:
        return EntryResult("failed", f"revoked{f' ({reason})' if reason else ''}: listed in {url} "
                                     f"(as of {held.as_of})")
    return EntryResult("passed", f"not revoked: absent from {url} (as of {held.as_of})")


def _schema(assertion: dict[str, Any], graph: Graph) -> Check:
    problems = list(graph.notes)
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        problems.append("recipient is not an IdentityObject")
    for key in ("badge", "issuedOn"):
        if key not in assertion:
            problems.append(f"{key} is missing")
    issued, expires = parse_datetime(assertion.get("issuedOn")), parse_datetime(assertion.get("expires"))
    if issued and expires and expires < issued:
        problems.append("expires is before issuedOn")
    for doc, what, keys in ((graph.badge, "BadgeClass", ("name", "description", "image", "criteria")),
                            (graph.issuer, "issuer profile", ("name", "url"))):
        missing = [k for k in keys if doc is not None and not doc.get(k)]
        if missing:
            problems.append(f"the {what} lacks {', '.join(missing)}")
    if problems:
        return Check(check=CheckName.SCHEMA, status="failed", detail="; ".join(problems))
    return Check(check=CheckName.SCHEMA, status="passed",
                 detail="Open Badges 1.x Assertion, BadgeClass and Issuer well formed (read in the "
                        "2.0 model)")
