"""The verification engine: bytes (or a stored credential) -> VerificationResult.

Offline only: every key, DID document, status list and context comes from the material cached
at import or bundled with credwallet. Fail closed: a credential is verified only when no check
failed; anything that could not be established is a warning or a failure, never a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput
from credwallet.ingest import Recognised, recognise
from credwallet.models import Check, StoredCredential, VerificationResult, WalletData
from credwallet.verify.canon import CanonError
from credwallet.verify.checks import (
    as_list,
    expiry_check,
    issuer_id,
    not_before_check,
    ob2_recipients,
    recipient_check,
    types_of,
    vc_dates,
    vc_recipients,
    vc_schema_check,
)
from credwallet.verify.contexts import ContextStore, context_urls
from credwallet.verify.dataintegrity import ProofReport, proofs_of, verify_proofs
from credwallet.verify.dates import iso, parse_datetime
from credwallet.verify.keys import KeyUnavailable, ResolvedKey, binding_detail, own_document, resolve
from credwallet.verify.material import DictMaterial, MaterialSource, as_of, fetched_from, json_of, lookup
from credwallet.verify.reading import reading_problem
from credwallet.verify.status import (
    EntryResult,
    combine,
    ob2_revocation_list_check,
    vc_revocation_check,
)
from credwallet.verify.suites import jose

if TYPE_CHECKING:
    from credwallet.trust.check import TrustPolicy

MAX_DEPTH = 3  # CLR in a presentation, plus a status list's own verification


@dataclass
class _Env:
    material: MaterialSource
    store: ContextStore
    now: datetime
    identities: Sequence[str]
    depth: int = 0
    challenge: str | None = None  # expected presentation challenge / JWT nonce
    domain: str | None = None  # expected presentation domain / JWT aud

    def deeper(self) -> _Env:
        return _Env(self.material, self.store, self.now, self.identities, self.depth + 1)


@dataclass
class _Outcome:
    checks: list[Check]
    signer: str | None = None
    suite: str | None = None
    nested: list[VerificationResult] | None = None
    holder: str | None = None  # a presentation's holder, when its key binding passed


_FORMAT_LABELS = {
    "ob3-ldp": "Open Badges 3.0 credential (JSON-LD, embedded proof)",
    "vc-ldp": "W3C verifiable credential (JSON-LD, embedded proof)",
    "ob3-jwt": "Open Badges 3.0 credential (VC-JWT)",
    "vc-jwt": "W3C verifiable credential (VC-JWT)",
    "clr-ldp": "CLR 2.0 credential (JSON-LD, embedded proof)",
    "clr-jwt": "CLR 2.0 credential (VC-JWT)",
    "vp-ldp": "verifiable presentation (JSON-LD, embedded proof)",
    "vp-jwt": "verifiable presentation (JWT)",
    "ob2-signed": "Open Badges 2.0 signed assertion (JWS)",
    "ob2-hosted": "Open Badges 2.0 hosted assertion",
    "ob2-assertion-json": "Open Badges 2.0 assertion",
}


def verify_bytes(
    raw: bytes,
    *,
    now: datetime,
    material: MaterialSource,
    identities: Sequence[str] = (),
    holder_did: str | None = None,
    format: str | None = None,
    wallet_id: str | None = None,
    source: str | None = None,
    trust: TrustPolicy | None = None,
    endorsements: bool = True,
    challenge: str | None = None,
    domain: str | None = None,
) -> VerificationResult:
    """Verify one credential from its original bytes. Raises BadInput if unreadable.

    `challenge`/`domain`: for a presentation, the values its proof must carry (a verifier that
    asked for the presentation knows them); without them they are only reported.
    `trust` and `endorsements` feed the quality signals added after the checks proper (the
    `issuer_trust` check and `extra["endorsements"]`), when that module is installed.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    rec = recognise(raw, source or "")
    mine = [*identities, *([holder_did] if holder_did else [])]
    env = _Env(material, ContextStore(material), now, mine, challenge=challenge, domain=domain)
    result = _verify(rec, env, format_hint=format)
    result.id = wallet_id
    result.source = source
    annotate = _annotator()
    if annotate is not None:
        annotate(
            result, rec, now=now, material=material, trust=trust, identities=mine, endorsements=endorsements
        )
    return result


def _annotator() -> Any:
    """The trust/endorsement annotator (credwallet.verify.endorsement), if present."""
    import importlib

    try:
        module = importlib.import_module("credwallet.verify.endorsement")
    except ModuleNotFoundError as exc:
        if exc.name != "credwallet.verify.endorsement":
            raise
        return None
    return getattr(module, "annotate", None)


