"""Recognise what a blob of bytes is: OB 2.0, OB 3.0 / VC (JSON-LD or JWT), CLR, presentation.

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
from credwallet.formats import spec
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
    refuse_ob1(doc)
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


def refuse_ob1(doc: dict[str, Any], *, signed: bool = False) -> None:
    """Raise UnsupportedFormat (exit 3) for an Open Badges 1.0 / 1.1 assertion."""
    why = ob1_evidence(doc)
    if why is not None:
        kind = "signed (JWS) " if signed else ""
        raise UnsupportedFormat(
            f"Open Badges 1.x {kind}assertions are not supported ({why}); credwallet verifies "
            "Open Badges 2.0 and 3.0",
            hint="ask the issuer for an Open Badges 2.0 or 3.0 copy of this badge (most "
                 "platforms re-issue old badges on request)")


def _children(items: list[Any]) -> list[Recognised]:
    if len(items) > MAX_CHILDREN:
        raise InputTooLarge(f"container holds more than {MAX_CHILDREN} credentials")
    out: list[Recognised] = []
    for item in items:
        if isinstance(item, str):
            out.append(recognise_jws(item.strip()))
        elif isinstance(item, dict):
            enveloped = item.get("id") if "EnvelopedVerifiableCredential" in types_of(item) else None
            if isinstance(enveloped, str) and enveloped.startswith("data:") and "," in enveloped:
                out.append(recognise_jws(enveloped.split(",", 1)[1]))
            else:
                out.append(recognise_json(item))
        else:
            raise BadInput("a contained credential is neither an object nor a JWT string")
    return out


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
    if "vp" in payload and isinstance(payload["vp"], dict):
        vp = payload["vp"]
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
    refuse_ob1(payload, signed=True)
    if "badge" in payload and "recipient" in payload:
        return Recognised("ob2-signed", raw, "application/jws", document=payload, jwt_header=header,
                          jwt_payload=payload)
    raise UnsupportedFormat("JWT does not carry a credential (no vc claim or credential type)")
