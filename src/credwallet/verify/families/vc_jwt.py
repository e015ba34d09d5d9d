"""VC and Open Badges 3.0 credentials as JWTs (VC-JWT): the JWS covers the exact bytes.

Both encodings: VCDM 1.1 (the credential in the `vc` claim; `iss`, `nbf`, `exp`, `jti`, `sub`
stand in for what it leaves out, and must agree with what it says) and VCDM 2.0 JOSE (`typ`
`vc+jwt`: the payload is the credential).

Key selection (`jwt_key`): `kid` resolved like a verification method (did:key, did:jwk, did:web,
HTTP(S) controller documents); no `kid` and a did:key or did:jwk `iss`: the DID's own key; a
`jwk` header is bound only when it is the `kid`'s key, the self-certifying DID's key, or a key
the issuer's own controller document lists for the proof purpose (RFC 7638 thumbprints).
"""

from __future__ import annotations

from typing import Any

from credwallet.ingest import Recognised
from credwallet.ingest.sniff import with_jwt_claims
from credwallet.models import Check, CheckName
from credwallet.verify.checks import as_list, expiry_check, issuer_id, not_before_check, vc_dates
from credwallet.verify.dates import iso, numeric_date, parse_datetime
from credwallet.verify.did_jwk import resolve_did_jwk
from credwallet.verify.did_key_ec import ec_did_key_curve, resolve_did_key_ec
from credwallet.verify.env import Env, Outcome, doc_of, format_check
from credwallet.verify.families.data_integrity import contexts_check, vc_common
from credwallet.verify.keys import (
    KeyUnavailable,
    ResolvedKey,
    binding_detail,
    key_from_vm_object,
    own_document,
    resolve,
)
from credwallet.verify.suites import jose

# Relationships of a controller document that may carry verification method objects.
_VM_RELATIONSHIPS = ("verificationMethod", "assertionMethod", "authentication")


def resolve_ref(ref: str, env: Env, purpose: str) -> ResolvedKey:
    """`keys.resolve`, plus did:jwk and secp256k1 did:key until `keys.resolve` knows them."""
    if ref.startswith("did:jwk:"):
        return resolve_did_jwk(ref, purpose)
    if ref.startswith("did:key:") and ec_did_key_curve(ref) == "secp256k1":
        return resolve_did_key_ec(ref)
    return resolve(ref, env.material, purpose)


def self_certifying_ref(did: str | None) -> str | None:
    """The verification method of a did:key / did:jwk (the DID *is* the key), else None."""
    if not isinstance(did, str) or "#" in did:
        return None
    if did.startswith("did:key:"):
        return did + "#" + did.removeprefix("did:key:")
    if did.startswith("did:jwk:"):
        return did + "#0"
    return None


def jwt_key(header: dict[str, Any], iss: str | None, env: Env, purpose: str) -> ResolvedKey:
    """The key a JWS names (see the module docstring); raises KeyUnavailable / JwsError."""
    embedded = jose.header_key(header)
    kid = header.get("kid")
    ref: str | None = None
    if isinstance(kid, str) and kid:
        ref = (iss + kid) if kid.startswith("#") and iss else kid
        if ref.startswith("did:key:") and "#" not in ref:
            ref = ref + "#" + ref.removeprefix("did:key:")
    elif "kid" not in header:
        ref = self_certifying_ref(iss)  # no kid: the issuer's DID is its key
    resolved: ResolvedKey | None = None
    kid_error: str | None = None
    if ref is not None:
        try:
            resolved = resolve_ref(ref, env, purpose)
        except KeyUnavailable as exc:
            kid_error = str(exc)
    if resolved is not None and embedded is not None and not jose.same_public_key(resolved, embedded):
        raise jose.JwsError(f"header jwk differs from the key {ref} names")
    if resolved is not None:
        return resolved
    if embedded is not None:
        bound = _listed_by_issuer(embedded, iss, env, purpose)
        if bound is not None:
            return bound
        if kid_error:
            embedded.notes.append(f"kid {kid!r}: {kid_error}")
        return embedded
    if kid_error:
        raise KeyUnavailable(kid_error)
    raise KeyUnavailable("the JWS header has neither jwk nor kid")


def _listed_by_issuer(embedded: ResolvedKey, iss: str | None, env: Env, purpose: str) -> ResolvedKey | None:
    """The issuer's own verification method whose key is the header `jwk`, bound by the same
    Controlled Identifiers rule as any `kid` (document fetched from the issuer's own
    identifier, method controlled by it and listed for `purpose`). None otherwise, with a note.
    """
    mine = jose.thumbprint(jose.public_jwk(embedded))
    if not isinstance(iss, str) or mine is None:
        return None
    base = iss.split("#", 1)[0]
    candidates: list[str] = []
    own = self_certifying_ref(base)
    if own is not None:
        candidates.append(own)
    else:
        doc, why = own_document(env.material, base)
        if doc is None:
            embedded.notes.append(f"the issuer's own document: {why}")
            return None
        for rel in _VM_RELATIONSHIPS:
            entries = doc.get(rel)
            for vm in (entries if isinstance(entries, list) else [entries])[:64]:
                if not isinstance(vm, dict) or not isinstance(vm.get("id"), str):
                    continue
                vm_id = base + vm["id"] if vm["id"].startswith("#") else vm["id"]
                try:
                    theirs = jose.thumbprint(jose.public_jwk(key_from_vm_object(vm, vm_id)))
                except KeyUnavailable:
                    continue
                if theirs == mine and vm_id not in candidates:
                    candidates.append(vm_id)
    for vm_id in candidates:
        try:
            key = resolve_ref(vm_id, env, purpose)
        except KeyUnavailable as exc:
            embedded.notes.append(f"{vm_id}: {exc}")
            continue
        if jose.thumbprint(jose.public_jwk(key)) != mine:
            continue
        if key.bound_controller == base:
            key.how += f"; the header jwk is this key (RFC 7638 thumbprint {mine})"
            return key
        why = "; ".join(key.notes) or "is not bound"
        embedded.notes.append(f"{vm_id} has the header jwk's key but {why}")
    if not candidates:
        embedded.notes.append(f"the issuer {base}'s own document lists no key with thumbprint {mine}")
    return None


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
        key = jwt_key(parsed.header, iss, env, purpose)
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

# RFC 7519 NumericDate, total over hostile values (one definition: verify.dates).
epoch = numeric_date


def _claims_agree(payload: dict[str, Any], cred: dict[str, Any]) -> list[str]:
    """VC-JWT: registered claims must agree with the credential they wrap (or, VCDM 2.0 JOSE,
    with the credential properties beside them in the same payload)."""
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

def verify_jwt_credential(rec: Recognised, env: Env, fmt: str, *, check_status: bool = True) -> Outcome:
    """`check_status` False: a status list's own verification (its status is not followed)."""
    cred = doc_of(rec)
    payload = rec.jwt_payload or {}
    checks = [format_check(fmt)]
    checks.append(contexts_check(cred, env, signed_rdf=False))
    # VCDM 1.1: what the credential leaves out, the registered claims say (never overriding).
    effective = with_jwt_claims(cred, payload)
    issuer = issuer_id(effective)
    sig_checks, signer, suite = jwt_signature(rec, env, issuer, "issuer", "assertionMethod")
    checks += sig_checks
    sub = payload.get("sub") if isinstance(payload.get("sub"), str) else None
    common = vc_common(
        effective, env, check_status, extra_schema=_claims_agree(payload, cred), subject_claim=sub
    )
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