def verify_stored(cred: StoredCredential, wallet: WalletData, now: datetime) -> VerificationResult:
    return verify_bytes(
        cred.raw_bytes(),
        now=now,
        material=DictMaterial(wallet.cache),
        identities=[i.value for i in wallet.identities],
        holder_did=wallet.holder.did,
        format=cred.format,
        wallet_id=cred.id,
        source=cred.source,
        trust=wallet_trust(wallet),
    )


def _trust_module() -> Any:
    import importlib

    try:
        return importlib.import_module("credwallet.trust.check")
    except ModuleNotFoundError as exc:
        if exc.name not in ("credwallet.trust", "credwallet.trust.check"):
            raise
        return None


def wallet_trust(wallet: WalletData, *, require_trusted: bool = False) -> TrustPolicy | None:
    """The wallet's trust policy (trust lists, registries), when the trust module is present."""
    module = _trust_module()
    if module is None:
        return None
    policy: TrustPolicy = module.TrustPolicy.from_trust_data(wallet.trust, require_trusted=require_trusted)
    return policy


def walletless_trust(*, require_trusted: bool) -> TrustPolicy | None:
    """Policy for a file checked without any wallet (no trust list to consult)."""
    module = _trust_module()
    if module is None or not require_trusted:
        return None
    policy: TrustPolicy = module.TrustPolicy(require_trusted=True, has_wallet=False)
    return policy


def _verify(rec: Recognised, env: _Env, format_hint: str | None = None) -> VerificationResult:
    fmt = rec.format
    if fmt in ("ob3-ldp", "vc-ldp", "clr-ldp"):
        out = _ldp_credential(_doc(rec), env, fmt)
    elif fmt in ("ob3-jwt", "vc-jwt", "clr-jwt"):
        out = _jwt_credential(rec, env, fmt)
    elif fmt == "vp-ldp":
        out = _ldp_presentation(_doc(rec), env)
    elif fmt == "vp-jwt":
        out = _jwt_presentation(rec, env)
    elif fmt == "ob2-signed":
        out = _ob2_signed(rec, env)
    elif fmt in ("ob2-hosted", "ob2-assertion-json"):
        out = _ob2_hosted(_doc(rec), env, fmt)
    else:
        out = _Outcome([Check(check="format", status="failed", detail=f"format {fmt!r} cannot be verified")])
    if rec.is_container:
        out.nested = _nested(rec, env)
        out.checks.append(_nested_check(out.nested, rec.format))
        if fmt.startswith("vp-"):
            out.checks.append(_holder_binding(rec, out))
    return VerificationResult.from_checks(
        out.checks,
        checked_at=env.now,
        format=format_hint or fmt,
        signer=out.signer,
        suite=out.suite,
        nested=out.nested or [],
    )


def _doc(rec: Recognised) -> dict[str, Any]:
    if not isinstance(rec.document, dict):
        raise BadInput("credential document is not a JSON object")
    return rec.document


# --- JSON-LD credentials and presentations (Data Integrity) ---------------------------------


_REREAD = "the document's own contexts change what it says:"


def _contexts_check(doc: dict[str, Any], env: _Env, *, signed_rdf: bool = True) -> Check:
    """Known contexts; and for RDF-signed documents, keys that mean what the bundled contexts say.

    `signed_rdf`: the proof covers the RDF, not the JSON (Data Integrity). A JWT signs its
    bytes, so its keys cannot be renamed without breaking the signature.
    """
    urls = context_urls(doc)
    if not urls and not isinstance(doc.get("@context"), (dict, list)):
        return Check(check="contexts", status="failed", detail="the document has no @context")
    unknown = env.store.check(urls)
    if unknown:
        return Check(
            check="contexts",
            status="failed",
            detail="unknown context(s), never fetched: " + ", ".join(unknown[:5]),
        )
    if signed_rdf:
        problem = reading_problem(doc, env.store)
        if problem is not None:
            # The proof is still checked (contexts are known): the report then shows both.
            return Check(
                check="contexts",
                status="failed",
                detail=f"{_REREAD} {problem}",
            )
    sources = sorted({env.store.source_of(u) for u in urls})
    return Check(
        check="contexts",
        status="passed",
        detail=f"{len(urls)} context(s), all known ({', '.join(sources)})",
    )


