"""Recognise what a blob of bytes is: OB 2.0, OB 3.0 / VC (JSON-LD or JWT), CLR, presentation,
SD-JWT VC.

JWTs: VCDM 1.1 style (`vc` / `vp` claim, the registered claims standing in for properties, see
`with_jwt_claims`) and VCDM 2.0 JOSE (`typ` `vc+jwt` / `vp+jwt`: the payload *is* the credential
or presentation; a `vc`/`vp` claim there is refused as ambiguous). A presentation's
`EnvelopedVerifiableCredential` must carry `data:application/vc+jwt,<compact JWS>` exactly.
An SD-JWT (`<jwt>~<disclosure>~...~[<kb-jwt>]`) with a `vct` claim is an SD-JWT VC; its
document is the processed payload: only disclosed claims that match a signed digest.

Baked images are handed to `credwallet.ingest.unbake`. Nested credentials (CLR, VP) come back
as children. JSON-LD children are kept as compact JSON: Data Integrity proofs sign the
canonical RDF form, not the bytes, so this is not a re-serialisation of signed bytes.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from credwallet.errors import BadInput, InputTooLarge, UnsupportedFormat
from credwallet.formats import Family, spec
from credwallet.ingest import ob1, sdjwt
from credwallet.ingest.jsonutil import dumps_compact, loads

MAX_INPUT_BYTES = 16 * 1024 * 1024
MAX_CHILDREN = 1000

OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/"
OB3_BETA_CONTEXT = "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html"
CLR_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB1_CONTEXT = "https://w3id.org/openbadges/v1"

_JWS_RE = re.compile(rb"^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")


@dataclass
class Recognised:
    format: str  # ob2-hosted, ob2-signed, ob2-assertion-json, ob3-ldp, vc-ldp, ob3-jwt, vc-jwt, ...
    raw: bytes  # the bytes to store and verify (the signed original)
    media_type: str
    document: dict[str, Any] | None = None  # the credential JSON (JWT: the credential claims)
    jwt_header: dict[str, Any] | None = None
    jwt_payload: dict[str, Any] | None = None
    children: list[Recognised] = field(default_factory=list)
    image: bytes | None = None  # the baked image this came out of
    image_media_type: str | None = None
    hosted_url: str | None = None  # a URL the payload only points at (legacy baking)

    @property
    def is_container(self) -> bool:
        return spec(self.format).container


def b64url_decode(part: str | bytes) -> bytes:
    if isinstance(part, str):
        part = part.encode("ascii")
    return base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(doc: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for key in ("type", "@type"):
        for t in as_list(doc.get(key)):
            if isinstance(t, str):
                out.add(t.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return out


def contexts_of(doc: dict[str, Any]) -> list[str]:
    return [c for c in as_list(doc.get("@context")) if isinstance(c, str)]


def _is_ob3(doc: dict[str, Any]) -> bool:
    if types_of(doc) & {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential",
                        "ClrCredential"}:
        return True
    return any(c.startswith((OB3_CONTEXT_PREFIX, OB3_BETA_CONTEXT, CLR_CONTEXT_PREFIX))
               for c in contexts_of(doc))


def recognise(data: bytes, source: str = "") -> Recognised:
    """Recognise one input. Raises BadInput/UnsupportedFormat with a one-line reason."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLarge(f"input is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    stripped = data.strip()
    if not stripped:
        raise BadInput("input is empty")
    if stripped.startswith(b"\x89PNG\r\n\x1a\n") or _looks_like_svg(stripped):
        from credwallet.ingest import unbake

        return unbake.recognise_image(stripped)
    if stripped[:1] in (b"{", b"[") or stripped.startswith(b"\xef\xbb\xbf"):
        doc = loads(stripped, what="credential JSON")
        return recognise_json(doc, raw=data)
    if _JWS_RE.match(stripped):
        return recognise_jws(stripped.decode("ascii"))
    tilde = stripped.find(b"~")
    if tilde > 0 and _JWS_RE.match(stripped[:tilde]):
        return recognise_sd_jwt(stripped.decode("ascii", "replace"))
    if stripped.startswith((b"http://", b"https://")) and len(stripped) < 4096 and b"\n" not in stripped:
        raise UnsupportedFormat("input is a URL; pass it to `credwallet import` as a source")
    raise UnsupportedFormat("not a recognised credential (expected JSON, JWT/JWS, PNG or SVG)")


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head) or (
        head.startswith(b"<!--") and b"<svg" in head
    )


