"""VC and Open Badges 3.0 credentials with an embedded Data Integrity proof, and what every VC
shares (dates, status, recipient, schema).
"""

from __future__ import annotations

from typing import Any

from credwallet.models import Check, CheckName
from credwallet.verify.checks import (
    expiry_check,
    issuer_id,
    not_before_check,
    recipient_check,
    vc_dates,
    vc_recipients,
    vc_schema_check,
)
from credwallet.verify.contexts import context_urls
from credwallet.verify.dataintegrity import ProofReport, proofs_of, verify_proofs
from credwallet.verify.env import MAX_DEPTH, Env, Outcome, format_check, unproven
from credwallet.verify.keys import binding_detail
from credwallet.verify.reading import reading_problem
from credwallet.verify.status import vc_revocation_check

REREAD = "the document's own contexts change what it says:"

def contexts_check(doc: dict[str, Any], env: Env, *, signed_rdf: bool = True) -> Check:
    """Known contexts; and for RDF-signed documents, keys that mean what the bundled contexts say.

    `signed_rdf`: the proof covers the RDF, not the JSON (Data Integrity). A JWT signs its
    bytes, so its keys cannot be renamed without breaking the signature.
    """
    urls = context_urls(doc)
    if not urls and not isinstance(doc.get("@context"), (dict, list)):
        return Check(check=CheckName.CONTEXTS, status="failed", detail="the document has no @context")
    unknown = env.store.check(urls)
    if unknown:
        return Check(
            check=CheckName.CONTEXTS,
            status="failed",
            detail="unknown context(s), never fetched: " + ", ".join(unknown[:5]),
        )
    if signed_rdf:
        problem = reading_problem(doc, env.store)
        if problem is not None:
            # The proof is still checked (contexts are known): the report then shows both.
            return Check(
                check=CheckName.CONTEXTS,
                status="failed",
                detail=f"{REREAD} {problem}",
            )
    sources = sorted({env.store.source_of(u) for u in urls})
    return Check(
        check=CheckName.CONTEXTS,
        status="passed",
        detail=f"{len(urls)} context(s), all known ({', '.join(sources)})",
    )

def proof_checks(
    doc: dict[str, Any], env: Env, expected: str | None, role: str, purpose: str, contexts: Check
) -> tuple[list[Check], str | None, str | None]:
    """proof + key_binding checks for an embedded-proof document."""
    if not proofs_of(doc):
        return unproven("no proof: the document is not signed", "no proof"), None, None
    if contexts.status == "failed" and not contexts.detail.startswith(REREAD):
        return (
            [
                Check(
                    check=CheckName.PROOF,
                    status="skipped",
                    detail="not checked: the signed form cannot be computed without the contexts",
                ),
                Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified proof"),
            ],
            None,
            None,
        )
    report = verify_proofs(doc, material=env.material, store=env.store, now=env.now, purpose=purpose,
                           domain=env.domain)
    best = report.best(expected)
    others = [o.line() for o in report.outcomes if o is not best]
    if best is None:
        lines = "; ".join(o.line() for o in report.outcomes)
        return unproven(lines, "no verified proof"), None, _suites(report)
    detail = best.line() + (f" (other proofs: {'; '.join(others)})" if others else "")
    assert best.key is not None
    bound, why = binding_detail(best.key, expected, role)
    return (
        [
            Check(check=CheckName.PROOF, status="passed", detail=detail),
            Check(check=CheckName.KEY_BINDING, status="passed" if bound else "failed", detail=why),
        ],
        best.vm_id,
        best.suite,
    )

def _suites(report: ProofReport) -> str | None:
    return ", ".join(o.suite for o in report.outcomes) or None


def canon_failure(checks: list[Check]) -> None:
    """Surface a safe-mode rejection (dropped terms, relative IRIs) on the contexts check too."""
    proof = next(c for c in checks if c.check == CheckName.PROOF)
    at = next(i for i, c in enumerate(checks) if c.check == CheckName.CONTEXTS)
    if proof.status == "failed" and "cannot be checked:" in proof.detail and checks[at].status == "passed":
        reason = proof.detail.split("cannot be checked:", 1)[1].split(";")[0].strip()
        checks[at] = checks[at].but(
            status="failed", detail=f"JSON-LD processing refused the document: {reason}"
        )