def _proof_checks(
    doc: dict[str, Any], env: _Env, expected: str | None, role: str, purpose: str, contexts: Check
) -> tuple[list[Check], str | None, str | None]:
    """proof + key_binding checks for an embedded-proof document."""
    if not proofs_of(doc):
        return (
            [
                Check(check="proof", status="failed", detail="no proof: the document is not signed"),
                Check(check="key_binding", status="skipped", detail="no proof"),
            ],
            None,
            None,
        )
    if contexts.status == "failed" and not contexts.detail.startswith(_REREAD):
        return (
            [
                Check(
                    check="proof",
                    status="skipped",
                    detail="not checked: the signed form cannot be computed without the contexts",
                ),
                Check(check="key_binding", status="skipped", detail="no verified proof"),
            ],
            None,
            None,
        )
    report = verify_proofs(doc, material=env.material, store=env.store, now=env.now, purpose=purpose)
    best = report.best(expected)
    others = [o.line() for o in report.outcomes if o is not best]
    if best is None:
        lines = "; ".join(o.line() for o in report.outcomes)
        return (
            [
                Check(check="proof", status="failed", detail=lines),
                Check(check="key_binding", status="skipped", detail="no verified proof"),
            ],
            None,
            _suites(report),
        )
    detail = best.line() + (f" (other proofs: {'; '.join(others)})" if others else "")
    assert best.key is not None
    bound, why = binding_detail(best.key, expected, role)
    return (
        [
            Check(check="proof", status="passed", detail=detail),
            Check(check="key_binding", status="passed" if bound else "failed", detail=why),
        ],
        best.vm_id,
        best.suite,
    )


def _suites(report: ProofReport) -> str | None:
    return ", ".join(o.suite for o in report.outcomes) or None


def _canon_failure(checks: list[Check]) -> None:
    """Surface a safe-mode rejection (dropped terms, relative IRIs) on the contexts check too."""
    proof = next(c for c in checks if c.check == "proof")
    ctx = next(c for c in checks if c.check == "contexts")
    if proof.status == "failed" and "cannot be checked:" in proof.detail and ctx.status == "passed":
        reason = proof.detail.split("cannot be checked:", 1)[1].split(";")[0].strip()
        ctx.status = "failed"
        ctx.detail = f"JSON-LD processing refused the document: {reason}"


def _ldp_credential(doc: dict[str, Any], env: _Env, fmt: str, *, check_status: bool = True) -> _Outcome:
    checks = [Check(check="format", status="passed", detail=_FORMAT_LABELS.get(fmt, fmt))]
    contexts = _contexts_check(doc, env)
    checks.append(contexts)
    issuer = issuer_id(doc)
    proof_checks, signer, suite = _proof_checks(doc, env, issuer, "issuer", "assertionMethod", contexts)
    checks += proof_checks
    _canon_failure(checks)
    checks += _vc_common(doc, env, check_status)
    return _Outcome(checks, signer, suite)


def _vc_common(
    doc: dict[str, Any], env: _Env, check_status: bool, extra_schema: list[str] | None = None
) -> list[Check]:
    (start, sfield), (end, efield) = vc_dates(doc)
    out = [not_before_check(start, sfield, env.now), expiry_check(end, efield, env.now)]
    if check_status:
        issuer = issuer_id(doc)
        out.append(vc_revocation_check(doc, env.material, lambda lst: _verify_list(lst, env, issuer)))
    out.append(recipient_check(vc_recipients(doc), env.identities))
    schema = vc_schema_check(doc)
    if extra_schema:
        problems = ([] if schema.status == "passed" else [schema.detail]) + extra_schema
        schema = Check(check="schema", status="failed", detail="; ".join(problems))
    out.append(schema)
    return out


def _verify_list(lst: dict[str, Any], env: _Env, issuer: str | None) -> tuple[bool, bool, str]:
    """A status list credential's own checks (no status of its own: avoids recursion).

    Returns (sound, trusted, why): not sound = tampered or malformed (the status fails);
    sound but not trusted = its key is not bound to its issuer, or it has expired (a clear
    bit is then only a warning; a set bit still counts).
    """
    if env.depth >= MAX_DEPTH:
        return False, False, "status lists nested too deeply"
    out = _ldp_credential(lst, env.deeper(), "vc-ldp", check_status=False)
    soft = ("key_binding", "expiry", "recipient")
    failed = [c for c in out.checks if c.status == "failed" and c.check not in soft]
    if failed:
        return False, False, "; ".join(f"{c.check}: {c.detail}" for c in failed)[:400]
    doubts = [c for c in out.checks if c.status == "failed" and c.check in ("key_binding", "expiry")]
    if doubts:
        return (
            True,
            False,
            "; ".join(
                (
                    "the list's signing key is not bound to its issuer: "
                    if c.check == "key_binding"
                    else "the status list itself has expired: "
                )
                + c.detail
                for c in doubts
            )[:400],
        )
    if issuer_id(lst) != issuer:
        # Only the credential's own issuer can vouch that it is still good: a clear bit in
        # someone else's list proves nothing (a set bit still counts, on the safe side).
        return True, False, f"the status list is issued by {issuer_id(lst)}, not by the credential's issuer"
    binding = out.checks[[c.check for c in out.checks].index("key_binding")]
    return True, True, binding.detail