def recognise_json(doc: Any, *, raw: bytes | None = None) -> Recognised:
    if not isinstance(doc, dict):
        raise UnsupportedFormat("credential JSON must be an object")
    raw_bytes = raw if raw is not None else dumps_compact(doc)
    types = types_of(doc)
    if "VerifiablePresentation" in types:
        return Recognised("vp-ldp", raw_bytes, "application/vp+ld+json", document=doc,
                          children=_children(as_list(doc.get("verifiableCredential"))))
    if "ClrCredential" in types:
        subject = doc.get("credentialSubject")
        nested = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        return Recognised("clr-ldp", raw_bytes, "application/vc+ld+json", document=doc,
                          children=_children(as_list(nested)))
    if "VerifiableCredential" in types or types & {"OpenBadgeCredential", "AchievementCredential",
                                                   "EndorsementCredential"}:
        fmt = "ob3-ldp" if _is_ob3(doc) else "vc-ldp"
        return Recognised(fmt, raw_bytes, "application/vc+ld+json", document=doc)
    if ob1_evidence(doc) is not None:
        return _ob1_hosted(doc, raw_bytes)
    if "Assertion" in types or (OB2_CONTEXT in contexts_of(doc) and "recipient" in doc):
        vtype = doc.get("verification", {}).get("type") if isinstance(doc.get("verification"), dict) \
            else None
        vtype = vtype.rsplit(":", 1)[-1] if isinstance(vtype, str) else None
        fmt = "ob2-hosted" if vtype in ("hosted", "HostedBadge", None) else "ob2-assertion-json"
        return Recognised(fmt, raw_bytes, "application/ld+json", document=doc,
                          hosted_url=doc.get("id") if isinstance(doc.get("id"), str) else None)
    if types & {"BadgeClass", "Issuer", "Profile", "CryptographicKey", "RevocationList"}:
        kind = sorted(types & {"BadgeClass", "Issuer", "Profile", "CryptographicKey", "RevocationList"})[0]
        raise UnsupportedFormat(f"this is an Open Badges {kind}, not a credential or assertion")
    raise UnsupportedFormat("JSON is not a recognised credential (no VerifiableCredential, "
                            "VerifiablePresentation, ClrCredential or Assertion type)")


def ob1_evidence(doc: dict[str, Any]) -> str | None:
    """Why `doc` is an Open Badges 1.0 / 1.1 assertion (None when it is not one).

    1.1 names the https://w3id.org/openbadges/v1 context. 1.0 has no context: a `badge` (the
    BadgeClass URL), a `recipient` (an identity string or an object) and `verify`
    {type: hosted|signed, url} where 2.0 has `verification`.
    """
    contexts = [c.rstrip("/") for c in contexts_of(doc)]
    if OB1_CONTEXT in contexts and OB2_CONTEXT not in contexts:
        if "recipient" not in doc and "Assertion" not in types_of(doc):
            return None  # a 1.1 BadgeClass or Issuer: not a credential
        return f"it names the Open Badges 1.1 context {OB1_CONTEXT}"
    if OB2_CONTEXT in contexts or "verification" in doc:
        return None
    verify = doc.get("verify")
    vtype = verify.get("type") if isinstance(verify, dict) else None
    if (isinstance(vtype, str) and vtype.lower() in ("hosted", "signed")
            and isinstance(verify, dict) and isinstance(verify.get("url"), str)
            and isinstance(doc.get("badge"), (str, dict))
            and isinstance(doc.get("recipient"), (str, dict))):
        return f"Open Badges 1.0 shape: `verify` {{type: {vtype}, url}} with a `badge` and a `recipient`"
    return None