def verify_credential(doc: dict[str, Any], env: Env, fmt: str, *, check_status: bool = True) -> Outcome:
    checks = [format_check(fmt)]
    contexts = contexts_check(doc, env)
    checks.append(contexts)
    issuer = issuer_id(doc)
    proven, signer, suite = proof_checks(doc, env, issuer, "issuer", "assertionMethod", contexts)
    checks += proven
    canon_failure(checks)
    checks += vc_common(doc, env, check_status)
    return Outcome(checks, signer, suite)

def vc_common(
    doc: dict[str, Any],
    env: Env,
    check_status: bool,
    extra_schema: list[str] | None = None,
    subject_claim: str | None = None,
) -> list[Check]:
    """Dates, status, recipient and schema. `subject_claim`: a VC-JWT's `sub`, which names the
    subject when the credential itself does not."""
    (start, sfield), (end, efield) = vc_dates(doc)
    out = [not_before_check(start, sfield, env.now), expiry_check(end, efield, env.now)]
    if check_status:
        issuer = issuer_id(doc)
        out.append(vc_revocation_check(doc, env.material, lambda lst: _verify_list(lst, env, issuer)))
    recipients = vc_recipients(doc)
    if subject_claim is not None and subject_claim not in [r[0] for r in recipients]:
        recipients.append((subject_claim, False, None))
    out.append(recipient_check(recipients, env.identities))
    schema = vc_schema_check(doc)
    if extra_schema:
        problems = ([] if schema.status == "passed" else [schema.detail]) + extra_schema
        schema = Check(check=CheckName.SCHEMA, status="failed", detail="; ".join(problems))
    out.append(schema)
    return out


def _verify_list(lst: dict[str, Any] | str, env: Env, issuer: str | None) -> tuple[bool, bool, str]:
    """A status list credential's own checks (no status of its own: avoids recursion).

    `lst`: the list's JSON (embedded proof), or its compact JWS when it is a VC-JWT (verified
    as one: the key `kid` / `iss` name must be bound to the list's issuer by the same
    Controlled Identifiers rule as any credential's).
    Returns (sound, trusted, why): not sound = tampered or malformed (the status fails);
    sound but not trusted = its key is not bound to its issuer, or it has expired (a clear
    bit is then only a warning; a set bit still counts).
    """
    if env.depth >= MAX_DEPTH:
        return False, False, "status lists nested too deeply"
    if isinstance(lst, str):
        from credwallet.errors import CredwalletError
        from credwallet.ingest.sniff import recognise_jws, with_jwt_claims
        from credwallet.verify.families.vc_jwt import verify_jwt_credential

        try:
            rec = recognise_jws(lst)
        except CredwalletError as exc:
            return False, False, f"the status list is not a VC-JWT: {exc}"
        if not isinstance(rec.document, dict) or rec.format not in ("vc-jwt", "ob3-jwt"):
            return False, False, "the status list is not a VC-JWT"
        out = verify_jwt_credential(rec, env.deeper(), rec.format, check_status=False)
        listed = with_jwt_claims(rec.document, rec.jwt_payload)
    else:
        out = verify_credential(lst, env.deeper(), "vc-ldp", check_status=False)
        listed = lst
    soft = (CheckName.KEY_BINDING, CheckName.EXPIRY, CheckName.RECIPIENT)
    failed = [c for c in out.checks if c.status == "failed" and c.check not in soft]
    if failed:
        return False, False, "; ".join(f"{c.check}: {c.detail}" for c in failed)[:400]
    doubts = [
        c for c in out.checks if c.status == "failed" and c.check in (CheckName.KEY_BINDING, CheckName.EXPIRY)
    ]
    if doubts:
        return (
            True,
            False,
            "; ".join(
                (
                    "the list's signing key is not bound to its issuer: "
                    if c.check == CheckName.KEY_BINDING
                    else "the status list itself has expired: "
                )
                + c.detail
                for c in doubts
            )[:400],
        )
    if issuer_id(listed) != issuer:
        # Only the credential's own issuer can vouch that it is still good: a clear bit in
        # someone else's list proves nothing (a set bit still counts, on the safe side).
        return True, False, (
            f"the status list is issued by {issuer_id(listed)}, not by the credential's issuer"
        )
    binding = next(c for c in out.checks if c.check == CheckName.KEY_BINDING)
    return True, True, binding.detail