def _ldp_presentation(doc: dict[str, Any], env: _Env) -> _Outcome:
    checks = [Check(check="format", status="passed", detail=_FORMAT_LABELS["vp-ldp"])]
    contexts = _contexts_check(doc, env)
    checks.append(contexts)
    holder = doc.get("holder")
    holder_id = (
        holder
        if isinstance(holder, str)
        else (holder.get("id") if isinstance(holder, dict) and isinstance(holder.get("id"), str) else None)
    )
    if proofs_of(doc):
        proof_checks, signer, suite = _proof_checks(doc, env, holder_id, "holder", "authentication", contexts)
    else:
        # An unsigned presentation is only an envelope: its credentials carry their own proofs.
        proof_checks, signer, suite = (
            [
                Check(
                    check="proof",
                    status="warning",
                    detail="the presentation itself is unsigned; its credentials are checked apart",
                ),
                Check(check="key_binding", status="skipped", detail="unsigned presentation"),
            ],
            None,
            None,
        )
    used = next(
        (p for p in proofs_of(doc) if isinstance(p, dict) and p.get("verificationMethod") == signer), {}
    )
    _audience(proof_checks[0], used.get("challenge"), used.get("domain"), env, "challenge", "domain")
    checks += proof_checks
    _canon_failure(checks)
    checks.append(vc_schema_check(doc, presentation=True))
    return _Outcome(checks, signer, suite, holder=_proven(checks, holder_id))


def _audience(proof: Check, challenge: Any, domain: Any, env: _Env, cname: str, dname: str) -> None:
    """Presentation replay protection: compare with the expected values, else report them."""
    if proof.status != "passed":
        return
    seen: list[str] = []
    for name, got, want in ((cname, challenge, env.challenge), (dname, domain, env.domain)):
        values = got if isinstance(got, list) else [got]
        if want is not None and want not in values:
            proof.status = "failed"
            proof.detail += f"; {name} {got!r} is not the expected {want!r}"
        elif got is not None:
            seen.append(f"{name} {got!r}" + ("" if want is not None else " (no expected value)"))
    if seen and proof.status == "passed":
        proof.detail += "; " + ", ".join(seen)


def _nested(rec: Recognised, env: _Env) -> list[VerificationResult]:
    results: list[VerificationResult] = []
    for child in rec.children:
        if env.depth >= MAX_DEPTH:
            results.append(
                VerificationResult.from_checks(
                    [Check(check="format", status="failed", detail="credentials nested too deeply")],
                    checked_at=env.now,
                    format=child.format,
                )
            )
            continue
        res = _verify(child, env.deeper())
        doc = child.document if isinstance(child.document, dict) else {}
        res.source = doc.get("id") if isinstance(doc.get("id"), str) else None
        results.append(res)
    return results


def _nested_check(nested: list[VerificationResult], fmt: str) -> Check:
    if not nested:
        status = "failed" if fmt.startswith("clr-") else "warning"
        return Check(check="nested", status=status, detail="contains no credentials")  # type: ignore[arg-type]
    bad = [r for r in nested if not r.verified]
    if bad:
        names = ", ".join((r.source or f"#{nested.index(r) + 1}") for r in bad[:5])
        return Check(
            check="nested",
            status="failed",
            detail=f"{len(bad)} of {len(nested)} contained credential(s) did not verify: {names}",
        )
    return Check(
        check="nested",
        status="passed",
        detail=f"all {len(nested)} contained credential(s) verified",
    )


# --- VC-JWT ----------------------------------------------------------------------------------


def _jwt_key(header: dict[str, Any], iss: str | None, env: _Env, purpose: str) -> ResolvedKey:
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


