"""VC and Open Badges 3.0 credentials as JWTs (VC-JWT): the JWS covers the exact bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credwallet.ingest import Recognised
from credwallet.models import Check, CheckName
from credwallet.verify.checks import as_list, expiry_check, issuer_id, not_before_check, vc_dates
from credwallet.verify.dates import iso, parse_datetime
from credwallet.verify.env import Env, Outcome, doc_of, format_check
from credwallet.verify.families.data_integrity import contexts_check, vc_common
from credwallet.verify.keys import KeyUnavailable, ResolvedKey, binding_detail, resolve
from credwallet.verify.suites import jose


def _jwt_key(header: dict[str, Any], iss: str | None, env: Env, purpose: str) -> ResolvedKey:
    embedded = jose.header_key(header)
    kid = header.get("kid")
    resolved: ResolvedKey | None = None
    kid_error: str | None = None
    if isinstance(kid, str) and kid:
        ref = (iss + kid) if kid.startswith("#") and iss else kid
        if ref.startswith("did:key:") and "#" not in ref:
            ref = ref + "#" + ref.removeprefix("did:key:")
        try:
            resolved = resolve(ref, env.material, purpose)
        except KeyUnavailable as exc:
            kid_error = str(exc)
    if resolved is not None and embedded is not None and not jose.same_public_key(resolved, embedded):
        raise jose.JwsError(f"header jwk differs from the key {kid} names")
    if resolved is not None:
        return resolved
    if embedded is not None:
        if kid_error:
            embedded.notes.append(f"kid {kid!r}: {kid_error}")
        return embedded
    if kid_error:
        raise KeyUnavailable(kid_error)
    raise KeyUnavailable("the JWS header has neither jwk nor kid")

def jwt_signature(
    rec: Recognised,
    env: Env,
    expected: str | None,
    role: str,
    purpose: str,
    allowed: frozenset[str] = jose.ALLOWED_ALGS,
) -> tuple[list[Check], str | None, str | None]:
    try:
        parsed = jose.parse_compact(rec.raw, allowed)
    except jose.JwsError as exc:
        return (
            [
                Check(check=CheckName.PROOF, status="failed", detail=str(exc)),
                Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature"),
            ],
            None,
            None,
        )
    alg = str(parsed.header["alg"])
    iss = parsed.payload.get("iss") if isinstance(parsed.payload.get("iss"), str) else expected
    try:
        key = _jwt_key(parsed.header, iss, env, purpose)
        ok = jose.verify_signature(parsed, key)
    except (KeyUnavailable, jose.JwsError) as exc:
        return (
            [
                Check(check=CheckName.PROOF, status="failed", detail=f"JWS {alg}: {exc}"),
                Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature"),
            ],
            None,
            f"JWS {alg}",
        )
    if not ok:
        return (
            [
                Check(
                    check=CheckName.PROOF,
                    status="failed",
                    detail=f"JWS {alg} signature by {key.vm_id} does not match the content",
                ),
                Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature"),
            ],
            key.vm_id,
            f"JWS {alg}",
        )
    bound, why = binding_detail(key, expected, role)
    return (
        [
            Check(
                check=CheckName.PROOF,
                status="passed",
                detail=f"valid JWS {alg} signature by {key.vm_id} ({key.how})",
            ),
            Check(check=CheckName.KEY_BINDING, status="passed" if bound else "failed", detail=why),
        ],
        key.vm_id,
        f"JWS {alg}",
    )

def epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None

def _claims_agree(payload: dict[str, Any], cred: dict[str, Any]) -> list[str]:
    """VC-JWT: registered claims must agree with the credential they wrap."""
    if cred is payload:
        return []
    problems: list[str] = []
    pairs = [("iss", issuer_id(cred)), ("jti", cred.get("id"))]
    subjects = as_list(cred.get("credentialSubject"))
    sub = subjects[0].get("id") if subjects and isinstance(subjects[0], dict) else None
    pairs.append(("sub", sub))
    for claim, value in pairs:
        if claim in payload and value is not None and payload[claim] != value:
            problems.append(f"JWT {claim} {payload[claim]!r} does not match the credential ({value!r})")
    (start, _), (end, _) = vc_dates(cred)
    for claim, value in (("nbf", start), ("exp", end)):
        if claim not in payload:
            continue
        when = epoch(payload[claim])
        if when is None:
            problems.append(f"JWT {claim} is not a NumericDate")
            continue
        stated = parse_datetime(value)
        if stated is not None and abs((stated - when).total_seconds()) >= 1:
            problems.append(f"JWT {claim} ({iso(when)}) does not match the credential ({value})")
    return problems

def verify_jwt_credential(rec: Recognised, env: Env, fmt: str) -> Outcome:
    cred = doc_of(rec)
    payload = rec.jwt_payload or {}
    checks = [format_check(fmt)]
    checks.append(contexts_check(cred, env, signed_rdf=False))
    issuer = issuer_id(cred) or (payload.get("iss") if isinstance(payload.get("iss"), str) else None)
    sig_checks, signer, suite = jwt_signature(rec, env, issuer, "issuer", "assertionMethod")
    checks += sig_checks
    sub = payload.get("sub") if isinstance(payload.get("sub"), str) else None
    common = vc_common(cred, env, True, extra_schema=_claims_agree(payload, cred), subject_claim=sub)
    # JWT time claims bind too: the stricter of claim and credential date wins.
    for claim, name in (("nbf", "not_before"), ("exp", "expiry")):
        when = epoch(payload.get(claim))
        if when is None:
            continue
        idx = next(i for i, c in enumerate(common) if c.check == name)
        if common[idx].status != "failed":
            extra = (
                not_before_check(iso(when), "JWT nbf", env.now)
                if claim == "nbf"
                else expiry_check(iso(when), "JWT exp", env.now)
            )
            if extra.status == "failed":
                common[idx] = extra
    checks += common
    return Outcome(checks, signer, suite)
