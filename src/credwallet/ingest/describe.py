"""Build a format-independent CredentialView from a signed original.

OB 3.0 / VC data comes from the signed credential itself. OB 2.0 BadgeClass and Issuer
data may come from documents fetched at import (unsigned for signed badges); such values
are marked `signed=False` so nobody presents them as signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credwallet.errors import BadInput
from credwallet.formats import Family, is_known, spec
from credwallet.ingest import ob1, sdjwt
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import as_list, b64url_decode, recognise, types_of, with_jwt_claims
from credwallet.models.entry import CachedDocument, StoredCredential
from credwallet.models.view import AchievementView, Alignment, CredentialView, IssuerView


def _text(value: Any) -> str | None:
    """Plain string from a string or a JSON-LD language map / value object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "@value" in value:
            return _text(value["@value"])
        for key in ("en", "en-US", "en-GB"):
            if isinstance(value.get(key), str):
                return str(value[key])
        for v in value.values():
            if isinstance(v, str):
                return v
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _image(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("id")) or _text(value.get("@id"))
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("id")) or _text(value.get("@id"))
    return None


def _cached_json(cache: Mapping[str, CachedDocument], url: str | None) -> dict[str, Any] | None:
    if not url or url not in cache:
        return None
    try:
        doc = loads(cache[url].body_bytes(), what="cached document")
    except BadInput:
        return None
    return doc if isinstance(doc, dict) else None


def _alignments(items: Any) -> list[Alignment]:
    out = []
    for a in as_list(items):
        if not isinstance(a, dict):
            continue
        out.append(Alignment(
            target_name=_text(a.get("targetName")),
            target_url=_text(a.get("targetUrl")),
            target_code=_text(a.get("targetCode")),
            target_framework=_text(a.get("targetFramework")),
            target_type=_text(a.get("targetType")),
            target_description=_text(a.get("targetDescription")),
        ))
    return out


def _issuer(value: Any, *, signed: bool) -> IssuerView:
    if isinstance(value, str):
        return IssuerView(id=value, signed=signed)
    if not isinstance(value, dict):
        return IssuerView(signed=signed)
    return IssuerView(
        id=_id(value), name=_text(value.get("name")), url=_text(value.get("url")),
        email=_text(value.get("email")), image=_image(value.get("image")), signed=signed,
    )


def _achievement(a: dict[str, Any], *, signed: bool) -> AchievementView:
    raw_criteria = a.get("criteria")
    criteria: dict[str, Any] = raw_criteria if isinstance(raw_criteria, dict) else {}
    crit_url = _text(a.get("criteria")) if isinstance(a.get("criteria"), str) else _id(criteria)
    tags = [t for t in (_text(x) for x in as_list(a.get("tag") or a.get("tags"))) if t]
    related = [r for r in (_id(x) for x in as_list(a.get("related"))) if r]
    return AchievementView(
        id=_id(a), name=_text(a.get("name")), description=_text(a.get("description")),
        achievement_type=_text(a.get("achievementType")),
        criteria_url=crit_url or _text(criteria.get("url")),
        criteria_narrative=_text(criteria.get("narrative")),
        image=_image(a.get("image")),
        credits_available=as_number(a.get("creditsAvailable")),
        field_of_study=_text(a.get("fieldOfStudy")), tags=tags,
        alignments=_alignments(a.get("alignment") or a.get("alignments")), related=related,
        result_descriptions=[r for r in as_list(a.get("resultDescription")) if isinstance(r, dict)],
        signed=signed,
    )