def _ob1_document(doc: dict[str, Any], *, signed: bool) -> dict[str, Any]:
    """The assertion in the 2.0 model (`ingest.ob1`); 0.5 and unreadable ones are refused."""
    if isinstance(doc.get("recipient"), str):
        raise UnsupportedFormat("Open Badges 0.5 assertions (the recipient as a bare string) are "
                                "not supported; credwallet reads Open Badges 1.0 and later")
    vtype, _url = ob1.verify_object(doc)
    if vtype is not None and vtype != ("signed" if signed else "hosted"):
        how = "a signed (JWS)" if signed else "an unsigned"
        raise BadInput(f"Open Badges 1.x assertion declares verify.type {vtype!r} but came as "
                       f"{how} document")
    try:
        return ob1.upgrade_assertion(doc)
    except ob1.UpgradeError as exc:
        raise BadInput(f"Open Badges 1.x assertion cannot be read in the 2.0 model: {exc}") from None


def _ob1_hosted(doc: dict[str, Any], raw: bytes) -> Recognised:
    upgraded = _ob1_document(doc, signed=False)
    _vtype, url = ob1.verify_object(doc)
    hosted = url or (upgraded.get("id") if isinstance(upgraded.get("id"), str) else None)
    return Recognised("ob1-hosted", raw, "application/json", document=upgraded, hosted_url=hosted)


def _children(items: list[Any]) -> list[Recognised]:
    if len(items) > MAX_CHILDREN:
        raise InputTooLarge(f"container holds more than {MAX_CHILDREN} credentials")
    out: list[Recognised] = []
    for item in items:
        if isinstance(item, str):
            out.append(recognise_jws(item.strip()))
        elif isinstance(item, dict):
            if "EnvelopedVerifiableCredential" in types_of(item):
                out.append(_enveloped(item))
            else:
                out.append(recognise_json(item))
        else:
            raise BadInput("a contained credential is neither an object nor a JWT string")
    return out


ENVELOPED_MEDIA_TYPE = "application/vc+jwt"


def _enveloped(item: dict[str, Any]) -> Recognised:
    """VCDM 2.0 `EnvelopedVerifiableCredential`: `id` is `data:application/vc+jwt,<JWS>`.

    Strict: exactly that media type, no parameters, no base64 flag, no percent-encoding (a
    compact JWS needs none); the token must be a VCDM 2.0 JOSE credential (no `vc` claim, `typ`
    absent or `vc+jwt`). Anything else is refused rather than guessed at.
    """
    url = item.get("id")
    if not isinstance(url, str) or not url.startswith("data:"):
        raise BadInput("EnvelopedVerifiableCredential without a data: URL id")
    media, sep, body = url[5:].partition(",")
    if not sep:
        raise BadInput("EnvelopedVerifiableCredential id is not a data: URL (no ',')")
    if media.strip().lower() != ENVELOPED_MEDIA_TYPE:
        raise UnsupportedFormat(
            f"enveloped credential media type {media[:60]!r} is not supported "
            f"(only {ENVELOPED_MEDIA_TYPE}, without parameters)"
        )
    child = recognise_jws(body)
    if spec(child.format).family not in (Family.VC_JWT, Family.CLR):
        raise BadInput(f"an {ENVELOPED_MEDIA_TYPE} envelope holds a {spec(child.format).label}")
    typ = _typ(child.jwt_header or {})
    if child.jwt_payload is not None and "vc" in child.jwt_payload:
        raise BadInput(f"an {ENVELOPED_MEDIA_TYPE} envelope holds a VC-JWT 1.1 token (vc claim)")
    if typ not in (None, "vc+jwt"):
        raise BadInput(f"an {ENVELOPED_MEDIA_TYPE} envelope holds a token of typ {typ[:40]!r}")
    return child


