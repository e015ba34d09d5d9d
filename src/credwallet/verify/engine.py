"""The verification engine: bytes (or a stored credential) -> VerificationResult.

Offline only: every key, DID document, status list and context comes from the material cached
at import or bundled with credwallet. Fail closed: a credential is verified only when no check
failed; anything that could not be established is a warning or a failure, never a pass.

The engine only dispatches: each format family has its verifier in `verify/families/`, chosen
by the format registry (`credwallet.formats`) with an exhaustive match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import assert_never

from credwallet.formats import Family, Securing, spec
from credwallet.ingest import Recognised, recognise
from credwallet.models import Check, CheckName, StoredCredential, VerificationResult, WalletData
from credwallet.trust.check import TrustPolicy
from credwallet.verify.canon import CanonError
from credwallet.verify.contexts import ContextStore
from credwallet.verify.endorsement import annotate
from credwallet.verify.env import Env, Outcome, doc_of
from credwallet.verify.families import (
    container,
    data_integrity,
    ob1,
    ob2_hosted,
    ob2_signed,
    presentation,
    sd_jwt_vc,
    vc_jwt,
)
from credwallet.verify.material import DictMaterial, MaterialSource


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
    `issuer_trust` check and `extra["endorsements"]`).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    rec = recognise(raw, source or "")
    mine = [*identities, *([holder_did] if holder_did else [])]
    env = Env(material, ContextStore(material), now, mine, challenge=challenge, domain=domain)
    result = _verify(rec, env, format_hint=format)
    result.id = wallet_id
    result.source = source
    annotate(
        result,
        rec,
        now=now,
        material=material,
        trust=trust,
        identities=mine,
        endorsements=endorsements,
        verify=verify_bytes,
    )
    return result


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


def wallet_trust(wallet: WalletData, *, require_trusted: bool = False) -> TrustPolicy | None:
    """The wallet's trust policy (trust lists, registries)."""
    return TrustPolicy.from_trust_data(wallet.trust, require_trusted=require_trusted)


def walletless_trust(*, require_trusted: bool) -> TrustPolicy | None:
    """Policy for a file checked without any wallet (no trust list to consult)."""
    if not require_trusted:
        return None
    return TrustPolicy(require_trusted=True, has_wallet=False)


def _family_outcome(rec: Recognised, env: Env) -> Outcome:
    """The family verifier for `rec` (exhaustive: a new family is a type error until handled)."""
    fmt = rec.format
    family = spec(fmt).family
    match family:
        case Family.VC_DATA_INTEGRITY:
            return data_integrity.verify_credential(doc_of(rec), env, fmt)
        case Family.VC_JWT:
            return vc_jwt.verify_jwt_credential(rec, env, fmt)
        case Family.CLR:
            securing = spec(fmt).securing
            if securing is Securing.JWS:
                return vc_jwt.verify_jwt_credential(rec, env, fmt)
            return data_integrity.verify_credential(doc_of(rec), env, fmt)
        case Family.VP_DATA_INTEGRITY:
            return presentation.verify_ldp_presentation(doc_of(rec), env)
        case Family.VP_JWT:
            return presentation.verify_jwt_presentation(rec, env)
        case Family.OB2_SIGNED:
            return ob2_signed.verify_signed(rec, env)
        case Family.OB2_HOSTED:
            return ob2_hosted.verify_hosted(doc_of(rec), env, fmt)
        case Family.SD_JWT_VC:
            return sd_jwt_vc.verify_sd_jwt_vc(rec, env)
        case Family.OB1:
            return ob1.verify_ob1(rec, env)
        case _:
            assert_never(family)


def _verify(rec: Recognised, env: Env, format_hint: str | None = None) -> VerificationResult:
    try:
        out = _family_outcome(rec, env)
    except ValueError as exc:  # an unknown format id (UnknownFormat)
        out = Outcome([Check(check=CheckName.FORMAT, status="failed", detail=str(exc))])
    if rec.is_container:
        out.nested = container.nested(rec, env, _verify)
        signed = any(c.check == CheckName.PROOF and c.status == "passed" for c in out.checks)
        out.checks.append(container.nested_check(out.nested, rec.format, signed=signed))
        if spec(rec.format).is_presentation:
            out.checks.append(presentation.holder_binding(rec, out))
    return VerificationResult.from_checks(
        out.checks,
        checked_at=env.now,
        format=format_hint or rec.format,
        signer=out.signer,
        suite=out.suite,
        nested=out.nested or [],
    )


__all__ = ["CanonError", "verify_bytes", "verify_stored", "wallet_trust", "walletless_trust"]