def view_of(fmt: str, document: dict[str, Any], cache: Mapping[str, CachedDocument] | None = None,
            *, wallet_id: str | None = None) -> CredentialView:
    cache = cache or {}
    if fmt == "sd-jwt-vc":
        return _sd_jwt_vc_view(fmt, document, wallet_id)
    if fmt.startswith("vp-"):
        return _envelope_view(fmt, document, wallet_id)
    if fmt.startswith(("ob2", "ob1")):
        return _ob2_view(fmt, document, cache, wallet_id)
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, dict) else {}
    ach = subject.get("achievement")
    ach = ach if isinstance(ach, dict) else {}
    achievement = _achievement(ach, signed=True)
    issued = _text(document.get("issuanceDate")) or _text(document.get("validFrom"))
    expires = _text(document.get("validUntil")) or _text(document.get("expirationDate"))
    evidence = [e for e in as_list(document.get("evidence")) if isinstance(e, dict)]
    view = CredentialView(
        wallet_id=wallet_id, credential_id=_id(document), format=fmt,
        name=_text(document.get("name")) or achievement.name,
        description=_text(document.get("description")) or achievement.description,
        issuer=_issuer(document.get("issuer"), signed=True), achievement=achievement,
        subject_id=_id(subject), issued=issued, valid_from=_text(document.get("validFrom")),
        expires=expires, credits_earned=as_number(subject.get("creditsEarned")),
        results=[r for r in as_list(subject.get("result")) if isinstance(r, dict)],
        evidence=evidence,
        activity_start=_text(subject.get("activityStartDate")),
        activity_end=_text(subject.get("activityEndDate")),
        image=_image(document.get("image")) or achievement.image,
        endorsement_count=len(as_list(document.get("endorsement")))
        + len(as_list(document.get("endorsementJwt"))),
    )
    cid = view.credential_id
    if cid and cid.startswith("https://"):
        view.public_url = cid
    if "ClrCredential" in types_of(document) and not view.name:
        view.name = "Comprehensive Learner Record"
    return view


def _envelope_view(fmt: str, document: dict[str, Any], wallet_id: str | None) -> CredentialView:
    """A presentation is an envelope the holder signed: nothing in it speaks for an issuer.

    Its own fields (a `credentialSubject`, an achievement, a name) are never shown or matched
    as a credential's; the credentials inside are stored and shown on their own.
    """
    holder = document.get("holder")
    holder_id = holder if isinstance(holder, str) else _id(holder if isinstance(holder, dict) else {})
    return CredentialView(wallet_id=wallet_id, credential_id=_id(document), format=fmt,
                          name="Verifiable presentation", subject_id=holder_id,
                          issuer=IssuerView(id=holder_id, signed=False))


# SD-JWT VC claims that are about the credential, not claims of the subject.
_SD_JWT_META = ("iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status", "sub")


def _sd_jwt_vc_view(fmt: str, document: dict[str, Any], wallet_id: str | None) -> CredentialView:
    """An SD-JWT VC shown from its processed payload: only what was disclosed and matches a
    signed digest (`sdjwt.disclosed_payload`), never a withheld claim."""

    def when(claim: str) -> str | None:
        from datetime import UTC, datetime

        value = document.get(claim)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return None

    vct = _text(document.get("vct"))
    claims = sorted(k for k in document if k not in _SD_JWT_META)
    shown = ", ".join(claims[:40]) + (", ..." if len(claims) > 40 else "")
    iss = _text(document.get("iss"))
    return CredentialView(
        wallet_id=wallet_id, format=fmt,
        name=_text(document.get("name")) or (vct.rstrip("/").rsplit("/", 1)[-1] if vct else None),
        description=f"SD-JWT VC of type {vct}; claims disclosed: {shown or 'none'}",
        issuer=IssuerView(id=iss, signed=True),
        subject_id=_text(document.get("sub")),
        issued=when("iat"), valid_from=when("nbf") or when("iat"), expires=when("exp"),
    )


def _linked(cache: Mapping[str, CachedDocument], url: str, fmt: str,
            expected: ob1.Class) -> dict[str, Any]:
    """A linked BadgeClass / Issuer as cached (an OB 1.x one in the 2.0 model)."""
    found = _cached_json(cache, url)
    if found is None:
        return {"id": url}
    return ob1.upgrade_linked(found, url, expected) if fmt.startswith("ob1") else found