def _jwt_signature(
    rec: Recognised,
    env: _Env,
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
                Check(check="proof", status="failed", detail=str(exc)),
                Check(check="key_binding", status="skipped", detail="no verified signature"),
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
                Check(check="proof", status="failed", detail=f"JWS {alg}: {exc}"),
                Check(check="key_binding", status="skipped", detail="no verified signature"),
            ],
            None,
            f"JWS {alg}",
        )
    if not ok:
        return (
            [
                Check(
                    check="proof",
                    status="failed",
                    detail=f"JWS {alg} signature by {key.vm_id} does not match the content",
                ),
                Check(check="key_binding", status="skipped", detail="no verified signature"),
            ],
            key.vm_id,
            f"JWS {alg}",
        )
    bound, why = binding_detail(key, expected, role)
    return (
        [
            Check(
                check="proof",
                status="passed",
                detail=f"valid JWS {alg} signature by {key.vm_id} ({key.how})",
            ),
            Check(check="key_binding", status="passed" if bound else "failed", detail=why),
        ],
        key.vm_id,
        f"JWS {alg}",
    )


def _epoch(value: Any) -> datetime | None:
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
        when = _epoch(payload[claim])
        if when is None:
            problems.append(f"JWT {claim} is not a NumericDate")
            continue
        stated = parse_datetime(value)
        if stated is not None and abs((stated - when).total_seconds()) >= 1:
            problems.append(f"JWT {claim} ({iso(when)}) does not match the credential ({value})")
    return problems


def _jwt_credential(rec: Recognised, env: _Env, fmt: str) -> _Outcome:
    cred = _doc(rec)
    payload = rec.jwt_payload or {}
    checks = [Check(check="format", status="passed", detail=_FORMAT_LABELS.get(fmt, fmt))]
    checks.append(_contexts_check(cred, env, signed_rdf=False))
    issuer = issuer_id(cred) or (payload.get("iss") if isinstance(payload.get("iss"), str) else None)
    sig_checks, signer, suite = _jwt_signature(rec, env, issuer, "issuer", "assertionMethod")
    checks += sig_checks
    common = _vc_common(cred, env, True, extra_schema=_claims_agree(payload, cred))
    # JWT time claims bind too: the stricter of claim and credential date wins.
    for claim, name in (("nbf", "not_before"), ("exp", "expiry")):
        when = _epoch(payload.get(claim))
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
    return _Outcome(checks, signer, suite)


def _jwt_presentation(rec: Recognised, env: _Env) -> _Outcome:
    payload = rec.jwt_payload or {}
    vp = _doc(rec)
    holder = vp.get("holder") if isinstance(vp.get("holder"), str) else payload.get("iss")
    holder_id = holder if isinstance(holder, str) else None
    checks = [
        Check(check="format", status="passed", detail=_FORMAT_LABELS["vp-jwt"]),
        _contexts_check(vp, env, signed_rdf=False),
    ]
    sig_checks, signer, suite = _jwt_signature(rec, env, holder_id, "holder", "authentication")
    checks += sig_checks
    _audience(sig_checks[0], payload.get("nonce"), payload.get("aud"), env, "nonce", "aud")
    exp = _epoch(payload.get("exp"))
    if exp is not None:
        checks.append(expiry_check(iso(exp), "JWT exp", env.now))
    checks.append(vc_schema_check(vp, presentation=True))
    return _Outcome(checks, signer, suite, holder=_proven(checks, holder_id))


def _proven(checks: list[Check], holder: str | None) -> str | None:
    bound = next((c for c in checks if c.check == "key_binding"), None)
    return holder if bound is not None and bound.status == "passed" else None


def _subject_ids(child: Recognised) -> list[str]:
    doc = child.document if isinstance(child.document, dict) else {}
    subjects = [s.get("id") for s in as_list(doc.get("credentialSubject")) if isinstance(s, dict)]
    if child.jwt_payload and isinstance(child.jwt_payload.get("sub"), str):
        subjects.append(child.jwt_payload["sub"])
    recipient = doc.get("recipient")  # Open Badges 2.0
    if isinstance(recipient, dict) and isinstance(recipient.get("identity"), str):
        subjects.append(recipient["identity"] if not recipient.get("hashed") else "hashed identity")
    return [s for s in subjects if isinstance(s, str)]


