"""A W3C Verifiable Presentation of the selected credentials, signed by the holder.

The credentials go in unchanged: JSON-LD credentials as parsed from their original bytes,
JWT credentials as `EnvelopedVerifiableCredential` data: URLs (VC Data Model 2.0 §4.13).
Open Badges 2.0 assertions are not verifiable credentials, so they are not put in
`verifiableCredential`; their originals travel in a separate, signed `openBadges2Assertions`
field (a JSON literal) with a note on how to check them.

The presentation always uses the VC 2.0 context, whatever the data model of the credentials
in it. VC 1.1 and 2.0 credentials go in side by side: in the VC 2.0 context `verifiableCredential`
is an `@graph` container whose scoped context is `null`, so each contained credential is read
with its own `@context` only (a 1.1 credential's protected terms never meet the 2.0 ones).
A 1.1 presentation could not do that: its `verifiableCredential` keeps the presentation's context,
and a 2.0 credential inside it redefines protected terms. It is signed with Data Integrity
`eddsa-rdfc-2022`, proof purpose `authentication`, by the holder's did:key; `--expires-in`
bounds the proof's life (`expires`: VCDM 2.0 defines no validity period for a presentation).

A credential not issued to the holder never goes in, even with `--include-unmatched`: the
holder's authentication proof over someone else's credential would read as "this is mine".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, assert_never

from credwallet.errors import BadInput, CredwalletError
from credwallet.export.model import ExportItem, ExportOptions, Skipped
from credwallet.formats import Securing, is_known, spec
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import b64url_decode
from credwallet.models.entry import WalletData

V2 = "https://www.w3.org/ns/credentials/v2"
OB2_TERM = "openBadges2Assertions"
OB2_CONTEXT = {OB2_TERM: {"@id": "urn:credwallet:terms:openBadges2Assertions",
                          "@type": "@json"}}
NOTES_TERM = "exportNotes"
NOTES_CONTEXT = {NOTES_TERM: {"@id": "urn:credwallet:terms:exportNotes", "@type": "@json"}}
OB2_NOTE = ("Open Badges 2.0 and 1.x assertions are not W3C verifiable credentials. The holder's "
            "proof on this presentation covers these originals, but each one's authenticity comes "
            "from Open Badges verification: for a hosted assertion, fetch it from where it is "
            "hosted (its id URL; for 1.x its verify.url) and compare; for a signed 2.0 assertion, "
            "check the JWS against the public key in the issuer's profile; for a signed 1.x "
            "assertion, against the PEM key at its verify.url.")


NOT_HOLDER_REASON = ("not issued to the holder ({why}): a presentation signed by the holder "
                     "never holds it, even with --include-unmatched")


OTHER_DID_REASON = ("issued to {did}, not to the wallet's {holder} that signs the presentation: "
                    "a verifier could not tell they are the same person (holder_binding)")


def _other_did(item: ExportItem, holder: str) -> bool:
    subject = item.view.subject_id
    return isinstance(subject, str) and subject.startswith("did:") and subject != holder


class PresentationError(CredwalletError):
    exit_code = 70
    kind = "presentation_failed"


@dataclass
class Presentation:
    document: dict[str, Any]
    included: list[ExportItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return (json.dumps(self.document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _kind(item: ExportItem) -> str:
    """How the stored format goes into a presentation (the registry's `embedding`)."""
    embedding = spec(item.cred.format).embedding
    match embedding:
        case "json-ld":
            return "ldp"
        case "enveloped-jwt":
            return "jwt"
        case "ob2-original":
            return "ob2"
        case "never":
            return "vp"
        case _:
            assert_never(embedding)


def _ldp_document(item: ExportItem) -> dict[str, Any]:
    doc = json.loads(item.cred.raw_bytes().decode("utf-8"))
    if not isinstance(doc, dict):
        raise BadInput("stored credential is not a JSON object")
    return doc


def _cached_contexts(wallet: WalletData) -> dict[str, dict[str, Any]]:
    """Contexts the wallet cached at import, so credentials using them can be canonicalized."""
    out: dict[str, dict[str, Any]] = {}
    for url, doc in wallet.cache.items():
        if doc.kind != "context":
            continue
        try:
            parsed = json.loads(doc.body_bytes())
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(parsed, dict):
            out[url] = parsed
    return out


@dataclass
class _Contents:
    """What goes into the presentation, by how it is embedded, and what is left out (why)."""
    ldp: list[tuple[ExportItem, dict[str, Any]]] = field(default_factory=list)
    jwts: list[ExportItem] = field(default_factory=list)
    ob2: list[ExportItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def included(self) -> list[ExportItem]:
        return [i for i, _ in self.ldp] + self.jwts + self.ob2


def build_presentation(items: list[ExportItem], wallet: WalletData,
                       opts: ExportOptions) -> Presentation:
    holder = wallet.holder.did
    contents = _sort_items(items, holder)
    _only_envelopable(contents)
    doc = _unsigned_document(contents, holder)
    pres = Presentation(document={}, included=contents.included, skipped=contents.skipped)
    if not pres.included:
        return pres
    try:
        pres.document = _sign(doc, wallet, opts)
    except (ValueError, BadInput) as exc:
        return _without_uncanonicalizable(items, contents, exc, wallet, opts)
    return pres


def _sort_items(items: list[ExportItem], holder: str) -> _Contents:
    contents = _Contents()
    containers = _containers_going_in(items, holder)
    for item in items:
        reason = _left_out(item, holder, containers)
        if reason is not None:
            contents.skipped.append(Skipped(item.cred.id, reason))
            continue
        kind = _kind(item)
        if kind == "jwt":
            contents.jwts.append(item)
        elif kind == "ob2":
            contents.ob2.append(item)
        else:
            try:
                contents.ldp.append((item, _ldp_document(item)))
            except (ValueError, UnicodeDecodeError, BadInput):
                contents.skipped.append(Skipped(item.cred.id, "stored credential is not JSON"))
    return contents


def _containers_going_in(items: list[ExportItem], holder: str) -> set[str]:
    """Ids of the containers (CLRs) that go in whole.

    A CLR carries its achievement credentials inside it: do not repeat them next to it.
    Only a container that itself goes in counts (not one left out for holder_binding)."""
    return {i.cred.id for i in items if is_known(i.cred.format) and _kind(i) in ("ldp", "jwt")
            and i.issued_to_holder
            and not _other_did(i, holder)}


def _left_out(item: ExportItem, holder: str, containers: set[str]) -> str | None:
    """Why `item` stays out of the presentation whatever its embedding, or None."""
    if not is_known(item.cred.format):
        return f"format {item.cred.format!r} is unknown to this version of credwallet"
    if not item.issued_to_holder:
        return NOT_HOLDER_REASON.format(why=item.not_holder_why or "its recipient is not you")
    if _other_did(item, holder):
        # The verifier checks holder_binding: a DID subject must be the signing holder.
        return OTHER_DID_REASON.format(did=item.view.subject_id, holder=holder)
    if item.cred.parent_id in containers:
        return f"already inside {item.cred.parent_id}, which is in the presentation"
    if _kind(item) == "vp":
        return "a presentation; export the credentials it holds instead"
    return None


def _jose_v2(item: ExportItem) -> bool:
    """A VCDM 2.0 JOSE credential (the payload is the credential): what `application/vc+jwt`
    envelopes carry. A VC-JWT 1.1 token (credential in a `vc` claim) is not one."""
    try:
        payload = loads(b64url_decode(item.cred.raw_bytes().decode("ascii").strip().split(".")[1]),
                        what="JWT payload")
    except (ValueError, IndexError, UnicodeDecodeError, BadInput):
        return False
    return isinstance(payload, dict) and "vc" not in payload and "vp" not in payload


def _only_envelopable(contents: _Contents) -> None:
    """Only VCDM 2.0 JOSE credentials can be enveloped; a VC-JWT 1.1 token is presented on its
    own (`application/vc+jwt` is defined for VCDM 2.0 payloads only)."""
    for item in [i for i in contents.jwts if not _jose_v2(i)]:
        contents.skipped.append(Skipped(item.cred.id, "a VC-JWT 1.1 token (credential in a `vc` "
                                        "claim) cannot be enveloped as application/vc+jwt; "
                                        "export or send it separately"))
        contents.jwts.remove(item)


def _unsigned_document(contents: _Contents, holder: str) -> dict[str, Any]:
    ob2 = contents.ob2
    unverified = [i for i in contents.included if not i.verified]
    contexts: list[Any] = [V2]
    if ob2 or unverified:
        contexts.append({**(OB2_CONTEXT if ob2 else {}), **(NOTES_CONTEXT if unverified else {})})
    vcs = _embedded_credentials(contents)
    doc: dict[str, Any] = {"@context": contexts, "id": f"urn:uuid:{uuid.uuid4()}",
                           "type": ["VerifiablePresentation"], "holder": holder}
    if vcs:
        doc["verifiableCredential"] = vcs
    if ob2:
        doc[OB2_TERM] = {"note": OB2_NOTE, "assertions": [_ob2_entry(i) for i in ob2]}
    if unverified:
        # Included at the holder's request (--include-unverified): say so inside the signed data.
        doc[NOTES_TERM] = {"unverified": [
            {"id": i.view.credential_id or i.cred.id,
             "reason": "did not pass the holder wallet's verification; do not rely on it"}
            for i in unverified]}
    return doc


def _embedded_credentials(contents: _Contents) -> list[Any]:
    """JSON-LD credentials as parsed (VC 1.1 and 2.0 alike, each with its own @context);
    JWT credentials as enveloped data: URLs."""
    vcs: list[Any] = [d for _, d in contents.ldp]
    for item in contents.jwts:
        token = item.cred.raw_bytes().decode("ascii").strip()
        vcs.append({"@context": V2, "id": f"data:application/vc+jwt,{token}",
                    "type": "EnvelopedVerifiableCredential"})
    return vcs


def _sign(doc: dict[str, Any], wallet: WalletData, opts: ExportOptions) -> dict[str, Any]:
    from credwallet.verify import sign_data_integrity
    from credwallet.wallet.holder import holder_seed, holder_verification_method

    return sign_data_integrity(
        doc, seed=holder_seed(wallet), verification_method=holder_verification_method(wallet),
        proof_purpose="authentication", created=opts.now, challenge=opts.challenge,
        domain=opts.domain, cryptosuite="eddsa-rdfc-2022", expires=presentation_expires(opts),
        extra_contexts=_cached_contexts(wallet))


def presentation_expires(opts: ExportOptions) -> datetime | None:
    """When the holder's proof stops being valid (`--expires-in`), or None."""
    if opts.expires_in is None:
        return None
    return (opts.now + opts.expires_in).astimezone(UTC).replace(microsecond=0)


def _without_uncanonicalizable(items: list[ExportItem], contents: _Contents, exc: Exception,
                               wallet: WalletData, opts: ExportOptions) -> Presentation:
    """Signing failed: build the presentation again without the credentials that can fail it.

    Only a credential that failed verification (kept with --keep-invalid, exported with
    --include-unverified) can make canonicalization fail: leave those out and try again."""
    bad_ldp = [i for i, _ in contents.ldp if not i.verified]
    if not bad_ldp:
        raise BadInput(f"cannot sign the presentation: {exc}") from None
    skipped = contents.skipped
    for i in bad_ldp:
        skipped.append(Skipped(i.cred.id, "unverified and cannot be canonicalized, so it "
                                          f"cannot be put in a signed presentation ({exc})"))
    keep = {i.cred.id for i in bad_ldp}
    retry = [i for i in items if i.cred.id not in keep]
    again = build_presentation(retry, wallet, opts)
    again.skipped = skipped + [s for s in again.skipped if s not in skipped]
    return again


def _ob2_entry(item: ExportItem) -> dict[str, Any]:
    raw = item.cred.raw_bytes().decode("utf-8", "replace")
    fmt = spec(item.cred.format)
    signed = fmt.securing is Securing.JWS
    entry: dict[str, Any] = {
        "format": "Open Badges 2.0 hosted assertion" if fmt.id == "ob2-assertion-json" else fmt.label,
        "original": raw.strip() if signed else raw,
    }
    if item.view.credential_id:
        entry["id"] = item.view.credential_id
    return entry


def check_presentation(pres: Presentation, wallet: WalletData, opts: ExportOptions) -> None:
    """Verify what was just signed, with credwallet's own verifier, before handing it out."""
    from credwallet.verify import DictMaterial, verify_bytes

    result = verify_bytes(pres.to_bytes(), now=opts.now, material=DictMaterial(wallet.cache),
                          holder_did=wallet.holder.did, format="vp-ldp")
    bad = [c for c in result.checks if c.check in ("proof", "key_binding", "contexts", "holder_binding")
           and c.status == "failed"]
    if bad:
        raise PresentationError("the signed presentation does not verify: "
                                + "; ".join(f"{c.check}: {c.detail}" for c in bad))