def _ob2_view(fmt: str, doc: dict[str, Any], cache: Mapping[str, CachedDocument],
              wallet_id: str | None) -> CredentialView:
    """OB 2.0, and OB 1.x read in the 2.0 model (`document` is already upgraded)."""
    badge = doc.get("badge")
    badge_signed = isinstance(badge, dict)  # embedded in the (signed) assertion
    if isinstance(badge, str):
        badge = _linked(cache, badge, fmt, "BadgeClass")
    badge = badge if isinstance(badge, dict) else {}
    issuer = badge.get("issuer")
    issuer_signed = badge_signed and isinstance(issuer, dict)
    if isinstance(issuer, str):
        issuer = _linked(cache, issuer, fmt, "Issuer")
    hosted = fmt in ("ob2-hosted", "ob1-hosted")  # the issuer's own server vouches for all of it
    achievement = _achievement(badge, signed=badge_signed or hosted)
    issuer_view = _issuer(issuer, signed=issuer_signed or hosted)
    recipient = doc.get("recipient") if isinstance(doc.get("recipient"), dict) else None
    evidence = [e if isinstance(e, dict) else {"id": e} for e in as_list(doc.get("evidence"))]
    aid = _id(doc)
    return CredentialView(
        wallet_id=wallet_id, credential_id=aid, format=fmt, name=achievement.name,
        description=achievement.description, issuer=issuer_view, achievement=achievement,
        recipient=recipient, issued=_text(doc.get("issuedOn")), valid_from=_text(doc.get("issuedOn")),
        expires=_text(doc.get("expires")), evidence=evidence,
        image=_image(doc.get("image")) or achievement.image,
        public_url=aid if aid and aid.startswith("https://") and fmt != "ob1-signed" else None,
        results=[],
    )


def document_of(cred: StoredCredential) -> dict[str, Any]:
    """The credential JSON of a stored entry (for JWTs: the credential claims; for an SD-JWT VC:
    the processed payload, only disclosed claims)."""
    if cred.format == "sd-jwt-vc":
        try:
            return sdjwt.disclosed_payload(sdjwt.split(cred.raw_bytes().decode("ascii")))
        except (sdjwt.SdJwtError, UnicodeDecodeError) as exc:
            raise BadInput("stored SD-JWT is malformed") from exc
    if cred.format.startswith("ob1-"):
        # Stored as issued; shown, matched and exported in the 2.0 model it upgrades to.
        recognised = recognise(cred.raw_bytes(), cred.source or "")
        return recognised.document if isinstance(recognised.document, dict) else {}
    if cred.format.endswith("-jwt") or cred.format == "ob2-signed":
        raw = cred.raw_bytes()
        try:
            payload = loads(b64url_decode(raw.decode("ascii").strip().split(".")[1]), what="JWT payload")
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise BadInput("stored JWT is malformed") from exc
        if not isinstance(payload, dict):
            raise BadInput("stored JWT payload is not an object")
        # The claim is chosen by the verified format: a presentation's `vp`, a credential's
        # `vc`. Never another claim riding along in the same token (nothing vouches for it).
        claim = "vp" if cred.format.startswith("vp-") else "vc"
        if isinstance(payload.get(claim), dict):
            return dict(payload[claim])
        if claim == "vp":  # VCDM 2.0 JOSE (vp+jwt): the payload is the presentation itself
            return payload if "VerifiablePresentation" in types_of(payload) else {}
        return payload
    # Stored text is already decoded: parse it as is (no encode/decode round trip per entry).
    doc = loads(cred.raw if cred.raw_encoding == "utf-8" else cred.raw_bytes(), what="stored credential")
    if not isinstance(doc, dict):
        raise BadInput("stored credential is not a JSON object")
    return doc


def credential_view(cred: StoredCredential, cache: Mapping[str, CachedDocument] | None = None
                    ) -> CredentialView:
    if cred.format.startswith("image"):
        raise BadInput("stored entry is an image without a credential")
    document = document_of(cred)
    if is_known(cred.format) and spec(cred.format).family in (Family.VC_JWT, Family.CLR) \
            and cred.format.endswith("-jwt"):
        # VCDM 1.1 JWT: iss, nbf, exp, jti, sub stand in for what the credential leaves out.
        document = with_jwt_claims(document, _jwt_payload(cred))
    view = view_of(cred.format, document, cache, wallet_id=cred.id)
    if view.subject_id is None and cred.format.endswith("-jwt") and not cred.format.startswith("vp-"):
        view.subject_id = _jwt_sub(cred)  # a VC-JWT may name its subject only in `sub`
    return view


def _jwt_payload(cred: StoredCredential) -> dict[str, Any] | None:
    try:
        payload = loads(b64url_decode(cred.raw_bytes().decode("ascii").strip().split(".")[1]),
                        what="JWT payload")
    except (ValueError, IndexError, UnicodeDecodeError, BadInput):
        return None
    return payload if isinstance(payload, dict) else None


def _jwt_sub(cred: StoredCredential) -> str | None:
    payload = _jwt_payload(cred)
    sub = payload.get("sub") if payload is not None else None
    return sub if isinstance(sub, str) else None