def _holder_binding(rec: Recognised, out: _Outcome) -> Check:
    """A presentation's holder must be the subject of what it presents (DID subjects).

    Subjects named by e-mail or a hashed identity cannot be compared with a DID holder: that is
    a warning, not a pass. An unsigned presentation proves no holder at all.
    """
    if not any(c.check == "proof" and c.status == "passed" for c in out.checks):
        return Check(
            check="holder_binding", status="skipped", detail="no holder is proven (no verified proof)"
        )
    if out.holder is None:
        return Check(check="holder_binding", status="skipped", detail="the holder's key is not bound to it")
    foreign: list[str] = []
    unknown: list[str] = []
    for i, child in enumerate(rec.children, start=1):
        ids = _subject_ids(child)
        if out.holder in ids:
            continue
        dids = [s for s in ids if s.startswith("did:")]
        label = f"#{i}"
        if dids:
            foreign.append(f"{label} (subject {dids[0][:120]})")
        else:
            unknown.append(f"{label} ({'no subject id' if not ids else 'subject is not a DID'})")
    if foreign:
        return Check(
            check="holder_binding",
            status="failed",
            detail=f"the holder {out.holder} is not the subject of credential(s) "
            + ", ".join(foreign[:5]),
        )
    if unknown:
        return Check(
            check="holder_binding",
            status="warning",
            detail="cannot tell whether the holder is the subject of credential(s) " + ", ".join(unknown[:5]),
        )
    return Check(
        check="holder_binding",
        status="passed",
        detail=f"the holder {out.holder} is the subject of every credential presented",
    )


# --- Open Badges 2.0 -------------------------------------------------------------------------

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def _cached_json(env: _Env, ref: Any) -> tuple[dict[str, Any] | None, str]:
    """An OB2 linked document: embedded object, or cached at import by URL."""
    if isinstance(ref, dict):
        return ref, "embedded"
    if not isinstance(ref, str):
        return None, "missing"
    doc = lookup(env.material, ref)
    if doc is None:
        return None, f"{ref} was not cached at import"
    if doc.http_status != 200:
        return None, f"{ref} answered HTTP {doc.http_status} (as of {as_of(doc)})"
    parsed = json_of(doc)
    if not isinstance(parsed, dict):
        return None, f"{ref} (as of {as_of(doc)}) is not JSON"
    return parsed, f"cached {as_of(doc)}"


