"""Open Badges 2.0 signed assertions (JWS): the key comes from `verification.creator` and is
bound by the issuer profile fetched from its own id.
"""

from __future__ import annotations

from typing import Any

from credwallet.ingest import Recognised
from credwallet.models import Check, CheckName
from credwallet.verify.checks import as_list, ob2_recipients, recipient_check
from credwallet.verify.env import Env, Outcome, doc_of, format_check
from credwallet.verify.families.ob2_common import ob2_contexts, ob2_dates, ob2_graph, ob2_schema, own_profile
from credwallet.verify.keys import KeyUnavailable, ResolvedKey, own_document
from credwallet.verify.status import combine, ob2_revocation_list_check
from credwallet.verify.suites import jose


def verify_signed(rec: Recognised, env: Env) -> Outcome:
    assertion = doc_of(rec)
    checks = [
        format_check("ob2-signed"),
        ob2_contexts(assertion, env),
    ]
    badge, issuer, notes = ob2_graph(assertion, env)
    profile, issuer_ref, profile_why = own_profile(badge, env)
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
                check=CheckName.PROOF,
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
        proof = Check(check=CheckName.PROOF, status="failed", detail=str(exc))
        binding = Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature")
    checks += [proof, binding]
    checks += ob2_dates(assertion, env)
    rev = ob2_revocation_list_check(assertion, profile, env.material)
    checks.append(combine([rev]))
    checks.append(recipient_check(ob2_recipients(assertion), env.identities))
    checks.append(ob2_schema(assertion, badge, issuer, notes))
    return Outcome(checks, signer, "OB 2.0 JWS" if issuer_ref or signer else None)


def _ob2_key_binding(
    key: ResolvedKey,
    key_doc: dict[str, Any],
    issuer: dict[str, Any] | None,
    why: str,
    signature_ok: bool,
) -> Check:
    """The key's owner is the issuer profile fetched from its own id, which lists the key."""
    if not signature_ok:
        return Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature")
    if issuer is None or not isinstance(issuer.get("id"), str):
        return Check(
            check=CheckName.KEY_BINDING,
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
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"key owner {key.controller!r} is not the issuer {issuer['id']}",
        )
    if key.vm_id not in listed and key_doc.get("id") not in listed:
        return Check(
            check=CheckName.KEY_BINDING,
            status="failed",
            detail=f"the issuer profile does not list {key.vm_id} in publicKey",
        )
    return Check(
        check=CheckName.KEY_BINDING,
        status="passed",
        detail=f"key {key.vm_id} is owned by the issuer {issuer['id']}, which lists it",
    )
