"""Verifiable presentations (embedded proof or JWT): the holder's envelope around credentials.

The envelope's own proof authenticates the holder; the credentials inside are verified on
their own (`container.nested`), and `holder_binding` ties the two together.
"""

from __future__ import annotations

from typing import Any

from credwallet.ingest import Recognised
from credwallet.models import Check, CheckName, CheckStatus
from credwallet.verify.checks import as_list, expiry_check, vc_schema_check
from credwallet.verify.dataintegrity import proofs_of
from credwallet.verify.dates import iso
from credwallet.verify.env import Env, Outcome, doc_of, format_check
from credwallet.verify.families.data_integrity import canon_failure, contexts_check, proof_checks
from credwallet.verify.families.vc_jwt import epoch, jwt_signature


def verify_ldp_presentation(doc: dict[str, Any], env: Env) -> Outcome:
    checks = [format_check("vp-ldp")]
    contexts = contexts_check(doc, env)
    checks.append(contexts)
    holder = doc.get("holder")
    holder_id = (
        holder
        if isinstance(holder, str)
        else (holder.get("id") if isinstance(holder, dict) and isinstance(holder.get("id"), str) else None)
    )
    if proofs_of(doc):
        proven, signer, suite = proof_checks(doc, env, holder_id, "holder", "authentication", contexts)
    else:
        # An unsigned presentation is only an envelope: its credentials carry their own proofs.
        proven, signer, suite = (
            [
                Check(
                    check=CheckName.PROOF,
                    status="warning",
                    detail="the presentation itself is unsigned; its credentials are checked apart",
                ),
                Check(check=CheckName.KEY_BINDING, status="skipped", detail="unsigned presentation"),
            ],
            None,
            None,
        )
    used = next(
        (p for p in proofs_of(doc) if isinstance(p, dict) and p.get("verificationMethod") == signer), {}
    )
    _audience(proven, used.get("challenge"), used.get("domain"), env, "challenge", "domain")
    checks += proven
    canon_failure(checks)
    life = _proof_life(doc, used, env)
    if life is not None:
        checks.append(life)
    checks.append(vc_schema_check(doc, presentation=True))
    return Outcome(checks, signer, suite, holder=_proven(checks, holder_id))


def _proof_life(doc: dict[str, Any], used: dict[str, Any], env: Env) -> Check | None:
    """How long the presentation holds: the holder's proof `expires` (Data Integrity), when set.

    VCDM 2.0 gives a presentation no validity period of its own; the proof's `expires` is the
    standard bound (`export --expires-in`). The proof that verified is the one that counts; when
    none did, the first proof that sets `expires` is reported (it may be why none did)."""
    proof = used or next((p for p in proofs_of(doc) if isinstance(p, dict) and "expires" in p), {})
    if "expires" not in proof:
        return None
    return expiry_check(proof["expires"], "proof expires", env.now)


def _audience(checks: list[Check], challenge: Any, domain: Any, env: Env, cname: str, dname: str) -> None:
    """Presentation replay protection: compare with the expected values, else report them.

    `checks[0]` is the proof check; it is replaced (checks are immutable), never edited.
    """
    proof = checks[0]
    if proof.status != "passed":
        return
    status: CheckStatus = proof.status
    detail = proof.detail
    seen: list[str] = []
    for name, got, want in ((cname, challenge, env.challenge), (dname, domain, env.domain)):
        values = got if isinstance(got, list) else [got]
        if want is not None and want not in values:
            status = "failed"
            detail += f"; {name} {got!r} is not the expected {want!r}"
        elif got is not None:
            seen.append(f"{name} {got!r}" + ("" if want is not None else " (no expected value)"))
    if seen and status == "passed":
        detail += "; " + ", ".join(seen)
    checks[0] = proof.but(status=status, detail=detail)


def verify_jwt_presentation(rec: Recognised, env: Env) -> Outcome:
    payload = rec.jwt_payload or {}
    vp = doc_of(rec)
    holder = vp.get("holder") if isinstance(vp.get("holder"), str) else payload.get("iss")
    holder_id = holder if isinstance(holder, str) else None
    checks = [
        format_check("vp-jwt"),
        contexts_check(vp, env, signed_rdf=False),
    ]
    sig_checks, signer, suite = jwt_signature(rec, env, holder_id, "holder", "authentication")
    _audience(sig_checks, payload.get("nonce"), payload.get("aud"), env, "nonce", "aud")
    checks += sig_checks
    exp = epoch(payload.get("exp"))
    if exp is not None:
        checks.append(expiry_check(iso(exp), "JWT exp", env.now))
    checks.append(vc_schema_check(vp, presentation=True))
    return Outcome(checks, signer, suite, holder=_proven(checks, holder_id))


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


def holder_binding(rec: Recognised, out: Outcome) -> Check:
    """A presentation's holder must be the subject of what it presents (DID subjects).

    Subjects named by e-mail or a hashed identity cannot be compared with a DID holder: that is
    a warning, not a pass. An unsigned presentation proves no holder at all.
    """
    if not any(c.check == "proof" and c.status == "passed" for c in out.checks):
        return Check(
            check=CheckName.HOLDER_BINDING, status="skipped", detail="no holder is proven (no verified proof)"
        )
    if out.holder is None:
        return Check(
            check=CheckName.HOLDER_BINDING, status="skipped", detail="the holder's key is not bound to it"
        )
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
            check=CheckName.HOLDER_BINDING,
            status="failed",
            detail=f"the holder {out.holder} is not the subject of credential(s) " + ", ".join(foreign[:5]),
        )
    if unknown:
        return Check(
            check=CheckName.HOLDER_BINDING,
            status="warning",
            detail="cannot tell whether the holder is the subject of credential(s) " + ", ".join(unknown[:5]),
        )
    return Check(
        check=CheckName.HOLDER_BINDING,
        status="passed",
        detail=f"the holder {out.holder} is the subject of every credential presented",
    )