def _typ(header: dict[str, Any]) -> str | None:
    """The JOSE `typ`, lower-cased, without the optional "application/" (RFC 7515 4.1.9)."""
    typ = header.get("typ")
    if not isinstance(typ, str):
        return None
    typ = typ.strip().lower()
    return typ.removeprefix("application/")


# VCDM 2.0 JOSE (VC-JOSE-COSE): the payload is the whole document. `vc+ld+jwt` / `vp+ld+jwt`
# are the names earlier drafts of that specification used for the same thing.
VC_JOSE_TYPES = ("vc+jwt", "vc+ld+jwt")
VP_JOSE_TYPES = ("vp+jwt", "vp+ld+jwt")
SD_JWT_TYPES = ("dc+sd-jwt", "vc+sd-jwt", "kb+jwt", "sd-jwt", "example+sd-jwt")


def with_jwt_claims(cred: dict[str, Any], payload: dict[str, Any] | None) -> dict[str, Any]:
    """VCDM 1.1 JWT encoding (VC Data Model 1.1 section 6.3.1): a credential inside the `vc`
    claim may leave out what the registered claims say: `iss` -> issuer, `nbf` -> issuanceDate
    (validFrom for a VCDM 2.0 credential), `exp` -> expirationDate (validUntil), `jti` -> id,
    `sub` -> credentialSubject.id. Returns a copy with what was missing filled in; never
    overrides a property the credential has (disagreements are the verifier's `schema` failure).
    """
    if payload is None or cred is payload:
        return cred
    out = dict(cred)
    contexts = out.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    v1 = first == "https://www.w3.org/2018/credentials/v1"
    iss, jti, sub = payload.get("iss"), payload.get("jti"), payload.get("sub")
    issuer = out.get("issuer")
    if "issuer" not in out and isinstance(iss, str):
        out["issuer"] = iss
    elif isinstance(issuer, dict) and "id" not in issuer and isinstance(iss, str):
        # An issuer object (name, image) whose id the `iss` claim carries (credo, MATTR).
        out["issuer"] = {**issuer, "id": iss}
    if "id" not in out and isinstance(jti, str):
        out["id"] = jti
    start = _numeric_date(payload.get("nbf"))
    if start is not None and not ({"validFrom", "issuanceDate"} & out.keys()):
        out["issuanceDate" if v1 else "validFrom"] = start
    end = _numeric_date(payload.get("exp"))
    if end is not None and not ({"validUntil", "expirationDate"} & out.keys()):
        out["expirationDate" if v1 else "validUntil"] = end
    subject = out.get("credentialSubject")
    if isinstance(sub, str):
        if isinstance(subject, dict) and "id" not in subject:
            out["credentialSubject"] = {**subject, "id": sub}
        elif (isinstance(subject, list) and len(subject) == 1 and isinstance(subject[0], dict)
              and "id" not in subject[0]):
            out["credentialSubject"] = [{**subject[0], "id": sub}]
    return out