def _ob2_graph(
    assertion: dict[str, Any], env: _Env
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """BadgeClass and issuer profile as the assertion links them (embedded or cached).

    For display and structure only: what binds a key or a hosting scope is the issuer
    profile fetched from its own id (`_own_profile`), never an embedded copy.
    """
    notes: list[str] = []
    badge, how = _cached_json(env, assertion.get("badge"))
    if badge is None:
        notes.append(f"BadgeClass {how}")
        return None, None, notes
    issuer, how = _cached_json(env, badge.get("issuer"))
    if issuer is None:
        notes.append(f"issuer profile {how}")
    return badge, issuer, notes


def _own_profile(
    badge: dict[str, Any] | None, env: _Env
) -> tuple[dict[str, Any] | None, str | None, str]:
    """(profile fetched from its own id, the issuer id, why not): the only profile that binds."""
    ref = badge.get("issuer") if badge is not None else None
    ident = ref if isinstance(ref, str) else (ref.get("id") if isinstance(ref, dict) else None)
    if not isinstance(ident, str):
        return None, None, "the BadgeClass names no issuer profile URL"
    profile, why = own_document(env.material, ident)
    if profile is None:
        return None, ident, f"issuer profile {why}"
    return profile, ident, why


def _ob2_schema(
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
        return Check(check="schema", status="failed", detail="; ".join(problems))
    return Check(check="schema", status="passed", detail="Assertion, BadgeClass and Issuer well formed")


def _ob2_contexts(assertion: dict[str, Any], env: _Env) -> Check:
    urls = context_urls(assertion)
    if not any(u in OB2_CONTEXTS for u in urls):
        return Check(check="contexts", status="failed", detail="the Open Badges 2.0 context is missing")
    unknown = env.store.check(urls)
    if unknown:
        return Check(
            check="contexts",
            status="failed",
            detail="unknown context(s), never fetched: " + ", ".join(unknown[:5]),
        )
    return Check(check="contexts", status="passed", detail=f"{len(urls)} context(s), all bundled")


def _ob2_dates(assertion: dict[str, Any], env: _Env) -> list[Check]:
    return [
        not_before_check(assertion.get("issuedOn"), "issuedOn", env.now),
        expiry_check(assertion.get("expires"), "expires", env.now),
    ]


def _ob2_signed(rec: Recognised, env: _Env) -> _Outcome:
    assertion = _doc(rec)
    checks = [
        Check(check="format", status="passed", detail=_FORMAT_LABELS["ob2-signed"]),
        _ob2_contexts(assertion, env),
    ]
    badge, issuer, notes = _ob2_graph(assertion, env)
    profile, issuer_ref, profile_why = _own_profile(badge, env)
    signer: str | None = None
    try:
        parsed = jose.parse_compact(rec.raw, frozenset({"RS256", "ES256"}))
        verification = assertion.get("verification")
        creator = verification.get("creator") if isinstance(verification, dict) else None
        if creator is not None and not isinstance(creator, str):
            raise KeyUnavailable("verification.creator is not a URL")
        # Without a creator, OB 2.0 verifiers try the keys the issuer profile declares.
        candidates: list[str] = (
            [creator]
            if isinstance(creator, str)
            else [
                k if isinstance(k, str) else str(k.get("id"))
                for k in as_list(profile.get("publicKey") if profile else None)[:8]
                if isinstance(k, str) or (isinstance(k, dict) and isinstance(k.get("id"), str))
            ]
        )
        if not candidates:
            raise KeyUnavailable(
                "no signing key: verification.creator is missing and the issuer profile lists no publicKey"
            )
        proof = binding = None
        for ref in candidates:
            signer = ref
            # The key document counts only as fetched from its own id (never embedded).
            key_doc, how = own_document(env.material, ref)
            if key_doc is None:
                raise KeyUnavailable(f"signing key: {how}")
            if not isinstance(key_doc.get("publicKeyPem"), str):
                raise KeyUnavailable(f"key document {ref} has no publicKeyPem")
            owner = key_doc.get("owner") if isinstance(key_doc.get("owner"), str) else None
            key = ResolvedKey(
                vm_id=ref,
                pem=key_doc["publicKeyPem"],
                controller=owner,
                how=f"CryptographicKey {ref} ({how})",
            )
            ok = jose.verify_signature(parsed, key)
            proof = Check(
                check="proof",
                status="passed" if ok else "failed",
                detail=(
                    f"valid JWS {parsed.header['alg']} signature by {ref}"
                    if ok
                    else f"JWS signature by {ref} does not match the content"
                ),
            )
            binding = _ob2_key_binding(key, key_doc, profile, profile_why, ok)
            if ok:
                break
        assert proof is not None and binding is not None
    except (jose.JwsError, KeyUnavailable) as exc:
        proof = Check(check="proof", status="failed", detail=str(exc))
        binding = Check(check="key_binding", status="skipped", detail="no verified signature")
    checks += [proof, binding]
    checks += _ob2_dates(assertion, env)
    rev = ob2_revocation_list_check(assertion, profile, env.material)
    checks.append(combine([rev]))
    checks.append(recipient_check(ob2_recipients(assertion), env.identities))
    checks.append(_ob2_schema(assertion, badge, issuer, notes))
    return _Outcome(checks, signer, "OB 2.0 JWS" if issuer_ref or signer else None)


def _ob2_key_binding(
    key: ResolvedKey,
    key_doc: dict[str, Any],
    issuer: dict[str, Any] | None,
    why: str,
    signature_ok: bool,
) -> Check:
    """The key's owner is the issuer profile fetched from its own id, which lists the key."""
    if not signature_ok:
        return Check(check="key_binding", status="skipped", detail="no verified signature")
    if issuer is None or not isinstance(issuer.get("id"), str):
        return Check(
            check="key_binding",
            status="failed",
            detail=f"the key cannot be tied to the issuer: {why}",
        )
    listed = {
        k if isinstance(k, str) else k.get("id")
        for k in as_list(issuer.get("publicKey"))
        if isinstance(k, (str, dict))
    }
    if key.controller != issuer["id"]:
        return Check(
            check="key_binding",
            status="failed",
            detail=f"key owner {key.controller!r} is not the issuer {issuer['id']}",
        )
    if key.vm_id not in listed and key_doc.get("id") not in listed:
        return Check(
            check="key_binding",
            status="failed",
            detail=f"the issuer profile does not list {key.vm_id} in publicKey",
        )
    return Check(
        check="key_binding",
        status="passed",
        detail=f"key {key.vm_id} is owned by the issuer {issuer['id']}, which lists it",
    )


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

    The scope comes only from the issuer profile fetched from its own id (`_own_profile`).
    """
    if issuer is None or not isinstance(issuer.get("id"), str):
        return Check(
            check="key_binding",
            status="failed",
            detail=f"hosting scope cannot be checked: {why}",
        )
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str) and s]
    origins = [o.lower() for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
    where = _origin(assertion_id)
    if where is None:
        return Check(check="key_binding", status="failed", detail=f"assertion id {assertion_id} is not a URL")
    # A prefix must also keep the origin: "https://issuer.example" must not admit
    # "https://issuer.example.attacker.net/...".
    if starts and not any(
        assertion_id.startswith(s) and (_origin(s) is None or _origin(s) == where) for s in starts
    ):
        return Check(
            check="key_binding",
            status="failed",
            detail=f"assertion id {assertion_id} does not start with the issuer's "
            f"allowed prefix(es) {starts}",
        )
    if origins and _host_text(where) not in origins and where[1] not in origins:
        return Check(
            check="key_binding",
            status="failed",
            detail=f"assertion host {_host_text(where)} is not in the issuer's allowedOrigins {origins}",
        )
    home = _origin(issuer["id"])
    if not starts and not origins and (home is None or home[1:] != where[1:]):
        return Check(
            check="key_binding",
            status="failed",
            detail=f"assertion host {_host_text(where)} differs from the issuer's host "
            f"{_host_text(home)} and the issuer declares no other origin",
        )
    return Check(
        check="key_binding",
        status="passed",
        detail=f"assertion URL is within the issuer {issuer['id']}'s hosting scope",
    )


def _ob2_hosted(assertion: dict[str, Any], env: _Env, fmt: str) -> _Outcome:
    checks = [
        Check(check="format", status="passed", detail=_FORMAT_LABELS.get(fmt, fmt)),
        _ob2_contexts(assertion, env),
    ]
    badge, issuer, notes = _ob2_graph(assertion, env)
    profile, _, profile_why = _own_profile(badge, env)
    aid = assertion.get("id") if isinstance(assertion.get("id"), str) else None
    vtype = (
        assertion.get("verification", {}).get("type")
        if isinstance(assertion.get("verification"), dict)
        else None
    )
    revocations: list[EntryResult] = []
    if aid is None or not aid.startswith(("https://", "http://")):
        proof = Check(check="proof", status="failed", detail="hosted assertion id is not an HTTP(S) URL")
    elif isinstance(vtype, str) and vtype.rsplit(":", 1)[-1] not in ("hosted", "HostedBadge"):
        proof = Check(
            check="proof",
            status="failed",
            detail=f"verification type {vtype!r} needs a signature, but none is present",
        )
    else:
        cached = fetched_from(env.material, aid)
        if cached is None:
            proof = Check(
                check="proof",
                status="failed",
                detail=f"the issuer's hosted copy at {aid} was not cached at import; it "
                "cannot be confirmed offline",
            )
            revocations.append(EntryResult("warning", "hosted status not checked (no cached copy)"))
        elif cached.http_status == 410:
            proof = Check(
                check="proof",
                status="failed",
                detail=f"the issuer no longer hosts it: HTTP 410 (as of {as_of(cached)})",
            )
            revocations.append(
                EntryResult("failed", f"revoked: HTTP 410 Gone at {aid} (as of {as_of(cached)})")
            )
        elif cached.http_status != 200:
            proof = Check(
                check="proof",
                status="failed",
                detail=f"hosted copy answered HTTP {cached.http_status} (as of {as_of(cached)})",
            )
        else:
            hosted = json_of(cached)
            if isinstance(hosted, dict) and hosted.get("revoked") is True:
                proof = Check(
                    check="proof",
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
                    check="proof",
                    status="passed",
                    detail=f"issuer hosts an identical copy at {aid} (as of {as_of(cached)})",
                )
                revocations.append(EntryResult("passed", f"hosted copy not revoked (as of {as_of(cached)})"))
            else:
                proof = Check(
                    check="proof",
                    status="failed",
                    detail=f"the copy hosted at {aid} (as of {as_of(cached)}) differs from this one",
                )
    checks.append(proof)
    checks.append(
        _ob2_scope(aid, profile, profile_why)
        if aid
        else Check(check="key_binding", status="failed", detail="no assertion id")
    )
    checks += _ob2_dates(assertion, env)
    revocations.append(ob2_revocation_list_check(assertion, profile, env.material))
    checks.append(combine(revocations))
    checks.append(recipient_check(ob2_recipients(assertion), env.identities))
    checks.append(_ob2_schema(assertion, badge, issuer, notes))
    return _Outcome(checks, aid, "OB 2.0 hosted")


__all__ = ["CanonError", "verify_bytes", "verify_stored", "wallet_trust", "walletless_trust"]