def _numeric_date(value: Any) -> str | None:
    """An RFC 7519 NumericDate as an XML Schema dateTime (UTC), or None."""
    from datetime import UTC, datetime

    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def recognise_jws(token: str) -> Recognised:
    if not _JWS_RE.match(token.encode("ascii", "replace")):
        raise BadInput("not a compact JWS/JWT")
    head_b64, payload_b64, _sig = token.split(".")
    try:
        header = loads(b64url_decode(head_b64), what="JWS header")
        payload = loads(b64url_decode(payload_b64), what="JWS payload")
    except (ValueError, UnicodeEncodeError) as exc:  # binascii.Error is a ValueError
        raise BadInput("JWS parts are not base64url-encoded JSON") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise BadInput("JWS header and payload must be JSON objects")
    raw = token.encode("ascii")
    if "vp" in payload and "vc" in payload:
        # One signature, two readings: whichever a reader picks, the other rides along unchecked.
        raise BadInput("JWT carries both a vp and a vc claim; refusing the ambiguous token")
    typ = _typ(header)
    if typ in SD_JWT_TYPES:
        raise UnsupportedFormat(f"a {typ} token is part of an SD-JWT, not a VC-JWT "
                                "(an SD-JWT is '<jwt>~<disclosures>~')")
    if typ in VC_JOSE_TYPES + VP_JOSE_TYPES and ("vc" in payload or "vp" in payload):
        raise BadInput(f"a {typ} token is the document itself; a vc/vp claim in it is ambiguous")
    whole_vp = "VerifiablePresentation" in types_of(payload) and "vp" not in payload
    if typ in VP_JOSE_TYPES and not whole_vp:
        raise BadInput(f"a {typ} token whose payload is not a VerifiablePresentation")
    if typ in VC_JOSE_TYPES and whole_vp:
        raise BadInput(f"a {typ} token whose payload is a VerifiablePresentation")
    if whole_vp or ("vp" in payload and isinstance(payload["vp"], dict)):
        vp = payload if whole_vp else payload["vp"]
        return Recognised("vp-jwt", raw, "application/vp+jwt", document=vp, jwt_header=header,
                          jwt_payload=payload, children=_children(as_list(vp.get("verifiableCredential"))))
    cred = payload["vc"] if isinstance(payload.get("vc"), dict) else payload
    types = types_of(cred)
    if "ClrCredential" in types:
        subject = cred.get("credentialSubject")
        nested = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        return Recognised("clr-jwt", raw, "application/vc+jwt", document=cred, jwt_header=header,
                          jwt_payload=payload, children=_children(as_list(nested)))
    if "VerifiableCredential" in types or types & {"OpenBadgeCredential", "AchievementCredential"}:
        fmt = "ob3-jwt" if _is_ob3(cred) else "vc-jwt"
        return Recognised(fmt, raw, "application/vc+jwt", document=cred, jwt_header=header,
                          jwt_payload=payload)
    if ob1_evidence(payload) is not None:
        return Recognised("ob1-signed", raw, "application/jws",
                          document=_ob1_document(payload, signed=True), jwt_header=header,
                          jwt_payload=payload)
    if "badge" in payload and "recipient" in payload:
        return Recognised("ob2-signed", raw, "application/jws", document=payload, jwt_header=header,
                          jwt_payload=payload)
    raise UnsupportedFormat("JWT does not carry a credential (no vc claim or credential type)")


def recognise_sd_jwt(text: str) -> Recognised:
    """An SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): a `vct` claim in the issuer-signed payload.

    The document is the processed payload with only the Disclosures that match a signed digest
    (`sdjwt.disclosed_payload`); the verifier re-checks everything from `raw`.
    """
    try:
        sd = sdjwt.split(text)
    except sdjwt.SdJwtError as exc:
        raise BadInput(f"malformed SD-JWT: {exc}") from exc
    if "@context" in sd.payload and "vct" not in sd.payload:
        raise UnsupportedFormat("an SD-JWT securing a W3C VCDM credential (VC-JOSE-COSE vc+sd-jwt) "
                                "is not supported; only SD-JWT VC (vct) is")
    if not isinstance(sd.payload.get("vct"), str):
        raise UnsupportedFormat("SD-JWT without a vct claim is not an SD-JWT VC")
    raw = text.strip().encode("ascii")
    return Recognised("sd-jwt-vc", raw, "application/dc+sd-jwt", document=sdjwt.disclosed_payload(sd),
                      jwt_header=sd.header, jwt_payload=sd.payload)
